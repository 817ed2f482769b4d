/**
 * The Medicare bone mass measurement assessment of one claim line: which benefit it falls under, which
 * qualified-individual categories the facts show, the 23-month frequency with its exceptions, and whether a denial
 * is expected. Shared by the coverage and frequency families and by the engine that adds GA/GZ/GY.
 */
import { daysBetween, firstOfMonthAfter, isWithin } from '../contract/dates.js';
import type { Source } from '../contract/result.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { MedicareBmm } from '../knowledge/schema.js';
import { inForce, type CoverageArticle } from '../knowledge/official.js';
import type { Jurisdiction } from '../contract/values.js';
import type { HistoryEntry } from '../contract/encounter.js';
import { billsCode, collect, hasXu, type CheckInput, type Line } from './context.js';

/** A qualified-individual category the facts show. */
export interface CategoryMatch {
  id: 'A' | 'B' | 'C' | 'D' | 'E';
  label: string;
  /** What shows it: a clinical fact or a diagnosis code. */
  evidence: string;
  viaDiagnosis: boolean;
  confidence: Source['confidence'];
}

/** Why Medicare is expected to deny a BMM line. */
export type DenialReason =
  | 'screening-only'
  | 'diagnosis-not-listed'
  | 'article-diagnosis-not-covered'
  | 'monitoring-not-axial'
  | 'order-not-treating'
  | 'too-soon'
  | 'not-reasonable-and-necessary'
  /** Another BMM line that day: the CWF's same-day edit denies this line (no XU where Transmittal 10193 puts it). */
  | 'same-day-duplicate'
  /** Another BMM line that day: the jurisdiction's contractor calls axial plus peripheral on one day not necessary. */
  | 'same-day-contractor';

/** Which diagnosis list decides a BMM line's medical necessity in its jurisdiction. */
export type LocalCoverage =
  /** The contractor's billing article lists the code: `covered` holds the ICD-10-CM codes that support it. */
  | { status: 'article'; article: CoverageArticle; covered: ReadonlySet<string> }
  /** The article of the jurisdiction does not list this code. */
  | { status: 'code-not-in-article'; article: CoverageArticle }
  /** The jurisdiction has no billing article loaded (it applies the national NCD 150.3 list). */
  | { status: 'no-article'; jurisdiction: Jurisdiction }
  /** The encounter names no jurisdiction. */
  | { status: 'no-jurisdiction' }
  /** The article is not in force on the date of service. */
  | { status: 'not-in-force'; article: CoverageArticle };

/** The local coverage that decides a line: the billing article of the jurisdiction, when one is loaded. */
export function localCoverage(input: CheckInput, knowledge: Knowledge, code: string): LocalCoverage {
  const jurisdiction = input.jurisdiction;
  if (jurisdiction === undefined) return { status: 'no-jurisdiction' };
  const article = knowledge.articles.byJurisdiction.get(jurisdiction);
  if (!article) return { status: 'no-article', jurisdiction };
  if (!inForce(article.info, input.dateOfService)) return { status: 'not-in-force', article };
  const covered = article.coveredFor(code);
  return covered ? { status: 'article', article, covered } : { status: 'code-not-in-article', article };
}

/** The 23-month frequency outcome of one line. */
export type FrequencyOutcome =
  | { status: 'not-applicable' }
  | { status: 'no-history' }
  | { status: 'no-prior' }
  | { status: 'eligible'; last: string; lastCode: string; lastNpi: string | undefined; eligibleFrom: string }
  | { status: 'too-soon'; last: string; lastCode: string; lastNpi: string | undefined; eligibleFrom: string; exception: 'glucocorticoid-monitoring' | 'confirmatory-baseline' | undefined };

/** The Medicare assessment of one line. */
export interface MedicareLineAssessment {
  benefit: 'bmm' | 'excluded' | 'other';
  /** For BMM lines: which diagnosis list decides medical necessity in the jurisdiction. */
  local: LocalCoverage | undefined;
  excluded: MedicareBmm['excluded'][number] | undefined;
  benefitSource: Source | undefined;
  denials: DenialReason[];
  frequency: FrequencyOutcome;
}

