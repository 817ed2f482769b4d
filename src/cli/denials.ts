/**
 * `dxacode denials`: the denial worklist of the store (each billed line the latest 835 denied, with its reasons in
 * words, what dxacode had said about the line and a resubmission path), then how well the findings predicted the
 * denials, per rule and per payer, the misses a coder can turn into payer-pack rules, and the money.
 * `--encounter ID` prints that encounter's life instead. Exit 0 with no denied line, 1 when there are denied lines
 * to work, 2 when the store cannot be read.
 */
import type { RemittanceCodes } from '../knowledge/remittance-codes.js';
import { storeOptionsFromEnv } from '../store/index.js';
import type { DeniedLine, DenialFilters, DenialMoney, EncounterLife, PredictionQuality } from '../store/denials.js';
import { EXIT } from './exit.js';
import { outputFormat, type CliIo } from './shared.js';
import { withStore } from './store-commands.js';

/** Options of `dxacode denials`. */
export interface DenialsCommandOptions extends DenialFilters {
  organization?: string;
  format?: 'json' | 'text';
  encounter?: string;
  limit?: string;
}

const money = (cents: number | null) => (cents === null ? '?' : (cents / 100).toFixed(2));
const percent = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`);
const words = (x: { code: string; description?: string }) => `${x.code} (${x.description ?? 'no description embedded'})`;

/** One denied line for a coder: what was denied, why, what dxacode had said, and what to do. */
function deniedText(l: DeniedLine): string {
  const what = `${l.externalId ?? l.encounterId} claim ${l.claimId} line ${l.line} ${[l.code, ...l.modifiers].join('-')} (${l.payer}, ${l.dateOfService}): billed ${money(l.billedCents)}, paid ${money(l.paidCents)}`;
  const reasons = [...l.adjustments.map((a) => `${a.group}-${words(a)} ${money(a.cents)}`), ...l.remarks.map(words)].map((r) => `\n    reason: ${r}`).join('');
  const said = l.findings.length === 0 ? '\n    dxacode had said nothing about this line' : l.findings.map((f) => `\n    dxacode said (${f.severity} ${f.rule}${f.scope === 'claim' ? ', about the claim' : ''}): ${f.message}${f.override ? ` [overridden: ${f.override.reason}]` : ''}`).join('');
  const path = `\n    suggested: ${l.suggestion.path}${l.suggestion.frequencyCode ? ` (frequency code ${l.suggestion.frequencyCode})` : ''}: ${l.suggestion.action}`;
  return `DENIED ${what}${reasons}${said}${path}\n`;
}

function predictionText(p: PredictionQuality): string {
  const out = [
    `Prediction: ${p.adjudicated} line(s) answered by an 835; ${p.flagged} flagged as errors, ${p.flaggedDenied} of them denied (${percent(p.precision)}); ${p.denied} denied, ${p.deniedFlagged} of them flagged (${percent(p.recall)})`,
    ...p.byRule.map((r) => `  rule ${r.rule}: ${r.flagged} flagged, ${r.denied} denied`),
    ...p.byPayer.map((r) => `  payer ${r.payer}: ${r.adjudicated} answered, ${r.flagged} flagged (${r.flaggedDenied} denied), ${r.denied} denied (${r.deniedFlagged} flagged)`),
  ];
  if (p.misses.length > 0) {
    out.push(`Misses (denied, not flagged; each may become a payer-pack rule, see ${p.packDocs}):`);
    for (const m of p.misses) {
      const dx = m.diagnoses.map((d) => `${d.pointer}:${d.code}`).join(' ') || 'none';
      out.push(`  ${m.payer} ${[m.code, ...m.modifiers].join('-')} ${m.dateOfService} (${m.externalId ?? m.encounterId}): ${m.carc.map((c) => `${c.group}-${c.code}`).join(' ')}${m.rarc.length ? ` ${m.rarc.map((r) => r.code).join(' ')}` : ''}; diagnosis pointers ${dx}; ${m.category} -> ${m.packRuleKind ? `pack rule kind ${m.packRuleKind}` : 'no pack rule kind covers it'}${m.warnings.length ? `; dxacode warned ${m.warnings.join(', ')}` : ''}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function moneyText(m: DenialMoney): string {
  const out = [
    `Money (${m.claims} claim(s) answered): billed ${money(m.billedCents)}, allowed ${m.allowedCents === null ? 'not given' : money(m.allowedCents)}${m.linesWithoutAllowed > 0 ? ` (${m.linesWithoutAllowed} line(s) without an allowed amount)` : ''}, paid ${money(m.paidCents)}, patient responsibility ${money(m.patientCents)}, denied ${money(m.deniedCents)}`,
    ...m.deniedByReason.map((r) => `  denied ${money(r.cents)} on ${r.lines} line(s): ${r.group}-${words(r)}`),
  ];
  if (m.awaiting.claims > 0) out.push(`  awaiting an 835: ${m.awaiting.claims} claim(s), billed ${money(m.awaiting.billedCents)}`);
  return `${out.join('\n')}\n`;
}

