/**
 * Problems found while reading or writing an X12 837P file: one shape for all of them (stable id, severity,
 * message, exact location, fix), declared once in a catalogue so that ids never change meaning.
 */
import { defineProblemCatalogue, problemTable, type InterchangeProblem } from '../problem-table.js';

/** Where a problem sits in an X12 file. Segment numbers count from 1 at ISA; blank lines are not segments. */
export interface X12Location {
  /** 1-based ordinal of the segment in the file (ISA is 1). */
  segment: number;
  /** Segment id as read (`CLM`), when there is one. */
  id?: string;
  /** The 005010X222A1 loop (`2300`) or envelope part (`ISA`, `GS`, `ST`, `header`). */
  loop?: string;
  /** Element reference (`CLM02`, `SV101-2`), when the problem is about one element. */
  element?: string;
  /** 0-based character offset of the segment start in the file (after decoding as UTF-8). */
  offset?: number;
  /** Claim id (CLM01) of the claim the problem belongs to, when inside one. */
  claimId?: string;
}

/** One problem with an X12 file, or with an encounter that cannot be written as a claim. */
export interface X12Problem extends InterchangeProblem<X12ProblemId, X12Location> {
  /** Encounter reference for writer problems (`encounter "enc-1"` or `encounter #3`). */
  encounter?: string;
  /** Encounter field for writer problems (`patient.memberId`). */
  field?: string;
}

/** Every X12 problem id with its severity and meaning (docs/x12.md lists them). */
export const X12_PROBLEMS = problemTable({
  'x12.isa.missing': { severity: 'error', summary: 'The file does not start with an ISA segment, so its separators are unknown.' },
  'x12.isa.length': { severity: 'error', summary: 'The ISA segment is not 106 characters (fixed-width elements padded wrongly).' },
  'x12.isa.element': { severity: 'error', summary: 'An ISA element has a value the interchange cannot have (version, usage indicator, control number).' },
  'x12.separators.missing': { severity: 'error', summary: 'A separator (element, component, repetition or segment terminator) is missing from the ISA.' },
  'x12.separators.invalid': { severity: 'error', summary: 'Separators declared in the ISA are letters, digits, spaces or repeat one another.' },
  'x12.separators.mismatch': { severity: 'error', summary: 'A segment uses a different element separator than the ISA declares.' },
  'x12.terminator.newline': { severity: 'error', summary: 'Segments end with line breaks (LF or CRLF) instead of a segment terminator.' },
  'x12.blank-line': { severity: 'error', summary: 'A blank line or empty segment between segments.' },
  'x12.tolerated.byte-order-mark': { severity: 'warning', summary: 'Lenient mode: the file starts with a byte-order mark, which is skipped (strict mode reports it as blank space before the ISA).' },
  'x12.tolerated.line-terminator': { severity: 'warning', summary: 'Lenient mode: segments end with a line break (CR, LF or CRLF) instead of a terminator; each line is read as a segment (strict mode: x12.terminator.newline).' },
  'x12.tolerated.whitespace': { severity: 'warning', summary: 'Lenient mode: segments are indented, followed by spaces or separated by blank lines; the blank space is skipped (named once per file; strict mode: x12.blank-line or x12.segment.malformed).' },
  'x12.tolerated.several-interchanges': { severity: 'warning', summary: 'The file holds several ISA ... IEA interchanges; each is read with the separators its own ISA declares.' },
  'x12.version.4010': { severity: 'error', summary: 'The file is HIPAA version 4010 (ISA12 00401 or GS08 004010...); version 5010 is required, so nothing else is read.' },
  'x12.segment.malformed': { severity: 'error', summary: 'A segment has no valid segment id, or is too long to be a segment.' },
  'x12.segment.unknown': { severity: 'error', summary: 'A segment id that the 837P (005010X222A1) does not use.' },
  'x12.segment.order': { severity: 'error', summary: 'A segment out of order, or outside the envelope or loop it belongs to.' },
  'x12.segment.missing': { severity: 'error', summary: 'A segment that must be present is missing.' },
  'x12.element.invalid': { severity: 'error', summary: 'An element value the 837P does not allow (format, code or length).' },
  'x12.control.mismatch': { severity: 'error', summary: 'A trailer control number (SE02, GE02, IEA02) differs from its header (ST02, GS06, ISA13).' },
  'x12.count.se': { severity: 'error', summary: 'SE01 differs from the number of segments from ST to SE inclusive.' },
  'x12.count.ge': { severity: 'error', summary: 'GE01 differs from the number of transaction sets in the group.' },
  'x12.count.iea': { severity: 'error', summary: 'IEA01 differs from the number of functional groups in the interchange.' },
  'x12.truncated': { severity: 'error', summary: 'The file ends before its envelopes are closed (no SE, GE or IEA, or a segment without terminator).' },
  'x12.claim.total-mismatch': { severity: 'error', summary: 'CLM02 differs from the sum of the SV102 line charges.' },
  'x12.claim.pointer': { severity: 'error', summary: 'A diagnosis pointer (SV107) points to no HI code, or there are more than four.' },
  'x12.claim.diagnoses': { severity: 'error', summary: 'HI codes are duplicated, more than 12, not ICD-10-CM (ABK/ABF), or the principal is not first.' },
  'x12.claim.duplicate-id': { severity: 'warning', summary: 'Two claims in the file have the same claim id (CLM01).' },
  'x12.claim.several-dates': { severity: 'warning', summary: 'The lines of one claim have different service dates; the claim is checked on the first.' },
  'x12.claim.unusable': { severity: 'error', summary: 'A claim lacks what an encounter needs (service date, lines) and is not checked.' },
  'x12.problems.truncated': { severity: 'warning', summary: 'Too many problems: the rest were counted, not listed.' },
  'x12.write.missing-field': { severity: 'error', summary: 'An encounter lacks a field the 837P requires (patient name, member id, address, claim id).' },
  'x12.write.config': { severity: 'error', summary: 'The configuration has no value the claim needs (charge for a code, payer id for a payer).' },
  'x12.write.rejected': { severity: 'error', summary: 'The check verdict is reject, so the claim is not written (use force to write it anyway).' },
  'x12.write.forced': { severity: 'warning', summary: 'A claim whose verdict is reject was written because force was set.' },
  'x12.write.sample': { severity: 'info', summary: 'Test mode: a sample value (labelled SAMPLE) stands in for a missing field.' },
  'x12.write.no-lines': { severity: 'error', summary: 'The recommended claim has no lines, so there is nothing to bill.' },
});

