/**
 * The spine picture (issue 13 §2): well-formed SVG read by a real XML parser, accessible (role, title, description of
 * every level, a title per level), readable without colour (greys of rising darkness, words), and safe (a reason with
 * markup stays text).
 */
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import type { LevelHeights } from '../contract/encounter.js';
import { gradeMorphometry, renderSpineSvg, spineTable } from './index.js';

interface Element {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: Element[];
}

/** Parses SVG text into a tree with saxes (throws on any XML error). */
function parseSvg(text: string): Element {
  const parser = new SaxesParser({ xmlns: false });
  const root: Element = { name: '#root', attributes: {}, text: '', children: [] };
  const stack = [root];
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const element: Element = { name: tag.name, attributes: tag.attributes as Record<string, string>, text: '', children: [] };
    stack.at(-1)!.children.push(element);
    stack.push(element);
  });
  parser.on('text', (t) => {
    stack.at(-1)!.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(text).close();
  return root.children[0]!;
}

function all(element: Element, name: string): Element[] {
  return [...(element.name === name ? [element] : []), ...element.children.flatMap((c) => all(c, name))];
}

const heights: LevelHeights[] = [
  { level: 'T4', evaluable: false, reason: 'obscured <script>alert(1)</script> & "scapula"' },
  { level: 'T11', evaluable: true, anteriorMm: 22, middleMm: 21.5, posteriorMm: 22.5 },
  { level: 'T12', evaluable: true, anteriorMm: 16, middleMm: 22, posteriorMm: 23.5 },
  { level: 'L1', evaluable: true, anteriorMm: 24, middleMm: 23.5, posteriorMm: 25 },
  { level: 'L2', evaluable: true, anteriorMm: 25, middleMm: 17.5, posteriorMm: 26 },
  { level: 'L3', evaluable: true, anteriorMm: 14, middleMm: 14, posteriorMm: 14 },
  { level: 'L4', evaluable: true, anteriorMm: 26, middleMm: 25.5, posteriorMm: 27 },
];
const prior: LevelHeights[] = [
  { level: 'T12', evaluable: true, anteriorMm: 23, middleMm: 22, posteriorMm: 23.5 },
  { level: 'L2', evaluable: true, anteriorMm: 25, middleMm: 20, posteriorMm: 26 },
];

describe('the spine picture', () => {
  const levels = gradeMorphometry(heights, prior);
  const svg = parseSvg(renderSpineSvg(levels, heights, { title: 'VFA 2026-03-02', idPrefix: 'e42' }));

  it('is an image with a title and a description naming all 13 levels in words', () => {
    expect(svg.name).toBe('svg');
    expect(svg.attributes).toMatchObject({ role: 'img', 'aria-labelledby': 'e42-title e42-desc' });
    expect(all(svg, 'title')[0]).toMatchObject({ attributes: { id: 'e42-title' }, text: 'VFA 2026-03-02' });
    const desc = all(svg, 'desc')[0]!.text;
    for (const row of spineTable(levels)) expect(desc).toContain(`${row.level}: ${row.status}`);
    expect(desc).toContain('T5: not evaluated');
  });

  it('says what each level is, including new and worse since the prior study, in a title per level', () => {
    const titles = all(svg, 'g').map((g) => g.children.find((c) => c.name === 'title')?.text);
    expect(titles).toHaveLength(13);
    expect(titles).toContain('T12: grade 2 moderate wedge fracture, new since the prior study');
    expect(titles).toContain('L2: grade 2 moderate biconcave fracture, worse than at the prior study');
    expect(titles).toContain('L3: grade 3 severe crush fracture');
    expect(titles).toContain('L1: normal');
  });

  it('keeps a reason with markup as text (escaped, parsed back unchanged)', () => {
    expect(all(svg, 'script')).toEqual([]);
    expect(all(svg, 'desc')[0]!.text).toContain('T4: not evaluable: obscured <script>alert(1)</script> & "scapula"');
  });

  it('needs no colour: grades 0-3 are greys of strictly rising darkness, and a new fracture has a thicker outline', () => {
    const polygons = all(svg, 'polygon');
    const fillOf = (level: string) => all(svg, 'g').find((g) => g.children.some((c) => c.name === 'title' && c.text.startsWith(`${level}:`)))!.children.find((c) => c.name === 'polygon')!.attributes;
    const grey = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      expect(r).toBe(g);
      expect(g).toBe(b);
      return r!;
    };
    const darkness = [fillOf('L1'), fillOf('T12'), fillOf('L3')].map((a) => 255 - grey(a.fill!));
    expect(darkness[0]).toBeLessThan(darkness[1]!);
    expect(darkness[1]).toBeLessThan(darkness[2]!);
    expect(fillOf('T12')['stroke-width']).toBe('3');
    expect(fillOf('L2')['stroke-width']).toBe('1');
    expect(polygons).toHaveLength(6);
  });

  it('draws a level not evaluable as a hatched, dashed outline', () => {
    const t4 = all(svg, 'g').find((g) => g.children.some((c) => c.name === 'title' && c.text.startsWith('T4:')))!;
    expect(t4.children.find((c) => c.name === 'rect')?.attributes).toMatchObject({ fill: 'url(#e42-hatch)', 'stroke-dasharray': '4 3' });
  });
});
