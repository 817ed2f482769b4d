/**
 * The payer family's findings and records word for word: message, fix, source, path and params of each finding, the
 * `checked` entry and each `unchecked` reason (the packs' own cases compare ids, params and parts of messages; these
 * compare the whole finding). The shipped packs give the texts: QualChoice BI216 (prior authorization for members
 * under 30, preventive screening for women 65 and over and 55-64 with a listed diagnosis every 2 years, medical
 * intervals of 3 years), Aetna CPB 0134 (VFA an adjunct to a bone density study, repeat BMD every 2 years with the
 * exceptions the bulletin names), the BCBSA 6.01.44 Blue plan (VFA for screening investigational), the BCBS Rhode
 * Island Medicare Advantage plan (77086 covered but not separately paid) and Original Medicare (REFERENCE.md §5, §8;
 * CONTRACT.md: a pack that requires prior authorization reports "not checked" when the encounter does not say, and
 * age-based rules report "not checked" without an age). An invented pack (below) reaches what no shipped pack has:
 * each condition's failure, a criterion whose source is unverified, a documentation rule and an unmodelled pack.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Result, Source } from '../contract/result.js';
import { knowledgeWithPack, runCase } from '../engine/cases.js';
import type { CheckOptions } from '../engine/index.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import type { Knowledge } from '../knowledge/compile.js';
import { readPackFile } from '../knowledge/pack-file.js';
import { compileCondition, compilePack } from '../knowledge/packs.js';
import type { PackCondition } from '../knowledge/schema.js';
import type { RuleContext } from './context.js';
import { evaluateCondition } from './payer.js';

const knowledge = loadKnowledge();

/** A shipped pack rule's source, as its pack file gives it. */
function ruleSource(payer: string, ruleId: string): Source {
  return knowledge.payers.get(payer)!.rules.find((r) => r.id === ruleId)!.source;
}

function checkWith(raw: Record<string, unknown>, k: Knowledge = knowledge, options: CheckOptions = {}): Result {
  const { result, differences } = runCase('payer', raw, {}, k, options);
  if (!result) throw new Error(differences.join('; '));
  return result;
}

const payerFindings = (result: Result) => result.findings.filter((f) => f.rule.startsWith('payer.'));
const payerUnchecked = (result: Result) => result.unchecked.filter((u) => u.family === 'payer').map((u) => u.reason);
const payerChecked = (result: Result) => result.checked.filter((c) => c.family === 'payer').map((c) => c.version);

const QUALCHOICE = 'Commercial plan modelled on QualChoice policy BI216';
const AETNA = 'Commercial plan modelled on Aetna Clinical Policy Bulletin 0134';

/** QualChoice BI216's case defaults: a woman of 45 with osteoporosis, an axial DXA on 2026-03-02, no earlier study. */
const QUALCHOICE_BASE = {
  payer: 'qualchoice-bi216',
  dateOfService: '2026-03-02',
  patient: { sex: 'female', age: 45 },
  diagnoses: ['M81.0'],
  history: [],
  performed: [{ procedure: 'dxa-axial' }],
};

describe('prior authorization (QualChoice BI216 item 4: all members under 30)', () => {
  const source = ruleSource('qualchoice-bi216', 'prior-authorization-under-30');

  it('a member of 25 without it: the finding points to priorAuthorization.obtained', () => {
    const result = checkWith({ ...QUALCHOICE_BASE, patient: { sex: 'female', age: 25 }, priorAuthorization: { obtained: false } });
    expect(payerChecked(result)).toEqual(['qualchoice-bi216 2019.11']);
    expect(payerFindings(result)).toEqual([
      {
        rule: 'payer.prior-authorization',
        severity: 'error',
        message: `77080: bone density testing for members under 30 needs prior authorization (${QUALCHOICE}); none was obtained.`,
        fix: "Obtain the plan's prior authorization and record its number.",
        source,
        path: 'priorAuthorization.obtained',
        params: { code: '77080', pack: 'qualchoice-bi216', packRule: 'prior-authorization-under-30' },
      },
    ]);
    expect(payerUnchecked(result)).toEqual([]);
  });

  it('on a submitted claim the finding names the line', () => {
    const result = checkWith({ ...QUALCHOICE_BASE, patient: { sex: 'female', age: 25 }, priorAuthorization: { obtained: false }, claim: { lines: [{ code: '77080', diagnoses: ['M81.0'] }] } });
    expect(payerFindings(result)).toMatchObject([{ rule: 'payer.prior-authorization', line: 0, message: `line 1 (77080): bone density testing for members under 30 needs prior authorization (${QUALCHOICE}); none was obtained.` }]);
  });

  it('the encounter not saying whether it was obtained is not checked (CONTRACT.md priorAuthorization)', () => {
    const result = checkWith({ ...QUALCHOICE_BASE, patient: { sex: 'female', age: 25 } });
    expect(payerFindings(result)).toEqual([]);
    expect(payerUnchecked(result)).toEqual(['qualchoice-bi216 rule prior-authorization-under-30 on 77080: prior authorization is required and the encounter does not say whether it was obtained']);
  });

  it('without an age, whether the rule applies is not checked; with the authorization obtained it does not matter', () => {
    const unknownAge = checkWith({ ...QUALCHOICE_BASE, patient: { sex: 'female' }, priorAuthorization: { obtained: false } });
    expect(payerFindings(unknownAge)).toEqual([]);
    expect(payerUnchecked(unknownAge)[0]).toBe('qualchoice-bi216 rule prior-authorization-under-30 on 77080: patient age not given, so whether the rule applies is unknown');
    const obtained = checkWith({ ...QUALCHOICE_BASE, patient: { sex: 'female' }, priorAuthorization: { obtained: true, number: 'PA-1' } });
    expect(payerUnchecked(obtained).filter((r) => r.includes('prior-authorization-under-30'))).toEqual([]);
  });
});

