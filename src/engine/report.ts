/**
 * Fills an encounter from its report: performed studies, clinical facts and suggested diagnoses come from the text
 * unless the encounter gives them itself, and each one that does is recorded with its evidence span.
 */
import type { Clinical, Encounter } from '../contract/encounter.js';
import type { ReportFacts } from '../extract/facts.js';
import type { FromReport } from '../contract/result.js';

/** The encounter with report facts filled in, and which facts came from the report. */
export interface AppliedReport {
  encounter: Encounter;
  fromReport: FromReport[];
}

/** Fills `performed`, `clinical` and `diagnoses` from the report where the encounter leaves them out. */
export function applyReport(encounter: Encounter, facts: ReportFacts): AppliedReport {
  const fromReport: FromReport[] = [];
  const filled: Encounter = { ...encounter };
  if (encounter.performed === undefined) {
    filled.performed = facts.studies.map((study, i) => {
      fromReport.push({ field: `performed[${i}]`, value: study.sites.length ? `${study.procedure} (${study.sites.join(', ')})` : study.procedure, evidence: study.evidence });
      return study.sites.length ? { procedure: study.procedure, sites: study.sites } : { procedure: study.procedure };
    });
  }
  const given: Clinical = encounter.clinical ?? {};
  const clinical: Clinical = { ...given };
  const fill = <K extends keyof Clinical>(key: K, value: Clinical[K] | undefined, evidence: FromReport['evidence'] | undefined) => {
    if (value === undefined || evidence === undefined || given[key] !== undefined) return;
    clinical[key] = value;
    fromReport.push({ field: `clinical.${key}`, value: value as FromReport['value'], evidence });
  };
  const c = facts.clinical;
  fill('tScoreLowest', facts.tScoreLowest?.value, facts.tScoreLowest?.evidence);
  fill('heightLossHistoricalCm', c.heightLossHistoricalCm?.value, c.heightLossHistoricalCm?.evidence);
  fill('glucocorticoidMgPerDay', c.glucocorticoidMgPerDay?.value, c.glucocorticoidMgPerDay?.evidence);
  fill('glucocorticoidMonths', c.glucocorticoidMonths?.value, c.glucocorticoidMonths?.evidence);
  fill('selfReportedVertebralFracture', c.selfReportedVertebralFracture?.value, c.selfReportedVertebralFracture?.evidence);
  fill('estrogenDeficient', c.estrogenDeficient?.value, c.estrogenDeficient?.evidence);
  fill('primaryHyperparathyroidism', c.primaryHyperparathyroidism?.value, c.primaryHyperparathyroidism?.evidence);
  fill('monitoringOsteoporosisTherapy', c.monitoringTherapy ? true : undefined, c.monitoringTherapy?.evidence);
  if (Object.keys(clinical).length > 0) filled.clinical = clinical;
  if (encounter.diagnoses === undefined && facts.diagnoses.length > 0) {
    filled.diagnoses = facts.diagnoses.map((d, i) => {
      fromReport.push({ field: `diagnoses[${i}]`, value: d.code, evidence: d.evidence, suggestion: true });
      return d.code;
    });
  }
  return { encounter: filled, fromReport };
}
