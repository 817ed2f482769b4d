/**
 * The four figures of issue 12 §6 (docs/figures.md), each as a chart for chart-svg.ts and the same numbers as a
 * table: denied lines per month by reason, prediction quality per rule, T-score categories per age band, and the
 * share of VFA studies with a fracture per T-score category. Read from one organisation's store (SQLite or
 * PostgreSQL, through the denial and registry queries) for an inclusive range of dates of service.
 *
 * The registry figures are aggregate answers of the registry, so their cells are suppressed as the cohort query's
 * are (store/deidentify.ts suppressCells, the configured smallest cell size; docs/registry.md).
 */
import { isCalendarDate } from '../contract/dates.js';
import type { RemittanceCodes } from '../knowledge/remittance-codes.js';
import { isDenialAdjustment } from './denial-analysis.js';
import { deniedLines, denialSummary, type DenialFilters } from './denials.js';
import { withStoreErrors } from './errors.js';
import { SUPPRESSED, suppressCells, type Cell, type Tally } from './deidentify.js';
import type { OrganizationStore } from './organization.js';
import { fractureLevelsOfRow } from './registry-row.js';
import { AGE_BANDS, ageBandOf, cohortRows, minimumCellSizeOf, patientOf, T_SCORE_CATEGORIES, tScoreCategoryOf, WHO_LOW_BONE_MASS_BELOW, WHO_OSTEOPOROSIS_AT_OR_BELOW, type CohortRow, type RegistrySettings, type TScoreCategory } from './registry.js';
import { monthsBetween, percentText, type Chart } from '../plots/chart-svg.js';

/** The figures, by the name the API and the CLI use. */
export const FIGURES = ['denials-by-reason', 'prediction-by-rule', 't-score-by-age', 'fracture-by-t-score'] as const;
/** One figure's name. */
export type FigureName = (typeof FIGURES)[number];

/** True when a name is one of FIGURES. */
export function isFigureName(name: string): name is FigureName {
  return (FIGURES as readonly string[]).includes(name);
}

/** A figure's numbers as a table: column headings and rows (a suppressed count is the word "suppressed"). */
export interface FigureTable {
  columns: string[];
  rows: (string | number)[][];
}

/** A figure: what it shows, its chart (for chart-svg.ts) and its table alternative. */
export interface Figure {
  figure: FigureName;
  title: string;
  description: string;
  chart: Chart;
  table: FigureTable;
}

/** An inclusive range of dates of service, YYYY-MM-DD; either end may be open. */
export interface FigureRange {
  from?: string;
  to?: string;
}

/** What the figures read besides the store: the remittance code words and the registry settings. */
export interface FigureSources {
  codes: RemittanceCodes;
  registry?: RegistrySettings;
}

/** Reasons drawn as their own series; the rest are summed as "other reasons" (the table keeps every reason). */
const MAX_REASON_SERIES = 6;
const OTHER_REASONS = 'other reasons';
const NO_CARC = 'no reason code given';

/** The T-score categories in words, from the registry's WHO thresholds (store/registry.ts). */
export const T_SCORE_CATEGORY_WORDS: Record<TScoreCategory, string> = {
  normal: `normal (T-score ${WHO_LOW_BONE_MASS_BELOW.toFixed(1)} or above)`,
  osteopenia: `low bone mass (T-score between ${WHO_OSTEOPOROSIS_AT_OR_BELOW.toFixed(1)} and ${WHO_LOW_BONE_MASS_BELOW.toFixed(1)})`,
  osteoporosis: `osteoporosis (T-score ${WHO_OSTEOPOROSIS_AT_OR_BELOW.toFixed(1)} or below)`,
  'not-measured': 'no T-score',
};

const filtersOf = (range: FigureRange): DenialFilters => ({ ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) });
const rangeWords = (range: FigureRange) => (range.from && range.to ? `dates of service ${range.from} to ${range.to}` : range.from ? `dates of service from ${range.from}` : range.to ? `dates of service to ${range.to}` : 'all dates of service');
const cellNumber = (cell: Cell): number | null => (cell === SUPPRESSED ? null : cell);

