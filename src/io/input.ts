/**
 * Reads encounters from a file, standard input or an upload (shared by the command line and the server): one JSON
 * object, a JSON array, or NDJSON (one encounter per line), told apart by the first character and the first line.
 * NDJSON is streamed line by line; a whole JSON document is read into memory up to a bound. Syntax errors carry line
 * and column.
 */
import { createRequire } from 'node:module';
import type { ParseError } from 'jsonc-parser';

/** jsonc-parser, loaded on the first syntax error to locate it (valid input never needs it: a check starts faster). */
let jsonc: typeof import('jsonc-parser') | undefined;

/** Bounds that keep hostile input from exhausting memory. */
export const READ_LIMITS = {
  /** Largest single NDJSON line. */
  lineBytes: 16 * 1024 * 1024,
  /** Largest whole JSON document (object or array). */
  documentBytes: 256 * 1024 * 1024,
} as const;

/** One item read from the input: a parsed value or why it could not be parsed. */
export type InputItem =
  | { kind: 'value'; index: number; line: number | undefined; value: unknown }
  | { kind: 'text'; index: number; line: number; text: string }
  | { kind: 'syntax-error'; index: number; line: number | undefined; message: string };

/** How the input was laid out. */
export type InputShape = 'object' | 'array' | 'ndjson' | 'empty';

/**
 * A part of the input, read and checked as one batch: NDJSON lines as the bytes read (whole lines, each with its
 * newline but the input's last line), or items already read (a JSON array's, one object, a line too long to hold).
 * Lines stay bytes until a reader (possibly a worker thread, to which the bytes are moved, not copied) splits and
 * decodes them: PartLines below.
 */
export type InputPart =
  | {
      kind: 'lines';
      bytes: Uint8Array;
      /** Number of the first line in `bytes` (from 1). */
      line: number;
      /** Index of the first item (non-blank line) in `bytes`. */
      index: number;
      /** Items (non-blank lines) in `bytes`. */
      items: number;
    }
  | { kind: 'items'; items: InputItem[] };

/** Items a part holds (for the progress bar and the look-ahead of the worker threads). */
export function partItems(part: InputPart): number {
  return part.kind === 'lines' ? part.items : part.items.length;
}

/** The input's shape and its items, read lazily in parts. */
export interface EncounterInput {
  shape: InputShape;
  /** Total items when known in advance (arrays), for the progress bar. */
  total: number | undefined;
  parts: AsyncIterable<InputPart>;
}

/** Input that cannot be read at all (an unreadable file, a document over the size bound, bad syntax). */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Line and column (both from 1) of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The value of JSON text, or undefined when it is not JSON (for a probe: no message, so jsonc-parser stays unloaded). */
function parsesAsJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** Parses JSON text; on a syntax error returns a message with line and column (relative to `firstLine`). */
export function parseJsonText(text: string, firstLine = 1): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    jsonc ??= createRequire(import.meta.url)('jsonc-parser') as typeof import('jsonc-parser');
    const { parse: parseJsonc, printParseErrorCode } = jsonc;
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const offset = first ? first.offset : text.length;
    const where = lineAndColumn(text, offset);
    const what = first ? printParseErrorCode(first.error) : 'InvalidJson';
    const found = text.slice(offset, offset + 12).split('\n')[0];
    return {
      ok: false,
      message: `line ${where.line + firstLine - 1}, column ${where.column}: invalid JSON (${what})${found ? ` at ${JSON.stringify(found)}` : ' at end of input'}`,
    };
  }
}

interface RawLine {
  number: number;
  text: string | undefined;
  bytes: number;
}

/**
 * Splits a byte stream into lines without holding more than one line (bounded) in memory. Yields the lines of each
 * chunk together, so that callers do their per-line work synchronously.
 */
async function* splitLines(stream: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<RawLine[]> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let number = 0;
  const finish = (tail: Buffer | undefined): RawLine => {
    number++;
    if (tooLong) {
      const bytes = pendingBytes + (tail?.length ?? 0);
      pending = [];
      pendingBytes = 0;
      tooLong = false;
      return { number, text: undefined, bytes };
    }
    const buf = tail ? (pending.length ? Buffer.concat([...pending, tail]) : tail) : Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 13) end--;
    return { number, text: buf.toString('utf8', 0, end), bytes: buf.length };
  };
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    const lines: RawLine[] = [];
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      lines.push(finish(buf.subarray(start, nl)));
      start = nl + 1;
    }
    if (lines.length > 0) yield lines;
    if (start < buf.length) {
      const rest = buf.subarray(start);
      if (tooLong || pendingBytes + rest.length > maxLineBytes) {
        tooLong = true;
        pendingBytes += rest.length;
      } else {
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
  }
  if (pendingBytes > 0) yield [finish(undefined)];
}

