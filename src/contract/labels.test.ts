import { describe, expect, it } from 'vitest';
import { Clinical, Encounter } from './encounter.js';
import { FIELD_LABELS, fieldLabel, fieldPhrase } from './labels.js';

describe('field labels', () => {
  it('names every field of the encounter, the patient and the clinical facts', () => {
    const names = [...Object.keys(Encounter.shape), ...Object.keys(Encounter.shape.patient.shape), ...Object.keys(Clinical.shape)];
    expect(names.filter((name) => !(name in FIELD_LABELS) && name !== 'id' && name !== 'claimId' && name !== 'address')).toEqual([]);
  });

  it('reads a path in words, indexes counted from 1', () => {
    expect(fieldLabel('clinical.monitoringOsteoporosisTherapy')).toBe('Monitoring osteoporosis therapy');
    expect(fieldLabel('claim.lines[1].modifiers[0]')).toBe('Claim · Line 2 · Modifier 1');
    expect(fieldLabel('orderingProvider.treating')).toBe('Ordering provider · Treating practitioner');
    expect(fieldLabel('someNewField')).toBe('some new field');
  });

  it('puts a label inside a sentence in lower case, but not an abbreviation', () => {
    expect(fieldPhrase('clinical.glucocorticoidMgPerDay')).toBe('glucocorticoid dose (mg/day)');
    expect(fieldPhrase('clinical.tScoreLowest')).toBe('lowest T-score');
    expect(fieldPhrase('patient.mrn')).toBe('patient · MRN');
    expect(fieldPhrase('abnOnFile')).toBe('signed ABN on file');
  });
});
