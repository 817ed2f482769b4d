/**
 * The documentation family's findings and records word for word: message, fix, source, path and params of each
 * `report.*` and `doc.*` finding, and the `checked` entry (cases/report-documentation.yaml and
 * cases/vfa-morphometry-genant.yaml compare ids, severities and parts of texts; these compare the whole finding).
 * The sources the findings cite, and what each expected text is checked against:
 * - REFERENCE.md §9 [V]: charge only from a signed/final result, never from an order (report.no-study).
 * - REFERENCE.md §5 [V], Palmetto GBA 2022 on 77080: documentation on review is the beneficiary's name, the date of
 *   service, a legible signature with credentials, medical necessity and an order from the treating practitioner
 *   (doc.indication-missing, doc.signature-missing, doc.order-missing); 42 CFR 410.31 [V]: BMM is ordered by the
 *   practitioner treating the beneficiary (the Medicare sentence of doc.order-missing, for a Medicare pack only).
 * - REFERENCE.md §6: ISCD 2023 splits DXA report elements into a required minimum and optional items [V for the
 *   split] (sites, results, interpretation); VFA report elements [U, reconstructed]: levels evaluated and which could
 *   not be, each fracture with level, type and Genant grade, or a statement that none were found; 77086 needs a
 *   documented interpretation [S]; Genant grades [V]: 1 mild 20-25 %, 2 moderate 25-40 %, 3 severe > 40 %, half-open.
 * - REFERENCE.md §7: ICD-10-CM conventions (report.diagnosis-suggested, a suggestion the coder confirms).
 */
import { describe, expect, it } from 'vitest';
import type { Result, Source } from '../contract/result.js';
import { runCase } from '../engine/cases.js';
import { extract } from '../extract/extract.js';
import type { ReportFacts } from '../extract/facts.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import { Report, type RuleContext } from './context.js';
import { checkDocumentation } from './documentation.js';

const knowledge = loadKnowledge();

const NO_STUDY_SOURCE: Source = { title: 'REFERENCE §9: charge only from a signed/final result, never from an order', confidence: 'verified' };
const REVIEW: Source = {
  title: 'Palmetto GBA 2022, 77080 documentation on review: name, date of service, legible signature with credentials, medical necessity, order from the treating practitioner (REFERENCE §5)',
  confidence: 'verified',
};
const ISCD_DXA: Source = { title: 'ISCD 2023 official positions: DXA report elements, split into a required minimum and optional items (REFERENCE §6)', confidence: 'verified' };
const ISCD_VFA: Source = { title: 'ISCD positions on VFA reporting: levels evaluated, each fracture with level, type and Genant grade (REFERENCE §6, reconstructed)', confidence: 'unverified' };
const VFA_INTERPRETATION: Source = { title: 'REFERENCE §6: 77086 needs the lateral thoracic and lumbar image and a documented interpretation', confidence: 'secondary' };
const ICD10_CONVENTIONS: Source = { title: 'REFERENCE §7: ICD-10-CM conventions for bone density', confidence: 'secondary' };
const GENANT: Source = {
  title: 'Genant HK, Wu CY, van Kuijk C, Nevitt MC. Vertebral fracture assessment using a semiquantitative technique. J Bone Miner Res 1993;8:1137-48: grade 1 mild 20-25 %, 2 moderate 25-40 %, 3 severe > 40 % height reduction (REFERENCE §6, half-open intervals)',
  confidence: 'verified',
};
const NO_STUDY_FIX = 'Bill only from a signed report of a study performed and interpreted here.';

/** A report.diagnosis-suggested finding: the code, why, the quoted evidence, and its place in the filled diagnoses. */
const suggested = (code: string, why: string, quote: string, index: number) => ({
  rule: 'report.diagnosis-suggested',
  severity: 'info',
  message: `${code} suggested: ${why} ("${quote}"). Confirm before billing.`,
  source: ICD10_CONVENTIONS,
  path: `diagnoses[${index}]`,
  params: { code },
});

