/**
 * Densitometry results: BMD, T-score and Z-score per site, from report-writer tables (a header row naming the
 * columns, then one row per region) and from prose ("the left femoral neck T-score is -2.1").
 */
import type { ResultSite } from './facts.js';
import { spanOf, type ReportText, type Sentence, type Span } from './text.js';

/** One measured value at one site. */
export interface ResultValue {
  site: ResultSite;
  measure: 't-score' | 'z-score' | 'bmd';
  value: number;
  evidence: Span;
}

type Side = 'left' | 'right' | undefined;
type Region = 'lumbar-spine' | 'femoral-neck' | 'total-hip' | 'radius-33' | 'forearm' | 'heel' | 'total-body';

const REGION =
  /\b(lumbar spine|lumbar|L-?spine|AP spine|spine|L[1-4]\s*(?:-|–|to|through)\s*L[2-4]|L1-4)\b|\b(femoral neck|femur neck|neck)\b|\b(total hip|hip total|total femur|femur total|total proximal femur|hip|total(?=\s+(?:left|right|lt|rt)\b)|(?<=\b(?:femur|hip)\b[\s|]{1,12})total|femur(?=-[LR]\b))\b|\b((?:1\/3|one[- ]third|33\s?%|distal (?:one[- ])?third) (?:of the )?radius|radius (?:1\/3|33\s?%)|radius)\b|\b(forearm|wrist)\b|\b(heel|calcaneus|os calcis)\b|\b(total body|whole body)\b/gi;

/** Words without which a text names no region (a cheap first look). */
const REGION_WORDS = /spine|lumbar|L[1-4]|neck|hip|femur|radius|forearm|wrist|heel|calcaneus|os calcis|body|total/i;

const SIDE_BEFORE = /\b(left|right|lt|rt)\.?\s*$/i;
const SIDE_AFTER = /^\s*[(,-]?\s*(left|right|lt|rt|l|r)\b\)?/i;
const SIDE_HEADING = /\b(left|right)\s+(femur|hip|forearm|radius)\b|\b(femur|hip|forearm|radius)\s*[(,]?\s*(left|right)\b/i;

function sideWord(word: string | undefined): Side {
  if (!word) return undefined;
  const w = word.toLowerCase();
  if (w === 'left' || w === 'lt' || w === 'l') return 'left';
  if (w === 'right' || w === 'rt' || w === 'r') return 'right';
  return undefined;
}

/** Maps a region and side to a result site. */
export function resultSite(region: Region, side: Side): ResultSite {
  switch (region) {
    case 'lumbar-spine':
      return 'lumbar-spine';
    case 'femoral-neck':
      return side ? `${side}-femoral-neck` : 'femoral-neck';
    case 'total-hip':
      return side ? `${side}-total-hip` : 'total-hip';
    case 'radius-33':
      return side ? `${side}-radius-33` : 'radius-33';
    case 'forearm':
      return side ? `${side}-forearm` : 'forearm';
    case 'heel':
      return 'heel';
    case 'total-body':
      return 'total-body';
  }
}

/** A region mention with its side and offsets (within the sentence). */
export interface RegionMention {
  region: Region;
  side: Side;
  index: number;
  end: number;
}

/** Finds region mentions in a piece of text; `contextSide` applies when a mention has no side of its own. */
export function findRegions(text: string, contextSide: Side = undefined): RegionMention[] {
  const found: RegionMention[] = [];
  REGION.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = REGION.exec(text)) !== null) {
    let region: Region;
    if (m[1]) region = 'lumbar-spine';
    else if (m[2]) region = 'femoral-neck';
    else if (m[3]) region = 'total-hip';
    else if (m[4]) region = /radius$/i.test(m[4]) && !/1\/3|third|33/.test(m[4]) ? 'forearm' : 'radius-33';
    else if (m[5]) region = 'forearm';
    else if (m[6]) region = 'heel';
    else region = 'total-body';
    const before = text.slice(Math.max(0, m.index - 8), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 10);
    // Without a side of its own, a limb region takes the side of the mention just before it ("right forearm ... 33% radius").
    const previous = found[found.length - 1];
    const inherited = region !== 'lumbar-spine' && previous && previous.region !== 'lumbar-spine' ? previous.side : undefined;
    const side = sideWord(SIDE_BEFORE.exec(before)?.[1]) ?? sideWord(SIDE_AFTER.exec(after)?.[1]) ?? inherited ?? contextSide;
    found.push({ region, side, index: m.index, end: m.index + m[0].length });
  }
  return found;
}

const NUMBER = /(?<![\w./])[-+−–]?\d+(?:\.\d+)?(?![\w.]*\/)/g;

function toNumber(text: string): number {
  return Number(text.replace(/[−–]/, '-').replace('+', ''));
}

type Column = 't-score' | 'z-score' | 'bmd' | 'other';

