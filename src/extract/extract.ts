/**
 * extract(text): the facts a DXA/VFA report documents, each with the span of its evidence. Pure and synchronous.
 * Mentions that are orders, plans, outside studies, other imaging or studies "not performed" are kept apart from
 * performed studies, so that a progress note ordering a DXA never becomes a charge.
 */
import { readReportHeader } from './header.js';
import type { Site } from '../contract/values.js';
import type { Evidence, ReportFacts, ResultSite } from './facts.js';
import {
  BISPHOSPHONATES,
  BODY_COMPOSITION,
  DATE,
  DXA_NAMES,
  GLUCOCORTICOIDS,
  GRADE_WORDS,
  NOT_PERFORMED,
  ORDER_CUES,
  PERFORMED_CUES,
  OSTEOPOROSIS_DRUGS,
  OTHER_MODALITY_TITLE,
  OUTSIDE_CUES,
  PRIOR_STUDY_DESCRIBED,
  TODAY_CUES,
  VFA_NAMES,
  isoFromDateMatch,
  writesDayFirst,
} from './patterns.js';
import { firstAsserted, notAsserted } from './negation.js';
import { PRIOR_STUDY_SHOWED, extractResults, findRegions, resultSite, type RegionMention, type ResultValue } from './results.js';
import { normalizeReport, originOf, sentencesOf, sentencesWith, spanOf, type ReportText, type Sentence } from './text.js';

/** Longest report text extract() reads (longer input is cut, never read past). */
export const MAX_REPORT_CHARS = 1_000_000;

type NotPerformedReason = ReportFacts['notPerformed'][number]['reason'];

/** A sentence that names an earlier study ("prior DXA", "most recent scan"). */
const PRIOR_STUDY_NAMED = /\b(previous|prior|last|most recent|earlier)\s+(?:scan|exam|examination|study|DXA|DEXA|bone density|BMD|densitometry)\b/i;
/** "compared to", "comparison is made with". */
const COMPARED_TO = /\b(compared (?:to|with)|comparison (?:is made )?(?:to|with))\b/i;
/** The least significant change named. */
const LSC_NAMED = /\b(least significant change|LSC)\b/i;
/** What a sentence about a change or a FRAX probability holds. */
const PERCENT_OR_CHANGE = /%|change/i;
/** Osteoporosis and osteopenia named (suggestDiagnoses). */
const OSTEOPOROSIS = /\bosteoporo(?:sis|tic)\b/i;
const OSTEOPENIA = /\b(osteopenia|osteopenic|low bone (?:mass|density))\b/i;

/**
 * Patterns walked over every sentence that most reports never match, each with words one of which every match of it
 * contains, in lower case. A sentence's text is a stretch of its report's text with line breaks as spaces, so a report
 * whose text (lower-cased, line breaks as spaces) contains none of a pattern's words has no sentence the pattern
 * matches, and the walk over its sentences for that pattern is skipped: most reports name few of the rarer cues (the
 * corpus: a VFA name in about half of the 47 reports, a prior study in 8, the LSC in 7). extract.test.ts checks the words
 * against the patterns.
 */
export const CUES = {
  /** Every VFA name but the initialisms ends in "assessment" or names imaging or the densitometer. */
  vfaNames: { pattern: VFA_NAMES, words: ['assessment', 'vfa', 'lva', 'iva', 'dva', 'imaging', 'densitometer'] },
  priorStudyDescribed: { pattern: PRIOR_STUDY_DESCRIBED, words: ['prior', 'previous', 'earlier', 'last', 'most recent', 'baseline', ' ago', 'report from', 'compare with'] },
  priorStudyShowed: { pattern: PRIOR_STUDY_SHOWED, words: ['prior', 'previous', 'earlier'] },
  priorStudyNamed: { pattern: PRIOR_STUDY_NAMED, words: ['previous', 'prior', 'last', 'most recent', 'earlier'] },
  comparedTo: { pattern: COMPARED_TO, words: ['compared', 'comparison'] },
  bodyComposition: { pattern: BODY_COMPOSITION, words: ['composition'] },
  lsc: { pattern: LSC_NAMED, words: ['least significant change', 'lsc'] },
  change: { pattern: PERCENT_OR_CHANGE, words: ['%', 'change'] },
  osteoporosis: { pattern: OSTEOPOROSIS, words: ['osteopor'] },
  osteopenia: { pattern: OSTEOPENIA, words: ['osteopen', 'low bone'] },
} as const satisfies Record<string, { pattern: RegExp; words: readonly string[] }>;

type Cue = keyof typeof CUES;

/**
 * Which cues' words a report's normalised text contains (CUES), each looked up when first asked and each word searched
 * for once (the prior-study cues share theirs). A search costs about as much as one pattern over a few sentences, so a
 * cue is worth its words only where it saves a walk over all sentences; OUTSIDE_CUES, with many words, is not one.
 */
export class CueWords {
  private lower: string | undefined;
  private readonly words = new Map<string, boolean>();
  private readonly cues = new Map<Cue, boolean>();

  constructor(private readonly text: string) {}

  /** Whether the text contains one of the cue's words, i.e. whether its pattern can match a sentence of it. */
  names(cue: Cue): boolean {
    let named = this.cues.get(cue);
    if (named === undefined) {
      named = CUES[cue].words.some((word) => this.contains(word));
      this.cues.set(cue, named);
    }
    return named;
  }

  private contains(word: string): boolean {
    let found = this.words.get(word);
    if (found === undefined) {
      this.lower ??= this.text.replaceAll('\n', ' ').toLowerCase();
      found = this.lower.includes(word);
      this.words.set(word, found);
    }
    return found;
  }
}

interface Ctx {
  report: ReportText;
  /** The rarer cues the report's text could match at all (CUES). */
  named: CueWords;
  sentences: Sentence[];
  /** Numeric dates are read day first (14/03/2025), decided once per report. */
  dayFirst: boolean;
  /**
   * Why each sentence (by index) is not about a study performed here, if it is not. Of a sentence that names no study
   * and is under no VFA heading only 'outside' and 'prior' are asked (what extractVfa and the results skip), so only
   * those are looked for.
   */
  spans: (NotPerformedReason | undefined)[];
  /** The first DXA name and the first VFA name in each sentence (by index), looked for once. */
  dxaNames: (RegExpExecArray | null)[];
  vfaNames: (RegExpExecArray | null)[];
  /** A glucocorticoid the report names as past use only ("previously on prednisolone ... stopped"). */
  glucocorticoidPast?: boolean;
}

function evidence(ctx: Ctx, sentence: Sentence, from = 0, to = sentence.text.length): Evidence {
  return spanOf(ctx.report, sentence.start + from, sentence.start + to);
}

function trimmedEvidence(ctx: Ctx, sentence: Sentence): Evidence {
  const lead = sentence.text.length - sentence.text.trimStart().length;
  const trail = sentence.text.trimEnd().length;
  return evidence(ctx, sentence, lead, trail);
}

const VFA_SECTION = /^(VFA|LVA|IVA|VERTEBRAL FRACTURE ASSESSMENT|LATERAL VERTEBRAL ASSESSMENT)$/;

