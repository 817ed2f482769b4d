/**
 * HL7 v2 in: ORU^R01 results become encounters whose `report` is the OBX report text (escapes kept for the
 * extractor) and whose lowest numeric T-score is clinical.tScoreLowest; ORM^O01 orders are never a charge
 * (REFERENCE §9: orders arrive as ORM^O01, results as ORU^R01; charge only from a signed/final result).
 * Field numbers follow HL7 v2.5.1 (PID-7/8, OBR-4/7/16/25/31/32, OBX-2/3/5/6/11/14, ORC-12, PV1-2, DG1-3).
 * Pure: no files, clock or environment.
 */
import type { Hl7Message, Hl7Segment } from '@medplum/core';
import { Encounter, Icd10Code, MRN_PATTERN } from '../../contract/encounter.js';
import { isCalendarDate } from '../../contract/dates.js';
import { INPUT_LIMITS, type Sex } from '../../contract/values.js';
import { frameMessages, rawComponent, repetitionsOf, subcomponentOf, unescapeValue, type FramedMessage, type RawSegment } from './message.js';
import { hl7Problem, type Hl7Location, type Hl7Problem } from './problems.js';

/** How to read the messages. */
export interface Hl7ReadOptions {
  /** Payer policy pack id for every encounter (HL7 results name no dxacode pack); default medicare. */
  payer?: string;
}

/** A person named in a message (XCN or CNN), with the NPI when the message marks the id as one. */
export interface Hl7Person {
  npi?: string;
  /** The id as sent, whatever its type. */
  id?: string;
  family?: string;
  given?: string;
}

/** One numeric T-score OBX, with its OBX-3 code as printed. */
export interface Hl7TScore {
  value: number;
  /** OBX-3 identifier and coding system as printed (`38267-1^...^LN` gives code 38267-1, system LN). */
  code?: string;
  system?: string;
  text?: string;
  /** 1-based segment ordinal of the OBX in the file. */
  segment: number;
}

/** What the message said beyond the Encounter fields: for display and for the DFT^P03 writer's options. */
export interface Hl7ReadDetails {
  controlId?: string;
  messageType: string;
  /** OBR-25 (or the OBX-11 of the report text when OBR-25 is empty). */
  resultStatus: string;
  patient: { id?: string; family?: string; given?: string };
  /** PV1-2 patient class (O outpatient, I inpatient, ...). */
  patientClass?: string;
  /** OBR-16 (or ORC-12) ordering provider. */
  orderingProvider?: Hl7Person;
  /** OBR-32 principal result interpreter. */
  performingProvider?: Hl7Person;
  /** OBR-4 universal service identifier of each OBR: the procedure as ordered and reported. */
  procedures: { code: string; text?: string; system?: string }[];
  tScores: Hl7TScore[];
}

/** One message read: an encounter with notes, or why there is none (an order, a preliminary result, a broken message). */
export type Hl7MessageOutcome =
  | { ok: true; message: number; encounter: Encounter; details: Hl7ReadDetails; problems: Hl7Problem[] }
  | { ok: false; message: number; controlId?: string; messageType?: string; problems: Hl7Problem[] };

/** Every message of a text, and the problems that belong to no message (framing, text before the first MSH). */
export interface Hl7ReadResult {
  messages: Hl7MessageOutcome[];
  problems: Hl7Problem[];
}

/** OBR-25 result statuses (HL7 table 0123) that are a final result: F final, C correction of a final result. */
const FINAL_RESULT_STATUSES: ReadonlySet<string> = new Set(['F', 'C']);
/** OBX-11 statuses (HL7 table 0085) whose value is withdrawn: D deleted, W wrong, X cannot be obtained. */
const WITHDRAWN_OBX_STATUSES: ReadonlySet<string> = new Set(['D', 'W', 'X']);
/** OBX-2 value types that carry report text. */
const TEXT_TYPES: ReadonlySet<string> = new Set(['TX', 'FT', 'ST']);
/** Order messages: never a charge. */
const ORDER_TYPES: ReadonlySet<string> = new Set(['ORM', 'OMG', 'OMI']);
/** Coding systems (HL7 table 0396) that mean ICD-10-CM in DG1-3 and OBR-31 [S: I10 in v2.5, I10C added in v2.8]. */
const ICD10_SYSTEMS: ReadonlySet<string> = new Set(['I10', 'I10C', 'ICD10CM', 'ICD-10-CM']);
/** The NPI's OID (CMS), which HL7 assigning authorities use for it [S; not in REFERENCE]. */
const NPI_OID = '2.16.840.1.113883.4.6';
/** PID-8 administrative sex (HL7 table 0001): F and M; everything else is unknown to the contract. */
const SEX: Record<string, Sex> = { F: 'female', M: 'male' };
/** Every PID-8 code of HL7 table 0001 (v2.5.1): female, male, other, unknown, ambiguous, not applicable. */
const SEX_TABLE: ReadonlySet<string> = new Set(['F', 'M', 'O', 'U', 'A', 'N']);

