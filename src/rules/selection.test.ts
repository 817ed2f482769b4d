/**
 * The selection family's findings and records word for word: message, fix, source, path and params of each finding,
 * the `checked` entry and the `unchecked` reason (cases/cpt-code-selection.yaml and cases/tbs-77089-77092.yaml compare
 * ids, severities, params, paths and parts of messages; these compare the whole finding). REFERENCE.md §1: 77085 is
 * axial DXA with VFA in one session from 2015-01-01, 76077 the VFA code of 2005-2006, no VFA code before 2005; §1-2
 * (codes.json procedureSites): the axial skeleton is hips, pelvis and spine, peripheral is radius, wrist, heel;
 * §2: spine radiographs 72020-72120 by region and views; §3: one or more sites is one unit per study; §5-6: the
 * service includes the physician's interpretation (42 CFR 410.31), 77086 needs a documented interpretation, TC is
 * the technical component only.
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../contract/result.js';
import { runCase } from '../engine/cases.js';
import type { CheckOptions } from '../engine/check.js';
import { FamilySelection } from '../engine/families.js';
import { loadKnowledge } from '../io/knowledge-files.js';

const knowledge = loadKnowledge();
const codes = knowledge.codes;
const entryOf = (code: string) => codes.byCode.get(code)!;
const SELECTION_SOURCE = { title: 'CPT code definitions and history (REFERENCE §1-2)', confidence: 'verified' };
const INTERPRETATION_SOURCE = {
  title: 'REFERENCE §5-6: the service includes the physician interpretation (42 CFR 410.31); 77086 needs a documented interpretation',
  confidence: 'secondary',
};

/** An Aetna encounter on 2026-03-02; `performed` and `claim` given per test ("77080-TC": a code and its modifier). */
const BASE = {
  dateOfService: '2026-03-02',
  patient: { sex: 'female', age: 72 },
  payer: 'aetna',
  orderingProvider: { treating: true },
  diagnoses: ['M85.851', 'Z78.0'],
  clinical: { estrogenDeficient: true, tScoreLowest: -2.6 },
  history: [],
};
type Performed = { procedure: string; sites?: string[]; interpreted?: boolean };
/** `performed` undefined: left out, for an encounter whose report text says what was performed. */
function checkWith(performed: (string | Performed)[] | undefined, lines?: string[], changes: Record<string, unknown> = {}, options: CheckOptions = {}): Result {
  const claim = lines && { lines: lines.map((l) => ({ code: l.split('-')[0], modifiers: l.split('-').slice(1), diagnoses: ['M85.851'] })) };
  const given = performed && { performed: performed.map((p) => (typeof p === 'string' ? { procedure: p } : p)) };
  const { result, differences } = runCase('selection', { ...BASE, ...given, ...(claim ? { claim } : {}), ...changes }, {}, knowledge, options);
  if (!result) throw new Error(differences.join('; '));
  return result;
}
/** The whole `selection.not-documented` finding of claim line `index` billing `code`, with the codes selected instead. */
const notDocumented = (index: number, code: string, selected: string[], fix: string) => ({
  rule: 'selection.not-documented',
  severity: 'error',
  message: `line ${index + 1} (${code}) bills ${entryOf(code).label}, which the encounter does not document as performed.`,
  line: index,
  fix,
  source: entryOf(code).source,
  path: `claim.lines[${index}].code`,
  params: { code, selected },
});
const selectionFindings = (result: Result) => result.findings.filter((f) => f.rule.startsWith('selection.'));
const selectionChecked = (result: Result) => result.checked.filter((c) => c.family === 'selection').map((c) => c.version);
const selectionUnchecked = (result: Result) => result.unchecked.filter((u) => u.family === 'selection').map((u) => u.reason);

