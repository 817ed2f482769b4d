/**
 * The checks the fast path runs after the JSON Schema (src/engine/encounter-shape.ts), each on its own: the schema
 * is stood in for by one that accepts everything, so that only what JSON Schema cannot express decides.
 */
import { describe, expect, it } from 'vitest';
import { Clinical, Encounter } from '../contract/encounter.js';
import { isValidEncounter, noClinicalFields, noEncounterFields, uniformEncounter } from './encounter-shape.js';

const anything = () => true;
const base = { dateOfService: '2026-03-02', patient: { sex: 'female', age: 72 }, performed: [{ procedure: 'dxa-axial' }] };

describe('the checks after the JSON Schema', () => {
  it('takes only an object the schema accepts', () => {
    expect(isValidEncounter(base, anything)).toBe(true);
    expect(isValidEncounter(base, () => false)).toBe(false);
    for (const raw of [null, [base], 'text', 42]) expect(isValidEncounter(raw, anything)).toBe(false);
  });

  it('needs what was performed or the report', () => {
    expect(isValidEncounter({ ...base, performed: undefined }, anything)).toBe(false);
    expect(isValidEncounter({ ...base, performed: undefined, report: 'DXA of the lumbar spine.' }, anything)).toBe(true);
  });

  it('needs real calendar dates, and a birth date on or before the date of service', () => {
    expect(isValidEncounter({ ...base, dateOfService: '2026-02-30' }, anything)).toBe(false);
    const born = (birthDate: string) => isValidEncounter({ ...base, patient: { sex: 'female', birthDate } }, anything);
    expect(born('1950-02-30')).toBe(false);
    expect(born('2026-03-03')).toBe(false);
    expect(born('2026-03-02')).toBe(true);
    const history = (dateOfService: string) => isValidEncounter({ ...base, history: [{ code: '77080', dateOfService: '2024-01-10' }, { code: '77080', dateOfService }] }, anything);
    expect(history('2025-02-29')).toBe(false);
    expect(history('2024-02-29')).toBe(true);
  });

  it('leaves vertebral heights, of either study, to zod', () => {
    const levels = [{ level: 'T4', evaluable: false, reason: 'rib overlap' }];
    expect(isValidEncounter({ ...base, morphometry: levels }, anything)).toBe(false);
    expect(isValidEncounter({ ...base, priorMorphometry: levels }, anything)).toBe(false);
  });
});

describe('the encounter copied into one shape before it is validated', () => {
  it("lists every field of the contract's Encounter and clinical facts, in the contract's order", () => {
    expect(Object.keys(noEncounterFields())).toEqual(Object.keys(Encounter.shape));
    expect(Object.keys(noClinicalFields())).toEqual(Object.keys(Clinical.shape));
  });

  it('gives encounters with different fields, in any order, the same keys, and keeps every value', () => {
    const given = JSON.parse('{"performed":[{"procedure":"vfa"}],"clinical":{"estrogenDeficient":true},"patient":{"sex":"male"},"dateOfService":"2026-03-02"}') as object;
    const other = JSON.parse('{"dateOfService":"2026-03-02","payer":"medicare","patient":{"sex":"female"},"clinical":{"tScoreLowest":-2.7,"glucocorticoidMonths":4},"report":"VFA."}') as object;
    const a = uniformEncounter(given) as Record<string, unknown>;
    const b = uniformEncounter(other) as Record<string, unknown>;
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(Object.keys(a.clinical as object)).toEqual(Object.keys(b.clinical as object));
    // toEqual leaves out undefined fields: the copy holds what was given and nothing else.
    expect(a).toEqual(given);
    expect(b).toEqual(other);
    expect(JSON.parse(JSON.stringify(b))).toEqual(other);
    expect(a).not.toBe(given);
  });

  it('keeps a key the contract does not have (the validator rejects it) and leaves a clinical value that is not an object', () => {
    const copy = uniformEncounter({ ...base, extra: 1, clinical: [1] }) as Record<string, unknown>;
    expect(Object.keys(copy).at(-1)).toBe('extra');
    expect(copy.clinical).toEqual([1]);
    for (const clinical of [undefined, null, 'yes']) expect((uniformEncounter({ ...base, clinical }) as Record<string, unknown>).clinical).toBe(clinical);
    expect('clinical' in uniformEncounter(base) && (uniformEncounter(base) as Record<string, unknown>).clinical).toBeUndefined();
  });

  it('returns an object with a __proto__ key as it is, never setting the prototype of the copy', () => {
    const hostile = JSON.parse('{"dateOfService":"2026-03-02","__proto__":{"patient":{"sex":"female"}}}') as object;
    expect(uniformEncounter(hostile)).toBe(hostile);
    const nested = JSON.parse('{"dateOfService":"2026-03-02","clinical":{"__proto__":{"estrogenDeficient":true}}}') as { clinical: object };
    const copy = uniformEncounter(nested) as { clinical: object };
    expect(copy.clinical).toBe(nested.clinical);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });
});
