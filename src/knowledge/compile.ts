/**
 * Turns raw knowledge tables (parsed JSON and the ICD-10-CM TSV text) into validated, indexed maps. Runs once at
 * start-up; the per-encounter path only reads the maps. Pure: the caller reads the files.
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
import { NO_OFFICE_SETTINGS, type OfficeSettings } from './office.js';
import type { Source } from '../contract/result.js';
import { KnowledgeError } from './errors.js';
import { compilePack, PackIndex } from './packs.js';
import {
  readCodeList,
  readEmbeddedArticle,
  readEmbeddedMue,
  readEmbeddedRvu,
  type CoverageArticle,
  type HcpcsCodeSet,
  type IcdCodeSet,
  type MueTable,
  type RvuTable,
} from './official.js';

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
  /** Category ids a diagnosis code maps to (exact codes and prefixes). */
  categoriesOfDiagnosis: (dx: string) => MedicareBmm['categories'];
}

function indexMedicare(medicare: MedicareBmm): MedicareIndex {
  const memo = new Map<string, MedicareBmm['categories']>();
  return {
    benefitByCode: new Map(medicare.benefitCodes.map((b) => [b.code, b])),
    excludedByCode: new Map(medicare.excluded.map((e) => [e.code, e])),
    notOnListByCode: new Map(medicare.notOnBmmList.map((n) => [n.code, n])),
    screening: new Set(medicare.screeningOnly.codes),
    covered: new Set(medicare.nationalDiagnosisList.covered),
    notCovered: new Set(medicare.nationalDiagnosisList.notCovered),
    axialDxa: new Set(medicare.axialDxaCodes),
    categoriesOfDiagnosis(dx) {
      let found = memo.get(dx);
      if (!found) {
        found = medicare.categories.filter((c) => c.diagnoses?.includes(dx) || c.diagnosisPrefixes?.some((p) => dx.startsWith(p)));
        if (memo.size < 10_000) memo.set(dx, found);
      }
      return found;
    },
  };
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

function headersOf(billable: Map<string, string>): Set<string> {
  const headers = new Set<string>();
  for (const code of billable.keys()) {
    const plain = code.replace('.', '');
    for (let n = 3; n < plain.length; n++) {
      const prefix = n === 3 ? plain.slice(0, 3) : `${plain.slice(0, 3)}.${plain.slice(3, n)}`;
      if (!billable.has(prefix)) headers.add(prefix);
    }
  }
  return headers;
}

function expandPairs(table: z.infer<typeof PairsTable>): PtpRow[] {
  const rows: PtpRow[] = [...table.rows];
  for (const group of table.unverifiedGroups) {
    for (const column1 of group.column1) {
      for (const column2 of group.column2) {
        rows.push({
          column1,
          column2,
          effective: group.effective,
          deletion: null,
          modifierIndicator: group.modifierIndicator,
          indicatorConfidence: 'unverified',
          claimTypes: group.claimTypes,
          kind: group.kind,
          rationale: group.rationale,
          source: group.source,
        });
      }
    }
  }
  return rows;
}

function indexBy<T>(items: T[], key: (item: T) => string, table: string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (map.has(k)) throw new KnowledgeError(`knowledge table ${table}: duplicate entry ${k}`);
    map.set(k, item);
  }
  return map;
}

