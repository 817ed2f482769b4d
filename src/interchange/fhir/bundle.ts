/**
 * FHIR R4 in: a Bundle holding a DXA DiagnosticReport (LOINC 83311-1, REFERENCE §9 [V]) with its report text,
 * T-score Observations, the ServiceRequest and the Patient becomes one Encounter whose `report` the extractor reads.
 * Only a final (or amended) result can become a charge (REFERENCE §9). The input is untrusted JSON: every problem
 * names the entry, the path and what was expected. Pure: no files, clock or environment.
 */
import { Encounter, Icd10Code, MRN_PATTERN } from '../../contract/encounter.js';
import { isCalendarDate } from '../../contract/dates.js';
import { INPUT_LIMITS, type Sex } from '../../contract/values.js';
import { FHIR_SYSTEMS, LOINC_DXA_PANEL } from './systems.js';
import { fhirProblem, type FhirLocation, type FhirProblem } from './problems.js';

/** How to read the Bundle. */
export interface FhirReadOptions {
  /** Payer policy pack id for the encounter (a Bundle's Coverage names no dxacode pack); default medicare. */
  payer?: string;
  /** Encounter id; default the DiagnosticReport's id or first identifier. */
  id?: string;
}

/** One T-score read from an Observation, with its code as printed in the Bundle. */
export interface FhirTScore {
  value: number;
  /** `system|code` of the Observation's first coding, as printed (e.g. `http://loinc.org|80946-7`). */
  code?: string;
  display?: string;
  entry?: number;
}

/** What the Bundle said beyond the Encounter fields (for display; not used by the rules). */
export interface FhirReadDetails {
  /** Index into Bundle.entry of the DiagnosticReport read. */
  reportEntry: number;
  reportStatus: string;
  /** The ordered service (ServiceRequest.code) as printed: `system|code` and display. */
  orderedService?: { code?: string; display?: string };
  tScores: FhirTScore[];
  /** Where the report text came from. */
  reportSource: 'presentedForm' | 'conclusion';
}

/** The encounter read from a Bundle with warnings, or the problems that make the Bundle unusable. */
export type FhirReadOutcome =
  | { ok: true; encounter: Encounter; details: FhirReadDetails; problems: FhirProblem[] }
  | { ok: false; problems: FhirProblem[] };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A resource found in the Bundle, with its entry index (and path, for contained ones). */
interface Located {
  resource: Json;
  entry: number;
  /** Path of the resource from the Bundle root. */
  path: string;
}

function locationOf(found: Located, element?: string): FhirLocation {
  return { entry: found.entry, resourceType: str(found.resource.resourceType), path: element === undefined ? found.path : `${found.path}.${element}` };
}

/** Indexes Bundle entries by fullUrl and `Type/id` so references can be resolved. */
class BundleIndex {
  readonly all: Located[] = [];
  private readonly byKey = new Map<string, Located>();

  add(found: Located, fullUrl: string | undefined): void {
    this.all.push(found);
    const type = str(found.resource.resourceType);
    const id = str(found.resource.id);
    if (fullUrl !== undefined) this.byKey.set(fullUrl, found);
    if (type !== undefined && id !== undefined) this.byKey.set(`${type}/${id}`, found);
  }

  ofType(type: string): Located[] {
    return this.all.filter((f) => f.resource.resourceType === type);
  }