describe('coverage criteria (QualChoice BI216 item 1: preventive screening)', () => {
  const source = ruleSource('qualchoice-bi216', 'preventive-coverage');
  const message = 'preventive bone density screening is covered for women 65 and over, and for women 55-64 with a specific diagnosis associated with decreased bone density';
  const STEROIDS = 'women 55-64 on prednisone over 7 mg a day for more than 3 months [women-55-64-long-term-steroids]';
  const LISTED = 'women 55-64 with another diagnosis the policy lists [women-55-64-listed-diagnosis]';
  const CRITERIA = ['women-65-and-over', 'women-55-64-long-term-steroids', 'women-55-64-listed-diagnosis'];

  it('a woman of 45 screened: every criterion failed, each with why', () => {
    const result = checkWith({ ...QUALCHOICE_BASE, diagnoses: ['Z13.820'] });
    expect(payerFindings(result)).toEqual([
      {
        rule: 'payer.criteria-not-met',
        severity: 'error',
        message: `77080: ${message} (${QUALCHOICE}); no criterion is met: women 65 and over [women-65-and-over]: age 45 is under 65; ${STEROIDS}: age 45 is under 55; ${LISTED}: age 45 is under 55.`,
        fix: "Bill the study under the medical benefit with the diagnosis it monitors, or confirm the member's preventive eligibility with the plan.",
        source,
        path: 'performed[0]',
        params: { code: '77080', pack: 'qualchoice-bi216', packRule: 'preventive-coverage', criteria: CRITERIA },
      },
    ]);
    expect(payerUnchecked(result)).toEqual([]);
  });

  it('a man of 70 on a submitted line: the sex fails the first, the age over 64 the others', () => {
    const result = checkWith({ ...QUALCHOICE_BASE, patient: { sex: 'male', age: 70 }, diagnoses: ['Z13.820'], claim: { lines: [{ code: '77080', diagnoses: ['Z13.820'] }] } });
    expect(payerFindings(result)).toEqual([
      {
        rule: 'payer.criteria-not-met',
        severity: 'error',
        message: `line 1 (77080): ${message} (${QUALCHOICE}); no criterion is met: women 65 and over [women-65-and-over]: the patient is male, not female; ${STEROIDS}: age 70 is over 64; ${LISTED}: age 70 is over 64.`,
        line: 0,
        fix: "Bill the study under the medical benefit with the diagnosis it monitors, or confirm the member's preventive eligibility with the plan.",
        source,
        path: 'claim.lines[0]',
        params: { code: '77080', pack: 'qualchoice-bi216', packRule: 'preventive-coverage', criteria: CRITERIA },
      },
    ]);
  });

  it('a woman of 60 at exactly 7 mg a day: not checked, naming what failed and what is missing', () => {
    const result = checkWith({ ...QUALCHOICE_BASE, patient: { sex: 'female', age: 60 }, diagnoses: ['Z13.820', 'Z79.52'], clinical: { glucocorticoidMgPerDay: 7, glucocorticoidMonths: 12 } });
    expect(payerFindings(result)).toEqual([]);
    expect(payerUnchecked(result)).toEqual([
      `qualchoice-bi216 rule preventive-coverage on 77080: coverage not checked: no criterion is met and some could not be checked (women 65 and over [women-65-and-over]: age 60 is under 65; ${STEROIDS}: glucocorticoid dose (mg/day) 7 is not over 7; ${LISTED}: not checked, a diagnosis on the policy's list of conditions that decrease bone density (the list was not read) (no encounter field) not given)`,
    ]);
  });

  it('with the sex unknown and no dose, every missing fact is named in order', () => {
    const result = checkWith({ ...QUALCHOICE_BASE, patient: { sex: 'unknown', age: 60 }, diagnoses: ['Z13.820'] });
    expect(payerUnchecked(result)).toEqual([
      `qualchoice-bi216 rule preventive-coverage on 77080: coverage not checked: no criterion is met and some could not be checked (women 65 and over [women-65-and-over]: age 60 is under 65; ${STEROIDS}: not checked, patient sex, glucocorticoid dose (mg/day), glucocorticoid duration (months) not given; ${LISTED}: not checked, patient sex, a diagnosis on the policy's list of conditions that decrease bone density (the list was not read) (no encounter field) not given)`,
    ]);
  });

  it('a woman of 65 meets the first criterion: nothing to report', () => {
    const result = checkWith({ ...QUALCHOICE_BASE, patient: { sex: 'female', age: 65 }, diagnoses: ['Z13.820'] });
    expect(payerFindings(result)).toEqual([]);
    expect(payerUnchecked(result)).toEqual([]);
  });

  it('without the screening code on the line the preventive rules do not apply, though the encounter lists it', () => {
    const result = checkWith({ ...QUALCHOICE_BASE, diagnoses: ['Z13.820', 'M81.0'], clinical: { monitoringOsteoporosisTherapy: false }, claim: { lines: [{ code: '77080', diagnoses: ['M81.0'] }] } });
    expect(payerFindings(result)).toEqual([]);
    expect(payerUnchecked(result)).toEqual([]);
  });
});

