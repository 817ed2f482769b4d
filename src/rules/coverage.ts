/**
 * Medicare bone mass measurement coverage: qualified-individual categories, the national diagnosis list (the part
 * that is known), the treating practitioner's order, axial DXA for therapy monitoring, excluded services (GY) and
 * the liability modifiers GA/GZ that an expected denial calls for.
 */
import { fieldPhrase } from '../contract/labels.js';
import { daysBetween, isWithin } from '../contract/dates.js';
import type { Source } from '../contract/result.js';
import type { MedicareBmm, PayerPack } from '../knowledge/schema.js';
import type { CoverageArticle } from '../knowledge/official.js';
import { Report, VersionTexts, diagnosisPath, hasXu, historyPath, joined, keep, lineDiagnosesPath, lineLabel, linePath, lineRef, modifierPath, noPackReason, type RuleContext } from './context.js';
import { claimDiagnoses } from './diagnoses.js';
import {
  assessMedicareLine,
  bmmLineIndexes,
  bmmCategory,
  contractorHistoryStudy,
  glucocorticoidFactsBelowThreshold,
  glucocorticoidThreshold,
  notReasonableAndNecessary,
  qualifiedCategories,
  sameDayCwfPair,
  type CategoryMatch,
  type DenialReason,
  type MedicareLineAssessment,
} from './medicare.js';

const LIABILITY = ['GA', 'GZ', 'GY', 'GX'];

/** The diagnoses of `diagnoses` that the article covers for one of its other codes, not for `code`. */
function coveredForOtherCodes(article: CoverageArticle, code: string, diagnoses: readonly string[]): string[] {
  const found: string[] = [];
  for (const d of diagnoses) {
    for (const other of article.codes) {
      if (other !== code && article.coveredFor(other)?.has(d)) {
        found.push(d);
        break;
      }
    }
  }
  return found;
}

