/**
 * The X12 envelopes every transaction set shares (REFERENCE §9): ISA/IEA, GS/GE and ST/SE, with matching control
 * numbers and counts, in order. What lies between ST and SE goes to the reader of that transaction set (837P, 999,
 * 277CA, 835), chosen by GS01 and ST01. Each segment out of place gets a located problem.
 */
import { x12Problem, type X12Location, type X12Problem, type X12ProblemId } from './problems.js';
import type { RawSegment } from './tokenize.js';

/** Where a segment or a cut-off sits: its number and offset. */
export interface SegmentPlace {
  number: number;
  offset: number;
}

/** The reader of one transaction set, from its ST to its SE. */
export interface TransactionBody {
  /** A segment between ST and SE. */
  segment(segment: RawSegment): void;
  /** SE was read (complete), or the set ends without it (cut off at `at`). */
  end(complete: boolean, at: SegmentPlace): void;
  /** The loop open now, for messages about segments the set does not use. */
  readonly loop: string | undefined;
}

/** The envelope of the transaction set a body is opened in. */
export interface TransactionContext {
  /** ISA13 of the interchange. */
  interchangeControl: string;
  /** GS06 of the functional group. */
  groupControl: string;
  /** ST02. */
  transactionControl: string;
  /** The ST segment. */
  st: RawSegment;
}

/** One transaction set an envelope reads: how GS and ST name it, and how to read its body. */
export interface TransactionKind {
  /** ST01: `837`, `999`, `277`, `835`. */
  set: string;
  /** GS01: `HC`, `FA`, `HN`, `HP`. */
  functionalId: string;
  /** The implementation guide read (GS08, ST03), e.g. `005010X222A1`. */
  guide: string;
  /** What a GS08 must start with (the guide without its addenda), e.g. `005010X222`. */
  guidePrefix: string;
  /** The name in messages: `837P`, `999`, `277CA`, `835`. */
  name: string;
  /** ST01 expectation in messages: `an 837 claim transaction set is 837`. */
  setLabel: string;
  /** Segment ids the set uses besides the envelopes; any other is `x12.segment.unknown`. */
  segments: ReadonlySet<string>;
  /** Starts reading one transaction set. */
  open(context: TransactionContext): TransactionBody;
}

/** What the envelope reads. */
export interface EnvelopeOptions {
  kinds: readonly TransactionKind[];
  /** GS01 expectation in messages: `a health care claim group is HC`. */
  groupLabel: string;
  /** ISA12 expectation in messages: `005010X222A1 interchanges are version 00501`. */
  versionLabel: string;
}

interface OpenTransaction {
  control: string;
  number: number;
  kind: TransactionKind | undefined;
  body: TransactionBody | undefined;
}

/** Checks the envelopes segment by segment and hands each transaction set's body to its reader. */
export class Envelope {
  private interchange: { control: string; groups: number; number: number } | undefined;
  private group: { control: string; transactions: number; number: number; kind: TransactionKind | undefined } | undefined;
  private transaction: OpenTransaction | undefined;
  private interchanges = 0;
  private readonly known: ReadonlySet<string>;

  constructor(
    private readonly options: EnvelopeOptions,
    private readonly problem: (problem: X12Problem) => void,
  ) {
    this.known = new Set(options.kinds.flatMap((k) => [...k.segments]));
  }

  /** A located problem about one segment. */
  report(rule: X12ProblemId, message: string, segment: RawSegment, loop?: string, element?: string, fix?: string): void {
    const location: X12Location = { segment: segment.number, id: segment.id, offset: segment.offset };
    if (loop !== undefined) location.loop = loop;
    if (element !== undefined) location.element = element;
    this.problem(x12Problem(rule, message, fix !== undefined ? { location, fix } : { location }));
  }

  /** Number of interchanges seen so far. */
  get interchangeCount(): number {
    return this.interchanges;
  }

