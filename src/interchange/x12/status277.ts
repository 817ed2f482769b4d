/**
 * The 277CA claim acknowledgment (005010X214): under the information source (HL 20), receiver (21) and billing
 * provider (19) levels, each patient level (HL PT) holds one or more claims (2200D: TRN02 is the 837P's CLM01) with
 * their status (STC: category, status code, entity) and, per line (2220D), the line's status and its line item
 * control number (REF*FJ, the 837P's REF*6R). The receiver and provider levels give the batch's status and counts.
 */
import type { SegmentPlace, TransactionContext, TransactionKind } from './envelope.js';
import { ResponseBody, type ResponseOutput } from './response-body.js';
import { STATUS_277_CATALOGUE, type Status277ProblemId } from './response-problems.js';
import type { BatchStatus277, ClaimStatus277, ClaimStatusCode, LineStatus277 } from './responses.js';
import type { RawSegment } from './tokenize.js';

const SEGMENTS = new Set(['BHT', 'HL', 'NM1', 'TRN', 'STC', 'QTY', 'AMT', 'REF', 'DTP', 'SVC']);
/** HL03 level → its loop and the level its parent must have. */
const LEVELS: Record<string, { loop: string; parent: string | undefined }> = {
  '20': { loop: '2000A', parent: undefined },
  '21': { loop: '2000B', parent: '20' },
  '19': { loop: '2000C', parent: '21' },
  PT: { loop: '2000D', parent: '19' },
};
/** Name loop (2100x) and trace loop (2200x) of each level. */
const LEVEL_LOOPS: Record<string, { name: string; trace: string }> = {
  '20': { name: '2100A', trace: '2200A' },
  '21': { name: '2100B', trace: '2200B' },
  '19': { name: '2100C', trace: '2200C' },
  PT: { name: '2100D', trace: '2200D' },
};

type OpenClaim = ClaimStatus277 & { sawStatus: boolean };
type OpenLine = LineStatus277 & { sawStatus: boolean };

/** One 277CA transaction set, segment by segment. */
class Status277Transaction extends ResponseBody<Status277ProblemId> {
  private level = '';
  private readonly levels = new Map<string, string>();
  private nextHl = 1;
  private billingProviderId: string | undefined;
  private claim: OpenClaim | undefined;
  private line: OpenLine | undefined;
  private batch: BatchStatus277 | undefined;

  constructor(context: TransactionContext, out: ResponseOutput) {
    super(context, out, STATUS_277_CATALOGUE, 'x12.277ca');
  }

  segment(segment: RawSegment): void {
    if (segment.number === this.stNumber + 1 && segment.id !== 'BHT') this.missing(segment, `the transaction set has no BHT: ${segment.id} follows ST`);
    // The segments under an HL whose level cannot be read are skipped: the HL's own problem says why.
    if (this.loop === 'HL' && segment.id !== 'HL') return;
    switch (segment.id) {
      case 'BHT':
        if (segment.number !== this.stNumber + 1) return this.misplaced(segment, 'must follow ST directly');
        this.loop = 'header';
        return;
      case 'HL':
        return this.hierarchy(segment);
      case 'NM1':
        return this.name(segment);
      case 'TRN':
        return this.trace(segment);
      case 'STC':
        return this.status(segment);
      case 'QTY':
      case 'AMT':
        return this.totals(segment);
      case 'REF':
        return this.reference(segment);
      case 'DTP':
        return this.date472(segment);
      case 'SVC':
        return this.service(segment);
    }
  }

  private hierarchy(segment: RawSegment): void {
    this.closeClaim(segment);
    this.closeBatch();
    const [, id = '', parent = '', level = ''] = segment.elements;
    if (id !== String(this.nextHl)) this.invalid(segment, 'HL01', `HL01 is ${JSON.stringify(id)}; HL ids count from 1 in order (expected ${this.nextHl})`);
    this.nextHl = (/^\d+$/.test(id) ? Number(id) : this.nextHl) + 1;
    const spec = LEVELS[level];
    if (spec === undefined) {
      this.invalid(segment, 'HL03', `HL03 is ${JSON.stringify(level)}; the 277CA uses 20 (information source), 21 (receiver), 19 (billing provider) or PT (patient); the segments under this HL are skipped`);
      this.level = '';
      this.loop = 'HL';
      return;
    }
    const parentLevel = this.levels.get(parent);
    if (spec.parent === undefined ? parent !== '' : parentLevel !== spec.parent) {
      this.misplaced(segment, `${id} (level ${level}) needs ${spec.parent === undefined ? 'no parent' : `a parent HL of level ${spec.parent}`}, but HL02 is ${JSON.stringify(parent)}`);
    }
    this.levels.set(id, level);
    this.level = level;
    this.loop = spec.loop;
    if (level === '19') this.billingProviderId = undefined;
  }