describe('intervals between studies (Aetna CPB 0134: repeat BMD generally every 2 years; QualChoice BI216 items 1-3)', () => {
  const source = ruleSource('aetna-cpb-0134', 'bmd-repeat-interval');
  const AETNA_BASE = { payer: 'aetna-cpb-0134', dateOfService: '2026-03-02', patient: { sex: 'female', age: 66 }, diagnoses: ['M81.0'], performed: [{ procedure: 'dxa-axial' }] };
  const GLUCOCORTICOID = 'long-term glucocorticoid therapy of 5 mg prednisone or more per day for more than 3 months [glucocorticoid-therapy]';
  const ANTICONVULSANT = 'long-term anticonvulsant therapy [anticonvulsant-therapy]: not checked, long-term anticonvulsant therapy (no encounter field) not given';
  const DEPO = 'Depo-Provera for more than 2 years [depo-provera-over-2-years]: not checked, Depo-Provera (medroxyprogesterone injection) for more than 2 years (no encounter field) not given';

  it('the latest earlier study of the same service counts; a later one, a VFA and another date are ignored', () => {
    const history = [
      { dateOfService: '2024-01-10', code: '77080' },
      { dateOfService: '2025-03-02', code: '77081' },
      { dateOfService: '2025-06-01', code: '77086' },
      { dateOfService: '2026-03-02', code: '77080' },
      { dateOfService: '2026-05-01', code: '77080' },
    ];
    const result = checkWith({ ...AETNA_BASE, history, clinical: { primaryHyperparathyroidism: false } });
    expect(payerChecked(result)).toEqual(['aetna-cpb-0134 2026.12']);
    expect(payerFindings(result)).toEqual([
      {
        rule: 'payer.frequency',
        severity: 'error',
        message: `77080: repeat bone density testing is generally covered every 2 years (${AETNA}); the last study was on 2025-03-02, so the next is due from 2027-03-02. Exceptions not checked: ${GLUCOCORTICOID}: not checked, glucocorticoid dose (mg/day), glucocorticoid duration (months) not given; ${ANTICONVULSANT}; ${DEPO}.`,
        fix: 'Document the monitoring situation that allows an earlier study (glucocorticoid or anticonvulsant therapy, uncorrected primary hyperparathyroidism), or defer the study until the interval has passed.',
        source,
        path: 'history[1]',
        params: { code: '77080', pack: 'aetna-cpb-0134', packRule: 'bmd-repeat-interval', lastDate: '2025-03-02', eligibleFrom: '2027-03-02', months: 24, exceptionsNotChecked: ['glucocorticoid-therapy', 'anticonvulsant-therapy', 'depo-provera-over-2-years'] },
      },
    ]);
  });

  it('on a submitted line, with the dose given: only the exceptions without an input are not checked', () => {
    const result = checkWith({
      ...AETNA_BASE,
      history: [{ dateOfService: '2025-03-02', code: '77080' }],
      clinical: { glucocorticoidMgPerDay: 4, glucocorticoidMonths: 12, primaryHyperparathyroidism: false },
      claim: { lines: [{ code: '77080', diagnoses: ['M81.0'] }] },
    });
    expect(payerFindings(result)).toMatchObject([
      {
        rule: 'payer.frequency',
        line: 0,
        message: `line 1 (77080): repeat bone density testing is generally covered every 2 years (${AETNA}); the last study was on 2025-03-02, so the next is due from 2027-03-02. Exceptions not checked: ${ANTICONVULSANT}; ${DEPO}.`,
        path: 'history[0]',
        params: { exceptionsNotChecked: ['anticonvulsant-therapy', 'depo-provera-over-2-years'] },
      },
    ]);
  });

  it('of two studies on the same day, the first listed is the one pointed to', () => {
    const history = [
      { dateOfService: '2025-03-02', code: '77081' },
      { dateOfService: '2025-03-02', code: '77080' },
    ];
    expect(payerFindings(checkWith({ ...AETNA_BASE, history, clinical: { primaryHyperparathyroidism: false } })).map((f) => f.path)).toEqual(['history[0]']);
  });

  it('a study on the first allowed day passes; one a day short does not', () => {
    expect(payerFindings(checkWith({ ...AETNA_BASE, history: [{ dateOfService: '2024-03-02', code: '77080' }] }))).toEqual([]);
    expect(payerFindings(checkWith({ ...AETNA_BASE, history: [{ dateOfService: '2024-03-03', code: '77080' }] })).map((f) => f.params?.eligibleFrom)).toEqual(['2026-03-03']);
  });

  it('an exception met through a verified source lets the study through silently', () => {
    const result = checkWith({ ...AETNA_BASE, history: [{ dateOfService: '2025-03-02', code: '77080' }], clinical: { glucocorticoidMgPerDay: 5, glucocorticoidMonths: 4 } });
    expect(payerFindings(result)).toEqual([]);
    expect(payerUnchecked(result)).toEqual([]);
  });

  it('an exception met only through an unverified source (Turner syndrome) is reported as unconfirmed', () => {
    const result = checkWith({ ...AETNA_BASE, diagnoses: ['Q96.0'], history: [{ dateOfService: '2025-03-02', code: '77080' }] });
    expect(payerFindings(result)).toEqual([
      {
        rule: 'payer.unverified',
        severity: 'warning',
        message: '77080: passes aetna-cpb-0134 rule bmd-repeat-interval only through the exception "Turner syndrome (Q96-)", which dxacode could not confirm against the payer\'s policy.',
        fix: "Confirm the payer's current policy before relying on it, or keep what the record must show.",
        source: turnerSource(),
        path: 'performed[0]',
        params: { code: '77080', pack: 'aetna-cpb-0134', packRule: 'bmd-repeat-interval', criterion: 'turner-syndrome' },
      },
    ]);
    // With a verified exception met as well (Z79.52), nothing is left to confirm.
    expect(payerFindings(checkWith({ ...AETNA_BASE, diagnoses: ['Q96.0', 'Z79.52'], history: [{ dateOfService: '2025-03-02', code: '77080' }] }))).toEqual([]);
  });

  it('without history the interval is not checked; with only the organisation\'s own studies, a pass is not a pass', () => {
    expect(payerUnchecked(checkWith(AETNA_BASE))).toEqual(['aetna-cpb-0134 rule bmd-repeat-interval on 77080: no history was given, so the interval since the last study is unknown']);
    const own = "aetna-cpb-0134 rule bmd-repeat-interval on 77080: only this organisation's own stored studies are known, and a study by another provider may fall inside the interval: give the patient's earlier studies in history";
    const options: CheckOptions = { historyScope: 'this-organization' };
    expect(payerUnchecked(checkWith({ ...AETNA_BASE, history: [] }, knowledge, options))).toEqual([own]);
    expect(payerUnchecked(checkWith({ ...AETNA_BASE, history: [{ dateOfService: '2024-03-02', code: '77080' }] }, knowledge, options))).toEqual([own]);
    expect(payerUnchecked(checkWith({ ...AETNA_BASE, history: [{ dateOfService: '2024-03-02', code: '77080' }] }))).toEqual([]);
    expect(payerFindings(checkWith({ ...AETNA_BASE, history: [{ dateOfService: '2025-03-02', code: '77080' }], clinical: { primaryHyperparathyroidism: false } }, knowledge, options))).toHaveLength(1);
  });

  it('QualChoice item 1: a preventive study within 2 years, the rule without exceptions', () => {
    const result = checkWith({ ...QUALCHOICE_BASE, patient: { sex: 'female', age: 66 }, diagnoses: ['Z13.820'], history: [{ dateOfService: '2025-01-15', code: '77080' }] });
    expect(payerFindings(result)).toEqual([
      {
        rule: 'payer.frequency',
        severity: 'error',
        message: `77080: preventive bone density testing is covered no more often than every 2 years (${QUALCHOICE}); the last study was on 2025-01-15, so the next is due from 2027-01-15.`,
        fix: 'Defer the preventive study until 2 years after the last one, or document a diagnostic indication.',
        source: ruleSource('qualchoice-bi216', 'preventive-interval'),
        path: 'history[0]',
        params: { code: '77080', pack: 'qualchoice-bi216', packRule: 'preventive-interval', lastDate: '2025-01-15', eligibleFrom: '2027-01-15', months: 24, exceptionsNotChecked: [] },
      },
    ]);
  });

  it('QualChoice: a `when` missing two facts names both', () => {
    const result = checkWith({ ...QUALCHOICE_BASE, patient: { sex: 'unknown' }, priorAuthorization: { obtained: true }, clinical: { monitoringOsteoporosisTherapy: false }, history: [{ dateOfService: '2025-01-10', code: '77080' }] });
    expect(payerUnchecked(result)).toContain('qualchoice-bi216 rule medical-interval-women-30-54 on 77080: patient age, patient sex not given, so whether the rule applies is unknown');
  });

  it('QualChoice: a `when` whose fact is missing matters only when the interval has not passed', () => {
    // medical-interval-women-30-54 applies to women 30-54: without an age it is unknown whether it applies.
    const base = { ...QUALCHOICE_BASE, patient: { sex: 'female' }, priorAuthorization: { obtained: true }, clinical: { monitoringOsteoporosisTherapy: false } };
    expect(payerUnchecked(checkWith({ ...base, history: [{ dateOfService: '2020-01-10', code: '77080' }] }))).toEqual([]);
    expect(payerUnchecked(checkWith({ ...base, history: [{ dateOfService: '2025-01-10', code: '77080' }] }))).toEqual([
      // The men's rule fails on the sex and the treatment rule on its clinical fact: neither depends on the age.
      'qualchoice-bi216 rule medical-interval-women-30-54 on 77080: patient age not given, so whether the rule applies is unknown',
    ]);
  });
});

