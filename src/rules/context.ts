/**
 * What every rule family receives (a normalised encounter, the lines under check, the knowledge) and the collector
 * it reports into. Rules are pure and synchronous: they read the context and write findings, nothing else.
 */
import type { Clinical, Encounter, HistoryEntry, Procedure } from '../contract/encounter.js';
import type { Finding, GradedLevel, Source } from '../contract/result.js';
import type { ClaimType, Component, Jurisdiction, Severity, Sex } from '../contract/values.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { PayerPack } from '../knowledge/schema.js';
import type { PackLookup } from '../knowledge/packs.js';
import { RULES, type Family, type ParamsOf, type RuleId } from './catalogue.js';
import type { MedicareLineAssessment } from './medicare.js';
import type { ReportFacts } from '../extract/facts.js';
import type { AppliedPair, LeftOffLine } from './pairs.js';
import { normalizeIcd } from './icd10.js';

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
  /** The payer pack version in force on the date of service, or undefined (an unknown payer, or none in force then). */
  pack: PayerPack | undefined;
  /** What the payer id found on the date of service (the compiled pack, or why there is none). */
  packLookup: PackLookup;
  /** Codes selected from what was performed, in claim order. */
  selectedCodes: string[];
  /** Selected codes whose interpretation is not documented: only the technical component can be billed. */
  technicalOnlyCodes: ReadonlySet<string>;
  /** The lines under check: the submitted claim when given, otherwise the recommended claim. */
  lines: Line[];
  /** True when `lines` is the submitted claim, so findings carry line indexes. */
  linesAreSubmitted: boolean;
  /** The encounter as checked (the input, with report facts filled in): findings' paths point into it. */
  encounter: Encounter;
  /** For each selected code, the index of its performed entry. */
  selectedFrom: readonly number[];
  /** For each recommended line, the index of the performed entry it bills. */
  linesFrom: readonly number[];
  /** Performed services the recommended claim leaves off because a pair edit denies them beside another line. */
  leftOff: readonly LeftOffLine[];
  /** Message labels of the lines under check, filled on first use. */
  labels: string[];
  /** Facts extracted from the report text, when the encounter has one. */
  facts: ReportFacts | undefined;
  /** The encounter's VFA heights graded, when it gives them. */
  morphometry: GradedLevel[] | undefined;
  /** True when the diagnoses were suggested from the report (the encounter listed none). */
  diagnosesFromReport: boolean;
  /** The Medicare assessment of each line under check, worked out once (Medicare packs only). */
  assessments: MedicareLineAssessment[] | undefined;
  /**
   * How far `input.history` reaches, as the caller said (check()'s options): every provider's studies, or only the
   * caller's own stored ones, in which case a limit that finds no earlier study has not been checked.
   */
  historyScope: 'all-providers' | 'this-organization';
  /** The pair edits between the lines under check, once a family has asked for them (findAppliedPairs). */
  appliedPairs?: readonly AppliedPair[] | undefined;
}

/** Details of one finding besides its rule id and params. */
export interface FindingDetails {
  message: string;
  line?: number | undefined;
  fix?: string | undefined;
  source: Source;
  /** Where in the encounter the finding points (the path helpers below build it). */
  path?: string | undefined;
  /** Overrides the catalogue severity where the catalogue documents it (e.g. an ABN on file). */
  severity?: Severity;
}

/** The details a finding of rule R needs: its params exactly as the catalogue declares them, when it declares any. */
export type DetailsOf<R extends RuleId> = FindingDetails & (keyof ParamsOf<R> extends never ? { params?: undefined } : { params: ParamsOf<R> });

/** One `checked` entry of a result. */
export type CheckedEntry = Readonly<{ family: string; version: string }>;
/** One `unchecked` entry of a result. */
export type UncheckedEntry = Readonly<{ family: string; reason: string }>;

/**
 * Shared, frozen `checked` entries: consecutive checks mostly record the same family with the same version text, so
 * the entry (and the serialiser's JSON of it, cached by identity) is reused instead of rebuilt. (`unchecked` reasons
 * vary more, and sharing them cost more than it saved: callgrind, 2026-12-06.) Each family keeps its few most recent
 * texts; a text not among them gets a new entry that takes the oldest one's place.
 */
class SharedEntries<E> {
  private readonly recent = new Map<string, { texts: string[]; entries: E[] }>();
  constructor(private readonly make: (family: string, text: string) => E) {}

  get(family: string, text: string): E {
    let list = this.recent.get(family);
    if (list === undefined) this.recent.set(family, (list = { texts: [], entries: [] }));
    const { texts, entries } = list;
    for (let i = 0; i < texts.length; i++) if (texts[i] === text) return entries[i]!;
    const entry = Object.freeze(this.make(family, text));
    if (texts.length >= RECENT_ENTRIES) {
      texts.shift();
      entries.shift();
    }
    texts.push(text);
    entries.push(entry);
    return entry;
  }
}

