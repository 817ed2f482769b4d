/**
 * The vocabulary the extractor recognises: study names, anatomic regions and sides, negation and order cues,
 * drugs, dates. Kept apart from the extraction logic so that new wording is added in one place.
 */

/** Names of vertebral fracture assessment, including vendor names. */
export const VFA_NAMES =
  /\b(vertebral fracture assessments?|VFA|lateral vertebral (?:fracture )?assessments?|LVA|instant vertebral assessments?|IVA|dual[- ]energy vertebral assessments?|DVA|lateral spine imaging(?: on the densitometer| by DXA| with DXA)?|lateral (?:thoracolumbar |spine )?(?:DXA )?images? (?:of the spine )?(?:was |were )?(?:obtained|acquired) on the densitometer)\b/gi;

/** Names of DXA bone densitometry. */
export const DXA_NAMES =
  /\b(DXA|DEXA|dual[- ]energy x-?ray absorptiometry|bone (?:mineral )?density(?: study| scan| test| examination| exam)?|bone densitometry|densitometry|BMD)\b/gi;

/** Body composition by DXA. */
export const BODY_COMPOSITION = /\b(?:total[- ]body |whole[- ]body )?body composition\b/gi;

/** Imaging that is not DXA. */
export const OTHER_MODALITY_TITLE =
  /\b(MRI|MR imaging|magnetic resonance|CT (?:of|scan)|computed tomography|radiographs?|x-?rays?|XR|plain films?)\b/i;

/** Cues that a study mention is an order, a plan or a recommendation, not a performed study. */
export const ORDER_CUES =
  /\b(order(?:ed|s|ing)?|will (?:order|obtain|schedule|get)|to be (?:re-?)?scheduled|(?:re-?)?schedul(?:e|ed|ing)|recommend(?:ed|s)?|repeat(?:ed)? (?:DXA|DEXA|bone density|BMD|study|scan)|follow[- ]up (?:DXA|DEXA|bone density|BMD)|plan(?:ned)?:?|referr(?:al|ed) for|request(?:ed)?|due (?:for|in)|in \d+ (?:years?|months?)|consider(?:ing)?|needs?|should have|obtain(?:ing)? a|if\b[^.;]{0,80}\b(?:desired|needed|indicated|requested)|may be (?:obtained|performed|considered)|could be (?:obtained|performed))\b/i;

/** Cues that a study was done elsewhere, or is only shown here for comparison. */
export const OUTSIDE_CUES =
  /\b(outside (?:facility|hospital|institution|imaging|study|studies|center|centre|DXA|DEXA|images?|results?|report|bone density|BMD|scan)|at another (?:facility|institution|center|centre|hospital)|performed elsewhere|external (?:facility|study)|done elsewhere|from an outside|for comparison only|loaded into PACS|reviewed for comparison)\b|^\s*outside\b/i;

/**
 * A sentence that describes an earlier study and its findings ("her prior DXA of 02/03/2022 showed ...", "Prior DXA in
 * 2022 at Riverside Radiology: ...", "Bone density scan 8 months ago ...", "His DXA last month showed ...", "a DXA report
 * from Summit Radiology", "compare with her DXA of 2023"), as opposed to today's study compared with it ("change since
 * the prior study", "new since", "compared with").
 */
export const PRIOR_STUDY_DESCRIBED =
  /\b(?:prior|previous|earlier|last|most recent|baseline)\s+(?:DXA|DEXA|study|scan|exam(?:ination)?|bone density(?: scan| study| test)?|BMD|densitometry|VFA)\b[^.;]{0,120}?(?:\b(?:showed|shows|demonstrated|revealed|had)\b|\bin \d{4}\b|\bof \d|\bdated\b|:)|\b(?:scan|study|DXA|DEXA|exam)\b[^.;]{0,30}\b(?:\d+ (?:months?|years?|weeks?) ago|last (?:month|year|week))\b|\b(?:DXA|DEXA|bone density)(?: scan| study| test)? report from\b|\bcompare with (?:her|his|the|their) (?:DXA|DEXA|bone density|BMD)\b/i;

/** Words that make a sentence about today's study even when it names an earlier one. */
export const TODAY_CUES = /\b(?:compared (?:to|with)|comparison (?:to|with)|since|change[sd]?|interval|new|today|current(?:ly)?|now|versus|vs\.?)\b/i;

/** Cues that the study was not performed. */
export const NOT_PERFORMED =
  /\b(not (?:been )?(?:performed|done|obtained|acquired|completed|repeated|interpreted)|was (?:deferred|declined|cancell?ed)|declined|cancell?ed|did not (?:arrive|show|attend|tolerate|complete)|no[- ]show|unable to (?:perform|complete|obtain)|could not be (?:performed|completed|obtained|positioned)|not (?:indicated|requested) (?:and|so) not|no interpretation (?:is |was )?(?:rendered|provided|given|made)|(?:images?|study|exam(?:ination)?) (?:is|are|was|were) (?:non-?diagnostic|uninterpretable|not interpretable))\b|\bno (?:new )?(?:[\w-]+ ){0,3}(?:was|were|has been|have been) (?:performed|obtained|done|acquired|repeated)\b/i;

