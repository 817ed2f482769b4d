/**
 * Dashboard: verdicts per month on a time axis, the findings that fire most per payer (in words, with their
 * severity), the money at risk of denial and VFA fracture findings by age group (GET /v1/stats), each as a plot with
 * its numbers in a table, and each linking to the worklist filtered to what it counts.
 */
import { RULES } from '../../rules/catalogue.js';
import { getJson, query } from './api.js';
import { monthsBetween } from '../../plots/chart-svg.js';
import { barChart, columnChart, monthName, monthRange } from './charts.js';
import { denialPanel } from './dashboard-denials.js';
import { h, replaceChildren } from './dom.js';
import { loadKnowledge } from './knowledge.js';
import type { Stats } from './types.js';
import { dateRangeForm, errorList, pageHeading, type ViewContext } from './ui.js';

/** The dashboard's date range, as the worklist filters by it. */
interface Range {
  from: string;
  to: string;
}

/** The worklist filtered by the given parameters (the worklist's own query names), within the dashboard's range. */
function worklistLink(filters: Record<string, string | undefined>): string {
  return `#/worklist${query(filters)}`;
}

/** One month of the range as a worklist date filter: the month, clipped to the range. */
function monthFilter(month: string, range: Range): Range {
  const whole = monthRange(month);
  return { from: range.from > whole.from ? range.from : whole.from, to: range.to !== '' && range.to < whole.to ? range.to : whole.to };
}

/** The months the time axis spans: from the range's start (or the first month with data) to its end (or the last), gaps included. */
function axisMonths(withData: string[], range: Range): string[] {
  if (withData.length === 0) return [];
  const first = [withData[0]!, range.from.slice(0, 7)].filter(Boolean).sort()[0]!;
  const last = [withData[withData.length - 1]!, range.to.slice(0, 7)].filter(Boolean).sort().at(-1)!;
  return monthsBetween(first, last);
}

/** Which months the time axis labels: every month of a short span, else Januaries (every few years on a long one). */
function labelledMonth(span: number): (month: string, index: number) => boolean {
  if (span <= 12) return () => true;
  const everyYears = Math.max(1, Math.ceil(span / 12 / 8));
  return (month, index) => (month.endsWith('-01') && Number(month.slice(0, 4)) % everyYears === 0) || (index === 0 && Number(month.slice(5, 7)) <= 6);
}

const SEVERITY_WORDS: Record<string, string> = { error: 'Error', warning: 'Warning', info: 'Note' };
const SEVERITY_FILL: Record<string, string> = { error: 'fill-reject', warning: 'fill-review', info: 'fill-finding' };

/** Money as a coder reads it: US dollars, no cents past a thousand. */
export function formatMoney(amount: number): string {
  return amount.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: Math.abs(amount) >= 1000 ? 0 : 2 });
}