/**
 * Why a mention of a study in this sentence is not a study performed in this report, if it is not: done elsewhere or
 * shown for comparison only, an earlier study described (the COMPARISON section, "her prior DXA of ... showed"),
 * not performed or attempted without interpretation, cancelled, or ordered and planned.
 */
function notPerformedReason(sentence: Sentence, named: CueWords, aboutStudy: boolean): Exclude<NotPerformedReason, 'other-modality'> | undefined {
  const t = sentence.text;
  if (OUTSIDE_CUES.test(t)) return 'outside';
  if (sentence.section === 'COMPARISON' || (named.names('priorStudyDescribed') && PRIOR_STUDY_DESCRIBED.test(t) && !TODAY_CUES.test(t))) return 'prior';
  // The other reasons are asked only of a sentence that names a study or is under a VFA heading (Ctx.spans).
  if (!aboutStudy) return undefined;
  if (NOT_PERFORMED.test(t)) return /cancel|did not arrive|no[- ]show|did not (show|attend)/i.test(t) ? 'cancelled' : 'negated';
  if (sentence.section === 'RECOMMENDATION' || sentence.section === 'RECOMMENDATIONS' || sentence.section === 'PLAN' || sentence.section === 'ORDERS' || sentence.section === 'ORDER') return 'ordered';
  if (ORDER_CUES.test(t)) return 'ordered';
  return undefined;
}

/** The report is about another modality (an MRI or radiograph report), judged from its title lines. */
function isOtherModalityReport(ctx: Ctx): boolean {
  const head = ctx.sentences.slice(0, 4).filter((s) => s.section === '' || /^(EXAM|EXAMINATION|PROCEDURE|STUDY)$/.test(s.section));
  return head.some((s) => OTHER_MODALITY_TITLE.test(s.text) && !/\b(DXA|DEXA|densitometry|absorptiometry|bone density)\b/i.test(s.text));
}

const AXIAL_RESULT_SITES = new Set<ResultSite>(['lumbar-spine', 'left-femoral-neck', 'right-femoral-neck', 'femoral-neck', 'left-total-hip', 'right-total-hip', 'total-hip']);

function measuredSites(results: ResultValue[], kind: 'axial' | 'peripheral'): Site[] {
  const sites = new Set<Site>();
  for (const r of results) {
    if (kind === 'axial') {
      if (r.site === 'lumbar-spine') sites.add('lumbar-spine');
      else if (r.site.startsWith('left-') && AXIAL_RESULT_SITES.has(r.site)) sites.add('left-hip');
      else if (r.site.startsWith('right-') && AXIAL_RESULT_SITES.has(r.site)) sites.add('right-hip');
      else if (AXIAL_RESULT_SITES.has(r.site)) sites.add('hip');
    } else if (!AXIAL_RESULT_SITES.has(r.site)) {
      if (r.site === 'heel') sites.add('heel');
      else if (r.site.startsWith('left-')) sites.add('left-forearm');
      else if (r.site.startsWith('right-')) sites.add('right-forearm');
      else if (r.site !== 'total-body') sites.add('forearm');
    }
  }
  const order: Site[] = ['lumbar-spine', 'left-hip', 'right-hip', 'hip', 'left-forearm', 'right-forearm', 'forearm', 'heel'];
  return order.filter((s) => sites.has(s));
}

/**
 * "No bone density measurement was performed today", or a VFA section that says "Not performed" or "no
 * interpretation rendered": a statement that negates the study itself, for the whole report, whatever else the report
 * says about it (its title, an outside study's values). A statement naming a site ("the hip was not scanned") negates
 * that site only and is left to the results; one about an earlier, outside or ordered study negates nothing here.
 */
function negatedStudies(ctx: Ctx): { dxa?: Sentence; vfa?: Sentence } {
  const found: { dxa?: Sentence; vfa?: Sentence } = {};
  ctx.sentences.forEach((sentence, i) => {
    const reason = ctx.spans[i];
    if (reason !== 'negated' && reason !== 'cancelled') return;
    const t = sentence.text;
    if (findRegions(t).length > 0 || /\b(?:axial|central|peripheral)\b/i.test(t)) return;
    const negation = NOT_PERFORMED.exec(t);
    if (!negation) return;
    const names: { at: number; procedure: 'dxa' | 'vfa' }[] = [];
    // Fresh copies: matchAll starts where the shared global expressions last stopped.
    if (ctx.named.names('vfaNames')) for (const m of t.matchAll(new RegExp(VFA_NAMES.source, 'gi'))) names.push({ at: m.index, procedure: 'vfa' });
    for (const m of t.matchAll(new RegExp(DXA_NAMES.source, 'gi'))) if (!names.some((n) => n.procedure === 'vfa' && m.index >= n.at && m.index < n.at + 40)) names.push({ at: m.index, procedure: 'dxa' });
    names.sort((a, b) => a.at - b.at);
    const before = names.filter((n) => n.at < negation.index);
    const named = before[before.length - 1] ?? names[0];
    const procedure = named?.procedure ?? (VFA_SECTION.test(sentence.section) ? 'vfa' : undefined);
    if (procedure && !found[procedure]) found[procedure] = sentence;
  });
  return found;
}

