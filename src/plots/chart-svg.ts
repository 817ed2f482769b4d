/**
 * Figures as SVG text (issue 12 §6): column charts (stacked or grouped) and horizontal bars, drawn the same for the
 * workbench page and for the CLI's SVG and PNG files. The module imports nothing, so tsconfig.web.json compiles it
 * for the page too (as it does src/morphometry/spine-svg.ts).
 *
 * Nothing depends on colour: each series has its own fill pattern as well as its colour, the legend names them in
 * words, every bar carries a title with its category, series and value, and totals and values are written beside the
 * bars. Screen readers get role="img", a title and a description. Fonts, colours and strokes are attributes on the
 * elements (no stylesheet), so a file opened alone (or rasterised to PNG) looks as it does on the page. All text is
 * XML-escaped.
 */

/** One series of a column chart: its name in words. */
export interface ChartSeries {
  label: string;
}

/** A column chart: one column (stacked) or group of columns (grouped) per category. */
export interface ColumnChart {
  kind: 'columns';
  mode: 'stacked' | 'grouped';
  title: string;
  /** What the figure shows, in a sentence, for screen readers; the counts themselves are in the table. */
  description: string;
  xLabel: string;
  yLabel: string;
  categories: readonly string[];
  series: readonly ChartSeries[];
  /** values[category][series]; null: a suppressed (too small to show) count, drawn as no bar and named in its title. */
  values: readonly (readonly (number | null)[])[];
}

/** A horizontal bar chart of shares: one bar per row, value 0 to 1, with a note written beside the bar ("3 of 4"). */
export interface BarChart {
  kind: 'bars';
  title: string;
  description: string;
  /** The value axis label ("share denied"). */
  xLabel: string;
  /** What the rows are ("rule"). */
  yLabel: string;
  bars: readonly { label: string; value: number | null; note: string }[];
}

/** A figure to draw. */
export type Chart = ColumnChart | BarChart;

/** The fonts named in every file: DejaVu Sans is on most Linux systems (and what resvg finds there), Arial elsewhere. */
export const CHART_FONT = 'DejaVu Sans, Arial, sans-serif';
/** What an empty figure says. */
export const NO_DATA = 'No data for this period.';

const WIDTH = 640;
const INK = '#1a1a1a';
const GRID = '#d9d9d9';
/** Series colours (Okabe-Ito, distinguishable with the common colour-vision deficiencies), each with its own pattern. */
const COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'] as const;
const PATTERNS = ['solid', 'diagonal', 'dots', 'horizontal', 'cross', 'vertical', 'back-diagonal', 'grid'] as const;

/** An upper axis bound and tick step that land on 1, 2 or 5 times a power of ten, for about five ticks. */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 1 };
  const rough = max / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 10 * power;
  // Counts are whole: never a tick step below 1.
  const wholeStep = Math.max(1, step);
  return { max: Math.ceil(max / wholeStep) * wholeStep, step: wholeStep };
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A share as a whole percentage ("75 %"). */
export function percentText(value: number | null): string {
  return value === null ? 'n/a' : `${Math.round(value * 100)} %`;
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v)}"`)
    .join('');
}

function text(x: number, y: number, content: string, extra: Record<string, string | number> = {}): string {
  return `<text${attrs({ x, y, fill: INK, ...extra })}>${escapeXml(content)}</text>`;
}

/** The pattern of series `index`: its colour, with lines or dots over it in white. */
function patternDef(id: string, index: number): string {
  const colour = COLOURS[index % COLOURS.length]!;
  const kind = PATTERNS[index % PATTERNS.length]!;
  const mark = {
    solid: '',
    diagonal: '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="1.5"/>',
    dots: '<circle cx="4" cy="4" r="1.5" fill="#fff"/>',
    horizontal: '<path d="M0,4 h8" stroke="#fff" stroke-width="1.5"/>',
    cross: '<path d="M0,0 l8,8 M8,0 l-8,8" stroke="#fff" stroke-width="1"/>',
    vertical: '<path d="M4,0 v8" stroke="#fff" stroke-width="1.5"/>',
    'back-diagonal': '<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke="#fff" stroke-width="1.5"/>',
    grid: '<path d="M0,4 h8 M4,0 v8" stroke="#fff" stroke-width="1"/>',
  }[kind];
  return `<pattern id="${id}-p${index}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="${colour}"/>${mark}</pattern>`;
}

const fillOf = (id: string, index: number) => `url(#${id}-p${index})`;

/** An id prefix safe in XML ids and url() references. */
function idOf(prefix: string | undefined, title: string): string {
  const base = (prefix ?? title).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return /^[a-z]/.test(base) ? base : `chart-${base}`;
}