/** The defaults of cases/report-documentation.yaml: a Medicare encounter whose order is identified on the encounter. */
const BASE = { dateOfService: '2026-02-10', patient: { sex: 'female', age: 74 }, payer: 'medicare', orderingProvider: { treating: true }, history: [] };

/** check() through the case harness with the report text and any other changes to BASE. */
function checkReport(report: string | undefined, changes: Record<string, unknown> = {}): Result {
  const { result, differences } = runCase('documentation', { ...BASE, ...(report === undefined ? {} : { report }), ...changes }, {}, knowledge);
  if (!result) throw new Error(differences.join('; '));
  return result;
}

const documentationFindings = (result: Result) => result.findings.filter((f) => f.rule.startsWith('doc.') || f.rule.startsWith('report.'));
const documentationChecked = (result: Result) => result.checked.filter((c) => c.family === 'documentation').map((c) => c.version);

/** The complete axial DXA + VFA report of cases/report-documentation.yaml (coded 77085, no documentation finding). */
const COMPLETE = [
  'DXA BONE DENSITY AND VERTEBRAL FRACTURE ASSESSMENT',
  'Ordering physician: Maria Lopez, MD',
  'INDICATION: Postmenopausal woman with 5 cm historical height loss.',
  'TECHNIQUE: DXA of the lumbar spine and left hip was performed. VFA was performed, T4-L4 evaluated.',
  'L1-L4 BMD 0.812 g/cm2, T-score -2.6, Z-score -1.4.',
  'Left femoral neck BMD 0.601 g/cm2, T-score -2.1.',
  'VFA: no vertebral fracture identified.',
  'IMPRESSION: Osteoporosis. No vertebral fracture.',
  'Electronically signed by Robert Chen, MD on 02/10/2026',
].join('\n');

