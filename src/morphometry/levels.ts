import { VERTEBRAL_LEVELS } from '../contract/values.js';

export { VERTEBRAL_LEVELS };

export type VertebralLevel = (typeof VERTEBRAL_LEVELS)[number];

const LEVELS = new Set<string>(VERTEBRAL_LEVELS);

/** True for a level name of T4-L4 as written here (upper case, no dash). */
export function isVertebralLevel(value: string): value is VertebralLevel {
  return LEVELS.has(value);
}

/** Reads "t12", "T-12" or "L 1" as a level, or undefined outside T4-L4. */
export function parseVertebralLevel(text: string): VertebralLevel | undefined {
  const m = /^\s*([TtLl])\s*-?\s*(\d{1,2})\s*$/.exec(text);
  if (!m) return undefined;
  const level = `${m[1]!.toUpperCase()}${Number(m[2])}`;
  return isVertebralLevel(level) ? level : undefined;
}

/** The rows whose level an earlier row already gave. */
export function duplicateLevels(rows: readonly { level: string }[]): { index: number; level: string }[] {
  const seen = new Set<string>();
  const duplicates: { index: number; level: string }[] = [];
  rows.forEach((row, index) => {
    if (seen.has(row.level)) duplicates.push({ index, level: row.level });
    seen.add(row.level);
  });
  return duplicates;
}
