/** Turns a validated Encounter into the CheckInput the rules read: defaults, upper case, dotted codes, age. */
import { ageOn } from '../contract/dates.js';
import type { ClaimLine, Encounter } from '../contract/encounter.js';
import type { CheckInput, Line } from '../rules/context.js';
import { normalizeIcd } from '../rules/icd10.js';

/** A claim line with the contract's defaults applied. */
export function normalizeLine(line: ClaimLine): Line {
  return {
    code: line.code.toUpperCase(),
    modifiers: (line.modifiers ?? []).map((m) => m.toUpperCase()),
    units: line.units ?? 1,
    diagnoses: [...new Set((line.diagnoses ?? []).map(normalizeIcd))],
  };
}

/** Applies defaults and normalises codes; the encounter must already be validated. */
export function normalizeEncounter(encounter: Encounter): CheckInput {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const raw of encounter.diagnoses ?? []) {
    const dx = normalizeIcd(raw);
    if (seen.has(dx)) duplicates.add(dx);
    seen.add(dx);
  }
  const age =
    encounter.patient.age ?? (encounter.patient.birthDate !== undefined ? ageOn(encounter.patient.birthDate, encounter.dateOfService) : undefined);
  return {
    id: encounter.id,
    dateOfService: encounter.dateOfService,
    sex: encounter.patient.sex,
    age,
    payer: encounter.payer ?? 'medicare',
    claimType: encounter.claimType ?? 'professional',
    component: encounter.component ?? 'global',
    treatingOrder: encounter.orderingProvider?.treating,
    performed: encounter.performed ?? [],
    diagnoses: [...seen],
    diagnosesGiven: encounter.diagnoses !== undefined && encounter.diagnoses.length > 0,
    duplicateDiagnoses: [...duplicates],
    clinical: encounter.clinical ?? {},
    history: encounter.history?.map((h) => ({ dateOfService: h.dateOfService, code: h.code.toUpperCase() })),
    abnOnFile: encounter.abnOnFile,
    priorAuthorization: encounter.priorAuthorization,
    submitted: encounter.claim?.lines.map(normalizeLine),
  };
}