function extractStudies(ctx: Ctx, results: ResultValue[], facts: ReportFacts): void {
  const otherModality = isOtherModalityReport(ctx);
  const negated = negatedStudies(ctx);
  const axial = results.filter((r) => AXIAL_RESULT_SITES.has(r.site));
  const peripheral = results.filter((r) => !AXIAL_RESULT_SITES.has(r.site) && r.site !== 'total-body');
  let dxaEvidence: Evidence | undefined;
  let dxaPerformedMention = false;
  ctx.sentences.forEach((sentence, i) => {
    const m = ctx.dxaNames[i];
    if (!m) return;
    const reason = otherModality ? 'other-modality' : ctx.spans[i];
    if (reason) {
      facts.notPerformed.push({ procedure: 'dxa-axial', reason, evidence: trimmedEvidence(ctx, sentence) });
      return;
    }
    if (!dxaEvidence) dxaEvidence = trimmedEvidence(ctx, sentence);
    if (PERFORMED_CUES.test(sentence.text) || sentence.section === 'TECHNIQUE') dxaPerformedMention = true;
  });
  if (otherModality) return;
  // Z-scores alone are results too: children, premenopausal women and men under 50 are reported by Z-score (ISCD).
  const hasResults = !negated.dxa && results.some((r) => r.measure === 't-score' || r.measure === 'z-score' || r.measure === 'bmd');
  if (axial.length > 0 && hasResults) {
    facts.studies.push({ procedure: 'dxa-axial', sites: measuredSites(axial, 'axial'), evidence: axial[0]!.evidence });
  }
  if (peripheral.length > 0 && hasResults) {
    facts.studies.push({ procedure: 'dxa-peripheral', sites: measuredSites(peripheral, 'peripheral'), evidence: peripheral[0]!.evidence });
  }
  if (negated.dxa) {
    const negation = trimmedEvidence(ctx, negated.dxa);
    if (!facts.notPerformed.some((n) => n.procedure === 'dxa-axial' && n.evidence.start === negation.start)) facts.notPerformed.push({ procedure: 'dxa-axial', reason: 'negated', evidence: negation });
  }
  const performedReport = facts.studies.length > 0 || (!negated.dxa && dxaPerformedMention && dxaEvidence !== undefined);

  // Vertebral fracture assessment: a VFA name in a performed context of a performed report.
  let vfaEvidence: Evidence | undefined;
  ctx.sentences.forEach((sentence, i) => {
    const m = ctx.vfaNames[i] ?? null;
    const underHeading = !m && VFA_SECTION.test(sentence.section) && ctx.spans[i] !== undefined;
    if (!m && !underHeading) return;
    const reason = ctx.spans[i];
    if (reason) {
      facts.notPerformed.push({ procedure: 'vfa', reason, evidence: trimmedEvidence(ctx, sentence) });
      return;
    }
    if (!vfaEvidence && m) vfaEvidence = evidence(ctx, sentence, m.index, m.index + m[0].length);
  });
  const vfaFindings = facts.vfa && (facts.vfa.fractures.length > 0 || facts.vfa.noFracture || facts.vfa.levelsEvaluated);
  if (vfaEvidence && !negated.vfa && (performedReport || vfaFindings)) {
    facts.studies.push({ procedure: 'vfa', sites: [], evidence: vfaEvidence });
  }

  let compositionResults: boolean | undefined;
  if (ctx.named.names('bodyComposition')) for (const [i, sentence] of ctx.sentences.entries()) {
    BODY_COMPOSITION.lastIndex = 0;
    const m = BODY_COMPOSITION.exec(sentence.text);
    if (!m) continue;
    if (ctx.spans[i]) continue;
    compositionResults ??= /\b(fat mass|lean mass|lean \+ BMC|% ?fat|percent (?:body )?fat|visceral adipose|VAT|appendicular lean)\b/i.test(ctx.report.text);
    if (compositionResults || /\b(performed|obtained)\b/i.test(sentence.text)) {
      facts.studies.push({ procedure: 'dxa-body-composition', sites: ['total-body'], evidence: evidence(ctx, sentence, m.index, m.index + m[0].length) });
      break;
    }
  }
}

/** Words without which no clinical fact can be in a sentence (a cheap first look, letters only: sentencesWith). */
const CLINICAL_WORDS = new RegExp(`menopaus|estrogen|oophor|aromatase|anastrozole|letrozole|exemestane|hyperparathyroid|predni|cortis|dexameth|budesonide|deflazacort|medrol|height|lost|loss|shorter|report|told|fractur|cracked|broken|${Object.keys({ alendronate: 1, fosamax: 1, risedronate: 1, actonel: 1, atelvia: 1, ibandronate: 1, boniva: 1, zoledron: 1, reclast: 1, denosumab: 1, prolia: 1, teriparatide: 1, forteo: 1, abaloparatide: 1, tymlos: 1, romosozumab: 1, evenity: 1, raloxifene: 1, evista: 1 }).join('|')}`, 'gi');

// The clinical facts' patterns. Global ('g') so that firstAsserted can walk every mention; compiled once here rather
// than per sentence (a RegExp built per call was the extractor's largest single cost).
const DRUG_NAMES = new RegExp(`\\b(${Object.keys(OSTEOPOROSIS_DRUGS).join('|')})\\b`, 'gi');
const GLUCOCORTICOID_NAMES = new RegExp(GLUCOCORTICOIDS.source, 'gi');
/** Estrogen deficiency: postmenopausal state, oophorectomy, aromatase inhibitors. */
const ESTROGEN_DEFICIENCY = /\b(post-?menopausal|estrogen deficien\w*|oophorectomy|surgical menopause|premature menopause|menopausal|aromatase inhibitor|anastrozole|letrozole|exemestane)\b/gi;
/** Primary hyperparathyroidism named. */
const PRIMARY_HYPERPARATHYROIDISM = /\bprimary hyperparathyroidism\b/gi;
/** Historical height loss with its amount ("lost 4 cm", "1.5 inches of height loss"). */
const HISTORICAL_HEIGHT_LOSS = /\b(?:height loss|loss of height|lost|has lost|loss)\s*(?:of\s*)?(?:approximately\s*|about\s*|~\s*)?(\d+(?:\.\d+)?)\s*(cm|centimet(?:er|re)s?|in(?:ch(?:es)?)?\b|")(?:\s*(?:of|in)\s*height)?|\b(\d+(?:\.\d+)?)\s*(cm|centimet(?:er|re)s?|in(?:ch(?:es)?)?\b|")\s*(?:of\s*)?(?:historical\s*)?(?:height loss|loss of height|loss in height|shorter)/gi;
/** A vertebral fracture the patient reports, not one documented. */
const SELF_REPORTED_VERTEBRAL_FRACTURE = /\b(self-reported|patient[- ]reported|reports?|reported|by (?:patient )?report|per patient|was told)\b[^.;]{0,60}?\b(?:(?:vertebral|spine|spinal|compression) fractures?|fractured (?:vertebra|spine|back)|cracked vertebra|broken (?:back|vertebra))|\b(vertebral|spine|compression) fractures?[^.;]{0,30}\b(per patient|by (?:patient )?report|self-reported|not documented|undocumented)\b/gi;
/** A known or earlier fracture ("history of hip fracture", "fractured her wrist"). */
const KNOWN_FRACTURE = /\b(history of|prior|previous|remote|healed|sustained (?:a )?)\s*(?:a\s+)?(?:left |right )?(hip|wrist|distal radius|radius|vertebral|fragility|osteoporotic|humerus|pelvic|low[- ]trauma)\s+fractures?\b|\bfractured (?:her|his) (?:left |right )?(wrist|hip|radius|arm)\b|\b(?:fragility|low[- ]trauma|osteoporotic) fracture of the (?:left |right )?(?:wrist|hip|distal radius|radius|humerus|femur|pelvis)\b|\bknown (?:[TL]\d{1,2} |vertebral |spine )?(?:compression |vertebral |fragility )?fracture\b/gi;

