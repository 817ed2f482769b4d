/** Turns a validated Encounter into the CheckInput the rules read: defaults, upper case, dotted codes, age. */
import { ageOn } from '../contract/dates.js';
import type { ClaimLine, Clinical, Encounter, HistoryEntry, Procedure } from '../contract/encounter.js';
import type { OfficeSettings } from '../knowledge/office.js';
import type { Sex } from '../contract/values.js';
import type { CheckInput, Line } from '../rules/context.js';
import { noClinicalFields, noEncounterFields, type EncounterFields } from './encounter-shape.js';
import { normalizeIcd } from '../rules/icd10.js';

/** The code in upper case; the same string when it has no lower-case letter (most codes; a loop beats /[a-z]/ here). */
function upper(code: string): string {
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c >= 97 && c <= 122) return code.toUpperCase();
  }
  return code;
}

/*
 * Input objects come in many shapes (optional fields present or not, in any order), so reading a field by name is a
 * slow, generic lookup, and reading one that is absent the slowest of all: with the bench mix's shapes, destructuring
 * an encounter's 16 fields cost about 12 µs, against under 1 µs for one for-in pass over the fields it has (the enum
 * cache makes that pass fast). So each input object is read once here, by a for-in pass, into a fixed shape that the
 * rules read fast. Validated input has only own, enumerable fields, which is all for-in and destructuring differ on.
 */

/** A claim line with the contract's defaults applied. */
export function normalizeLine(line: ClaimLine): Line {
  let code = '';
  let modifiers: string[] | undefined;
  let units: number | undefined;
  let given: readonly string[] | undefined;
  for (const key in line) {
    const value = line[key as keyof ClaimLine];
    switch (key) {
      case 'code':
        code = value as string;
        break;
      case 'modifiers':
        modifiers = value as string[] | undefined;
        break;
      case 'units':
        units = value as number | undefined;
        break;
      case 'diagnoses':
        given = value as string[] | undefined;
        break;
    }
  }
  const diagnoses: string[] = [];
  if (given !== undefined) {
    for (const raw of given) {
      const dx = normalizeIcd(raw);
      if (!diagnoses.includes(dx)) diagnoses.push(dx);
    }
  }
  return { code: upper(code), modifiers: modifiers ? upperAll(modifiers) : [], units: units ?? 1, diagnoses };
}

// The lists of normalised input are filled by push, not made by map: see collect() in rules/context.ts (V8 gives
// a mapped array other elements once the mapping function is optimised). One loop each, not collect() itself: in
// this hot path its one call site for every list made the call inside it polymorphic, and a restricted check slower.

/** Each code in upper case. */
function upperAll(codes: readonly string[]): string[] {
  const list: string[] = [];
  for (const code of codes) list.push(upper(code));
  return list;
}

/** Each claim line normalised. */
function normalizeLines(lines: readonly ClaimLine[]): Line[] {
  const list: Line[] = [];
  for (const line of lines) list.push(normalizeLine(line));
  return list;
}

/** Each performed procedure normalised. */
function normalizeProcedures(performed: readonly Procedure[]): Procedure[] {
  const list: Procedure[] = [];
  for (const p of performed) list.push(normalizeProcedure(p));
  return list;
}

/** Each history entry normalised. */
function normalizeHistory(history: readonly HistoryEntry[]): HistoryEntry[] {
  const list: HistoryEntry[] = [];
  for (const h of history) list.push(normalizeHistoryEntry(h));
  return list;
}

