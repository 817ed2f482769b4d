/**
 * The dashboard's plots, drawn as inline SVG by hand (no chart library, nothing fetched). Each plot comes as a figure
 * with a title, axis labels, a legend in words and a table with the same numbers, so nothing depends on reading a
 * colour or a bar length.
 */
import { h, s, type Child } from './dom.js';
import { niceScale } from '../../plots/chart-svg.js';

/** One series of a column chart: its key in the data, its name, and the CSS class that colours it. */
export interface Series {
  key: string;
  label: string;
  className: string;
}

/** A column chart: categories along x, one value per series each; stacked or side by side. */
export interface ColumnChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  categories: string[];
  series: Series[];
  value: (category: string, key: string) => number;
  mode: 'stacked' | 'grouped';
  /** The worklist filtered to one column (category and series); a column and its table cell then link there. */
  href?: (category: string, key: string) => string;
  /** How a category is written on the axis and in the table (default: as it is). */
  categoryLabel?: (category: string) => string;
  /** Only these categories get an axis label (a time axis labels its Januaries); default: thinned to fit. */
  labelled?: (category: string, index: number) => boolean;
  /** What the description says beyond the counts (e.g. the months without data). */
  note?: string;
}

/** A horizontal bar chart: one labelled bar per row. */
export interface BarChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  /** One bar each: its label, value, the worklist filtered to it, and its colour when not the chart's. */
  bars: { label: string; value: number; href?: string; className?: string }[];
  className: string;
  /** The legend of the bars' colours, when they differ. */
  legend?: Series[];
}

const WIDTH = 560;
const HEIGHT = 280;
let chartCount = 0;

function figure(title: string, plot: Child, legend: Child, table: HTMLTableElement): HTMLElement {
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', { class: 'chart-title' }, title),
    plot,
    legend,
    h('details', { class: 'chart-table' }, h('summary', {}, 'Show the numbers as a table'), table),
  );
}

/** The plot's SVG: an image, or (with links in it) a group, since an image's content is not reachable. */
function svgFrame(title: string, description: string, interactive = false): SVGSVGElement {
  const id = `chart-${++chartCount}`;
  return s(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: interactive ? 'group' : 'img', 'aria-labelledby': `${id}-title ${id}-desc`, class: 'chart-svg', preserveAspectRatio: 'xMidYMid meet' },
    s('title', { id: `${id}-title` }, title),
    s('desc', { id: `${id}-desc` }, description),
  );
}

function empty(title: string): HTMLElement {
  return h('figure', { class: 'chart' }, h('figcaption', { class: 'chart-title' }, title), h('p', { class: 'chart-empty' }, 'No data for this period.'));
}

function legendOf(series: Series[]): HTMLElement {
  return h('ul', { class: 'legend' }, series.map((item) => h('li', {}, h('span', { class: `swatch ${item.className}`, 'aria-hidden': 'true' }), item.label)));
}

/** Columns per category, stacked (verdicts per month) or grouped (studies and fractures per age group). */
export function columnChart(spec: ColumnChartSpec): HTMLElement {
  if (spec.categories.length === 0) return empty(spec.title);
  const margin = { top: 16, right: 12, bottom: 48, left: 52 };
  const plotW = WIDTH - margin.left - margin.right;
  const plotH = HEIGHT - margin.top - margin.bottom;
  const totals = spec.categories.map((c) =>
    spec.mode === 'stacked' ? spec.series.reduce((sum, se) => sum + spec.value(c, se.key), 0) : Math.max(0, ...spec.series.map((se) => spec.value(c, se.key))),
  );
  const scale = niceScale(Math.max(0, ...totals));
  const y = (v: number) => margin.top + plotH - (v / scale.max) * plotH;
  const band = plotW / spec.categories.length;
  const barW = Math.min(56, band * 0.7);
  const labelOf = spec.categoryLabel ?? ((c: string) => c);
  const svg = svgFrame(spec.title, `${spec.yLabel} by ${spec.xLabel}, ${spec.categories.length} ${spec.categories.length === 1 ? 'group' : 'groups'}${spec.note ? `; ${spec.note}` : ''}; the table below has the numbers.`, spec.href !== undefined);

  for (let v = 0; v <= scale.max; v += scale.step) {
    svg.append(
      s('line', { x1: margin.left, x2: WIDTH - margin.right, y1: y(v), y2: y(v), class: v === 0 ? 'axis-line' : 'grid-line' }),
      s('text', { x: margin.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick-label' }, String(v)),
    );
  }
  // Thin out category labels so they never overlap.
  const labelEvery = Math.max(1, Math.ceil(spec.categories.length / Math.floor(plotW / 64)));
  spec.categories.forEach((category, i) => {
    const cx = margin.left + band * i + band / 2;
    if (spec.mode === 'stacked') {
      let base = 0;
      for (const se of spec.series) {
        const v = spec.value(category, se.key);
        if (v > 0) {
          const text = `${labelOf(category)}: ${v} ${se.label.toLowerCase()}`;
          svg.append(linked(s('rect', { x: cx - barW / 2, y: y(base + v), width: barW, height: y(base) - y(base + v), class: `bar ${se.className}` }, s('title', {}, text)), spec.href?.(category, se.key), text));
        }
        base += v;
      }
      if (base > 0) svg.append(s('text', { x: cx, y: y(base) - 4, 'text-anchor': 'middle', class: 'value-label' }, String(base)));
    } else {
      const w = barW / spec.series.length;
      spec.series.forEach((se, j) => {
        const v = spec.value(category, se.key);
        const x = cx - barW / 2 + j * w;
        const text = `${labelOf(category)}: ${v} ${se.label.toLowerCase()}`;
        svg.append(linked(s('rect', { x: x + 1, y: y(v), width: Math.max(1, w - 2), height: y(0) - y(v), class: `bar ${se.className}` }, s('title', {}, text)), v > 0 ? spec.href?.(category, se.key) : undefined, text));
        // Zero bars get no label: a row of zeros is noise, and the table has them.
        if (v > 0) svg.append(s('text', { x: x + w / 2, y: y(v) - 4, 'text-anchor': 'middle', class: 'value-label' }, String(v)));
      });
    }
    if (spec.labelled ? spec.labelled(category, i) : i % labelEvery === 0) {
      svg.append(
        s('line', { x1: cx, x2: cx, y1: y(0), y2: y(0) + 4, class: 'axis-line' }),
        s('text', { x: cx, y: HEIGHT - margin.bottom + 18, 'text-anchor': 'middle', class: 'tick-label' }, labelOf(category)),
      );
    }
  });
  svg.append(
    s('text', { x: margin.left + plotW / 2, y: HEIGHT - 8, 'text-anchor': 'middle', class: 'axis-label' }, spec.xLabel),
    s('text', { x: 14, y: margin.top + plotH / 2, 'text-anchor': 'middle', class: 'axis-label', transform: `rotate(-90 14 ${margin.top + plotH / 2})` }, spec.yLabel),
  );

  const table = h(
    'table',
    { class: 'data-table' },
    h('caption', { class: 'visually-hidden' }, spec.title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, spec.xLabel), spec.series.map((se) => h('th', { scope: 'col', class: 'num' }, se.label)), spec.mode === 'stacked' ? h('th', { scope: 'col', class: 'num' }, 'Total') : null)),
    h(
      'tbody',
      {},
      spec.categories.map((c, i) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, labelOf(c)),
          spec.series.map((se) => {
            const v = spec.value(c, se.key);
            return h('td', { class: 'num' }, cellLink(String(v), v > 0 ? spec.href?.(c, se.key) : undefined));
          }),
          spec.mode === 'stacked' ? h('td', { class: 'num' }, String(totals[i])) : null,
        ),
      ),
    ),
  );
  return figure(spec.title, svg, legendOf(spec.series), table);
}

