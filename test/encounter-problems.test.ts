/**
 * What a billing specialist reads when an encounter is unusable (src/engine/validate.ts): the field, what was
 * expected and a short preview of what was found, never the text of a long value (a report or a name may hold PHI;
 * STYLE: bad input gets a clear error naming the field, no PHI in logs). Checked on zod's path, which explains every
 * refused encounter whichever path accepted the valid ones.
 */
import { describe, expect, it, vi } from 'vitest';
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

  it('says which limit a value is over or under, previewing a number but never a text or a list', () => {
    expect(problems({ ...base, id: 'x'.repeat(129) })).toEqual(['id: expected at most 128 characters']);
    expect(problems({ ...base, diagnoses: Array<string>(51).fill('M81.0') })).toEqual(['diagnoses: expected at most 50 items']);
    expect(problems({ ...base, performed: [{ procedure: 'dxa-axial', sites: Array<string>(21).fill('hip') }] })).toEqual(['performed[0].sites: expected at most 20 items']);
    expect(problems({ ...base, clinical: { tScoreLowest: 11 } })).toEqual(['clinical.tScoreLowest: expected at most 10, got 11']);
    expect(problems({ ...base, clinical: { tScoreLowest: -11 } })).toEqual(['clinical.tScoreLowest: expected at least -10, got -11']);
    expect(problems({ ...base, payer: '' })).toEqual(['payer: expected at least 1 character, got ""']);
    // The contract's own wording of a limit is kept, with the number found but not the list.
    expect(problems({ ...base, claim: { lines: [{ code: '77080', units: 1000 }] } })).toEqual(['claim.lines[0].units: expected at most 999 units, got 1000']);
    expect(problems({ ...base, claim: { lines: [{ code: '77080', modifiers: ['26', 'GA', 'GZ', '59', 'XU'] }] } })).toEqual([
      'claim.lines[0].modifiers: expected at most 4 modifiers on one line (837P SV101)',
    ]);
  });

  it('says an encounter needs what was performed or the report, and lists at most 20 problems', () => {
    expect(problems({ ...base, performed: undefined })).toEqual(['performed: expected `performed` (what was done) or `report` (the report text)']);
    const many = problems({ ...base, diagnoses: Array<string>(25).fill('not a code') });
    expect(many).toHaveLength(20);
    expect(many[19]).toMatch(/^diagnoses\[19\]: expected an ICD-10-CM code/);
  });

  it('refuses a vertebral level given twice in either study, naming the second', () => {
    const level = (name: string, reason: string) => ({ level: name, evaluable: false, reason });
    expect(problems({ ...base, morphometry: [level('T4', 'rib overlap'), level('T5', 'rib overlap'), level('T4', 'again')] })).toEqual([
      'morphometry[2].level: expected each vertebral level once, got T4 again',
    ]);
    expect(problems({ ...base, priorMorphometry: [level('L1', 'gas'), level('L1', 'gas')] })).toEqual(['priorMorphometry[1].level: expected each vertebral level once, got L1 again']);
  });
});

describe('validation from the 33rd encounter of a process on', () => {
  it('leaves the first 32 to zod, then takes a valid encounter as it is and still explains an unusable one with zod', async () => {
    // A fresh copy of the module: its count of encounters starts at 0 whatever ran before in this process.
    vi.resetModules();
    const fresh = await import('../src/engine/validate.js');
    for (let i = 1; i <= 32; i++) {
      const raw = { ...base };
      const parsed = fresh.parseEncounter(raw);
      expect(parsed).toEqual({ ok: true, encounter: raw });
      // zod returns its own copy of what it validated.
      expect(parsed.ok && parsed.encounter).not.toBe(raw);
    }
    const raw = { ...base };
    const parsed = fresh.parseEncounter(raw);
    expect(parsed.ok && parsed.encounter).toBe(raw);
    expect(fresh.parseEncounter({ ...base, foo: 1 })).toEqual({
      ok: false,
      problems: [{ field: '(encounter)', message: 'unknown field "foo"; expected only the fields of the contract (CONTRACT.md)' }],
    });
    const later = { ...base, patient: { sex: 'female', birthDate: '1950-01-01' } };
    expect(fresh.parseEncounter(later)).toEqual({ ok: true, encounter: later });
    expect(fresh.parseEncounter({ ...base, patient: { sex: 'female', birthDate: '2027-01-01' } })).toMatchObject({ ok: false, problems: [{ field: 'patient.birthDate' }] });
  });
});
