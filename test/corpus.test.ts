/**
 * The report corpora. corpus/reports (written by the team): every annotation must be matched exactly by extract()
 * and by the claim check() recommends. corpus/outside (laid out after public templates we did not write): scored
 * separately, and its precision and recall (over all facts, per fact type and for the codes) and the number of
 * reports coded right must not fall below the figures recorded in corpus/outside/figures.json. Both corpora's
 * figures are printed and written to corpus/metrics.json so that regressions and over-eager extraction show.
 * `UPDATE_CORPUS_FIGURES=1` rewrites figures.json with today's figures (only ever to record an improvement).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { loadCorpus, scoreReport, Tally } from './corpus-scoring.js';

const knowledge = loadKnowledge();
const ours = loadCorpus(new URL('../corpus/reports/', import.meta.url).pathname);
const outside = loadCorpus(new URL('../corpus/outside/', import.meta.url).pathname);
const FIGURES = new URL('../corpus/outside/figures.json', import.meta.url);
const Figures = z.strictObject({
  reports: z.number(),
  codedRight: z.number(),
  perFactType: z.array(z.strictObject({ type: z.string(), expected: z.number(), precision: z.number(), recall: z.number(), falsePositives: z.number() })),
});

const oursTally = new Tally();
const outsideTally = new Tally();
const outsideMissed = new Map<string, string[]>();
let outsideCodedRight = 0;

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

describe('second report corpus (after templates the team did not write)', () => {
  it('has at least 30 reports, each naming its source', () => {
    expect(outside.length).toBeGreaterThanOrEqual(30);
    for (const { annotation } of outside) expect(annotation.source).toMatch(/https?:\/\/|issue 13/);
  });

  for (const { name, annotation, text } of outside) {
    it(`${name}: evidence points into the text`, () => {
      const score = scoreReport(annotation, text, knowledge, outsideTally);
      expect(score.badEvidence).toEqual([]);
      if (score.codedRight) outsideCodedRight++;
      outsideMissed.set(name, score.missed);
    });
  }

  it('keeps the recorded precision, recall and reports coded right', () => {
    const rows = outsideTally.rows();
    for (const [name, missed] of outsideMissed) if (missed.length > 0) console.log(`OUTSIDE ${name}: ${missed.join(' | ')}`);
    console.log(`second corpus: ${outsideCodedRight} of ${outside.length} reports coded right`);
    console.table(printable(rows));
    const today = { reports: outside.length, codedRight: outsideCodedRight, perFactType: rows };
    if (process.env.UPDATE_CORPUS_FIGURES === '1') writeFileSync(FIGURES, `${JSON.stringify(today, null, 2)}\n`);
    const recorded = Figures.parse(JSON.parse(readFileSync(FIGURES, 'utf8')));
    const drops: string[] = [];
    if (today.codedRight < recorded.codedRight) drops.push(`reports coded right ${today.codedRight} < ${recorded.codedRight}`);
    for (const was of recorded.perFactType) {
      const now = rows.find((r) => r.type === was.type);
      if (!now) {
        drops.push(`${was.type}: no longer scored`);
        continue;
      }
      if (now.precision < was.precision - 1e-9) drops.push(`${was.type}: precision ${now.precision.toFixed(3)} < ${was.precision.toFixed(3)}`);
      if (now.recall < was.recall - 1e-9) drops.push(`${was.type}: recall ${now.recall.toFixed(3)} < ${was.recall.toFixed(3)}`);
    }
    expect(drops, 'figures below those recorded in corpus/outside/figures.json').toEqual([]);
  });
});

afterAll(() => {
  const first = oursTally.rows();
  const second = outsideTally.rows();
  if (first.length > 1) console.table(printable(first));
  writeFileSync(
    new URL('../corpus/metrics.json', import.meta.url),
    `${JSON.stringify({ reports: ours.length, perFactType: first, outside: { reports: outside.length, codedRight: outsideCodedRight, perFactType: second } }, null, 2)}\n`,
  );
});