/** How a figure is drawn: with its title as a heading (a file alone), or without (a page that heads it already). */
export interface RenderOptions {
  idPrefix?: string;
  /** Draw the title as text at the top (default true; the title element is always there). */
  heading?: boolean;
}

function open(id: string, width: number, height: number, title: string, description: string, defs: string[], heading: boolean): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="${CHART_FONT}" font-size="12">`,
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(description)}</desc>`,
    ...(defs.length > 0 ? [`<defs>${defs.join('')}</defs>`] : []),
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...(heading ? [text(12, 22, title, { 'font-size': 15, 'font-weight': 'bold' })] : []),
  ];
}

/** Words cut to a length, with an ellipsis when cut. */
function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

function emptyChart(id: string, title: string, heading: boolean): string {
  const out = open(id, WIDTH, 80, title, NO_DATA, [], heading);
  out.push(text(12, 52, NO_DATA), '</svg>');
  return `${out.join('\n')}\n`;
}

/** The legend: one swatch (colour and pattern) and name per series, wrapped onto rows. */
function legend(id: string, series: readonly ChartSeries[], top: number): { svg: string[]; height: number } {
  const out: string[] = [];
  let x = 12;
  let y = top;
  series.forEach((s, i) => {
    const label = truncate(s.label, 48);
    const w = 22 + label.length * 6.6 + 16;
    if (x + w > WIDTH - 12 && x > 12) {
      x = 12;
      y += 20;
    }
    out.push(`<g><rect${attrs({ x, y: y - 10, width: 14, height: 14, fill: fillOf(id, i), stroke: INK, 'stroke-width': 0.5 })}/>${text(x + 20, y + 1, label)}</g>`);
    x += w;
  });
  return { svg: out, height: y - top + 22 };
}

function columns(chart: ColumnChart, id: string, heading: boolean): string {
  const cells = chart.values;
  const totals = chart.categories.map((_, c) => (chart.mode === 'stacked' ? (cells[c] ?? []).reduce<number>((sum, v) => sum + (v ?? 0), 0) : Math.max(0, ...(cells[c] ?? []).map((v) => v ?? 0))));
  const margin = { top: 40, right: 16, bottom: 64, left: 60 };
  const plotH = 240;
  const plotW = WIDTH - margin.left - margin.right;
  const legendTop = margin.top + plotH + margin.bottom - 8;
  const key = legend(id, chart.series, legendTop);
  const height = legendTop + key.height;
  const scale = niceScale(Math.max(0, ...totals));
  const y = (v: number) => margin.top + plotH - (v / scale.max) * plotH;
  const band = plotW / Math.max(1, chart.categories.length);
  const barW = Math.min(56, band * 0.75);
  const out = open(id, WIDTH, height, chart.title, chart.description, chart.series.map((_, i) => patternDef(id, i)), heading);
  for (let v = 0; v <= scale.max; v += scale.step) {
    out.push(`<line${attrs({ x1: margin.left, x2: WIDTH - margin.right, y1: y(v), y2: y(v), stroke: v === 0 ? INK : GRID, 'stroke-width': 1 })}/>`);
    out.push(text(margin.left - 6, y(v) + 4, String(v), { 'text-anchor': 'end' }));
  }
  // Thin out category labels so they never overlap; every category keeps its column (a true axis).
  const labelEvery = Math.max(1, Math.ceil(chart.categories.length / Math.floor(plotW / 64)));
  chart.categories.forEach((category, c) => {
    const cx = margin.left + band * c + band / 2;
    const row = cells[c] ?? [];
    const suppressed = chart.series.filter((_, s) => row[s] === null).map((s) => s.label);
    out.push(`<g><title>${escapeXml(`${category}: ${chart.series.map((s, i) => `${s.label} ${row[i] === null ? 'suppressed' : (row[i] ?? 0)}`).join(', ')}`)}</title>`);
    if (chart.mode === 'stacked') {
      let base = 0;
      chart.series.forEach((s, i) => {
        const v = row[i] ?? 0;
        if (v > 0) out.push(`<rect${attrs({ x: cx - barW / 2, y: y(base + v), width: barW, height: y(base) - y(base + v), fill: fillOf(id, i), stroke: '#ffffff', 'stroke-width': 0.5 })}><title>${escapeXml(`${category}, ${s.label}: ${v}`)}</title></rect>`);
        base += v;
      });
      if (base > 0 || suppressed.length > 0) out.push(text(cx, y(base) - 4, suppressed.length > 0 ? `${base}+` : String(base), { 'text-anchor': 'middle', 'font-size': 11 }));
    } else {
      const w = barW / Math.max(1, chart.series.length);
      chart.series.forEach((s, i) => {
        const v = row[i];
        const x = cx - barW / 2 + i * w;
        if (v === null || v === undefined) {
          out.push(text(x + w / 2, y(0) - 4, 's', { 'text-anchor': 'middle', 'font-size': 10 }));
          return;
        }
        if (v > 0) {
          out.push(`<rect${attrs({ x: x + 0.5, y: y(v), width: Math.max(1, w - 1), height: y(0) - y(v), fill: fillOf(id, i), stroke: '#ffffff', 'stroke-width': 0.5 })}><title>${escapeXml(`${category}, ${s.label}: ${v}`)}</title></rect>`);
          if (w >= 12) out.push(text(x + w / 2, y(v) - 3, String(v), { 'text-anchor': 'middle', 'font-size': 10 }));
        }
      });
    }
    out.push('</g>');
    if (c % labelEvery === 0) out.push(text(cx, margin.top + plotH + 16, truncate(category, Math.max(6, Math.floor((band * labelEvery) / 7))), { 'text-anchor': 'middle' }));
  });
  out.push(text(margin.left + plotW / 2, margin.top + plotH + 38, chart.xLabel, { 'text-anchor': 'middle', 'font-weight': 'bold' }));
  const midY = margin.top + plotH / 2;
  out.push(text(16, midY, chart.yLabel, { 'text-anchor': 'middle', 'font-weight': 'bold', transform: `rotate(-90 16 ${midY})` }));
  if (chart.values.some((row) => row.some((v) => v === null))) out.push(text(WIDTH - margin.right, margin.top - 6, chart.mode === 'stacked' ? '+ : a count is suppressed' : 's : suppressed count', { 'text-anchor': 'end', 'font-size': 10 }));
  out.push(...key.svg, '</svg>');
  return `${out.join('\n')}\n`;
}

