/**
 * Imported knowledge versions: each is one import of official files (`dxacode knowledge import`), kept in the store
 * as encoded tables with its provenance. Here they are compiled into the lookups the rules read, and a Knowledge is
 * resolved per date of service: per kind, the newest version in force on that date, else the embedded default.
 * Pure: the caller reads the records and bytes from the store.
 */
import { isWithin } from '../contract/dates.js';
import type { Source } from '../contract/result.js';
import type { Jurisdiction } from '../contract/values.js';
import type { Knowledge, TabularExcludes1 } from './compile.js';
import { INT_NULL, type Table } from './import/table.js';
import { isoOfDateInt } from './import/text.js';
import type { KnowledgeKind } from './import/types.js';
import { CodeList, type CoverageArticle, type DatasetInfo, type Mai, type MueEntry, type MueTable, type RvuEntry, type RvuTable } from './official.js';
import type { PayerPack, PtpRow } from './schema.js';
import { KnowledgeError } from './errors.js';
import { readPackFile } from './pack-file.js';
import { compilePack } from './packs.js';

/** The provenance of one imported version, as the store keeps it. */
export interface KnowledgeVersionRecord {
  /** Import order (newest highest). */
  seq: number;
  id: string;
  kind: KnowledgeKind;
  edition: string;
  effectiveFrom: string;
  /** Last day in force (inclusive), or null: until a newer version. */
  effectiveTo: string | null;
  files: { name: string; sha256: string; bytes: number }[];
  rowCounts: Record<string, number>;
  /** SHA-256 of the encoded tables. */
  contentSha256: string;
  importedBy: string;
  importedAt: string;
  warnings: string[];
}

/** What users call each kind, for labels. */
export const KIND_TITLES: Record<KnowledgeKind, string> = {
  'ptp-practitioner': 'NCCI PTP practitioner',
  'ptp-hospital': 'NCCI PTP outpatient hospital',
  'mue-practitioner': 'NCCI MUE practitioner services',
  'mue-hospital': 'NCCI MUE outpatient hospital services',
  'mue-dme': 'NCCI MUE DME supplier services',
  'pfs-rvu': 'CMS PFS relative values',
  icd10cm: 'ICD-10-CM',
  hcpcs: 'HCPCS Level II',
  'mcd-article': 'Medicare Coverage Database billing articles',
  'order-referring': 'CMS Order and Referring (PECOS)',
  leie: 'OIG exclusion list (LEIE)',
  'payer-pack': 'Payer policy pack',
};

function infoOf(record: KnowledgeVersionRecord): DatasetInfo {
  const files = record.files.map((f) => f.name).join(', ');
  return {
    id: record.id,
    label: `${KIND_TITLES[record.kind]} ${record.edition} (${record.effectiveFrom} to ${record.effectiveTo ?? 'open'}), imported ${record.id}`,
    effective: { from: record.effectiveFrom, to: record.effectiveTo },
    source: {
      title: `${KIND_TITLES[record.kind]} ${record.edition}, imported from ${files} by ${record.importedBy} on ${record.importedAt.slice(0, 10)}`,
      version: record.id,
      confidence: 'verified',
    },
  };
}

const dateOrNull = (value: number): string | null => (value === INT_NULL ? null : isoOfDateInt(value));

/** A PTP table indexed by column 1 then column 2 (rows bucketed by column 1, sorted by column 2). */
export interface PtpLookup {
  info: DatasetInfo;
  /** Parts of the quarter loaded (f1-f4); fewer than four means codes of the missing ranges are not covered. */
  parts: string[];
  rowsFor(column1: string, column2: string): PtpRow[];
}

/** The parts (f1-f4) of a PTP quarter that a version holds, from its row counts. */
function ptpParts(record: KnowledgeVersionRecord): string[] {
  return Object.keys(record.rowCounts).filter((k) => /^f[1-4]$/.test(k)).sort();
}

