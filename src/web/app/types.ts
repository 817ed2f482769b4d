/**
 * The JSON shapes the page reads from the API. They mirror src/contract and src/store by hand because the browser
 * build cannot import the Node side (zod, store); only the fields the page shows are listed. The compiler keeps the
 * mirror honest: src/server/web-wire.test.ts fails the typecheck when a server shape stops giving what is read here.
 */
import type { SpineLevel } from '../../morphometry/spine-svg.js';

/** The three verdicts, in order of severity. */
export const VERDICTS = ['clean', 'review', 'reject'] as const;
/** One verdict. */
export type Verdict = (typeof VERDICTS)[number];

/** Finding severities. */
export const SEVERITIES = ['error', 'warning', 'info'] as const;
/** One severity. */
export type Severity = (typeof SEVERITIES)[number];

/** Patient sex as the contract spells it. */
export const SEXES = ['female', 'male', 'unknown'] as const;

/** Components a provider may bill. */
export const COMPONENTS = ['global', 'professional', 'technical'] as const;

/** Procedures a coder can tick when there is no report to read them from (the common ones). */
export const PERFORMED_CHOICES = [
  { value: 'dxa-axial', label: 'Axial DXA (hips, spine)' },
  { value: 'dxa-peripheral', label: 'Peripheral DXA (forearm, heel)' },
  { value: 'vfa', label: 'Vertebral fracture assessment (VFA)' },
  { value: 'dxa-body-composition', label: 'Body composition' },
] as const;

/** Citation behind a finding. */
export interface Source {
  title: string;
  url?: string;
  version?: string;
  confidence: 'verified' | 'secondary' | 'unverified';
}

/** One finding (also the shape of API errors). */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  line?: number;
  fix?: string;
  source: Source;
  /** Where in the encounter the finding points, e.g. claim.lines[1].modifiers (docs/rules.md). */
  path?: string;
  /** The codes, dates and values the finding compares, per rule id (docs/rules.md). */
  params?: Record<string, FindingParam | FindingParam[]>;
}

/** One finding param value. */
export type FindingParam = string | number | boolean | null;

/** A fact read from the report, with its evidence span into the report text. */
export interface FromReport {
  field: string;
  value: string | number | boolean;
  evidence: { start: number; end: number; text: string };
  suggestion?: true;
}

/** One line of the recommended claim. */
export interface RecommendedLine {
  code: string;
  modifiers: string[];
  units: number;
  diagnoses: string[];
}

/** The result of checking one encounter. */
export interface Result {
  id?: string;
  verdict: Verdict;
  recommended: { lines: RecommendedLine[]; diagnoses: string[] };
  findings: Finding[];
  checked: { family: string; version: string }[];
  unchecked: { family: string; reason: string }[];
  fromReport?: FromReport[];
  morphometry?: SpineLevel[];
}

/** One submitted claim line. */
export interface ClaimLine {
  code: string;
  modifiers?: string[];
  units?: number;
  diagnoses?: string[];
}

/** The encounter as the page sends it (a subset of the contract). */
export interface Encounter {
  id?: string;
  dateOfService: string;
  patient: { sex: string; birthDate?: string; age?: number; name?: { family: string; given?: string }; mrn?: string; memberId?: string };
  payer?: string;
  component?: string;
  orderingProvider?: { treating?: boolean };
  performed?: { procedure: string }[];
  diagnoses?: string[];
  report?: string;
  claim?: { lines: ClaimLine[] };
  morphometry?: { level: string; anteriorMm?: number; middleMm?: number; posteriorMm?: number }[];
}

/** Who signed in (POST /v1/session). */
export interface Session {
  tokenId: string;
  /** The organisation the page works in: the token's own, or one its admin switched to. */
  organization: string;
  role: 'viewer' | 'coder' | 'admin';
  /** The token's own organisation. */
  homeOrganization?: string;
  /** The organisations the token may work in, its own first (more than one only for an admin granted others). */
  organizations?: string[];
}

/** GET /v1/knowledge. */
export interface KnowledgeInfo {
  version: string;
  payers: { id: string; name: string; program: string }[];
}

/** One row of GET /v1/encounters. */
export interface EncounterSummary {
  id: string;
  externalId: string | null;
  dateOfService: string;
  payer: string;
  latestVersion: number;
  verdict: Verdict;
  checkedAt: string;
  patientName: string | null;
  patientMrn: string | null;
  billedCodes: string[];
  topFinding: TopFinding | null;
}

/** GET /v1/encounters: one page and the total. */
export interface EncounterList {
  encounters: EncounterSummary[];
  total: number;
}