  /** Routes one segment. */
  segment(segment: RawSegment): void {
    const el = segment.elements;
    switch (segment.id) {
      case 'ISA':
        if (this.interchange) {
          this.report('x12.segment.missing', 'a new ISA starts before the interchange was closed by IEA', segment, 'ISA');
          this.closeInterchange(segment);
        }
        this.interchange = { control: el[13] ?? '', groups: 0, number: segment.number };
        this.interchanges++;
        this.checkIsaValues(segment);
        return;
      case 'GS':
        return this.startGroup(segment);
      case 'ST':
        return this.startTransaction(segment);
      case 'SE':
        return this.endTransaction(segment);
      case 'GE':
        return this.endGroup(segment);
      case 'IEA':
        return this.endInterchange(segment);
      default: {
        const kind = this.transaction?.kind ?? this.group?.kind ?? (this.options.kinds.length === 1 ? this.options.kinds[0] : undefined);
        if (!(kind?.segments ?? this.known).has(segment.id)) {
          const what = kind === undefined ? this.options.kinds.map((k) => k.name).join(', ') : `${kind.name} (${kind.guide})`;
          return this.report('x12.segment.unknown', `${segment.id} is not a segment of the ${what}`, segment, this.transaction?.body?.loop);
        }
        if (!this.transaction) {
          return this.report('x12.segment.order', `${segment.id} outside a transaction set (it belongs between ST and SE)`, segment);
        }
        this.transaction.body?.segment(segment);
      }
    }
  }

  private checkIsaValues(segment: RawSegment): void {
    const el = segment.elements;
    if (el[12] !== '00501') this.report('x12.isa.element', `ISA12 is ${JSON.stringify(el[12] ?? '')}; ${this.options.versionLabel}`, segment, 'ISA', 'ISA12');
    if (!/^\d{9}$/.test(el[13] ?? '')) this.report('x12.isa.element', `ISA13 is ${JSON.stringify(el[13] ?? '')}; the control number is 9 digits`, segment, 'ISA', 'ISA13');
    if (el[15] !== 'P' && el[15] !== 'T') this.report('x12.isa.element', `ISA15 is ${JSON.stringify(el[15] ?? '')}; the usage indicator is P or T`, segment, 'ISA', 'ISA15');
  }

  private startGroup(segment: RawSegment): void {
    const el = segment.elements;
    if (!this.interchange) return this.report('x12.segment.order', 'GS outside an interchange (no ISA before it, or after IEA)', segment, 'GS');
    if (this.group) {
      this.report('x12.segment.missing', 'a new GS starts before the group was closed by GE', segment, 'GS');
      this.closeGroup(segment);
    }
    const kinds = this.options.kinds;
    let kind = kinds.find((k) => k.functionalId === el[1]);
    if (kind === undefined) {
      this.report('x12.element.invalid', `GS01 is ${JSON.stringify(el[1] ?? '')}; ${this.options.groupLabel}`, segment, 'GS', 'GS01');
      // With one transaction set read here, its reader goes on; with several, ST01 decides per set.
      if (kinds.length === 1) kind = kinds[0];
    }
    this.group = { control: el[6] ?? '', transactions: 0, number: segment.number, kind };
    this.interchange.groups++;
    const version = el[8];
    const name = kind?.name ?? kinds.map((k) => k.name).join(', ');
    if (version?.startsWith('004010')) {
      return this.report('x12.version.4010', `GS08 is ${JSON.stringify(version)}: this is a HIPAA 4010 group, and dxacode reads the ${name} in version 5010${kind ? ` (${kind.guide})` : ''} only`, segment, 'GS', 'GS08', 'ask the sender for the file in version 5010');
    }
    if (kind !== undefined && version !== undefined && !version.startsWith(kind.guidePrefix)) {
      this.report('x12.element.invalid', `GS08 is ${JSON.stringify(version)}; the ${kind.name} version read here is ${kind.guide}`, segment, 'GS', 'GS08');
    }
  }

  private startTransaction(segment: RawSegment): void {
    const el = segment.elements;
    const group = this.group;
    if (!group || !this.interchange) return this.report('x12.segment.order', 'ST outside a functional group (no GS before it)', segment, 'ST');
    if (this.transaction) {
      this.report('x12.segment.missing', 'a new ST starts before the transaction set was closed by SE', segment, 'ST');
      this.closeTransaction(segment);
    }
    group.transactions++;
    const kind = group.kind ?? this.options.kinds.find((k) => k.set === el[1]);
    if (kind === undefined) {
      this.report('x12.element.invalid', `ST01 is ${JSON.stringify(el[1] ?? '')}; the transaction sets read here are ${this.options.kinds.map((k) => `${k.set} (${k.name})`).join(', ')}`, segment, 'ST', 'ST01');
    } else if (el[1] !== kind.set) {
      this.report('x12.element.invalid', `ST01 is ${JSON.stringify(el[1] ?? '')}; ${kind.setLabel}`, segment, 'ST', 'ST01');
    }
    const context = { interchangeControl: this.interchange.control, groupControl: group.control, transactionControl: el[2] ?? '', st: segment };
    this.transaction = { control: el[2] ?? '', number: segment.number, kind, body: kind?.open(context) };
  }

