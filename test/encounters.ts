/** Encounters shared by the store and API tests. */
import type { Encounter } from '../src/contract/encounter.js';

/**
 * A clean Medicare axial DXA claim (77080 for osteoporosis, treating practitioner's order): no error findings, so it
 * can be accepted without overrides. `overrides` replaces whole top-level fields.
 */
export function axialEncounter(overrides: Partial<Encounter> = {}): Encounter {
  return {
    dateOfService: '2025-01-20',
    patient: { sex: 'female', birthDate: '1949-08-30' },
    payer: 'medicare',
    component: 'global',
    placeOfService: '11',
    orderingProvider: { npi: '1234567893', treating: true },
    performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine', 'right-hip'] }],
    diagnoses: ['M81.0'],
    clinical: { tScoreLowest: -2.9 },
    claim: { lines: [{ code: '77080', diagnoses: ['M81.0'] }] },
    ...overrides,
  } as Encounter;
}