/** Wraps a plot mark in a link to the worklist filtered to it (SVG links are focusable and announced with their label). */
function linked(mark: SVGElement, href: string | undefined, label: string): SVGElement {
  return href ? s('a', { href, 'aria-label': label, class: 'chart-link' }, mark) : mark;
}

/** A table cell's content, as a link when the value has a worklist to open. */
function cellLink(text: string, href: string | undefined): Child {
  return href ? h('a', { href }, text) : text;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Horizontal bars, longest first as given (top findings by rule and payer). */
export function barChart(spec: BarChartSpec): HTMLElement {
  if (spec.bars.length === 0) return empty(spec.title);
  const rowH = 26;
  const margin = { top: 8, right: 48, bottom: 40, left: 260 };
  const height = margin.top + margin.bottom + rowH * spec.bars.length;
  const plotW = WIDTH - margin.left - margin.right;
  const scale = niceScale(Math.max(0, ...spec.bars.map((b) => b.value)), 4);
  const x = (v: number) => margin.left + (v / scale.max) * plotW;
  const svg = svgFrame(spec.title, `${spec.xLabel} for ${spec.bars.length} ${spec.yLabel.toLowerCase()}; the table below has the numbers.`, spec.bars.some((b) => b.href !== undefined));
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${height}`);
  for (let v = 0; v <= scale.max; v += scale.step) {
    svg.append(
      s('line', { x1: x(v), x2: x(v), y1: margin.top, y2: height - margin.bottom, class: v === 0 ? 'axis-line' : 'grid-line' }),
      s('text', { x: x(v), y: height - margin.bottom + 16, 'text-anchor': 'middle', class: 'tick-label' }, String(v)),
    );
  }
  spec.bars.forEach((bar, i) => {
    const top = margin.top + i * rowH;
    svg.append(
      s('text', { x: margin.left - 8, y: top + rowH / 2 + 4, 'text-anchor': 'end', class: 'tick-label' }, s('title', {}, bar.label), truncate(bar.label, 40)),
      linked(s('rect', { x: x(0), y: top + 4, width: Math.max(1, x(bar.value) - x(0)), height: rowH - 8, class: `bar ${bar.className ?? spec.className}` }, s('title', {}, `${bar.label}: ${bar.value}`)), bar.href, `${bar.label}: ${bar.value}`),
      s('text', { x: x(bar.value) + 6, y: top + rowH / 2 + 4, class: 'value-label' }, String(bar.value)),
    );
  });
  svg.append(s('text', { x: margin.left + plotW / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis-label' }, spec.xLabel));
  svg.append(s('text', { x: 8, y: height - 6, class: 'axis-label' }, spec.yLabel));
  const table = h(
    'table',
    { class: 'data-table' },
    h('caption', { class: 'visually-hidden' }, spec.title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, spec.yLabel), h('th', { scope: 'col', class: 'num' }, spec.xLabel))),
    h('tbody', {}, spec.bars.map((bar) => h('tr', {}, h('th', { scope: 'row' }, cellLink(bar.label, bar.href)), h('td', { class: 'num' }, String(bar.value))))),
  );
  return figure(spec.title, svg, spec.legend ? legendOf(spec.legend) : null, table);
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Feb 2026" for 2026-02. */
export function monthName(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1] ?? month.slice(5, 7)} ${month.slice(0, 4)}`;
}

/** The first and last day of a month (YYYY-MM), for a worklist filter by date of service. */
export function monthRange(month: string): { from: string; to: string } {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const days = m === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
  return { from: `${month}-01`, to: `${month}-${String(days).padStart(2, '0')}` };
}
