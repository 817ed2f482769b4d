/**
 * The catalogue of rule ids: every finding dxacode can report is declared here once, with its family, default
 * severity and what it means. Published ids never change meaning (docs/rules.md is generated from this table).
 */
import type { Severity } from '../contract/values.js';

/** Rule families, in the order the engine runs them. */
export const FAMILIES = [
  'selection',
  'codes',
  'modifiers',
  'pairs',
  'units',
  'diagnoses',
  'pointers',
  'coverage',
  'frequency',
  'indications',
  'payer',
  'providers',
  'documentation',
] as const;
/** A rule family. */
export type Family = (typeof FAMILIES)[number];

/** The rule families in words, for people (the workbench names them so; docs/rules.md by id). */
export const FAMILY_LABELS: Readonly<Record<Family, string>> = {
  selection: 'Code selection',
  codes: 'Code validity on the date of service',
  modifiers: 'Modifiers and components',
  pairs: 'Pair edits (NCCI PTP)',
  units: 'Units (MUE)',
  diagnoses: 'Diagnosis codes (ICD-10-CM)',
  pointers: 'Diagnosis pointers',
  coverage: 'Coverage (Medicare NCD, LCD, billing article)',
  frequency: 'Frequency (repeat studies)',
  indications: 'Indications (ISCD positions)',
  payer: 'Payer policy',
  providers: 'Ordering and billing providers',
  documentation: 'Documentation in the report',
};

/** The JSON type of a finding param: `date` is a YYYY-MM-DD string, `integer` a whole number. */
export type ParamType = 'string' | 'date' | 'number' | 'integer' | 'boolean' | 'string[]' | 'number[]';

/** One param a rule's findings carry: its type, whether it may be null, and what it means. */
export interface ParamDefinition {
  type: ParamType;
  nullable: boolean;
  meaning: string;
}

/** One catalogue entry. */
export interface RuleDefinition {
  family: Family;
  severity: Severity;
  summary: string;
  /** The params every finding of the rule carries (all of them, every time; `params` is left out when there are none). */
  params: Readonly<Record<string, ParamDefinition>>;
  /**
   * Where the finding's `path` points in the encounter, as templates (`[i]` a claim line, `[k]` a performed entry,
   * `[m]` a modifier, `[d]` a diagnosis, `[h]` a history entry, `[v]` a vertebral level's heights, `<fact>` a clinical field); empty when it has none.
   */
  paths: readonly string[];
  /** When a rule with paths leaves the path out, or why a rule has none. */
  pathOmitted?: string;
}

const p = <const T extends ParamType>(type: T, meaning: string) => ({ type, nullable: false as const, meaning });
const pn = <const T extends ParamType>(type: T, meaning: string) => ({ type, nullable: true as const, meaning });

const CODE = p('string', 'the CPT/HCPCS code of the line');
const MODIFIER = p('string', 'the modifier');
const DX = p('string', 'the ICD-10-CM code (dotted)');
const SERVICE = p('string', 'the service (procedure kind, or dxa-axial+vfa for both in one session)');
const PROCEDURE = p('string', 'the performed procedure kind');
const COMPONENT = p('string', 'the component billed: global, professional or technical');
const DATE_OF_SERVICE = p('date', 'the date of service');
const PAYER = p('string', 'the payer pack id');
const PACK = p('string', 'the payer pack id');
const PACK_RULE = p('string', "the pack rule's id");
const MUE = p('integer', 'the MUE value of the code');
const MAI = pn('integer', 'the MUE adjudication indicator (1 per line, 2 or 3 per date); null when not known');
const LINE_DIAGNOSES = p('string[]', "the line's diagnoses");
const JURISDICTION = p('string', "the Medicare contractor's jurisdiction, e.g. J15");
const NPI = p('string', 'the NPI');
const ROLES = p('string[]', 'the roles the NPI plays: ordering, billing');
const ISCD_VERSION = p('string', 'the ISCD position version in force on the date of service');
const DENIAL_REASONS = p('string[]', 'why a denial is expected: screening-only, diagnosis-not-listed, article-diagnosis-not-covered, monitoring-not-axial, order-not-treating, too-soon, not-reasonable-and-necessary, same-day-duplicate, same-day-contractor');
const VFA_CODES = p('string[]', 'the VFA codes on the lines under check (77082, 77085, 77086), possibly none');
const SAME_DAY_CODES = p('string[]', 'the two BMM codes billed on the date');
const XU_ON = p('string', 'the code whose line takes XU (CMS Transmittal 10193)');
const PAIR = {
  column1: p('string', 'the column-1 code of the pair'),
  column2: p('string', 'the column-2 code of the pair (the line the finding is on)'),
  modifierIndicator: pn('string', 'the PTP modifier indicator: 0 no bypass, 1 bypass with a distinct-service modifier; null when not confirmed'),
};
const GLUCOCORTICOID = {
  mgPerDay: pn('number', 'the documented prednisone-equivalent dose per day, if given'),
  months: pn('number', 'the documented duration in months, if given'),
  thresholdMgPerDay: p('number', 'the category C dose threshold of the date (at least this)'),
  thresholdMonths: p('number', 'the category C duration threshold (more than this)'),
};
const LAST_BMM = {
  lastDate: p('date', 'the date of the last covered BMM in history'),
  lastCode: p('string', 'the code of that study'),
  lastNpi: pn('string', 'who furnished that study (its NPI) when the history says; a study by another provider counts too'),
  eligibleFrom: p('date', 'the first date the next study is covered'),
  months: p('integer', 'the frequency rule in months (23)'),
};