describe('selection findings about the performed procedures', () => {
  it('names the sites that do not belong to the procedure, and the ones that do', () => {
    const result = checkWith([{ procedure: 'dxa-axial', sites: ['lumbar-spine', 'left-forearm', 'heel'] }]);
    expect(selectionChecked(result)).toEqual([`codes ${codes.version}`]);
    expect(selectionFindings(result)).toEqual([
      {
        rule: 'selection.site-mismatch',
        severity: 'error',
        message: 'dxa-axial was reported with site(s) left-forearm, heel, which do not belong to it (expected lumbar-spine, thoracic-spine, left-hip, right-hip, hip).',
        fix: 'Report each study under its own procedure (forearm and heel are peripheral, spine and hips axial).',
        source: codes.procedureSitesSource,
        path: 'performed[0].sites',
        params: { procedure: 'dxa-axial', sites: ['left-forearm', 'heel'], allowed: ['lumbar-spine', 'thoracic-spine', 'left-hip', 'right-hip', 'hip'] },
      },
    ]);
    expect(selectionFindings(checkWith([{ procedure: 'dxa-axial', sites: ['lumbar-spine', 'left-hip'] }]))).toEqual([]);
  });

  it('words a procedure listed twice, at its second entry', () => {
    expect(selectionFindings(checkWith(['dxa-peripheral', 'dxa-axial', 'dxa-axial']))).toEqual([
      {
        rule: 'selection.duplicate-procedure',
        severity: 'info',
        message: 'dxa-axial is listed more than once; one study is one unit whatever the number of sites.',
        source: { title: 'REFERENCE §3: "one or more sites" means one unit per study, not per site', confidence: 'secondary' },
        path: 'performed[2]',
        params: { procedure: 'dxa-axial' },
      },
    ]);
  });

  it('bills a procedure listed twice from its interpreted entry, whichever comes first', () => {
    for (const performed of [[{ procedure: 'dxa-axial', interpreted: false }, { procedure: 'dxa-axial' }], [{ procedure: 'dxa-axial' }, { procedure: 'dxa-axial', interpreted: false }]]) {
      const result = checkWith(performed);
      expect(selectionFindings(result).map((f) => f.rule)).toEqual(['selection.duplicate-procedure']);
      expect(result.recommended.lines.map((l) => [l.code, l.modifiers])).toEqual([['77080', []]]);
    }
  });

  it('asks for the region and views of a spine radiograph', () => {
    expect(selectionFindings(checkWith(['dxa-axial', { procedure: 'spine-radiograph', sites: ['thoracic-spine'] }]))).toEqual([
      {
        rule: 'selection.views-needed',
        severity: 'warning',
        message: 'A spine radiograph was performed; its code (72020-72120) depends on the region and number of views, which the encounter does not give.',
        fix: 'Choose the spine radiograph code from the documented region and views and add it to the claim.',
        source: { title: 'REFERENCE §2: conventional spine radiographs 72020-72120', confidence: 'secondary' },
        path: 'performed[1]',
        params: { procedure: 'spine-radiograph' },
      },
    ]);
  });

  it('says no code exists for VFA on 2004-12-31, the day before 76077 began, and selects 76077 on 2005-01-01', () => {
    const before = checkWith(['dxa-axial', 'vfa'], undefined, { dateOfService: '2004-12-31' });
    expect(selectionFindings(before)).toEqual([
      {
        rule: 'selection.no-code-on-date',
        severity: 'warning',
        message: 'No code for vfa exists in the code set of 2004-12-31 in the reference data.',
        fix: 'Check the CPT book of that year; the reference data records codes from 2005 on.',
        source: SELECTION_SOURCE,
        path: 'performed[1]',
        params: { service: 'vfa', date: '2004-12-31' },
      },
    ]);
    expect(before.recommended.lines.map((l) => l.code)).toEqual(['76075']);
    const first = checkWith(['dxa-axial', 'vfa'], undefined, { dateOfService: '2005-01-01' });
    expect(selectionFindings(first)).toEqual([]);
    expect(first.recommended.lines.map((l) => l.code)).toEqual(['76075', '76077']);
  });

  it('builds the recommended claim without writing these findings when the selection family is not run', () => {
    // A procedure listed twice and a VFA the day before 76077 began: without the family, no report to write to.
    const result = checkWith(['dxa-axial', 'dxa-axial', 'vfa'], undefined, { dateOfService: '2004-12-31' }, { families: new FamilySelection(['codes']) });
    expect(selectionFindings(result)).toEqual([]);
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['76075']);
  });
});

