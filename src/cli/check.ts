/**
 * `dxacode check [FILE|-]`: checks encounters (one JSON object, a JSON array or NDJSON) and prints one result each,
 * as JSON or as text. An 837P file, an HL7 v2 feed or a FHIR Bundle is told apart by its first characters and
 * checked by interchange.ts, loaded only then. A large batch input is checked in several threads (check-pool.ts),
 * this one and worker threads, one thread per core unless --jobs says otherwise; the output is the same either way.
 */
import { VERDICTS } from '../contract/values.js';
import type { CheckOptions as EngineOptions } from '../engine/check.js';
import { parseFamilyList } from '../engine/families.js';
import type { Knowledge } from '../knowledge/compile.js';
import { BatchReader } from './batch.js';
import { ByteWriter, checkPart, type PartChecker, type PartOutcome, type Printing, type VerdictCounts } from './check-batch.js';
import { CheckPool, checkInOrder, lookAhead, parseJobs, POOL_MIN_ITEMS, poolAvailable, type WorkerSetup } from './check-pool.js';
import { EXIT } from './exit.js';
import { detectFormat, InputError, parseJsonText, peekStream, READ_LIMITS, readEncounters, type EncounterInput, type InputFormat, type InputPart } from '../io/input.js';
import { Progress } from './progress.js';
import { knowledgeOrReport, openInput, Output, outputFormat, readAll, unreadable, useColor, type CliIo } from './shared.js';

/** Options of `dxacode check`. */
export interface CheckOptions {
  format?: 'json' | 'text';
  payerPack?: string[];
  progress?: boolean;
  mode?: 'strict' | 'lenient';
  config?: string;
  /** Comma-separated rule families to run (all when absent). */
  only?: string;
  /** Threads checking a large batch input in parallel, this one and jobs - 1 workers (default: one per core; 1: this thread only). */
  jobs?: string;
}

