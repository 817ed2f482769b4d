/**
 * Runs every case file in cases/: each case is an encounter with the expected verdict, findings, recommended
 * claim and unchecked families, named after and citing its source. Negative cases sit beside positive ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { check, parseEncounter } from '../src/engine/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { RULES } from '../src/rules/catalogue.js';
import { Result } from '../src/contract/result.js';

const CASES_DIR = new URL('../cases/', import.meta.url).pathname;

const Expect = z.strictObject({
  verdict: z.enum(['clean', 'review', 'reject']).optional(),
  /** Rule ids that must appear (a rule id, or `rule@line` for the submitted line index, or `rule:severity`). */
  findings: z.array(z.string()).optional(),
  /** Rule ids that must not appear. */
  notFindings: z.array(z.string()).optional(),
  /** The recommended lines as `CODE[-MOD...]`, in order. */
  recommended: z.array(z.string()).optional(),
  /** Each recommended line's diagnoses, in order. */
  recommendedPointers: z.array(z.array(z.string())).optional(),
  recommendedDiagnoses: z.array(z.string()).optional(),
  /** Families that must appear in `unchecked`. */
  unchecked: z.array(z.string()).optional(),
  /** Families that must not appear in `unchecked`. */
  notUnchecked: z.array(z.string()).optional(),
  /** Substrings that must appear in the message of the named finding: { rule: text }. */
  messages: z.record(z.string(), z.string()).optional(),
  /**
   * Params a finding must carry: { rule (or rule@line): { name: value } }; some finding of the rule has at least
   * these params with these values.
   */
  params: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** The path a finding must carry: { rule (or rule@line): path }; some finding of the rule points there. */
  paths: z.record(z.string(), z.string()).optional(),
  /** Substrings that must appear in the fix of the named finding: { rule: text }. */
  fixes: z.record(z.string(), z.string()).optional(),
  /** Encounter fields that must be filled from the report (`fromReport[].field`). */
  fromReport: z.array(z.string()).optional(),
  /** Encounter fields that must not be filled from the report. */
  notFromReport: z.array(z.string()).optional(),
  /** The encounter is unusable input: fields that must be named. */
  invalid: z.array(z.string()).optional(),
});

const CaseFile = z.strictObject({
  title: z.string().min(1),
  citation: z.string().min(1),
  defaults: z.record(z.string(), z.unknown()).optional(),
  cases: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        description: z.string().optional(),
        citation: z.string().optional(),
        encounter: z.record(z.string(), z.unknown()),
        expect: Expect,
      }),
    )
    .min(1),
});

const knowledge = loadKnowledge();
const files = readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml')).sort();

function lineText(line: { code: string; modifiers: string[] }): string {
  return [line.code, ...line.modifiers].join('-');
}

function matches(finding: { rule: string; line?: number; severity: string }, spec: string): boolean {
  const [ruleAndLine, severity] = spec.split(':');
  const [rule, line] = (ruleAndLine ?? '').split('@');
  return finding.rule === rule && (line === undefined || finding.line === Number(line)) && (severity === undefined || finding.severity === severity);
}

it('finds case files', () => {
  expect(files.length).toBeGreaterThan(5);
});

for (const file of files) {
  const data = CaseFile.parse(parse(readFileSync(join(CASES_DIR, file), 'utf8')));
  describe(`${file}: ${data.title}`, () => {
    for (const testCase of data.cases) {
      it(testCase.name, () => {
        const raw: Record<string, unknown> & { report?: string } = { ...(data.defaults ?? {}), ...testCase.encounter };
        const parsed = parseEncounter(JSON.parse(JSON.stringify(raw)));
        const want = testCase.expect;
        if (want.invalid) {
          expect(parsed.ok).toBe(false);
          if (!parsed.ok) {
            const fields = parsed.problems.map((p) => p.field);
            for (const field of want.invalid) expect(fields, JSON.stringify(parsed.problems)).toContain(field);
          }
          return;
        }
        if (!parsed.ok) throw new Error(`case encounter is invalid: ${JSON.stringify(parsed.problems)}`);
        const result = check(parsed.encounter, knowledge);
        expect(() => Result.parse(result)).not.toThrow();
        const summary = JSON.stringify({ verdict: result.verdict, findings: result.findings.map((f) => `${f.rule}@${f.line ?? '-'}:${f.severity}`), recommended: result.recommended, unchecked: result.unchecked.map((u) => u.family) });
        for (const f of result.findings) expect(RULES, `rule ${f.rule} is catalogued`).toHaveProperty([f.rule]);
        if (want.verdict) expect(result.verdict, summary).toBe(want.verdict);
        for (const spec of want.findings ?? []) expect(result.findings.some((f) => matches(f, spec)), `expected ${spec} in ${summary}`).toBe(true);
        for (const spec of want.notFindings ?? []) expect(result.findings.some((f) => matches(f, spec)), `did not expect ${spec} in ${summary}`).toBe(false);
        if (want.recommended) expect(result.recommended.lines.map(lineText), summary).toEqual(want.recommended);
        if (want.recommendedPointers) expect(result.recommended.lines.map((l) => l.diagnoses), summary).toEqual(want.recommendedPointers);
        if (want.recommendedDiagnoses) expect(result.recommended.diagnoses, summary).toEqual(want.recommendedDiagnoses);
        const uncheckedFamilies = result.unchecked.map((u) => u.family);
        for (const family of want.unchecked ?? []) expect(uncheckedFamilies, summary).toContain(family);
        for (const family of want.notUnchecked ?? []) expect(uncheckedFamilies, summary).not.toContain(family);
        for (const [rule, text] of Object.entries(want.messages ?? {})) {
          const finding = result.findings.find((f) => f.rule === rule);
          expect(finding?.message ?? '', summary).toContain(text);
        }
        const filled = (result.fromReport ?? []).map((f) => f.field);
        for (const field of want.fromReport ?? []) expect(filled, summary).toContain(field);
        for (const field of want.notFromReport ?? []) expect(filled, summary).not.toContain(field);
        for (const f of result.fromReport ?? []) expect(raw.report?.slice(f.evidence.start, f.evidence.end)).toBe(f.evidence.text);
        for (const [spec, params] of Object.entries(want.params ?? {})) {
          const found = result.findings.filter((f) => matches(f, spec));
          expect(found.length, `expected ${spec} in ${summary}`).toBeGreaterThan(0);
          expect(found.map((f) => f.params), `params of ${spec}`).toContainEqual(expect.objectContaining(params));
        }
        for (const [spec, path] of Object.entries(want.paths ?? {})) {
          expect(result.findings.filter((f) => matches(f, spec)).map((f) => f.path), `path of ${spec} in ${summary}`).toContain(path);
        }
        for (const [rule, text] of Object.entries(want.fixes ?? {})) {
          const finding = result.findings.find((f) => f.rule === rule);
          expect(finding?.fix ?? '', summary).toContain(text);
        }
      });
    }
  });
}
