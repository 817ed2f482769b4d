/**
 * Turns the segments of one 837P claim (with its subscriber, patient and payer loops) into a contract Encounter:
 * SV1 lines become `claim.lines` (modifiers, units, diagnoses resolved from the SV107 pointers), HI the diagnoses
 * with the dot restored, DMG the patient's sex and birth date, DTP*472 the date of service (REFERENCE §9).
 */
import type { Encounter, PatientAddress, PatientName } from '../../contract/encounter.js';
import { PatientAddress as AddressSchema, PatientName as NameSchema } from '../../contract/encounter.js';
import { isCalendarDate } from '../../contract/dates.js';
import { INPUT_LIMITS } from '../../contract/values.js';
import { parseEncounter } from '../../engine/validate.js';
import { fromD8, icdWithDot, parseAmount } from './format.js';
import { x12Problem, type X12Location, type X12Problem, type X12ProblemId } from './problems.js';
import type { RawSegment } from './tokenize.js';

/** One claim read from the file, as an encounter keyed by its claim id. */
export interface ParsedClaim {
  /** CLM01. */
  claimId: string;
  encounter: Encounter;
  /** Where its CLM is. */
  location: X12Location;
  /** Total charge (CLM02) in cents, as the file states it. */
  totalCents?: number;
  /** Line charges (SV102) in cents, in line order. */
  lineCents: number[];
  /** Diagnosis pointers (SV107) as written, per line (1-based into HI). */
  pointers: number[][];
  /** Line item control numbers (2400 REF*6R), per line; undefined where a line has none. */
  lineControlNumbers: (string | undefined)[];
}

/** Options of the mapping. */
export interface ClaimOptions {
  /** Payer id (2010BB NM109) → payer pack id; an unmapped payer is `medicare` (the contract's default). */
  payers?: Readonly<Record<string, string>>;
}

interface Person {
  name?: PatientName;
  memberId?: string;
  address?: PatientAddress;
  birthDate?: string;
  sex?: 'female' | 'male' | 'unknown';
  addressLine?: { line: string; line2?: string; segment: RawSegment };
  demographics?: RawSegment;
}

interface Line {
  segment: RawSegment;
  service?: RawSegment;
  code?: string;
  modifiers: string[];
  cents?: number;
  units?: number;
  pointers: number[];
  date?: string;
  dateSegment?: RawSegment;
  orderingNpi?: string;
  controlNumber?: string;
}

interface Claim {
  segment: RawSegment;
  id: string;
  totalCents?: number;
  placeOfService?: string;
  diagnoses: { code: string; segment: RawSegment }[];
  date?: string;
  lines: Line[];
  referringNpi?: string;
}

const CLAIM_ID = /^[0-9A-Za-z._-]{1,38}$/;
const PROCEDURE_CODE = /^([0-9]{4}[0-9FTU]|[A-V][0-9]{4})$/;
const MODIFIER = /^[0-9A-Z]{2}$/;
const ICD10 = /^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$/;
const SEX = { F: 'female', M: 'male', U: 'unknown' } as const;
const MAX_HI = 12;

/** Collects the segments of claims and yields encounters. */
export class ClaimAssembler {
  private subscriber: Person = {};
  private patient: Person | undefined;
  private payerId: string | undefined;
  private claim: Claim | undefined;
  private readonly seen = new Set<string>();

  constructor(
    private readonly component: () => string,
    private readonly emit: (claim: ParsedClaim) => void,
    private readonly problem: (problem: X12Problem) => void,
    private readonly options: ClaimOptions = {},
  ) {}

  private report(rule: X12ProblemId, message: string, segment: RawSegment, loop: string, element?: string, claimId = this.claim?.id): void {
    const location: X12Location = { segment: segment.number, id: segment.id, loop, offset: segment.offset };
    if (element !== undefined) location.element = element;
    if (claimId !== undefined) location.claimId = claimId;
    this.problem(x12Problem(rule, message, { location }));
  }

