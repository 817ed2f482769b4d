/**
 * Small value conversions shared by the 837P writer and reader: money in cents, X12 dates, ICD-10-CM with and
 * without the dot (REFERENCE §9: HI carries codes without the dot; the contract prints them with it).
 */

/** The separators dxacode writes: element `*`, component `:`, repetition `^`, segment terminator `~`. */
export const WRITE_SEPARATORS = { element: '*', component: ':', repetition: '^', segment: '~' } as const;

/** Separators of one interchange, as its ISA declares them. */
export interface Separators {
  element: string;
  component: string;
  repetition: string;
  segment: string;
}

/** `M81.0` → `M810` (HI elements carry no dot). */
export function icdWithoutDot(code: string): string {
  return code.replace('.', '').toUpperCase();
}

/** `M810` → `M81.0`: the dot goes after the category (third character) when there is more. */
export function icdWithDot(code: string): string {
  const bare = code.replace('.', '').toUpperCase();
  return bare.length > 3 ? `${bare.slice(0, 3)}.${bare.slice(3)}` : bare;
}

/** Dollars (at most two decimals) to integer cents, without floating-point drift. */
export function toCents(dollars: number): number {
  return Math.round(dollars * 100);
}

/** Integer cents to an X12 amount: `12550` → `125.5`, `10000` → `100` (no trailing zeros, no thousands). */
export function formatAmount(cents: number): string {
  const whole = Math.trunc(cents / 100);
  const rest = Math.abs(cents % 100);
  if (rest === 0) return String(whole);
  const decimals = String(rest).padStart(2, '0').replace(/0$/, '');
  return `${cents < 0 && whole === 0 ? '-' : ''}${whole}.${decimals}`;
}

/** An X12 amount (`125.5`, `-3`, `.75`) to integer cents, or undefined when it is not an amount with at most 2 decimals. */
export function parseAmount(text: string): number | undefined {
  const match = /^(-?)(\d{0,15})(?:\.(\d{0,2}))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const cents = Number(match[2] || '0') * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

/** `2026-01-20` → `20260120` (D8, CCYYMMDD). */
export function toD8(isoDate: string): string {
  return isoDate.replaceAll('-', '');
}

/** `20260120` → `2026-01-20`, or undefined when it is not eight digits (calendar validity is checked later). */
export function fromD8(d8: string): string | undefined {
  return /^\d{8}$/.test(d8) ? `${d8.slice(0, 4)}-${d8.slice(4, 6)}-${d8.slice(6, 8)}` : undefined;
}

/** Left-justified, space-padded fixed-width ISA element. */
export function padRight(value: string, width: number): string {
  return value.length >= width ? value.slice(0, width) : value + ' '.repeat(width - value.length);
}

/** Zero-padded number of a fixed width (ISA13 is 9 digits). */
export function padNumber(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