/** The glucocorticoid threshold in force on the date. */
export function glucocorticoidThreshold(medicare: MedicareBmm, date: string): MedicareBmm['glucocorticoidThresholds'][number] | undefined {
  return medicare.glucocorticoidThresholds.find((t) => isWithin(date, t.effective, t.end));
}

/** True when the clinical facts show long-term glucocorticoid therapy at or above the Medicare threshold. */
export function meetsGlucocorticoidThreshold(input: CheckInput, medicare: MedicareBmm): boolean {
  const threshold = glucocorticoidThreshold(medicare, input.dateOfService);
  const { glucocorticoidMgPerDay: mg, glucocorticoidMonths: months } = input.clinical;
  return threshold !== undefined && mg !== undefined && months !== undefined && mg >= threshold.mgPerDay && months > threshold.monthsMoreThan;
}

function clinicalFact(input: CheckInput, fact: MedicareBmm['categories'][number]['fact'], medicare: MedicareBmm): boolean {
  const c = input.clinical;
  switch (fact) {
    case 'glucocorticoid':
      return meetsGlucocorticoidThreshold(input, medicare);
    case 'estrogenDeficient':
      return c.estrogenDeficient === true;
    case 'vertebralAbnormalityOnXray':
      return c.vertebralAbnormalityOnXray === true;
    case 'primaryHyperparathyroidism':
      return c.primaryHyperparathyroidism === true;
    case 'monitoringOsteoporosisTherapy':
      return c.monitoringOsteoporosisTherapy === true;
  }
}

/** The qualified-individual categories shown by the clinical facts and the given diagnoses. */
export function qualifiedCategories(input: CheckInput, knowledge: Knowledge, diagnoses: string[]): CategoryMatch[] {
  const { medicare, medicareIndex } = knowledge;
  const matches: CategoryMatch[] = [];
  // Each diagnosis's categories, looked up once for all the categories below (when one is asked about).
  let categoriesOf: MedicareBmm['categories'][] | undefined;
  for (const category of medicare.categories) {
    // A category the statute limits to one sex (A: "a woman") shows by its fact only when that sex is given, and by
    // its codes unless another sex is given (a code such as Z78.0 names a woman itself; on a man's claim it does not
    // make him one).
    const sexGiven = !category.sex || input.sex === category.sex;
    if (!sexGiven && input.sex !== 'unknown') continue;
    if (sexGiven && clinicalFact(input, category.fact, medicare)) {
      matches.push({ id: category.id, label: category.label, evidence: `clinical fact ${category.fact}`, viaDiagnosis: false, confidence: 'verified' });
      continue;
    }
    // A glucocorticoid code whose documented dose or duration falls below the threshold does not show category C.
    if (category.fact === 'glucocorticoid' && glucocorticoidFactsBelowThreshold(input, medicare)) continue;
    categoriesOf ??= collect(diagnoses, (d) => medicareIndex.categoriesOfDiagnosis(d));
    const dx = diagnoses[categoriesOf.findIndex((categories) => categories.includes(category))];
    if (dx) matches.push({ id: category.id, label: category.label, evidence: dx, viaDiagnosis: true, confidence: category.diagnosisMappingConfidence });
  }
  return matches;
}

/**
 * True when the facts show the long-term glucocorticoid therapy that allows monitoring within 23 months: the
 * category C threshold met by the dose and duration given (at least 5.0 mg prednisone-equivalent a day for more than
 * 3 months from 2007), or Z79.52 coded and not contradicted by a dose or duration below that threshold (audit
 * 2026-12 §1: a 1 mg/day course of 6 months is not the long-term therapy the exception names).
 */
export function onLongTermGlucocorticoids(input: CheckInput, medicare: MedicareBmm, line: Line): boolean {
  if (meetsGlucocorticoidThreshold(input, medicare)) return true;
  if (!line.diagnoses.includes('Z79.52') && !input.diagnoses.includes('Z79.52')) return false;
  return !glucocorticoidFactsBelowThreshold(input, medicare);
}

