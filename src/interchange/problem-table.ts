/**
 * One definition for every interchange problem catalogue (X12 837P, 999, 277CA, 835, FHIR, HL7): a prefix, a table
 * of ids with severity and meaning, and a place renderer. From it come the problem constructor, its two renderings
 * (a line for a person, a contract Finding for the API) and the catalogue's generated document (docs/problems/).
 */
import type { Finding, Source } from '../contract/result.js';
import type { Severity } from '../contract/values.js';

/** One catalogued interchange problem. */
export interface ProblemDefinition {
  severity: Severity;
  summary: string;
}

/** One problem found reading or writing an interchange format; `Location` is that format's own address. */
export interface InterchangeProblem<Id extends string, Location> {
  /** Stable id from the format's catalogue. */
  rule: Id;
  severity: Severity;
  message: string;
  location?: Location;
  /** What the reader expected at that location. */
  expected?: string;
  fix?: string;
}

/** What a catalogue is declared with. */
export interface ProblemCatalogueSpec<Id extends string, P extends InterchangeProblem<Id, unknown>> {
  /** Every id starts with `prefix.` (`x12`, `x12.835`, `fhir`). */
  prefix: string;
  /** Heading of the generated document (`X12 837P problems`). */
  title: string;
  /** File name of the generated document under docs/problems/ (`x12.md`). */
  document: string;
  /** The module that declares the catalogue, named in the generated document. */
  module: string;
  /** What the catalogue covers and where its problems come from, as a paragraph of the generated document. */
  about: string;
  /** How a place reads in that format, in the document (`segment 12 (CLM, loop 2300, CLM02)`). */
  placeExample: string;
  table: Readonly<Record<Id, ProblemDefinition>>;
  /** Where a problem sits, as people read it; '' when it has no place. */
  place: (problem: P) => string;
}

/** A declared catalogue: its spec, the problem constructor and the renderings every format shares. */
export interface ProblemCatalogue<Id extends string, P extends InterchangeProblem<Id, unknown>> extends ProblemCatalogueSpec<Id, P> {
  /** Builds a problem with the catalogue's severity, so severities live only in the table. */
  problem: (rule: Id, message: string, extra?: Omit<P, 'rule' | 'severity' | 'message'>) => P;
  /** One line for a person: `place: message; expected ... (fix)`. */
  format: (problem: P) => string;
  /** The problem as a contract Finding: place and expectation in the message, the fix in its own field. */
  finding: (problem: P, source: Source) => Finding;
}

/** Declares a problem catalogue, keeping its literal ids as the key type. */
export function problemTable<const T extends Record<string, ProblemDefinition>>(table: T): T {
  return table;
}

/**
 * Declares a catalogue from its spec. An id outside the prefix is a programmer error and throws when the module
 * loads, so a catalogue can never publish an id another one owns.
 */
export function defineProblemCatalogue<Id extends string, P extends InterchangeProblem<Id, unknown>>(spec: ProblemCatalogueSpec<Id, P>): ProblemCatalogue<Id, P> {
  for (const id of Object.keys(spec.table)) {
    if (!id.startsWith(`${spec.prefix}.`)) throw new Error(`problem id ${id} is outside the catalogue prefix ${spec.prefix}`);
  }
  return {
    ...spec,
    problem: (rule, message, extra) => ({ rule, severity: spec.table[rule].severity, message, ...extra }) as P,
    format: (problem) => problemLine(spec.place(problem), problem),
    finding: (problem, source) => problemFinding(spec.place(problem), problem, source),
  };
}

type Renderable = Pick<InterchangeProblem<string, unknown>, 'message' | 'expected' | 'fix'>;

/** One line for a person: `place: message; expected ... (fix)`; `place` is '' when the problem has none. */
export function problemLine(place: string, problem: Renderable): string {
  return `${place === '' ? '' : `${place}: `}${problemText(problem)}${problem.fix !== undefined ? ` (${problem.fix})` : ''}`;
}

/** The problem as a contract Finding: place and expectation in the message, the fix in its own field. */
export function problemFinding(place: string, problem: Renderable & { rule: string; severity: Severity }, source: Source): Finding {
  return {
    rule: problem.rule,
    severity: problem.severity,
    message: `${place === '' ? '' : `${place}: `}${problemText(problem)}`,
    ...(problem.fix !== undefined ? { fix: problem.fix } : {}),
    source,
  };
}

function problemText(problem: Renderable): string {
  return `${problem.message}${problem.expected !== undefined ? `; expected ${problem.expected}` : ''}`;
}

/** What a catalogue's generated document needs: every catalogue is one. */
export type CatalogueDocument = Pick<ProblemCatalogueSpec<string, never>, 'prefix' | 'title' | 'document' | 'module' | 'about' | 'placeExample' | 'table'>;

/** The catalogue's document (docs/problems/NAME.md): what it covers, how a place reads, and every id. */
export function catalogueMarkdown(catalogue: CatalogueDocument): string {
  const rows = Object.entries(catalogue.table).map(([id, p]) => `| \`${id}\` | ${p.severity} | ${p.summary.replaceAll('|', '\\|')} |`);
  return [
    `# ${catalogue.title}`,
    '',
    catalogue.about,
    '',
    `A problem reads \`place: message\`, the place as in \`${catalogue.placeExample}\`. Ids never change meaning.`,
    `Generated from \`${catalogue.module}\` by \`npm run docs\`; a test keeps it in step.`,
    '',
    '| id | severity | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
