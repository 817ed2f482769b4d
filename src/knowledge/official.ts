/**
 * Lookups over official CMS data: the ICD-10-CM and HCPCS Level II code lists, MUE values with their adjudication
 * indicators, Physician Fee Schedule relative value rows (PC/TC indicator, status, RVUs) and contractors' billing
 * articles. The embedded copies in data/cms/ (data/cms/README.md) are compiled here into the same lookups that an
 * imported version becomes, so the rules read one interface whatever the edition. Pure: bytes and text in.
 */
import { gunzipSync } from 'node:zlib';
import type { Source } from '../contract/result.js';
import { isWithin } from '../contract/dates.js';
import { KnowledgeError } from './errors.js';
import { delimitedRecords } from './import/text.js';

/** Where a dataset comes from and when it is in force (`to` null: until a newer one is loaded). */
export interface DatasetInfo {
  /** Stable id of the version: `embedded:...` for the copies shipped with dxacode, the version id for imports. */
  id: string;
  /** What `checked` prints, e.g. "ICD-10-CM FY2026 (April 1, 2026 update), embedded". */
  label: string;
  effective: { from: string; to: string | null };
  source: Source;
}

/** True when the dataset is in force on the date. */
export function inForce(info: DatasetInfo, date: string): boolean {
  return isWithin(date, info.effective.from, info.effective.to);
}

/** A sorted list of codes as CMS files write them (no dot), searchable by exact code and by prefix. */
export class CodeList {
  // A binary search over the sorted array, not a Set: building a Set of 74,000 codes costs more at start-up than
  // the few look-ups of one claim ever save.
  private list: readonly string[] | undefined;
  private readonly load: (() => readonly string[]) | undefined;
  private readonly count: number;
  private readonly members: ReadonlySet<string> | undefined;

  /** A list from its codes, sorted; or one decoded on demand (`CodeList.decodedOnDemand`). */
  constructor(sorted: readonly string[], onDemand?: { size: number; members: ReadonlySet<string>; load: () => readonly string[] }) {
    this.list = onDemand ? undefined : sorted;
    this.load = onDemand?.load;
    this.count = onDemand ? onDemand.size : sorted.length;
    this.members = onDemand?.members;
  }

  /**
   * A list decoded only when a question needs it: its size and the `members` known to be on it (the codes a claim
   * mostly uses, checked when the list was first read) answer without decoding. Decoding the 74,719 ICD-10-CM codes
   * is a fair share of one encounter's start-up, and a claim whose codes are all known never needs it.
   */
  static decodedOnDemand(size: number, members: Iterable<string>, load: () => readonly string[]): CodeList {
    return new CodeList([], { size, members: new Set(members), load });
  }

  /** The codes, decoded on first use. */
  private get sorted(): readonly string[] {
    this.list ??= this.load!();
    return this.list;
  }

  /** Number of codes. */
  get size(): number {
    return this.count;
  }

  /** True when the code (no dot) is on the list. */
  has(code: string): boolean {
    if (this.members?.has(code)) return true;
    return this.sorted[this.lowerBound(code)] === code;
  }

