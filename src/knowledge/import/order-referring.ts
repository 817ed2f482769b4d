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
 * Records are read by the shared RFC 4180 reader (text.ts), which names the line and column of every field.
 */
import { isValidNpi } from '../../contract/npi.js';
import { TableBuilder } from './table.js';
import { decodeText, delimitedRecords } from './text.js';
import { ImportError, KIND_TABLES, type ImportedData, type Importer, type ImportFile } from './types.js';

/** The header row, in order. */
export const ORDER_REFERRING_HEADER = ['NPI', 'LAST_NAME', 'FIRST_NAME', 'PARTB', 'DME', 'HHA', 'PMD', 'HOSPICE'] as const;
const FIELDS = ORDER_REFERRING_HEADER.length;

/** True when a 10-digit NPI has a valid check digit (the contract's check: Luhn over "80840" and nine digits). */
export const npiCheckDigitValid = isValidNpi;

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
  const builder = new TableBuilder(KIND_TABLES['order-referring'].rows);
  const warnings: string[] = [];
  const values: (string | number)[] = new Array<string | number>(FIELDS);
  let header = false;
  for (const record of delimitedRecords(decodeText(file.bytes), ',', file.name)) {
    const { fields, columns, lines } = record;
    const count = fields.length;
    const at = (k: number, expected: string): never => {
      throw new ImportError(file.name, lines[k] ?? record.line, columns[k], expected, (fields[k] ?? '').trim());
    };
    // Where a short row ends: the column after its last field.
    const endColumn = (columns[count - 1] ?? 1) + (fields[count - 1]?.length ?? 0);
    if (!header) {
      for (let k = 0; k < FIELDS; k++) {
        const name = ORDER_REFERRING_HEADER[k]!;
        if (k >= count) throw new ImportError(file.name, record.line, endColumn, `the column "${name}" (header ${ORDER_REFERRING_HEADER.join(',')})`, '');
        if (fields[k]!.trim().toUpperCase() !== name) at(k, `the column "${name}" (header ${ORDER_REFERRING_HEADER.join(',')})`);
      }
      if (count > FIELDS) at(FIELDS, 'no column after "HOSPICE"');
      header = true;
      continue;
    }
    if (count < FIELDS) {
      throw new ImportError(file.name, lines[count - 1] ?? record.line, endColumn, `${FIELDS} fields (${ORDER_REFERRING_HEADER.join(',')}); this row ends after ${count}`);
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
