/**
 * Checking one part of `dxacode check`'s input and printing its results: the same code in this thread and in a
 * check worker (check-worker.ts), so that a parallel run prints byte for byte what a run in one thread prints.
 */
import { stringifyResult } from '../contract/serialize.js';
import type { Encounter } from '../contract/encounter.js';
import type { Verdict } from '../contract/values.js';
// engine/check.js, not engine/index.js, which would load zod with engine/validate.js (batch.ts loads it on need).
import { check, type CheckOptions } from '../engine/check.js';
import { partItems, type InputPart, type InputShape } from '../io/input.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { BatchReader } from './batch.js';
import { COLOR, PLAIN, renderText } from './text.js';

/** How results are printed. */
export interface Printing {
  format: 'json' | 'text';
  color: boolean;
}

/** Results per verdict. */
export type VerdictCounts = Record<Verdict, number>;

/** Spare buffers a writer keeps at most. */
const MAX_SPARES = 8;

/**
 * Printed results as UTF-8 in one growing buffer. Each result is encoded as it is printed: concatenating a batch's
 * results into one string and encoding that costs twice as much (the joined string is flattened, in two bytes a
 * character as soon as one result holds a character beyond Latin-1, before it is encoded). The buffers taken are
 * given back once written (give()) and used again: a new buffer for every part (its memory outside V8's heap) made
 * V8 run a full garbage collection every few parts, five times as many as the run needed otherwise.
 */
export class ByteWriter {
  private buffer: Buffer;
  private length = 0;
  private spares: ArrayBuffer[] = [];
  constructor(private capacity = 64 * 1024) {
    this.buffer = Buffer.allocUnsafeSlow(capacity);
  }

  /** Writes `text` and a newline. */
  writeLine(text: string): void {
    // A UTF-16 code unit takes at most three bytes in UTF-8.
    const room = text.length * 3 + 1;
    if (this.length + room > this.buffer.length) {
      const grown = this.fresh(Math.max(this.buffer.length * 2, this.length + room));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length);
    this.buffer[this.length++] = 10;
  }

  /**
   * The bytes written since the last take(), in a buffer that this writer no longer touches until it is given back
   * (it can be moved to another thread or held by a stream); the next buffer is sized after this one.
   */
  take(): Uint8Array {
    const bytes = this.buffer.subarray(0, this.length);
    this.capacity = Math.max(this.capacity, this.length + (this.length >> 2));
    this.buffer = this.fresh(this.capacity);
    this.length = 0;
    return bytes;
  }

  /** Gives back the memory of bytes taken, once they are written (or moved back from another thread). */
  give(buffer: ArrayBufferLike): void {
    if (this.spares.length < MAX_SPARES && buffer.byteLength >= this.capacity && buffer instanceof ArrayBuffer) this.spares.push(buffer);
  }

  /** A buffer of at least `bytes`: a spare one, else a new one (never from Node's shared pool: it may be moved). */
  private fresh(bytes: number): Buffer {
    for (let spare = this.spares.pop(); spare !== undefined; spare = this.spares.pop()) if (spare.byteLength >= bytes) return Buffer.from(spare);
    return Buffer.allocUnsafeSlow(bytes);
  }
}

/** Checks `encounters` in input order, prints each result into `out` (text, or JSON: indented for a single object) and counts the verdicts. */
export function checkBatch(encounters: readonly Encounter[], knowledge: Knowledge, options: CheckOptions, print: Printing, shape: InputShape, out: ByteWriter): VerdictCounts {
  const counts: VerdictCounts = { clean: 0, review: 0, reject: 0 };
  const style = print.color ? COLOR : PLAIN;
  for (const encounter of encounters) {
    const result = check(encounter, knowledge, options);
    counts[result.verdict]++;
    if (print.format === 'text') out.writeLine(renderText(result, style, { dateOfService: encounter.dateOfService, payer: encounter.payer ?? 'medicare' }));
    else if (shape === 'object') out.writeLine(JSON.stringify(result, null, 2));
    else out.writeLine(stringifyResult(result));
  }
  return counts;
}

/** What checking one part of the input gives. */
export interface PartOutcome {
  /** Items in the part, usable or not (for the progress bar). */
  items: number;
  /** The printed results, UTF-8. */
  output: Uint8Array;
  counts: VerdictCounts;
  /** Standard error lines for the unusable items. */
  problems: string;
  unusable: number;
  /** In the main thread: gives the output's memory back to the thread that printed it (once it is written). */
  release?: () => void;
}

/** How a thread checks: its reader, knowledge and options, and where it prints. */
export interface PartChecker {
  reader: BatchReader;
  knowledge: Knowledge;
  options: CheckOptions;
  print: Printing;
  shape: InputShape;
  out: ByteWriter;
}

/** Reads, checks and prints one part of the input. */
export async function checkPart(part: InputPart, checker: PartChecker): Promise<PartOutcome> {
  const read = await checker.reader.read(part);
  const counts = checkBatch(read.encounters, checker.knowledge, checker.options, checker.print, checker.shape, checker.out);
  return { items: partItems(part), output: checker.out.take(), counts, problems: read.problems, unusable: read.unusable };
}
