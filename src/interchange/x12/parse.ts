/**
 * parse837P: an X12 837P file (text, bytes or a stream of chunks) → one item per claim (an Encounter keyed by
 * claim id) and one per defect, each with its segment number, loop and element. Strict stops at the first defect;
 * lenient lists every defect and still yields the claims it could read. Streaming: memory holds one unfinished
 * segment and one claim, never the file.
 */
import { ClaimAssembler, type ClaimOptions, type ParsedClaim } from './claim.js';
import type { X12Problem } from './problems.js';
import { readX12, X12StreamReader, type StreamOptions, type X12Input } from './stream.js';
import { Structure } from './structure.js';
import type { RawSegment } from './tokenize.js';

export { X12_MODES, type X12Mode, type X12Input } from './stream.js';

/** Reader options. */
export interface ParseOptions extends ClaimOptions, StreamOptions {}

/** What the reader yields: a claim, or a problem. */
export type X12Item = { kind: 'claim'; claim: ParsedClaim } | { kind: 'problem'; problem: X12Problem };

/** Push-style 837P reader: push() decoded text, end(); each returns the items found so far. */
export class X12Reader extends X12StreamReader<X12Item, X12Problem> {
  private readonly structure: Structure;
  private readonly claims: ClaimAssembler;

  constructor(options: ParseOptions = {}) {
    super(options);
    this.claims = new ClaimAssembler(
      () => this.separators?.component ?? ':',
      (claim) => this.emit({ kind: 'claim', claim }),
      (problem) => this.problem(problem),
      options,
    );
    this.structure = new Structure({
      segment: (segment, loop) => {
        if (!this.stopped) this.claims.segment(segment, loop);
      },
      closeClaim: () => {
        if (!this.stopped) this.claims.closeClaim();
      },
      dropClaim: (reason, location) => this.claims.dropClaim(reason, location),
      problem: (problem) => this.problem(problem),
    });
  }

  protected route(segment: RawSegment): void {
    this.structure.segment(segment);
  }

  protected finish(last: RawSegment): void {
    this.structure.end(last.number, last.offset);
  }
}

/**
 * Reads an 837P file as an async generator of claims and problems. Give it the text, bytes, or a stream
 * (e.g. `fs.createReadStream(file)`); memory is bounded by the largest claim. Strict (the default) ends after
 * the first defect, having yielded the claims completed before it.
 */
export function parse837P(input: X12Input, options: ParseOptions = {}): AsyncGenerator<X12Item, void, undefined> {
  return readX12(input, new X12Reader(options));
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
