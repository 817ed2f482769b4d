/**
 * Payer policy pack rules (packs are data files, docs/payer-packs.md): coverage criteria, services not covered or
 * not separately paid, intervals between studies with their exceptions, prior authorization and required report
 * elements. A condition whose fact the encounter does not give is unknown, never met: the rule reports it as not
 * checked, naming the missing facts.
 */
import { fieldPhrase } from '../contract/labels.js';
import { addMonths } from '../contract/dates.js';
import type { Source } from '../contract/result.js';
import type { CompiledCondition, CompiledCriterion, CompiledPack, CompiledRule } from '../knowledge/packs.js';
import { periodText } from '../knowledge/packs.js';
import type { NumberTest, PackCondition } from '../knowledge/schema.js';
import { Report, VersionTexts, historyPath, joined, lineLabel, linePath, lineRef, type Line, type RuleContext } from './context.js';

/** Shared, so that the serialiser writes its JSON once. */
const PACK_PERIOD_SOURCE: Source = { title: 'dxacode payer policy packs: each version applies to its effective period', confidence: 'verified' };

/** Services that are a bone density study (VFA is an adjunct to one of these). */
const BONE_DENSITY_SERVICES = new Set(['dxa-axial', 'dxa-peripheral', 'dxa-axial+vfa', 'qct-axial', 'ultrasound-peripheral', 'sexa-peripheral']);

/** What a condition comes to for one line: met, failed (with why), or unknown (with the facts that are missing). */
export type ConditionOutcome = { state: 'met' } | { state: 'failed'; why: string } | { state: 'unknown'; missing: string[] };

const MET: ConditionOutcome = { state: 'met' };
/** A failure whose reason nobody reads (a rule's `when`): no message is built on the per-line path. */
const FAILED: ConditionOutcome = { state: 'failed', why: '' };

function numberHolds(value: number, test: NumberTest): boolean {
  return (test.over === undefined || value > test.over) && (test.atLeast === undefined || value >= test.atLeast) && (test.under === undefined || value < test.under) && (test.atMost === undefined || value <= test.atMost);
}

function numberTestText(test: NumberTest): string {
  const parts: string[] = [];
  if (test.over !== undefined) parts.push(`over ${test.over}`);
  if (test.atLeast !== undefined) parts.push(`at least ${test.atLeast}`);
  if (test.under !== undefined) parts.push(`under ${test.under}`);
  if (test.atMost !== undefined) parts.push(`at most ${test.atMost}`);
  return parts.join(' and ');
}

function lineDiagnoses(ctx: RuleContext, line: Line): string[] {
  return line.diagnoses.length > 0 ? line.diagnoses : ctx.input.diagnoses;
}

function anyDiagnosisMatches(compiled: CompiledCondition, diagnoses: readonly string[]): boolean {
  for (const dx of diagnoses) {
    if (compiled.exactDiagnoses!.has(dx)) return true;
    for (const prefix of compiled.diagnosisPrefixes!) if (dx.startsWith(prefix)) return true;
  }
  return false;
}

function billsBoneDensityStudy(ctx: RuleContext): boolean {
  for (const line of ctx.lines) if (BONE_DENSITY_SERVICES.has(ctx.knowledge.codes.byCode.get(line.code)?.service ?? '')) return true;
  return false;
}

/** A criterion with its outcome for a line. */
interface JudgedCriterion {
  criterion: CompiledCriterion;
  outcome: ConditionOutcome;
}

// Loops in module functions, not collect/keep with closures made on every check: V8 compiled each such closure anew
// several times a run.
function judgeCriteria(ctx: RuleContext, line: Line, criteria: readonly CompiledCriterion[]): JudgedCriterion[] {
  const judged: JudgedCriterion[] = [];
  for (const criterion of criteria) judged.push({ criterion, outcome: evaluateCondition(ctx, line, criterion) });
  return judged;
}

function withState(judged: readonly JudgedCriterion[], state: ConditionOutcome['state']): JudgedCriterion[] {
  const found: JudgedCriterion[] = [];
  for (const j of judged) if (j.outcome.state === state) found.push(j);
  return found;
}

/**
 * Evaluates every condition given; the first failure wins, else the unknowns are collected. `explain` false leaves
 * the failure's reason out (a `when` that does not hold is silent).
 */