/** Indexes a PTP table: the rows between two codes, in the table's order. */
function compilePtp(record: KnowledgeVersionRecord, table: Table, claimType: 'professional' | 'institutional'): PtpLookup['rowsFor'] {
  const c1 = table.text('column1');
  const c2 = table.text('column2');
  const ids = new Map<string, number>();
  const idOf = (code: string): number => {
    let id = ids.get(code);
    if (id === undefined) ids.set(code, (id = ids.size));
    return id;
  };
  const id1 = c1.values.map(idOf);
  const id2 = c2.values.map(idOf);
  const n = table.rows;
  // Counting sort by column 1, then each bucket sorted by column 2: O(n) memory in typed arrays, no object per row.
  const offsets = new Uint32Array(ids.size + 1);
  for (let i = 0; i < n; i++) offsets[id1[c1.index[i]!]! + 1]!++;
  for (let k = 1; k < offsets.length; k++) offsets[k]! += offsets[k - 1]!;
  const order = new Uint32Array(n);
  const fill = offsets.slice(0, ids.size);
  for (let i = 0; i < n; i++) order[fill[id1[c1.index[i]!]!]!++] = i;
  const second = (row: number) => id2[c2.index[row]!]!;
  for (let k = 0; k < ids.size; k++) {
    const bucket = order.subarray(offsets[k]!, offsets[k + 1]!);
    if (bucket.length > 1) bucket.sort((a, b) => second(a) - second(b) || a - b);
  }
  const effective = table.int('effective');
  const deletion = table.int('deletion');
  const modifier = table.int('modifier');
  const rationale = table.text('rationale');
  const source: Source = { title: `${infoOf(record).source.title} (CMS NCCI procedure-to-procedure edit)`, version: record.id, confidence: 'verified' };
  return (column1, column2) => {
    const a = ids.get(column1);
    const b = ids.get(column2);
    if (a === undefined || b === undefined) return [];
    let lo = offsets[a]!;
    let hi = offsets[a + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (second(order[mid]!) < b) lo = mid + 1;
      else hi = mid;
    }
    const rows: PtpRow[] = [];
    for (let k = lo; k < offsets[a + 1]! && second(order[k]!) === b; k++) {
      const i = order[k]!;
      const text = rationale.values[rationale.index[i]!]!;
      rows.push({
        column1,
        column2,
        effective: dateOrNull(effective[i]!),
        deletion: dateOrNull(deletion[i]!),
        modifierIndicator: String(modifier[i]) as '0' | '1' | '9',
        indicatorConfidence: 'verified',
        claimTypes: [claimType],
        kind: /mutually exclusive/i.test(text) ? 'mutually-exclusive' : 'bundled',
        rationale: text,
        source,
      });
    }
    return rows;
  };
}

function compileMue(record: KnowledgeVersionRecord, table: Table): MueTable {
  const code = table.text('code');
  const value = table.int('value');
  const mai = table.int('mai');
  const rationale = table.text('rationale');
  const byCode = new Map<string, MueEntry>();
  for (let i = 0; i < table.rows; i++) {
    const m = mai[i]!;
    byCode.set(code.values[code.index[i]!]!, { value: value[i]!, mai: m === INT_NULL ? null : (m as Mai), rationale: rationale.values[rationale.index[i]!]! });
  }
  return { info: infoOf(record), get: (c) => byCode.get(c) };
}

function compileRvu(record: KnowledgeVersionRecord, table: Table): RvuTable {
  const byKey = new Map<string, RvuEntry>();
  const text = (name: string, i: number) => {
    const c = table.text(name);
    return c.values[c.index[i]!]!;
  };
  const number = (name: string) => table.number(name);
  const work = number('workRvu');
  const nonFacility = number('nonFacilityTotal');
  const facility = number('facilityTotal');
  const factor = number('conversionFactor');
  for (let i = 0; i < table.rows; i++) {
    const entry: RvuEntry = {
      code: text('code', i),
      modifier: text('modifier', i),
      status: text('status', i),
      pctc: text('pctc', i),
      globalDays: text('globalDays', i),
      workRvu: work[i]!,
      nonFacilityTotal: nonFacility[i]!,
      facilityTotal: facility[i]!,
      conversionFactor: factor[i]!,
    };
    byKey.set(`${entry.code}|${entry.modifier}`, entry);
  }
  return { info: infoOf(record), get: (c, m = '') => byKey.get(`${c}|${m}`) };
}

