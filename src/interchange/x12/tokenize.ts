/**
 * X12 tokenizer: text in chunks → segments with their number and offset. The separators are read from the ISA
 * (element separator at position 3, component separator ISA16, repetition separator ISA11, then the segment
 * terminator; REFERENCE §9 envelopes), again at each further ISA of the file. Memory holds one unfinished segment at
 * most; a "segment" longer than MAX_SEGMENT_CHARS is split or dropped, so no input can make it grow without bound.
 * Lenient mode reads the shapes real files come in (a byte-order mark, line breaks as terminators, blank space
 * around segments) and names each with a warning; strict mode reports them as defects.
 */
import type { Separators } from './format.js';
import { x12Problem, type X12Location, type X12Problem } from './problems.js';

/** One segment as read: its 1-based number in the file, offset, id and elements (elements[0] is the id). */
export interface RawSegment {
  number: number;
  offset: number;
  id: string;
  elements: string[];
}

/** Widths of ISA01..ISA16: the ISA is fixed width, 106 characters with its terminator. */
const ISA_WIDTHS = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1] as const;
/** Length of a well-formed ISA segment with its terminator. */
export const ISA_LENGTH = 106;
/** Longest run of text accepted as one segment (an 837P segment is well under 1,000 characters). */
export const MAX_SEGMENT_CHARS = 64 * 1024;
/** Characters read before deciding that the ISA is broken beyond repair. */
const ISA_SCAN_CHARS = 512;
/** Characters after the ISA start that must be read before deciding (the ISA scan and the line after it). */
const ISA_LOOKAHEAD = ISA_SCAN_CHARS + 320;
/** Blank space accepted before the ISA before the file is judged not to be X12. */
const MAX_LEADING_BLANK = 4096;
const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;
const LIKELY_SEPARATOR = /^[A-Z][A-Z0-9]{1,2}([^A-Za-z0-9 ])/;

const isAlphanumeric = (c: string) => /^[A-Za-z0-9]$/.test(c);
const isLineBreak = (c: string) => c === '\n' || c === '\r';
const isBlank = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const BYTE_ORDER_MARK = '\uFEFF';
const show = (c: string) => JSON.stringify(c);

/** True when the line after `from` (line breaks skipped) ends with `c`: then `c` is the terminator, not ISA16. */
function endsNextLine(buffer: string, from: number, c: string): boolean {
  let start = from;
  while (start < buffer.length && isLineBreak(buffer[start]!)) start++;
  const line = buffer.slice(start, Math.min(start + 300, from + 310)).split(/[\r\n]/)[0] ?? '';
  return line.length > 2 && line.endsWith(c);
}

/** Receives segments and problems as the tokenizer finds them. */
export interface TokenSink {
  segment(segment: RawSegment): void;
  problem(problem: X12Problem): void;
  /** True once the sink wants no more input (strict mode after a defect). */
  stopped(): boolean;
}

/** How the tokenizer treats the shapes of real-world files. */
export interface TokenizerOptions {
  /** Read a byte-order mark, line breaks as terminators and blank space around segments, each named by a warning. */
  lenient?: boolean;
}

/** Incremental tokenizer: push() decoded text, then end(). */
export class Tokenizer {
  private buffer = '';
  /** File offset of buffer[0]. */
  private base = 0;
  private separators: Separators | undefined;
  private newlineTerminated = false;
  private fatal = false;
  private segmentNumber = 0;
  private reportedNewlines = false;
  /** The last segment ended with a line break (so no further line break is allowed before the next). */
  private lineEnded = false;
  private reportedBlank = false;
  private interchanges = 0;
  private readonly lenient: boolean;

  constructor(
    private readonly sink: TokenSink,
    options: TokenizerOptions = {},
  ) {
    this.lenient = options.lenient ?? false;
  }

  /** Separators read from the ISA (undefined before it is read). */
  get declared(): Separators | undefined {
    return this.separators;
  }

  /** Adds decoded text. */
  push(text: string): void {
    if (this.fatal || this.sink.stopped()) return;
    this.buffer += text;
    if (!this.separators && !this.readIsa(false)) return;
    this.drain(false);
  }

  /** Ends the input: the rest of the buffer is the last segment. */
  end(): void {
    if (this.fatal || this.sink.stopped()) return;
    if (!this.separators && !this.readIsa(true)) return;
    this.drain(true);
  }

  private fail(problem: X12Problem): false {
    this.fatal = true;
    this.sink.problem(problem);
    return false;
  }

