/**
 * Drafting a DXA/VFA report from the study's facts (issue 13 §3, docs/report-drafting.md). Pure: the same facts give
 * the same text. The draft holds every element the documentation family checks (indication, ordering clinician,
 * sites with results, the VFA levels and each fracture with its Genant grade, an impression, the signature), and
 * `missing` names each element the facts did not give, with the rule that would hold the claim without it.
 *
 * Which words classify the densities (sources in docs/report-drafting.md):
 * - postmenopausal (or perimenopausal) women and men aged 50 and over: T-scores and the WHO categories (normal
 *   T >= -1.0; low bone mass between; osteoporosis T <= -2.5), from the lowest T-score of the lumbar spine, femoral
 *   neck, total hip and 33 % radius;
 * - premenopausal women and men under 50: Z-scores; -2.0 or lower is "below the expected range for age";
 * - children and adolescents (under 20): Z-scores; -2.0 or lower is "low bone density for chronologic age".
 */
import type { GradedLevel } from '../contract/result.js';
import { GENANT_GRADE_WORDS, VERTEBRAL_LEVELS } from '../contract/values.js';
import type { ResultSite } from '../extract/facts.js';
import { gradeMorphometry } from '../morphometry/grade.js';
import type { ReportDraftInput } from './input.js';

/** One element the draft lacks, the rule that would flag the report without it, and what to give. */
export interface MissingElement {
  element: string;
  /** The documentation rule that holds a claim without it, or null for a report element no rule checks. */
  rule: string | null;
  message: string;
}

/** How the draft classified the densities. */
export type Classification =
  | { scheme: 'who'; category: 'normal' | 'low bone mass (osteopenia)' | 'osteoporosis'; lowestTScore: number; site: ResultSite }
  | { scheme: 'z-score'; wording: string; lowestZScore: number; site: ResultSite }
  | { scheme: 'none'; reason: string };

export interface ReportDraft {
  text: string;
  missing: MissingElement[];
  classification: Classification;
  /** The VFA levels as graded (from the fractures given, or from the heights). */
  vfaLevels: GradedLevel[] | undefined;
}

const SITE_NAMES: Record<ResultSite, string> = {
  'lumbar-spine': 'Lumbar spine',
  'left-femoral-neck': 'Left femoral neck',
  'right-femoral-neck': 'Right femoral neck',
  'femoral-neck': 'Femoral neck',
  'left-total-hip': 'Left total hip',
  'right-total-hip': 'Right total hip',
  'total-hip': 'Total hip',
  'left-radius-33': 'Left radius 33%',
  'right-radius-33': 'Right radius 33%',
  'radius-33': 'Radius 33%',
  'left-forearm': 'Left forearm',
  'right-forearm': 'Right forearm',
  forearm: 'Forearm',
  heel: 'Heel',
  'total-body': 'Total body',
};

/** Sites whose T-score the WHO classification uses (ISCD: lumbar spine, femoral neck, total hip, 33 % radius). */
const DIAGNOSTIC_SITES = new Set<ResultSite>(['lumbar-spine', 'left-femoral-neck', 'right-femoral-neck', 'femoral-neck', 'left-total-hip', 'right-total-hip', 'total-hip', 'left-radius-33', 'right-radius-33', 'radius-33']);