function compileIcd(record: KnowledgeVersionRecord, table: Table): Knowledge['icd10']['codeSet'] {
  const code = table.text('code');
  const billable = table.int('billable');
  const valid: string[] = [];
  for (let i = 0; i < table.rows; i++) if (billable[i] === 1) valid.push(code.values[code.index[i]!]!);
  valid.sort();
  return { info: infoOf(record), codes: new CodeList([...new Set(valid)]), allValidFrom: record.effectiveFrom };
}

/**
 * The Excludes1 notes of an imported tabular XML as code-prefix pairs: a note on M81 that names "(M80.-)" says that
 * no code under M81 is reported with one under M80. Code ranges (C00-C96) are not expanded: they are left out.
 */
function compileExcludes1(record: KnowledgeVersionRecord, table: Table | undefined): Map<string, TabularExcludes1[]> | undefined {
  if (!table || table.rows === 0) return undefined;
  const code = table.text('code');
  const note = table.text('note');
  const refs = table.text('refs');
  const info = infoOf(record);
  const out = new Map<string, TabularExcludes1[]>();
  for (let i = 0; i < table.rows; i++) {
    const a = code.values[code.index[i]!]!;
    for (const ref of refs.values[refs.index[i]!]!.split(/\s+/)) {
      if (!/^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{0,4})?-?$/.test(ref)) continue;
      const b = ref.replace(/-$/, '').replace(/\.$/, '');
      const list = out.get(a.slice(0, 3)) ?? [];
      list.push({ a, b, note: note.values[note.index[i]!]!, source: { title: `${info.source.title}: Excludes1 at ${a}`, version: record.id, confidence: 'verified' } });
      out.set(a.slice(0, 3), list);
    }
  }
  return out;
}

function compileHcpcs(record: KnowledgeVersionRecord, table: Table): Knowledge['hcpcs'] {
  const code = table.text('code');
  const terminated = table.int('terminated');
  const from = Number(record.effectiveFrom.replace(/-/g, ''));
  const codes: string[] = [];
  for (let i = 0; i < table.rows; i++) {
    const end = terminated[i]!;
    if (end === INT_NULL || end >= from) codes.push(code.values[code.index[i]!]!);
  }
  codes.sort();
  return { info: infoOf(record), codes: new CodeList([...new Set(codes)]) };
}

/** Billing articles of an MCD import, by jurisdiction; each article's groups apply to the codes its paragraph names. */
function compileArticles(record: KnowledgeVersionRecord, tables: Record<string, Table>): Map<Jurisdiction, CoverageArticle> {
  const rowsOf = (name: string) => {
    const t = tables[name];
    return t ? Array.from({ length: t.rows }, (_, i) => t.row(i)) : [];
  };
  const info = infoOf(record);
  const out = new Map<Jurisdiction, CoverageArticle>();
  for (const article of rowsOf('articles')) {
    const key = (r: Record<string, unknown>) => r.article === article.article && r.version === article.version;
    const codes = new Set(rowsOf('codes').filter(key).map((r) => String(r.code)));
    const covered = new Map<number, Set<string>>();
    for (const r of rowsOf('covered').filter(key)) {
      const set = covered.get(Number(r.group)) ?? new Set<string>();
      set.add(String(r.icd10));
      covered.set(Number(r.group), set);
    }
    // A group paragraph that names codes applies to those; one that names none applies to every code of the article.
    const byCode = new Map<string, Set<string>>();
    for (const g of rowsOf('groups').filter(key)) {
      const named = [...String(g.paragraph).matchAll(/\b(\d{4}[0-9T]|[A-V]\d{4})\b/g)].map((m) => m[1]!);
      const group = covered.get(Number(g.group));
      if (!group) continue;
      for (const c of named.length > 0 ? named : [...codes]) {
        const union = byCode.get(c) ?? new Set<string>();
        for (const dx of group) union.add(dx);
        byCode.set(c, union);
      }
    }
    const jurisdictions = [...new Set(rowsOf('jurisdictions').filter(key).map((r) => String(r.jurisdiction)))] as Jurisdiction[];
    const compiled: CoverageArticle = {
      info: { ...info, label: `${String(article.contractor)} billing article ${String(article.article)} v${String(article.version)}, imported ${record.id}`, source: { ...info.source, version: `${String(article.article)} v${String(article.version)}` } },
      article: String(article.article),
      articleVersion: Number(article.version),
      title: String(article.title),
      contractor: String(article.contractor),
      jurisdictions,
      codes,
      coveredFor: (c) => byCode.get(c),
      groupsSource: { title: `${String(article.article)} covered-code group paragraphs (imported ${record.id})`, confidence: 'verified' },
      url: undefined,
    };
    for (const j of jurisdictions) out.set(j, compiled);
  }
  return out;
}