/** True when a given dose or duration of glucocorticoids is below the category C threshold of the date. */
export function glucocorticoidFactsBelowThreshold(input: CheckInput, medicare: MedicareBmm): boolean {
  const threshold = glucocorticoidThreshold(medicare, input.dateOfService);
  if (!threshold) return false;
  const { glucocorticoidMgPerDay: mg, glucocorticoidMonths: months } = input.clinical;
  return (mg !== undefined && mg < threshold.mgPerDay) || (months !== undefined && months <= threshold.monthsMoreThan);
}

/** The BMM benefit entry of a code on the date, if the code is inside the benefit. */
export function bmmBenefitEntry(knowledge: Knowledge, code: string, date: string): MedicareBmm['benefitCodes'][number] | undefined {
  const entry = knowledge.medicareIndex.benefitByCode.get(code);
  return entry && (entry.effective === null || date >= entry.effective) ? entry : undefined;
}

/** The 23-month frequency outcome for a BMM line, counted by month from the last covered BMM in history. */
export function bmmFrequency(input: CheckInput, knowledge: Knowledge, line: Line): FrequencyOutcome {
  const { medicare, medicareIndex } = knowledge;
  const axial = medicareIndex.axialDxa;
  const date = input.dateOfService;
  if (!bmmBenefitEntry(knowledge, line.code, date)) return NOT_APPLICABLE;
  if (input.history === undefined) return NO_HISTORY;
  // The last covered BMM before the date (the first listed of that date), and whether any of them was axial DXA.
  let last: HistoryEntry | undefined;
  let axialBefore = false;
  for (const h of input.history) {
    if (h.dateOfService >= date || !bmmBenefitEntry(knowledge, h.code, h.dateOfService)) continue;
    if (last === undefined || h.dateOfService > last.dateOfService) last = h;
    if (axial.has(h.code)) axialBefore = true;
  }
  if (last === undefined) return NO_PRIOR;
  const eligibleFrom = firstOfMonthAfter(last.dateOfService, medicare.frequency.months + 1);
  if (date >= eligibleFrom) return { status: 'eligible', last: last.dateOfService, lastCode: last.code, lastNpi: last.npi, eligibleFrom };
  let exception: 'glucocorticoid-monitoring' | 'confirmatory-baseline' | undefined;
  if (onLongTermGlucocorticoids(input, medicare, line)) {
    exception = 'glucocorticoid-monitoring';
  } else if (axial.has(line.code) && !axialBefore) {
    exception = 'confirmatory-baseline';
  }
  return { status: 'too-soon', last: last.dateOfService, lastCode: last.code, lastNpi: last.npi, eligibleFrom, exception };
}

// The outcomes without details, shared: every check of a Medicare line asks for one.
const NOT_APPLICABLE: FrequencyOutcome = Object.freeze({ status: 'not-applicable' });
const NO_HISTORY: FrequencyOutcome = Object.freeze({ status: 'no-history' });
const NO_PRIOR: FrequencyOutcome = Object.freeze({ status: 'no-prior' });

/** The national non-coverage (not reasonable and necessary) of a code in force on the date, if any. */
export function notReasonableAndNecessary(medicare: MedicareBmm, code: string, date: string): MedicareBmm['notReasonableAndNecessary'][number] | undefined {
  return medicare.notReasonableAndNecessary.find((n) => n.code === code && (n.effective === null || date >= n.effective));
}

/**
 * The frequency outcome assessMedicareLine gives a line, without the rest of the assessment (for a check that runs
 * the frequency family without the coverage family): not applicable to a non-covered or excluded service.
 */
export function medicareLineFrequency(input: CheckInput, knowledge: Knowledge, line: Line): FrequencyOutcome {
  if (notReasonableAndNecessary(knowledge.medicare, line.code, input.dateOfService) || knowledge.medicareIndex.excludedByCode.has(line.code)) return NOT_APPLICABLE;
  return bmmFrequency(input, knowledge, line);
}

