/**
 * HL7 v2 out: a DFT^P03 charge message (MSH, EVN, PID, PV1, one FT1 per recommended line) built with Medplum's
 * Hl7Segment/Hl7Message (@medplum/core). REFERENCE §9 gives the segment and the FT1 field names (FT1-19 diagnosis,
 * FT1-25 procedure code, FT1-26 modifiers) as [V] but their exact numbering as [U]: the FT1 numbering below is that
 * of HL7 v2.5.1 chapter 6 and is unverified against a payer's or billing system's specification.
 * Charge only from a signed/final result (REFERENCE §9). Pure: the message date/time and control id are inputs.
 */
import { Hl7Context, Hl7Field, Hl7Message, Hl7Segment } from '@medplum/core';
import type { Encounter } from '../../contract/encounter.js';
import type { Result } from '../../contract/result.js';
import type { Hl7Person } from './read.js';
import { hl7Problem, type Hl7Problem } from './problems.js';

/** How to write the DFT^P03. */
export interface DftOptions {
  /** MSH-10 message control id: unique per message, from the caller's counter (1-20 characters). */
  controlId: string;
  /** MSH-7 and EVN-2: when the message is created, HL7 TS (YYYYMMDDHHMM[SS][+ZZZZ]); the caller's clock. */
  messageDateTime: string;
  /** MSH-3; default DXACODE. */
  sendingApplication?: string;
  /** MSH-4, MSH-5, MSH-6; empty when not given (no sample ids are invented). */
  sendingFacility?: string;
  receivingApplication?: string;
  receivingFacility?: string;
  /** MSH-11 processing id: P production, T training/test, D debugging; default P. */
  processingId?: 'P' | 'T' | 'D';
  /** PID-3 and PID-5, which the Encounter contract does not carry (an ORU read gives them in its details). */
  patient?: { id?: string; family?: string; given?: string };
  /** PV1-2 patient class; default O (outpatient). */
  patientClass?: string;
  /** FT1-21 ordered by: merged with the encounter's orderingProvider.npi. */
  orderingProvider?: Hl7Person;
  /** FT1-20 performed by, when known (e.g. OBR-32 of the result). */
  performingProvider?: Hl7Person;
  /** OBR-25 of the result the encounter came from, when it came from one: only F or C may be charged. */
  resultStatus?: string;
  /** Write even when the check verdict is reject (the problem list says so). Never overrides final/signed. */
  force?: boolean;
}

/** A written DFT^P03 with notes about it, or why none was written. */
export type DftOutcome = { ok: true; message: string; problems: Hl7Problem[] } | { ok: false; problems: Hl7Problem[] };

/** HL7 v2 version written in MSH-12. */
export const DFT_VERSION = '2.5.1';

/**
 * Coding systems (HL7 table 0396) [S: HL7 v2.5 table 0396]: C4 CPT-4, HCPCS, CPTM CPT modifier; I10 for ICD-10-CM
 * (v2.5 has no separate ICD-10-CM value; I10C came in v2.8) [U for receivers' expectations].
 */
const CODING = { cpt: 'C4', hcpcs: 'HCPCS', cptModifier: 'CPTM', icd10cm: 'I10' } as const;

/** FT1-6 transaction type (HL7 table 0017): CG charge. */
const CHARGE = 'CG';

/** PID-8 administrative sex (HL7 table 0001). */
const SEX_CODE = { female: 'F', male: 'M', unknown: 'U' } as const;

/** Escapes a value for a field with the default separators (| ^ ~ \ &); line breaks become spaces. */
export function escapeHl7(value: string): string {
  return value
    .replace(/\\/g, '\\E\\')
    .replace(/\|/g, '\\F\\')
    .replace(/\^/g, '\\S\\')
    .replace(/~/g, '\\R\\')
    .replace(/&/g, '\\T\\')
    .replace(/[\r\n]+/g, ' ');
}

function compact(date: string): string {
  return date.replace(/-/g, '');
}

