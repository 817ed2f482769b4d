/**
 * The 835 remittance advice (005010X221A1): the header says what was paid (BPR), under which check or EFT trace
 * (TRN), by which payer (1000A) to which payee (1000B); each claim (2100: CLP01 is the 837P's CLM01) gives its status
 * and amounts, its adjustments (CAS: group CO, PR, OA or PI, CARC, amount) and remark codes (MOA), and each service
 * line (2110) its procedure, amounts, adjustments, remark codes (LQ*HE), and the line item control number of the
 * billed line (REF*6R). Provider-level adjustments (PLB) close the transaction. Claims are yielded as they end.
 */
import type { SegmentPlace, TransactionContext, TransactionKind } from './envelope.js';
import { formatAmount } from './format.js';
import { ResponseBody, type ResponseOutput } from './response-body.js';
import { REMIT_835_CATALOGUE, type Remit835ProblemId } from './response-problems.js';
import type { Adjustment835, ClaimPayment835, Remark835, Remittance835, ServicePayment835 } from './responses.js';
import type { RawSegment } from './tokenize.js';

/** CAS01: claim adjustment group codes the 835 uses. */
export const ADJUSTMENT_GROUPS = ['CO', 'OA', 'PI', 'PR'] as const;
/** CLP02: claim status codes the 835 uses. */
export const CLAIM_PAYMENT_STATUSES = ['1', '2', '3', '4', '19', '20', '21', '22', '23', '25'] as const;
/** CLP02 codes of a denied claim. */
export const DENIED_STATUSES: ReadonlySet<string> = new Set(['4']);
const HANDLING_CODES = ['C', 'D', 'H', 'I', 'P', 'U', 'X'] as const;
const PAYMENT_METHODS = ['ACH', 'BOP', 'CHK', 'FWT', 'NON'] as const;
const SEGMENTS = new Set(['BPR', 'TRN', 'CUR', 'REF', 'DTM', 'N1', 'N3', 'N4', 'PER', 'RDM', 'LX', 'TS3', 'TS2', 'CLP', 'CAS', 'NM1', 'MIA', 'MOA', 'AMT', 'QTY', 'SVC', 'LQ', 'PLB']);

const money = (cents: number) => formatAmount(cents);
const sum = (adjustments: Adjustment835[]) => adjustments.reduce((total, a) => total + a.cents, 0);

/** One 835 transaction set, segment by segment. */
class Remit835Transaction extends ResponseBody<Remit835ProblemId> {
  private header: Partial<Remittance835> & { envelope: Remittance835['envelope']; location?: Remittance835['location'] };
  private headerSent = false;
  private sawPayer = false;
  private sawPayee = false;
  private inFooter = false;
  private claim: ClaimPayment835 | undefined;
  private line: ServicePayment835 | undefined;
  private paidTotal = 0;
  private adjustedTotal = 0;

  constructor(context: TransactionContext, out: ResponseOutput) {
    super(context, out, REMIT_835_CATALOGUE, 'x12.835');
    this.header = { envelope: this.envelope };
  }

  private get claimId(): string | undefined {
    return this.claim?.claimId;
  }

