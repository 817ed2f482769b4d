/**
 * What the 999, 277CA and 835 readers share: the envelope an item came in, located problems from the set's own
 * catalogue, and element readers (amounts, dates, counts, composites) that report a bad value where it stands.
 */
import { isCalendarDate } from '../../contract/dates.js';
import type { InterchangeProblem, ProblemCatalogue } from '../problem-table.js';
import type { SegmentPlace, TransactionBody, TransactionContext } from './envelope.js';
import { fromD8, parseAmount } from './format.js';
import type { X12Location } from './problems.js';
import type { ResponseProblem, ResponseProblemId } from './response-problems.js';
import type { ProcedureId, ReceivedEnvelope, ResponseItem } from './responses.js';
import type { RawSegment } from './tokenize.js';

/** Where a transaction set's reader sends what it reads. */
export interface ResponseOutput {
  item(item: ResponseItem): void;
  problem(problem: ResponseProblem): void;
  /** The component separator of the interchange (ISA16). */
  component(): string;
}

/** The base of one transaction set's reader: its envelope, its loop, and reporting in its catalogue. */
export abstract class ResponseBody<Id extends ResponseProblemId> implements TransactionBody {
  /** The loop open now. */
  loop = 'ST';
  protected readonly envelope: ReceivedEnvelope;
  protected readonly stNumber: number;

  constructor(
    context: TransactionContext,
    protected readonly out: ResponseOutput,
    private readonly catalogue: ProblemCatalogue<Id, InterchangeProblem<Id, X12Location>>,
    private readonly prefix: string,
  ) {
    this.envelope = { interchangeControl: context.interchangeControl, groupControl: context.groupControl, transactionControl: context.transactionControl };
    this.stNumber = context.st.number;
  }

  abstract segment(segment: RawSegment): void;
  abstract end(complete: boolean, at: SegmentPlace): void;

  /** Where a segment stands, in the loop open now (or the one given). */
  protected where(segment: RawSegment, element?: string, loop = this.loop, claimId?: string): X12Location {
    const location: X12Location = { segment: segment.number, id: segment.id, loop, offset: segment.offset };
    if (element !== undefined) location.element = element;
    if (claimId !== undefined) location.claimId = claimId;
    return location;
  }

  /** A problem from this set's catalogue, located at a segment. */
  protected report(rule: Id, message: string, segment: RawSegment, element?: string, claimId?: string): void {
    this.out.problem(this.catalogue.problem(rule, message, { location: this.where(segment, element, this.loop, claimId) }));
  }

  private content(kind: 'segment.missing' | 'segment.order' | 'element.invalid'): Id {
    // Every content catalogue declares these three ids under its prefix (response-problems.ts).
    return `${this.prefix}.${kind}` as Id;
  }

  /** A segment out of order. */
  protected misplaced(segment: RawSegment, why: string, claimId?: string): void {
    this.report(this.content('segment.order'), `${segment.id} ${why}`, segment, undefined, claimId);
  }

  /** A required segment that is not there, reported at the segment where it was due (or the place given). */
  protected missing(segment: RawSegment | X12Location, what: string, claimId?: string): void {
    if ('elements' in segment) return this.report(this.content('segment.missing'), what, segment, undefined, claimId);
    this.out.problem(this.catalogue.problem(this.content('segment.missing'), what, { location: segment }));
  }

  /** An element value the set does not allow. */
  protected invalid(segment: RawSegment, element: string, message: string, claimId?: string): void {
    this.report(this.content('element.invalid'), message, segment, element, claimId);
  }

  /** Element `index` of a segment (`CLP02` is index 2), or '' when absent. */
  protected value(segment: RawSegment, index: number): string {
    return segment.elements[index] ?? '';
  }

  /** A required element: its value, or a problem when empty. */
  protected required(segment: RawSegment, index: number, claimId?: string): string {
    const value = this.value(segment, index);
    if (value === '') this.invalid(segment, elementName(segment, index), `${elementName(segment, index)} is empty; it is required`, claimId);
    return value;
  }

