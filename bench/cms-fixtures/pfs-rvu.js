// Full-size synthetic PFS relative value files (PPRRVU) in CMS's published layouts, for benchmarks of the pfs-rvu
// importer. The CSV follows the CY2025 file (PPRRVU2025_Oct.csv of RVU25D: five title lines, a column header stacked
// over five rows, 31 columns, CRLF); the .txt follows the fixed-width record (HDR lines of 50 characters, then
// 171-character records). Layout sources: see src/knowledge/import/pfs-rvu.ts. RVU25D has 19,090 rows for 16,852
// codes. Rows are synthetic (a seeded PRNG), deterministic for a seed; no clock, no Math.random.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../encounters.js';

const MONTH_NAME = { JAN: 'January', APR: 'April', JUL: 'July', OCT: 'October' };

/** The five title lines and the five stacked column-header rows of the CSV (31 columns). */
export function pprrvuCsvHeader({ year = 2025, month = 'OCT', released = '09/11/2025' } = {}) {
  const pad = (text) => `,,${text},,,,,,,,,,,,,,,,,,,,,,,,,,,,`;
  return [
    pad(`${year} National Physician Fee Schedule Relative Value File ${MONTH_NAME[month] ?? month} Release`),
    pad(`CPT codes and descriptions only are copyright ${year - 1} American Medical Association.  All Rights Reserved.  Applicable FARS/DFARS Apply. `),
    pad(`Dental codes (D codes) are copyright ${year}/${String(year + 1).slice(2)} American Dental Association.  All Rights Reserved.`),
    pad(' '),
    pad(`RELEASED ${released}`),
    ',, , ,,,,,,,,,,,,,,,,,,,,,,,,,NON-FACILITY,FACILITY,',
    ',,,,NOT USED,,,,,,,,,,,,,,,,,,,,,PHYSICIAN,,DIAGNOSTIC,PE USED,PE USED,MP USED',
    ',,,,FOR,,,NON-FAC,,FACILITY ,,,,,,,,,,,,,,,,SUPERVISION OF,,IMAGING,FOR OPPS,FOR OPPS,FOR OPPS',
    ',,,STATUS,MEDICARE ,WORK,NON-FAC,NA,FACILITY,NA,MP,NON-FACILITY,FACILITY,PCTC,GLOB,PRE,INTRA,POST,MULT,BILAT,ASST,CO-,TEAM,ENDO,CONV,DIAGNOSTIC,CALCULATION,FAMILY,PAYMENT,PAYMENT,PAYMENT',
    'HCPCS,MOD,DESCRIPTION,CODE,PAYMENT,RVU,PE RVU,INDICATOR,PE RVU,INDICATOR,RVU,TOTAL,TOTAL,IND,DAYS,OP,OP,OP,PROC,SURG,SURG,SURG,SURG,BASE,FACTOR,PROCEDURES,FLAG,INDICATOR,AMOUNT,AMOUNT,AMOUNT',
  ];
}

/** The seven HDR records of the fixed-width file (50 characters each). */
export function pprrvuTxtHeader({ year = 2025 } = {}) {
  return [
    'CPT CODES AND DESCRIPTIONS ONLY ARE COPYRIGHT',
    `${year + 1} AMERICAN MEDICAL ASSOCIATION.  ALL RIGHTS`,
    'RESERVED.  APPLICABLE FARS/DFARS APPLY.',
    'THE FOLLOWING STATEMENT APPLIES TO ALL DENTAL',
    'CODES (HCPCS START WITH LETTER D):  COPYRIGHT',
    `${year}/${String(year + 1).slice(2)} AMERICAN DENTAL ASSOCIATION.  ALL RIGH`,
    'RESERVED.',
  ].map((t) => `HDR ${t}`.padEnd(50));
}

const f2 = (n) => n.toFixed(2);
/** A percentage of the global package as the file writes it: ".10", ".00" (CSV: "0.10"). */
const pct = (n) => n.toFixed(2).replace(/^0/, '');
const quote = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * One row: { code, mod, description, status, notUsed, work, nfPe, nfNa, fPe, fNa, mp, nfTotal, fTotal, pctc, glob,
 * pre, intra, post, mult, bilat, asst, co, team, endo, cf, supervision, calc, family, oppsNf, oppsF, oppsMp }.
 */
export function pprrvuCsvLine(r) {
  return [
    r.code, r.mod, quote(r.description), r.status, r.notUsed, f2(r.work), f2(r.nfPe), r.nfNa, f2(r.fPe), r.fNa, f2(r.mp), f2(r.nfTotal), f2(r.fTotal),
    r.pctc, r.glob, f2(r.pre), f2(r.intra), f2(r.post), r.mult, r.bilat, r.asst, r.co, r.team, r.endo, r.cf.toFixed(4), r.supervision, r.calc, r.family,
    f2(r.oppsNf), f2(r.oppsF), f2(r.oppsMp),
  ].join(',');
}

/** The same row as a 171-character fixed-width record. */
export function pprrvuTxtLine(r) {
  const line =
    r.code.padEnd(5) + r.mod.padEnd(2) + r.description.slice(0, 50).padEnd(50) + r.status + (r.notUsed || ' ') +
    f2(r.work).padStart(6) + ' ' + f2(r.nfPe).padStart(6) + r.nfNa.padEnd(2) + ' ' + f2(r.fPe).padStart(6) + r.fNa.padEnd(2) + ' ' +
    f2(r.mp).padStart(5) + ' ' + f2(r.nfTotal).padStart(6) + f2(r.fTotal).padStart(6) + r.pctc + r.glob +
    pct(r.pre) + pct(r.intra) + pct(r.post) + r.mult + r.bilat + r.asst + r.co + r.team + ' '.repeat(7) + r.endo.padEnd(5) +
    r.cf.toFixed(4).padStart(8) + ' ' + r.supervision + r.calc + ' ' + r.family + ' '.repeat(4) +
    f2(r.oppsNf).padStart(6) + ' ' + f2(r.oppsF).padStart(6) + ' ' + f2(r.oppsMp).padStart(6);
  if (line.length !== 171) throw new Error(`PPRRVU record of ${line.length} characters for ${r.code}`);
  return line;
}

