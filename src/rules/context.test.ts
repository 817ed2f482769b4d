/**
 * What every family reports through: the Report collector (a finding's fields in the contract's order, the catalogue
 * severity unless overridden, shared `checked` entries) and the path helpers, against docs/rules.md "Paths": a path
 * points into the encounter as given (indexes before duplicates are dropped and codes normalised), to the field a
 * finding is about when the line gives it, else to the line; a recommended line points to the `performed[k]` entry it
 * bills; a path is left out only where there is no location.
 */
import { describe, expect, it } from 'vitest';
import type { Encounter } from '../contract/encounter.js';
import { diagnosisPath, historyPath, lineDiagnosesPath, lineDiagnosisPath, lineLabel, linePath, lineRef, modifierPath, noPackReason, Report, type Line, type RuleContext } from './context.js';

const SOURCE = { title: 'a source', confidence: 'verified' } as const;

describe('Report', () => {
  it('writes a finding field by field in the contract order, with the catalogue severity unless given', () => {
    const report = new Report();
    report.add('code.unknown', { message: 'm', line: 0, fix: 'f', source: SOURCE, path: 'claim.lines[0].code', params: { code: 'X', hcpcs: false } });
    report.add('liability.ga', { message: 'm2', source: SOURCE, severity: 'error', params: { code: 'X', modifier: 'GA', reasons: [] } });
    report.add('doc.indication-missing', { message: 'm3', fix: '', source: SOURCE, path: '' });
    expect(report.findings).toEqual([
      { rule: 'code.unknown', severity: 'warning', message: 'm', line: 0, fix: 'f', source: SOURCE, path: 'claim.lines[0].code', params: { code: 'X', hcpcs: false } },
      { rule: 'liability.ga', severity: 'error', message: 'm2', source: SOURCE, params: { code: 'X', modifier: 'GA', reasons: [] } },
      { rule: 'doc.indication-missing', severity: 'error', message: 'm3', fix: '', source: SOURCE, path: '' },
    ]);
    expect(report.findings.map((f) => Object.keys(f))).toEqual([
      ['rule', 'severity', 'message', 'line', 'fix', 'source', 'path', 'params'],
      ['rule', 'severity', 'message', 'source', 'params'],
      ['rule', 'severity', 'message', 'fix', 'source', 'path'],
    ]);
  });

  it('records unchecked reasons as given', () => {
    const report = new Report();
    report.skipped('payer', 'why');
    expect(report.unchecked).toEqual([{ family: 'payer', reason: 'why' }]);
    expect(report.checked).toEqual([]);
  });

  it('shares a frozen checked entry per family and text among its four most recent texts', () => {
    const report = new Report();
    const text = (n: number) => `context.test version ${n}`;
    report.ran('codes', text(1));
    report.ran('codes', text(1));
    report.ran('units', text(1));
    expect(report.checked).toEqual([
      { family: 'codes', version: text(1) },
      { family: 'codes', version: text(1) },
      { family: 'units', version: text(1) },
    ]);
    expect(report.checked[1]).toBe(report.checked[0]);
    expect(report.checked[2]).not.toBe(report.checked[0]);
    expect(Object.isFrozen(report.checked[0])).toBe(true);
    // Three other texts keep the first among the four most recent; a fourth other text pushes it out.
    for (const n of [2, 3, 4]) report.ran('codes', text(n));
    report.ran('codes', text(1));
    expect(report.checked.at(-1)).toBe(report.checked[0]);
    // Other tests of the process may have left texts of their own: eight new ones push them all out first.
    const shared = () => report.checked.at(-1);
    for (const n of [11, 12, 13, 14, 15, 16, 17, 18]) report.ran('codes', text(n));
    const eighteen = shared();
    for (const n of [19, 20, 21]) report.ran('codes', text(n));
    report.ran('codes', text(18));
    expect(shared()).toBe(eighteen);
    // A fourth other text after it: only four are kept, so it is made afresh.
    report.ran('codes', text(22));
    report.ran('codes', text(18));
    expect(shared()).not.toBe(eighteen);
    expect(shared()).toEqual({ family: 'codes', version: text(18) });
  });
});

/** A context with the lines under check and the encounter as given; the rest is not read by the helpers. */
function context(lines: Line[], encounter: Partial<Encounter>, submitted: boolean, linesFrom: number[] = []): RuleContext {
  return { lines, linesAreSubmitted: submitted, encounter, labels: [], linesFrom, input: { payer: 'acme', dateOfService: '2026-03-02', history: encounter.history }, packLookup: { found: 'unknown' } } as unknown as RuleContext;
}
const line = (code: string, modifiers: string[] = [], diagnoses: string[] = []): Line => ({ code, modifiers, units: 1, diagnoses });

