/**
 * write837P: checked encounters to one X12 837P (005010X222A1) interchange. Envelopes, CLM, HI, LX/SV1 and DTP*472
 * follow REFERENCE §9; the other segments (BHT, NM1, N3/N4, REF, PER, HL, SBR, DMG) follow the 005010X222A1
 * implementation guide, which REFERENCE §9 does not itemise. Each line carries a line item control number (REF*6R)
 * that names its interchange, claim and line, so the remittance (835 REF*6R) and the claim acknowledgment (277CA
 * REF*FJ) can be matched to the billed line. Pure: the control number, date and time come in.
 */
import type { Encounter, PatientAddress, PatientName } from '../../contract/encounter.js';
import type { RecommendedLine, Result } from '../../contract/result.js';
import { SAMPLE_CHARGE, SAMPLE_CONFIG, type X12Settings } from './config.js';
import { closeInterchange, openInterchange, transactionSet, x12Segment as segment, x12Text } from './envelope-write.js';
import { formatAmount, icdWithoutDot, padNumber, toCents, toD8, WRITE_SEPARATORS as SEP } from './format.js';
import { x12Problem, type X12Problem } from './problems.js';

/** One encounter with the result of checking it. */
export interface CheckedClaim {
  encounter: Encounter;
  result: Result;
}

/** Control number and creation time of the interchange (from the edge: the counter file and the clock). */
export interface InterchangeControl {
  /** Interchange control number (ISA13/IEA02, 1 to 999,999,999); also the group control number (GS06/GE02). */
  interchange: number;
  /** Creation date, YYYY-MM-DD. */
  date: string;
  /** Creation time, HHMM. */
  time: string;
}

/** Writer options. */
export interface WriteOptions {
  /** Write claims whose verdict is reject too (each is reported). */
  force?: boolean;
  /** No line break after each segment terminator (by default each segment is on its own line, for people). */
  compact?: boolean;
}

/** One billed line as written: what a remittance or acknowledgment is matched against. */
export interface WrittenLine {
  /** Line item control number (2400 REF*6R): `{ISA13}-{claim ordinal}-{line number}`. */
  controlNumber: string;
  code: string;
  modifiers: string[];
  units: number;
  /** Line charge in cents (SV102). */
  cents: number;
}

/** Where one written claim sits in the output. */
export interface WrittenClaim {
  claimId: string;
  encounter: string;
  /** Transaction set control number (ST02) that holds it. */
  transaction: string;
  /** 1-based position of the claim in the interchange. */
  ordinal: number;
  lines: number;
  /** Total charge in cents (CLM02). */
  totalCents: number;
  /** Service date (DTP*472) of every line. */
  dateOfService: string;
  lineItems: WrittenLine[];
}

/** What write837P produced: the interchange text (empty when no claim could be written) and what it reported. */
export interface Written837P {
  text: string;
  claims: WrittenClaim[];
  problems: X12Problem[];
  transactionSets: number;
}

/** Implementation guide version (GS08, ST03). */
export const IMPLEMENTATION_GUIDE = '005010X222A1';
const CLAIM_ID = /^[0-9A-Za-z._-]{1,38}$/;
const SAMPLE_PATIENT_NAME: PatientName = { family: 'SAMPLE', given: 'PATIENT' };
const SAMPLE_ADDRESS: PatientAddress = { line: '1 SAMPLE STREET', city: 'SAMPLE CITY', state: 'NY', postalCode: '00000' };
const SAMPLE_MEMBER_ID = 'SAMPLEMEMBER';
const SAMPLE_PAYER_ID = 'SAMPLEPAYER';
const SEX_CODE = { female: 'F', male: 'M', unknown: 'U' } as const;
const MAX_HI = 12;
const MAX_POINTERS = 4;

/** `encounter "enc-1"` or `encounter #3` (1-based), for messages. */
export function encounterRef(encounter: Encounter, index: number): string {
  return encounter.id !== undefined ? `encounter ${JSON.stringify(encounter.id)}` : `encounter #${index + 1}`;
}

