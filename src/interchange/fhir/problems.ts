/**
 * Problems found while reading a FHIR R4 Bundle or writing a Claim: one shape for all of them (stable id, severity,
 * message, location, what was expected, fix), declared once in a catalogue so that ids never change meaning.
 * The shape follows src/interchange/x12/problems.ts so the CLI can print every interchange problem the same way.
 */
import { defineProblemCatalogue, problemTable, type InterchangeProblem } from '../problem-table.js';

/** Where a problem sits in a Bundle. */
export interface FhirLocation {
  /** 0-based index into Bundle.entry, when the problem is about one entry. */
  entry?: number;
  /** resourceType of that entry's resource, when known. */
  resourceType?: string;
  /** FHIRPath-style path from the Bundle root: `Bundle.entry[2].resource.status`. */
  path: string;
}

/** One problem with a FHIR Bundle, or with an encounter that cannot be written as a Claim. */
export type FhirProblem = InterchangeProblem<FhirProblemId, FhirLocation>;

/** Every FHIR problem id with its severity and meaning (docs/fhir-hl7.md lists them). */
export const FHIR_PROBLEMS = problemTable({
  'fhir.bundle.not-bundle': { severity: 'error', summary: 'The input is not a FHIR Bundle (resourceType "Bundle").' },
  'fhir.bundle.empty': { severity: 'error', summary: 'The Bundle has no entries.' },
  'fhir.entry.invalid': { severity: 'warning', summary: 'A Bundle entry holds no resource with a resourceType; it is skipped.' },
  'fhir.report.missing': { severity: 'error', summary: 'The Bundle holds no DiagnosticReport, so there is no result to code.' },
  'fhir.report.several': { severity: 'error', summary: 'The Bundle holds more than one DXA DiagnosticReport; one Bundle maps to one encounter.' },
  'fhir.report.not-dxa': { severity: 'warning', summary: 'The DiagnosticReport is not coded LOINC 83311-1; it is read from its text all the same.' },
  'fhir.report.not-final': { severity: 'error', summary: 'The DiagnosticReport is not final or amended: charge only from a final result (REFERENCE §9).' },
  'fhir.report.no-date': { severity: 'error', summary: 'The DiagnosticReport has no usable effectiveDateTime (or effectivePeriod.start) for the date of service.' },
  'fhir.report.no-text': { severity: 'error', summary: 'The DiagnosticReport carries no report text (presentedForm text or conclusion).' },
  'fhir.report.attachment': { severity: 'warning', summary: 'A presentedForm attachment is not inline text (a URL, or a non-text content type); it is not read.' },
  'fhir.report.base64': { severity: 'error', summary: 'A presentedForm data element is not base64-encoded UTF-8 text.' },
  'fhir.report.too-long': { severity: 'error', summary: 'The report text is longer than an encounter allows.' },
  'fhir.reference.unresolved': { severity: 'warning', summary: 'A reference points to no resource in the Bundle (or in the contained resources).' },
  'fhir.patient.missing': { severity: 'warning', summary: 'No Patient is found for the report; sex is unknown and age rules are not checked.' },
  'fhir.patient.value': { severity: 'warning', summary: 'A Patient value cannot be used (gender other than male/female/unknown, partial birth date).' },
  'fhir.observation.skipped': { severity: 'warning', summary: 'A T-score Observation is not used (not final, or no numeric value in range).' },
  'fhir.provider.no-npi': { severity: 'warning', summary: 'The ordering provider carries no usable NPI (system http://hl7.org/fhir/sid/us-npi, 10 digits).' },
  'fhir.diagnosis.skipped': { severity: 'warning', summary: 'An ICD-10-CM reason code does not have the shape of an ICD-10-CM code; it is skipped.' },
  'fhir.encounter.invalid': { severity: 'error', summary: 'The encounter read from the Bundle does not satisfy the contract (CONTRACT.md).' },
  'fhir.write.no-lines': { severity: 'error', summary: 'The recommended claim has no lines, so there is nothing to bill.' },
  'fhir.write.rejected': { severity: 'error', summary: 'The check verdict is reject, so the Claim is not written (use force to write it anyway).' },
  'fhir.write.forced': { severity: 'warning', summary: 'A Claim whose verdict is reject was written because force was set.' },
  'fhir.write.placeholder-provider': { severity: 'warning', summary: 'The encounter names no billing provider: the Claim carries a placeholder that must be replaced before submission.' },
});

/** A stable FHIR problem id. */
export type FhirProblemId = keyof typeof FHIR_PROBLEMS;

/** Where a problem sits, as people read it: `Bundle.entry[2].resource.status (DiagnosticReport)`, or ''. */
export function fhirProblemPlace(problem: FhirProblem): string {
  const location = problem.location;
  if (location === undefined) return '';
  return `${location.path}${location.resourceType !== undefined ? ` (${location.resourceType})` : ''}`;
}

/** The FHIR catalogue: reading a Bundle, writing a Claim. */
export const FHIR_CATALOGUE = defineProblemCatalogue<FhirProblemId, FhirProblem>({
  prefix: 'fhir',
  title: 'FHIR R4 problems',
  document: 'fhir.md',
  module: 'src/interchange/fhir/problems.ts',
  about: 'Problems reading a FHIR R4 Bundle with a DXA DiagnosticReport, and writing a FHIR R4 Claim. [docs/fhir-hl7.md](../fhir-hl7.md) explains the mapping.',
  placeExample: 'Bundle.entry[2].resource.status (DiagnosticReport)',
  table: FHIR_PROBLEMS,
  place: fhirProblemPlace,
});

/** Builds a problem with the catalogue's severity. */
export const fhirProblem = FHIR_CATALOGUE.problem;

/** One line for a person: `Bundle.entry[2].resource.status (DiagnosticReport): message; expected ...`. */
export const formatFhirProblem = FHIR_CATALOGUE.format;