export function evaluateCondition(ctx: RuleContext, line: Line, compiled: CompiledCondition, explain = true): ConditionOutcome {
  const c: PackCondition = compiled.condition;
  let missing: string[] | undefined; // most conditions lack no fact: the list is made only when one does
  const input = ctx.input;
  const screeningCode = ctx.knowledge.icd10.conventions.screening.code;
  if (c.screening) {
    const diagnoses = lineDiagnoses(ctx, line);
    if (!(diagnoses.length > 0 && diagnoses.every((d) => d === screeningCode))) return explain ? { state: 'failed', why: `the diagnoses are not only the screening code ${screeningCode}` } : FAILED;
  }
  if (c.withScreeningCode !== undefined && lineDiagnoses(ctx, line).includes(screeningCode) !== c.withScreeningCode) {
    return explain ? { state: 'failed', why: c.withScreeningCode ? `the screening code ${screeningCode} is not on the line` : `the screening code ${screeningCode} is on the line` } : FAILED;
  }
  if (c.withoutBoneDensityStudy) {
    const performed = input.performed.some((p) => BONE_DENSITY_SERVICES.has(p.procedure));
    const billed = billsBoneDensityStudy(ctx);
    if (performed || billed) return explain ? { state: 'failed', why: 'a bone density study is performed or billed in the session' } : FAILED;
  }
  if (c.ageUnder !== undefined || c.ageAtLeast !== undefined || c.ageAtMost !== undefined) {
    const age = input.age;
    if (age === undefined) (missing ??= []).push('patient age');
    else if (c.ageUnder !== undefined && !(age < c.ageUnder)) return explain ? { state: 'failed', why: `age ${age} is not under ${c.ageUnder}` } : FAILED;
    else if (c.ageAtLeast !== undefined && !(age >= c.ageAtLeast)) return explain ? { state: 'failed', why: `age ${age} is under ${c.ageAtLeast}` } : FAILED;
    else if (c.ageAtMost !== undefined && !(age <= c.ageAtMost)) return explain ? { state: 'failed', why: `age ${age} is over ${c.ageAtMost}` } : FAILED;
  }
  if (c.sex !== undefined) {
    if (input.sex === 'unknown') (missing ??= []).push('patient sex');
    else if (input.sex !== c.sex) return explain ? { state: 'failed', why: `the patient is ${input.sex}, not ${c.sex}` } : FAILED;
  }
  if (c.diagnoses !== undefined) {
    const diagnoses = lineDiagnoses(ctx, line);
    if (diagnoses.length === 0) (missing ??= []).push('diagnoses');
    else if (!anyDiagnosisMatches(compiled, diagnoses)) return explain ? { state: 'failed', why: `no diagnosis is one of ${c.diagnoses.join(', ')}` } : FAILED;
  }
  for (const [fact, test] of compiled.clinicalTests) {
    const value = input.clinical[fact as keyof typeof input.clinical];
    if (value === undefined) {
      (missing ??= []).push(fieldPhrase(`clinical.${fact}`));
    } else if (typeof test === 'boolean') {
      if (value !== test) return explain ? { state: 'failed', why: `${fieldPhrase(`clinical.${fact}`)} is ${value ? 'yes' : 'no'}` } : FAILED;
    } else if (typeof value === 'number' && !numberHolds(value, test)) {
      return explain ? { state: 'failed', why: `${fieldPhrase(`clinical.${fact}`)} ${value} is not ${numberTestText(test)}` } : FAILED;
    }
  }
  if (c.notAnInput !== undefined) (missing ??= []).push(`${c.notAnInput} (no encounter field)`);
  return missing ? { state: 'unknown', missing } : MET;
}

/** "the rule's source", or the criterion's own when it has one. */
function sourceOf(rule: CompiledRule, criterion: CompiledCriterion): Source {
  return criterion.criterion.source ?? rule.rule.source;
}

/** One criterion's outcome as text: `women 65 and over (failed: age 45 is under 65)`. */
function outcomeText(criterion: CompiledCriterion, outcome: ConditionOutcome): string {
  const label = `${criterion.criterion.label} [${criterion.criterion.id}]`;
  if (outcome.state === 'failed') return `${label}: ${outcome.why}`;
  if (outcome.state === 'unknown') return `${label}: not checked, ${outcome.missing.join(', ')} not given`;
  return `${label}: met`;
}

const criterionText = (judged: JudgedCriterion): string => outcomeText(judged.criterion, judged.outcome);