function turnerSource(): Source {
  const rule = knowledge.payers.get('aetna-cpb-0134')!.rules.find((r) => r.id === 'bmd-repeat-interval')!;
  if (rule.kind !== 'frequency') throw new Error('bmd-repeat-interval is a frequency rule');
  return rule.exceptions!.find((e) => e.id === 'turner-syndrome')!.source!;
}

describe('services not covered or not separately paid', () => {
  it('Aetna CPB 0134: VFA without a bone density study in the session is not covered', () => {
    const base = { payer: 'aetna-cpb-0134', dateOfService: '2026-03-02', patient: { sex: 'female', age: 66 }, diagnoses: ['M81.0'], history: [] };
    const finding = {
      rule: 'payer.not-covered',
      severity: 'error',
      message: `77086: VFA is covered as an adjunct to a bone density study; no bone density study was performed in this session (${AETNA}).`,
      fix: "Bill VFA with the bone density study of the same session (77085), or document why VFA alone is needed and seek the plan's approval.",
      source: ruleSource('aetna-cpb-0134', 'vfa-adjunct-only'),
      path: 'performed[0]',
      params: { code: '77086', pack: 'aetna-cpb-0134', packRule: 'vfa-adjunct-only', ruleKind: 'not-covered' },
    };
    expect(payerFindings(checkWith({ ...base, performed: [{ procedure: 'vfa' }] }))).toEqual([finding]);
    // A submitted line points to its code.
    expect(payerFindings(checkWith({ ...base, performed: [{ procedure: 'vfa' }], claim: { lines: [{ code: '77086', diagnoses: ['M81.0'] }] } }))).toEqual([
      { ...finding, message: `line 1 (77086): VFA is covered as an adjunct to a bone density study; no bone density study was performed in this session (${AETNA}).`, line: 0, path: 'claim.lines[0].code' },
    ]);
    // A bone density study billed beside it, though not documented as performed, is in the session.
    expect(payerFindings(checkWith({ ...base, performed: [{ procedure: 'vfa' }], claim: { lines: [{ code: '77086', diagnoses: ['M81.0'] }, { code: '77081', diagnoses: ['M81.0'] }] } }))).toEqual([]);
    expect(payerFindings(checkWith({ ...base, performed: [{ procedure: 'vfa' }, { procedure: 'sexa-peripheral' }] }))).toEqual([]);
    // A bone density study performed, though the claim bills only the VFA, is in the session too.
    expect(payerFindings(checkWith({ ...base, performed: [{ procedure: 'vfa' }, { procedure: 'dxa-peripheral' }], claim: { lines: [{ code: '77086', diagnoses: ['M81.0'] }] } }))).toEqual([]);
  });

  it('BCBS Rhode Island Medicare Advantage: VFA alone is covered but not separately paid (a warning)', () => {
    const result = checkWith({ payer: 'bcbsri-medicare-advantage', dateOfService: '2026-03-02', patient: { sex: 'female', age: 72 }, diagnoses: ['M81.0'], history: [], performed: [{ procedure: 'vfa' }] });
    expect(payerChecked(result)).toEqual(['bcbsri-medicare-advantage 2026.12']);
    expect(payerFindings(result)).toEqual([
      {
        rule: 'payer.not-covered',
        severity: 'warning',
        message: '77086: VFA alone (77086) is covered but not separately paid under this plan: expect no payment for the line (Medicare Advantage plan modelled on BCBS Rhode Island (2023)).',
        fix: 'Bill 77085 when VFA and axial DXA are done in one session; otherwise expect the line to pay nothing.',
        source: ruleSource('bcbsri-medicare-advantage', 'vfa-not-separately-paid'),
        path: 'performed[0]',
        params: { code: '77086', pack: 'bcbsri-medicare-advantage', packRule: 'vfa-not-separately-paid', ruleKind: 'bundled' },
      },
    ]);
  });

  it('BCBSA 6.01.44: VFA for screening only is investigational; any other diagnosis, or none, is not screening', () => {
    const base = { payer: 'blue-plan-6-01-44', dateOfService: '2026-03-02', patient: { sex: 'female', age: 66 }, history: [], performed: [{ procedure: 'vfa' }] };
    expect(payerFindings(checkWith({ ...base, diagnoses: ['Z13.820'] }))).toEqual([
      {
        rule: 'payer.not-covered',
        severity: 'error',
        message: "77086: vertebral fracture assessment for screening is investigational under this plan's policy (Blue plan modelled on BCBSA medical policy 6.01.44).",
        fix: "Bill the bone density study alone (77080) unless a documented indication other than screening supports the VFA, or obtain the plan's written agreement.",
        source: ruleSource('blue-plan-6-01-44', 'vfa-screening-investigational'),
        path: 'performed[0]',
        params: { code: '77086', pack: 'blue-plan-6-01-44', packRule: 'vfa-screening-investigational', ruleKind: 'not-covered' },
      },
    ]);
    expect(payerFindings(checkWith({ ...base, diagnoses: ['Z13.820', 'M81.0'] }))).toEqual([]);
    expect(payerFindings(checkWith({ ...base, diagnoses: ['Z13.820', 'M81.0'], claim: { lines: [{ code: '77086', diagnoses: ['Z13.820', 'M81.0'] }] } }))).toEqual([]);
    expect(payerFindings(checkWith(base))).toEqual([]);
    // The line's own diagnoses decide, not the encounter's.
    expect(payerFindings(checkWith({ ...base, diagnoses: ['Z13.820'], claim: { lines: [{ code: '77086', diagnoses: ['M48.50XA'] }] } }))).toEqual([]);
  });
});