  private name(segment: RawSegment): void {
    const loops = LEVEL_LOOPS[this.level];
    if (loops === undefined || this.loop !== LEVELS[this.level]!.loop) return this.misplaced(segment, `is not expected in loop ${this.loop} (each level has one name, right after its HL)`);
    this.loop = loops.name;
    if (this.level === '19' && this.value(segment, 9) !== '') this.billingProviderId = this.value(segment, 9);
  }

  private trace(segment: RawSegment): void {
    const loops = LEVEL_LOOPS[this.level];
    if (loops === undefined || (this.loop !== loops.name && this.loop !== loops.trace && this.loop !== '2220D')) return this.misplaced(segment, `is not expected in loop ${this.loop} (a level's trace follows its name)`);
    this.closeClaim(segment);
    this.loop = loops.trace;
    const id = this.required(segment, 2);
    if (this.level === 'PT') {
      this.code(segment, 1, ['2'], 'the claim status tracking trace type');
      this.claim = { envelope: this.envelope, claimId: id, statuses: [], lines: [], location: this.where(segment), sawStatus: false, ...(this.billingProviderId !== undefined ? { billingProviderId: this.billingProviderId } : {}) };
    } else if (this.level === '21' || this.level === '19') {
      this.closeBatch();
      this.batch = { envelope: this.envelope, level: this.level === '21' ? 'receiver' : 'provider', trace: id, statuses: [], location: this.where(segment) };
    }
  }

  /** STC01, STC10 and STC11 composites: category, status code and entity. */
  private statusCodes(segment: RawSegment, claimId?: string): ClaimStatusCode[] {
    const codes: ClaimStatusCode[] = [];
    for (const index of [1, 10, 11]) {
      const [category = '', code = '', entity = ''] = this.components(segment, index);
      if (category === '' && code === '') continue;
      if (!/^[A-Z][0-9A-Z]{1,2}$/.test(category) || code === '') {
        this.invalid(segment, `STC${String(index).padStart(2, '0')}`, `STC${String(index).padStart(2, '0')} ${JSON.stringify(this.value(segment, index))} is not a claim status category and status code`, claimId);
        continue;
      }
      codes.push({ category, code, ...(entity !== '' ? { entity } : {}) });
    }
    if (codes.length === 0 && this.value(segment, 1) === '') this.invalid(segment, 'STC01', 'STC01 is empty; the status is required', claimId);
    return codes;
  }

  private status(segment: RawSegment): void {
    const line = this.line;
    const claim = this.claim;
    if (this.loop === '2220D' && line && claim) {
      line.statuses.push(...this.statusCodes(segment, claim.claimId));
      line.sawStatus = true;
      return;
    }
    if (this.loop === '2200D' && claim) {
      claim.statuses.push(...this.statusCodes(segment, claim.claimId));
      if (!claim.sawStatus) {
        const effective = this.date(segment, 2, claim.claimId);
        if (effective !== undefined) claim.effectiveDate = effective;
        if (this.value(segment, 3) !== '') claim.action = this.value(segment, 3);
        const charge = this.amount(segment, 4, false, claim.claimId);
        if (charge !== undefined) claim.chargeCents = charge;
      }
      claim.sawStatus = true;
      return;
    }
    if ((this.loop === '2200B' || this.loop === '2200C') && this.batch) {
      this.batch.statuses.push(...this.statusCodes(segment));
      return;
    }
    this.misplaced(segment, `is not expected in loop ${this.loop} (a status follows a receiver, provider or claim trace, or a service line)`);
  }

  private totals(segment: RawSegment): void {
    const batch = this.batch;
    if (!batch || (this.loop !== '2200B' && this.loop !== '2200C')) return this.misplaced(segment, `is not expected in loop ${this.loop} (totals belong to the receiver or provider level)`);
    const qualifier = this.value(segment, 1);
    if (segment.id === 'QTY') {
      const quantity = this.count(segment, 2);
      if (quantity === undefined) return;
      if (qualifier === '90' || qualifier === 'QA') batch.acceptedQuantity = quantity;
      else if (qualifier === 'AA' || qualifier === 'QC') batch.rejectedQuantity = quantity;
      else this.invalid(segment, 'QTY01', `QTY01 is ${JSON.stringify(qualifier)}; the 277CA counts accepted (90, QA) and rejected (AA, QC) claims`);
      return;
    }
    const cents = this.amount(segment, 2, true);
    if (cents === undefined) return;
    if (qualifier === 'YU') batch.acceptedCents = cents;
    else if (qualifier === 'YY') batch.rejectedCents = cents;
    else this.invalid(segment, 'AMT01', `AMT01 is ${JSON.stringify(qualifier)}; the 277CA totals accepted (YU) and rejected (YY) amounts`);
  }

