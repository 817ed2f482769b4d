/**
 * The research registry (issue 12 §4, docs/registry.md): cohort queries over the registry rows of one organisation,
 * follow-up across a patient's studies, and the de-identified export (audited as registry-exported with the query).
 *
 * T-score categories are the WHO categories as docs/report-drafting.md cites them (ISCD 2005 Official Positions,
 * verified; the WHO 1994 thresholds, secondary) and as extract.ts and report/draft.ts apply them: normal T >= -1.0,
 * low bone mass (osteopenia) -2.5 < T < -1.0, osteoporosis T <= -2.5. REFERENCE.md itself names only -1.0 and -2.5 as
 * VFA-indication thresholds (§6). The category here is of the study's lowest T-score, a cohort filter, not a diagnosis
 * (the WHO categories apply to postmenopausal women and men of 50 and over).
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { daysBetween } from '../contract/dates.js';
import { IsoDate } from '../contract/encounter.js';
import { SEXES } from '../contract/values.js';
import { canonicalJson } from './hash.js';
import { StoreError, withStoreErrors } from './errors.js';
import type { OrganizationStore } from './organization.js';
import { AGE_GROUPS } from './stats.js';
import { AUDIT_ACTIONS, type StoreDatabase } from './schema.js';
import { dateShiftDays, DEFAULT_MINIMUM_CELL_SIZE, exportedAge, exportedDate, requireShiftSecret, shuffledOrdinals, suppressCells, type Cell, type DateMode, type Tally } from './deidentify.js';
import { registryBulkFhir, type BulkExport, type RegistryStudy } from '../interchange/fhir/registry-bulk.js';
import { registryCsv } from '../interchange/registry-csv.js';
import { fractureLevelsOfRow, siteResultsOf, type FractureLevel, type SiteResult } from './registry-row.js';

/** T-score categories of a study's lowest T-score; `not-measured` when the study has none. */
export const T_SCORE_CATEGORIES = ['normal', 'osteopenia', 'osteoporosis', 'not-measured'] as const;
/** One T-score category. */
export type TScoreCategory = (typeof T_SCORE_CATEGORIES)[number];

/** WHO thresholds (module comment): T <= -2.5 osteoporosis, T < -1.0 low bone mass (osteopenia). */
export const WHO_OSTEOPOROSIS_AT_OR_BELOW = -2.5;
export const WHO_LOW_BONE_MASS_BELOW = -1.0;

/** The category of a lowest T-score. */
export function tScoreCategoryOf(t: number | null): TScoreCategory {
  if (t === null) return 'not-measured';
  if (t <= WHO_OSTEOPOROSIS_AT_OR_BELOW) return 'osteoporosis';
  if (t < WHO_LOW_BONE_MASS_BELOW) return 'osteopenia';
  return 'normal';
}

/** Age bands of cohort queries: the dashboard's age groups (stats.ts), and `age unknown`. */
export const AGE_BANDS = [...AGE_GROUPS.map((g) => g.label), 'age unknown'] as const;
/** One age band. */
export type AgeBand = (typeof AGE_BANDS)[number];

/** The band of an age. */
export function ageBandOf(age: number | null): AgeBand {
  if (age === null) return 'age unknown';
  return AGE_GROUPS.find((g) => age >= g.min && age <= g.max)?.label ?? 'age unknown';
}

/** `none` and `any` as therapy filters: no therapy stated, or any therapy stated. */
const THERAPY_ANY = 'any';
const THERAPY_NONE = 'none';

/** A cohort: every filter optional; dates of service inclusive. */
export const CohortQuery = z.strictObject({
  ageBand: z.enum(AGE_BANDS, { error: `expected one of ${AGE_BANDS.join(', ')}` }).optional(),
  sex: z.enum(SEXES, { error: `expected one of ${SEXES.join(', ')}` }).optional(),
  tScoreCategory: z.enum(T_SCORE_CATEGORIES, { error: `expected one of ${T_SCORE_CATEGORIES.join(', ')}` }).optional(),
  genantGrade: z.coerce
    .number({ error: 'expected a Genant grade 0 to 3' })
    .int({ error: 'expected a Genant grade 0 to 3' })
    .min(0, { error: 'expected a Genant grade 0 to 3' })
    .max(3, { error: 'expected a Genant grade 0 to 3' })
    .optional()
    .meta({ description: 'the highest Genant grade read at VFA (0: a VFA read with no fracture)' }),
  therapy: z.string().min(1).max(60).optional().meta({ description: `an osteoporosis drug as the report names it (e.g. alendronate), "${THERAPY_ANY}" or "${THERAPY_NONE}" (none stated)` }),
  payer: z.string().min(1).max(60).optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
});
/** A validated cohort query. */
export type CohortQuery = z.infer<typeof CohortQuery>;

