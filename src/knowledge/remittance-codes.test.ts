/**
 * The embedded CARC and RARC words (issue 12 §1): every denial category a coder meets in bone densitometry has
 * codes in words, every entry names its source and confidence, an unverified entry says why, and no code is
 * listed twice. Lookups give the words, and a code the table lacks is shown without words.
 */
import { describe, expect, it } from 'vitest';
import { loadRemittanceCodes } from '../io/remittance-codes-file.js';
import { compileRemittanceCodes, DENIAL_CATEGORIES, describeAdjustment, describeRemark } from './remittance-codes.js';
import { readFileSync } from 'node:fs';

const codes = loadRemittanceCodes();
const raw = JSON.parse(readFileSync(new URL('./data/remittance-codes.json', import.meta.url), 'utf8')) as { entries: { list: string; code: string; categories: string[]; source: { url?: string; confidence: string }; note?: string }[] };

describe('remittance codes (CARC and RARC in words)', () => {
  it('covers each denial category with at least one CARC and one RARC', () => {
    for (const category of ['frequency', 'medical-necessity', 'bundling', 'modifiers', 'non-covered', 'missing-information'] as const) {
      expect([...codes.carc.values()].some((e) => e.categories.includes(category)), `CARC ${category}`).toBe(true);
      expect([...codes.rarc.values()].some((e) => e.categories.includes(category)), `RARC ${category}`).toBe(true);
    }
    expect(DENIAL_CATEGORIES).toContain('routine');
  });

  it('cites the x12.org code list for every CARC and RARC, with a note wherever the words are unverified', () => {
    for (const entry of raw.entries) {
      expect(entry.source.url).toBe(entry.list === 'CARC' ? 'https://x12.org/codes/claim-adjustment-reason-codes' : 'https://x12.org/codes/remittance-advice-remark-codes');
      if (entry.source.confidence === 'unverified') expect(entry.note, `${entry.list} ${entry.code}`).toBeTruthy();
    }
  });

  it('gives the words for the frequency, necessity and bundling denials this family sees', () => {
    expect(codes.carc.get('151')?.description).toBe('Payment adjusted because the payer deems the information submitted does not support this many/frequency of services.');
    expect(codes.carc.get('50')?.description).toMatch(/^These are non-covered services because this is not deemed a 'medical necessity' by the payer\./);
    expect(codes.carc.get('97')?.categories).toEqual(['bundling']);
    expect(codes.rarc.get('M86')?.categories).toEqual(['frequency']);
    expect(describeAdjustment(codes, 'CO', '151', '60.00')).toMatch(/^CO-151 60\.00 \(Payment adjusted because/);
    expect(describeAdjustment(codes, 'CO', '999')).toBe('CO-999 (no description embedded)');
    expect(describeRemark(codes, 'N115')).toMatch(/^N115 \(This decision was based on a Local Coverage Determination/);
    expect(codes.adjustmentGroups.get('PR')?.name).toBe('Patient Responsibility');
    expect(codes.statusCategories.get('A7')?.outcome).toBe('rejected');
    expect(codes.transactionAck.get('R')?.description).toBe('Rejected');
  });

  it('refuses a table with a code twice or an unverified entry without a note, naming it', () => {
    const data = JSON.parse(readFileSync(new URL('./data/remittance-codes.json', import.meta.url), 'utf8')) as { entries: Record<string, unknown>[] };
    const twice = { ...data, entries: [...data.entries, data.entries[0]] };
    expect(() => compileRemittanceCodes(twice)).toThrow(/CARC 1 is listed twice/);
    const silent = { ...data, entries: [{ ...data.entries[0], source: { title: 't', confidence: 'unverified' } }] };
    expect(() => compileRemittanceCodes(silent)).toThrow(/CARC 1 is unverified but its note does not say why/);
    expect(() => compileRemittanceCodes({ ...data, entries: [{ ...data.entries[0], code: 'not a code' }] })).toThrow(/entries\.0\.code: expected a CARC/);
  });
});
