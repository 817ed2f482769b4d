/**
 * Medicare Coverage Database billing and coding articles, from CMS's MCD download `current_article.zip` (it holds
 * `current_article_csv.zip`, a set of comma-separated tables, one header row each, column names in snake_case).
 * The user hands over the tables they have, several files in one import; these are read, by file name:
 *
 * - `article.csv`: article_id, article_version, title, article_eff_date, article_end_date, date_retired, display_id
 *   (among some 27 columns: article_type, article_pub_date, description, status, last_updated, ...).
 * - `article_x_hcpc_code.csv`: article_id, article_version, hcpc_code_id, hcpc_code_version, hcpc_code_group, range,
 *   last_updated, long_description, short_description.
 * - `article_x_icd10_covered.csv`: article_id, article_version, icd10_code_id (dotted, e.g. "M81.0"),
 *   icd10_code_version, icd10_covered_group, range, last_updated, sort_order, description, asterisk. Ranges are
 *   already listed code by code (range flags the first, middle and last rows).
 * - `article_x_icd10_covered_group.csv`: article_id, article_version, icd10_covered_group, paragraph (HTML),
 *   last_updated, icd10_covered_ast.
 * - `article_x_contractor.csv`: article_id, article_version, article_type, contractor_id, contractor_type_id,
 *   contractor_version, last_updated.
 * - `contractor.csv`: contractor_id, contractor_type_id, contractor_version, contractor_bus_name, contractor_number,
 *   dmerc_rgn, address..., state_id, ..., status, ..., contractor_subtype_id.
 * - `contractor_jurisdiction.csv`: contractor_id, contractor_type_id, contractor_version, state_id, last_updated,
 *   active_date, term_date (the states a contractor serves; rows with a term_date are ended and skipped).
 * - `state_lookup.csv`: state_id, state_abbrev, description (some "states" are parts of one: UN New York - Upstate,
 *   DN, QN, EM, WM, NF, SF; kept as the export spells them).
 * - `update_period.csv` (optional): period_id, begin_date, end_date (some exports spell it dis_end_date): the latest
 *   end date is the export's edition.
 * Dates are written "YYYY-MM-DD HH:MM:SS". Columns are found by their header name, so their order does not matter.
 *
 * The export names no MAC jurisdiction (J5 ... JN): the contractor tables carry the business name, the contract
 * number (e.g. 15102) and the states, and no CMS table mapping contract numbers to jurisdictions could be sourced.
 * So the user names them in one more file of their own, `mac-jurisdictions.csv` (header
 * `contractor_number,jurisdiction`, e.g. `15102,J15`), from CMS's "Who are the MACs" pages; a kept article whose
 * contractor is not named there is an ImportError.
 *
 * Only articles that list a bone-density code (76977, 77078, 77080, 77081, 77085, 77086, G0130, 77089-77092,
 * 0554T-0558T) are kept.
 *
 * Layout sources (layout facts only): CMS MCD downloads page
 * (https://www.cms.gov/medicare-coverage-database/downloads/downloads.aspx); GitHub clay-good/sophiewell.com
 * scripts/data/builders/mcd-articles.mjs (member names, article/contractor/jurisdiction/state_lookup/update_period
 * columns); a public Postgres staging schema "generated from local CSV headers" of the current_article tables
 * (column order of every table above, incl. dis_end_date); the table list of CMS's "Data Dictionary: LCD Download
 * Database" (2014: CONTRACTOR, STATE_LOOKUP, LCD_X_PRIMARY_JURISDICTION, ...; no jurisdiction-code table).
 */
import { TableBuilder } from './table.js';
import { decodeText, delimitedRecords, parseCmsDate, isoOfDateInt, isProcedureCode, type DelimitedRecord } from './text.js';
import { ImportError, KIND_TABLES, type ImportedData, type Importer, type ImportFile } from './types.js';

/** The bone-density procedure codes that make an article worth keeping. */
export const BONE_DENSITY_CODES: ReadonlySet<string> = new Set([
  '76977', '77078', '77080', '77081', '77085', '77086', 'G0130', '77089', '77090', '77091', '77092',
  '0554T', '0555T', '0556T', '0557T', '0558T',
]);