function lifeText(life: EncounterLife): string {
  const lines = life.events.map((e) => {
    const codes = e.codes.filter((c) => c.list === 'CARC' || c.list === 'RARC').map((c) => `\n      ${c.list} ${words(c)}`).join('');
    return `  ${e.at} ${e.stage}: ${e.summary}${codes}`;
  });
  return `Encounter ${life.encounterId}: ${life.outcome}\n${lines.join('\n')}\n`;
}

/** Runs `dxacode denials [--organization ID] [--payer P] [--from D] [--to D] [--limit N] [--encounter ID] [--format json|text]`. */
export async function run(io: CliIo, options: DenialsCommandOptions = {}): Promise<number> {
  const format = outputFormat(io, options.format);
  const limit = options.limit === undefined ? 500 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 5000) {
    io.stderr.write(`dxacode: denials: --limit: expected a whole number from 1 to 5000, got ${JSON.stringify(options.limit)}\n`);
    return EXIT.unusable;
  }
  for (const field of ['from', 'to'] as const) {
    const value = options[field];
    if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      io.stderr.write(`dxacode: denials: --${field}: expected a date YYYY-MM-DD, got ${JSON.stringify(value)}\n`);
      return EXIT.unusable;
    }
  }
  const { loadRemittanceCodes } = await import('../io/remittance-codes-file.js');
  const codes: RemittanceCodes = loadRemittanceCodes();
  const { denialSummary, denialWorklist, encounterLife } = await import('../store/denials.js');
  const filters: DenialFilters = { ...(options.payer ? { payer: options.payer } : {}), ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}) };
  const output = await withStore(storeOptionsFromEnv(io.env ?? {}), 'denials', async (store) => {
    const org = store.forOrganization(options.organization ?? 'default');
    if (options.encounter !== undefined) {
      const life = await encounterLife(org, codes, options.encounter);
      if (life === undefined) return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: denials: no encounter ${JSON.stringify(options.encounter)} in organisation ${org.organization}\n` };
      return { exitCode: EXIT.ok, stdout: format === 'json' ? `${JSON.stringify(life)}\n` : lifeText(life), stderr: '' };
    }
    const worklist = await denialWorklist(org, codes, { ...filters, limit });
    const { prediction, money: amounts } = await denialSummary(org, codes, filters);
    const stdout = format === 'json' ? `${JSON.stringify({ total: worklist.total, lines: worklist.lines, prediction, money: amounts })}\n` : `${worklist.lines.map(deniedText).join('')}${worklist.total > worklist.lines.length ? `(${worklist.total - worklist.lines.length} more denied line(s) not listed; raise --limit)\n` : ''}${predictionText(prediction)}${moneyText(amounts)}`;
    return { exitCode: worklist.total > 0 ? EXIT.reject : EXIT.ok, stdout, stderr: `dxacode: denials: ${worklist.total} denied line(s) to work\n` };
  });
  io.stdout.write(output.stdout);
  io.stderr.write(output.stderr);
  return output.exitCode;
}