  segment(segment: RawSegment): void {
    const id = segment.id;
    if (segment.number === this.stNumber + 1 && id !== 'BPR') this.missing(segment, `the transaction set has no BPR: ${id} follows ST`);
    if (this.inFooter && id !== 'PLB') return this.misplaced(segment, 'after PLB (provider adjustments close the transaction)');
    switch (id) {
      case 'BPR':
        return this.payment(segment);
      case 'TRN':
        return this.trace(segment);
      case 'CUR':
        return this.headerOnly(segment);
      case 'N1':
        return this.party(segment);
      case 'N3':
      case 'N4':
      case 'RDM':
        if (this.loop !== '1000A' && this.loop !== '1000B') return this.misplaced(segment, `is not expected in loop ${this.loop} (it belongs to the payer or payee, 1000A/1000B)`);
        return;
      case 'LX':
        return this.headerNumber(segment);
      case 'TS3':
      case 'TS2':
        if (this.loop !== '2000') return this.misplaced(segment, 'must follow LX (provider summary, 2000)');
        return;
      case 'CLP':
        return this.startClaim(segment);
      case 'CAS':
        return this.adjustment(segment);
      case 'MOA':
        return this.outpatient(segment);
      case 'REF':
        return this.reference(segment);
      case 'DTM':
        return this.dateTime(segment);
      case 'AMT':
        return this.supplementalAmount(segment);
      case 'QTY':
        if (this.loop !== '2100' && this.loop !== '2110') return this.misplaced(segment, `is not expected in loop ${this.loop} (it belongs to a claim or a service line)`);
        return;
      case 'SVC':
        return this.service(segment);
      case 'LQ':
        return this.remark(segment);
      case 'PLB':
        return this.providerAdjustment(segment);
      case 'NM1':
      case 'MIA':
        // Names (patient, insured, rendering provider) are not read: no patient data is kept.
        if (this.loop !== '2100') return this.misplaced(segment, `is not expected in loop ${this.loop} (it belongs to a claim, 2100)`, this.claimId);
        return;
      case 'PER':
        if (this.loop !== '1000A' && this.loop !== '2100') return this.misplaced(segment, `is not expected in loop ${this.loop} (it belongs to the payer or a claim)`, this.claimId);
        return;
    }
  }

  private payment(segment: RawSegment): void {
    if (segment.number !== this.stNumber + 1) return this.misplaced(segment, 'must follow ST directly');
    this.loop = 'header';
    this.header.handling = this.code(segment, 1, HANDLING_CODES, 'a transaction handling code');
    const paid = this.amount(segment, 2, true);
    if (paid !== undefined) this.header.paymentCents = paid;
    this.header.creditDebit = this.code(segment, 3, ['C', 'D'], 'the credit or debit flag');
    this.header.method = this.code(segment, 4, PAYMENT_METHODS, 'a payment method');
    const date = this.date(segment, 16);
    if (date !== undefined) this.header.paymentDate = date;
    else if (this.value(segment, 16) === '') this.invalid(segment, 'BPR16', 'BPR16 is empty; the check issue or EFT effective date is required');
    this.header.location = this.where(segment);
  }

  private trace(segment: RawSegment): void {
    if (this.loop !== 'header' || this.header.trace !== undefined) return this.misplaced(segment, 'must follow BPR (one reassociation trace per transaction)');
    this.code(segment, 1, ['1'], 'the trace type (current transaction trace numbers)');
    this.header.trace = this.required(segment, 2);
    if (this.value(segment, 3) !== '') this.header.payerIdentifier = this.value(segment, 3);
  }

  private headerOnly(segment: RawSegment): void {
    if (this.loop !== 'header') return this.misplaced(segment, 'belongs to the header, before the payer (1000A)');
  }

  private party(segment: RawSegment): void {
    const entity = this.value(segment, 1);
    if (entity === 'PR') {
      if (this.loop !== 'header' || this.sawPayer) return this.misplaced(segment, 'with entity PR must follow the header, once (payer, 1000A)');
      this.loop = '1000A';
      this.sawPayer = true;
      this.header.payerName = this.value(segment, 2);
      if (this.value(segment, 4) !== '') this.header.payerId = this.value(segment, 4);
      return;
    }
    if (entity === 'PE') {
      if (this.loop !== '1000A' || this.sawPayee) return this.misplaced(segment, 'with entity PE must follow the payer, once (payee, 1000B)');
      this.loop = '1000B';
      this.sawPayee = true;
      this.header.payeeIdQualifier = this.code(segment, 3, ['FI', 'XV', 'XX'], 'the payee identification qualifier');
      this.header.payeeId = this.required(segment, 4);
      return;
    }
    this.invalid(segment, 'N101', `N101 is ${JSON.stringify(entity)}; the 835 names the payer (PR) and the payee (PE)`);
  }

