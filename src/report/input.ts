/**
 * What a DXA/VFA report is drafted from (docs/report-drafting.md): the study's facts as the densitometer and the
 * order give them. Every field is optional except the date and the patient, so that a draft can be made early and its
 * `missing` list says what the report still needs.
 */
import { z } from 'zod';
import { IsoDate, LevelHeights } from '../contract/encounter.js';
import { SEXES, VERTEBRAL_LEVELS } from '../contract/values.js';
import { RESULT_SITES } from '../extract/facts.js';

const Site = z.enum(RESULT_SITES, { error: `expected one of ${RESULT_SITES.join(', ')}` });
const Text = (max: number) => z.string().trim().min(1).max(max);
const Level = z.enum(VERTEBRAL_LEVELS, { error: 'expected a vertebral level from T4 to L4' });

/** The facility's least significant change per site in g/cm2 (the report draft's and the registry's follow-up). */
export const LeastSignificantChange = z.array(z.strictObject({ site: Site, gPerCm2: z.number().gt(0).max(1) })).max(20);
/** The facility's least significant change per site. */
export type LeastSignificantChange = z.infer<typeof LeastSignificantChange>;

export const ReportDraftInput = z
  .strictObject({
    dateOfService: IsoDate,
    patient: z.strictObject({
      sex: z.enum(SEXES),
      age: z.number().int().min(0).max(130),
      menopause: z.enum(['premenopausal', 'perimenopausal', 'postmenopausal']).optional().meta({ description: "a woman's menopausal status, which decides whether the WHO classification applies" }),
    }),
    orderingClinician: Text(120).optional(),
    indication: Text(500).optional(),
    scanner: z.strictObject({ manufacturer: Text(60), model: Text(60).optional(), software: Text(60).optional() }).optional(),
    results: z
      .array(
        z.strictObject({
          site: Site,
          region: Text(40).optional().meta({ description: 'e.g. L1-L4 for the lumbar spine' }),
          bmd: z.number().gt(0).max(3).optional().meta({ description: 'g/cm2' }),
          tScore: z.number().min(-10).max(10).optional(),
          zScore: z.number().min(-10).max(10).optional(),
        }),
      )
      .max(20)
      .optional(),
    excludedVertebrae: z.array(z.strictObject({ level: z.string().regex(/^[TL]\d{1,2}$/), reason: Text(120) })).max(17).optional(),
    prior: z
      .strictObject({
        dateOfService: IsoDate,
        results: z.array(z.strictObject({ site: Site, bmd: z.number().gt(0).max(3) })).max(20),
      })
      .optional(),
    leastSignificantChange: LeastSignificantChange.optional().meta({ description: "the facility's least significant change per site, g/cm2 (ISCD: 2.77 times its precision error)" }),
    frax: z.strictObject({ majorOsteoporotic: z.number().min(0).max(100).optional(), hip: z.number().min(0).max(100).optional(), withBmd: z.boolean().optional() }).optional(),
    vfa: z
      .strictObject({
        morphometry: z.array(LevelHeights).max(VERTEBRAL_LEVELS.length).optional().meta({ description: 'heights, graded by dxacode when fractures are not given' }),
        fractures: z.array(z.strictObject({ level: Level, grade: z.union([z.literal(1), z.literal(2), z.literal(3)]), type: z.enum(['wedge', 'biconcave', 'crush']) })).max(13).optional(),
        notEvaluable: z.array(z.strictObject({ level: Level, reason: Text(120) })).max(13).optional(),
      })
      .optional(),
    recommendations: z.array(Text(300)).max(10).optional(),
    signature: z.strictObject({ name: Text(120), credentials: Text(40), date: IsoDate }).optional(),
  })
  .meta({ id: 'ReportDraftInput', description: 'The facts a DXA/VFA report is drafted from' });

export type ReportDraftInput = z.infer<typeof ReportDraftInput>;
