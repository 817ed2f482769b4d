/**
 * Schemas of the knowledge data files. Every table is validated when loaded; every entry carries its source and
 * REFERENCE.md confidence so that each finding can cite it.
 */
import { z } from 'zod';
import { IsoDate } from '../contract/encounter.js';
import { Source } from '../contract/result.js';
import { CONFIDENCES, JURISDICTIONS, PROCEDURES, SEVERITIES, SITES } from '../contract/values.js';

const Confidence = z.enum(CONFIDENCES);
const NullableDate = IsoDate.nullable();
const Code = z.string().regex(/^([0-9]{4}[0-9FTU]|[A-V][0-9]{4})$/, { error: 'expected a CPT or HCPCS code' });
const DottedIcd = z.string().regex(/^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/, { error: 'expected a dotted ICD-10-CM code' });

/** Services a code can stand for: the contract's procedures plus the combined session and TBS. */
export const SERVICES = [...PROCEDURES, 'dxa-axial+vfa', 'tbs'] as const;

/** One CPT/HCPCS code with its history. */
export const CodeEntry = z.strictObject({
  code: Code,
  system: z.enum(['CPT', 'HCPCS']),
  label: z.string().min(1),
  service: z.enum(SERVICES).nullable(),
  effective: NullableDate,
  end: NullableDate,
  /** The code or codes that replaced it (77082: 77085 with axial DXA in one session, 77086 for VFA alone). */
  replacedBy: z.union([Code, z.array(Code).min(1)]).optional(),
  statusUnverified: z.boolean().optional(),
  pcTc: z.strictObject({ split: z.boolean(), confidence: Confidence }).nullable(),
  mue: z
    .strictObject({ value: z.number().int().min(0), mai: z.enum(['1', '2', '3']).nullable(), confidence: Confidence })
    .nullable(),
  /** Mistakes coders make with this code (REFERENCE.md, the knowledge audit), for the coders' reference page. */
  mistakes: z.array(z.strictObject({ mistake: z.string().min(1), instead: z.string().min(1), source: Source })).optional(),
  source: Source,
});
/** A code entry. */
export type CodeEntry = z.infer<typeof CodeEntry>;

/** The codes table. */
export const CodesTable = z.strictObject({
  table: z.literal('codes'),
  title: z.string(),
  version: z.string(),
  datesRecordedFrom: IsoDate,
  datesRecordedFromSource: Source,
  procedureSites: z.partialRecord(z.enum(PROCEDURES), z.array(z.enum(SITES))),
  procedureSitesSource: Source,
  entries: z.array(CodeEntry).min(1),
});

const ClaimTypes = z.array(z.enum(['professional', 'institutional'])).min(1);
/**
 * Pair kinds. `same-category`: two axial or two peripheral bone-density codes (NCCI Policy Manual ch. IX);
 * `cross-category`: an axial plus a peripheral code, which can be medically reasonable on one date.
 */
const PairKind = z.enum(['contained', 'mutually-exclusive', 'bundled', 'alternative-method', 'same-category', 'cross-category']);

/** One procedure-to-procedure row, in the shape of a CMS NCCI PTP row plus source and confidence. */
export const PtpRow = z.strictObject({
  column1: Code,
  column2: Code,
  effective: NullableDate,
  deletion: NullableDate,
  modifierIndicator: z.enum(['0', '1', '9']).nullable(),
  indicatorConfidence: Confidence,
  claimTypes: ClaimTypes,
  kind: PairKind,
  rationale: z.string(),
  source: Source,
});
/** A PTP row. */
export type PtpRow = z.infer<typeof PtpRow>;