function extractClinical(ctx: Ctx, facts: ReportFacts): void {
  const withWords = sentencesWith(ctx.report, ctx.sentences, CLINICAL_WORDS);
  if (withWords === undefined) return;
  const c = facts.clinical;
  for (const [i, sentence] of ctx.sentences.entries()) {
    const t = sentence.text;
    if (!withWords[i]) continue;
    // The first mention asserted of the patient (negation.ts).
    const at = (re: RegExp) => firstAsserted(t, re);
    let m: RegExpExecArray | undefined;
    if (!c.estrogenDeficient && (m = at(ESTROGEN_DEFICIENCY))) {
      c.estrogenDeficient = { value: true, evidence: evidence(ctx, sentence, m.index, m.index + m[0].length) };
    }
    if (!c.primaryHyperparathyroidism && (m = at(PRIMARY_HYPERPARATHYROIDISM))) {
      c.primaryHyperparathyroidism = { value: true, evidence: evidence(ctx, sentence, m.index, m.index + m[0].length) };
    }
    if (!c.glucocorticoidName && (m = at(GLUCOCORTICOID_NAMES))) {
      ctx.glucocorticoidPast = /\b(?:previously|formerly|stopped|discontinued|completed|no longer|in the past|past use|former|tapered off)\b/i.test(t);
      c.glucocorticoidName = { value: m[1]!.toLowerCase() === 'medrol' ? 'methylprednisolone' : m[1]!.toLowerCase(), evidence: evidence(ctx, sentence, m.index, m.index + m[0].length) };
      const tail = t.slice(m.index);
      const dose = /(\d+(?:\.\d+)?)\s*(?:mg|milligrams?)\b/i.exec(tail);
      if (dose) c.glucocorticoidMgPerDay = { value: Number(dose[1]), evidence: evidence(ctx, sentence, m.index + dose.index, m.index + dose.index + dose[0].length) };
      const duration = /\b(?:for|x|×|over|past|last|since)\s+(?:the\s+)?(?:past\s+|last\s+)?(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s*(months?|mos?\.?|years?|yrs?|weeks?|wks?)\b/i.exec(t);
      if (duration) {
        const words: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };
        const n = words[duration[1]!.toLowerCase()] ?? Number(duration[1]);
        const unit = duration[2]!.toLowerCase();
        const months = unit.startsWith('y') ? n * 12 : unit.startsWith('w') ? Math.round((n * 7) / 30.44) : n;
        c.glucocorticoidMonths = { value: months, evidence: evidence(ctx, sentence, duration.index, duration.index + duration[0].length) };
      }
    }
    if (!c.heightLossHistoricalCm && (m = at(HISTORICAL_HEIGHT_LOSS))) {
      if (!/prospective|over the past year|since last (visit|year)/i.test(t)) {
        const value = Number(m[1] ?? m[3]);
        const unit = (m[2] ?? m[4])!.toLowerCase();
        const cm = unit.startsWith('c') ? value : Math.round(value * 2.54 * 10) / 10;
        c.heightLossHistoricalCm = { value: cm, evidence: evidence(ctx, sentence, m.index, m.index + m[0].length) };
      }
    }
    if (!c.selfReportedVertebralFracture && (m = at(SELF_REPORTED_VERTEBRAL_FRACTURE))) {
      c.selfReportedVertebralFracture = { value: true, evidence: evidence(ctx, sentence, m.index, m.index + m[0].length) };
    }
    if (!c.knownFracture && (m = at(KNOWN_FRACTURE))) {
      c.knownFracture = { value: true, evidence: evidence(ctx, sentence, m.index, m.index + m[0].length) };
    }
    if (!c.monitoringTherapy) {
      if ((m = at(DRUG_NAMES)) && /\b(monitor\w*|on|taking|treated|treatment|therapy|response|since|started|receiving|years? of|months? of)\b/i.test(t) && !/\b(discontinued|stopped|completed|drug holiday|off)\b/i.test(t)) {
        c.monitoringTherapy = { value: OSTEOPOROSIS_DRUGS[m[1]!.toLowerCase()]!, evidence: evidence(ctx, sentence, m.index, m.index + m[0].length) };
      }
    }
  }
}

function expandLevels(from: string, to: string): string[] {
  const order = [...Array.from({ length: 12 }, (_, i) => `T${i + 1}`), ...Array.from({ length: 5 }, (_, i) => `L${i + 1}`)];
  const a = order.indexOf(from);
  const b = order.indexOf(to);
  if (a < 0 || b < 0 || b < a) return [from, to].filter((l) => order.includes(l));
  return order.slice(a, b + 1);
}

function normalLevel(letter: string, digits: string): string {
  return `${letter.toUpperCase()}${Number(digits)}`;
}

