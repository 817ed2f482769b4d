/**
 * The shape shared by the X12, FHIR and HL7 problem catalogues: each id with its severity and meaning, the problem
 * built from it, and its two renderings (a line for a person, a contract Finding for the API).
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

/** Declares a problem catalogue, keeping its literal ids as the key type. */
export function problemTable<const T extends Record<string, ProblemDefinition>>(table: T): T {
  return table;
}

/**
 * The constructor for one catalogue: builds a problem of that format with the catalogue's severity, so severities
 * live only in the table.
 */
export function problemFactory<Id extends string, P extends { rule: Id; severity: Severity; message: string }>(
  table: Record<Id, ProblemDefinition>,
): (rule: Id, message: string, extra?: Omit<P, 'rule' | 'severity' | 'message'>) => P {
  return (rule, message, extra) => ({ rule, severity: table[rule].severity, message, ...extra }) as P;
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
