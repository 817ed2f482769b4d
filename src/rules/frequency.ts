/**
 * Medicare BMM frequency: covered when at least 23 months have passed since the month of the last covered BMM
 * (eligible from the first day of the same calendar month two years later), with the glucocorticoid-monitoring
 * and confirmatory-baseline exceptions.
 */
import type { MedicareBmm, PayerPack } from '../knowledge/schema.js';
import { Report, VersionTexts, historyPath, lineLabel, lineRef, noPackReason, type RuleContext } from './context.js';
import { medicareLineFrequency } from './medicare.js';

const NOT_MEDICARE = new VersionTexts((pack: PayerPack) => `not applicable: ${pack.name} is not Medicare (see payer)`);
const VERSION = new VersionTexts((medicare: MedicareBmm) => `medicare-bmm ${medicare.version}: ${medicare.frequency.months} months counted by month`);

/** The frequency rule family (Medicare; commercial intervals are payer-pack rules). */
export function checkFrequency(ctx: RuleContext, report: Report): void {
  if (!ctx.pack) {
    report.skipped('frequency', noPackReason(ctx));
    return;
  }
  if (ctx.pack.program !== 'medicare') {
    report.ran('frequency', NOT_MEDICARE.of(ctx.pack));
    return;
  }
  const { medicare } = ctx.knowledge;
  const rule = medicare.frequency;
  report.ran('frequency', VERSION.of(medicare));
  for (let index = 0; index < ctx.lines.length; index++) {
    const line = ctx.lines[index]!;
    const outcome = ctx.assessments?.[index]?.frequency ?? medicareLineFrequency(ctx.input, ctx.knowledge, line);
    const at = lineRef(ctx, index);
    const ownHistoryOnly = ctx.historyScope === 'this-organization';
    switch (outcome.status) {
      case 'no-history':
        report.skipped(
          'frequency',
          ownHistoryOnly
            ? `${lineLabel(ctx, index)}: no history was given and the patient has no medical record number or member id to match this organisation's stored studies by, so the date of the last covered bone mass measurement is unknown`
            : `${lineLabel(ctx, index)}: no history was given, so the date of the last covered bone mass measurement is unknown`,
        );
        continue;
      case 'no-prior':
      case 'eligible':
        // The organisation's own studies allow the service, but a study by another provider may not: unknown is not a pass.
        if (ownHistoryOnly) {
          const own = outcome.status === 'eligible' ? `the last of them on ${outcome.last}` : 'none of them before this date';
          report.skipped('frequency', `${lineLabel(ctx, index)}: only this organisation's own stored studies are known (${own}); ${rule.acrossProviders.note}, and studies by other providers are not known: give them in history`);
        }
        continue;
      case 'too-soon': {
        const path = historyPath(ctx, outcome.last, outcome.lastCode);
        const last = { lastDate: outcome.last, lastCode: outcome.lastCode, lastNpi: outcome.lastNpi ?? null, eligibleFrom: outcome.eligibleFrom, months: rule.months };
        const base = `${lineLabel(ctx, index)}: the last covered bone mass measurement was on ${outcome.last}${byOtherProvider(ctx, outcome.lastNpi)}; under the ${rule.months}-month rule the next is covered from ${outcome.eligibleFrom}, after the date of service ${ctx.input.dateOfService}.`;
        if (outcome.exception) {
          const exception = rule.exceptions.find((e) => e.id === outcome.exception)!;
          report.add('frequency.exception', {
            message: `${base} The exception for ${exception.label} applies; document the medical necessity.`,
            line: at,
            source: exception.source,
            path,
            params: { code: line.code, ...last, exception: exception.id },
          });
          continue;
        }
        report.add('frequency.too-soon', {
          message: `${base}${ctx.input.abnOnFile ? ' An ABN is on file: bill with GA, the patient is liable.' : ' No ABN is on file: the provider is liable.'}`,
          line: at,
          severity: ctx.input.abnOnFile ? 'warning' : 'error',
          fix: ctx.input.abnOnFile
            ? 'Bill with GA.'
            : `Schedule the study on or after ${outcome.eligibleFrom}, document an exception (long-term glucocorticoid monitoring, confirmatory baseline), or obtain an ABN before the service.`,
          source: rule.source,
          path,
          params: { code: line.code, ...last, abnOnFile: ctx.input.abnOnFile === true },
        });
        continue;
      }
      default:
        continue;
    }
  }
}

/** Says who furnished the last study when it was not this billing provider: it counts all the same. */
function byOtherProvider(ctx: RuleContext, lastNpi: string | undefined): string {
  if (lastNpi === undefined || lastNpi === ctx.input.billingNpi) return '';
  const who = ctx.input.billingNpi === undefined ? `by NPI ${lastNpi}` : `by another provider (NPI ${lastNpi})`;
  return ` ${who}, which still counts: ${ctx.knowledge.medicare.frequency.acrossProviders.note}`;
}
