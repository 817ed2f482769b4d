/**
 * Reading VFA heights in dxacode's documented layout (docs/morphometry.md), as CSV or JSON, into contract rows.
 *
 * CSV: a header naming the columns (any order, any case): `level`, `anterior_mm`, `middle_mm`, `posterior_mm`,
 * `evaluable` (yes/no, true/false, y/n, 1/0) and `reason` (optional column; required in a row that is not evaluable),
 * then one row per level. JSON: an array of rows as the encounter's `morphometry` field takes them, or an object
 * with that field. Every problem names the line and column (CSV) or the field (JSON) and what was expected.
 */
import { LevelHeights } from '../contract/encounter.js';
import { delimitedRecords } from '../knowledge/import/text.js';
import { ImportError } from '../knowledge/import/types.js';
import { duplicateLevels, parseVertebralLevel } from './levels.js';

/** One problem with the input, located. */
export interface MorphometryProblem {
  /** file:line:column for CSV, file and field for JSON. */
  where: string;
  message: string;
}

export type MorphometryInput = { ok: true; rows: LevelHeights[] } | { ok: false; problems: MorphometryProblem[] };

/** Largest heights file read (13 levels need a few hundred bytes). */
export const MAX_MORPHOMETRY_CHARS = 64 * 1024;

const COLUMNS = ['level', 'anterior_mm', 'middle_mm', 'posterior_mm', 'evaluable', 'reason'] as const;
const REQUIRED = COLUMNS.filter((c) => c !== 'reason');
/** The CSV column of each contract field. */
const CSV_COLUMN: Record<string, (typeof COLUMNS)[number]> = { level: 'level', evaluable: 'evaluable', anteriorMm: 'anterior_mm', middleMm: 'middle_mm', posteriorMm: 'posterior_mm', reason: 'reason' };
const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0']);

/** Reads a heights file's text (CSV or JSON, told apart by its first character). */
export function readMorphometry(text: string, file = '(input)'): MorphometryInput {
  if (text.length > MAX_MORPHOMETRY_CHARS) return { ok: false, problems: [{ where: file, message: `expected at most ${MAX_MORPHOMETRY_CHARS} characters (13 levels), got ${text.length}` }] };
  const body = text.replace(/^\uFEFF/, '');
  const first = /\S/.exec(body)?.[0];
  if (first === undefined) return { ok: false, problems: [{ where: file, message: 'expected a header line and one row per level (T4-L4), got an empty file' }] };
  return first === '[' || first === '{' ? readJson(body, file) : readCsv(body, file);
}

/** Validates contract rows (from JSON or from an encounter) and that no level is given twice. */
export function validateRows(raw: unknown, where: (index: number, field?: string) => string): MorphometryInput {
  if (!Array.isArray(raw)) return { ok: false, problems: [{ where: where(-1), message: 'expected an array of levels' }] };
  const problems: MorphometryProblem[] = [];
  const rows: LevelHeights[] = [];
  raw.forEach((value, index) => {
    const parsed = LevelHeights.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 5)) problems.push({ where: where(index, issue.path.join('.') || undefined), message: issue.message });
      return;
    }
    rows.push(parsed.data);
  });
  problems.push(...duplicateLevels(rows).map((d) => ({ where: where(d.index, 'level'), message: `expected each level once, got ${d.level} again` })));
  if (rows.length > 13) problems.push({ where: where(13), message: 'expected at most 13 levels (T4-L4)' });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows };
}

function readJson(text: string, file: string): MorphometryInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [{ where: file, message: `expected JSON: ${(error as Error).message}` }] };
  }
  const inObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const rows = inObject ? (value as { morphometry?: unknown }).morphometry : value;
  const prefix = inObject ? 'morphometry' : '';
  return validateRows(rows, (index, field) => `${file} ${prefix}${index >= 0 ? `[${index}]` : ''}${field ? `.${field}` : ''}`.trimEnd());
}

function readCsv(text: string, file: string): MorphometryInput {
  const problems: MorphometryProblem[] = [];
  const raw: Record<string, unknown>[] = [];
  /** Where each kept row's fields are: file:line:column by contract field name. */
  const rowPlaces: ((field?: string) => string)[] = [];
  let header: Map<string, number> | undefined;
  try {
    for (const record of delimitedRecords(text, ',', file)) {
      const at = (field: number) => `${file}:${record.lines[field] ?? record.line}:${record.columns[field] ?? 1}`;
      if (!header) {
        header = new Map(record.fields.map((name, i) => [name.trim().toLowerCase(), i]));
        const missing = REQUIRED.filter((c) => !header!.has(c));
        if (missing.length > 0) {
          return { ok: false, problems: [{ where: `${file}:${record.line}:1`, message: `expected a header with the columns ${COLUMNS.join(', ')} (reason optional); missing ${missing.join(', ')}` }] };
        }
        continue;
      }
      const cell = (name: (typeof COLUMNS)[number]) => {
        const index = header!.get(name);
        return index === undefined ? '' : (record.fields[index] ?? '').trim();
      };
      const column = (name: (typeof COLUMNS)[number]) => at(header!.get(name) ?? 0);
      const levelText = cell('level');
      const level = parseVertebralLevel(levelText);
      if (!level) {
        problems.push({ where: column('level'), message: `expected a vertebral level from T4 to L4, got ${JSON.stringify(levelText.slice(0, 20))}` });
        continue;
      }
      const evaluableText = cell('evaluable').toLowerCase();
      if (!YES.has(evaluableText) && !NO.has(evaluableText)) {
        problems.push({ where: column('evaluable'), message: `expected evaluable as yes or no, got ${JSON.stringify(evaluableText.slice(0, 20))}` });
        continue;
      }
      if (NO.has(evaluableText)) {
        raw.push({ level, evaluable: false, reason: cell('reason') });
      } else {
        const row: Record<string, unknown> = { level, evaluable: true };
        for (const [name, key] of [['anterior_mm', 'anteriorMm'], ['middle_mm', 'middleMm'], ['posterior_mm', 'posteriorMm']] as const) {
          const text = cell(name);
          const number = text === '' ? Number.NaN : Number(text);
          if (!Number.isFinite(number)) problems.push({ where: column(name), message: `expected ${name} as a number of mm, got ${JSON.stringify(text.slice(0, 20))}` });
          row[key] = number;
        }
        raw.push(row);
      }
      rowPlaces.push((field) => column(CSV_COLUMN[field ?? 'level'] ?? 'level'));
    }
  } catch (error) {
    if (error instanceof ImportError) return { ok: false, problems: [{ where: [error.file, error.line, error.column].filter((x) => x !== undefined).join(':'), message: `expected ${error.expected}` }] };
    throw error;
  }
  if (!header) return { ok: false, problems: [{ where: file, message: 'expected a header line' }] };
  if (problems.length > 0) return { ok: false, problems };
  return validateRows(raw, (index, field) => rowPlaces[index]?.(field) ?? file);
}
