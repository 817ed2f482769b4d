/**
 * ISCD indications for vertebral fracture assessment, by guideline version in force on the date of service
 * (2007 and 2013 positions are kept apart). Each version is a list of items (population, bone density,
 * criteria); a criterion whose fact the encounter cannot carry is never passed silently: it is reported as not checked.
 */
import { fieldPhrase } from '../contract/labels.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { IscdCriterion, IscdItem, IscdVersion } from '../knowledge/schema.js';
import { Report, VersionTexts, collect, joined, keep, linePath, type CheckInput, type RuleContext } from './context.js';
import { isWithin } from '../contract/dates.js';

type Outcome = 'met' | 'not-met' | 'unknown';

/** One outcome with what decided it: evidence when met, reasons when not met, missing facts when unknown. */
interface Judgement {
  outcome: Outcome;
  evidence: string[];
  failed: string[];
  missing: string[];
}

const met = (evidence: string): Judgement => ({ outcome: 'met', evidence: [evidence], failed: [], missing: [] });
const notMet = (reason: string): Judgement => ({ outcome: 'not-met', evidence: [], failed: [reason], missing: [] });
const unknown = (fact: string): Judgement => ({ outcome: 'unknown', evidence: [], failed: [], missing: [fact] });

function judgeCriterion(criterion: IscdCriterion, input: CheckInput): Judgement {
  const c = input.clinical;
  switch (criterion.kind) {
    case 'age-at-least': {
      if (input.sex === 'unknown') return unknown(`sex (for ${criterion.label})`);
      const threshold = criterion.years[input.sex];
      if (threshold === undefined) return notMet(`${criterion.label}: not for ${input.sex} patients`);
      if (input.age === undefined) return unknown(`age (for ${criterion.label})`);
      return input.age >= threshold ? met(`${input.sex} aged ${input.age} (${criterion.label})`) : notMet(`aged ${input.age}, not ${criterion.label}`);
    }
    case 'age-between': {
      if (input.age === undefined) return unknown(`age (for ${criterion.label})`);
      const [low, high] = criterion.years;
      return input.age >= low && input.age <= high ? met(`aged ${input.age} (${criterion.label})`) : notMet(`aged ${input.age}, not ${criterion.label}`);
    }
    case 'historical-height-loss-over': {
      // An absent height loss is an undocumented one, as before: not met.
      const loss = c.heightLossHistoricalCm;
      return loss !== undefined && loss > criterion.cm ? met(`historical height loss ${loss} cm (${criterion.label})`) : notMet(`historical height loss ${loss ?? 'not given'}${loss === undefined ? '' : ' cm'}, not ${criterion.label}`);
    }
    case 'historical-height-loss-between': {
      const loss = c.heightLossHistoricalCm;
      const [low, high] = criterion.cm;
      return loss !== undefined && loss >= low && loss <= high ? met(`historical height loss ${loss} cm (${criterion.label})`) : notMet(`not ${criterion.label}`);
    }
    case 'prospective-height-loss-over': {
      const loss = c.heightLossProspectiveCm;
      return loss !== undefined && loss > criterion.cm ? met(`prospective height loss ${loss} cm (${criterion.label})`) : notMet(`prospective height loss ${loss ?? 'not given'}${loss === undefined ? '' : ' cm'}, not ${criterion.label}`);
    }
    case 'self-reported-vertebral-fracture':
      return c.selfReportedVertebralFracture === true ? met(criterion.label) : notMet(`no ${criterion.label}`);
    case 'glucocorticoids': {
      const mg = c.glucocorticoidMgPerDay;
      const months = c.glucocorticoidMonths;
      const ok = mg !== undefined && months !== undefined && mg >= criterion.mgPerDayAtLeast && months >= criterion.monthsAtLeast;
      const given = `glucocorticoids ${mg ?? '?'} mg/day for ${months ?? '?'} months`;
      return ok ? met(`${given} (${criterion.label})`) : notMet(`${given}, not ${criterion.label}`);
    }
    case 'not-an-input':
      return unknown(criterion.missingFact);
  }
}

