/**
 * Writers for the files that come back after an 837P: a 999 acknowledging its transaction sets, a 277CA with each
 * claim's status, an 835 paying (or denying) each claim and line. They are what a clearinghouse or payer would
 * send, for tests, demonstrations and benchmarks, written from structured outcomes with the envelopes, counts and
 * balances the readers check. Pure: control numbers, dates and outcomes come in.
 */
import { closeInterchange, openInterchange, transactionSet, x12Segment as segment, x12Text, type EnvelopeSettings } from './envelope-write.js';
import { formatAmount, padNumber, toD8, WRITE_SEPARATORS as SEP } from './format.js';
import type { Adjustment835, ClaimStatusCode, ProcedureId, SegmentError999 } from './responses.js';

/** The envelope of a written response: who sends it to whom, when, under which control number. */
export type ResponseEnvelope = Omit<EnvelopeSettings, 'functionalId' | 'guide' | 'qualifier' | 'usage'> & { qualifier?: string; usage?: 'P' | 'T' };

/** The 999 writer's input: the acknowledged group and, per transaction set, its status and errors. */
export interface Ack999Outcome {
  /** GS06 of the acknowledged 837P (its interchange number, as dxacode writes it). */
  groupControl: string;
  /** AK103 (default 005010X222A1). */
  version?: string;
  transactionSets: { control: string; status: string; syntaxErrors?: string[]; segmentErrors?: SegmentError999[] }[];
  /** AK901 (default: A when every set is A, E when every set is A or E, R when none is accepted, else P). */
  groupStatus?: string;
}

const composite = (...parts: string[]) => {
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') end--;
  return parts.slice(0, end).join(SEP.component);
};
const procedureText = (p: ProcedureId) => composite(p.qualifier, p.code, ...p.modifiers);
const envelopeOf = (envelope: ResponseEnvelope, functionalId: string, guide: string): EnvelopeSettings => ({ qualifier: 'ZZ', usage: 'T', ...envelope, functionalId, guide });

/** A 999 acknowledging one group of an 837P. */
export function write999(outcome: Ack999Outcome, envelope: ResponseEnvelope): string {
  const body: string[] = [segment('AK1', 'HC', outcome.groupControl, outcome.version ?? '005010X222A1')];
  let accepted = 0;
  for (const set of outcome.transactionSets) {
    body.push(segment('AK2', '837', set.control, outcome.version ?? '005010X222A1'));
    for (const error of set.segmentErrors ?? []) {
      body.push(segment('IK3', error.segmentId, error.position === undefined ? '' : String(error.position), error.loop ?? '', error.code ?? ''));
      if (error.claimId !== undefined) body.push(segment('CTX', composite('CLM01', error.claimId)));
      for (const element of error.elements) {
        body.push(segment('IK4', composite(...element.position.split('-')), element.reference ?? '', element.code, element.badValue ?? ''));
      }
    }
    body.push(segment('IK5', set.status, ...(set.syntaxErrors ?? [])));
    if (set.status === 'A' || set.status === 'E') accepted++;
  }
  const count = outcome.transactionSets.length;
  const statuses = outcome.transactionSets.map((s) => s.status);
  const groupStatus = outcome.groupStatus ?? (statuses.every((s) => s === 'A') ? 'A' : accepted === count ? 'E' : accepted === 0 ? 'R' : 'P');
  body.push(segment('AK9', groupStatus, String(count), String(count), String(accepted)));
  const settings = envelopeOf(envelope, 'FA', '005010X231A1');
  return x12Text([...openInterchange(settings), ...transactionSet('999', '0001', settings.guide, body), ...closeInterchange(settings.interchange, 1)]);
}

/** One claim's status for the 277CA writer. */
export interface ClaimStatusOutcome {
  /** The 837P's CLM01. */
  claimId: string;
  statuses: ClaimStatusCode[];
  /** STC03: WQ accepted, U rejected. */
  action: 'WQ' | 'U';
  chargeCents: number;
  payerClaimNumber?: string;
  serviceDate: string;
  lines?: { procedure: ProcedureId; chargeCents: number; units: number; controlNumber?: string; statuses: ClaimStatusCode[]; serviceDate?: string }[];
}

/** The 277CA writer's input: the parties and each claim's status (one billing provider, one patient level per claim). */
export interface Status277Outcome {
  payer: { name: string; id: string };
  receiver: { name: string; id: string };
  billingProviderNpi: string;
  /** Receipt and process date (DTP*050, DTP*009, STC02). */
  date: string;
  claims: ClaimStatusOutcome[];
}