/** GET /v1/encounters/:id. */
export interface StoredEncounter {
  id: string;
  externalId: string | null;
  dateOfService: string;
  payer: string;
  encounter: Encounter;
  latestVersion: number;
  versions: { version: number; verdict: Verdict; result: Result; knowledgeVersion: string; createdAt: string; actor: string }[];
  overrides: { id: string; version: number; rule: string; line: number | null; reason: string; actor: string; createdAt: string }[];
  accepted: { version: number; claim: Result['recommended']; actor: string; createdAt: string }[];
}

/** GET /v1/batches/:id. A job is done once every item is done or failed. */
export interface BatchJob {
  id: string;
  status: 'queued' | 'running' | 'done';
  total: number;
  done: number;
  failed: number;
  createdAt: string;
  finishedAt: string | null;
  /** The uploaded file's name; null when the upload gave none. */
  fileName: string | null;
  uploadedBy: { tokenId: string; role: string | null };
}

/** A finding as lists show it: the worklist's and a batch item's top finding. */
export interface TopFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  line?: number;
}

/** One row of GET /v1/batches/:id/items. */
export interface BatchItem {
  seq: number;
  status: 'pending' | 'done' | 'failed';
  encounterId?: string;
  /** The encounter's own id. */
  externalId?: string;
  verdict?: Verdict;
  topFinding?: TopFinding;
  findings?: Finding[];
}

/** GET /v1/stats. */
export interface Stats {
  verdictsByMonth: { month: string; clean: number; review: number; reject: number }[];
  topRules: { rule: string; payer: string; count: number }[];
  /** Charges on rejected claims; null with the reason when no fee schedule is configured. */
  denialRisk: { amount: number | null; encounters: number; reviewEncounters?: number; reason?: string };
  /** `notRead`: VFA studies whose fractures could not be read from a report. */
  vfaFracturesByAge: { ageGroup: string; vfaStudies: number; withFracture: number; notRead?: number }[];
}

/** A code in words with where the words come from (CARC, RARC, status codes). */
export interface CodeInWords {
  code: string;
  description?: string;
  source?: { title: string; url?: string };
}

/** One CAS adjustment: group code, CARC in words, amount in cents. */
export interface AdjustmentInWords extends CodeInWords {
  group: string;
  groupName?: string;
  categories: string[];
  cents: number;
}

/** One line of GET /v1/denials. */
export interface DeniedLine {
  encounterId: string;
  externalId: string | null;
  claimId: string;
  payer: string;
  dateOfService: string;
  version: number;
  line: number;
  code: string;
  modifiers: string[];
  diagnoses: { pointer: number; code: string }[];
  billedCents: number;
  paidCents: number | null;
  deniedCents: number;
  adjustments: AdjustmentInWords[];
  remarks: (CodeInWords & { categories: string[] })[];
  categories: string[];
  findings: { rule: string; severity: 'error' | 'warning' | 'info'; message: string; fix?: string; scope: 'line' | 'claim'; override?: { reason: string } }[];
  flagged: boolean;
  suggestion: { path: string; frequencyCode?: string; action: string; basis: string[] };
}

/** Counts of one row of the prediction table. */
export interface PredictionCounts {
  adjudicated: number;
  flagged: number;
  flaggedDenied: number;
  denied: number;
  deniedFlagged: number;
}

/** GET /v1/denials/summary. */
export interface DenialSummary {
  prediction: PredictionCounts & {
    precision: number | null;
    recall: number | null;
    byRule: { rule: string; flagged: number; denied: number }[];
    byPayer: (PredictionCounts & { payer: string })[];
    misses: { encounterId: string; externalId: string | null; payer: string; dateOfService: string; code: string; modifiers: string[]; diagnoses: { pointer: number; code: string }[]; carc: { group: string; code: string; description?: string }[]; rarc: CodeInWords[]; category: string; packRuleKind: string | null; warnings: string[] }[];
    packDocs: string;
  };
  money: {
    claims: number;
    billedCents: number;
    allowedCents: number | null;
    linesWithoutAllowed: number;
    paidCents: number;
    patientCents: number;
    deniedCents: number;
    deniedByReason: { group: string; code: string; description?: string; cents: number; lines: number }[];
    awaiting: { claims: number; billedCents: number };
  };
}

/** GET /v1/encounters/:id/life. */
export interface EncounterLife {
  encounterId: string;
  outcome: string;
  events: {
    at: string;
    stage: string;
    summary: string;
    claimId?: string;
    codes: (CodeInWords & { list: string })[];
    lines?: { line: number | null; code: string | null; paidCents: number | null; billedCents: number | null; adjustments: AdjustmentInWords[]; remarks: CodeInWords[] }[];
  }[];
}
