/**
 * What every rule family receives (a normalised encounter, the lines under check, the knowledge) and the collector
 * it reports into. Rules are pure and synchronous: they read the context and write findings, nothing else.
 */
import type { Clinical, HistoryEntry, Procedure } from '../contract/encounter.js';
import type { Finding, Source } from '../contract/result.js';
import type { ClaimType, Component, Jurisdiction, Severity, Sex } from '../contract/values.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { PayerPack } from '../knowledge/schema.js';
import { RULES, type Family, type RuleId } from './catalogue.js';
import type { MedicareLineAssessment } from './medicare.js';
import type { ReportFacts } from '../extract/facts.js';

/** A claim line with defaults applied: upper-case modifiers, units, dotted diagnoses. */
export interface Line {
  code: string;
  modifiers: string[];
  units: number;
  diagnoses: string[];
}

/** The encounter as the rules see it: defaults applied, codes normalised, age worked out. */
export interface CheckInput {
  id: string | undefined;
  dateOfService: string;
  sex: Sex;
  /** Age in whole years on the date of service, when known. */
  age: number | undefined;
  payer: string;
  claimType: ClaimType;
  component: Component;
  /** The Medicare contractor's jurisdiction (the encounter's, else the configuration's default), when known. */
  jurisdiction: Jurisdiction | undefined;
  /** The ordering provider's NPI, when given. */
  orderingNpi: string | undefined;
  /** The billing provider's NPI: the encounter's, else the office's default. */
  billingNpi: string | undefined;
  treatingOrder: boolean | undefined;
  /** True when the encounter identifies the ordering provider (an NPI, or whether they treat the patient). */
  orderGiven: boolean;
  performed: Procedure[];
  /** Documented diagnoses, dotted, upper case, first occurrence kept. */
  diagnoses: string[];
  /** True when the encounter listed diagnoses itself (not only on claim lines). */
  diagnosesGiven: boolean;
  /** Diagnoses listed more than once in the input. */
  duplicateDiagnoses: string[];
  clinical: Clinical;
  /** Undefined when no history was given (frequency cannot be checked); [] when none exists. */
  history: HistoryEntry[] | undefined;
  abnOnFile: boolean | undefined;
  priorAuthorization: { obtained: boolean; number?: string | undefined } | undefined;
  /** The submitted claim lines, when a claim was given. */
  submitted: Line[] | undefined;
}

/** Everything a rule family reads. */
export interface RuleContext {
  input: CheckInput;
  knowledge: Knowledge;
  /** The payer pack, or undefined when the payer id is unknown. */
  pack: PayerPack | undefined;
  /** Codes selected from what was performed, in claim order. */
  selectedCodes: string[];
  /** Selected codes whose interpretation is not documented: only the technical component can be billed. */
  technicalOnlyCodes: Set<string>;
  /** The lines under check: the submitted claim when given, otherwise the recommended claim. */
  lines: Line[];
  /** True when `lines` is the submitted claim, so findings carry line indexes. */
  linesAreSubmitted: boolean;
  /** Message labels of the lines under check, filled on first use. */
  labels: string[];
  /** Facts extracted from the report text, when the encounter has one. */
  facts: ReportFacts | undefined;
  /** True when the diagnoses were suggested from the report (the encounter listed none). */
  diagnosesFromReport: boolean;
  /** The Medicare assessment of each line under check, worked out once (Medicare packs only). */
  assessments: MedicareLineAssessment[] | undefined;
}

/** Details of one finding besides its rule id. */
export interface FindingDetails {
  message: string;
  line?: number | undefined;
  fix?: string | undefined;
  source: Source;
  /** Overrides the catalogue severity where the catalogue documents it (e.g. an ABN on file). */
  severity?: Severity;
}

/** Collects findings and the checked/unchecked record of one check. */
export class Report {
  readonly findings: Finding[] = [];
  readonly checked: { family: string; version: string }[] = [];
  readonly unchecked: { family: string; reason: string }[] = [];

  /** Records one finding under a catalogue rule id. */
  add(rule: RuleId, details: FindingDetails): void {
    // Built field by field so the JSON keys come out in the contract's order: rule, severity, message, line, fix, source.
    const finding = { rule, severity: details.severity ?? RULES[rule].severity, message: details.message } as Finding;
    if (details.line !== undefined) finding.line = details.line;
    if (details.fix !== undefined) finding.fix = details.fix;
    finding.source = details.source;
    this.findings.push(finding);
  }

  /** Records that a family ran with the given knowledge version. */
  ran(family: Family, version: string): void {
    this.checked.push({ family, version });
  }

  /** Records that a family (or part of it) could not run, and why. */
  skipped(family: Family, reason: string): void {
    this.unchecked.push({ family, reason });
  }
}

/** The line index to cite in a finding: only when the lines are the submitted claim. */
export function lineRef(ctx: RuleContext, index: number): number | undefined {
  return ctx.linesAreSubmitted ? index : undefined;
}

/** "line 2 (77080)" or "77080" for messages (built once per line: every family asks for it). */
export function lineLabel(ctx: RuleContext, index: number): string {
  const line = ctx.lines[index];
  if (!line) return '?';
  if (!ctx.linesAreSubmitted) return line.code;
  return (ctx.labels[index] ??= `line ${index + 1} (${line.code})`);
}