const AT_REPORT = { paths: ['report'] } as const;
const AT_SUGGESTED = { paths: ['diagnoses[d]'] } as const;
const AT_PERFORMED = { paths: ['performed[k]'] } as const;
const AT_SITES = { paths: ['performed[k].sites'] } as const;
const AT_INTERPRETED = { paths: ['performed[k].interpreted'] } as const;
const AT_CODE = { paths: ['claim.lines[i].code', 'performed[k]'] } as const;
const AT_LINE = { paths: ['claim.lines[i]', 'performed[k]'] } as const;
const AT_MODIFIER = { paths: ['claim.lines[i].modifiers[m]', 'performed[k]'] } as const;
const AT_MODIFIERS = { paths: ['claim.lines[i].modifiers', 'claim.lines[i]', 'performed[k]'] } as const;
const AT_UNITS = { paths: ['claim.lines[i].units', 'claim.lines[i]', 'performed[k]'] } as const;
const AT_DIAGNOSIS = { paths: ['diagnoses[d]', 'claim.lines[i].diagnoses[d]'] } as const;
const AT_ENCOUNTER_DIAGNOSIS = { paths: ['diagnoses[d]'] } as const;
const AT_LINE_DIAGNOSES = { paths: ['claim.lines[i].diagnoses', 'claim.lines[i]', 'diagnoses', 'performed[k]'] } as const;
const AT_LINE_DIAGNOSIS = { paths: ['claim.lines[i].diagnoses[d]'] } as const;
const AT_PAYER = { paths: ['payer'], pathOmitted: 'when the encounter names no payer and the default pack (medicare) is missing from the knowledge' } as const;
const AT_HISTORY = { paths: ['history[h]'] } as const;
const AT_AUTHORIZATION = { paths: ['priorAuthorization.obtained'] } as const;
const AT_EVIDENCE = { paths: ['diagnoses[d]', 'claim.lines[i].diagnoses[d]', 'clinical.<fact>'] } as const;
const AT_CLINICAL = { paths: ['clinical.<fact>'] } as const;
const AT_TREATING = { paths: ['orderingProvider.treating'] } as const;
const AT_GLUCOCORTICOID = { paths: ['clinical.glucocorticoidMgPerDay', 'clinical.glucocorticoidMonths'] } as const;
const AT_LINE_OR_HISTORY = { paths: ['claim.lines[i]', 'performed[k]', 'history[h]'] } as const;
const AT_ORDERING_NPI = { paths: ['orderingProvider.npi'] } as const;
const AT_NPI = { paths: ['orderingProvider.npi', 'billingProvider.npi'], pathOmitted: "when the NPI is the office's default billing NPI (its configuration), which the encounter does not carry" } as const;
const AT_VFA = { paths: ['performed[k]', 'claim.lines[i].code'] } as const;
const noPath = (why: string) => ({ paths: [], pathOmitted: why }) as const;

function rules<const T extends Record<string, RuleDefinition>>(table: T): T {
  return table;
}

