/** The shape shared by the X12, FHIR and HL7 problem catalogues: each id with its severity and meaning. */
import type { Severity } from '../contract/values.js';

/** One catalogued interchange problem. */
export interface ProblemDefinition {
  severity: Severity;
  summary: string;
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
