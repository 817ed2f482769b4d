/**
 * The CMS Physician Fee Schedule relative value file (PPRRVU), one member of the quarterly RVU zip (RVU26A.zip,
 * RVU26B ... RVU26D, corrections RVU26AR): `PPRRVU<yy>_<MON>.csv` (CY2024/CY2025 January, e.g. PPRRVU24_JAN.csv),
 * `PPRRVU<yyyy>_<Mon>.csv` (e.g. PPRRVU2025_Oct.csv) and, from CY2026, `PPRRVU<yyyy>_<Mon>_nonQPP.csv` and `..._QPP.csv`
 * (the two conversion factors). Both the comma-delimited and the fixed-width `.txt` forms are read; the `.xlsx` is not.
 *
 * CSV layout (verified on the real RVU25D file PPRRVU2025_Oct.csv, 19,100 lines): five title lines whose text sits in
 * the third cell (",,2025 National Physician Fee Schedule Relative Value File October Release,,,...", the AMA and ADA
 * copyright notices, a blank line, "RELEASED 09/11/2025"), then a column header stacked over five rows, the last
 * starting "HCPCS,MOD,DESCRIPTION,CODE,PAYMENT,RVU,PE RVU,INDICATOR,PE RVU,INDICATOR,RVU,TOTAL,TOTAL,IND,DAYS,...";
 * read top to bottom the cells of one column give "STATUS CODE", "NOT USED FOR MEDICARE PAYMENT", "WORK RVU",
 * "NON-FAC PE RVU", "NON-FAC NA INDICATOR", "FACILITY PE RVU", "FACILITY NA INDICATOR", "MP RVU", "NON-FACILITY
 * TOTAL", "FACILITY TOTAL", "PCTC IND", "GLOB DAYS", "PRE OP", "INTRA OP", "POST OP", "MULT PROC", "BILAT SURG",
 * "ASST SURG", "CO- SURG", "TEAM SURG", "ENDO BASE", "CONV FACTOR", "PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES",
 * "CALCULATION FLAG", "DIAGNOSTIC IMAGING FAMILY INDICATOR" and the three "... USED FOR OPPS PAYMENT AMOUNT" columns
 * (31 columns). Rows follow, one per code and modifier (blank: global; 26, TC, 53), sorted by code with the global
 * row first; RVUs written "0.20", the conversion factor "32.3465"; the NA indicators are separate columns (the PE RVU
 * cell keeps its number). CY2026 inserts a 32nd column (a QPP "pricing indicator", 1 or 9) before ENDO BASE, so
 * columns are found by their stacked header text, never by position.
 *
 * Fixed-width layout (CMS record layout RVU26A, checked position by position against the real PPRRVU2025_Oct.txt):
 * header records "HDR" + copyright text (50 characters), then 171-character records: HCPCS 1-5, modifier 6-7,
 * description 8-57, status 58, not used for Medicare payment 59 ("+"), work RVU 60-65, non-facility PE RVU 67-72,
 * non-facility NA indicator 73-74, facility PE RVU 76-81, facility NA indicator 82-83, malpractice RVU 85-89,
 * non-facility total 91-96, facility total 97-102, PC/TC indicator 103, global days 104-106, pre/intra/post-op
 * 107-115, multiple procedure 116, bilateral 117, assistant 118, co-surgeons 119, team 120, pricing indicator 121
 * (CY2026), endoscopic base code 128-132, conversion factor 133-140, supervision 142-143, calculation flag 144,
 * imaging family 146-147, OPPS PE and MP amounts 152-171.
 *
 * Sources: the real RVU25D files vendored by GitHub alex-bea/cms_api (sample_data/rvu25d_0/PPRRVU2025_Oct.csv and
 * .txt, and RVU25A's PPRRVU25_JAN.csv); the RVU26A record layout as transcribed in the search corpus (the CMS
 * documentation file of the zip); the four-row header check and the 32-column CY2026 header in GitHub
 * clay-good/sophiewell.com scripts/data/builders/mpfs.mjs; CY2026 member names and a raw CY2026 row in several
 * repositories that read RVU26A/RVU26C. Global days, PC/TC and status values: RVU26A documentation, Attachment A.
 */
