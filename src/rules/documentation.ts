/**
 * Documentation: a DXA or VFA claim whose report lacks what the code and the payer need is held, with the missing
 * element named. Runs only when the encounter carries the report text; otherwise the encounter's `performed` list
 * is the caller's statement of what was documented.
 */
import type { Source } from '../contract/result.js';
import { GENANT_GRADE_WORDS } from '../contract/values.js';
import type { ReportFacts } from '../extract/facts.js';
import { GENANT_SOURCE } from '../morphometry/grade.js';
import { Report, type RuleContext } from './context.js';

const ISCD_DXA: Source = { title: 'ISCD 2023 official positions: DXA report elements, split into a required minimum and optional items (REFERENCE §6)', confidence: 'verified' };
const ISCD_VFA: Source = { title: 'ISCD positions on VFA reporting: levels evaluated, each fracture with level, type and Genant grade (REFERENCE §6, reconstructed)', confidence: 'unverified' };
const VFA_INTERPRETATION: Source = { title: 'REFERENCE §6: 77086 needs the lateral thoracic and lumbar image and a documented interpretation', confidence: 'secondary' };
const REVIEW: Source = { title: 'Palmetto GBA 2022, 77080 documentation on review: name, date of service, legible signature with credentials, medical necessity, order from the treating practitioner (REFERENCE §5)', confidence: 'verified' };

const DXA_SERVICES = new Set(['dxa-axial', 'dxa-peripheral', 'dxa-axial+vfa']);
const VFA_SERVICES = new Set(['vfa', 'dxa-axial+vfa']);

/** The documentation rule family. */
export function checkDocumentation(ctx: RuleContext, report: Report): void {
  const facts = ctx.facts;
  if (!facts) {
    report.ran('documentation', 'no report text: the encounter\'s performed list is taken as documented');
    return;
  }
  report.ran('documentation', 'ISCD report elements; Medicare documentation on review');
  if (facts.studies.length === 0) {
    const why = facts.notPerformed[0];
    report.add('report.no-study', {
      message: why
        ? `The report documents no performed bone-density or VFA study: "${why.evidence.text.slice(0, 120)}" is ${why.reason === 'ordered' ? 'an order or plan' : why.reason === 'outside' ? 'a study done elsewhere' : why.reason === 'prior' ? 'an earlier study' : why.reason === 'other-modality' ? 'another kind of imaging' : 'a study that was not performed'}.`
        : 'The report documents no performed bone-density or VFA study.',
      fix: 'Bill only from a signed report of a study performed and interpreted here.',
      source: { title: 'REFERENCE §9: charge only from a signed/final result, never from an order', confidence: 'verified' },
      path: 'report',
      params: { reason: why?.reason ?? null },
    });
  }
  const reportDiagnoses = ctx.diagnosesFromReport ? facts.diagnoses : [];
  for (let index = 0; index < reportDiagnoses.length; index++) {
    const dx = reportDiagnoses[index]!;
    report.add('report.diagnosis-suggested', {
      message: `${dx.code} suggested: ${dx.reason} ("${dx.evidence.text.slice(0, 100)}"). Confirm before billing.`,
      source: { title: 'REFERENCE §7: ICD-10-CM conventions for bone density', confidence: 'secondary' },
      // The encounter's diagnoses were filled from the report in this order (fromReport names the same field).
      path: `diagnoses[${index}]`,
      params: { code: dx.code },
    });
  }
  if (facts.trabecularBoneScore) {
    report.add('report.tbs-not-coded', {
      message: `The report gives a trabecular bone score (${facts.trabecularBoneScore.value}); dxacode does not add a TBS code from the report: bill 77089 (from 2022-01-01) when this provider did the calculation and the interpretation, or only the parts done here (77090-77092).`,
      fix: "Choose the TBS code for the work done here, and check the payer's TBS coverage before billing it.",
      source: { title: 'TBS codes 77089-77092 effective 2022-01-01: 77089 the complete service, 77090-77092 its parts (Medimaps reimbursement guide and AAPC quoting CPT 2022; audit 2026-12 §1 item 4)', url: 'https://www.medimapsgroup.com/?p=9152', confidence: 'secondary' },
      path: 'report',
      params: { value: facts.trabecularBoneScore.value },
    });
  }
  const services = new Set(ctx.lines.map((l) => ctx.knowledge.codes.byCode.get(l.code)?.service ?? ''));
  const billsDxa = [...services].some((s) => DXA_SERVICES.has(s));
  const billsVfa = [...services].some((s) => VFA_SERVICES.has(s));
  if (!billsDxa && !billsVfa) return;
  if (!facts.indication) {
    report.add('doc.indication-missing', { message: 'The report states no indication for the study (medical necessity).', fix: 'Add the indication (e.g. "postmenopausal, on prednisone 7.5 mg daily for 8 months") to the report.', source: REVIEW, path: 'report' });
  }
  if (!facts.impression) {
    report.add('doc.interpretation-missing', { message: 'The report has no impression or conclusion: the service includes the physician\'s interpretation.', fix: 'Have the reading physician add the interpretation.', source: ISCD_DXA, path: 'report' });
  }
  if (!facts.people.readingPhysician) {
    report.add('doc.signature-missing', { message: 'The report is not signed by the reading physician.', fix: 'Bill once the report is signed (name, credentials, date).', source: REVIEW, path: 'report' });
  }
  if (!facts.people.orderingClinician && ctx.input.orderGiven === false) {
    report.add('doc.order-missing', {
      message: `The report names no ordering clinician${ctx.pack?.program === 'medicare' ? '; Medicare covers BMM only on the order of the practitioner treating the beneficiary' : ''}.`,
      fix: 'Keep the order on file and name the ordering clinician in the report.',
      source: REVIEW,
      path: 'report',
    });
  }
  if (billsDxa) {
    const dxa = facts.studies.filter((s) => s.procedure === 'dxa-axial' || s.procedure === 'dxa-peripheral');
    if (dxa.length > 0 && dxa.every((s) => s.sites.length === 0)) {
      report.add('doc.sites-missing', { message: 'The report does not name the sites measured.', fix: 'Name each site measured (lumbar spine levels, left/right hip, forearm).', source: ISCD_DXA, path: 'report' });
    }
    if (!facts.results.some((r) => r.measure === 't-score' || r.measure === 'bmd')) {
      report.add('doc.results-missing', { message: 'The report gives no BMD or T-score results.', fix: 'Report BMD and T-score (Z-score where it applies) for each site.', source: ISCD_DXA, path: 'report' });
    }
  }
  if (billsVfa) {
    const vfa = facts.vfa;
    if (!vfa || (vfa.fractures.length === 0 && !vfa.noFracture)) {
      report.add('doc.vfa-findings-missing', { message: 'The VFA has no documented interpretation: the report neither describes fractures nor states that there are none.', fix: 'Document the VFA interpretation: each fracture with level and grade, or "no vertebral fracture".', source: VFA_INTERPRETATION, path: 'report' });
    }
    if (!vfa?.levelsEvaluated && (vfa?.notEvaluable.length ?? 0) === 0) {
      report.add('doc.vfa-levels-missing', { message: 'The VFA report does not say which levels were evaluated (T4-L4) or which could not be.', fix: 'State the levels evaluated and any not evaluable.', source: ISCD_VFA, path: 'report' });
    }
    if (vfa && ctx.morphometry) compareGrades(ctx, vfa, report);
    for (const fracture of vfa?.fractures ?? []) {
      if (fracture.grade === undefined) {
        report.add('doc.vfa-grade-missing', { message: `The fracture at ${fracture.level} is reported without its Genant grade.`, fix: 'Grade each fracture (Genant 1 mild, 2 moderate, 3 severe).', source: ISCD_VFA, path: 'report', params: { level: fracture.level } });
      }
    }
  }
}