/** Reports a line passed only through a criterion or exception whose source dxacode could not confirm. */
function reportUnverified(ctx: RuleContext, report: Report, packId: string, compiled: CompiledRule, criterion: CompiledCriterion, index: number, what: string): void {
  report.add('payer.unverified', {
    message: `${lineLabel(ctx, index)}: passes ${packId} rule ${compiled.rule.id} only through the ${what} "${criterion.criterion.label}", which dxacode could not confirm against the payer's policy.`,
    line: lineRef(ctx, index),
    fix: "Confirm the payer's current policy before relying on it, or keep what the record must show.",
    source: sourceOf(compiled, criterion),
    path: linePath(ctx, index),
    params: { code: ctx.lines[index]!.code, pack: packId, packRule: compiled.rule.id, criterion: criterion.criterion.id },
  });
}

function checkRule(ctx: RuleContext, report: Report, compiled: CompiledPack, entry: CompiledRule, line: Line, index: number): void {
  const { pack } = compiled;
  const rule = entry.rule;
  const label = lineLabel(ctx, index);
  const at = lineRef(ctx, index);
  const where = `${pack.id} rule ${rule.id} on ${label}`;
  // A `when` whose facts are missing matters only where the rule would otherwise report: each kind works out first
  // whether it would, so an unknown age does not leave an interval unchecked for a patient with no earlier study.
  const applies = entry.when ? evaluateCondition(ctx, line, entry.when, false) : MET;
  if (applies.state === 'failed') return;
  const unknownWhen = (): boolean => {
    if (applies.state !== 'unknown') return false;
    report.skipped('payer', `${where}: ${applies.missing.join(', ')} not given, so whether the rule applies is unknown`);
    return true;
  };
  const modelled = pack.modelled ? ` (${pack.name})` : '';
  const details = { line: at, severity: rule.severity, fix: rule.fix, source: rule.source };
  // The findings' params write these out rather than spread them: each spread-and-add made objects of its own shapes.
  const names = { code: line.code, pack: pack.id, packRule: rule.id };
  switch (rule.kind) {
    case 'not-covered':
    case 'bundled':
      if (unknownWhen()) return;
      report.add('payer.not-covered', { message: `${label}: ${rule.message}${modelled}.`, ...details, path: linePath(ctx, index, 'code'), params: { code: names.code, pack: names.pack, packRule: names.packRule, ruleKind: rule.kind } });
      return;
    case 'coverage': {
      const outcomes = judgeCriteria(ctx, line, entry.criteria);
      const met = withState(outcomes, 'met');
      if (met.length > 0) {
        if (applies.state === 'met' && met.every((o) => sourceOf(entry, o.criterion).confidence === 'unverified')) reportUnverified(ctx, report, pack.id, entry, met[0]!.criterion, index, 'criterion');
        return;
      }
      if (unknownWhen()) return;
      const text = joined(outcomes, criterionText, '; ');
      if (outcomes.some((o) => o.outcome.state === 'unknown')) {
        report.skipped('payer', `${where}: coverage not checked: no criterion is met and some could not be checked (${text})`);
        return;
      }
      report.add('payer.criteria-not-met', {
        message: `${label}: ${rule.message}${modelled}; no criterion is met: ${text}.`,
        ...details,
        path: linePath(ctx, index),
        params: { code: names.code, pack: names.pack, packRule: names.packRule, criteria: outcomes.map((o) => o.criterion.criterion.id) },
      });
      return;
    }
    case 'prior-authorization': {
      const auth = ctx.input.priorAuthorization;
      if (auth?.obtained === true || unknownWhen()) return;
      if (auth === undefined) {
        report.skipped('payer', `${where}: prior authorization is required and the encounter does not say whether it was obtained`);
      } else {
        report.add('payer.prior-authorization', { message: `${label}: ${rule.message}${modelled}; none was obtained.`, ...details, path: 'priorAuthorization.obtained', params: names });
      }
      return;
    }
    case 'frequency': {
      const history = ctx.input.history;
      if (history === undefined) {
        report.skipped('payer', `${where}: no history was given, so the interval since the last study is unknown`);
        return;
      }
      let last: string | undefined;
      let lastCode = '';
      for (const h of history) {
        if (h.dateOfService < ctx.input.dateOfService && entry.sameService.has(h.code) && (last === undefined || h.dateOfService > last)) {
          last = h.dateOfService;
          lastCode = h.code;
        }
      }
      // Only the organisation's own studies are known: one by another provider may still fall inside the interval.
      const ownOnly = () => {
        if (ctx.historyScope === 'this-organization') report.skipped('payer', `${where}: only this organisation's own stored studies are known, and a study by another provider may fall inside the interval: give the patient's earlier studies in history`);
      };
      if (last === undefined) return ownOnly();
      const eligibleFrom = addMonths(last, rule.months);
      if (ctx.input.dateOfService >= eligibleFrom) return ownOnly();
      if (unknownWhen()) return;
      const outcomes = judgeCriteria(ctx, line, entry.criteria);
      const met = withState(outcomes, 'met');
      if (met.length > 0) {
        if (met.every((o) => sourceOf(entry, o.criterion).confidence === 'unverified')) reportUnverified(ctx, report, pack.id, entry, met[0]!.criterion, index, 'exception');
        return;
      }
      const unknown = withState(outcomes, 'unknown');
      const notChecked = unknown.length > 0 ? ` Exceptions not checked: ${joined(unknown, criterionText, '; ')}.` : '';
      report.add('payer.frequency', {
        message: `${label}: ${rule.message}${modelled}; the last study was on ${last}, so the next is due from ${eligibleFrom}.${notChecked}`,
        ...details,
        path: historyPath(ctx, last, lastCode),
        params: { code: names.code, pack: names.pack, packRule: names.packRule, lastDate: last, eligibleFrom, months: rule.months, exceptionsNotChecked: unknown.map((o) => o.criterion.criterion.id) },
      });
      return;
    }
    case 'documentation': {
      const facts = ctx.facts;
      if (unknownWhen()) return;
      if (!facts) {
        report.skipped('payer', `${where}: the report text is not given, so the required elements (${rule.elements.join(', ')}) are not checked`);
        return;
      }
      const shown: Record<(typeof rule.elements)[number], boolean> = {
        indication: facts.indication !== undefined,
        impression: facts.impression !== undefined,
        signature: facts.people.readingPhysician !== undefined,
        'ordering-clinician': facts.people.orderingClinician !== undefined,
        't-score': facts.tScoreLowest !== undefined,
        frax: facts.frax.majorOsteoporotic !== undefined || facts.frax.hip !== undefined,
        comparison: facts.comparisonDate !== undefined,
        'vfa-levels': facts.vfa?.levelsEvaluated !== undefined,
      };
      const absent = rule.elements.filter((e) => !shown[e]);
      if (absent.length > 0) report.add('payer.documentation-missing', { message: `${label}: ${rule.message}${modelled}; the report does not show: ${absent.join(', ')}.`, ...details, path: 'report', params: { code: names.code, pack: names.pack, packRule: names.packRule, missing: absent } });
      return;
    }
  }
}