function reportDenial(ctx: RuleContext, report: Report, reason: DenialReason, index: number): void {
  const { medicare } = ctx.knowledge;
  const line = ctx.lines[index]!;
  const label = lineLabel(ctx, index);
  const at = lineRef(ctx, index);
  const severity = ctx.input.abnOnFile ? 'warning' : 'error';
  const abnNote = ctx.input.abnOnFile ? ' An ABN is on file: bill with GA, the patient is liable.' : '';
  switch (reason) {
    case 'screening-only':
      report.add('medicare.bmm-screening-only', {
        message: `${label}: ${line.diagnoses.join(', ')} (screening) is the only diagnosis; it does not show a qualified individual and Medicare denies it.${abnNote}`,
        line: at,
        severity,
        fix: 'Code the documented condition or risk factor that makes the patient a qualified individual (e.g. Z78.0, Z79.52, E21.0, Z79.83, M85.8-).',
        source: medicare.screeningOnly.source,
        path: lineDiagnosesPath(ctx, index),
        params: { code: line.code, diagnoses: line.diagnoses },
      });
      break;
    case 'diagnosis-not-listed':
      report.add('medicare.bmm-diagnosis-not-listed', {
        message: `${label}: ${line.diagnoses.join(', ')} ${line.diagnoses.length === 1 ? 'is' : 'are'} not on the NCD 150.3 covered list (M85.80, unspecified site, was left off).${abnNote}`,
        line: at,
        severity,
        fix: 'Use the site-specific osteopenia code (M85.81- to M85.89) that the report documents.',
        source: medicare.nationalDiagnosisList.notCoveredSource,
        path: lineDiagnosesPath(ctx, index),
        params: { code: line.code, diagnoses: line.diagnoses },
      });
      break;
    case 'article-diagnosis-not-covered': {
      const local = ctx.assessments?.[index]?.local ?? assessMedicareLine(ctx.input, ctx.knowledge, line).local;
      if (local?.status !== 'article') break;
      const { article } = local;
      const elsewhere = coveredForOtherCodes(article, line.code, line.diagnoses);
      report.add('medicare.bmm-article-diagnosis-not-covered', {
        message: `${label}: ${line.diagnoses.join(', ')} ${line.diagnoses.length === 1 ? 'is' : 'are'} not among the ICD-10-CM codes that ${article.contractor}'s billing article ${article.article} v${article.articleVersion} covers for ${line.code} (jurisdiction ${ctx.input.jurisdiction})${elsewhere.length ? `; ${elsewhere.join(', ')} ${elsewhere.length === 1 ? 'supports' : 'support'} other codes of the article, not ${line.code}` : ''}.${abnNote}`,
        line: at,
        severity,
        fix: `Point the line to the documented condition that ${article.article} lists for ${line.code}, or, if none applies, expect the denial (ABN before the service: GA; without one: GZ).`,
        source: article.info.source,
        path: lineDiagnosesPath(ctx, index),
        params: { code: line.code, diagnoses: line.diagnoses, article: article.article, jurisdiction: ctx.input.jurisdiction! },
      });
      break;
    }
    case 'monitoring-not-axial':
      report.add('medicare.bmm-monitoring-not-axial', {
        message: `${label}: the only qualifying reason is monitoring osteoporosis drug therapy, which Medicare covers only by axial DXA (${axialDxaCodesOn(ctx).join('/')}).${abnNote}`,
        line: at,
        severity,
        fix: 'Monitor therapy with axial DXA, or document another qualifying category.',
        source: medicare.axialDxaSource,
        path: linePath(ctx, index, 'code'),
        params: { code: line.code, axialCodes: axialDxaCodesOn(ctx) },
      });
      break;
    case 'order-not-treating':
      report.add('medicare.bmm-order-not-treating', {
        message: `${label}: the order did not come from the physician or qualified NPP treating the beneficiary.${abnNote}`,
        line: at,
        severity,
        fix: 'Obtain an order from the treating practitioner.',
        source: medicare.treatingOrder.source,
        path: 'orderingProvider.treating',
        params: { code: line.code },
      });
      break;
    case 'not-reasonable-and-necessary': {
      const entry = notReasonableAndNecessary(medicare, line.code, ctx.input.dateOfService);
      if (!entry) break;
      report.add('medicare.not-reasonable-and-necessary', {
        message: `${label}: ${entry.reason}.${abnNote}`,
        line: at,
        severity,
        fix: 'Use a covered bone mass measurement (axial DXA 77080, or 77085 with VFA), or expect the denial: with an ABN signed before the service bill GA, without one GZ (not GY).',
        source: entry.source,
        path: linePath(ctx, index, 'code'),
        params: { code: line.code },
      });
      break;
    }
    case 'too-soon':
      break; // the frequency family reports it
    case 'same-day-duplicate':
    case 'same-day-contractor':
      break; // checkSameDayBmm reports them with both lines
  }
}

