/**
 * Report text as the extractor reads it: HL7 v2 escapes undone (`\.br\` becomes a line break, `\T\` an ampersand),
 * with a map back to the original offsets so every piece of evidence points into the text the user sent.
 * Then split into lines and sentences, each with its section heading (INDICATION, FINDINGS, IMPRESSION, ...).
 */

/** A stretch of the original report text. */
export interface Span {
  start: number;
  end: number;
  text: string;
}

/** Normalised text and the original offset of each of its characters. */
export interface ReportText {
  original: string;
  text: string;
  /**
   * origin[i] is the offset in `original` of text[i]; origin[text.length] is original.length. Absent when the text is
   * the original itself (most reports have no escapes and no CRs): the map is then the identity, and a report read
   * from disk or a request no longer allocates a buffer of four bytes per character for it.
   */
  origin?: Int32Array;
}

const HL7_ESCAPES: Record<string, string> = { '.br': '\n', T: '&', F: '|', S: '^', R: '~', E: '\\' };

/** Undoes HL7 v2 escapes and normalises line ends, keeping a map to the original offsets. */
export function normalizeReport(original: string): ReportText {
  if (original.indexOf('\\') < 0 && original.indexOf('\r') < 0) {
    // Nothing to undo: the map is the identity.
    return { original, text: original };
  }
  const out: string[] = [];
  const origin: number[] = [];
  let i = 0;
  while (i < original.length) {
    const c = original[i]!;
    if (c === '\\') {
      const close = original.indexOf('\\', i + 1);
      const name = close > i ? original.slice(i + 1, close) : '';
      const replacement = close > i && close - i <= 5 ? HL7_ESCAPES[name] : undefined;
      if (replacement !== undefined) {
        out.push(replacement);
        origin.push(i);
        i = close + 1;
        continue;
      }
    }
    if (c === '\r') {
      if (original[i + 1] !== '\n') {
        out.push('\n');
        origin.push(i);
      }
      i++;
      continue;
    }
    out.push(c);
    origin.push(i);
    i++;
  }
  origin.push(original.length);
  return { original, text: out.join(''), origin: Int32Array.from(origin) };
}

/** The offset in the original text of normalised offset `at` (the original's length for an offset past the end). */
export function originOf(report: ReportText, at: number): number {
  if (report.origin) return report.origin[at] ?? report.original.length;
  return at >= 0 && at <= report.original.length ? at : report.original.length;
}

/** The original-text span of normalised offsets [start, end). */
export function spanOf(report: ReportText, start: number, end: number): Span {
  const s = originOf(report, start);
  let e = end > start ? originOf(report, end) : s;
  while (e > s && (report.original[e - 1] === '\r' || report.original[e - 1] === '\n')) e--;
  return { start: s, end: e, text: report.original.slice(s, e) };
}

/** One sentence (or table row) with where it sits. */
export interface Sentence {
  /** Offsets into the normalised text. */
  start: number;
  end: number;
  text: string;
  /** The section heading the sentence is under, upper case (e.g. "IMPRESSION"), or "" before any heading. */
  section: string;
}

const HEADING = /^\s*([A-Z][A-Za-z /&-]{2,40}?)\s*:/;
const KNOWN_SECTIONS = /^(EXAM|EXAMINATION|PROCEDURE|STUDY|INDICATIONS?|CLINICAL (HISTORY|INDICATION|INFORMATION)|HISTORY|REASON FOR (EXAM|STUDY)|TECHNIQUE|COMPARISON|FINDINGS|RESULTS?|IMPRESSION|CONCLUSIONS?|ASSESSMENT|DIAGNOSIS|RECOMMENDATIONS?|PLAN|VFA|VERTEBRAL FRACTURE ASSESSMENT|FRAX|ORDERING (PHYSICIAN|PROVIDER|CLINICIAN)|REFERRING (PHYSICIAN|PROVIDER)|READING PHYSICIAN|INTERPRETED BY|SIGNED|ADDENDUM|SUBJECTIVE|OBJECTIVE|HPI|MEDICATIONS|ORDERS?)$/;

/** A table row: columns separated by tabs, pipes or runs of spaces. */
const TABLE_ROW = /\t|\|[^|\n]{0,400}\||\S {2,}\S[^\n]{0,400}? {2,}\S|\S {2,}[-+−]?\d/;
/** Whether a line holds what every table row has (a tab, a pipe or two spaces): most prose lines skip TABLE_ROW. */
function mayBeTableRow(line: string): boolean {
  return line.includes('  ') || line.includes('\t') || line.includes('|');
}
/** A line that starts something new: a heading, a labelled field, a list item. */
const STARTS_BLOCK = /^\s*(?:[A-Z][A-Za-z /&()-]{1,40}\s*(?::|\.{2,})|[-*•]\s|\d+[.)]\s|\(?[a-z]\)\s|(?:electronically signed|e-?signed|signed|dictated|transcribed|interpreted|read|reviewed|verified) by\b)/i;

/** A label row of a key/value table as rendered from HTML ("REFERRING DR    Okafor, Ngozi"): upper-case label, wide gap. */
const LABEL_ROW = /^\s*[A-Z][A-Z /&()-]{1,30}\s{2,}\S/;

