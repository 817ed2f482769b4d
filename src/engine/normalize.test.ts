/**
 * normalizeEncounter() (src/engine/normalize.ts): the contract's defaults, the office's settings for what the
 * encounter leaves out, upper-case and dotted codes, diagnoses kept once with the repeats named, and the age from
 * the birth date.
 */
import { describe, expect, it } from 'vitest';
import { Clinical, Encounter as EncounterSchema, type Encounter } from '../contract/encounter.js';
import { normalizeEncounter, normalizeLine, readEncounter } from './normalize.js';

const base: Encounter = { dateOfService: '2026-03-02', patient: { sex: 'female', birthDate: '1954-03-03' }, performed: [{ procedure: 'dxa-axial' }] };
const office = { jurisdiction: 'J15' as const, billingNpi: '1234567893', require: [] };

describe('normalizing an encounter', () => {
  it('applies the contract defaults and takes the age on the date of service from the birth date', () => {
    const input = normalizeEncounter(base);
    expect(input).toMatchObject({ payer: 'medicare', claimType: 'professional', component: 'global', age: 71, orderGiven: false, diagnoses: [], diagnosesGiven: false, duplicateDiagnoses: [] });
    expect(input.jurisdiction).toBeUndefined();
    expect(input.billingNpi).toBeUndefined();
    expect(input.history).toBeUndefined();
    expect(input.submitted).toBeUndefined();
    expect(normalizeEncounter({ ...base, patient: { sex: 'female', age: 80, birthDate: '1954-03-03' } }).age).toBe(80);
    expect(normalizeEncounter({ ...base, performed: undefined, report: 'DXA' }).performed).toEqual([]);
  });

  it("fills the jurisdiction and billing NPI from the office's settings only where the encounter gives none", () => {
    expect(normalizeEncounter(base, office)).toMatchObject({ jurisdiction: 'J15', billingNpi: '1234567893' });
    expect(normalizeEncounter({ ...base, jurisdiction: 'JJ', billingProvider: { npi: '1245319599' } }, office)).toMatchObject({ jurisdiction: 'JJ', billingNpi: '1245319599' });
    expect(normalizeEncounter(base, { require: [] })).toMatchObject({ jurisdiction: undefined, billingNpi: undefined });
  });

  it('knows an order was given by an ordering NPI or by the treating flag alone', () => {
    expect(normalizeEncounter({ ...base, orderingProvider: { npi: '1245319599' } })).toMatchObject({ orderGiven: true, orderingNpi: '1245319599' });
    expect(normalizeEncounter({ ...base, orderingProvider: { treating: false } })).toMatchObject({ orderGiven: true, treatingOrder: false });
    expect(normalizeEncounter({ ...base, orderingProvider: {} }).orderGiven).toBe(false);
  });

  it('keeps each diagnosis once, dotted and upper case, and names each repeat once', () => {
    const input = normalizeEncounter({ ...base, diagnoses: ['m810', 'M81.0', 'Z78.0', 'm81.0', 'z780'] });
    expect(input.diagnoses).toEqual(['M81.0', 'Z78.0']);
    expect(input.duplicateDiagnoses).toEqual(['M81.0', 'Z78.0']);
    expect(input.diagnosesGiven).toBe(true);
    expect(normalizeEncounter({ ...base, diagnoses: [] }).diagnosesGiven).toBe(false);
  });

  it('upper-cases codes and modifiers of the claim and the history, and keeps a line diagnosis once', () => {
    const input = normalizeEncounter({
      ...base,
      history: [{ code: 'g0130', dateOfService: '2024-01-10' }, { code: '77080', dateOfService: '2025-01-10' }],
      claim: { lines: [{ code: 'g0130', modifiers: ['tc', 'GA'], diagnoses: ['m810', 'M81.0'] }, { code: '77080', units: 2 }] },
    });
    expect(input.history).toEqual([{ code: 'G0130', dateOfService: '2024-01-10' }, { code: '77080', dateOfService: '2025-01-10' }]);
    expect(input.submitted).toEqual([
      { code: 'G0130', modifiers: ['TC', 'GA'], units: 1, diagnoses: ['M81.0'] },
      { code: '77080', modifiers: [], units: 2, diagnoses: [] },
    ]);
    expect(normalizeLine({ code: '77081' })).toEqual({ code: '77081', modifiers: [], units: 1, diagnoses: [] });
  });

  it('takes the age from the birth date whatever other fields the patient has, in any order', () => {
    const patient = {
      birthDate: '1954-03-03',
      name: { family: 'Doe', given: 'Jane' },
      sex: 'female' as const,
      address: { line: '1 Main St', city: 'Albany', state: 'NY', postalCode: '12207' },
      mrn: 'MRN-7',
      memberId: 'AB123',
    };
    expect(normalizeEncounter({ ...base, patient }).age).toBe(71);
    expect(normalizeEncounter({ ...base, patient: { memberId: 'AB123', sex: 'female', birthDate: '1954-03-03', mrn: 'MRN-7' } }).age).toBe(71);
  });

  it('gives every clinical fact, undefined when not stated', () => {
    // toStrictEqual: each fact is a field of its own even when undefined (the rules read one fixed shape).
    const none = Object.fromEntries(Object.keys(Clinical.shape).map((key) => [key, undefined]));
    expect(normalizeEncounter(base).clinical).toStrictEqual(none);
    expect(normalizeEncounter({ ...base, clinical: {} }).clinical).toStrictEqual(none);
    expect(normalizeEncounter({ ...base, clinical: { tScoreLowest: -2.6, estrogenDeficient: true } }).clinical).toStrictEqual({ ...none, tScoreLowest: -2.6, estrogenDeficient: true });
  });
});

describe('the one-pass readers keep every field of the contract', () => {
  // readEncounter and the clinical reader copy each field by name in a switch (for speed); a field added to the
  // contract and not to the switch would be dropped without a word. Every field the schemas declare gets a value of
  // its own here, and must come out as it went in.
  it('readEncounter copies every Encounter field', () => {
    const keys = Object.keys(EncounterSchema.shape);
    const given = Object.fromEntries(keys.map((key) => [key, { field: key }])) as unknown as Encounter;
    const fields = readEncounter(given) as Record<string, unknown>;
    expect(Object.keys(fields).sort()).toEqual(keys.slice().sort());
    for (const key of keys) expect(fields[key]).toBe((given as Record<string, unknown>)[key]);
  });

  it('readEncounter gives every Encounter field, undefined when not given', () => {
    const keys = Object.keys(EncounterSchema.shape);
    const fields = readEncounter(base) as Record<string, unknown>;
    expect(Object.keys(fields).sort()).toEqual(keys.slice().sort());
    expect(fields).toStrictEqual({ ...Object.fromEntries(keys.map((key) => [key, undefined])), ...base });
  });

  it('normalizeEncounter keeps every clinical fact', () => {
    const keys = Object.keys(Clinical.shape);
    const clinical = Object.fromEntries(keys.map((key, i) => [key, i])) as unknown as Encounter['clinical'];
    expect(normalizeEncounter({ ...base, clinical }).clinical).toEqual(clinical);
  });
});
