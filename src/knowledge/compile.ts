/**
 * Turns raw knowledge tables (parsed JSON and the ICD-10-CM TSV text) into validated, indexed maps: first validated
 * against their schemas (`validateKnowledgeSources`, the costly half), then indexed (indexes.ts). Runs once at
 * start-up; the per-encounter path only reads the maps. Pure: the caller reads the files. The embedded tables'
 * validated form is also written at build time as a snapshot, which the CLI indexes without validating again
 * (src/io/knowledge-snapshot.ts).
 */
import type { z } from 'zod';
import {
  BillingArticles,
  CodesTable,
  IcdConventions,
  IscdVfa,
  MedicareBmm as MedicareBmmSchema,
  ModifiersTable,
  PairsTable,
  PayerPack,
  type CodeEntry,
  type Combination,
  type IscdVersion,
  type MedicareBmm,
  type ModifierEntry,
  type PtpRow,
} from './schema.js';
import type { Jurisdiction } from '../contract/values.js';
import type { KnowledgeVersionRecord, LeieLookup, OrderReferringLookup, PtpLookup } from './versions.js';
import type { OfficeSettings } from './office.js';
import type { Source } from '../contract/result.js';
import { KnowledgeError } from './errors.js';
import { indexKnowledge } from './indexes.js';
import type { PackIndex } from './packs.js';
import { embeddedMueRows, embeddedRvuRows, readCodeList, type CodeList, type CoverageArticle, type CsvRows, type HcpcsCodeSet, type IcdCodeSet, type MueTable, type RvuTable } from './official.js';

/** Raw tables as read from disk (or built in memory by a test). */
export interface KnowledgeSources {
  codes: unknown;
  pairs: unknown;
  modifiers: unknown;
  icd10Conventions: unknown;
  icd10Tsv: string;
  medicareBmm: unknown;
  iscdVfa: unknown;
  payers: { name: string; data: unknown }[];
  /** Official CMS data (data/cms/): the gzip-compressed ICD-10-CM and HCPCS code lists, MUE and RVU rows, billing articles. */
  official: {
    icd10cmCodesGz: Uint8Array;
    hcpcsCodesGz: Uint8Array;
    mueCsv: string;
    rvuCsv: string;
    articles: unknown;
    articleFiles: Record<string, unknown>;
  };
}

export { KnowledgeError } from './errors.js';

/** Validated and indexed ICD-10-CM data. */
export interface IcdKnowledge {
  version: string;
  title: string;
  source: Source;
  /** Billable codes (dotted) with their CMS descriptions. */
  billable: Map<string, string>;
  /** Prefixes of billable codes that are not billable themselves (category headers). */
  headers: Set<string>;
  conventions: z.infer<typeof IcdConventions>;
  /** The complete ICD-10-CM valid-code list (no dots) of the release the code set names. */
  codeSet: IcdCodeSet;
  /** Excludes1 notes of an imported tabular XML, by the first three characters of the code that carries them. */
  tabularExcludes1?: Map<string, TabularExcludes1[]> | undefined;
}

/** One Excludes1 note of the tabular list: codes starting with `a` are never reported with codes starting with `b`. */
export interface TabularExcludes1 {
  a: string;
  b: string;
  note: string;
  source: Source;
}

/** Validated and indexed pair data. */
export interface PairKnowledge {
  version: string;
  title: string;
  partial: boolean;
  partialNote: string;
  rows: PtpRow[];
  /** Rows by `column1|column2`. */
  byPair: Map<string, PtpRow[]>;
  /** The same rows by column 1, then column 2: the per-check look-up, which builds no key text. */
  byColumns: Map<string, Map<string, PtpRow[]>>;
  combinations: Combination[];
}

/** Validated and indexed modifier data. */
export interface ModifierKnowledge {
  version: string;
  title: string;
  maxPerLine: number;
  maxPerLineSource: Source;
  byCode: Map<string, ModifierEntry>;
  exclusive: { modifiers: string[]; source: Source }[];
  requires: { modifier: string; requires: string; source: Source }[];
}

