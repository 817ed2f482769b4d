/**
 * What can be wrong inside the files that come back after an 837P: the 999 implementation acknowledgment
 * (005010X231A1), the 277CA claim acknowledgment (005010X214) and the 835 remittance advice (005010X221A1). One
 * catalogue per transaction set, on the shared definition; their envelopes and separators are the X12 catalogue's.
 */
import { defineProblemCatalogue, problemLine, problemTable, type InterchangeProblem } from '../problem-table.js';
import { formatLocation, type X12Location, type X12Problem } from './problems.js';

/** Every 999 content problem id with its severity and meaning. */
export const ACK_999_PROBLEMS = problemTable({
  'x12.999.segment.missing': { severity: 'error', summary: 'A segment the 999 requires is missing: AK1 after ST, IK5 closing each AK2, AK9 closing the group.' },
  'x12.999.segment.order': { severity: 'error', summary: 'A 999 segment out of order (IK3 before AK2, IK4 before IK3, a second AK1).' },
  'x12.999.element.invalid': { severity: 'error', summary: 'An element value the 999 does not allow (an acknowledgment code, a control number, a count that is not a number).' },
  'x12.999.count': { severity: 'warning', summary: 'AK9 counts (AK902 included, AK903 received, AK904 accepted) disagree with the AK2 loops and their IK5 codes.' },
});

/** Every 277CA content problem id with its severity and meaning. */
export const STATUS_277_PROBLEMS = problemTable({
  'x12.277ca.segment.missing': { severity: 'error', summary: 'A segment the 277CA requires is missing (BHT after ST, STC after a TRN, SVC before its line STC).' },
  'x12.277ca.segment.order': { severity: 'error', summary: 'A 277CA segment out of order or in a loop it does not belong to (HL levels 20, 21, 19, PT in that order).' },
  'x12.277ca.element.invalid': { severity: 'error', summary: 'An element value the 277CA does not allow (HL numbering or level, a status composite, an amount, a date).' },
});

/** Every 835 content problem id with its severity and meaning. */
export const REMIT_835_PROBLEMS = problemTable({
  'x12.835.segment.missing': { severity: 'error', summary: 'A segment the 835 requires is missing (BPR and TRN starting the header, the payer and payee N1, CLP before its adjustments and lines).' },
  'x12.835.segment.order': { severity: 'error', summary: 'An 835 segment out of order or outside the loop it belongs to (SVC before CLP, CAS before CLP, PLB before the claims end).' },
  'x12.835.element.invalid': { severity: 'error', summary: 'An element value the 835 does not allow (CLP02 status, CAS01 group code, an amount, a date, a remark qualifier).' },
  'x12.835.balance.line': { severity: 'warning', summary: 'A service line does not balance: SVC03 paid differs from SVC02 charged minus its CAS adjustments.' },
  'x12.835.balance.claim': { severity: 'warning', summary: 'A claim does not balance: CLP04 paid differs from CLP03 charged minus the claim and line CAS adjustments.' },
  'x12.835.balance.payment': { severity: 'warning', summary: 'The transaction does not balance: BPR02 differs from the sum of CLP04 minus the PLB provider adjustments.' },
});

/** A stable 999 problem id. */
export type Ack999ProblemId = keyof typeof ACK_999_PROBLEMS;
/** A stable 277CA problem id. */
export type Status277ProblemId = keyof typeof STATUS_277_PROBLEMS;
/** A stable 835 problem id. */
export type Remit835ProblemId = keyof typeof REMIT_835_PROBLEMS;
/** A problem id a response reader reports: the envelope's (X12) or the content's. */
export type ResponseProblemId = X12Problem['rule'] | Ack999ProblemId | Status277ProblemId | Remit835ProblemId;

/** One problem reading a 999, 277CA or 835 file. */
export type ResponseProblem = InterchangeProblem<ResponseProblemId, X12Location>;

/** Where a response problem sits: `segment 12 (CLP, loop 2100, CLP02), claim "C1"`, or ''. */
export function responseProblemPlace(problem: ResponseProblem): string {
  return problem.location === undefined ? '' : formatLocation(problem.location);
}

/** One line for a person: where, what, and the fix when there is one. */
export function formatResponseProblem(problem: ResponseProblem): string {
  return problemLine(responseProblemPlace(problem), problem);
}

const common = { module: 'src/interchange/x12/response-problems.ts', placeExample: 'segment 12 (CLP, loop 2100, CLP02), claim "C1"', place: responseProblemPlace } as const;

/** The 999 catalogue. */
export const ACK_999_CATALOGUE = defineProblemCatalogue<Ack999ProblemId, InterchangeProblem<Ack999ProblemId, X12Location>>({
  ...common,
  prefix: 'x12.999',
  title: 'X12 999 problems (implementation acknowledgment, 005010X231A1)',
  document: 'x12-999.md',
  about: 'Problems inside a 999 implementation acknowledgment. Its envelopes and separators are checked as in any X12 file ([x12.md](x12.md)). [docs/x12.md](../x12.md) explains the reader and `dxacode import`.',
  table: ACK_999_PROBLEMS,
});

/** The 277CA catalogue. */
export const STATUS_277_CATALOGUE = defineProblemCatalogue<Status277ProblemId, InterchangeProblem<Status277ProblemId, X12Location>>({
  ...common,
  prefix: 'x12.277ca',
  title: 'X12 277CA problems (claim acknowledgment, 005010X214)',
  document: 'x12-277ca.md',
  about: 'Problems inside a 277CA claim acknowledgment. Its envelopes and separators are checked as in any X12 file ([x12.md](x12.md)). [docs/x12.md](../x12.md) explains the reader and `dxacode import`.',
  table: STATUS_277_PROBLEMS,
});

/** The 835 catalogue. */
export const REMIT_835_CATALOGUE = defineProblemCatalogue<Remit835ProblemId, InterchangeProblem<Remit835ProblemId, X12Location>>({
  ...common,
  prefix: 'x12.835',
  title: 'X12 835 problems (remittance advice, 005010X221A1)',
  document: 'x12-835.md',
  about: 'Problems inside an 835 remittance advice. Its envelopes and separators are checked as in any X12 file ([x12.md](x12.md)). The balance checks are warnings: the arithmetic is that of the 005010X221A1 balancing rules as commonly applied [U], not quoted from the guide. [docs/x12.md](../x12.md) explains the reader and `dxacode import`.',
  table: REMIT_835_PROBLEMS,
});
