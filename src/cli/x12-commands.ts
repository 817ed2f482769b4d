/**
 * X12 for the command line: `runClaim` writes checked encounters as one 837P interchange (control number from the
 * counter file, configuration from dxacode.config.json or --config), `readEdi` checks each claim of an 837P file
 * and reports every defect with its location. interchange.ts wires them to `dxacode claim --format x12` and
 * `dxacode check FILE.edi`; messages are lines for standard error, never stack traces.
 */
import type { Encounter } from '../contract/encounter.js';
import type { Result } from '../contract/result.js';
import { check, type CheckOptions } from '../engine/check.js';
import {
  checkClaimFromX12,
  formatX12Problem,
  parse837P,
  write837P,
  type WrittenClaim,
  type X12Input,
  type X12Mode,
  type X12Problem,
  type X12Settings,
} from '../interchange/x12/index.js';
import { ControlNumberError, nextControlNumber } from '../io/control-numbers.js';
import { DEFAULT_CONFIG_FILE, readX12ConfigFile } from '../io/x12-config-file.js';
import type { Knowledge } from '../knowledge/compile.js';
import { EXIT, type ExitCode } from './exit.js';


/** Arguments of `dxacode claim --format x12`. */
export interface ClaimArgs {
  /** Validated encounters, in input order. */
  encounters: Iterable<Encounter> | AsyncIterable<Encounter>;
  knowledge: Knowledge;
  /** `--config FILE`; default dxacode.config.json in cwd when it exists, else test mode with SAMPLE ids. */
  config?: string;
  /** `--force`: write claims whose verdict is reject too (each is reported). */
  force?: boolean;
  /** No line break after each segment. */
  compact?: boolean;
  cwd?: string;
  /** For DXACODE_DATA_DIR (where the control number counter lives). */
  env?: NodeJS.ProcessEnv;
  /** Creation time of the interchange (default: now). */
  now?: Date;
}

/** What `runClaim` did. */
export interface ClaimRun {
  exitCode: ExitCode;
  /** The interchange for standard output ('' when nothing could be written). */
  text: string;
  /** Lines for standard error. */
  messages: string[];
  written: WrittenClaim[];
  /** The check result of each encounter, in input order. */
  results: Result[];
  controlNumber?: number;
}

const UNUSABLE_WRITE = new Set(['x12.write.missing-field', 'x12.write.config', 'x12.write.no-lines', 'x12.claim.diagnoses', 'x12.claim.pointer']);
const pad2 = (n: number) => String(n).padStart(2, '0');

/** Writes checked encounters as one 837P interchange. */
export async function runClaim(args: ClaimArgs): Promise<ClaimRun> {
  const cwd = args.cwd ?? process.cwd();
  const configRead = readX12ConfigFile(args.config, cwd);
  if (!configRead.ok) return { exitCode: EXIT.unusable, text: '', messages: configRead.messages.map((m) => `dxacode: ${m}`), written: [], results: [] };
  const config: X12Settings | undefined = configRead.config;

  const claims: { encounter: Encounter; result: Result }[] = [];
  for await (const encounter of args.encounters) claims.push({ encounter, result: check(encounter, args.knowledge) });
  const results = claims.map((c) => c.result);
  const messages: string[] = [];
  if (claims.length === 0) return { exitCode: EXIT.unusable, text: '', messages: ['dxacode: no encounter to write'], written: [], results };

  let controlNumber: number;
  try {
    controlNumber = await nextControlNumber({ cwd, ...(args.env ? { env: args.env } : {}) });
  } catch (error) {
    if (error instanceof ControlNumberError) return { exitCode: EXIT.unusable, text: '', messages: [`dxacode: ${error.message}`], written: [], results };
    throw error;
  }
  const now = args.now ?? new Date(Date.now());
  const control = { interchange: controlNumber, date: `${now.getFullYear()}-${pad2(now.getMonth() + 1)}-${pad2(now.getDate())}`, time: `${pad2(now.getHours())}${pad2(now.getMinutes())}` };
  const out = write837P(claims, config, control, { force: args.force ?? false, compact: args.compact ?? false });

  if (!config) {
    messages.push(`dxacode: no configuration (${DEFAULT_CONFIG_FILE} or --config FILE): this is a TEST interchange (ISA15 T) with SAMPLE ids, not for submission; docs/x12.md shows the configuration`);
  }
  const sampled = new Set<string>();
  for (const problem of out.problems) {
    if (problem.rule === 'x12.write.sample') {
      if (problem.field !== undefined) sampled.add(problem.field);
      continue;
    }
    messages.push(`dxacode: ${formatX12Problem(problem)}`);
  }
  if (sampled.size > 0) messages.push(`dxacode: test mode: SAMPLE values stand in for ${[...sampled].sort().join(', ')}`);
  const notWritten = claims.length - out.claims.length;
  messages.push(
    out.claims.length > 0
      ? `dxacode: wrote ${out.claims.length} claim${out.claims.length === 1 ? '' : 's'} in interchange ${String(controlNumber).padStart(9, '0')} (${out.transactionSets} transaction set${out.transactionSets === 1 ? '' : 's'})${notWritten > 0 ? `; ${notWritten} not written` : ''}`
      : `dxacode: no claim written (${notWritten} not written)`,
  );
  const unusable = out.problems.some((p) => UNUSABLE_WRITE.has(p.rule));
  const rejected = results.some((r) => r.verdict === 'reject');
  const exitCode = unusable ? EXIT.unusable : rejected ? EXIT.reject : EXIT.ok;
  return { exitCode, text: out.text, messages, written: out.claims, results, controlNumber };
}