function procedureSystem(code: string): string {
  return /^[A-Za-z]/.test(code) ? CODING.hcpcs : CODING.cpt;
}

function modifierSystem(modifier: string): string {
  return /^\d{2}$/.test(modifier) ? CODING.cptModifier : CODING.hcpcs;
}

/** XCN: id ^ family ^ given ^ (4-12 empty) ^ identifier type code (XCN-13 = NPI when the id is an NPI). */
function xcn(person: Hl7Person | undefined): string[] | undefined {
  if (!person) return undefined;
  const id = person.npi ?? person.id ?? '';
  const parts = [id, person.family ?? '', person.given ?? '', '', '', '', '', '', '', '', '', '', person.npi !== undefined ? 'NPI' : ''].map(escapeHl7);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.length > 0 ? parts : undefined;
}

/** Builds a segment from fields given as repetitions of components (already escaped). */
function segment(context: Hl7Context, name: string, fields: (string | string[] | string[][] | undefined)[]): Hl7Segment {
  const out = [new Hl7Field([[name]], context)];
  for (const f of fields) {
    const reps: string[][] = f === undefined ? [['']] : typeof f === 'string' ? [[f]] : Array.isArray(f[0]) ? (f as string[][]) : [f as string[]];
    out.push(new Hl7Field(reps.length > 0 ? reps : [['']], context));
  }
  // Trailing empty fields are not written.
  while (out.length > 1 && out[out.length - 1]!.toString() === '') out.pop();
  return new Hl7Segment(out, context);
}

/** Fields 1..n by number, so the code reads as the standard's field numbers. */
function numbered(count: number, values: Record<number, string | string[] | string[][] | undefined>): (string | string[] | string[][] | undefined)[] {
  return Array.from({ length: count }, (_v, i) => values[i + 1]);
}

