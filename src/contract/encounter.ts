/**
 * The Encounter: what was done for one patient on one date of service by one billing provider (CONTRACT.md).
 * These zod schemas are the single definition; JSON Schema is generated from them (`dxacode schema`).
 */
import { z } from 'zod';
import { isCalendarDate } from './dates.js';
import {
  CLAIM_TYPES,
  COMPONENTS,
  INPUT_LIMITS,
  JURISDICTIONS,
  PROCEDURES,
  MAX_VERTEBRAL_HEIGHT_MM,
  SEXES,
  SITES,
  VERTEBRAL_LEVELS,
} from './values.js';

/** `YYYY-MM-DD` that is a real calendar date (2026-02-30 is refused). */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date as YYYY-MM-DD' })
  .refine(isCalendarDate, { error: 'expected a real calendar date between 1900 and 2199 (YYYY-MM-DD)' })
  .meta({ description: 'Calendar date, YYYY-MM-DD', examples: ['2026-01-20'] });

/** ICD-10-CM code shape, with or without the dot (validity against the code set is a rule, not a schema check). */
export const Icd10Code = z
  .string()
  .regex(/^[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?$/, {
    error: 'expected an ICD-10-CM code: a letter, two characters, then up to four more, with or without the dot (e.g. M81.0)',
  })
  .meta({ description: 'ICD-10-CM code, with or without the dot', examples: ['M81.0', 'M8008XA'] });

/** CPT (5 digits, or 4 digits and F/T) or HCPCS level II (letter and 4 digits) code shape. */
export const ProcedureCode = z
  .string()
  .regex(/^([0-9]{4}[0-9FTUfut]|[A-Va-v][0-9]{4})$/, {
    error: 'expected a CPT code (5 characters, e.g. 77080) or a HCPCS level II code (letter and 4 digits, e.g. G0130)',
  })
  .meta({ description: 'CPT or HCPCS code', examples: ['77085', 'G0130'] });

/** Two-character CPT/HCPCS modifier. */
export const Modifier = z
  .string()
  .regex(/^[0-9A-Za-z]{2}$/, { error: 'expected a modifier of two letters or digits (e.g. 26, TC, GA)' })
  .meta({ description: 'CPT/HCPCS modifier', examples: ['26', 'TC', 'GA'] });

/** One procedure actually performed and documented. */
export const Procedure = z
  .strictObject({
    procedure: z.enum(PROCEDURES, { error: `expected one of ${PROCEDURES.join(', ')}` }),
    sites: z
      .array(z.enum(SITES, { error: `expected one of ${SITES.join(', ')}` }))
      .max(INPUT_LIMITS.sitesPerProcedure)
      .optional(),
    interpreted: z.boolean().optional().meta({ description: 'the physician interpretation is documented; default true' }),
  })
  .meta({ id: 'Procedure', description: 'A procedure that was performed and documented' });

/** Clinical facts used by coverage and indication rules. */
export const Clinical = z
  .strictObject({
    tScoreLowest: z.number().min(-10).max(10).optional(),
    heightLossHistoricalCm: z.number().min(0).max(100).optional(),
    heightLossProspectiveCm: z.number().min(0).max(100).optional(),
    glucocorticoidMgPerDay: z.number().min(0).max(2000).optional(),
    glucocorticoidMonths: z.number().min(0).max(1200).optional(),
    selfReportedVertebralFracture: z.boolean().optional(),
    estrogenDeficient: z.boolean().optional(),
    primaryHyperparathyroidism: z.boolean().optional(),
    vertebralAbnormalityOnXray: z.boolean().optional(),
    monitoringOsteoporosisTherapy: z.boolean().optional(),
  })
  .meta({ id: 'Clinical', description: 'Clinical facts for coverage and indication rules' });

const HeightMm = z
  .number()
  .gt(0, { error: 'expected a height in mm greater than 0' })
  .max(MAX_VERTEBRAL_HEIGHT_MM, { error: `expected a height in mm of at most ${MAX_VERTEBRAL_HEIGHT_MM}` });
const Level = z.enum(VERTEBRAL_LEVELS, { error: `expected a vertebral level from T4 to L4 (${VERTEBRAL_LEVELS.join(', ')})` });

/** One vertebral level's heights on VFA (docs/morphometry.md): evaluable with three heights, or not with a reason. */
export const LevelHeights = z
  .discriminatedUnion('evaluable', [
    z.strictObject({
      level: Level,
      evaluable: z.literal(true),
      anteriorMm: HeightMm.meta({ description: 'anterior height Ha, mm' }),
      middleMm: HeightMm.meta({ description: 'middle height Hm, mm' }),
      posteriorMm: HeightMm.meta({ description: 'posterior height Hp, mm' }),
    }),
    z.strictObject({
      level: Level,
      evaluable: z.literal(false),
      reason: z.string().min(1, { error: 'expected why the level could not be evaluated' }).max(INPUT_LIMITS.morphometryReasonLength),
    }),
  ], { error: 'expected evaluable: true with anteriorMm, middleMm and posteriorMm, or evaluable: false with a reason' })
  .meta({ id: 'LevelHeights', description: "One vertebral level's anterior, middle and posterior heights on VFA, or why it could not be evaluated" });

/** One line of a claim as someone would submit it. */
export const ClaimLine = z
  .strictObject({
    code: ProcedureCode,
    modifiers: z
      .array(Modifier)
      .max(INPUT_LIMITS.modifiersPerLine, { error: 'expected at most 4 modifiers on one line (837P SV101)' })
      .optional(),
    units: z
      .number({ error: 'expected a whole number of units' })
      .int({ error: 'expected a whole number of units (no fractions)' })
      .min(1, { error: 'expected at least 1 unit' })
      .max(INPUT_LIMITS.unitsPerLine, { error: `expected at most ${INPUT_LIMITS.unitsPerLine} units` })
      .optional(),
    diagnoses: z.array(Icd10Code).max(INPUT_LIMITS.lineDiagnoses).optional(),
  })
  .meta({ id: 'ClaimLine', description: 'One service line of a claim' });

const Npi = z.string().regex(/^\d{10}$/, { error: 'expected a 10-digit NPI' });

/** One earlier bone-density service of the same patient, by any provider. */
export const HistoryEntry = z
  .strictObject({
    dateOfService: IsoDate,
    code: ProcedureCode,
    npi: Npi.optional().meta({ description: 'who furnished the earlier study (its billing NPI), when known: Medicare counts studies by every provider' }),
  })
  .meta({ id: 'HistoryEntry', description: 'An earlier bone-density service of this patient, by any provider' });

const CLAIM_ID = /^[0-9A-Za-z._-]{1,38}$/;
const MEMBER_ID = /^[0-9A-Za-z-]{2,80}$/;
/** The shape of a medical record number (`patient.mrn`), for readers that take one from other formats. */
export const MRN_PATTERN = /^[0-9A-Za-z._-]{1,64}$/;
/** Printable text without the X12 separators a claim file uses (* : ^ ~ |) and without line breaks. */
const CLAIM_TEXT = /^[^*:^~|\r\n]*$/;
const claimText = (min: number, max: number, what: string) =>
  z
    .string()
    .min(min, { error: `expected ${what} of at least ${min} character${min === 1 ? '' : 's'}` })
    .max(max, { error: `expected ${what} of at most ${max} characters` })
    .regex(CLAIM_TEXT, { error: `expected ${what} without * : ^ ~ | or line breaks (they separate X12 elements)` });

/** The patient's name as a claim carries it (837P NM103/NM104). */
export const PatientName = z
  .strictObject({
    family: claimText(1, 60, 'a family name'),
    given: claimText(1, 35, 'a given name').optional(),
  })
  .meta({ id: 'PatientName', description: "The patient's name for a claim (837P 2010BA NM103 family, NM104 given)" });

/** The patient's address as a claim carries it (837P N3/N4). */
export const PatientAddress = z
  .strictObject({
    line: claimText(1, 55, 'an address line'),
    line2: claimText(1, 55, 'a second address line').optional(),
    city: claimText(2, 30, 'a city'),
    state: z.string().regex(/^[A-Z]{2}$/, { error: 'expected a two-letter state code in capitals (e.g. NY)' }),
    postalCode: z.string().regex(/^\d{5}(\d{4})?$/, { error: 'expected a ZIP code of 5 or 9 digits' }),
  })
  .meta({ id: 'PatientAddress', description: "The patient's address for a claim (837P 2010BA N3/N4)" });

/** The public Encounter input. */
export const Encounter = z
  .strictObject({
    id: z.string().max(INPUT_LIMITS.idLength).optional(),
    dateOfService: IsoDate,
    claimId: z
      .string()
      .regex(CLAIM_ID, { error: 'expected a claim id of 1 to 38 letters, digits, dots, dashes or underscores (837P CLM01)' })
      .optional()
      .meta({ description: 'the claim id (837P CLM01, patient control number); default the encounter id' }),
    patient: z.strictObject({
      sex: z.enum(SEXES, { error: `expected one of ${SEXES.join(', ')}` }),
      birthDate: IsoDate.optional(),
      age: z.number().int({ error: 'expected a whole number of years' }).min(0).max(130).optional(),
      name: PatientName.optional(),
      memberId: z
        .string()
        .regex(MEMBER_ID, { error: 'expected a member id of 2 to 80 letters, digits or dashes (837P NM109)' })
        .optional()
        .meta({ description: "the patient's member id with the payer (837P 2010BA NM109)" }),
      mrn: z
        .string()
        .regex(MRN_PATTERN, { error: 'expected a medical record number of 1 to 64 letters, digits, dots, dashes or underscores' })
        .optional()
        .meta({ description: 'the medical record number within the organisation' }),
      address: PatientAddress.optional(),
    }),
    payer: z.string().min(1).max(INPUT_LIMITS.payerLength).optional().meta({ description: 'payer policy pack id; default medicare' }),
    claimType: z.enum(CLAIM_TYPES, { error: `expected one of ${CLAIM_TYPES.join(', ')}` }).optional(),
    component: z.enum(COMPONENTS, { error: `expected one of ${COMPONENTS.join(', ')}` }).optional(),
    placeOfService: z.string().regex(/^\d{2}$/, { error: 'expected a two-digit CMS place-of-service code' }).optional(),
    jurisdiction: z
      .enum(JURISDICTIONS, { error: `expected a Medicare Administrative Contractor jurisdiction: ${JURISDICTIONS.join(', ')}` })
      .optional()
      .meta({ description: "the MAC jurisdiction that processes the billing provider's Medicare claims; selects the contractor's LCDs and billing articles" }),
    orderingProvider: z
      .strictObject({
        npi: Npi.optional(),
        treating: z.boolean().optional(),
      })
      .optional(),
    billingProvider: z.strictObject({ npi: Npi.optional() }).optional().meta({ description: 'the billing provider (837P 2010AA); its NPI is checked against the exclusion list when one is loaded' }),
    performed: z.array(Procedure).max(INPUT_LIMITS.performed).optional(),
    diagnoses: z.array(Icd10Code).max(INPUT_LIMITS.diagnoses).optional(),
    clinical: Clinical.optional(),
    history: z.array(HistoryEntry).max(INPUT_LIMITS.history).optional(),
    abnOnFile: z.boolean().optional(),
    priorAuthorization: z
      .strictObject({
        obtained: z.boolean(),
        number: z.string().max(INPUT_LIMITS.authorizationNumberLength).optional(),
      })
      .optional(),
    morphometry: z
      .array(LevelHeights)
      .max(VERTEBRAL_LEVELS.length)
      .optional()
      .meta({ description: 'VFA vertebral heights T4-L4, one entry per level (docs/morphometry.md); dxacode grades them (Genant) and compares the grades with the report' }),
    priorMorphometry: z
      .array(LevelHeights)
      .max(VERTEBRAL_LEVELS.length)
      .optional()
      .meta({ description: 'the prior VFA study\'s heights, same layout: levels graded now that were normal then are new fractures (docs/morphometry.md)' }),
    report: z
      .string()
      .max(INPUT_LIMITS.reportLength, { error: `expected a report of at most ${INPUT_LIMITS.reportLength} characters` })
      .optional(),
    claim: z
      .strictObject({
        lines: z.array(ClaimLine).min(1, { error: 'expected at least one claim line' }).max(INPUT_LIMITS.claimLines),
      })
      .optional(),
  })
  .refine((e) => e.performed !== undefined || e.report !== undefined, {
    error: 'expected `performed` (what was done) or `report` (the report text)',
    path: ['performed'],
  })
  .meta({ id: 'Encounter', description: 'One patient, one date of service, one billing provider' });

/** A validated encounter. */
export type Encounter = z.infer<typeof Encounter>;
/** A validated performed procedure. */
export type Procedure = z.infer<typeof Procedure>;
/** A validated claim line. */
export type ClaimLine = z.infer<typeof ClaimLine>;
/** Validated clinical facts. */
export type Clinical = z.infer<typeof Clinical>;
/** The patient's name for a claim. */
export type PatientName = z.infer<typeof PatientName>;
/** The patient's address for a claim. */
export type PatientAddress = z.infer<typeof PatientAddress>;
/** A validated history entry. */
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** Type of one level's VFA heights. */
export type LevelHeights = z.infer<typeof LevelHeights>;