const VERSION = new VersionTexts((compiled: CompiledPack) => `${compiled.pack.id} ${compiled.pack.version}`);

/** The payer rule family: runs the rules of the version of the encounter's payer pack in force on the date of service. */
export function checkPayer(ctx: RuleContext, report: Report): void {
  const lookup = ctx.packLookup;
  if (lookup.found === 'unknown') {
    const known = [...ctx.knowledge.payers.keys()].join(', ');
    report.add('payer.unknown', {
      message: `No payer policy pack is called "${ctx.input.payer}"; payer rules, Medicare coverage and frequency were not checked.`,
      fix: `Use one of: ${known}, or add a pack file (see docs/payer-packs.md).`,
      source: { title: 'dxacode payer policy packs', confidence: 'verified' },
      path: ctx.encounter.payer !== undefined ? 'payer' : undefined,
      params: { payer: ctx.input.payer },
    });
    report.skipped('payer', `no payer pack "${ctx.input.payer}"`);
    return;
  }
  if (lookup.found === 'out-of-period') {
    const periods = joined(lookup.periods, (p) => `${p.version} (${periodText(p)})`, ', ');
    report.add('payer.out-of-period', {
      message: `No version of the ${ctx.input.payer} payer pack is in force on ${ctx.input.dateOfService} (versions: ${periods}); its rules${ctx.input.payer === 'medicare' ? ', Medicare coverage and frequency' : ''} were not checked.`,
      fix: "Check the date of service, or load the version of the payer's policy in force on that date.",
      source: PACK_PERIOD_SOURCE,
      path: ctx.encounter.payer !== undefined ? 'payer' : undefined,
      params: { payer: ctx.input.payer, dateOfService: ctx.input.dateOfService, periods: lookup.periods.map((p) => `${p.version}:${p.effective}..${p.end ?? ''}`) },
    });
    report.skipped('payer', `no version of the ${ctx.input.payer} payer pack is in force on ${ctx.input.dateOfService}`);
    return;
  }
  const compiled = lookup.pack;
  report.ran('payer', VERSION.of(compiled));
  if (compiled.rulesByCode.size === 0) return;
  for (let index = 0; index < ctx.lines.length; index++) {
    const line = ctx.lines[index]!;
    const rules = compiled.rulesByCode.get(line.code);
    if (rules) for (const rule of rules) checkRule(ctx, report, compiled, rule, line, index);
  }
}