import { TableBuilder } from './table.js';
import { decodeText, delimitedRecords, headerKey, isProcedureCode, lines, type DelimitedRecord } from './text.js';
import { ImportError, KIND_TABLES, type EffectivePeriod, type ImportedData, type Importer, type ImportFile } from './types.js';

type RowColumn = keyof (typeof KIND_TABLES)['pfs-rvu']['rows'];

/** The columns read, with the stacked header text that names each (folded by headerKey) and its CY2025 position. */
const COLUMNS: readonly { name: RowColumn; label: string; keys: readonly string[]; nominal: number }[] = [
  { name: 'code', label: 'HCPCS', keys: ['hcpcs'], nominal: 0 },
  { name: 'modifier', label: 'MOD', keys: ['mod'], nominal: 1 },
  { name: 'description', label: 'DESCRIPTION', keys: ['description'], nominal: 2 },
  { name: 'status', label: 'STATUS CODE', keys: ['status code'], nominal: 3 },
  { name: 'workRvu', label: 'WORK RVU', keys: ['work rvu'], nominal: 5 },
  { name: 'nonFacilityPeRvu', label: 'NON-FAC PE RVU', keys: ['non fac pe rvu', 'non facility pe rvu'], nominal: 6 },
  { name: 'facilityPeRvu', label: 'FACILITY PE RVU', keys: ['facility pe rvu'], nominal: 8 },
  { name: 'mpRvu', label: 'MP RVU', keys: ['mp rvu'], nominal: 10 },
  { name: 'nonFacilityTotal', label: 'NON-FACILITY TOTAL', keys: ['non facility total', 'non fac total'], nominal: 11 },
  { name: 'facilityTotal', label: 'FACILITY TOTAL', keys: ['facility total'], nominal: 12 },
  { name: 'pctc', label: 'PCTC IND', keys: ['pctc ind', 'pc tc ind', 'pctc indicator'], nominal: 13 },
  { name: 'globalDays', label: 'GLOB DAYS', keys: ['glob days', 'global days'], nominal: 14 },
  { name: 'conversionFactor', label: 'CONV FACTOR', keys: ['conv factor', 'conversion factor'], nominal: 24 },
];

/** Fixed-width positions (1-based, inclusive) of the same columns. */
const POSITIONS: Record<RowColumn, [number, number]> = {
  code: [1, 5],
  modifier: [6, 7],
  description: [8, 57],
  status: [58, 58],
  workRvu: [60, 65],
  nonFacilityPeRvu: [67, 72],
  facilityPeRvu: [76, 81],
  mpRvu: [85, 89],
  nonFacilityTotal: [91, 96],
  facilityTotal: [97, 102],
  pctc: [103, 103],
  globalDays: [104, 106],
  conversionFactor: [133, 140],
};
/** A fixed-width record must reach the conversion factor. */
const MIN_RECORD = 140;
const NUMBER_COLUMNS = new Set<RowColumn>(['workRvu', 'nonFacilityPeRvu', 'facilityPeRvu', 'mpRvu', 'nonFacilityTotal', 'facilityTotal', 'conversionFactor']);
const LABEL = Object.fromEntries(COLUMNS.map((c) => [c.name, c.label])) as Record<RowColumn, string>;
const ORDER = Object.keys(KIND_TABLES['pfs-rvu'].rows) as RowColumn[];
const GLOBAL_DAYS = /^(000|010|090|MMM|XXX|YYY|ZZZ)$/;
const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)$/;
/** Rows of the stacked header looked at above the HCPCS row. */
const HEADER_DEPTH = 6;

/** Where a value came from, for messages. */
interface At {
  line: number;
  column: number;
}

/** Collects rows and checks each value; shared by the CSV and the fixed-width reader. */
class Rows {
  readonly builder = new TableBuilder(KIND_TABLES['pfs-rvu'].rows);
  private readonly seen = new Map<string, number>();
  readonly codes = new Set<string>();

  constructor(private readonly file: string) {}

