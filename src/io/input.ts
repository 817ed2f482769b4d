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

/** The input's shape and its items, read lazily in batches. */
export interface EncounterInput {
  shape: InputShape;
  /** Total items when known in advance (arrays), for the progress bar. */
  total: number | undefined;
  batches: AsyncIterable<InputItem[]>;
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
  const chunks = splitLines(stream, READ_LIMITS.lineBytes)[Symbol.asyncIterator]();
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
  if (!first) return { shape: 'empty', total: 0, batches: (async function* () {})() };

  const firstText = first.text;
  if (firstText !== undefined && firstText.trimStart().startsWith('{')) {
    // Only a probe: a first line that is not JSON on its own (a pretty-printed object's `{`) needs no message.
    const attempt = parsesAsJson(firstText);
    if (attempt) {
      return { shape: 'ndjson', total: undefined, batches: ndjsonBatches({ kind: 'value', index: 0, line: first.number, value: attempt.value }, rest, chunks) };
    }
  }

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
      batches: (async function* () {
        for (let i = 0; i < values.length; i += ARRAY_BATCH) {
          yield values.slice(i, i + ARRAY_BATCH).map((value, j): InputItem => ({ kind: 'value', index: i + j, line: undefined, value }));
        }
      })(),
    };
  }
  return { shape: 'object', total: 1, batches: (async function* () { yield [{ kind: 'value', index: 0, line: undefined, value: parsed.value } as InputItem]; })() };
}

const ARRAY_BATCH = 256;

function toItem(line: RawLine, index: number): InputItem | undefined {
  if (line.text === undefined) {
    return { kind: 'syntax-error', index, line: line.number, message: `line ${line.number}: longer than ${READ_LIMITS.lineBytes} bytes; one encounter must fit in one line of at most 16 MiB` };
  }
  if (line.text.trim() === '') return undefined;
  // Parsed where the encounter is checked (possibly in a worker thread): see parseItem.
  return { kind: 'text', index, line: line.number, text: line.text };
}

/** Parses an NDJSON line item; value and error items pass through. */
export function parseItem(item: InputItem): Exclude<InputItem, { kind: 'text' }> {
  if (item.kind !== 'text') return item;
  const parsed = parseJsonText(item.text, item.line);
  return parsed.ok ? { kind: 'value', index: item.index, line: item.line, value: parsed.value } : { kind: 'syntax-error', index: item.index, line: item.line, message: parsed.message };
}

async function* ndjsonBatches(first: InputItem, rest: RawLine[], chunks: AsyncIterator<RawLine[]>): AsyncGenerator<InputItem[]> {
  let index = 1;
  const convert = (lines: RawLine[]): InputItem[] => {
    const items: InputItem[] = [];
    for (const line of lines) {
      const item = toItem(line, index);
      if (item) {
        items.push(item);
        index++;
      }
    }
    return items;
  };
  yield [first, ...convert(rest)];
  for (;;) {
    const next = await chunks.next();
    if (next.done) return;
    const items = convert(next.value);
    if (items.length > 0) yield items;
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