describe('labels and line references', () => {
  it('a submitted line is "line n (code)" and cites its index; a recommended line is its code and cites none', () => {
    const submitted = context([line('77080'), line('77086')], {}, true);
    expect([lineLabel(submitted, 0), lineLabel(submitted, 1), lineLabel(submitted, 2)]).toEqual(['line 1 (77080)', 'line 2 (77086)', '?']);
    expect(submitted.labels).toEqual(['line 1 (77080)', 'line 2 (77086)']);
    expect([lineRef(submitted, 0), lineRef(submitted, 1)]).toEqual([0, 1]);
    const recommended = context([line('77085')], {}, false);
    expect([lineLabel(recommended, 0), lineLabel(recommended, 1)]).toEqual(['77085', '?']);
    expect(lineRef(recommended, 0)).toBeUndefined();
  });

  it('says why the payer rules could not run', () => {
    expect(noPackReason(context([], {}, false))).toBe('the payer pack is unknown');
    const outOfPeriod = { ...context([], {}, false), packLookup: { found: 'out-of-period', periods: [] } } as RuleContext;
    expect(noPackReason(outOfPeriod)).toBe('no version of the acme payer pack is in force on 2026-03-02');
  });
});

describe('paths (docs/rules.md, "Paths")', () => {
  const claim = {
    lines: [
      { code: '77080', modifiers: ['26', 'GA', '26'], units: 1, diagnoses: ['m81.0', 'Z78.0'] },
      { code: '77086' },
    ],
  };
  const submitted = context([line('77080', ['26', 'GA', '26'], ['M81.0', 'Z78.0']), line('77086')], { claim, diagnoses: ['Z78.0', 'm810', 'M81.0'], history: [{ dateOfService: '2024-01-02', code: '77080' }, { dateOfService: '2025-01-02', code: '77080' }] } as never, true);
  const recommended = context([line('77085'), line('77081')], { diagnoses: ['M81.0'], history: [] } as never, false, [1]);

  it('a line, or the field of it the finding is about when the line gives that field', () => {
    expect([linePath(submitted, 0), linePath(submitted, 0, 'modifiers'), linePath(submitted, 0, 'units'), linePath(submitted, 1, 'modifiers'), linePath(submitted, 1, 'code')]).toEqual([
      'claim.lines[0]',
      'claim.lines[0].modifiers',
      'claim.lines[0].units',
      'claim.lines[1]',
      'claim.lines[1].code',
    ]);
    // A recommended line points to the performed entry it bills, or nowhere when none is known.
    expect([linePath(recommended, 0, 'code'), linePath(recommended, 1)]).toEqual(['performed[1]', undefined]);
  });

  it('a modifier at its first or last place, else the line', () => {
    expect([modifierPath(submitted, 0, '26'), modifierPath(submitted, 0, '26', true), modifierPath(submitted, 0, 'GA', true)]).toEqual(['claim.lines[0].modifiers[0]', 'claim.lines[0].modifiers[2]', 'claim.lines[0].modifiers[1]']);
    expect([modifierPath(submitted, 0, 'XU'), modifierPath(submitted, 1, '26')]).toEqual(['claim.lines[0].modifiers', 'claim.lines[1]']);
    expect(modifierPath(recommended, 0, 'TC')).toBe('performed[1]');
  });

  it('a diagnosis at its nth place in the encounter as written, else on a claim line', () => {
    expect([diagnosisPath(submitted, 'M81.0'), diagnosisPath(submitted, 'M81.0', 1), diagnosisPath(submitted, 'Z78.0')]).toEqual(['diagnoses[1]', 'diagnoses[2]', 'diagnoses[0]']);
    const lineOnly = context([], { claim: { lines: [{ code: '77080' }, { code: '77081', diagnoses: ['M85.851', 'm81.0'] }] } } as never, true);
    expect([diagnosisPath(lineOnly, 'M81.0'), diagnosisPath(lineOnly, 'M80.08XA'), diagnosisPath(context([], {}, false), 'M81.0')]).toEqual(['claim.lines[1].diagnoses[1]', undefined, undefined]);
    expect(diagnosisPath(submitted, 'M81.0', 2)).toBe('claim.lines[0].diagnoses[0]');
  });

  it("a diagnosis a line points to, and a line's diagnoses", () => {
    expect([lineDiagnosisPath(submitted, 0, 'Z78.0'), lineDiagnosisPath(submitted, 0, 'M81.0'), lineDiagnosisPath(submitted, 0, 'M85.851'), lineDiagnosisPath(submitted, 1, 'M81.0')]).toEqual([
      'claim.lines[0].diagnoses[1]',
      'claim.lines[0].diagnoses[0]',
      'claim.lines[0].diagnoses',
      'claim.lines[1]',
    ]);
    expect(lineDiagnosisPath(recommended, 0, 'M81.0')).toBe('diagnoses[0]');
    expect([lineDiagnosesPath(submitted, 0), lineDiagnosesPath(submitted, 1), lineDiagnosesPath(recommended, 0)]).toEqual(['claim.lines[0].diagnoses', 'claim.lines[1]', 'diagnoses']);
    expect(lineDiagnosesPath(context([line('77080')], {}, false, [0]), 0)).toBe('performed[0]');
  });

  it('a history entry by its date and code', () => {
    expect([historyPath(submitted, '2025-01-02', '77080'), historyPath(submitted, '2024-01-02', '77080'), historyPath(submitted, '2025-01-02', '77081'), historyPath(recommended, '2025-01-02', '77080')]).toEqual([
      'history[1]',
      'history[0]',
      undefined,
      undefined,
    ]);
    expect(historyPath(context([], {}, false), '2025-01-02', '77080')).toBeUndefined();
  });
});
