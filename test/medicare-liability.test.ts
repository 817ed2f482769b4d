/**
 * assessMedicareLiability() is the lean path of the recommended claim's GA/GZ/GY when no rule family reads the
 * Medicare assessments: it must give every line exactly the liability that assessMedicareClaim()'s assessments give.
 */
import { describe, expect, it } from 'vitest';
import { makeEncounters } from '../bench/encounters.js';
import { code } from '../src/engine/recommend.js';
import { normalizeEncounter } from '../src/engine/normalize.js';
import { parseEncounter } from '../src/engine/validate.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { assessMedicareClaim, assessMedicareLiability, liabilityOf, type MedicareLiability } from '../src/rules/medicare.js';

const all = loadKnowledge();

/** The bench mix, each encounter also with the order not from the treating physician (a denial every BMM line draws). */
const inputs = makeEncounters(1_500, 20260123).flatMap((raw: Record<string, unknown>) =>
  [raw, { ...raw, orderingProvider: { treating: false } }].map((variant) => {
    const parsed = parseEncounter(variant);
    if (!parsed.ok) throw new Error('invalid generated encounter');
    const knowledge = all.forDate(parsed.encounter.dateOfService);
    const input = normalizeEncounter(parsed.encounter, knowledge.office);
    const lookup = knowledge.packs.on(input.payer, input.dateOfService);
    return { input, knowledge, pack: lookup.found === 'pack' ? lookup.pack.pack : undefined };
  }),
);
const medicare = inputs.filter(({ pack }) => pack?.program === 'medicare');

describe('assessMedicareLiability', () => {
  it('gives each submitted and each recommended line the liability of its full assessment', () => {
    const seen = new Set<MedicareLiability>();
    for (const { input, knowledge, pack } of medicare) {
      const recommended = code(input, knowledge, pack).lines;
      for (const lines of [input.submitted ?? [], recommended]) {
        const lean = assessMedicareLiability(input, knowledge, lines);
        expect(lean, JSON.stringify({ id: input.id, lines })).toEqual(assessMedicareClaim(input, knowledge, lines).map(liabilityOf));
        for (const kind of lean) seen.add(kind);
      }
    }
    // The mix reaches every kind, so the comparison above is not between empty or uniform lists.
    expect([...seen].sort()).toEqual(['denied', 'excluded', 'none']);
  });

  it('leaves code() building the same recommended claim whether or not it keeps the assessments', () => {
    let kept = 0;
    for (const { input, knowledge, pack } of inputs) {
      const full = code(input, knowledge, pack);
      const lean = code(input, knowledge, pack, undefined, false);
      expect(lean.lines, input.id).toEqual(full.lines);
      expect(lean.assessments).toBeUndefined();
      if (full.assessments !== undefined) kept++;
    }
    expect(kept).toBe(medicare.length);
  });
});
