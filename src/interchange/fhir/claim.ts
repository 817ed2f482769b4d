/**
 * FHIR R4 out: one Claim per checked encounter (REFERENCE §9 [V]: claims as Claim, use = claim), with the Patient,
 * the Coverage, the billing provider and the order as contained resources, CPT/HCPCS items with their modifiers and
 * units, and ICD-10-CM diagnoses linked to the items by sequence. Pure: the creation date is an input.
 */
import type {
  Bundle,
  Claim,
  ClaimDiagnosis,
  ClaimItem,
  Coverage,
  Organization,
  Patient,
  Practitioner,
  Reference,
  Resource,
  ServiceRequest,
} from '@medplum/fhirtypes';
import type { Encounter } from '../../contract/encounter.js';
import type { Result } from '../../contract/result.js';
import { FHIR_SYSTEMS, modifierSystem, procedureSystem } from './systems.js';
import { fhirProblem, type FhirProblem } from './problems.js';

/** The billing provider of the Claim, when the caller knows it (the Encounter contract has no field for it). */
export interface FhirBillingProvider {
  /** 10-digit NPI. */
  npi?: string;
  name?: string;
}

/** How to write the Claim. */
export interface FhirClaimOptions {
  /** Claim.created (FHIR dateTime). Default: the date of service, since this module never reads the clock. */
  created?: string;
  /** The billing provider; without one the Claim carries a clearly marked placeholder. */
  provider?: FhirBillingProvider;
  /** Write the Claim even when the check verdict is reject (the problem list says so). */
  force?: boolean;
}

/** A written Claim with notes about it, or why none was written. */
export type FhirClaimOutcome = { ok: true; claim: Claim; problems: FhirProblem[] } | { ok: false; problems: FhirProblem[] };

/** Ids of the contained resources (local references `#patient` etc.). */
const CONTAINED_IDS = {
  patient: 'patient',
  coverage: 'coverage',
  provider: 'billing-provider',
  placeholder: 'billing-provider-placeholder',
  orderer: 'ordering-provider',
  order: 'order',
} as const;

/** The placeholder's name says what it is wherever the Claim is shown. */
export const PLACEHOLDER_PROVIDER_NAME = 'PLACEHOLDER billing provider: not given in the encounter; replace before submission';

/** FHIR id: 1-64 of [A-Za-z0-9-.] (R4 datatype id). */
function asFhirId(value: string | undefined): string | undefined {
  return value !== undefined && /^[A-Za-z0-9\-.]{1,64}$/.test(value) ? value : undefined;
}

/** ICD-10-CM with the dot, as FHIR and the recommended claim write it (M8008XA becomes M80.08XA). */
function withDot(code: string): string {
  const upper = code.toUpperCase();
  return upper.includes('.') || upper.length <= 3 ? upper : `${upper.slice(0, 3)}.${upper.slice(3)}`;
}

function patientOf(encounter: Encounter): Patient {
  const patient: Patient = { resourceType: 'Patient', id: CONTAINED_IDS.patient, gender: encounter.patient.sex };
  if (encounter.patient.birthDate !== undefined) patient.birthDate = encounter.patient.birthDate;
  return patient;
}

function coverageOf(encounter: Encounter): Coverage {
  const pack = encounter.payer ?? 'medicare';
  return {
    resourceType: 'Coverage',
    id: CONTAINED_IDS.coverage,
    status: 'active',
    beneficiary: { reference: `#${CONTAINED_IDS.patient}` },
    // The payer pack id is dxacode's name for a policy set, not a payer identifier: it is shown as text only.
    payor: [{ display: `dxacode payer pack "${pack}" (not a payer identifier)` }],
  };
}

function providerOf(options: FhirClaimOptions): { resource: Organization; placeholder: boolean } {
  const given = options.provider;
  if (given !== undefined && (given.npi !== undefined || given.name !== undefined)) {
    const resource: Organization = { resourceType: 'Organization', id: CONTAINED_IDS.provider };
    if (given.npi !== undefined) resource.identifier = [{ system: FHIR_SYSTEMS.npi, value: given.npi }];
    if (given.name !== undefined) resource.name = given.name;
    return { resource, placeholder: false };
  }
  return { resource: { resourceType: 'Organization', id: CONTAINED_IDS.placeholder, name: PLACEHOLDER_PROVIDER_NAME }, placeholder: true };
}

/** The Claim's reference to the contained provider, with its name shown so a placeholder is seen at once. */
function providerReference(provider: Organization): Reference<Organization> {
  const reference: Reference<Organization> = { reference: `#${provider.id ?? CONTAINED_IDS.placeholder}` };
  if (provider.name !== undefined) reference.display = provider.name;
  return reference;
}

/** The order as a ServiceRequest whose requester is the ordering practitioner (only when an NPI is known). */
function orderOf(encounter: Encounter): [Practitioner, ServiceRequest] | undefined {
  const npi = encounter.orderingProvider?.npi;
  if (npi === undefined) return undefined;
  const practitioner: Practitioner = {
    resourceType: 'Practitioner',
    id: CONTAINED_IDS.orderer,
    identifier: [{ system: FHIR_SYSTEMS.npi, value: npi }],
  };
  const order: ServiceRequest = {
    resourceType: 'ServiceRequest',
    id: CONTAINED_IDS.order,
    status: 'completed',
    intent: 'order',
    subject: { reference: `#${CONTAINED_IDS.patient}` },
    requester: { reference: `#${CONTAINED_IDS.orderer}` },
  };
  return [practitioner, order];
}

