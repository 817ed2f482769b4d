/**
 * What every streaming X12 reader shares (837P, 999, 277CA, 835): text pushed in chunks is tokenized and each
 * segment routed to the transaction set's reader; items and problems are gathered in file order; strict mode stops
 * at the first error, lenient lists the first `maxProblems` and counts the rest. Memory holds one unfinished
 * segment and whatever the set's reader keeps open (one claim), never the file.
 */
import type { Severity } from '../../contract/values.js';
import type { Separators } from './format.js';
import { x12Problem, type X12Problem } from './problems.js';
import { Tokenizer, type RawSegment } from './tokenize.js';

/** Strict stops at the first defect; lenient collects all of them. */
export const X12_MODES = ['strict', 'lenient'] as const;
/** Parsing mode. */
export type X12Mode = (typeof X12_MODES)[number];

/** Input the readers accept: the whole text, bytes, or chunks (a Node Readable is an AsyncIterable). */
export type X12Input = string | Uint8Array | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** Options every reader takes. */
export interface StreamOptions {
  mode?: X12Mode;
  /** Problems listed one by one before the rest are only counted (lenient; default 1000). */
  maxProblems?: number;
}

const DEFAULT_MAX_PROBLEMS = 1000;

/**
 * Push-style reader of one kind of X12 file: push() decoded text, end(); each returns the items found so far. Its
 * items are the reader's own and `{ kind: 'problem', problem }`; its problems include the X12 catalogue's.
 */
export abstract class X12StreamReader<Item extends { kind: string }, P extends { rule: string; severity: Severity }> {
  private items: Item[] = [];
  private halted = false;
  private listed = 0;
  private unlisted = 0;
  private lastSegment: RawSegment | undefined;
  private readonly tokenizer: Tokenizer;
  private readonly strict: boolean;
  private readonly maxProblems: number;

  constructor(options: StreamOptions = {}) {
    this.strict = (options.mode ?? 'strict') === 'strict';
    this.maxProblems = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
    this.tokenizer = new Tokenizer(
      {
        segment: (segment) => {
          if (this.halted) return;
          this.lastSegment = segment;
          this.route(segment);
        },
        problem: (problem) => this.problem(problem as X12Problem & P),
        stopped: () => this.halted,
      },
      { lenient: !this.strict },
    );
  }

  /** One segment, to the envelope and the transaction set's reader. */
  protected abstract route(segment: RawSegment): void;
  /** End of input after the last segment: what is still open was cut off. */
  protected abstract finish(last: RawSegment): void;

  /** The item that carries a problem (every reader's items include `{ kind: 'problem', problem }`). */
  private problemItem(problem: P): Item {
    return { kind: 'problem', problem } as unknown as Item;
  }

  /** The separators the current interchange declares (undefined before its ISA is read). */
  protected get separators(): Separators | undefined {
    return this.tokenizer.declared;
  }

  /** True once strict mode met a defect (or a file was refused whole): nothing more will be read. */
  get stopped(): boolean {
    return this.halted;
  }

  /** Gathers an item, unless reading has stopped. */
  protected emit(item: Item): void {
    if (!this.halted) this.items.push(item);
  }

  /** Gathers a problem; stops reading in strict mode at an error, and in either mode at a 4010 file. */
  protected problem(problem: P): void {
    if (this.halted) return;
    if (this.listed < this.maxProblems) {
      this.listed++;
      this.items.push(this.problemItem(problem));
    } else this.unlisted++;
    // A 4010 file is refused whole, in either mode: read as 5010 it would show a defect per difference.
    if ((this.strict && problem.severity === 'error') || problem.rule === 'x12.version.4010') this.halted = true;
  }

  private take(): Item[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  /** Reads more decoded text. */
  push(text: string): Item[] {
    if (!this.halted) this.tokenizer.push(text);
    return this.take();
  }

  /** Ends the input. */
  end(): Item[] {
    if (!this.halted) {
      this.tokenizer.end();
      const last = this.lastSegment;
      if (!this.halted && last) this.finish(last);
    }
    if (this.unlisted > 0) this.items.push(this.problemItem(x12Problem('x12.problems.truncated', `${this.unlisted} more problem(s) were found and not listed`) as X12Problem & P));
    return this.take();
  }
}

function isAsync(input: X12Input): input is AsyncIterable<string | Uint8Array> {
  return typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** Feeds text, bytes or chunks (decoded as UTF-8, a character split across chunks kept whole) to a reader. */
export async function* readX12<Item>(input: X12Input, reader: { push(text: string): Item[]; end(): Item[]; readonly stopped: boolean }): AsyncGenerator<Item, void, undefined> {
  if (typeof input === 'string') {
    yield* reader.push(input);
    yield* reader.end();
    return;
  }
  const decoder = new TextDecoder('utf-8');
  const chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array> = input instanceof Uint8Array ? [input] : input;
  if (isAsync(chunks)) {
    for await (const chunk of chunks) {
      yield* reader.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      if (reader.stopped) return;
    }
  } else {
    for (const chunk of chunks) {
      yield* reader.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      if (reader.stopped) return;
    }
  }
  yield* reader.push(decoder.decode());
  yield* reader.end();
}
