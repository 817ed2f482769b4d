/** ICD-10-CM helpers shared by the diagnosis rules and the engine: normalising and classifying a code. */
import type { IcdKnowledge } from '../knowledge/compile.js';

const NORMAL = /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/;

/** Upper-cases a code and puts the dot after the third character (M8108XA → M81.08XA). */
export function normalizeIcd(code: string): string {
  if (NORMAL.test(code)) return code;
  const plain = code.toUpperCase().replace('.', '');
  return plain.length > 3 ? `${plain.slice(0, 3)}.${plain.slice(3)}` : plain;
}

/** What dxacode knows of one diagnosis code. */
export type IcdStatus =
  | { kind: 'billable'; description: string }
  | { kind: 'header' }
  | { kind: 'seventh-character'; allowed: string; missing: boolean }
  | { kind: 'invalid'; family: string }
  | { kind: 'outside' };

/** Classifies a dotted code against the loaded subset: billable, header, bad 7th character, invalid, or outside. */
export function classifyIcd(code: string, icd: IcdKnowledge): IcdStatus {
  const description = icd.billable.get(code);
  if (description !== undefined) return { kind: 'billable', description };
  const family = icd.conventions.completeFamilies.find((f) => code.startsWith(f.prefix));
  const seventh = icd.conventions.seventhCharacters.find((r) => code.startsWith(r.prefix));
  if (seventh && family) {
    const plain = code.replace('.', '');
    // A 6-character stem whose 7th-character forms exist: the 7th character is missing or not allowed.
    const stem = plain.length >= 6 ? plain.slice(0, 6) : undefined;
    const stemDotted = stem ? `${stem.slice(0, 3)}.${stem.slice(3)}` : undefined;
    if (stemDotted && [...seventh.allowed].some((c) => icd.billable.has(`${stemDotted}${c}`))) {
      return { kind: 'seventh-character', allowed: seventh.allowed, missing: plain.length === 6 };
    }
  }
  if (icd.headers.has(code)) return { kind: 'header' };
  if (family) return { kind: 'invalid', family: family.prefix };
  return { kind: 'outside' };
}
