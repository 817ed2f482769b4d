/** What extract() finds in a report: documented facts, each with the span of its evidence in the original text. */
import { z } from 'zod';
import { PROCEDURES, SITES } from '../contract/values.js';

/** Evidence: offsets into the original report text, and the text itself. */
export const Evidence = z
  .strictObject({ start: z.number().int().min(0), end: z.number().int().min(0), text: z.string() })
  .meta({ id: 'Evidence', description: 'A stretch of the original report text: [start, end) and its text' });

/** Result sites, finer than the contract's measured sites (femoral neck and total hip, one-third radius). */
export const RESULT_SITES = [
  'lumbar-spine',
  'left-femoral-neck',
  'right-femoral-neck',
  'femoral-neck',
  'left-total-hip',
  'right-total-hip',
  'total-hip',
  'left-radius-33',
  'right-radius-33',
  'radius-33',
  'left-forearm',
  'right-forearm',
  'forearm',
  'heel',
  'total-body',
] as const;
/** A result site. */
export type ResultSite = (typeof RESULT_SITES)[number];

const NumberFact = z.strictObject({ value: z.number(), evidence: Evidence });
const StringFact = z.strictObject({ value: z.string(), evidence: Evidence });
const BooleanFact = z.strictObject({ value: z.boolean(), evidence: Evidence });

/** Everything extracted from one report. */
export const ReportFacts = z
  .strictObject({
    studies: z.array(
      z.strictObject({
        procedure: z.enum(PROCEDURES),
        sites: z.array(z.enum(SITES)),
        evidence: Evidence,
      }),
    ),
    /** Mentions of a study that is not a performed study of this report, and why. */
    notPerformed: z.array(
      z.strictObject({
        procedure: z.enum(PROCEDURES).or(z.literal('other-imaging')),
        reason: z.enum(['negated', 'ordered', 'outside', 'other-modality', 'cancelled', 'prior']),
        evidence: Evidence,
      }),
    ),
    results: z.array(
      z.strictObject({
        site: z.enum(RESULT_SITES),
        measure: z.enum(['t-score', 'z-score', 'bmd']),
        value: z.number(),
        evidence: Evidence,
      }),
    ),
    tScoreLowest: NumberFact.optional(),
    /** Trabecular bone score, when the report gives one (not a contract procedure; its CPT codes are unverified). */
    trabecularBoneScore: NumberFact.optional(),
    frax: z.strictObject({ majorOsteoporotic: NumberFact.optional(), hip: NumberFact.optional() }),
    changes: z.array(
      z.strictObject({
        site: z.enum(RESULT_SITES).optional(),
        percent: z.number(),
        significant: z.boolean().optional(),
        evidence: Evidence,
      }),
    ),
    clinical: z.strictObject({
      estrogenDeficient: BooleanFact.optional(),
      glucocorticoidName: StringFact.optional(),
      glucocorticoidMgPerDay: NumberFact.optional(),
      glucocorticoidMonths: NumberFact.optional(),
      heightLossHistoricalCm: NumberFact.optional(),
      selfReportedVertebralFracture: BooleanFact.optional(),
      knownFracture: BooleanFact.optional(),
      primaryHyperparathyroidism: BooleanFact.optional(),
      monitoringTherapy: StringFact.optional(),
      priorStudyDate: StringFact.optional(),
    }),
    vfa: z
      .strictObject({
        levelsEvaluated: StringFact.optional(),
        notEvaluable: z.array(StringFact),
        fractures: z.array(
          z.strictObject({
            level: z.string(),
            grade: z.number().int().min(1).max(3).optional(),
            type: z.enum(['wedge', 'biconcave', 'crush']).optional(),
            evidence: Evidence,
          }),
        ),
        noFracture: BooleanFact.optional(),
        furtherImaging: BooleanFact.optional(),
      })
      .optional(),
    /** The encounter fields the report states in labelled lines (header.ts): dates YYYY-MM-DD, sex female or male. */
    encounter: z.strictObject({
      dateOfService: StringFact.optional(),
      birthDate: StringFact.optional(),
      sex: StringFact.optional(),
    }),
    people: z.strictObject({
      orderingClinician: StringFact.optional(),
      readingPhysician: StringFact.optional(),
      signedDate: StringFact.optional(),
    }),
    indication: Evidence.optional(),
    impression: Evidence.optional(),
    comparisonDate: StringFact.optional(),
    diagnoses: z.array(
      z.strictObject({ code: z.string(), reason: z.string(), evidence: Evidence, suggestion: z.literal(true) }),
    ),
  })
  .meta({ id: 'ReportFacts', description: 'Facts documented in a DXA/VFA report, each with its evidence span' });

/** The extracted facts of one report. */
export type ReportFacts = z.infer<typeof ReportFacts>;
/** One piece of evidence. */
export type Evidence = z.infer<typeof Evidence>;
