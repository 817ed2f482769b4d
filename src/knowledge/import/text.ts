/**
 * Reading official files as CMS publishes them: bytes to text (UTF-8 or Windows-1252, byte-order mark removed),
 * numbered lines, delimited records (tab or comma, RFC 4180 quotes, quoted line breaks) with the column of every
 * field, and the date spellings the files use. Every problem is an ImportError naming file, line and column.
 */
import { ImportError } from './types.js';

/** Decodes a file's bytes: UTF-8 when valid, else Windows-1252 (older CMS text files); drops a byte-order mark. */
export function decodeText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** One physical line with its 1-based number (line breaks \n, \r\n or \r removed). */
export interface NumberedLine {
  text: string;
  line: number;
}

/** The lines of a text, numbered from 1; a final empty line after the last break is left out. */
export function* lines(text: string): Generator<NumberedLine> {
  let start = 0;
  let line = 1;
  const n = text.length;
  while (start < n) {
    let end = start;
    while (end < n) {
      const c = text.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    yield { text: text.slice(start, end), line };
    if (end < n && text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10) end++;
    start = end + 1;
    line++;
  }
}

/** One delimited record: its fields, the line it starts on, and the 1-based line and column where each field starts. */
export interface DelimitedRecord {
  fields: string[];
  line: number;
  /** The line of each field (differs from `line` only after a quoted line break). */
  lines: number[];
  columns: number[];
}

/**
 * Splits a text into delimited records. Quotes follow RFC 4180 (a quoted field may hold the delimiter, doubled
 * quotes and line breaks); an unterminated quote is an ImportError at the line and column where it opened.
 * Blank lines are skipped.
 */
export function* delimitedRecords(text: string, delimiter: ',' | '\t', file: string): Generator<DelimitedRecord> {
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    const columns: number[] = [];
    const fieldLines: number[] = [];
    let blank = true;
    for (;;) {
      columns.push(i - lineStart + 1);
      fieldLines.push(line);
      let value = '';
      if (text.charCodeAt(i) === 34) {
        blank = false;
        const openLine = line;
        const openColumn = i - lineStart + 1;
        i++;
        let from = i;
        for (;;) {
          if (i >= n) throw new ImportError(file, openLine, openColumn, 'a closing quote for the field that opens here');
          const c = text.charCodeAt(i);
          if (c === 34) {
            value += text.slice(from, i);
            if (text.charCodeAt(i + 1) === 34) {
              value += '"';
              i += 2;
              from = i;
              continue;
            }
            i++;
            break;
          }
          if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
            line++;
            lineStart = i + 1;
          }
          i++;
        }
        // Anything between the closing quote and the delimiter is kept (lenient, as spreadsheet exports write it).
        const rest = i;
        while (i < n && text.charCodeAt(i) !== d && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
        value += text.slice(rest, i);
      } else {
        const from = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === d || c === 10 || c === 13) break;
          i++;
        }
        value = text.slice(from, i);
        if (value !== '') blank = false;
      }
      fields.push(value);
      if (i < n && text.charCodeAt(i) === d) {
        blank = false;
        i++;
        continue;
      }
      break;
    }
    if (i < n && text.charCodeAt(i) === 13) i++;
    if (i < n && text.charCodeAt(i) === 10) i++;
    line++;
    lineStart = i;
    if (!blank) yield { fields, line: recordLine, lines: fieldLines, columns };
  }
}

/** Normalises a header cell for comparison: case, spaces, line breaks and punctuation runs folded. */
export function headerKey(cell: string): string {
  return cell
    .toLowerCase()
    .replace(/[^a-z0-9*=]+/g, ' ')
    .trim();
}

/**
 * Parses a date as CMS files write it: YYYYMMDD, YYYY-MM-DD, MM/DD/YYYY (or M/D/YYYY). Returns the date as the
 * integer YYYYMMDD, or undefined when the text is not a real calendar date.
 */
export function parseCmsDate(text: string): number | undefined {
  const t = text.trim();
  let year: number;
  let month: number;
  let day: number;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})(\d{2})(\d{2})$/.exec(t)) || (m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t))) {
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
  } else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t))) {
    year = Number(m[3]);
    month = Number(m[1]);
    day = Number(m[2]);
  } else {
    return undefined;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (year < 1900 || year > 2199 || days === undefined || day < 1 || day > days) return undefined;
  return year * 10000 + month * 100 + day;
}

/** The ISO spelling (YYYY-MM-DD) of a YYYYMMDD integer. */
export function isoOfDateInt(value: number): string {
  const s = String(value);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** The YYYYMMDD integer of an ISO date (YYYY-MM-DD). */
export function dateIntOfIso(iso: string): number {
  return Number(iso.slice(0, 4)) * 10000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10));
}

/** True when the text is a CPT (4 digits and a digit, F, T or U) or HCPCS Level II (A-V and 4 digits) code. */
export function isProcedureCode(text: string): boolean {
  return /^([0-9]{4}[0-9FTU]|[A-V][0-9]{4})$/.test(text);
}