  add(value: (name: RowColumn) => { text: string; at: At }, line: number): void {
    const out: (string | number | null)[] = [];
    const values = {} as Record<RowColumn, string>;
    for (const name of ORDER) {
      const { text, at } = value(name);
      const fail = (expected: string): never => {
        throw new ImportError(this.file, at.line, at.column, expected, text);
      };
      if (name === 'code' && !isProcedureCode(text)) fail('a CPT or HCPCS code (5 characters)');
      if (name === 'modifier' && text !== '' && !/^[0-9A-Z]{2}$/.test(text)) fail('a modifier (blank for the global row, or two characters such as 26, TC, 53)');
      if (name === 'status' && !/^[A-Z]$/.test(text)) fail('a status code (one letter: A, B, C, E, I, J, M, N, P, R, T, X ...)');
      if (name === 'pctc' && !/^[0-9]$/.test(text)) fail('a PC/TC indicator (one digit, 0-9)');
      if (name === 'globalDays' && !GLOBAL_DAYS.test(text)) fail('global days (000, 010, 090, MMM, XXX, YYY or ZZZ)');
      if (NUMBER_COLUMNS.has(name)) {
        if (text === '' || text.toUpperCase() === 'NA') out.push(null);
        else if (NUMBER.test(text)) out.push(Number(text));
        else fail(`a number in ${LABEL[name]}`);
      } else {
        out.push(text);
      }
      values[name] = text;
    }
    const key = `${values.code}|${values.modifier}`;
    const earlier = this.seen.get(key);
    if (earlier !== undefined) {
      const at = value('code').at;
      throw new ImportError(this.file, at.line, at.column, `one row per code and modifier (${values.code}${values.modifier ? `-${values.modifier}` : ''} is already on line ${earlier})`, values.code);
    }
    this.seen.set(key, line);
    this.codes.add(values.code);
    this.builder.add(out);
  }
}

function readCsv(file: ImportFile, text: string, rows: Rows, warnings: string[]): void {
  const preamble: DelimitedRecord[] = [];
  let columns: Map<RowColumn, number> | undefined;
  let blank = 0;
  for (const record of delimitedRecords(text, ',', file.name)) {
    const cells = record.fields.map((f) => f.trim());
    if (columns === undefined) {
      if (headerKey(cells[0] ?? '') === 'hcpcs') {
        columns = locateColumns(file.name, [...preamble.slice(-(HEADER_DEPTH - 1)), record]);
      } else if (isProcedureCode(cells[0] ?? '')) {
        throw new ImportError(file.name, record.line, record.columns[0], 'the PPRRVU column header (a row starting HCPCS, MOD, DESCRIPTION, with STATUS / CODE, WORK / RVU ... stacked above) before the first code', cells[0]);
      } else {
        preamble.push(record);
      }
      continue;
    }
    if (cells.every((c) => c === '')) {
      blank++;
      continue;
    }
    if (headerKey(cells[0] ?? '') === 'hcpcs') {
      warnings.push(`${file.name}:${record.line}: a repeated header row was skipped`);
      continue;
    }
    const found = columns;
    rows.add((name) => {
      const i = found.get(name)!;
      if (i >= record.fields.length) {
        const last = record.fields.length - 1;
        throw new ImportError(file.name, record.lines[last] ?? record.line, (record.columns[last] ?? 1) + record.fields[last]!.length, `a value in the column "${LABEL[name]}" (column ${i + 1}; the row has ${record.fields.length})`);
      }
      return { text: cells[i]!, at: { line: record.lines[i] ?? record.line, column: record.columns[i]! } };
    }, record.line);
  }
  if (columns === undefined) throw new ImportError(file.name, undefined, undefined, 'the PPRRVU column header (a row starting HCPCS, MOD, DESCRIPTION, ...): this is not the PFS relative value file');
  if (blank > 0) warnings.push(`${file.name}: ${blank} empty row(s) were skipped`);
}

/** Finds each column by the text its stacked header cells spell from some row down to the HCPCS row. */
function locateColumns(file: string, header: readonly DelimitedRecord[]): Map<RowColumn, number> {
  const last = header[header.length - 1]!;
  const width = Math.max(...header.map((r) => r.fields.length));
  const stacked = (column: number, depth: number): string =>
    header
      .slice(header.length - depth)
      .map((r) => (r.fields[column] ?? '').trim())
      .filter((c) => c !== '')
      .join(' ');
  const out = new Map<RowColumn, number>();
  for (const wanted of COLUMNS) {
    let found: number | undefined;
    for (let c = 0; c < width && found === undefined; c++) {
      for (let depth = 1; depth <= header.length; depth++) {
        if (wanted.keys.includes(headerKey(stacked(c, depth)))) {
          found = c;
          break;
        }
      }
    }
    if (found === undefined) {
      const n = wanted.nominal;
      const column = n < last.fields.length ? last.columns[n]! : last.columns[last.fields.length - 1]! + last.fields[last.fields.length - 1]!.length;
      throw new ImportError(file, last.line, column, `a column headed "${wanted.label}" in the PPRRVU header`, n < width ? stacked(n, header.length) : undefined);
    }
    out.set(wanted.name, found);
  }
  return out;
}