/** Clinical facts with every field present (undefined when not given). */
function normalizeClinical(c: Clinical | undefined): Clinical {
  const clinical: Clinical = noClinicalFields();
  if (c === undefined) return clinical;
  for (const key in c) {
    const value = c[key as keyof Clinical];
    switch (key) {
      case 'tScoreLowest':
        clinical.tScoreLowest = value as Clinical['tScoreLowest'];
        break;
      case 'heightLossHistoricalCm':
        clinical.heightLossHistoricalCm = value as Clinical['heightLossHistoricalCm'];
        break;
      case 'heightLossProspectiveCm':
        clinical.heightLossProspectiveCm = value as Clinical['heightLossProspectiveCm'];
        break;
      case 'glucocorticoidMgPerDay':
        clinical.glucocorticoidMgPerDay = value as Clinical['glucocorticoidMgPerDay'];
        break;
      case 'glucocorticoidMonths':
        clinical.glucocorticoidMonths = value as Clinical['glucocorticoidMonths'];
        break;
      case 'selfReportedVertebralFracture':
        clinical.selfReportedVertebralFracture = value as Clinical['selfReportedVertebralFracture'];
        break;
      case 'estrogenDeficient':
        clinical.estrogenDeficient = value as Clinical['estrogenDeficient'];
        break;
      case 'primaryHyperparathyroidism':
        clinical.primaryHyperparathyroidism = value as Clinical['primaryHyperparathyroidism'];
        break;
      case 'vertebralAbnormalityOnXray':
        clinical.vertebralAbnormalityOnXray = value as Clinical['vertebralAbnormalityOnXray'];
        break;
      case 'monitoringOsteoporosisTherapy':
        clinical.monitoringOsteoporosisTherapy = value as Clinical['monitoringOsteoporosisTherapy'];
        break;
    }
  }
  return clinical;
}

/** A performed procedure with every field the rules read present. */
function normalizeProcedure(p: Procedure): Procedure {
  let procedure: Procedure['procedure'] | undefined;
  let sites: Procedure['sites'];
  let interpreted: boolean | undefined;
  for (const key in p) {
    const value = p[key as keyof Procedure];
    if (key === 'procedure') procedure = value as Procedure['procedure'];
    else if (key === 'sites') sites = value as Procedure['sites'];
    else if (key === 'interpreted') interpreted = value as boolean | undefined;
  }
  return { procedure: procedure!, sites, interpreted };
}

/** A history entry with every field present and its code in upper case. */
function normalizeHistoryEntry(h: HistoryEntry): HistoryEntry {
  let dateOfService = '';
  let code = '';
  let npi: string | undefined;
  for (const key in h) {
    const value = h[key as keyof HistoryEntry];
    if (key === 'dateOfService') dateOfService = value!;
    else if (key === 'code') code = upper(value!);
    else if (key === 'npi') npi = value;
  }
  return { dateOfService, code, npi };
}

export type { EncounterFields };

/** Reads an encounter's fields in one pass into a fixed shape (see the note above normalizeLine). */
export function readEncounter(encounter: Encounter): EncounterFields {
  const fields = noEncounterFields();
  for (const key in encounter) {
    // A keyed read inside for-in takes the enum cache's fast path; a read by name would not.
    const value = encounter[key as keyof Encounter];
    switch (key) {
      case 'id':
        fields.id = value as EncounterFields['id'];
        break;
      case 'dateOfService':
        fields.dateOfService = value as EncounterFields['dateOfService'];
        break;
      case 'claimId':
        fields.claimId = value as EncounterFields['claimId'];
        break;
      case 'patient':
        fields.patient = value as EncounterFields['patient'];
        break;
      case 'payer':
        fields.payer = value as EncounterFields['payer'];
        break;
      case 'claimType':
        fields.claimType = value as EncounterFields['claimType'];
        break;
      case 'component':
        fields.component = value as EncounterFields['component'];
        break;
      case 'placeOfService':
        fields.placeOfService = value as EncounterFields['placeOfService'];
        break;
      case 'jurisdiction':
        fields.jurisdiction = value as EncounterFields['jurisdiction'];
        break;
      case 'orderingProvider':
        fields.orderingProvider = value as EncounterFields['orderingProvider'];
        break;
      case 'billingProvider':
        fields.billingProvider = value as EncounterFields['billingProvider'];
        break;
      case 'performed':
        fields.performed = value as EncounterFields['performed'];
        break;
      case 'diagnoses':
        fields.diagnoses = value as EncounterFields['diagnoses'];
        break;
      case 'clinical':
        fields.clinical = value as EncounterFields['clinical'];
        break;
      case 'history':
        fields.history = value as EncounterFields['history'];
        break;
      case 'abnOnFile':
        fields.abnOnFile = value as EncounterFields['abnOnFile'];
        break;
      case 'priorAuthorization':
        fields.priorAuthorization = value as EncounterFields['priorAuthorization'];
        break;
      case 'morphometry':
        fields.morphometry = value as EncounterFields['morphometry'];
        break;
      case 'priorMorphometry':
        fields.priorMorphometry = value as EncounterFields['priorMorphometry'];
        break;
      case 'report':
        fields.report = value as EncounterFields['report'];
        break;
      case 'claim':
        fields.claim = value as EncounterFields['claim'];
        break;
    }
  }
  return fields;
}

