/**
 * The registry's de-identified studies as FHIR R4 NDJSON in the FHIR Bulk Data layout (issue 12 §4, docs/registry.md):
 * a manifest (transactionTime, request, requiresAccessToken, output[], error[]) and one NDJSON file per resource
 * type: Patient (gender only: no identifier, name, birth date, address or telecom), DiagnosticReport (LOINC 83311-1,
 * REFERENCE §9 [V]) per study, and Observation per BMD, T-score and Z-score.
 *
 * Observation codes: LOINC only where a source names the code for that site and measure (OBSERVATION_LOINC); every
 * other Observation carries `code.text` alone rather than a code nobody checked.
 */
import type { ResultSite } from '../../extract/facts.js';
import { FHIR_SYSTEMS, LOINC_DXA_PANEL } from './systems.js';

/** One measured value of a study. */
export interface RegistryResult {
  site: ResultSite;
  measure: 't-score' | 'z-score' | 'bmd';
  value: number;
}

/** One de-identified study (store/registry.ts makes them): no identifier of the 18 of 45 CFR 164.514(b)(2). */
export interface RegistryStudy {
  /** The subject's number in this export (random order; not derived from any identifier). */
  subject: number;
  /** The study's number among the subject's studies in this export, oldest first. */
  study: number;
  /** The year (dates `year`) or the shifted date (`shift`). */
  date: string;
  sex: string;
  /** Whole years to 89, "90 or older", null when unknown, "suppressed" in a small quasi-identifier class. */
  age: number | string | null;
  ageBand: string;
  payer: string;
  lowestTScore: number | null;
  tScoreCategory: string;
  vfaPerformed: boolean;
  vfaFractures: number | null;
  highestGenantGrade: number | null;
  /** A level graded higher than at the subject's previous study in this export; null when not comparable. */
  newFracture: boolean | null;
  therapy: string | null;
  results: RegistryResult[];
}

/** A LOINC code with the page it was read from. */
interface CitedLoinc {
  code: string;
  display: string;
  source: string;
}

/**
 * The LOINC codes of site and measure pairs that a source names. Left total hip is LOINC's "Hip-L" (our reading of the
 * US Core example, which reports the left hip region); "Femur-L" (80948-3, 80940-0) is not mapped, because neither
 * source says whether it is the femoral neck or the total hip.
 */
export const OBSERVATION_LOINC: Partial<Record<`${ResultSite} ${RegistryResult['measure']}`, CitedLoinc>> = {
  'lumbar-spine t-score': { code: '38267-1', display: 'DXA Lumbar spine [T-score] Bone density', source: 'https://www.findacode.com/loinc/38267-1--dxa-lumbar-spine-t-score-bone-density.html [S]' },
  'heel t-score': { code: '38266-3', display: 'DXA Calcaneus [T-score] Bone density', source: 'https://www.healthassure.in/codes/loinc-38266-3-dxa-calcaneus-t-score-bone-density [S]' },
  'left-total-hip t-score': { code: '80946-7', display: 'DXA Hip-L T-score BMD', source: 'HL7 US Core example https://hl7.org/fhir/us/core/STU5/Observation-dxa-hip-l-t-score-bmd.html [V for the code, our reading for the site]' },
  'left-total-hip z-score': { code: '80938-4', display: 'DXA Hip-L Z-score BMD', source: 'HL7 US Core example https://hl7.org/fhir/us/core/2023Jan/Observation-dxa-hip-l-z-score-bmd.html [V for the code, our reading for the site]' },
};

/** Extension URLs of the registry's study facts that FHIR R4 DiagnosticReport has no element for. */
export const REGISTRY_EXTENSIONS = {
  ageAtStudy: 'urn:dxacode:registry:age-at-study',
  ageBand: 'urn:dxacode:registry:age-band',
  payer: 'urn:dxacode:registry:payer',
  therapy: 'urn:dxacode:registry:therapy',
  tScoreCategory: 'urn:dxacode:registry:t-score-category',
  newFracture: 'urn:dxacode:registry:new-fracture',
} as const;

const UCUM = 'http://unitsofmeasure.org';
const OBSERVATION_CATEGORY = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'imaging' }] }];
const MEASURE_WORDS = { bmd: 'BMD', 't-score': 'T-score', 'z-score': 'Z-score' } as const;
const QUANTITY = {
  bmd: { unit: 'g/cm2', system: UCUM, code: 'g/cm2' },
  't-score': { unit: 'T-Score', system: UCUM, code: '{T-Score}' },
  'z-score': { unit: 'Z-Score', system: UCUM, code: '{Z-Score}' },
} as const;

/** The Bulk Data manifest of an export. */
export interface BulkManifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: never[];
}

/** The export: its manifest and the NDJSON text of each file, by file name. */
export interface BulkExport {
  manifest: BulkManifest;
  files: Record<string, string>;
}

