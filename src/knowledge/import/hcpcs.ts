/**
 * The HCPCS Level II alpha-numeric file as CMS publishes it each quarter (july-2026-alpha-numeric-hcpcs-file.zip,
 * member `HCPC2026_JUL_ANWEB_06172026.txt`; the annual file of earlier years was `HCPC2019_CONTR_ANWEB.txt`). Only
 * the fixed-width .txt is read (not the .xlsx of the same zip).
 *
 * Record layout (CMS "HCPCS Contractor Record" layout, HCPCS2019_recordlayout.txt of the 2019 record-layout zip, and
 * checked against the records of the real 2019 file): HCPCS code 1-5 (a modifier record has three blanks and the
 * modifier in 4-5), sequence number 6-10 (by 100s, groups the lines of one code), record identification code 11
 * (3 = first line of a procedure, 4 = its continuation lines, 7 = first line of a modifier, 8 = its continuation
 * lines; only first lines carry positions 92 onwards), long description 12-91 (80 characters a line, broken between
 * words), short description 92-119, pricing indicators 120-127 (four of two), multiple pricing indicator 128,
 * coverage issues manual 129-146, carriers manual 147-170, statute 171-180, lab certification 181-204, cross
 * reference 205-229, coverage code 230, ASC group and date 231-240, OPPS/MOG fields 241-252, processing note
 * 253-256, BETOS 257-259, type of service 261-265, anesthesia base units 266-268, code added date 269-276, action
 * effective date 277-284, termination date 285-292 (all YYYYMMDD, blank when not set), action code 293 (A add, B, C,
 * D discontinue, F, N no maintenance, P, R reactivate, S, T), filler 294-320. The 2019 file pads every record to 320
 * characters and starts with a few tab-filled disclaimer lines; the 2026 quarterly file has 293-character first
 * lines and no disclaimer (its first record is modifier A1, "Dressing for one wound"), per GitHub repositories that
 * read HCPC2026_JUL_ANWEB_06172026.txt. The July 2026 file has 16,826 lines, 8,725 procedure codes and about 384
 * modifiers.
 *
 * Sources: GitHub dewittpe/cms.hcpcs data-raw/2019-HCPCS-Record-Layout.zip and 2019-Alpha-Numeric-HCPCS-File.zip
 * (CMS originals); the code list ../shared/data/cms/hcpcs-level2-2026-07-codes.txt.gz (8,725 codes); repositories
 * parsing the July 2026 member (line length 293, termination date 285-292, RIC 3/4/7/8, 16,826 lines).
 *
 * One row per procedure code, its continuation lines joined into `long` with single spaces. Modifier records (7, 8)
 * are not a KIND_TABLES column and are skipped (counted in rowCounts.modifiers). Dates: YYYYMMDD ints, INT_NULL when blank.
 */
import { TableBuilder } from './table.js';
import { decodeText, isProcedureCode, lines, parseCmsDate } from './text.js';
import { ImportError, KIND_TABLES, type EffectivePeriod, type ImportedData, type Importer, type ImportFile } from './types.js';

/** A first line must reach the action code. */
const FIRST_LINE = 293;
const DATES: readonly { name: string; from: number }[] = [
  { name: 'code added date', from: 269 },
  { name: 'action effective date', from: 277 },
  { name: 'termination date', from: 285 },
];

interface Pending {
  code: string;
  short: string;
  long: string[];
  dates: (number | null)[];
  action: string;
}

const MONTHS: Record<string, [string, string]> = {
  JAN: ['January', '01'],
  FEB: ['February', '02'],
  MAR: ['March', '03'],
  APR: ['April', '04'],
  MAY: ['May', '05'],
  JUN: ['June', '06'],
  JUL: ['July', '07'],
  AUG: ['August', '08'],
  SEP: ['September', '09'],
  OCT: ['October', '10'],
  NOV: ['November', '11'],
  DEC: ['December', '12'],
};

/** Edition ("2026 July") and effective date (first of that month) from the member name. */
export function hcpcsEdition(name: string): { edition: string; effective: EffectivePeriod | undefined } {
  const base = name.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const m = /HCPC(\d{4})_([A-Za-z]{3})_/i.exec(base);
  const month = m ? MONTHS[m[2]!.toUpperCase()] : undefined;
  if (m && month) return { edition: `${m[1]} ${month[0]}`, effective: { from: `${m[1]}-${month[1]}-01`, to: null } };
  const year = /HCPC(\d{4})/i.exec(base);
  return { edition: year ? year[1]! : base, effective: undefined };
}