function extractVfa(ctx: Ctx, facts: ReportFacts): void {
  // What this finds is kept only for a report with a VFA study, which a VFA name in one of its sentences makes.
  if (!ctx.named.names('vfaNames')) return;
  const vfa: NonNullable<ReportFacts['vfa']> = { notEvaluable: [], fractures: [] };
  let inVfa = false;
  let any = false;
  for (const [i, sentence] of ctx.sentences.entries()) {
    const t = sentence.text;
    // An earlier or outside study's findings ("Comparison: DXA with VFA of 10/29/2024, which showed no vertebral
    // fracture") are not today's; nor is a densitometry line excluding a vertebra from the BMD ("AP Spine: L2 excluded").
    if (ctx.spans[i] === 'prior' || ctx.spans[i] === 'outside') continue;
    const namesVfa = (ctx.vfaNames[i] ?? null) !== null;
    if (!namesVfa && /\b(?:BMD|T-?score|g\/cm|AP spine|from (?:the )?analysis|from (?:the )?BMD)\b/i.test(t)) continue;
    const mentionsVfa = namesVfa || /^(VFA|VERTEBRAL FRACTURE ASSESSMENT)$/.test(sentence.section);
    if (mentionsVfa) inVfa = true;
    if (!/fractur|deformit|genant|vertebra|wedge|crush|biconcave|[TL]-?\d|recommend|radiograph|imaging|evaluab|obscur|visuali|assess|normal/i.test(t)) continue;
    if (!inVfa && !/\b(vertebra\w*|fracture|deformit\w*|Genant|[TL]\d{1,2})\b/i.test(t)) continue;
    const range = /\b([TL])-?(\d{1,2})\s*(?:-|–|to|through)\s*([TL])-?(\d{1,2})\b/i.exec(t);
    const evaluable = /[TL]-?\d/.test(t) && /\b(not (?:well )?(?:evaluable|evaluated|visuali[sz]ed|assessable|seen|assessed)|could not be (?:evaluated|assessed|visuali[sz]ed)|obscured|excluded|non-?diagnostic|poorly visuali[sz]ed|limited visuali[sz]ation|unable to (?:evaluate|assess))\b/i.exec(t);
    if (evaluable) {
      // The levels of the clause that says "not evaluable", not those of a heading before it ("VFA, T4-L4: T4-T6 are
      // not evaluable"); a range before the colon is the range evaluated.
      const colon = t.lastIndexOf(':', evaluable.index);
      const clause = colon >= 0 ? t.slice(colon + 1) : t;
      if (colon >= 0 && range && range.index < colon && inVfa && !vfa.levelsEvaluated) {
        vfa.levelsEvaluated = { value: `${normalLevel(range[1]!, range[2]!)}-${normalLevel(range[3]!, range[4]!)}`, evidence: evidence(ctx, sentence, range.index, range.index + range[0].length) };
      }
      const levels: string[] = [];
      const rangeRe = /\b([TL])-?(\d{1,2})\s*(?:-|–|to|through)\s*([TL])-?(\d{1,2})\b|\b([TL])-?(\d{1,2})\b/gi;
      let m: RegExpExecArray | null;
      while ((m = rangeRe.exec(clause)) !== null) {
        if (m[1]) levels.push(...expandLevels(normalLevel(m[1], m[2]!), normalLevel(m[3]!, m[4]!)));
        else levels.push(normalLevel(m[5]!, m[6]!));
      }
      for (const level of levels) {
        if (!vfa.notEvaluable.some((l) => l.value === level)) vfa.notEvaluable.push({ value: level, evidence: trimmedEvidence(ctx, sentence) });
      }
      any = any || levels.length > 0;
      continue;
    }
    if (range && inVfa && !vfa.levelsEvaluated && /\b(evaluat\w*|assess\w*|visuali[sz]\w*|imag\w*|through|levels?|from)\b/i.test(t) && !/fracture at|deformity at/i.test(t)) {
      vfa.levelsEvaluated = { value: `${normalLevel(range[1]!, range[2]!)}-${normalLevel(range[3]!, range[4]!)}`, evidence: evidence(ctx, sentence, range.index, range.index + range[0].length) };
      any = true;
    }
    if (inVfa && !/\bno (?:other|additional|further|new|moderate|severe|significant)\b|\bremaining\b/i.test(t) && /\bno\b[^.;]{0,40}\b(vertebral |compression )?(fractures?|deformit(?:y|ies))\b|\bwithout (?:evidence of )?(?:vertebral )?fracture|\bnegative for (?:vertebral )?fracture|\bnormal (?:vertebral )?(?:morphology|height)/i.test(t) && !/\bother than\b|\bexcept\b|\bapart from\b/i.test(t)) {
      if (!vfa.noFracture) vfa.noFracture = { value: true, evidence: trimmedEvidence(ctx, sentence) };
      any = true;
      continue;
    }
    // Fracture statements: the VFA names ("vertebral fracture assessment") and level ranges are not fractures.
    // Blanking them only removes word boundaries and never makes a word, so a sentence without a fracture word has
    // none once blanked either: the blanking is done only for sentences that have one.
    const plain = FRACTURE_WORDS.test(t) ? t.replace(VFA_NAMES, (name) => ' '.repeat(name.length)).replace(/\b[TL]-?\d{1,2}\s*(?:-|–|to|through)\s*[TL]-?\d{1,2}\b/gi, (r) => ' '.repeat(r.length)) : '';
    if (FRACTURE_WORDS.test(plain) && (inVfa || /Genant/i.test(plain)) && !/\bno (?:other|additional|further|new)\b[^.;]{0,200}$/i.test(beforeFirstLevel(plain).slice(-240))) {
      // One clause per fracture: "mild (grade 1) biconcave fracture of L2 and a mild (grade 1) wedge fracture of T9".
      const clauses = plain.split(/\band\b|;/i);
      const whole = gradeAndType(plain);
      let found = false;
      const notFracture = /\bno (?:vertebral |compression )?fractures?\b/i.test(t) || /\b(not|non)[- ](?:a )?fracture|degenerative|scoliosis only|normal variant|Schmorl|grade 0\b/i.test(t);
      const saysFracture = /\bfracture\b/i.test(plain);
      for (const clause of clauses) {
        const levelRe = /\b([TL])-?(\d{1,2})\b/g;
        let m: RegExpExecArray | null;
        const own = gradeAndType(clause);
        const grade = own.grade ?? (whole.grades === 1 ? whole.grade : undefined);
        const type = own.type ?? (whole.types === 1 ? whole.type : undefined);
        while ((m = levelRe.exec(clause)) !== null) {
          const before = clause.slice(Math.max(0, m.index - 20), m.index);
          if (/\bno\b|\bwithout\b/i.test(before)) continue;
          const level = normalLevel(m[1]!, m[2]!);
          if (notFracture) continue;
          if (grade === undefined && !type && !saysFracture) continue;
          const earlier = vfa.fractures.findIndex((f) => f.level === level);
          if (earlier >= 0) {
            // A later statement that grades or types it ("Severe (grade 3) crush fracture of L2") completes it.
            const was = vfa.fractures[earlier]!;
            if ((grade && !was.grade) || (type && !was.type)) vfa.fractures[earlier] = { level, ...(grade ?? was.grade ? { grade: (grade ?? was.grade)! } : {}), ...(type ?? was.type ? { type: (type ?? was.type)! } : {}), evidence: trimmedEvidence(ctx, sentence) };
            continue;
          }
          vfa.fractures.push({ level, ...(grade ? { grade } : {}), ...(type ? { type } : {}), evidence: trimmedEvidence(ctx, sentence) });
          found = true;
        }
      }
      any = any || found;
    }
    if (/\brecommend\w*[^.;]{0,80}\b(radiograph\w*|x-?rays?|MRI|CT|further imaging|dedicated (?:spine )?imaging|imaging)\b|\b(further|additional|dedicated) imaging (?:is |may be )?(?:recommended|advised|suggested)\b|\b(radiographs?|x-?rays?|MRI|CT) (?:is |are |may be )?(?:recommended|advised|suggested)\b/i.test(t)) {
      if (!vfa.furtherImaging) vfa.furtherImaging = { value: true, evidence: trimmedEvidence(ctx, sentence) };
      any = true;
    }
  }
  if (any) facts.vfa = vfa;
}

/** The text before the first vertebral level it names. */
function beforeFirstLevel(text: string): string {
  const at = text.search(/\b[TL]-?\d{1,2}\b/);
  return at < 0 ? text : text.slice(0, at);
}

/** A fracture statement's words. */
const FRACTURE_WORDS = /\bfractures?\b|\bdeformit(?:y|ies)\b|\bGenant\b|\bcompression\b/i;

/** The Genant grade and fracture type a piece of text states, and how many distinct ones it states. */
function gradeAndType(text: string): { grade: 1 | 2 | 3 | undefined; grades: number; type: 'wedge' | 'biconcave' | 'crush' | undefined; types: number } {
  const roman: Record<string, 1 | 2 | 3> = { I: 1, II: 2, III: 3, '1': 1, '2': 2, '3': 3 };
  const grades = new Set<1 | 2 | 3>();
  for (const m of text.matchAll(/\b(?:Genant\s*)?grade\s*([123]|I{1,3})\b|\bGenant\s*([123])\b/gi)) {
    const g = roman[(m[1] ?? m[2])!.toUpperCase()];
    if (g) grades.add(g);
  }
  if (grades.size === 0) for (const m of text.matchAll(/\b(mild|moderate|severe)\b/gi)) grades.add(GRADE_WORDS[m[1]!.toLowerCase()]!);
  const types = new Set([...text.matchAll(/\b(wedge|biconcave|crush)\b/gi)].map((m) => m[1]!.toLowerCase() as 'wedge' | 'biconcave' | 'crush'));
  return { grade: [...grades][0], grades: grades.size, type: [...types][0], types: types.size };
}