/** Validates every table and builds the indexes the rules use. Throws KnowledgeError naming the bad entry. */
export function compileKnowledge(sources: KnowledgeSources): Knowledge {
  const codes = validate(CodesTable, sources.codes, 'codes');
  const pairs = validate(PairsTable, sources.pairs, 'pairs');
  const modifiers = validate(ModifiersTable, sources.modifiers, 'modifiers');
  const conventions = validate(IcdConventions, sources.icd10Conventions, 'icd10cm-conventions');
  const medicare = validate(MedicareBmmSchema, sources.medicareBmm, 'medicare-bmm');
  const iscd = validate(IscdVfa, sources.iscdVfa, 'iscd-vfa');
  const packs = sources.payers.map((p) => validate(PayerPack, p.data, `payer pack ${p.name}`));

  const byCode = indexBy(codes.entries, (e) => e.code, 'codes');
  const byService = new Map<string, CodeEntry[]>();
  for (const entry of codes.entries) {
    if (entry.service === null) continue;
    const list = byService.get(entry.service) ?? [];
    list.push(entry);
    byService.set(entry.service, list);
  }

  const rows = expandPairs(pairs);
  const byPair = new Map<string, PtpRow[]>();
  for (const row of rows) {
    const key = `${row.column1}|${row.column2}`;
    byPair.set(key, [...(byPair.get(key) ?? []), row]);
  }

  const billable = parseIcdTsv(sources.icd10Tsv);
  const official = sources.official;
  const icdCodes = readCodeList(official.icd10cmCodesGz, 'cms/icd10cm-codes-2026-04.txt.gz');
  for (const dotted of billable.keys()) {
    if (!icdCodes.has(dotted.replace('.', ''))) throw new KnowledgeError(`knowledge table icd10cm: ${dotted} is in the subset but not in the FY2026 valid-code list`);
  }
  const hcpcsCodes = readCodeList(official.hcpcsCodesGz, 'cms/hcpcs-level2-2026-07-codes.txt.gz');
  const articlesTable = validate(BillingArticles, official.articles, 'medicare-billing-articles');
  const byJurisdiction = new Map<Jurisdiction, CoverageArticle>();
  for (const meta of articlesTable.articles) {
    const article = readEmbeddedArticle(meta, official.articleFiles[meta.file], articlesTable.version);
    for (const j of meta.jurisdictions) {
      if (byJurisdiction.has(j)) throw new KnowledgeError(`knowledge table medicare-billing-articles: jurisdiction ${j} has two articles`);
      byJurisdiction.set(j, article);
    }
  }
  const packIndex = PackIndex.fromFiles(packs.map((pack, i) => compilePack(pack, sources.payers[i]!.name, (code) => byCode.has(code))));
  const payers = packIndex.current();
  if (!payers.has('medicare')) throw new KnowledgeError('knowledge: the medicare payer pack is missing');

  const packVersions = packs.map((p) => `${p.id} ${p.version}`).join(', ');
  const knowledge: Knowledge = {
    version: `codes ${codes.version}; ptp ${pairs.version}; modifiers ${modifiers.version}; icd10cm ${conventions.version}; medicare-bmm ${medicare.version}; iscd-vfa ${iscd.version}; packs ${packVersions}`,
    codes: {
      version: codes.version,
      title: codes.title,
      datesRecordedFrom: codes.datesRecordedFrom,
      datesRecordedFromSource: codes.datesRecordedFromSource,
      procedureSites: codes.procedureSites,
      procedureSitesSource: codes.procedureSitesSource,
      byCode,
      byService,
    },
    pairs: {
      version: pairs.version,
      title: pairs.title,
      partial: pairs.partial,
      partialNote: pairs.partialNote,
      rows,
      byPair,
      combinations: pairs.combinations,
    },
    modifiers: {
      version: modifiers.version,
      title: modifiers.title,
      maxPerLine: modifiers.maxPerLine,
      maxPerLineSource: modifiers.maxPerLineSource,
      byCode: indexBy(modifiers.modifiers, (m) => m.modifier, 'modifiers'),
      exclusive: modifiers.exclusive,
      requires: modifiers.requires,
    },
    icd10: {
      version: conventions.version,
      title: conventions.codeSet.title,
      source: conventions.codeSet.source,
      billable,
      headers: headersOf(billable),
      conventions,
      codeSet: {
        info: {
          id: 'embedded:icd10cm-2026-04',
          label: `ICD-10-CM FY2026 (April 1, 2026 update, ${icdCodes.size} valid codes), embedded`,
          effective: { from: conventions.codeSet.effective, to: conventions.codeSet.end },
          source: {
            title: 'CMS ICD-10-CM FY2026 valid-code list, April 1, 2026 update (icd10cm_codes_2026.txt), exact copy (data/cms/README.md)',
            version: 'FY2026 April',
            confidence: 'verified',
          },
        },
        codes: icdCodes,
        allValidFrom: '2026-04-01',
      },
    },
    medicare,
    medicareIndex: indexMedicare(medicare),
    iscd: { version: iscd.version, title: iscd.title, versions: iscd.versions },
    payers,
    packs: packIndex,
    hcpcs: {
      info: {
        id: 'embedded:hcpcs-2026-07',
        label: `HCPCS Level II July 2026 (${hcpcsCodes.size} codes), embedded`,
        effective: { from: '2026-07-01', to: '2026-09-30' },
        source: { title: 'CMS HCPCS Level II alpha-numeric file, July 2026 quarterly (HCPC2026_JUL_ANWEB), code list, exact copy (data/cms/README.md)', version: '2026 July', confidence: 'verified' },
      },
      codes: hcpcsCodes,
    },
    mue: readEmbeddedMue(official.mueCsv, 'cms/mue-2026q4-bone-density.csv'),
    rvuOn: readEmbeddedRvu(official.rvuCsv, 'cms/pprrvu-2024-bone-density.csv'),
    articles: { version: articlesTable.version, title: articlesTable.title, byJurisdiction, withoutArticle: articlesTable.withoutArticle },
    ptp: {},
    providers: {},
    office: NO_OFFICE_SETTINGS,
    versionRecords: [],
    forDate: () => knowledge,
  };
  return knowledge;
}
