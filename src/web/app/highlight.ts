/**
 * Report highlighting: the facts dxacode read from a report, marked in the report text by their evidence spans.
 * Spans may overlap or nest (a T-score inside a results row), so the text is cut at every span boundary and each
 * piece names all the facts that cover it.
 */
import { fieldLabel } from '../../contract/labels.js';
import { h } from './dom.js';
import type { FromReport } from './types.js';

/** A run of report text and the indexes of the facts whose evidence covers it (none for plain text). */
export interface Segment {
  start: number;
  end: number;
  facts: number[];
}

/** Cuts the text into runs at every evidence boundary; spans outside the text or empty are ignored. */
export function segmentReport(textLength: number, facts: readonly Pick<FromReport, 'evidence'>[]): Segment[] {
  const spans = facts
    .map((f, index) => ({ index, start: Math.max(0, Math.min(textLength, f.evidence.start)), end: Math.max(0, Math.min(textLength, f.evidence.end)) }))
    .filter((span) => span.end > span.start);
  const cuts = new Set<number>([0, textLength]);
  for (const span of spans) {
    cuts.add(span.start);
    cuts.add(span.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    const covering = spans.filter((span) => span.start <= start && span.end >= end).map((span) => span.index);
    const last = segments.at(-1);
    // Neighbouring runs with the same facts read as one mark.
    if (last && last.end === start && sameMembers(last.facts, covering)) last.end = end;
    else segments.push({ start, end, facts: covering });
  }
  return segments;
}

function sameMembers(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A fact's value as text. */
export function factValue(fact: Pick<FromReport, 'value'>): string {
  return typeof fact.value === 'boolean' ? (fact.value ? 'yes' : 'no') : String(fact.value);
}

/** The report as DOM: plain text nodes and <mark> elements whose title names the facts they show. */
export function renderHighlightedReport(text: string, facts: readonly FromReport[]): HTMLElement {
  const pre = h('pre', { class: 'report-text', tabindex: '0', 'aria-label': 'Report text with extracted facts marked' });
  const seen = new Set<number>();
  for (const segment of segmentReport(text.length, facts)) {
    const piece = text.slice(segment.start, segment.end);
    if (segment.facts.length === 0) {
      pre.appendChild(document.createTextNode(piece));
      continue;
    }
    const covering = segment.facts.map((i) => facts[i]!);
    const title = covering.map((f) => `${fieldLabel(f.field)}: ${factValue(f)}${f.suggestion ? ' (suggested)' : ''}`).join('\n');
    const mark = h('mark', { title, class: covering.every((f) => f.suggestion) ? 'mark-suggestion' : null, 'data-fields': covering.map((f) => f.field).join(' ') }, piece);
    const starting = segment.facts.filter((i) => !seen.has(i));
    if (starting.length > 0) {
      // The fact list scrolls to where each fact's evidence begins.
      mark.dataset.first = starting.join(' ');
      mark.tabIndex = -1;
      for (const i of starting) seen.add(i);
    }
    pre.appendChild(mark);
  }
  return pre;
}

/** A field path as a coder reads it (the one label table of src/contract/labels.ts). */
export { fieldLabel };
