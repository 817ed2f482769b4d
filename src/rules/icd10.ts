/** ICD-10-CM helpers shared by the diagnosis rules and the engine: normalising and classifying a code. */
import type { IcdKnowledge } from '../knowledge/compile.js';
import { inForce } from '../knowledge/official.js';

/**
 * True when the code is already upper case and dotted: /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/, checked character
 * by character since every diagnosis of every check is asked (about a third of the regular expression's time).
 */
function isNormalIcd(code: string): boolean {
  const n = code.length;
  if (n !== 3 && (n < 5 || n > 8)) return false;
  const first = code.charCodeAt(0);
  const second = code.charCodeAt(1);
  if (first < 65 || first > 90 || second < 48 || second > 57 || !isUpperAlnum(code.charCodeAt(2))) return false;
  if (n === 3) return true;
  if (code.charCodeAt(3) !== 46) return false;
  for (let i = 4; i < n; i++) if (!isUpperAlnum(code.charCodeAt(i))) return false;
  return true;
}

function isUpperAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
}

/** Upper-cases a code and puts the dot after the third character (M8108XA → M81.08XA). */
export function normalizeIcd(code: string): string {
  if (isNormalIcd(code)) return code;
  const plain = code.toUpperCase().replace('.', '');
  return plain.length > 3 ? `${plain.slice(0, 3)}.${plain.slice(3)}` : plain;
}

/** A code as CMS files write it: no dot. */
function plainOf(code: string): string {
  return code.length > 3 && code.charCodeAt(3) === 46 ? code.slice(0, 3) + code.slice(4) : code;
}

/** The dotted spelling of a plain code. */
export function dottedOf(plain: string): string {
  return plain.length > 3 ? `${plain.slice(0, 3)}.${plain.slice(3)}` : plain;
}

/** What dxacode knows of one diagnosis code on a date of service. */
export type IcdStatus =
  /** On the valid-code list. `unconfirmedBefore`: the list is an update in force from that date, and the date of service is earlier. */
  | { kind: 'billable'; description: string | undefined; unconfirmedBefore?: string }
  /** A category or subcategory: valid codes continue it. `example` is one of them (dotted). */
  | { kind: 'header'; example: string }
  /** Valid codes share its first six characters: the 7th character is missing or not one of `allowed`. */
  | { kind: 'seventh-character'; allowed: string; missing: boolean }
  /** Not on the list of the code set in force on the date of service. */
  | { kind: 'invalid' }
  /** Not on the list, and the date of service falls outside the loaded code set: validity not checked. */
  | { kind: 'outside' }
  /** Not on an update list in force from `updateFrom`; the date of service is earlier, when the code may still have been valid. */
  | { kind: 'not-listed-before-update'; updateFrom: string };

/**
 * Statuses already worked out, per ICD-10-CM knowledge and code: a status depends on the date of service only through
 * whether the date is before the update's `allValidFrom` and whether the release is in force on it, so each code has
 * at most four. Bounded, so that unusual input cannot grow it without end.
 */
const statuses = new WeakMap<IcdKnowledge, Map<string, (IcdStatus | undefined)[]>>();
const MAX_MEMO_CODES = 20_000;

/**
 * Classifies a dotted code against the complete valid-code list of the release loaded for the date of service. The
 * status returned may be shared between calls: read it, never change it.
 */
export function classifyIcd(code: string, icd: IcdKnowledge, date: string): IcdStatus {
  const set = icd.codeSet;
  const before = date < set.allValidFrom;
  const current = inForce(set.info, date);
  let memo = statuses.get(icd);
  if (memo === undefined) statuses.set(icd, (memo = new Map()));
  let byDate = memo.get(code);
  const slot = (before ? 1 : 0) + (current ? 2 : 0);
  let status = byDate?.[slot];
  if (status === undefined) {
    status = classifyOn(code, icd, before, current);
    if (byDate === undefined && memo.size < MAX_MEMO_CODES) memo.set(code, (byDate = []));
    if (byDate !== undefined) byDate[slot] = status;
  }
  return status;
}

/** classifyIcd's work: `before` when the date is before the update's allValidFrom, `current` when the release is in force. */
function classifyOn(code: string, icd: IcdKnowledge, before: boolean, current: boolean): IcdStatus {
  const set = icd.codeSet;
  const plain = plainOf(code);
  if (set.codes.has(plain)) {
    const description = icd.billable.get(code);
    // The subset lists codes valid from the start of the fiscal year; other codes of an April update list may be new.
    if (description === undefined && before && current) return { kind: 'billable', description, unconfirmedBefore: set.allValidFrom };
    return { kind: 'billable', description };
  }
  if (plain.length === 6 || plain.length === 7) {
    const seventh = set.codes.under(plain.slice(0, 6), 20).filter((c) => c.length === 7);
    if (seventh.length > 0) return { kind: 'seventh-character', allowed: seventh.map((c) => c[6]).join(''), missing: plain.length === 6 };
  }
  const child = set.codes.under(plain, 1)[0];
  if (child !== undefined) return { kind: 'header', example: dottedOf(child) };
  if (!current) return { kind: 'outside' };
  // An April update also deletes codes; before it, only the families the subset lists completely are known.
  if (before && !icd.conventions.completeFamilies.some((f) => code.startsWith(f.prefix))) return { kind: 'not-listed-before-update', updateFrom: set.allValidFrom };
  return { kind: 'invalid' };
}