/**
 * Writes the recommended claim of a checked encounter as a FHIR R4 Claim. Refuses when there is nothing to bill,
 * or when the verdict is reject and `force` is not set.
 */
export function toFhirClaim(encounter: Encounter, result: Result, options: FhirClaimOptions = {}): FhirClaimOutcome {
  const who = encounter.id !== undefined ? `encounter ${JSON.stringify(encounter.id)}` : 'the encounter';
  const lines = result.recommended.lines;
  if (lines.length === 0) {
    return { ok: false, problems: [fhirProblem('fhir.write.no-lines', `${who}: the recommended claim has no lines; no Claim is written`)] };
  }
  const notes: FhirProblem[] = [];
  if (result.verdict === 'reject') {
    if (!options.force) {
      return {
        ok: false,
        problems: [fhirProblem('fhir.write.rejected', `${who}: the check verdict is reject; no Claim is written`, { fix: 'correct the findings, or set force to write it anyway' })],
      };
    }
    notes.push(fhirProblem('fhir.write.forced', `${who}: the check verdict is reject; the Claim was written because force was set`));
  }

  // Claim.diagnosis: the recommended diagnoses in claim order, then any line diagnosis they lack.
  const diagnosisCodes: string[] = [];
  const sequenceOf = new Map<string, number>();
  const addDiagnosis = (code: string): number => {
    const dotted = withDot(code);
    let sequence = sequenceOf.get(dotted);
    if (sequence === undefined) {
      diagnosisCodes.push(dotted);
      sequence = diagnosisCodes.length;
      sequenceOf.set(dotted, sequence);
    }
    return sequence;
  };
  for (const code of result.recommended.diagnoses) addDiagnosis(code);
  const lineSequences = lines.map((line) => line.diagnoses.map(addDiagnosis));

  const diagnosis: ClaimDiagnosis[] = diagnosisCodes.map((code, i) => {
    const entry: ClaimDiagnosis = {
      sequence: i + 1,
      diagnosisCodeableConcept: { coding: [{ system: FHIR_SYSTEMS.icd10cm, code }] },
    };
    if (i === 0) entry.type = [{ coding: [{ system: FHIR_SYSTEMS.diagnosisType, code: 'principal' }] }];
    return entry;
  });

  const item: ClaimItem[] = lines.map((line, i) => {
    const entry: ClaimItem = {
      sequence: i + 1,
      productOrService: { coding: [{ system: procedureSystem(line.code), code: line.code }] },
      servicedDate: encounter.dateOfService,
      quantity: { value: line.units },
    };
    const sequences = lineSequences[i] ?? [];
    if (sequences.length > 0) entry.diagnosisSequence = sequences;
    if (line.modifiers.length > 0) entry.modifier = line.modifiers.map((m) => ({ coding: [{ system: modifierSystem(m), code: m }] }));
    if (encounter.placeOfService !== undefined) {
      entry.locationCodeableConcept = { coding: [{ system: FHIR_SYSTEMS.placeOfService, code: encounter.placeOfService }] };
    }
    return entry;
  });

  const provider = providerOf(options);
  if (provider.placeholder) {
    notes.push(
      fhirProblem('fhir.write.placeholder-provider', `${who}: Claim.provider is a placeholder Organization named "${PLACEHOLDER_PROVIDER_NAME}"`, {
        location: { path: 'Claim.provider' },
        fix: 'pass the billing provider (NPI and name) in the options',
      }),
    );
  }
  const contained: Resource[] = [patientOf(encounter), coverageOf(encounter), provider.resource];
  const order = orderOf(encounter);
  if (order) contained.push(...order);

  const claim: Claim = {
    resourceType: 'Claim',
    contained,
    status: 'active',
    type: { coding: [{ system: FHIR_SYSTEMS.claimType, code: encounter.claimType ?? 'professional' }] },
    use: 'claim',
    patient: { reference: `#${CONTAINED_IDS.patient}` },
    billablePeriod: { start: encounter.dateOfService, end: encounter.dateOfService },
    created: options.created ?? encounter.dateOfService,
    provider: providerReference(provider.resource),
    priority: { coding: [{ system: FHIR_SYSTEMS.processPriority, code: 'normal' }] },
    insurance: [{ sequence: 1, focal: true, coverage: { reference: `#${CONTAINED_IDS.coverage}` } }],
    item,
  };
  const id = asFhirId(encounter.id);
  if (id !== undefined) claim.id = id;
  if (encounter.id !== undefined) claim.identifier = [{ value: encounter.id }];
  if (order) claim.referral = { reference: `#${CONTAINED_IDS.order}` };
  if (diagnosis.length > 0) claim.diagnosis = diagnosis;
  return { ok: true, claim: orderKeys(claim), problems: notes };
}

/** Claim elements in the order the R4 specification lists them, so the JSON reads like the spec's examples. */
function orderKeys(claim: Claim): Claim {
  const order: (keyof Claim)[] = [
    'resourceType', 'id', 'contained', 'identifier', 'status', 'type', 'use', 'patient', 'billablePeriod', 'created',
    'provider', 'priority', 'referral', 'diagnosis', 'insurance', 'item',
  ];
  const out: Record<string, unknown> = {};
  for (const key of order) if (claim[key] !== undefined) out[key] = claim[key];
  return out as unknown as Claim;
}

/** Wraps Claims in a collection Bundle (for writing several encounters as one FHIR document). */
export function toFhirClaimBundle(claims: Claim[]): Bundle<Claim> {
  return { resourceType: 'Bundle', type: 'collection', entry: claims.map((resource) => ({ resource })) };
}
