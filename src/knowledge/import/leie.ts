/**
 * The OIG List of Excluded Individuals/Entities as OIG publishes it (https://oig.hhs.gov/exclusions/downloadables/
 * UPDATED.csv, the full database, about 80,000 rows, refreshed monthly): comma-separated, every field quoted, one
 * header row `LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,
 * EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE`, then one row per exclusion. NPI is `0000000000` when none; EXCLDATE,
 * REINDATE and WAIVERDATE are YYYYMMDD, `00000000` when not set; EXCLTYPE is the statute (e.g. 1128a1, 1128b4);
 * an entity has BUSNAME and empty names. DOB, ADDRESS, CITY, ZIP, UPIN and MIDNAME are not kept (not needed, and
 * DOB and addresses are personal data); STATE is kept.
 *
 * Layout sources (layout facts only): the OIG downloadables page (https://oig.hhs.gov/exclusions/exclusions_list.asp);
 * a public repository's recorded probe of UPDATED.csv (verbatim header row and sample rows, "0000000000" NPI and
 * "00000000" dates); several public LEIE loaders quoting the same header (a few misspell the last column
 * WAIVERSTATE; the file says WVRSTATE).
 *
 * The edition is the file's latest exclusion date (the file names no date); `effective` is set only when the file
 * name carries a date.
 */
import { dateInFileName, npiCheckDigitValid } from './order-referring.js';
import { TableBuilder } from './table.js';
import { decodeText, delimitedRecords, isoOfDateInt, parseCmsDate } from './text.js';
import { ImportError, KIND_TABLES, type ImportedData, type Importer, type ImportFile } from './types.js';

/** The header row, in order. */
export const LEIE_HEADER = [
  'LASTNAME', 'FIRSTNAME', 'MIDNAME', 'BUSNAME', 'GENERAL', 'SPECIALTY', 'UPIN', 'NPI', 'DOB', 'ADDRESS', 'CITY',
  'STATE', 'ZIP', 'EXCLTYPE', 'EXCLDATE', 'REINDATE', 'WAIVERDATE', 'WVRSTATE',
] as const;
const COL = Object.fromEntries(LEIE_HEADER.map((name, i) => [name, i])) as Record<(typeof LEIE_HEADER)[number], number>;

function readLeie(file: ImportFile): ImportedData {
  const builder = new TableBuilder(KIND_TABLES.leie.rows);
  const warnings: string[] = [];
  let header = false;
  let latest = 0;
  for (const record of delimitedRecords(decodeText(file.bytes), ',', file.name)) {
    const f = record.fields;
    const at = (k: number, expected: string): never => {
      throw new ImportError(file.name, record.lines[k] ?? record.line, record.columns[k], expected, (f[k] ?? '').trim());
    };
    if (!header) {
      LEIE_HEADER.forEach((name, k) => {
        if (k >= f.length) at(f.length - 1, `the column "${name}" after this one (header ${LEIE_HEADER.join(',')})`);
        if (f[k]!.trim().toUpperCase() !== name) at(k, `the column "${name}" (header ${LEIE_HEADER.join(',')})`);
      });
      if (f.length > LEIE_HEADER.length) at(LEIE_HEADER.length, 'no column after "WVRSTATE"');
      header = true;
      continue;
    }
    if (f.length !== LEIE_HEADER.length) {
      if (f.length > LEIE_HEADER.length) at(LEIE_HEADER.length, `no field after WVRSTATE (${LEIE_HEADER.length} fields a row)`);
      at(f.length - 1, `${LEIE_HEADER.length} fields (${LEIE_HEADER.join(',')}); this row ends with field ${f.length}, ${LEIE_HEADER[f.length - 1]}`);
    }
    const v = (k: number): string => f[k]!.trim();
    const npi = v(COL.NPI);
    if (!/^\d{10}$/.test(npi)) at(COL.NPI, 'an NPI (10 digits, 0000000000 when none)');
    const lastName = v(COL.LASTNAME);
    const businessName = v(COL.BUSNAME);
    if (lastName === '' && businessName === '') at(COL.LASTNAME, 'a LASTNAME (an individual) or a BUSNAME (an entity)');
    const exclusionType = v(COL.EXCLTYPE);
    if (exclusionType === '') at(COL.EXCLTYPE, 'the exclusion type (EXCLTYPE, e.g. 1128a1)');
    const exclusionDate = parseCmsDate(v(COL.EXCLDATE));
    if (exclusionDate === undefined || !/^\d{8}$/.test(v(COL.EXCLDATE))) at(COL.EXCLDATE, 'the exclusion date (YYYYMMDD)');
    const optionalDate = (k: number, what: string): number | null => {
      const t = v(k);
      if (t === '00000000' || t === '') return null;
      const d = /^\d{8}$/.test(t) ? parseCmsDate(t) : undefined;
      return d ?? at(k, `the ${what} (YYYYMMDD, 00000000 when none)`);
    };
    const reinstatementDate = optionalDate(COL.REINDATE, 'reinstatement date');
    const waiverDate = optionalDate(COL.WAIVERDATE, 'waiver date');
    const state = v(COL.STATE);
    if (state !== '' && !/^[A-Z]{2}$/.test(state)) at(COL.STATE, 'a state abbreviation (2 capital letters) or empty');
    const waiverState = v(COL.WVRSTATE);
    if (waiverState !== '' && !/^[A-Z]{2}$/.test(waiverState)) at(COL.WVRSTATE, 'a waiver state abbreviation (2 capital letters) or empty');
    if (npi !== '0000000000' && !npiCheckDigitValid(npi)) warnings.push(`${file.name}:${record.line}: NPI ${npi} has an invalid check digit (kept as OIG lists it)`);
    if (exclusionDate! > latest) latest = exclusionDate!;
    builder.add([
      npi === '0000000000' ? null : Number(npi),
      lastName,
      v(COL.FIRSTNAME),
      businessName,
      v(COL.GENERAL),
      v(COL.SPECIALTY),
      state,
      exclusionType,
      exclusionDate!,
      reinstatementDate,
      waiverDate,
      waiverState,
    ]);
  }
  if (!header) throw new ImportError(file.name, undefined, undefined, `the header row ${LEIE_HEADER.join(',')}`);
  if (builder.rows === 0) throw new ImportError(file.name, undefined, undefined, 'at least one exclusion row after the header');
  const from = dateInFileName(file.name);
  return {
    tables: { rows: builder.build() },
    edition: from ? `LEIE ${from}` : `LEIE (latest exclusion ${isoOfDateInt(latest)})`,
    effective: from ? { from, to: null } : undefined,
    rowCounts: { rows: builder.rows },
    warnings,
  };
}

/** OIG LEIE (UPDATED.csv). */
export const leie: Importer = {
  kind: 'leie',
  files: 'the OIG LEIE database file UPDATED.csv (LASTNAME,FIRSTNAME,...,WVRSTATE)',
  fileCount: { min: 1, max: 1 },
  read: (files) => readLeie(files[0]!),
};
