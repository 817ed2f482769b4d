// Deterministic generator of a full-size NCCI PTP quarter in CMS's text layout (ccipra-/ccioph-v<NN><Q>r<R>-f1..f4.txt),
// for the benchmark of the PTP importer (src/knowledge/import/ptp.ts, whose top comment gives the layout's sources).
// Synthetic code pairs from a seeded PRNG (mulberry32): no Math.random, no clock. Not CMS data.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../encounters.js';

/** Rows per part as CMS published them: practitioner v32.2 (2026 Q3); outpatient hospital v32.3 (total only, split evenly). */
const PARTS = {
  practitioner: { prefix: 'ccipra', version: 'v322r0', rows: [675037, 675235, 674890, 608227] },
  hospital: { prefix: 'ccioph', version: 'v323r0', rows: [467221, 467221, 467220, 467220] },
};

const CRLF = '\r\n';
const HEADER =
  [
    'CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t',
    'Column1/Column2 Edits\t\t\t\t\t\t',
    'Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale',
    '\t\tprior to 1996\tDate\tDate\t0=not allowed\t',
    '\t\t\t\t*=no data\t1=allowed\t',
    '\t\t\t\t\t9=not applicable\t',
  ].join(CRLF) + CRLF;

// Rationale categories as the files spell them, with a rough weight.
const RATIONALES = [
  ['Misuse of Column Two code with Column One code', 30],
  ['Standards of medical/surgical practice', 25],
  ['CPT Manual or CMS manual coding instruction', 20],
  ['Mutually exclusive procedures', 10],
  ['HCPCS/CPT procedure code definition', 6],
  ['CPT Separate procedure definition', 5],
  ['More extensive procedure', 2],
  ['Anesthesia service included in surgical procedure', 2],
];
const RATIONALE_TOTAL = RATIONALES.reduce((s, [, w]) => s + w, 0);

function pickRationale(rand) {
  let r = rand() * RATIONALE_TOTAL;
  for (const [text, w] of RATIONALES) {
    r -= w;
    if (r < 0) return text;
  }
  return RATIONALES[0][0];
}

/** About 16,000 distinct codes in the shapes the files hold, sorted as CMS sorts them (by the code's characters). */
function codePool(rand) {
  const codes = [];
  for (let n = 100; n <= 99607; n++) if (rand() < 0.11) codes.push(String(n).padStart(5, '0'));
  for (let n = 1; n <= 999; n++) if (rand() < 0.6) codes.push(`${String(n).padStart(4, '0')}T`);
  for (let n = 1; n <= 550; n++) if (rand() < 0.5) codes.push(`${String(n).padStart(4, '0')}U`);
  for (let n = 1; n <= 60; n++) if (rand() < 0.3) codes.push(`${String(n).padStart(4, '0')}${rand() < 0.5 ? 'A' : 'M'}`);
  for (const letter of 'ACGJQ') for (let n = 0; n <= 9999; n++) if (rand() < 0.03) codes.push(`${letter}${String(n).padStart(4, '0')}`);
  return [...new Set(codes)].sort();
}

const QUARTER_START = ['0101', '0401', '0701', '1001'];
const QUARTER_END = ['0331', '0630', '0930', '1231'];

/**
 * Writes the four .txt files of one PTP quarter into `dir` (created if missing).
 * `rows` defaults to the published size (practitioner 2,633,389, hospital 1,868,882), split over f1-f4 in the
 * published proportions. About a quarter of the rows are deleted; modifier indicators about 3.5% 0, 95% 1, 1.5% 9
 * (9: deleted the day it took effect); about 3% are marked as in existence prior to 1996.
 * Returns { files: the four paths, rows, deleted }.
 */
export function writePtpQuarter(dir, { kind = 'practitioner', rows, seed = 1, version } = {}) {
  const layout = PARTS[kind];
  if (!layout) throw new Error(`kind must be practitioner or hospital, got ${kind}`);
  const published = layout.rows.reduce((s, r) => s + r, 0);
  const total = rows ?? published;
  const perPart = layout.rows.map((r) => Math.floor((r * total) / published));
  perPart[3] += total - perPart.reduce((s, r) => s + r, 0);
  const rand = prng(seed);
  const pool = codePool(rand);
  const P = pool.length;
  const column1Count = Math.max(1, Math.min(Math.round(P * 0.8), Math.ceil(total / 4)));
  const meanFanOut = total / column1Count;
  mkdirSync(dir, { recursive: true });

  const files = [];
  let deleted = 0;
  let written = 0;
  let c1Step = 1;
  let c1Position = 0;
  // The Column 1 code being written and its remaining Column 2 codes.
  let column1 = pool[0];
  let c2Position = 0;
  let c2Gap = 1;
  let remaining = 0;
  let rationale = RATIONALES[0][0];

  const nextColumn1 = () => {
    // Spread the Column 1 codes left over the rows left, so that the walk ends near the last code.
    const left = Math.max(1, Math.round((total - written) / meanFanOut));
    c1Step = Math.max(1, (P - c1Position) / left);
    column1 = pool[Math.min(P - 1, Math.floor(c1Position))];
    c1Position += c1Step;
    // Fan-out between 1 and about 3 times the mean, so that the Column 2 walk fits the pool.
    remaining = Math.max(1, Math.round(meanFanOut * (0.25 + 1.5 * rand())));
    c2Gap = Math.max(1, Math.floor(P / remaining) - 1);
    c2Position = Math.floor(rand() * Math.min(c2Gap, P));
    rationale = pickRationale(rand);
  };
  nextColumn1();

  for (let part = 0; part < 4; part++) {
    const path = join(dir, `${layout.prefix}-${version ?? layout.version}-f${part + 1}.txt`);
    const fd = openSync(path, 'w');
    writeSync(fd, HEADER);
    let chunk = [];
    for (let i = 0; i < perPart[part]; i++) {
      if (remaining === 0 || c2Position >= P) {
        // Past the last Column 1 code or the pool: start over the walk (later rows repeat keys, as a few real ones do).
        if (c1Position >= P) {
          c1Position = 0;
        }
        nextColumn1();
      }
      const column2 = pool[c2Position];
      c2Position += 1 + Math.floor(rand() * 2 * c2Gap);
      remaining--;
      if (rand() < 0.3) rationale = pickRationale(rand);
      const pre1996 = rand() < 0.03;
      const year = pre1996 ? 1996 : 1996 + Math.floor(rand() * 31);
      const q = pre1996 ? 0 : Math.floor(rand() * 4);
      const effective = `${year}${QUARTER_START[q]}`;
      const m = rand();
      const modifier = m < 0.016 ? '9' : m < 0.051 ? '0' : '1';
      let deletion = '*';
      if (modifier === '9') deletion = effective;
      else if (rand() < 0.235) {
        const endYear = Math.min(2026, year + Math.floor(rand() * (2027 - year)));
        deletion = `${endYear}${QUARTER_END[endYear === year ? 3 : Math.floor(rand() * 4)]}`;
      }
      if (deletion !== '*') deleted++;
      chunk.push(`${column1}\t${column2}\t${pre1996 ? '*' : ''}\t${effective}\t${deletion}\t${modifier}\t${rationale}${CRLF}`);
      if (chunk.length === 20000) {
        writeSync(fd, chunk.join(''));
        chunk = [];
      }
      written++;
    }
    if (chunk.length) writeSync(fd, chunk.join(''));
    closeSync(fd);
    files.push(path);
  }
  return { files, rows: written, deleted };
}