describe('payers without a pack in force', () => {
  const unknownPayer = (payer: string, known: string, path?: string) => ({
    rule: 'payer.unknown',
    severity: 'error',
    message: `No payer policy pack is called "${payer}"; payer rules, Medicare coverage and frequency were not checked.`,
    fix: `Use one of: ${known}, or add a pack file (see docs/payer-packs.md).`,
    source: { title: 'dxacode payer policy packs', confidence: 'verified' },
    ...(path === undefined ? {} : { path }),
    params: { payer },
  });
  const outOfPeriod = (message: string, params: Record<string, unknown>, path?: string) => ({
    rule: 'payer.out-of-period',
    severity: 'error',
    message,
    fix: "Check the date of service, or load the version of the payer's policy in force on that date.",
    source: { title: 'dxacode payer policy packs: each version applies to its effective period', confidence: 'verified' },
    ...(path === undefined ? {} : { path }),
    params,
  });

  it('an unknown payer names the packs there are', () => {
    const result = checkWith({ ...QUALCHOICE_BASE, payer: 'acme-health' });
    expect(payerFindings(result)).toEqual([unknownPayer('acme-health', 'aetna-cpb-0134, bcbsri-medicare-advantage, blue-plan-6-01-44, medicare, qualchoice-bi216', 'payer')]);
    expect(payerUnchecked(result)).toEqual(['no payer pack "acme-health"']);
    expect(payerChecked(result)).toEqual([]);
    expect(result.unchecked.filter((u) => u.family === 'frequency')).toEqual([{ family: 'frequency', reason: 'the payer pack is unknown' }]);
  });

  it('with the default pack (medicare) missing from the knowledge, an encounter naming no payer has no path to point to', () => {
    const withoutMedicare = (k: Knowledge): Knowledge => ({ ...k, packs: { on: () => ({ found: 'unknown' }) } as unknown as Knowledge['packs'], payers: new Map([...k.payers].filter(([id]) => id !== 'medicare')) });
    const k: Knowledge = { ...withoutMedicare(knowledge), forDate: (date) => withoutMedicare(knowledge.forDate(date)) };
    const result = checkWith({ ...QUALCHOICE_BASE, payer: undefined }, k);
    expect(payerFindings(result)).toEqual([unknownPayer('medicare', 'aetna-cpb-0134, bcbsri-medicare-advantage, blue-plan-6-01-44, qualchoice-bi216')]);
  });

  it('a date before every version of a commercial pack: its rules are not checked', () => {
    const result = checkWith({ payer: 'bcbsri-medicare-advantage', dateOfService: '2022-12-31', patient: { sex: 'female', age: 72 }, diagnoses: ['M81.0'], history: [], performed: [{ procedure: 'vfa' }] });
    expect(payerFindings(result)).toEqual([
      outOfPeriod('No version of the bcbsri-medicare-advantage payer pack is in force on 2022-12-31 (versions: 2026.12 (2023-01-01 to open)); its rules were not checked.', { payer: 'bcbsri-medicare-advantage', dateOfService: '2022-12-31', periods: ['2026.12:2023-01-01..'] }, 'payer'),
    ]);
    expect(payerUnchecked(result)).toEqual(['no version of the bcbsri-medicare-advantage payer pack is in force on 2022-12-31']);
  });

  it('Medicare by default, before the benefit (1998-07-01): no path, and Medicare coverage and frequency named', () => {
    const result = checkWith({ dateOfService: '1998-06-30', patient: { sex: 'female', age: 72 }, diagnoses: ['M81.0'], history: [], performed: [{ procedure: 'dxa-axial' }] });
    expect(payerFindings(result)).toEqual([
      outOfPeriod('No version of the medicare payer pack is in force on 1998-06-30 (versions: 2026.11 (1998-07-01 to open)); its rules, Medicare coverage and frequency were not checked.', { payer: 'medicare', dateOfService: '1998-06-30', periods: ['2026.11:1998-07-01..'] }),
    ]);
    expect(result.unchecked.filter((u) => u.family !== 'payer' && u.reason.includes('payer pack'))).toEqual([
      { family: 'coverage', reason: 'no version of the medicare payer pack is in force on 1998-06-30, so coverage could not be checked' },
      { family: 'frequency', reason: 'no version of the medicare payer pack is in force on 1998-06-30' },
    ]);
  });

  it('Original Medicare runs its rules in code: the pack has none of its own', () => {
    const result = checkWith({ payer: 'medicare', dateOfService: '2026-03-02', patient: { sex: 'female', age: 72 }, orderingProvider: { treating: true }, diagnoses: ['M85.851', 'Z78.0'], clinical: { estrogenDeficient: true }, history: [], performed: [{ procedure: 'dxa-axial' }] });
    expect(payerChecked(result)).toEqual(['medicare 2026.11']);
    expect(payerFindings(result)).toEqual([]);
    expect(payerUnchecked(result)).toEqual([]);
  });
});

/**
 * An invented pack (the shape of docs/payer-packs.md's worked example), in force from 2027: a coverage rule on 77081
 * whose criteria each fail in their own way, a coverage rule on 77078 with an unverified criterion beside a verified
 * one, a not-covered rule on 77086 whose `when` needs the age, and a documentation rule on 77080 and 77085 asking for
 * every report element. `modelled` is left out: no pack name is added to the messages.
 */
const TEST_PACK = `
id: test-plan
name: Test Health Plan
program: commercial
version: "2027.01"
effective: "2027-01-01"
description: Invented for src/rules/payer.test.ts.
source: { title: "Test Health Plan policy", confidence: verified }
rules:
  - id: peripheral-criteria
    kind: coverage
    codes: ["77081"]
    severity: error
    message: peripheral DXA is covered in the situations listed
    source: { title: "Test Health Plan §1", confidence: verified }
    criteria:
      - { id: screening-only, label: screening only, screening: true }
      - { id: screening-code, label: the screening code on the line, withScreeningCode: true }
      - { id: no-study, label: no bone density study, withoutBoneDensityStudy: true }
      - { id: young, label: under 50, ageUnder: 50 }
      - { id: old, label: 80 and over, ageAtLeast: 80 }
      - { id: middle, label: 60 and under, ageAtMost: 60 }
      - { id: men, label: men, sex: male }
      - { id: turner, label: Turner syndrome or hyperparathyroidism, diagnoses: [Q96-, E21.0] }
      - { id: no-hpt, label: no primary hyperparathyroidism, clinical: { primaryHyperparathyroidism: false } }
      - { id: estrogen, label: estrogen deficient, clinical: { estrogenDeficient: true } }
      - { id: low-t, label: T-score -2.5 or lower, clinical: { tScoreLowest: { atMost: -2.5 } } }
      - { id: dose, label: 5 to 7.5 mg a day, clinical: { glucocorticoidMgPerDay: { atLeast: 5, under: 7.5 } } }
      - { id: height, label: more than 4 cm lost, clinical: { heightLossHistoricalCm: { over: 4 } } }
  - id: qct-criteria
    kind: coverage
    codes: ["77078"]
    when: { sex: female }
    severity: warning
    message: QCT is covered for women with Turner syndrome or osteoporosis
    source: { title: "Test Health Plan §2", confidence: verified }
    criteria:
      - id: turner
        label: Turner syndrome
        diagnoses: [Q96-]
        source: { title: "Test Health Plan §2, as an audit reads it", confidence: unverified }
      - { id: osteoporosis, label: osteoporosis, diagnoses: [M81.0] }
  - id: young-vfa
    kind: not-covered
    codes: ["77086"]
    when: { ageUnder: 50 }
    severity: error
    message: VFA is not covered under 50
    source: { title: "Test Health Plan §3", confidence: verified }
  - id: report-elements
    kind: documentation
    codes: ["77080", "77085"]
    elements: [indication, impression, signature, ordering-clinician, t-score, frax, comparison, vfa-levels]
    severity: warning
    message: the plan asks for every element on the report
    source: { title: "Test Health Plan §4", confidence: verified }
`;

function testPackKnowledge(): Knowledge {
  const pack = readPackFile('test-plan.yaml', TEST_PACK).pack!;
  return knowledgeWithPack(knowledge, compilePack(pack, 'test-plan.yaml', (code) => knowledge.codes.byCode.has(code)));
}
const testPack = testPackKnowledge();
const TEST_BASE = { payer: 'test-plan', dateOfService: '2027-03-02', patient: { sex: 'female', age: 70 }, diagnoses: ['M81.0'], history: [] };