  private endTransaction(segment: RawSegment): void {
    const t = this.transaction;
    if (!t) return this.report('x12.segment.order', 'SE without a transaction set (no ST before it)', segment, 'SE');
    t.body?.end(true, segment);
    const [, count = '', control = ''] = segment.elements;
    const counted = segment.number - t.number + 1;
    if (count !== String(counted)) this.report('x12.count.se', `SE01 is ${JSON.stringify(count)}, but the transaction set has ${counted} segments from ST to SE`, segment, 'SE', 'SE01', `set SE01 to ${counted}`);
    if (control !== t.control) this.report('x12.control.mismatch', `SE02 is ${JSON.stringify(control)}, but ST02 (segment ${t.number}) is ${JSON.stringify(t.control)}`, segment, 'SE', 'SE02');
    this.transaction = undefined;
  }

  private endGroup(segment: RawSegment): void {
    const g = this.group;
    if (!g) return this.report('x12.segment.order', 'GE without a functional group (no GS before it)', segment, 'GE');
    if (this.transaction) {
      this.report('x12.segment.missing', `GE comes before the transaction set ${JSON.stringify(this.transaction.control)} was closed by SE`, segment, 'GE');
      this.closeTransaction(segment);
    }
    const [, count = '', control = ''] = segment.elements;
    if (count !== String(g.transactions)) this.report('x12.count.ge', `GE01 is ${JSON.stringify(count)}, but the group has ${g.transactions} transaction set(s)`, segment, 'GE', 'GE01', `set GE01 to ${g.transactions}`);
    if (control !== g.control) this.report('x12.control.mismatch', `GE02 is ${JSON.stringify(control)}, but GS06 (segment ${g.number}) is ${JSON.stringify(g.control)}`, segment, 'GE', 'GE02');
    this.group = undefined;
  }

  private endInterchange(segment: RawSegment): void {
    const i = this.interchange;
    if (!i) return this.report('x12.segment.order', 'IEA without an interchange (no ISA before it)', segment, 'IEA');
    if (this.group) {
      this.report('x12.segment.missing', `IEA comes before the group ${JSON.stringify(this.group.control)} was closed by GE`, segment, 'IEA');
      this.closeGroup(segment);
    }
    const [, count = '', control = ''] = segment.elements;
    if (count !== String(i.groups)) this.report('x12.count.iea', `IEA01 is ${JSON.stringify(count)}, but the interchange has ${i.groups} functional group(s)`, segment, 'IEA', 'IEA01', `set IEA01 to ${i.groups}`);
    if (control !== i.control) this.report('x12.control.mismatch', `IEA02 is ${JSON.stringify(control)}, but ISA13 (segment ${i.number}) is ${JSON.stringify(i.control)}`, segment, 'IEA', 'IEA02');
    this.interchange = undefined;
  }

  /** A transaction set that never got its SE: its reader drops what it cannot trust. */
  private closeTransaction(at: SegmentPlace): void {
    this.transaction?.body?.end(false, at);
    this.transaction = undefined;
  }

  private closeGroup(at: SegmentPlace): void {
    this.closeTransaction(at);
    this.group = undefined;
  }

  private closeInterchange(at: SegmentPlace): void {
    this.closeGroup(at);
    this.interchange = undefined;
  }

  /** End of input: whatever is still open was cut off. */
  end(lastSegment: number, offset: number): void {
    const open = this.transaction ? `SE (transaction set ${JSON.stringify(this.transaction.control)})` : this.group ? `GE (group ${JSON.stringify(this.group.control)})` : this.interchange ? 'IEA' : undefined;
    if (open !== undefined) {
      this.problem(x12Problem('x12.truncated', `the file ends after segment ${lastSegment} without ${open}`, { location: { segment: lastSegment, offset } }));
      this.closeInterchange({ number: lastSegment, offset });
    } else if (this.interchanges === 0 && lastSegment > 0) {
      this.problem(x12Problem('x12.truncated', 'no interchange was read', { location: { segment: lastSegment, offset } }));
    }
  }
}