/** Writes a DFT^P03 for the recommended claim of a checked encounter, or says why it is not written. */
export function toDftP03(encounter: Encounter, result: Result, options: DftOptions): DftOutcome {
  const who = encounter.id !== undefined ? `encounter ${JSON.stringify(encounter.id)}` : 'the encounter';
  const problems: Hl7Problem[] = [];
  const refuse = (p: Hl7Problem): DftOutcome => ({ ok: false, problems: [p] });

  if (!/^[^|^~\\&\r\n]{1,20}$/.test(options.controlId)) {
    return refuse(hl7Problem('hl7.write.option', `${who}: the message control id ${JSON.stringify(options.controlId.slice(0, 30))} is unusable`, { location: { field: 'MSH-10' }, expected: '1-20 characters without HL7 separators' }));
  }
  if (!/^\d{8}(\d{2}(\d{2}(\d{2}(\.\d{1,4})?)?)?)?([+-]\d{4})?$/.test(options.messageDateTime)) {
    return refuse(hl7Problem('hl7.write.option', `${who}: the message date/time ${JSON.stringify(options.messageDateTime.slice(0, 30))} is not an HL7 timestamp`, { location: { field: 'MSH-7' }, expected: 'YYYYMMDD[HHMM[SS[.S]]][+/-ZZZZ]' }));
  }
  // Charge only from a signed/final result (REFERENCE §9); force does not override either.
  if (options.resultStatus !== undefined && !['F', 'C'].includes(options.resultStatus.toUpperCase())) {
    return refuse(hl7Problem('hl7.write.not-final', `${who}: the result status is ${JSON.stringify(options.resultStatus)}; charge only from a final result`, { location: { field: 'OBR-25' }, expected: 'F (final) or C (corrected)' }));
  }
  if (result.findings.some((f) => f.rule === 'doc.signature-missing')) {
    return refuse(hl7Problem('hl7.write.unsigned', `${who}: the report is not signed; charge only from a signed result`, { expected: 'a report signed by the reading physician' }));
  }
  const lines = result.recommended.lines;
  if (lines.length === 0) return refuse(hl7Problem('hl7.write.no-lines', `${who}: the recommended claim has no lines; no DFT^P03 is written`));
  if (result.verdict === 'reject') {
    if (!options.force) {
      return refuse(hl7Problem('hl7.write.rejected', `${who}: the check verdict is reject; no DFT^P03 is written`, { fix: 'correct the findings, or set force to write it anyway' }));
    }
    problems.push(hl7Problem('hl7.write.forced', `${who}: the check verdict is reject; the DFT^P03 was written because force was set`));
  }

  const context = new Hl7Context();
  const when = options.messageDateTime;
  const msh = Hl7Segment.parse(
    [
      'MSH',
      `${context.getMsh2()}`,
      escapeHl7(options.sendingApplication ?? 'DXACODE'),
      escapeHl7(options.sendingFacility ?? ''),
      escapeHl7(options.receivingApplication ?? ''),
      escapeHl7(options.receivingFacility ?? ''),
      when,
      '',
      'DFT^P03^DFT_P03',
      options.controlId,
      options.processingId ?? 'P',
      DFT_VERSION,
    ].join(context.fieldSeparator),
    context,
  );
  const evn = segment(context, 'EVN', numbered(2, { 1: 'P03', 2: when }));

  const patient = options.patient ?? {};
  const missing: string[] = [];
  if (!patient.id) missing.push('PID-3 (patient id)');
  if (!patient.family) missing.push('PID-5 (patient name)');
  if (missing.length > 0) {
    problems.push(hl7Problem('hl7.write.missing-field', `${who}: ${missing.join(' and ')} left empty: the encounter does not give ${missing.length > 1 ? 'them' : 'it'}`, { location: { id: 'PID' }, fix: 'pass options.patient (an ORU read gives it in its details)' }));
  }
  const pid = segment(
    context,
    'PID',
    numbered(8, {
      1: '1',
      3: patient.id ? [escapeHl7(patient.id)] : undefined,
      5: patient.family || patient.given ? [escapeHl7(patient.family ?? ''), escapeHl7(patient.given ?? '')] : undefined,
      7: encounter.patient.birthDate !== undefined ? compact(encounter.patient.birthDate) : undefined,
      8: SEX_CODE[encounter.patient.sex],
    }),
  );
  const pv1 = segment(context, 'PV1', numbered(2, { 1: '1', 2: escapeHl7(options.patientClass ?? 'O') }));

  const ordering: Hl7Person | undefined =
    options.orderingProvider || encounter.orderingProvider?.npi
      ? { ...options.orderingProvider, ...(encounter.orderingProvider?.npi !== undefined ? { npi: encounter.orderingProvider.npi } : {}) }
      : undefined;
  const orderedBy = xcn(ordering);
  const performedBy = xcn(options.performingProvider);
  const date = compact(encounter.dateOfService);

  const ft1s = lines.map((line, i) =>
    segment(
      context,
      'FT1',
      numbered(26, {
        1: String(i + 1), // FT1-1 set id
        4: date, // FT1-4 transaction date
        6: CHARGE, // FT1-6 transaction type
        7: [line.code, '', procedureSystem(line.code)], // FT1-7 transaction code: the CPT/HCPCS code
        10: String(line.units), // FT1-10 transaction quantity
        19: line.diagnoses.length > 0 ? line.diagnoses.map((d) => [d, '', CODING.icd10cm]) : undefined, // FT1-19 diagnoses
        20: performedBy ? [performedBy] : undefined, // FT1-20 performed by
        21: orderedBy ? [orderedBy] : undefined, // FT1-21 ordered by
        25: [line.code, '', procedureSystem(line.code)], // FT1-25 procedure code
        26: line.modifiers.length > 0 ? line.modifiers.map((m) => [m, '', modifierSystem(m)]) : undefined, // FT1-26 modifiers
      }),
    ),
  );

  const message = new Hl7Message([msh, evn, pid, pv1, ...ft1s], context);
  return { ok: true, message: `${message.toString()}${context.segmentSeparator}`, problems };
}