const WORDS = ['bone', 'density', 'study', 'axial', 'exam', 'repair', 'incision', 'injection', 'ther', 'proc', 'xray', 'ct', 'mri', 'us', 'guid', 'w/o', 'dx', 'each', 'addl', 'lesion', 'skin', 'cardiac', 'nerve', 'block', 'scan', 'visit', 'est', 'new', 'pt', 'hr'];
const STATUS = [['A', 47], ['X', 13], ['E', 8], ['I', 8], ['C', 7], ['M', 6], ['R', 6], ['N', 2], ['J', 2], ['P', 1]];
const GLOB = [['XXX', 61], ['090', 20], ['000', 7], ['YYY', 5], ['ZZZ', 4], ['010', 3]];
const LETTERS = 'ABCEGJKLQ';

function pick(rand, weighted) {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [v, w] of weighted) if ((x -= w) < 0) return v;
  return weighted[weighted.length - 1][0];
}

/** The k-th synthetic code, increasing with k: 5-digit CPT-like codes, then letter + 4 digits. */
function codeAt(k, rand) {
  if (k < 12000) return String(10000 + k * 7 + Math.floor(rand() * 7));
  const j = k - 12000;
  if (j >= LETTERS.length * 900) throw new RangeError('writePprrvu: more codes than the synthetic code space holds (about 20,000)');
  return LETTERS[Math.floor(j / 900)] + String((j % 900) * 11 + Math.floor(rand() * 11)).padStart(4, '0');
}

/** Synthetic PPRRVU rows, sorted like the CMS file (global row, then 26 and TC). */
export function pprrvuRows({ rows = 19090, seed = 1, cf = 32.3465 } = {}) {
  const rand = prng(seed);
  const out = [];
  for (let k = 0; out.length < rows; k++) {
    const code = codeAt(k, rand);
    const status = pick(rand, STATUS);
    const paid = status === 'A' || status === 'R' || status === 'T';
    const split = paid && rand() < 0.22;
    const description = Array.from({ length: 2 + Math.floor(rand() * 3) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ').slice(0, 28);
    const work = paid && rand() < 0.7 ? Math.round(rand() * 2000) / 100 : 0;
    const nfPe = paid ? Math.round(rand() * 1500) / 100 : 0;
    const fPe = paid ? Math.round(rand() * nfPe * 100) / 100 : 0;
    const mp = paid ? Math.round(rand() * 300) / 100 : 0;
    const glob = paid ? pick(rand, GLOB) : 'XXX';
    const surgical = glob === '090' || glob === '010';
    const base = {
      code, description, status, notUsed: !paid && rand() < 0.02 ? '+' : '', nfNa: paid && rand() < 0.2 ? 'NA' : '', fNa: '', glob,
      pre: surgical ? 0.1 : 0, intra: surgical ? 0.69 : 0, post: surgical ? 0.21 : 0, mult: paid ? String(Math.floor(rand() * 3)) : '9',
      bilat: paid ? '0' : '9', asst: paid ? String(Math.floor(rand() * 3)) : '9', co: paid ? '0' : '9', team: paid ? '0' : '9', endo: '', cf, calc: '0', family: '99',
    };
    const row = (mod, w, nf, f, m, pctc, supervision, opps) => ({
      ...base, mod, work: w, nfPe: nf, fPe: f, mp: m, nfTotal: Math.round((w + nf + m) * 100) / 100, fTotal: Math.round((w + f + m) * 100) / 100,
      fNa: mod === 'TC' || (split && mod === '') ? 'NA' : base.fNa, pctc, supervision, oppsNf: opps, oppsF: opps, oppsMp: opps ? 0.05 : 0,
    });
    if (split) {
      const pcPe = Math.round(nfPe * 10) / 100;
      const opps = Math.round(rand() * 500) / 100;
      out.push(row('', work, nfPe, nfPe, mp, '1', '09', opps));
      if (out.length < rows) out.push(row('26', work, pcPe, pcPe, 0.01, '1', '09', 0));
      if (out.length < rows) out.push(row('TC', 0, Math.round((nfPe - pcPe) * 100) / 100, Math.round((nfPe - pcPe) * 100) / 100, mp, '1', '01', opps));
    } else {
      out.push(row('', work, nfPe, fPe, mp, paid ? '0' : '9', '09', 0));
    }
  }
  return out;
}

/**
 * Writes a full-size PPRRVU file into `dir`: the CSV (default, PPRRVU2025_Oct.csv) or, with format 'txt', the
 * fixed-width PPRRVU2025_Oct.txt. Returns { path, rows }.
 */
export function writePprrvu(dir, { rows = 19090, seed = 1, format = 'csv', name } = {}) {
  mkdirSync(dir, { recursive: true });
  const data = pprrvuRows({ rows, seed });
  const lines = format === 'txt' ? [...pprrvuTxtHeader(), ...data.map(pprrvuTxtLine)] : [...pprrvuCsvHeader(), ...data.map(pprrvuCsvLine)];
  const path = join(dir, name ?? `PPRRVU2025_Oct.${format === 'txt' ? 'txt' : 'csv'}`);
  writeFileSync(path, `${lines.join('\r\n')}\r\n`, 'latin1');
  return { path, rows: data.length };
}
