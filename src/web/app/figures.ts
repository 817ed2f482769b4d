/**
 * The Figures page (#/figures, issue 12 §6): denials by reason over time, prediction quality per rule, T-score
 * categories by age band and fracture prevalence by T-score category, for a range of dates of service. Each figure is
 * drawn here from the API's chart data by the same renderer the CLI uses (src/plots/chart-svg.ts), with its
 * description and its numbers in a table behind a disclosure.
 */
import { renderChartSvg, type Chart } from '../../plots/chart-svg.js';
import { getJson, query } from './api.js';
import { h, replaceChildren } from './dom.js';
import { dateRangeForm, errorList, pageHeading, type ViewContext } from './ui.js';

/** A figure as GET /v1/figures/:figure gives it. */
export interface FigureData {
  figure: string;
  title: string;
  description: string;
  chart: Chart;
  table: { columns: string[]; rows: (string | number)[][] };
}

/** The SVG of a chart as a node of this document. */
function chartNode(chart: Chart, idPrefix: string): Node {
  const parsed = new DOMParser().parseFromString(renderChartSvg(chart, { idPrefix, heading: false }), 'image/svg+xml').documentElement;
  return parsed.nodeName === 'svg' ? document.importNode(parsed, true) : h('p', { class: 'muted' }, 'The figure could not be drawn.');
}

/** One figure: heading, picture, description and the table alternative. */
export function figureCard(data: FigureData): HTMLElement {
  const headingId = `figure-${data.figure}-heading`;
  const table = h(
    'table',
    { class: 'data-table' },
    h('caption', { class: 'visually-hidden' }, data.title),
    h('thead', {}, h('tr', {}, data.table.columns.map((c, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : null }, c)))),
    h('tbody', {}, data.table.rows.map((row) => h('tr', {}, row.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, String(cell)) : h('td', { class: 'num' }, String(cell))))))),
  );
  return h(
    'section',
    { class: 'card figure-card', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, data.title),
    h('figure', { class: 'figure-picture' }, chartNode(data.chart, `page-${data.figure}`), h('figcaption', { class: 'hint' }, data.description)),
    data.table.rows.length === 0 ? null : h('details', { class: 'chart-table' }, h('summary', {}, 'Show the numbers as a table'), table),
  );
}

/** Draws the four figures for the date range in the route's query. */
export async function renderFigures(ctx: ViewContext): Promise<void> {
  const range = { from: ctx.query.get('from') ?? '', to: ctx.query.get('to') ?? '' };
  const form = dateRangeForm('#/figures', range);
  const body = h('div', { class: 'figures', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading figures…'));
  replaceChildren(ctx.main, pageHeading('Figures'), form, body);
  try {
    const { figures } = await getJson<{ figures: { figure: string; path: string }[] }>('/v1/figures', ctx.signal);
    const loaded = await Promise.all(figures.map((f) => getJson<FigureData>(`${f.path}${query(range)}`, ctx.signal)));
    replaceChildren(body, loaded.map(figureCard));
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    replaceChildren(body, h('div', { class: 'card' }, h('p', {}, 'The figures could not be loaded.'), errorList(error)));
  } finally {
    body.removeAttribute('aria-busy');
  }
}
