/**
 * What a billing specialist reads when an encounter is unusable (src/engine/validate.ts): the field, what was
 * expected and a short preview of what was found, never the text of a long value (a report or a name may hold PHI;
 * STYLE: bad input gets a clear error naming the field, no PHI in logs). Checked on zod's path, which explains every
 * refused encounter whichever path accepted the valid ones.
 */
import { describe, expect, it } from 'vitest';
import { parseEncounterStrictly, preview } from '../src/engine/validate.js';

const base = { dateOfService: '2026-03-02', patient: { sex: 'female', age: 72 }, performed: [{ procedure: 'dxa-axial' }] };
const problems = (raw: unknown) => {
  const parsed = parseEncounterStrictly(raw);
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.field}: ${p.message}`);
};

describe('problems of an unusable encounter', () => {
  it('names what was found instead of an object', () => {
    expect(problems(null)).toEqual(['(encounter): expected a JSON object, got null']);
    expect(problems([])).toEqual(['(encounter): expected a JSON object, got an array of 0']);
    expect(problems('x')).toEqual(['(encounter): expected a JSON object, got "x"']);
    expect(problems(5)).toEqual(['(encounter): expected a JSON object, got 5']);
  });

  it('says a required field is missing, and which fields are not in the contract', () => {
    expect(problems({ ...base, dateOfService: undefined })).toEqual(['dateOfService: missing; expected string']);
    expect(problems({ ...base, patient: undefined })).toEqual(['patient: missing; expected an object']);
    expect(problems({ ...base, foo: 1 })).toEqual(['(encounter): unknown field "foo"; expected only the fields of the contract (CONTRACT.md)']);
    expect(problems({ ...base, foo: 1, bar: 2 })).toEqual(['(encounter): unknown fields "foo", "bar"; expected only the fields of the contract (CONTRACT.md)']);
  });

  it('says what was expected and previews what was found, by its kind', () => {
    const age = (value: unknown) => problems({ ...base, patient: { sex: 'female', age: value } });
    expect(age('72')).toEqual(['patient.age: expected number, got "72"']);
    expect(age({})).toEqual(['patient.age: expected number, got an object']);
    expect(age(null)).toEqual(['patient.age: expected number, got null']);
    expect(age([1, 2])).toEqual(['patient.age: expected number, got an array of 2']);
    expect(problems({ ...base, claim: { lines: [{ code: '77080', units: 0 }] } })).toEqual(['claim.lines[0].units: expected at least 1 unit, got 0']);
    expect(problems({ ...base, claim: { lines: [] } })).toEqual(['claim.lines: expected at least one claim line, got an array of 0']);
  });

  it('never repeats a long text, only its length', () => {
    expect(problems({ ...base, patient: { sex: 'q'.repeat(45), age: 72 } })).toEqual(['patient.sex: expected one of female, male, unknown, got a text of 45 characters']);
    expect(preview('x'.repeat(40))).toBe(JSON.stringify('x'.repeat(40)));
    expect(preview('x'.repeat(41))).toBe('a text of 41 characters');
  });

  it('refuses a birth date after the date of service, naming both', () => {
    expect(problems({ ...base, patient: { sex: 'female', birthDate: '2027-01-01' } })).toEqual(['patient.birthDate: expected a birth date on or before the date of service 2026-03-02, got "2027-01-01"']);
    expect(problems({ ...base, patient: { sex: 'female', birthDate: '2026-03-02' } })).toEqual([]);
  });
});
