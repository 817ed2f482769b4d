/**
 * The 999 implementation acknowledgment (005010X231A1): AK1 names the acknowledged functional group (AK102 is its
 * GS06), each AK2 loop one transaction set (AK202 its ST02) with the segment errors (IK3, 2100), their element
 * errors (IK4, 2110) and its status (IK5); AK9 closes the group with its status and counts. A CTX business unit
 * `CLM01` names the claim a segment error belongs to.
 */
import type { SegmentPlace, TransactionContext, TransactionKind } from './envelope.js';
import { ResponseBody, type ResponseOutput } from './response-body.js';
import { ACK_999_CATALOGUE, type Ack999ProblemId } from './response-problems.js';
import type { GroupAck999, SegmentError999, TransactionAck999 } from './responses.js';
import type { RawSegment } from './tokenize.js';

/** IK501: transaction set acknowledgment codes (X12 element 717). */
export const TRANSACTION_ACK_CODES = ['A', 'E', 'M', 'R', 'W', 'X'] as const;
/** AK901: functional group acknowledgment codes (X12 element 715). */
export const GROUP_ACK_CODES = ['A', 'E', 'M', 'P', 'R', 'W', 'X'] as const;
/** Codes that accept a transaction set or group (the rest reject it, P accepts part of a group). */
export const ACCEPTING_ACK_CODES: ReadonlySet<string> = new Set(['A', 'E']);

const SEGMENTS = new Set(['AK1', 'AK2', 'IK3', 'CTX', 'IK4', 'IK5', 'AK9']);

type OpenSet = Omit<TransactionAck999, 'status' | 'syntaxErrors'>;

/** One 999 transaction set, segment by segment. */
class Ack999Transaction extends ResponseBody<Ack999ProblemId> {
  private group: { functionalId: string; groupControl: string; version: string; sets: number; accepted: number; segment: RawSegment } | undefined;
  private set: OpenSet | undefined;
  private error: SegmentError999 | undefined;
  private closedGroup = false;

  constructor(context: TransactionContext, out: ResponseOutput) {
    super(context, out, ACK_999_CATALOGUE, 'x12.999');
  }

  segment(segment: RawSegment): void {
    if (this.closedGroup) return this.misplaced(segment, 'after AK9 (AK9 closes the acknowledgment)');
    switch (segment.id) {
      case 'AK1':
        return this.startGroup(segment);
      case 'AK2':
        return this.startSet(segment);
      case 'IK3':
        return this.segmentError(segment);
      case 'CTX':
        return this.context(segment);
      case 'IK4':
        return this.elementError(segment);
      case 'IK5':
        return this.endSet(segment);
      case 'AK9':
        return this.endGroup(segment);
    }
  }

  private startGroup(segment: RawSegment): void {
    if (this.group) return this.misplaced(segment, 'repeats; a 999 acknowledges one functional group per transaction set');
    if (segment.number !== this.stNumber + 1) this.misplaced(segment, 'must follow ST directly');
    this.loop = 'header';
    const groupControl = this.required(segment, 2);
    if (groupControl !== '' && !/^\d{1,9}$/.test(groupControl)) this.invalid(segment, 'AK102', `AK102 ${JSON.stringify(groupControl)} is not a group control number (1 to 9 digits, the GS06 acknowledged)`);
    this.group = { functionalId: this.required(segment, 1), groupControl, version: this.value(segment, 3), sets: 0, accepted: 0, segment };
  }

  private startSet(segment: RawSegment): void {
    if (!this.group) {
      this.missing(segment, 'AK2 comes before AK1: the acknowledged functional group is not named');
      return;
    }
    this.closeSet(segment);
    this.loop = '2000';
    this.group.sets++;
    this.set = {
      envelope: this.envelope,
      functionalId: this.group.functionalId,
      groupControl: this.group.groupControl,
      transactionSet: this.required(segment, 1),
      transactionControl: this.required(segment, 2),
      segmentErrors: [],
      location: this.where(segment),
    };
  }

  private segmentError(segment: RawSegment): void {
    if (!this.set) return this.misplaced(segment, 'outside an AK2 loop (it reports an error in an acknowledged transaction set)');
    this.loop = '2100';
    const position = this.count(segment, 2);
    this.error = {
      segmentId: this.required(segment, 1),
      ...(position !== undefined ? { position } : {}),
      ...(this.value(segment, 3) !== '' ? { loop: this.value(segment, 3) } : {}),
      ...(this.value(segment, 4) !== '' ? { code: this.value(segment, 4) } : {}),
      elements: [],
    };
    this.set.segmentErrors.push(this.error);
  }

