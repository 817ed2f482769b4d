/**
 * The registry's de-identified studies as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote
 * or line break quoted, quotes doubled), one row per study, per-site results in one column per site and measure
 * (docs/registry.md lists the columns).
 */
import { RESULT_SITES } from '../extract/facts.js';
import type { RegistryStudy } from './fhir/registry-bulk.js';

const MEASURES = [
  ['bmd', 'bmd_g_cm2'],
  ['t-score', 't_score'],
  ['z-score', 'z_score'],
] as const;

/** The CSV columns, in order. */
export const REGISTRY_CSV_COLUMNS = [
  'subject',
  'study',
  'date',
  'sex',
  'age',
  'age_band',
  'payer',
  'lowest_t_score',
  't_score_category',
  'vfa_performed',
  'vfa_fractures',
  'highest_genant_grade',
  'new_fracture',
  'therapy',
  ...RESULT_SITES.flatMap((site) => MEASURES.map(([, suffix]) => `${site.replaceAll('-', '_')}_${suffix}`)),
] as const;

function field(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The studies as CSV text with a header row. */
export function registryCsv(studies: readonly RegistryStudy[]): string {
  const lines = [REGISTRY_CSV_COLUMNS.join(',')];
  for (const s of studies) {
    const value = new Map(s.results.map((r) => [`${r.site} ${r.measure}`, r.value]));
    const results = RESULT_SITES.flatMap((site) => MEASURES.map(([measure]) => value.get(`${site} ${measure}`) ?? null));
    lines.push(
      [s.subject, s.study, s.date, s.sex, s.age, s.ageBand, s.payer, s.lowestTScore, s.tScoreCategory, s.vfaPerformed, s.vfaFractures, s.highestGenantGrade, s.newFracture, s.therapy, ...results].map(field).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