/** Denied lines per month of service by their first denying CARC, every month of the range shown. */
async function denialsByReason(store: OrganizationStore, sources: FigureSources, range: FigureRange): Promise<Figure> {
  const lines = await deniedLines(store, sources.codes, filtersOf(range));
  const reasonOf = (line: (typeof lines)[number]) => {
    const first = line.adjustments.find(isDenialAdjustment);
    return first === undefined ? NO_CARC : `${first.group}-${first.code}${first.description ? ` ${first.description}` : ''}`;
  };
  const counts = new Map<string, Map<string, number>>();
  const reasonTotals = new Map<string, number>();
  for (const line of lines) {
    const reason = reasonOf(line);
    const month = line.dateOfService.slice(0, 7);
    const byMonth = counts.get(reason) ?? new Map<string, number>();
    byMonth.set(month, (byMonth.get(month) ?? 0) + 1);
    counts.set(reason, byMonth);
    reasonTotals.set(reason, (reasonTotals.get(reason) ?? 0) + 1);
  }
  const dates = lines.map((l) => l.dateOfService).sort();
  const months = dates.length === 0 ? [] : monthsBetween(range.from ?? dates[0]!, range.to ?? dates.at(-1)!);
  const reasons = [...reasonTotals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([r]) => r);
  const drawn = reasons.length > MAX_REASON_SERIES + 1 ? reasons.slice(0, MAX_REASON_SERIES) : reasons;
  const rest = reasons.slice(drawn.length);
  const count = (reason: string, month: string) => counts.get(reason)?.get(month) ?? 0;
  const values = months.map((m) => [...drawn.map((r) => count(r, m)), ...(rest.length > 0 ? [rest.reduce((s, r) => s + count(r, m), 0)] : [])]);
  const title = 'Denied lines by reason, per month of service';
  const description = `Denied claim lines of the latest remittances per calendar month of service (${rangeWords(range)}), stacked by the first denying claim adjustment reason code (CARC) with its group; ${lines.length} denied line${lines.length === 1 ? '' : 's'} over ${months.length} month${months.length === 1 ? '' : 's'}, months without a denial shown as zero.`;
  return {
    figure: 'denials-by-reason',
    title,
    description,
    chart: { kind: 'columns', mode: 'stacked', title, description, xLabel: 'month of service', yLabel: 'denied lines', categories: months, series: [...drawn, ...(rest.length > 0 ? [OTHER_REASONS] : [])].map((label) => ({ label })), values },
    table: { columns: ['Month of service', ...reasons, 'Total'], rows: months.map((m) => [m, ...reasons.map((r) => count(r, m)), reasons.reduce((s, r) => s + count(r, m), 0)]) },
  };
}

/** Of the lines each rule flagged as an error, the share the payer denied. */
async function predictionByRule(store: OrganizationStore, sources: FigureSources, range: FigureRange): Promise<Figure> {
  const { prediction } = await denialSummary(store, sources.codes, filtersOf(range));
  const title = 'Prediction quality per rule: share of flagged lines denied';
  const description = `For each rule, of the claim lines it flagged as an error (on the exported result version) that a remittance answered, the share the payer denied (${rangeWords(range)}). Over all rules ${prediction.flaggedDenied} of ${prediction.flagged} flagged lines were denied, and ${prediction.deniedFlagged} of ${prediction.denied} denied lines had been flagged.`;
  const share = (denied: number, flagged: number) => (flagged === 0 ? null : denied / flagged);
  return {
    figure: 'prediction-by-rule',
    title,
    description,
    chart: { kind: 'bars', title, description, xLabel: 'share of flagged lines denied', yLabel: 'rule', bars: prediction.byRule.map((r) => ({ label: r.rule, value: share(r.denied, r.flagged), note: `${r.denied} of ${r.flagged} denied` })) },
    table: { columns: ['Rule', 'Lines flagged as errors', 'Of them denied', 'Share denied'], rows: prediction.byRule.map((r) => [r.rule, r.flagged, r.denied, percentText(share(r.denied, r.flagged))]) },
  };
}

/** Tallies of studies and their patients, keyed. */
function tally(rows: readonly CohortRow[], keyOf: (row: CohortRow) => string | undefined): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key === undefined) continue;
    const t = out.get(key) ?? { studies: 0, patients: new Set<string>() };
    t.studies += 1;
    t.patients.add(patientOf(row));
    out.set(key, t);
  }
  return out;
}

/** Cells of the given keys, small ones suppressed together (complementary suppression across the figure). */
function cellsOf(tallies: Map<string, Tally>, keys: readonly string[], minimum: number): Map<string, Cell> {
  const cells = suppressCells(
    keys.map((k) => tallies.get(k) ?? { studies: 0, patients: new Set<string>() }),
    minimum,
  );
  return new Map(keys.map((k, i) => [k, cells[i]!]));
}

const suppressionWords = (minimum: number) => `counts of fewer than ${minimum} patients are suppressed`;

/** Studies per age band and T-score category of the lowest T-score. */
async function tScoreByAge(store: OrganizationStore, sources: FigureSources, range: FigureRange): Promise<Figure> {
  const minimum = minimumCellSizeOf(sources.registry ?? {});
  const rows = await cohortRows(store, filtersOf(range));
  const key = (band: string, category: string) => `${band}|${category}`;
  const tallies = tally(rows, (r) => key(ageBandOf(r.age_years), tScoreCategoryOf(r.lowest_t_score)));
  // "age unknown" is a band only when a study has no age.
  const bands = AGE_BANDS.filter((b) => b !== 'age unknown' || rows.some((r) => r.age_years === null));
  const cells = cellsOf(tallies, bands.flatMap((b) => T_SCORE_CATEGORIES.map((c) => key(b, c))), minimum);
  const title = 'T-score categories by age band';
  const description = `Registry studies per age band at the date of service, by the WHO category of the study's lowest T-score (${rangeWords(range)}); ${rows.length} stud${rows.length === 1 ? 'y' : 'ies'}; ${suppressionWords(minimum)}.`;
  return {
    figure: 't-score-by-age',
    title,
    description,
    chart: { kind: 'columns', mode: 'grouped', title, description, xLabel: 'age band (years)', yLabel: 'studies', categories: rows.length === 0 ? [] : bands, series: T_SCORE_CATEGORIES.map((c) => ({ label: T_SCORE_CATEGORY_WORDS[c] })), values: bands.map((b) => T_SCORE_CATEGORIES.map((c) => cellNumber(cells.get(key(b, c))!))) },
    table: { columns: ['Age band', ...T_SCORE_CATEGORIES.map((c) => T_SCORE_CATEGORY_WORDS[c])], rows: rows.length === 0 ? [] : bands.map((b) => [b, ...T_SCORE_CATEGORIES.map((c) => cells.get(key(b, c))!)]) },
  };
}