/** Arguments of `dxacode check FILE.edi`. */
export interface EdiArgs {
  /** The file as text, bytes or a stream (fs.createReadStream, standard input). */
  input: X12Input;
  knowledge: Knowledge;
  /** strict (default): stop at the first defect; lenient: list all and check the claims that could be read. */
  mode?: X12Mode;
  /** `--config FILE` (its payers map payer ids back to payer packs); default dxacode.config.json when it exists. */
  config?: string;
  cwd?: string;
  /** Name shown in messages (`-` for standard input). */
  file?: string;
  /** check()'s options for every claim (e.g. `--only`'s rule families). */
  checkOptions?: CheckOptions;
}

/** One result per claim (keyed by claim id), or one defect with its message for standard error. */
export type EdiItem = { kind: 'result'; claimId: string; result: Result } | { kind: 'problem'; problem: X12Problem; message: string };

/** Counts kept while the items are read; `exitCode` is final once the generator is done. */
export class EdiSummary {
  claims = 0;
  clean = 0;
  review = 0;
  reject = 0;
  errors = 0;
  warnings = 0;
  /** 2 when the file had a defect (some of it unusable), else 1 when a claim is reject, else 0. */
  get exitCode(): ExitCode {
    return this.errors > 0 ? EXIT.unusable : this.reject > 0 ? EXIT.reject : EXIT.ok;
  }
  /** `dxacode: 3 claims: 1 clean, 1 review, 1 reject; 2 defects` */
  get line(): string {
    return `dxacode: ${this.claims} claim${this.claims === 1 ? '' : 's'}: ${this.clean} clean, ${this.review} review, ${this.reject} reject; ${this.errors} defect${this.errors === 1 ? '' : 's'}${this.warnings > 0 ? `, ${this.warnings} warning${this.warnings === 1 ? '' : 's'}` : ''}`;
  }
}

/** Payer id (2010BB NM109) → payer pack id, from the configuration's payers. */
export function payerMap(config: X12Settings | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [pack, payer] of Object.entries(config?.payers ?? {})) map[payer.id] = pack;
  return map;
}

async function* checkItems(args: EdiArgs, payers: Record<string, string>, summary: EdiSummary): AsyncGenerator<EdiItem, void, undefined> {
  const where = args.file === undefined ? '' : args.file === '-' ? 'standard input: ' : `${args.file}: `;
  for await (const item of parse837P(args.input, { mode: args.mode ?? 'strict', payers })) {
    if (item.kind === 'problem') {
      if (item.problem.severity === 'error') summary.errors++;
      else if (item.problem.severity === 'warning') summary.warnings++;
      yield { kind: 'problem', problem: item.problem, message: `dxacode: ${where}${formatX12Problem(item.problem)}` };
      continue;
    }
    const result = checkClaimFromX12(item.claim.encounter, args.knowledge, args.checkOptions);
    summary.claims++;
    summary[result.verdict]++;
    yield { kind: 'result', claimId: item.claim.claimId, result };
  }
}

/**
 * Checks every claim of an 837P file, streaming: results and defects come as they are read. Returns the
 * configuration's messages instead when it cannot be read.
 */
export function readEdi(args: EdiArgs): { ok: true; items: AsyncGenerator<EdiItem, void, undefined>; summary: EdiSummary } | { ok: false; messages: string[] } {
  const configRead = readX12ConfigFile(args.config, args.cwd ?? process.cwd());
  if (!configRead.ok) return { ok: false, messages: configRead.messages.map((m) => `dxacode: ${m}`) };
  const summary = new EdiSummary();
  return { ok: true, items: checkItems(args, payerMap(configRead.config), summary), summary };
}