/** A title line in capitals only ("VERTEBRAL FRACTURE ASSESSMENT"): the line after it starts a new block. */
const TITLE = /^\s*[A-Z][A-Z0-9 /&()+,.-]{3,80}$/;

/**
 * A line that looks like a numbered list item ("1) wedge fracture of T7") but continues prose wrapped at a fixed
 * width: the line before is long, ends mid-sentence and is not itself a list item ("... a mild (grade").
 */
function wrappedNumber(previous: string, line: string): boolean {
  if (!/^\s*\d+[.)]\s/.test(line)) return false;
  const before = previous.trimEnd();
  return before.length >= 40 && !/[.:;!?]$/.test(before) && !/^\s*(?:[-*•]\s|\d+[.)]\s|\(?[a-z]\)\s)/.test(previous);
}

/**
 * Splits the normalised text into sentences and table rows, tracking section headings. Lines of running prose are
 * joined into paragraphs first (dictated reports wrap sentences across lines); table rows stay one per line.
 * Sentence text has line breaks turned into spaces, so offsets into the normalised text still hold.
 */
export function sentencesOf(report: ReportText): Sentence[] {
  const sentences: Sentence[] = [];
  const text = report.text;
  let section = '';
  const lines: { start: number; end: number; text: string }[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    lines.push({ start: lineStart, end: lineEnd, text: text.slice(lineStart, lineEnd) });
    lineStart = lineEnd + 1;
  }
  // Group lines into blocks: a table row alone, or a paragraph of prose lines.
  const blocks: { start: number; end: number }[] = [];
  let open: { start: number; end: number } | undefined;
  let previous = '';
  for (const line of lines) {
    const blank = line.text.trim() === '';
    // Table rows are short; a long line is prose (and bounded regular-expression work on hostile input). A blank line
    // ends the block whatever it holds.
    const tabular = !blank && line.text.length <= 600 && mayBeTableRow(line.text) && TABLE_ROW.test(line.text);
    const before = previous;
    previous = line.text;
    // Whether a line starts a new block is asked only when it would otherwise continue an open one.
    if (blank || tabular || !open || (STARTS_BLOCK.test(line.text) && !wrappedNumber(before, line.text)) || LABEL_ROW.test(line.text) || TITLE.test(before)) {
      if (open) blocks.push(open);
      open = blank ? undefined : { start: line.start, end: line.end };
      if (open && tabular) {
        blocks.push(open);
        open = undefined;
      }
      continue;
    }
    open.end = line.end;
  }
  if (open) blocks.push(open);

  // Line breaks become spaces once for the whole text; each block's flat text is a slice of it.
  const flatText = text.replaceAll('\n', ' ');
  for (const block of blocks) {
    const flat = flatText.slice(block.start, block.end);
    const heading = HEADING.exec(flat);
    if (heading) {
      const name = heading[1]!.trim().toUpperCase();
      if (KNOWN_SECTIONS.test(name)) section = name;
    } else if (/^\s*[A-Z][A-Z /&-]{2,40}\s*$/.test(flat) && KNOWN_SECTIONS.test(flat.trim())) {
      section = flat.trim();
    }
    let start = 0;
    // Sentence ends: not dot leaders ("Patient ........ SMITH") and not common abbreviations.
    // Nor a single capital initial ("Dr S. Whitcombe", "Dr N. Baptiste").
    const re = /(?<![.]|\b(?:Dr|Mr|Mrs|Ms|St|vs|No|approx|Jr|Sr|[A-Z]))[.;!?](?![.])(?=\s+[A-Z(])/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(flat)) !== null) {
      const end = m.index + 1;
      if (end > start) pushSentence(sentences, block.start + start, block.start + end, flat.slice(start, end), section);
      start = end;
    }
    if (flat.length > start) pushSentence(sentences, block.start + start, block.end, flat.slice(start), section);
  }
  return sentences;
}

/** Adds a sentence unless it is blank. */
function pushSentence(sentences: Sentence[], start: number, end: number, text: string, section: string): void {
  if (text.trim() !== '') sentences.push({ start, end, text, section });
}

/**
 * Which sentences (by index) contain a match of `letters`, a global pattern whose matches are letters only, found in
 * one scan of the text instead of one test per sentence; undefined when none does. A run of letters never crosses a
 * sentence's bounds (a sentence starts at a line's start or after a stop and ends at a stop or a line's end), so each
 * match lies inside one sentence or in none, and a sentence's first match is never hidden by an earlier one.
 */
export function sentencesWith(report: ReportText, sentences: readonly Sentence[], letters: RegExp): boolean[] | undefined {
  let flags: boolean[] | undefined;
  let i = 0;
  letters.lastIndex = 0;
  for (let m = letters.exec(report.text); m !== null && i < sentences.length; m = letters.exec(report.text)) {
    while (i < sentences.length && sentences[i]!.end <= m.index) i++;
    if (i < sentences.length && sentences[i]!.start <= m.index) (flags ??= new Array<boolean>(sentences.length).fill(false))[i] = true;
  }
  letters.lastIndex = 0;
  return flags;
}

