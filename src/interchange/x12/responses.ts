/**
 * What the readers of the files that come back after an 837P yield: the 999's acknowledgment of each transaction
 * set and group, the 277CA's status of each claim, and the 835's payment of each claim and its lines. Amounts are
 * integer cents as the file states them; no patient name or member id is kept.
 */
import type { X12Location } from './problems.js';
import type { ResponseProblem } from './response-problems.js';

/** The envelope an item came in (of the received file). */
export interface ReceivedEnvelope {
  /** ISA13 of the received file. */
  interchangeControl: string;
  /** GS06 of the received file. */
  groupControl: string;
  /** ST02 of the received file. */
  transactionControl: string;
}

/** One element error a 999 reports (IK4, 2110). */
export interface ElementError999 {
  /** IK401: element position, `-component` and `-repetition` when given (`2`, `5-1`). */
  position: string;
  /** IK402: data element reference number. */
  reference?: string;
  /** IK403: implementation data element syntax error code. */
  code: string;
  /** IK404: a copy of the bad data element. */
  badValue?: string;
}

/** One segment error a 999 reports (IK3, 2100), with its element errors. */
export interface SegmentError999 {
  /** IK301: the segment id in error. */
  segmentId: string;
  /** IK302: its position in the transaction set (ST is 1). */
  position?: number;
  /** IK303: the loop. */
  loop?: string;
  /** IK304: implementation segment syntax error code. */
  code?: string;
  /** CTX business unit (`CLM01`): the claim id the error belongs to, when the 999 names it. */
  claimId?: string;
  elements: ElementError999[];
}

/** A 999's acknowledgment of one transaction set of the 837P (AK2 ... IK5). */
export interface TransactionAck999 {
  envelope: ReceivedEnvelope;
  /** AK101: functional identifier of the acknowledged group (`HC`). */
  functionalId: string;
  /** AK102: GS06 of the acknowledged group (dxacode writes its interchange number there). */
  groupControl: string;
  /** AK201: the acknowledged transaction set (`837`). */
  transactionSet: string;
  /** AK202: ST02 of the acknowledged transaction set. */
  transactionControl: string;
  /** IK501: A accepted, E accepted with errors noted, M/R/W/X rejected. */
  status: string;
  /** IK502-IK506: implementation transaction set syntax error codes. */
  syntaxErrors: string[];
  segmentErrors: SegmentError999[];
  location: X12Location;
}

/** A 999's acknowledgment of one functional group of the 837P (AK1 ... AK9). */
export interface GroupAck999 {
  envelope: ReceivedEnvelope;
  functionalId: string;
  groupControl: string;
  /** AK103: the implementation guide acknowledged. */
  version: string;
  /** AK901: A accepted, E accepted with errors, P partially accepted, M/R/W/X rejected. */
  status: string;
  /** AK902, AK903, AK904. */
  included?: number;
  received?: number;
  accepted?: number;
  /** AK905-AK909: functional group syntax error codes. */
  syntaxErrors: string[];
  /** AK2 loops read in the group. */
  transactionSets: number;
  location: X12Location;
}

/** One status of a 277CA (STC01, STC10 or STC11): category, status and the entity it concerns. */
export interface ClaimStatusCode {
  /** Claim status category code (`A1`, `A2`, `A3`, `A6`, `A7`, `A8`, ...). */
  category: string;
  /** Claim status code. */
  code: string;
  /** Entity identifier code, when given. */
  entity?: string;
}

/** A billed procedure as a response repeats it (SVC01 composite). */
export interface ProcedureId {
  qualifier: string;
  code: string;
  modifiers: string[];
}

/** One line's status in a 277CA (2220D). */
export interface LineStatus277 {
  procedure?: ProcedureId;
  /** SVC02. */
  chargeCents?: number;
  /** SVC07: units of service as billed. */
  units?: number;
  statuses: ClaimStatusCode[];
  /** REF*FJ: the line item control number of the 837P line (its REF*6R). */
  controlNumber?: string;
  serviceDate?: string;
  location: X12Location;
}

/** A 277CA's status of one claim (2200D and its 2220D lines). */
export interface ClaimStatus277 {
  envelope: ReceivedEnvelope;
  /** TRN02: the patient control number, that is the 837P's CLM01. */
  claimId: string;
  statuses: ClaimStatusCode[];
  /** STC02 of the first STC. */
  effectiveDate?: string;
  /** STC03: WQ accepted, U rejected (per the guide's use of the action code). */
  action?: string;
  /** STC04: total claim charge. */
  chargeCents?: number;
  /** REF*1K: the payer's claim control number. */
  payerClaimNumber?: string;
  /** REF*D9: the clearinghouse's trace number. */
  clearinghouseTrace?: string;
  serviceDate?: string;
  /** 2100C NM109: the billing provider identifier the status is reported under. */
  billingProviderId?: string;
  lines: LineStatus277[];
  location: X12Location;
}

/** A 277CA's status of a whole batch, as the information receiver (2200B) or billing provider (2200C) level gives it. */
export interface BatchStatus277 {
  envelope: ReceivedEnvelope;
  level: 'receiver' | 'provider';
  /** TRN02. */
  trace: string;
  statuses: ClaimStatusCode[];
  acceptedQuantity?: number;
  rejectedQuantity?: number;
  acceptedCents?: number;
  rejectedCents?: number;
  location: X12Location;
}