/** Assesses one line under the Medicare BMM benefit. */
export function assessMedicareLine(input: CheckInput, knowledge: Knowledge, line: Line): MedicareLineAssessment {
  const { medicare, medicareIndex: index } = knowledge;
  // Not reasonable and necessary is a medical-necessity denial (GA/GZ), not an exclusion (GY): SPA from 2007.
  const nonCovered = notReasonableAndNecessary(medicare, line.code, input.dateOfService);
  if (nonCovered) return { benefit: 'other', local: undefined, excluded: undefined, benefitSource: nonCovered.source, denials: ['not-reasonable-and-necessary'], frequency: NOT_APPLICABLE };
  const excluded = index.excludedByCode.get(line.code);
  if (excluded) return { benefit: 'excluded', local: undefined, excluded, benefitSource: excluded.source, denials: [], frequency: NOT_APPLICABLE };
  const benefit = bmmBenefitEntry(knowledge, line.code, input.dateOfService);
  if (!benefit) return { benefit: 'other', local: undefined, excluded: undefined, benefitSource: undefined, denials: [], frequency: NOT_APPLICABLE };

  const denials: DenialReason[] = [];
  const local = localCoverage(input, knowledge, line.code);
  const diagnosis = diagnosisDenial(knowledge, line, local);
  if (diagnosis) denials.push(diagnosis);
  if (monitoringNotAxial(input, knowledge, line)) denials.push('monitoring-not-axial');
  if (input.treatingOrder === false) denials.push('order-not-treating');
  const frequency = bmmFrequency(input, knowledge, line);
  if (deniedAsTooSoon(frequency)) denials.push('too-soon');
  return { benefit: 'bmm', local, excluded: undefined, benefitSource: benefit.source, denials, frequency };
}

/** The denial a BMM line's diagnoses draw under the coverage that decides its medical necessity, if any. */
function diagnosisDenial(knowledge: Knowledge, line: Line, local: LocalCoverage): DenialReason | undefined {
  const index = knowledge.medicareIndex;
  const dx = line.diagnoses;
  if (dx.length === 0) return undefined;
  if (dx.every((d) => index.screening.has(d))) return 'screening-only';
  // The contractor's article decides for its jurisdiction: a line is covered when one of its diagnoses is listed.
  if (local.status === 'article') return dx.some((d) => local.covered.has(d)) ? undefined : 'article-diagnosis-not-covered';
  return dx.every((d) => index.screening.has(d) || index.notCovered.has(d)) ? 'diagnosis-not-listed' : undefined;
}

/** True when a BMM line is not axial DXA while every qualified-individual category the facts show calls for it. */
function monitoringNotAxial(input: CheckInput, knowledge: Knowledge, line: Line): boolean {
  const index = knowledge.medicareIndex;
  // Only a study other than axial DXA can be the wrong method, so only then are the categories worked out.
  if (index.axialDxa.has(line.code)) return false;
  const dx = line.diagnoses;
  const categories = qualifiedCategories(input, knowledge, dx.length > 0 ? [...dx, ...input.diagnoses] : input.diagnoses);
  if (categories.length === 0) return false;
  for (const category of categories) if (!index.categoryById.get(category.id)?.axialDxaOnly) return false;
  return true;
}

function deniedAsTooSoon(frequency: FrequencyOutcome): boolean {
  return frequency.status === 'too-soon' && !frequency.exception;
}

/** What decides a line's liability modifiers: excluded from the benefit, expected to be denied, or neither. */
export type MedicareLiability = 'excluded' | 'denied' | 'none';

/** The liability of a line given its assessment. */
export function liabilityOf(assessment: MedicareLineAssessment): MedicareLiability {
  if (assessment.benefit === 'excluded') return 'excluded';
  return assessment.denials.length > 0 ? 'denied' : 'none';
}

/** The liability modifiers Medicare expects on a line of the given liability, with or without an ABN. */
export function liabilityModifiersFor(liability: MedicareLiability, abnOnFile: boolean | undefined): string[] {
  if (liability === 'excluded') return abnOnFile ? ['GY', 'GX'] : ['GY'];
  if (liability === 'none') return [];
  return abnOnFile ? ['GA'] : ['GZ'];
}