function checkLiability(ctx: RuleContext, report: Report, assessment: MedicareLineAssessment, index: number): void {
  const { medicare } = ctx.knowledge;
  const line = ctx.lines[index]!;
  const label = lineLabel(ctx, index);
  const at = lineRef(ctx, index);
  const present = keep(line.modifiers, (m) => LIABILITY.includes(m));
  if (line.modifiers.includes('GA') && ctx.input.abnOnFile !== true) {
    report.add('liability.ga-without-abn', {
      message: `${label}: GA says a valid ABN is on file, but none is recorded for this encounter.`,
      line: at,
      fix: `Remove GA, or record the signed ABN (${fieldPhrase('abnOnFile')}).`,
      source: medicare.liability.ga,
      path: modifierPath(ctx, index, 'GA'),
      params: { code: line.code, modifier: 'GA' },
    });
  }
  if (assessment.benefit === 'excluded') {
    const excluded = assessment.excluded!;
    if (!line.modifiers.includes('GY')) {
      // Where GY against GA/GZ is not settled, a missing GY is a review, not a rejection.
      const settled = excluded.modifierConfidence === undefined || excluded.modifierConfidence === 'verified';
      report.add('liability.gy-missing', {
        message: `${label}: ${excluded.reason}; the line needs GY${settled ? '' : ` (to review: ${excluded.modifierNote ?? 'GY against GA/GZ is not settled'})`}.`,
        line: at,
        fix: 'Add GY (an ABN is optional; with a voluntary ABN add GX too).',
        source: excluded.source,
        path: linePath(ctx, index, 'modifiers'),
        params: { code: line.code, settled },
        ...(settled ? {} : { severity: 'warning' as const }),
      });
    } else {
      report.add('medicare.excluded-service', {
        message: `${label}: ${excluded.reason}; billed with GY, the patient is liable.`,
        line: at,
        source: excluded.source,
        path: modifierPath(ctx, index, 'GY'),
        params: { code: line.code, modifier: 'GY' },
      });
    }
    return;
  }
  if (assessment.denials.length === 0) {
    const unexpected = present.filter((m) => m !== 'GX');
    if (unexpected.length > 0) {
      report.add('liability.unexpected', {
        message: `${label}: ${unexpected.join(', ')} says a denial is expected, but dxacode found no reason for one.`,
        line: at,
        fix: 'Remove the liability modifier unless the record shows why Medicare would deny the service.',
        source: medicare.liability.ga,
        path: linePath(ctx, index, 'modifiers'),
        params: { code: line.code, modifiers: unexpected },
      });
    }
    return;
  }
  if (ctx.input.abnOnFile) {
    if (!line.modifiers.includes('GA')) {
      report.add('liability.ga-missing', {
        message: `${label}: a denial is expected and an ABN is on file, but the line lacks GA; without it the provider is liable.`,
        line: at,
        fix: 'Add GA.',
        source: medicare.liability.ga,
        path: linePath(ctx, index, 'modifiers'),
        params: { code: line.code, reasons: assessment.denials },
      });
    } else {
      report.add('liability.ga', {
        message: `${label}: a denial is expected; the ABN on file makes the patient liable (GA).`,
        line: at,
        source: medicare.liability.ga,
        path: modifierPath(ctx, index, 'GA'),
        params: { code: line.code, modifier: 'GA', reasons: assessment.denials },
      });
    }
    return;
  }
  if (ctx.linesAreSubmitted && !line.modifiers.includes('GZ')) {
    report.add('liability.gz', {
      message: `${label}: Medicare is expected to deny this line (${joined(assessment.denials, denialLabel, '; ')}) and no ABN is on file, so the provider is liable; report that with GZ.`,
      line: at,
      fix: 'Resolve the reason for denial, or add GZ.',
      source: medicare.liability.gz,
      path: linePath(ctx, index, 'modifiers'),
      params: { code: line.code, reasons: assessment.denials },
    });
  }
}

/** A knowledge note put in parentheses inside a sentence: without its own final full stop. */
const parenthetical = (note: string): string => note.replace(/\.$/, '');

/**
 * Says what could not be checked about a covered-looking BMM line's diagnoses: nothing when the contractor's article
 * decided; otherwise which list is missing (the article of the jurisdiction, or the national NCD 150.3 list).
 */
function reportLocalCoverageGap(ctx: RuleContext, report: Report, assessment: MedicareLineAssessment, index: number): void {
  const { medicare } = ctx.knowledge;
  const line = ctx.lines[index]!;
  const local = assessment.local;
  if (local?.status === 'article') return;
  const label = lineLabel(ctx, index);
  const unmatched = line.diagnoses.length ? `${line.diagnoses.join(', ')} could not be matched to` : 'the line has no diagnosis to match against';
  const national = line.diagnoses.some((d) => medicare.nationalDiagnosisList.covered.includes(d))
    ? ''
    : ` and ${unmatched} the national NCD 150.3 list, which is only partly loaded (${parenthetical(medicare.nationalDiagnosisList.partialNote)})`;
  switch (local?.status) {
    case 'no-jurisdiction':
      // CONTRACT.md: without a jurisdiction, local coverage is reported as not checked.
      report.skipped('coverage', `${label}: the encounter names no Medicare contractor jurisdiction (jurisdiction, or the configuration's default), so the contractor's billing article (local coverage) was not checked${national}`);
      return;
    case 'no-article':
      if (national) report.skipped('coverage', `${label}: jurisdiction ${local.jurisdiction} has no billing article loaded (${parenthetical(ctx.knowledge.articles.withoutArticle.note)})${national}`);
      return;
    case 'code-not-in-article':
      if (national) report.skipped('coverage', `${label}: ${local.article.article} (jurisdiction ${ctx.input.jurisdiction}) gives no covered diagnoses for ${line.code}${national}`);
      return;
    case 'not-in-force':
      if (national) report.skipped('coverage', `${label}: ${local.article.article} is loaded only from ${local.article.info.effective.from}, after the date of service${national}`);
      return;
    default:
      return;
  }
}