/** Reads a cohort query (API query string, CLI options): the query, or the first problem as `field: expected ...`. */
export function parseCohortQuery(raw: Record<string, unknown>): { ok: true; query: CohortQuery } | { ok: false; field: string; message: string } {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  // An empty value is a mistake, not "any" (and would read as grade 0).
  const empty = Object.entries(defined).find(([, v]) => v === '');
  if (empty !== undefined) return { ok: false, field: empty[0], message: 'expected a value' };
  const parsed = CohortQuery.safeParse(defined);
  if (parsed.success) {
    if (parsed.data.from !== undefined && parsed.data.to !== undefined && parsed.data.from > parsed.data.to) return { ok: false, field: 'from', message: 'expected a date on or before `to`' };
    return { ok: true, query: parsed.data };
  }
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'query');
  return { ok: false, field, message: issue.code === 'unrecognized_keys' ? `unknown filter (expected ${Object.keys(CohortQuery.shape).join(', ')})` : issue.message };
}

/** The facility's least significant change of BMD per result site, g/cm2 (validated by io/registry-config.ts). */
export type LeastSignificantChange = readonly { site: string; gPerCm2: number }[];

/** The registry's settings: smallest cell shown, the facility's LSC per site, the date-shift secret. */
export interface RegistrySettings {
  /** Smallest number of patients a shown count or exported quasi-identifier class may have (default 11). */
  minimumCellSize?: number;
  /** The facility's least significant change per site (configuration `registry.leastSignificantChange`). */
  leastSignificantChange?: LeastSignificantChange;
  /** The secret the per-patient date shift is derived from (DXACODE_REGISTRY_SECRET); never stored or exported. */
  dateShiftSecret?: string;
}

/** One registry row of a cohort with the patient key it was stored under (null: no MRN or member id). */
export type CohortRow = Omit<StoreDatabase['registry'], 'organization' | 'therapy' | 'highest_genant_grade' | 'fracture_levels' | 'site_results'> & {
  patient_key: string | null;
  therapy: string | null;
  highest_genant_grade: number | null;
  fracture_levels: string | null;
  site_results: string | null;
};

/** The rows of one organisation's registry matching a query, oldest first (the figures read them too). */
export async function cohortRows(store: OrganizationStore, query: CohortQuery): Promise<CohortRow[]> {
  let q = store.db
    .selectFrom('registry as g')
    .innerJoin('encounters as e', 'e.id', 'g.encounter_id')
    .select(['g.encounter_id', 'e.patient_key', 'g.date_of_service', 'g.payer', 'g.sex', 'g.age_years', 'g.lowest_t_score', 'g.vfa_performed', 'g.vfa_fractures', 'g.therapy', 'g.highest_genant_grade', 'g.fracture_levels', 'g.site_results'])
    .where('g.organization', '=', store.organization);
  if (query.from !== undefined) q = q.where('g.date_of_service', '>=', query.from);
  if (query.to !== undefined) q = q.where('g.date_of_service', '<=', query.to);
  if (query.sex !== undefined) q = q.where('g.sex', '=', query.sex);
  if (query.payer !== undefined) q = q.where('g.payer', '=', query.payer);
  if (query.genantGrade !== undefined) q = q.where('g.highest_genant_grade', '=', query.genantGrade);
  if (query.therapy === THERAPY_NONE) q = q.where('g.therapy', 'is', null);
  else if (query.therapy === THERAPY_ANY) q = q.where('g.therapy', 'is not', null);
  else if (query.therapy !== undefined) q = q.where(sql`lower(g.therapy)`, '=', query.therapy.toLowerCase());
  if (query.ageBand === 'age unknown') q = q.where('g.age_years', 'is', null);
  else if (query.ageBand !== undefined) {
    const band = AGE_GROUPS.find((g) => g.label === query.ageBand)!;
    q = q.where('g.age_years', '>=', band.min).where('g.age_years', '<=', band.max);
  }
  switch (query.tScoreCategory) {
    case 'osteoporosis':
      q = q.where('g.lowest_t_score', '<=', WHO_OSTEOPOROSIS_AT_OR_BELOW);
      break;
    case 'osteopenia':
      q = q.where('g.lowest_t_score', '>', WHO_OSTEOPOROSIS_AT_OR_BELOW).where('g.lowest_t_score', '<', WHO_LOW_BONE_MASS_BELOW);
      break;
    case 'normal':
      q = q.where('g.lowest_t_score', '>=', WHO_LOW_BONE_MASS_BELOW);
      break;
    case 'not-measured':
      q = q.where('g.lowest_t_score', 'is', null);
      break;
    default:
  }
  const rows = await q.orderBy('g.date_of_service').orderBy('g.encounter_id').execute();
  return rows.map((r) => ({
    ...r,
    age_years: r.age_years === null ? null : Number(r.age_years),
    lowest_t_score: r.lowest_t_score === null ? null : Number(r.lowest_t_score),
    vfa_performed: Number(r.vfa_performed),
    vfa_fractures: r.vfa_fractures === null ? null : Number(r.vfa_fractures),
    therapy: r.therapy ?? null,
    highest_genant_grade: r.highest_genant_grade == null ? null : Number(r.highest_genant_grade),
    fracture_levels: r.fracture_levels ?? null,
    site_results: r.site_results ?? null,
  }));
}