function readFixed(file: ImportFile, text: string, rows: Rows, warnings: string[]): void {
  let records = 0;
  for (const { text: raw, line } of lines(text)) {
    if (raw.trim() === '') continue;
    if (raw.startsWith('HDR')) {
      if (records > 0) warnings.push(`${file.name}:${line}: a header record after the data was skipped`);
      continue;
    }
    if (!isProcedureCode(raw.slice(0, 5))) throw new ImportError(file.name, line, 1, 'a CPT or HCPCS code in positions 1-5 of a PPRRVU record (or an HDR header record)', raw.slice(0, 5));
    if (raw.length < MIN_RECORD) {
      throw new ImportError(file.name, line, raw.length + 1, `a PPRRVU record of at least ${MIN_RECORD} characters (positions 133-140 hold the conversion factor); this one ends at position ${raw.length}`);
    }
    records++;
    rows.add((name) => {
      const [from, to] = POSITIONS[name];
      return { text: raw.slice(from - 1, to).trim(), at: { line, column: from } };
    }, line);
  }
}

const MONTH_QUARTER: Record<string, { letter: string; month: string }> = {
  JAN: { letter: 'A', month: '01' },
  APR: { letter: 'B', month: '04' },
  JUL: { letter: 'C', month: '07' },
  OCT: { letter: 'D', month: '10' },
};

/** Edition and effective date from the member name (PPRRVU24_JAN, PPRRVU2025_Oct, PPRRVU2026_Jan_nonQPP). */
export function pprrvuEdition(name: string): { edition: string; effective: EffectivePeriod | undefined } {
  const base = name.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const m = /PPRRVU(\d{4}|\d{2})_([A-Za-z]{3})(?:_(nonQPP|QPP))?/i.exec(base);
  const quarter = m ? MONTH_QUARTER[m[2]!.toUpperCase()] : undefined;
  if (!m || !quarter) return { edition: base, effective: undefined };
  const year = m[1]!.length === 2 ? `20${m[1]}` : m[1]!;
  const qpp = m[3] === undefined ? '' : m[3].toLowerCase() === 'qpp' ? ' QPP' : ' nonQPP';
  return { edition: `RVU${year.slice(2)}${quarter.letter}${qpp}`, effective: { from: `${year}-${quarter.month}-01`, to: null } };
}

function readPprrvu(file: ImportFile): ImportedData {
  const b = file.bytes;
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
    throw new ImportError(file.name, undefined, undefined, 'the PPRRVU .csv or .txt file (this is a zip archive or an .xlsx workbook: unzip the RVU zip and give PPRRVU..._nonQPP.csv or PPRRVU<yy>_<MON>.csv)');
  }
  const text = decodeText(b);
  const first = /^[^\r\n]*/.exec(text.replace(/^(\s*[\r\n])+/, ''))![0];
  const fixed = first.startsWith('HDR') || (/\.txt$/i.test(file.name) && !first.includes(','));
  const rows = new Rows(file.name);
  const warnings: string[] = [];
  if (fixed) readFixed(file, text, rows, warnings);
  else readCsv(file, text, rows, warnings);
  if (rows.builder.rows === 0) throw new ImportError(file.name, undefined, undefined, 'at least one PPRRVU row');
  const { edition, effective } = pprrvuEdition(file.name);
  return {
    tables: { rows: rows.builder.build() },
    edition,
    effective,
    rowCounts: { rows: rows.builder.rows, codes: rows.codes.size },
    warnings,
  };
}

/** The PFS relative value file (PPRRVU), CSV or fixed-width text. */
export const pfsRvu: Importer = {
  kind: 'pfs-rvu',
  files: 'the PFS relative value file from the quarterly RVU zip (PPRRVU2026_Jan_nonQPP.csv, PPRRVU24_JAN.csv, or the .txt)',
  fileCount: { min: 1, max: 1 },
  read: (files) => readPprrvu(files[0]!),
};