/** The parts' texts in one judgement (lists filled by push: see collect in context.ts). */
function combine(parts: Judgement[], outcome: Outcome): Judgement {
  const judgement: Judgement = { outcome, evidence: [], failed: [], missing: [] };
  for (const part of parts) {
    judgement.evidence.push(...part.evidence);
    judgement.failed.push(...part.failed);
    judgement.missing.push(...part.missing);
  }
  return judgement;
}

/** Any one of anyOf, or at least two of twoOrMoreOf. */
function judgeCriteria(item: IscdItem, input: CheckInput): Judgement {
  const single = collect(item.anyOf, (c) => judgeCriterion(c, input));
  const pairList = collect(item.twoOrMoreOf ?? [], (c) => judgeCriterion(c, input));
  const singleMet = keep(single, (j) => j.outcome === 'met');
  if (singleMet.length > 0) return combine(singleMet, 'met');
  const pairMet = keep(pairList, (j) => j.outcome === 'met');
  if (pairMet.length >= 2) return combine(pairMet, 'met');
  const pairUnknown = keep(pairList, (j) => j.outcome === 'unknown');
  const singleUnknown = keep(single, (j) => j.outcome === 'unknown');
  const couldPair = pairMet.length + pairUnknown.length >= 2;
  if (singleUnknown.length > 0 || couldPair) {
    const judged = combine([...singleUnknown, ...(couldPair ? pairUnknown : [])], 'unknown');
    if (couldPair) {
      // The evidence shown is what the pair has met so far.
      judged.evidence = [];
      for (const part of pairMet) judged.evidence.push(...part.evidence);
    }
    return judged;
  }
  const twoOf = pairList.length > 0 ? [notMet(`fewer than two of: ${(item.twoOrMoreOf ?? []).map((c) => c.label).join(', ')}`)] : [];
  return combine([...single, ...twoOf], 'not-met');
}

function judgeItem(item: IscdItem, input: CheckInput): Judgement {
  if (input.sex !== 'unknown' && !item.sexes.includes(input.sex)) return notMet(`${item.label}: not for ${input.sex} patients`);
  const parts: Judgement[] = [];
  if (input.sex === 'unknown' && item.sexes.length < 2) parts.push(unknown('sex'));
  if (item.postmenopausal && input.sex !== 'male') {
    parts.push(input.clinical.estrogenDeficient === true ? met('estrogen deficient, taken as postmenopausal') : unknown(`menopausal status not given (${fieldPhrase('clinical.estrogenDeficient')} is the only stand-in)`));
  }
  if (item.tScore) {
    const t = input.clinical.tScoreLowest;
    const { below, above, atOrBelow } = item.tScore;
    const band = [above !== undefined ? `above ${above.toFixed(1)}` : '', below !== undefined ? `below ${below.toFixed(1)}` : '', atOrBelow !== undefined ? `at or below ${atOrBelow.toFixed(1)}` : ''].filter(Boolean).join(' and ');
    if (t === undefined) parts.push(unknown(fieldPhrase('clinical.tScoreLowest')));
    else if ((below !== undefined && !(t < below)) || (above !== undefined && !(t > above)) || (atOrBelow !== undefined && !(t <= atOrBelow))) return notMet(`${item.label}: T-score ${t} is not ${band}`);
    else parts.push(met(`T-score ${t} ${band}`));
  }
  const criteria = item.anyOf.length > 0 || (item.twoOrMoreOf ?? []).length > 0 ? judgeCriteria(item, input) : undefined;
  if (criteria?.outcome === 'not-met') return combine([criteria], 'not-met');
  if (criteria) parts.push(criteria);
  if (item.needsStatement !== undefined) parts.push(unknown(item.needsStatement));
  const outcome: Outcome = parts.some((p) => p.outcome === 'unknown') ? 'unknown' : 'met';
  return combine(parts, outcome);
}