/** A T-score is named so in OBX-3 (code or text) or OBX-6 units, as printed (`DXA Hip-L T-score BMD`). */
function isTScoreText(texts: string[]): boolean {
  return texts.some((t) => /\bT[- ]?score\b/i.test(t));
}

/** YYYY-MM-DD from an HL7 TS/DT (YYYYMMDD[HHMM[SS]][+ZZZZ]); undefined when it has no full calendar date. */
function dateOf(ts: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(ts);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  return isCalendarDate(iso) ? iso : undefined;
}

/** Report text with the message's escape character turned into `\`, the one the extractor reads. */
function standardEscapes(text: string, message: Hl7Message): string {
  const e = message.context.escapeCharacter;
  if (e === '\\') return text;
  const q = e.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return text.replace(new RegExp(`${q}([^${q}]{1,5})${q}`, 'g'), '\\$1\\');
}

/** Per-message reader state: the segments with their locations, and the problems found. */
class MessageReader {
  readonly problems: Hl7Problem[] = [];
  readonly controlId: string | undefined;

  constructor(
    readonly framed: FramedMessage,
    readonly msg: Hl7Message,
  ) {
    const id = unescapeValue(rawComponent(msg.header, 10), msg);
    this.controlId = id !== '' ? id : undefined;
  }

  at(raw: RawSegment | undefined, field?: string): Hl7Location {
    const location: Hl7Location = { message: this.framed.ordinal };
    if (raw) {
      location.segment = raw.ordinal;
      location.id = raw.text.slice(0, 3);
      location.offset = raw.offset;
    }
    if (field !== undefined) location.field = field;
    if (this.controlId !== undefined) location.controlId = this.controlId;
    return location;
  }

  /** Segments with the given id, each with its raw segment (for locations). */
  all(id: string): { seg: Hl7Segment; raw: RawSegment }[] {
    const out: { seg: Hl7Segment; raw: RawSegment }[] = [];
    this.msg.segments.forEach((seg, i) => {
      if (seg.name === id) out.push({ seg, raw: this.framed.segments[i]! });
    });
    return out;
  }

  value(seg: Hl7Segment, field: number, component = 1, repetition = 0): string {
    return unescapeValue(rawComponent(seg, field, component, repetition), this.msg).trim();
  }

  /** An XCN (ORC-12, OBR-16) person; the id is an NPI when XCN-13 or the assigning authority XCN-9 says so. */
  xcn(seg: Hl7Segment, raw: RawSegment, field: number, name: string): Hl7Person | undefined {
    const rep = repetitionsOf(seg, field)[0];
    if (!rep) return undefined;
    const part = (i: number): string => unescapeValue(rep[i - 1] ?? '', this.msg).trim();
    const authority = rep[8] ?? '';
    const isNpi = part(13).toUpperCase() === 'NPI' || subcomponentOf(authority, 1, this.msg).toUpperCase() === 'NPI' || subcomponentOf(authority, 2, this.msg) === NPI_OID;
    return this.person(part(1), part(2), part(3), isNpi, raw, name);
  }

  /** A CNN (OBR-32 component 1) person: id&family&given&...&assigning authority (subcomponents 9 and 10). */
  cnn(seg: Hl7Segment, raw: RawSegment, field: number, name: string): Hl7Person | undefined {
    const value = rawComponent(seg, field, 1);
    if (value === '') return undefined;
    const sub = (i: number): string => unescapeValue(subcomponentOf(value, i, this.msg), this.msg).trim();
    const isNpi = sub(9).toUpperCase() === 'NPI' || sub(10) === NPI_OID;
    return this.person(sub(1), sub(2), sub(3), isNpi, raw, name);
  }

  private person(id: string, family: string, given: string, isNpi: boolean, raw: RawSegment, field: string): Hl7Person | undefined {
    const person: Hl7Person = {};
    if (id !== '') person.id = id;
    if (family !== '') person.family = family;
    if (given !== '') person.given = given;
    if (id !== '' && isNpi) {
      if (/^\d{10}$/.test(id)) person.npi = id;
      else this.problems.push(hl7Problem('hl7.value.invalid', 'the provider id is marked NPI but is not 10 digits; it is not used as an NPI', { location: this.at(raw, field), expected: 'a 10-digit NPI' }));
    }
    return Object.keys(person).length > 0 ? person : undefined;
  }
}

