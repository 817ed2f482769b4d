/**
 * Problems found while reading HL7 v2 messages or writing a DFT^P03: one shape for all of them (stable id, severity,
 * message, exact location, what was expected, fix), declared once in a catalogue so that ids never change meaning.
 * The shape follows src/interchange/x12/problems.ts so the CLI can print every interchange problem the same way.
 */
import { defineProblemCatalogue, problemTable, type InterchangeProblem } from '../problem-table.js';

/** Where a problem sits in an HL7 v2 file. */
export interface Hl7Location {
  /** 1-based ordinal of the message in the file (each MSH starts one). */
  message?: number;
  /** 1-based ordinal of the segment in the file (blank lines and MLLP framing are not segments). */
  segment?: number;
  /** Segment id as read (`OBR`). */
  id?: string;
  /** Field reference (`OBR-25`, `PID-7`), when the problem is about one field. */
  field?: string;
  /** 0-based character offset of the segment start in the text. */
  offset?: number;
  /** MSH-10 message control id of the message, when known. */
  controlId?: string;
}

/** One problem with an HL7 v2 file, or with an encounter that cannot be written as a DFT^P03. */
export type Hl7Problem = InterchangeProblem<Hl7ProblemId, Hl7Location>;

/** Every HL7 v2 problem id with its severity and meaning (docs/fhir-hl7.md lists them). */
export const HL7_PROBLEMS = problemTable({
  'hl7.empty': { severity: 'error', summary: 'The text holds no HL7 segment.' },
  'hl7.outside-message': { severity: 'error', summary: 'Segments before the first MSH belong to no message; they are skipped.' },
  'hl7.msh.invalid': { severity: 'error', summary: 'The MSH segment is too short or declares unusable separators (MSH-1, MSH-2); the message is skipped.' },
  'hl7.segment.malformed': { severity: 'warning', summary: 'A segment has no valid three-character segment id; it is skipped.' },
  'hl7.message.unsupported': { severity: 'warning', summary: 'The message type is not ORU^R01 (a result) nor an order; it is not read.' },
  'hl7.order-only': { severity: 'info', summary: 'An order (ORM^O01) is never a charge: charge only from a final result (REFERENCE §9).' },
  'hl7.segment.missing': { severity: 'error', summary: 'A segment the ORU^R01 needs (PID, OBR) is missing.' },
  'hl7.result.not-final': { severity: 'error', summary: 'The result status (OBR-25) is not final (F) or corrected (C): charge only from a final result (REFERENCE §9).' },
  'hl7.date.invalid': { severity: 'error', summary: 'The observation date (OBR-7) is missing or not a calendar date, so there is no date of service.' },
  'hl7.report.missing': { severity: 'error', summary: 'No OBX carries report text (TX, FT or ST), so there is nothing to code from.' },
  'hl7.report.too-long': { severity: 'error', summary: 'The report text is longer than an encounter allows.' },
  'hl7.value.invalid': { severity: 'warning', summary: 'A field value cannot be used (sex, birth date, T-score, NPI, diagnosis code); it is left out.' },
  'hl7.obr.several-dates': { severity: 'warning', summary: 'The OBR segments of one result have different observation dates; the first is the date of service.' },
  'hl7.obx.skipped': { severity: 'warning', summary: 'An OBX is not read (deleted or wrong status, or a value type that is not text or a number).' },
  'hl7.encounter.invalid': { severity: 'error', summary: 'The encounter read from the message does not satisfy the contract (CONTRACT.md).' },
  'hl7.write.no-lines': { severity: 'error', summary: 'The recommended claim has no lines, so there is nothing to charge.' },
  'hl7.write.rejected': { severity: 'error', summary: 'The check verdict is reject, so no DFT^P03 is written (use force to write it anyway).' },
  'hl7.write.forced': { severity: 'warning', summary: 'A DFT^P03 whose verdict is reject was written because force was set.' },
  'hl7.write.not-final': { severity: 'error', summary: 'The result the encounter came from is not final: charge only from a final result (REFERENCE §9). Force does not override this.' },
  'hl7.write.unsigned': { severity: 'error', summary: 'The report is not signed: charge only from a signed result (REFERENCE §9). Force does not override this.' },
  'hl7.write.option': { severity: 'error', summary: 'A writer option is unusable (message control id, message date/time, separators in a value).' },
  'hl7.write.missing-field': { severity: 'warning', summary: 'A field HL7 v2.5.1 requires is empty because the encounter does not give it (PID-3 patient id, PID-5 name).' },
});

/** A stable HL7 problem id. */
export type Hl7ProblemId = keyof typeof HL7_PROBLEMS;

/** `message 2, segment 14 (OBR, OBR-25)`: a location as people read it. */
export function formatHl7Location(location: Hl7Location): string {
  const parts: string[] = [];
  if (location.message !== undefined) parts.push(`message ${location.message}`);
  if (location.segment !== undefined) parts.push(`segment ${location.segment}`);
  const inner = [location.id, location.field].filter((p) => p !== undefined);
  const control = location.controlId !== undefined ? ` [MSH-10 ${JSON.stringify(location.controlId)}]` : '';
  return `${parts.join(', ')}${inner.length > 0 ? ` (${inner.join(', ')})` : ''}${control}`;
}

/** Where a problem sits, as people read it (formatHl7Location), or ''. */
export function hl7ProblemPlace(problem: Hl7Problem): string {
  return problem.location === undefined ? '' : formatHl7Location(problem.location);
}

/** The HL7 v2 catalogue: reading ORU^R01 and ORM^O01 messages, writing a DFT^P03. */
export const HL7_CATALOGUE = defineProblemCatalogue<Hl7ProblemId, Hl7Problem>({
  prefix: 'hl7',
  title: 'HL7 v2 problems',
  document: 'hl7.md',
  module: 'src/interchange/hl7/problems.ts',
  about: 'Problems reading HL7 v2 result (ORU^R01) and order (ORM^O01) messages, and writing a DFT^P03 charge. [docs/fhir-hl7.md](../fhir-hl7.md) explains the mapping.',
  placeExample: 'message 2, segment 14 (OBR, OBR-25) [MSH-10 "MSG0001"]',
  table: HL7_PROBLEMS,
  place: hl7ProblemPlace,
});

/** Builds a problem with the catalogue's severity. */
export const hl7Problem = HL7_CATALOGUE.problem;

/** One line for a person: where, what, what was expected, and the fix when there is one. */
export const formatHl7Problem = HL7_CATALOGUE.format;
