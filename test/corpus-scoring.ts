/**
 * Scoring of an annotated report corpus (corpus/README.md gives the annotation format): each annotation is compared
 * with what extract() finds and with the claim check() recommends, counting true positives, misses and false
 * positives per fact type. Used for the team's corpus (every annotation must match) and the second corpus of
 * reports laid out after templates we did not write (its figures must not fall below those recorded).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { check } from '../src/engine/index.js';
import { extract } from '../src/extract/extract.js';
import type { ReportFacts } from '../src/extract/facts.js';
import type { Knowledge } from '../src/knowledge/compile.js';

const Value = z.strictObject({ site: z.string(), value: z.number() });
const CLINICAL_KEYS = ['estrogenDeficient', 'glucocorticoidName', 'glucocorticoidMgPerDay', 'glucocorticoidMonths', 'heightLossHistoricalCm', 'selfReportedVertebralFracture', 'knownFracture', 'primaryHyperparathyroidism', 'monitoringTherapy', 'priorStudyDate'] as const;

export const Annotation = z.strictObject({
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
    clinical: z.partialRecord(z.enum(CLINICAL_KEYS), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** Clinical facts the report negates (or gives to someone else): extracting one is a false positive. */
    clinicalAbsent: z.array(z.enum(CLINICAL_KEYS)).optional(),
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
export type Annotation = z.infer<typeof Annotation>;

/** True-positive, false-negative and false-positive counts. */
export interface Counts {
  tp: number;
  fn: number;
  fp: number;
}

/** Counts per fact type, added to as reports are scored. */
export class Tally {
  readonly byType = new Map<string, Counts>();

  count(type: string, tp: number, fn: number, fp: number): void {
    const t = this.byType.get(type) ?? { tp: 0, fn: 0, fp: 0 };
    t.tp += tp;
    t.fn += fn;
    t.fp += fp;
    this.byType.set(type, t);
  }

  /** Precision and recall per fact type, and over all fact types together (micro-averaged). */
  rows(): { type: string; expected: number; precision: number; recall: number; falsePositives: number }[] {
    const all: Counts = { tp: 0, fn: 0, fp: 0 };
    const row = (type: string, t: Counts) => ({ type, expected: t.tp + t.fn, precision: ratio(t.tp, t.tp + t.fp), recall: ratio(t.tp, t.tp + t.fn), falsePositives: t.fp });
    const rows = [...this.byType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, t]) => {
      all.tp += t.tp;
      all.fn += t.fn;
      all.fp += t.fp;
      return row(type, t);
    });
    return [row('(all facts)', all), ...rows];
  }
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}

/** One corpus directory's annotated reports, in name order. */
export function loadCorpus(dir: string): { name: string; annotation: Annotation; text: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.yaml$/, ''),
      annotation: Annotation.parse(parse(readFileSync(join(dir, f), 'utf8'))),
      text: readFileSync(join(dir, f.replace(/\.yaml$/, '.txt')), 'utf8'),
    }));
}

/** What scoring one report found: the annotations not matched, the codes recommended, and bad evidence spans. */
export interface ReportScore {
  missed: string[];
  codes: string[];
  codedRight: boolean;
  badEvidence: string[];
}

function clinicalValue(facts: ReportFacts, key: string): string | number | boolean | undefined {
  return (facts.clinical as Record<string, { value: string | number | boolean } | undefined>)[key]?.value;
}

/** Scores one report against its annotation, adding to `tally`. */
export function scoreReport(annotation: Annotation, text: string, knowledge: Knowledge, tally: Tally): ReportScore {
  const facts = extract(text);
  const want = annotation.expect;
  const missed: string[] = [];
  const note = (type: string, keys: string[]) => missed.push(...keys.map((k) => `${type}: ${k}`));
  const compare = (type: string, expected: string[] | undefined, extracted: string[]): string[] => {
    if (expected === undefined) return [];
    const lost = expected.filter((e) => !extracted.includes(e));
    const extra = extracted.filter((e) => !expected.includes(e));
    tally.count(type, expected.length - lost.length, lost.length, extra.length);
    return [...lost, ...extra.map((e) => `unexpected ${e}`)];
  };
  const scalar = (type: string, expected: string | number | boolean | undefined, extracted: string | number | boolean | undefined): string[] => {
    if (expected === undefined) {
      if (extracted === undefined) return [];
      tally.count(type, 0, 0, 1);
      return [`unexpected ${String(extracted)}`];
    }
    return compare(type, [String(expected)], extracted === undefined ? [] : [String(extracted)]);
  };

  const badEvidence = [...facts.results, ...facts.studies, ...facts.diagnoses].filter((e) => text.slice(e.evidence.start, e.evidence.end) !== e.evidence.text).map((e) => e.evidence.text);
  const studyKey = (s: { procedure: string; sites?: string[] }) => (s.procedure === 'vfa' ? 'vfa' : `${s.procedure}:${[...(s.sites ?? [])].sort().join(',')}`);
  note('studies', compare('studies', want.noStudies ? [] : (want.studies ?? []).map(studyKey), facts.studies.map(studyKey)));
  const values = (measure: string) => facts.results.filter((r) => r.measure === measure).map((r) => `${r.site}=${r.value}`);
  note('t-scores', compare('t-scores', want.tScores?.map((v) => `${v.site}=${v.value}`), values('t-score')));
  note('z-scores', compare('z-scores', want.zScores?.map((v) => `${v.site}=${v.value}`), values('z-score')));
  note('bmd', compare('bmd', want.bmd?.map((v) => `${v.site}=${v.value}`), values('bmd')));
  note('t-score lowest', scalar('t-score lowest', want.tScoreLowest, facts.tScoreLowest?.value));
  note('frax', compare('frax', want.frax ? Object.entries(want.frax).map(([k, v]) => `${k}=${v}`) : undefined, Object.entries(facts.frax).map(([k, v]) => `${k}=${v.value}`)));
  if (want.change) {
    note('change', compare('change', want.change.map((c) => `${c.percent}`), facts.changes.map((c) => `${c.percent}`)));
    for (const c of want.change) {
      const found = facts.changes.find((x) => x.percent === c.percent);
      if (found && c.significant !== undefined && found.significant !== c.significant) missed.push(`change: ${c.percent} significant=${c.significant}`);
      if (found && c.site !== undefined && found.site !== c.site) missed.push(`change: ${c.percent} site=${c.site}`);
    }
  }
  for (const [key, value] of Object.entries(want.clinical ?? {})) note(`clinical ${key}`, scalar(`clinical ${key}`, value, clinicalValue(facts, key)));
  for (const key of want.clinicalAbsent ?? []) note(`clinical ${key}`, scalar(`clinical ${key}`, undefined, clinicalValue(facts, key)));
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
  const codedRight = [...codes].sort().join(',') === [...want.codes].sort().join(',');
  return { missed, codes, codedRight, badEvidence };
}