/** The A/B MAC jurisdictions a user may name in mac-jurisdictions.csv. */
export const MAC_JURISDICTIONS: readonly string[] = ['J5', 'J6', 'J8', 'J15', 'JE', 'JF', 'JH', 'JJ', 'JK', 'JL', 'JM', 'JN'];

/** The name of the user's own file that names each contractor's jurisdiction. */
export const JURISDICTION_FILE = 'mac-jurisdictions.csv';

/** The columns read from each table (others are ignored). */
const TABLES = {
  'article.csv': ['article_id', 'article_version', 'title', 'article_eff_date', 'article_end_date', 'date_retired', 'display_id'],
  'article_x_hcpc_code.csv': ['article_id', 'article_version', 'hcpc_code_id', 'hcpc_code_group'],
  'article_x_icd10_covered.csv': ['article_id', 'article_version', 'icd10_code_id', 'icd10_covered_group'],
  'article_x_icd10_covered_group.csv': ['article_id', 'article_version', 'icd10_covered_group', 'paragraph'],
  'article_x_contractor.csv': ['article_id', 'article_version', 'contractor_id', 'contractor_type_id', 'contractor_version'],
  'contractor.csv': ['contractor_id', 'contractor_type_id', 'contractor_version', 'contractor_bus_name', 'contractor_number'],
  'contractor_jurisdiction.csv': ['contractor_id', 'contractor_type_id', 'contractor_version', 'state_id', 'term_date'],
  'state_lookup.csv': ['state_id', 'state_abbrev'],
  'update_period.csv': ['period_id', 'begin_date'],
  [JURISDICTION_FILE]: ['contractor_number', 'jurisdiction'],
} as const;
type TableName = keyof typeof TABLES;
const OPTIONAL: ReadonlySet<TableName> = new Set(['update_period.csv']);

const ICD10CM_DOTTED = /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/;

/** One row of a table: its fields by column name, with where each field starts. */
class Row {
  constructor(
    readonly record: DelimitedRecord,
    private readonly index: ReadonlyMap<string, number>,
  ) {}

  private at(column: string): number {
    return this.index.get(column) ?? -1;
  }

  /** The field, trimmed ('' when the row is short or the table has no such column). */
  get(column: string): string {
    return (this.record.fields[this.at(column)] ?? '').trim();
  }

  line(column: string): number {
    const { lines } = this.record;
    return lines[this.at(column)] ?? lines[lines.length - 1]!;
  }

  /** The field's 1-based column; for a field missing from a short row, the column of the row's last field. */
  column(column: string): number {
    const { columns } = this.record;
    return columns[this.at(column)] ?? columns[columns.length - 1]!;
  }
}

/** The alternative spellings a table's column may have (any one must be there). */
const ALTERNATIVES: Partial<Record<TableName, readonly string[]>> = { 'update_period.csv': ['end_date', 'dis_end_date'] };

/** The rows of one table after its header, with the columns it must have checked by name. */
function* tableRows(file: ImportFile, table: TableName): Generator<Row> {
  let index: Map<string, number> | undefined;
  for (const record of delimitedRecords(decodeText(file.bytes), ',', file.name)) {
    if (!index) {
      const header = new Map(record.fields.map((f, i) => [f.trim().toLowerCase(), i]));
      for (const column of TABLES[table]) {
        if (!header.has(column)) throw new ImportError(file.name, record.line, 1, `a header row of ${table} with the column "${column}"`, record.fields.join(','));
      }
      const alt = ALTERNATIVES[table];
      if (alt && !alt.some((c) => header.has(c))) {
        throw new ImportError(file.name, record.line, 1, `a header row of ${table} with the column "${alt.join('" or "')}"`, record.fields.join(','));
      }
      index = header;
      continue;
    }
    yield new Row(record, index);
  }
  if (!index) throw new ImportError(file.name, undefined, undefined, `the header row of ${table}`);
}

function fail(file: ImportFile, row: Row, column: string, expected: string): never {
  throw new ImportError(file.name, row.line(column), row.column(column), expected, row.get(column));
}

function whole(file: ImportFile, row: Row, column: string, what: string): string {
  const v = row.get(column);
  if (!/^\d{1,9}$/.test(v)) fail(file, row, column, what);
  return String(Number(v));
}