  /** Index of the first code that sorts at or after `prefix`. */
  private lowerBound(prefix: string): number {
    const sorted = this.sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Up to `limit` codes that start with `prefix` and are longer than it, in order. */
  under(prefix: string, limit = 1): string[] {
    const out: string[] = [];
    const sorted = this.sorted;
    for (let i = this.lowerBound(prefix); i < sorted.length && out.length < limit; i++) {
      const code = sorted[i]!;
      if (!code.startsWith(prefix)) break;
      if (code.length > prefix.length) out.push(code);
    }
    return out;
  }
}

/** Decodes a gzip-compressed code list (one code per line, as data/cms/*.txt.gz) without checking its order. */
export function decodeCodeList(gz: Uint8Array): string[] {
  const codes = gunzipSync(gz).toString('latin1').split(/\r?\n/);
  if (codes[codes.length - 1] === '') codes.pop();
  return codes;
}

/** Reads a gzip-compressed code list (one code per line, sorted, as data/cms/*.txt.gz) and checks it is sorted. */
export function readCodeList(gz: Uint8Array, file: string): CodeList {
  const codes = decodeCodeList(gz);
  for (let i = 1; i < codes.length; i++) {
    if (codes[i - 1]! >= codes[i]!) throw new KnowledgeError(`knowledge file ${file}: line ${i + 1}: expected codes sorted without repeats, got ${codes[i]} after ${codes[i - 1]}`);
  }
  if (codes.length === 0) throw new KnowledgeError(`knowledge file ${file}: no codes`);
  return new CodeList(codes);
}

/** The ICD-10-CM valid-code list of one release. */
export interface IcdCodeSet {
  info: DatasetInfo;
  codes: CodeList;
  /**
   * From this date every code on the list is known to be valid. Before it (within `info.effective`) only codes that
   * another source confirms are: an April update list does not say which of its codes were added on April 1.
   */
  allValidFrom: string;
}

/** The HCPCS Level II code list of one quarter. */
export interface HcpcsCodeSet {
  info: DatasetInfo;
  codes: CodeList;
}

/** MUE adjudication indicators: 1 per claim line, 2 per date of service by policy, 3 per date of service (clinical). */
export type Mai = 1 | 2 | 3;

/** The MUE of one code. */
export interface MueEntry {
  value: number;
  mai: Mai | null;
  rationale: string;
}

/** MUE values of one table (practitioner or outpatient hospital). */
export interface MueTable {
  info: DatasetInfo;
  get(code: string): MueEntry | undefined;
}

/** One Physician Fee Schedule relative value row (code and modifier). */
export interface RvuEntry {
  code: string;
  modifier: string;
  status: string;
  /** PC/TC indicator: 1 diagnostic test with a professional/technical split; 0 physician service; 2 PC only; 3 TC only; ... */
  pctc: string;
  globalDays: string;
  workRvu: number;
  nonFacilityTotal: number;
  facilityTotal: number;
  conversionFactor: number;
}

/** PFS relative value rows, by code and modifier. */
export interface RvuTable {
  info: DatasetInfo;
  get(code: string, modifier?: string): RvuEntry | undefined;
}

/** One contractor's billing article: its codes and covered ICD-10-CM codes by group, for its jurisdictions. */
export interface CoverageArticle {
  info: DatasetInfo;
  article: string;
  articleVersion: number;
  title: string;
  contractor: string;
  jurisdictions: readonly string[];
  /** The CPT/HCPCS codes the article lists. */
  codes: ReadonlySet<string>;
  /** The covered ICD-10-CM codes (dotted) that support `code`: the union of the groups that apply to it; undefined when no group does. */
  coveredFor(code: string): ReadonlySet<string> | undefined;
  groupsSource: Source;
  url: string | undefined;
}

/** Rows of an embedded CSV file by column name (compile.ts reads them when it validates the tables). */
export type CsvRows = Record<string, string>[];

/** Rows of an embedded CSV file by column name, read with the importers' RFC 4180 reader. */
function csvRows(text: string, file: string, header: string[]): CsvRows {
  let records;
  try {
    records = [...delimitedRecords(text, ',', file)];
  } catch (error) {
    throw new KnowledgeError(`knowledge file ${(error as Error).message}`);
  }
  const columns = records[0]?.fields ?? [];
  for (const name of header) {
    if (!columns.includes(name)) throw new KnowledgeError(`knowledge file ${file}: line 1: expected a column ${name}`);
  }
  return records.slice(1).map((record) => {
    if (record.fields.length !== columns.length) throw new KnowledgeError(`knowledge file ${file}: line ${record.line}: expected ${columns.length} comma-separated cells, got ${record.fields.length}`);
    return Object.fromEntries(columns.map((c, k) => [c, record.fields[k]!]));
  });
}

/** The rows of the embedded MUE transcription (data/cms/mue-2026q4-bone-density.csv), its columns checked. */
export function embeddedMueRows(csv: string, file: string): CsvRows {
  return csvRows(csv, file, ['code', 'practitioner_mue', 'practitioner_mai', 'practitioner_rationale', 'outpatient_hospital_mue', 'outpatient_hospital_mai', 'outpatient_hospital_rationale']);
}

/** The rows of the embedded CY2024 PFS file (data/cms/pprrvu-2024-bone-density.csv), its columns checked. */
export function embeddedRvuRows(csv: string, file: string): CsvRows {
  return csvRows(csv, file, ['source_file', 'date_start', 'date_end', 'hcpcs', 'mod', 'status_code', 'pctc_ind', 'glob_days', 'work_rvu', 'non_facility_total', 'facility_total', 'conv_factor']);
}

/** The embedded MUE transcription (rows of data/cms/mue-2026q4-bone-density.csv): one table per claim type. */
export function readEmbeddedMue(rows: CsvRows, file: string): { professional: MueTable; institutional: MueTable } {
  const table = (prefix: 'practitioner' | 'outpatient_hospital', label: string): MueTable => {
    const byCode = new Map<string, MueEntry>();
    rows.forEach((r, i) => {
      const value = Number(r[`${prefix}_mue`]);
      const mai = Number(r[`${prefix}_mai`]);
      if (!Number.isInteger(value) || value < 0 || ![1, 2, 3].includes(mai)) throw new KnowledgeError(`knowledge file ${file}: line ${i + 2}: expected an MUE value and an MAI of 1, 2 or 3`);
      byCode.set(r.code!, { value, mai: mai as Mai, rationale: r[`${prefix}_rationale`]! });
    });
    return {
      info: {
        id: `embedded:mue-${prefix === 'practitioner' ? 'practitioner' : 'hospital'}-2026q4`,
        label: `NCCI MUE ${label} 2026 Q4 (effective 2026-10-01; ${byCode.size} bone-density codes), embedded`,
        effective: { from: '2026-10-01', to: null },
        source: {
          title: `CMS NCCI MUE ${label} table effective 2026-10-01, transcribed from a re-parse of the official file (data/cms/README.md)`,
          version: '2026 Q4',
          confidence: 'secondary',
        },
      },
      get: (code) => byCode.get(code),
    };
  };
  return { professional: table('practitioner', 'practitioner services'), institutional: table('outpatient_hospital', 'outpatient hospital services') };
}

/**
 * The embedded CY2024 PFS rows (data/cms/pprrvu-2024-bone-density.csv, the RVU24A, RVU24AR, RVU24B and RVU24C
 * releases). The release in force on the date of service is used; outside 2024 the last one, labelled with its year.
 */
export function readEmbeddedRvu(rows: CsvRows, file: string): (date: string) => RvuTable {
  const releases = new Map<string, { from: string; to: string; byKey: Map<string, RvuEntry> }>();
  for (const r of rows) {
    const release = releases.get(r.source_file!) ?? { from: r.date_start!, to: r.date_end!, byKey: new Map<string, RvuEntry>() };
    releases.set(r.source_file!, release);
    release.byKey.set(`${r.hcpcs}|${r.mod}`, {
      code: r.hcpcs!,
      modifier: r.mod!,
      status: r.status_code!,
      pctc: r.pctc_ind!,
      globalDays: r.glob_days!,
      workRvu: Number(r.work_rvu),
      nonFacilityTotal: Number(r.non_facility_total),
      facilityTotal: Number(r.facility_total),
      conversionFactor: Number(r.conv_factor),
    });
  }
  const ordered = [...releases.entries()].sort((a, b) => (a[1].from < b[1].from ? -1 : 1));
  if (ordered.length === 0) throw new KnowledgeError(`knowledge file ${file}: no rows`);
  const tables = ordered.map(([name, release]): RvuTable => ({
    info: {
      id: `embedded:pfs-rvu-${name}`,
      label: `CMS PFS relative values CY2024 (${name.toUpperCase()}, ${release.from} to ${release.to}), embedded`,
      effective: { from: release.from, to: release.to },
      source: {
        title: `CMS Physician Fee Schedule PPRRVU CY2024 release ${name.toUpperCase()} (${release.from} to ${release.to}), re-parsed rows of the bone-density codes (data/cms/README.md); CY2026 values come only from an imported RVU file`,
        version: `CY2024 ${name.toUpperCase()}`,
        confidence: 'secondary',
      },
    },
    get: (code, modifier = '') => release.byKey.get(`${code}|${modifier}`),
  }));
  const last = tables[tables.length - 1]!;
  return (date) => tables.find((t) => date >= t.info.effective.from && date <= t.info.effective.to!) ?? last;
}

interface ArticleFile {
  id: string;
  version: string;
  displayId: string;
  contractors: string[];
  states: string[];
  codes: Record<string, string[]>;
  covered: Record<string, string[]>;
}

/** Metadata of one embedded article (data/medicare-billing-articles.json). */
export interface ArticleMeta {
  file: string;
  article: string;
  articleVersion: number;
  title: string;
  contractor: string;
  jurisdictions: string[];
  groups: { group: number; codes: string[] }[];
  url?: string | undefined;
  effective?: { from: string; source: Source } | undefined;
  source: Source;
  groupsSource: Source;
}

/** Builds a coverage article from an MCD export copy and its metadata; checks they agree. */
export function readEmbeddedArticle(meta: ArticleMeta, data: unknown, exportVersion: string): CoverageArticle {
  const file = meta.file;
  const entries = data as ArticleFile[];
  const entry = Array.isArray(entries) ? entries[0] : undefined;
  if (!entry || entry.displayId !== meta.article || Number(entry.version) !== meta.articleVersion) {
    throw new KnowledgeError(`knowledge file ${file}: expected article ${meta.article} version ${meta.articleVersion}`);
  }
  const codes = new Set(Object.values(entry.codes).flat());
  const groups = new Map<number, Set<string>>();
  for (const [group, list] of Object.entries(entry.covered)) groups.set(Number(group), new Set(list));
  const byCode = new Map<string, Set<string>>();
  for (const g of meta.groups) {
    const covered = groups.get(g.group);
    if (!covered) throw new KnowledgeError(`knowledge file ${file}: article ${meta.article} has no covered group ${g.group}`);
    for (const code of g.codes) {
      const union = byCode.get(code) ?? new Set<string>();
      for (const dx of covered) union.add(dx);
      byCode.set(code, union);
    }
  }
  return {
    info: {
      id: `embedded:${meta.article}-v${meta.articleVersion}`,
      label: `${meta.contractor} billing article ${meta.article} v${meta.articleVersion} (${exportVersion}), embedded`,
      // Without a recorded original effective date, the ICD-10 start is the earliest date an ICD-10 list can apply.
      effective: { from: meta.effective?.from ?? '2015-10-01', to: null },
      source: { ...meta.source, version: `${meta.article} v${meta.articleVersion}` },
    },
    article: meta.article,
    articleVersion: meta.articleVersion,
    title: meta.title,
    contractor: meta.contractor,
    jurisdictions: meta.jurisdictions,
    codes,
    coveredFor: (code) => byCode.get(code),
    groupsSource: meta.groupsSource,
    url: meta.url,
  };
}
