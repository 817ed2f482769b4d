/**
 * Code system and identifier URIs used in FHIR R4 resources. DXA results as DiagnosticReport with LOINC 83311-1 and
 * claims as Claim rest on REFERENCE §9 [V]; the URIs themselves are the HL7 Terminology (THO) canonical URLs for
 * these external code systems (not in REFERENCE; the brief of issue 4 names CPT, HCPCS and ICD-10-CM).
 */

/** The URIs, as an `as const` object. */
export const FHIR_SYSTEMS = {
  /** CPT (AMA). */
  cpt: 'http://www.ama-assn.org/go/cpt',
  /** HCPCS Level II (CMS). */
  hcpcs: 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  /** ICD-10-CM; codes are written with the dot (M81.0). */
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  /** LOINC. */
  loinc: 'http://loinc.org',
  /** US National Provider Identifier. */
  npi: 'http://hl7.org/fhir/sid/us-npi',
  /** CMS place-of-service codes [S: THO CMSPlaceofServiceCodes]. */
  placeOfService: 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set',
  /** Claim.type codes (professional, institutional). */
  claimType: 'http://terminology.hl7.org/CodeSystem/claim-type',
  /** Claim.priority codes. */
  processPriority: 'http://terminology.hl7.org/CodeSystem/processpriority',
  /** HL7 v2 table 0203 identifier types, used by Identifier.type (MR: medical record number). */
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  /** Claim.diagnosis.type codes (principal). */
  diagnosisType: 'http://terminology.hl7.org/CodeSystem/ex-diagnosistype',
} as const;

/** LOINC 83311-1 "DXA Bone density quantitative measurement panel": the DXA DiagnosticReport code (REFERENCE §9 [V]). */
export const LOINC_DXA_PANEL = '83311-1';

/** CPT codes are five digits (or four and F/T); HCPCS Level II codes are a letter and four digits (REFERENCE §2: G0130). */
export function procedureSystem(code: string): string {
  return /^[A-Za-z]/.test(code) ? FHIR_SYSTEMS.hcpcs : FHIR_SYSTEMS.cpt;
}

/** CPT modifiers are two digits (26, 59, 76, 77); HCPCS Level II modifiers hold a letter (TC, GA, GY, XS) (REFERENCE §4). */
export function modifierSystem(modifier: string): string {
  return /^\d{2}$/.test(modifier) ? FHIR_SYSTEMS.cpt : FHIR_SYSTEMS.hcpcs;
}