const RECENT_ENTRIES = 4;
const sharedChecked = new SharedEntries<CheckedEntry>((family, version) => ({ family, version }));

/**
 * A family's version text made once per knowledge table (or pair of tables) it is made from, by identity, instead of
 * on every check: a text that is the very string recorded before is found among the shared `checked` entries by
 * identity, where a newly built one costs building and a character-by-character comparison. The tables are kept
 * weakly, so knowledge that is swapped out takes its texts with it.
 */
export class VersionTexts<A extends object, B extends object = A> {
  private readonly texts = new WeakMap<A, WeakMap<B, string>>();
  constructor(private readonly make: (a: A, b: B) => string) {}

  /** The text for these tables (for a text made from one table, that table alone). */
  of(a: A, b: B = a as unknown as B): string {
    let byB = this.texts.get(a);
    if (byB === undefined) this.texts.set(a, (byB = new WeakMap()));
    let text = byB.get(b);
    if (text === undefined) byB.set(b, (text = this.make(a, b)));
    return text;
  }
}

/** Collects findings and the checked/unchecked record of one check. */
export class Report {
  readonly findings: Finding[] = [];
  readonly checked: CheckedEntry[] = [];
  readonly unchecked: UncheckedEntry[] = [];

  /** Records one finding under a catalogue rule id. */
  add<R extends RuleId>(rule: R, details: DetailsOf<R>): void {
    // Built field by field so the JSON keys come out in the contract's order: rule, severity, message, line, fix, source, path, params.
    const finding = { rule, severity: details.severity ?? RULES[rule].severity, message: details.message } as Finding;
    if (details.line !== undefined) finding.line = details.line;
    if (details.fix !== undefined) finding.fix = details.fix;
    finding.source = details.source;
    if (details.path !== undefined) finding.path = details.path;
    if (details.params !== undefined) finding.params = details.params;
    this.findings.push(finding);
  }

  /** Records that a family ran with the given knowledge version. */
  ran(family: Family, version: string): void {
    this.checked.push(sharedChecked.get(family, version));
  }

  /** Records that a family (or part of it) could not run, and why: once, though a family may skip one thing for several lines. */
  skipped(family: Family, reason: string): void {
    for (const entry of this.unchecked) if (entry.family === family && entry.reason === reason) return;
    this.unchecked.push({ family, reason });
  }
}

/** Why the payer's rules could not run (for the unchecked entries of families that need a pack). */
export function noPackReason(ctx: RuleContext): string {
  return ctx.packLookup.found === 'out-of-period'
    ? `no version of the ${ctx.input.payer} payer pack is in force on ${ctx.input.dateOfService}`
    : 'the payer pack is unknown';
}

/** The line index to cite in a finding: only when the lines are the submitted claim. */
export function lineRef(ctx: RuleContext, index: number): number | undefined {
  return ctx.linesAreSubmitted ? index : undefined;
}

/** An empty set of codes, shared by the results that have none (the Excludes1 drops, the technical-only codes). */
export const NO_CODES: ReadonlySet<string> = new Set();

/**
 * `source.map(each)`, built by push. V8 makes the array that `map` or `filter` returns with other elements (holey)
 * once the calling function is optimised than before (packed), so a rule compiled while it saw the one kind was thrown
 * away and compiled again when the other arrived; an array filled by push has the same kind either way. Used for
 * arrays that one function makes and another reads on the cooler paths (the Medicare assessments, ISCD criteria).
 * The hottest lists (the normalised input, the selected codes, payer criteria outcomes) have loops of their own:
 * there the one call of `each` below, shared by every caller, became polymorphic and a restricted check slower, and
 * V8 compiled a closure made on every check anew several times a run.
 */
export function collect<S, T>(source: readonly S[], each: (item: S) => T): T[] {
  const list: T[] = [];
  for (const item of source) list.push(each(item));
  return list;
}

/** `source.filter(test)`, built by push (see collect). */
export function keep<T>(source: readonly T[], test: (item: T) => boolean): T[] {
  const list: T[] = [];
  for (const item of source) if (test(item)) list.push(item);
  return list;
}

/**
 * `list.map(text).join(separator)` without the array in between. The array `map` returns is holey or packed depending
 * on whether the caller is optimised (see collect), and `join` on the kind it had not seen threw the compiled rule
 * away; the messages that list what was found are built on every check that reports them.
 */
export function joined<T>(list: readonly T[], text: (item: T) => string, separator: string): string {
  let out = '';
  for (let i = 0; i < list.length; i++) out += i === 0 ? text(list[i]!) : separator + text(list[i]!);
  return out;
}