/** Whether a BMM code is an axial or a peripheral study (NCCI Policy Manual ch. IX categories), if either. */
export function bmmCategory(medicare: MedicareBmm, code: string): 'axial' | 'peripheral' | undefined {
  const { axial, peripheral } = medicare.sameDay.categories;
  if (axial.includes(code)) return 'axial';
  return peripheral.includes(code) ? 'peripheral' : undefined;
}

/** The pair of CMS Transmittal 10193 that two codes make (XU on `xuOn` bypasses the CWF same-day BMM edit), if any. */
export function sameDayCwfPair(medicare: MedicareBmm, a: string, b: string): MedicareBmm['sameDay']['cwfEdit']['pairs'][number] | undefined {
  if (a === b) return undefined;
  return medicare.sameDay.cwfEdit.pairs.find((p) => p.codes.includes(a) && p.codes.includes(b));
}

/** The indexes of `lines` that bill a bone mass measurement on `date`. */
export function bmmLineIndexes(knowledge: Knowledge, lines: readonly Line[], date: string): number[] {
  const bmm: number[] = [];
  for (let i = 0; i < lines.length; i++) if (bmmBenefitEntry(knowledge, lines[i]!.code, date)) bmm.push(i);
  return bmm;
}

/**
 * The lines that need XU for Medicare's CWF to accept two BMM lines on one date (CMS Transmittal 10193): the line
 * the transmittal names, for each named pair on the claim, from the date the CWF accepts XU (the transmittal dates
 * claims received; the date of service is the proxy).
 */
export function sameDayXuLines(knowledge: Knowledge, lines: readonly Line[], date: string): number[] {
  const { medicare } = knowledge;
  if (lines.length < 2 || date < medicare.sameDay.cwfEdit.xuAcceptedFrom) return [];
  const bmm = bmmLineIndexes(knowledge, lines, date);
  const need = new Set<number>();
  for (const i of bmm) {
    for (const j of bmm) {
      const pair = i < j ? sameDayCwfPair(medicare, lines[i]!.code, lines[j]!.code) : undefined;
      if (pair) need.add(lines[i]!.code === pair.xuOn ? i : j);
    }
  }
  return [...need].sort((a, b) => a - b);
}

/**
 * The Medicare assessment of every line of one claim: each line on its own (assessMedicareLine), plus the denials
 * that come from two BMM lines on one date. Medicare's CWF denies the line CMS Transmittal 10193 names when it lacks
 * XU from the date the CWF accepts XU (before then both lines deny as one duplicate whatever the modifier, which the
 * coverage family reports as a warning, the claim's receipt date deciding). The contractor of the encounter's
 * jurisdiction may call an axial plus a peripheral study on one day not medically necessary (CGS J15): the later of
 * the two lines is expected to deny. Both feed the liability modifiers (GA with an ABN, GZ without).
 */
export function assessMedicareClaim(input: CheckInput, knowledge: Knowledge, lines: readonly Line[]): MedicareLineAssessment[] {
  const assessments = collect(lines, (line) => assessMedicareLine(input, knowledge, line));
  for (const [index, reason] of sameDayDenials(input, knowledge, lines)) {
    const assessment = assessments[index]!;
    if (assessment.benefit === 'bmm' && !assessment.denials.includes(reason)) assessment.denials.push(reason);
  }
  return assessments;
}

/**
 * The liability of every line of one claim, exactly as assessMedicareClaim's assessments give it, for a caller that
 * needs no more (the recommended claim's GA/GZ/GY when no rule family reads its assessments): nothing is built that
 * only the coverage family reads, and a line stops at its first denial, so the 23-month history search and the
 * qualified-individual categories are skipped for a line already denied.
 */
export function assessMedicareLiability(input: CheckInput, knowledge: Knowledge, lines: readonly Line[]): MedicareLiability[] {
  const liability: MedicareLiability[] = [];
  for (const line of lines) liability.push(lineLiability(input, knowledge, line));
  // sameDayDenials names BMM lines only, and a BMM line left 'none' is one that assessMedicareLine gives no denial.
  for (const [i] of sameDayDenials(input, knowledge, lines)) if (liability[i] === 'none') liability[i] = 'denied';
  return liability;
}