/** The patient a row counts for in suppression: its key, or the encounter itself when it has none. */
export const patientOf = (row: CohortRow) => row.patient_key ?? `encounter:${row.encounter_id}`;

/** One breakdown of a cohort: each value with its count (or SUPPRESSED). */
export interface Breakdown {
  value: string;
  studies: Cell;
}

/** A cohort's counts, small cells suppressed. */
export interface CohortSummary {
  query: CohortQuery;
  /** Counts of 1 to minimumCellSize-1 patients are shown as "suppressed" (docs/registry.md). */
  minimumCellSize: number;
  studies: Cell;
  patients: Cell;
  bySex: Breakdown[];
  byAgeBand: Breakdown[];
  byTScoreCategory: Breakdown[];
  byGenantGrade: Breakdown[];
  byTherapy: Breakdown[];
  byPayer: Breakdown[];
}

/** The smallest cell size in force: the configured one (default 11), raised (never lowered) by the caller's. */
export function minimumCellSizeOf(settings: RegistrySettings, asked?: number): number {
  const configured = settings.minimumCellSize ?? DEFAULT_MINIMUM_CELL_SIZE;
  return Math.max(configured, asked ?? configured);
}

function breakdown(rows: readonly CohortRow[], valueOf: (row: CohortRow) => string, values: readonly string[] | undefined, minimum: number): Breakdown[] {
  const tallies = new Map<string, Tally>((values ?? []).map((v) => [v, { studies: 0, patients: new Set<string>() }]));
  for (const row of rows) {
    const value = valueOf(row);
    const tally = tallies.get(value) ?? { studies: 0, patients: new Set<string>() };
    tally.studies += 1;
    tally.patients.add(patientOf(row));
    tallies.set(value, tally);
  }
  const entries = [...tallies.entries()];
  const cells = suppressCells(
    entries.map(([, t]) => t),
    minimum,
  );
  return entries.map(([value], i) => ({ value, studies: cells[i]! }));
}

/** Counts of a cohort by sex, age band, T-score category, highest Genant grade, therapy and payer; small cells suppressed. */
export async function cohortSummary(store: OrganizationStore, query: CohortQuery, settings: RegistrySettings = {}, askedMinimum?: number): Promise<CohortSummary> {
  const minimum = minimumCellSizeOf(settings, askedMinimum);
  const rows = await withStoreErrors(() => cohortRows(store, query));
  const patients = new Set(rows.map(patientOf));
  const tooFew = patients.size > 0 && patients.size < minimum;
  return {
    query,
    minimumCellSize: minimum,
    studies: tooFew ? 'suppressed' : rows.length,
    patients: tooFew ? 'suppressed' : patients.size,
    bySex: breakdown(rows, (r) => r.sex, SEXES, minimum),
    byAgeBand: breakdown(rows, (r) => ageBandOf(r.age_years), AGE_BANDS, minimum),
    byTScoreCategory: breakdown(rows, (r) => tScoreCategoryOf(r.lowest_t_score), T_SCORE_CATEGORIES, minimum),
    byGenantGrade: breakdown(rows, (r) => (r.highest_genant_grade === null ? (r.vfa_performed === 1 ? 'VFA not read' : 'no VFA') : String(r.highest_genant_grade)), ['0', '1', '2', '3', 'VFA not read', 'no VFA'], minimum),
    byTherapy: breakdown(rows, (r) => r.therapy ?? THERAPY_NONE, undefined, minimum),
    byPayer: breakdown(rows, (r) => r.payer, undefined, minimum),
  };
}