/** Reads a table header into its column kinds, or undefined when the line is not a results header. */
function tableColumns(raw: string): Column[] | undefined {
  // A cheap first look: every header names a T- or Z-score column (the words dropped below are never part of one).
  if (!/score/i.test(raw)) return undefined;
  // "Young-Adult T-score" and "Age-Matched Z-score" name one column each.
  const line = raw.replace(/\b(?:young[- ]adult|age[- ]matched|YA|AM)\s+(?=[TZ][- ]?score)/gi, '');
  // A T-score column, or a Z-score column beside a BMD column (pediatric and premenopausal reports have no T-score).
  if (!(/\bT[- ]?score\b/i.test(line) || (/\bZ[- ]?score\b/i.test(line) && /\bBMD\b|g\/cm/i.test(line))) || /\d/.test(line.replace(/g\/cm\s?2|cm2|cm²|\(\s*%\s*\)|1\/3|33\s?%/gi, ''))) return undefined;
  const columns: { at: number; kind: Column }[] = [];
  const add = (re: RegExp, kind: Column) => {
    for (const m of line.matchAll(re)) columns.push({ at: m.index, kind });
  };
  add(/\bBMD\b|\bg\/cm/gi, 'bmd');
  add(/\bT[- ]?scores?\b/gi, 't-score');
  add(/\bZ[- ]?scores?\b/gi, 'z-score');
  add(/\b(?:BMC|area|PR|AM|YA|age|%\s*(?:YA|AM|young|age)|(?:young[- ]adult|age[- ]matched|peak reference)\s*%?|change|% ?change|classification|WHO)\b/gi, 'other');
  // "BMD (g/cm2)" names one column: drop a g/cm right after a BMD.
  columns.sort((a, b) => a.at - b.at);
  const merged = columns.filter((c, i) => !(c.kind === 'bmd' && i > 0 && columns[i - 1]!.kind === 'bmd' && c.at - columns[i - 1]!.at < 12));
  return merged.map((c) => c.kind);
}

const LABELLED = /\b(T[- ]?score|Z[- ]?score|BMD|bone mineral density)\b(?:\s*(?:of|is|was|=|:|measures?|measured|measuring))?\s*(?:of\s*)?([-+−–]?\d+(?:\.\d+)?)(?:\s*(?:g\/cm\s?2|g\/cm²|gm\/cm\s?2))?/gi;
const VALUE_THEN_LABEL = /([-+−–]?\d+(?:\.\d+)?)\s*(?:g\/cm\s?2|g\/cm²|gm\/cm\s?2)/gi;
/** A value that is a threshold, not a result: "(Z-score -2.0 or lower)", "T-score at or below -2.5". */
const THRESHOLD_AFTER = /^\s*(?:or (?:lower|less|below|higher|greater|more|above|worse)|and (?:below|above|lower|higher))\b/i;
const THRESHOLD_BEFORE = /(?:\b(?:below|above|under|over|than|at or|to)|[<>≤≥])\s*$/i;
/** Z-scores of something other than bone: height-for-age, weight, BMI. */
const NOT_BONE = /\b(?:height|weight|BMI|HAZ|for[- ]age)\b[^.;]{0,20}$/i;

function measureOf(label: string): 't-score' | 'z-score' | 'bmd' {
  const l = label.toLowerCase();
  if (l.startsWith('t')) return 't-score';
  if (l.startsWith('z')) return 'z-score';
  return 'bmd';
}

function plausible(measure: 't-score' | 'z-score' | 'bmd', value: number): boolean {
  if (measure === 'bmd') return value > 0.1 && value < 3;
  return value > -8 && value < 6;
}

/** An earlier study's findings described ("the prior DXA of 2023 showed"): its values are not this study's. */
export const PRIOR_STUDY_SHOWED = /\b(prior|previous|earlier) (study|exam|scan|DXA)\b.{0,120}\b(showed|demonstrated|was)\b/i;

/**
 * Extracts result values from the sentences of a report, skipping sections about earlier studies and the sentences
 * `skip` names (values quoted from an outside or earlier study). `namesPriorStudy` false says the report contains none
 * of the words "prior", "previous" and "earlier", so no sentence describes an earlier study's findings.
 */