/**
 * Two BMM lines on one date under Medicare. The CWF denies the second as a same-day duplicate BMM unless XU is on the
 * line CMS Transmittal 10193 names (77081 with 77085; 77080 with 77081); other pairs are a review. On top of that, the
 * contractor of the encounter's jurisdiction may limit axial plus peripheral studies on one date (CGS J15; WPS J5/J8,
 * also within 30 days), counting the studies of the history too.
 */
function checkSameDayBmm(ctx: RuleContext, report: Report): void {
  const { medicare } = ctx.knowledge;
  const { cwfEdit, contractors } = medicare.sameDay;
  const date = ctx.input.dateOfService;
  const bmm = bmmLineIndexes(ctx.knowledge, ctx.lines, date);
  const xuAccepted = date >= cwfEdit.xuAcceptedFrom;
  const jurisdiction = ctx.input.jurisdiction;
  const overlay = jurisdiction === undefined ? undefined : contractors.find((c) => c.jurisdictions.includes(jurisdiction));
  const abnNote = ctx.input.abnOnFile ? ' An ABN is on file: bill with GA, the patient is liable.' : '';

  for (const i of bmm) {
    for (const j of bmm) {
      if (j <= i || ctx.lines[i]!.code === ctx.lines[j]!.code) continue;
      const [a, b] = [ctx.lines[i]!.code, ctx.lines[j]!.code];
      const both = `${lineLabel(ctx, i)} and ${lineLabel(ctx, j)}`;
      const pair = sameDayCwfPair(medicare, a, b);
      if (pair) {
        const on = a === pair.xuOn ? i : j;
        const other = on === i ? j : i;
        const onLabel = lineLabel(ctx, on);
        if (xuAccepted && hasXu(ctx.lines, on)) {
          report.add('medicare.bmm-same-day-xu', {
            message: `${both}: two BMM studies on one date; XU on ${onLabel} lets Medicare's CWF accept both (Transmittal 10193; ${cwfEdit.dateNote}). The record must show a distinct service: for example, that both studies were medically necessary and why the second was done.`,
            line: lineRef(ctx, on),
            fix: `Keep XU on ${pair.xuOn} only if the record documents why both studies were needed on this date.`,
            source: cwfEdit.source,
            path: modifierPath(ctx, on, 'XU'),
            params: { codes: [a, b], xuOn: pair.xuOn, modifier: 'XU' },
          });
        } else if (!xuAccepted && (hasXu(ctx.lines, on) || hasXu(ctx.lines, other))) {
          report.add('medicare.bmm-same-day-duplicate', {
            message: `${both}: two BMM studies on one date; Medicare's CWF accepts XU to bypass its same-day BMM edit only from ${cwfEdit.xuAcceptedFrom} (Transmittal 10193; ${cwfEdit.dateNote}), so on ${date} the second BMM line is expected to deny as a duplicate BMM, XU or not.`,
            line: lineRef(ctx, on),
            severity: 'warning',
            fix: 'Bill one study, or confirm the claim receipt date falls on or after the date the CWF accepts XU.',
            source: cwfEdit.source,
            path: linePath(ctx, on, 'modifiers'),
            params: { codes: [a, b], xuOn: pair.xuOn, xuAcceptedFrom: cwfEdit.xuAcceptedFrom },
          });
        } else {
          // No XU on the line the CWF looks at (XU accepted), or none on either line (before that).
          const wrongLine = xuAccepted && hasXu(ctx.lines, other) ? ` XU is on ${lineLabel(ctx, other)}, but the CWF looks for it on ${pair.xuOn}.` : '';
          report.add('medicare.bmm-same-day-duplicate', {
            message: `${both}: two BMM studies on one date; without XU on ${onLabel} Medicare's CWF denies the second BMM line as a same-day duplicate BMM (Transmittal 10193).${wrongLine}${abnNote}`,
            line: lineRef(ctx, on),
            fix: xuAccepted
              ? `Add XU to the ${pair.xuOn} line${wrongLine ? ` (and remove it from ${ctx.lines[other]!.code})` : ''} only if the record shows a distinct service (both studies medically necessary); otherwise bill one study.`
              : 'Bill one study.',
            source: cwfEdit.source,
            path: linePath(ctx, on, 'modifiers'),
            params: { codes: [a, b], xuOn: pair.xuOn, xuAcceptedFrom: cwfEdit.xuAcceptedFrom },
          });
        }
      } else {
        report.add('medicare.bmm-same-day-review', {
          message: `${both}: two BMM studies on one date under Medicare. Transmittal 10193 names XU only for ${joined(cwfEdit.pairs, (p) => `${p.codes.join(' + ')} (XU on ${p.xuOn})`, ' and ')}; whether the CWF's same-day BMM edit lets this pair through is not known.`,
          line: lineRef(ctx, j),
          fix: 'Review: bill both only when the record shows both studies were medically necessary on this date.',
          source: cwfEdit.source,
          path: linePath(ctx, j),
          params: { codes: [a, b] },
        });
      }
      if (overlay) reportContractorSameDay(ctx, report, overlay, i, j);
    }
  }
  if (overlay) checkContractorHistory(ctx, report, overlay, bmm);
}

