/**
 * HL7 v2 interchange: read ORU^R01 results into encounters (ORM^O01 orders are never a charge) and write DFT^P03
 * charge messages. The CLI uses this surface; see docs/fhir-hl7.md.
 */
export { hl7ToEncounters, type Hl7MessageOutcome, type Hl7Person, type Hl7ReadDetails, type Hl7ReadOptions, type Hl7ReadResult, type Hl7TScore } from './read.js';
export { DFT_VERSION, escapeHl7, toDftP03, type DftOptions, type DftOutcome } from './dft.js';
export { formatHl7Location, formatHl7Problem, hl7ProblemPlace, HL7_PROBLEMS, type Hl7Location, type Hl7Problem, type Hl7ProblemId } from './problems.js';
export { splitSegments } from './message.js';

/** True when a text is HL7 v2: it starts with the MLLP start block (0x0b) or, after blank space, with MSH (or a batch header). */
export function detectHl7Format(head: string): 'hl7' | undefined {
  if (head.startsWith('\u000b')) return 'hl7';
  const start = head.replace(/^[ \t\r\n\uFEFF]+/, '');
  return /^(MSH|FHS|BHS)/.test(start) ? 'hl7' : undefined;
}
