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

/** One catalogue entry. */
export interface RuleDefinition {
  family: Family;
  severity: Severity;
  summary: string;
}

function rules<const T extends Record<string, RuleDefinition>>(table: T): T {
  return table;
}

/** Every rule id with its family, default severity and meaning. */
export const RULES = rules({
  'report.diagnosis-suggested': { family: 'documentation', severity: 'info', summary: 'A diagnosis code was suggested from the report language; the coder confirms it.' },
  'report.tbs-not-coded': { family: 'documentation', severity: 'info', summary: 'A trabecular bone score is documented; dxacode does not code it from the report: the coder chooses 77089 or its parts 77090-77092 (from 2022-01-01).' },
  'report.no-study': { family: 'documentation', severity: 'warning', summary: 'The report documents no performed bone-density or VFA study (an order, a plan, an outside study or other imaging).' },
  'doc.indication-missing': { family: 'documentation', severity: 'error', summary: 'The report states no indication (reason for the study).' },
  'doc.sites-missing': { family: 'documentation', severity: 'error', summary: 'The report does not name the sites measured.' },
  'doc.results-missing': { family: 'documentation', severity: 'error', summary: 'The report gives no BMD or T-score results for the DXA study billed.' },
  'doc.interpretation-missing': { family: 'documentation', severity: 'error', summary: 'The report has no interpretation (impression or conclusion).' },
  'doc.signature-missing': { family: 'documentation', severity: 'error', summary: 'The report is not signed by the reading physician.' },
  'doc.order-missing': { family: 'documentation', severity: 'warning', summary: 'The report names no ordering clinician (Medicare BMM needs an order from the treating practitioner).' },
  'doc.vfa-findings-missing': { family: 'documentation', severity: 'error', summary: 'The VFA has no documented interpretation: neither fractures nor a statement that there are none.' },
  'doc.vfa-levels-missing': { family: 'documentation', severity: 'warning', summary: 'The VFA report does not state which levels were evaluated or could not be.' },
  'doc.vfa-grade-missing': { family: 'documentation', severity: 'warning', summary: 'A vertebral fracture on VFA is reported without its Genant grade.' },

  'selection.not-billed': { family: 'selection', severity: 'warning', summary: 'A performed and documented service has no line on the claim.' },
  'selection.not-documented': { family: 'selection', severity: 'error', summary: 'A claim line bills a service that is not documented as performed.' },
  'selection.no-code-on-date': { family: 'selection', severity: 'warning', summary: 'No code for the performed service exists in the code set of the date of service.' },
  'selection.views-needed': { family: 'selection', severity: 'warning', summary: 'The code depends on detail not given (spine radiograph region and views); the coder must choose it.' },
  'selection.site-mismatch': { family: 'selection', severity: 'error', summary: 'A site does not belong to the procedure (e.g. a forearm under axial DXA).' },
  'selection.not-interpreted': { family: 'selection', severity: 'error', summary: 'No interpretation is documented, but the professional component is billed.' },
  'selection.duplicate-procedure': { family: 'selection', severity: 'info', summary: 'The same procedure is listed more than once; one study is one unit whatever the number of sites.' },

  'code.unknown': { family: 'codes', severity: 'warning', summary: 'The code is not in the knowledge tables; its validity was not checked.' },
  'code.not-in-hcpcs': { family: 'codes', severity: 'error', summary: 'A HCPCS Level II code that is not in the HCPCS code list in force on the date of service.' },
  'code.deleted': { family: 'codes', severity: 'error', summary: 'The code was deleted before the date of service.' },
  'code.not-yet-valid': { family: 'codes', severity: 'error', summary: 'The code was not yet valid on the date of service.' },
  'code.not-vfa': { family: 'codes', severity: 'error', summary: '77083 is radiographic absorptiometry, never vertebral fracture assessment.' },
  'code.status-unverified': { family: 'codes', severity: 'warning', summary: 'The code exists in the reference, but whether it is active is not verified.' },
  'code.not-densitometry': { family: 'codes', severity: 'warning', summary: 'The code lies in the bone-density range but is not a densitometry service.' },

  'modifier.unknown': { family: 'modifiers', severity: 'warning', summary: 'The modifier is not in the modifier table; it was not checked.' },
  'modifier.duplicate': { family: 'modifiers', severity: 'warning', summary: 'The same modifier appears twice on one line.' },
  'modifier.exclusive': { family: 'modifiers', severity: 'error', summary: 'Two modifiers that never go together are on one line (26+TC, GA/GY/GZ).' },
  'modifier.requires': { family: 'modifiers', severity: 'error', summary: 'A modifier is used without the modifier it needs (GX without GY); a warning when no primary source confirms the requirement.' },
  'modifier.component-missing': { family: 'modifiers', severity: 'error', summary: 'The provider bills one component but the line lacks 26 or TC.' },
  'modifier.component-mismatch': { family: 'modifiers', severity: 'error', summary: 'The line carries 26 or TC that does not match the component the provider bills.' },
  'modifier.no-split': { family: 'modifiers', severity: 'error', summary: '26 or TC on a code without a professional/technical split.' },
  'modifier.split-unknown': { family: 'modifiers', severity: 'warning', summary: 'Whether the code has a professional/technical split is not in the knowledge; 26/TC not checked.' },
  'modifier.duplicate-line': { family: 'modifiers', severity: 'error', summary: 'The same code is billed twice for one session (two globals, or a global and a component line).' },
  'modifier.bypass-without-edit': { family: 'modifiers', severity: 'warning', summary: 'A distinct-service modifier is used where no known pair edit needs bypassing.' },
  'modifier.repeat-review': { family: 'modifiers', severity: 'warning', summary: '76/77 (repeat procedure) on a bone-density code is rare and draws review.' },
  'modifier.medicare-only': { family: 'modifiers', severity: 'warning', summary: 'A Medicare liability modifier (GA/GZ/GY/GX) is used for a non-Medicare payer.' },
  'modifier.too-many': { family: 'modifiers', severity: 'error', summary: 'More than four modifiers would be needed on one line (837P SV101).' },

  'pair.combined-code': { family: 'pairs', severity: 'error', summary: 'Two codes billed together describe one service that has its own combined code.' },
  'pair.contained': { family: 'pairs', severity: 'error', summary: 'The column-2 code is contained in the column-1 code billed on the same day.' },
  'pair.mutually-exclusive': { family: 'pairs', severity: 'error', summary: 'A PTP edit denies the column-2 code unless a distinct service is documented with a bypass modifier.' },
  'pair.bypassed': { family: 'pairs', severity: 'info', summary: 'A bypass modifier on an indicator-1 pair lets both codes pay; the record must show a distinct service.' },
  'pair.bypass-not-allowed': { family: 'pairs', severity: 'error', summary: 'A bypass modifier on a pair whose indicator is 0: the edit cannot be bypassed.' },
  'pair.unverified': { family: 'pairs', severity: 'warning', summary: 'A same-day relationship that REFERENCE marks unverified applies; review it.' },
  'pair.same-category': { family: 'pairs', severity: 'error', summary: 'Two axial or two peripheral bone-density codes on one date: the NCCI Policy Manual (ch. IX) says PTP edits stop this; the NCCI row and indicator are not confirmed (warning when a bypass modifier is on the pair).' },
  'pair.cross-category': { family: 'pairs', severity: 'info', summary: 'An axial plus a peripheral bone-density code on one date, which the NCCI Policy Manual (ch. IX) says can be medically reasonable; no NCCI row for the pair is confirmed.' },

  'units.over-mue': { family: 'units', severity: 'error', summary: 'Units on a line exceed the MUE: all units on the line are denied.' },
  'units.repeat-lines': { family: 'units', severity: 'warning', summary: 'The same code on several lines with 76/77 for one date under a claim-line MUE (MAI 1), or an MAI that is not known.' },
  'units.over-mue-date': { family: 'units', severity: 'error', summary: 'The units of a code on one date exceed its date-of-service MUE (MAI 2 or 3): the excess is denied and 76/77 do not bypass it.' },

  'dx.none': { family: 'diagnoses', severity: 'error', summary: 'The claim carries no diagnosis.' },
  'dx.invalid': { family: 'diagnoses', severity: 'error', summary: 'The code is not a valid ICD-10-CM code in the code set of the date of service.' },
  'dx.not-billable': { family: 'diagnoses', severity: 'error', summary: 'The code is a category header; a more specific code is needed.' },
  'dx.seventh-character': { family: 'diagnoses', severity: 'error', summary: 'The 7th character is missing or not allowed for this category.' },
  'dx.excludes1': { family: 'diagnoses', severity: 'error', summary: 'Two codes in an Excludes1 relationship are reported together.' },
  'dx.sequencing': { family: 'diagnoses', severity: 'warning', summary: 'The codes are in an order the conventions do not allow.' },
  'dx.screening-with-condition': { family: 'diagnoses', severity: 'warning', summary: 'A screening code is reported although a condition is documented.' },
  'dx.duplicate': { family: 'diagnoses', severity: 'info', summary: 'The same diagnosis is listed twice.' },
  'dx.too-many': { family: 'diagnoses', severity: 'error', summary: 'More than 12 diagnoses on one claim (837P HI).' },

  'pointer.missing': { family: 'pointers', severity: 'error', summary: 'A claim line points to no diagnosis.' },
  'pointer.not-documented': { family: 'pointers', severity: 'warning', summary: 'A line points to a diagnosis that is not among the documented diagnoses.' },
  'pointer.too-many': { family: 'pointers', severity: 'error', summary: 'A line points to more than four diagnoses (837P SV107).' },

  'payer.unknown': { family: 'payer', severity: 'error', summary: 'No payer policy pack has this id.' },
  'payer.not-covered': { family: 'payer', severity: 'error', summary: 'The payer pack does not cover this service in this situation.' },
  'payer.frequency': { family: 'payer', severity: 'error', summary: 'The payer pack\'s interval since the last study has not passed.' },
  'payer.prior-authorization': { family: 'payer', severity: 'error', summary: 'The payer pack requires prior authorization and none was obtained.' },

  'medicare.bmm-qualified': { family: 'coverage', severity: 'info', summary: 'The patient is a qualified individual for Medicare bone mass measurement.' },
  'medicare.bmm-category-not-shown': { family: 'coverage', severity: 'warning', summary: 'Nothing in the diagnoses or clinical facts shows a qualified-individual category.' },
  'medicare.bmm-category-not-coded': { family: 'coverage', severity: 'warning', summary: 'A qualifying clinical fact is documented but no diagnosis on the claim shows it.' },
  'medicare.bmm-screening-only': { family: 'coverage', severity: 'error', summary: 'Z13.820 (screening) is the only diagnosis; Medicare denies it.' },
  'medicare.bmm-diagnosis-not-listed': { family: 'coverage', severity: 'error', summary: 'The diagnosis is known not to be on the NCD 150.3 covered list.' },
  'medicare.bmm-article-diagnosis-not-covered': { family: 'coverage', severity: 'error', summary: "None of the line's diagnoses is covered for its code by the billing article of the encounter's Medicare jurisdiction (warning with an ABN on file)." },
  'medicare.bmm-order-not-treating': { family: 'coverage', severity: 'error', summary: 'The ordering practitioner is not treating the beneficiary.' },
  'medicare.bmm-monitoring-not-axial': { family: 'coverage', severity: 'error', summary: 'Monitoring drug therapy is covered only by axial DXA (77080/77085).' },
  'medicare.excluded-service': { family: 'coverage', severity: 'info', summary: 'The service is statutorily excluded or has no benefit category; it is billed with GY.' },
  'medicare.vfa-not-bmm': { family: 'coverage', severity: 'info', summary: '77086 is not on the BMM lists: paid as an ordinary diagnostic test.' },
  'medicare.glucocorticoid-code-contradicted': { family: 'coverage', severity: 'warning', summary: 'Z79.52 is coded but the documented glucocorticoid dose or duration is below the category C threshold: the code alone does not qualify.' },
  'medicare.bmm-same-day-duplicate': { family: 'coverage', severity: 'error', summary: 'Two BMM lines on one date under Medicare without XU on the line CMS Transmittal 10193 names: the CWF denies the second as a same-day duplicate BMM (warning when XU is present before the CWF accepted it, 2020-07-01).' },
  'medicare.bmm-same-day-xu': { family: 'coverage', severity: 'warning', summary: 'XU on the line CMS Transmittal 10193 names lets both same-day BMM lines pass the CWF edit; the record must show a distinct service.' },
  'medicare.bmm-same-day-review': { family: 'coverage', severity: 'warning', summary: 'Two BMM lines on one date under Medicare for a pair CMS Transmittal 10193 does not name: whether the CWF accepts a bypass is not known; review.' },
  'medicare.bmm-same-day-contractor': { family: 'coverage', severity: 'error', summary: "The contractor's policy of the encounter's jurisdiction limits axial plus peripheral (or more than one type of) BMM on one date or within its window (the severity each overlay gives)." },
  'medicare.glucocorticoid-threshold': { family: 'coverage', severity: 'info', summary: 'Glucocorticoid dose or duration is below the category C threshold.' },
  'liability.ga': { family: 'coverage', severity: 'warning', summary: 'Denial expected with a valid ABN on file: GA, patient liable.' },
  'liability.gz': { family: 'coverage', severity: 'warning', summary: 'Denial expected and no ABN on file: the line should carry GZ (provider liable).' },
  'liability.ga-missing': { family: 'coverage', severity: 'error', summary: 'An ABN is on file for an expected denial but the line lacks GA.' },
  'liability.ga-without-abn': { family: 'coverage', severity: 'error', summary: 'GA is on the line but no ABN is on file.' },
  'liability.gy-missing': { family: 'coverage', severity: 'error', summary: 'An excluded service lacks GY (a warning where GY against GA/GZ is not settled: SPA/DPA).' },
  'liability.unexpected': { family: 'coverage', severity: 'warning', summary: 'A liability modifier (GA/GZ/GY) is on a line that dxacode expects to be covered.' },

  'frequency.too-soon': { family: 'frequency', severity: 'error', summary: 'Fewer than 23 months have passed since the month of the last covered BMM (warning when an ABN is on file).' },
  'frequency.exception': { family: 'frequency', severity: 'info', summary: 'The 23-month rule is not met, but a named exception applies.' },

  'provider.npi-check-digit': { family: 'providers', severity: 'error', summary: 'An ordering or billing NPI fails the NPI check digit (Luhn over 80840 and its first nine digits): it is mistyped or not an NPI.' },
  'provider.orderer-not-eligible': { family: 'providers', severity: 'error', summary: 'Medicare: the ordering NPI is not on the CMS Order and Referring file (PECOS) in force, or is not eligible to order Part B services (PARTB N); the DXA is denied.' },
  'provider.orderer-npi-missing': { family: 'providers', severity: 'warning', summary: 'Medicare: the Order and Referring file is loaded but the encounter gives no ordering NPI, so eligibility to order was not checked.' },
  'provider.excluded': { family: 'providers', severity: 'error', summary: 'The ordering or billing NPI has an OIG exclusion (LEIE) in force on the date of service: no Federal health care program pays for the service.' },

  'iscd.vfa-indicated': { family: 'indications', severity: 'info', summary: 'VFA meets an ISCD indication.' },
  'iscd.vfa-not-indicated': { family: 'indications', severity: 'warning', summary: 'VFA meets no ISCD indication given the facts supplied.' },
});

/** A rule id from the catalogue. */
export type RuleId = keyof typeof RULES;
