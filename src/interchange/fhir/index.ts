/**
 * FHIR R4 interchange: read a DXA result Bundle into an Encounter, write a checked encounter as a Claim.
 * The CLI uses this surface; see docs/fhir-hl7.md.
 */
export { fhirBundleToEncounter, type FhirReadDetails, type FhirReadOptions, type FhirReadOutcome, type FhirTScore } from './bundle.js';
export { PLACEHOLDER_PROVIDER_NAME, toFhirClaim, toFhirClaimBundle, type FhirBillingProvider, type FhirClaimOptions, type FhirClaimOutcome } from './claim.js';
export { FHIR_PROBLEMS, formatFhirProblem, fhirProblemPlace, type FhirLocation, type FhirProblem, type FhirProblemId } from './problems.js';
export { FHIR_SYSTEMS, LOINC_DXA_PANEL } from './systems.js';

/** True for a parsed JSON value that is a FHIR Bundle (resourceType "Bundle"). */
export function isFhirBundle(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && (value as { resourceType?: unknown }).resourceType === 'Bundle';
}

/**
 * Tells a FHIR Bundle from other JSON by its first characters, without parsing the whole text: a JSON object whose
 * `resourceType` (looked for in the first 4 KiB) is "Bundle". Returns 'fhir-bundle' or undefined.
 */
export function detectFhirFormat(head: string): 'fhir-bundle' | undefined {
  const start = head.replace(/^[\s\uFEFF]+/, '');
  if (!start.startsWith('{')) return undefined;
  return /"resourceType"\s*:\s*"Bundle"/.test(start.slice(0, 4096)) ? 'fhir-bundle' : undefined;
}
