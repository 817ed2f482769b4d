/** Fixed value spellings of the public contract (CONTRACT.md), as `as const` objects with derived unions. */

/** Procedures a caller can report as performed. */
export const PROCEDURES = [
  'dxa-axial',
  'dxa-peripheral',
  'vfa',
  'dxa-body-composition',
  'qct-axial',
  'ultrasound-peripheral',
  'sexa-peripheral',
  'radiographic-absorptiometry',
  'spa',
  'dpa',
  'spine-radiograph',
] as const;
/** One performed procedure kind. */
export type ProcedureKind = (typeof PROCEDURES)[number];

/** Anatomic site names. */
export const SITES = [
  'lumbar-spine',
  'thoracic-spine',
  'left-hip',
  'right-hip',
  'hip',
  'left-forearm',
  'right-forearm',
  'forearm',
  'heel',
  'finger',
  'total-body',
] as const;
/** One anatomic site. */
export type Site = (typeof SITES)[number];

/** Patient sex as the contract spells it. */
export const SEXES = ['female', 'male', 'unknown'] as const;
/** Patient sex. */
export type Sex = (typeof SEXES)[number];

/** Claim types: professional (837P) or institutional (837I). */
export const CLAIM_TYPES = ['professional', 'institutional'] as const;
/** Claim type. */
export type ClaimType = (typeof CLAIM_TYPES)[number];

/** Which part of a split service the provider bills. */
export const COMPONENTS = ['global', 'professional', 'technical'] as const;
/** Billed component. */
export type Component = (typeof COMPONENTS)[number];

/** Medicare Administrative Contractor (MAC) jurisdictions (CONTRACT.md `jurisdiction`). */
export const JURISDICTIONS = ['J5', 'J6', 'J8', 'J15', 'JE', 'JF', 'JH', 'JJ', 'JK', 'JL', 'JM', 'JN'] as const;
/** One MAC jurisdiction. */
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/** Result verdicts. */
export const VERDICTS = ['clean', 'review', 'reject'] as const;
/** Verdict of one result. */
export type Verdict = (typeof VERDICTS)[number];

/** Finding severities. */
export const SEVERITIES = ['error', 'warning', 'info'] as const;
/** Severity of a finding. */
export type Severity = (typeof SEVERITIES)[number];

/** Confidence of a knowledge fact: REFERENCE.md's [V], [S] and [U]. */
export const CONFIDENCES = ['verified', 'secondary', 'unverified'] as const;
/** Confidence of one fact. */
export type Confidence = (typeof CONFIDENCES)[number];

/** Limits that keep hostile or oversized input bounded. */
export const INPUT_LIMITS = {
  idLength: 128,
  reportLength: 1_000_000,
  performed: 50,
  sitesPerProcedure: 20,
  diagnoses: 50,
  history: 1_000,
  claimLines: 50,
  lineDiagnoses: 12,
  modifiersPerLine: 4,
  unitsPerLine: 999,
  payerLength: 64,
  npiLength: 10,
  authorizationNumberLength: 50,
  morphometryReasonLength: 200,
} as const;

/** The vertebral levels VFA evaluates, T4 to L4 (REFERENCE §6 "Method"), from the top. */
export const VERTEBRAL_LEVELS = ['T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10', 'T11', 'T12', 'L1', 'L2', 'L3', 'L4'] as const;

/** The Genant grades in words, indexed by grade 0-3 (Genant 1993; REFERENCE §6). */
export const GENANT_GRADE_WORDS = ['normal', 'mild', 'moderate', 'severe'] as const;

/** Largest vertebral height accepted, mm (adult lumbar bodies are about 25-35 mm high; this bounds typing errors). */
export const MAX_VERTEBRAL_HEIGHT_MM = 100;