function judgeVersion(version: IscdVersion, input: CheckInput): { item: IscdItem; judgement: Judgement }[] {
  const judged: { item: IscdItem; judgement: Judgement }[] = [];
  for (const item of version.items) judged.push({ item, judgement: judgeItem(item, input) });
  return judged;
}

/** True when the claim under check or the performed procedures include vertebral fracture assessment. */
function includesVfa(ctx: RuleContext): boolean {
  if (ctx.input.performed.some((p) => p.procedure === 'vfa')) return true;
  return ctx.lines.some((l) => isVfaCode(ctx, l.code));
}

function isVfaCode(ctx: RuleContext, code: string): boolean {
  const service = ctx.knowledge.codes.byCode.get(code)?.service;
  return service === 'vfa' || service === 'dxa-axial+vfa';
}

/** The VFA codes on the lines under check. */
function vfaCodes(ctx: RuleContext): string[] {
  return ctx.lines.filter((l) => isVfaCode(ctx, l.code)).map((l) => l.code);
}

/** Where the VFA is in the encounter: its performed entry, else the claim line that bills it. */
function vfaPath(ctx: RuleContext): string | undefined {
  const performed = ctx.input.performed.findIndex((p) => p.procedure === 'vfa');
  if (performed >= 0) return `performed[${performed}]`;
  const line = ctx.lines.findIndex((l) => isVfaCode(ctx, l.code));
  return line >= 0 ? linePath(ctx, line, 'code') : undefined;
}

const NO_VFA = new VersionTexts((iscd: Knowledge['iscd']) => `iscd-vfa ${iscd.version}: no VFA on the claim`);
const VERSION = new VersionTexts((version: IscdVersion, iscd: Knowledge['iscd']) => `${version.id} (iscd-vfa ${iscd.version})`);

/** The indications rule family (ISCD VFA indications). */
export function checkIndications(ctx: RuleContext, report: Report): void {
  const { iscd } = ctx.knowledge;
  if (!includesVfa(ctx)) {
    report.ran('indications', NO_VFA.of(iscd));
    return;
  }
  const version = iscd.versions.find((v) => isWithin(ctx.input.dateOfService, v.effective, v.end));
  if (!version) {
    report.skipped('indications', `no ISCD VFA position is recorded for ${ctx.input.dateOfService} (earliest: ${iscd.versions[0]?.effective ?? 'none'})`);
    return;
  }
  report.ran('indications', VERSION.of(version, iscd));
  const judged = judgeVersion(version, ctx.input);
  const metItem = judged.find((j) => j.judgement.outcome === 'met');
  if (metItem) {
    report.add('iscd.vfa-indicated', {
      message: `VFA is indicated under ${version.title}, ${metItem.item.label}: ${metItem.judgement.evidence.join('; ')}.`,
      source: metItem.item.source,
      path: vfaPath(ctx),
      params: { version: version.id, item: metItem.item.label, codes: vfaCodes(ctx) },
    });
    return;
  }
  const open = judged.filter((j) => j.judgement.outcome === 'unknown');
  if (open.length > 0) {
    report.skipped('indications', joined(open, (j) => `${j.item.label} needs ${j.judgement.missing.join('; ')}: not checked${j.judgement.evidence.length > 0 ? ` (met so far: ${j.judgement.evidence.join('; ')})` : ''}`, '. '));
    return;
  }
  report.add('iscd.vfa-not-indicated', {
    message: `None of the ${version.id} VFA indications is met by the facts given: ${joined(judged, (j) => j.judgement.failed.join('; '), '. ')}.`,
    fix: 'Document the indication (age, height loss, prior vertebral fracture, glucocorticoid use) if it exists.',
    source: version.source,
    path: vfaPath(ctx),
    params: { version: version.id, codes: vfaCodes(ctx) },
  });
}