/** A date as the export writes it ("YYYY-MM-DD HH:MM:SS", the time part optional); '' is null when allowed. */
function date(file: ImportFile, row: Row, column: string, optional: boolean): number | null {
  const v = row.get(column);
  if (v === '' && optional) return null;
  const d = parseCmsDate(v.replace(/[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/, ''));
  if (d === undefined) fail(file, row, column, `a date (YYYY-MM-DD${optional ? ', or empty' : ''})`);
  return d;
}

const baseName = (name: string): string => name.replace(/^.*[\\/]/, '').toLowerCase();

function readMcd(files: readonly ImportFile[]): ImportedData {
  const warnings: string[] = [];
  const byTable = new Map<TableName, ImportFile>();
  for (const file of files) {
    const name = baseName(file.name) as TableName;
    if (!(name in TABLES)) {
      warnings.push(`${file.name}: not one of the MCD article tables read here (${Object.keys(TABLES).join(', ')}); ignored`);
      continue;
    }
    const earlier = byTable.get(name);
    if (earlier) throw new ImportError(file.name, undefined, undefined, `one ${name} per import (${earlier.name} is one already)`);
    byTable.set(name, file);
  }
  for (const table of Object.keys(TABLES) as TableName[]) {
    if (!byTable.has(table) && !OPTIONAL.has(table)) {
      const what = table === JURISDICTION_FILE
        ? `${JURISDICTION_FILE}, your own file naming each contractor's MAC jurisdiction (header "contractor_number,jurisdiction", e.g. "15102,J15"): the MCD export does not name it`
        : `${table} from the MCD export current_article_csv.zip`;
      throw new ImportError(files[0]?.name ?? '(no files)', undefined, undefined, `the file ${what} among the files of this import`);
    }
  }
  const file = (t: TableName): ImportFile => byTable.get(t)!;
  const key = (id: string, version: string): string => `${id}|${version}`;

  // 1. Codes: which article versions list a bone-density code, and all the codes of those.
  const hcpc = file('article_x_hcpc_code.csv');
  const codesOf = new Map<string, { rows: Row[] }>();
  const kept = new Set<string>();
  for (const row of tableRows(hcpc, 'article_x_hcpc_code.csv')) {
    const k = key(whole(hcpc, row, 'article_id', 'an article_id (digits)'), whole(hcpc, row, 'article_version', 'an article_version (digits)'));
    const code = row.get('hcpc_code_id').toUpperCase();
    if (BONE_DENSITY_CODES.has(code)) kept.add(k);
    let entry = codesOf.get(k);
    if (!entry) codesOf.set(k, (entry = { rows: [] }));
    entry.rows.push(row);
  }
  for (const k of [...codesOf.keys()]) if (!kept.has(k)) codesOf.delete(k);

  // 2. Articles.
  const art = file('article.csv');
  const articles = new Map<string, { id: string; version: number; display: string; title: string; effective: number | null; ended: number | null; line: number }>();
  for (const row of tableRows(art, 'article.csv')) {
    const id = whole(art, row, 'article_id', 'an article_id (digits)');
    const version = whole(art, row, 'article_version', 'an article_version (digits)');
    const k = key(id, version);
    if (!kept.has(k)) continue;
    const title = row.get('title');
    if (title === '') fail(art, row, 'title', 'the article title');
    const effective = date(art, row, 'article_eff_date', true);
    const ended = date(art, row, 'article_end_date', true) ?? date(art, row, 'date_retired', true);
    const display = row.get('display_id') || `A${id}`;
    if (articles.has(k)) fail(art, row, 'article_id', `one row per article version (${display} version ${version} is already on line ${articles.get(k)!.line})`);
    articles.set(k, { id, version: Number(version), display, title, effective, ended, line: row.record.line });
  }
  for (const [k, entry] of codesOf) {
    if (!articles.has(k)) {
      const row = entry.rows[0]!;
      fail(hcpc, row, 'article_id', `an article that article.csv lists (article ${row.get('article_id')} version ${row.get('article_version')} is not in ${art.name})`);
    }
  }

  const codeTable = new TableBuilder(KIND_TABLES['mcd-article'].codes);
  for (const [k, entry] of codesOf) {
    const a = articles.get(k)!;
    const seen = new Set<string>();
    for (const row of entry.rows) {
      const code = row.get('hcpc_code_id').toUpperCase();
      if (!isProcedureCode(code)) fail(hcpc, row, 'hcpc_code_id', 'a CPT or HCPCS code (5 characters)');
      whole(hcpc, row, 'hcpc_code_group', 'a code group number (digits)');
      if (seen.has(code)) continue;
      seen.add(code);
      codeTable.add([a.display, a.version, code]);
    }
  }

  // 3. Covered ICD-10-CM codes and group paragraphs.
  const cov = file('article_x_icd10_covered.csv');
  const covered = new TableBuilder(KIND_TABLES['mcd-article'].covered);
  const coveredSeen = new Set<string>();
  for (const row of tableRows(cov, 'article_x_icd10_covered.csv')) {
    const k = key(whole(cov, row, 'article_id', 'an article_id (digits)'), whole(cov, row, 'article_version', 'an article_version (digits)'));
    const a = articles.get(k);
    if (!a) continue;
    const code = row.get('icd10_code_id').toUpperCase();
    if (!ICD10CM_DOTTED.test(code)) fail(cov, row, 'icd10_code_id', 'an ICD-10-CM code with its dot (e.g. M81.0)');
    const group = Number(whole(cov, row, 'icd10_covered_group', 'a covered group number (digits)'));
    const dup = `${k}|${group}|${code}`;
    if (coveredSeen.has(dup)) {
      warnings.push(`${cov.name}:${row.record.line}: ${code} is listed twice in group ${group} of ${a.display}; kept once`);
      continue;
    }
    coveredSeen.add(dup);
    covered.add([a.display, a.version, group, code]);
  }
  const grp = file('article_x_icd10_covered_group.csv');
  const groups = new TableBuilder(KIND_TABLES['mcd-article'].groups);
  for (const row of tableRows(grp, 'article_x_icd10_covered_group.csv')) {
    const k = key(whole(grp, row, 'article_id', 'an article_id (digits)'), whole(grp, row, 'article_version', 'an article_version (digits)'));
    const a = articles.get(k);
    if (!a) continue;
    groups.add([a.display, a.version, Number(whole(grp, row, 'icd10_covered_group', 'a covered group number (digits)')), row.get('paragraph')]);
  }

  // 4. Contractors, their states and (from the user's file) their jurisdictions.
  const jur = file(JURISDICTION_FILE);
  const jurisdictionOf = new Map<string, string>();
  for (const row of tableRows(jur, JURISDICTION_FILE)) {
    const number = row.get('contractor_number');
    if (!/^\d{5}$/.test(number)) fail(jur, row, 'contractor_number', 'a MAC contract number (5 digits, as contractor.csv spells it)');
    const j = row.get('jurisdiction').toUpperCase();
    if (!MAC_JURISDICTIONS.includes(j)) fail(jur, row, 'jurisdiction', `an A/B MAC jurisdiction (${MAC_JURISDICTIONS.join(', ')})`);
    jurisdictionOf.set(number, j);
  }
  const st = file('state_lookup.csv');
  const states = new Map<string, string>();
  for (const row of tableRows(st, 'state_lookup.csv')) {
    const id = whole(st, row, 'state_id', 'a state_id (digits)');
    const abbrev = row.get('state_abbrev');
    if (!/^[A-Z]{2}$/.test(abbrev)) fail(st, row, 'state_abbrev', 'a state abbreviation (2 capital letters)');
    states.set(id, abbrev);
  }
  const contractorKey = (row: Row, f: ImportFile): string =>
    [whole(f, row, 'contractor_id', 'a contractor_id (digits)'), whole(f, row, 'contractor_type_id', 'a contractor_type_id (digits)'), whole(f, row, 'contractor_version', 'a contractor_version (digits)')].join('|');
  const con = file('contractor.csv');
  const contractors = new Map<string, { name: string; number: string; row: Row }>();
  for (const row of tableRows(con, 'contractor.csv')) {
    contractors.set(contractorKey(row, con), { name: row.get('contractor_bus_name'), number: row.get('contractor_number'), row });
  }
  const cj = file('contractor_jurisdiction.csv');
  const statesOf = new Map<string, Set<string>>();
  for (const row of tableRows(cj, 'contractor_jurisdiction.csv')) {
    const k = contractorKey(row, cj);
    const stateId = whole(cj, row, 'state_id', 'a state_id (digits)');
    if (date(cj, row, 'term_date', true) !== null) continue;
    const abbrev = states.get(stateId);
    if (abbrev === undefined) fail(cj, row, 'state_id', `a state_id that ${st.name} lists`);
    let set = statesOf.get(k);
    if (!set) statesOf.set(k, (set = new Set()));
    set.add(abbrev);
  }
  const axc = file('article_x_contractor.csv');
  const namesOf = new Map<string, Set<string>>();
  const jurisdictions = new TableBuilder(KIND_TABLES['mcd-article'].jurisdictions);
  const jurisdictionSeen = new Set<string>();
  for (const row of tableRows(axc, 'article_x_contractor.csv')) {
    const k = key(whole(axc, row, 'article_id', 'an article_id (digits)'), whole(axc, row, 'article_version', 'an article_version (digits)'));
    const a = articles.get(k);
    if (!a) continue;
    const ck = contractorKey(row, axc);
    const c = contractors.get(ck);
    if (!c) fail(axc, row, 'contractor_id', `a contractor that ${con.name} lists (contractor_id, contractor_type_id, contractor_version ${ck.replaceAll('|', ', ')})`);
    const j = jurisdictionOf.get(c.number);
    if (j === undefined) {
      throw new ImportError(jur.name, undefined, undefined, `a row naming the MAC jurisdiction of contract number ${c.number} (${c.name}, contractor of ${a.display}; ${con.name}:${c.row.record.line})`);
    }
    let names = namesOf.get(k);
    if (!names) namesOf.set(k, (names = new Set()));
    if (c.name) names.add(c.name);
    for (const s of [...(statesOf.get(ck) ?? [])].sort()) {
      const dup = `${k}|${j}|${s}`;
      if (jurisdictionSeen.has(dup)) continue;
      jurisdictionSeen.add(dup);
      jurisdictions.add([a.display, a.version, j, s]);
    }
  }

  const articleTable = new TableBuilder(KIND_TABLES['mcd-article'].articles);
  for (const [k, a] of articles) articleTable.add([a.display, a.version, a.title, [...(namesOf.get(k) ?? [])].sort().join('; '), a.effective, a.ended]);

  // 5. Edition: the export's latest update period.
  let asOf: number | undefined;
  const up = byTable.get('update_period.csv');
  if (up) {
    for (const row of tableRows(up, 'update_period.csv')) {
      const column = row.get('end_date') !== '' ? 'end_date' : 'dis_end_date';
      const d = date(up, row, column, true);
      if (d !== null && (asOf === undefined || d > asOf)) asOf = d;
    }
  }
  const from = asOf !== undefined ? isoOfDateInt(asOf) : undefined;
  const tables = {
    articles: articleTable.build(),
    codes: codeTable.build(),
    covered: covered.build(),
    groups: groups.build(),
    jurisdictions: jurisdictions.build(),
  };
  if (tables.articles.rows === 0) warnings.push(`${hcpc.name}: no article lists a bone-density code (${[...BONE_DENSITY_CODES].join(', ')})`);
  return {
    tables,
    edition: from ? `MCD export ${from}` : 'MCD export',
    effective: from ? { from, to: null } : undefined,
    rowCounts: Object.fromEntries(Object.entries(tables).map(([name, t]) => [name, t.rows])),
    warnings,
  };
}

/** Medicare Coverage Database billing articles (bone-density articles only). */
export const mcdArticle: Importer = {
  kind: 'mcd-article',
  files: `the MCD article export tables (article.csv, article_x_hcpc_code.csv, article_x_icd10_covered.csv, article_x_icd10_covered_group.csv, article_x_contractor.csv, contractor.csv, contractor_jurisdiction.csv, state_lookup.csv, optionally update_period.csv) and ${JURISDICTION_FILE} (contractor_number,jurisdiction)`,
  fileCount: { min: 9, max: 40 },
  read: readMcd,
};