/** The Medicare BMM policy indexed for the per-line assessment. */
export interface MedicareIndex {
  benefitByCode: Map<string, MedicareBmm['benefitCodes'][number]>;
  excludedByCode: Map<string, MedicareBmm['excluded'][number]>;
  notOnListByCode: Map<string, MedicareBmm['notOnBmmList'][number]>;
  screening: Set<string>;
  covered: Set<string>;
  notCovered: Set<string>;
  axialDxa: Set<string>;
  /** The qualified-individual categories (A-E) by id. */
  categoryById: Map<string, MedicareBmm['categories'][number]>;
  /** Category ids a diagnosis code maps to (exact codes and prefixes). */
  categoriesOfDiagnosis: (dx: string) => MedicareBmm['categories'];
}

/** Everything the rules read, validated and indexed. */
export interface Knowledge {
  /** One string naming all table versions, for results and audit. */
  version: string;
  codes: {
    version: string;
    title: string;
    datesRecordedFrom: string;
    datesRecordedFromSource: Source;
    procedureSites: z.infer<typeof CodesTable>['procedureSites'];
    procedureSitesSource: Source;
    byCode: Map<string, CodeEntry>;
    byService: Map<string, CodeEntry[]>;
  };
  pairs: PairKnowledge;
  modifiers: ModifierKnowledge;
  icd10: IcdKnowledge;
  medicare: MedicareBmm;
  medicareIndex: MedicareIndex;
  iscd: { version: string; title: string; versions: IscdVersion[] };
  /** Per payer id, the pack version listed first (for listings); checks use `packs.on(id, date)`. */
  payers: Map<string, z.infer<typeof PayerPack>>;
  /** Every version of every payer's pack, compiled; `on(id, date)` finds the one in force on a date of service. */
  packs: PackIndex;
  /** The HCPCS Level II code list. */
  hcpcs: HcpcsCodeSet;
  /** MUE values and adjudication indicators per claim type (practitioner, outpatient hospital). */
  mue: { professional: MueTable; institutional: MueTable };
  /** The PFS relative value rows in force on a date of service. */
  rvuOn: (date: string) => RvuTable;
  /** Imported NCCI PTP tables per claim type (none embedded: the embedded pair data is `pairs`). */
  ptp: { professional?: PtpLookup | undefined; institutional?: PtpLookup | undefined };
  /** Imported provider lists in force (none embedded): CMS Order and Referring (PECOS) and the OIG LEIE. */
  providers: { orderReferring?: OrderReferringLookup | undefined; leie?: LeieLookup | undefined };
  /** The office's settings (withOfficeSettings): default jurisdiction and billing NPI, required provider lists. */
  office: OfficeSettings;
  /** The imported versions this knowledge can use (empty: embedded data only). */
  versionRecords: readonly KnowledgeVersionRecord[];
  /** The knowledge for a date of service: per kind, the newest imported version in force then, else the embedded data. */
  forDate(date: string): Knowledge;
  /** Contractors' billing articles for bone mass measurement, by MAC jurisdiction. */
  articles: {
    version: string;
    title: string;
    byJurisdiction: Map<Jurisdiction, CoverageArticle>;
    withoutArticle: { note: string; source: Source };
  };
}

function validate<T>(schema: z.ZodType<T>, data: unknown, table: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? issue.path.join('.') || '(top level)' : '(unknown)';
  throw new KnowledgeError(`knowledge table ${table}: ${where}: ${issue?.message ?? 'invalid'}`);
}