  /** One segment inside a transaction set, with the loop the structure gave it. */
  segment(segment: RawSegment, loop: string): void {
    const el = segment.elements;
    const id = segment.id;
    if (id === 'HL' && loop === '2000B') {
      this.subscriber = {};
      this.patient = undefined;
      this.payerId = undefined;
    } else if (id === 'HL' && loop === '2000C') {
      this.patient = {};
    } else if (loop === '2010BA' || loop === '2010CA') {
      const person = loop === '2010BA' ? this.subscriber : (this.patient ??= {});
      this.person(person, segment, loop);
    } else if (loop === '2010BB' && id === 'NM1') {
      this.payerId = el[9];
    } else if (id === 'CLM') {
      this.startClaim(segment);
    } else if (this.claim) {
      this.inClaim(this.claim, segment, loop);
    }
  }

  private person(person: Person, segment: RawSegment, loop: string): void {
    const el = segment.elements;
    if (segment.id === 'NM1') {
      const name = NameSchema.safeParse({ family: el[3] ?? '', ...(el[4] ? { given: el[4] } : {}) });
      if (name.success) person.name = name.data;
      else this.report('x12.element.invalid', `the name (NM103/NM104) is not usable: ${name.error.issues[0]?.message ?? 'invalid'}`, segment, loop, 'NM103');
      if (loop === '2010BA' && el[9]) {
        if (/^[0-9A-Za-z-]{2,80}$/.test(el[9])) person.memberId = el[9];
        else this.report('x12.element.invalid', `the member id NM109 ${JSON.stringify(el[9])} is not 2 to 80 letters, digits or dashes`, segment, loop, 'NM109');
      }
    } else if (segment.id === 'N3') {
      person.addressLine = { line: el[1] ?? '', ...(el[2] ? { line2: el[2] } : {}), segment };
    } else if (segment.id === 'N4' && person.addressLine) {
      const { line, line2 } = person.addressLine;
      const address = AddressSchema.safeParse({ line, ...(line2 !== undefined ? { line2 } : {}), city: el[1] ?? '', state: el[2] ?? '', postalCode: el[3] ?? '' });
      if (address.success) person.address = address.data;
      else this.report('x12.element.invalid', `the address (N3/N4) is not usable: ${address.error.issues[0]?.path.join('.')}: ${address.error.issues[0]?.message ?? 'invalid'}`, segment, loop);
    } else if (segment.id === 'DMG') {
      person.demographics = segment;
      if (el[1] !== 'D8') this.report('x12.element.invalid', `DMG01 is ${JSON.stringify(el[1] ?? '')}; the birth date is qualified D8`, segment, loop, 'DMG01');
      const birth = fromD8(el[2] ?? '');
      if (birth && isCalendarDate(birth)) person.birthDate = birth;
      else this.report('x12.element.invalid', `DMG02 ${JSON.stringify(el[2] ?? '')} is not a date CCYYMMDD`, segment, loop, 'DMG02');
      const sex = SEX[(el[3] ?? '') as keyof typeof SEX];
      if (sex) person.sex = sex;
      else this.report('x12.element.invalid', `DMG03 ${JSON.stringify(el[3] ?? '')} is not F, M or U`, segment, loop, 'DMG03');
    }
  }

  private startClaim(segment: RawSegment): void {
    this.closeClaim();
    const el = segment.elements;
    const raw = el[1] ?? '';
    const id = raw !== '' && raw.length <= INPUT_LIMITS.idLength ? raw : `segment-${segment.number}`;
    this.claim = { segment, id, diagnoses: [], lines: [] };
    if (!CLAIM_ID.test(raw)) this.report('x12.element.invalid', `CLM01 ${JSON.stringify(raw.slice(0, 40))} is not a claim id of 1 to 38 letters, digits, dots, dashes or underscores`, segment, '2300', 'CLM01');
    if (this.seen.has(id)) this.report('x12.claim.duplicate-id', `claim id ${JSON.stringify(id)} was used by an earlier claim in this file`, segment, '2300', 'CLM01');
    this.seen.add(id);
    const total = parseAmount(el[2] ?? '');
    if (total === undefined) this.report('x12.element.invalid', `CLM02 ${JSON.stringify(el[2] ?? '')} is not an amount`, segment, '2300', 'CLM02');
    else this.claim.totalCents = total;
    const [pos = '', , frequency = ''] = (el[5] ?? '').split(this.component());
    if (/^\d{2}$/.test(pos)) this.claim.placeOfService = pos;
    else this.report('x12.element.invalid', `CLM05-1 ${JSON.stringify(pos)} is not a two-digit place of service code`, segment, '2300', 'CLM05-1');
    if (!['1', '7', '8'].includes(frequency)) this.report('x12.element.invalid', `CLM05-3 ${JSON.stringify(frequency)} is not a claim frequency code 1, 7 or 8 (REFERENCE §9)`, segment, '2300', 'CLM05-3');
  }