describe('an invented pack: every condition, unverified criteria, documentation', () => {
  it('each criterion failing says why, in the words of its condition', () => {
    const result = checkWith(
      {
        ...TEST_BASE,
        clinical: { primaryHyperparathyroidism: true, estrogenDeficient: false, tScoreLowest: -2.4, glucocorticoidMgPerDay: 7.5, heightLossHistoricalCm: 4 },
        performed: [{ procedure: 'dxa-peripheral' }],
      },
      testPack,
    );
    expect(payerChecked(result)).toEqual(['test-plan 2027.01']);
    expect(payerFindings(result)).toEqual([
      {
        rule: 'payer.criteria-not-met',
        severity: 'error',
        message:
          '77081: peripheral DXA is covered in the situations listed; no criterion is met: screening only [screening-only]: the diagnoses are not only the screening code Z13.820; ' +
          'the screening code on the line [screening-code]: the screening code Z13.820 is not on the line; no bone density study [no-study]: a bone density study is performed or billed in the session; ' +
          'under 50 [young]: age 70 is not under 50; 80 and over [old]: age 70 is under 80; 60 and under [middle]: age 70 is over 60; men [men]: the patient is female, not male; ' +
          'Turner syndrome or hyperparathyroidism [turner]: no diagnosis is one of Q96-, E21.0; no primary hyperparathyroidism [no-hpt]: primary hyperparathyroidism is yes; ' +
          'estrogen deficient [estrogen]: estrogen deficient is no; T-score -2.5 or lower [low-t]: lowest T-score -2.4 is not at most -2.5; ' +
          '5 to 7.5 mg a day [dose]: glucocorticoid dose (mg/day) 7.5 is not at least 5 and under 7.5; more than 4 cm lost [height]: historical height loss (cm) 4 is not over 4.',
        source: { title: 'Test Health Plan §1', confidence: 'verified' },
        path: 'performed[0]',
        params: { code: '77081', pack: 'test-plan', packRule: 'peripheral-criteria', criteria: ['screening-only', 'screening-code', 'no-study', 'young', 'old', 'middle', 'men', 'turner', 'no-hpt', 'estrogen', 'low-t', 'dose', 'height'] },
      },
    ]);
  });

  it('a criterion whose source is unverified passes the line with a warning, unless a verified one passes it too or the rule may not apply', () => {
    const base = { ...TEST_BASE, performed: [{ procedure: 'qct-axial' }] };
    expect(payerFindings(checkWith({ ...base, diagnoses: ['Q96.0'] }, testPack))).toEqual([
      {
        rule: 'payer.unverified',
        severity: 'warning',
        message: '77078: passes test-plan rule qct-criteria only through the criterion "Turner syndrome", which dxacode could not confirm against the payer\'s policy.',
        fix: "Confirm the payer's current policy before relying on it, or keep what the record must show.",
        source: { title: 'Test Health Plan §2, as an audit reads it', confidence: 'unverified' },
        path: 'performed[0]',
        params: { code: '77078', pack: 'test-plan', packRule: 'qct-criteria', criterion: 'turner' },
      },
    ]);
    expect(payerFindings(checkWith({ ...base, diagnoses: ['Q96.0', 'M81.0'] }, testPack))).toEqual([]);
    // The sex unknown: whether the rule applies is not known, so nothing is reported about a criterion met.
    const unknownSex = checkWith({ ...base, patient: { sex: 'unknown', age: 70 }, diagnoses: ['Q96.0'] }, testPack);
    expect(payerFindings(unknownSex)).toEqual([]);
    expect(payerUnchecked(unknownSex)).toEqual([]);
    // No criterion met, the rule's own `when` unknown: not checked, for that reason.
    const notMet = checkWith({ ...base, patient: { sex: 'unknown', age: 70 }, diagnoses: ['M85.851'] }, testPack);
    expect(payerFindings(notMet)).toEqual([]);
    expect(payerUnchecked(notMet)).toEqual(['test-plan rule qct-criteria on 77078: patient sex not given, so whether the rule applies is unknown']);
    expect(payerFindings(checkWith({ ...base, diagnoses: ['M85.851'] }, testPack))).toEqual([
      {
        rule: 'payer.criteria-not-met',
        severity: 'warning',
        message: '77078: QCT is covered for women with Turner syndrome or osteoporosis; no criterion is met: Turner syndrome [turner]: no diagnosis is one of Q96-; osteoporosis [osteoporosis]: no diagnosis is one of M81.0.',
        source: { title: 'Test Health Plan §2', confidence: 'verified' },
        path: 'performed[0]',
        params: { code: '77078', pack: 'test-plan', packRule: 'qct-criteria', criteria: ['turner', 'osteoporosis'] },
      },
    ]);
  });

  it('a not-covered rule whose `when` needs the age: not checked without one, a finding with one', () => {
    const base = { ...TEST_BASE, performed: [{ procedure: 'vfa' }] };
    const unknownAge = checkWith({ ...base, patient: { sex: 'female' } }, testPack);
    expect(payerFindings(unknownAge)).toEqual([]);
    expect(payerUnchecked(unknownAge)).toEqual(['test-plan rule young-vfa on 77086: patient age not given, so whether the rule applies is unknown']);
    expect(payerFindings(checkWith({ ...base, patient: { sex: 'female', age: 45 } }, testPack))).toEqual([
      {
        rule: 'payer.not-covered',
        severity: 'error',
        message: '77086: VFA is not covered under 50.',
        source: { title: 'Test Health Plan §3', confidence: 'verified' },
        path: 'performed[0]',
        params: { code: '77086', pack: 'test-plan', packRule: 'young-vfa', ruleKind: 'not-covered' },
      },
    ]);
    expect(payerFindings(checkWith({ ...base, patient: { sex: 'female', age: 50 } }, testPack))).toEqual([]);
  });

  const REPORTS = new URL('../../corpus/reports/', import.meta.url);
  const report = (name: string) => readFileSync(new URL(name, REPORTS), 'utf8');
  const documentation = (missing: string[], code: string) => ({
    rule: 'payer.documentation-missing',
    severity: 'warning',
    message: `${code}: the plan asks for every element on the report; the report does not show: ${missing.join(', ')}.`,
    source: { title: 'Test Health Plan §4', confidence: 'verified' },
    path: 'report',
    params: { code, pack: 'test-plan', packRule: 'report-elements', missing },
  });

  it('a documentation rule names each element the report does not show', () => {
    const base = { ...TEST_BASE, orderingProvider: { treating: true }, diagnoses: ['M81.0'] };
    // Axial DXA with VFA, a comparison and the levels evaluated, but no FRAX.
    const vfa = checkWith({ ...base, performed: [{ procedure: 'dxa-axial' }, { procedure: 'vfa' }], report: report('structured-axial-vfa-bilateral-hips-genant2-t4-t5-obscured.txt') }, testPack);
    expect(payerFindings(vfa)).toEqual([documentation(['frax'], '77085')]);
    // Axial DXA with FRAX: no comparison, and no VFA levels.
    const frax = checkWith({ ...base, performed: [{ procedure: 'dxa-axial' }], report: report('structured-axial-osteoporosis-oophorectomy-frax.txt') }, testPack);
    expect(payerFindings(frax)).toEqual([documentation(['comparison', 'vfa-levels'], '77080')]);
    // A report of one sentence shows none.
    const bare = checkWith({ ...base, performed: [{ procedure: 'dxa-axial' }], report: 'Axial DXA of the lumbar spine and both hips was performed.' }, testPack);
    expect(payerFindings(bare)).toEqual([documentation(['indication', 'impression', 'signature', 'ordering-clinician', 't-score', 'frax', 'comparison', 'vfa-levels'], '77080')]);
  });

  it('without the report text the elements are not checked', () => {
    const result = checkWith({ ...TEST_BASE, performed: [{ procedure: 'dxa-axial' }] }, testPack);
    expect(payerFindings(result)).toEqual([]);
    expect(payerUnchecked(result)).toEqual(['test-plan rule report-elements on 77080: the report text is not given, so the required elements (indication, impression, signature, ordering-clinician, t-score, frax, comparison, vfa-levels) are not checked']);
  });
});

