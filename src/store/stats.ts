/**
 * Dashboard figures for one organisation over a date-of-service range: verdicts per month, the most frequent
 * findings by rule and payer, the charges at risk on rejected claims, and VFA fracture findings by age group
 * (from the registry). Read-only queries over the latest result version of each encounter.
 */
import { sql } from 'kysely';
import type { Result } from '../contract/result.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { OrganizationStore } from './organization.js';
import { withStoreErrors } from './errors.js';
import { RULES } from '../rules/catalogue.js';

/** The dashboard's figures. */
export interface DashboardStats {
  from: string | null;
  to: string | null;
  verdictsByMonth: { month: string; clean: number; review: number; reject: number }[];
  /** The most frequent warning and error rules (info notes left out), by payer. */
  topRules: { rule: string; payer: string; count: number }[];
  /** Charges on claims whose latest verdict is reject; null (with the reason) without a fee schedule, a lower bound when codes are unpriced. */
  denialRisk: { amount: number | null; encounters: number; reviewEncounters: number; reason?: string; unpricedCodes?: string[] };
  /** VFA studies per age group at the date of service; `notRead` counts VFA studies whose fractures were not read from a report. */
  vfaFracturesByAge: { ageGroup: string; vfaStudies: number; withFracture: number; notRead: number }[];
}

/** Age groups of the VFA plot (years at the date of service). */
export const AGE_GROUPS = [
  { label: 'under 50', min: 0, max: 49 },
  { label: '50-64', min: 50, max: 64 },
  { label: '65-74', min: 65, max: 74 },
  { label: '75-84', min: 75, max: 84 },
  { label: '85 and over', min: 85, max: 200 },
] as const;

const TOP_RULES = 15;
/** Notes, not problems (by the catalogue's severity): the plot of top findings leaves them out. */
const INFO_RULES = Object.entries(RULES)
  .filter(([, r]) => r.severity === 'info')
  .map(([id]) => id);

/**
 * The national Medicare amount of a line on a date (non-facility total RVUs times the conversion factor of the PFS
 * row of the code and its 26/TC modifier), with the edition it comes from; undefined when the rows lack the code.
 */
export type NationalAmount = (code: string, modifiers: readonly string[], dateOfService: string) => { dollars: number; edition: string } | undefined;

/** The national amount from the PFS relative value rows of the knowledge in force on the date of service. */
export function nationalAmountOf(knowledge: Knowledge): NationalAmount {
  return (code, modifiers, date) => {
    const rvu = knowledge.forDate(date).rvuOn(date);
    const modifier = modifiers.includes('26') ? '26' : modifiers.includes('TC') ? 'TC' : '';
    const row = rvu.get(code, modifier);
    if (!row || !Number.isFinite(row.nonFacilityTotal) || !Number.isFinite(row.conversionFactor)) return undefined;
    return { dollars: Math.round(row.nonFacilityTotal * row.conversionFactor * 100) / 100, edition: rvu.info.source.version ?? rvu.info.label };
  };
}

/**
 * Computes the dashboard figures. `charges` maps CPT/HCPCS codes to the practice's charge in dollars (X12 config);
 * without them, `national` prices the amount at risk at the national Medicare amounts of the PFS rows.
 */
export async function dashboardStats(
  store: OrganizationStore,
  range: { from?: string; to?: string },
  charges: Record<string, number> | undefined,
  national?: NationalAmount,
): Promise<DashboardStats> {
  return withStoreErrors(() => computeStats(store, range, charges, national));
}