  /** The header ends where the first LX, CLP or PLB (or SE) begins: it is yielded before the claims it covers. */
  private sendHeader(at: RawSegment): void {
    if (this.headerSent) return;
    this.headerSent = true;
    if (this.header.trace === undefined) this.missing(at, 'the header has no TRN: the check or EFT trace number is unknown');
    if (!this.sawPayer) this.missing(at, 'the header has no payer (N1*PR, 1000A)');
    else if (!this.sawPayee) this.missing(at, 'the header has no payee (N1*PE, 1000B)');
    const header = this.header;
    const remittance: Remittance835 = {
      envelope: header.envelope,
      handling: header.handling ?? '',
      creditDebit: header.creditDebit ?? '',
      method: header.method ?? '',
      trace: header.trace ?? '',
      location: header.location ?? this.where(at),
      ...(header.paymentCents !== undefined ? { paymentCents: header.paymentCents } : {}),
      ...(header.paymentDate !== undefined ? { paymentDate: header.paymentDate } : {}),
      ...(header.payerIdentifier !== undefined ? { payerIdentifier: header.payerIdentifier } : {}),
      ...(header.payerName !== undefined ? { payerName: header.payerName } : {}),
      ...(header.payerId !== undefined ? { payerId: header.payerId } : {}),
      ...(header.payeeIdQualifier !== undefined ? { payeeIdQualifier: header.payeeIdQualifier } : {}),
      ...(header.payeeId !== undefined ? { payeeId: header.payeeId } : {}),
    };
    this.out.item({ kind: '835-remittance', remittance });
  }

  private headerNumber(segment: RawSegment): void {
    this.closeClaim();
    this.sendHeader(segment);
    this.loop = '2000';
    this.count(segment, 1);
  }

  private startClaim(segment: RawSegment): void {
    this.closeClaim();
    this.sendHeader(segment);
    this.loop = '2100';
    const claimId = this.required(segment, 1);
    const status = this.code(segment, 2, CLAIM_PAYMENT_STATUSES, 'a claim status code', claimId);
    const charge = this.amount(segment, 3, true, claimId);
    const paid = this.amount(segment, 4, true, claimId);
    const patient = this.amount(segment, 5, false, claimId);
    this.claim = {
      envelope: this.envelope,
      paymentTrace: this.header.trace ?? '',
      claimId,
      status,
      adjustments: [],
      remarks: [],
      lines: [],
      location: this.where(segment, undefined, '2100', claimId),
      ...(charge !== undefined ? { chargeCents: charge } : {}),
      ...(paid !== undefined ? { paidCents: paid } : {}),
      ...(patient !== undefined ? { patientResponsibilityCents: patient } : {}),
      ...(this.value(segment, 6) !== '' ? { filingIndicator: this.value(segment, 6) } : {}),
      ...(this.value(segment, 7) !== '' ? { payerClaimNumber: this.value(segment, 7) } : {}),
      ...(this.value(segment, 9) !== '' ? { frequency: this.value(segment, 9) } : {}),
    };
  }

  /** CAS: the group, then up to six reason, amount and quantity triplets. */
  private adjustment(segment: RawSegment): void {
    const target = this.loop === '2110' ? this.line : this.loop === '2100' ? this.claim : undefined;
    if (target === undefined) return this.misplaced(segment, 'outside a claim or service line (adjustments follow CLP or SVC)', this.claimId);
    const group = this.code(segment, 1, ADJUSTMENT_GROUPS, 'a claim adjustment group code', this.claimId);
    for (let at = 2; at <= 17; at += 3) {
      const reason = this.value(segment, at);
      const amountText = this.value(segment, at + 1);
      if (reason === '' && amountText === '') continue;
      if (reason === '') {
        this.invalid(segment, `CAS${String(at).padStart(2, '0')}`, `CAS${String(at).padStart(2, '0')} is empty but an adjustment amount follows it; each amount needs its reason code (CARC)`, this.claimId);
        continue;
      }
      const cents = this.amount(segment, at + 1, true, this.claimId);
      if (cents === undefined) continue;
      const quantity = this.quantity(segment, at + 2, this.claimId);
      target.adjustments.push({ group, reason, cents, ...(quantity !== undefined ? { quantity } : {}) });
    }
  }

