/** check() with only some rule families: the same findings in those families, every other family unchecked. */
import { describe, expect, it } from 'vitest';
import { makeEncounters } from '../bench/encounters.js';
import type { Result } from '../src/contract/result.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { FAMILIES, RULES, type Family } from '../src/rules/catalogue.js';
import { check } from '../src/engine/check.js';
import { FamilySelection } from '../src/engine/families.js';
import { parseEncounter } from '../src/engine/validate.js';

const knowledge = loadKnowledge();

/** The parts of a result that belong to some families, as JSON text to compare. */
function partOf(result: Result, families: ReadonlySet<string>): string {
  return JSON.stringify({
    findings: result.findings.filter((f) => families.has(RULES[f.rule as keyof typeof RULES].family)),
    checked: result.checked.filter((c) => families.has(c.family)),
    unchecked: result.unchecked.filter((u) => families.has(u.family)),
  });
}

const SELECTIONS: Family[][] = [['pairs', 'units', 'modifiers', 'frequency'], ['selection'], ['coverage', 'diagnoses'], ['documentation', 'payer', 'indications']];

describe('check() with only some rule families', () => {
  const mix = makeEncounters(1_000, 20260122).map((raw: unknown) => {
    const parsed = parseEncounter(raw);
    if (!parsed.ok) throw new Error('invalid generated encounter');
    return parsed.encounter;
  });

  for (const families of SELECTIONS) {
    it(`runs ${families.join(', ')} exactly as a full check does, and reports every other family as not run`, () => {
      const selection = new FamilySelection(families);
      const chosen = new Set<string>(families);
      const others = FAMILIES.filter((f) => !chosen.has(f));
      for (const encounter of mix) {
        const full = check(encounter, knowledge);
        const partial = check(encounter, knowledge, { families: selection });
        expect(partOf(partial, chosen), encounter.id).toBe(partOf(full, chosen));
        expect(partial.recommended).toEqual(full.recommended);
        expect(partial.findings.every((f) => chosen.has(RULES[f.rule as keyof typeof RULES].family))).toBe(true);
        expect(partial.checked.every((c) => chosen.has(c.family))).toBe(true);
        expect(partial.unchecked.filter((u) => !chosen.has(u.family))).toEqual(others.map((family) => ({ family, reason: selection.reason })));
        expect(partial.verdict).not.toBe('clean');
        if (full.verdict === 'reject') expect(['review', 'reject']).toContain(partial.verdict);
      }
    });
  }

  it('never gives clean when a family is left out, even for an encounter that is clean in full', () => {
    const clean = mix.find((e) => check(e, knowledge).verdict === 'clean');
    expect(clean).toBeDefined();
    const partial = check(clean!, knowledge, { families: new FamilySelection(FAMILIES.filter((f) => f !== 'documentation')) });
    expect(partial.verdict).toBe('review');
    expect(partial.unchecked).toEqual([{ family: 'documentation', reason: 'not run: only selection, codes, modifiers, pairs, units, diagnoses, pointers, coverage, frequency, indications, payer, providers were asked for' }]);
  });

  it('gives the full check when every family is asked for', () => {
    const all = new FamilySelection(FAMILIES);
    for (const encounter of mix.slice(0, 200)) expect(JSON.stringify(check(encounter, knowledge, { families: all }))).toBe(JSON.stringify(check(encounter, knowledge)));
  });
});