async function computeStats(
  store: OrganizationStore,
  range: { from?: string; to?: string },
  charges: Record<string, number> | undefined,
  national: NationalAmount | undefined,
): Promise<DashboardStats> {
  const db = store.db;
  const organization = store.organization;
  let latest = db
    .selectFrom('encounters as e')
    .innerJoin('check_results as r', (j) => j.onRef('r.encounter_id', '=', 'e.id').onRef('r.version', '=', 'e.latest_version'))
    .where('e.organization', '=', organization);
  if (range.from !== undefined) latest = latest.where('e.date_of_service', '>=', range.from);
  if (range.to !== undefined) latest = latest.where('e.date_of_service', '<=', range.to);

  const month = sql<string>`substr(e.date_of_service, 1, 7)`;
  const verdictRows = await latest.select([month.as('month'), 'r.verdict', sql<number>`count(*)`.as('n')]).groupBy([month, 'r.verdict']).orderBy(month).execute();
  const months = new Map<string, { month: string; clean: number; review: number; reject: number }>();
  for (const row of verdictRows) {
    const entry = months.get(row.month) ?? { month: row.month, clean: 0, review: 0, reject: 0 };
    if (row.verdict === 'clean' || row.verdict === 'review' || row.verdict === 'reject') entry[row.verdict] += Number(row.n);
    months.set(row.month, entry);
  }

  const ruleRows = await latest
    .innerJoin('check_findings as f', (j) => j.onRef('f.encounter_id', '=', 'e.id').onRef('f.version', '=', 'e.latest_version'))
    .where('f.rule', 'not in', INFO_RULES)
    .select(['f.rule', 'e.payer', sql<number>`count(*)`.as('n')])
    .groupBy(['f.rule', 'e.payer'])
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('f.rule')
    .orderBy('e.payer')
    .limit(TOP_RULES)
    .execute();

  const rejected = await latest.select(['r.result_json', 'e.date_of_service']).where('r.verdict', '=', 'reject').execute();
  const reviewCount = await latest.select(sql<number>`count(*)`.as('n')).where('r.verdict', '=', 'review').executeTakeFirst();
  const claims = rejected.map((r) => ({ result: JSON.parse(r.result_json) as Result, dateOfService: r.date_of_service }));
  const denialRisk =
    (charges === undefined || Object.keys(charges).length === 0) && national !== undefined
      ? nationalRiskOf(claims, national, Number(reviewCount?.n ?? 0))
      : riskOf(claims.map((c) => c.result), charges, Number(reviewCount?.n ?? 0));

  let registry = db.selectFrom('registry').select(['age_years', 'vfa_fractures']).where('organization', '=', organization).where('vfa_performed', '=', 1);
  if (range.from !== undefined) registry = registry.where('date_of_service', '>=', range.from);
  if (range.to !== undefined) registry = registry.where('date_of_service', '<=', range.to);
  const vfaRows = await registry.execute();
  const groups = [...AGE_GROUPS.map((g) => g.label), 'age unknown'].map((ageGroup) => ({ ageGroup, vfaStudies: 0, withFracture: 0, notRead: 0 }));
  for (const row of vfaRows) {
    const age = row.age_years === null ? null : Number(row.age_years);
    const index = age === null ? AGE_GROUPS.length : AGE_GROUPS.findIndex((g) => age >= g.min && age <= g.max);
    const group = groups[index === -1 ? AGE_GROUPS.length : index]!;
    group.vfaStudies += 1;
    if (row.vfa_fractures === null) group.notRead += 1;
    else if (Number(row.vfa_fractures) > 0) group.withFracture += 1;
  }

  return {
    from: range.from ?? null,
    to: range.to ?? null,
    verdictsByMonth: [...months.values()],
    topRules: ruleRows.map((r) => ({ rule: r.rule, payer: r.payer, count: Number(r.n) })),
    denialRisk,
    vfaFracturesByAge: groups.filter((g, i) => i < AGE_GROUPS.length || g.vfaStudies > 0),
  };
}

/** Sums the national Medicare amounts over the recommended lines of rejected claims; unpriced codes make it a lower bound. */
function nationalRiskOf(claims: { result: Result; dateOfService: string }[], national: NationalAmount, reviewEncounters: number): DashboardStats['denialRisk'] {
  let cents = 0;
  const unpriced = new Set<string>();
  const editions = new Set<string>();
  for (const { result, dateOfService } of claims) {
    for (const line of result.recommended.lines) {
      const amount = national(line.code, line.modifiers, dateOfService);
      if (amount === undefined) unpriced.add(line.code);
      else {
        cents += Math.round(amount.dollars * 100) * line.units;
        editions.add(amount.edition);
      }
    }
  }
  const basis = `no fee schedule is configured, so the national Medicare amounts (non-facility) of the PFS relative values ${[...editions].sort().join(', ') || 'loaded'} are used`;
  if (unpriced.size > 0) {
    const codes = [...unpriced].sort();
    return { amount: cents / 100, encounters: claims.length, reviewEncounters, reason: `${basis}; a lower bound: no PFS row prices ${codes.join(', ')}`, unpricedCodes: codes };
  }
  return { amount: cents / 100, encounters: claims.length, reviewEncounters, reason: basis };
}

/** Sums the practice's charges over the recommended lines of rejected claims; unpriced codes make it a lower bound. */
function riskOf(results: Result[], charges: Record<string, number> | undefined, reviewEncounters: number): DashboardStats['denialRisk'] {
  if (charges === undefined || Object.keys(charges).length === 0) {
    return { amount: null, encounters: results.length, reviewEncounters, reason: 'no fee schedule is configured (x12.charges in dxacode.config.json, docs/x12.md), so the amount at risk is not computed' };
  }
  let cents = 0;
  const unpriced = new Set<string>();
  for (const result of results) {
    for (const line of result.recommended.lines) {
      const charge = charges[line.code];
      if (charge === undefined) unpriced.add(line.code);
      else cents += Math.round(charge * 100) * line.units;
    }
  }
  if (unpriced.size > 0) {
    const codes = [...unpriced].sort();
    return { amount: cents / 100, encounters: results.length, reviewEncounters, reason: `a lower bound: the fee schedule has no charge for ${codes.join(', ')}`, unpricedCodes: codes };
  }
  return { amount: cents / 100, encounters: results.length, reviewEncounters };
}