interface ClaimParts {
  claimId: string;
  name: PatientName;
  memberId: string;
  address: PatientAddress;
  birthDate: string;
  sex: 'F' | 'M' | 'U';
  payer: { name: string; id: string; filing: string };
  placeOfService: string;
  diagnoses: string[];
  lines: { line: RecommendedLine; pointers: number[]; cents: number }[];
  dateOfService: string;
}

/** Gathers what the claim needs, or the problems that keep it from being written. */
function claimParts(claim: CheckedClaim, index: number, config: X12Settings, problems: X12Problem[]): ClaimParts | undefined {
  const { encounter, result } = claim;
  const ref = encounterRef(encounter, index);
  const missing: X12Problem[] = [];
  const need = <T>(value: T | undefined, field: string, sample: T, what: string): T => {
    if (value !== undefined) return value;
    if (config.sample) {
      problems.push(x12Problem('x12.write.sample', `test mode: ${what} is missing; a SAMPLE value stands in`, { encounter: ref, field }));
      return sample;
    }
    missing.push(x12Problem('x12.write.missing-field', `missing ${what}, which the 837P requires`, { encounter: ref, field, fix: `add ${field} to the encounter` }));
    return sample;
  };

  const idFromEncounter = encounter.id !== undefined && CLAIM_ID.test(encounter.id) ? encounter.id : undefined;
  const claimId = need(encounter.claimId ?? idFromEncounter, 'claimId', `SAMPLE${index + 1}`, 'the claim id (claimId, or an id of at most 38 letters, digits, dots, dashes or underscores)');
  const name = need(encounter.patient.name, 'patient.name', SAMPLE_PATIENT_NAME, "the patient's name (2010BA NM103/NM104)");
  const memberId = need(encounter.patient.memberId, 'patient.memberId', SAMPLE_MEMBER_ID, "the patient's member id (2010BA NM109)");
  const address = need(encounter.patient.address, 'patient.address', SAMPLE_ADDRESS, "the patient's address (2010BA N3/N4)");
  if (encounter.patient.birthDate === undefined) {
    missing.push(x12Problem('x12.write.missing-field', "missing the patient's birth date (2010BA DMG02); an age is not enough", { encounter: ref, field: 'patient.birthDate', fix: 'add patient.birthDate' }));
  }

  const payerId = encounter.payer ?? 'medicare';
  let payer = config.payers[payerId];
  if (!payer) {
    if (config.sample) {
      payer = { name: `SAMPLE PAYER ${payerId.toUpperCase()}`, id: SAMPLE_PAYER_ID };
      problems.push(x12Problem('x12.write.sample', `test mode: payer "${payerId}" has no configured payer id; the sample id ${SAMPLE_PAYER_ID} stands in`, { encounter: ref, field: 'payer' }));
    } else {
      missing.push(x12Problem('x12.write.config', `payer "${payerId}" has no entry in the configuration's payers`, { encounter: ref, field: 'payer', fix: `add payers.${payerId} = { name, id } to the configuration` }));
    }
  }

  const lines = result.recommended.lines;
  if (lines.length === 0) missing.push(x12Problem('x12.write.no-lines', 'the recommended claim has no lines: nothing to bill', { encounter: ref, field: 'claim.lines' }));

  // HI: the claim's diagnoses (principal first), then any a line points to that the list lacks; no duplicates.
  const diagnoses: string[] = [];
  for (const code of [...result.recommended.diagnoses, ...lines.flatMap((l) => l.diagnoses)]) {
    const bare = icdWithoutDot(code);
    if (!diagnoses.includes(bare)) diagnoses.push(bare);
  }
  if (diagnoses.length === 0) missing.push(x12Problem('x12.write.missing-field', 'no diagnosis: the 837P requires a principal diagnosis (HI ABK)', { encounter: ref, field: 'diagnoses' }));
  if (diagnoses.length > MAX_HI) {
    missing.push(x12Problem('x12.claim.diagnoses', `${diagnoses.length} distinct diagnoses; one 837P claim carries at most ${MAX_HI} (REFERENCE §9)`, { encounter: ref, field: 'diagnoses', fix: 'keep the 12 that the lines point to' }));
  }

  const written: ClaimParts['lines'] = [];
  lines.forEach((line, i) => {
    const own = line.diagnoses.length > 0 ? line.diagnoses.map((d) => diagnoses.indexOf(icdWithoutDot(d)) + 1) : [1];
    const pointers = own.filter((p, k) => p > 0 && own.indexOf(p) === k);
    if (pointers.length > MAX_POINTERS) {
      missing.push(x12Problem('x12.claim.pointer', `line ${i + 1} (${line.code}) points to ${pointers.length} diagnoses; SV107 holds at most ${MAX_POINTERS} (REFERENCE §9)`, { encounter: ref, field: `recommended.lines[${i}].diagnoses` }));
    }
    let unitCents = config.charges[line.code] !== undefined ? toCents(config.charges[line.code]!) : undefined;
    if (unitCents === undefined) {
      if (config.sample) unitCents = toCents(SAMPLE_CHARGE);
      else missing.push(x12Problem('x12.write.config', `no charge for ${line.code} in the configuration's charges`, { encounter: ref, field: `recommended.lines[${i}].code`, fix: `add charges.${line.code} to the configuration` }));
    }
    written.push({ line, pointers: pointers.slice(0, MAX_POINTERS), cents: (unitCents ?? 0) * line.units });
  });
  if (config.sample && lines.some((l) => config.charges[l.code] === undefined)) {
    problems.push(x12Problem('x12.write.sample', `test mode: lines are charged the sample ${SAMPLE_CHARGE} per unit, not a fee schedule`, { encounter: ref, field: 'charges' }));
  }

  if (missing.length > 0) {
    problems.push(...missing);
    return undefined;
  }
  return {
    claimId,
    name,
    memberId,
    address,
    birthDate: encounter.patient.birthDate!,
    sex: SEX_CODE[encounter.patient.sex],
    payer: { name: payer!.name, id: payer!.id, filing: payer!.claimFilingIndicator ?? (payerId === 'medicare' ? 'MB' : 'CI') },
    placeOfService: encounter.placeOfService ?? config.placeOfService,
    diagnoses,
    lines: written,
    dateOfService: encounter.dateOfService,
  };
}

