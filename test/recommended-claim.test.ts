/**
 * The recommended claim is the best claim that can be submitted (issue 10 §4): submitted as it stands, with the
 * diagnoses it carries, dxacode must not reject it for a reason a coder could fix on the claim (a code, a modifier, a
 * pair, units, diagnosis codes or pointers, a liability modifier). What only documentation, the payer or the patient's
 * history can change (frequency, coverage, a missing diagnosis) may still reject it: those lines carry the liability
 * modifiers instead, which the liability rules check.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { makeEncounters } from '../bench/encounters.js';
import { check, parseEncounter } from '../src/engine/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import type { Result } from '../src/contract/result.js';

const knowledge = loadKnowledge();

/** Rule ids whose error a coder fixes on the claim itself: the recommended claim must never carry one. */
const CODER_FIXABLE = new Set([
  'code.not-in-hcpcs', 'code.deleted', 'code.not-yet-valid', 'code.not-vfa',
  'modifier.exclusive', 'modifier.requires', 'modifier.component-missing', 'modifier.component-mismatch', 'modifier.no-split',
  'modifier.duplicate-line', 'modifier.too-many', 'modifier.not-yet-valid',
  'pair.combined-code', 'pair.contained', 'pair.mutually-exclusive', 'pair.bypass-not-allowed', 'pair.same-category',
  'units.over-mue', 'units.over-mue-date',
  'dx.invalid', 'dx.not-billable', 'dx.seventh-character', 'dx.excludes1', 'dx.too-many', 'dx.sequencing',
  'pointer.missing', 'pointer.too-many',
  'liability.ga-missing', 'liability.ga-without-abn', 'liability.gy-missing', 'liability.gz',
  // From 2020-07-01 the CWF takes XU on the line Transmittal 10193 names; before then the duplicate denies whatever
  // the modifier, and the recommended line carries GZ or GA instead.
  'medicare.bmm-same-day-duplicate',
  'selection.not-documented', 'selection.not-interpreted',
]);

/** The encounter with its recommended claim submitted: the recommended lines, and the diagnoses the claim carries. */
function resubmitted(raw: Record<string, unknown>, result: Result): unknown {
  return { ...raw, diagnoses: result.recommended.diagnoses, claim: { lines: result.recommended.lines } };
}

/** The coder-fixable errors dxacode reports on an encounter's own recommended claim. */
function fixableErrorsOnRecommended(raw: Record<string, unknown>): string[] {
  const first = parseEncounter(raw);
  if (!first.ok) throw new Error(`invalid encounter: ${JSON.stringify(first.problems)}`);
  const result = check(first.encounter, knowledge);
  if (result.recommended.lines.length === 0) return [];
  const again = parseEncounter(resubmitted(raw, result));
  if (!again.ok) return [`unusable: ${JSON.stringify(again.problems)}`];
  return check(again.encounter, knowledge)
    // A line can point to no diagnosis when none that is valid is documented: the documentation decides that.
    .findings.filter((f) => f.severity === 'error' && CODER_FIXABLE.has(f.rule))
    .filter((f) => !(f.rule === 'pointer.missing' && result.recommended.diagnoses.length === 0))
    .filter((f) => !(f.rule === 'medicare.bmm-same-day-duplicate' && first.encounter.dateOfService < knowledge.medicare.sameDay.cwfEdit.xuAcceptedFrom))
    .map((f) => `${f.rule}: ${f.message}`);
}

describe('the recommended claim is the best claim', () => {
  it('over 5,000 encounters of the benchmark mix, no recommended claim has an error a coder could fix', () => {
    const failures: string[] = [];
    for (const raw of makeEncounters(5_000, 20261206) as Record<string, unknown>[]) {
      for (const error of fixableErrorsOnRecommended(raw)) failures.push(`${String(raw['id'])}: ${error}`);
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('over every case file encounter, no recommended claim has an error a coder could fix', () => {
    const dir = new URL('../cases/', import.meta.url).pathname;
    const failures: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const doc = parse(readFileSync(dir + file, 'utf8')) as { defaults?: Record<string, unknown>; cases: { name: string; encounter: Record<string, unknown>; expect: { invalid?: unknown } }[] };
      for (const c of doc.cases) {
        if (c.expect.invalid) continue;
        const raw = { ...doc.defaults, ...c.encounter };
        if (!parseEncounter(raw).ok) continue;
        for (const error of fixableErrorsOnRecommended(raw)) failures.push(`${file} "${c.name}": ${error}`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });
});
