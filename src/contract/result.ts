/** The Result of checking one encounter (CONTRACT.md), as zod schemas and derived types. */
import { z } from 'zod';
import { CONFIDENCES, SEVERITIES, VERDICTS, VERTEBRAL_LEVELS } from './values.js';

/** Where a finding's fact comes from. */
export const Source = z
  .strictObject({
    title: z.string(),
    url: z.string().optional(),
    version: z.string().optional(),
    confidence: z.enum(CONFIDENCES),
  })
  .meta({ id: 'Source', description: 'Citation behind a finding, with REFERENCE.md confidence' });

/** A finding param: a JSON scalar, or an array of scalars. */
const FindingParamScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** A finding param value. */
export const FindingParamValue = z.union([FindingParamScalar, z.array(FindingParamScalar)]).meta({ id: 'FindingParamValue' });

/** One reported problem or note. */
export const Finding = z
  .strictObject({
    rule: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/),
    severity: z.enum(SEVERITIES),
    message: z.string(),
    line: z.number().int().min(0).optional().meta({ description: 'index into the submitted claim.lines' }),
    fix: z.string().optional(),
    source: Source,
    path: z
      .string()
      .optional()
      .meta({
        description:
          "where in the encounter the finding points, e.g. claim.lines[1].modifiers, diagnoses[0], history[1], clinical.glucocorticoidMgPerDay, performed[0] (a recommended line points to the performed entry it bills); absent when there is no location",
      }),
    params: z
      .record(z.string(), FindingParamValue)
      .optional()
      .meta({ description: 'the codes, dates, thresholds and values the finding compares, named per rule id as the rule catalogue declares (docs/rules.md); absent when the rule declares none' }),
  })
  .meta({ id: 'Finding', description: 'One finding: stable rule id, severity, message, location, fix, source, path into the encounter and params' });

/** A claim line in the recommended claim (all fields present, normalised). */
export const RecommendedLine = z
  .strictObject({
    code: z.string(),
    modifiers: z.array(z.string()),
    units: z.number().int().min(1),
    diagnoses: z.array(z.string()),
  })
  .meta({ id: 'RecommendedLine' });

/** A fact taken from the encounter's report text, with the span of its evidence. */
export const FromReport = z
  .strictObject({
    field: z.string().meta({ description: 'the encounter field filled, e.g. performed[0], clinical.tScoreLowest, diagnoses[1]' }),
    value: z.union([z.string(), z.number(), z.boolean()]),
    evidence: z.strictObject({ start: z.number().int().min(0), end: z.number().int().min(0), text: z.string() }),
    suggestion: z.literal(true).optional().meta({ description: 'a suggested ICD-10-CM code for the coder to confirm' }),
  })
  .meta({ id: 'FromReport', description: 'A fact read from the report text, with its evidence span [start, end)' });

/** One VFA level graded from its heights (docs/morphometry.md). */
export const GradedLevel = z
  .strictObject({
    level: z.enum(VERTEBRAL_LEVELS),
    evaluable: z.boolean(),
    reason: z.string().optional().meta({ description: 'why the level was not evaluable' }),
    ratios: z
      .strictObject({ wedge: z.number(), biconcave: z.number(), crush: z.number().nullable() })
      .optional()
      .meta({ description: 'Ha/Hp, Hm/Hp and Hp against the neighbours\' expected posterior height (null without an evaluable neighbour)' }),
    ownReductionPercent: z.number().optional().meta({ description: "height reduction against the vertebra's own posterior height, percent" }),
    neighbourReductionPercent: z.number().nullable().optional().meta({ description: "posterior height reduction against the neighbours' expected height, percent" }),
    expectedPosteriorMm: z.number().nullable().optional(),
    grade: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional().meta({ description: 'Genant grade computed from the heights: 0 normal, 1 mild, 2 moderate, 3 severe' }),
    type: z.enum(['wedge', 'biconcave', 'crush']).optional().meta({ description: 'deformity type of a level of grade 1-3' }),
    sincePrior: z
      .enum(['new', 'worse'])
      .optional()
      .meta({ description: 'against the prior study\'s heights (priorMorphometry), the level evaluable in both: new (grade 0 then, 1-3 now) or worse (a higher grade now)' }),
  })
  .meta({ id: 'GradedLevel', description: 'A VFA level graded from its heights; morphometry alone does not diagnose a fracture' });

/** The public Result output. */
export const Result = z
  .strictObject({
    id: z.string().optional(),
    verdict: z.enum(VERDICTS),
    recommended: z.strictObject({
      lines: z.array(RecommendedLine),
      diagnoses: z.array(z.string()),
    }),
    findings: z.array(Finding),
    checked: z.array(z.strictObject({ family: z.string(), version: z.string() })),
    unchecked: z.array(z.strictObject({ family: z.string(), reason: z.string() })),
    fromReport: z.array(FromReport).optional().meta({ description: 'facts taken from the report text (only when the encounter has a report)' }),
    morphometry: z.array(GradedLevel).optional().meta({ description: "the encounter's VFA heights graded (only when it gives morphometry)" }),
  })
  .meta({ id: 'Result', description: 'What dxacode decided about one encounter and why' });

/** A graded VFA level. */
export type GradedLevel = z.infer<typeof GradedLevel>;

/** Result type. */
export type Result = z.infer<typeof Result>;
/** Finding type. */
export type Finding = z.infer<typeof Finding>;
/** Source type. */
export type Source = z.infer<typeof Source>;
/** A fact taken from the report. */
export type FromReport = z.infer<typeof FromReport>;
/** Recommended line type. */
export type RecommendedLine = z.infer<typeof RecommendedLine>;