describe('a study without a documented interpretation', () => {
  const notInterpreted = (message: string, fix: string, path: string, service: string, component: string) => ({
    rule: 'selection.not-interpreted',
    severity: 'error',
    message,
    fix,
    source: INTERPRETATION_SOURCE,
    path,
    params: { service, component },
  });
  const TC_ONLY = 'Bill the technical component (TC) only, or document the interpretation.';

  it('recommends the technical component of a global provider, as a warning', () => {
    const result = checkWith([{ procedure: 'dxa-axial', interpreted: false }]);
    expect(selectionFindings(result)).toEqual([
      {
        ...notInterpreted(
          "No interpretation is documented for dxa-axial: the recommended claim bills its technical component (TC) only, since the global service includes the physician's interpretation.",
          TC_ONLY, 'performed[0].interpreted', 'dxa-axial', 'global',
        ),
        severity: 'warning',
      },
    ]);
  });

  it('names the study of 77085 that lacks the interpretation, or both', () => {
    const label = (performed: Performed[]) => selectionFindings(checkWith(performed)).map((f) => [f.message, f.path]);
    const tcOnly = (what: string) => `No interpretation is documented for ${what}: the recommended claim bills its technical component (TC) only, since the global service includes the physician's interpretation.`;
    expect(label([{ procedure: 'dxa-axial' }, { procedure: 'vfa', interpreted: false }])).toEqual([[tcOnly('the VFA of axial DXA with VFA'), 'performed[1].interpreted']]);
    expect(label([{ procedure: 'dxa-axial', interpreted: false }, { procedure: 'vfa' }])).toEqual([[tcOnly('the axial study of axial DXA with VFA'), 'performed[0].interpreted']]);
    expect(label([{ procedure: 'vfa', interpreted: false }, { procedure: 'dxa-axial', interpreted: false }])).toEqual([[tcOnly('axial DXA with VFA'), 'performed[1].interpreted']]);
  });

  it('rejects a submitted global line for an uninterpreted study, and accepts one with TC', () => {
    expect(selectionFindings(checkWith([{ procedure: 'dxa-axial', interpreted: false }], ['77080']))).toEqual([
      notInterpreted(
        "No interpretation is documented for dxa-axial, but the global or professional component is billed; the code includes the physician's interpretation.",
        TC_ONLY, 'performed[0].interpreted', 'dxa-axial', 'global',
      ),
    ]);
    expect(selectionFindings(checkWith([{ procedure: 'dxa-axial', interpreted: false }], ['77080-TC']))).toEqual([]);
    // One of two lines of the code without TC is enough.
    expect(selectionFindings(checkWith([{ procedure: 'dxa-axial', interpreted: false }], ['77080-TC', '77080-76'])).map((f) => f.rule)).toEqual(['selection.not-interpreted']);
    // A line of another code without TC is not the uninterpreted study's.
    expect(selectionFindings(checkWith([{ procedure: 'dxa-axial', interpreted: false }, 'dxa-peripheral'], ['77080-TC', '77081']))).toEqual([]);
  });

  it('rejects the professional component of an uninterpreted study and selects no code for it; a technical provider needs none', () => {
    const result = checkWith([{ procedure: 'vfa', interpreted: false }], undefined, { component: 'professional' });
    expect(selectionFindings(result)).toEqual([
      notInterpreted(
        "No interpretation is documented for vfa, but the professional component is billed; the code includes the physician's interpretation.",
        'Do not bill the professional component until the interpretation is documented.', 'performed[0].interpreted', 'vfa', 'professional',
      ),
    ]);
    expect(result.recommended.lines).toEqual([]);
    const technical = checkWith([{ procedure: 'vfa', interpreted: false }], undefined, { component: 'technical' });
    expect(selectionFindings(technical)).toEqual([]);
    expect(technical.recommended.lines.map((l) => [l.code, l.modifiers])).toEqual([['77086', ['TC']]]);
  });
});

