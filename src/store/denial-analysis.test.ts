/** Which findings belong to a billed line, which adjustments deny, and the resubmission path each denial gets. */
import { describe, expect, it } from 'vitest';
import type { Encounter } from '../contract/encounter.js';
import type { Finding, Result } from '../contract/result.js';
import { loadRemittanceCodes } from '../io/remittance-codes-file.js';
import { adjustmentWords, denialCategories, findingsForLine, isDenialAdjustment, remarkWords, suggestResubmission, type LineFinding } from './denial-analysis.js';

const codes = loadRemittanceCodes();
const source = { title: 'test', confidence: 'verified' as const };
const finding = (rule: string, severity: Finding['severity'], extra: Partial<Finding> = {}): Finding => ({ rule, severity, message: `${rule} message`, source, ...extra });
const result = (findings: Finding[]): Result => ({ verdict: 'reject', recommended: { lines: [], diagnoses: [] }, findings, checked: [], unchecked: [] }) as unknown as Result;
const encounter = { dateOfService: '2026-03-10', claim: { lines: [{ code: '77080' }, { code: '77086' }] } } as unknown as Encounter;
const lineFinding = (rule: string, severity: LineFinding['severity'], fix?: string): LineFinding => ({ rule, severity, message: `${rule} message`, scope: 'line', ...(fix ? { fix } : {}) });

describe('findingsForLine', () => {
  const r = result([
    finding('frequency.too-soon', 'error', { line: 0 }),
    finding('pair.combined-code', 'error', { line: 1 }),
    finding('selection.not-documented', 'error', { params: { code: '77086', selected: [] } }),
    finding('medicare.bmm-category-not-shown', 'warning'),
    finding('report.diagnosis-suggested', 'info', { params: { code: 'M81.0' } }),
  ]);

  it('takes the findings on the submitted line of the same code, those naming its code, and the claim-wide ones; never info', () => {
    expect(findingsForLine(r, encounter, [], { line: 1, code: '77080' }).map((f) => [f.rule, f.scope])).toEqual([
      ['frequency.too-soon', 'line'],
      ['medicare.bmm-category-not-shown', 'claim'],
    ]);
    expect(findingsForLine(r, encounter, [], { line: 2, code: '77086' }).map((f) => f.rule)).toEqual(['pair.combined-code', 'selection.not-documented', 'medicare.bmm-category-not-shown']);
  });

  it("attaches the coder's override of the same rule and line", () => {
    const [f] = findingsForLine(r, encounter, [{ rule: 'frequency.too-soon', line: 0, reason: 'outside study', actor: 'tok' }], { line: 1, code: '77080' });
    expect(f!.override).toEqual({ reason: 'outside study', actor: 'tok' });
    expect(findingsForLine(r, encounter, [{ rule: 'frequency.too-soon', line: 1, reason: 'other line', actor: 'tok' }], { line: 1, code: '77080' })[0]!.override).toBeUndefined();
    expect(findingsForLine(r, encounter, [{ rule: 'pair.combined-code', line: null, reason: 'every line', actor: 'tok' }], { line: 2, code: '77086' })[0]!.override).toEqual({ reason: 'every line', actor: 'tok' });
  });
});

describe('denying adjustments and categories', () => {
  it('counts deductible, coinsurance and fee-schedule adjustments as routine, unknown codes as other', () => {
    expect(isDenialAdjustment(adjustmentWords(codes, 'CO', '45', 1000))).toBe(false);
    expect(isDenialAdjustment(adjustmentWords(codes, 'PR', '1', 1000))).toBe(false);
    expect(isDenialAdjustment(adjustmentWords(codes, 'CO', '151', 1000))).toBe(true);
    expect(isDenialAdjustment(adjustmentWords(codes, 'CO', '151', 0))).toBe(false);
    expect(adjustmentWords(codes, 'CO', '999', 1000)).toMatchObject({ categories: ['other'], groupName: 'Contractual Obligations' });
    expect(adjustmentWords(codes, 'CO', '999', 1000).description).toBeUndefined();
  });

  it('orders categories most specific first, remarks included', () => {
    expect(denialCategories([adjustmentWords(codes, 'CO', '50', 100)], [remarkWords(codes, 'M76')])).toEqual(['missing-information', 'medical-necessity', 'non-covered']);
  });
});

describe('suggestResubmission', () => {
  const path = (group: string, carc: string, remarks: string[], findings: LineFinding[] = []) => suggestResubmission(codes, [adjustmentWords(codes, group, carc, 5000)], remarks.map((c) => remarkWords(codes, c)), findings);

  it('sends an unprocessable claim (MA130) again as a new claim, as the remark itself says', () => {
    const s = path('CO', '16', ['MA130', 'N265']);
    expect(s).toMatchObject({ path: 'new-claim', frequencyCode: '1' });
    expect(s.basis).toEqual(expect.arrayContaining([expect.stringContaining('RARC MA130 (Your claim contains incomplete and/or invalid information'), expect.stringContaining('REFERENCE.md §9')]));
  });

  it("replaces the claim (frequency code 7) for a modifier denial, with dxacode's fix", () => {
    const s = path('CO', '4', ['N823'], [lineFinding('modifier.invalid', 'error', 'Use 26 for the interpretation only.')]);
    expect(s).toMatchObject({ path: 'corrected-claim', frequencyCode: '7' });
    expect(s.action).toContain("dxacode's fix: Use 26 for the interpretation only. (modifier.invalid)");
    expect(s.action).toContain('CLM05-3 frequency code 7');
    expect(s.basis).toContain('dxacode error modifier.invalid on the exported version: modifier.invalid message');
  });

  it('appeals a medical-necessity denial dxacode had nothing to fix on, and corrects one it had', () => {
    expect(path('CO', '50', ['N115']).path).toBe('appeal');
    expect(path('CO', '50', ['N115'], [lineFinding('dx.not-covered', 'error', 'Add M81.0.')]).path).toBe('corrected-claim');
  });

  it('does not resubmit a non-covered service, and says who carries the amount by its group code', () => {
    const co = path('CO', '96', []);
    expect(co.path).toBe('no-resubmission');
    expect(co.action).toContain('Group CO');
    expect(path('PR', '204', []).action).toContain("Group PR: the amount is the patient's to pay.");
  });

  it('sends a wrong-payer claim (CARC 109) to the right payer as a new claim', () => {
    expect(path('CO', '109', [])).toMatchObject({ path: 'new-claim', frequencyCode: '1' });
  });

  it('leaves a bundling denial without a fix to review, and a code it does not know to review', () => {
    expect(path('CO', '97', ['M15']).path).toBe('review');
    expect(path('CO', '999', []).path).toBe('review');
  });
});