/** The change of one site's BMD between two studies, judged against the facility's LSC when there is one. */
export interface BmdChange {
  site: string;
  fromGPerCm2: number;
  toGPerCm2: number;
  changeGPerCm2: number;
  percent: number;
  /** `significant-decrease`, `significant-increase`, `not-significant`, or `not-judged` (no LSC for the site). */
  judgement: 'significant-decrease' | 'significant-increase' | 'not-significant' | 'not-judged';
  leastSignificantChange: number | null;
  note?: string;
}

/** One study of a patient's follow-up and what changed since the study before it. */
export interface FollowUpStudy {
  encounterId: string;
  dateOfService: string;
  lowestTScore: number | null;
  tScoreCategory: TScoreCategory;
  highestGenantGrade: number | null;
  /** Against the previous study; absent on the first. */
  sincePrevious?: {
    encounterId: string;
    days: number;
    bmdChanges: BmdChange[];
    /** Sites measured in only one of the two studies: no change can be computed. */
    sitesNotCompared: string[];
    /** Levels graded higher than at the previous study (a level absent then counts as grade 0); null when either VFA was not read. */
    newFractures: { level: string; grade: number | null; previousGrade: number }[] | null;
    newFracturesNote?: string;
  };
}

/** A patient's studies in this organisation, oldest first, with the change between consecutive ones. */
export interface FollowUp {
  encounterId: string;
  /** False when the encounter has no MRN or member id: its other studies cannot be found. */
  matched: boolean;
  note?: string;
  studies: FollowUpStudy[];
}

/** The LSC note when none is configured: REFERENCE.md gives no value, and none is invented. */
export const NO_LSC_NOTE = 'not judged: no least significant change is configured for this site (REFERENCE.md gives none; set registry.leastSignificantChange in dxacode.config.json from the facility precision study)';

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Compares the BMD of each site measured in both studies against the facility's LSC. */
export function compareBmd(previous: readonly SiteResult[], current: readonly SiteResult[], lsc: LeastSignificantChange | undefined): { changes: BmdChange[]; notCompared: string[] } {
  const bmdOf = (results: readonly SiteResult[]) => new Map(results.filter((r) => r.measure === 'bmd').map((r) => [r.site as string, r.value]));
  const before = bmdOf(previous);
  const after = bmdOf(current);
  const changes: BmdChange[] = [];
  for (const [site, to] of after) {
    const from = before.get(site);
    if (from === undefined) continue;
    const change = round(to - from, 4);
    const limit = lsc?.find((l) => l.site === site)?.gPerCm2;
    const judgement = limit === undefined ? 'not-judged' : Math.abs(change) >= limit ? (change < 0 ? 'significant-decrease' : 'significant-increase') : 'not-significant';
    changes.push({ site, fromGPerCm2: from, toGPerCm2: to, changeGPerCm2: change, percent: round((change / from) * 100, 1), judgement, leastSignificantChange: limit ?? null, ...(limit === undefined ? { note: NO_LSC_NOTE } : {}) });
  }
  const notCompared = [...new Set([...before.keys(), ...after.keys()])].filter((site) => !(before.has(site) && after.has(site))).sort();
  return { changes, notCompared };
}

/** Levels graded higher now than at the previous study; null when either study's VFA was not read. */
export function newFracturesOf(previous: FractureLevel[] | undefined, current: FractureLevel[] | undefined): { level: string; grade: number | null; previousGrade: number }[] | null {
  if (previous === undefined || current === undefined) return null;
  const before = new Map(previous.map((l) => [l.level, l.grade ?? 1]));
  return current.filter((l) => (l.grade ?? 1) > (before.get(l.level) ?? 0)).map((l) => ({ level: l.level, grade: l.grade, previousGrade: before.get(l.level) ?? 0 }));
}