  /** Reads the ISA at the start of the buffer; returns false when it cannot (yet, or at all). */
  private readIsa(atEnd: boolean): boolean {
    const buffer = this.buffer;
    const number = this.segmentNumber + 1;
    let start = 0;
    while (start < buffer.length && start <= MAX_LEADING_BLANK && (isBlank(buffer[start]!) || buffer[start] === BYTE_ORDER_MARK)) start++;
    // Decide on the same text whether it arrives whole or in chunks: wait until the ISA and the line after it are in.
    if (!atEnd && buffer.length < start + ISA_LOOKAHEAD && start <= MAX_LEADING_BLANK) return false;
    const where = { segment: number, id: 'ISA', loop: 'ISA', offset: this.base + start };
    if (buffer.slice(start, start + 3) !== 'ISA') {
      if (!atEnd && buffer.length - start < 3) return false;
      const what = buffer.length === 0 ? 'the file is empty' : `the file starts with ${show(buffer.slice(start, start + 20))}`;
      return this.fail(x12Problem('x12.isa.missing', `${what}; an X12 interchange starts with ISA`, { location: { segment: 1, offset: start }, fix: 'send an X12 file (ISA ... IEA)' }));
    }
    if (start > 0) this.leadingBlank(buffer.slice(0, start), where);
    if (this.sink.stopped()) {
      this.fatal = true;
      return false;
    }

    const element = buffer[start + 3];
    if (element === undefined) return atEnd ? this.fail(x12Problem('x12.truncated', 'the file ends inside the ISA', { location: where })) : false;
    if (isAlphanumeric(element) || element === ' ' || isLineBreak(element)) {
      return this.fail(x12Problem('x12.separators.invalid', `the element separator (the character after ISA) is ${show(element)}; it must be a special character such as *`, { location: { ...where, element: 'ISA01' } }));
    }
    const positions: number[] = [];
    for (let i = start + 3; i < buffer.length && i < start + ISA_SCAN_CHARS && positions.length < 16; i++) {
      if (buffer[i] === element) positions.push(i);
    }
    const last = positions[15];
    if (last === undefined || last + 2 >= buffer.length) {
      if (atEnd && buffer.length - start <= ISA_LENGTH + 1) {
        return this.fail(x12Problem('x12.truncated', `the file ends inside the ISA (${buffer.length - start} characters)`, { location: where }));
      }
      return this.fail(x12Problem('x12.separators.missing', `the ISA has ${Math.max(0, positions.length - 1)} of its 16 element separators ${show(element)} in the first ${ISA_SCAN_CHARS} characters`, { location: where, fix: 'write all 16 ISA elements, fixed width' }));
    }
    const fields = buffer.slice(positions[0]! + 1, last).split(element);
    if (fields[11] === '00401') {
      // HIPAA 4010 differs from 5010 in loops, elements and codes: reading it would list a defect per difference.
      return this.fail(x12Problem('x12.version.4010', 'ISA12 is "00401": this is a HIPAA 4010 interchange, and dxacode reads version 5010 (ISA12 00501) only', { location: { ...where, element: 'ISA12' }, fix: 'ask the sender for the file in version 5010' }));
    }
    let component = buffer[last + 1]!;
    let terminatorAt = last + 2;
    const missingComponent = !isAlphanumeric(component) && component !== ' ' && !isLineBreak(component) && component !== element
      && (isAlphanumeric(buffer[terminatorAt]!) || (isLineBreak(buffer[terminatorAt]!) && endsNextLine(buffer, terminatorAt, component)));
    if (missingComponent) {
      // ISA16 is missing: what follows the 16th separator is already the terminator (then "GS...").
      this.sink.problem(x12Problem('x12.separators.missing', `ISA16 (the component separator) is missing: ${show(component)} follows the last element separator and ends the segment; ':' is assumed`, { location: { ...where, element: 'ISA16' } }));
      terminatorAt = last + 1;
      component = ':';
    } else if (isAlphanumeric(component) || component === ' ' || component === element || isLineBreak(component)) {
      return this.fail(x12Problem('x12.separators.invalid', `the component separator (ISA16) is ${show(component)}; it must be a special character different from the element separator`, { location: { ...where, element: 'ISA16' } }));
    }
    let terminator = buffer[terminatorAt]!;
    let end = terminatorAt + 1; // exclusive end of the ISA with its terminator
    if (terminator === '\r' && buffer[end] === '\n') end++;
    if (isLineBreak(terminator)) {
      this.newlineTerminated = true;
      const kind = end - terminatorAt === 2 ? 'CRLF' : terminator === '\n' ? 'LF' : 'CR';
      if (!this.reportedNewlines) {
        this.sink.problem(
          this.lenient
            ? x12Problem('x12.tolerated.line-terminator', `the segment terminator is a line break (${kind}), not a special character such as ~; each line is read as a segment`, { location: where })
            : x12Problem('x12.terminator.newline', `the segment terminator is a line break (${kind}), not a special character such as ~`, { location: where, fix: 'end each segment with ~ (a line break after it is fine)' }),
        );
      }
      this.reportedNewlines = true;
      if (kind === 'CRLF') terminator = '\n';
    } else if (isAlphanumeric(terminator) || terminator === ' ' || terminator === element || terminator === component) {
      return this.fail(x12Problem('x12.separators.invalid', `the segment terminator after ISA16 is ${show(terminator)}; it must be a special character different from the other separators`, { location: where }));
    }
    const length = terminatorAt + 1 - start;
    if (length !== ISA_LENGTH) {
      const wrong = fields.findIndex((f, i) => f.length !== ISA_WIDTHS[i]);
      const detail = wrong >= 0 ? `: ISA${String(wrong + 1).padStart(2, '0')} is ${fields[wrong]!.length} characters, not ${ISA_WIDTHS[wrong]}` : '';
      this.sink.problem(x12Problem('x12.isa.length', `the ISA is ${length} characters, not ${ISA_LENGTH}${detail}`, { location: { ...where, element: wrong >= 0 ? `ISA${String(wrong + 1).padStart(2, '0')}` : undefined }, fix: 'pad ISA elements to their fixed widths' }));
    }
    const repetition = fields[10] ?? '';
    let repetitionSeparator = '';
    if (repetition.length === 1 && !isAlphanumeric(repetition) && repetition !== ' ' && repetition !== element && repetition !== component && repetition !== terminator) {
      repetitionSeparator = repetition;
    } else if ((fields[11] ?? '') === '00501') {
      this.sink.problem(x12Problem('x12.separators.invalid', `ISA11 (the repetition separator in version 00501) is ${show(repetition)}; it must be one special character different from the others`, { location: { ...where, element: 'ISA11' } }));
    }
    this.separators = { element, component, repetition: repetitionSeparator, segment: terminator };
    this.segmentNumber = number;
    this.interchanges++;
    this.sink.segment({ number, offset: this.base + start, id: 'ISA', elements: ['ISA', ...fields, component] });
    this.base += end;
    this.buffer = buffer.slice(end);
    return true;
  }