  /** A code from a list, or a problem naming the list. */
  protected code(segment: RawSegment, index: number, allowed: readonly string[], what: string, claimId?: string): string {
    const value = this.value(segment, index);
    if (!allowed.includes(value)) this.invalid(segment, elementName(segment, index), `${elementName(segment, index)} is ${JSON.stringify(value)}; ${what} is one of ${allowed.join(', ')}`, claimId);
    return value;
  }

  /** An amount in cents, or undefined (a problem when present but not an amount, or when required and absent). */
  protected amount(segment: RawSegment, index: number, required: boolean, claimId?: string): number | undefined {
    const text = this.value(segment, index);
    if (text === '') {
      if (required) this.invalid(segment, elementName(segment, index), `${elementName(segment, index)} is empty; an amount is required`, claimId);
      return undefined;
    }
    const cents = parseAmount(text);
    if (cents === undefined) this.invalid(segment, elementName(segment, index), `${elementName(segment, index)} ${JSON.stringify(text)} is not an amount`, claimId);
    return cents;
  }

  /** A non-negative whole number, or undefined (a problem when present but not one). */
  protected count(segment: RawSegment, index: number, claimId?: string): number | undefined {
    const text = this.value(segment, index);
    if (text === '') return undefined;
    if (!/^\d{1,9}$/.test(text)) {
      this.invalid(segment, elementName(segment, index), `${elementName(segment, index)} ${JSON.stringify(text)} is not a whole number`, claimId);
      return undefined;
    }
    return Number(text);
  }

  /** A decimal quantity (units), or undefined (a problem when present but not a number). */
  protected quantity(segment: RawSegment, index: number, claimId?: string): number | undefined {
    const text = this.value(segment, index);
    if (text === '') return undefined;
    if (!/^-?\d{1,12}(\.\d{1,6})?$/.test(text)) {
      this.invalid(segment, elementName(segment, index), `${elementName(segment, index)} ${JSON.stringify(text)} is not a quantity`, claimId);
      return undefined;
    }
    return Number(text);
  }

  /** A CCYYMMDD date as YYYY-MM-DD, or undefined (a problem when present but not a calendar date). */
  protected date(segment: RawSegment, index: number, claimId?: string): string | undefined {
    const text = this.value(segment, index);
    if (text === '') return undefined;
    const date = fromD8(text);
    if (date === undefined || !isCalendarDate(date)) {
      this.invalid(segment, elementName(segment, index), `${elementName(segment, index)} ${JSON.stringify(text)} is not a date CCYYMMDD`, claimId);
      return undefined;
    }
    return date;
  }

  /** A DTP date (D8, or the first day of an RD8 range) at `formatIndex` and `formatIndex + 1`. */
  protected periodStart(segment: RawSegment, formatIndex: number, claimId?: string): string | undefined {
    const format = this.value(segment, formatIndex);
    const text = this.value(segment, formatIndex + 1);
    const first = format === 'RD8' ? (text.split('-')[0] ?? '') : text;
    const date = fromD8(first);
    if ((format !== 'D8' && format !== 'RD8') || date === undefined || !isCalendarDate(date)) {
      this.invalid(segment, elementName(segment, formatIndex + 1), `${segment.id} ${JSON.stringify(`${format}*${text}`)} is not a date D8 CCYYMMDD or a range RD8`, claimId);
      return undefined;
    }
    return date;
  }

  /** The components of a composite element. */
  protected components(segment: RawSegment, index: number): string[] {
    return this.value(segment, index).split(this.out.component());
  }

  /** A procedure composite (SVC01, SVC06): qualifier, code, up to four modifiers. */
  protected procedure(segment: RawSegment, index: number, claimId?: string): ProcedureId | undefined {
    const [qualifier = '', code = '', ...rest] = this.components(segment, index);
    if (qualifier === '' && code === '') return undefined;
    if (code === '') this.invalid(segment, `${elementName(segment, index)}-2`, `${elementName(segment, index)}-2 is empty; the procedure code is required`, claimId);
    return { qualifier, code, modifiers: rest.slice(0, 4).filter((m) => m !== '') };
  }
}

/** `CLP02`, `SVC01`: the name of element `index` of a segment. */
export function elementName(segment: RawSegment, index: number): string {
  return `${segment.id}${String(index).padStart(2, '0')}`;
}