/** The pair table: rows, unverified groups expanded into rows, and combined-code replacements. */
export const PairsTable = z.strictObject({
  table: z.literal('ptp'),
  title: z.string(),
  version: z.string(),
  partial: z.boolean(),
  partialNote: z.string(),
  rows: z.array(PtpRow),
  unverifiedGroups: z.array(
    z.strictObject({
      column1: z.array(Code).min(1),
      column2: z.array(Code).min(1),
      effective: NullableDate,
      modifierIndicator: z.enum(['0', '1', '9']).nullable(),
      claimTypes: ClaimTypes,
      kind: PairKind,
      rationale: z.string(),
      source: Source,
    }),
  ),
  combinations: z.array(
    z.strictObject({
      codes: z.array(Code).min(2),
      replacement: Code,
      effective: NullableDate,
      end: NullableDate,
      rationale: z.string(),
      source: Source,
    }),
  ),
});
/** A combined-code replacement. */
export type Combination = z.infer<typeof PairsTable>['combinations'][number];

/** Modifier kinds. */
export const MODIFIER_KINDS = [
  'component',
  'distinct-service',
  'anatomic',
  'global-surgery',
  'other-ptp',
  'repeat',
  'liability',
] as const;

/** The modifier table. */
export const ModifiersTable = z.strictObject({
  table: z.literal('modifiers'),
  title: z.string(),
  version: z.string(),
  maxPerLine: z.number().int().min(1),
  maxPerLineSource: Source,
  exclusive: z.array(z.strictObject({ modifiers: z.array(z.string()).length(2).refine((pair) => pair[0] !== pair[1], { error: 'expected two different modifiers' }), source: Source })),
  requires: z.array(z.strictObject({ modifier: z.string(), requires: z.string(), source: Source })),
  modifiers: z.array(
    z.strictObject({
      modifier: z.string().regex(/^[0-9A-Z]{2}$/),
      kind: z.enum(MODIFIER_KINDS),
      label: z.string(),
      ptpAssociated: z.boolean(),
      medicareOnly: z.boolean().optional(),
      /** The first date of service the modifier exists (absent: valid for every date dxacode checks). */
      effective: IsoDate.optional(),
      effectiveSource: Source.optional(),
      source: Source,
    }),
  ),
});
/** A modifier entry. */
export type ModifierEntry = z.infer<typeof ModifiersTable>['modifiers'][number];

/** ICD-10-CM conventions. */
export const IcdConventions = z.strictObject({
  table: z.literal('icd10cm-conventions'),
  title: z.string(),
  version: z.string(),
  codeSet: z.strictObject({ file: z.string(), title: z.string(), effective: IsoDate, end: IsoDate, source: Source }),
  completeFamilies: z.array(z.strictObject({ prefix: z.string(), source: Source })),
  seventhCharacters: z.array(
    z.strictObject({ prefix: z.string(), allowed: z.string(), placeholder: z.boolean(), source: Source }),
  ),
  excludes1: z.array(z.strictObject({ a: z.string(), b: z.string(), message: z.string(), source: Source })),
  sequencing: z.array(z.strictObject({ code: DottedIcd, after: z.string(), message: z.string(), source: Source })),
  screening: z.strictObject({
    code: DottedIcd,
    conditionPrefixes: z.array(z.string()),
    message: z.string(),
    source: Source,
  }),
});
/** ICD conventions type. */
export type IcdConventions = z.infer<typeof IcdConventions>;

const CodeWithSource = z.strictObject({ code: Code, effective: NullableDate, source: Source });

/**
 * Two BMM studies on one date under Medicare: the CWF same-day (duplicate BMM) edit and the lines on which XU
 * bypasses it (CMS Transmittal 10193), the axial and peripheral categories, and per-contractor limits on top of it.
 */
