/**
 * Dashboard: verdicts per month, the rules that fire most per payer, the money at risk of denial and VFA fracture
 * findings by age group (GET /v1/stats), each as a plot with its numbers in a table.
 */
import { getJson, query } from './api.js';
import { barChart, columnChart } from './charts.js';
import { denialPanel } from './dashboard-denials.js';
import { h, replaceChildren } from './dom.js';
import type { Stats } from './types.js';
import { errorList, field, pageHeading, type ViewContext } from './ui.js';

/** Money as a coder reads it: US dollars, no cents past a thousand. */
export function formatMoney(amount: number): string {
  return amount.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: Math.abs(amount) >= 1000 ? 0 : 2 });
}

/** The server's reasons are clauses ("no fee schedule is configured ..."); shown alone they read as a sentence. */
function sentence(text: string): string {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function denialRiskCard(risk: Stats['denialRisk']): HTMLElement {
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
  );
}

/** Draws the dashboard for the date range in the route's query. */
export async function renderDashboard(ctx: ViewContext): Promise<void> {
  const range = { from: ctx.query.get('from') ?? '', to: ctx.query.get('to') ?? '' };
  const from = h('input', { type: 'date', name: 'from', value: range.from });
  const to = h('input', { type: 'date', name: 'to', value: range.to });
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Date range',
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = `#/dashboard${query({ from: from.value, to: to.value })}`;
      },
    },
    field('Date of service from', from),
    field('to', to),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button-primary' }, 'Apply'), h('a', { href: '#/dashboard', class: 'button-link' }, 'All dates')),
  );
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
  const months = stats.verdictsByMonth.map((m) => m.month);
  const byMonth = new Map(stats.verdictsByMonth.map((m) => [m.month, m]));
  const byAge = new Map(stats.vfaFracturesByAge.map((a) => [a.ageGroup, a]));
  replaceChildren(
    plots,
    columnChart({
      title: 'Verdicts per month',
      xLabel: 'Month of service',
      yLabel: 'Encounters',
      categories: months,
      series: [
        { key: 'clean', label: 'Clean', className: 'fill-clean' },
        { key: 'review', label: 'Review', className: 'fill-review' },
        { key: 'reject', label: 'Reject', className: 'fill-reject' },
      ],
      value: (month, key) => Number(byMonth.get(month)?.[key as 'clean' | 'review' | 'reject'] ?? 0),
      mode: 'stacked',
    }),
    denialRiskCard(stats.denialRisk),
    barChart({
      title: 'Top findings by rule and payer',
      xLabel: 'Findings',
      yLabel: 'Rule · payer',
      bars: stats.topRules.map((r) => ({ label: `${r.rule} · ${r.payer}`, value: r.count })),
      className: 'fill-finding',
    }),
    columnChart({
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
    }),
  );
}
