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
  PROCEDURES,
  SEXES,
  SITES,
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

/** One earlier bone-density service of the same patient. */
export const HistoryEntry = z
  .strictObject({ dateOfService: IsoDate, code: ProcedureCode })
  .meta({ id: 'HistoryEntry', description: 'An earlier bone-density service of this patient' });

/** The public Encounter input. */
export const Encounter = z
  .strictObject({
    id: z.string().max(INPUT_LIMITS.idLength).optional(),
    dateOfService: IsoDate,
    patient: z.strictObject({
      sex: z.enum(SEXES, { error: `expected one of ${SEXES.join(', ')}` }),
      birthDate: IsoDate.optional(),
      age: z.number().int({ error: 'expected a whole number of years' }).min(0).max(130).optional(),
    }),
    payer: z.string().min(1).max(INPUT_LIMITS.payerLength).optional().meta({ description: 'payer policy pack id; default medicare' }),
    claimType: z.enum(CLAIM_TYPES, { error: `expected one of ${CLAIM_TYPES.join(', ')}` }).optional(),
    component: z.enum(COMPONENTS, { error: `expected one of ${COMPONENTS.join(', ')}` }).optional(),
    placeOfService: z.string().regex(/^\d{2}$/, { error: 'expected a two-digit CMS place-of-service code' }).optional(),
    orderingProvider: z
      .strictObject({
        npi: z.string().regex(/^\d{10}$/, { error: 'expected a 10-digit NPI' }).optional(),
        treating: z.boolean().optional(),
      })
      .optional(),
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
/** A validated history entry. */
export type HistoryEntry = z.infer<typeof HistoryEntry>;