function extractFraxAndChanges(ctx: Ctx, facts: ReportFacts): void {
  // Asked only once a FRAX-like value is found (most reports have none).
  let fraxDocument: boolean | undefined;
  const isFraxDocument = () => (fraxDocument ??= /\bFRAX\b|10-year (?:fracture )?probability|ten-year probability/i.test(ctx.report.text));
  let changeTable = false;
  let previous: Sentence | undefined;
  for (const sentence of ctx.sentences) {
    const t = sentence.text;
    // A change sentence without a region of its own takes the last region of the sentence before it on the same
    // line ("L1-L4: BMD 0.829 g/cm2, T-score -2.4. Change since 2024-04-02: +3.2%").
    // Looked up only when a change needs it (most sentences hold none).
    const before = previous;
    const lineRegion = () => (before !== undefined && !ctx.report.text.slice(before.end, sentence.start).includes('\n') ? findRegions(before.text).at(-1) : undefined);
    previous = sentence;
    if (!changeTable && !(ctx.named.names('change') && PERCENT_OR_CHANGE.test(t))) continue;
    // A change table: a header naming only a change column, then region rows with one number each.
    if (/\bregion\b/i.test(t) && /\bchange\b/i.test(t) && !/T[- ]?score/i.test(t)) {
      changeTable = true;
      continue;
    }
    if (changeTable) {
      const regions = findRegions(t);
      const value = /([-+−–]?\d+(?:\.\d+)?)\s*%?\s*$/.exec(t);
      if (regions.length > 0 && value && regions[0]!.index < 6) {
        const site = changeSite(regions[0]!);
        facts.changes.push({ ...(site ? { site } : {}), percent: Number(value[1]!.replace(/[−–]/, '-')), evidence: trimmedEvidence(ctx, sentence) });
        continue;
      }
      changeTable = false;
    }
    const major = /\bmajor (?:osteoporotic )?(?:fracture)?[^0-9%]{0,50}?(\d+(?:\.\d+)?)\s*%/i.exec(t);
    if (major && !facts.frax.majorOsteoporotic && isFraxDocument()) {
      facts.frax.majorOsteoporotic = { value: Number(major[1]), evidence: evidence(ctx, sentence, major.index, major.index + major[0].length) };
    }
    // After a major-fracture value the hip value may be written "hip 2.4%"; a "hip fracture" before it is a risk
    // factor ("FRAX (with parental hip fracture): major osteoporotic fracture 16%, hip 2.4%").
    const hipFrom = major ? major.index + major[0].length : 0;
    const hipMatch = (major ? /\bhip(?: fracture)?\b[^0-9%]{0,40}?(\d+(?:\.\d+)?)\s*%/i : /\bhip fracture[^0-9%]{0,40}?(\d+(?:\.\d+)?)\s*%/i).exec(t.slice(hipFrom));
    if (hipMatch && !facts.frax.hip && isFraxDocument()) {
      facts.frax.hip = { value: Number(hipMatch[1]), evidence: evidence(ctx, sentence, hipFrom + hipMatch.index, hipFrom + hipMatch.index + hipMatch[0].length) };
    }
    if (/\b(since|compared (?:to|with)|from|relative to|vs\.?|versus) (?:the )?(?:prior|previous|last|baseline)|\bchange[ds]?\b|\b(?:increase|decrease|gain|loss)d? (?:of|by)\b/i.test(t) && !/FRAX|probability|^\s*least significant change|\bLSC\)? (?:at|for) this facility\s*:/i.test(t)) {
      const pct = /([-+−–]?\d+(?:\.\d+)?)\s*%/g;
      let m: RegExpExecArray | null;
      const regions = findRegions(t);
      while ((m = pct.exec(t)) !== null) {
        const around = t.slice(Math.max(0, m.index - 40), m.index + m[0].length + 20);
        let value = Number(m[1]!.replace(/[−–]/, '-'));
        if (value > 0 && /\b(decreas\w*|declin\w*|loss|lost|lower\w*|reduc\w*|down|fell|fallen|dropped)\b/i.test(around) && !m[1]!.startsWith('+')) value = -value;
        const region = [...regions].reverse().find((r) => r.index < m!.index) ?? regions[0] ?? lineRegion();
        // "not statistically significant" and "within the least significant change" are read before the positive
        // wordings they contain.
        const significant = /\b(does not exceed|did not exceed|within|less than|below|not exceed\w*) (?:the )?(?:least significant change|LSC)|\bnot (?:statistically )?significant\b|\bno significant\b|\bstable\b/i.test(t)
          ? false
          : /\b(exceed\w*|greater than|above|beyond) (?:the )?(?:least significant change|LSC)|\bstatistically significant\b|(?<!least )\bsignificant (?:decrease|increase|change|loss|gain)/i.test(t)
            ? true
            : undefined;
        const site = region ? changeSite(region) : undefined;
        facts.changes.push({ ...(site ? { site } : {}), percent: value, ...(significant !== undefined ? { significant } : {}), evidence: evidence(ctx, sentence, Math.max(0, m.index - 0), m.index + m[0].length) });
      }
    }
  }
}

function changeSite(region: RegionMention): ResultSite | undefined {
  return region.region === 'heel' || region.region === 'total-body' ? undefined : resultSite(region.region, region.side);
}

/** Gives changes without a stated significance the verdict of a following LSC statement ("Neither change exceeds the LSC"). */
function applyLscStatements(ctx: Ctx, facts: ReportFacts): void {
  if (!ctx.named.names('lsc')) return;
  for (const sentence of ctx.sentences) {
    const t = sentence.text;
    if (!LSC_NAMED.test(t) || /\d+(?:\.\d+)?\s*%/.test(t)) continue;
    const significant = /\b(does not|do not|did not|neither|none|not)\b[^.]{0,120}\bexceed|\bwithin\b/i.test(t) ? false : /\bexceed/i.test(t) ? true : undefined;
    if (significant === undefined) continue;
    const regions = findRegions(t);
    const all = regions.length === 0 || /\b(neither|none|all|both (?:changes|values))\b/i.test(t);
    for (const change of facts.changes) {
      if (change.significant !== undefined || change.evidence.start > originOf(ctx.report, sentence.start)) continue;
      const matches = all || regions.some((r) => change.site !== undefined && (r.region === 'lumbar-spine' ? change.site === 'lumbar-spine' : change.site !== 'lumbar-spine'));
      if (matches) change.significant = significant;
    }
  }
}

/** Credentials written after a name. */
const CREDENTIAL = '(?:MD|M\\.D\\.|DO|NP|PA(?:-C)?|CCD|PhD|MBBS|MBChB|FRCR|FRCP|MRCP|RN|FACR|FACP|DNP|APRN|FNP|MPH|MS)';
/** A credential at the start of a text ("MD, CCD" after a name's comma). */
const STARTS_WITH_CREDENTIAL = new RegExp(`^${CREDENTIAL}\\b`);

/** Words without which no sentence names an ordering or reading clinician (a cheap first look, letters only: sentencesWith). */
const PEOPLE_WORDS = /order|refer|request|sign|interpret|read|dictat|radiolog|report|verif|authori|addend/gi;