/** STC with STC01 and, for more statuses, STC10 and STC11 (STC02-STC09 given). */
function statusSegment(statuses: ClaimStatusCode[], date: string, action: string, chargeCents: number | undefined): string {
  const [first, second, third] = statuses.map((s) => composite(s.category, s.code, s.entity ?? ''));
  const charge = chargeCents === undefined ? '' : formatAmount(chargeCents);
  if (second === undefined) return segment('STC', first ?? '', toD8(date), action, charge);
  return segment('STC', first ?? '', toD8(date), action, charge, '', '', '', '', '', second, third ?? '');
}

/** A 277CA with each claim's status, as a payer or clearinghouse acknowledges an 837P. */
export function write277CA(outcome: Status277Outcome, envelope: ResponseEnvelope): string {
  const d8 = toD8(outcome.date);
  const accepted = outcome.claims.filter((c) => c.action === 'WQ');
  const rejected = outcome.claims.filter((c) => c.action === 'U');
  const total = (claims: ClaimStatusOutcome[]) => formatAmount(claims.reduce((s, c) => s + c.chargeCents, 0));
  const body: string[] = [segment('BHT', '0085', '08', `277CA${padNumber(envelope.interchange, 9)}`, d8, envelope.time, 'TH')];
  body.push(segment('HL', '1', '', '20', '1'), segment('NM1', 'PR', '2', outcome.payer.name, '', '', '', '', 'PI', outcome.payer.id));
  body.push(segment('TRN', '1', `R${padNumber(envelope.interchange, 9)}`), segment('DTP', '050', 'D8', d8), segment('DTP', '009', 'D8', d8));
  body.push(segment('HL', '2', '1', '21', '1'), segment('NM1', '41', '2', outcome.receiver.name, '', '', '', '', '46', outcome.receiver.id));
  body.push(segment('TRN', '2', `B${padNumber(envelope.interchange, 9)}`), statusSegment([{ category: 'A1', code: '19', entity: 'PR' }], outcome.date, 'WQ', outcome.claims.reduce((s, c) => s + c.chargeCents, 0)));
  body.push(segment('QTY', '90', String(accepted.length)), segment('QTY', 'AA', String(rejected.length)), segment('AMT', 'YU', total(accepted)), segment('AMT', 'YY', total(rejected)));
  body.push(segment('HL', '3', '2', '19', '1'), segment('NM1', '85', '2', 'BILLING PROVIDER', '', '', '', '', 'XX', outcome.billingProviderNpi));
  body.push(segment('TRN', '1', `P${padNumber(envelope.interchange, 9)}`), statusSegment([{ category: 'A1', code: '19', entity: 'PR' }], outcome.date, 'WQ', outcome.claims.reduce((s, c) => s + c.chargeCents, 0)));
  body.push(segment('QTY', 'QA', String(accepted.length)), segment('QTY', 'QC', String(rejected.length)), segment('AMT', 'YU', total(accepted)), segment('AMT', 'YY', total(rejected)));
  let hl = 4;
  for (const claim of outcome.claims) {
    // No patient name: the writer is for tests and demonstrations, and names are not what matching uses.
    body.push(segment('HL', String(hl++), '3', 'PT'), segment('NM1', 'QC', '1', 'PATIENT', '', '', '', '', 'MI', 'UNKNOWN'));
    body.push(segment('TRN', '2', claim.claimId), statusSegment(claim.statuses, outcome.date, claim.action, claim.chargeCents));
    if (claim.payerClaimNumber !== undefined) body.push(segment('REF', '1K', claim.payerClaimNumber));
    body.push(segment('DTP', '472', 'D8', toD8(claim.serviceDate)));
    for (const line of claim.lines ?? []) {
      body.push(segment('SVC', procedureText(line.procedure), formatAmount(line.chargeCents), '', '', '', '', String(line.units)));
      // The guide's line-level STC03 is U (pyx12's 005010X214 map lists only U there).
      body.push(statusSegment(line.statuses, outcome.date, 'U', undefined));
      if (line.controlNumber !== undefined) body.push(segment('REF', 'FJ', line.controlNumber));
      body.push(segment('DTP', '472', 'D8', toD8(line.serviceDate ?? claim.serviceDate)));
    }
  }
  const settings = envelopeOf(envelope, 'HN', '005010X214');
  return x12Text([...openInterchange(settings), ...transactionSet('277', '0001', settings.guide, body), ...closeInterchange(settings.interchange, 1)]);
}

/** One service line's payment for the 835 writer. */
export interface ServicePaymentOutcome {
  procedure: ProcedureId;
  chargeCents: number;
  paidCents: number;
  units: number;
  serviceDate: string;
  controlNumber?: string;
  allowedCents?: number;
  adjustments?: Adjustment835[];
  remarks?: string[];
}

/** One claim's payment for the 835 writer. */
export interface ClaimPaymentOutcome {
  claimId: string;
  /** CLP02. */
  status: string;
  chargeCents: number;
  paidCents: number;
  patientResponsibilityCents?: number;
  filingIndicator?: string;
  payerClaimNumber: string;
  adjustments?: Adjustment835[];
  /** MOA remark codes. */
  remarks?: string[];
  lines: ServicePaymentOutcome[];
}