/** Reads one ORU^R01 message into an encounter. */
function readResult(reader: MessageReader, messageType: string, options: Hl7ReadOptions): Hl7MessageOutcome {
  const { problems } = reader;
  const fail = (): Hl7MessageOutcome => ({ ok: false, message: reader.framed.ordinal, ...(reader.controlId !== undefined ? { controlId: reader.controlId } : {}), messageType, problems });
  const pid = reader.all('PID')[0];
  const obrs = reader.all('OBR');
  if (!pid) problems.push(hl7Problem('hl7.segment.missing', 'the ORU^R01 has no PID segment', { location: reader.at(undefined), expected: 'a PID segment with the patient' }));
  if (obrs.length === 0) problems.push(hl7Problem('hl7.segment.missing', 'the ORU^R01 has no OBR segment', { location: reader.at(undefined), expected: 'an OBR segment with the procedure, dates and result status' }));
  if (!pid || obrs.length === 0) return fail();

  // OBX: report text lines, numeric T-scores.
  const lines: string[] = [];
  const textStatuses: string[] = [];
  const tScores: Hl7TScore[] = [];
  let firstObxDate: string | undefined;
  for (const { seg, raw } of reader.all('OBX')) {
    const type = reader.value(seg, 2).toUpperCase();
    const status = reader.value(seg, 11).toUpperCase();
    if (WITHDRAWN_OBX_STATUSES.has(status)) {
      problems.push(hl7Problem('hl7.obx.skipped', `the OBX status is ${status} (withdrawn); it is not read`, { location: reader.at(raw, 'OBX-11'), expected: 'F, C or P' }));
      continue;
    }
    firstObxDate ??= dateOf(reader.value(seg, 14));
    if (TEXT_TYPES.has(type)) {
      // OBX-5 as sent, escapes and all; repetitions of a text value are lines.
      const value = (seg.getField(5)?.components ?? []).map((rep) => rep.join(reader.msg.context.componentSeparator)).join('\n');
      lines.push(standardEscapes(value, reader.msg));
      textStatuses.push(status);
    } else if (type === 'NM') {
      const code = reader.value(seg, 3, 1);
      const text = reader.value(seg, 3, 2);
      const units = [reader.value(seg, 6, 1), reader.value(seg, 6, 2)];
      if (!isTScoreText([code, text, ...units])) continue;
      const printed = reader.value(seg, 5);
      const value = /^[+-]?\d+(\.\d+)?$/.test(printed) ? Number(printed) : Number.NaN;
      if (!Number.isFinite(value) || value < -10 || value > 10) {
        problems.push(hl7Problem('hl7.value.invalid', 'the T-score OBX value is not a number between -10 and 10; it is not used', { location: reader.at(raw, 'OBX-5'), expected: 'a decimal number such as -2.4' }));
        continue;
      }
      const score: Hl7TScore = { value, segment: raw.ordinal };
      if (code !== '') score.code = code;
      const system = reader.value(seg, 3, 3);
      if (system !== '') score.system = system;
      if (text !== '') score.text = text;
      tScores.push(score);
    } else if (type !== '') {
      problems.push(hl7Problem('hl7.obx.skipped', `OBX value type ${type} is neither report text nor a number; it is not read`, { location: reader.at(raw, 'OBX-2'), expected: 'TX, FT or ST (report text) or NM (T-score)' }));
    }
  }

  // Charge only from a final result (REFERENCE §9): every OBR-25 must be F or C.
  let resultStatus = '';
  for (const { seg, raw } of obrs) {
    let status = reader.value(seg, 25).toUpperCase();
    if (status === '' && textStatuses.length > 0 && textStatuses.every((s) => FINAL_RESULT_STATUSES.has(s))) status = textStatuses[0]!;
    if (!FINAL_RESULT_STATUSES.has(status)) {
      problems.push(
        hl7Problem('hl7.result.not-final', `the result status is ${JSON.stringify(status)}: charge only from a final result`, {
          location: reader.at(raw, 'OBR-25'),
          expected: 'OBR-25 F (final) or C (corrected)',
          fix: 'send the result again once it is final',
        }),
      );
    }
    resultStatus ||= status;
  }

  const dates = obrs.map(({ seg }) => dateOf(reader.value(seg, 7)));
  const dateOfService = dates[0] ?? firstObxDate;
  if (dateOfService === undefined) {
    problems.push(hl7Problem('hl7.date.invalid', 'no observation date for the date of service', { location: reader.at(obrs[0]!.raw, 'OBR-7'), expected: 'OBR-7 as YYYYMMDD[HHMM]' }));
  } else if (dates.some((d) => d !== undefined && d !== dateOfService)) {
    problems.push(hl7Problem('hl7.obr.several-dates', `the OBR segments have different observation dates; ${dateOfService} is the date of service`, { location: reader.at(obrs[0]!.raw, 'OBR-7'), expected: 'one date of service per result message' }));
  }

  const report = lines.join('\n');
  if (report.trim() === '') {
    problems.push(hl7Problem('hl7.report.missing', 'no OBX carries report text', { location: reader.at(obrs[0]!.raw), expected: 'OBX segments of value type TX, FT or ST with the report' }));
  } else if (report.length > INPUT_LIMITS.reportLength) {
    problems.push(hl7Problem('hl7.report.too-long', `the report text has ${report.length} characters`, { location: reader.at(obrs[0]!.raw), expected: `at most ${INPUT_LIMITS.reportLength} characters` }));
  }
  if (problems.some((p) => p.severity === 'error')) return fail();

  // Patient.
  const sexCode = reader.value(pid.seg, 8).toUpperCase();
  const sex: Sex = SEX[sexCode] ?? 'unknown';
  if (sexCode !== '' && !SEX_TABLE.has(sexCode)) {
    problems.push(hl7Problem('hl7.value.invalid', `the sex ${JSON.stringify(sexCode)} is not in HL7 table 0001; sex is unknown`, { location: reader.at(pid.raw, 'PID-8'), expected: 'F, M, O, U, A or N' }));
  }
  const bornRaw = reader.value(pid.seg, 7);
  const birthDate = bornRaw !== '' ? dateOf(bornRaw) : undefined;
  if (bornRaw !== '' && birthDate === undefined) {
    problems.push(hl7Problem('hl7.value.invalid', 'the birth date is not a full calendar date; age rules are not checked', { location: reader.at(pid.raw, 'PID-7'), expected: 'YYYYMMDD' }));
  }

  // PID-3 patient identifier list: the repetition whose identifier type (CX-5, HL7 table 0203) is MR, the medical
  // record number, which the store matches a patient's earlier studies on. Other identifier types are not used.
  let mrn: string | undefined;
  for (const rep of repetitionsOf(pid.seg, 3)) {
    if (unescapeValue(rep[4] ?? '', reader.msg).trim().toUpperCase() !== 'MR') continue;
    const id = unescapeValue(rep[0] ?? '', reader.msg).trim();
    if (MRN_PATTERN.test(id)) mrn = id;
    else problems.push(hl7Problem('hl7.value.invalid', 'the medical record number in PID-3 does not have the shape dxacode accepts; the patient is not matched to earlier studies', { location: reader.at(pid.raw, 'PID-3'), expected: '1 to 64 letters, digits, dots, dashes or underscores' }));
    break;
  }

  // Providers: OBR-16 ordering provider (ORC-12 when OBR-16 is empty), OBR-32 principal result interpreter.
  const firstObr = obrs[0]!;
  const orc = reader.all('ORC')[0];
  const ordering = reader.xcn(firstObr.seg, firstObr.raw, 16, 'OBR-16') ?? (orc ? reader.xcn(orc.seg, orc.raw, 12, 'ORC-12') : undefined);
  const performing = reader.cnn(firstObr.seg, firstObr.raw, 32, 'OBR-32');

  // Documented diagnoses: DG1-3 and OBR-31 (reason for study) coded in ICD-10-CM.
  const diagnoses: string[] = [];
  const addDiagnosis = (code: string, system: string, raw: RawSegment, field: string): void => {
    if (code === '' || !ICD10_SYSTEMS.has(system.toUpperCase())) return;
    if (!Icd10Code.safeParse(code).success) {
      problems.push(hl7Problem('hl7.value.invalid', 'the ICD-10-CM code does not have the shape of one; it is not used', { location: reader.at(raw, field), expected: 'an ICD-10-CM code such as M81.0' }));
    } else if (!diagnoses.includes(code)) diagnoses.push(code);
  };
  for (const { seg, raw } of reader.all('DG1')) addDiagnosis(reader.value(seg, 3, 1), reader.value(seg, 3, 3), raw, 'DG1-3');
  for (const { seg, raw } of obrs) {
    for (const rep of repetitionsOf(seg, 31)) {
      addDiagnosis(unescapeValue(rep[0] ?? '', reader.msg).trim(), unescapeValue(rep[2] ?? '', reader.msg).trim(), raw, 'OBR-31');
    }
  }

  const procedures = obrs
    .map(({ seg }) => ({ code: reader.value(seg, 4, 1), text: reader.value(seg, 4, 2), system: reader.value(seg, 4, 3) }))
    .filter((p) => p.code !== '' || p.text !== '')
    .map((p) => ({ code: p.code, ...(p.text !== '' ? { text: p.text } : {}), ...(p.system !== '' ? { system: p.system } : {}) }));

  const raw: Record<string, unknown> = {
    ...(reader.controlId !== undefined ? { id: reader.controlId.slice(0, INPUT_LIMITS.idLength) } : {}),
    dateOfService,
    patient: { sex, ...(birthDate !== undefined ? { birthDate } : {}), ...(mrn !== undefined ? { mrn } : {}) },
    ...(options.payer !== undefined ? { payer: options.payer } : {}),
    ...(ordering?.npi !== undefined ? { orderingProvider: { npi: ordering.npi } } : {}),
    ...(diagnoses.length > 0 ? { diagnoses } : {}),
    ...(tScores.length > 0 ? { clinical: { tScoreLowest: Math.min(...tScores.map((t) => t.value)) } } : {}),
    report,
  };
  const parsed = Encounter.safeParse(raw);
  if (!parsed.success || (birthDate !== undefined && birthDate > dateOfService!)) {
    const issues = parsed.success ? [`patient.birthDate: ${birthDate} is after the date of service ${dateOfService}`] : parsed.error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(encounter)'}: ${i.message}`);
    for (const issue of issues) problems.push(hl7Problem('hl7.encounter.invalid', `encounter ${issue}`, { location: reader.at(undefined), expected: 'values the Encounter contract accepts (CONTRACT.md)' }));
    return fail();
  }

  const patientId = reader.value(pid.seg, 3, 1);
  const family = reader.value(pid.seg, 5, 1);
  const given = reader.value(pid.seg, 5, 2);
  const pv1 = reader.all('PV1')[0];
  const patientClass = pv1 ? reader.value(pv1.seg, 2) : '';
  const details: Hl7ReadDetails = {
    messageType,
    resultStatus,
    patient: { ...(patientId !== '' ? { id: patientId } : {}), ...(family !== '' ? { family } : {}), ...(given !== '' ? { given } : {}) },
    procedures,
    tScores,
  };
  if (reader.controlId !== undefined) details.controlId = reader.controlId;
  if (patientClass !== '') details.patientClass = patientClass;
  if (ordering) details.orderingProvider = ordering;
  if (performing) details.performingProvider = performing;
  return { ok: true, message: reader.framed.ordinal, encounter: parsed.data, details, problems };
}