/** True when line `index` of `lines` carries XU (a module function, not a closure made on every check: see collect). */
export function hasXu(lines: readonly Line[], index: number): boolean {
  return lines[index]!.modifiers.includes('XU');
}

/** True when a line of `lines` bills `code` (a loop, not a closure made on every call: see selection.ts). */
export function billsCode(lines: readonly Line[], code: string): boolean {
  for (const line of lines) if (line.code === code) return true;
  return false;
}

/** "line 2 (77080)" or "77080" for messages (built once per line: every family asks for it). */
export function lineLabel(ctx: RuleContext, index: number): string {
  const line = ctx.lines[index];
  if (!line) return '?';
  if (!ctx.linesAreSubmitted) return line.code;
  return (ctx.labels[index] ??= `line ${index + 1} (${line.code})`);
}

/*
 * Paths into the encounter (docs/rules.md, "Paths"): built only when a finding is reported, from the encounter as
 * given, so a path names the line, modifier or diagnosis where the user wrote it (before defaults and dedup).
 */

/** A claim-line field a path can name. */
type LineField = 'code' | 'modifiers' | 'units' | 'diagnoses';

/**
 * The path of a line under check: `claim.lines[i]`, or `claim.lines[i].<field>` when the submitted line gives that
 * field; for a recommended line, the `performed[k]` entry it bills.
 */
export function linePath(ctx: RuleContext, index: number, field?: LineField): string | undefined {
  if (!ctx.linesAreSubmitted) {
    const origin = ctx.linesFrom[index];
    return origin === undefined ? undefined : `performed[${origin}]`;
  }
  const given = ctx.encounter.claim?.lines[index];
  return field !== undefined && given?.[field] !== undefined ? `claim.lines[${index}].${field}` : `claim.lines[${index}]`;
}

/** The path of a modifier on a submitted line (`claim.lines[i].modifiers[m]`, its first or last occurrence). */
export function modifierPath(ctx: RuleContext, index: number, modifier: string, last = false): string | undefined {
  const modifiers = ctx.lines[index]?.modifiers ?? [];
  const at = last ? modifiers.lastIndexOf(modifier) : modifiers.indexOf(modifier);
  // Normalised modifiers keep the input's order and count, so the index is the input's.
  return ctx.linesAreSubmitted && at >= 0 ? `claim.lines[${index}].modifiers[${at}]` : linePath(ctx, index, 'modifiers');
}

/** The path of a diagnosis: its `nth` place in the encounter's `diagnoses`, else its first place on a claim line. */
export function diagnosisPath(ctx: RuleContext, dx: string, nth = 0): string | undefined {
  const listed = ctx.encounter.diagnoses ?? [];
  let seen = 0;
  for (let d = 0; d < listed.length; d++) if (normalizeIcd(listed[d]!) === dx && seen++ === nth) return `diagnoses[${d}]`;
  const lines = ctx.encounter.claim?.lines ?? [];
  for (let i = 0; i < lines.length; i++) {
    const at = lineDiagnosisIndex(lines[i]!.diagnoses, dx);
    if (at >= 0) return `claim.lines[${i}].diagnoses[${at}]`;
  }
  return undefined;
}

function lineDiagnosisIndex(given: readonly string[] | undefined, dx: string): number {
  return given ? given.findIndex((raw) => normalizeIcd(raw) === dx) : -1;
}

/** The path of a diagnosis a line points to: `claim.lines[i].diagnoses[d]`, or for a recommended line the encounter's. */
export function lineDiagnosisPath(ctx: RuleContext, index: number, dx: string): string | undefined {
  if (!ctx.linesAreSubmitted) return diagnosisPath(ctx, dx);
  const at = lineDiagnosisIndex(ctx.encounter.claim?.lines[index]?.diagnoses, dx);
  return at >= 0 ? `claim.lines[${index}].diagnoses[${at}]` : linePath(ctx, index, 'diagnoses');
}

/** The path of a line's diagnoses: the submitted line's list, or the encounter's, which a recommended line points into. */
export function lineDiagnosesPath(ctx: RuleContext, index: number): string | undefined {
  if (!ctx.linesAreSubmitted && ctx.encounter.diagnoses !== undefined) return 'diagnoses';
  return linePath(ctx, index, 'diagnoses');
}

/** The path of a history entry (`history[h]`), found by its date and code. */
export function historyPath(ctx: RuleContext, dateOfService: string, code: string): string | undefined {
  const at = ctx.input.history?.findIndex((h) => h.dateOfService === dateOfService && h.code === code) ?? -1;
  return at >= 0 ? `history[${at}]` : undefined;
}