const SameDayBmm = z.strictObject({
  categories: z.strictObject({ axial: z.array(Code).min(1), peripheral: z.array(Code).min(1), source: Source }),
  cwfEdit: z.strictObject({
    /** First date the CWF accepts XU; the transmittal dates claims received, the rules use the date of service. */
    xuAcceptedFrom: IsoDate,
    dateNote: z.string(),
    pairs: z.array(z.strictObject({ codes: z.tuple([Code, Code]), xuOn: Code })).min(1),
    source: Source,
  }),
  contractors: z.array(
    z.strictObject({
      contractor: z.string(),
      policy: z.string(),
      jurisdictions: z.array(z.enum(JURISDICTIONS)).min(1),
      /** What the policy limits: axial plus peripheral on one date, and (for some) more than one type of BMM. */
      axialWithPeripheral: z.string(),
      moreThanOneType: z.string().optional(),
      /** Axial and peripheral studies within this many days of each other are limited too (needs history). */
      withinDays: z.number().int().positive().optional(),
      /** The exception the policy gives for axial plus peripheral, and the one for more than one type, if any. */
      exception: z.string().optional(),
      moreThanOneTypeException: z.string().optional(),
      severity: z.enum(['error', 'warning']),
      source: Source,
    }),
  ),
});

/** The Medicare bone mass measurement policy. */
export const MedicareBmm = z.strictObject({
  table: z.literal('medicare-bmm'),
  title: z.string(),
  version: z.string(),
  statute: Source,
  regulation: Source,
  categories: z.array(
    z.strictObject({
      id: z.enum(['A', 'B', 'C', 'D', 'E']),
      label: z.string(),
      fact: z.enum([
        'estrogenDeficient',
        'vertebralAbnormalityOnXray',
        'glucocorticoid',
        'primaryHyperparathyroidism',
        'monitoringOsteoporosisTherapy',
      ]),
      sex: z.enum(['female', 'male']).optional(),
      diagnoses: z.array(DottedIcd).optional(),
      diagnosisPrefixes: z.array(z.string()).optional(),
      diagnosisMappingConfidence: Confidence,
      notQualifying: z.record(z.string(), z.string()).optional(),
      axialDxaOnly: z.boolean().optional(),
    }),
  ),
  glucocorticoidThresholds: z.array(
    z.strictObject({
      mgPerDay: z.number().positive(),
      monthsMoreThan: z.number().min(0),
      effective: NullableDate,
      end: NullableDate,
      source: Source,
      dateConfidence: Confidence,
    }),
  ),
  benefitCodes: z.array(CodeWithSource),
  axialDxaCodes: z.array(Code),
  axialDxaSource: Source,
  excluded: z.array(
    z.strictObject({
      code: Code,
      modifier: z.literal('GY'),
      reason: z.string(),
      service: z.string().optional(),
      source: Source,
      /** How settled the choice of GY is (a statutory exclusion) against GA/GZ (non-coverage); when not verified, a missing GY is a review. */
      modifierConfidence: Confidence.optional(),
      modifierNote: z.string().optional(),
    }),
  ),
  /**
   * Services Medicare does not cover as not reasonable and necessary (SSA §1862(a)(1)(A)) from a date: a denial is
   * expected and the liability modifiers are GA (ABN on file) or GZ, never GY (a statutory exclusion).
   */
  notReasonableAndNecessary: z.array(z.strictObject({ code: Code, effective: NullableDate, reason: z.string(), source: Source })),
  notOnBmmList: z.array(z.strictObject({ code: Code, note: z.string(), source: Source })),
  frequency: z.strictObject({
    months: z.number().int().positive(),
    reading: z.string(),
    source: Source,
    readingSource: Source,
    /** Earlier studies count whoever furnished them (the frequency is per beneficiary, not per provider). */
    acrossProviders: z.strictObject({ note: z.string(), source: Source }),
    exceptions: z.array(
      z.strictObject({ id: z.enum(['glucocorticoid-monitoring', 'confirmatory-baseline']), label: z.string(), source: Source }),
    ),
  }),
  nationalDiagnosisList: z.strictObject({
    title: z.string(),
    partial: z.boolean(),
    partialNote: z.string(),
    effective: IsoDate,
    covered: z.array(DottedIcd),
    coveredSource: Source,
    notCovered: z.array(DottedIcd),
    notCoveredSource: Source,
  }),
  screeningOnly: z.strictObject({ codes: z.array(DottedIcd), source: Source }),
  treatingOrder: z.strictObject({ source: Source }),
  costSharing: z.strictObject({ note: z.string(), source: Source }),
  liability: z.strictObject({ ga: Source, gz: Source, gy: Source }),
  sameDay: SameDayBmm,
});
/** Medicare BMM policy type. */
export type MedicareBmm = z.infer<typeof MedicareBmm>;

