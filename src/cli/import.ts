/**
 * `dxacode import FILE`: reads a 999, 277CA or 835 file (or one mixing them) as it came back, matches each item to
 * the claims the organisation exported (999: group and transaction set control numbers; 277CA and 835: claim id and
 * line item control numbers), stores it with its match, and prints one line per item: what it says, what it matched,
 * or plainly why it could not be matched. The file is read twice, streaming: once for its fingerprint (the same
 * file is not imported twice), once to import. Exit 0 when every item matched, 1 when some could not be matched, 2
 * when the file has a defect (strict mode then stores nothing) or cannot be imported.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
// The response modules alone: the x12 index would load the engine, which an import does not need.
import { readResponses } from '../interchange/x12/read-responses.js';
import { formatResponseProblem } from '../interchange/x12/response-problems.js';
import type { ResponseItem } from '../interchange/x12/responses.js';
import type { X12Input, X12Mode } from '../interchange/x12/stream.js';
import type { RemittanceCodes } from '../knowledge/remittance-codes.js';
import { describeAdjustment, describeRemark } from '../knowledge/remittance-codes.js';
import { storeOptionsFromEnv } from '../store/index.js';
import { importResponses, type ImportEvent, type ItemOutcome } from '../store/responses.js';
import { EXIT } from './exit.js';
import { Output, type CliIo } from './shared.js';
import { withStore } from './store-commands.js';

/** Options of `dxacode import`. */
export interface ImportCommandOptions {
  mode?: X12Mode;
  organization?: string;
  format?: 'json' | 'text';
}

/** The bytes of the file, fingerprinted, and where a NUL character (which the store cannot keep) first stands. */
async function fingerprint(chunks: AsyncIterable<Buffer | string> | Iterable<Buffer>): Promise<{ sha256: string; nulAt: number | undefined }> {
  const hash = createHash('sha256');
  let offset = 0;
  let nulAt: number | undefined;
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    hash.update(bytes);
    const at = bytes.indexOf(0);
    if (nulAt === undefined && at >= 0) nulAt = offset + at;
    offset += bytes.length;
  }
  return { sha256: hash.digest('hex'), nulAt };
}

const money = (cents: number | undefined) => (cents === undefined ? '?' : (cents / 100).toFixed(2));

/** The words of a claim item, for a person: status, amounts, and each line's adjustments and remarks. */
function describe(item: Exclude<ResponseItem, { kind: 'problem' }>, codes: RemittanceCodes): string {
  switch (item.kind) {
    case '999-transaction':
      return `${item.ack.status} (${codes.transactionAck.get(item.ack.status)?.description ?? 'unknown code'})${item.ack.segmentErrors.map((e) => `; ${e.segmentId} at segment ${e.position ?? '?'}${e.loop ? ` (loop ${e.loop})` : ''}: ${codes.segmentError.get(e.code ?? '')?.description ?? `error ${e.code ?? '?'}`}${e.elements.map((el) => `, element ${el.position}: ${codes.elementError.get(el.code)?.description ?? `error ${el.code}`}`).join('')}`).join('')}`;
    case '999-group':
      return `${item.group.status} (${codes.groupAck.get(item.group.status)?.description ?? 'unknown code'}), ${item.group.accepted ?? '?'} of ${item.group.included ?? '?'} transaction set(s) accepted`;
    case '277ca-claim':
    case '277ca-batch':
      return item.status.statuses.map((s) => `${s.category}:${s.code}${s.entity ? `:${s.entity}` : ''} (${codes.statusCategories.get(s.category)?.description ?? 'unknown category'})`).join('; ');
    case '835-remittance':
      return `${item.remittance.method} ${money(item.remittance.paymentCents)} on ${item.remittance.paymentDate ?? '?'} from ${item.remittance.payerName ?? '?'}`;
    case '835-provider-adjustment':
      return item.adjustment.adjustments.map((a) => `${a.reason} ${money(a.cents)}${a.reference ? ` (${a.reference})` : ''}`).join('; ');
    case '835-claim': {
      const p = item.payment;
      const words = (adjustments: typeof p.adjustments, remarks: typeof p.remarks) => [...adjustments.map((a) => describeAdjustment(codes, a.group, a.reason, money(a.cents))), ...remarks.map((r) => describeRemark(codes, r.code))].join('; ');
      const lines = p.lines.map((l, i) => {
        const what = words(l.adjustments, l.remarks);
        return `line ${i + 1} ${l.procedure ? [l.procedure.code, ...l.procedure.modifiers].join('-') : '?'} paid ${money(l.paidCents)} of ${money(l.chargeCents)}${what ? `: ${what}` : ''}`;
      });
      const claimWords = words(p.adjustments, p.remarks);
      return [`${p.status} (${codes.claimPaymentStatuses.get(p.status)?.description ?? 'unknown status'}), paid ${money(p.paidCents)} of ${money(p.chargeCents)}${p.patientResponsibilityCents !== undefined ? `, patient responsibility ${money(p.patientResponsibilityCents)}` : ''}${claimWords ? `: ${claimWords}` : ''}`, ...lines].join('\n    ');
    }
  }
}