/**
 * The line item control number of a line: the interchange, the claim's position in it and the line number, so that
 * it is unique for every line an office bills (until the interchange counter wraps after 999,999,999).
 */
export function lineItemControlNumber(interchange: string, ordinal: number, line: number): string {
  return `${interchange}-${ordinal}-${line}`;
}

/** The lines of one claim as written, with their line item control numbers. */
function writtenLines(parts: ClaimParts, interchange: string, ordinal: number): WrittenLine[] {
  return parts.lines.map(({ line, cents }, i) => ({ controlNumber: lineItemControlNumber(interchange, ordinal, i + 1), code: line.code, modifiers: line.modifiers.slice(0, 4), units: line.units, cents }));
}

/** 2000B, 2010BA, 2010BB, 2300 and 2400 of one claim, as segments (HL number given). */
function claimSegments(parts: ClaimParts, hl: number, items: WrittenLine[]): string[] {
  const out: string[] = [];
  out.push(segment('HL', String(hl), '1', '22', '0'));
  out.push(segment('SBR', 'P', '18', '', '', '', '', '', '', parts.payer.filing));
  out.push(segment('NM1', 'IL', '1', parts.name.family, parts.name.given ?? '', '', '', '', 'MI', parts.memberId));
  out.push(segment('N3', parts.address.line, parts.address.line2 ?? ''));
  out.push(segment('N4', parts.address.city, parts.address.state, parts.address.postalCode));
  out.push(segment('DMG', 'D8', toD8(parts.birthDate), parts.sex));
  out.push(segment('NM1', 'PR', '2', parts.payer.name, '', '', '', '', 'PI', parts.payer.id));
  const total = parts.lines.reduce((sum, l) => sum + l.cents, 0);
  const pos = [parts.placeOfService, 'B', '1'].join(SEP.component);
  out.push(segment('CLM', parts.claimId, formatAmount(total), '', '', pos, 'Y', 'A', 'Y', 'Y'));
  out.push(segment('HI', ...parts.diagnoses.map((code, i) => `${i === 0 ? 'ABK' : 'ABF'}${SEP.component}${code}`)));
  parts.lines.forEach(({ line, pointers, cents }, i) => {
    out.push(segment('LX', String(i + 1)));
    const procedure = ['HC', line.code, ...line.modifiers.slice(0, 4)].join(SEP.component);
    out.push(segment('SV1', procedure, formatAmount(cents), 'UN', String(line.units), '', '', pointers.join(SEP.component)));
    out.push(segment('DTP', '472', 'D8', toD8(parts.dateOfService)));
    out.push(segment('REF', '6R', items[i]!.controlNumber));
  });
  return out;
}

