/**
 * code() (src/engine/recommend.ts) compared whole: lines, diagnoses, selected codes with the performed entry each
 * bills, lines left off and technical-only codes. The cases in cases/ compare the recommended lines, pointers and
 * diagnoses of check()'s result; these add what a case cannot name (`selectedFrom`, `linesFrom`, `leftOff`) and the
 * diagnoses whose validity dxacode cannot check on the date of service, which the recommended claim keeps (issue 10
 * §4: the best claim that can be submitted, never one dxacode itself rejects) and points to after the billable ones.
 */
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../io/knowledge-files.js';
import { check } from './check.js';
import { normalizeEncounter } from './normalize.js';
import { code, type CodedClaim } from './recommend.js';
import { parseEncounterStrictly } from './validate.js';

const knowledge = loadKnowledge();
/** A Medicare patient of category A in J15 (as the defaults of cases/claim-pointers.yaml). */
const base = {
  patient: { sex: 'female', age: 72 },
  payer: 'medicare',
  jurisdiction: 'J15',
  orderingProvider: { treating: true },
  clinical: { estrogenDeficient: true, tScoreLowest: -2.6 },
  history: [],
};

function parsed(raw: object) {
  const result = parseEncounterStrictly(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.encounter;
}

/** code() as check() calls it: the knowledge and payer pack in force on the date of service. */
function coded(raw: object): Omit<CodedClaim, 'assessments' | 'technicalOnlyCodes'> & { benefits: string[] | undefined; technicalOnlyCodes: string[] } {
  const input = normalizeEncounter(parsed(raw), knowledge.office);
  const k = knowledge.forDate(input.dateOfService);
  const lookup = k.packs.on(input.payer, input.dateOfService);
  const { assessments, technicalOnlyCodes, ...rest } = code(input, k, lookup.found === 'pack' ? lookup.pack.pack : undefined);
  return { ...rest, benefits: assessments?.map((a) => a.benefit), technicalOnlyCodes: [...technicalOnlyCodes] };
}

const axial77080 = (diagnoses: string[]) => ({ code: '77080', modifiers: [], units: 1, diagnoses });
/** The whole coded claim of one 77080 line billing performed[0], pointing to `pointers` of the claim's `diagnoses`. */
const one77080 = (pointers: string[], diagnoses: string[], benefits: string[] | undefined) => ({
  lines: [axial77080(pointers)],
  benefits,
  diagnoses,
  selectedCodes: ['77080'],
  selectedFrom: [0],
  linesFrom: [0],
  leftOff: [],
  technicalOnlyCodes: [],
});

describe('the recommended claim keeps diagnoses whose validity cannot be checked on the date', () => {
  it('before the loaded code set (2025-09-30): E55.1 and M81.1 stay in claim order, ranked after billable codes for the four pointers', () => {
    // The code set runs from 2025-10-01: E55.1 and M81.1 are not on it and are "outside" (not judged), Z79.899 and
    // E11.9 are billable but on no Medicare list, Z78.0 shows category A, M85.851 is on the NCD 150.3 list.
    const encounter = { ...base, dateOfService: '2025-09-30', performed: [{ procedure: 'dxa-axial' }], diagnoses: ['E55.1', 'Z79.899', 'M81.1', 'E11.9', 'Z78.0', 'M85.851'] };
    expect(coded(encounter)).toEqual(one77080(['Z79.899', 'E11.9', 'Z78.0', 'M85.851'], ['E55.1', 'Z79.899', 'M81.1', 'E11.9', 'Z78.0', 'M85.851'], ['bmm']));
    // The diagnoses family says it did not check them; nothing rejects the recommended claim.
    const result = check(parsed(encounter), knowledge);
    expect(result.verdict).toBe('review');
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(result.unchecked).toContainEqual({ family: 'diagnoses', reason: 'E55.1, M81.1 are not on the loaded ICD-10-CM list, whose period does not include 2025-09-30; validity not checked' });
  });

  it('before the April update (2026-03-02): E55.1 and R99.1, not on the update list, stay too, after billable codes', () => {
    const encounter = { ...base, dateOfService: '2026-03-02', performed: [{ procedure: 'dxa-axial' }], diagnoses: ['E55.1', 'Z79.899', 'R99.1', 'E11.9', 'Z78.0', 'M85.851'] };
    expect(coded(encounter)).toEqual(one77080(['Z79.899', 'E11.9', 'Z78.0', 'M85.851'], ['E55.1', 'Z79.899', 'R99.1', 'E11.9', 'Z78.0', 'M85.851'], ['bmm']));
    const result = check(parsed(encounter), knowledge);
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(result.unchecked.map((u) => u.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/^E55\.1 is not on the ICD-10-CM update list in force from 2026-04-01/), expect.stringMatching(/^R99\.1 is not on/)]));
  });

  it('after the update (2026-06-01) the same codes are invalid and left off', () => {
    const encounter = { ...base, dateOfService: '2026-06-01', performed: [{ procedure: 'dxa-axial' }], diagnoses: ['E55.1', 'Z79.899', 'R99.1', 'E11.9', 'Z78.0', 'M85.851'] };
    expect(coded(encounter).diagnoses).toEqual(['Z79.899', 'E11.9', 'Z78.0', 'M85.851']);
  });
});