const IscdSource = { source: Source };
const IscdCriterion = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('age-at-least'), id: z.string(), label: z.string(), years: z.strictObject({ female: z.number().optional(), male: z.number().optional() }), ...IscdSource }),
  z.strictObject({ kind: z.literal('age-between'), id: z.string(), label: z.string(), years: z.tuple([z.number(), z.number()]), ...IscdSource }),
  z.strictObject({ kind: z.literal('historical-height-loss-over'), id: z.string(), label: z.string(), cm: z.number(), ...IscdSource }),
  z.strictObject({ kind: z.literal('historical-height-loss-between'), id: z.string(), label: z.string(), cm: z.tuple([z.number(), z.number()]), ...IscdSource }),
  z.strictObject({ kind: z.literal('prospective-height-loss-over'), id: z.string(), label: z.string(), cm: z.number(), ...IscdSource }),
  z.strictObject({ kind: z.literal('self-reported-vertebral-fracture'), id: z.string(), label: z.string(), ...IscdSource }),
  z.strictObject({ kind: z.literal('glucocorticoids'), id: z.string(), label: z.string(), mgPerDayAtLeast: z.number(), monthsAtLeast: z.number(), ...IscdSource }),
  /** A criterion the encounter contract has no fact for: never met silently, reported as not checked. */
  z.strictObject({ kind: z.literal('not-an-input'), id: z.string(), label: z.string(), missingFact: z.string(), ...IscdSource }),
]);
/** One ISCD indication criterion, with its own source and confidence. */
export type IscdCriterion = z.infer<typeof IscdCriterion>;

/** One numbered item of an ISCD position: who, which bone density, and which criteria. */
const IscdItem = z.strictObject({
  id: z.string(),
  label: z.string(),
  /** The sexes the item covers. */
  sexes: z.array(z.enum(['female', 'male'])).min(1),
  /** Set when the item is for postmenopausal women only; the note says how (or whether) the contract can tell. */
  postmenopausal: z.strictObject({ note: z.string() }).optional(),
  /** Bone density the item needs, open bounds unless named AtOrBelow; absent when the item has no BMD condition. */
  tScore: z.strictObject({ below: z.number().optional(), above: z.number().optional(), atOrBelow: z.number().optional() }).optional(),
  /** Met when any one of these is met (empty: no criterion beyond population and BMD). */
  anyOf: z.array(IscdCriterion),
  /** Also met when at least two of these are met. */
  twoOrMoreOf: z.array(IscdCriterion).optional(),
  /** A clinician's statement the item needs and the contract cannot carry: the item is never met, only "not checked". */
  needsStatement: z.string().optional(),
  source: Source,
});
/** One ISCD position item. */
export type IscdItem = z.infer<typeof IscdItem>;

/** ISCD VFA indications, one entry per guideline version (never merged). */
export const IscdVfa = z.strictObject({
  table: z.literal('iscd-vfa'),
  title: z.string(),
  version: z.string(),
  versions: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      effective: IsoDate,
      end: NullableDate,
      dateConfidence: Confidence,
      items: z.array(IscdItem).min(1),
      notEncoded: z.array(z.string()),
      source: Source,
    }),
  ),
});
/** One ISCD guideline version. */
export type IscdVersion = z.infer<typeof IscdVfa>['versions'][number];

