/**
 * CSV as RFC 4180 writes it (comma separated, CRLF line ends, fields quoted when they hold a comma, quote or line
 * break), with text that a spreadsheet would run as a formula made inert (OWASP "CSV injection"): a cell starting
 * with = + - @ tab or carriage return gets a leading apostrophe. Numbers are written as they are.
 */

/** One cell's value: text, a number, or nothing (an empty cell). */
export type CsvValue = string | number | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as CSV text. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row as a CSV line, CRLF included. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
