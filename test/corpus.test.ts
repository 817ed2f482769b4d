/**
 * The report corpora. corpus/reports (written by the team): every annotation must be matched exactly by extract()
 * and by the claim check() recommends. corpus/outside (laid out after public templates we did not write) and
 * corpus/held-out (written after the fixes for issue 13 §4, annotated before they were run): each scored separately, and
 * its precision and recall (over all facts, per fact type and for the codes) and the number of reports coded right
 * must not fall below the figures recorded in its figures.json. All figures are printed and written to
 * corpus/metrics.json so that regressions and over-eager extraction show. `UPDATE_CORPUS_FIGURES=1` rewrites the
 * figures.json files with today's figures (only ever to record an improvement).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { loadCorpus, scoreReport, Tally } from './corpus-scoring.js';

const knowledge = loadKnowledge();
const ours = loadCorpus(new URL('../corpus/reports/', import.meta.url).pathname);
const Figures = z.strictObject({
  reports: z.number(),
  codedRight: z.number(),
  perFactType: z.array(z.strictObject({ type: z.string(), expected: z.number(), precision: z.number(), recall: z.number(), falsePositives: z.number() })),
});
type Figures = z.infer<typeof Figures>;

const oursTally = new Tally();

function printable(rows: ReturnType<Tally['rows']>) {
  return rows.map((r) => ({ ...r, precision: r.precision.toFixed(3), recall: r.recall.toFixed(3) }));
}

describe('report corpus (written by the team)', () => {
  it('has a varied corpus', () => {
    expect(ours.length).toBeGreaterThanOrEqual(30);
  });

  for (const { name, annotation, text } of ours) {
    it(`${name}: ${annotation.description}`, () => {
      const score = scoreReport(annotation, text, knowledge, oursTally);
      expect(score.badEvidence).toEqual([]);
      if (annotation.expect.noStudies) expect(score.codes, 'a near miss produces no claim line').toEqual([]);
      if (score.missed.length > 0) console.log(`MISSED ${name}: ${score.missed.join(' | ')}`);
      expect(score.missed.join(' | '), `annotations not matched in ${name}`).toBe('');
    });
  }
});

/** Scores a corpus of reports not in our phrasing and holds it to the figures recorded in its figures.json. */
function scoredCorpus(title: string, folder: string, minimum: number): { today: () => Figures } {
  const reports = loadCorpus(new URL(`../corpus/${folder}/`, import.meta.url).pathname);
  const figures = new URL(`../corpus/${folder}/figures.json`, import.meta.url);
  const tally = new Tally();
  const missed = new Map<string, string[]>();
  let codedRight = 0;
  const today = (): Figures => ({ reports: reports.length, codedRight, perFactType: tally.rows() });
  describe(title, () => {
    it(`has at least ${minimum} reports, each naming its source`, () => {
      expect(reports.length).toBeGreaterThanOrEqual(minimum);
      for (const { annotation } of reports) expect(annotation.source).toMatch(/https?:\/\/|issue 13/);
    });

    for (const { name, annotation, text } of reports) {
      it(`${name}: evidence points into the text`, () => {
        const score = scoreReport(annotation, text, knowledge, tally);
        expect(score.badEvidence).toEqual([]);
        if (score.codedRight) codedRight++;
        missed.set(name, score.missed);
      });
    }

    it('keeps the recorded precision, recall and reports coded right', () => {
      for (const [name, lost] of missed) if (lost.length > 0) console.log(`${folder.toUpperCase()} ${name}: ${lost.join(' | ')}`);
      console.log(`${folder}: ${codedRight} of ${reports.length} reports coded right`);
      const now = today();
      console.table(printable(now.perFactType));
      if (process.env.UPDATE_CORPUS_FIGURES === '1') writeFileSync(figures, `${JSON.stringify(now, null, 2)}\n`);
      const recorded = Figures.parse(JSON.parse(readFileSync(figures, 'utf8')));
      const drops: string[] = [];
      if (now.codedRight < recorded.codedRight) drops.push(`reports coded right ${now.codedRight} < ${recorded.codedRight}`);
      for (const was of recorded.perFactType) {
        const row = now.perFactType.find((r) => r.type === was.type);
        if (!row) {
          drops.push(`${was.type}: no longer scored`);
          continue;
        }
        if (row.precision < was.precision - 1e-9) drops.push(`${was.type}: precision ${row.precision.toFixed(3)} < ${was.precision.toFixed(3)}`);
        if (row.recall < was.recall - 1e-9) drops.push(`${was.type}: recall ${row.recall.toFixed(3)} < ${was.recall.toFixed(3)}`);
      }
      expect(drops, `figures below those recorded in corpus/${folder}/figures.json`).toEqual([]);
    });
  });
  return { today };
}

const outside = scoredCorpus('second report corpus (after templates the team did not write)', 'outside', 30);
const heldOut = scoredCorpus('held-out reports (written after the fixes; their figures as found are in the README)', 'held-out', 10);

afterAll(() => {
  const first = oursTally.rows();
  if (first.length > 1) console.table(printable(first));
  writeFileSync(new URL('../corpus/metrics.json', import.meta.url), `${JSON.stringify({ reports: ours.length, perFactType: first, outside: outside.today(), heldOut: heldOut.today() }, null, 2)}\n`);
});