/** One line's liability for assessMedicareLiability, before the same-day denials. */
function lineLiability(input: CheckInput, knowledge: Knowledge, line: Line): MedicareLiability {
  const date = input.dateOfService;
  if (notReasonableAndNecessary(knowledge.medicare, line.code, date)) return 'denied';
  if (knowledge.medicareIndex.excludedByCode.has(line.code)) return 'excluded';
  if (!bmmBenefitEntry(knowledge, line.code, date)) return 'none';
  if (input.treatingOrder === false || diagnosisDenial(knowledge, line, localCoverage(input, knowledge, line.code)) !== undefined) return 'denied';
  if (deniedAsTooSoon(bmmFrequency(input, knowledge, line))) return 'denied';
  return monitoringNotAxial(input, knowledge, line) ? 'denied' : 'none';
}

/** The same-day denials of a claim's BMM lines, as [line index, reason] pairs (see assessMedicareClaim). */
function sameDayDenials(input: CheckInput, knowledge: Knowledge, lines: readonly Line[]): [number, DenialReason][] {
  const { medicare } = knowledge;
  const date = input.dateOfService;
  const bmm = bmmLineIndexes(knowledge, lines, date);
  const { cwfEdit, contractors } = medicare.sameDay;
  const xuAccepted = date >= cwfEdit.xuAcceptedFrom;
  const jurisdiction = input.jurisdiction;
  const overlay = jurisdiction === undefined ? undefined : contractors.find((c) => c.jurisdictions.includes(jurisdiction));
  const denials: [number, DenialReason][] = [];
  // A study of the other category that day billed elsewhere (or within the contractor's window) denies this line too.
  if (overlay?.severity === 'error' && overlay.axialWithPeripheral && input.history !== undefined) {
    for (const i of bmm) if (contractorHistoryStudy(medicare, overlay, input, lines, i)) denials.push([i, 'same-day-contractor']);
  }
  if (bmm.length < 2) return denials;
  for (const i of bmm) {
    for (const j of bmm) {
      if (j <= i || lines[i]!.code === lines[j]!.code) continue;
      const pair = sameDayCwfPair(medicare, lines[i]!.code, lines[j]!.code);
      if (pair) {
        const on = lines[i]!.code === pair.xuOn ? i : j;
        const other = on === i ? j : i;
        if (xuAccepted ? !hasXu(lines, on) : !hasXu(lines, on) && !hasXu(lines, other)) denials.push([on, 'same-day-duplicate']);
      }
      const [ci, cj] = [bmmCategory(medicare, lines[i]!.code), bmmCategory(medicare, lines[j]!.code)];
      if (overlay?.severity === 'error' && overlay.axialWithPeripheral && ci !== undefined && cj !== undefined && ci !== cj) denials.push([j, 'same-day-contractor']);
    }
  }
  return denials;
}

/**
 * The study in history that a contractor's limit on axial plus peripheral BMM counts against a claim line: one of the
 * other category on the same date, billed elsewhere (by another provider or on another claim; a same-date entry whose
 * code is on this claim is that line, which the line pair covers), or earlier within the contractor's window (WPS: 30
 * days, "on the same DOS or within 30 days").
 */
export function contractorHistoryStudy(
  medicare: MedicareBmm,
  overlay: Pick<MedicareBmm['sameDay']['contractors'][number], 'withinDays'>,
  input: CheckInput,
  lines: readonly Line[],
  index: number,
): HistoryEntry | undefined {
  const category = bmmCategory(medicare, lines[index]!.code);
  if (!category || input.history === undefined) return undefined;
  const days = overlay.withinDays ?? 0;
  return input.history.find((h) => {
    const other = bmmCategory(medicare, h.code);
    if (other === undefined || other === category) return false;
    const gap = daysBetween(h.dateOfService, input.dateOfService);
    if (gap < 0 || gap > days) return false;
    return gap > 0 || !billsCode(lines, h.code);
  });
}
