/**
 * What changed between two versions of one kind: rows added, deleted and changed, by the key each official table is
 * read by (a PTP row by its two codes and effective date, an MUE by its code, ...). By default only rows that touch
 * the bone-density family are listed; `all` lists every row. Pure: tables in, differences out.
 */
import type { Table } from './import/table.js';
import type { KnowledgeKind } from './import/types.js';

/** Which table of a kind is compared, by which key columns, and which columns name the codes a row touches. */
const DIFF_SPECS: Record<KnowledgeKind, { table: string; key: string[]; codes: string[] }[]> = {
  'ptp-practitioner': [{ table: 'rows', key: ['column1', 'column2', 'effective'], codes: ['column1', 'column2'] }],
  'ptp-hospital': [{ table: 'rows', key: ['column1', 'column2', 'effective'], codes: ['column1', 'column2'] }],
  'mue-practitioner': [{ table: 'rows', key: ['code'], codes: ['code'] }],
  'mue-hospital': [{ table: 'rows', key: ['code'], codes: ['code'] }],
  'mue-dme': [{ table: 'rows', key: ['code'], codes: ['code'] }],
  'pfs-rvu': [{ table: 'rows', key: ['code', 'modifier'], codes: ['code'] }],
  icd10cm: [
    { table: 'codes', key: ['code'], codes: ['code'] },
    { table: 'excludes1', key: ['code', 'note'], codes: ['code'] },
  ],
  hcpcs: [{ table: 'codes', key: ['code'], codes: ['code'] }],
  'mcd-article': [
    { table: 'covered', key: ['article', 'group', 'icd10'], codes: ['icd10'] },
    { table: 'codes', key: ['article', 'code'], codes: ['code'] },
    { table: 'jurisdictions', key: ['article', 'jurisdiction', 'state'], codes: [] },
  ],
  'order-referring': [{ table: 'rows', key: ['npi'], codes: [] }],
  leie: [{ table: 'rows', key: ['npi', 'lastName', 'businessName', 'exclusionDate'], codes: [] }],
  'payer-pack': [{ table: 'rules', key: ['id'], codes: [] }],
};

/** One changed row: its key, and the columns whose values differ (before and after). */
export interface ChangedRow {
  table: string;
  key: Record<string, string | number | null>;
  changes: Record<string, { before: string | number | null; after: string | number | null }>;
}

/** The difference between two versions of one kind. */
export interface KnowledgeDiff {
  kind: KnowledgeKind;
  /** True when only rows touching the bone-density family are listed. */
  familyOnly: boolean;
  added: { table: string; row: Record<string, string | number | null> }[];
  deleted: { table: string; row: Record<string, string | number | null> }[];
  changed: ChangedRow[];
  /** Every code (CPT/HCPCS as written, ICD-10-CM without the dot) that an added, deleted or changed row names. */
  touchedCodes: string[];
  /** Rows compared per table, before the family filter. */
  compared: Record<string, { before: number; after: number }>;
}

/** A code as the bone-density filter compares it: upper case, no dot. */
const plain = (code: string) => code.replace('.', '').toUpperCase();

/**
 * Compares two versions of one kind. `isFamilyCode` says whether a code (no dot) belongs to the bone-density family;
 * rows are kept when any code they name does (rows that name no code, such as provider lists, are always kept).
 */
export function diffTables(
  kind: KnowledgeKind,
  before: Record<string, Table>,
  after: Record<string, Table>,
  isFamilyCode: ((code: string) => boolean) | undefined,
): KnowledgeDiff {
  const out: KnowledgeDiff = { kind, familyOnly: isFamilyCode !== undefined, added: [], deleted: [], changed: [], touchedCodes: [], compared: {} };
  const touched = new Set<string>();
  for (const spec of DIFF_SPECS[kind]) {
    const a = before[spec.table];
    const b = after[spec.table];
    if (!a && !b) continue;
    const keep = (row: Record<string, string | number | null>) =>
      isFamilyCode === undefined || spec.codes.length === 0 || spec.codes.some((c) => row[c] !== null && isFamilyCode(plain(String(row[c]))));
    const index = (t: Table | undefined) => {
      const map = new Map<string, Record<string, string | number | null>>();
      if (!t) return map;
      // With the family filter, test the code columns' dictionaries first: a full PTP quarter has millions of rows
      // and only a few hundred touch the family, so rows are made only for those.
      const codeColumns = isFamilyCode !== undefined && spec.codes.length > 0 ? spec.codes.map((c) => t.text(c)) : undefined;
      const familyValue = codeColumns?.map((c) => c.values.map((v) => v !== '' && isFamilyCode!(plain(v))));
      for (let i = 0; i < t.rows; i++) {
        if (codeColumns && !codeColumns.some((c, k) => familyValue![k]![c.index[i]!])) continue;
        const row = t.row(i);
        if (!codeColumns && !keep(row)) continue;
        map.set(spec.key.map((k) => String(row[k])).join('\u0000'), row);
      }
      return map;
    };
    const rowsA = index(a);
    const rowsB = index(b);
    out.compared[spec.table] = { before: a?.rows ?? 0, after: b?.rows ?? 0 };
    const note = (row: Record<string, string | number | null>) => {
      for (const c of spec.codes) if (row[c] !== null && row[c] !== '') touched.add(plain(String(row[c])));
    };
    for (const [key, row] of rowsB) {
      const old = rowsA.get(key);
      if (!old) {
        out.added.push({ table: spec.table, row });
        note(row);
        continue;
      }
      const changes: ChangedRow['changes'] = {};
      for (const column of Object.keys(row)) {
        if (spec.key.includes(column)) continue;
        if (old[column] !== row[column]) changes[column] = { before: old[column] ?? null, after: row[column] ?? null };
      }
      if (Object.keys(changes).length > 0) {
        out.changed.push({ table: spec.table, key: Object.fromEntries(spec.key.map((k) => [k, row[k] ?? null])), changes });
        note(row);
      }
    }
    for (const [key, row] of rowsA) {
      if (!rowsB.has(key)) {
        out.deleted.push({ table: spec.table, row });
        note(row);
      }
    }
  }
  out.touchedCodes = [...touched].sort();
  return out;
}