/** Rows with an NPI, ordered by NPI (ties by row), and their NPIs in that order: the index of an NPI lookup. */
function indexByNpi(npis: Float64Array): { rowOf: Uint32Array; sorted: Float64Array } {
  let count = 0;
  let ascending = true;
  let previous = -Infinity;
  for (let i = 0; i < npis.length; i++) {
    const v = npis[i]!;
    if (Number.isNaN(v)) continue;
    count++;
    if (v < previous) ascending = false;
    previous = v;
  }
  const rowOf = new Uint32Array(count);
  for (let i = 0, k = 0; i < npis.length; i++) if (!Number.isNaN(npis[i]!)) rowOf[k++] = i;
  // CMS publishes the file in NPI order as a rule; sorting is only for a file that is not.
  if (!ascending) rowOf.sort((a, b) => npis[a]! - npis[b]! || a - b);
  const sorted = new Float64Array(count);
  for (let k = 0; k < count; k++) sorted[k] = npis[rowOf[k]!]!;
  return { rowOf, sorted };
}

/** The first position in `sorted` holding `value`, or -1. */
function findNpi(sorted: Float64Array, npi: string): number {
  if (!/^\d{10}$/.test(npi)) return -1;
  const value = Number(npi);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === value ? lo : -1;
}

/** One practitioner on the CMS Order and Referring file, with what they may order or refer (Y on the file). */
export interface OrderReferringEntry {
  npi: string;
  lastName: string;
  firstName: string;
  /** Part B services (a DXA among them). */
  partB: boolean;
  dme: boolean;
  hha: boolean;
  pmd: boolean;
  hospice: boolean;
}

/** The Order and Referring file of one import, by NPI. */
export interface OrderReferringLookup {
  info: DatasetInfo;
  /** Rows on the file. */
  rows: number;
  /** The practitioner with this NPI (the first row when the file repeats it), or undefined when not on the file. */
  get(npi: string): OrderReferringEntry | undefined;
}

const SERVICE_FLAGS = ['partB', 'dme', 'hha', 'pmd', 'hospice'] as const;

function compileOrderReferring(record: KnowledgeVersionRecord, table: Table): OrderReferringLookup {
  // About 2 million rows: the NPIs sorted in a Float64Array, the five Y/N flags as bits of one byte per row.
  const { rowOf, sorted } = indexByNpi(table.number('npi'));
  const columns = SERVICE_FLAGS.map((name) => table.int(name));
  const flags = new Uint8Array(rowOf.length);
  for (let k = 0; k < rowOf.length; k++) {
    let bits = 0;
    for (let f = 0; f < columns.length; f++) if (columns[f]![rowOf[k]!] === 1) bits |= 1 << f;
    flags[k] = bits;
  }
  const last = table.text('lastName');
  const first = table.text('firstName');
  return {
    info: infoOf(record),
    rows: table.rows,
    get(npi) {
      const k = findNpi(sorted, npi);
      if (k < 0) return undefined;
      const row = rowOf[k]!;
      const bits = flags[k]!;
      return {
        npi,
        lastName: last.values[last.index[row]!]!,
        firstName: first.values[first.index[row]!]!,
        partB: (bits & 1) !== 0,
        dme: (bits & 2) !== 0,
        hha: (bits & 4) !== 0,
        pmd: (bits & 8) !== 0,
        hospice: (bits & 16) !== 0,
      };
    },
  };
}

/** One LEIE exclusion row matched by NPI. */
export interface LeieExclusion {
  npi: string;
  /** "LAST, FIRST" for an individual, the business name for an entity. */
  name: string;
  general: string;
  specialty: string;
  state: string;
  /** The statute (e.g. 1128a1, 1128b4). */
  exclusionType: string;
  /** ISO dates; reinstatement and waiver null when not set. */
  exclusionDate: string;
  reinstatementDate: string | null;
  waiverDate: string | null;
  waiverState: string;
}

