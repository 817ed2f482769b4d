/**
 * Tells a valid encounter fast: a compiled JSON Schema validator of the Encounter contract, then the checks JSON
 * Schema cannot express (real calendar dates, `performed` or `report`, birth date before the date of service; an
 * encounter with vertebral heights is left to zod). Loads no zod, so that a run whose input is valid never loads
 * it: validate.ts explains with zod what is wrong with input this rejects.
 */
import { isCalendarDate } from '../contract/dates.js';
import type { Encounter } from '../contract/encounter.js';

/** A compiled JSON Schema validator of encounter.schema.json (ajv, compiled at run time or at build time). */
export type EncounterSchemaValidator = (value: unknown) => boolean;

/** The ajv options the Encounter's JSON Schema is compiled with, at run time and at build time alike. */
export const ENCOUNTER_AJV_OPTIONS = { allErrors: false, strict: false } as const;

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