/**
 * The report's Genant grade of each level against the grade its heights give (issue 13 §1). A level the report names
 * as fractured has the grade it states (none stated: doc.vfa-grade-missing says so instead); a level it does not
 * name is read as normal (grade 0) once the report has an interpretation. Levels not evaluable are not compared.
 */
function compareGrades(ctx: RuleContext, vfa: NonNullable<ReportFacts['vfa']>, report: Report): void {
  if (vfa.fractures.length === 0 && !vfa.noFracture) return;
  const rows = ctx.encounter.morphometry ?? [];
  for (const level of ctx.morphometry ?? []) {
    if (!level.evaluable || level.grade === undefined) continue;
    const fracture = vfa.fractures.find((f) => f.level === level.level);
    if (fracture && fracture.grade === undefined) continue;
    const stated = fracture?.grade ?? 0;
    if (stated === level.grade) continue;
    const reduction = Math.max(level.ownReductionPercent ?? 0, level.neighbourReductionPercent ?? 0);
    const computed = level.grade === 0 ? `grade 0 (${reduction} % largest height reduction, under 20 %)` : `grade ${level.grade} (${GENANT_GRADE_WORDS[level.grade]} ${level.type}, ${reduction} % height reduction)`;
    report.add('doc.vfa-grade-differs', {
      message: `${level.level}: the report reads ${stated === 0 ? 'no fracture' : `a grade ${stated} (${GENANT_GRADE_WORDS[stated]}) fracture`}; the heights give ${computed}.`,
      fix: 'Have the reading physician confirm the grade against the image, or correct the measured heights; morphometry alone does not diagnose a fracture.',
      source: GENANT_SOURCE,
      path: `morphometry[${rows.findIndex((r) => r.level === level.level)}]`,
      params: { level: level.level, statedGrade: stated, computedGrade: level.grade, type: level.type ?? null, reductionPercent: reduction },
    });
  }
}