  /** Resolves a Reference from `from`: `#id` to a contained resource, else fullUrl, `Type/id`, or a URL ending in it. */
  resolve(reference: unknown, from: Located): Located | undefined {
    if (!isObject(reference)) return undefined;
    const ref = str(reference.reference);
    if (ref === undefined) return undefined;
    if (ref.startsWith('#')) {
      const contained = arr(from.resource.contained);
      const index = contained.findIndex((c) => isObject(c) && c.id === ref.slice(1));
      const resource = contained[index];
      return isObject(resource) ? { resource, entry: from.entry, path: `${from.path}.contained[${index}]` } : undefined;
    }
    const direct = this.byKey.get(ref);
    if (direct) return direct;
    const tail = /([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/.exec(ref);
    return tail?.[1] !== undefined ? this.byKey.get(tail[1]) : undefined;
  }
}

function codings(concept: unknown): Json[] {
  return isObject(concept) ? arr(concept.coding).filter(isObject) : [];
}

function hasCoding(concept: unknown, system: string, code: string): boolean {
  return codings(concept).some((c) => c.system === system && c.code === code);
}

/** `system|code` as printed in the Bundle. */
function printedCode(coding: Json | undefined): string | undefined {
  if (!coding) return undefined;
  const code = str(coding.code);
  if (code === undefined) return undefined;
  const system = str(coding.system);
  return system !== undefined ? `${system}|${code}` : code;
}

/**
 * DiagnosticReport statuses that can be charged. `corrected` and `appended` are the two kinds of `amended` in the R4
 * DiagnosticReportStatus code system, so they count as amended.
 */
const CHARGEABLE_REPORT_STATUSES: ReadonlySet<string> = new Set(['final', 'amended', 'corrected', 'appended']);
/** Observation statuses whose values can be used (the same hierarchy in ObservationStatus). */
const USABLE_OBSERVATION_STATUSES: ReadonlySet<string> = new Set(['final', 'amended', 'corrected']);

/** The date part of a FHIR date or dateTime, as written (its local date at its own offset). */
function datePart(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(T|$)/.exec(value);
  return m?.[1] !== undefined && isCalendarDate(m[1]) ? m[1] : undefined;
}

/** Decodes base64 to UTF-8 text; undefined when it is not valid base64 or not valid UTF-8. */
function decodeBase64Text(data: string): string | undefined {
  const compact = data.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  try {
    const binary = atob(compact);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** An Observation is a T-score when its code or unit says so as printed (`DXA Hip-L T-score BMD`, unit `{T-Score}`). */
function isTScoreObservation(observation: Json): boolean {
  const code = observation.code;
  const texts = [str(isObject(code) ? code.text : undefined), ...codings(code).map((c) => str(c.display))];
  const quantity = isObject(observation.valueQuantity) ? observation.valueQuantity : {};
  texts.push(str(quantity.unit), str(quantity.code));
  return texts.some((t) => t !== undefined && /\bT[- ]?score\b/i.test(t));
}

const GENDER_TO_SEX: Record<string, Sex> = { female: 'female', male: 'male', unknown: 'unknown' };

/** Reads the report text: presentedForm text attachments first, else conclusion. */
function reportTextOf(report: Located, problems: FhirProblem[]): { text: string; source: 'presentedForm' | 'conclusion' } | undefined {
  const texts: string[] = [];
  arr(report.resource.presentedForm).forEach((attachment, k) => {
    const at = locationOf(report, `presentedForm[${k}]`);
    if (!isObject(attachment)) return;
    const contentType = str(attachment.contentType)?.toLowerCase();
    const data = str(attachment.data);
    if (data === undefined) {
      problems.push(fhirProblem('fhir.report.attachment', 'the attachment has no inline data (only a URL or a title); it is not fetched', { location: at, expected: 'the report text inline in presentedForm.data (base64)' }));
      return;
    }
    if (contentType !== undefined && !contentType.startsWith('text/')) {
      problems.push(fhirProblem('fhir.report.attachment', `the attachment is ${JSON.stringify(contentType)}, not text; it is not read`, { location: { ...at, path: `${at.path}.contentType` }, expected: 'contentType text/plain' }));
      return;
    }
    const text = decodeBase64Text(data);
    if (text === undefined) {
      problems.push(fhirProblem('fhir.report.base64', 'presentedForm data is not base64-encoded UTF-8 text', { location: { ...at, path: `${at.path}.data` }, expected: 'base64 of the UTF-8 report text' }));
      return;
    }
    if (text.trim() !== '') texts.push(text);
  });
  if (texts.length > 0) return { text: texts.join('\n\n'), source: 'presentedForm' };
  const conclusion = str(report.resource.conclusion);
  if (conclusion !== undefined && conclusion.trim() !== '') return { text: conclusion, source: 'conclusion' };
  return undefined;
}

/** Picks the DXA DiagnosticReport: the one coded LOINC 83311-1, or the only DiagnosticReport. */
function pickReport(index: BundleIndex, problems: FhirProblem[]): Located | undefined {
  const reports = index.ofType('DiagnosticReport');
  if (reports.length === 0) {
    problems.push(fhirProblem('fhir.report.missing', 'no DiagnosticReport in the Bundle', { location: { path: 'Bundle.entry' }, expected: `a DiagnosticReport coded LOINC ${LOINC_DXA_PANEL} with the report text` }));
    return undefined;
  }
  const dxa = reports.filter((r) => hasCoding(r.resource.code, FHIR_SYSTEMS.loinc, LOINC_DXA_PANEL));
  if (dxa.length > 1 || (dxa.length === 0 && reports.length > 1)) {
    const many = dxa.length > 1 ? dxa : reports;
    problems.push(
      fhirProblem('fhir.report.several', `${many.length} DiagnosticReports (entries ${many.map((r) => r.entry).join(', ')}); one Bundle maps to one encounter`, {
        location: { path: 'Bundle.entry' },
        expected: `one DiagnosticReport coded LOINC ${LOINC_DXA_PANEL} per Bundle`,
        fix: 'send one Bundle per DXA result',
      }),
    );
    return undefined;
  }
  const report = dxa[0] ?? reports[0]!;
  if (dxa.length === 0) {
    problems.push(fhirProblem('fhir.report.not-dxa', `the DiagnosticReport is not coded LOINC ${LOINC_DXA_PANEL}; it is read from its text`, { location: locationOf(report, 'code'), expected: `a coding ${FHIR_SYSTEMS.loinc}|${LOINC_DXA_PANEL}` }));
  }
  return report;
}

/** The NPI of a practitioner reference: on the Reference's identifier, or on the resolved Practitioner(Role). */
function npiOf(reference: unknown, from: Located, index: BundleIndex, problems: FhirProblem[], path: string): string | undefined {
  const candidates: Json[] = [];
  if (isObject(reference) && isObject(reference.identifier)) candidates.push(reference.identifier);
  let target = index.resolve(reference, from);
  if (isObject(reference) && str(reference.reference) !== undefined && !target) {
    problems.push(fhirProblem('fhir.reference.unresolved', `${JSON.stringify(str(reference.reference))} is not in the Bundle`, { location: locationOf(from, path), expected: 'a reference to an entry (fullUrl or Type/id) or a contained resource' }));
  }
  if (target?.resource.resourceType === 'PractitionerRole') {
    const role = target;
    target = index.resolve(role.resource.practitioner, role);
    candidates.push(...arr(role.resource.identifier).filter(isObject));
  }
  if (target) candidates.push(...arr(target.resource.identifier).filter(isObject));
  const npi = candidates.find((c) => c.system === FHIR_SYSTEMS.npi && typeof c.value === 'string');
  const value = str(npi?.value);
  if (value !== undefined && /^\d{10}$/.test(value)) return value;
  problems.push(
    fhirProblem('fhir.provider.no-npi', value !== undefined ? 'the ordering provider NPI is not 10 digits; it is not used' : 'the ordering provider has no NPI; it is not used', {
      location: locationOf(from, path),
      expected: `an identifier with system ${FHIR_SYSTEMS.npi} and a 10-digit value`,
    }),
  );
  return undefined;
}

/** Maps a FHIR R4 Bundle (already parsed JSON) to one Encounter, or says where and why it cannot. */
export function fhirBundleToEncounter(bundle: unknown, options: FhirReadOptions = {}): FhirReadOutcome {
  const problems: FhirProblem[] = [];
  const fail = (): FhirReadOutcome => ({ ok: false, problems });
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle') {
    const got = isObject(bundle) ? `resourceType ${JSON.stringify(str(bundle.resourceType) ?? null)}` : Array.isArray(bundle) ? 'an array' : typeof bundle;
    problems.push(fhirProblem('fhir.bundle.not-bundle', `not a FHIR Bundle (got ${got})`, { location: { path: 'Bundle' }, expected: 'a JSON object with resourceType "Bundle"' }));
    return fail();
  }
  const entries = arr(bundle.entry);
  if (entries.length === 0) {
    problems.push(fhirProblem('fhir.bundle.empty', 'the Bundle has no entries', { location: { path: 'Bundle.entry' }, expected: 'entries holding a DiagnosticReport, its Observations, ServiceRequest and Patient' }));
    return fail();
  }
  const index = new BundleIndex();
  entries.forEach((entry, i) => {
    const resource = isObject(entry) ? entry.resource : undefined;
    if (!isObject(resource) || typeof resource.resourceType !== 'string') {
      problems.push(fhirProblem('fhir.entry.invalid', 'the entry holds no resource with a resourceType; it is skipped', { location: { entry: i, path: `Bundle.entry[${i}].resource` }, expected: 'a resource object with resourceType' }));
      return;
    }
    index.add({ resource, entry: i, path: `Bundle.entry[${i}].resource` }, isObject(entry) ? str(entry.fullUrl) : undefined);
  });

  const report = pickReport(index, problems);
  if (!report) return fail();
  const r = report.resource;

  // Charge only from a final result (REFERENCE §9).
  const status = str(r.status);
  if (status === undefined || !CHARGEABLE_REPORT_STATUSES.has(status)) {
    problems.push(
      fhirProblem('fhir.report.not-final', `the DiagnosticReport status is ${JSON.stringify(status ?? null)}: charge only from a final result`, {
        location: locationOf(report, 'status'),
        expected: 'status final or amended (corrected, appended)',
        fix: 'send the Bundle again once the report is final',
      }),
    );
  }

  const dateOfService = datePart(str(r.effectiveDateTime)) ?? datePart(isObject(r.effectivePeriod) ? str(r.effectivePeriod.start) : undefined);
  if (dateOfService === undefined) {
    const given = str(r.effectiveDateTime) ?? (isObject(r.effectivePeriod) ? str(r.effectivePeriod.start) : undefined);
    problems.push(
      fhirProblem('fhir.report.no-date', given !== undefined ? 'the effective date is not a full calendar date' : 'the DiagnosticReport has no effective date', {
        location: locationOf(report, 'effectiveDateTime'),
        expected: 'effectiveDateTime with a full date (YYYY-MM-DD[Thh:mm:ss+zz:zz]): the date of service',
      }),
    );
  }

  const read = reportTextOf(report, problems);
  if (!read) {
    problems.push(fhirProblem('fhir.report.no-text', 'the DiagnosticReport carries no report text', { location: locationOf(report, 'presentedForm'), expected: 'presentedForm with contentType text/plain and base64 data, or conclusion' }));
  } else if (read.text.length > INPUT_LIMITS.reportLength) {
    problems.push(fhirProblem('fhir.report.too-long', `the report text has ${read.text.length} characters`, { location: locationOf(report, read.source), expected: `at most ${INPUT_LIMITS.reportLength} characters` }));
  }
  if (problems.some((p) => p.severity === 'error')) return fail();

  // Patient: the report's subject, else the only Patient in the Bundle.
  let patient = index.resolve(r.subject, report);
  if (!patient && isObject(r.subject) && str(r.subject.reference) !== undefined) {
    problems.push(fhirProblem('fhir.reference.unresolved', `subject ${JSON.stringify(str(r.subject.reference))} is not in the Bundle`, { location: locationOf(report, 'subject'), expected: 'a reference to the Patient entry' }));
  }
  if (!patient) {
    const patients = index.ofType('Patient');
    if (patients.length === 1) patient = patients[0];
  }
  let sex: Sex = 'unknown';
  let birthDate: string | undefined;
  let mrn: string | undefined;
  if (!patient || patient.resource.resourceType !== 'Patient') {
    problems.push(fhirProblem('fhir.patient.missing', 'no Patient for the report: sex is unknown and age rules are not checked', { location: locationOf(report, 'subject'), expected: 'a Patient entry referenced by DiagnosticReport.subject' }));
    patient = undefined;
  } else {
    const gender = str(patient.resource.gender);
    const mapped = gender !== undefined ? GENDER_TO_SEX[gender] : undefined;
    if (mapped !== undefined) sex = mapped;
    else if (gender !== undefined) {
      problems.push(fhirProblem('fhir.patient.value', `gender ${JSON.stringify(gender)} has no contract value; sex is unknown`, { location: locationOf(patient, 'gender'), expected: 'female, male or unknown' }));
    }
    // The medical record number: the Patient identifier typed MR (HL7 table 0203), which the store matches earlier
    // studies on. Other identifiers are not used.
    const records = arr(patient.resource.identifier).filter(isObject).filter((id) => hasCoding(id.type, FHIR_SYSTEMS.identifierType, 'MR'));
    const recordNumber = records.length > 0 ? str(records[0]!.value) : undefined;
    if (recordNumber !== undefined) {
      if (MRN_PATTERN.test(recordNumber)) mrn = recordNumber;
      else problems.push(fhirProblem('fhir.patient.value', 'the medical record number does not have the shape dxacode accepts; the patient is not matched to earlier studies', { location: locationOf(patient, 'identifier'), expected: '1 to 64 letters, digits, dots, dashes or underscores' }));
    }
    const born = str(patient.resource.birthDate);
    if (born !== undefined) {
      if (/^\d{4}-\d{2}-\d{2}$/.test(born) && isCalendarDate(born)) birthDate = born;
      else problems.push(fhirProblem('fhir.patient.value', 'birthDate is not a full calendar date; age rules are not checked', { location: locationOf(patient, 'birthDate'), expected: 'YYYY-MM-DD' }));
    }
  }

  // T-scores: the report's results (or every Observation when it lists none); the lowest is clinical.tScoreLowest.
  const resultRefs = arr(r.result);
  const observations: Located[] = [];
  if (resultRefs.length > 0) {
    resultRefs.forEach((ref, k) => {
      const found = index.resolve(ref, report);
      if (found?.resource.resourceType === 'Observation') observations.push(found);
      else problems.push(fhirProblem('fhir.reference.unresolved', 'the result reference points to no Observation in the Bundle', { location: locationOf(report, `result[${k}]`), expected: 'a reference to an Observation entry' }));
    });
  } else {
    observations.push(...index.ofType('Observation'));
  }
  const tScores: FhirTScore[] = [];
  for (const obs of observations) {
    if (!isTScoreObservation(obs.resource)) continue;
    const obsStatus = str(obs.resource.status);
    const quantity = isObject(obs.resource.valueQuantity) ? obs.resource.valueQuantity : undefined;
    const value = quantity?.value;
    if (obsStatus === undefined || !USABLE_OBSERVATION_STATUSES.has(obsStatus)) {
      problems.push(fhirProblem('fhir.observation.skipped', `T-score Observation status ${JSON.stringify(obsStatus ?? null)}; not used`, { location: locationOf(obs, 'status'), expected: 'final, amended or corrected' }));
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < -10 || value > 10) {
      problems.push(fhirProblem('fhir.observation.skipped', 'T-score Observation has no numeric value between -10 and 10; not used', { location: locationOf(obs, 'valueQuantity.value'), expected: 'valueQuantity.value, a number between -10 and 10' }));
      continue;
    }
    const first = codings(obs.resource.code)[0];
    const tScore: FhirTScore = { value, entry: obs.entry };
    const code = printedCode(first);
    if (code !== undefined) tScore.code = code;
    const display = str(first?.display) ?? str(isObject(obs.resource.code) ? obs.resource.code.text : undefined);
    if (display !== undefined) tScore.display = display;
    tScores.push(tScore);
  }

  // The order: the report's basedOn ServiceRequest, else the only ServiceRequest in the Bundle.
  let order = arr(r.basedOn).map((ref) => index.resolve(ref, report)).find((f) => f?.resource.resourceType === 'ServiceRequest');
  if (!order) {
    const requests = index.ofType('ServiceRequest');
    if (requests.length === 1) order = requests[0];
  }
  let npi: string | undefined;
  const diagnoses: string[] = [];
  let orderedService: FhirReadDetails['orderedService'];
  if (order) {
    if (order.resource.requester !== undefined) npi = npiOf(order.resource.requester, order, index, problems, 'requester');
    const first = codings(order.resource.code)[0];
    const code = printedCode(first);
    const display = str(first?.display) ?? str(isObject(order.resource.code) ? order.resource.code.text : undefined);
    if (code !== undefined || display !== undefined) orderedService = { ...(code !== undefined ? { code } : {}), ...(display !== undefined ? { display } : {}) };
    // The ordering clinician's reasons coded in ICD-10-CM are the documented diagnoses (CONTRACT.md `diagnoses`).
    arr(order.resource.reasonCode).forEach((concept, k) => {
      codings(concept).forEach((coding, j) => {
        if (coding.system !== FHIR_SYSTEMS.icd10cm) return;
        const value = str(coding.code);
        if (value !== undefined && Icd10Code.safeParse(value).success) {
          if (!diagnoses.includes(value)) diagnoses.push(value);
        } else {
          problems.push(fhirProblem('fhir.diagnosis.skipped', 'the ICD-10-CM reason code does not have the shape of an ICD-10-CM code; skipped', { location: locationOf(order!, `reasonCode[${k}].coding[${j}].code`), expected: 'an ICD-10-CM code such as M81.0' }));
        }
      });
    });
  }

  const id = options.id ?? str(r.id) ?? str(arr(r.identifier).filter(isObject)[0]?.value);
  const raw: Record<string, unknown> = {
    ...(id !== undefined ? { id: id.slice(0, INPUT_LIMITS.idLength) } : {}),
    dateOfService,
    patient: { sex, ...(birthDate !== undefined ? { birthDate } : {}), ...(mrn !== undefined ? { mrn } : {}) },
    ...(options.payer !== undefined ? { payer: options.payer } : {}),
    ...(npi !== undefined ? { orderingProvider: { npi } } : {}),
    ...(diagnoses.length > 0 ? { diagnoses } : {}),
    ...(tScores.length > 0 ? { clinical: { tScoreLowest: Math.min(...tScores.map((t) => t.value)) } } : {}),
    report: read!.text,
  };
  const parsed = Encounter.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 20)) {
      const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      problems.push(fhirProblem('fhir.encounter.invalid', `encounter ${field || '(encounter)'}: ${issue.message}`, { location: locationOf(report), expected: 'values the Encounter contract accepts (CONTRACT.md)' }));
    }
    return fail();
  }
  if (birthDate !== undefined && dateOfService !== undefined && birthDate > dateOfService) {
    problems.push(fhirProblem('fhir.encounter.invalid', `the birth date ${birthDate} is after the date of service ${dateOfService}`, { location: patient ? locationOf(patient, 'birthDate') : locationOf(report), expected: 'a birth date on or before the date of service' }));
    return fail();
  }
  const details: FhirReadDetails = { reportEntry: report.entry, reportStatus: status!, tScores, reportSource: read!.source };
  if (orderedService) details.orderedService = orderedService;
  return { ok: true, encounter: parsed.data, details, problems };
}
