import { describe, expect, it } from 'vitest';
import { CHART_FONT, monthsBetween, NO_DATA, renderChartSvg, type BarChart, type ColumnChart } from './chart-svg.js';

const columns = (over: Partial<ColumnChart> = {}): ColumnChart => ({
  kind: 'columns',
  mode: 'stacked',
  title: 'Denied <lines> & "reasons"',
  description: 'Per month; the table has the numbers.',
  xLabel: 'month of service',
  yLabel: 'denied lines',
  categories: ['2026-01', '2026-02', '2026-03'],
  series: [{ label: 'CO-151 frequency <too soon>' }, { label: 'CO-50 not medically necessary' }],
  values: [
    [2, 1],
    [0, 0],
    [1, 0],
  ],
  ...over,
});

describe('renderChartSvg', () => {
  it('escapes every text: title, description, series and categories', () => {
    const svg = renderChartSvg(columns({ categories: ["O'Brien & <x>", '2026-02', '2026-03'] }));
    expect(svg).toContain('<title id="denied-lines-reasons-title">Denied &lt;lines&gt; &amp; &quot;reasons&quot;</title>');
    expect(svg).toContain('CO-151 frequency &lt;too soon&gt;');
    expect(svg).toContain('O&apos;Brien &amp; &lt;x&gt;');
    expect(svg).not.toMatch(/<lines>|<too soon>|<x>/);
  });

  it('is an accessible image: role, title and description referenced, a title per bar and per group, a legend in words, fixed fonts', () => {
    const svg = renderChartSvg(columns(), { idPrefix: 'fig-1' });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* role="img" aria-labelledby="fig-1-title fig-1-desc"/);
    expect(svg).toContain(`font-family="${CHART_FONT}"`);
    expect(svg).toContain('<desc id="fig-1-desc">Per month; the table has the numbers.</desc>');
    // Each non-zero segment has its own title, each month one naming all series.
    expect(svg).toContain('<title>2026-01, CO-151 frequency &lt;too soon&gt;: 2</title>');
    expect(svg).toContain('<title>2026-02: CO-151 frequency &lt;too soon&gt; 0, CO-50 not medically necessary 0</title>');
    expect(svg.match(/<rect[^>]*fill="url\(#fig-1-p\d\)"[^>]*><title>/g)).toHaveLength(3);
    // Legend: a swatch with its pattern and the name.
    expect(svg).toMatch(/fill="url\(#fig-1-p1\)"[^>]*\/><text[^>]*>CO-50 not medically necessary<\/text>/);
    // Series differ by pattern, not only colour.
    expect(svg).toContain('<pattern id="fig-1-p1"');
    expect(svg).toMatch(/<pattern id="fig-1-p1"[^>]*><rect[^>]*\/><path/);
    // No stylesheet or class: it renders alone as on the page.
    expect(svg).not.toMatch(/<style|class=/);
  });

  it('keeps every category as a column (a true axis): a month with no value still gets its label', () => {
    const svg = renderChartSvg(columns());
    for (const month of ['2026-01', '2026-02', '2026-03']) expect(svg).toContain(`>${month}</text>`);
  });

  it('says there is no data when there is nothing to draw', () => {
    for (const svg of [renderChartSvg(columns({ categories: [], values: [] })), renderChartSvg({ kind: 'bars', title: 'Rules', description: 'd', xLabel: 'share', yLabel: 'rule', bars: [] })]) {
      expect(svg).toContain(`>${NO_DATA}</text>`);
      expect(svg).toContain(`<desc id=`);
      expect(svg).not.toContain('<rect x=');
    }
  });

  it('draws suppressed counts as no bar and says so', () => {
    const svg = renderChartSvg(columns({ mode: 'grouped', values: [[null, 12], [0, 0], [3, 0]] }), { idPrefix: 'g' });
    expect(svg).toContain('<title>2026-01: CO-151 frequency &lt;too soon&gt; suppressed, CO-50 not medically necessary 12</title>');
    expect(svg).toContain('s : suppressed count');
  });

  it('draws shares as bars with the counts written beside them', () => {
    const chart: BarChart = { kind: 'bars', title: 'Prediction', description: 'd', xLabel: 'share denied', yLabel: 'rule', bars: [{ label: 'frequency.too-soon', value: 0.75, note: '3 of 4 denied' }, { label: 'codes.unlisted', value: null, note: '0 of 0 denied' }] };
    const svg = renderChartSvg(chart, { idPrefix: 'p' });
    expect(svg).toContain('>75 % (3 of 4 denied)</text>');
    expect(svg).toContain('>n/a (0 of 0 denied)</text>');
    expect(svg).toContain('<title>frequency.too-soon: 75 % (3 of 4 denied)</title>');
    expect(svg).toContain('>100 %</text>');
  });
});

describe('monthsBetween', () => {
  it('lists every calendar month, across a year end', () => {
    expect(monthsBetween('2025-11-30', '2026-02-01')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-03-10', '2026-03-31')).toEqual(['2026-03']);
    expect(monthsBetween('2026-04-01', '2026-03-31')).toEqual([]);
  });
});

describe('renderChartSvg heading', () => {
  it('draws the title as text by default, and leaves it to the page when asked', () => {
    const chart: BarChart = { kind: 'bars', title: 'Shares', description: 'd', xLabel: 'x', yLabel: 'y', bars: [{ label: 'a', value: 0.5, note: '1 of 2' }] };
    expect(renderChartSvg(chart)).toContain('font-weight="bold">Shares</text>');
    const bare = renderChartSvg(chart, { heading: false });
    expect(bare).not.toContain('>Shares</text>');
    expect(bare).toContain('>Shares</title>');
  });
});