/**
 * Reads every message of an HL7 v2 text (one message, a file of several, MLLP-framed or not, CR, LF or CRLF
 * terminators): ORU^R01 results become encounters; orders and other messages give a located problem and no encounter.
 */
export function hl7ToEncounters(text: string, options: Hl7ReadOptions = {}): Hl7ReadResult {
  const framed = frameMessages(text);
  const messages = framed.messages.map((message): Hl7MessageOutcome => {
    const reader = new MessageReader(message, message.parsed);
    const msh = message.segments[0]!;
    const code = reader.value(message.parsed.header, 9, 1).toUpperCase();
    const event = reader.value(message.parsed.header, 9, 2).toUpperCase();
    const messageType = event !== '' ? `${code}^${event}` : code;
    if (code === 'ORU' && (event === 'R01' || event === '')) return readResult(reader, messageType, options);
    if (ORDER_TYPES.has(code)) {
      reader.problems.push(
        hl7Problem('hl7.order-only', `${messageType} is an order, never a charge: no encounter is read from it`, {
          location: reader.at(msh, 'MSH-9'),
          expected: 'the ORU^R01 with the final result for this order',
        }),
      );
    } else {
      reader.problems.push(hl7Problem('hl7.message.unsupported', `${messageType || '(no message type)'} is not read`, { location: reader.at(msh, 'MSH-9'), expected: 'ORU^R01 (a result) or ORM^O01 (an order)' }));
    }
    return { ok: false, message: message.ordinal, ...(reader.controlId !== undefined ? { controlId: reader.controlId } : {}), messageType, problems: reader.problems };
  });
  return { messages, problems: framed.problems };
}