/** The server's reasons are clauses ("no fee schedule is configured ..."); shown alone they read as a sentence. */
function sentence(text: string): string {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function denialRiskCard(risk: Stats['denialRisk'], range: Range): HTMLElement {
  return h(
    'figure',
    { class: 'chart kpi' },
    h('figcaption', { class: 'chart-title' }, 'Denial risk'),
    risk.amount === null
      ? [h('p', { class: 'kpi-value kpi-unknown' }, 'Not known'), h('p', { class: 'kpi-reason' }, sentence(risk.reason ?? 'no amount could be computed'))]
      : [h('p', { class: 'kpi-value' }, formatMoney(risk.amount)), risk.reason ? h('p', { class: 'kpi-reason' }, sentence(risk.reason)) : null],
    h(
      'p',
      { class: 'kpi-sub' },
      `${risk.encounters.toLocaleString()} rejected ${risk.encounters === 1 ? 'claim' : 'claims'}`,
      risk.reviewEncounters !== undefined ? `, ${risk.reviewEncounters.toLocaleString()} more in review` : '',
      '.',
    ),
    risk.encounters > 0 ? h('p', { class: 'chart-link-note' }, h('a', { href: worklistLink({ verdict: 'reject', ...range }) }, 'Open the rejected claims in the worklist')) : null,
  );
}

/** Draws the dashboard for the date range in the route's query. */
export async function renderDashboard(ctx: ViewContext): Promise<void> {
  const range = { from: ctx.query.get('from') ?? '', to: ctx.query.get('to') ?? '' };
  const form = dateRangeForm('#/dashboard', range);
  const plots = h('div', { class: 'dashboard-grid', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading figures…'));
  replaceChildren(ctx.main, pageHeading('Dashboard'), form, plots, denialPanel(range, ctx.signal));

  let stats: Stats;
  try {
    stats = await getJson<Stats>(`/v1/stats${query(range)}`, ctx.signal);
  } catch (error) {
    plots.removeAttribute('aria-busy');
    replaceChildren(plots, h('div', { class: 'card' }, h('p', {}, 'The figures could not be loaded.'), errorList(error)));
    return;
  }
  plots.removeAttribute('aria-busy');
  const byMonth = new Map(stats.verdictsByMonth.map((m) => [m.month, m]));
  const months = axisMonths(stats.verdictsByMonth.map((m) => m.month), range);
  const gaps = months.filter((m) => !byMonth.has(m)).length;
  const byAge = new Map(stats.vfaFracturesByAge.map((a) => [a.ageGroup, a]));
  // Payer names, not pack ids; an id stays when the list cannot be loaded.
  const payerNames = new Map((await loadKnowledge().catch(() => ({ payers: [] as { id: string; name: string }[] }))).payers.map((p) => [p.id, p.name]));
  const vfa = columnChart({
    title: 'VFA studies and fracture findings by age group',
    xLabel: 'Age group (years)',
    yLabel: 'Studies',
    categories: stats.vfaFracturesByAge.map((a) => a.ageGroup),
    series: [
      { key: 'vfaStudies', label: 'VFA studies', className: 'fill-studies' },
      { key: 'withFracture', label: 'With a fracture', className: 'fill-fracture' },
      { key: 'notRead', label: 'Fractures not read', className: 'fill-unread' },
    ],
    value: (group, key) => Number(byAge.get(group)?.[key as 'vfaStudies' | 'withFracture' | 'notRead'] ?? 0),
    mode: 'grouped',
  });
  // The worklist filters by date, not by age: the link says so rather than pretend to filter by group.
  vfa.append(h('p', { class: 'chart-link-note' }, h('a', { href: worklistLink({ ...range }) }, 'Open the encounters of this period in the worklist'), ' (the worklist filters by date of service, not by age group).'));
  replaceChildren(
    plots,
    columnChart({
      title: 'Verdicts per month',
      xLabel: 'Month of service',
      yLabel: 'Encounters',
      categories: months,
      categoryLabel: monthName,
      labelled: labelledMonth(months.length),
      note: gaps > 0 ? `${gaps} of ${months.length} months without encounters` : `${months.length} months`,
      series: [
        { key: 'clean', label: 'Clean', className: 'fill-clean' },
        { key: 'review', label: 'Review', className: 'fill-review' },
        { key: 'reject', label: 'Reject', className: 'fill-reject' },
      ],
      value: (month, key) => Number(byMonth.get(month)?.[key as 'clean' | 'review' | 'reject'] ?? 0),
      href: (month, key) => worklistLink({ verdict: key, ...monthFilter(month, range) }),
      mode: 'stacked',
    }),
    denialRiskCard(stats.denialRisk, range),
    barChart({
      title: 'Top findings by rule and payer',
      xLabel: 'Findings',
      yLabel: 'Payer · finding',
      bars: stats.topRules.map((r) => {
        const rule = RULES[r.rule as keyof typeof RULES] as { severity: string; summary: string } | undefined;
        const severity = rule?.severity ?? 'warning';
        return {
          // The payer first: a long finding is cut short on the plot (the table has it whole).
          label: `${payerNames.get(r.payer) ?? r.payer} · ${SEVERITY_WORDS[severity] ?? severity}: ${rule?.summary ?? r.rule}`,
          value: r.count,
          className: SEVERITY_FILL[severity] ?? 'fill-finding',
          href: worklistLink({ rule: r.rule, payer: r.payer, ...range }),
        };
      }),
      className: 'fill-finding',
      legend: [
        { key: 'error', label: 'Error', className: 'fill-reject' },
        { key: 'warning', label: 'Warning', className: 'fill-review' },
      ],
    }),
    vfa,
  );
}