/** A stable X12 problem id. */
export type X12ProblemId = keyof typeof X12_PROBLEMS;

/** `segment 12 (CLM, loop 2300, CLM02)`: a location as people read it. */
export function formatLocation(location: X12Location): string {
  const parts = [location.id, location.loop ? `loop ${location.loop}` : undefined, location.element].filter((p) => p !== undefined);
  const claim = location.claimId !== undefined ? `, claim ${JSON.stringify(location.claimId)}` : '';
  return `segment ${location.segment}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}${claim}`;
}

/** The X12 catalogue: envelopes, separators and the 837P, shared by every X12 reader. */
export const X12_CATALOGUE = defineProblemCatalogue<X12ProblemId, X12Problem>({
  prefix: 'x12',
  title: 'X12 problems (envelopes and the 837P)',
  document: 'x12.md',
  module: 'src/interchange/x12/problems.ts',
  about:
    'Problems reading an X12 file (separators, ISA/GS/ST envelopes, counts and control numbers, the shapes lenient mode tolerates) and the 837P (005010X222A1) itself, and problems writing an 837P. The 999, 277CA and 835 readers report their own content problems from their catalogues ([x12-999.md](x12-999.md), [x12-277ca.md](x12-277ca.md), [x12-835.md](x12-835.md)) and these for the envelope. [docs/x12.md](../x12.md) explains the reader.',
  placeExample: 'segment 12 (CLM, loop 2300, CLM02), claim "C1"',
  table: X12_PROBLEMS,
  place: x12ProblemPlace,
});

/** Builds a problem with the catalogue's severity. */
export const x12Problem = X12_CATALOGUE.problem;

/** Where a problem sits, as people read it: its segment location, else the encounter and field, else ''. */
export function x12ProblemPlace(problem: X12Problem): string {
  if (problem.location !== undefined) return formatLocation(problem.location);
  if (problem.encounter !== undefined) return `${problem.encounter}${problem.field !== undefined ? `: ${problem.field}` : ''}`;
  return '';
}

/** One line for a person: where, what, and the fix when there is one. */
export const formatX12Problem = X12_CATALOGUE.format;
