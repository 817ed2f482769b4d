/**
 * Reads encounters from a file or standard input: one JSON object, a JSON array, or NDJSON (one encounter per
 * line), told apart by the first character and the first line. NDJSON is streamed line by line; a whole JSON
 * document is read into memory up to a bound. Syntax errors carry line and column.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';

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
  | { kind: 'syntax-error'; index: number; line: number | undefined; message: string };

/** How the input was laid out. */
export type InputShape = 'object' | 'array' | 'ndjson' | 'empty';

/** The input's shape and its items, read lazily. */
export interface EncounterInput {
  shape: InputShape;
  /** Total items when known in advance (arrays), for the progress bar. */
  total: number | undefined;
  items: AsyncIterable<InputItem>;
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

/** Parses JSON text; on a syntax error returns a message with line and column (relative to `firstLine`). */
export function parseJsonText(text: string, firstLine = 1): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
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

/** Splits a byte stream into lines without holding more than one line (bounded) in memory. */
async function* splitLines(stream: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<RawLine> {
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
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      yield finish(buf.subarray(start, nl));
      start = nl + 1;
    }
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
  if (pendingBytes > 0) yield finish(undefined);
}

/** Reads the input's shape from its first line, then yields encounters lazily. */
export async function readEncounters(stream: AsyncIterable<Buffer | string>): Promise<EncounterInput> {
  const lines = splitLines(stream, READ_LIMITS.lineBytes)[Symbol.asyncIterator]();
  const head: RawLine[] = [];
  let first: RawLine | undefined;
  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    head.push(next.value);
    if (next.value.text === undefined || next.value.text.trim() !== '') {
      first = next.value;
      break;
    }
  }
  if (!first) return { shape: 'empty', total: 0, items: (async function* () {})() };

  const firstText = first.text;
  const firstLine = first;
  const startsLikeObject = firstText !== undefined && firstText.trimStart().startsWith('{');
  if (startsLikeObject) {
    const attempt = parseJsonText(firstText);
    if (attempt.ok) {
      return { shape: 'ndjson', total: undefined, items: ndjsonItems(firstLine, attempt.value, lines) };
    }
  }

  // A whole document (array, pretty-printed object, or something unusable): read it all, bounded.
  const parts: string[] = head.map((l) => l.text ?? '');
  let bytes = head.reduce((n, l) => n + l.bytes + 1, 0);
  if (head.some((l) => l.text === undefined)) throw new InputError(`line ${firstLine.number}: longer than ${READ_LIMITS.lineBytes} bytes`);
  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    bytes += next.value.bytes + 1;
    if (bytes > READ_LIMITS.documentBytes || next.value.text === undefined) {
      throw new InputError(`the JSON document is larger than ${READ_LIMITS.documentBytes / (1024 * 1024)} MiB; send large batches as NDJSON (one encounter per line)`);
    }
    parts.push(next.value.text);
  }
  const text = parts.join('\n');
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    const offset = text.length - trimmed.length;
    const where = lineAndColumn(text, offset);
    throw new InputError(`line ${where.line}, column ${where.column}: expected a JSON object, a JSON array or NDJSON (one object per line), found ${JSON.stringify(trimmed.slice(0, 12))}`);
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new InputError(parsed.message);
  if (Array.isArray(parsed.value)) {
    const values: unknown[] = parsed.value;
    return {
      shape: 'array',
      total: values.length,
      items: (async function* () {
        for (let i = 0; i < values.length; i++) yield { kind: 'value', index: i, line: undefined, value: values[i] } as InputItem;
      })(),
    };
  }
  return { shape: 'object', total: 1, items: (async function* () { yield { kind: 'value', index: 0, line: undefined, value: parsed.value } as InputItem; })() };
}

async function* ndjsonItems(first: RawLine, firstValue: unknown, rest: AsyncIterator<RawLine>): AsyncGenerator<InputItem> {
  let index = 0;
  yield { kind: 'value', index: index++, line: first.number, value: firstValue };
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    const line = next.value;
    if (line.text === undefined) {
      yield { kind: 'syntax-error', index: index++, line: line.number, message: `line ${line.number}: longer than ${READ_LIMITS.lineBytes} bytes; one encounter must fit in one line of at most 16 MiB` };
      continue;
    }
    if (line.text.trim() === '') continue;
    const parsed = parseJsonText(line.text, line.number);
    if (parsed.ok) yield { kind: 'value', index: index++, line: line.number, value: parsed.value };
    else yield { kind: 'syntax-error', index: index++, line: line.number, message: parsed.message };
  }
}
