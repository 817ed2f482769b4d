/**
 * The rule-case harness (src/engine/cases.ts) can fail: every kind of expectation a case file or a payer pack may
 * state is shown to report a difference when the result does not match it, and none when it does. Without this a
 * harness that compared nothing would pass every case in cases/ and every pack's cases (`dxacode policy test`).
 * The encounters are cases of cases/mue-units.yaml and cases/report-documentation.yaml.
 */
import { describe, expect, it } from 'vitest';
import type { CaseExpect } from '../src/knowledge/schema.js';
import { resultDifferences, resultSummary, runCase } from '../src/engine/cases.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';

const knowledge = loadKnowledge();
const defaults = {
  dateOfService: '2026-03-02',
  patient: { sex: 'female', age: 72 },
  payer: 'medicare',
  jurisdiction: 'J15',
  orderingProvider: { treating: true },
  diagnoses: ['M85.851', 'Z78.0'],
  clinical: { estrogenDeficient: true, tScoreLowest: -2.6 },
  history: [],
};
/** Two units of 77081 over its MUE of 1: units.over-mue@0:error, recommended 77081 (cases/mue-units.yaml). */
const overMue = { ...defaults, performed: [{ procedure: 'dxa-peripheral' }], claim: { lines: [{ code: '77081', units: 2, diagnoses: ['M85.851'] }] } };
/** 77083 has no MUE in the CMS table: units not checked (cases/mue-units.yaml). */
const noMue = { ...defaults, payer: 'aetna-cpb-0134', performed: [{ procedure: 'radiographic-absorptiometry', sites: ['finger'] }], claim: { lines: [{ code: '77083', diagnoses: ['M85.851'] }] } };
const report = 'DXA of the lumbar spine was performed.\nL1-L4 BMD 0.912 g/cm2, T-score -1.6.\nIMPRESSION: Osteopenia of the spine.\nElectronically signed by Robert Chen, MD on 03/02/2026\n';
/** A report whose T-score fills clinical.tScoreLowest (cases/report-documentation.yaml). */
const fromReport = { ...defaults, clinical: {}, diagnoses: [], performed: undefined, report };

const differences = (encounter: Record<string, unknown>, want: CaseExpect) => runCase('case', encounter, want, knowledge).differences;