describe('pointers of a claim with more than four diagnoses outside Medicare', () => {
  const diagnoses = ['Z79.899', 'E11.9', 'I10', 'K90.0', 'M85.851'];
  for (const payer of ['aetna-cpb-0134', 'a-payer-without-a-pack']) {
    it(`${payer}: the first four in claim order, not ranked by Medicare's lists (M85.851, fifth, is left out)`, () => {
      expect(coded({ ...base, payer, dateOfService: '2026-06-01', performed: [{ procedure: 'dxa-axial' }], diagnoses })).toEqual(one77080(['Z79.899', 'E11.9', 'I10', 'K90.0'], diagnoses, undefined));
    });
  }
});

describe('which performed entry each selected code and each line bills', () => {
  it('a spine radiograph (no code), peripheral DXA, axial DXA and QCT: 77078 is selected from performed[3] and left off, the lines bill performed[1] and [2]', () => {
    const result = coded({ ...base, dateOfService: '2026-06-01', performed: [{ procedure: 'spine-radiograph' }, { procedure: 'dxa-peripheral' }, { procedure: 'dxa-axial' }, { procedure: 'qct-axial' }], diagnoses: ['M85.851'] });
    const { leftOff, ...rest } = result;
    expect(rest).toEqual({
      lines: [
        { code: '77081', modifiers: [], units: 1, diagnoses: ['M85.851'] },
        { code: '77080', modifiers: ['XU', 'GZ'], units: 1, diagnoses: ['M85.851'] },
      ],
      benefits: ['bmm', 'bmm'],
      diagnoses: ['M85.851'],
      selectedCodes: ['77081', '77080', '77078'],
      selectedFrom: [1, 2, 3],
      linesFrom: [1, 2],
      technicalOnlyCodes: [],
    });
    expect(leftOff.map(({ row, ...line }) => ({ ...line, row: [row.column1, row.column2, row.kind] }))).toEqual([{ code: '77078', keptCode: '77080', performed: 3, row: ['77080', '77078', 'same-category'] }]);
    // Each line has its own pointer list: the lines are the caller's to change.
    expect(rest.lines[0]!.diagnoses).not.toBe(rest.lines[1]!.diagnoses);
  });

  it('a VFA read without interpretation beside axial DXA: 77085-TC is technical only', () => {
    expect(coded({ ...base, dateOfService: '2026-06-01', performed: [{ procedure: 'dxa-axial', interpreted: false }, { procedure: 'vfa', interpreted: false }], diagnoses: ['M85.851'] })).toEqual({
      lines: [{ code: '77085', modifiers: ['TC'], units: 1, diagnoses: ['M85.851'] }],
      benefits: ['bmm'],
      diagnoses: ['M85.851'],
      selectedCodes: ['77085'],
      selectedFrom: [0],
      linesFrom: [0],
      leftOff: [],
      technicalOnlyCodes: ['77085'],
    });
  });
});

describe('code() without the Medicare assessments (check() of submitted lines)', () => {
  it('builds the same lines, liability modifiers included, and returns no assessments', () => {
    const ordered = { ...base, dateOfService: '2026-06-01', performed: [{ procedure: 'dxa-axial' }], diagnoses: ['M85.851'] };
    // Not ordered by the treating physician, with an ABN on file: the denied line takes GA.
    const notTreating = { ...ordered, orderingProvider: { treating: false }, abnOnFile: true };
    for (const [raw, modifiers] of [
      [ordered, []],
      [notTreating, ['GA']],
    ] as const) {
      const input = normalizeEncounter(parsed(raw), knowledge.office);
      const k = knowledge.forDate(input.dateOfService);
      const lookup = k.packs.on(input.payer, input.dateOfService);
      const pack = lookup.found === 'pack' ? lookup.pack.pack : undefined;
      const full = code(input, k, pack);
      const lean = code(input, k, pack, undefined, false);
      expect(full.lines).toEqual([{ code: '77080', modifiers, units: 1, diagnoses: ['M85.851'] }]);
      expect(full.assessments?.map((a) => a.benefit)).toEqual(['bmm']);
      expect(lean.lines).toEqual(full.lines);
      expect(lean.assessments).toBeUndefined();
    }
  });
});
