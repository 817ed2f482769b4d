/**
 * De-identification by the HIPAA Safe Harbor method (45 CFR 164.514(b)(2)) for registry exports, and small-cell
 * suppression for the registry's aggregate answers (docs/registry.md maps all 18 identifiers). Pure functions: the
 * secret and the threshold come in as arguments.
 *
 * - Ages over 89 are one category, "90 or older" (164.514(b)(2)(i)(C)).
 * - Dates are reduced to the year (164.514(b)(2)(i)(C)), or, when asked, shifted per patient by an offset taken from
 *   an HMAC of the patient's key under a server secret: stable for a patient across exports, intervals between a
 *   patient's studies kept, the offset itself never exported.
 * - Subject ids are sequence numbers of one export, assigned in a random order: not derived from any information
 *   about the individual (164.514(c)), so they cannot be translated back and do not link two exports.
 */
import { createHmac, randomInt } from 'node:crypto';
import { addDays } from '../contract/dates.js';
import { StoreError } from './errors.js';

/** How dates leave an export. */
export const DATE_MODES = ['year', 'shift'] as const;
/** One date mode. */
export type DateMode = (typeof DATE_MODES)[number];

/** The age category Safe Harbor requires for every age over 89. */
export const AGE_90_OR_OLDER = '90 or older';

/** What a suppressed count is shown as. */
export const SUPPRESSED = 'suppressed';

/**
 * Default smallest count shown: 11, the CMS cell size suppression policy (no published cell of 1 to 10 beneficiaries;
 * docs/registry.md, [S]: not in REFERENCE.md). Configurable (registry.minimumCellSize); never below 2.
 */
export const DEFAULT_MINIMUM_CELL_SIZE = 11;

/** The largest date shift in days either way (one year), so a shifted date stays within about a year of the truth. */
export const MAX_SHIFT_DAYS = 365;

/** Shortest date-shift secret accepted (characters): 32, the size of a 256-bit key in base64 without padding is 43. */
export const MIN_SECRET_LENGTH = 32;

/** An age as an export shows it: the whole years up to 89, AGE_90_OR_OLDER above, null when unknown. */
export function exportedAge(age: number | null): number | typeof AGE_90_OR_OLDER | null {
  if (age === null) return null;
  return age > 89 ? AGE_90_OR_OLDER : age;
}

/**
 * The days a patient's dates are shifted by: from an HMAC-SHA-256 of the organisation and patient key under the
 * secret, in [-MAX_SHIFT_DAYS, MAX_SHIFT_DAYS] without 0 (a shift of 0 would export the true date).
 */
export function dateShiftDays(secret: string, organization: string, patientKey: string): number {
  const digest = createHmac('sha256', secret).update(`dxacode registry date shift v1\u0000${organization}\u0000${patientKey}`).digest();
  const n = digest.readUInt32BE(0) % (2 * MAX_SHIFT_DAYS);
  // 0..729 onto -365..-1 and 1..365.
  return n < MAX_SHIFT_DAYS ? n - MAX_SHIFT_DAYS : n - MAX_SHIFT_DAYS + 1;
}

/** Refuses a date-shift secret that is missing or too short to keep the offsets unguessable. */
export function requireShiftSecret(secret: string | undefined): string {
  if (secret === undefined || secret.length < MIN_SECRET_LENGTH) {
    throw new StoreError('invalid', `dates: "shift" needs a secret of at least ${MIN_SECRET_LENGTH} characters in DXACODE_REGISTRY_SECRET (it is never exported); use "year" otherwise`);
  }
  return secret;
}

/** A date as an export shows it: the year, or the date shifted by the patient's offset. */
export function exportedDate(date: string, mode: DateMode, shiftDays: number | undefined): string {
  if (mode === 'year') return date.slice(0, 4);
  if (shiftDays === undefined) throw new Error('a shifted date needs the patient offset');
  return addDays(date, shiftDays);
}

/** Subject numbers 1..n in a random order, so the numbering says nothing of the store's order or keys. */
export function shuffledOrdinals(n: number): number[] {
  const ordinals = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [ordinals[i], ordinals[j]] = [ordinals[j]!, ordinals[i]!];
  }
  return ordinals;
}

/** One cell of an aggregate answer: its count of studies, or SUPPRESSED when it holds too few patients. */
export type Cell = number | typeof SUPPRESSED;

/** A count being tallied: studies, and the distinct patients they belong to. */
export interface Tally {
  studies: number;
  patients: Set<string>;
}

/**
 * The cells of one breakdown with small cells suppressed: a cell of 1 to minimum-1 patients is SUPPRESSED (zero is
 * shown); when exactly one cell is suppressed, the next smallest non-zero cell is suppressed too, so the total cannot
 * give it back (complementary suppression).
 */
export function suppressCells(tallies: readonly Tally[], minimum: number): Cell[] {
  const small = (t: Tally) => t.patients.size > 0 && t.patients.size < minimum;
  const cells: Cell[] = tallies.map((t) => (small(t) ? SUPPRESSED : t.studies));
  if (cells.filter((c) => c === SUPPRESSED).length === 1) {
    let smallest = -1;
    tallies.forEach((t, i) => {
      if (cells[i] !== SUPPRESSED && t.studies > 0 && (smallest === -1 || t.studies < tallies[smallest]!.studies)) smallest = i;
    });
    if (smallest !== -1) cells[smallest] = SUPPRESSED;
  }
  return cells;
}