/** Cues that a report documents a performed study (technique statements, result language). */
export const PERFORMED_CUES =
  /\b(was (?:performed|obtained|acquired)|were (?:performed|obtained|acquired)|performed (?:on|using|with)|using (?:a |an )?(?:Hologic|GE|Lunar|Norland|Horizon|Discovery|Prodigy|iDXA|QDR)|scan(?:ned)? (?:was |were )?(?:performed|obtained)|technique:|results?:|T-?\s?score)\b/i;

/** Genant grades by word. */
export const GRADE_WORDS: Record<string, 1 | 2 | 3> = { mild: 1, moderate: 2, severe: 3 };

/** Glucocorticoids with their usual names. */
export const GLUCOCORTICOIDS = /\b(prednisone|prednisolone|methylprednisolone|dexamethasone|hydrocortisone|cortisone|budesonide|deflazacort|medrol)\b/i;

/** Osteoporosis drugs whose response is monitored, with brand names mapped to generic names. */
export const OSTEOPOROSIS_DRUGS: Record<string, string> = {
  alendronate: 'alendronate',
  fosamax: 'alendronate',
  risedronate: 'risedronate',
  actonel: 'risedronate',
  atelvia: 'risedronate',
  ibandronate: 'ibandronate',
  boniva: 'ibandronate',
  'zoledronic acid': 'zoledronic acid',
  zoledronate: 'zoledronic acid',
  reclast: 'zoledronic acid',
  denosumab: 'denosumab',
  prolia: 'denosumab',
  teriparatide: 'teriparatide',
  forteo: 'teriparatide',
  abaloparatide: 'abaloparatide',
  tymlos: 'abaloparatide',
  romosozumab: 'romosozumab',
  evenity: 'romosozumab',
  raloxifene: 'raloxifene',
  evista: 'raloxifene',
};

/** Bisphosphonates (Z79.83). */
export const BISPHOSPHONATES = new Set(['alendronate', 'risedronate', 'ibandronate', 'zoledronic acid']);

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

/** Dates as reports write them: 02/10/2026, 2026-02-10, February 10, 2026, 10 Feb 2026. */
export const DATE =
  /\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b|\b(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.? (\d{1,2}),? (\d{4})\b|\b(\d{1,2}) (Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?,? (\d{4})\b/gi;

/** British and Commonwealth spellings and terms: a report that uses them writes 03/11/2022 for 3 November. */
const DAY_FIRST_CUES =
  /\b(?:oestrogen\w*|paediatric\w*|centre|authoris\w*|optimis\w*|organis\w*|programme|haem\w*|colour|tumour|behaviour|anaesth\w*|orthopaedic\w*|favour\w*|NHS|NOGG|GP|consultant (?:radiologist|rheumatologist|endocrinologist|physician|paediatric\w*|in \w+))\b/i;

/**
 * Whether the report writes numeric dates day first (14/03/2025). Decided for the whole report: a date whose first
 * number is over 12 says day first, one whose second number is over 12 says month first (the first such date wins);
 * without either, British spelling says day first; otherwise month first, as US reports write them.
 */
export function writesDayFirst(text: string): boolean {
  for (const m of text.matchAll(/\b(\d{1,2})\/(\d{1,2})\/\d{4}\b/g)) {
    if (Number(m[1]) > 12 && Number(m[2]) <= 12) return true;
    if (Number(m[2]) > 12 && Number(m[1]) <= 12) return false;
  }
  return DAY_FIRST_CUES.test(text);
}

/** Turns one DATE match into YYYY-MM-DD, or undefined when it is not a real date. `dayFirst` reads 03/11/2022 as 3 November. */
export function isoFromDateMatch(m: RegExpExecArray, dayFirst = false): string | undefined {
  let year: number;
  let month: number;
  let day: number;
  if (m[1]) [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if (m[6]) [year, month, day] = dayFirst ? [Number(m[6]), Number(m[5]), Number(m[4])] : [Number(m[6]), Number(m[4]), Number(m[5])];
  else if (m[9]) [year, month, day] = [Number(m[9]), MONTHS[m[7]!.slice(0, m[7]!.toLowerCase().startsWith('sept') ? 4 : 3).toLowerCase()] ?? 0, Number(m[8])];
  else [year, month, day] = [Number(m[12]), MONTHS[m[11]!.slice(0, m[11]!.toLowerCase().startsWith('sept') ? 4 : 3).toLowerCase()] ?? 0, Number(m[10])];
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1900 || year > 2199) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