  private inClaim(claim: Claim, segment: RawSegment, loop: string): void {
    const el = segment.elements;
    const id = segment.id;
    const line = claim.lines[claim.lines.length - 1];
    if (id === 'HI' && loop === '2300') {
      this.diagnoses(claim, segment);
    } else if (id === 'DTP' && el[1] === '472') {
      const date = this.serviceDate(segment, loop);
      if (loop === '2400' && line) {
        line.date = date;
        line.dateSegment = segment;
      } else if (loop === '2300') claim.date = date;
    } else if (id === 'LX') {
      claim.lines.push({ segment, modifiers: [], pointers: [] });
    } else if (id === 'SV1' && line) {
      this.service(line, segment);
    } else if (id === 'REF' && loop === '2400' && el[1] === '6R' && line && el[2]) {
      line.controlNumber = el[2];
    } else if (id === 'NM1' && el[8] === 'XX' && /^\d{10}$/.test(el[9] ?? '')) {
      if (loop === '2420E' && line) line.orderingNpi = el[9];
      else if (loop === '2310A') claim.referringNpi = el[9];
    }
  }

  private diagnoses(claim: Claim, segment: RawSegment): void {
    const sep = this.component();
    segment.elements.slice(1).forEach((composite, i) => {
      const element = `HI${String(i + 1).padStart(2, '0')}`;
      const [qualifier = '', code = ''] = composite.split(sep);
      if (qualifier === 'BK' || qualifier === 'BF') {
        return this.report('x12.claim.diagnoses', `${element} is qualified ${qualifier} (ICD-9-CM); 837P diagnoses are ICD-10-CM (ABK, ABF)`, segment, '2300', element);
      }
      if (qualifier !== 'ABK' && qualifier !== 'ABF') return; // other HI information (condition codes...) is not a diagnosis
      if (qualifier === 'ABK' && claim.diagnoses.length > 0) this.report('x12.claim.diagnoses', `${element} is the principal diagnosis (ABK) but not the first`, segment, '2300', element);
      if (qualifier === 'ABF' && claim.diagnoses.length === 0) this.report('x12.claim.diagnoses', `${element} is ABF but no principal diagnosis (ABK) comes first`, segment, '2300', element);
      if (!ICD10.test(code)) return this.report('x12.element.invalid', `${element} ${JSON.stringify(code)} is not an ICD-10-CM code without the dot`, segment, '2300', `${element}-2`);
      if (claim.diagnoses.some((d) => d.code === code)) this.report('x12.claim.diagnoses', `${element} repeats ${icdWithDot(code)}`, segment, '2300', element);
      claim.diagnoses.push({ code, segment });
      if (claim.diagnoses.length === MAX_HI + 1) this.report('x12.claim.diagnoses', `more than ${MAX_HI} diagnoses on one claim (REFERENCE §9)`, segment, '2300', element);
    });
  }

  private serviceDate(segment: RawSegment, loop: string): string | undefined {
    const [, , format = '', value = ''] = segment.elements;
    const [from = '', to] = format === 'RD8' ? value.split('-') : [value];
    const date = fromD8(from);
    if ((format !== 'D8' && format !== 'RD8') || !date || !isCalendarDate(date)) {
      this.report('x12.element.invalid', `DTP*472 ${JSON.stringify(`${format}*${value}`)} is not a service date D8 CCYYMMDD`, segment, loop, 'DTP03');
      return undefined;
    }
    if (to !== undefined && to !== from) this.report('x12.claim.several-dates', `the service date is a range ${value}; the claim is checked on ${date}`, segment, loop, 'DTP03');
    return date;
  }

