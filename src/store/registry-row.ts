/**
 * The registry row of one encounter (issue 12 §4): the research facts the store keeps beside the encounter, read from
 * the encounter or, where it leaves them out, its report. Only facts, never identifiers: no name, MRN, member id,
 * birth date, address, NPI or report text is kept in the row (the date of service is, for cohort ranges; exports
 * reduce it, registry-export.ts).
 */
import { ageOn } from '../contract/dates.js';
import type { Encounter } from '../contract/encounter.js';
import { extract } from '../extract/extract.js';
import type { ReportFacts, ResultSite } from '../extract/facts.js';
import { gradeMorphometry, parseVertebralLevel } from '../morphometry/index.js';
import type { StoreDatabase } from './schema.js';

/** One measured value of a study: BMD in g/cm2, or a T- or Z-score, at a result site. */
export interface SiteResult {
  site: ResultSite;
  measure: 't-score' | 'z-score' | 'bmd';
  value: number;
}

/** One vertebral level read or graded at VFA, with its Genant grade (null when the report gives none). */
export interface FractureLevel {
  level: string;
  grade: number | null;
}

/** A registry row without its key columns. */
export type RegistryFacts = Omit<StoreDatabase['registry'], 'encounter_id' | 'organization'>;

/** Therapy stated without a drug name: the encounter's `clinical.monitoringOsteoporosisTherapy`. */
export const THERAPY_UNNAMED = 'osteoporosis drug (not named)';

/**
 * The registry facts of an encounter. `facts` are the report's facts when the check already read them; otherwise the
 * report (if any) is read here.
 *
 * - therapy: the osteoporosis drug the report says the patient takes (extract's monitoringTherapy), else
 *   THERAPY_UNNAMED when the encounter says therapy is being monitored, else null (not stated; not "none").
 * - fracture levels and the highest Genant grade: from the report's VFA fractures, else from the encounter's
 *   morphometry graded by gradeMorphometry; grade 0 when a VFA was read and found no fracture; null when no VFA was
 *   read (a structured encounter without heights does not say).
 * - site results: the report's per-site BMD, T- and Z-scores (the contract's structured encounter has only the lowest
 *   T-score).
 */
export function registryFactsOf(encounter: Encounter, factsRead: ReportFacts | undefined): RegistryFacts {
  const facts = factsRead ?? (encounter.report === undefined ? undefined : extract(encounter.report));
  const procedures = encounter.performed?.map((p) => p.procedure) ?? facts?.studies.map((s) => s.procedure) ?? [];
  const vfa = procedures.includes('vfa');
  const age = encounter.patient.age ?? (encounter.patient.birthDate === undefined ? null : ageOn(encounter.patient.birthDate, encounter.dateOfService));
  const levels = vfa ? fractureLevelsOf(encounter, facts) : undefined;
  const graded = levels?.filter((l) => l.grade !== null).map((l) => l.grade!) ?? [];
  const results: SiteResult[] = (facts?.results ?? []).map((r) => ({ site: r.site, measure: r.measure, value: r.value }));
  const therapy = facts?.clinical.monitoringTherapy?.value ?? (encounter.clinical?.monitoringOsteoporosisTherapy === true ? THERAPY_UNNAMED : null);
  return {
    date_of_service: encounter.dateOfService,
    payer: encounter.payer ?? 'medicare',
    sex: encounter.patient.sex,
    age_years: age,
    lowest_t_score: encounter.clinical?.tScoreLowest ?? facts?.tScoreLowest?.value ?? null,
    vfa_performed: vfa ? 1 : 0,
    // Fractures are counted only when a VFA was read from a report; a structured encounter does not say.
    vfa_fractures: vfa && facts?.vfa !== undefined ? facts.vfa.fractures.length : null,
    therapy,
    highest_genant_grade: levels === undefined ? null : levels.length === 0 ? 0 : graded.length === 0 ? null : Math.max(...graded),
    fracture_levels: levels === undefined ? null : JSON.stringify(levels),
    site_results: results.length === 0 ? null : JSON.stringify(results),
  };
}

/**
 * The VFA levels with a fracture (grade 1-3): the report's reading when a VFA was read from it (diagnosis rests on the
 * visual Genant reading, REFERENCE §6), else the encounter's heights graded; undefined when neither says.
 */
function fractureLevelsOf(encounter: Encounter, facts: ReportFacts | undefined): FractureLevel[] | undefined {
  if (facts?.vfa !== undefined) return facts.vfa.fractures.map((f) => ({ level: parseVertebralLevel(f.level) ?? f.level, grade: f.grade ?? null }));
  if (encounter.morphometry === undefined || encounter.morphometry.length === 0) return undefined;
  return gradeMorphometry(encounter.morphometry)
    .filter((l) => l.evaluable && (l.grade ?? 0) > 0)
    .map((l) => ({ level: l.level, grade: l.grade ?? null }));
}

/** The site results kept in a registry row. */
export function siteResultsOf(row: { site_results?: string | null }): SiteResult[] {
  return row.site_results == null ? [] : (JSON.parse(row.site_results) as SiteResult[]);
}

/** The fracture levels kept in a registry row; undefined when no VFA was read. */
export function fractureLevelsOfRow(row: { fracture_levels?: string | null }): FractureLevel[] | undefined {
  return row.fracture_levels == null ? undefined : (JSON.parse(row.fracture_levels) as FractureLevel[]);
}