/** Reads the input's shape from its first line, then yields encounters lazily, a chunk at a time. */
export async function readEncounters(stream: AsyncIterable<Buffer | string>): Promise<EncounterInput> {
  // The chunks read until the shape is known are kept: NDJSON is read again from its first byte as raw parts.
  const source = stream[Symbol.asyncIterator]();
  let seen: (Buffer | string)[] | undefined = [];
  const recorded = (async function* () {
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      seen?.push(next.value);
      yield next.value;
    }
  })();
  const chunks = splitLines(recorded, READ_LIMITS.lineBytes)[Symbol.asyncIterator]();
  const head: RawLine[] = [];
  let rest: RawLine[] = [];
  let first: RawLine | undefined;
  while (!first) {
    const next = await chunks.next();
    if (next.done) break;
    const at = next.value.findIndex((l) => l.text === undefined || l.text.trim() !== '');
    if (at < 0) {
      head.push(...next.value);
      continue;
    }
    head.push(...next.value.slice(0, at + 1));
    first = next.value[at];
    rest = next.value.slice(at + 1);
  }
  if (!first) return { shape: 'empty', total: 0, parts: (async function* () {})() };

  const firstText = first.text;
  if (firstText !== undefined && firstText.trimStart().startsWith('{')) {
    // Only a probe: a first line that is not JSON on its own (a pretty-printed object's `{`) needs no message.
    if (parsesAsJson(firstText)) {
      const replay = seen;
      seen = undefined;
      return { shape: 'ndjson', total: undefined, parts: ndjsonParts(replay, source) };
    }
  }
  seen = undefined;

  // A whole document (array, pretty-printed object, or something unusable): read it all, bounded.
  if (head.some((l) => l.text === undefined)) throw new InputError(`line ${first.number}: longer than ${READ_LIMITS.lineBytes} bytes`);
  const parts: string[] = [];
  let bytes = 0;
  const take = (lines: RawLine[]) => {
    for (const l of lines) {
      bytes += l.bytes + 1;
      if (bytes > READ_LIMITS.documentBytes || l.text === undefined) {
        throw new InputError(`the JSON document is larger than ${READ_LIMITS.documentBytes / (1024 * 1024)} MiB; send large batches as NDJSON (one encounter per line)`);
      }
      parts.push(l.text);
    }
  };
  take(head);
  take(rest);
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    take(next.value);
  }
  const text = parts.join('\n');
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    const where = lineAndColumn(text, text.length - trimmed.length);
    throw new InputError(`line ${where.line}, column ${where.column}: expected a JSON object, a JSON array or NDJSON (one object per line), found ${JSON.stringify(trimmed.slice(0, 12))}`);
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new InputError(parsed.message);
  if (Array.isArray(parsed.value)) {
    const values: unknown[] = parsed.value;
    return {
      shape: 'array',
      total: values.length,
      parts: (async function* (): AsyncGenerator<InputPart> {
        for (let i = 0; i < values.length; i += ARRAY_BATCH) {
          yield { kind: 'items', items: values.slice(i, i + ARRAY_BATCH).map((value, j): InputItem => ({ kind: 'value', index: i + j, line: undefined, value })) };
        }
      })(),
    };
  }
  const only: InputPart = { kind: 'items', items: [{ kind: 'value', index: 0, line: undefined, value: parsed.value }] };
  return { shape: 'object', total: 1, parts: (async function* () { yield only; })() };
}

const ARRAY_BATCH = 256;

/** Parses an NDJSON line item; value and error items pass through. */
export function parseItem(item: InputItem): Exclude<InputItem, { kind: 'text' }> {
  if (item.kind !== 'text') return item;
  const parsed = parseJsonText(item.text, item.line);
  return parsed.ok ? { kind: 'value', index: item.index, line: item.line, value: parsed.value } : { kind: 'syntax-error', index: item.index, line: item.line, message: parsed.message };
}

/** Items per NDJSON part: enough that handing a part to a worker thread costs little beside checking it. */
export const PART_ITEMS = 512;

