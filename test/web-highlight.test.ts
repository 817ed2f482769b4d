/** The workbench page's pure helpers (no DOM): cutting a report at evidence spans, field labels, axis scales. */
import { describe, expect, it } from 'vitest';
import { niceScale } from '../src/plots/chart-svg.js';
import { factValue, fieldLabel, segmentReport } from '../src/web/app/highlight.js';
import { batchContentType } from '../src/web/app/batches.js';

const span = (start: number, end: number) => ({ evidence: { start, end, text: '' } });

describe('segmentReport', () => {
  it('cuts the text at every span boundary and names the facts covering each piece', () => {
    // "L1-L4 0.782 -2.6": a row (0-16) with a T-score (12-16) inside it.
    expect(segmentReport(20, [span(0, 16), span(12, 16)])).toEqual([
      { start: 0, end: 12, facts: [0] },
      { start: 12, end: 16, facts: [0, 1] },
      { start: 16, end: 20, facts: [] },
    ]);
  });

  it('merges neighbouring pieces with the same facts and ignores empty or out-of-range spans', () => {
    expect(segmentReport(10, [span(2, 4), span(4, 4), span(8, 50), span(60, 70)])).toEqual([
      { start: 0, end: 2, facts: [] },
      { start: 2, end: 4, facts: [0] },
      { start: 4, end: 8, facts: [] },
      { start: 8, end: 10, facts: [2] },
    ]);
  });

  it('covers the whole text exactly once', () => {
    const segments = segmentReport(100, [span(5, 40), span(10, 20), span(30, 60), span(90, 100)]);
    expect(segments[0]!.start).toBe(0);
    expect(segments.at(-1)!.end).toBe(100);
    segments.slice(1).forEach((s, i) => expect(s.start).toBe(segments[i]!.end));
  });
});

describe('labels', () => {
  it('reads field paths as a coder would', () => {
    expect(fieldLabel('clinical.tScoreLowest')).toBe('Lowest T-score');
    expect(fieldLabel('performed[1]')).toBe('Performed 2');
    expect(fieldLabel('diagnoses[0]')).toBe('Diagnosis 1');
    expect(factValue({ value: true })).toBe('yes');
  });

  it('chooses the batch content type by file ending', () => {
    expect(batchContentType('june.NDJSON')?.contentType).toBe('application/x-ndjson');
    expect(batchContentType('claims.837')?.contentType).toBe('application/edi-x12');
    expect(batchContentType('feed.hl7')?.contentType).toBe('application/hl7-v2');
    expect(batchContentType('notes.txt')).toBeUndefined();
  });
});

describe('niceScale', () => {
  it('ends the axis on 1, 2 or 5 times a power of ten, in whole steps', () => {
    expect(niceScale(0)).toEqual({ max: 1, step: 1 });
    expect(niceScale(3)).toEqual({ max: 3, step: 1 });
    expect(niceScale(47)).toEqual({ max: 50, step: 10 });
    expect(niceScale(1234)).toEqual({ max: 1500, step: 500 });
  });
});
