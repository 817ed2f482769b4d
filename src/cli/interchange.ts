/**
 * The CLI's interchange paths: `dxacode check` on an 837P file, an HL7 v2 feed or a FHIR Bundle, and
 * `dxacode claim --format x12|fhir|hl7` writing checked encounters as claims. Problems become stderr lines with
 * their locations; results are printed as `dxacode check` prints them.
 */
import { stringifyResult } from '../contract/serialize.js';
import type { Encounter } from '../contract/encounter.js';
import type { Result } from '../contract/result.js';
import { check, type CheckOptions } from '../engine/index.js';
import { fhirBundleToEncounter, formatFhirProblem, toFhirClaim, toFhirClaimBundle } from '../interchange/fhir/index.js';
import { formatHl7Problem, hl7ToEncounters, toDftP03 } from '../interchange/hl7/index.js';
import type { X12Mode } from '../interchange/x12/index.js';
import { ControlNumberError, nextControlNumber } from '../io/control-numbers.js';
import type { Knowledge } from '../knowledge/compile.js';
import { EXIT } from './exit.js';
import { COLOR, PLAIN, renderText } from './text.js';
import { readEdi, runClaim } from './x12-commands.js';


/** Where interchange output goes. */
export interface InterchangeIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** How results are printed. */
export interface PrintSetup {
  format: 'json' | 'text';
  color: boolean;
}

function printResult(result: Result, encounter: Pick<Encounter, 'dateOfService' | 'payer'> | undefined, setup: PrintSetup, io: InterchangeIo): void {
  if (setup.format === 'text') {
    io.stdout(`${renderText(result, setup.color ? COLOR : PLAIN, encounter ? { dateOfService: encounter.dateOfService, payer: encounter.payer ?? 'medicare' } : {})}\n`);
  } else {
    io.stdout(`${stringifyResult(result)}\n`);
  }
}

/** Tally of checked items, for the summary line and the exit code. */
class Tally {
  clean = 0;
  review = 0;
  reject = 0;
  unusable = 0;
  add(result: Result): void {
    this[result.verdict]++;
  }
  line(noun: string): string {
    const total = this.clean + this.review + this.reject;
    return `dxacode: ${total} ${noun}${total === 1 ? '' : 's'} checked: ${this.clean} clean, ${this.review} review, ${this.reject} reject; ${this.unusable} unusable\n`;
  }
  exitCode(): number {
    return this.unusable > 0 ? EXIT.unusable : this.reject > 0 ? EXIT.reject : EXIT.ok;
  }
}

/** `dxacode check` on an 837P file: one result per claim, keyed by claim id. */
export async function checkX12(
  input: AsyncIterable<Buffer>,
  name: string,
  options: { mode?: X12Mode; config?: string; checkOptions?: CheckOptions },
  knowledge: Knowledge,
  setup: PrintSetup,
  io: InterchangeIo,
): Promise<number> {
  const read = readEdi({ input, knowledge, file: name, ...(options.mode ? { mode: options.mode } : {}), ...(options.config ? { config: options.config } : {}), ...(options.checkOptions ? { checkOptions: options.checkOptions } : {}) });
  if (!read.ok) {
    for (const message of read.messages) io.stderr(`${message}\n`);
    return EXIT.unusable;
  }
  for await (const item of read.items) {
    if (item.kind === 'problem') io.stderr(`${item.message}\n`);
    else printResult(item.result, undefined, setup, io);
  }
  io.stderr(`${read.summary.line}\n`);
  return read.summary.exitCode;
}

/** `dxacode check` on HL7 v2 messages: ORU^R01 results are checked; ORM^O01 orders are never a charge. */
export function checkHl7(text: string, name: string, knowledge: Knowledge, setup: PrintSetup, io: InterchangeIo, checkOptions: CheckOptions = {}): number {
  const read = hl7ToEncounters(text);
  const tally = new Tally();
  for (const problem of read.problems) {
    io.stderr(`dxacode: ${name}: ${formatHl7Problem(problem)}\n`);
    if (problem.severity === 'error') tally.unusable++;
  }
  for (const outcome of read.messages) {
    for (const problem of outcome.problems) io.stderr(`dxacode: ${name}: message ${outcome.message}: ${formatHl7Problem(problem)}\n`);
    if (!outcome.ok) {
      if (outcome.problems.some((p) => p.severity === 'error')) tally.unusable++;
      continue;
    }
    const result = check(outcome.encounter, knowledge, checkOptions);
    tally.add(result);
    printResult(result, outcome.encounter, setup, io);
  }
  const orders = read.messages.some((m) => m.problems.some((p) => p.rule === 'hl7.order-only'));
  if (tally.clean + tally.review + tally.reject === 0 && tally.unusable === 0 && !orders) {
    io.stderr(`dxacode: ${name}: no ORU^R01 result message could be read\n`);
    tally.unusable++;
  }
  io.stderr(tally.line('message'));
  return tally.exitCode();
}