type ContractorOverlay = MedicareBmm['sameDay']['contractors'][number];

/** The contractor's limit on two BMM studies of one date (axial plus peripheral; for CGS also more than one type). */
function reportContractorSameDay(ctx: RuleContext, report: Report, overlay: ContractorOverlay, i: number, j: number): void {
  const { medicare } = ctx.knowledge;
  const [ci, cj] = [bmmCategory(medicare, ctx.lines[i]!.code), bmmCategory(medicare, ctx.lines[j]!.code)];
  const cross = ci !== undefined && cj !== undefined && ci !== cj;
  const statement = cross ? overlay.axialWithPeripheral : overlay.moreThanOneType;
  if (!statement) return;
  const severity = cross && !ctx.input.abnOnFile ? overlay.severity : 'warning';
  const exception = cross ? overlay.exception : overlay.moreThanOneTypeException;
  report.add('medicare.bmm-same-day-contractor', {
    message: `${lineLabel(ctx, i)} and ${lineLabel(ctx, j)}: ${overlay.contractor} (${overlay.jurisdictions.join(', ')}), ${overlay.policy}: ${statement}${cross || !exception ? '' : ` (not decided here whether this is ${exception})`}. This is stricter than the national CWF XU allowance, which does not override it.${ctx.input.abnOnFile ? ' An ABN is on file: bill with GA, the patient is liable.' : ''}`,
    line: lineRef(ctx, j),
    severity,
    fix: `${exception ? `Bill one study unless the record shows ${exception}` : `Bill one study (${overlay.contractor} gives no exception for this)`}; if a denial is still expected, obtain an ABN (GA) or report GZ.`,
    source: overlay.source,
    path: linePath(ctx, j),
    params: { codes: [ctx.lines[i]!.code, ctx.lines[j]!.code], contractor: overlay.contractor, jurisdiction: ctx.input.jurisdiction!, priorDate: null, days: null, withinDays: overlay.withinDays ?? null },
  });
}

