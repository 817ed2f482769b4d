/**
 * CMS's Order and Referring data file (from PECOS, published on data.cms.gov, "Medicare Provider and Supplier
 * Enrollment: Order and Referring", updated weekly; about 2 million rows, individuals only): comma-separated, one
 * header row `NPI,LAST_NAME,FIRST_NAME,PARTB,DME,HHA,PMD,HOSPICE`, then one row per NPI: the 10-digit NPI, the
 * names, and Y/N for each of the five services the provider may order or refer (Part B, DME, home health, power
 * mobility devices, hospice). A name with a comma is quoted ("SMITH, JR"). The release date is in the file name
 * when the user kept it (any YYYYMMDD, YYYY-MM-DD or MM-DD-YYYY in it).
 *
 * Layout sources (layout facts only): data.cms.gov/provider-characteristics/medicare-provider-supplier-enrollment/
 * order-and-referring (landing page and data dictionary, as cited by the R package GitHub andrewallenbruce/provider,
 * which counts 1,997,403 rows); header rows with HOSPICE written by the CMS-file validators of several public
 * repositories that read the download (profile "cms_order_and_referring", with a quoted "Last, Jr." case).
 *
 * The parser is a hand-written scanner (no per-field allocations beyond the strings kept): 2 million rows in a few
 * seconds.
 */
import { TableBuilder } from './table.js';
import { decodeText } from './text.js';
import { ImportError, KIND_TABLES, type ImportedData, type Importer, type ImportFile } from './types.js';

/** The header row, in order. */
export const ORDER_REFERRING_HEADER = ['NPI', 'LAST_NAME', 'FIRST_NAME', 'PARTB', 'DME', 'HHA', 'PMD', 'HOSPICE'] as const;
const FIELDS = ORDER_REFERRING_HEADER.length;

