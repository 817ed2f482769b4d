/**
 * The report corpus (corpus/reports): every annotation must be matched exactly by extract() and by the claim
 * check() recommends from the report. Precision and recall per fact type are printed (and written to
 * corpus/metrics.json) so that regressions and over-eager extraction show.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { extract } from '../src/extract/extract.js';
import type { ReportFacts } from '../src/extract/facts.js';
import { check } from '../src/engine/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';

const DIR = new URL('../corpus/reports/', import.meta.url).pathname;
const knowledge = loadKnowledge();

const Value = z.strictObject({ site: z.string(), value: z.number() });
const Annotation = z.strictObject({
  description: z.string(),
  source: z.string(),
  dateOfService: z.string(),
  expect: z.strictObject({
    studies: z.array(z.strictObject({ procedure: z.string(), sites: z.array(z.string()).optional() })).optional(),
    noStudies: z.boolean().optional(),
    codes: z.array(z.string()),
    tScores: z.array(Value).optional(),
    zScores: z.array(Value).optional(),
    bmd: z.array(Value).optional(),
    tScoreLowest: z.number().optional(),
    frax: z.strictObject({ majorOsteoporotic: z.number().optional(), hip: z.number().optional() }).optional(),
    change: z.array(z.strictObject({ site: z.string().optional(), percent: z.number(), significant: z.boolean().optional() })).optional(),
    clinical: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    vfa: z
      .strictObject({
        levelsEvaluated: z.string().optional(),
        notEvaluable: z.array(z.string()).optional(),
        fractures: z.array(z.strictObject({ level: z.string(), grade: z.number().optional(), type: z.string().optional() })).optional(),
        noFracture: z.boolean().optional(),
        furtherImaging: z.boolean().optional(),
      })
      .optional(),
    people: z.strictObject({ orderingClinician: z.string().optional(), readingPhysician: z.string().optional(), signedDate: z.string().optional() }).optional(),
    comparisonDate: z.string().optional(),
    diagnoses: z.array(z.string()).optional(),
  }),
});

/** True-positive, false-negative and false-positive counts per fact type. */
const tally = new Map<string, { tp: number; fn: number; fp: number }>();
function count(type: string, tp: number, fn: number, fp: number): void {
  const t = tally.get(type) ?? { tp: 0, fn: 0, fp: 0 };
  t.tp += tp;
  t.fn += fn;
  t.fp += fp;
  tally.set(type, t);
}

/** Compares expected and extracted keys of one fact type; returns the missed expected keys. */
function compare(type: string, expected: string[] | undefined, extracted: string[]): string[] {
  if (expected === undefined) return [];
  const missed = expected.filter((e) => !extracted.includes(e));
  const extra = extracted.filter((e) => !expected.includes(e));
  count(type, expected.length - missed.length, missed.length, extra.length);
  return missed;
}