function readHcpcs(file: ImportFile): ImportedData {
  const b = file.bytes;
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
    throw new ImportError(file.name, undefined, undefined, 'the fixed-width HCPCS .txt (HCPC<yyyy>_<MON>_ANWEB_<date>.txt; this is a zip archive or an .xlsx workbook)');
  }
  const builder = new TableBuilder(KIND_TABLES.hcpcs.codes);
  const warnings: string[] = [];
  const seen = new Map<string, number>();
  let pending: Pending | undefined;
  let modifier: string | undefined;
  let modifiers = 0;
  let records = 0;
  let skipped = 0;
  const flush = (): void => {
    if (!pending) return;
    const [added, effective, terminated] = pending.dates;
    builder.add([pending.code, pending.short, pending.long.join(' '), added ?? null, effective ?? null, terminated ?? null, pending.action]);
    pending = undefined;
  };
  for (const { text: raw, line } of lines(decodeText(b))) {
    if (records === 0 && (raw.trim() === '' || raw.includes('\t') || raw.startsWith('*'))) {
      // The disclaimer lines some years put before the first record.
      skipped++;
      continue;
    }
    if (raw.trim() === '') {
      warnings.push(`${file.name}:${line}: an empty line was skipped`);
      continue;
    }
    const ric = raw.charAt(10);
    if (!['3', '4', '7', '8'].includes(ric)) {
      throw new ImportError(file.name, line, 11, 'a record identification code 3, 4, 7 or 8 in position 11 of an HCPCS record (this does not look like the HCPCS alpha-numeric file)', raw.slice(0, 12));
    }
    records++;
    const code = raw.slice(0, 5);
    const text = raw.slice(11, 91).trim();
    if (ric === '7' || ric === '8') {
      const mod = code.trim();
      // The layout puts the modifier in 4-5 after three blanks; a left-aligned modifier is accepted too.
      if (!/^[0-9A-Z]{2}$/.test(mod) || (code !== `   ${mod}` && code !== `${mod}   `)) throw new ImportError(file.name, line, 1, 'a modifier record: three blanks and a two-character modifier in positions 1-5', code);
      if (ric === '8' && mod !== modifier) throw new ImportError(file.name, line, 1, `a continuation of modifier ${modifier ?? '(none yet)'}`, mod);
      if (ric === '7') {
        flush();
        modifier = mod;
        modifiers++;
      }
      continue;
    }
    if (!isProcedureCode(code)) throw new ImportError(file.name, line, 1, 'an HCPCS code in positions 1-5', code);
    if (ric === '4') {
      if (!pending || pending.code !== code) throw new ImportError(file.name, line, 1, `a continuation line of ${pending ? pending.code : 'a code whose first line (identification code 3) comes before it'}`, code);
      pending.long.push(text);
      continue;
    }
    flush();
    modifier = undefined;
    if (raw.length < FIRST_LINE) {
      throw new ImportError(file.name, line, raw.length + 1, `a first record of at least ${FIRST_LINE} characters (dates in 269-292, action code in 293); this one ends at position ${raw.length}`);
    }
    const earlier = seen.get(code);
    if (earlier !== undefined) throw new ImportError(file.name, line, 1, `one first record per code (${code} starts on line ${earlier})`, code);
    seen.set(code, line);
    const dates = DATES.map(({ name, from }) => {
      const field = raw.slice(from - 1, from + 7);
      if (field.trim() === '') return null;
      const value = /^\d{8}$/.test(field) ? parseCmsDate(field) : undefined;
      if (value === undefined) throw new ImportError(file.name, line, from, `a ${name} as YYYYMMDD (or blank)`, field);
      return value;
    });
    const action = raw.charAt(292).trim();
    if (action !== '' && !/^[A-Z]$/.test(action)) throw new ImportError(file.name, line, 293, 'an action code (one letter: A, B, C, D, F, N, P, R, S, T)', action);
    pending = { code, short: raw.slice(91, 119).trim(), long: [text], dates, action };
  }
  flush();
  if (builder.rows === 0) throw new ImportError(file.name, undefined, undefined, 'at least one HCPCS procedure record (identification code 3)');
  if (skipped > 0) warnings.push(`${file.name}: ${skipped} disclaimer line(s) before the first record were skipped`);
  const { edition, effective } = hcpcsEdition(file.name);
  return {
    tables: { codes: builder.build() },
    edition,
    effective,
    rowCounts: { codes: builder.rows, modifiers, records },
    warnings,
  };
}

/** HCPCS Level II alpha-numeric file (fixed-width text). */
export const hcpcs: Importer = {
  kind: 'hcpcs',
  files: 'the fixed-width HCPCS Level II file from the quarterly alpha-numeric zip (HCPC2026_JUL_ANWEB_06172026.txt)',
  fileCount: { min: 1, max: 1 },
  read: (files) => readHcpcs(files[0]!),
};