export function extractResults(report: ReportText, sentences: Sentence[], skip: (sentence: Sentence) => boolean = () => false, namesPriorStudy = true): ResultValue[] {
  const results: ResultValue[] = [];
  const seen = new Set<string>();
  const push = (site: ResultSite, measure: ResultValue['measure'], value: number, start: number, end: number) => {
    if (!plausible(measure, value)) return;
    const key = `${site}|${measure}`;
    if (seen.has(key)) return;
    seen.add(key);
    results.push({ site, measure, value, evidence: spanOf(report, start, end) });
  };

  let columns: Column[] | undefined;
  let headingSide: Side;
  /** The table's heading or header names a femur or hip, so a row labelled "Total" is the total hip. */
  let headingHip = false;
  let lastRegion: RegionMention | undefined;
  for (const sentence of sentences) {
    const text = sentence.text;
    if (sentence.section === 'COMPARISON' || skip(sentence) || (namesPriorStudy && PRIOR_STUDY_SHOWED.test(text))) continue;
    const header = tableColumns(text);
    if (header) {
      columns = header;
      // A header may name the limb too ("Left Femur   Area   BMC   BMD   T-score").
      const side = SIDE_HEADING.exec(text);
      if (side) headingSide = sideWord(side[1] ?? side[4]);
      headingHip = /\b(?:femur|hip)\b/i.test(text);
      continue;
    }
    // A mean of both sides ("Neck Mean", "Total Mean" in a DualFemur table) is no site of its own.
    if (columns && /^\s*[A-Za-z ]{0,20}\bmean\b/i.test(text)) continue;
    // A row for one vertebra ("L1   13.21   10.11   0.765 ...") inside a table: the spine total row follows.
    if (columns && /^\s*[LT]\d{1,2}\s/.test(text) && !/^\s*L[1-4]\s*(?:-|–|to|through)\s*L[2-4]/.test(text)) continue;
    if (!/\d/.test(text) && text.trim().length < 40 && !/[.:]/.test(text)) {
      // A table heading such as "Left Forearm", "DualFemur" or "AP Spine": it sets (or clears) the side.
      const heading = SIDE_HEADING.exec(text);
      headingSide = heading ? sideWord(heading[1] ?? heading[4]) : undefined;
      headingHip = /\b(?:femur|hip)\b/i.test(text);
      continue;
    }
    const found = REGION_WORDS.test(text) ? findRegions(text, headingSide) : [];
    // A side written earlier in a row label ("Left Femur   Neck", "Left Fernoral Neck") applies to its region.
    const labelSide = found.length > 0 && found[0]!.index <= 20 ? sideWord(/^\s*(left|right|lt|rt)\b/i.exec(text)?.[1]) : undefined;
    let regions = labelSide && !found[0]!.side ? [{ ...found[0]!, side: labelSide }, ...found.slice(1)] : found;
    const total = columns && headingHip && regions.length === 0 ? /^\s*(total)\b/i.exec(text) : null;
    if (total) regions = [{ region: 'total-hip', side: headingSide, index: total.index + total[0].length - 5, end: total.index + total[0].length }];
    // Table row: a region label at the start, then numbers in the header's column order.
    const isRow = regions.length > 0 && /^[\s|A-Za-z()-]{0,20}$/.test(text.slice(0, regions[0]!.index)) && /\d/.test(text.slice(regions[0]!.end)) && !/%/.test(text);
    LABELLED.lastIndex = 0;
    if (columns && /[A-Za-z0-9]/.test(text) && !(isRow && !LABELLED.test(text))) columns = undefined; // the table ended
    LABELLED.lastIndex = 0;
    if (columns && isRow) {
      LABELLED.lastIndex = 0;
      const label = regions[0]!;
      const rest = text.slice(label.end);
      const numbers = [...rest.matchAll(NUMBER)].filter((n) => !/^[-+]?\d$/.test(n[0]) || n[0].includes('-'));
      const site = resultSite(label.region, label.side);
      const valueColumns = columns;
      numbers.forEach((n, i) => {
        const kind = valueColumns[i];
        if (kind && kind !== 'other') {
          const at = sentence.start + label.end + n.index;
          push(site, kind, toNumber(n[0]), sentence.start, at + n[0].length);
        }
      });
      lastRegion = label;
      continue;
    }
    LABELLED.lastIndex = 0;
    if (regions.length === 0 && sentence.text.trim() === '') continue;
    // Prose: each labelled value goes to the nearest region before it in the sentence, else the first after it,
    // else the last region of the previous sentences.
    // Values and regions are both in text order: walk them together (linear, whatever the sentence length).
    let m: RegExpExecArray | null;
    let next = 0;
    while ((m = LABELLED.exec(text)) !== null) {
      while (next < regions.length && regions[next]!.end <= m.index) next++;
      const before = next > 0 ? regions[next - 1] : undefined;
      const region = before ?? regions[next] ?? lastRegion;
      if (!region) continue;
      const valueAt = m.index + m[0].lastIndexOf(m[2]!);
      // Bounded look-arounds keep the walk linear on long sentences.
      if (THRESHOLD_AFTER.test(text.slice(valueAt + m[2]!.length, valueAt + m[2]!.length + 20)) || THRESHOLD_BEFORE.test(text.slice(Math.max(0, valueAt - 20), valueAt)) || NOT_BONE.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
      push(resultSite(region.region, region.side), measureOf(m[1]!), toNumber(m[2]!), sentence.start + (before ? before.index : m.index), sentence.start + m.index + m[0].length);
    }
    VALUE_THEN_LABEL.lastIndex = 0;
    next = 0;
    while ((m = VALUE_THEN_LABEL.exec(text)) !== null) {
      while (next < regions.length && regions[next]!.end <= m.index) next++;
      const before = next > 0 ? regions[next - 1] : undefined;
      const region = before ?? lastRegion;
      if (region) push(resultSite(region.region, region.side), 'bmd', toNumber(m[1]!), sentence.start + (before ? before.index : m.index), sentence.start + m.index + m[0].length);
    }
    if (regions.length > 0) lastRegion = regions[regions.length - 1];
  }
  return results;
}