function scalar(type: string, expected: string | number | boolean | undefined, extracted: string | number | boolean | undefined): string[] {
  if (expected === undefined) {
    if (extracted !== undefined) count(type, 0, 0, 1);
    return [];
  }
  return compare(type, [String(expected)], extracted === undefined ? [] : [String(extracted)]);
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

function clinicalValue(facts: ReportFacts, key: string): string | number | boolean | undefined {
  const fact = (facts.clinical as Record<string, { value: string | number | boolean } | undefined>)[key];
  return fact?.value;
}

describe('report corpus', () => {
  it('has a varied corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  for (const file of files) {
    const annotation = Annotation.parse(parse(readFileSync(join(DIR, file), 'utf8')));
    const text = readFileSync(join(DIR, file.replace(/\.yaml$/, '.txt')), 'utf8');
    it(`${file.replace(/\.yaml$/, '')}: ${annotation.description}`, () => {
      const facts = extract(text);
      const want = annotation.expect;
      const missed: string[] = [];
      const note = (type: string, keys: string[]) => missed.push(...keys.map((k) => `${type}: ${k}`));

      for (const e of [...facts.results, ...facts.studies, ...facts.diagnoses]) {
        expect(text.slice(e.evidence.start, e.evidence.end)).toBe(e.evidence.text);
      }
      const studyKey = (s: { procedure: string; sites?: string[] }) => (s.procedure === 'vfa' ? 'vfa' : `${s.procedure}:${[...(s.sites ?? [])].sort().join(',')}`);
      note('studies', compare('studies', want.noStudies ? [] : (want.studies ?? []).map(studyKey), facts.studies.map(studyKey)));
      const values = (measure: string) => facts.results.filter((r) => r.measure === measure).map((r) => `${r.site}=${r.value}`);
      note('t-scores', compare('t-scores', want.tScores?.map((v) => `${v.site}=${v.value}`), values('t-score')));
      note('z-scores', compare('z-scores', want.zScores?.map((v) => `${v.site}=${v.value}`), values('z-score')));
      note('bmd', compare('bmd', want.bmd?.map((v) => `${v.site}=${v.value}`), values('bmd')));
      note('t-score lowest', scalar('t-score lowest', want.tScoreLowest, facts.tScoreLowest?.value));
      note('frax', compare('frax', want.frax ? Object.entries(want.frax).map(([k, v]) => `${k}=${v}`) : undefined, Object.entries(facts.frax).map(([k, v]) => `${k}=${v.value}`)));
      if (want.change) {
        const got = facts.changes.map((c) => `${c.percent}`);
        note('change', compare('change', want.change.map((c) => `${c.percent}`), got));
        for (const c of want.change) {
          const found = facts.changes.find((x) => x.percent === c.percent);
          if (found && c.significant !== undefined && found.significant !== c.significant) missed.push(`change: ${c.percent} significant=${c.significant}`);
          if (found && c.site !== undefined && found.site !== c.site) missed.push(`change: ${c.percent} site=${c.site}`);
        }
      }
      for (const [key, value] of Object.entries(want.clinical ?? {})) note(`clinical ${key}`, scalar(`clinical ${key}`, value, clinicalValue(facts, key)));
      if (want.vfa) {
        const v = facts.vfa;
        note('vfa levels', scalar('vfa levels', want.vfa.levelsEvaluated, v?.levelsEvaluated?.value));
        note('vfa not evaluable', compare('vfa not evaluable', want.vfa.notEvaluable, v?.notEvaluable.map((l) => l.value) ?? []));
        const fractureKey = (f: { level: string; grade?: number | undefined; type?: string | undefined }) => `${f.level}/${f.grade ?? '-'}/${f.type ?? '-'}`;
        note('vfa fractures', compare('vfa fractures', want.vfa.fractures?.map(fractureKey), v?.fractures.map(fractureKey) ?? []));
        if (want.vfa.noFracture !== undefined) note('vfa no fracture', scalar('vfa no fracture', want.vfa.noFracture ? true : undefined, v?.noFracture?.value));
        if (want.vfa.furtherImaging !== undefined) note('vfa further imaging', scalar('vfa further imaging', want.vfa.furtherImaging ? true : undefined, v?.furtherImaging?.value));
      }
      for (const [key, value] of Object.entries(want.people ?? {})) {
        const got = (facts.people as Record<string, { value: string } | undefined>)[key]?.value;
        note(`people ${key}`, scalar(`people ${key}`, value, got));
      }
      note('comparison date', scalar('comparison date', want.comparisonDate, facts.comparisonDate?.value));
      note('diagnoses', compare('diagnoses', want.noStudies ? [] : want.diagnoses, facts.diagnoses.map((d) => d.code)));

      const result = check({ dateOfService: annotation.dateOfService, patient: { sex: 'unknown' }, report: text, history: [] }, knowledge);
      const codes = result.recommended.lines.map((l) => l.code);
      note('codes', compare('codes', want.codes, codes));
      if (want.noStudies) expect(codes, 'a near miss produces no claim line').toEqual([]);

      if (missed.length > 0) console.log(`MISSED ${file}: ${missed.join(' | ')}`);
      expect(missed.join(' | '), `annotations not matched in ${file}`).toBe('');
    });
  }

  afterAll(() => {
    const rows = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, t]) => ({
      type,
      expected: t.tp + t.fn,
      precision: t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp),
      recall: t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn),
      falsePositives: t.fp,
    }));
    if (rows.length === 0) return;
    console.table(rows.map((r) => ({ ...r, precision: r.precision.toFixed(3), recall: r.recall.toFixed(3) })));
    writeFileSync(new URL('../corpus/metrics.json', import.meta.url), `${JSON.stringify({ reports: files.length, perFactType: rows }, null, 2)}\n`);
  });
});