/** The 835 writer's input: who pays whom, how, and each claim. */
export interface Remit835Outcome {
  payer: { name: string; id: string };
  payee: { name: string; npi: string };
  trace: string;
  paymentDate: string;
  method?: 'ACH' | 'CHK' | 'NON';
  claims: Iterable<ClaimPaymentOutcome>;
  providerAdjustments?: { providerId: string; fiscalPeriodDate: string; reason: string; reference?: string; cents: number }[];
}

/** CAS segments for adjustments, grouped by group code, up to six reasons per segment. */
function adjustmentSegments(adjustments: readonly Adjustment835[]): string[] {
  const out: string[] = [];
  const groups = [...new Set(adjustments.map((a) => a.group))];
  for (const group of groups) {
    const mine = adjustments.filter((a) => a.group === group);
    for (let i = 0; i < mine.length; i += 6) {
      out.push(segment('CAS', group, ...mine.slice(i, i + 6).flatMap((a) => [a.reason, formatAmount(a.cents), a.quantity === undefined ? '' : String(a.quantity)])));
    }
  }
  return out;
}

/** The segments of one claim payment (2100 and its 2110 lines). */
function claimPaymentSegments(claim: ClaimPaymentOutcome): string[] {
  const out: string[] = [];
  out.push(segment('CLP', claim.claimId, claim.status, formatAmount(claim.chargeCents), formatAmount(claim.paidCents), claim.patientResponsibilityCents === undefined ? '' : formatAmount(claim.patientResponsibilityCents), claim.filingIndicator ?? 'MB', claim.payerClaimNumber, '11', '1'));
  out.push(...adjustmentSegments(claim.adjustments ?? []));
  out.push(segment('NM1', 'QC', '1', 'PATIENT', '', '', '', '', 'MI', 'UNKNOWN'));
  if ((claim.remarks ?? []).length > 0) out.push(segment('MOA', '', '', ...(claim.remarks ?? []).slice(0, 5)));
  for (const line of claim.lines) {
    out.push(segment('SVC', procedureText(line.procedure), formatAmount(line.chargeCents), formatAmount(line.paidCents), '', String(line.units)));
    out.push(segment('DTM', '472', toD8(line.serviceDate)));
    out.push(...adjustmentSegments(line.adjustments ?? []));
    if (line.controlNumber !== undefined) out.push(segment('REF', '6R', line.controlNumber));
    if (line.allowedCents !== undefined) out.push(segment('AMT', 'B6', formatAmount(line.allowedCents)));
    for (const remark of line.remarks ?? []) out.push(segment('LQ', 'HE', remark));
  }
  return out;
}

/**
 * An 835 paying (or denying) claims: BPR02 is the sum of the claim payments minus the provider adjustments, so the
 * file balances when each claim and line does. Claims can be an iterable (a generator for large benchmark files).
 */
export function write835(outcome: Remit835Outcome, envelope: ResponseEnvelope): string {
  const body: string[] = [];
  let paid = 0;
  const claims: string[] = [];
  for (const claim of outcome.claims) {
    paid += claim.paidCents;
    for (const s of claimPaymentSegments(claim)) claims.push(s);
  }
  const adjusted = (outcome.providerAdjustments ?? []).reduce((s, a) => s + a.cents, 0);
  const method = outcome.method ?? 'ACH';
  const total = paid - adjusted;
  body.push(segment('BPR', total === 0 ? 'H' : 'I', formatAmount(total), 'C', total === 0 ? 'NON' : method, '', '', '', '', '', '', '', '', '', '', '', toD8(outcome.paymentDate)));
  body.push(segment('TRN', '1', outcome.trace, `1${outcome.payer.id}`.slice(0, 10)));
  body.push(segment('N1', 'PR', outcome.payer.name, 'XV', outcome.payer.id), segment('N3', '1 PAYER WAY'), segment('N4', 'PAYERTOWN', 'NY', '10001'), segment('PER', 'BL', 'EDI SUPPORT', 'TE', '5555550199'));
  body.push(segment('N1', 'PE', outcome.payee.name, 'XX', outcome.payee.npi));
  body.push(segment('LX', '1'));
  for (const s of claims) body.push(s);
  for (const a of outcome.providerAdjustments ?? []) body.push(segment('PLB', a.providerId, toD8(a.fiscalPeriodDate), composite(a.reason, a.reference ?? ''), formatAmount(a.cents)));
  const settings = envelopeOf(envelope, 'HP', '005010X221A1');
  return x12Text([...openInterchange(settings), ...transactionSet('835', '0001', settings.guide, body), ...closeInterchange(settings.interchange, 1)]);
}