describe('the rule-case harness', () => {
  it('passes a result that matches every kind of expectation', () => {
    expect(
      differences(overMue, {
        verdict: 'reject',
        findings: ['units.over-mue', 'units.over-mue@0', 'units.over-mue:error', 'units.over-mue@0:error'],
        notFindings: ['units.over-mue@1', 'units.over-mue:warning', 'units.over-mue-date'],
        recommended: ['77081'],
        recommendedPointers: [['M85.851', 'Z78.0']],
        notUnchecked: ['units'],
        messages: { 'units.over-mue': 'exceed the MUE of 1' },
        fixes: { 'units.over-mue': 'Bill 1 unit.' },
        params: { 'units.over-mue@0': { code: '77081', mue: 1 } },
        paths: { 'units.over-mue@0': 'claim.lines[0].units' },
        counts: { 'units.over-mue': 1, 'units.over-mue@1': 0 },
      }),
    ).toEqual([]);
    expect(differences(noMue, { unchecked: ['units'], uncheckedReasons: { units: 'no MUE value is known for 77083' } })).toEqual([]);
    expect(differences(fromReport, { fromReport: ['clinical.tScoreLowest'], notFromReport: ['clinical.heightLossHistoricalCm'] })).toEqual([]);
  });

  it('reports a wrong verdict, a missing finding and an unwanted one, by rule, line and severity', () => {
    expect(differences(overMue, { verdict: 'clean' })).toEqual(['verdict: expected clean, got reject']);
    const got = 'got units.over-mue@0:error, medicare.bmm-qualified:info';
    for (const spec of ['units.over-mue@1', 'units.over-mue:warning', 'units.over-mue@0:warning', 'units.over-mue-date']) {
      expect(differences(overMue, { findings: [spec] })).toEqual([`findings: expected ${spec}, ${got}`]);
    }
    expect(differences(overMue, { notFindings: ['units.over-mue@0:error'] })).toEqual([`findings: did not expect units.over-mue@0:error, ${got}`]);
    expect(differences(noMue, { findings: ['units.over-mue'] })[0]).toMatch(/^findings: expected units.over-mue, got /);
  });

  it('reports a different recommended claim: lines, pointers and diagnoses', () => {
    expect(differences(overMue, { recommended: ['77081-26'] })).toEqual(['recommended: expected 77081-26, got 77081']);
    expect(differences(overMue, { recommended: [] })).toEqual(['recommended: expected , got 77081']);
    expect(differences(overMue, { recommendedPointers: [['Z78.0']] })).toEqual(['recommendedPointers: expected [["Z78.0"]], got [["M85.851","Z78.0"]]']);
    const diagnoses = runCase('case', overMue, {}, knowledge).result!.recommended.diagnoses;
    expect(differences(overMue, { recommendedDiagnoses: ['M81.0'] })).toEqual([`recommendedDiagnoses: expected M81.0, got ${diagnoses.join(', ')}`]);
  });

  it('reports unchecked families and reasons that differ', () => {
    expect(differences(overMue, { unchecked: ['units'] })[0]).toMatch(/^unchecked: expected units, got /);
    expect(differences(noMue, { notUnchecked: ['units'] })).toEqual([expect.stringMatching(/^unchecked: did not expect units \(.*no MUE value is known for 77083/)]);
    expect(differences(noMue, { uncheckedReasons: { units: 'the MUE table is missing' } })).toEqual([expect.stringMatching(/^unchecked units: expected a reason containing "the MUE table is missing", got ".*77083/)]);
    expect(differences(overMue, { uncheckedReasons: { units: 'anything' } })).toEqual(['unchecked units: expected a reason containing "anything", got none']);
  });

  it('reports messages, fixes, params, paths and counts that differ, and a finding that is not there', () => {
    expect(differences(overMue, { messages: { 'units.over-mue': 'MUE of 2' } })).toEqual([expect.stringMatching(/^message of units.over-mue: expected it to contain "MUE of 2", got ".*MUE of 1/)]);
    expect(differences(overMue, { messages: { 'dx.none': 'no diagnosis' } })).toEqual(['message of dx.none: expected it to contain "no diagnosis", got no such finding']);
    expect(differences(overMue, { fixes: { 'units.over-mue': 'Bill 2 units.' } })).toEqual(['fix of units.over-mue: expected it to contain "Bill 2 units.", got "Bill 1 unit."']);
    expect(differences(overMue, { fixes: { 'dx.none': 'x' } })).toEqual(['fix of dx.none: expected it to contain "x", got none']);
    expect(differences(overMue, { params: { 'units.over-mue@0': { mue: 2 } } })[0]).toMatch(/^params of units.over-mue@0: expected \{"mue":2\}, got \{.*"mue":1/);
    expect(differences(overMue, { params: { 'units.over-mue@0': { code: '77081', units: 1 } } })).toHaveLength(1);
    expect(differences(overMue, { params: { 'units.over-mue@1': { mue: 1 } } })).toEqual(['params of units.over-mue@1: expected the finding, got units.over-mue@0:error, medicare.bmm-qualified:info']);
    expect(differences(overMue, { paths: { 'units.over-mue@0': 'claim.lines[0]' } })).toEqual(['path of units.over-mue@0: expected claim.lines[0], got claim.lines[0].units']);
    expect(differences(overMue, { paths: { 'dx.none': 'diagnoses' } })).toEqual(['path of dx.none: expected diagnoses, got no such finding']);
    expect(differences(overMue, { counts: { 'units.over-mue': 2 } })).toEqual(['count of units.over-mue: expected 2, got 1 in units.over-mue@0:error, medicare.bmm-qualified:info']);
    expect(differences(overMue, { counts: { 'units.over-mue@1': 1 } })).toEqual(['count of units.over-mue@1: expected 1, got 0 in units.over-mue@0:error, medicare.bmm-qualified:info']);
  });

  it('reports fields filled or not filled from the report, and evidence that is not the report text', () => {
    expect(differences(fromReport, { fromReport: ['clinical.heightLossHistoricalCm'] })[0]).toMatch(/^fromReport: expected clinical.heightLossHistoricalCm, got .*clinical.tScoreLowest/);
    expect(differences(overMue, { fromReport: ['clinical.tScoreLowest'] })).toEqual(['fromReport: expected clinical.tScoreLowest, got none']);
    expect(differences(fromReport, { notFromReport: ['clinical.tScoreLowest'] })).toEqual(['fromReport: did not expect clinical.tScoreLowest']);
    const result = runCase('case', fromReport, {}, knowledge).result!;
    expect(resultDifferences(result, {}, report)).toEqual([]);
    expect(resultDifferences(result, {}, report.replace('-1.6', '-2.6'))).toContain('fromReport clinical.tScoreLowest: the evidence span does not match the report text');
  });

  it('checks that unusable input is refused naming its fields, and reports input that is refused unexpectedly', () => {
    const zeroUnits = { ...overMue, claim: { lines: [{ code: '77081', units: 0 }] } };
    expect(runCase('case', zeroUnits, { invalid: ['claim.lines[0].units'] }, knowledge)).toMatchObject({ ok: true, differences: [] });
    expect(runCase('case', zeroUnits, { invalid: ['claim.lines[0].code'] }, knowledge)).toMatchObject({ ok: false, differences: ['invalid: expected field claim.lines[0].code to be named, got claim.lines[0].units'] });
    expect(runCase('case', overMue, { invalid: ['claim.lines[0].units'] }, knowledge)).toMatchObject({ ok: false, differences: ['invalid: expected the encounter to be refused, and it was accepted'] });
    const refused = runCase('case', zeroUnits, {}, knowledge);
    expect(refused.ok).toBe(false);
    expect(refused.differences).toEqual([expect.stringMatching(/^encounter: claim.lines\[0\].units: /)]);
    expect(refused.result).toBeUndefined();
  });

  it('says ok exactly when there is no difference, and sums the result up in one line', () => {
    expect(runCase('case', overMue, { verdict: 'reject' }, knowledge)).toMatchObject({ name: 'case', ok: true });
    expect(runCase('case', overMue, { verdict: 'clean' }, knowledge).ok).toBe(false);
    expect(JSON.parse(resultSummary(runCase('case', overMue, {}, knowledge).result!))).toEqual({
      verdict: 'reject',
      findings: expect.arrayContaining(['units.over-mue@0:error']),
      recommended: ['77081'],
      unchecked: expect.any(Array),
    });
  });
});

describe('a case result', () => {
  it('echoes the caller\'s id, and has none when none was given (CONTRACT.md: id is echoed in the result)', () => {
    expect(runCase('case', { ...overMue, id: 'enc-1' }, {}, knowledge).result?.id).toBe('enc-1');
    expect(runCase('case', overMue, {}, knowledge).result).not.toHaveProperty('id');
  });
});

describe('what a difference says the result showed', () => {
  /** A clean commercial axial DXA: no findings, no unchecked families. */
  const clean = { ...defaults, payer: 'aetna-cpb-0134', dateOfService: '2026-06-01', performed: [{ procedure: 'dxa-axial' }] };
  /** A spine radiograph alone: nothing on the recommended claim. */
  const nothingBilled = { ...defaults, performed: [{ procedure: 'spine-radiograph' }] };
  /** Two diagnoses not on the April update list, before it: two reasons of one family. */
  const twoReasons = { ...defaults, diagnoses: ['E55.1', 'R99.1'], performed: [{ procedure: 'dxa-axial' }] };
  const notListed = (code: string) => `${code} is not on the ICD-10-CM update list in force from 2026-04-01; whether it was valid on 2026-03-02, before that update, is not known (import the release in force then)`;

  it('says "none" where the result has no findings, no recommended line or no unchecked family', () => {
    expect(differences(clean, { findings: ['units.over-mue'], unchecked: ['units'] })).toEqual(['findings: expected units.over-mue, got none', 'unchecked: expected units, got none']);
    expect(differences(nothingBilled, { recommended: ['77080'] })).toEqual(['recommended: expected 77080, got none']);
  });

  it('names every reason of the family and every field filled from the report, in order', () => {
    const reasons = [notListed('E55.1'), notListed('R99.1')];
    expect(differences(twoReasons, { notUnchecked: ['diagnoses'] })).toEqual([`unchecked: did not expect diagnoses (${reasons.join('; ')})`]);
    expect(differences(twoReasons, { uncheckedReasons: { diagnoses: 'M81.0' } })).toEqual([`unchecked diagnoses: expected a reason containing "M81.0", got ${reasons.map((r) => JSON.stringify(r)).join('; ')}`]);
    expect(differences(twoReasons, { uncheckedReasons: { diagnoses: 'R99.1 is not on' } })).toEqual([]);
    expect(differences(fromReport, { fromReport: ['clinical.heightLossHistoricalCm'] })).toEqual(['fromReport: expected clinical.heightLossHistoricalCm, got performed[0], clinical.tScoreLowest']);
  });

  it('shows a finding without params as {} and a finding without a path as undefined', () => {
    expect(differences(fromReport, { params: { 'dx.none': { code: 'M81.0' } } })).toEqual(['params of dx.none: expected {"code":"M81.0"}, got {}']);
    expect(differences(fromReport, { paths: { 'dx.none': 'diagnoses' } })).toEqual(['path of dx.none: expected diagnoses, got undefined']);
  });

  it('reports a finding outside the rule catalogue, and evidence when no report text is given', () => {
    const result = runCase('case', fromReport, {}, knowledge).result!;
    const uncatalogued = { ...result, findings: [{ ...result.findings[0]!, rule: 'dx.not-a-rule' as 'dx.none' }] };
    expect(resultDifferences(uncatalogued, {}, report)).toEqual(['findings: dx.not-a-rule is not in the rule catalogue']);
    expect(resultDifferences(result, {}, undefined)).toEqual([
      'fromReport performed[0]: the evidence span does not match the report text',
      'fromReport clinical.tScoreLowest: the evidence span does not match the report text',
    ]);
  });

  it('sums a result up: verdict, every finding with its line or "-", the recommended lines and the unchecked families', () => {
    expect(JSON.parse(resultSummary(runCase('case', overMue, {}, knowledge).result!))).toEqual({ verdict: 'reject', findings: ['units.over-mue@0:error', 'medicare.bmm-qualified@-:info'], recommended: ['77081'], unchecked: [] });
    expect(JSON.parse(resultSummary(runCase('case', twoReasons, {}, knowledge).result!))).toEqual({
      verdict: 'reject',
      findings: ['medicare.bmm-article-diagnosis-not-covered@-:error', 'medicare.bmm-qualified@-:info', 'medicare.bmm-category-not-coded@-:warning'],
      recommended: ['77080-GZ'],
      unchecked: ['diagnoses', 'diagnoses'],
    });
  });
});

describe('a difference that lists two or more entries separates them', () => {
  /** 77081 and 77080 on one day, each of two units over its MUE of 1: two units.over-mue findings, different params. */
  const twoOverMue = { ...defaults, performed: [{ procedure: 'dxa-peripheral' }, { procedure: 'dxa-axial' }], claim: { lines: [{ code: '77081', units: 2, diagnoses: ['M85.851'] }, { code: '77080', units: 2, diagnoses: ['M85.851'] }] } };
  /** The same two studies with no claim: the recommended claim has two lines (77080 takes XU and GZ). */
  const twoLines = { ...defaults, performed: [{ procedure: 'dxa-peripheral' }, { procedure: 'dxa-axial' }] };
  /** 77083 (no MUE) with E55.1 before the April update: two families not checked, each with its reason. */
  const twoFamilies = { ...defaults, diagnoses: ['E55.1', 'M85.851'], performed: [{ procedure: 'radiographic-absorptiometry', sites: ['finger'] }] };
  const noMueReason = 'no MUE value is known for 77083 (not in NCCI MUE practitioner services 2026 Q4 (effective 2026-10-01; 11 bone-density codes), embedded)';
  const notListedReason = 'E55.1 is not on the ICD-10-CM update list in force from 2026-04-01; whether it was valid on 2026-03-02, before that update, is not known (import the release in force then)';

  it('recommended lines and diagnoses, expected and got', () => {
    expect(differences(twoLines, { recommended: ['77081', '77080-XU'] })).toEqual(['recommended: expected 77081, 77080-XU, got 77081, 77080-XU-GZ']);
    expect(differences(twoLines, { recommendedDiagnoses: ['M81.0', 'Z78.0'] })).toEqual(['recommendedDiagnoses: expected M81.0, Z78.0, got M85.851, Z78.0']);
  });

  it('unchecked families, and only the family asked about gives its reasons', () => {
    expect(differences(twoFamilies, { unchecked: ['pairs'] })).toEqual(['unchecked: expected pairs, got units, diagnoses']);
    expect(differences(twoFamilies, { notUnchecked: ['units'] })).toEqual([`unchecked: did not expect units (${noMueReason})`]);
    expect(differences(twoFamilies, { notUnchecked: ['diagnoses'] })).toEqual([`unchecked: did not expect diagnoses (${notListedReason})`]);
    expect(differences(twoFamilies, { uncheckedReasons: { units: 'E55.1' } })).toEqual([`unchecked units: expected a reason containing "E55.1", got ${JSON.stringify(noMueReason)}`]);
    expect(differences(twoFamilies, { uncheckedReasons: { diagnoses: '77083' } })).toEqual([`unchecked diagnoses: expected a reason containing "77083", got ${JSON.stringify(notListedReason)}`]);
  });

  it('params and paths of every finding a spec matches; params match when any one finding carries them', () => {
    const params = (code: string) => JSON.stringify({ code, units: 2, mue: 1, mai: 2 });
    expect(differences(twoOverMue, { params: { 'units.over-mue': { mue: 2 } } })).toEqual([`params of units.over-mue: expected {"mue":2}, got ${params('77081')}; ${params('77080')}`]);
    expect(differences(twoOverMue, { params: { 'units.over-mue': { code: '77080' } } })).toEqual([]);
    expect(differences(twoOverMue, { params: { 'units.over-mue': { code: '77081' } } })).toEqual([]);
    expect(differences(twoOverMue, { paths: { 'units.over-mue': 'claim.lines[2].units' } })).toEqual(['path of units.over-mue: expected claim.lines[2].units, got claim.lines[0].units, claim.lines[1].units']);
  });

  it('the fields of refused input', () => {
    const zeroUnits = { ...defaults, performed: [{ procedure: 'dxa-axial' }], claim: { lines: [{ code: '77081', units: 0 }, { code: '77080', units: 0 }] } };
    expect(runCase('case', zeroUnits, { invalid: ['claim.lines[0].code'] }, knowledge)).toMatchObject({ ok: false, differences: ['invalid: expected field claim.lines[0].code to be named, got claim.lines[0].units, claim.lines[1].units'] });
  });
});