/** Runs `dxacode check`. */
export async function run(io: CliIo, file: string | undefined, options: CheckOptions): Promise<number> {
  const stderr = (text: string) => io.stderr.write(text);
  let checkOptions: EngineOptions = {};
  if (options.only !== undefined) {
    const only = parseFamilyList(options.only);
    if (!only.ok) {
      stderr(`dxacode: --only: ${only.message}\n`);
      return EXIT.unusable;
    }
    checkOptions = { families: only.selection };
  }
  const parsedJobs = parseJobs(options.jobs);
  if (!parsedJobs.ok) {
    stderr(`dxacode: --jobs: ${parsedJobs.message}\n`);
    return EXIT.unusable;
  }
  const jobs = parsedJobs.jobs;
  const knowledge = await knowledgeOrReport(options.payerPack, io, { config: options.config });
  if (!knowledge) return EXIT.unusable;
  const source = openInput(file, io, 'give a FILE, or pipe encounters on standard input (dxacode check - < encounters.ndjson)');
  if (!source) return EXIT.unusable;
  const name = source.name;
  const format = outputFormat(io, options.format);
  const print: Printing = { format, color: format === 'text' && useColor(io) };
  const out = new Output(io.stdout);
  let input: EncounterInput;
  try {
    // 837P, HL7 v2 and FHIR Bundles are told apart from encounters by their first characters.
    const peeked = await peekStream(source.open(), 4096);
    const kind = detectFormat(peeked.head);
    const code = await checkInterchange(kind, peeked, name, options, { knowledge, checkOptions }, print, out, stderr);
    if (code !== undefined) return code;
    input = await readEncounters(peeked.stream);
  } catch (error) {
    const message = unreadable(error, name);
    if (message === undefined) throw error;
    stderr(message);
    return EXIT.unusable;
  }
  if (input.shape === 'empty') {
    stderr(`dxacode: ${name}: no encounters: the input is empty\n`);
    return EXIT.unusable;
  }
  const batch = input.shape === 'array' || input.shape === 'ndjson';
  const progress = batch && options.progress !== false && io.stderr.isTTY === true ? new Progress(io.stderr, input.total) : undefined;
  const counts: VerdictCounts = { clean: 0, review: 0, reject: 0 };
  let unusable = 0;
  let pool: CheckPool | undefined;
  try {
    const parts = lookAhead(input.parts);
    // Worker threads only for an input large enough to repay starting them (each loads the knowledge); this thread
    // checks too, so --jobs N starts N - 1 of them.
    if (batch && jobs > 1 && poolAvailable() && (await parts.atLeast(POOL_MIN_ITEMS))) {
      const setup: WorkerSetup = { name, shape: input.shape, packFiles: options.payerPack, config: options.config, env: io.env ?? {}, only: options.only, print };
      pool = await CheckPool.start(jobs - 1, setup, knowledge);
    }
    const checker: PartChecker = { reader: new BatchReader({ name, shape: input.shape }), knowledge, options: checkOptions, print, shape: input.shape, out: new ByteWriter() };
    const here = async (part: InputPart): Promise<PartOutcome> => {
      const outcome = await checkPart(part, checker);
      return { ...outcome, release: () => checker.out.give(outcome.output.buffer) };
    };
    await checkInOrder(parts, here, pool, async (outcome) => {
      progress?.add(outcome.items);
      if (outcome.problems) stderr(outcome.problems);
      unusable += outcome.unusable;
      for (const verdict of VERDICTS) counts[verdict] += outcome.counts[verdict];
      await out.writeBytes(outcome.output, outcome.release);
    });
  } finally {
    progress?.done();
    await pool?.close();
  }
  await out.flush();
  if (batch) {
    const total = counts.clean + counts.review + counts.reject + unusable;
    stderr(`dxacode: ${total} encounter${total === 1 ? '' : 's'}: ${counts.clean} clean, ${counts.review} review, ${counts.reject} reject, ${unusable} unusable\n`);
  }
  if (unusable > 0) return EXIT.unusable;
  return counts.reject > 0 ? EXIT.reject : EXIT.ok;
}

/** Checks an 837P file, an HL7 v2 feed or a FHIR Bundle and returns the exit code; undefined for encounter input. */
async function checkInterchange(
  kind: InputFormat,
  peeked: { head: string; stream: AsyncIterable<Buffer> },
  name: string,
  options: CheckOptions,
  { knowledge, checkOptions }: { knowledge: Knowledge; checkOptions: EngineOptions },
  print: Printing,
  out: Output,
  stderr: (text: string) => void,
): Promise<number | undefined> {
  // A FHIR Bundle names its resourceType near the start; only then is the FHIR reader loaded to tell for sure.
  const fhir = kind === 'json' && peeked.head.includes('"resourceType"') && (await import('../interchange/fhir/index.js')).detectFhirFormat(peeked.head) !== undefined;
  if (kind === 'json' && !fhir) return undefined;
  const { checkFhir, checkHl7, checkX12 } = await import('./interchange.js');
  const sink = { stdout: (text: string) => out.append(text), stderr };
  let code: number;
  if (kind === 'x12') {
    code = await checkX12(peeked.stream, name, { ...(options.mode ? { mode: options.mode } : {}), ...(options.config ? { config: options.config } : {}), checkOptions }, knowledge, print, sink);
  } else {
    const text = await readAll(peeked.stream, READ_LIMITS.documentBytes);
    if (text === undefined) throw new InputError(`the input is larger than ${READ_LIMITS.documentBytes / (1024 * 1024)} MiB`);
    if (kind === 'hl7') code = checkHl7(text, name, knowledge, print, sink, checkOptions);
    else {
      const parsed = parseJsonText(text);
      if (!parsed.ok) throw new InputError(parsed.message);
      code = checkFhir(parsed.value, name, knowledge, print, sink, checkOptions);
    }
  }
  await out.flush();
  return code;
}