  private service(line: Line, segment: RawSegment): void {
    const el = segment.elements;
    line.service = segment;
    const sep = this.component();
    const [qualifier = '', code = '', ...modifiers] = (el[1] ?? '').split(sep);
    if (qualifier !== 'HC') this.report('x12.element.invalid', `SV101-1 is ${JSON.stringify(qualifier)}; CPT/HCPCS lines are qualified HC`, segment, '2400', 'SV101-1');
    if (PROCEDURE_CODE.test(code)) line.code = code;
    else this.report('x12.element.invalid', `SV101-2 ${JSON.stringify(code)} is not a CPT or HCPCS code`, segment, '2400', 'SV101-2');
    modifiers.slice(0, 4).forEach((m, i) => {
      if (MODIFIER.test(m)) line.modifiers.push(m);
      else if (m !== '') this.report('x12.element.invalid', `SV101-${i + 3} ${JSON.stringify(m)} is not a two-character modifier`, segment, '2400', `SV101-${i + 3}`);
    });
    if (modifiers.length > 4) this.report('x12.element.invalid', `SV101 has ${modifiers.length} modifiers; at most 4 (REFERENCE §9)`, segment, '2400', 'SV101-7');
    const cents = parseAmount(el[2] ?? '');
    if (cents === undefined) this.report('x12.element.invalid', `SV102 ${JSON.stringify(el[2] ?? '')} is not an amount`, segment, '2400', 'SV102');
    else line.cents = cents;
    if (el[3] !== 'UN') this.report('x12.element.invalid', `SV103 is ${JSON.stringify(el[3] ?? '')}; units are counted in UN`, segment, '2400', 'SV103');
    const units = Number(el[4]);
    if (/^\d{1,3}$/.test(el[4] ?? '') && units >= 1 && units <= INPUT_LIMITS.unitsPerLine) line.units = units;
    else this.report('x12.element.invalid', `SV104 ${JSON.stringify(el[4] ?? '')} is not a whole number of units from 1 to ${INPUT_LIMITS.unitsPerLine}`, segment, '2400', 'SV104');
    const pointers = (el[7] ?? '').split(sep).filter((p) => p !== '');
    if (pointers.length === 0) this.report('x12.claim.pointer', 'SV107 has no diagnosis pointer; each line points to 1 to 4 HI diagnoses (REFERENCE §9)', segment, '2400', 'SV107');
    if (pointers.length > 4) this.report('x12.claim.pointer', `SV107 has ${pointers.length} pointers; at most 4 (REFERENCE §9)`, segment, '2400', 'SV107');
    for (const p of pointers.slice(0, 4)) {
      if (/^\d{1,2}$/.test(p) && Number(p) >= 1 && Number(p) <= MAX_HI) line.pointers.push(Number(p));
      else this.report('x12.claim.pointer', `SV107 pointer ${JSON.stringify(p)} is not a number from 1 to ${MAX_HI}`, segment, '2400', 'SV107');
    }
  }

  /** The claim being read is dropped (cut off). */
  dropClaim(reason: string, location: X12Location): void {
    const claim = this.claim;
    if (!claim) return;
    this.claim = undefined;
    this.problem(x12Problem('x12.claim.unusable', `claim ${JSON.stringify(claim.id)} is not checked: ${reason}`, { location: { ...location, claimId: claim.id } }));
  }

  /** The claim being read is complete: build its encounter. */
  closeClaim(): void {
    const claim = this.claim;
    if (!claim) return;
    this.claim = undefined;
    const built = this.build(claim);
    if (built) this.emit(built);
  }

