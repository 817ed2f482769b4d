/**
 * Report highlighting: the facts dxacode read from a report, marked in the report text by their evidence spans.
 * Spans may overlap or nest (a T-score inside a results row), so the text is cut at every span boundary and each
 * piece names all the facts that cover it.
 */
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

/** A field path as a coder reads it: `clinical.tScoreLowest` becomes `T-score lowest`, indexes counted from 1. */
export function fieldLabel(field: string): string {
  const words: Record<string, string> = {
    performed: 'Performed',
    diagnoses: 'Diagnosis',
    clinical: '',
    tScoreLowest: 'Lowest T-score',
    heightLossHistoricalCm: 'Historical height loss (cm)',
    heightLossProspectiveCm: 'Prospective height loss (cm)',
    glucocorticoidMgPerDay: 'Glucocorticoid dose (mg/day)',
    glucocorticoidMonths: 'Glucocorticoid duration (months)',
    selfReportedVertebralFracture: 'Self-reported vertebral fracture',
    estrogenDeficient: 'Estrogen deficient',
    primaryHyperparathyroidism: 'Primary hyperparathyroidism',
    vertebralAbnormalityOnXray: 'Vertebral abnormality on X-ray',
    monitoringOsteoporosisTherapy: 'Monitoring osteoporosis therapy',
    orderingProvider: 'Ordering provider',
    dateOfService: 'Date of service',
  };
  return field
    .split('.')
    .map((part) => {
      const m = /^([A-Za-z]+)(?:\[(\d+)\])?$/.exec(part);
      if (!m) return part;
      const name = m[1]!;
      const word = name in words ? words[name]! : name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
      return m[2] !== undefined ? `${word} ${Number(m[2]) + 1}` : word;
    })
    .filter(Boolean)
    .join(' · ');
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