/** A number compared with a threshold: every bound given must hold (`over: 7` is > 7, `atLeast: 5` is >= 5). */
const NumberTest = z
  .strictObject({
    over: z.number().optional(),
    atLeast: z.number().optional(),
    under: z.number().optional(),
    atMost: z.number().optional(),
  })
  .refine((t) => Object.keys(t).length > 0, { error: 'expected at least one of over, atLeast, under, atMost' });
/** A threshold test on a number. */
export type NumberTest = z.infer<typeof NumberTest>;

/** The clinical facts of the encounter contract (Clinical) a pack condition can test. */
export const PACK_NUMBER_FACTS = ['tScoreLowest', 'heightLossHistoricalCm', 'heightLossProspectiveCm', 'glucocorticoidMgPerDay', 'glucocorticoidMonths'] as const;
/** The yes/no clinical facts of the contract a pack condition can test. */
export const PACK_BOOLEAN_FACTS = [
  'selfReportedVertebralFracture',
  'estrogenDeficient',
  'primaryHyperparathyroidism',
  'vertebralAbnormalityOnXray',
  'monitoringOsteoporosisTherapy',
] as const;

const ClinicalTests = z.strictObject({
  ...Object.fromEntries(PACK_NUMBER_FACTS.map((f) => [f, NumberTest.optional()])),
  ...Object.fromEntries(PACK_BOOLEAN_FACTS.map((f) => [f, z.boolean().optional()])),
} as Record<(typeof PACK_NUMBER_FACTS)[number], z.ZodOptional<typeof NumberTest>> & Record<(typeof PACK_BOOLEAN_FACTS)[number], z.ZodOptional<z.ZodBoolean>>);

/** A diagnosis a condition names: a dotted code, or a prefix ending in `-` (M81- is every code under M81). */
const DiagnosisPattern = z.string().regex(/^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?-?$/, { error: 'expected a dotted ICD-10-CM code (M81.0) or a prefix ending in - (M81-, M80.0-)' });

/** Report elements a documentation rule can require (read from the report text). */
export const REPORT_ELEMENTS = ['indication', 'impression', 'signature', 'ordering-clinician', 't-score', 'frax', 'comparison', 'vfa-levels'] as const;

/**
 * Conditions a payer rule, criterion or exception can test; all given conditions must hold. A condition whose fact
 * the encounter does not give is unknown, never met: the rule reports it as not checked.
 */
export const PackCondition = z.strictObject({
  /** The line's diagnoses (or the encounter's, when the line has none) are only the screening code Z13.820. */
  screening: z.literal(true).optional(),
  /** The screening code Z13.820 is among the line's diagnoses (a preventive claim, with or without a condition code). */
  withScreeningCode: z.boolean().optional(),
  /** No bone density study (axial or peripheral DXA, QCT, ultrasound, SEXA) is performed or billed in the session. */
  withoutBoneDensityStudy: z.literal(true).optional(),
  /** Age in whole years on the date of service. */
  ageUnder: z.number().int().positive().optional(),
  ageAtLeast: z.number().int().min(0).optional(),
  ageAtMost: z.number().int().min(0).optional(),
  sex: z.enum(['female', 'male']).optional(),
  /** One of the line's diagnoses (or the encounter's) is one of these codes or starts with one of these prefixes. */
  diagnoses: z.array(DiagnosisPattern).min(1).optional(),
  /** Clinical facts of the encounter (the contract's `clinical`). */
  clinical: ClinicalTests.optional(),
  /** A fact the encounter contract has no field for: the condition is never met, only reported as not checked. */
  notAnInput: z.string().min(1).optional(),
});
/** A pack condition. */
export type PackCondition = z.infer<typeof PackCondition>;

const RuleId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected a lower-case id of letters, digits and hyphens' });