  private reference(segment: RawSegment): void {
    const qualifier = this.value(segment, 1);
    const value = this.value(segment, 2);
    if (this.loop === '2220D' && this.line) {
      if (qualifier === 'FJ' && value !== '') this.line.controlNumber = value;
      return;
    }
    if (this.loop === '2200D' && this.claim) {
      if (qualifier === '1K' && value !== '') this.claim.payerClaimNumber = value;
      else if (qualifier === 'D9' && value !== '') this.claim.clearinghouseTrace = value;
      return;
    }
    if (this.loop === '2200C') return; // the billing provider's secondary id: not needed to match
    this.misplaced(segment, `is not expected in loop ${this.loop}`);
  }

  private date472(segment: RawSegment): void {
    if (this.loop === '2200A') return; // receipt (050) and process (009) dates of the information source
    const qualifier = this.value(segment, 1);
    const target = this.loop === '2220D' ? this.line : this.loop === '2200D' ? this.claim : undefined;
    if (target === undefined) return this.misplaced(segment, `is not expected in loop ${this.loop}`);
    if (qualifier !== '472') return this.invalid(segment, 'DTP01', `DTP01 is ${JSON.stringify(qualifier)}; a claim or line service date is 472`, this.claim?.claimId);
    const date = this.periodStart(segment, 2, this.claim?.claimId);
    if (date !== undefined) target.serviceDate = date;
  }

  private service(segment: RawSegment): void {
    const claim = this.claim;
    if (!claim || (this.loop !== '2200D' && this.loop !== '2220D')) return this.misplaced(segment, 'outside a claim (a service line follows the claim status, 2200D)');
    this.closeLine(segment);
    this.loop = '2220D';
    const procedure = this.procedure(segment, 1, claim.claimId);
    const charge = this.amount(segment, 2, true, claim.claimId);
    const units = this.quantity(segment, 7, claim.claimId);
    this.line = { statuses: [], location: this.where(segment, undefined, '2220D', claim.claimId), sawStatus: false, ...(procedure ? { procedure } : {}), ...(charge !== undefined ? { chargeCents: charge } : {}), ...(units !== undefined ? { units } : {}) };
  }

  private closeLine(at: RawSegment): void {
    const line = this.line;
    if (!line || !this.claim) return;
    if (!line.sawStatus) this.missing(at, `the service line at segment ${line.location.segment} has no STC`, this.claim.claimId);
    const { sawStatus: _seen, ...status } = line;
    this.claim.lines.push(status);
    this.line = undefined;
  }

  private closeClaim(at: RawSegment): void {
    this.closeLine(at);
    const claim = this.claim;
    if (!claim) return;
    this.claim = undefined;
    if (!claim.sawStatus) {
      this.missing({ ...claim.location, claimId: claim.claimId }, `claim ${JSON.stringify(claim.claimId)} has no STC before segment ${at.number} (${at.id}), so its status is unknown`);
      return;
    }
    const { sawStatus: _seen, ...status } = claim;
    this.out.item({ kind: '277ca-claim', status });
  }

  private closeBatch(): void {
    if (this.batch) this.out.item({ kind: '277ca-batch', status: this.batch });
    this.batch = undefined;
  }

  end(complete: boolean, at: SegmentPlace): void {
    if (!complete) {
      this.claim = undefined;
      this.line = undefined;
      this.batch = undefined;
      return;
    }
    this.closeClaim({ number: at.number, offset: at.offset, id: 'SE', elements: ['SE'] });
    this.closeBatch();
  }
}

/** The 277CA as a transaction set an envelope reads. */
export function status277Kind(out: ResponseOutput): TransactionKind {
  return {
    set: '277',
    functionalId: 'HN',
    guide: '005010X214',
    guidePrefix: '005010X214',
    name: '277CA',
    setLabel: 'a 277CA claim acknowledgment is 277',
    segments: SEGMENTS,
    open: (context) => new Status277Transaction(context, out),
  };
}
