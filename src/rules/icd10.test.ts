/**
 * normalizeIcd, dottedOf and classifyIcd on the embedded ICD-10-CM FY2026 release (in force 2025-10-01 to
 * 2026-09-30; its list is the April 1, 2026 update, so a code the subset does not describe is unconfirmed before
 * 2026-04-01). classifyIcd keeps its answers per knowledge object; each test here classifies against a copy of the
 * ICD-10 knowledge of its own, so that what it checks is worked out, not served from an earlier test's memo.
 */
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../io/knowledge-files.js';
import { classifyIcd, dottedOf, normalizeIcd } from './icd10.js';

const knowledge = loadKnowledge();
/** A copy of the ICD-10 knowledge: a memo of its own. */
const fresh = () => ({ ...knowledge.icd10 });

describe('normalizeIcd and dottedOf', () => {
  it('upper-cases a code and puts the dot after the third character', () => {
    expect(normalizeIcd('m81.0')).toBe('M81.0');
    expect(normalizeIcd('M810')).toBe('M81.0');
    expect(normalizeIcd('m8108xa')).toBe('M81.08XA');
    expect(normalizeIcd('m81')).toBe('M81');
    expect(normalizeIcd('M81.08XA')).toBe('M81.08XA');
    // Lower case where a code has a letter, in each place the encounter's ICD-10 shape allows one.
    expect(normalizeIcd('M8a.0')).toBe('M8A.0');
    expect(normalizeIcd('M81.xa')).toBe('M81.XA');
    expect(normalizeIcd('m8aA12')).toBe('M8A.A12');
  });

  it('gives what the normal-shape pattern gave, for every short string of letters, digits, dots and their neighbours', () => {
    // normalizeIcd once asked /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/ whether a code was already normal; it now
    // checks the characters itself, and no code it calls normal may come out other than the pattern's way would make
    // it (a lower-case letter, a dot elsewhere). The neighbours of each range ('@', '[', '/', ':', '`', '{') catch an
    // off-by-one that lets one of them through.
    const normal = /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/;
    const byPattern = (code: string): string => {
      if (normal.test(code)) return code;
      const plain = code.toUpperCase().replace('.', '');
      return plain.length > 3 ? `${plain.slice(0, 3)}.${plain.slice(3)}` : plain;
    };
    const chars = ['A', 'Z', 'a', 'z', '0', '9', '.', '@', '[', '/', ':', '`', '{'];
    const differing: string[] = [];
    const visit = (prefix: string, left: number): void => {
      if (normalizeIcd(prefix) !== byPattern(prefix)) differing.push(prefix);
      if (left > 0) for (const c of chars) visit(prefix + c, left - 1);
    };
    visit('', 5);
    // Longer codes: a normal head with every tail of up to five characters from the same set.
    for (const head of ['M81', 'Z13.', 'M8A.0']) visit(head, 4);
    expect(differing).toEqual([]);
  });

  it('dots a plain code of more than three characters only', () => {
    expect(dottedOf('M8108XA')).toBe('M81.08XA');
    expect(dottedOf('M810')).toBe('M81.0');
    expect(dottedOf('M81')).toBe('M81');
  });
});

describe('classifyIcd', () => {
  it('confirms a listed code the subset does not describe from the day the April update is in force (2026-04-01), not the day before', () => {
    expect(classifyIcd('A00.0', fresh(), '2026-03-31')).toEqual({ kind: 'billable', description: undefined, unconfirmedBefore: '2026-04-01' });
    expect(classifyIcd('A00.0', fresh(), '2026-04-01')).toEqual({ kind: 'billable', description: undefined });
    expect(classifyIcd('M81.0', fresh(), '2026-03-31')).toEqual({ kind: 'billable', description: 'Age-related osteoporosis without current pathological fracture' });
  });

  it('answers each date of one code by its own status, also when the memo holds another date of it', () => {
    const icd = fresh();
    expect(classifyIcd('A00.0', icd, '2026-03-31')).toEqual({ kind: 'billable', description: undefined, unconfirmedBefore: '2026-04-01' });
    expect(classifyIcd('Z99.999', icd, '2026-01-15')).toEqual({ kind: 'not-listed-before-update', updateFrom: '2026-04-01' });
    expect(classifyIcd('Z99.999', icd, '2026-06-01')).toEqual({ kind: 'invalid' });
    expect(classifyIcd('Z99.999', icd, '2020-01-01')).toEqual({ kind: 'outside' });
    expect(classifyIcd('A00.0', icd, '2026-04-01')).toEqual({ kind: 'billable', description: undefined });
    expect(classifyIcd('A00.0', icd, '2026-10-01')).toEqual({ kind: 'billable', description: undefined });
  });

  it('names the seventh characters a code lacks or gets wrong, and a header by one code under it', () => {
    expect(classifyIcd('M80.08X', fresh(), '2026-06-01')).toEqual({ kind: 'seventh-character', allowed: 'ADGKPS', missing: true });
    expect(classifyIcd('M80.08XZ', fresh(), '2026-06-01')).toEqual({ kind: 'seventh-character', allowed: 'ADGKPS', missing: false });
    expect(classifyIcd('M81', fresh(), '2026-06-01')).toEqual({ kind: 'header', example: 'M81.0' });
  });

  it('calls an unlisted code outside the release not checked, and inside a completely listed family invalid before the update too', () => {
    expect(classifyIcd('Z99.999', fresh(), '2026-10-01')).toEqual({ kind: 'outside' });
    expect(classifyIcd('M81.9', fresh(), '2026-01-15')).toEqual({ kind: 'invalid' });
  });
});