/**
 * Writes checked claims as one 837P interchange: ISA/GS around one ST per `claimsPerTransaction` claims, SE01
 * counting ST to SE inclusive, GE01 the transaction sets, IEA01 the one group, control numbers matching
 * (REFERENCE §9). Without a configuration it writes a test interchange (ISA15 T) with SAMPLE ids.
 */
export function write837P(claims: Iterable<CheckedClaim>, config: X12Settings | undefined, control: InterchangeControl, options: WriteOptions = {}): Written837P {
  const settings = config ?? SAMPLE_CONFIG;
  const problems: X12Problem[] = [];
  const ready: { parts: ClaimParts; ref: string }[] = [];
  let index = 0;
  for (const claim of claims) {
    const ref = encounterRef(claim.encounter, index);
    if (claim.result.verdict === 'reject') {
      if (!options.force) {
        problems.push(x12Problem('x12.write.rejected', 'the check verdict is reject; the claim is not written', { encounter: ref, fix: 'correct the claim, or force writing it' }));
        index++;
        continue;
      }
      problems.push(x12Problem('x12.write.forced', 'the check verdict is reject; the claim is written because force is set', { encounter: ref }));
    }
    const parts = claimParts(claim, index, settings, problems);
    if (parts) ready.push({ parts, ref });
    index++;
  }
  if (ready.length === 0) return { text: '', claims: [], problems, transactionSets: 0 };

  const control9 = padNumber(control.interchange, 9);
  const d8 = toD8(control.date);
  const out = openInterchange({
    qualifier: settings.interchangeIdQualifier,
    sender: settings.submitter.id,
    receiver: settings.receiver.id,
    interchange: control.interchange,
    date: control.date,
    time: control.time,
    usage: settings.usage === 'production' ? 'P' : 'T',
    functionalId: 'HC',
    guide: IMPLEMENTATION_GUIDE,
  });
  const written: WrittenClaim[] = [];
  let transactions = 0;
  for (let start = 0; start < ready.length; start += settings.claimsPerTransaction) {
    transactions++;
    const st = padNumber(transactions, 4);
    const body: string[] = [];
    body.push(segment('BHT', '0019', '00', `${control9}${st}`, d8, control.time, 'CH'));
    body.push(segment('NM1', '41', '2', settings.submitter.name, '', '', '', '', '46', settings.submitter.id));
    body.push(segment('PER', 'IC', settings.submitter.contact.name, 'TE', settings.submitter.contact.phone));
    body.push(segment('NM1', '40', '2', settings.receiver.name, '', '', '', '', '46', settings.receiver.id));
    const bp = settings.billingProvider;
    body.push(segment('HL', '1', '', '20', '1'));
    body.push(segment('NM1', '85', '2', bp.name, '', '', '', '', 'XX', bp.npi));
    body.push(segment('N3', bp.address.line, bp.address.line2 ?? ''));
    body.push(segment('N4', bp.address.city, bp.address.state, bp.address.postalCode));
    body.push(segment('REF', 'EI', bp.taxId));
    let hl = 2;
    for (const { parts, ref } of ready.slice(start, start + settings.claimsPerTransaction)) {
      const ordinal = written.length + 1;
      const lineItems = writtenLines(parts, control9, ordinal);
      body.push(...claimSegments(parts, hl++, lineItems));
      written.push({ claimId: parts.claimId, encounter: ref, transaction: st, ordinal, lines: parts.lines.length, totalCents: parts.lines.reduce((s, l) => s + l.cents, 0), dateOfService: parts.dateOfService, lineItems });
    }
    for (const s of transactionSet('837', st, IMPLEMENTATION_GUIDE, body)) out.push(s);
  }
  out.push(...closeInterchange(control.interchange, transactions));
  const text = x12Text(out, options.compact);
  return { text, claims: written, problems, transactionSets: transactions };
}
