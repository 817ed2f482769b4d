/** Turns a validated Encounter into the CheckInput the rules read: defaults, upper case, dotted codes, age. */
import { ageOn } from '../contract/dates.js';
import type { ClaimLine, Clinical, Encounter } from '../contract/encounter.js';
import type { OfficeSettings } from '../knowledge/office.js';
import type { CheckInput, Line } from '../rules/context.js';
import { normalizeIcd } from '../rules/icd10.js';

const LOWER = /[a-z]/;
const upper = (code: string): string => (LOWER.test(code) ? code.toUpperCase() : code);

/** A claim line with the contract's defaults applied. */
export function normalizeLine(line: ClaimLine): Line {
  const diagnoses: string[] = [];
  for (const raw of line.diagnoses ?? []) {
    const dx = normalizeIcd(raw);
    if (!diagnoses.includes(dx)) diagnoses.push(dx);
  }
  return { code: upper(line.code), modifiers: line.modifiers ? line.modifiers.map(upper) : [], units: line.units ?? 1, diagnoses };
}

/**
 * Clinical facts with every field present (undefined when not given). Input objects come in many shapes; a fixed
 * shape keeps the rules' property reads fast.
 */
function normalizeClinical(c: Clinical | undefined): Clinical {
  return {
    tScoreLowest: c?.tScoreLowest,
    heightLossHistoricalCm: c?.heightLossHistoricalCm,
    heightLossProspectiveCm: c?.heightLossProspectiveCm,
    glucocorticoidMgPerDay: c?.glucocorticoidMgPerDay,
    glucocorticoidMonths: c?.glucocorticoidMonths,
    selfReportedVertebralFracture: c?.selfReportedVertebralFracture,
    estrogenDeficient: c?.estrogenDeficient,
    primaryHyperparathyroidism: c?.primaryHyperparathyroidism,
    vertebralAbnormalityOnXray: c?.vertebralAbnormalityOnXray,
    monitoringOsteoporosisTherapy: c?.monitoringOsteoporosisTherapy,
  };
}

/**
 * Applies defaults and normalises codes; the encounter must already be validated. The office's settings fill what
 * the encounter leaves out: its jurisdiction and billing NPI.
 */
export function normalizeEncounter(encounter: Encounter, office?: OfficeSettings): CheckInput {
  // Encounters come in many shapes (optional fields present or not), so every property read here is a slow, generic
  // one: each is read once, and the rules read the fixed shape returned.
  const { id, dateOfService, patient, payer, claimType, component, jurisdiction, orderingProvider, billingProvider, performed, diagnoses, clinical, history, abnOnFile, priorAuthorization, claim } =
    encounter;
  const seen: string[] = [];
  const duplicates: string[] = [];
  if (diagnoses !== undefined) {
    for (const raw of diagnoses) {
      const dx = normalizeIcd(raw);
      if (!seen.includes(dx)) seen.push(dx);
      else if (!duplicates.includes(dx)) duplicates.push(dx);
    }
  }
  const { age: givenAge, birthDate, sex } = patient;
  const age = givenAge ?? (birthDate !== undefined ? ageOn(birthDate, dateOfService) : undefined);
  const orderingNpi = orderingProvider?.npi;
  const treatingOrder = orderingProvider?.treating;
  return {
    id,
    dateOfService,
    sex,
    age,
    payer: payer ?? 'medicare',
    claimType: claimType ?? 'professional',
    component: component ?? 'global',
    jurisdiction: jurisdiction ?? office?.jurisdiction,
    orderingNpi,
    billingNpi: billingProvider?.npi ?? office?.billingNpi,
    treatingOrder,
    orderGiven: orderingNpi !== undefined || treatingOrder !== undefined,
    performed: performed === undefined ? [] : performed.map((p) => ({ procedure: p.procedure, sites: p.sites, interpreted: p.interpreted })),
    diagnoses: seen,
    diagnosesGiven: diagnoses !== undefined && diagnoses.length > 0,
    duplicateDiagnoses: duplicates,
    clinical: normalizeClinical(clinical),
    history: history?.map((h) => (LOWER.test(h.code) ? { ...h, code: h.code.toUpperCase() } : h)),
    abnOnFile,
    priorAuthorization,
    submitted: claim?.lines.map(normalizeLine),
  };
}