/** `dxacode check` on a FHIR R4 Bundle holding a DXA DiagnosticReport. */
export function checkFhir(bundle: unknown, name: string, knowledge: Knowledge, setup: PrintSetup, io: InterchangeIo, checkOptions: CheckOptions = {}): number {
  const read = fhirBundleToEncounter(bundle);
  for (const problem of read.problems) io.stderr(`dxacode: ${name}: ${formatFhirProblem(problem)}\n`);
  if (!read.ok) return EXIT.unusable;
  const result = check(read.encounter, knowledge, checkOptions);
  if (setup.format === 'json') io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else printResult(result, read.encounter, setup, io);
  return result.verdict === 'reject' ? EXIT.reject : EXIT.ok;
}

/** Options of `dxacode claim`. */
export interface ClaimOptions {
  format: 'x12' | 'fhir' | 'hl7';
  config?: string;
  force?: boolean;
  env?: NodeJS.ProcessEnv;
}

function hl7Timestamp(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

/** `dxacode claim`: checks the encounters and writes the claims in the chosen format. */
export async function writeClaims(encounters: Encounter[], options: ClaimOptions, knowledge: Knowledge, io: InterchangeIo): Promise<number> {
  if (encounters.length === 0) {
    io.stderr('dxacode: no encounter to write\n');
    return EXIT.unusable;
  }
  if (options.format === 'x12') {
    const run = await runClaim({ encounters, knowledge, ...(options.config ? { config: options.config } : {}), force: options.force ?? false, ...(options.env ? { env: options.env } : {}) });
    for (const message of run.messages) io.stderr(`${message}\n`);
    if (run.text) io.stdout(run.text.endsWith('\n') ? run.text : `${run.text}\n`);
    return run.exitCode;
  }
  let held = 0;
  let unusable = 0;
  if (options.format === 'fhir') {
    const claims = [];
    for (const encounter of encounters) {
      const result = check(encounter, knowledge);
      const written = toFhirClaim(encounter, result, { force: options.force ?? false });
      for (const problem of written.problems) io.stderr(`dxacode: ${formatFhirProblem(problem)}\n`);
      if (written.ok) claims.push(written.claim);
      else if (result.verdict === 'reject') held++;
      else unusable++;
    }
    if (claims.length > 0) io.stdout(`${JSON.stringify(toFhirClaimBundle(claims), null, 2)}\n`);
  } else {
    const now = new Date(Date.now());
    for (const encounter of encounters) {
      const result = check(encounter, knowledge);
      let controlId: string;
      try {
        controlId = `DXA${await nextControlNumber(options.env ? { env: options.env } : {})}`; // the same monotonic counter as X12
      } catch (error) {
        if (!(error instanceof ControlNumberError)) throw error;
        io.stderr(`dxacode: ${error.message}\n`);
        return EXIT.unusable;
      }
      const patient = encounter.patient;
      const written = toDftP03(encounter, result, {
        controlId,
        messageDateTime: hl7Timestamp(now),
        force: options.force ?? false,
        ...(patient.name || patient.memberId ? { patient: { ...(patient.memberId ? { id: patient.memberId } : {}), ...(patient.name ? { family: patient.name.family, given: patient.name.given } : {}) } } : {}),
      });
      for (const problem of written.problems) io.stderr(`dxacode: ${formatHl7Problem(problem)}\n`);
      // Segments end with CR (HL7 v2); a line feed separates messages in the file.
      if (written.ok) io.stdout(`${written.message}${written.message.endsWith('\r') ? '' : '\r'}\n`);
      else if (result.verdict === 'reject') held++;
      else unusable++;
    }
  }
  if (unusable > 0) return EXIT.unusable;
  return held > 0 ? EXIT.reject : EXIT.ok;
}