/** Parses the CMS-style ICD-10-CM subset TSV: comment lines start with #, then a header, then code rows. */
export function parseIcdTsv(text: string, table = 'icd10cm'): Map<string, string> {
  const billable = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  let sawHeader = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '' || line.startsWith('#')) continue;
    const cols = line.split('\t');
    if (!sawHeader) {
      if (cols[0] !== 'code' || cols[1] !== 'code_dotted') {
        throw new KnowledgeError(`knowledge table ${table}: line ${i + 1}: expected the header "code<TAB>code_dotted<TAB>description"`);
      }
      sawHeader = true;
      continue;
    }
    const [plain, dotted, description] = cols;
    if (!plain || !dotted || !description || dotted.replace('.', '') !== plain || !/^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/.test(dotted)) {
      throw new KnowledgeError(`knowledge table ${table}: line ${i + 1}: expected code, dotted code and description separated by tabs`);
    }
    billable.set(dotted, description);
  }
  if (billable.size === 0) throw new KnowledgeError(`knowledge table ${table}: no codes`);
  return billable;
}


/**
 * The tables validated against their schemas and parsed, not yet indexed: what `indexKnowledge` (indexes.ts) builds
 * the look-ups from, and what the build-time snapshot of the embedded knowledge stores.
 */
export interface KnowledgeTables {
  codes: z.infer<typeof CodesTable>;
  pairs: z.infer<typeof PairsTable>;
  modifiers: z.infer<typeof ModifiersTable>;
  conventions: z.infer<typeof IcdConventions>;
  medicare: MedicareBmm;
  iscd: z.infer<typeof IscdVfa>;
  /** Payer packs with the file each came from. */
  packs: { name: string; pack: z.infer<typeof PayerPack> }[];
  /** The ICD-10-CM subset's billable codes (dotted) with their descriptions. */
  billable: Map<string, string>;
  articles: z.infer<typeof BillingArticles>;
  /** The MCD export copies the articles name, by file. */
  articleFiles: Record<string, unknown>;
  /** The MUE and PFS relative value rows of data/cms/ by column. */
  mueRows: CsvRows;
  rvuRows: CsvRows;
  /** The complete ICD-10-CM valid-code list; every code of `billable` is on it. */
  icdCodes: CodeList;
  hcpcsCodes: CodeList;
}

/** Validates every raw table against its schema and reads the code lists. Throws KnowledgeError naming the bad entry. */
export function validateKnowledgeSources(sources: KnowledgeSources): KnowledgeTables {
  const official = sources.official;
  const tables: KnowledgeTables = {
    codes: validate(CodesTable, sources.codes, 'codes'),
    pairs: validate(PairsTable, sources.pairs, 'pairs'),
    modifiers: validate(ModifiersTable, sources.modifiers, 'modifiers'),
    conventions: validate(IcdConventions, sources.icd10Conventions, 'icd10cm-conventions'),
    medicare: validate(MedicareBmmSchema, sources.medicareBmm, 'medicare-bmm'),
    iscd: validate(IscdVfa, sources.iscdVfa, 'iscd-vfa'),
    packs: sources.payers.map((p) => ({ name: p.name, pack: validate(PayerPack, p.data, `payer pack ${p.name}`) })),
    billable: parseIcdTsv(sources.icd10Tsv),
    articles: validate(BillingArticles, official.articles, 'medicare-billing-articles'),
    articleFiles: official.articleFiles,
    mueRows: embeddedMueRows(official.mueCsv, 'cms/mue-2026q4-bone-density.csv'),
    rvuRows: embeddedRvuRows(official.rvuCsv, 'cms/pprrvu-2024-bone-density.csv'),
    icdCodes: readCodeList(official.icd10cmCodesGz, 'cms/icd10cm-codes-2026-04.txt.gz'),
    hcpcsCodes: readCodeList(official.hcpcsCodesGz, 'cms/hcpcs-level2-2026-07-codes.txt.gz'),
  };
  for (const dotted of tables.billable.keys()) {
    if (!tables.icdCodes.has(dotted.replace('.', ''))) throw new KnowledgeError(`knowledge table icd10cm: ${dotted} is in the subset but not in the FY2026 valid-code list`);
  }
  return tables;
}

/** Validates every table and builds the indexes the rules use. Throws KnowledgeError naming the bad entry. */
export function compileKnowledge(sources: KnowledgeSources): Knowledge {
  return indexKnowledge(validateKnowledgeSources(sources));
}