  /** Blank space (and a byte-order mark) before the first ISA: a defect in strict mode, a named oddity in lenient. */
  private leadingBlank(blank: string, where: X12Location): void {
    if (!this.lenient) {
      this.sink.problem(x12Problem('x12.blank-line', `${blank.length} character(s) of blank space before the ISA`, { location: { ...where, offset: 0 } }));
      return;
    }
    if (blank.startsWith(BYTE_ORDER_MARK)) this.sink.problem(x12Problem('x12.tolerated.byte-order-mark', 'the file starts with a byte-order mark (U+FEFF); it is skipped', { location: { ...where, offset: 0 } }));
    if (blank.replace(BYTE_ORDER_MARK, '') !== '') this.blankSpace({ ...where, offset: 0 });
  }

  /** Names blank space around segments once per file (lenient mode reads past it). */
  private blankSpace(location: X12Location): void {
    if (this.reportedBlank) return;
    this.reportedBlank = true;
    this.sink.problem(x12Problem('x12.tolerated.whitespace', 'blank space (spaces, tabs or blank lines) around segments; it is skipped here and wherever else it occurs in the file', { location }));
  }

  /**
   * A further ISA in the file: the interchange before it has been read, and this one declares its own separators.
   * Returns false when the ISA cannot be read yet (more text is needed) or at all.
   */
  private nextInterchange(from: number, atEnd: boolean): boolean {
    if (this.interchanges === 1) {
      this.sink.problem(x12Problem('x12.tolerated.several-interchanges', 'the file holds more than one interchange (ISA ... IEA); each is read with the separators its own ISA declares', { location: { segment: this.segmentNumber + 1, id: 'ISA', loop: 'ISA', offset: this.base + from } }));
    }
    this.base += from;
    this.buffer = this.buffer.slice(from);
    this.separators = undefined;
    this.newlineTerminated = false;
    this.lineEnded = false;
    return !this.sink.stopped() && this.readIsa(atEnd);
  }

