/**
 * Tells a valid encounter fast: a compiled JSON Schema validator of the Encounter contract, then the checks JSON
 * Schema cannot express (real calendar dates, `performed` or `report`, birth date before the date of service; an
 * encounter with vertebral heights is left to zod). Loads no zod, so that a run whose input is valid never loads
 * it: validate.ts explains with zod what is wrong with input this rejects.
 */
import { isCalendarDate } from '../contract/dates.js';
import type { Clinical, Encounter } from '../contract/encounter.js';

/** A compiled JSON Schema validator of encounter.schema.json (ajv, compiled at run time or at build time). */
export type EncounterSchemaValidator = (value: unknown) => boolean;

/** The ajv options the Encounter's JSON Schema is compiled with, at run time and at build time alike. */
export const ENCOUNTER_AJV_OPTIONS = { allErrors: false, strict: false } as const;

/** The encounter fields the engine reads, every one present (undefined when not given). */
export type EncounterFields = { [K in keyof Encounter]: Encounter[K] | undefined };

/** Every field of the Encounter contract, undefined, in the contract's order: one object shape for any encounter. */
export function noEncounterFields(): EncounterFields {
  return {
    id: undefined,
    dateOfService: undefined,
    claimId: undefined,
    patient: undefined,
    payer: undefined,
    claimType: undefined,
    component: undefined,
    placeOfService: undefined,
    jurisdiction: undefined,
    orderingProvider: undefined,
    billingProvider: undefined,
    performed: undefined,
    diagnoses: undefined,
    clinical: undefined,
    history: undefined,
    abnOnFile: undefined,
    priorAuthorization: undefined,
    morphometry: undefined,
    priorMorphometry: undefined,
    report: undefined,
    claim: undefined,
  };
}

/** Every clinical fact of the contract, undefined, in its order. */
export function noClinicalFields(): Clinical {
  return {
    tScoreLowest: undefined,
    heightLossHistoricalCm: undefined,
    heightLossProspectiveCm: undefined,
    glucocorticoidMgPerDay: undefined,
    glucocorticoidMonths: undefined,
    selfReportedVertebralFracture: undefined,
    estrogenDeficient: undefined,
    primaryHyperparathyroidism: undefined,
    vertebralAbnormalityOnXray: undefined,
    monitoringOsteoporosisTherapy: undefined,
  };
}

/**
 * `raw` (a parsed JSON object) with its fields, and those of its `clinical`, copied into objects of one shape: every
 * contract field present (undefined when not given), then any other key, which the validator rejects. Encounters
 * parsed from JSON have a shape per combination of fields given (857 in the bench's 100,000, and 146 for `clinical`),
 * so the validator's reads of each field by name missed V8's caches on nearly every encounter; on one shape they hit.
 * An object with a `__proto__` key is returned as it is (a copy would set its prototype instead).
 */
export function uniformEncounter(raw: object): object {
  const encounter = copyInto(noEncounterFields(), raw);
  if (encounter === undefined) return raw;
  const clinical = encounter.clinical;
  if (typeof clinical === 'object' && clinical !== null && !Array.isArray(clinical)) encounter.clinical = copyInto(noClinicalFields(), clinical) ?? clinical;
  return encounter;
}

function copyInto<T extends object>(target: T, source: object): T | undefined {
  const into = target as Record<string, unknown>;
  const from = source as Record<string, unknown>;
  for (const key in from) {
    if (key === '__proto__') return undefined;
    into[key] = from[key];
  }
  return target;
}

/** True when `raw` is a valid Encounter: the schema validator accepts it and the checks it cannot express pass. */
export function isValidEncounter(raw: unknown, schema: EncounterSchemaValidator): raw is Encounter {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !schema(raw)) return false;
  const e = raw as Encounter;
  if (e.performed === undefined && e.report === undefined) return false;
  if (!isCalendarDate(e.dateOfService)) return false;
  const birthDate = e.patient.birthDate;
  if (birthDate !== undefined && (!isCalendarDate(birthDate) || birthDate > e.dateOfService)) return false;
  if (e.history?.some((h) => !isCalendarDate(h.dateOfService))) return false;
  // Vertebral heights (each level once, in both studies) are left to zod.
  if (e.morphometry !== undefined || e.priorMorphometry !== undefined) return false;
  return true;
}