/** One text line (or a few) per item. */
function outcomeText(outcome: ItemOutcome, item: Exclude<ResponseItem, { kind: 'problem' }>, codes: RemittanceCodes): string {
  const head = `${outcome.kind.split('-')[0]!.toUpperCase()} ${outcome.subject}: ${describe(item, codes)}`;
  if (!outcome.matchable) return `${head}\n`;
  if (outcome.reason !== undefined) return `${head}\n  NOT MATCHED: ${outcome.reason}\n`;
  const who = outcome.encounters.map((e) => `encounter ${e.externalId ?? e.id} (claim ${e.claimId})`).join(', ');
  const lines = outcome.unmatchedLines.map((l) => `\n  line ${l.seq} NOT MATCHED: ${l.reason}`).join('');
  return `${head}\n  matched ${who} by ${outcome.method}${outcome.note ? `; ${outcome.note}` : ''}${lines}\n`;
}

/** Runs `dxacode import FILE [--mode strict|lenient] [--organization ID] [--format json|text]`. */
export async function run(io: CliIo, file: string, options: ImportCommandOptions = {}): Promise<number> {
  const mode = options.mode ?? 'strict';
  const format = options.format ?? (io.stdout.isTTY ? 'text' : 'json');
  const fromStdin = file === '-';
  let input: X12Input;
  let print: { sha256: string; nulAt: number | undefined };
  try {
    if (fromStdin) {
      // Standard input cannot be read twice: it is held, as a batch upload is.
      const chunks: Buffer[] = [];
      for await (const chunk of io.stdin as AsyncIterable<Buffer>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      const whole = Buffer.concat(chunks);
      print = await fingerprint([whole]);
      input = whole;
    } else {
      print = await fingerprint(createReadStream(file));
      input = createReadStream(file);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'it is a folder', EACCES: 'permission denied' };
    io.stderr.write(`dxacode: ${file}: cannot read the file (${why[code ?? ''] ?? code ?? 'error'})\n`);
    return EXIT.unusable;
  }
  const name = fromStdin ? 'standard input' : file;
  if (print.nulAt !== undefined) {
    io.stderr.write(`dxacode: ${name}: byte ${print.nulAt} is a NUL character (U+0000), which no X12 file holds; nothing was imported\n`);
    return EXIT.unusable;
  }
  const { loadRemittanceCodes } = await import('../io/remittance-codes-file.js');
  const codes = loadRemittanceCodes();
  const env = io.env ?? {};
  const out = new Output(io.stdout);
  const err = new Output(io.stderr);
  let unmatched = 0;
  const output = await withStore(storeOptionsFromEnv(env), 'import', async (store) => {
    const summary = await importResponses(store.forOrganization(options.organization ?? 'default'), {
      actor: env.DXACODE_ACTOR ?? 'cli',
      sha256: print.sha256,
      mode,
      items: readResponses(input, { mode }),
      onEvent: (event: ImportEvent) => {
        if (event.kind === 'problem') return err.append(`dxacode: ${name}: ${formatResponseProblem(event.problem)}\n`);
        if (event.outcome.reason !== undefined) unmatched++;
        if (format === 'json') out.append(`${JSON.stringify({ ...event.outcome, item: event.item })}\n`);
        else out.append(outcomeText(event.outcome, event.item, codes));
      },
    });
    await out.flush();
    await err.flush();
    if (summary.fileId === undefined) {
      return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: ${name}: nothing was imported: the file has a defect and strict mode stores nothing (correct it, or import it with --mode lenient to store what can be read)\n` };
    }
    const counts = `${summary.items} item${summary.items === 1 ? '' : 's'}, ${summary.matched} matched, ${summary.unmatched} not matched; ${summary.errors} defect${summary.errors === 1 ? '' : 's'}${summary.warnings > 0 ? `, ${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}` : ''}`;
    const exitCode = summary.errors > 0 ? EXIT.unusable : unmatched > 0 ? EXIT.reject : EXIT.ok;
    return { exitCode, stdout: format === 'json' ? `${JSON.stringify({ summary })}\n` : '', stderr: `dxacode: imported ${name} (${summary.kinds.join(', ')}; interchange ${summary.interchanges.join(', ')}) as ${summary.fileId}: ${counts}\n` };
  });
  await out.flush();
  await err.flush();
  io.stdout.write(output.stdout);
  io.stderr.write(output.stderr);
  return output.exitCode;
}