/** The LEIE of one import, by NPI (an NPI may have several rows). */
export interface LeieLookup {
  info: DatasetInfo;
  /** Rows on the file. */
  rows: number;
  /** Rows without an NPI (0000000000): counted, but they cannot be matched by NPI. */
  withoutNpi: number;
  /** Every row with this NPI, in file order ([] when none). */
  get(npi: string): LeieExclusion[];
}

function compileLeie(record: KnowledgeVersionRecord, table: Table): LeieLookup {
  const { rowOf, sorted } = indexByNpi(table.number('npi'));
  const column = (name: string) => {
    const c = table.text(name);
    return (row: number): string => c.values[c.index[row]!]!;
  };
  const lastName = column('lastName');
  const firstName = column('firstName');
  const businessName = column('businessName');
  const general = column('general');
  const specialty = column('specialty');
  const state = column('state');
  const exclusionType = column('exclusionType');
  const waiverState = column('waiverState');
  const excluded = table.int('exclusionDate');
  const reinstated = table.int('reinstatementDate');
  const waiver = table.int('waiverDate');
  return {
    info: infoOf(record),
    rows: table.rows,
    withoutNpi: table.rows - rowOf.length,
    get(npi) {
      const out: LeieExclusion[] = [];
      const first = findNpi(sorted, npi);
      if (first < 0) return out;
      for (let k = first; k < sorted.length && sorted[k] === sorted[first]; k++) {
        const row = rowOf[k]!;
        const person = [lastName(row), firstName(row)].filter((p) => p !== '').join(', ');
        out.push({
          npi,
          name: person !== '' ? person : businessName(row),
          general: general(row),
          specialty: specialty(row),
          state: state(row),
          exclusionType: exclusionType(row),
          exclusionDate: isoOfDateInt(excluded[row]!),
          reinstatementDate: dateOrNull(reinstated[row]!),
          waiverDate: dateOrNull(waiver[row]!),
          waiverState: waiverState(row),
        });
      }
      return out;
    },
  };
}

/** One compiled imported version: what it overrides in the embedded knowledge. */
export interface CompiledVersion {
  record: KnowledgeVersionRecord;
  apply(target: Knowledge): void;
  /** A payer pack version: the pack (every version of every payer stays loaded; each applies over its period). */
  pack?: PayerPack | undefined;
}

/** The pack a stored payer-pack version holds (validated again: the stored text is the uploaded file). */
function storedPack(record: KnowledgeVersionRecord, file: Table): PayerPack {
  const text = file.text('text');
  const name = file.text('name');
  const read = readPackFile(name.values[name.index[0]!]!, text.values[text.index[0]!]!);
  const first = read.problems.find((p) => p.severity === 'error');
  if (!read.pack || first) throw new KnowledgeError(`knowledge version ${record.id}: the stored payer pack is not valid: ${first?.message ?? 'unreadable'}`);
  return read.pack;
}