/** The follow-up of the patient of one stored encounter (by the key it was stored under: MRN, else member id). */
export async function followUp(store: OrganizationStore, encounterId: string, settings: RegistrySettings = {}): Promise<FollowUp> {
  return withStoreErrors(async () => {
    const own = await store.db.selectFrom('encounters').select(['id', 'patient_key']).where('organization', '=', store.organization).where('id', '=', encounterId).executeTakeFirst();
    if (own === undefined) throw new StoreError('not-found', `no stored encounter ${JSON.stringify(encounterId.slice(0, 64))}`);
    let q = store.db
      .selectFrom('registry as g')
      .innerJoin('encounters as e', 'e.id', 'g.encounter_id')
      .select(['g.encounter_id', 'g.date_of_service', 'g.lowest_t_score', 'g.highest_genant_grade', 'g.fracture_levels', 'g.site_results'])
      .where('g.organization', '=', store.organization);
    q = own.patient_key === null ? q.where('g.encounter_id', '=', encounterId) : q.where('e.patient_key', '=', own.patient_key);
    const rows = await q.orderBy('g.date_of_service').orderBy('g.encounter_id').execute();
    const studies: FollowUpStudy[] = [];
    rows.forEach((row, i) => {
      const t = row.lowest_t_score === null ? null : Number(row.lowest_t_score);
      const study: FollowUpStudy = { encounterId: row.encounter_id, dateOfService: row.date_of_service, lowestTScore: t, tScoreCategory: tScoreCategoryOf(t), highestGenantGrade: row.highest_genant_grade == null ? null : Number(row.highest_genant_grade) };
      const prior = rows[i - 1];
      if (prior !== undefined) {
        const { changes, notCompared } = compareBmd(siteResultsOf(prior), siteResultsOf(row), settings.leastSignificantChange);
        const fractures = newFracturesOf(fractureLevelsOfRow(prior), fractureLevelsOfRow(row));
        study.sincePrevious = {
          encounterId: prior.encounter_id,
          days: daysBetween(prior.date_of_service, row.date_of_service),
          bmdChanges: changes,
          sitesNotCompared: notCompared,
          newFractures: fractures,
          ...(fractures === null ? { newFracturesNote: 'not compared: a VFA was not read at one of the two studies' } : {}),
        };
      }
      studies.push(study);
    });
    return {
      encounterId,
      matched: own.patient_key !== null,
      ...(own.patient_key === null ? { note: 'the encounter has no MRN or member id, so no other study of its patient can be found' } : {}),
      studies,
    };
  });
}

/** Export formats. */
export const EXPORT_FORMATS = ['csv', 'fhir'] as const;
/** One export format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One study as it leaves an export: no identifier of the 18, dates and ages as Safe Harbor allows. */
export type DeidentifiedStudy = RegistryStudy;

/** An export's de-identified studies and what was done to them. */
export interface DeidentifiedExport {
  dateMode: DateMode;
  minimumCellSize: number;
  subjects: number;
  studies: DeidentifiedStudy[];
  /** Studies whose sex, age, age band and payer were written as "suppressed" (their class had too few patients). */
  suppressedStudies: number;
}

/**
 * The de-identified studies of a cohort. Row-level small cells: studies are grouped by their quasi-identifiers (sex,
 * age band, payer); in a group of fewer than the minimum patients, those four values are written as "suppressed"
 * (the clinical values stay), so no rare combination singles a patient out.
 */