/** The word with its first letter in upper case. */
function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** MM/DD/YYYY, as US reports write dates (and the extractor reads them). */
function usDate(iso: string): string {
  return `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
}

function signed(n: number, digits: number): string {
  return n.toFixed(digits);
}

/** Which scheme classifies this patient's densities, or why none can be chosen. */
export function classificationScheme(patient: ReportDraftInput['patient']): 'who' | 'z-adult' | 'z-child' | { none: string } {
  if (patient.age < 20) return 'z-child';
  if (patient.sex === 'male') return patient.age >= 50 ? 'who' : 'z-adult';
  if (patient.sex === 'female') {
    if (patient.menopause === 'postmenopausal' || patient.menopause === 'perimenopausal') return 'who';
    if (patient.menopause === 'premenopausal') return 'z-adult';
    return { none: "the woman's menopausal status is not given: the WHO categories apply after menopause, Z-scores before" };
  }
  return { none: 'the sex is not known, so neither the WHO categories nor the Z-score wording can be chosen' };
}

function classify(input: ReportDraftInput): Classification {
  const scheme = classificationScheme(input.patient);
  if (typeof scheme === 'object') return { scheme: 'none', reason: scheme.none };
  const results = input.results ?? [];
  if (scheme === 'who') {
    const scored = results.filter((r) => r.tScore !== undefined && DIAGNOSTIC_SITES.has(r.site));
    if (scored.length === 0) return { scheme: 'none', reason: 'no T-score of the lumbar spine, femoral neck, total hip or 33 % radius is given' };
    const lowest = scored.reduce((a, b) => (b.tScore! < a.tScore! ? b : a));
    const t = lowest.tScore!;
    return { scheme: 'who', category: t <= -2.5 ? 'osteoporosis' : t < -1.0 ? 'low bone mass (osteopenia)' : 'normal', lowestTScore: t, site: lowest.site };
  }
  const scored = results.filter((r) => r.zScore !== undefined);
  if (scored.length === 0) return { scheme: 'none', reason: `no Z-score is given (${scheme === 'z-child' ? 'a child or adolescent' : 'a premenopausal woman or a man under 50'} is reported by Z-score)` };
  const lowest = scored.reduce((a, b) => (b.zScore! < a.zScore! ? b : a));
  const low = lowest.zScore! <= -2.0;
  const wording = scheme === 'z-child' ? (low ? 'low bone density for chronologic age' : 'within the expected range for age') : low ? 'below the expected range for age' : 'within the expected range for age';
  return { scheme: 'z-score', wording, lowestZScore: lowest.zScore!, site: lowest.site };
}

function vfaLevels(vfa: NonNullable<ReportDraftInput['vfa']>): GradedLevel[] {
  if (vfa.fractures !== undefined || vfa.morphometry === undefined) {
    // As read: T4-L4 evaluated, except the levels given as not evaluable; those not named as fractured are normal.
    return VERTEBRAL_LEVELS.map((level): GradedLevel => {
      const notEvaluable = vfa.notEvaluable?.find((n) => n.level === level);
      if (notEvaluable) return { level, evaluable: false, reason: notEvaluable.reason };
      const fracture = vfa.fractures?.find((f) => f.level === level);
      return fracture ? { level, evaluable: true, grade: fracture.grade, type: fracture.type } : { level, evaluable: true, grade: 0 };
    });
  }
  return gradeMorphometry(vfa.morphometry);
}

/** Drafts the report. */
export function draftReport(input: ReportDraftInput): ReportDraft {
  const missing: MissingElement[] = [];
  const lines: string[] = [];
  const results = input.results ?? [];
  const hasVfa = input.vfa !== undefined;
  const hasDxa = results.length > 0;
  lines.push(hasDxa && hasVfa ? 'DXA BONE DENSITY STUDY AND VERTEBRAL FRACTURE ASSESSMENT' : hasVfa ? 'VERTEBRAL FRACTURE ASSESSMENT' : 'DXA BONE DENSITY STUDY');
  lines.push(`Date of service: ${usDate(input.dateOfService)}`);
  if (input.orderingClinician) lines.push(`Ordering physician: ${input.orderingClinician}`);
  else missing.push({ element: 'ordering clinician', rule: 'doc.order-missing', message: 'Name the ordering clinician (Medicare covers BMM on the order of the treating practitioner).' });
  const who = input.patient.sex === 'female' && input.patient.menopause ? `${input.patient.menopause} ` : '';
  lines.push('', `INDICATION: ${input.indication ?? '[indication]'}`);
  if (!input.indication) missing.push({ element: 'indication', rule: 'doc.indication-missing', message: 'State the indication (the medical necessity) for the study.' });
  lines.push(`PATIENT: ${input.patient.age}-year-old ${who}${input.patient.sex === 'unknown' ? 'patient' : input.patient.sex}.`);

  const technique: string[] = [];
  if (hasDxa) {
    const sites = [...new Set(results.map((r) => SITE_NAMES[r.site].toLowerCase()))];
    technique.push(`DXA of the ${sites.length > 1 ? `${sites.slice(0, -1).join(', ')} and ${sites.at(-1)!}` : sites[0]!} was performed`);
  }
  if (input.scanner) technique.push(`on a ${[input.scanner.manufacturer, input.scanner.model].filter(Boolean).join(' ')}${input.scanner.software ? ` (software ${input.scanner.software})` : ''}`);
  lines.push('', `TECHNIQUE: ${technique.length > 0 ? `${technique.join(' ')}.` : ''}${hasVfa ? `${technique.length > 0 ? ' ' : ''}Lateral vertebral fracture assessment (VFA) was performed on the densitometer.` : ''}`);
  if (!input.scanner) missing.push({ element: 'scanner', rule: null, message: 'Name the scanner and its software (ISCD lists them among the report elements).' });

  if (hasDxa) {
    lines.push('', 'RESULTS:');
    for (const r of results) {
      const parts = [r.bmd !== undefined ? `BMD ${r.bmd.toFixed(3)} g/cm2` : undefined, r.tScore !== undefined ? `T-score ${signed(r.tScore, 1)}` : undefined, r.zScore !== undefined ? `Z-score ${signed(r.zScore, 1)}` : undefined].filter(Boolean);
      lines.push(`${SITE_NAMES[r.site]}${r.region ? ` ${r.region}` : ''}: ${parts.join(', ')}.`);
    }
    if (!results.some((r) => r.tScore !== undefined || r.bmd !== undefined)) missing.push({ element: 'results', rule: 'doc.results-missing', message: 'Give BMD and T-score (Z-score where it applies) for each site.' });
    for (const x of input.excludedVertebrae ?? []) lines.push(`${x.level} was excluded from the lumbar spine analysis (${x.reason}).`);
  }

  if (input.prior) {
    lines.push('', `COMPARISON: Prior study of ${usDate(input.prior.dateOfService)}.`);
    for (const before of input.prior.results) {
      const now = results.find((r) => r.site === before.site && r.bmd !== undefined);
      if (!now) continue;
      const change = now.bmd! - before.bmd;
      const percent = (change / before.bmd) * 100;
      const lsc = input.leastSignificantChange?.find((l) => l.site === before.site)?.gPerCm2;
      const judged = lsc === undefined ? 'not judged against a least significant change (none given for this site)' : Math.abs(change) >= lsc ? `a statistically significant ${change < 0 ? 'decrease' : 'increase'} (least significant change ${lsc.toFixed(3)} g/cm2)` : `not a significant change (least significant change ${lsc.toFixed(3)} g/cm2)`;
      lines.push(`${SITE_NAMES[before.site]} BMD changed by ${change >= 0 ? '+' : ''}${change.toFixed(3)} g/cm2 (${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%): ${judged}.`);
    }
  }

  if (input.frax && (input.frax.majorOsteoporotic !== undefined || input.frax.hip !== undefined)) {
    const parts = [input.frax.majorOsteoporotic !== undefined ? `major osteoporotic fracture ${input.frax.majorOsteoporotic.toFixed(1)}%` : undefined, input.frax.hip !== undefined ? `hip fracture ${input.frax.hip.toFixed(1)}%` : undefined].filter(Boolean);
    lines.push('', `FRAX: 10-year probability of ${parts.join(', ')}${input.frax.withBmd === false ? ' (calculated without BMD)' : input.frax.withBmd ? ' (calculated with femoral neck BMD)' : ''}.`);
  }

  const levels = input.vfa ? vfaLevels(input.vfa) : undefined;
  if (input.vfa && levels) {
    const notEvaluable = levels.filter((l) => !l.evaluable);
    const fractured = levels.filter((l) => l.evaluable && (l.grade ?? 0) > 0);
    lines.push('', 'VERTEBRAL FRACTURE ASSESSMENT:');
    lines.push(`Levels T4-L4 evaluated${notEvaluable.length > 0 ? `, except ${notEvaluable.map((l) => `${l.level} (not evaluable: ${l.reason ?? 'no reason given'})`).join(', ')}` : ''}.`);
    if (fractured.length === 0) lines.push('No vertebral fracture identified at the levels evaluated.');
    for (const f of fractured) lines.push(`${capitalised(GENANT_GRADE_WORDS[f.grade!])} (Genant grade ${f.grade}) ${f.type ?? ''} fracture of ${f.level}.`.replace('  ', ' '));
  }

  const classification = classify(input);
  const impression: string[] = [];
  if (classification.scheme === 'who') impression.push(`${classification.category === 'normal' ? 'Normal bone density' : classification.category === 'osteoporosis' ? 'Osteoporosis' : 'Low bone mass (osteopenia)'} by WHO criteria (lowest T-score ${signed(classification.lowestTScore, 1)}, ${SITE_NAMES[classification.site].toLowerCase()}).`);
  else if (classification.scheme === 'z-score') impression.push(`Bone density ${classification.wording} (lowest Z-score ${signed(classification.lowestZScore, 1)}, ${SITE_NAMES[classification.site].toLowerCase()}).`);
  else if (hasDxa) missing.push({ element: 'classification', rule: null, message: `No density category is stated: ${classification.reason}.` });
  if (levels) {
    const fractured = levels.filter((l) => l.evaluable && (l.grade ?? 0) > 0);
    impression.push(fractured.length === 0 ? 'No vertebral fracture.' : `Vertebral fracture${fractured.length > 1 ? 's' : ''} of ${fractured.map((f) => f.level).join(', ')}.`);
  }
  lines.push('', `IMPRESSION: ${impression.join(' ') || '[impression]'}`);
  if (impression.length === 0) missing.push({ element: 'impression', rule: 'doc.interpretation-missing', message: 'State the interpretation (the impression).' });

  if (input.recommendations && input.recommendations.length > 0) lines.push('', `RECOMMENDATIONS: ${input.recommendations.join(' ')}`);
  else missing.push({ element: 'recommendations', rule: null, message: 'Add recommendations (follow-up interval, further evaluation) where they apply.' });

  if (input.signature) lines.push('', `Electronically signed by ${input.signature.name}, ${input.signature.credentials} on ${usDate(input.signature.date)}`);
  else missing.push({ element: 'signature', rule: 'doc.signature-missing', message: 'The reading physician signs the report (name, credentials, date).' });
  return { text: `${lines.join('\n')}\n`, missing, classification, vfaLevels: levels };
}