  private outpatient(segment: RawSegment): void {
    if (this.loop !== '2100' || !this.claim) return this.misplaced(segment, 'belongs to a claim (2100)', this.claimId);
    for (let at = 3; at <= 7; at++) {
      const code = this.value(segment, at);
      if (code !== '') this.claim.remarks.push({ code, source: 'MOA' });
    }
  }

  private reference(segment: RawSegment): void {
    if (this.loop === '2110' && this.line) {
      const qualifier = this.value(segment, 1);
      if (qualifier === '6R' && this.value(segment, 2) !== '') this.line.controlNumber = this.value(segment, 2);
      else if (qualifier === '0K' && this.value(segment, 2) !== '') this.line.policies.push(this.value(segment, 2));
      return;
    }
    if (['header', '1000A', '1000B', '2100'].includes(this.loop)) return;
    this.misplaced(segment, `is not expected in loop ${this.loop}`, this.claimId);
  }

  private dateTime(segment: RawSegment): void {
    if (this.loop === '2110' && this.line) {
      const qualifier = this.value(segment, 1);
      if (qualifier === '472' || qualifier === '150') {
        const date = this.date(segment, 2, this.claimId);
        if (date !== undefined) this.line.serviceDate = date;
      } else if (qualifier !== '151') this.invalid(segment, 'DTM01', `DTM01 is ${JSON.stringify(qualifier)}; a service date is 472, or 150 and 151 for a period`, this.claimId);
      return;
    }
    if (this.loop === 'header' || this.loop === '2100') {
      this.date(segment, 2, this.claimId);
      return;
    }
    this.misplaced(segment, `is not expected in loop ${this.loop}`, this.claimId);
  }

  private supplementalAmount(segment: RawSegment): void {
    const qualifier = this.value(segment, 1);
    if (this.loop === '2110' && this.line) {
      const cents = this.amount(segment, 2, true, this.claimId);
      if (qualifier === 'B6' && cents !== undefined) this.line.allowedCents = cents;
      return;
    }
    if (this.loop === '2100' && this.claim) {
      const cents = this.amount(segment, 2, true, this.claimId);
      if (qualifier === 'AU' && cents !== undefined) this.claim.coveredCents = cents;
      return;
    }
    this.misplaced(segment, `is not expected in loop ${this.loop}`, this.claimId);
  }

  private service(segment: RawSegment): void {
    const claim = this.claim;
    if (!claim || (this.loop !== '2100' && this.loop !== '2110')) return this.misplaced(segment, 'outside a claim (a service line follows CLP)');
    this.closeLine();
    this.loop = '2110';
    const procedure = this.procedure(segment, 1, claim.claimId);
    const billed = this.procedure(segment, 6, claim.claimId);
    const charge = this.amount(segment, 2, true, claim.claimId);
    const paid = this.amount(segment, 3, true, claim.claimId);
    const unitsPaid = this.quantity(segment, 5, claim.claimId);
    const unitsBilled = this.quantity(segment, 7, claim.claimId);
    this.line = {
      adjustments: [],
      remarks: [],
      policies: [],
      location: this.where(segment, undefined, '2110', claim.claimId),
      ...(procedure ? { procedure } : {}),
      ...(billed ? { billedProcedure: billed } : {}),
      ...(charge !== undefined ? { chargeCents: charge } : {}),
      ...(paid !== undefined ? { paidCents: paid } : {}),
      ...(unitsPaid !== undefined ? { unitsPaid } : {}),
      ...(unitsBilled !== undefined ? { unitsBilled } : {}),
    };
  }

  private remark(segment: RawSegment): void {
    if (this.loop !== '2110' || !this.line) return this.misplaced(segment, 'belongs to a service line (2110)', this.claimId);
    const source = this.code(segment, 1, ['HE', 'RX'], 'the remark code list qualifier (HE remark codes, RX NCPDP reject codes)', this.claimId);
    const code = this.required(segment, 2, this.claimId);
    if (code !== '' && (source === 'HE' || source === 'RX')) this.line.remarks.push({ code, source } satisfies Remark835);
  }

