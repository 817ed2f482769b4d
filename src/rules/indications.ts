/**
 * ISCD indications for vertebral fracture assessment, by guideline version in force on the date of service
 * (2007 and 2013 positions are kept apart): T-score below -1.0 and at least one criterion.
 */
import type { IscdCriterion, IscdVersion } from '../knowledge/schema.js';
import { Report, type CheckInput, type RuleContext } from './context.js';
import { isWithin } from '../contract/dates.js';

type CriterionOutcome = 'met' | 'not-met' | 'unknown';

/** What the facts show for one criterion, for the finding's message. */
function evidenceOf(criterion: IscdCriterion, input: CheckInput): string {
  const c = input.clinical;
  if (criterion.womenAgeAtLeast !== undefined) return `${input.sex} aged ${input.age ?? '?'}`;
  if (criterion.heightLossHistoricalCmOver !== undefined) return `historical height loss ${c.heightLossHistoricalCm ?? '?'} cm`;
  if (criterion.heightLossProspectiveCmOver !== undefined) return `prospective height loss ${c.heightLossProspectiveCm ?? '?'} cm`;
  if (criterion.glucocorticoidMgAtLeast !== undefined) return `glucocorticoids ${c.glucocorticoidMgPerDay ?? '?'} mg/day for ${c.glucocorticoidMonths ?? '?'} months`;
  return 'self-reported vertebral fracture';
}

function evaluateCriterion(criterion: IscdCriterion, input: CheckInput): CriterionOutcome {
  const c = input.clinical;
  if (criterion.womenAgeAtLeast !== undefined || criterion.menAgeAtLeast !== undefined) {
    if (input.age === undefined || input.sex === 'unknown') return 'unknown';
    const threshold = input.sex === 'female' ? criterion.womenAgeAtLeast : criterion.menAgeAtLeast;
    return threshold !== undefined && input.age >= threshold ? 'met' : 'not-met';
  }
  if (criterion.heightLossHistoricalCmOver !== undefined) {
    return c.heightLossHistoricalCm !== undefined && c.heightLossHistoricalCm > criterion.heightLossHistoricalCmOver ? 'met' : 'not-met';
  }
  if (criterion.heightLossProspectiveCmOver !== undefined) {
    if (c.heightLossProspectiveCm === undefined) return 'not-met';
    if (input.sex === 'unknown') return 'unknown';
    return c.heightLossProspectiveCm > criterion.heightLossProspectiveCmOver[input.sex] ? 'met' : 'not-met';
  }
  if (criterion.fact !== undefined) return c[criterion.fact] === true ? 'met' : 'not-met';
  if (criterion.glucocorticoidMgAtLeast !== undefined) {
    const months = criterion.glucocorticoidMonthsAtLeast ?? 0;
    return c.glucocorticoidMgPerDay !== undefined && c.glucocorticoidMonths !== undefined && c.glucocorticoidMgPerDay >= criterion.glucocorticoidMgAtLeast && c.glucocorticoidMonths >= months ? 'met' : 'not-met';
  }
  return 'unknown';
}

function inUncodedAgeBand(version: IscdVersion, input: CheckInput): boolean {
  const bands = version.ageBandsNotEncoded;
  if (!bands || input.age === undefined || input.sex === 'unknown') return false;
  const [low, high] = bands[input.sex];
  return input.age >= low && input.age <= high;
}

/** True when the claim under check or the performed procedures include vertebral fracture assessment. */
function includesVfa(ctx: RuleContext): boolean {
  if (ctx.input.performed.some((p) => p.procedure === 'vfa')) return true;
  return ctx.lines.some((l) => {
    const service = ctx.knowledge.codes.byCode.get(l.code)?.service;
    return service === 'vfa' || service === 'dxa-axial+vfa';
  });
}

/** The indications rule family (ISCD VFA indications). */
export function checkIndications(ctx: RuleContext, report: Report): void {
  const { iscd } = ctx.knowledge;
  if (!includesVfa(ctx)) {
    report.ran('indications', `iscd-vfa ${iscd.version}: no VFA on the claim`);
    return;
  }
  const version = iscd.versions.find((v) => isWithin(ctx.input.dateOfService, v.effective, v.end));
  if (!version) {
    report.skipped('indications', `no ISCD VFA position is recorded for ${ctx.input.dateOfService} (earliest: ${iscd.versions[0]?.effective ?? 'none'})`);
    return;
  }
  report.ran('indications', `${version.id} (iscd-vfa ${iscd.version})`);
  const t = ctx.input.clinical.tScoreLowest;
  if (t === undefined) {
    report.skipped('indications', `no T-score was given (clinical.tScoreLowest); the ${version.id} VFA indications need one`);
    return;
  }
  if (!(t < version.tScoreBelow)) {
    report.add('iscd.vfa-not-indicated', {
      message: `The lowest T-score ${t} is not below ${version.tScoreBelow.toFixed(1)}; ${version.title} indicate VFA only below it.`,
      fix: 'Document why VFA was needed, or do not perform it routinely at this T-score.',
      source: version.source,
    });
    return;
  }
  const outcomes = version.criteria.map((criterion) => ({ criterion, outcome: evaluateCriterion(criterion, ctx.input) }));
  const met = outcomes.filter((o) => o.outcome === 'met');
  if (met.length > 0) {
    report.add('iscd.vfa-indicated', {
      message: `VFA is indicated under ${version.title}: T-score ${t} below ${version.tScoreBelow.toFixed(1)} and ${met.map((o) => `${evidenceOf(o.criterion, ctx.input)} (${o.criterion.label})`).join('; ')}.`,
      source: version.source,
    });
    return;
  }
  const unknown = outcomes.filter((o) => o.outcome === 'unknown');
  if (unknown.length > 0) {
    report.skipped('indications', `${unknown.map((o) => o.criterion.label).join('; ')}: not checked (age or sex not given)`);
    return;
  }
  if (inUncodedAgeBand(version, ctx.input) || (version.managementTScoreAtOrBelow !== undefined && t <= version.managementTScoreAtOrBelow)) {
    report.skipped('indications', `${version.id}: ${version.notEncoded.join('; ')}`);
    return;
  }
  report.add('iscd.vfa-not-indicated', {
    message: `The T-score ${t} is below ${version.tScoreBelow.toFixed(1)}, but none of the ${version.id} criteria is met by the facts given (${version.criteria.map((c) => c.label).join('; ')}).`,
    fix: 'Document the indication (age, height loss, prior vertebral fracture, glucocorticoid use) if it exists.',
    source: version.source,
  });
}