/** One claim adjustment group, reason and amount (a CAS triplet). */
export interface Adjustment835 {
  /** CAS01: CO contractual, PR patient responsibility, OA other, PI payer initiated. */
  group: string;
  /** CARC. */
  reason: string;
  cents: number;
  quantity?: number;
}

/** A remark code (RARC in LQ*HE and MOA; NCPDP reject code in LQ*RX). */
export interface Remark835 {
  code: string;
  /** Where it came from: LQ qualifier (`HE`, `RX`) or `MOA`. */
  source: 'HE' | 'RX' | 'MOA';
}

/** One service line of an 835 claim payment (2110). */
export interface ServicePayment835 {
  procedure?: ProcedureId;
  /** SVC06: the procedure as billed, when the payer paid another. */
  billedProcedure?: ProcedureId;
  /** SVC02. */
  chargeCents?: number;
  /** SVC03. */
  paidCents?: number;
  /** SVC05: units paid. */
  unitsPaid?: number;
  /** SVC07: units billed, when they differ. */
  unitsBilled?: number;
  /** DTM*472 (or DTM*150, the period start). */
  serviceDate?: string;
  /** REF*6R: the line item control number of the 837P line. */
  controlNumber?: string;
  /** AMT*B6: allowed amount. */
  allowedCents?: number;
  adjustments: Adjustment835[];
  remarks: Remark835[];
  /** REF*0K: the payer's healthcare policy ids the CARC usage notes refer to. */
  policies: string[];
  location: X12Location;
}

/** An 835's payment of one claim (2100 and its 2110 lines). */
export interface ClaimPayment835 {
  envelope: ReceivedEnvelope;
  /** TRN02 of the transaction: the check or EFT trace number the claim was paid under. */
  paymentTrace: string;
  /** CLP01: the patient control number, that is the 837P's CLM01. */
  claimId: string;
  /** CLP02: 1/2/3 processed as primary/secondary/tertiary, 4 denied, 19-21 processed and forwarded, 22 reversal, 23 not our claim, 25 predetermination. */
  status: string;
  /** CLP03. */
  chargeCents?: number;
  /** CLP04. */
  paidCents?: number;
  /** CLP05. */
  patientResponsibilityCents?: number;
  /** CLP06. */
  filingIndicator?: string;
  /** CLP07: the payer's claim control number. */
  payerClaimNumber?: string;
  /** CLP09: claim frequency code. */
  frequency?: string;
  /** AMT*AU: coverage amount. */
  coveredCents?: number;
  adjustments: Adjustment835[];
  /** MOA remark codes. */
  remarks: Remark835[];
  lines: ServicePayment835[];
  location: X12Location;
}

/** The header of one 835 transaction set: the payment and who made it to whom. */
export interface Remittance835 {
  envelope: ReceivedEnvelope;
  /** BPR01: C payment with remittance, H notification only, I remittance only, ... */
  handling: string;
  /** BPR02. */
  paymentCents?: number;
  /** BPR03: C credit, D debit. */
  creditDebit: string;
  /** BPR04: ACH, BOP, CHK, FWT, NON. */
  method: string;
  /** BPR16: check issue or EFT effective date. */
  paymentDate?: string;
  /** TRN02: check or EFT trace number. */
  trace: string;
  /** TRN03: payer identifier. */
  payerIdentifier?: string;
  payerName?: string;
  /** N104 of the payer (1000A). */
  payerId?: string;
  /** N103/N104 of the payee (1000B): `XX` NPI, `FI` tax id, `XV` plan id. */
  payeeIdQualifier?: string;
  payeeId?: string;
  location: X12Location;
}

/** A provider-level adjustment (PLB): not tied to one claim. */
export interface ProviderAdjustment835 {
  envelope: ReceivedEnvelope;
  paymentTrace: string;
  /** PLB01: the provider identifier the payer assigned. */
  providerId: string;
  /** PLB02: fiscal period date. */
  fiscalPeriodDate?: string;
  /** Each adjustment: reason code (PLB03-1), reference (PLB03-2) and amount; a positive amount reduces the payment. */
  adjustments: { reason: string; reference?: string; cents: number }[];
  location: X12Location;
}

/** What a response reader yields, in file order. */
export type ResponseItem =
  | { kind: '999-transaction'; ack: TransactionAck999 }
  | { kind: '999-group'; group: GroupAck999 }
  | { kind: '277ca-claim'; status: ClaimStatus277 }
  | { kind: '277ca-batch'; status: BatchStatus277 }
  | { kind: '835-remittance'; remittance: Remittance835 }
  | { kind: '835-claim'; payment: ClaimPayment835 }
  | { kind: '835-provider-adjustment'; adjustment: ProviderAdjustment835 }
  | { kind: 'problem'; problem: ResponseProblem };

/** The kinds of response file dxacode reads. */
export const RESPONSE_KINDS = ['999', '277CA', '835'] as const;
/** One kind of response file. */
export type ResponseKind = (typeof RESPONSE_KINDS)[number];