/** The studies in history that the contractor's limit counts against the claim's BMM lines (contractorHistoryStudy). */
function checkContractorHistory(ctx: RuleContext, report: Report, overlay: ContractorOverlay, bmm: number[]): void {
  if (ctx.input.history === undefined) {
    if (overlay.withinDays !== undefined) {
      report.skipped('coverage', `${overlay.contractor} (${ctx.input.jurisdiction}) limits an axial and a peripheral study within ${overlay.withinDays} days of each other; no history was given, so that window was not checked`);
    }
    return;
  }
  const date = ctx.input.dateOfService;
  for (const index of bmm) {
    const prior = contractorHistoryStudy(ctx.knowledge.medicare, overlay, ctx.input, ctx.lines, index);
    if (!prior) continue;
    const gap = daysBetween(prior.dateOfService, date);
    const when = gap === 0 ? 'on the same date of service, billed elsewhere' : `${gap} days earlier`;
    report.add('medicare.bmm-same-day-contractor', {
      message: `${lineLabel(ctx, index)}: ${prior.code} on ${prior.dateOfService} was ${when}; ${overlay.contractor} (${overlay.jurisdictions.join(', ')}), ${overlay.policy}: ${overlay.axialWithPeripheral}${overlay.exception ? `, unless ${overlay.exception}` : ''}.${ctx.input.abnOnFile ? ' An ABN is on file: bill with GA, the patient is liable.' : ''}`,
      line: lineRef(ctx, index),
      severity: ctx.input.abnOnFile ? 'warning' : overlay.severity,
      fix: `Document why the earlier study could not be used${overlay.exception ? ` (${overlay.exception})` : ''}, or expect the denial (ABN: GA; without one: GZ).`,
      source: overlay.source,
      path: historyPath(ctx, prior.dateOfService, prior.code),
      params: { codes: [ctx.lines[index]!.code, prior.code], contractor: overlay.contractor, jurisdiction: ctx.input.jurisdiction!, priorDate: prior.dateOfService, days: gap, withinDays: overlay.withinDays ?? null },
    });
  }
}

/** The axial DXA codes valid on the date of service (76075 before 2007, 77085 from 2015). */
function axialDxaCodesOn(ctx: RuleContext): string[] {
  const date = ctx.input.dateOfService;
  return ctx.knowledge.medicare.axialDxaCodes.filter((code) => {
    const entry = ctx.knowledge.codes.byCode.get(code);
    return entry === undefined || isWithin(date, entry.effective, entry.end);
  });
}

/** Short names of denial reasons for messages. */
const DENIAL_LABELS: Record<DenialReason, string> = {
  'screening-only': 'screening diagnosis only',
  'diagnosis-not-listed': 'diagnosis not on the covered list',
  'article-diagnosis-not-covered': "diagnosis not covered by the contractor's billing article",
  'monitoring-not-axial': 'monitoring without axial DXA',
  'order-not-treating': 'order not from the treating practitioner',
  'too-soon': 'within 23 months of the last covered study',
  'not-reasonable-and-necessary': 'not reasonable and necessary under national policy',
  'same-day-duplicate': 'a second BMM on the date without XU where the CWF needs it',
  'same-day-contractor': "axial and peripheral BMM on one day, which the contractor calls not medically necessary",
};

const denialLabel = (reason: DenialReason): string => DENIAL_LABELS[reason];

/** The most certain confidence of the categories shown: one verified way of qualifying is enough. */
function strongestConfidence(categories: readonly CategoryMatch[]): Source['confidence'] {
  let strongest: Source['confidence'] = 'unverified';
  for (const category of categories) {
    if (category.confidence === 'verified') return 'verified';
    if (category.confidence === 'secondary') strongest = 'secondary';
  }
  return strongest;
}

function categorySource(ctx: RuleContext, confidence: Source['confidence']): Source {
  // One shared object per statute and confidence, so that the serialiser writes its JSON once.
  const statute = ctx.knowledge.medicare.statute;
  let byConfidence = categorySources.get(statute);
  if (!byConfidence) categorySources.set(statute, (byConfidence = new Map()));
  let source = byConfidence.get(confidence);
  if (!source) byConfidence.set(confidence, (source = { ...statute, confidence }));
  return source;
}
const categorySources = new WeakMap<Source, Map<Source['confidence'], Source>>();

