/**
 * check(): codes the encounter, runs every rule family over the submitted claim (or the recommended one) and
 * assembles the contract's Result. Pure and synchronous: the same encounter and knowledge give the same output.
 */
import type { Encounter } from '../contract/encounter.js';
import type { Result } from '../contract/result.js';
import type { Verdict } from '../contract/values.js';
import type { Knowledge } from '../knowledge/compile.js';
import { checkCodes } from '../rules/codes.js';
import { Report, type RuleContext } from '../rules/context.js';
import { checkCoverage } from '../rules/coverage.js';
import { checkDiagnoses } from '../rules/diagnoses.js';
import { checkFrequency } from '../rules/frequency.js';
import { checkIndications } from '../rules/indications.js';
import { checkModifiers } from '../rules/modifiers.js';
import { checkPairs } from '../rules/pairs.js';
import { checkPayer } from '../rules/payer.js';
import { checkPointers } from '../rules/pointers.js';
import { checkSelection } from '../rules/selection.js';
import { checkUnits } from '../rules/units.js';
import { checkDocumentation } from '../rules/documentation.js';
import { checkProviders } from '../rules/providers.js';
import { extract } from '../extract/extract.js';
import { gradeMorphometry } from '../morphometry/grade.js';
import type { ReportFacts } from '../extract/facts.js';
import { applyReport } from './report.js';
import { assessMedicareClaim } from '../rules/medicare.js';
import { normalizeFields, readEncounter } from './normalize.js';
import { code } from './recommend.js';
import { FAMILIES, type Family } from '../rules/catalogue.js';
import type { FamilySelection } from './families.js';

/** Each rule family's check; they run in the catalogue's FAMILIES order. */
const FAMILY_CHECKS: Readonly<Record<Family, (ctx: RuleContext, report: Report) => void>> = {
  selection: checkSelection,
  codes: checkCodes,
  modifiers: checkModifiers,
  pairs: checkPairs,
  units: checkUnits,
  diagnoses: checkDiagnoses,
  pointers: checkPointers,
  coverage: checkCoverage,
  frequency: checkFrequency,
  indications: checkIndications,
  payer: checkPayer,
  providers: checkProviders,
  documentation: checkDocumentation,
};
const FAMILY_RUNS = FAMILIES.map((family) => ({ family, run: FAMILY_CHECKS[family] }));

function verdictOf(report: Report): Verdict {
  let warning = report.unchecked.length > 0;
  for (const finding of report.findings) {
    if (finding.severity === 'error') return 'reject';
    if (finding.severity === 'warning') warning = true;
  }
  return warning ? 'review' : 'clean';
}

/**
 * How far an encounter's `history` reaches. The engine reads nothing itself, so the caller says it:
 * `all-providers` (the default, as CONTRACT.md defines `history`): every earlier study of the patient, by any
 * provider. `this-organization`: only the caller's own stored studies (the store's history); a frequency limit that
 * finds no earlier study in them is then not checked, since a study by another provider counts too and is unknown,
 * and with no history at all it says the patient could not be matched.
 */
export type HistoryScope = 'all-providers' | 'this-organization';

/** Options of check() and checkWithFacts(). */
export interface CheckOptions {
  /** How far `history` reaches (default `all-providers`). */
  historyScope?: HistoryScope;
  /**
   * Run only these rule families (default: every family). Each family left out gets an `unchecked` entry saying it
   * was not run, so a partial check is never `clean`. The recommended claim is built in full either way.
   */
  families?: FamilySelection;
}

/** Checks one validated encounter against the knowledge and returns the contract's Result. */
export function check(given: Encounter, knowledge: Knowledge, options: CheckOptions = {}): Result {
  return checkWithFacts(given, knowledge, options).result;
}

/** check(), also returning the facts read from the encounter's report (for callers that keep them, e.g. the registry). */
export function checkWithFacts(given: Encounter, allKnowledge: Knowledge, options: CheckOptions = {}): { result: Result; facts: ReportFacts | undefined } {
  // One resolution per check: a version swapped in meanwhile never mixes into this result.
  // Each field of the encounter read once, into a fixed shape (reading absent fields by name is slow: normalize.ts).
  const givenFields = readEncounter(given);
  const knowledge = allKnowledge.forDate(givenFields.dateOfService!);
  const facts = givenFields.report !== undefined ? extract(givenFields.report) : undefined;
  const applied = facts ? applyReport(given, facts) : undefined;
  const encounter = applied ? applied.encounter : given;
  const fields = applied ? readEncounter(encounter) : givenFields;
  const input = normalizeFields(fields, knowledge.office);
  const report = new Report();
  const packLookup = knowledge.packs.on(input.payer, input.dateOfService);
  const pack = packLookup.found === 'pack' ? packLookup.pack.pack : undefined;
  const only = options.families;
  // The selection family's findings about what was performed are made while the codes are selected.
  // The recommended lines' Medicare assessments are kept only when they are the lines under check (the coverage and
  // frequency families read them); otherwise code() works out no more than their liability modifiers.
  const coded = code(input, knowledge, pack, only === undefined || only.has('selection') ? report : undefined, input.submitted === undefined);
  const submitted = input.submitted;
  const ctx: RuleContext = {
    input,
    knowledge,
    pack,
    packLookup,
    selectedCodes: coded.selectedCodes,
    technicalOnlyCodes: coded.technicalOnlyCodes,
    lines: submitted ?? coded.lines,
    linesAreSubmitted: submitted !== undefined,
    encounter,
    selectedFrom: coded.selectedFrom,
    linesFrom: coded.linesFrom,
    leftOff: coded.leftOff,
    labels: [],
    facts,
    morphometry: fields.morphometry ? gradeMorphometry(fields.morphometry, fields.priorMorphometry) : undefined,
    diagnosesFromReport: givenFields.diagnoses === undefined && (facts?.diagnoses.length ?? 0) > 0,
    historyScope: options.historyScope ?? 'all-providers',
    appliedPairs: undefined,
    // Worked out once for the coverage and frequency families, which otherwise assess each line themselves.
    assessments:
      pack?.program !== 'medicare'
        ? undefined
        : !submitted
          ? coded.assessments
          : only === undefined || only.has('coverage')
            ? assessMedicareClaim(input, knowledge, submitted)
            : undefined,
  };
  if (only === undefined) for (const { run } of FAMILY_RUNS) run(ctx, report);
  else {
    const notRun = only.notRun;
    for (let i = 0; i < FAMILY_RUNS.length; i++) {
      const entry = notRun[i];
      if (entry === undefined) FAMILY_RUNS[i]!.run(ctx, report);
      else report.unchecked.push(entry);
    }
  }

  const verdict = verdictOf(report);
  // code() made these lines for this result (in the contract's key order): they are handed over, not copied.
  const recommended = { lines: coded.lines, diagnoses: coded.diagnoses };
  // Without repeats: Report.skipped records each once, and the not-run entries are one per family.
  const { findings, checked, unchecked } = report;
  // In the contract's key order, id first when given (as the serialiser and JSON.stringify write it).
  const result: Result =
    givenFields.id === undefined ? { verdict, recommended, findings, checked, unchecked } : { id: givenFields.id, verdict, recommended, findings, checked, unchecked };
  if (applied) result.fromReport = applied.fromReport;
  if (ctx.morphometry) result.morphometry = ctx.morphometry;
  return { result, facts };
}