/** A named condition with its own source: a coverage criterion, or an exception to an interval. */
export const PackCriterion = PackCondition.extend({
  id: RuleId,
  label: z.string().min(1),
  /** The criterion's own source, when it differs from its rule's (an unverified exception says so in findings). */
  source: Source.optional(),
});
/** A coverage criterion or frequency exception. */
export type PackCriterion = z.infer<typeof PackCriterion>;

const PackRuleBase = {
  id: RuleId,
  /** The CPT/HCPCS codes of the lines the rule applies to. */
  codes: z.array(Code).min(1),
  when: PackCondition.optional(),
  severity: z.enum(SEVERITIES),
  message: z.string().min(1),
  fix: z.string().optional(),
  source: Source,
};

/** One payer pack rule. */
export const PackRule = z.discriminatedUnion('kind', [
  /** The service is not covered when the condition holds. */
  z.strictObject({ kind: z.literal('not-covered'), ...PackRuleBase }),
  /** The service is covered but not separately paid (bundled into another service's payment). */
  z.strictObject({ kind: z.literal('bundled'), ...PackRuleBase }),
  /** The service is covered when one of the criteria holds. */
  z.strictObject({ kind: z.literal('coverage'), ...PackRuleBase, criteria: z.array(PackCriterion).min(1) }),
  /** `months` must pass since the last service of `sameService` in the history, unless an exception holds. */
  z.strictObject({
    kind: z.literal('frequency'),
    ...PackRuleBase,
    months: z.number().int().positive(),
    /** The history codes that count as the same service (default: `codes`). */
    sameService: z.array(Code).min(1).optional(),
    exceptions: z.array(PackCriterion).optional(),
  }),
  /** The encounter's priorAuthorization.obtained must be true. */
  z.strictObject({ kind: z.literal('prior-authorization'), ...PackRuleBase }),
  /** The report must show these elements (checked only when the encounter carries the report text). */
  z.strictObject({ kind: z.literal('documentation'), ...PackRuleBase, elements: z.array(z.enum(REPORT_ELEMENTS)).min(1) }),
]);
/** A pack rule. */
export type PackRule = z.infer<typeof PackRule>;

/**
 * What a pack case expects of the result (the same fields as the case files in cases/): a finding is a rule id, or
 * `rule@line` for the submitted line index, or `rule:severity`.
 */
export const CaseExpect = z.strictObject({
  verdict: z.enum(['clean', 'review', 'reject']).optional(),
  /** Rule ids that must appear. */
  findings: z.array(z.string()).optional(),
  /** Rule ids that must not appear. */
  notFindings: z.array(z.string()).optional(),
  /** The recommended lines as `CODE[-MOD...]`, in order. */
  recommended: z.array(z.string()).optional(),
  /** Each recommended line's diagnoses, in order. */
  recommendedPointers: z.array(z.array(z.string())).optional(),
  recommendedDiagnoses: z.array(z.string()).optional(),
  /** Families that must appear in `unchecked`. */
  unchecked: z.array(z.string()).optional(),
  /** Families that must not appear in `unchecked`. */
  notUnchecked: z.array(z.string()).optional(),
  /** Substrings that must appear in the message of the named finding: { rule: text }. */
  messages: z.record(z.string(), z.string()).optional(),
  /** Substrings that must appear in the fix of the named finding: { rule: text }. */
  fixes: z.record(z.string(), z.string()).optional(),
  /** Params a finding must carry: { rule (or rule@line): { name: value } }; some finding of the rule has at least these params with these values. */
  params: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** The path a finding must carry: { rule (or rule@line): path }; some finding of the rule points there. */
  paths: z.record(z.string(), z.string()).optional(),
  /** How many findings match: { rule (or rule@line, rule:severity): count }, for a finding that must be reported once. */
  counts: z.record(z.string(), z.number().int().min(0)).optional(),
  /** Substrings that must appear in the reason of an unchecked entry of the family: { family: text }. */
  uncheckedReasons: z.record(z.string(), z.string()).optional(),
  /** Encounter fields that must be filled from the report (`fromReport[].field`). */
  fromReport: z.array(z.string()).optional(),
  /** Encounter fields that must not be filled from the report. */
  notFromReport: z.array(z.string()).optional(),
  /** The encounter is unusable input: fields that must be named. */
  invalid: z.array(z.string()).optional(),
});
/** What a case expects. */
export type CaseExpect = z.infer<typeof CaseExpect>;