function bars(chart: BarChart, id: string, heading: boolean): string {
  const rowH = 28;
  const margin = { top: 58, right: 140, bottom: 44, left: 286 };
  const height = margin.top + margin.bottom + rowH * chart.bars.length;
  const plotW = WIDTH - margin.left - margin.right;
  const x = (v: number) => margin.left + v * plotW;
  const out = open(id, WIDTH, height, chart.title, chart.description, [patternDef(id, 0)], heading);
  for (let v = 0; v <= 1.0001; v += 0.25) {
    out.push(`<line${attrs({ x1: x(v), x2: x(v), y1: margin.top, y2: height - margin.bottom, stroke: v === 0 ? INK : GRID, 'stroke-width': 1 })}/>`);
    out.push(text(x(v), height - margin.bottom + 16, percentText(v), { 'text-anchor': 'middle' }));
  }
  chart.bars.forEach((bar, i) => {
    const top = margin.top + i * rowH;
    const value = bar.value;
    out.push(`<g><title>${escapeXml(`${bar.label}: ${percentText(value)} (${bar.note})`)}</title>`);
    out.push(text(margin.left - 8, top + rowH / 2 + 4, truncate(bar.label, 42), { 'text-anchor': 'end' }));
    if (value !== null && value > 0) out.push(`<rect${attrs({ x: x(0), y: top + 5, width: Math.max(1, x(value) - x(0)), height: rowH - 10, fill: fillOf(id, 0) })}/>`);
    out.push(text(x(value ?? 0) + 6, top + rowH / 2 + 4, `${percentText(value)} (${bar.note})`, { 'font-size': 11 }));
    out.push('</g>');
  });
  out.push(text(margin.left + plotW / 2, height - 10, chart.xLabel, { 'text-anchor': 'middle', 'font-weight': 'bold' }));
  out.push(text(margin.left - 8, margin.top - 10, chart.yLabel, { 'text-anchor': 'end', 'font-weight': 'bold' }));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** The SVG text of a figure; `idPrefix` keeps ids apart when several figures share a page. */
export function renderChartSvg(chart: Chart, options: RenderOptions = {}): string {
  const id = idOf(options.idPrefix, chart.title);
  const empty = chart.kind === 'columns' ? chart.categories.length === 0 || chart.series.length === 0 : chart.bars.length === 0;
  const heading = options.heading ?? true;
  if (empty) return emptyChart(id, chart.title, heading);
  return chart.kind === 'columns' ? columns(chart, id, heading) : bars(chart, id, heading);
}

/**
 * Every calendar month YYYY-MM from the month of `from` to the month of `to` (YYYY-MM-DD or YYYY-MM), gaps included:
 * a time axis spaces months by time, not by data. Bounded at 1,200 months (a longer span is no chart's period).
 */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  const end = to.slice(0, 7);
  while (months.length < 1200) {
    const key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
    if (key > end) break;
    months.push(key);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}