/** Compiles a stored version's tables into an override of the lookups of its kind. */
export function compileVersion(record: KnowledgeVersionRecord, data: Record<string, Table> | (() => Record<string, Table>)): CompiledVersion {
  let decoded: Record<string, Table> | undefined = typeof data === 'function' ? undefined : data;
  const tables = (): Record<string, Table> => (decoded ??= (data as () => Record<string, Table>)());
  const need = (name: string): Table => {
    const t = tables()[name];
    if (!t) throw new Error(`knowledge version ${record.id}: table ${name} is missing`);
    return t;
  };
  switch (record.kind) {
    case 'ptp-practitioner':
    case 'ptp-hospital': {
      const claimType = record.kind === 'ptp-practitioner' ? 'professional' : 'institutional';
      // A PTP quarter has millions of rows: it is decoded and indexed when a claim with two codes first needs it,
      // so a one-code check (one CLI run, a version not in force on the date) never pays for it.
      let rowsFor: PtpLookup['rowsFor'] | undefined;
      const lookup: PtpLookup = {
        info: infoOf(record),
        parts: ptpParts(record),
        rowsFor: (column1, column2) => (rowsFor ??= compilePtp(record, need('rows'), claimType))(column1, column2),
      };
      return { record, apply: (k) => void (k.ptp = { ...k.ptp, [claimType]: lookup }) };
    }
    case 'mue-practitioner':
    case 'mue-hospital': {
      const table = compileMue(record, need('rows'));
      const claimType = record.kind === 'mue-practitioner' ? 'professional' : 'institutional';
      return { record, apply: (k) => void (k.mue = { ...k.mue, [claimType]: table }) };
    }
    case 'pfs-rvu': {
      const table = compileRvu(record, need('rows'));
      return { record, apply: (k) => void (k.rvuOn = () => table) };
    }
    case 'icd10cm': {
      const codeSet = compileIcd(record, need('codes'));
      const tabularExcludes1 = compileExcludes1(record, tables().excludes1);
      return { record, apply: (k) => void (k.icd10 = { ...k.icd10, codeSet, ...(tabularExcludes1 ? { tabularExcludes1 } : {}) }) };
    }
    case 'hcpcs': {
      const hcpcs = compileHcpcs(record, need('codes'));
      return { record, apply: (k) => void (k.hcpcs = hcpcs) };
    }
    case 'mcd-article': {
      const articles = compileArticles(record, tables());
      return {
        record,
        apply: (k) => void (k.articles = { ...k.articles, byJurisdiction: new Map([...k.articles.byJurisdiction, ...articles]) }),
      };
    }
    case 'order-referring': {
      const orderReferring = compileOrderReferring(record, need('rows'));
      return { record, apply: (k) => void (k.providers = { ...k.providers, orderReferring }) };
    }
    case 'leie': {
      const leie = compileLeie(record, need('rows'));
      return { record, apply: (k) => void (k.providers = { ...k.providers, leie }) };
    }
    case 'mue-dme':
      // Kept and listed; the DME MUE table does not apply to these codes.
      return { record, apply: () => undefined };
    case 'payer-pack': {
      const pack = storedPack(record, need('file'));
      return {
        record,
        pack,
        apply: (k) => {
          k.packs = k.packs.withUploads([compilePack(pack, record.id, (code) => k.codes.byCode.has(code))]);
          k.payers = k.packs.current();
        },
      };
    }
  }
}

/**
 * The embedded knowledge plus imported versions. `forDate` picks, per kind, the newest version in force on the date
 * and returns a Knowledge with those lookups (memoised per combination, so repeated dates cost a map look-up).
 */
export function withVersions(given: Knowledge, versions: readonly CompiledVersion[]): Knowledge {
  if (versions.length === 0) return given;
  // Payer packs are not one-per-kind: every uploaded version of every payer is laid over the files' versions, oldest
  // first so the newest ends in front, and the date of service picks among them (PackIndex.on).
  const base: Knowledge = { ...given };
  for (const v of [...versions].filter((c) => c.pack).sort((a, b) => a.record.seq - b.record.seq)) v.apply(base);
  if (base.packs !== given.packs) {
    const uploaded = versions.filter((c) => c.pack).map((c) => `${c.pack!.id} ${c.pack!.version}`);
    base.version = `${given.version}; payer packs uploaded ${uploaded.join(', ')}`;
  }
  const byKind = new Map<KnowledgeKind, CompiledVersion[]>();
  for (const v of [...versions].filter((c) => !c.pack).sort((a, b) => b.record.seq - a.record.seq)) {
    const list = byKind.get(v.record.kind) ?? [];
    list.push(v);
    byKind.set(v.record.kind, list);
  }
  const memo = new Map<string, Knowledge>();
  const byDate = new Map<string, Knowledge>();
  const resolved: Knowledge = {
    ...base,
    versionRecords: versions.map((v) => v.record),
    forDate(date: string): Knowledge {
      const cached = byDate.get(date);
      if (cached) return cached;
      const chosen: CompiledVersion[] = [];
      for (const list of byKind.values()) {
        const v = list.find((c) => isWithin(date, c.record.effectiveFrom, c.record.effectiveTo));
        if (v) chosen.push(v);
      }
      const key = chosen.map((c) => c.record.id).join('|');
      let k = memo.get(key);
      if (!k) {
        k = { ...base, versionRecords: resolved.versionRecords, forDate: (d: string) => resolved.forDate(d) };
        for (const c of chosen) c.apply(k);
        k.version = chosen.length ? `${base.version}; imported ${key.replace(/\|/g, ', ')}` : base.version;
        memo.set(key, k);
      }
      if (byDate.size < 50_000) byDate.set(date, k);
      return k;
    },
  };
  return resolved;
}