/** Bytes after which an NDJSON part ends, whatever its items: bounds the memory a part of long lines takes. */
export const PART_BYTES = 1024 * 1024;

/** True when a line's bytes are all whitespace as String.prototype.trim() sees it, i.e. the line holds no item. */
function isBlankLine(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte === 0x20 || (byte >= 0x09 && byte <= 0x0d)) continue;
    if (byte < 0x80) return false;
    // Beyond ASCII, Unicode's spaces (a no-break space, a byte order mark) are blank too: decoded, as PartLines does.
    return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8').trim() === '';
  }
  return true;
}

/** A fresh buffer of its own (never Node's shared pool), so that it can be moved to a worker thread. */
function joinBytes(pieces: readonly Uint8Array[], length: number): Uint8Array {
  const joined = Buffer.allocUnsafeSlow(length);
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return joined;
}

/**
 * Cuts NDJSON into parts of whole lines without decoding them, counting lines and items (non-blank lines) so that
 * each part knows the number of its first line and the index of its first item. A line longer than the line limit,
 * however it is chunked, is not held: it becomes an item of its own that says so, as a part of its own. push() and end() are synchronous,
 * so that a test can feed any chunking.
 */
export class NdjsonScanner {
  /** Number of the next line to end, index of the next item. */
  private line = 1;
  private index = 0;
  /** The part being gathered: complete lines, as slices of the chunks read. */
  private pieces: Uint8Array[] = [];
  private bytes = 0;
  private partLine = 1;
  private partIndex = 0;
  private partItems = 0;
  /** The line being read, not yet ended by a newline (not held once it is too long). */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private tooLong = false;

  constructor(private readonly limits: { lineBytes: number; partItems: number; partBytes: number } = { lineBytes: READ_LIMITS.lineBytes, partItems: PART_ITEMS, partBytes: PART_BYTES }) {}

  /** Reads a chunk; returns the parts it completed. */
  push(chunk: Uint8Array): InputPart[] {
    const parts: InputPart[] = [];
    // Complete lines of this chunk not yet in `pieces` start at `segment`; the next line starts at `start`.
    let segment = 0;
    let start = 0;
    for (let newline = chunk.indexOf(10); newline >= 0; newline = chunk.indexOf(10, start)) {
      if (this.tooLong) {
        // The first newline of the chunk ends the line too long to hold: what came before it is dropped.
        this.endTooLong(parts);
        segment = start = newline + 1;
        continue;
      }
      if (this.pendingBytes + newline - start > this.limits.lineBytes) {
        // A line over the limit that ends in this chunk (a chunk larger than the limit): not held either.
        if (start > segment) {
          this.pieces.push(chunk.subarray(segment, start));
          this.bytes += start - segment;
        }
        this.endTooLong(parts);
        segment = start = newline + 1;
        continue;
      }
      let blank: boolean;
      if (this.pending.length > 0) {
        // The first newline of the chunk ends a line begun in earlier chunks: those bytes go first into the part.
        const line = joinBytes([...this.pending, chunk.subarray(0, newline)], this.pendingBytes + newline);
        blank = isBlankLine(line, 0, line.length);
        this.pieces.push(...this.pending);
        this.bytes += this.pendingBytes;
        this.pending = [];
        this.pendingBytes = 0;
      } else blank = isBlankLine(chunk, start, newline);
      this.countLine(blank);
      start = newline + 1;
      if (this.partItems >= this.limits.partItems || this.bytes + start - segment >= this.limits.partBytes) {
        this.pieces.push(chunk.subarray(segment, start));
        this.bytes += start - segment;
        segment = start;
        this.endPart(parts);
      }
    }
    if (start > segment) {
      this.pieces.push(chunk.subarray(segment, start));
      this.bytes += start - segment;
    }
    const rest = chunk.length - start;
    if (rest > 0) {
      if (this.tooLong || this.pendingBytes + rest > this.limits.lineBytes) {
        this.tooLong = true;
        this.pending = [];
      } else this.pending.push(chunk.subarray(start));
      this.pendingBytes += rest;
    }
    return parts;
  }

