/**
 * Payer policy pack rules (commercial packs are data files): services not covered in a situation, intervals
 * between studies, and prior authorization.
 */
import { addMonths } from '../contract/dates.js';
import type { PackCondition, PackRule } from '../knowledge/schema.js';
import { Report, historyPath, lineLabel, linePath, lineRef, type Line, type RuleContext } from './context.js';

/** Services that are a bone density study (VFA is an adjunct to one of these). */
const BONE_DENSITY_SERVICES = new Set(['dxa-axial', 'dxa-peripheral', 'dxa-axial+vfa', 'qct-axial', 'ultrasound-peripheral', 'sexa-peripheral']);

type ConditionOutcome = { holds: true } | { holds: false } | { holds: 'unknown'; reason: string };

function conditionHolds(ctx: RuleContext, line: Line, when: PackCondition | undefined): ConditionOutcome {
  if (!when) return { holds: true };
  if (when.screening) {
    const diagnoses = line.diagnoses.length > 0 ? line.diagnoses : ctx.input.diagnoses;
    const screeningCode = ctx.knowledge.icd10.conventions.screening.code;
    if (!(diagnoses.length > 0 && diagnoses.every((d) => d === screeningCode))) return { holds: false };
  }
  if (when.withoutBoneDensityStudy) {
    const performed = ctx.input.performed.some((p) => BONE_DENSITY_SERVICES.has(p.procedure));
    const billed = ctx.lines.some((l) => BONE_DENSITY_SERVICES.has(ctx.knowledge.codes.byCode.get(l.code)?.service ?? ''));
    if (performed || billed) return { holds: false };
  }
  if (when.ageUnder !== undefined) {
    if (ctx.input.age === undefined) return { holds: 'unknown', reason: `the patient's age is not given (rule applies under ${when.ageUnder})` };
    if (!(ctx.input.age < when.ageUnder)) return { holds: false };
  }
  return { holds: true };
}

function checkRule(ctx: RuleContext, report: Report, rule: PackRule, line: Line, index: number): void {
  const pack = ctx.pack!;
  const label = lineLabel(ctx, index);
  const at = lineRef(ctx, index);
  const condition = conditionHolds(ctx, line, rule.when);
  if (condition.holds === 'unknown') {
    report.skipped('payer', `${pack.id} rule ${rule.id} on ${label}: ${condition.reason}`);
    return;
  }
  if (!condition.holds) return;
  const modelled = pack.modelled ? ` (${pack.name})` : '';
  switch (rule.kind) {
    case 'not-covered':
      report.add('payer.not-covered', {
        message: `${label}: ${rule.message}${modelled}.`,
        line: at,
        severity: rule.severity,
        fix: rule.fix,
        source: rule.source,
        path: linePath(ctx, index, 'code'),
        params: { code: line.code, pack: pack.id, packRule: rule.id },
      });
      return;
    case 'prior-authorization': {
      const auth = ctx.input.priorAuthorization;
      if (auth === undefined) {
        report.skipped('payer', `${pack.id} rule ${rule.id} on ${label}: prior authorization is required and the encounter does not say whether it was obtained`);
      } else if (!auth.obtained) {
        report.add('payer.prior-authorization', {
          message: `${label}: ${rule.message}${modelled}; none was obtained.`,
          line: at,
          severity: rule.severity,
          fix: rule.fix,
          source: rule.source,
          path: 'priorAuthorization.obtained',
          params: { code: line.code, pack: pack.id, packRule: rule.id },
        });
      }
      return;
    }
    case 'frequency': {
      if (ctx.input.history === undefined) {
        report.skipped('payer', `${pack.id} rule ${rule.id} on ${label}: no history was given, so the interval since the last study is unknown`);
        return;
      }
      const prior = ctx.input.history.filter((h) => h.dateOfService < ctx.input.dateOfService && rule.codes.includes(h.code));
      if (prior.length === 0) return;
      const lastStudy = prior.reduce((a, b) => (b.dateOfService > a.dateOfService ? b : a));
      const last = lastStudy.dateOfService;
      const eligibleFrom = addMonths(last, rule.months);
      if (ctx.input.dateOfService >= eligibleFrom) return;
      const months = ctx.input.clinical.glucocorticoidMonths;
      const steroid = (months !== undefined && months > 3) || ctx.input.diagnoses.includes('Z79.52');
      if (rule.exceptions.includes('glucocorticoid-monitoring') && steroid) return;
      const unencoded = rule.unencodedExceptions?.length ? ` Exceptions dxacode cannot see: ${rule.unencodedExceptions.join('; ')}.` : '';
      report.add('payer.frequency', {
        message: `${label}: ${rule.message}${modelled}; the last study was on ${last}, so the next is due from ${eligibleFrom}.${unencoded}`,
        line: at,
        severity: rule.severity,
        fix: rule.fix,
        source: rule.source,
        path: historyPath(ctx, last, lastStudy.code),
        params: { code: line.code, pack: pack.id, packRule: rule.id, lastDate: last, eligibleFrom, months: rule.months },
      });
      return;
    }
  }
}

/** The payer rule family: runs the rules of the encounter's payer pack. */
export function checkPayer(ctx: RuleContext, report: Report): void {
  const pack = ctx.pack;
  if (!pack) {
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
  report.ran('payer', `${pack.id} ${pack.version}`);
  for (const rule of pack.rules) {
    ctx.lines.forEach((line, index) => {
      if (rule.codes.includes(line.code)) checkRule(ctx, report, rule, line, index);
    });
  }
}