/** Of the VFA studies read for fractures, the share with at least one, per T-score category. */
async function fractureByTScore(store: OrganizationStore, sources: FigureSources, range: FigureRange): Promise<Figure> {
  const minimum = minimumCellSizeOf(sources.registry ?? {});
  const rows = (await cohortRows(store, filtersOf(range))).filter((r) => r.vfa_performed === 1);
  const category = (r: CohortRow) => tScoreCategoryOf(r.lowest_t_score);
  const read = rows.filter((r) => fractureLevelsOfRow(r) !== undefined);
  const readCells = cellsOf(tally(read, category), T_SCORE_CATEGORIES, minimum);
  const fracturedCells = cellsOf(
    tally(read, (r) => ((fractureLevelsOfRow(r) ?? []).length > 0 ? category(r) : undefined)),
    T_SCORE_CATEGORIES,
    minimum,
  );
  const notReadCells = cellsOf(
    tally(
      rows.filter((r) => fractureLevelsOfRow(r) === undefined),
      category,
    ),
    T_SCORE_CATEGORIES,
    minimum,
  );
  const shown = T_SCORE_CATEGORIES.filter((c) => readCells.get(c) !== 0 || notReadCells.get(c) !== 0);
  const share = (c: TScoreCategory) => {
    const n = readCells.get(c)!;
    const f = fracturedCells.get(c)!;
    return n === SUPPRESSED || f === SUPPRESSED || n === 0 ? null : f / n;
  };
  const title = 'Vertebral fracture prevalence by T-score category';
  const description = `Of the VFA studies whose fractures were read, the share with at least one vertebral fracture, per WHO category of the lowest T-score (${rangeWords(range)}); ${read.length} VFA stud${read.length === 1 ? 'y' : 'ies'} read, ${rows.length - read.length} not read; ${suppressionWords(minimum)}.`;
  return {
    figure: 'fracture-by-t-score',
    title,
    description,
    chart: { kind: 'bars', title, description, xLabel: 'share of VFA studies with a fracture', yLabel: 'T-score category', bars: shown.map((c) => ({ label: T_SCORE_CATEGORY_WORDS[c], value: share(c), note: `${fracturedCells.get(c)} of n = ${readCells.get(c)}` })) },
    table: { columns: ['T-score category', 'VFA studies read (n)', 'With a fracture', 'Share with a fracture', 'VFA studies not read'], rows: shown.map((c) => [T_SCORE_CATEGORY_WORDS[c], readCells.get(c)!, fracturedCells.get(c)!, percentText(share(c)), notReadCells.get(c)!]) },
  };
}

const BUILDERS: Record<FigureName, (store: OrganizationStore, sources: FigureSources, range: FigureRange) => Promise<Figure>> = {
  'denials-by-reason': denialsByReason,
  'prediction-by-rule': predictionByRule,
  't-score-by-age': tScoreByAge,
  'fracture-by-t-score': fractureByTScore,
};

/** One figure of an organisation's store for a range of dates of service. */
export async function figureOf(name: FigureName, store: OrganizationStore, sources: FigureSources, range: FigureRange = {}): Promise<Figure> {
  return withStoreErrors(() => BUILDERS[name](store, sources, range));
}

/** The most months the time axis spans: twenty years of columns are still readable at the figure's width. */
export const MAX_FIGURE_MONTHS = 240;

/** What is wrong with a range, as `field: expected ...`, or undefined when it can be drawn. */
export function figureRangeProblem(range: FigureRange): { field: 'from' | 'to'; expected: string } | undefined {
  for (const field of ['from', 'to'] as const) {
    const value = range[field];
    if (value !== undefined && !isCalendarDate(value)) return { field, expected: 'a date YYYY-MM-DD' };
  }
  if (range.from !== undefined && range.to !== undefined) {
    if (range.from > range.to) return { field: 'from', expected: 'a date on or before `to`' };
    if (monthsBetween(range.from, range.to).length > MAX_FIGURE_MONTHS) return { field: 'to', expected: `a date within ${MAX_FIGURE_MONTHS} months of \`from\`` };
  }
  return undefined;
}