  /** Ends the input: the last line (when it has no newline) and the last part. */
  end(): InputPart[] {
    const parts: InputPart[] = [];
    if (this.tooLong) this.endTooLong(parts);
    else if (this.pendingBytes > 0) {
      const line = joinBytes(this.pending, this.pendingBytes);
      this.pieces.push(line);
      this.bytes += line.length;
      this.pending = [];
      this.pendingBytes = 0;
      this.countLine(isBlankLine(line, 0, line.length));
    }
    this.endPart(parts);
    return parts;
  }

  private countLine(blank: boolean): void {
    this.line++;
    if (!blank) {
      this.index++;
      this.partItems++;
    }
  }

  /** Ends the part gathered so far (a part of blank lines only is dropped: it holds nothing to check). */
  private endPart(parts: InputPart[]): void {
    if (this.partItems > 0) parts.push({ kind: 'lines', bytes: joinBytes(this.pieces, this.bytes), line: this.partLine, index: this.partIndex, items: this.partItems });
    this.pieces = [];
    this.bytes = 0;
    this.partLine = this.line;
    this.partIndex = this.index;
    this.partItems = 0;
  }

  private endTooLong(parts: InputPart[]): void {
    this.endPart(parts);
    const message = `line ${this.line}: longer than ${this.limits.lineBytes} bytes; one encounter must fit in one line of at most 16 MiB`;
    parts.push({ kind: 'items', items: [{ kind: 'syntax-error', index: this.index, line: this.line, message }] });
    this.line++;
    this.index++;
    this.tooLong = false;
    this.pending = [];
    this.pendingBytes = 0;
    this.endPart(parts);
  }
}

/** NDJSON as parts: the chunks read while telling the shape (`seen`), then the rest of the stream. */
async function* ndjsonParts(seen: (Buffer | string)[], rest: AsyncIterator<Buffer | string>): AsyncGenerator<InputPart> {
  const scanner = new NdjsonScanner();
  const bytesOf = (chunk: Buffer | string) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  for (let chunk = seen.shift(); chunk !== undefined; chunk = seen.shift()) yield* scanner.push(bytesOf(chunk));
  for (;;) {
    const next = await rest.next();
    if (next.done) break;
    yield* scanner.push(bytesOf(next.value));
  }
  yield* scanner.end();
}

/**
 * The non-blank lines of a 'lines' part, one after another: next() moves to the next one and decodes it (without
 * its newline and one carriage return before it) into `text`, with its number and item index.
 */
export class PartLines {
  text = '';
  line = 0;
  index: number;
  private readonly bytes: Buffer;
  private at = 0;
  private nextLine: number;

  constructor(part: Extract<InputPart, { kind: 'lines' }>) {
    // A view, not a copy (a part moved from another thread arrives as a plain Uint8Array).
    this.bytes = Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength);
    this.nextLine = part.line;
    this.index = part.index - 1;
  }

  next(): boolean {
    const bytes = this.bytes;
    while (this.at < bytes.length) {
      const start = this.at;
      let end = bytes.indexOf(10, start);
      if (end < 0) end = bytes.length;
      this.at = end + 1;
      const line = this.nextLine++;
      const text = bytes.toString('utf8', start, end > start && bytes[end - 1] === 13 ? end - 1 : end);
      if (text.trim() === '') continue;
      this.text = text;
      this.line = line;
      this.index++;
      return true;
    }
    return false;
  }
}

/** The first bytes of a stream, and the whole stream again (those bytes included) for whoever reads it next. */
export async function peekStream(stream: AsyncIterable<Buffer | string>, bytes = 64): Promise<{ head: string; stream: AsyncIterable<Buffer> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const buf = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    seen.push(buf);
    length += buf.length;
  }
  const head = Buffer.concat(seen).subarray(0, bytes).toString('utf8');
  async function* replay(): AsyncGenerator<Buffer> {
    for (const buf of seen) yield buf;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  }
  return { head, stream: replay() };
}

/** Input formats `dxacode check` tells apart by their first characters. */
export type InputFormat = 'x12' | 'hl7' | 'json';

/** Tells X12 (ISA), HL7 v2 (MSH, or MLLP framing) and JSON apart; FHIR bundles are JSON and are told apart later. */
export function detectFormat(head: string): InputFormat {
  if (head.startsWith('\u000b')) return 'hl7'; // MLLP start block (before trimming: \s matches it)
  const start = head.replace(/^[ \t\r\n\uFEFF]+/, '');
  if (start.startsWith('ISA')) return 'x12';
  if (start.startsWith('MSH')) return 'hl7';
  return 'json';
}