/** True when a 10-digit NPI has a valid check digit (Luhn over "80840" and the first nine digits). */
export function npiCheckDigitValid(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  // The prefix 80840 contributes a constant 24 to the Luhn sum.
  let sum = 24;
  for (let i = 0; i < 9; i++) {
    let d = npi.charCodeAt(8 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10 === npi.charCodeAt(9) - 48;
}

/** The release date a file name carries (YYYYMMDD, YYYY-MM-DD, YYYY_MM_DD or MM-DD-YYYY), as ISO, or undefined. */
export function dateInFileName(name: string): string | undefined {
  const base = name.replace(/^.*[\\/]/, '');
  let m = /(?:^|\D)(20\d{2})[-_]?(0[1-9]|1[0-2])[-_]?(0[1-9]|[12]\d|3[01])(?:\D|$)/.exec(base);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  m = /(?:^|\D)(0[1-9]|1[0-2])[-_](0[1-9]|[12]\d|3[01])[-_](20\d{2})(?:\D|$)/.exec(base);
  if (m) return `${m[3]}-${m[1]}-${m[2]}`;
  return undefined;
}

function readOrderReferring(file: ImportFile): ImportedData {
  const text = decodeText(file.bytes);
  const n = text.length;
  const builder = new TableBuilder(KIND_TABLES['order-referring'].rows);
  const warnings: string[] = [];
  const fields: string[] = new Array<string>(FIELDS + 1);
  const columns = new Int32Array(FIELDS + 2);
  const fieldLines = new Int32Array(FIELDS + 2);
  const values: (string | number)[] = new Array<string | number>(FIELDS);
  let i = 0;
  let line = 1;
  let header = false;
  while (i < n) {
    // One record: up to FIELDS + 1 fields (the extra one only to report it).
    const recordLine = line;
    let lineStart = i;
    let count = 0;
    let blank = true;
    for (;;) {
      const start = i;
      let value: string;
      if (text.charCodeAt(i) === 34) {
        blank = false;
        const openLine = line;
        const openColumn = i - lineStart + 1;
        i++;
        let from = i;
        value = '';
        for (;;) {
          if (i >= n) throw new ImportError(file.name, openLine, openColumn, 'a closing quote for the field that opens here');
          const c = text.charCodeAt(i);
          if (c === 34) {
            value += text.slice(from, i);
            if (text.charCodeAt(i + 1) === 34) {
              value += '"';
              i += 2;
              from = i;
              continue;
            }
            i++;
            break;
          }
          if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
            line++;
            lineStart = i + 1;
          }
          i++;
        }
        const rest = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 44 || c === 10 || c === 13) break;
          i++;
        }
        if (i > rest) value += text.slice(rest, i);
      } else {
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 44 || c === 10 || c === 13) break;
          i++;
        }
        value = text.slice(start, i);
        if (i > start) blank = false;
      }
      if (count <= FIELDS) {
        fields[count] = value;
        columns[count] = start - lineStart + 1;
        fieldLines[count] = line;
      }
      count++;
      if (i < n && text.charCodeAt(i) === 44) {
        blank = false;
        i++;
        continue;
      }
      break;
    }
    const endColumn = i - lineStart + 1;
    if (i < n && text.charCodeAt(i) === 13) i++;
    if (i < n && text.charCodeAt(i) === 10) i++;
    line++;
    if (blank) continue;
    const at = (k: number, expected: string): never => {
      throw new ImportError(file.name, fieldLines[k]!, columns[k]!, expected, (fields[k] ?? '').trim());
    };

    if (!header) {
      for (let k = 0; k < FIELDS; k++) {
        const name = ORDER_REFERRING_HEADER[k]!;
        if (k >= count) throw new ImportError(file.name, recordLine, endColumn, `the column "${name}" (header ${ORDER_REFERRING_HEADER.join(',')})`, '');
        if (fields[k]!.trim().toUpperCase() !== name) at(k, `the column "${name}" (header ${ORDER_REFERRING_HEADER.join(',')})`);
      }
      if (count > FIELDS) at(FIELDS, 'no column after "HOSPICE"');
      header = true;
      continue;
    }
    if (count < FIELDS) {
      throw new ImportError(file.name, line - 1, endColumn, `${FIELDS} fields (${ORDER_REFERRING_HEADER.join(',')}); this row ends after ${count}`);
    }
    if (count > FIELDS) at(FIELDS, `no field after HOSPICE (${FIELDS} fields a row)`);

    const npi = fields[0]!.trim();
    if (!npiCheckDigitValid(npi)) at(0, /^\d{10}$/.test(npi) ? 'an NPI with a valid check digit' : 'an NPI (10 digits)');
    const last = fields[1]!.trim();
    if (last === '') at(1, 'the provider\'s last name');
    values[0] = Number(npi);
    values[1] = last;
    values[2] = fields[2]!.trim();
    for (let k = 3; k < FIELDS; k++) {
      const f = fields[k]!;
      const flag = f.length === 1 ? f.charCodeAt(0) : f.trim().length === 1 ? f.trim().charCodeAt(0) : 0;
      if (flag === 89) values[k] = 1;
      else if (flag === 78) values[k] = 0;
      else at(k, `Y or N in ${ORDER_REFERRING_HEADER[k]}`);
    }
    builder.add(values);
  }
  if (!header) throw new ImportError(file.name, undefined, undefined, `the header row ${ORDER_REFERRING_HEADER.join(',')}`);
  if (builder.rows === 0) throw new ImportError(file.name, undefined, undefined, 'at least one provider row after the header');
  const table = builder.build();
  const npis = table.number('npi');
  const seen = new Set<number>();
  let duplicates = 0;
  for (let r = 0; r < npis.length; r++) {
    const v = npis[r]!;
    if (seen.has(v)) duplicates++;
    else seen.add(v);
  }
  if (duplicates > 0) warnings.push(`${file.name}: ${duplicates} row(s) repeat an NPI of an earlier row`);
  const from = dateInFileName(file.name);
  return {
    tables: { rows: table },
    edition: from ? `Order and Referring ${from}` : file.name,
    effective: from ? { from, to: null } : undefined,
    rowCounts: { rows: table.rows },
    warnings,
  };
}

/** CMS Order and Referring file (PECOS). */
export const orderReferring: Importer = {
  kind: 'order-referring',
  files: 'the Order and Referring CSV from data.cms.gov (NPI,LAST_NAME,FIRST_NAME,PARTB,DME,HHA,PMD,HOSPICE)',
  fileCount: { min: 1, max: 1 },
  read: (files) => readOrderReferring(files[0]!),
};
