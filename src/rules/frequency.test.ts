/**
 * The frequency family's findings and records word for word (cases/medicare-bmm-frequency.yaml and
 * cases/cgs-l36460-history-across-providers.yaml compare ids, params and parts of messages; these compare the whole
 * finding, the `checked` entry and each `unchecked` reason). REFERENCE.md §5 Frequency: 23 months counted by month
 * (last covered BMM 2024-03-15, next covered from 2026-03-01), the glucocorticoid and confirmatory-baseline
 * exceptions; §4: GA with an ABN on file, the provider liable without; CGS LCD L36460 limitation 5: a study by another
 * provider counts.
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../contract/result.js';
import { runCase } from '../engine/cases.js';
import { FamilySelection, type CheckOptions } from '../engine/index.js';
import { loadKnowledge } from '../io/knowledge-files.js';

const knowledge = loadKnowledge();
const rule = knowledge.medicare.frequency;
const ACROSS = "Medicare's Common Working File counts bone mass measurements by every provider (CGS LCD L36460 limitation 5)";

/** A Medicare axial DXA study on 2026-02-28 billed on one line; checkWith changes some of its fields (undefined: left out). */
const FREQUENCY_BASE = {
  dateOfService: '2026-02-28',
  patient: { sex: 'female', age: 72 },
  payer: 'medicare',
  jurisdiction: 'J15',
  orderingProvider: { treating: true },
  diagnoses: ['M85.851', 'Z78.0'],
  clinical: { estrogenDeficient: true },
  performed: [{ procedure: 'dxa-axial' }],
  claim: { lines: [{ code: '77080', diagnoses: ['M85.851', 'Z78.0'] }] },
};
/** check() through the case harness (src/engine/cases.ts), which parses the encounter as a case file's. */
function checkWith(changes: Record<string, unknown>, options: CheckOptions = {}): Result {
  const { result, differences } = runCase('frequency', { ...FREQUENCY_BASE, ...changes }, {}, knowledge, options);
  if (!result) throw new Error(differences.join('; '));
  return result;
}

const frequencyFindings = (result: Result) => result.findings.filter((f) => f.rule.startsWith('frequency.'));
const frequencyUnchecked = (result: Result) => result.unchecked.filter((u) => u.family === 'frequency').map((u) => u.reason);
const frequencyChecked = (result: Result) => result.checked.filter((c) => c.family === 'frequency').map((c) => c.version);

describe('frequency findings', () => {
  it('words a study too soon without an ABN: the provider is liable', () => {
    const result = checkWith({ history: [{ dateOfService: '2024-03-15', code: '77080' }] });
    expect(frequencyChecked(result)).toEqual([`medicare-bmm ${knowledge.medicare.version}: 23 months counted by month`]);
    expect(frequencyFindings(result)).toEqual([
      {
        rule: 'frequency.too-soon',
        severity: 'error',
        message:
          'line 1 (77080): the last covered bone mass measurement was on 2024-03-15; under the 23-month rule the next is covered from 2026-03-01, after the date of service 2026-02-28. No ABN is on file: the provider is liable.',
        line: 0,
        fix: 'Schedule the study on or after 2026-03-01, document an exception (long-term glucocorticoid monitoring, confirmatory baseline), or obtain an ABN before the service.',
        source: rule.source,
        path: 'history[0]',
        params: { code: '77080', lastDate: '2024-03-15', lastCode: '77080', lastNpi: null, eligibleFrom: '2026-03-01', months: 23, abnOnFile: false },
      },
    ]);
    expect(frequencyUnchecked(result)).toEqual([]);
  });

  it('words a study too soon with an ABN on file: a warning, billed with GA', () => {
    const [finding] = frequencyFindings(checkWith({ abnOnFile: true, history: [{ dateOfService: '2024-03-15', code: '77080' }] }));
    expect(finding).toEqual({
      rule: 'frequency.too-soon',
      severity: 'warning',
      message:
        'line 1 (77080): the last covered bone mass measurement was on 2024-03-15; under the 23-month rule the next is covered from 2026-03-01, after the date of service 2026-02-28. An ABN is on file: bill with GA, the patient is liable.',
      line: 0,
      fix: 'Bill with GA.',
      source: rule.source,
      path: 'history[0]',
      params: { code: '77080', lastDate: '2024-03-15', lastCode: '77080', lastNpi: null, eligibleFrom: '2026-03-01', months: 23, abnOnFile: true },
    });
  });

  it('words the confirmatory-baseline exception, with its own source and no fix', () => {
    const exception = rule.exceptions.find((e) => e.id === 'confirmatory-baseline')!;
    expect(frequencyFindings(checkWith({ history: [{ dateOfService: '2025-09-10', code: '77081', npi: '1245319599' }] }))).toEqual([
      {
        rule: 'frequency.exception',
        severity: 'info',
        message: `line 1 (77080): the last covered bone mass measurement was on 2025-09-10 by NPI 1245319599, which still counts: ${ACROSS}; under the 23-month rule the next is covered from 2027-09-01, after the date of service 2026-02-28. The exception for confirmatory baseline by axial DXA after a first test by another technique applies; document the medical necessity.`,
        line: 0,
        source: exception.source,
        path: 'history[0]',
        params: { code: '77080', lastDate: '2025-09-10', lastCode: '77081', lastNpi: '1245319599', eligibleFrom: '2027-09-01', months: 23, exception: 'confirmatory-baseline' },
      },
    ]);
  });

  it('names another provider only when the last study was by a known provider other than the billing one', () => {
    const message = (billingProvider: unknown, npi: string | undefined) =>
      frequencyFindings(checkWith({ billingProvider, history: [{ dateOfService: '2024-03-15', code: '77080', npi }] }))[0]!.message;
    expect(message({ npi: '1234567893' }, '1245319599')).toBe(
      `line 1 (77080): the last covered bone mass measurement was on 2024-03-15 by another provider (NPI 1245319599), which still counts: ${ACROSS}; under the 23-month rule the next is covered from 2026-03-01, after the date of service 2026-02-28. No ABN is on file: the provider is liable.`,
    );
    expect(message({ npi: '1234567893' }, undefined)).toBe(
      'line 1 (77080): the last covered bone mass measurement was on 2024-03-15; under the 23-month rule the next is covered from 2026-03-01, after the date of service 2026-02-28. No ABN is on file: the provider is liable.',
    );
    expect(message({ npi: '1234567893' }, '1234567893')).toBe(
      'line 1 (77080): the last covered bone mass measurement was on 2024-03-15; under the 23-month rule the next is covered from 2026-03-01, after the date of service 2026-02-28. No ABN is on file: the provider is liable.',
    );
  });
});

