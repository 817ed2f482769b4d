/**
 * parse837P: an X12 837P file (text, bytes or a stream of chunks) → one item per claim (an Encounter keyed by
 * claim id) and one per defect, each with its segment number, loop and element. Strict stops at the first defect;
 * lenient lists every defect and still yields the claims it could read. Streaming: memory holds one unfinished
 * segment and one claim, never the file.
 */
import { ClaimAssembler, type ClaimOptions, type ParsedClaim } from './claim.js';
import { x12Problem, type X12Problem } from './problems.js';
import { Structure } from './structure.js';
import { Tokenizer, type RawSegment } from './tokenize.js';

/** Strict stops at the first defect; lenient collects all of them. */
export const X12_MODES = ['strict', 'lenient'] as const;
/** Parsing mode. */
export type X12Mode = (typeof X12_MODES)[number];

/** Reader options. */
export interface ParseOptions extends ClaimOptions {
  mode?: X12Mode;
  /** Problems listed one by one before the rest are only counted (lenient; default 1000). */
  maxProblems?: number;
}

/** What the reader yields: a claim, or a problem. */
export type X12Item = { kind: 'claim'; claim: ParsedClaim } | { kind: 'problem'; problem: X12Problem };

/** Input the reader accepts: the whole text, bytes, or chunks (a Node Readable is an AsyncIterable). */
export type X12Input = string | Uint8Array | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

const DEFAULT_MAX_PROBLEMS = 1000;

/** Push-style reader: push() decoded text, end(); each returns the items found so far. */
export class X12Reader {
  private items: X12Item[] = [];
  private halted = false;
  private listed = 0;
  private unlisted = 0;
  private lastSegment: RawSegment | undefined;
  private readonly tokenizer: Tokenizer;
  private readonly structure: Structure;
  private readonly claims: ClaimAssembler;
  private readonly strict: boolean;
  private readonly maxProblems: number;

  constructor(options: ParseOptions = {}) {
    this.strict = (options.mode ?? 'strict') === 'strict';
    this.maxProblems = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
    this.claims = new ClaimAssembler(
      () => this.tokenizer.declared?.component ?? ':',
      (claim) => {
        if (!this.halted) this.items.push({ kind: 'claim', claim });
      },
      (problem) => this.problem(problem),
      options,
    );
    this.structure = new Structure({
      segment: (segment, loop) => {
        if (!this.halted) this.claims.segment(segment, loop);
      },
      closeClaim: () => {
        if (!this.halted) this.claims.closeClaim();
      },
      dropClaim: (reason, location) => this.claims.dropClaim(reason, location),
      problem: (problem) => this.problem(problem),
    });
    this.tokenizer = new Tokenizer({
      segment: (segment) => {
        if (this.halted) return;
        this.lastSegment = segment;
        this.structure.segment(segment);
      },
      problem: (problem) => this.problem(problem),
      stopped: () => this.halted,
    }, { lenient: !this.strict });
  }

  /** True once strict mode met a defect: nothing more will be read. */
  get stopped(): boolean {
    return this.halted;
  }

  private problem(problem: X12Problem): void {
    if (this.halted) return;
    if (this.listed < this.maxProblems) {
      this.listed++;
      this.items.push({ kind: 'problem', problem });
    } else this.unlisted++;
    // A 4010 file is refused whole, in either mode: read as 5010 it would show a defect per difference.
    if ((this.strict && problem.severity === 'error') || problem.rule === 'x12.version.4010') this.halted = true;
  }

  private take(): X12Item[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  /** Reads more decoded text. */
  push(text: string): X12Item[] {
    if (!this.halted) this.tokenizer.push(text);
    return this.take();
  }

  /** Ends the input. */
  end(): X12Item[] {
    if (!this.halted) {
      this.tokenizer.end();
      const last = this.lastSegment;
      if (!this.halted && last) this.structure.end(last.number, last.offset);
    }
    if (this.unlisted > 0) {
      this.items.push({ kind: 'problem', problem: x12Problem('x12.problems.truncated', `${this.unlisted} more problem(s) were found and not listed`) });
    }
    return this.take();
  }
}

function isAsync(input: X12Input): input is AsyncIterable<string | Uint8Array> {
  return typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/**
 * Reads an 837P file as an async generator of claims and problems. Give it the text, bytes, or a stream
 * (e.g. `fs.createReadStream(file)`); memory is bounded by the largest claim. Strict (the default) ends after
 * the first defect, having yielded the claims completed before it.
 */
export async function* parse837P(input: X12Input, options: ParseOptions = {}): AsyncGenerator<X12Item, void, undefined> {
  const reader = new X12Reader(options);
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

/** Reads a whole 837P text at once (small files, tests): the claims and the problems. */
export function parse837PText(text: string, options: ParseOptions = {}): { claims: ParsedClaim[]; problems: X12Problem[] } {
  const reader = new X12Reader(options);
  const items = [...reader.push(text), ...reader.end()];
  const claims: ParsedClaim[] = [];
  const problems: X12Problem[] = [];
  for (const item of items) {
    if (item.kind === 'claim') claims.push(item.claim);
    else problems.push(item.problem);
  }
  return { claims, problems };
}
