/**
 * Calendar dates as the contract spells them (`YYYY-MM-DD`), handled as plain strings and integers so that
 * nothing depends on time zones or the clock. ISO dates compare correctly as strings.
 */

/** Parts of a calendar date. */
export interface DateParts {
  year: number;
  month: number;
  day: number;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Splits a `YYYY-MM-DD` string into parts, or returns undefined when it is not a real calendar date. */
export function parseIsoDate(text: string): DateParts | undefined {
  // Hand-rolled rather than a regular expression: dates are parsed on the hot path of every check.
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  return { year, month, day };
}

/** True when the text is a real calendar date between 1900 and 2199. */
export function isCalendarDate(text: string): boolean {
  return parseIsoDate(text) !== undefined;
}

function mustParse(text: string): DateParts {
  const parts = parseIsoDate(text);
  if (!parts) throw new RangeError(`not a calendar date: ${text}`);
  return parts;
}

/** Formats parts back to `YYYY-MM-DD`. */
export function formatIsoDate(parts: DateParts): string {
  return `${String(parts.year).padStart(4, '0')}-${String(parts.month).padStart(2, '0')}-${String(parts.day).padStart(2, '0')}`;
}

/** The first day of the month that lies `months` calendar months after the month of `date`. */
export function firstOfMonthAfter(date: string, months: number): string {
  const d = mustParse(date);
  const index = d.year * 12 + (d.month - 1) + months;
  return formatIsoDate({ year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 });
}

/** Age in whole years on `onDate` for someone born on `birthDate`. */
export function ageOn(birthDate: string, onDate: string): number {
  const b = mustParse(birthDate);
  const d = mustParse(onDate);
  let age = d.year - b.year;
  if (d.month < b.month || (d.month === b.month && d.day < b.day)) age -= 1;
  return age;
}

/** True when `date` falls inside [effective, end], either bound open when null. */
export function isWithin(date: string, effective: string | null, end: string | null): boolean {
  return (effective === null || date >= effective) && (end === null || date <= end);
}

/** The same day `months` calendar months later, clamped to the month's last day (2024-01-31 + 1 → 2024-02-29). */
export function addMonths(date: string, months: number): string {
  const d = mustParse(date);
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return formatIsoDate({ year, month, day: Math.min(d.day, daysInMonth(year, month)) });
}

/** Whole days from one ISO date to another (negative when `to` is earlier); pure arithmetic on the given dates. */
export function daysBetween(from: string, to: string): number {
  const utc = (d: string): number => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}

/** The date `days` days later (earlier when negative); pure arithmetic on the given date. */
export function addDays(date: string, days: number): string {
  const d = mustParse(date);
  const shifted = new Date(Date.UTC(d.year, d.month - 1, d.day) + days * 86_400_000);
  return formatIsoDate({ year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() });
}