/**
 * A second invented pack, test data only: one documentation rule on 77080 asking for two elements, for women 65 and
 * over, in two versions with a gap between them (2027-01-01 to 2027-06-30, and from 2028-01-01).
 */
const twoElementPack = (version: string, effective: string, end?: string) => `
id: test-two-elements
name: Two Elements Test Plan
program: commercial
version: "${version}"
effective: "${effective}"
${end ? `end: "${end}"` : ''}
description: Invented for src/rules/payer.test.ts.
source: { title: "Two Elements Test Plan policy", confidence: verified }
rules:
  - id: t-score-and-frax
    kind: documentation
    codes: ["77080"]
    when: { ageAtLeast: 65 }
    elements: [t-score, frax]
    severity: warning
    message: the plan asks for the T-score and a FRAX value on the report
    source: { title: "Two Elements Test Plan §1", confidence: verified }
`;

function twoVersionKnowledge(): Knowledge {
  const compiled = (name: string, text: string) => compilePack(readPackFile(name, text).pack!, name, (code) => knowledge.codes.byCode.has(code));
  const first = knowledgeWithPack(knowledge, compiled('two-2027.yaml', twoElementPack('2027.01', '2027-01-01', '2027-06-30')));
  return knowledgeWithPack(first, compiled('two-2028.yaml', twoElementPack('2028.01', '2028-01-01')));
}
const twoVersions = twoVersionKnowledge();

describe('an invented pack asking for two report elements, in two versions', () => {
  const base = { payer: 'test-two-elements', dateOfService: '2028-03-02', patient: { sex: 'female', age: 70 }, orderingProvider: { treating: true }, diagnoses: ['M81.0'], history: [], performed: [{ procedure: 'dxa-axial' }] };
  const frax = (line: string) => `Axial DXA of the lumbar spine and both hips was performed.\nL1-L4 BMD 0.812 g/cm2, T-score -2.6.\n${line}\nIMPRESSION: Osteoporosis.\n`;
  const missingFrax = {
    rule: 'payer.documentation-missing',
    severity: 'warning',
    message: '77080: the plan asks for the T-score and a FRAX value on the report; the report does not show: frax.',
    source: { title: 'Two Elements Test Plan §1', confidence: 'verified' },
    path: 'report',
    params: { code: '77080', pack: 'test-two-elements', packRule: 't-score-and-frax', missing: ['frax'] },
  };

  it('a report showing both elements passes, with either FRAX value alone or both', () => {
    for (const line of ['FRAX 10-year probability: major osteoporotic fracture 16.3%.', 'FRAX 10-year probability: hip fracture 2.9%.', 'FRAX 10-year probability: major osteoporotic fracture 16.3%, hip fracture 2.9%.']) {
      const result = checkWith({ ...base, report: frax(line) }, twoVersions);
      expect(payerChecked(result), line).toEqual(['test-two-elements 2028.01']);
      expect(payerFindings(result), line).toEqual([]);
      expect(payerUnchecked(result), line).toEqual([]);
    }
    expect(payerFindings(checkWith({ ...base, report: frax('No fracture risk was calculated.') }, twoVersions))).toEqual([missingFrax]);
  });

  it('whether the rule applies unknown (no age): not checked for that reason, report or none', () => {
    const reason = 'test-two-elements rule t-score-and-frax on 77080: patient age not given, so whether the rule applies is unknown';
    for (const report of [frax('No fracture risk was calculated.'), undefined]) {
      const result = checkWith({ ...base, patient: { sex: 'female' }, ...(report ? { report } : {}) }, twoVersions);
      expect(payerFindings(result)).toEqual([]);
      expect(payerUnchecked(result)).toEqual([reason]);
    }
    // Under 65 the rule does not apply: nothing to report, though the report lacks FRAX.
    expect(payerFindings(checkWith({ ...base, patient: { sex: 'female', age: 64 }, report: frax('No fracture risk was calculated.') }, twoVersions))).toEqual([]);
  });

  it('a date between the two versions names both, newest first', () => {
    const result = checkWith({ ...base, dateOfService: '2027-09-01' }, twoVersions);
    expect(payerFindings(result)).toEqual([
      {
        rule: 'payer.out-of-period',
        severity: 'error',
        message: 'No version of the test-two-elements payer pack is in force on 2027-09-01 (versions: 2028.01 (2028-01-01 to open), 2027.01 (2027-01-01 to 2027-06-30)); its rules were not checked.',
        fix: "Check the date of service, or load the version of the payer's policy in force on that date.",
        source: { title: 'dxacode payer policy packs: each version applies to its effective period', confidence: 'verified' },
        path: 'payer',
        params: { payer: 'test-two-elements', dateOfService: '2027-09-01', periods: ['2028.01:2028-01-01..', '2027.01:2027-01-01..2027-06-30'] },
      },
    ]);
    expect(payerChecked(checkWith({ ...base, dateOfService: '2027-06-30', report: frax('No fracture risk was calculated.') }, twoVersions))).toEqual(['test-two-elements 2027.01']);
  });
});