/**
 * Applies defaults and normalises codes; the encounter must already be validated. The office's settings fill what
 * the encounter leaves out: its jurisdiction and billing NPI.
 */
export function normalizeEncounter(encounter: Encounter, office?: OfficeSettings): CheckInput {
  return normalizeFields(readEncounter(encounter), office);
}

/** normalizeEncounter() of an encounter already read by readEncounter(). */
export function normalizeFields(encounter: EncounterFields, office?: OfficeSettings): CheckInput {
  const { id, dateOfService, patient, payer, claimType, component, jurisdiction, orderingProvider, billingProvider, performed, diagnoses, clinical, history, abnOnFile, priorAuthorization, claim } =
    encounter;
  const seen: string[] = [];
  const duplicates: string[] = [];
  if (diagnoses !== undefined) {
    for (const raw of diagnoses) {
      const dx = normalizeIcd(raw);
      if (!seen.includes(dx)) seen.push(dx);
      else if (!duplicates.includes(dx)) duplicates.push(dx);
    }
  }
  let givenAge: number | undefined;
  let birthDate: string | undefined;
  let sex: Sex | undefined;
  for (const key in patient!) {
    const value = patient![key as keyof Encounter['patient']];
    if (key === 'sex') sex = value as Sex;
    else if (key === 'age') givenAge = value as number | undefined;
    else if (key === 'birthDate') birthDate = value as string | undefined;
  }
  const date = dateOfService!;
  const age = givenAge ?? (birthDate !== undefined ? ageOn(birthDate, date) : undefined);
  let orderingNpi: string | undefined;
  let treatingOrder: boolean | undefined;
  if (orderingProvider !== undefined) {
    for (const key in orderingProvider) {
      const value = orderingProvider[key as keyof typeof orderingProvider];
      if (key === 'npi') orderingNpi = value as string | undefined;
      else if (key === 'treating') treatingOrder = value as boolean | undefined;
    }
  }
  let billingNpi: string | undefined;
  if (billingProvider !== undefined) for (const key in billingProvider) if (key === 'npi') billingNpi = billingProvider[key];
  return {
    id,
    dateOfService: date,
    sex: sex!,
    age,
    payer: payer ?? 'medicare',
    claimType: claimType ?? 'professional',
    component: component ?? 'global',
    jurisdiction: jurisdiction ?? office?.jurisdiction,
    orderingNpi,
    billingNpi: billingNpi ?? office?.billingNpi,
    treatingOrder,
    orderGiven: orderingNpi !== undefined || treatingOrder !== undefined,
    performed: performed === undefined ? [] : normalizeProcedures(performed),
    diagnoses: seen,
    diagnosesGiven: diagnoses !== undefined && diagnoses.length > 0,
    duplicateDiagnoses: duplicates,
    clinical: normalizeClinical(clinical),
    history: history && normalizeHistory(history),
    abnOnFile,
    priorAuthorization,
    submitted: claim && normalizeLines(claim.lines),
  };
}