describe('documentation: what the family runs on', () => {
  it('takes the performed list as documented when there is no report text', () => {
    const result = checkReport(undefined, { performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine'] }], diagnoses: ['M81.0'] });
    expect(documentationChecked(result)).toEqual(["no report text: the encounter's performed list is taken as documented"]);
    expect(documentationFindings(result)).toEqual([]);
  });

  it('finds nothing missing in a complete report, and suggests its diagnosis for the coder to confirm', () => {
    const result = checkReport(COMPLETE);
    expect(documentationChecked(result)).toEqual(['ISCD report elements; Medicare documentation on review']);
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['77085']);
    expect(documentationFindings(result)).toEqual([suggested('M81.0', 'osteoporosis without a current fracture is documented', 'IMPRESSION: Osteoporosis.', 0)]);
  });
});

describe('report.no-study: the reason the study named is not billable', () => {
  const noStudy = (message: string, reason: string | null) => ({
    rule: 'report.no-study',
    severity: 'warning',
    message,
    fix: NO_STUDY_FIX,
    source: NO_STUDY_SOURCE,
    path: 'report',
    params: { reason },
  });
  const lead = 'The report documents no performed bone-density or VFA study';

  it.each([
    ['an order or plan', 'ordered', 'PROGRESS NOTE\nAssessment: postmenopausal, on prednisone. Plan: DXA bone density ordered; repeat DXA in 2 years.', 'Plan: DXA bone density ordered; repeat DXA in 2 years.'],
    ['a study done elsewhere', 'outside', 'CLINIC NOTE\nDXA bone density performed at an outside facility showed osteoporosis.', 'DXA bone density performed at an outside facility showed osteoporosis.'],
    ['an earlier study', 'prior', 'CLINIC NOTE\nHer prior DXA of 2023 showed T-score -2.6.', 'Her prior DXA of 2023 showed T-score -2.6.'],
    [
      'another kind of imaging',
      'other-modality',
      'MRI LUMBAR SPINE WITHOUT CONTRAST\nFINDINGS: Mild compression deformity of L1. Diffuse osteopenia; correlate with DXA bone density.\nIMPRESSION: L1 compression fracture, age indeterminate.',
      'Diffuse osteopenia; correlate with DXA bone density.',
    ],
    ['a study that was not performed', 'negated', 'DXA BONE DENSITY\nDXA was not performed: the patient could not lie flat.', 'DXA was not performed: the patient could not lie flat.'],
    // A cancelled study is one not performed: the message has no word of its own for it, the params say cancelled.
    ['a study that was not performed', 'cancelled', 'DXA BONE DENSITY\nDXA bone density was cancelled; the patient did not arrive.', 'DXA bone density was cancelled; the patient did not arrive.'],
  ])('words %s (%s) and quotes the sentence', (words, reason, report, quoted) => {
    const result = checkReport(report);
    expect(result.recommended.lines).toEqual([]);
    expect(documentationFindings(result)).toEqual([noStudy(`${lead}: "${quoted}" is ${words}.`, reason)]);
  });

  it('quotes at most the first 120 characters of the sentence', () => {
    const sentence =
      'Plan: DXA bone density of the lumbar spine and both hips ordered for next month, together with a vertebral fracture assessment if the T-score is low.';
    expect(sentence.length).toBeGreaterThan(120);
    const result = checkReport(`PROGRESS NOTE\n${sentence}`);
    expect(documentationFindings(result)).toEqual([noStudy(`${lead}: "${sentence.slice(0, 120)}" is an order or plan.`, 'ordered')]);
  });

  it('names no reason when the report names no study at all', () => {
    const result = checkReport('CLINIC NOTE\nThe patient is well.');
    expect(documentationFindings(result)).toEqual([noStudy(`${lead}.`, null)]);
  });
});

describe('report.diagnosis-suggested and report.tbs-not-coded', () => {
  const LONG_IMPRESSION =
    'IMPRESSION: Osteoporosis of the lumbar spine and of the left hip in this postmenopausal woman on prednisone; treatment is advised.';

  it('points each suggestion at its place in the diagnoses filled from the report, quoting at most 100 characters', () => {
    const report = [
      'DXA BONE DENSITY',
      'Ordering physician: Maria Lopez, MD',
      'INDICATION: Postmenopausal woman on prednisone 7.5 mg daily for 8 months.',
      'TECHNIQUE: DXA of the lumbar spine was performed.',
      'L1-L4 BMD 0.812 g/cm2, T-score -2.6.',
      LONG_IMPRESSION,
      'Electronically signed by Robert Chen, MD on 02/10/2026',
    ].join('\n');
    const result = checkReport(report);
    expect(result.recommended.diagnoses).toEqual(['M81.0', 'Z79.52']);
    const impression = LONG_IMPRESSION.slice(0, 100);
    expect(impression.length).toBeLessThan(LONG_IMPRESSION.length);
    expect(documentationFindings(result)).toEqual([
      suggested('M81.0', 'osteoporosis without a current fracture is documented', impression, 0),
      suggested('Z79.52', 'long-term systemic glucocorticoid use is documented', 'prednisone', 1),
    ]);
  });

  it('suggests nothing when the encounter lists its diagnoses', () => {
    const result = checkReport(COMPLETE, { diagnoses: ['M81.0'] });
    expect(documentationFindings(result)).toEqual([]);
  });

  it('leaves a trabecular bone score to the coder: 77089 or its parts, from 2022-01-01', () => {
    const report = [
      'DXA BONE DENSITY',
      'Ordering physician: Maria Lopez, MD',
      'INDICATION: Postmenopausal.',
      'TECHNIQUE: DXA of the lumbar spine was performed.',
      'L1-L4 BMD 0.812 g/cm2, T-score -2.6. Trabecular bone score (TBS) 1.210.',
      'IMPRESSION: Osteoporosis.',
      'Electronically signed by Robert Chen, MD on 02/10/2026',
    ].join('\n');
    const result = checkReport(report, { diagnoses: ['M81.0'] });
    expect(documentationFindings(result)).toEqual([
      {
        rule: 'report.tbs-not-coded',
        severity: 'info',
        message:
          'The report gives a trabecular bone score (1.21); dxacode does not add a TBS code from the report: bill 77089 (from 2022-01-01) when this provider did the calculation and the interpretation, or only the parts done here (77090-77092).',
        fix: "Choose the TBS code for the work done here, and check the payer's TBS coverage before billing it.",
        // cases/tbs-77089-77092.yaml cites the same: 77089 the complete service, 77090-77092 its parts, from 2022-01-01.
        source: {
          title:
            'TBS codes 77089-77092 effective 2022-01-01: 77089 the complete service, 77090-77092 its parts (Medimaps reimbursement guide and AAPC quoting CPT 2022; audit 2026-12 §1 item 4)',
          url: 'https://www.medimapsgroup.com/?p=9152',
          confidence: 'secondary',
        },
        path: 'report',
        params: { value: 1.21 },
      },
    ]);
  });
});

/** A DXA report that names the study and nothing else the claim needs: no results, indication, impression, names. */
const BARE_DXA = 'DXA BONE DENSITY\nTECHNIQUE: DXA of the lumbar spine and left hip was performed on a Hologic Horizon.';
const billed = (code: string) => ({ diagnoses: ['M81.0'], claim: { lines: [{ code, diagnoses: ['M81.0'] }] } });

describe('doc.*: what a DXA claim needs from its report', () => {
  /** What BARE_DXA lacks for a claim billing DXA and VFA: every element, in the order the family reports them. */
  const EVERY_ELEMENT = ['report.no-study', 'doc.indication-missing', 'doc.interpretation-missing', 'doc.signature-missing', 'doc.results-missing', 'doc.vfa-findings-missing', 'doc.vfa-levels-missing'];
  const indication = { rule: 'doc.indication-missing', severity: 'error', message: 'The report states no indication for the study (medical necessity).', fix: 'Add the indication (e.g. "postmenopausal, on prednisone 7.5 mg daily for 8 months") to the report.', source: REVIEW, path: 'report' };
  const interpretation = { rule: 'doc.interpretation-missing', severity: 'error', message: "The report has no impression or conclusion: the service includes the physician's interpretation.", fix: 'Have the reading physician add the interpretation.', source: ISCD_DXA, path: 'report' };
  const signature = { rule: 'doc.signature-missing', severity: 'error', message: 'The report is not signed by the reading physician.', fix: 'Bill once the report is signed (name, credentials, date).', source: REVIEW, path: 'report' };
  const order = (message: string) => ({ rule: 'doc.order-missing', severity: 'warning', message, fix: 'Keep the order on file and name the ordering clinician in the report.', source: REVIEW, path: 'report' });
  const results = { rule: 'doc.results-missing', severity: 'error', message: 'The report gives no BMD or T-score results.', fix: 'Report BMD and T-score (Z-score where it applies) for each site.', source: ISCD_DXA, path: 'report' };
  const noStudy = { rule: 'report.no-study', severity: 'warning', message: 'The report documents no performed bone-density or VFA study.', fix: NO_STUDY_FIX, source: NO_STUDY_SOURCE, path: 'report', params: { reason: null } };

  it('names each missing element of a Medicare 77080, the treating practitioner\'s order among them', () => {
    const result = checkReport(BARE_DXA, { ...billed('77080'), orderingProvider: {} });
    expect(documentationFindings(result)).toEqual([
      noStudy,
      indication,
      interpretation,
      signature,
      order('The report names no ordering clinician; Medicare covers BMM only on the order of the practitioner treating the beneficiary.'),
      results,
    ]);
  });

  it('words the missing order without Medicare for a commercial payer and for an unknown one', () => {
    for (const payer of ['aetna-cpb-0134', 'no-such-payer']) {
      const result = checkReport(BARE_DXA, { ...billed('77080'), orderingProvider: {}, payer });
      expect(documentationFindings(result).filter((f) => f.rule === 'doc.order-missing')).toEqual([order('The report names no ordering clinician.')]);
    }
  });

  it('takes the order as identified when the encounter names the NPI or whether the orderer treats the patient', () => {
    for (const orderingProvider of [{ treating: true }, { treating: false }, { npi: '1987654328' }]) {
      const result = checkReport(BARE_DXA, { ...billed('77080'), orderingProvider });
      expect(documentationFindings(result)).toEqual([noStudy, indication, interpretation, signature, results]);
    }
  });

  it('asks a peripheral DXA (77081) for its results too, but a VFA alone (77086) for none of the DXA elements', () => {
    expect(documentationFindings(checkReport(BARE_DXA, billed('77081')))).toEqual([noStudy, indication, interpretation, signature, results]);
    const vfaOnly = documentationFindings(checkReport(BARE_DXA, billed('77086'))).map((f) => f.rule);
    expect(vfaOnly).toEqual(['report.no-study', 'doc.indication-missing', 'doc.interpretation-missing', 'doc.signature-missing', 'doc.vfa-findings-missing', 'doc.vfa-levels-missing']);
  });

  it('asks 77085 (axial DXA with VFA) for the DXA elements as well as the VFA ones', () => {
    expect(documentationFindings(checkReport(BARE_DXA, billed('77085'))).map((f) => f.rule)).toEqual(EVERY_ELEMENT);
  });

  it('asks nothing of the report for a claim that bills neither DXA nor VFA', () => {
    // QCT (77078) is a bone-density study, but not one of the DXA or VFA services whose report elements are checked.
    const result = checkReport(BARE_DXA, billed('77078'));
    expect(documentationFindings(result)).toEqual([noStudy]);
  });

  it('asks for the DXA and the VFA elements when the claim bills both among other codes, one unknown to the code tables', () => {
    const claim = { lines: ['77080', '77086', '0554T'].map((code) => ({ code, diagnoses: ['M81.0'] })) };
    const result = checkReport(BARE_DXA, { diagnoses: ['M81.0'], claim });
    expect(documentationFindings(result).map((f) => f.rule)).toEqual(EVERY_ELEMENT);
  });

  it('takes a T-score alone or a BMD alone as results, and a Z-score alone as none', () => {
    const dxa = (line: string) =>
      ['DXA BONE DENSITY', 'Ordering physician: Maria Lopez, MD', 'INDICATION: Postmenopausal.', 'TECHNIQUE: DXA of the lumbar spine was performed.', line, 'IMPRESSION: Low bone density.', 'Electronically signed by Robert Chen, MD on 02/10/2026'].join('\n');
    const rulesOf = (line: string) => documentationFindings(checkReport(dxa(line), billed('77080'))).map((f) => f.rule);
    expect(rulesOf('L1-L4 T-score -2.6.')).toEqual([]);
    expect(rulesOf('L1-L4 BMD 0.812 g/cm2.')).toEqual([]);
    expect(documentationFindings(checkReport(dxa('L1-L4 Z-score -2.1.'), billed('77080')))).toEqual([results]);
  });
});

/**
 * The documentation family run on facts read from a report and then changed, for what the shipped extractor never
 * gives: a DXA study with no sites (it takes a study's sites from its results, so every study it finds has one).
 */
function runOnFacts(facts: ReportFacts, codes: string[]): Report['findings'] {
  const report = new Report();
  const ctx = {
    facts,
    input: { orderGiven: true },
    pack: undefined,
    knowledge: knowledge.forDate('2026-02-10'),
    lines: codes.map((code) => ({ code, modifiers: [], units: 1, diagnoses: [] })),
    diagnosesFromReport: false,
    morphometry: undefined,
    encounter: {},
  } as unknown as RuleContext;
  checkDocumentation(ctx, report);
  return report.findings;
}

describe('doc.sites-missing', () => {
  const sites = { rule: 'doc.sites-missing', severity: 'error', message: 'The report does not name the sites measured.', fix: 'Name each site measured (lumbar spine levels, left/right hip, forearm).', source: ISCD_DXA, path: 'report' };
  const report = (line: string) => ['DXA BONE DENSITY', 'Ordering physician: Maria Lopez, MD', 'INDICATION: Postmenopausal.', line, 'IMPRESSION: Low bone density.', 'Electronically signed by Robert Chen, MD on 02/10/2026'].join('\n');

  it('holds a claim whose DXA studies name no site, axial or peripheral', () => {
    const axial = extract(report('L1-L4 BMD 0.812 g/cm2, T-score -2.6.'));
    expect(axial.studies.map((s) => [s.procedure, s.sites])).toEqual([['dxa-axial', ['lumbar-spine']]]);
    expect(runOnFacts(axial, ['77080'])).toEqual([]);
    axial.studies[0]!.sites = [];
    expect(runOnFacts(axial, ['77080'])).toEqual([sites]);

    const peripheral = extract(report('Left forearm (1/3 radius) BMD 0.601 g/cm2, T-score -2.1.'));
    expect(peripheral.studies.map((s) => s.procedure)).toEqual(['dxa-peripheral']);
    peripheral.studies[0]!.sites = [];
    expect(runOnFacts(peripheral, ['77081'])).toEqual([sites]);
  });

  it('is enough for one DXA study of two to name its sites, and asks nothing of the VFA study', () => {
    const facts = extract(report('L1-L4 BMD 0.812 g/cm2, T-score -2.6. Left forearm (1/3 radius) BMD 0.601 g/cm2, T-score -2.1.'));
    expect(facts.studies.map((s) => s.procedure)).toEqual(['dxa-axial', 'dxa-peripheral']);
    facts.studies[1]!.sites = [];
    expect(runOnFacts(facts, ['77080'])).toEqual([]);
    facts.studies[0]!.sites = [];
    expect(runOnFacts(facts, ['77080'])).toEqual([sites]);
    // A VFA study has no sites, and no DXA study: nothing to ask.
    const vfa = { ...facts, studies: [{ procedure: 'vfa' as const, sites: [], evidence: facts.studies[0]!.evidence }] };
    expect(runOnFacts(vfa, ['77080'])).toEqual([]);
  });
});

describe('doc.vfa-*: what a VFA claim needs from its report', () => {
  const findingsMissing = {
    rule: 'doc.vfa-findings-missing',
    severity: 'error',
    message: 'The VFA has no documented interpretation: the report neither describes fractures nor states that there are none.',
    fix: 'Document the VFA interpretation: each fracture with level and grade, or "no vertebral fracture".',
    source: VFA_INTERPRETATION,
    path: 'report',
  };
  const levelsMissing = { rule: 'doc.vfa-levels-missing', severity: 'warning', message: 'The VFA report does not say which levels were evaluated (T4-L4) or which could not be.', fix: 'State the levels evaluated and any not evaluable.', source: ISCD_VFA, path: 'report' };
  const gradeMissing = (level: string) => ({
    rule: 'doc.vfa-grade-missing',
    severity: 'warning',
    message: `The fracture at ${level} is reported without its Genant grade.`,
    fix: 'Grade each fracture (Genant 1 mild, 2 moderate, 3 severe).',
    source: ISCD_VFA,
    path: 'report',
    params: { level },
  });
  const vfaReport = (technique: string, findings: string) =>
    ['VERTEBRAL FRACTURE ASSESSMENT', 'Ordering physician: Maria Lopez, MD', 'INDICATION: Height loss 5 cm.', `TECHNIQUE: ${technique}`, `FINDINGS: ${findings}`, 'IMPRESSION: See findings.', 'Electronically signed by Robert Chen, MD on 03/02/2026'].join('\n');

  it('holds VFA billed beside a DXA report that says nothing of it: no interpretation and no levels', () => {
    const dxa = ['DXA BONE DENSITY', 'Ordering physician: Maria Lopez, MD', 'INDICATION: Postmenopausal.', 'TECHNIQUE: DXA of the lumbar spine was performed.', 'L1-L4 BMD 0.812 g/cm2, T-score -2.6.', 'IMPRESSION: Osteoporosis.', 'Electronically signed by Robert Chen, MD on 02/10/2026'].join('\n');
    const result = checkReport(dxa, billed('77085'));
    expect(documentationFindings(result)).toEqual([findingsMissing, levelsMissing]);
  });

  it('holds VFA images acquired with no interpretation, levels stated', () => {
    const result = checkReport(vfaReport('Lateral vertebral assessment was performed on the densitometer, T4-L4 evaluated.', 'Images were acquired.'), billed('77086'));
    expect(documentationFindings(result)).toEqual([findingsMissing]);
  });

  it('names each ungraded fracture by its level, and the missing levels', () => {
    const result = checkReport(vfaReport('Lateral vertebral assessment was performed on the densitometer.', 'Wedge fracture of T12. Biconcave fracture of L1.'), { diagnoses: ['M80.08XA'] });
    expect(documentationFindings(result)).toEqual([levelsMissing, gradeMissing('T12'), gradeMissing('L1')]);
  });

  it('takes the levels that could not be evaluated as a statement of the levels', () => {
    const report = vfaReport('Lateral vertebral assessment was performed on the densitometer. T4-T6 not evaluable due to overlying scapula.', 'No vertebral fracture.');
    const result = checkReport(report, { diagnoses: ['Z78.0'] });
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['77086']);
    expect(documentationFindings(result)).toEqual([]);
  });
});