  /** Splits the buffer into segments, interchange after interchange; keeps an unfinished one unless atEnd. */
  private drain(atEnd: boolean): void {
    for (;;) {
      const isaAt = this.drainInterchange(atEnd);
      if (isaAt === undefined || !this.nextInterchange(isaAt, atEnd)) return;
    }
  }

  /**
   * Splits the buffer into the segments of the current interchange. Returns the buffer position of a further ISA
   * (then its separators must be read before going on), else undefined once the buffer is used up.
   */
  private drainInterchange(atEnd: boolean): number | undefined {
    const sep = this.separators!;
    const buffer = this.buffer;
    let pos = 0;
    // Next LF and next CR at or after a position, each cached so that the buffer is scanned once for each.
    let nextLf = -1;
    let nextCr = -1;
    const lineBreakFrom = (from: number): number => {
      if (nextLf !== Infinity && nextLf < from) nextLf = buffer.indexOf('\n', from) < 0 ? Infinity : buffer.indexOf('\n', from);
      if (nextCr !== Infinity && nextCr < from) nextCr = buffer.indexOf('\r', from) < 0 ? Infinity : buffer.indexOf('\r', from);
      return Math.min(nextLf, nextCr);
    };
    while (!this.sink.stopped()) {
      let start = pos;
      // Lenient mode reads past spaces and tabs before a segment too; strict reports them with the segment.
      while (start < buffer.length && (isLineBreak(buffer[start]!) || (this.lenient && isBlank(buffer[start]!)))) start++;
      if (buffer.startsWith('ISA', start) && start + 3 < buffer.length && !isAlphanumeric(buffer[start + 3]!)) {
        this.gap(buffer.slice(pos, start), this.base + pos);
        if (this.sink.stopped()) break;
        return start;
      }
      if (buffer.startsWith('ISA', start) && start + 3 >= buffer.length && !atEnd) break; // a further ISA may begin here
      const at = buffer.indexOf(sep.segment, start);
      const lineEnd = this.newlineTerminated ? Infinity : lineBreakFrom(start);
      const end = Math.min(at < 0 ? Infinity : at, lineEnd);
      if (end === Infinity ? buffer.length - start > MAX_SEGMENT_CHARS : end - start > MAX_SEGMENT_CHARS) {
        // Far longer than any segment: skip it in fixed steps (the same cut whether the text came whole or in chunks).
        this.segmentNumber++;
        this.sink.problem(x12Problem('x12.segment.malformed', `${MAX_SEGMENT_CHARS} characters without a segment terminator ${show(sep.segment)}; skipped`, { location: { segment: this.segmentNumber, offset: this.base + start } }));
        pos = start + MAX_SEGMENT_CHARS;
        continue;
      }
      if (lineEnd !== Infinity && (at < 0 || lineEnd < at)) {
        // A line break before the terminator: this segment ends with a line break, not with the terminator.
        if (buffer[lineEnd] === '\r' && lineEnd === buffer.length - 1 && !atEnd) break; // its \n may come next
        this.reportNewlines(start);
        if (this.sink.stopped()) break;
        this.take(buffer.slice(pos, lineEnd), this.base + pos);
        this.lineEnded = true;
        pos = lineEnd + (buffer[lineEnd] === '\r' && buffer[lineEnd + 1] === '\n' ? 2 : 1);
        continue;
      }
      if (at < 0) break;
      this.take(buffer.slice(pos, at), this.base + pos);
      this.lineEnded = false;
      pos = at + sep.segment.length;
    }
    const rest = buffer.slice(pos);
    this.base += pos;
    this.buffer = rest;
    if (!atEnd || this.sink.stopped()) return undefined;
    this.buffer = '';
    if (rest.trim() === '') return undefined;
    if (!this.reportedNewlines) {
      this.sink.problem(x12Problem('x12.truncated', `the file ends inside a segment (${show(rest.slice(0, 20))} has no terminator ${show(sep.segment)})`, { location: { segment: this.segmentNumber + 1, offset: this.base } }));
    }
    if (!this.sink.stopped()) this.take(rest, this.base, true);
    return undefined;
  }

