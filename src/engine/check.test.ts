/**
 * check() with only some rule families (src/engine/check.ts): each family left out is reported as not run, the
 * families asked for give what a full check gives them, and the recommended claim is built in full either way.
 * The encounter is a case of cases/cpt-code-selection.yaml: a global 77085 line for axial DXA with a VFA that was
 * not interpreted (selection.not-interpreted and modifier.component-missing, both errors).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Result } from '../contract/result.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import { FAMILIES, RULES } from '../rules/catalogue.js';
import { gradeMorphometry } from '../morphometry/grade.js';
import { check } from './check.js';
import { FamilySelection } from './families.js';
import { parseEncounterStrictly } from './validate.js';

const knowledge = loadKnowledge();
/** The case named below of cases/cpt-code-selection.yaml, its file's defaults under it, with an id. */
const file = parse(readFileSync(new URL('../../cases/cpt-code-selection.yaml', import.meta.url), 'utf8')) as { defaults: object; cases: { name: string; encounter: object }[] };
const globalLine = file.cases.find((c) => c.name === 'a global 77085 line for an axial study with an uninterpreted VFA lacks TC')!;
const parsed = parseEncounterStrictly({ ...file.defaults, ...globalLine.encounter, id: 'enc-1' });
if (!parsed.ok) throw new Error('invalid test encounter');
const encounter = parsed.encounter;
// Checked inside each test, not while the file is collected: a rule run at collection makes every mutant it reaches
// "static" to Stryker, which then runs it against every test of the mutation set (docs/mutation-testing.md).
const fullCheck = () => check(encounter, knowledge);
const familyOf = (rule: string) => RULES[rule as keyof typeof RULES].family;
const part = (result: Result, families: readonly string[]) => ({
  findings: result.findings.filter((f) => families.includes(familyOf(f.rule))),
  checked: result.checked.filter((c) => families.includes(c.family)),
  unchecked: result.unchecked.filter((u) => families.includes(u.family)),
});

describe('check() with only some rule families', () => {
  it('the full check: both errors, the recommended 77085-TC, the encounter id first', () => {
    const full = fullCheck();
    expect(full.verdict).toBe('reject');
    expect(full.findings.map((f) => `${f.rule}:${f.severity}`)).toEqual(expect.arrayContaining(['selection.not-interpreted:error', 'modifier.component-missing:error']));
    expect(Object.keys(full)[0]).toBe('id');
    expect(full.id).toBe('enc-1');
    expect(full.recommended.lines.map((l) => [l.code, ...l.modifiers].join('-'))).toEqual(['77085-TC']);
  });

  for (const families of [['selection'], ['modifiers', 'coverage', 'frequency'], ['pairs']] as const) {
    it(`runs ${families.join(', ')} as the full check does and reports every other family as not run`, () => {
      const selection = new FamilySelection(families);
      const full = fullCheck();
      const partial = check(encounter, knowledge, { families: selection });
      expect(part(partial, families)).toEqual(part(full, families));
      expect(partial.findings.every((f) => (families as readonly string[]).includes(familyOf(f.rule)))).toBe(true);
      expect(partial.unchecked.filter((u) => !(families as readonly string[]).includes(u.family))).toEqual(
        FAMILIES.filter((f) => !(families as readonly string[]).includes(f)).map((family) => ({ family, reason: selection.reason })),
      );
      expect(partial.recommended).toEqual(full.recommended);
      expect(partial.id).toBe('enc-1');
      // An error in a family that ran still rejects; with none, a partial check is at most a review.
      const rejects = partial.findings.some((f) => f.severity === 'error');
      expect(partial.verdict).toBe(rejects ? 'reject' : 'review');
    });
  }

  it('without the selection family, says nothing of what was performed, and without modifiers nothing of the missing TC', () => {
    const partial = check(encounter, knowledge, { families: new FamilySelection(['pairs', 'units']) });
    expect(partial.findings.map((f) => f.rule)).not.toContain('selection.not-interpreted');
    expect(partial.findings.map((f) => f.rule)).not.toContain('modifier.component-missing');
    expect(partial.verdict).toBe('review');
  });
});

describe('check() assembling the result', () => {
  const peripheral = { dateOfService: '2026-06-01', patient: { sex: 'female', age: 72 }, payer: 'medicare', jurisdiction: 'J15', orderingProvider: { treating: true }, diagnoses: ['M85.851', 'Z78.0'], clinical: { estrogenDeficient: true, tScoreLowest: -2.6 } };
  const valid = (raw: object) => {
    const result = parseEncounterStrictly(raw);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.encounter;
  };

  it('lists a reason a family gives for two lines once (two 77083 lines without an MUE: one units entry)', () => {
    const twoLines = valid({ ...peripheral, payer: 'aetna-cpb-0134', performed: [{ procedure: 'radiographic-absorptiometry', sites: ['finger'] }], claim: { lines: [{ code: '77083', diagnoses: ['M85.851'] }, { code: '77083', modifiers: ['76'], diagnoses: ['M85.851'] }] } });
    const result = check(twoLines, knowledge);
    expect(result.unchecked.filter((u) => u.family === 'units')).toEqual([{ family: 'units', reason: `no MUE value is known for 77083 (not in ${knowledge.mue.professional.info.label})` }]);
    // Entries of one family with different reasons, and of different families, all stay.
    expect(new Set(result.unchecked.map((u) => `${u.family}|${u.reason}`)).size).toBe(result.unchecked.length);
  });

  it('carries the graded morphometry into the result when heights are given, and no morphometry key otherwise', () => {
    const morphometry = [
      { level: 'T12', evaluable: true, anteriorMm: 17, middleMm: 23, posteriorMm: 25 },
      { level: 'L1', evaluable: true, anteriorMm: 26, middleMm: 25.5, posteriorMm: 26.5 },
    ];
    const vfa = valid({ ...peripheral, performed: [{ procedure: 'vfa' }], morphometry });
    const withHeights = check(vfa, knowledge);
    expect(withHeights.morphometry).toEqual(gradeMorphometry(vfa.morphometry!, undefined));
    // 17 mm anterior against 25 mm posterior: a wedge of 32 %, Genant grade 2 (cases/vfa-morphometry-genant.yaml).
    expect(withHeights.morphometry?.[0]).toMatchObject({ level: 'T12', grade: 2 });
    expect(check(valid({ ...peripheral, performed: [{ procedure: 'vfa' }] }), knowledge)).not.toHaveProperty('morphometry');
  });

  it("passes the history scope to the families: with only this organisation's studies and no history, the patient could not be matched", () => {
    const noHistory = valid({ ...peripheral, performed: [{ procedure: 'dxa-axial' }] });
    const frequency = (result: Result) => result.unchecked.filter((u) => u.family === 'frequency');
    expect(frequency(check(noHistory, knowledge))).toEqual([{ family: 'frequency', reason: '77080: no history was given, so the date of the last covered bone mass measurement is unknown' }]);
    expect(frequency(check(noHistory, knowledge, { historyScope: 'this-organization' }))).toEqual([
      {
        family: 'frequency',
        reason: "77080: no history was given and the patient has no medical record number or member id to match this organisation's stored studies by, so the date of the last covered bone mass measurement is unknown",
      },
    ]);
    expect(frequency(check(noHistory, knowledge, { historyScope: 'all-providers' }))).toEqual(frequency(check(noHistory, knowledge)));
  });
});