  private build(claim: Claim): ParsedClaim | undefined {
    const where = { segment: claim.segment.number, id: 'CLM', loop: '2300', offset: claim.segment.offset, claimId: claim.id };
    const unusable = (why: string) => {
      this.problem(x12Problem('x12.claim.unusable', `claim ${JSON.stringify(claim.id)} is not checked: ${why}`, { location: where }));
      return undefined;
    };
    const codes = claim.diagnoses.map((d) => d.code);
    const lines: NonNullable<Encounter['claim']>['lines'] = [];
    const lineCents: number[] = [];
    const pointers: number[][] = [];
    const lineControlNumbers: (string | undefined)[] = [];
    let sum = 0;
    let sumKnown = true;
    for (const [i, line] of claim.lines.entries()) {
      if (line.code === undefined) continue;
      const diagnoses: string[] = [];
      for (const p of line.pointers) {
        const code = codes[p - 1];
        if (code === undefined) {
          this.report('x12.claim.pointer', `line ${i + 1} points to diagnosis ${p}, but HI has ${codes.length}`, line.service ?? line.segment, '2400', 'SV107', claim.id);
        } else if (!diagnoses.includes(icdWithDot(code))) diagnoses.push(icdWithDot(code));
      }
      lines.push({ code: line.code, modifiers: line.modifiers, units: line.units ?? 1, diagnoses });
      lineCents.push(line.cents ?? 0);
      pointers.push(line.pointers);
      lineControlNumbers.push(line.controlNumber);
      if (line.cents === undefined) sumKnown = false;
      else sum += line.cents;
    }
    if (claim.totalCents !== undefined && sumKnown && claim.lines.length > 0 && sum !== claim.totalCents) {
      this.problem(x12Problem('x12.claim.total-mismatch', `CLM02 is ${(claim.totalCents / 100).toFixed(2)}, but the lines add up to ${(sum / 100).toFixed(2)} (REFERENCE §9)`, { location: { ...where, element: 'CLM02' } }));
    }
    if (lines.length === 0) return unusable('it has no readable service line (LX/SV1)');
    if (lines.length > INPUT_LIMITS.claimLines) return unusable(`it has ${lines.length} lines; dxacode checks at most ${INPUT_LIMITS.claimLines}`);
    const dates = claim.lines.map((l) => l.date).filter((d): d is string => d !== undefined);
    const dateOfService = dates[0] ?? claim.date;
    if (dateOfService === undefined) return unusable('no readable service date (DTP*472)');
    const other = claim.lines.find((l) => l.date !== undefined && l.date !== dateOfService);
    if (other?.dateSegment) this.report('x12.claim.several-dates', `line service dates differ (${dateOfService} and ${other.date}); the claim is checked on ${dateOfService}`, other.dateSegment, '2400', 'DTP03', claim.id);

    const person: Person = this.patient ?? this.subscriber;
    if (person.birthDate !== undefined && person.birthDate > dateOfService && person.demographics) {
      this.report('x12.element.invalid', `DMG02 ${person.birthDate} is after the service date ${dateOfService}; the birth date is left out`, person.demographics, this.patient ? '2010CA' : '2010BA', 'DMG02', claim.id);
    }
    const memberId = this.subscriber.memberId;
    const ordering = claim.lines.find((l) => l.orderingNpi !== undefined)?.orderingNpi ?? claim.referringNpi;
    const encounter: Encounter = {
      id: claim.id,
      ...(CLAIM_ID.test(claim.id) ? { claimId: claim.id } : {}),
      dateOfService,
      patient: {
        sex: person.sex ?? 'unknown',
        ...(person.birthDate !== undefined && person.birthDate <= dateOfService ? { birthDate: person.birthDate } : {}),
        ...(person.name ? { name: person.name } : {}),
        ...(memberId !== undefined ? { memberId } : {}),
        ...(person.address ? { address: person.address } : {}),
      },
      payer: (this.payerId !== undefined ? this.options.payers?.[this.payerId] : undefined) ?? 'medicare',
      ...(claim.placeOfService !== undefined ? { placeOfService: claim.placeOfService } : {}),
      ...(componentOf(lines) !== 'global' ? { component: componentOf(lines) } : {}),
      ...(ordering !== undefined ? { orderingProvider: { npi: ordering } } : {}),
      performed: [],
      ...(codes.length > 0 ? { diagnoses: [...new Set(codes.map(icdWithDot))].slice(0, INPUT_LIMITS.diagnoses) } : {}),
      claim: { lines },
    };
    if (person.sex === undefined) this.problem(x12Problem('x12.segment.missing', `claim ${JSON.stringify(claim.id)}: no DMG for the patient, so the sex is unknown`, { location: where }));
    const valid = parseEncounter(encounter);
    if (!valid.ok) return unusable(valid.problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    const parsed: ParsedClaim = { claimId: claim.id, encounter: valid.encounter, location: where, lineCents, pointers, lineControlNumbers };
    if (claim.totalCents !== undefined) parsed.totalCents = claim.totalCents;
    return parsed;
  }
}

/** The component a claim bills: professional when every line carries 26, technical when every line carries TC. */
function componentOf(lines: { modifiers?: string[] }[]): 'global' | 'professional' | 'technical' {
  if (lines.length > 0 && lines.every((l) => l.modifiers?.includes('26'))) return 'professional';
  if (lines.length > 0 && lines.every((l) => l.modifiers?.includes('TC'))) return 'technical';
  return 'global';
}