/** Every rule id with its family, default severity and meaning. */
export const RULES = rules({
  'report.diagnosis-suggested': { family: 'documentation', severity: 'info', summary: 'A diagnosis code was suggested from the report language; the coder confirms it.', params: { code: DX }, ...AT_SUGGESTED },
  'report.tbs-not-coded': { family: 'documentation', severity: 'info', summary: 'A trabecular bone score is documented; dxacode does not code it from the report: the coder chooses 77089 or its parts 77090-77092 (from 2022-01-01).', params: { value: p('number', 'the trabecular bone score given in the report') }, ...AT_REPORT },
  'report.no-study': { family: 'documentation', severity: 'warning', summary: 'The report documents no performed bone-density or VFA study (an order, a plan, an outside or earlier study or other imaging).', params: { reason: pn('string', 'why the study named is not billable: negated, ordered, outside, prior (an earlier study described), other-modality or cancelled; null when the report names no study at all') }, ...AT_REPORT },
  'doc.indication-missing': { family: 'documentation', severity: 'error', summary: 'The report states no indication (reason for the study).', params: {}, ...AT_REPORT },
  'doc.sites-missing': { family: 'documentation', severity: 'error', summary: 'The report does not name the sites measured.', params: {}, ...AT_REPORT },
  'doc.results-missing': { family: 'documentation', severity: 'error', summary: 'The report gives no BMD or T-score results for the DXA study billed.', params: {}, ...AT_REPORT },
  'doc.interpretation-missing': { family: 'documentation', severity: 'error', summary: 'The report has no interpretation (impression or conclusion).', params: {}, ...AT_REPORT },
  'doc.signature-missing': { family: 'documentation', severity: 'error', summary: 'The report is not signed by the reading physician.', params: {}, ...AT_REPORT },
  'doc.order-missing': { family: 'documentation', severity: 'warning', summary: 'The report names no ordering clinician (Medicare BMM needs an order from the treating practitioner).', params: {}, ...AT_REPORT },
  'doc.vfa-findings-missing': { family: 'documentation', severity: 'error', summary: 'The VFA has no documented interpretation: neither fractures nor a statement that there are none.', params: {}, ...AT_REPORT },
  'doc.vfa-levels-missing': { family: 'documentation', severity: 'warning', summary: 'The VFA report does not state which levels were evaluated or could not be.', params: {}, ...AT_REPORT },
  'doc.vfa-grade-differs': {
    family: 'documentation',
    severity: 'warning',
    summary: "The report's Genant grade of a level differs from the grade its VFA heights give (morphometry checks the reader's grade; it does not replace it).",
    params: {
      level: p('string', 'the vertebral level, T4-L4'),
      statedGrade: p('integer', 'the grade the report gives the level (0 when the report reads it as normal)'),
      computedGrade: p('integer', 'the Genant grade computed from the heights'),
      type: pn('string', 'the deformity type the heights show (wedge, biconcave, crush), or null for grade 0'),
      reductionPercent: p('number', 'the largest height reduction, percent'),
    },
    paths: ['morphometry[v]'],
  },
  'doc.vfa-grade-missing': { family: 'documentation', severity: 'warning', summary: 'A vertebral fracture on VFA is reported without its Genant grade.', params: { level: p('string', 'the vertebral level of the fracture, e.g. T12') }, ...AT_REPORT },

  'selection.not-billed': { family: 'selection', severity: 'warning', summary: 'A performed and documented service has no line on the claim.', params: { code: p('string', 'the code the performed service calls for'), billed: p('string[]', 'the submitted codes this code replaces (the parts of a combined code), else empty') }, ...AT_PERFORMED },
  'selection.not-documented': { family: 'selection', severity: 'error', summary: 'A claim line bills a service that is not documented as performed.', params: { code: CODE, selected: p('string[]', 'the codes the documented services call for') }, ...AT_CODE },
  'selection.no-code-on-date': { family: 'selection', severity: 'warning', summary: 'No code for the performed service exists in the code set of the date of service.', params: { service: SERVICE, date: DATE_OF_SERVICE }, ...AT_PERFORMED },
  'selection.views-needed': { family: 'selection', severity: 'warning', summary: 'The code depends on detail not given (spine radiograph region and views); the coder must choose it.', params: { procedure: PROCEDURE }, ...AT_PERFORMED },
  'selection.site-mismatch': { family: 'selection', severity: 'error', summary: 'A site does not belong to the procedure (e.g. a forearm under axial DXA).', params: { procedure: PROCEDURE, sites: p('string[]', 'the sites that do not belong to the procedure'), allowed: p('string[]', 'the sites the procedure takes') }, ...AT_SITES },
  'selection.not-interpreted': { family: 'selection', severity: 'error', summary: 'No interpretation is documented, but the professional component is billed. A warning when no claim is given and the provider bills globally: the recommended claim then bills the technical component (TC) only.', params: { service: SERVICE, component: COMPONENT }, ...AT_INTERPRETED },
  'selection.duplicate-procedure': { family: 'selection', severity: 'info', summary: 'The same procedure is listed more than once; one study is one unit whatever the number of sites.', params: { procedure: PROCEDURE }, ...AT_PERFORMED },

  'code.unknown': { family: 'codes', severity: 'warning', summary: 'The code is not in the knowledge tables; its validity was not checked.', params: { code: CODE, hcpcs: p('boolean', 'true when the code is a valid HCPCS Level II code outside the bone-density family') }, ...AT_CODE },
  'code.not-in-hcpcs': { family: 'codes', severity: 'error', summary: 'A HCPCS Level II code that is not in the HCPCS code list in force on the date of service.', params: { code: CODE, hcpcsList: p('string', 'the HCPCS code list in force on the date of service') }, ...AT_CODE },
  'code.deleted': { family: 'codes', severity: 'error', summary: 'The code was deleted before the date of service.', params: { code: CODE, end: p('date', 'the last day the code was valid'), replacement: pn('string', 'the code of the service on the date of service, if any') }, ...AT_CODE },
  'code.not-yet-valid': { family: 'codes', severity: 'error', summary: 'The code was not yet valid on the date of service.', params: { code: CODE, effective: p('date', 'the first day the code is valid'), replacement: pn('string', 'the code of the service on the date of service, if any') }, ...AT_CODE },
  'code.not-vfa': { family: 'codes', severity: 'error', summary: '77083 is radiographic absorptiometry, never vertebral fracture assessment.', params: { code: CODE, vfaCode: pn('string', 'the VFA code of the date of service, if any') }, ...AT_CODE },
  'code.status-unverified': { family: 'codes', severity: 'warning', summary: 'The code exists in the reference, but whether it is active is not verified.', params: { code: CODE }, ...AT_CODE },
  'code.not-densitometry': { family: 'codes', severity: 'warning', summary: 'The code lies in the bone-density range but is not a densitometry service.', params: { code: CODE }, ...AT_CODE },

  'modifier.unknown': { family: 'modifiers', severity: 'warning', summary: 'The modifier is not in the modifier table; it was not checked.', params: { code: CODE, modifier: MODIFIER }, ...AT_MODIFIER },
  'modifier.not-yet-valid': { family: 'modifiers', severity: 'error', summary: 'The modifier did not exist yet on the date of service (XE, XS, XP and XU from 2015-01-01, CR 8863; 59 before then).', params: { code: CODE, modifier: MODIFIER, effective: p('date', 'the first date of service the modifier exists') }, ...AT_MODIFIER },
  'modifier.duplicate': { family: 'modifiers', severity: 'warning', summary: 'The same modifier appears twice on one line.', params: { code: CODE, modifier: MODIFIER }, ...AT_MODIFIER },
  'modifier.exclusive': { family: 'modifiers', severity: 'error', summary: 'Two modifiers that never go together are on one line (26+TC, GA/GY/GZ).', params: { code: CODE, modifiers: p('string[]', 'the two modifiers that never go together') }, ...AT_MODIFIERS },
  'modifier.requires': { family: 'modifiers', severity: 'error', summary: 'A modifier is used without the modifier it needs (GX without GY); a warning when no primary source confirms the requirement.', params: { code: CODE, modifier: MODIFIER, requires: p('string', 'the modifier it needs') }, ...AT_MODIFIERS },
  'modifier.component-missing': { family: 'modifiers', severity: 'error', summary: 'The provider bills one component but the line lacks 26 or TC.', params: { code: CODE, component: COMPONENT, expected: p('string', 'the component modifier the line needs (26 or TC)') }, ...AT_MODIFIERS },
  'modifier.component-mismatch': { family: 'modifiers', severity: 'error', summary: 'The line carries 26 or TC that does not match the component the provider bills.', params: { code: CODE, component: COMPONENT, modifier: p('string', 'the component modifier on the line (26 or TC)'), expected: pn('string', 'the component modifier the billed component needs; null for a global line') }, ...AT_MODIFIERS },
  'modifier.no-split': { family: 'modifiers', severity: 'error', summary: '26 or TC on a code without a professional/technical split.', params: { code: CODE, modifiers: p('string[]', 'the component modifiers on the line (26, TC)'), pcTcIndicator: pn('string', 'the PFS PC/TC indicator of the code; null when the code table decided') }, ...AT_MODIFIERS },
  'modifier.split-unknown': { family: 'modifiers', severity: 'warning', summary: 'Whether the code has a professional/technical split is not in the knowledge; 26/TC not checked.', params: { code: CODE, component: COMPONENT, modifiers: p('string[]', 'the component modifiers on the line (26, TC), possibly none') }, ...AT_MODIFIERS },
  'modifier.duplicate-line': { family: 'modifiers', severity: 'error', summary: 'The same code is billed twice for one session (two globals, or a global and a component line).', params: { code: CODE, lines: p('number[]', 'the indexes of the lines billing the code'), components: p('string[]', 'each line\'s component: global, 26 or TC') }, ...AT_CODE },
  'modifier.bypass-without-edit': { family: 'modifiers', severity: 'warning', summary: 'A distinct-service modifier is used where no known pair edit needs bypassing.', params: { code: CODE, modifier: MODIFIER }, ...AT_MODIFIER },
  'modifier.repeat-review': { family: 'modifiers', severity: 'warning', summary: '76/77 (repeat procedure) on a bone-density code is rare and draws review.', params: { code: CODE, modifier: MODIFIER }, ...AT_MODIFIER },
  'modifier.medicare-only': { family: 'modifiers', severity: 'warning', summary: 'A Medicare liability modifier (GA/GZ/GY/GX) is used for a non-Medicare payer.', params: { code: CODE, modifier: MODIFIER, payer: PAYER, program: p('string', 'the payer pack\'s program (commercial, medicare-advantage, ...)') }, ...AT_MODIFIER },
  'modifier.too-many': { family: 'modifiers', severity: 'error', summary: 'More than four modifiers would be needed on one line (837P SV101).', params: { code: CODE, count: p('integer', 'the number of modifiers on the line'), max: p('integer', 'the most a line carries') }, ...AT_MODIFIERS },

  'pair.combined-code': { family: 'pairs', severity: 'error', summary: 'Two codes billed together describe one service that has its own combined code.', params: { codes: p('string[]', 'the codes billed together'), replacement: p('string', 'the combined code that replaces them') }, ...AT_CODE },
  'pair.contained': { family: 'pairs', severity: 'error', summary: 'The column-2 code is contained in the column-1 code billed on the same day.', params: PAIR, ...AT_LINE },
  'pair.mutually-exclusive': { family: 'pairs', severity: 'error', summary: 'A PTP edit denies the column-2 code unless a distinct service is documented with a bypass modifier.', params: PAIR, ...AT_LINE },
  'pair.bypassed': { family: 'pairs', severity: 'warning', summary: 'A bypass modifier on an indicator-1 pair (billed, or put there by the recommended claim) lets both codes pay; the record must show a distinct service, and the warning says what.', params: PAIR, ...AT_LINE },
  'pair.left-off': { family: 'pairs', severity: 'warning', summary: 'A performed service is left off the recommended claim: beside the line kept, a pair edit denies it (indicator 0, or two axial or two peripheral bone-density studies, where the DXA study is kept). Reported when no claim is given.', params: { code: p('string', 'the code left off'), keptCode: p('string', 'the code billed instead'), modifierIndicator: pn('string', 'the PTP modifier indicator of the pair; null when not confirmed') }, ...AT_PERFORMED },
  'pair.bypass-not-allowed': { family: 'pairs', severity: 'error', summary: 'A bypass modifier on a pair whose indicator is 0: the edit cannot be bypassed.', params: PAIR, ...AT_LINE },
  'pair.unverified': { family: 'pairs', severity: 'warning', summary: 'A same-day relationship that REFERENCE marks unverified applies; review it.', params: PAIR, ...AT_LINE },
  'pair.same-category': { family: 'pairs', severity: 'error', summary: 'Two axial or two peripheral bone-density codes on one date: the NCCI Policy Manual (ch. IX) says PTP edits stop this; the NCCI row and indicator are not confirmed (warning when a bypass modifier is on the pair).', params: { ...PAIR, category: p('string', 'axial or peripheral'), bypass: p('boolean', 'a bypass modifier is on the pair') }, ...AT_LINE },
  'pair.cross-category': { family: 'pairs', severity: 'info', summary: 'An axial plus a peripheral bone-density code on one date, which the NCCI Policy Manual (ch. IX) says can be medically reasonable; no NCCI row for the pair is confirmed.', params: PAIR, ...AT_LINE },

  'units.over-mue': { family: 'units', severity: 'error', summary: 'Units on a line exceed the MUE: all units on the line are denied.', params: { code: CODE, units: p('integer', 'the units on the line'), mue: MUE, mai: MAI }, ...AT_UNITS },
  'units.repeat-lines': { family: 'units', severity: 'warning', summary: 'The same code on several lines with 76/77 for one date under a claim-line MUE (MAI 1), or an MAI that is not known.', params: { code: CODE, units: p('integer', 'the units of the code on all its lines'), lines: p('number[]', 'the indexes of the lines billing the code'), mue: MUE, mai: MAI }, ...AT_UNITS },
  'units.over-mue-date': { family: 'units', severity: 'error', summary: 'The units of a code on one date exceed its date-of-service MUE (MAI 2 or 3): the excess is denied and 76/77 do not bypass it.', params: { code: CODE, units: p('integer', 'the units of the code on all its lines'), lines: p('number[]', 'the indexes of the lines billing the code'), mue: MUE, mai: MAI }, ...AT_UNITS },

  'dx.none': { family: 'diagnoses', severity: 'error', summary: 'The claim carries no diagnosis.', params: {}, ...noPath('always: the finding is that no diagnosis exists anywhere in the encounter') },
  'dx.invalid': { family: 'diagnoses', severity: 'error', summary: 'The code is not a valid ICD-10-CM code in the code set of the date of service.', params: { code: DX }, ...AT_DIAGNOSIS },
  'dx.not-billable': { family: 'diagnoses', severity: 'error', summary: 'The code is a category header; a more specific code is needed.', params: { code: DX, example: p('string', 'a billable code under the header') }, ...AT_DIAGNOSIS },
  'dx.seventh-character': { family: 'diagnoses', severity: 'error', summary: 'The 7th character is missing or not allowed for this category.', params: { code: DX, allowed: p('string[]', 'the 7th characters the category allows'), missing: p('boolean', 'true when the 7th character is missing, false when it is not allowed') }, ...AT_DIAGNOSIS },
  'dx.excludes1': { family: 'diagnoses', severity: 'error', summary: 'Two codes in an Excludes1 relationship are reported together (a warning when no claim is given: the recommended claim keeps the excluded code and leaves out the code whose note excludes it).', params: { code: p('string', 'the code whose Excludes1 note applies'), excluded: p('string', 'the code it excludes (the path points to it)') }, ...AT_DIAGNOSIS },
  'dx.sequencing': { family: 'diagnoses', severity: 'warning', summary: 'The codes are in an order the conventions do not allow.', params: { code: p('string', 'the code listed too early'), after: p('string', 'the code it must follow') }, ...AT_ENCOUNTER_DIAGNOSIS },
  'dx.screening-with-condition': { family: 'diagnoses', severity: 'warning', summary: 'A screening code is reported although a condition is documented.', params: { code: p('string', 'the screening code'), condition: p('string', 'the documented condition') }, ...AT_DIAGNOSIS },
  'dx.duplicate': { family: 'diagnoses', severity: 'info', summary: 'The same diagnosis is listed twice.', params: { code: DX }, ...AT_ENCOUNTER_DIAGNOSIS },
  'dx.too-many': { family: 'diagnoses', severity: 'error', summary: 'More than 12 diagnoses on one claim (837P HI).', params: { count: p('integer', 'the number of distinct diagnoses'), max: p('integer', 'the most a claim holds (12)'), firstOver: p('string', 'the first diagnosis that does not fit (the path points to it)') }, ...AT_DIAGNOSIS },

  'pointer.missing': { family: 'pointers', severity: 'error', summary: 'A claim line points to no diagnosis.', params: { code: CODE }, ...AT_LINE_DIAGNOSES },
  'pointer.not-documented': { family: 'pointers', severity: 'warning', summary: 'A line points to a diagnosis that is not among the documented diagnoses.', params: { code: CODE, diagnoses: p('string[]', 'the pointed diagnoses that are not documented'), documented: p('string[]', 'the documented diagnoses') }, ...AT_LINE_DIAGNOSIS },
  'pointer.too-many': { family: 'pointers', severity: 'error', summary: 'A line points to more than four diagnoses (837P SV107).', params: { code: CODE, count: p('integer', 'the number of diagnoses the line points to'), max: p('integer', 'the most a line points to (4)') }, ...AT_LINE_DIAGNOSES },

  'payer.unknown': { family: 'payer', severity: 'error', summary: 'No payer policy pack has this id.', params: { payer: PAYER }, ...AT_PAYER },
  'payer.out-of-period': { family: 'payer', severity: 'error', summary: "The payer has packs, but no version is in force on the date of service: the payer's rules were not checked.", params: { payer: PAYER, dateOfService: DATE_OF_SERVICE, periods: p('string[]', "each version of the payer's pack as VERSION:EFFECTIVE..END (END empty when open-ended)") }, paths: ['payer'], pathOmitted: 'when the encounter names no payer (the default pack, medicare, is the one out of period)' },
  'payer.not-covered': { family: 'payer', severity: 'error', summary: 'The payer pack does not cover this service in this situation, or covers it without separate payment (a bundled rule, usually a warning).', params: { code: CODE, pack: PACK, packRule: PACK_RULE, ruleKind: p('string', "the pack rule's kind: not-covered, or bundled (covered but not separately paid)") }, ...AT_CODE },
  'payer.criteria-not-met': { family: 'payer', severity: 'error', summary: "None of the payer pack's coverage criteria for the code is met; the message names each criterion and why it failed.", params: { code: CODE, pack: PACK, packRule: PACK_RULE, criteria: p('string[]', 'the ids of the criteria, all failed') }, ...AT_LINE },
  'payer.documentation-missing': { family: 'payer', severity: 'error', summary: 'The report does not show an element the payer pack requires.', params: { code: CODE, pack: PACK, packRule: PACK_RULE, missing: p('string[]', 'the report elements not shown (indication, impression, signature, ordering-clinician, t-score, frax, comparison, vfa-levels)') }, ...AT_REPORT },
  'payer.unverified': { family: 'payer', severity: 'warning', summary: 'The line passes a payer pack rule only through a criterion or exception dxacode could not confirm against the policy.', params: { code: CODE, pack: PACK, packRule: PACK_RULE, criterion: p('string', 'the id of the unverified criterion or exception that lets the line through') }, ...AT_LINE },
  'payer.frequency': { family: 'payer', severity: 'error', summary: 'The payer pack\'s interval since the last study has not passed.', params: { code: CODE, pack: PACK, packRule: PACK_RULE, lastDate: p('date', 'the date of the last study the rule counts'), eligibleFrom: p('date', 'the first date the next study is due'), months: p('integer', 'the interval of the pack rule in months'), exceptionsNotChecked: p('string[]', 'the ids of the exceptions the encounter could not show or rule out') }, ...AT_HISTORY },
  'payer.prior-authorization': { family: 'payer', severity: 'error', summary: 'The payer pack requires prior authorization and none was obtained.', params: { code: CODE, pack: PACK, packRule: PACK_RULE }, ...AT_AUTHORIZATION },

  'medicare.bmm-qualified': { family: 'coverage', severity: 'info', summary: 'The patient is a qualified individual for Medicare bone mass measurement.', params: { categories: p('string[]', 'the qualified-individual categories shown (A-E)'), evidence: p('string[]', 'what shows each category: a diagnosis code or clinical fact <name>') }, ...AT_EVIDENCE },
  'medicare.bmm-category-not-shown': { family: 'coverage', severity: 'warning', summary: 'Nothing in the diagnoses or clinical facts shows a qualified-individual category.', params: {}, ...noPath('always: nothing in the encounter shows a category, so there is nothing to point to') },
  'medicare.bmm-category-not-coded': { family: 'coverage', severity: 'warning', summary: 'A qualifying clinical fact is documented but no diagnosis on the claim shows it.', params: { category: p('string', 'the category (A-E)'), fact: p('string', 'the clinical fact that shows it'), codes: p('string[]', 'example diagnosis codes that would show it') }, ...AT_CLINICAL },
  'medicare.bmm-screening-only': { family: 'coverage', severity: 'error', summary: 'Z13.820 (screening) is the only diagnosis; Medicare denies it.', params: { code: CODE, diagnoses: LINE_DIAGNOSES }, ...AT_LINE_DIAGNOSES },
  'medicare.bmm-diagnosis-not-listed': { family: 'coverage', severity: 'error', summary: 'The diagnosis is known not to be on the NCD 150.3 covered list.', params: { code: CODE, diagnoses: LINE_DIAGNOSES }, ...AT_LINE_DIAGNOSES },
  'medicare.bmm-article-diagnosis-not-covered': { family: 'coverage', severity: 'error', summary: "None of the line's diagnoses is covered for its code by the billing article of the encounter's Medicare jurisdiction (warning with an ABN on file).", params: { code: CODE, diagnoses: LINE_DIAGNOSES, article: p('string', 'the billing article, e.g. A57371'), jurisdiction: JURISDICTION }, ...AT_LINE_DIAGNOSES },
  'medicare.bmm-order-not-treating': { family: 'coverage', severity: 'error', summary: 'The ordering practitioner is not treating the beneficiary.', params: { code: CODE }, ...AT_TREATING },
  'medicare.bmm-monitoring-not-axial': { family: 'coverage', severity: 'error', summary: 'Monitoring drug therapy is covered only by axial DXA (77080/77085).', params: { code: CODE, axialCodes: p('string[]', 'the axial DXA codes that may monitor therapy on the date of service') }, ...AT_CODE },
  'medicare.not-reasonable-and-necessary': { family: 'coverage', severity: 'error', summary: 'Medicare does not cover the service as not reasonable and necessary (single-photon absorptiometry 78350 from 2007-01-01): a denial is expected, billed with GA when an ABN is on file (then a warning), otherwise GZ; never GY.', params: { code: CODE }, ...AT_CODE },
  'medicare.excluded-service': { family: 'coverage', severity: 'info', summary: 'The service is statutorily excluded or has no benefit category; it is billed with GY.', params: { code: CODE, modifier: MODIFIER }, ...AT_MODIFIER },
  'medicare.vfa-not-bmm': { family: 'coverage', severity: 'info', summary: '77086 is not on the BMM lists: paid as an ordinary diagnostic test.', params: { code: CODE }, ...AT_CODE },
  'medicare.glucocorticoid-code-contradicted': { family: 'coverage', severity: 'warning', summary: 'Z79.52 is coded but the documented glucocorticoid dose or duration is below the category C threshold: the code alone does not qualify.', params: { code: DX, ...GLUCOCORTICOID }, ...AT_DIAGNOSIS },
  'medicare.bmm-same-day-duplicate': { family: 'coverage', severity: 'error', summary: 'Two BMM lines on one date under Medicare without XU on the line CMS Transmittal 10193 names: the CWF denies the second as a same-day duplicate BMM (warning when XU is present before the CWF accepted it, 2020-07-01).', params: { codes: SAME_DAY_CODES, xuOn: XU_ON, xuAcceptedFrom: p('date', 'the first date the CWF accepts XU (2020-07-01)') }, ...AT_MODIFIERS },
  'medicare.bmm-same-day-xu': { family: 'coverage', severity: 'warning', summary: 'XU on the line CMS Transmittal 10193 names lets both same-day BMM lines pass the CWF edit; the record must show a distinct service.', params: { codes: SAME_DAY_CODES, xuOn: XU_ON, modifier: MODIFIER }, ...AT_MODIFIER },
  'medicare.bmm-same-day-review': { family: 'coverage', severity: 'warning', summary: 'Two BMM lines on one date under Medicare for a pair CMS Transmittal 10193 does not name: whether the CWF accepts a bypass is not known; review.', params: { codes: SAME_DAY_CODES }, ...AT_LINE },
  'medicare.bmm-same-day-contractor': { family: 'coverage', severity: 'error', summary: "The contractor's policy of the encounter's jurisdiction limits axial plus peripheral (or more than one type of) BMM on one date or within its window (the severity each overlay gives).", params: { codes: p('string[]', 'the two codes: both lines for a same-day limit; the line and the earlier study for the window'), contractor: p('string', 'the Medicare contractor (CGS, WPS)'), jurisdiction: JURISDICTION, priorDate: pn('date', 'the date of the earlier study in history (window only), else null'), days: pn('integer', 'days since the earlier study (window only), else null'), withinDays: pn('integer', 'the contractor\'s window in days, if it has one') }, ...AT_LINE_OR_HISTORY },
  'medicare.glucocorticoid-threshold': { family: 'coverage', severity: 'info', summary: 'Glucocorticoid dose or duration is below the category C threshold.', params: GLUCOCORTICOID, ...AT_GLUCOCORTICOID },
  'liability.ga': { family: 'coverage', severity: 'warning', summary: 'Denial expected with a valid ABN on file: GA, patient liable.', params: { code: CODE, modifier: MODIFIER, reasons: DENIAL_REASONS }, ...AT_MODIFIER },
  'liability.gz': { family: 'coverage', severity: 'warning', summary: 'Denial expected and no ABN on file: the line should carry GZ (provider liable).', params: { code: CODE, reasons: DENIAL_REASONS }, ...AT_MODIFIERS },
  'liability.ga-missing': { family: 'coverage', severity: 'error', summary: 'An ABN is on file for an expected denial but the line lacks GA.', params: { code: CODE, reasons: DENIAL_REASONS }, ...AT_MODIFIERS },
  'liability.ga-without-abn': { family: 'coverage', severity: 'error', summary: 'GA is on the line but no ABN is on file.', params: { code: CODE, modifier: MODIFIER }, ...AT_MODIFIER },
  'liability.gy-missing': { family: 'coverage', severity: 'error', summary: 'An excluded service lacks GY (a warning where GY against GA/GZ is not settled: DPA).', params: { code: CODE, settled: p('boolean', 'false when GY against GA/GZ is not settled for the service (then a warning)') }, ...AT_MODIFIERS },
  'liability.unexpected': { family: 'coverage', severity: 'warning', summary: 'A liability modifier (GA/GZ/GY) is on a line that dxacode expects to be covered.', params: { code: CODE, modifiers: p('string[]', 'the liability modifiers on the line') }, ...AT_MODIFIERS },

  'frequency.too-soon': { family: 'frequency', severity: 'error', summary: 'Fewer than 23 months have passed since the month of the last covered BMM (warning when an ABN is on file).', params: { code: CODE, ...LAST_BMM, abnOnFile: p('boolean', 'an ABN is on file (then a warning and GA)') }, ...AT_HISTORY },
  'frequency.exception': { family: 'frequency', severity: 'info', summary: 'The 23-month rule is not met, but a named exception applies.', params: { code: CODE, ...LAST_BMM, exception: p('string', 'the exception that applies: glucocorticoid-monitoring or confirmatory-baseline') }, ...AT_HISTORY },

  'provider.npi-check-digit': { family: 'providers', severity: 'error', summary: 'An ordering or billing NPI fails the NPI check digit (Luhn over 80840 and its first nine digits): it is mistyped or not an NPI.', params: { npi: NPI, roles: ROLES }, ...AT_NPI },
  'provider.orderer-not-eligible': { family: 'providers', severity: 'error', summary: 'Medicare: the ordering NPI is not on the CMS Order and Referring file (PECOS) in force, or is not eligible to order Part B services (PARTB N); the DXA is denied.', params: { npi: NPI, onFile: p('boolean', 'the NPI is on the file (but PARTB N)') }, ...AT_ORDERING_NPI },
  'provider.orderer-npi-missing': { family: 'providers', severity: 'warning', summary: 'Medicare: the Order and Referring file is loaded but the encounter gives no ordering NPI, so eligibility to order was not checked.', params: {}, ...noPath('always: the encounter has no ordering NPI to point to') },
  'provider.excluded': { family: 'providers', severity: 'error', summary: 'The ordering or billing NPI has an OIG exclusion (LEIE) in force on the date of service: no Federal health care program pays for the service.', params: { npi: NPI, roles: ROLES, exclusionType: p('string', 'the OIG exclusion authority, e.g. 1128a1'), exclusionDate: p('date', 'the first day of the exclusion'), reinstatementDate: pn('date', 'the reinstatement date, if any') }, ...AT_NPI },

  'iscd.vfa-indicated': { family: 'indications', severity: 'info', summary: 'VFA meets an ISCD indication.', params: { version: ISCD_VERSION, item: p('string', 'the indication met'), codes: VFA_CODES }, ...AT_VFA },
  'iscd.vfa-not-indicated': { family: 'indications', severity: 'warning', summary: 'VFA meets no ISCD indication given the facts supplied.', params: { version: ISCD_VERSION, codes: VFA_CODES }, ...AT_VFA },
});

/** A rule id from the catalogue. */
export type RuleId = keyof typeof RULES;

type ParamValue<D extends ParamDefinition> =
  | (D['type'] extends 'string' | 'date' ? string : D['type'] extends 'number' | 'integer' ? number : D['type'] extends 'boolean' ? boolean : D['type'] extends 'number[]' ? number[] : string[])
  | (D['nullable'] extends true ? null : never);

/** The params object a finding of rule R carries, as the catalogue declares it. */
export type ParamsOf<R extends RuleId> = { [K in keyof (typeof RULES)[R]['params']]: (typeof RULES)[R]['params'][K] extends ParamDefinition ? ParamValue<(typeof RULES)[R]['params'][K]> : never };