describe('frequency run alone', () => {
  it('assesses each line itself when the coverage family, which assesses the claim for both, is not run', () => {
    const result = checkWith({ history: [{ dateOfService: '2024-03-15', code: '77080' }] }, { families: new FamilySelection(['frequency']) });
    expect(frequencyFindings(result).map((f) => [f.rule, f.severity, f.params])).toEqual([
      ['frequency.too-soon', 'error', { code: '77080', lastDate: '2024-03-15', lastCode: '77080', lastNpi: null, eligibleFrom: '2026-03-01', months: 23, abnOnFile: false }],
    ]);
  });
});

describe('frequency not checked, or not applicable', () => {
  it('says why without history, and why an organisation-only history is empty', () => {
    expect(frequencyUnchecked(checkWith({}))).toEqual(['line 1 (77080): no history was given, so the date of the last covered bone mass measurement is unknown']);
    expect(frequencyUnchecked(checkWith({}, { historyScope: 'this-organization' }))).toEqual([
      "line 1 (77080): no history was given and the patient has no medical record number or member id to match this organisation's stored studies by, so the date of the last covered bone mass measurement is unknown",
    ]);
  });

  it("says an organisation's own studies are not enough, with the last of them or none", () => {
    const own = { historyScope: 'this-organization' } as const;
    expect(frequencyUnchecked(checkWith({ history: [{ dateOfService: '2023-01-10', code: '77080' }] }, own))).toEqual([
      `line 1 (77080): only this organisation's own stored studies are known (the last of them on 2023-01-10); ${ACROSS}, and studies by other providers are not known: give them in history`,
    ]);
    expect(frequencyUnchecked(checkWith({ history: [] }, own))).toEqual([
      `line 1 (77080): only this organisation's own stored studies are known (none of them before this date); ${ACROSS}, and studies by other providers are not known: give them in history`,
    ]);
    // A history the caller gives as complete is checked.
    expect(frequencyUnchecked(checkWith({ history: [{ dateOfService: '2023-01-10', code: '77080' }] }))).toEqual([]);
  });

  it('records a commercial payer as not applicable and an unknown payer as not checked', () => {
    const commercial = checkWith({ payer: 'aetna-cpb-0134', history: [{ dateOfService: '2025-06-01', code: '77080' }] });
    expect(frequencyChecked(commercial)).toEqual(['not applicable: Commercial plan modelled on Aetna Clinical Policy Bulletin 0134 is not Medicare (see payer)']);
    expect(frequencyFindings(commercial)).toEqual([]);
    expect(frequencyUnchecked(commercial)).toEqual([]);
    const unknown = checkWith({ payer: 'no-such-payer', history: [{ dateOfService: '2025-06-01', code: '77080' }] });
    expect(frequencyChecked(unknown)).toEqual([]);
    expect(frequencyUnchecked(unknown)).toEqual(['the payer pack is unknown']);
    expect(frequencyFindings(unknown)).toEqual([]);
  });
});
