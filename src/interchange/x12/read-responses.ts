/**
 * readResponses: the files that come back after an 837P (a 999, a 277CA or an 835; text, bytes or a stream) → the
 * acknowledgment of each transaction set, the status of each claim, the payment of each claim with its lines, and
 * every defect with its segment, loop and element. Which of the three each group holds is read from GS01 and
 * ST01, so one file may mix them. The same strict and lenient reading and bounded memory as the 837P reader.
 */
import { ack999Kind } from './ack999.js';
import { Envelope } from './envelope.js';
import { remit835Kind } from './remit835.js';
import type { ResponseOutput } from './response-body.js';
import type { ResponseProblem } from './response-problems.js';
import type { ResponseItem } from './responses.js';
import { status277Kind } from './status277.js';
import { readX12, X12StreamReader, type StreamOptions, type X12Input } from './stream.js';
import type { RawSegment } from './tokenize.js';

/** Push-style reader of 999, 277CA and 835 files: push() decoded text, end(); each returns the items found so far. */
export class ResponseReader extends X12StreamReader<ResponseItem, ResponseProblem> {
  private readonly envelope: Envelope;

  constructor(options: StreamOptions = {}) {
    super(options);
    const out: ResponseOutput = {
      item: (item) => this.emit(item),
      problem: (problem) => this.problem(problem),
      component: () => this.separators?.component ?? ':',
    };
    this.envelope = new Envelope(
      {
        kinds: [ack999Kind(out), status277Kind(out), remit835Kind(out)],
        groupLabel: 'dxacode reads 999 (GS01 FA), 277CA (HN) and 835 (HP) groups here',
        versionLabel: '5010 interchanges (999 005010X231A1, 277CA 005010X214, 835 005010X221A1) are version 00501',
      },
      (problem) => this.problem(problem),
    );
  }

  protected route(segment: RawSegment): void {
    this.envelope.segment(segment);
  }

  protected finish(last: RawSegment): void {
    this.envelope.end(last.number, last.offset);
  }
}

/**
 * Reads 999, 277CA and 835 files as an async generator of items in file order. Give it the text, bytes, or a stream
 * (`fs.createReadStream(file)`); memory is bounded by the largest claim. Strict (the default) ends after the first
 * defect, having yielded what was complete before it.
 */
export function readResponses(input: X12Input, options: StreamOptions = {}): AsyncGenerator<ResponseItem, void, undefined> {
  return readX12(input, new ResponseReader(options));
}

/** Reads a whole response text at once (small files, tests): every item, problems included, in file order. */
export function readResponsesText(text: string, options: StreamOptions = {}): ResponseItem[] {
  const reader = new ResponseReader(options);
  return [...reader.push(text), ...reader.end()];
}