type Resource = Record<string, unknown>;

function observation(id: string, subject: string, date: string, text: string, coding: CitedLoinc | undefined, value: Resource): Resource {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: OBSERVATION_CATEGORY,
    code: { ...(coding ? { coding: [{ system: FHIR_SYSTEMS.loinc, code: coding.code, display: coding.display }] } : {}), text },
    subject: { reference: `Patient/${subject}` },
    effectiveDateTime: date,
    ...value,
  };
}

const extension = (url: string, value: string | number | boolean | null): Resource[] =>
  value === null ? [] : [{ url, ...(typeof value === 'number' ? { valueInteger: value } : typeof value === 'boolean' ? { valueBoolean: value } : { valueString: value }) }];

/** The resources of one study: its Observations and its DiagnosticReport. */
function studyResources(s: RegistryStudy): { observations: Resource[]; report: Resource } {
  const subject = `s${s.subject}`;
  const prefix = `${subject}-${s.study}`;
  const observations: Resource[] = [];
  for (const r of s.results) {
    const coding = OBSERVATION_LOINC[`${r.site} ${r.measure}`];
    observations.push(observation(`${prefix}-o${observations.length + 1}`, subject, s.date, `DXA ${r.site.replaceAll('-', ' ')} ${MEASURE_WORDS[r.measure]}`, coding, { valueQuantity: { value: r.value, ...QUANTITY[r.measure] } }));
  }
  // A structured encounter gives only its lowest T-score, without the site.
  if (s.lowestTScore !== null && !s.results.some((r) => r.measure === 't-score')) {
    observations.push(observation(`${prefix}-o${observations.length + 1}`, subject, s.date, 'DXA lowest T-score (site not stated)', undefined, { valueQuantity: { value: s.lowestTScore, ...QUANTITY['t-score'] } }));
  }
  if (s.highestGenantGrade !== null) {
    observations.push(observation(`${prefix}-o${observations.length + 1}`, subject, s.date, 'VFA highest Genant grade (0 none, 1 mild, 2 moderate, 3 severe)', undefined, { valueInteger: s.highestGenantGrade }));
  }
  const report: Resource = {
    resourceType: 'DiagnosticReport',
    id: prefix,
    extension: [
      ...extension(REGISTRY_EXTENSIONS.ageAtStudy, s.age),
      ...extension(REGISTRY_EXTENSIONS.ageBand, s.ageBand),
      ...extension(REGISTRY_EXTENSIONS.payer, s.payer),
      ...extension(REGISTRY_EXTENSIONS.therapy, s.therapy),
      ...extension(REGISTRY_EXTENSIONS.tScoreCategory, s.tScoreCategory),
      ...extension(REGISTRY_EXTENSIONS.newFracture, s.newFracture),
    ],
    status: 'final',
    code: { coding: [{ system: FHIR_SYSTEMS.loinc, code: LOINC_DXA_PANEL, display: 'DXA Bone density quantitative measurement panel' }] },
    subject: { reference: `Patient/${subject}` },
    effectiveDateTime: s.date,
    result: observations.map((o) => ({ reference: `Observation/${String(o.id)}` })),
  };
  return { observations, report };
}

const GENDERS = new Set(['female', 'male', 'unknown']);

/** The export as Bulk Data files; `transactionTime` and `request` describe the export (no patient data). */
export function registryBulkFhir(studies: readonly RegistryStudy[], transactionTime: string, request: string): BulkExport {
  const patients = new Map<number, Resource>();
  const reports: string[] = [];
  const observations: string[] = [];
  for (const s of studies) {
    // Gender is left out when the study's quasi-identifiers were suppressed.
    if (!patients.has(s.subject)) patients.set(s.subject, { resourceType: 'Patient', id: `s${s.subject}`, ...(GENDERS.has(s.sex) ? { gender: s.sex } : {}) });
    const { observations: obs, report } = studyResources(s);
    observations.push(...obs.map((o) => JSON.stringify(o)));
    reports.push(JSON.stringify(report));
  }
  const ndjson = (lines: readonly string[]) => (lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  const files: Record<string, string> = {
    'Patient.ndjson': ndjson([...patients.values()].map((p) => JSON.stringify(p))),
    'DiagnosticReport.ndjson': ndjson(reports),
    'Observation.ndjson': ndjson(observations),
  };
  return {
    manifest: {
      transactionTime,
      request,
      requiresAccessToken: true,
      output: [
        { type: 'Patient', url: 'Patient.ndjson', count: patients.size },
        { type: 'DiagnosticReport', url: 'DiagnosticReport.ndjson', count: reports.length },
        { type: 'Observation', url: 'Observation.ndjson', count: observations.length },
      ],
      error: [],
    },
    files,
  };
}
