/** extract(): evidence spans always point into the original text, hostile input is bounded, negation holds. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { CUES, CueWords, extract } from './extract.js';
import { ReportFacts } from './facts.js';
import { normalizeReport, sentencesOf, sentencesWith, spanOf } from './text.js';

function everyEvidence(value: unknown, visit: (e: { start: number; end: number; text: string }) => void): void {
  if (Array.isArray(value)) for (const v of value) everyEvidence(v, visit);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.start === 'number' && typeof o.end === 'number' && typeof o.text === 'string') visit(o as { start: number; end: number; text: string });
    for (const v of Object.values(o)) everyEvidence(v, visit);
  }
}

const pieces = ['DXA', 'VFA', 'T-score', '-2.6', 'L1-L4', 'Left Femoral Neck', '0.812', 'no fracture', 'T12', 'grade 2', 'wedge', 'not performed', '\\.br\\', '\\T\\', '\n', '  ', '|', ':', '.', 'IMPRESSION:', 'osteoporosis', 'ordered', 'prednisone 5 mg for 4 months', '02/10/2026', 'Electronically signed by A B, MD on 02/10/2026', 'lost 2 inches', '\r\n'];

describe('extract', () => {
  it('returns schema-valid facts whose evidence is the original text at its offsets', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 8 })), { maxLength: 60 }), (parts) => {
        const text = parts.join(' ');
        const facts = extract(text);
        ReportFacts.parse(facts);
        everyEvidence(facts, (e) => {
          expect(e.start).toBeLessThanOrEqual(e.end);
          expect(text.slice(e.start, e.end)).toBe(e.text);
        });
        expect(JSON.stringify(extract(text))).toBe(JSON.stringify(facts));
      }),
      { numRuns: 1500, seed: 42 },
    );
  });

  it('maps HL7 escapes back to the original offsets', () => {
    const text = 'IMPRESSION: Osteoporosis.\\.br\\L1-L4 T-score -2.6\\.br\\Electronically signed by Ann Lee, MD on 02/10/2026';
    const report = normalizeReport(text);
    expect(report.text).toContain('\nL1-L4 T-score -2.6\n');
    const facts = extract(text);
    expect(facts.results[0]).toMatchObject({ site: 'lumbar-spine', measure: 't-score', value: -2.6 });
    expect(text.slice(facts.results[0]!.evidence.start, facts.results[0]!.evidence.end)).toBe(facts.results[0]!.evidence.text);
    const whole = spanOf(report, 0, report.text.length);
    expect(whole.text).toBe(text);
  });

  it('keeps orders, outside studies, other imaging and cancelled studies out of the performed studies', () => {
    const notes = [
      'Assessment: postmenopausal osteopenia. Plan: DXA bone density ordered; repeat DXA in 2 years.',
      'BMD was measured at an outside facility in 2024 (T-score -2.1); records requested.',
      'MRI LUMBAR SPINE WITHOUT CONTRAST\nFINDINGS: Mild compression fracture of L1. Osteopenia.',
      'DXA BONE DENSITY: patient did not arrive; study not performed.',
      'DXA of the spine and left hip was performed. L1-L4 T-score -1.2. VFA was not performed.',
    ];
    expect(notes.slice(0, 4).map((n) => extract(n).studies)).toEqual([[], [], [], []]);
    expect(extract(notes[4]!).studies.map((s) => s.procedure)).toEqual(['dxa-axial']);
    expect(extract(notes[4]!).notPerformed.map((n) => `${n.procedure}:${n.reason}`)).toContain('vfa:negated');
  });

  it('stays linear on hostile input of a million characters', () => {
    const hostile = [
      'a  b  '.repeat(170_000),
      `VFA fracture ${'T12 and '.repeat(120_000)}`,
      `LSC ${'not '.repeat(240_000)}`,
      'left femoral neck T-score -2.1 '.repeat(32_000),
      '|'.repeat(1_000_000),
      '\\.br\\'.repeat(200_000),
    ];
    for (const text of hostile) {
      const facts = extract(text);
      expect(facts.studies.length).toBeLessThan(5);
    }
  }, 60_000);

  it('skips a cue only for a report none of whose sentences its pattern matches (the cue words are complete)', () => {
    // One phrase per alternative of each cue's pattern, in mixed case and wrapped across lines.
    const phrases = [
      'Vertebral Fracture\nAssessment', 'VFA', 'lateral vertebral fracture assessments', 'LVA', 'Instant Vertebral Assessment', 'IVA', 'dual-energy vertebral assessment', 'DVA',
      'lateral spine imaging by DXA', 'Lateral thoracolumbar DXA images of the spine were acquired on the\ndensitometer',
      'prior DXA of 2022 showed', 'Most recent\nstudy dated', 'baseline scan: normal', 'DXA 8 months ago', 'scan last year', 'bone density report from Summit', 'compare with her DXA', 'Earlier exam in 2019',
      'previous study was normal', 'Prior DXA showed', 'earlier scan demonstrated', 'last exam', 'most recent densitometry',
      'compared to', 'Compared with', 'comparison is made with', 'comparison to',
      'total-body body composition', 'Body Composition', 'least significant\nchange', 'LSC', '3.2%', 'Change', 'osteoporosis', 'Osteoporotic', 'osteopenia', 'osteopenic', 'low bone\nmass', 'Low Bone Density',
    ];
    const corpus = ['reports', 'held-out', 'outside'].flatMap((dir) => {
      const folder = new URL(`../../corpus/${dir}/`, import.meta.url);
      return readdirSync(folder).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(new URL(f, folder), 'utf8'));
    });
    const check = (text: string) => {
      const report = normalizeReport(text);
      const named = new CueWords(report.text);
      const sentences = sentencesOf(report);
      for (const [cue, { pattern }] of Object.entries(CUES)) {
        const once = new RegExp(pattern.source, pattern.flags.replace('g', ''));
        if (sentences.some((s) => once.test(s.text))) expect({ cue, text, named: named.names(cue as keyof typeof CUES) }).toEqual({ cue, text, named: true });
      }
    };
    let matched = 0;
    for (const phrase of phrases) {
      check(phrase);
      check(`Note. ${phrase.toUpperCase()} here.`);
      if (Object.values(CUES).some(({ pattern }) => new RegExp(pattern.source, pattern.flags.replace('g', '')).test(phrase.replaceAll('\n', ' ')))) matched++;
    }
    expect(matched).toBe(phrases.length);
    for (const text of corpus) check(text);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...phrases, ...pieces), fc.string({ maxLength: 8 })), { maxLength: 30 }), (parts) => check(parts.join(' '))),
      { numRuns: 500, seed: 7 },
    );
  });

  it('finds the sentences with a letters-only pattern in one scan as a test of each sentence would', () => {
    const letters = /report|read|loss|fractur|sign|predni/gi;
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces, 'Report', 'reads.', 'LOSS;', 'sign-off', 'readreport', 'a. Sign', '\\.br\\Read'), fc.string({ maxLength: 8 })), { maxLength: 40 }), (parts) => {
        const report = normalizeReport(parts.join(parts.length % 2 === 0 ? ' ' : ''));
        const sentences = sentencesOf(report);
        const once = new RegExp(letters.source, 'i');
        const expected = sentences.map((s) => once.test(s.text));
        expect(sentencesWith(report, sentences, letters) ?? sentences.map(() => false)).toEqual(expected);
      }),
      { numRuns: 1000, seed: 11 },
    );
  });
});