  private providerAdjustment(segment: RawSegment): void {
    this.closeClaim();
    this.sendHeader(segment);
    this.inFooter = true;
    this.loop = 'footer';
    const adjustments: { reason: string; reference?: string; cents: number }[] = [];
    for (let at = 3; at <= 13; at += 2) {
      const [reason = '', reference = ''] = this.components(segment, at);
      if (reason === '' && this.value(segment, at + 1) === '') continue;
      const cents = this.amount(segment, at + 1, true);
      if (reason === '') this.invalid(segment, `PLB${String(at).padStart(2, '0')}`, `PLB${String(at).padStart(2, '0')} has no adjustment reason code`);
      if (cents === undefined || reason === '') continue;
      adjustments.push({ reason, cents, ...(reference !== '' ? { reference } : {}) });
      this.adjustedTotal += cents;
    }
    const fiscal = this.date(segment, 2);
    this.out.item({
      kind: '835-provider-adjustment',
      adjustment: { envelope: this.envelope, paymentTrace: this.header.trace ?? '', providerId: this.required(segment, 1), adjustments, location: this.where(segment), ...(fiscal !== undefined ? { fiscalPeriodDate: fiscal } : {}) },
    });
  }

  private closeLine(): void {
    const line = this.line;
    const claim = this.claim;
    if (!line || !claim) return;
    this.line = undefined;
    if (line.chargeCents !== undefined && line.paidCents !== undefined) {
      const expected = line.chargeCents - sum(line.adjustments);
      if (expected !== line.paidCents) {
        this.out.problem(REMIT_835_CATALOGUE.problem('x12.835.balance.line', `SVC03 paid ${money(line.paidCents)}, but SVC02 ${money(line.chargeCents)} minus its adjustments ${money(sum(line.adjustments))} is ${money(expected)}`, { location: { ...line.location, element: 'SVC03' } }));
      }
    }
    claim.lines.push(line);
  }

  private closeClaim(): void {
    this.closeLine();
    const claim = this.claim;
    if (!claim) return;
    this.claim = undefined;
    if (claim.chargeCents !== undefined && claim.paidCents !== undefined) {
      const adjusted = sum(claim.adjustments) + claim.lines.reduce((total, l) => total + sum(l.adjustments), 0);
      const expected = claim.chargeCents - adjusted;
      if (expected !== claim.paidCents) {
        this.out.problem(REMIT_835_CATALOGUE.problem('x12.835.balance.claim', `CLP04 paid ${money(claim.paidCents)}, but CLP03 ${money(claim.chargeCents)} minus the claim and line adjustments ${money(adjusted)} is ${money(expected)}`, { location: { ...claim.location, element: 'CLP04' } }));
      }
    }
    this.paidTotal += claim.paidCents ?? 0;
    this.out.item({ kind: '835-claim', payment: claim });
  }

  end(complete: boolean, at: SegmentPlace): void {
    if (!complete) {
      this.claim = undefined;
      this.line = undefined;
      return;
    }
    const segment = { number: at.number, offset: at.offset, id: 'SE', elements: ['SE'] };
    this.closeClaim();
    this.sendHeader(segment);
    const payment = this.header.paymentCents;
    if (payment !== undefined && payment !== this.paidTotal - this.adjustedTotal && this.header.location) {
      this.out.problem(REMIT_835_CATALOGUE.problem('x12.835.balance.payment', `BPR02 is ${money(payment)}, but the claims paid ${money(this.paidTotal)} minus the provider adjustments ${money(this.adjustedTotal)} is ${money(this.paidTotal - this.adjustedTotal)}`, { location: { ...this.header.location, element: 'BPR02' } }));
    }
  }
}

/** The 835 as a transaction set an envelope reads. */
export function remit835Kind(out: ResponseOutput): TransactionKind {
  return {
    set: '835',
    functionalId: 'HP',
    guide: '005010X221A1',
    guidePrefix: '005010X221',
    name: '835',
    setLabel: 'an 835 remittance advice is 835',
    segments: SEGMENTS,
    open: (context) => new Remit835Transaction(context, out),
  };
}