  /** Reports, once, that segments end with line breaks instead of the declared terminator. */
  private reportNewlines(offset: number): void {
    if (this.reportedNewlines) return;
    this.reportedNewlines = true;
    const sep = this.separators!;
    const location = { segment: this.segmentNumber + 1, offset: this.base + offset };
    this.sink.problem(
      this.lenient
        ? x12Problem('x12.tolerated.line-terminator', `segments end with line breaks, not with the terminator ${show(sep.segment)} the ISA declares; each line is read as a segment`, { location })
        : x12Problem('x12.terminator.newline', `segments end with line breaks, not with the terminator ${show(sep.segment)} the ISA declares`, { location, fix: `end each segment with ${sep.segment}` }),
    );
  }

  /**
   * What stands before a segment once its terminator has been read: at most one line break (none after a segment
   * that ended with one). Strict mode reports more as a blank line; lenient mode skips any blank space and names it.
   * Returns the segment text without it.
   */
  private gap(raw: string, offset: number): string {
    let skip = 0;
    let breaks = 0;
    let spaces = false;
    while (skip < raw.length && (isLineBreak(raw[skip]!) || (this.lenient && isBlank(raw[skip]!)))) {
      if (raw[skip] === ' ' || raw[skip] === '\t') spaces = true;
      else if (raw[skip] === '\n' || raw[skip + 1] !== '\n') breaks++;
      skip++;
    }
    const allowed = this.newlineTerminated || this.lineEnded ? 0 : 1;
    if (skip < raw.length && (spaces || breaks > allowed)) {
      if (this.lenient) this.blankSpace({ segment: this.segmentNumber + 1, offset });
      else this.sink.problem(x12Problem('x12.blank-line', 'a blank line between segments', { location: { segment: this.segmentNumber + 1, offset } }));
    }
    return raw.slice(skip);
  }

  /** One raw piece between terminators. */
  private take(raw: string, offset: number, last = false): void {
    const body = this.gap(raw, offset);
    if (this.sink.stopped()) return;
    const lead = raw.length - body.length;
    let text = body;
    if (text === '') {
      if (last) return;
      if (this.lenient && raw !== '' && !this.newlineTerminated) return this.blankSpace({ segment: this.segmentNumber + 1, offset });
      const what = raw === '' && !this.newlineTerminated ? 'an empty segment (two terminators in a row)' : 'a blank line between segments';
      this.sink.problem(x12Problem('x12.blank-line', what, { location: { segment: this.segmentNumber + 1, offset } }));
      return;
    }
    if (this.newlineTerminated && text.endsWith('\r')) text = text.slice(0, -1);
    if (this.lenient && (this.newlineTerminated || this.lineEnded) && /[ \t]$/.test(text)) {
      // Spaces after the last element of a line-terminated segment are padding, not data.
      this.blankSpace({ segment: this.segmentNumber + 1, offset });
      text = text.replace(/[ \t]+$/, '');
    }
    const inner = text.search(/[\r\n]/);
    if (inner >= 0) {
      // Only the last piece of the file can still hold line breaks here.
      this.reportNewlines(offset + lead - this.base);
      if (this.sink.stopped()) return;
      let from = 0;
      for (const line of text.split(/\r?\n|\r/)) {
        const content = this.lenient ? line.trim() : line;
        if (content !== '') this.emit(content, offset + lead + from);
        from += line.length + 1;
        if (this.sink.stopped()) return;
      }
      return;
    }
    this.emit(text, offset + lead);
  }

  private emit(text: string, offset: number): void {
    const sep = this.separators!;
    const number = ++this.segmentNumber;
    let elements = text.split(sep.element);
    let id = elements[0]!;
    if (!SEGMENT_ID.test(id)) {
      const other = LIKELY_SEPARATOR.exec(text)?.[1];
      if (other !== undefined && other !== sep.element && other !== sep.component && other !== sep.repetition) {
        id = text.slice(0, text.indexOf(other));
        this.sink.problem(x12Problem('x12.separators.mismatch', `${id} separates elements with ${show(other)}, but the ISA declares ${show(sep.element)}`, { location: { segment: number, id, offset }, fix: `use ${show(sep.element)} between elements` }));
        elements = text.split(other);
      } else {
        this.sink.problem(x12Problem('x12.segment.malformed', `${show(text.slice(0, 20))} does not start with a segment id (2 or 3 capital letters or digits)`, { location: { segment: number, offset } }));
        return;
      }
    }
    this.sink.segment({ number, offset, id, elements });
  }
}