function extractPeople(ctx: Ctx, facts: ReportFacts): void {
  const p = facts.people;
  const nameAfter = (text: string, at: number) => {
    const rest = text.slice(at).replace(/^[\s.:-]*/, '');
    const end = rest.search(/\s+(?:on|at)\s+\d|\s+on\s+[A-Z][a-z]+ \d|\s{2,}|\s*[|;(]|\s+\d{1,2}\/\d{1,2}\/\d{4}|\s+\d{4}-\d{2}-\d{2}|\s+(?:electronically|signed|dictated)\b|$/i);
    let name = rest.slice(0, end < 0 ? rest.length : end).replace(/[.,]\s*$/, '').trim();
    // A comma ends the name unless a credential follows ("Ann Lee, MD, CCD") or the name is "Last, First":
    // "Dr M. O'Connell, Fracture Liaison Service", "Dr A. Patel, Consultant Radiologist", "Dr H. Lindqvist, 15/03/2025".
    for (const comma of name.matchAll(/,\s*/g)) {
      const after = name.slice(comma.index + comma[0].length);
      if (STARTS_WITH_CREDENTIAL.test(after)) continue;
      if (comma.index === name.search(/,/) && !/\s/.test(name.slice(0, comma.index)) && /^[A-Z][a-z]+$/.test(after)) continue;
      name = name.slice(0, comma.index);
      break;
    }
    return { name, start: at + (text.slice(at).length - rest.length) };
  };
  const withWords = sentencesWith(ctx.report, ctx.sentences, PEOPLE_WORDS);
  if (withWords === undefined) return;
  for (const [i, sentence] of ctx.sentences.entries()) {
    const t = sentence.text;
    if (!withWords[i]) continue;
    let m = /\b(?:ordering|referring|requesting)(?:\s+(?:physician|provider|clinician|doctor|practitioner|consultant|dr))?\s*(?::|\.{2,})|\breferring dr\b|\breferrer\s*:|\bordered by\s*:?|\breferred by\s*:?/i.exec(t);
    if (m && !p.orderingClinician) {
      const { name, start } = nameAfter(t, m.index + m[0].length);
      if (name && /[A-Za-z]/.test(name)) p.orderingClinician = { value: name, evidence: evidence(ctx, sentence, start, start + name.length) };
    }
    m = /\b(?:electronically signed by|e-?signed by|signed by|interpreted by|reading (?:physician|radiologist)\s*:|read by|dictated by|attending radiologist\s*:|radiologist\s*:|signed\s*:|reported (?:and authori[sz]ed )?by\s*:?|verified by\s*:?|authori[sz]ed by\s*:?|addended by)|^\s*authori[sz]ed\b\s*(?:on\s*)?:?/i.exec(t);
    if (m) {
      const { name, start } = nameAfter(t, m.index + m[0].length);
      if (name && /[A-Za-z]/.test(name) && !p.readingPhysician) p.readingPhysician = { value: name, evidence: evidence(ctx, sentence, start, start + name.length) };
      // Authorising a report is signing it (UK usage); "Reported by" and "Verified by" name the reader only.
      if ((/sign|authori/i.test(m[0]) || /\bauthori[sz]ed\b/i.test(t)) && !p.signedDate) {
        DATE.lastIndex = 0;
        const d = DATE.exec(t);
        const iso = d ? isoFromDateMatch(d, ctx.dayFirst) : undefined;
        if (d && iso) p.signedDate = { value: iso, evidence: evidence(ctx, sentence, d.index, d.index + d[0].length) };
      }
    }
  }
}

function extractSections(ctx: Ctx, facts: ReportFacts): void {
  const hasBody = (sentence: Sentence) => sentence.text.replace(/^\s*[A-Z][A-Za-z /&-]{2,40}?\s*:\s*/, '').trim().length > 2;
  for (const sentence of ctx.sentences) {
    const s = sentence.section;
    if (!facts.indication && /^(INDICATIONS?|CLINICAL (HISTORY|INDICATION|INFORMATION)|HISTORY|REASON FOR (EXAM|STUDY))$/.test(s) && hasBody(sentence)) {
      facts.indication = trimmedEvidence(ctx, sentence);
    }
    if (!facts.impression && /^(IMPRESSION|CONCLUSIONS?|ASSESSMENT|DIAGNOSIS)$/.test(s) && hasBody(sentence)) {
      facts.impression = trimmedEvidence(ctx, sentence);
    }
    if (facts.comparisonDate && facts.indication && facts.impression) break;
    if (!facts.comparisonDate && (s === 'COMPARISON' || (ctx.named.names('comparedTo') && COMPARED_TO.test(sentence.text)))) {
      DATE.lastIndex = 0;
      const d = DATE.exec(sentence.text);
      const iso = d ? isoFromDateMatch(d, ctx.dayFirst) : undefined;
      if (d && iso) facts.comparisonDate = { value: iso, evidence: evidence(ctx, sentence, d.index, d.index + d[0].length) };
    }
  }
  if (ctx.named.names('priorStudyNamed')) for (const sentence of ctx.sentences) {
    if (facts.clinical.priorStudyDate) break;
    if (!PRIOR_STUDY_NAMED.test(sentence.text)) continue;
    DATE.lastIndex = 0;
    const d = DATE.exec(sentence.text);
    const iso = d ? isoFromDateMatch(d, ctx.dayFirst) : undefined;
    if (d && iso) facts.clinical.priorStudyDate = { value: iso, evidence: evidence(ctx, sentence, d.index, d.index + d[0].length) };
  }
  if (facts.comparisonDate && !facts.clinical.priorStudyDate) facts.clinical.priorStudyDate = facts.comparisonDate;
  if (!facts.comparisonDate && facts.clinical.priorStudyDate && (facts.changes.length > 0 || /\b(vs\.?|versus|compared (?:to|with)) (?:the )?previous\b/i.test(ctx.report.text))) {
    facts.comparisonDate = facts.clinical.priorStudyDate;
  }
}

function suggestDiagnoses(ctx: Ctx, facts: ReportFacts): void {
  const add = (code: string, reason: string, ev: Evidence) => {
    if (!facts.diagnoses.some((d) => d.code === code)) facts.diagnoses.push({ code, reason, evidence: ev, suggestion: true });
  };
  if (facts.studies.length === 0) return;
  // A diagnosis stated of the patient: not negated, not a drug class ("osteoporosis medication") and not a rule
  // about the term ("the term osteoporosis is not applied", ISCD pediatric positions).
  const asserted = (s: Sentence, re: RegExp) => {
    const m = re.exec(s.text);
    return m !== null && !notAsserted(s.text, m.index, m.index + m[0].length) && !/\b(?:medications?|medicines?|drugs?|treatment|therapy|agents?)\b/i.test(s.text.slice(m.index + m[0].length, m.index + m[0].length + 12)) && !/\bthe term\b/i.test(s.text);
  };
  const statement = (re: RegExp, cue: Cue) =>
    !ctx.named.names(cue) ? undefined : ctx.sentences.find((s) => asserted(s, re) && !/\bno (?:evidence of )?(?:osteoporo|osteopen)|\brule out\b|\brisk\b|\bscreening\b|\bevaluat\w* (?:for|of)\b|\bassess\w* for\b|\bto exclude\b|\bcriteria\b[^.]{0,80}\bdefin|\bthreshold|\bCenter\b|\bClinic\b|\bFoundation\b|\bmajor osteoporotic\b|\bprobability\b|%/i.test(s.text));
  const vertebralFractures = facts.vfa?.fractures ?? [];
  if (vertebralFractures.length > 0) {
    add('M80.08XA', 'an osteoporotic vertebral fracture is documented (initial encounter)', vertebralFractures[0]!.evidence);
  } else {
    const osteoporosis = statement(OSTEOPOROSIS, 'osteoporosis');
    const tLow = facts.tScoreLowest?.value;
    if (osteoporosis) add('M81.0', 'osteoporosis without a current fracture is documented', trimmedEvidence(ctx, osteoporosis));
    else if (tLow !== undefined && tLow <= -2.5 && facts.tScoreLowest) add('M81.0', 'a T-score at or below -2.5 (osteoporosis by WHO criteria)', facts.tScoreLowest.evidence);
    else {
      const osteopenia = statement(OSTEOPENIA, 'osteopenia');
      if (osteopenia || (tLow !== undefined && tLow < -1.0)) {
        const low = facts.results.filter((r) => r.measure === 't-score' && r.value < -1.0 && r.value > -2.5);
        const groups = new Set(low.map((r) => (r.site === 'lumbar-spine' ? 'spine' : r.site.startsWith('left-') ? `left-${/radius|forearm/.test(r.site) ? 'forearm' : 'hip'}` : r.site.startsWith('right-') ? `right-${/radius|forearm/.test(r.site) ? 'forearm' : 'hip'}` : /radius|forearm/.test(r.site) ? 'forearm' : r.site === 'heel' ? 'heel' : 'hip')));
        const ev = osteopenia ? trimmedEvidence(ctx, osteopenia) : facts.tScoreLowest!.evidence;
        const byGroup: Record<string, string> = { 'left-hip': 'M85.852', 'right-hip': 'M85.851', 'left-forearm': 'M85.832', 'right-forearm': 'M85.831', spine: 'M85.88' };
        if (groups.size > 1) add('M85.89', 'osteopenia at more than one site', ev);
        else if (groups.size === 1) {
          const [group] = [...groups];
          const code = byGroup[group!];
          if (code) add(code, `osteopenia at the ${group!.replace('-', ' ')}`, ev);
        }
      }
    }
    if (facts.diagnoses.some((d) => d.code === 'M81.0') && facts.clinical.knownFracture) {
      add('Z87.310', 'a history of a healed osteoporotic fracture', facts.clinical.knownFracture.evidence);
    }
  }
  if (facts.clinical.primaryHyperparathyroidism) add('E21.0', 'primary hyperparathyroidism is documented', facts.clinical.primaryHyperparathyroidism.evidence);
  if (facts.clinical.glucocorticoidName && !ctx.glucocorticoidPast && (facts.clinical.glucocorticoidMonths?.value ?? 0) >= 3) add('Z79.52', 'long-term systemic glucocorticoid use is documented', facts.clinical.glucocorticoidName.evidence);
  const drug = facts.clinical.monitoringTherapy;
  if (drug && BISPHOSPHONATES.has(drug.value)) add('Z79.83', 'long-term bisphosphonate therapy is documented', drug.evidence);
  const aromatase = /\b(aromatase inhibitor|anastrozole|letrozole|exemestane)\b/i.exec(ctx.report.text);
  if (aromatase) add('Z79.811', 'long-term aromatase inhibitor therapy is documented', spanOf(ctx.report, aromatase.index, aromatase.index + aromatase[0].length));
  const boneCondition = facts.diagnoses.some((d) => /^M8[015]/.test(d.code));
  if (facts.clinical.estrogenDeficient && !boneCondition) add('Z78.0', 'postmenopausal state with no bone condition documented', facts.clinical.estrogenDeficient.evidence);
}

/** The first match of a global pattern in `text`, leaving the pattern as it found it (lastIndex 0). */
function firstMatch(re: RegExp, text: string): RegExpExecArray | null {
  re.lastIndex = 0;
  const m = re.exec(text);
  re.lastIndex = 0;
  return m;
}

/** Extracts the documented facts of one report, each with the span of its evidence in `text`. */
export function extract(text: string): ReportFacts {
  const report = normalizeReport(text.length > MAX_REPORT_CHARS ? text.slice(0, MAX_REPORT_CHARS) : text);
  const sentences = sentencesOf(report);
  const named = new CueWords(report.text);
  const dxaNames = sentences.map((sentence) => firstMatch(DXA_NAMES, sentence.text));
  const vfaNames = named.names('vfaNames') ? sentences.map((sentence) => firstMatch(VFA_NAMES, sentence.text)) : sentences.map(() => null);
  const aboutStudy = (sentence: Sentence, i: number) =>
    dxaNames[i] !== null || vfaNames[i] !== null || VFA_SECTION.test(sentence.section) || (named.names('bodyComposition') && firstMatch(BODY_COMPOSITION, sentence.text) !== null);
  const spans = sentences.map((sentence, i) => notPerformedReason(sentence, named, aboutStudy(sentence, i)));
  const ctx: Ctx = { report, named, sentences, dayFirst: writesDayFirst(report.text), spans, dxaNames, vfaNames };
  const facts: ReportFacts = { studies: [], notPerformed: [], results: [], frax: {}, changes: [], clinical: {}, encounter: {}, people: {}, diagnoses: [] };
  // Values quoted from an outside or earlier study are not this report's results.
  const quoted = new Set(sentences.filter((_, i) => ctx.spans[i] === 'outside' || ctx.spans[i] === 'prior'));
  const results = extractResults(report, sentences, (sentence) => quoted.has(sentence), named.names('priorStudyShowed'));
  facts.results = results;
  const tScores = results.filter((r) => r.measure === 't-score');
  if (tScores.length > 0) {
    const lowest = tScores.reduce((a, b) => (b.value < a.value ? b : a));
    facts.tScoreLowest = { value: lowest.value, evidence: lowest.evidence };
  }
  extractVfa(ctx, facts);
  extractStudies(ctx, results, facts);
  if (facts.vfa && !facts.studies.some((s) => s.procedure === 'vfa')) delete facts.vfa;
  extractClinical(ctx, facts);
  extractFraxAndChanges(ctx, facts);
  applyLscStatements(ctx, facts);
  const tbs = /\b(?:TBS|trabecular bone score)\b[^0-9\n]{0,40}?([01]\.\d{2,3})\b/i.exec(report.text);
  if (tbs && facts.studies.length > 0) facts.trabecularBoneScore = { value: Number(tbs[1]), evidence: spanOf(report, tbs.index, tbs.index + tbs[0].length) };
  extractPeople(ctx, facts);
  for (const [name, field] of Object.entries(readReportHeader(report.text, ctx.dayFirst))) {
    facts.encounter[name as keyof ReportFacts['encounter']] = { value: field.value, evidence: spanOf(report, field.start, field.end) };
  }
  extractSections(ctx, facts);
  suggestDiagnoses(ctx, facts);
  return facts;
}