/** The clinical field that carries a category's fact (the dose, for glucocorticoids). */
function clinicalFactPath(fact: string): string {
  return fact === 'glucocorticoid' ? 'clinical.glucocorticoidMgPerDay' : `clinical.${fact}`;
}

/** What shows a qualified-individual category, in words: its diagnosis code, or its clinical fact by its label. */
function evidenceText(ctx: RuleContext, category: CategoryMatch): string {
  if (category.viaDiagnosis) return category.evidence;
  const fact = ctx.knowledge.medicareIndex.categoryById.get(category.id)?.fact;
  if (fact === undefined) return category.evidence;
  return fact === 'glucocorticoid' ? 'documented: glucocorticoid dose and duration' : `documented: ${fieldPhrase(clinicalFactPath(fact))}`;
}

/** Where the evidence of a qualified-individual category is: its diagnosis, or its clinical fact. */
function evidencePath(ctx: RuleContext, category: CategoryMatch): string | undefined {
  if (category.viaDiagnosis) return diagnosisPath(ctx, category.evidence);
  const fact = ctx.knowledge.medicareIndex.categoryById.get(category.id)?.fact;
  return fact === undefined ? undefined : clinicalFactPath(fact);
}

const NOT_MEDICARE = new VersionTexts((pack: PayerPack) => `not applicable: ${pack.name} is not Medicare (see payer)`);

