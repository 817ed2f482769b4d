/**
 * Validates untrusted input against the Encounter schema and turns zod issues into messages a billing specialist
 * can act on: the field path, what was expected and a short preview of what was found.
 */
import { createRequire } from 'node:module';
import type { Ajv2020 as Ajv2020Class } from 'ajv/dist/2020.js';
import type { z } from 'zod';
import { Encounter } from '../contract/encounter.js';
import { contractJsonSchemas } from '../contract/json-schema.js';
import { duplicateLevels } from '../morphometry/levels.js';
import { ENCOUNTER_AJV_OPTIONS, isValidEncounter, type EncounterSchemaValidator } from './encounter-shape.js';

/** One problem with one field of an encounter. */
export interface EncounterProblem {
  /** Dotted path with indexes, e.g. `claim.lines[1].units`, or `(encounter)` for the whole object. */
  field: string;
  message: string;
}

/** Either a valid encounter or the problems that make it unusable. */
export type ParsedEncounter = { ok: true; encounter: Encounter } | { ok: false; problems: EncounterProblem[] };

/** Formats a path as `claim.lines[1].units`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(encounter)' : out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const part of path) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

const PREVIEW = 40;

/** A short, safe preview of a value for an error message. */
export function preview(value: unknown): string {
  if (typeof value === 'string') {
    // Long text (a report, a name) may hold PHI: say how long it is, not what it says.
    return value.length > PREVIEW ? `a text of ${value.length} characters` : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** zod's default range message in words: `expected at most 128 characters`, `expected at least 1 character`, `expected at most 10`. */
function rangeMessage(bound: 'at most' | 'at least', limit: number | bigint, origin: string): string {
  const unit = origin === 'array' ? 'item' : origin === 'string' ? 'character' : undefined;
  return unit === undefined ? `expected ${bound} ${String(limit)}` : `expected ${bound} ${String(limit)} ${unit}${Number(limit) === 1 ? '' : 's'}`;
}

function describe(issue: z.core.$ZodIssue, root: unknown): EncounterProblem {
  const field = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    return { field, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}; expected only the fields of the contract (CONTRACT.md)` };
  }
  const value = valueAt(root, issue.path);
  if (value === undefined && issue.code === 'invalid_type') {
    return { field, message: `missing; expected ${issue.expected === 'object' ? 'an object' : issue.expected}` };
  }
  let message = issue.message.replace(/^Invalid input: /, '').replace(/, received \w+$/, '');
  const zodDefault = /^Too (big|small)/.test(message);
  if (zodDefault && issue.code === 'too_big') message = rangeMessage('at most', issue.maximum, issue.origin);
  if (zodDefault && issue.code === 'too_small') message = rangeMessage('at least', issue.minimum, issue.origin);
  if (value !== undefined && issue.code !== 'too_big') message += `, got ${preview(value)}`;
  else if (value !== undefined && typeof value !== 'string' && !Array.isArray(value)) message += `, got ${preview(value)}`;
  return { field, message };
}

let fastValidator: EncounterSchemaValidator | undefined;
/** Encounters validated so far in this process. */
let validated = 0;
/**
 * Below this many encounters zod alone validates: compiling the JSON Schema with ajv costs about 50 ms, which a
 * single-encounter run (one CLI check, one API request after start) never earns back.
 */
const FAST_PATH_AFTER = 32;

/**
 * The JSON Schema generated from the zod contract, compiled by ajv: about ten times faster than zod on valid input,
 * so batches are validated by it and zod runs only to explain what is wrong. The checks JSON Schema cannot express
 * (real calendar dates, `performed` or `report`, birth date before the date of service) follow it.
 */
function compiledSchema(): EncounterSchemaValidator {
  if (!fastValidator) {
    // Loaded on first use, for the same reason.
    const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class };
    const ajv = new Ajv2020(ENCOUNTER_AJV_OPTIONS);
    fastValidator = ajv.compile(contractJsonSchemas()['encounter.schema.json'] as object);
  }
  return fastValidator;
}

/** Validates one untrusted value as an Encounter with zod alone (the reference the fast path is tested against). */
export function parseEncounterStrictly(raw: unknown): ParsedEncounter {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ field: '(encounter)', message: `expected a JSON object, got ${preview(raw)}` }] };
  }
  const parsed = Encounter.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.slice(0, 20).map((issue) => describe(issue, raw)) };
  }
  const encounter = parsed.data;
  const problems: EncounterProblem[] = [];
  if (encounter.patient.birthDate !== undefined && encounter.patient.birthDate > encounter.dateOfService) {
    problems.push({ field: 'patient.birthDate', message: `expected a birth date on or before the date of service ${encounter.dateOfService}, got "${encounter.patient.birthDate}"` });
  }
  for (const field of ['morphometry', 'priorMorphometry'] as const) {
    for (const duplicate of duplicateLevels(encounter[field] ?? [])) {
      problems.push({ field: `${field}[${duplicate.index}].level`, message: `expected each vertebral level once, got ${duplicate.level} again` });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, encounter };
}

/**
 * Validates one untrusted value as an Encounter. Valid input passes the compiled JSON Schema and is used as it is
 * (nothing downstream mutates it); anything else goes through zod for field-by-field messages.
 */
export function parseEncounter(raw: unknown): ParsedEncounter {
  if (++validated <= FAST_PATH_AFTER) return parseEncounterStrictly(raw);
  if (isValidEncounter(raw, compiledSchema())) {
    return { ok: true, encounter: raw };
  }
  return parseEncounterStrictly(raw);
}
