/**
 * The checks the fast path runs after the JSON Schema (src/engine/encounter-shape.ts), each on its own: the schema
 * is stood in for by one that accepts everything, so that only what JSON Schema cannot express decides.
 */
import { describe, expect, it } from 'vitest';
import { isValidEncounter } from './encounter-shape.js';

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