  /** CTX in 2100 or 2110: the business unit CTX01 `CLM01:claim id` names the claim the error concerns. */
  private context(segment: RawSegment): void {
    if (!this.error) return this.misplaced(segment, 'outside an IK3 or IK4 loop');
    const [name = '', reference = ''] = this.components(segment, 1);
    if (name === 'CLM01' && reference !== '') this.error.claimId = reference;
  }

  private elementError(segment: RawSegment): void {
    if (!this.error) return this.misplaced(segment, 'outside an IK3 loop (it reports an element of the segment IK3 names)');
    this.loop = '2110';
    const position = this.components(segment, 1).filter((p) => p !== '').join('-');
    if (!/^\d{1,2}(-\d{1,2}){0,2}$/.test(position)) this.invalid(segment, 'IK401', `IK401 ${JSON.stringify(this.value(segment, 1))} is not an element position`);
    this.error.elements.push({
      position,
      ...(this.value(segment, 2) !== '' ? { reference: this.value(segment, 2) } : {}),
      code: this.required(segment, 3),
      ...(this.value(segment, 4) !== '' ? { badValue: this.value(segment, 4) } : {}),
    });
  }

  private endSet(segment: RawSegment): void {
    const set = this.set;
    if (!set || !this.group) return this.misplaced(segment, 'outside an AK2 loop');
    this.loop = '2000';
    const status = this.code(segment, 1, TRANSACTION_ACK_CODES, 'a transaction set acknowledgment code');
    if (ACCEPTING_ACK_CODES.has(status)) this.group.accepted++;
    const syntaxErrors = segment.elements.slice(2, 7).filter((c) => c !== '');
    this.out.item({ kind: '999-transaction', ack: { ...set, status, syntaxErrors } });
    this.set = undefined;
    this.error = undefined;
  }

  /** An AK2 loop left without IK5 is reported, not yielded: its status is unknown. */
  private closeSet(at: RawSegment): void {
    if (this.set) this.missing(at, `the AK2 loop for transaction set ${JSON.stringify(this.set.transactionControl)} (segment ${this.set.location.segment}) has no IK5, so its status is unknown`);
    this.set = undefined;
    this.error = undefined;
  }

  private endGroup(segment: RawSegment): void {
    const group = this.group;
    if (!group) return this.missing(segment, 'AK9 comes without AK1: the acknowledged functional group is not named');
    this.closeSet(segment);
    this.loop = 'AK9';
    this.closedGroup = true;
    const status = this.code(segment, 1, GROUP_ACK_CODES, 'a functional group acknowledgment code');
    const included = this.count(segment, 2);
    const received = this.count(segment, 3);
    const accepted = this.count(segment, 4);
    if (received !== undefined && group.sets > 0 && received !== group.sets) {
      this.report('x12.999.count', `AK903 says ${received} transaction set(s) received, but the 999 has ${group.sets} AK2 loop(s)`, segment, 'AK903');
    }
    if (accepted !== undefined && group.sets > 0 && accepted !== group.accepted) {
      this.report('x12.999.count', `AK904 says ${accepted} transaction set(s) accepted, but ${group.accepted} IK5 code(s) accept (A or E)`, segment, 'AK904');
    }
    const ack: GroupAck999 = {
      envelope: this.envelope,
      functionalId: group.functionalId,
      groupControl: group.groupControl,
      version: group.version,
      status,
      ...(included !== undefined ? { included } : {}),
      ...(received !== undefined ? { received } : {}),
      ...(accepted !== undefined ? { accepted } : {}),
      syntaxErrors: segment.elements.slice(5, 10).filter((c) => c !== ''),
      transactionSets: group.sets,
      location: this.where(group.segment, undefined, 'header'),
    };
    this.out.item({ kind: '999-group', group: ack });
  }

  end(complete: boolean, at: SegmentPlace): void {
    if (!complete) return;
    const segment = { number: at.number, offset: at.offset, id: 'SE', elements: ['SE'] };
    if (!this.group) return this.missing(segment, 'the 999 has no AK1: it does not name the functional group it acknowledges');
    if (!this.closedGroup) {
      this.closeSet(segment);
      this.missing(segment, 'the 999 has no AK9: the functional group status and counts are not given');
    }
  }
}

/** The 999 as a transaction set an envelope reads. */
export function ack999Kind(out: ResponseOutput): TransactionKind {
  return {
    set: '999',
    functionalId: 'FA',
    guide: '005010X231A1',
    guidePrefix: '005010X231',
    name: '999',
    setLabel: 'a 999 implementation acknowledgment is 999',
    segments: SEGMENTS,
    open: (context) => new Ack999Transaction(context, out),
  };
}