describe('doc.vfa-grade-differs: the report\'s Genant grade against the heights (cases/vfa-morphometry-genant.yaml)', () => {
  const graded = (findings: string) =>
    [
      'VERTEBRAL FRACTURE ASSESSMENT',
      'Ordering physician: Maria Lopez, MD',
      'INDICATION: Height loss 5 cm. Prednisone 10 mg daily for 6 months.',
      'TECHNIQUE: Lateral vertebral assessment was performed on the densitometer, T4-L4 evaluated.',
      `FINDINGS: ${findings}`,
      'IMPRESSION: See findings.',
      'Electronically signed by Robert Chen, MD on 03/02/2026',
    ].join('\n');
  const T12_GRADE_2 = graded('Moderate (Genant grade 2) wedge fracture of T12.');
  const differs = (level: string, message: string, path: string, params: Record<string, unknown>) => ({
    rule: 'doc.vfa-grade-differs',
    severity: 'warning',
    message: `${level}: ${message}`,
    fix: 'Have the reading physician confirm the grade against the image, or correct the measured heights; morphometry alone does not diagnose a fracture.',
    source: GENANT,
    path,
    params: { level, ...params },
  });
  const checkHeights = (report: string, morphometry: unknown[]) =>
    documentationFindings(checkReport(report, { dateOfService: '2026-03-02', diagnoses: ['M80.08XA'], morphometry })).filter((f) => f.rule.startsWith('doc.'));
  const T11 = { level: 'T11', evaluable: true, anteriorMm: 24, middleMm: 23.5, posteriorMm: 24.5 };
  const L1 = { level: 'L1', evaluable: true, anteriorMm: 26, middleMm: 25.5, posteriorMm: 26.5 };

  it('a grade 2 the heights make grade 1 (22 % anterior loss: [20, 25) is mild)', () => {
    const findings = checkHeights(T12_GRADE_2, [T11, { level: 'T12', evaluable: true, anteriorMm: 19.5, middleMm: 23, posteriorMm: 25 }, L1]);
    expect(findings).toEqual([
      differs('T12', 'the report reads a grade 2 (moderate) fracture; the heights give grade 1 (mild wedge, 22 % height reduction).', 'morphometry[1]', { statedGrade: 2, computedGrade: 1, type: 'wedge', reductionPercent: 22 }),
    ]);
  });

  it('a grade 2 the heights make normal: grade 0 under 20 %, no type', () => {
    const findings = checkHeights(T12_GRADE_2, [{ level: 'T12', evaluable: true, anteriorMm: 24, middleMm: 24.5, posteriorMm: 25 }]);
    expect(findings).toEqual([
      differs('T12', 'the report reads a grade 2 (moderate) fracture; the heights give grade 0 (4 % largest height reduction, under 20 %).', 'morphometry[0]', { statedGrade: 2, computedGrade: 0, type: null, reductionPercent: 4 }),
    ]);
  });

  it('a level the report does not name is read as normal; a crush is measured against the neighbours (40 %: severe)', () => {
    const findings = checkHeights(T12_GRADE_2, [
      { level: 'T12', evaluable: true, anteriorMm: 17, middleMm: 23, posteriorMm: 25 },
      { level: 'L1', evaluable: true, anteriorMm: 27, middleMm: 27, posteriorMm: 27 },
      { level: 'L2', evaluable: true, anteriorMm: 16.8, middleMm: 16.8, posteriorMm: 16.8 },
      { level: 'L3', evaluable: true, anteriorMm: 29, middleMm: 29, posteriorMm: 29 },
    ]);
    expect(findings).toEqual([
      differs('L2', 'the report reads no fracture; the heights give grade 3 (severe crush, 40 % height reduction).', 'morphometry[2]', { statedGrade: 0, computedGrade: 3, type: 'crush', reductionPercent: 40 }),
    ]);
  });

  it('passes over a level not evaluable and an ungraded fracture, and compares the levels after them', () => {
    const report = graded('Wedge fracture of T11. Moderate (Genant grade 2) wedge fracture of T12.');
    const findings = checkHeights(report, [
      { level: 'T10', evaluable: false, reason: 'overlying ribs' },
      // Heights of a grade 1 at T11: read as normal, its ungraded fracture would differ.
      { level: 'T11', evaluable: true, anteriorMm: 19.5, middleMm: 23, posteriorMm: 25 },
      { level: 'T12', evaluable: true, anteriorMm: 19.5, middleMm: 23, posteriorMm: 25 },
    ]);
    expect(findings).toEqual([
      differs('T12', 'the report reads a grade 2 (moderate) fracture; the heights give grade 1 (mild wedge, 22 % height reduction).', 'morphometry[2]', { statedGrade: 2, computedGrade: 1, type: 'wedge', reductionPercent: 22 }),
      {
        rule: 'doc.vfa-grade-missing',
        severity: 'warning',
        message: 'The fracture at T11 is reported without its Genant grade.',
        fix: 'Grade each fracture (Genant 1 mild, 2 moderate, 3 severe).',
        source: ISCD_VFA,
        path: 'report',
        params: { level: 'T11' },
      },
    ]);
  });

  it('compares nothing when the report has no VFA at all, heights given or not', () => {
    const dxa = ['DXA BONE DENSITY', 'Ordering physician: Maria Lopez, MD', 'INDICATION: Postmenopausal.', 'TECHNIQUE: DXA of the lumbar spine was performed.', 'L1-L4 BMD 0.812 g/cm2, T-score -2.6.', 'IMPRESSION: Osteoporosis.', 'Electronically signed by Robert Chen, MD on 03/02/2026'].join('\n');
    const result = checkReport(dxa, { dateOfService: '2026-03-02', ...billed('77085'), morphometry: [{ level: 'T12', evaluable: true, anteriorMm: 17, middleMm: 23, posteriorMm: 25 }] });
    expect(documentationFindings(result).map((f) => f.rule)).toEqual(['doc.vfa-findings-missing', 'doc.vfa-levels-missing']);
  });

  it('compares nothing when the VFA has no interpretation to compare with', () => {
    const report = graded('Images were acquired.');
    const findings = checkHeights(report, [{ level: 'T12', evaluable: true, anteriorMm: 17, middleMm: 23, posteriorMm: 25 }]);
    expect(findings.map((f) => f.rule)).toEqual(['doc.vfa-findings-missing']);
  });
});