/** The coverage rule family (Medicare bone mass measurement). */
export function checkCoverage(ctx: RuleContext, report: Report): void {
  if (!ctx.pack) {
    report.skipped('coverage', `${noPackReason(ctx)}, so coverage could not be checked`);
    return;
  }
  if (ctx.pack.program !== 'medicare') {
    report.ran('coverage', NOT_MEDICARE.of(ctx.pack));
    return;
  }
  const { medicare } = ctx.knowledge;
  // Name the contractor's policy that applies: the billing article of the encounter's jurisdiction, when loaded.
  const jurisdiction = ctx.input.jurisdiction;
  const article = jurisdiction === undefined ? undefined : ctx.knowledge.articles.byJurisdiction.get(jurisdiction);
  const local = jurisdiction === undefined ? 'no jurisdiction given' : article ? `${jurisdiction}: ${article.info.label}` : `${jurisdiction}: no billing article loaded (national NCD 150.3 list, partly loaded)`;
  report.ran('coverage', `medicare-bmm ${medicare.version}; ${local}`);
  let bmmLines = 0;
  for (let index = 0; index < ctx.lines.length; index++) {
    const line = ctx.lines[index]!;
    const notListed = medicare.notOnBmmList.find((n) => n.code === line.code);
    if (notListed) {
      report.add('medicare.vfa-not-bmm', { message: `${lineLabel(ctx, index)}: ${notListed.note}.`, line: lineRef(ctx, index), source: notListed.source, path: linePath(ctx, index, 'code'), params: { code: line.code } });
    }
    const assessment = ctx.assessments?.[index] ?? assessMedicareLine(ctx.input, ctx.knowledge, line);
    if (assessment.benefit === 'bmm') bmmLines++;
    for (const reason of assessment.denials) reportDenial(ctx, report, reason, index);
    checkLiability(ctx, report, assessment, index);
    if (assessment.benefit === 'bmm' && assessment.denials.length === 0) reportLocalCoverageGap(ctx, report, assessment, index);
  }
  if (bmmLines === 0) return;
  checkSameDayBmm(ctx, report);

  const all = claimDiagnoses(ctx);
  const categories = qualifiedCategories(ctx.input, ctx.knowledge, all);
  if (categories.length === 0) {
    report.add('medicare.bmm-category-not-shown', {
      message: 'Nothing in the diagnoses or clinical facts shows a qualified-individual category (estrogen deficiency at clinical risk, vertebral abnormality on X-ray, long-term glucocorticoids, primary hyperparathyroidism, or monitoring osteoporosis drug therapy).',
      fix: 'Document and code the category that applies; an osteoporosis or osteopenia diagnosis alone may be on the covered list, but the statute names these five.',
      source: medicare.statute,
    });
  } else {
    report.add('medicare.bmm-qualified', {
      message: `Qualified individual: ${joined(categories, (c) => `${c.id} ${c.label} (${evidenceText(ctx, c)})`, '; ')}.`,
      source: categorySource(ctx, strongestConfidence(categories)),
      path: evidencePath(ctx, categories[0]!),
      params: { categories: categories.map((c) => c.id), evidence: categories.map((c) => c.evidence) },
    });
    for (const category of categories.filter((c) => !c.viaDiagnosis)) {
      const def = ctx.knowledge.medicareIndex.categoryById.get(category.id);
      const codes = def?.diagnoses ?? def?.diagnosisPrefixes ?? [];
      if (!all.some((d) => codes.some((c) => d.startsWith(c)))) {
        report.add('medicare.bmm-category-not-coded', {
          message: `Category ${category.id} (${category.label}) is documented as a clinical fact, but no diagnosis on the claim shows it.`,
          fix: `Add the diagnosis code that shows it (e.g. ${codes.slice(0, 3).join(', ')}; code mapping ${def?.diagnosisMappingConfidence ?? 'unverified'}).`,
          source: categorySource(ctx, def?.diagnosisMappingConfidence ?? 'unverified'),
          path: def ? clinicalFactPath(def.fact) : undefined,
          params: { category: category.id, fact: def?.fact ?? '', codes: codes.slice(0, 3) },
        });
      }
    }
  }
  const threshold = glucocorticoidThreshold(medicare, ctx.input.dateOfService);
  const { glucocorticoidMgPerDay: mg, glucocorticoidMonths: months } = ctx.input.clinical;
  if (threshold && (mg !== undefined || months !== undefined) && !categories.some((c) => c.id === 'C') && glucocorticoidFactsBelowThreshold(ctx.input, medicare)) {
    const facts = `Glucocorticoids ${mg !== undefined ? `${mg} mg/day` : '(dose not given)'}${months !== undefined ? ` for ${months} months` : ''}`;
    const need = `at least ${threshold.mgPerDay} mg prednisone-equivalent per day for more than ${threshold.monthsMoreThan} months`;
    const glucocorticoidParams = { mgPerDay: mg ?? null, months: months ?? null, thresholdMgPerDay: threshold.mgPerDay, thresholdMonths: threshold.monthsMoreThan };
    const coded = all.find((d) => medicare.categories.some((c) => c.fact === 'glucocorticoid' && c.diagnoses?.includes(d)));
    if (coded) {
      // The facts contradict the code: say so rather than trusting it.
      report.add('medicare.glucocorticoid-code-contradicted', {
        message: `${coded} (long-term systemic steroids) is coded, but the record's ${facts.charAt(0).toLowerCase()}${facts.slice(1)} do not reach category C (${need}); Medicare category C and the 23-month glucocorticoid exception are not granted on the code alone.`,
        fix: `Document the steroid course that meets the threshold, or remove ${coded} and code the category that applies.`,
        source: threshold.source,
        path: diagnosisPath(ctx, coded),
        params: { code: coded, ...glucocorticoidParams },
      });
    } else {
      report.add('medicare.glucocorticoid-threshold', {
        message: `${facts} do not reach category C: ${need}.`,
        source: threshold.source,
        // The fact that falls short: the dose when it does, else the duration.
        path: mg !== undefined && mg < threshold.mgPerDay ? 'clinical.glucocorticoidMgPerDay' : 'clinical.glucocorticoidMonths',
        params: glucocorticoidParams,
      });
    }
  }
  if (ctx.input.treatingOrder === undefined) {
    report.skipped('coverage', 'the encounter does not say whether the ordering practitioner treats the beneficiary');
  }
}