export async function deidentifiedStudies(store: OrganizationStore, query: CohortQuery, dateMode: DateMode, settings: RegistrySettings, askedMinimum?: number): Promise<DeidentifiedExport> {
  const minimum = minimumCellSizeOf(settings, askedMinimum);
  const secret = dateMode === 'shift' ? requireShiftSecret(settings.dateShiftSecret) : undefined;
  const rows = await withStoreErrors(() => cohortRows(store, query));
  const patients = [...new Set(rows.map(patientOf))];
  const ordinals = shuffledOrdinals(patients.length);
  const subjectOf = new Map(patients.map((p, i) => [p, ordinals[i]!]));
  const classOf = (r: CohortRow) => canonicalJson([r.sex, ageBandOf(r.age_years), r.payer]);
  const classPatients = new Map<string, Set<string>>();
  for (const r of rows) classPatients.set(classOf(r), (classPatients.get(classOf(r)) ?? new Set()).add(patientOf(r)));
  const seen = new Map<string, CohortRow>();
  const counts = new Map<string, number>();
  let suppressed = 0;
  const studies = rows.map((r) => {
    const patient = patientOf(r);
    const previous = seen.get(patient);
    seen.set(patient, r);
    counts.set(patient, (counts.get(patient) ?? 0) + 1);
    const small = classPatients.get(classOf(r))!.size < minimum;
    if (small) suppressed += 1;
    const fractures = previous === undefined ? null : newFracturesOf(fractureLevelsOfRow(previous), fractureLevelsOfRow(r));
    const shift = secret === undefined ? undefined : dateShiftDays(secret, store.organization, patient);
    const study: DeidentifiedStudy = {
      subject: subjectOf.get(patient)!,
      study: counts.get(patient)!,
      date: exportedDate(r.date_of_service, dateMode, shift),
      sex: small ? 'suppressed' : r.sex,
      age: small ? 'suppressed' : exportedAge(r.age_years),
      ageBand: small ? 'suppressed' : ageBandOf(r.age_years),
      payer: small ? 'suppressed' : exportedPayer(r.payer),
      lowestTScore: r.lowest_t_score,
      tScoreCategory: tScoreCategoryOf(r.lowest_t_score),
      vfaPerformed: r.vfa_performed === 1,
      vfaFractures: r.vfa_fractures,
      highestGenantGrade: r.highest_genant_grade,
      newFracture: fractures === null ? null : fractures.length > 0,
      therapy: r.therapy,
      results: siteResultsOf(r),
    };
    return study;
  });
  studies.sort((a, b) => a.subject - b.subject || a.study - b.study);
  return { dateMode, minimumCellSize: minimum, subjects: patients.length, studies, suppressedStudies: suppressed };
}

/** What an export was asked for. */
export interface ExportRequest {
  query: CohortQuery;
  format: ExportFormat;
  dateMode: DateMode;
  /** A smallest cell size above the configured one (never below it). */
  minimumCellSize?: number;
}

/** An export: the CSV text, or the Bulk Data manifest and files; what was suppressed; the audit record that holds its query. */
export type RegistryExport = { format: 'csv'; csv: string } | ({ format: 'fhir' } & BulkExport);

/** The export's summary: counts and modes, no patient data. */
export interface RegistryExportSummary {
  studies: number;
  subjects: number;
  suppressedStudies: number;
  dateMode: DateMode;
  minimumCellSize: number;
  auditSeq: number;
}

/**
 * Makes a de-identified export of a cohort and records it in the audit chain (registry-exported, with the query)
 * before handing it out: an export the audit log cannot hold is not made.
 */
export async function exportRegistry(store: OrganizationStore, actor: string, request: ExportRequest, settings: RegistrySettings): Promise<{ export: RegistryExport; summary: RegistryExportSummary }> {
  const exported = await deidentifiedStudies(store, request.query, request.dateMode, settings, request.minimumCellSize);
  const { seq } = await auditRegistryExport(store, actor, request.query, request.format, exported);
  const summary = { studies: exported.studies.length, subjects: exported.subjects, suppressedStudies: exported.suppressedStudies, dateMode: exported.dateMode, minimumCellSize: exported.minimumCellSize, auditSeq: seq };
  if (request.format === 'csv') return { export: { format: 'csv', csv: registryCsv(exported.studies) }, summary };
  const bulk = registryBulkFhir(exported.studies, store.now(), `registry export ${canonicalJson(request.query)} dates=${exported.dateMode}`);
  return { export: { format: 'fhir', ...bulk }, summary };
}

/**
 * The payer as an export shows it: a payer pack id (lower-case letters, digits and hyphens, as pack files spell them,
 * knowledge/schema.ts), else "other", because the encounter's `payer` is caller text and must not carry anything else.
 */
export function exportedPayer(payer: string): string {
  return /^[a-z0-9][a-z0-9-]{0,59}$/.test(payer) ? payer : 'other';
}

/** Records an export in the audit chain with the query that produced it (no patient data: filters, counts, modes). */
export async function auditRegistryExport(store: OrganizationStore, actor: string, query: CohortQuery, format: ExportFormat, exported: DeidentifiedExport): Promise<{ seq: number }> {
  return store.audit.record(actor, AUDIT_ACTIONS.registryExported, [
    `format:${format}`,
    `dates:${exported.dateMode}`,
    `minimum-cell-size:${exported.minimumCellSize}`,
    `query:${canonicalJson(query)}`,
    `studies:${exported.studies.length}`,
    `subjects:${exported.subjects}`,
  ]);
}
