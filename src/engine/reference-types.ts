/**
 * The shapes of the coders' reference (engine/reference.ts builds them, the API sends them, the page reads them): kept
 * apart from the builder so that the page's compilation reads types only, never the knowledge modules.
 */
import type { Source } from '../contract/result.js';

/** Where a code stands on the date: valid, not yet valid, ended, or without recorded dates. */
export const CODE_STATUSES = ['valid', 'not-yet-valid', 'ended', 'dates-not-recorded'] as const;
/** One code status. */
export type CodeStatus = (typeof CODE_STATUSES)[number];

/** One code in the reference's index. */
export interface ReferenceCodeSummary {
  code: string;
  system: 'CPT' | 'HCPCS';
  label: string;
  service: string | null;
  status: CodeStatus;
  /** How many common mistakes the knowledge records for it. */
  mistakeCount: number;
}

/** A code's history: its valid dates, what it replaced and what replaced it. */
export interface CodeHistory {
  effective: string | null;
  end: string | null;
  status: CodeStatus;
  statusUnverified: boolean;
  replacedBy: string[];
  replaces: string[];
  /** Combined-code replacements it takes part in (77080 + 77086 in one session: 77085). */
  combinations: { codes: string[]; replacement: string; effective: string | null; end: string | null; rationale: string; source: Source }[];
  source: Source;
}

/** One pair edit between this code and another of the family. */
export interface ReferencePair {
  column1: string;
  column2: string;
  /** The other code of the pair. */
  other: string;
  claimType: 'professional' | 'institutional';
  effective: string | null;
  deletion: string | null;
  /** True when the row applies on the date (in force, indicator not 9). */
  inForce: boolean;
  modifierIndicator: '0' | '1' | '9' | null;
  indicatorConfidence: Source['confidence'];
  kind: string;
  rationale: string;
  source: Source;
}

/** The medically unlikely edit of the code for one claim type. */
export interface ReferenceUnits {
  claimType: 'professional' | 'institutional';
  value: number;
  /** MUE adjudication indicator (1 per line, 2 per date by policy, 3 per date clinical); null when not published. */
  mai: number | null;
  rationale: string;
  source: Source;
}

/** A modifier that applies to the code, and why. */
export interface ReferenceModifier {
  modifier: string;
  label: string;
  /** Why it applies to this code, from the knowledge object named by `source`. */
  because: string;
  source: Source;
}

/** What Medicare's bone mass measurement policy says of the code. */
export interface MedicareCoverage {
  notes: { text: string; source: Source }[];
  /** Contractors' billing articles: whether each lists the code, by jurisdiction. */
  articles: { jurisdictions: string[]; article: string; title: string; contractor: string; listsCode: boolean; coveredDiagnoses: number | null; url: string | null; source: Source }[];
  /** Contractors' same-day limits that name the code's category. */
  contractors: { contractor: string; policy: string; jurisdictions: string[]; text: string; source: Source }[];
}

/** A payer pack's rules for the code, in the version in force on the date. */
export interface PayerCoverage {
  id: string;
  name: string;
  program: string;
  version: string;
  effective: string;
  end: string | null;
  rules: { id: string; kind: string; severity: string; message: string; source: Source }[];
  source: Source;
}

/** Everything the reference shows for one code. */
export interface CodeReference extends ReferenceCodeSummary {
  date: string;
  history: CodeHistory;
  pairs: ReferencePair[];
  /** Whether the pair edits shown are complete (an imported CMS table) or the embedded partial subset, and why. */
  pairsNote: { complete: boolean; text: string; source: Source };
  units: ReferenceUnits[];
  modifiers: ReferenceModifier[];
  pcTc: { split: boolean; indicator: string | null; source: Source } | null;
  coverage: { medicare: MedicareCoverage; payers: PayerCoverage[] };
  mistakes: { mistake: string; instead: string; source: Source }[];
}