describe('evaluateCondition', () => {
  /** Only what the conditions read: the encounter's facts, the lines and the knowledge's screening code and code table. */
  function context(input: Partial<RuleContext['input']>, lines: RuleContext['lines'] = []): RuleContext {
    return { input: { sex: 'female', age: 70, diagnoses: [], performed: [], clinical: {}, ...input }, lines, knowledge } as unknown as RuleContext;
  }
  const line = { code: '77080', modifiers: [], units: 1, diagnoses: [] };
  const outcome = (condition: PackCondition, input: Partial<RuleContext['input']>, explain = true) => evaluateCondition(context(input), line, compileCondition(condition), explain);

  it('number tests hold on their boundaries as worded: over and under exclusive, at least and at most inclusive', () => {
    const fact = (test: object, value: number) => outcome({ clinical: { tScoreLowest: test } }, { clinical: { tScoreLowest: value } }).state;
    expect([fact({ over: -2 }, -2), fact({ over: -2 }, -1.9)]).toEqual(['failed', 'met']);
    expect([fact({ atLeast: -2 }, -2.1), fact({ atLeast: -2 }, -2)]).toEqual(['failed', 'met']);
    expect([fact({ under: -2 }, -2), fact({ under: -2 }, -2.1)]).toEqual(['failed', 'met']);
    expect([fact({ atMost: -2 }, -1.9), fact({ atMost: -2 }, -2)]).toEqual(['failed', 'met']);
    expect(outcome({ clinical: { tScoreLowest: { over: -3, atLeast: -2.5, under: -1, atMost: -1.5 } } }, { clinical: { tScoreLowest: -1.4 } })).toEqual({ state: 'failed', why: 'lowest T-score -1.4 is not over -3 and at least -2.5 and under -1 and at most -1.5' });
  });

  it('ages hold on their boundaries', () => {
    expect([outcome({ ageUnder: 30 }, { age: 30 }).state, outcome({ ageUnder: 30 }, { age: 29 }).state]).toEqual(['failed', 'met']);
    expect([outcome({ ageAtLeast: 30 }, { age: 29 }).state, outcome({ ageAtLeast: 30 }, { age: 30 }).state]).toEqual(['failed', 'met']);
    expect([outcome({ ageAtMost: 30 }, { age: 31 }).state, outcome({ ageAtMost: 30 }, { age: 30 }).state]).toEqual(['failed', 'met']);
  });

  it('a failure not explained carries no reason (a `when`), and a failure wins over a fact missing', () => {
    expect(outcome({ sex: 'male', ageAtLeast: 80 }, { age: 70 }, false)).toEqual({ state: 'failed', why: '' });
    expect(outcome({ sex: 'male' }, {}, false)).toEqual({ state: 'failed', why: '' });
    // No age test in the condition: an unknown age is not a missing fact.
    expect(outcome({ sex: 'female' }, { age: undefined })).toEqual({ state: 'met' });
    expect(outcome({ sex: 'male', clinical: { estrogenDeficient: true } }, {})).toEqual({ state: 'failed', why: 'the patient is female, not male' });
    expect(outcome({ screening: true }, { diagnoses: ['M81.0'] }, false)).toEqual({ state: 'failed', why: '' });
    expect(outcome({ withScreeningCode: false }, { diagnoses: ['Z13.820'] })).toEqual({ state: 'failed', why: 'the screening code Z13.820 is on the line' });
    expect(outcome({ withScreeningCode: false }, { diagnoses: ['Z13.820'] }, false)).toEqual({ state: 'failed', why: '' });
    expect(outcome({ withScreeningCode: true }, { diagnoses: ['M81.0'] }, false)).toEqual({ state: 'failed', why: '' });
    expect(outcome({ withoutBoneDensityStudy: true }, { performed: [{ procedure: 'ultrasound-peripheral' }] }, false)).toEqual({ state: 'failed', why: '' });
    expect(outcome({ ageUnder: 30 }, {}, false)).toEqual({ state: 'failed', why: '' });
    expect(outcome({ ageAtMost: 30 }, {}, false)).toEqual({ state: 'failed', why: '' });
    expect(outcome({ diagnoses: ['Q96-'] }, { diagnoses: ['M81.0'] }, false)).toEqual({ state: 'failed', why: '' });
    expect(outcome({ clinical: { estrogenDeficient: true } }, { clinical: { estrogenDeficient: false } }, false)).toEqual({ state: 'failed', why: '' });
    expect(outcome({ clinical: { tScoreLowest: { atMost: -2.5 } } }, { clinical: { tScoreLowest: -1 } }, false)).toEqual({ state: 'failed', why: '' });
  });

  it('facts not given are listed in the order of the condition, the no-input fact last', () => {
    expect(outcome({ diagnoses: ['M81-'] }, { diagnoses: [] })).toEqual({ state: 'unknown', missing: ['diagnoses'] });
    expect(outcome({ ageAtLeast: 65, sex: 'female', diagnoses: ['M81-'], clinical: { estrogenDeficient: true, glucocorticoidMonths: { over: 3 } }, notAnInput: 'a listed condition' }, { age: undefined, sex: 'unknown' })).toEqual({
      state: 'unknown',
      missing: ['patient age', 'patient sex', 'diagnoses', 'estrogen deficient', 'glucocorticoid duration (months)', 'a listed condition (no encounter field)'],
    });
  });

  it('a diagnosis matches exactly or under a prefix; the line\'s diagnoses come before the encounter\'s', () => {
    expect(outcome({ diagnoses: ['M81-', 'E21.0'] }, { diagnoses: ['M81.8'] }).state).toBe('met');
    expect(outcome({ diagnoses: ['M81-', 'E21.0'] }, { diagnoses: ['E21.0'] }).state).toBe('met');
    expect(outcome({ diagnoses: ['M81-', 'E21.0'] }, { diagnoses: ['E21.3', 'M80.08XA'] })).toEqual({ state: 'failed', why: 'no diagnosis is one of M81-, E21.0' });
    const onLine = evaluateCondition(context({ diagnoses: ['Z13.820'] }), { ...line, diagnoses: ['M81.0'] }, compileCondition({ screening: true }));
    expect(onLine).toEqual({ state: 'failed', why: 'the diagnoses are not only the screening code Z13.820' });
    expect(outcome({ screening: true }, { diagnoses: ['Z13.820'] })).toEqual({ state: 'met' });
    expect(outcome({ screening: true }, { diagnoses: [] }).state).toBe('failed');
    expect(outcome({ withScreeningCode: true }, { diagnoses: ['M81.0', 'Z13.820'] })).toEqual({ state: 'met' });
  });

  it('a bone density study billed, though not performed, counts; a VFA or a radiograph does not', () => {
    const billed = evaluateCondition(context({ performed: [{ procedure: 'vfa' }] as never }, [line]), line, compileCondition({ withoutBoneDensityStudy: true }));
    expect(billed).toEqual({ state: 'failed', why: 'a bone density study is performed or billed in the session' });
    const vfaOnly = { code: '77086', modifiers: [], units: 1, diagnoses: [] };
    expect(evaluateCondition(context({ performed: [{ procedure: 'vfa' }] as never }, [vfaOnly, { ...vfaOnly, code: 'NOPE1' }]), vfaOnly, compileCondition({ withoutBoneDensityStudy: true }))).toEqual({ state: 'met' });
    for (const procedure of ['dxa-axial', 'dxa-peripheral', 'dxa-axial+vfa', 'qct-axial', 'ultrasound-peripheral', 'sexa-peripheral']) {
      expect(outcome({ withoutBoneDensityStudy: true }, { performed: [{ procedure }] as never }).state, procedure).toBe('failed');
    }
  });
});
