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