/** One case: an encounter (merged over the defaults) and what its result must show. */
export const PackCase = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  citation: z.string().optional(),
  /** The pack rule ids this case exercises (policy lint: every rule needs a case). */
  rules: z.array(RuleId).optional(),
  encounter: z.record(z.string(), z.unknown()),
  expect: CaseExpect,
});
/** A pack case. */
export type PackCase = z.infer<typeof PackCase>;

/** A payer policy pack (see docs/payer-packs.md): one version of one payer's rules, with its cases. */
export const PayerPack = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected a lower-case id of letters, digits and hyphens' }),
    name: z.string().min(1),
    /** medicare: Original Medicare (the BMM benefit rules, GA/GZ/GY/GX); medicare-advantage: a Medicare Advantage plan, which applies its own rules and takes no Original Medicare liability modifiers; commercial. */
    program: z.enum(['medicare', 'medicare-advantage', 'commercial']),
    version: z.string().min(1),
    /** First date of service this version applies to. */
    effective: IsoDate,
    /** Last date of service this version applies to (inclusive); absent: until a later version. */
    end: IsoDate.optional(),
    /** Where the effective period comes from, when not from `source` (an assumed period says so). */
    periodSource: Source.optional(),
    modelled: z.boolean().optional(),
    description: z.string(),
    source: Source,
    rules: z.array(PackRule),
    /** Encounter fields every case starts from (`payer` defaults to the pack's id). */
    caseDefaults: z.record(z.string(), z.unknown()).optional(),
    cases: z.array(PackCase).optional(),
  })
  .refine((p) => p.end === undefined || p.end >= p.effective, { error: 'expected end on or after effective', path: ['end'] });
/** A payer pack. */
export type PayerPack = z.infer<typeof PayerPack>;

export { JURISDICTIONS, type Jurisdiction } from '../contract/values.js';

/** The embedded billing articles and which jurisdictions they serve (data/medicare-billing-articles.json). */
export const BillingArticles = z.strictObject({
  table: z.literal('medicare-billing-articles'),
  title: z.string(),
  version: z.string(),
  export: z.string(),
  jurisdictions: z.array(z.enum(JURISDICTIONS)).min(1),
  jurisdictionsSource: Source,
  articles: z.array(
    z.strictObject({
      file: z.string(),
      article: z.string().regex(/^A\d{5}$/),
      articleVersion: z.number().int().positive(),
      title: z.string(),
      lcd: z.string().regex(/^L\d{5}$/).nullable(),
      contractor: z.string(),
      jurisdictions: z.array(z.enum(JURISDICTIONS)).min(1),
      states: z.array(z.string().regex(/^[A-Z]{2}$/)),
      groups: z.array(z.strictObject({ group: z.number().int().positive(), codes: z.array(Code).min(1) })).min(1),
      url: z.string().optional(),
      /** The article's original effective date, when a source gives it (before it the article did not exist). */
      effective: z.strictObject({ from: IsoDate, source: Source }).optional(),
      source: Source,
      groupsSource: Source,
    }),
  ),
  withoutArticle: z.strictObject({ note: z.string(), source: Source }),
});

/** The JSON Schema of a payer pack file (schema/payer-pack.schema.json), for editors that check YAML as it is typed. */
export function payerPackJsonSchema(): Record<string, unknown> {
  return { $id: 'urn:dxacode:payer-pack:1', title: 'dxacode payer policy pack (docs/payer-packs.md)', ...z.toJSONSchema(PayerPack, { io: 'input', unrepresentable: 'any' }) };
}