describe('selection findings comparing the claim with the documentation', () => {
  it('says nothing about the claim when none is given (the recommended claim is the selection)', () => {
    expect(selectionFindings(checkWith(['dxa-axial', 'dxa-peripheral']))).toEqual([]);
  });

  it('names a performed study the claim leaves out, and where it was performed, beside a code outside the tables too', () => {
    for (const claim of [['77080'], ['77080', '0554T']]) {
      expect(selectionFindings(checkWith(['dxa-axial', 'dxa-peripheral'], claim))).toEqual([
        {
          rule: 'selection.not-billed',
          severity: 'warning',
          message: `77081 (${entryOf('77081').label}) was performed and documented but is not on the claim.`,
          fix: 'Add a 77081 line.',
          source: entryOf('77081').source,
          path: 'performed[1]',
          params: { code: '77081', billed: [] },
        },
      ]);
    }
  });

  it('asks for 77085 in place of 77080 or 77086 billed alone for axial DXA with VFA, and leaves both billed to the pairs family', () => {
    const notBilled = (billed: string) => ({
      rule: 'selection.not-billed',
      severity: 'warning',
      message: `77085 (${entryOf('77085').label}) was performed and documented but is not on the claim.`,
      fix: `Replace ${billed} with one 77085 line.`,
      source: entryOf('77085').source,
      path: 'performed[0]',
      params: { code: '77085', billed: [billed] },
    });
    expect(selectionFindings(checkWith(['dxa-axial', 'vfa'], ['77080']))).toEqual([notBilled('77080')]);
    expect(selectionFindings(checkWith(['dxa-axial', 'vfa'], ['77086']))).toEqual([notBilled('77086')]);
    expect(selectionFindings(checkWith(['dxa-axial', 'vfa'], ['77080', '77086']))).toEqual([]);
  });

  it('leaves a line of the right service with the code of another date to the codes family', () => {
    // 76075 is the axial DXA code until 2006 (REFERENCE §1): code.deleted reports it.
    const result = checkWith(['dxa-axial'], ['76075']);
    expect(selectionFindings(result)).toEqual([]);
    expect(result.findings.map((f) => f.rule)).toContain('code.deleted');
  });

  it('leaves a 77085 line of 2014-12-31, the day before 77085 began, to the codes family when both its studies were performed', () => {
    // Before 2015 the axial study is 77080 and the VFA 77082 (REFERENCE §1); the 77085 line stands for both.
    const result = checkWith(['dxa-axial', 'vfa'], ['77085'], { dateOfService: '2014-12-31' });
    expect(selectionFindings(result)).toEqual([]);
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['77080', '77082']);
    // With one of the two studies, the line bills a service not performed.
    for (const [performed, selected] of [['dxa-axial', '77080'], ['vfa', '77082']]) {
      expect(selectionFindings(checkWith([performed!], ['77085'], { dateOfService: '2014-12-31' }))).toEqual([
        notDocumented(0, '77085', [selected!], `Bill what was performed: ${selected}.`),
      ]);
    }
  });

  it('names every selected code in what to bill instead', () => {
    expect(selectionFindings(checkWith(['dxa-peripheral', 'vfa'], ['77081', '77086', '77080']))).toEqual([
      notDocumented(2, '77080', ['77081', '77086'], 'Bill what was performed: 77081, 77086.'),
    ]);
  });

  it('words a line for a study not performed, and what to bill instead', () => {
    const label = entryOf('77080').label;
    expect(selectionFindings(checkWith(['dxa-peripheral'], ['77081', '77080']))).toEqual([
      {
        rule: 'selection.not-documented',
        severity: 'error',
        message: `line 2 (77080) bills ${label}, which the encounter does not document as performed.`,
        line: 1,
        fix: 'Bill what was performed: 77081.',
        source: entryOf('77080').source,
        path: 'claim.lines[1].code',
        params: { code: '77080', selected: ['77081'] },
      },
    ]);
    // Nothing selected: only an uninterpreted study of a professional-component provider.
    const none = checkWith([{ procedure: 'vfa', interpreted: false }], ['77080'], { component: 'professional' });
    expect(selectionFindings(none).filter((f) => f.rule === 'selection.not-documented')).toEqual([
      {
        rule: 'selection.not-documented',
        severity: 'error',
        message: `line 1 (77080) bills ${label}, which the encounter does not document as performed.`,
        line: 0,
        fix: 'Remove the line or document the service.',
        source: entryOf('77080').source,
        path: 'claim.lines[0].code',
        params: { code: '77080', selected: [] },
      },
    ]);
  });

  it('counts 77085 as documented only when both the axial study and the VFA were performed', () => {
    const label = entryOf('77085').label;
    // The 77085 line stands for the axial study and the VFA, so the one performed is not also "not billed".
    for (const [performed, selected] of [['dxa-axial', '77080'], ['vfa', '77086']]) {
      expect(selectionFindings(checkWith([performed!], ['77085'])).map((f) => [f.rule, f.message, f.params])).toEqual([
        ['selection.not-documented', `line 1 (77085) bills ${label}, which the encounter does not document as performed.`, { code: '77085', selected: [selected] }],
      ]);
    }
  });

  it('leaves 77083 billed for a VFA to the codes family (code.not-vfa), and reports it beside an axial study alone', () => {
    expect(selectionFindings(checkWith(['vfa'], ['77083'])).filter((f) => f.rule === 'selection.not-documented')).toEqual([]);
    expect(selectionFindings(checkWith(['dxa-axial'], ['77080', '77083'])).map((f) => [f.rule, f.path])).toEqual([['selection.not-documented', 'claim.lines[1].code']]);
  });

  it('says a TBS line was not checked without report text, and judges it by the report when one is given', () => {
    const result = checkWith(['dxa-axial'], ['77080', '77089']);
    expect(selectionFindings(result)).toEqual([]);
    expect(selectionUnchecked(result)).toEqual(['line 2 (77089): a trabecular bone score cannot be listed as performed, so whether the encounter documents it was not checked (give the report text)']);
    const report = (tbs: string) =>
      `DXA BONE DENSITY\nOrdering physician: Maria Lopez, MD\nINDICATION: Postmenopausal.\nTECHNIQUE: DXA of the lumbar spine was performed.\nL1-L4 BMD 0.812 g/cm2, T-score -2.6.${tbs}\nIMPRESSION: Osteoporosis.\nElectronically signed by Robert Chen, MD on 02/10/2026\n`;
    const withScore = checkWith(undefined, ['77080', '77089'], { dateOfService: '2026-02-10', report: report(' Trabecular bone score (TBS) 1.210, partially degraded microarchitecture.') });
    expect(selectionFindings(withScore)).toEqual([]);
    expect(selectionUnchecked(withScore)).toEqual([]);
    const without = checkWith(undefined, ['77080', '77089'], { dateOfService: '2026-02-10', report: report('') });
    expect(selectionFindings(without)).toEqual([notDocumented(1, '77089', ['77080'], 'Bill what was performed: 77080.')]);
    // The score documents the TBS line only: a line of another study not performed is still reported.
    const other = checkWith(undefined, ['77080', '77089', '77081'], { dateOfService: '2026-02-10', report: report(' Trabecular bone score (TBS) 1.210, partially degraded microarchitecture.') });
    expect(selectionFindings(other)).toEqual([notDocumented(2, '77081', ['77080'], 'Bill what was performed: 77080.')]);
  });

  it('leaves a code outside the tables to the codes family', () => {
    expect(selectionFindings(checkWith(['dxa-axial'], ['77080', '0554T']))).toEqual([]);
  });
});
