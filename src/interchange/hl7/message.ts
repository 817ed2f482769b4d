/**
 * HL7 v2 framing and field access. Parsing a message into segments, fields, components and repetitions with the
 * separators its MSH-1/MSH-2 declare is done by Medplum's Hl7Message (@medplum/core): maintained, typed, ESM, no
 * dependencies, and it leaves escapes as they are, so `\.br\` reaches the report extractor untouched (which maps
 * its evidence offsets through the escapes). What it does not do is done here: MLLP framing (0x0b ... 0x1c 0x0d),
 * several messages and batch envelopes (FHS/BHS/BTS/FTS) in one file, segment locations for problems, MSH checks
 * before parsing (it throws on a text that does not start with MSH), safe access to absent repetitions (its
 * getComponent throws on them), and unescaping of the values dxacode reads (names, codes).
 */
import { Hl7Message, type Hl7Field, type Hl7Segment } from '@medplum/core';
import { hl7Problem, type Hl7Problem } from './problems.js';

/** One segment as it sits in the file. */
export interface RawSegment {
  text: string;
  /** 1-based ordinal of the segment in the file. */
  ordinal: number;
  /** 0-based character offset of its first character. */
  offset: number;
}

/** One message: its segments as read, and the library's parse of them. */
export interface FramedMessage {
  /** 1-based ordinal of the message in the file. */
  ordinal: number;
  segments: RawSegment[];
  parsed: Hl7Message;
}

/** MLLP start block, end block, and the segment terminators HL7 senders use (CR; LF and CRLF from files). */
const BREAKS = new Set(['\r', '\n', '\u000b', '\u001c']);
/** Batch and file envelope segments: they wrap messages and are skipped. */
const ENVELOPE = new Set(['FHS', 'BHS', 'BTS', 'FTS']);

/** Splits text into segments at CR, LF, CRLF and MLLP framing characters; blank lines are not segments. */
export function splitSegments(text: string): RawSegment[] {
  const out: RawSegment[] = [];
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = start; i <= text.length; i++) {
    if (i === text.length || BREAKS.has(text[i]!)) {
      if (i > start) {
        const piece = text.slice(start, i);
        if (piece.trim() !== '') out.push({ text: piece, ordinal: out.length + 1, offset: start });
      }
      start = i + 1;
    }
  }
  return out;
}

/** Checks the MSH separators (MSH-1 and the 4 or 5 encoding characters of MSH-2) before the library reads them. */
function mshProblem(segment: RawSegment, message: number): Hl7Problem | undefined {
  const t = segment.text;
  const location = { message, segment: segment.ordinal, id: 'MSH', field: 'MSH-1/MSH-2', offset: segment.offset };
  const expected = 'MSH|^~\\&|... : a field separator, then four distinct encoding characters (component, repetition, escape, subcomponent) that are not letters, digits or spaces';
  if (t.length < 8) return hl7Problem('hl7.msh.invalid', 'the MSH segment is too short to declare its separators', { location, expected });
  const field = t[3]!;
  const end = t.indexOf(field, 4);
  const encoding = end < 0 ? t.slice(4) : t.slice(4, end);
  const chars = [field, ...encoding.slice(0, 4)];
  const usable = (c: string): boolean => !/[A-Za-z0-9\s]/.test(c);
  if (encoding.length < 4 || encoding.length > 5 || !chars.every(usable) || new Set(chars).size !== chars.length) {
    return hl7Problem('hl7.msh.invalid', 'the MSH segment declares unusable separators', { location, expected });
  }
  return undefined;
}

/** Groups segments into messages (each MSH starts one) and parses each with the library. */
export function frameMessages(text: string): { messages: FramedMessage[]; problems: Hl7Problem[] } {
  const problems: Hl7Problem[] = [];
  const segments = splitSegments(text);
  if (segments.length === 0) {
    problems.push(hl7Problem('hl7.empty', 'no HL7 segment in the input', { expected: 'messages starting with an MSH segment' }));
    return { messages: [], problems };
  }
  const groups: RawSegment[][] = [];
  let outside = 0;
  let firstOutside: RawSegment | undefined;
  for (const segment of segments) {
    const id = segment.text.slice(0, 3);
    if (id === 'MSH') groups.push([segment]);
    else if (ENVELOPE.has(id)) continue;
    else if (groups.length === 0) {
      outside++;
      firstOutside ??= segment;
    } else groups[groups.length - 1]!.push(segment);
  }
  if (firstOutside) {
    problems.push(
      hl7Problem('hl7.outside-message', `${outside} segment${outside > 1 ? 's' : ''} before the first MSH belong to no message and are skipped`, {
        location: { segment: firstOutside.ordinal, id: firstOutside.text.slice(0, 3), offset: firstOutside.offset },
        expected: 'every message to start with MSH',
      }),
    );
  }
  if (groups.length === 0 && !firstOutside) problems.push(hl7Problem('hl7.empty', 'no MSH segment in the input', { expected: 'messages starting with an MSH segment' }));
  const messages: FramedMessage[] = [];
  groups.forEach((group, i) => {
    const ordinal = i + 1;
    const bad = mshProblem(group[0]!, ordinal);
    if (bad) {
      problems.push(bad);
      return;
    }
    const kept: RawSegment[] = [];
    for (const segment of group) {
      if (/^[A-Z][A-Z0-9]{2}$/.test(segment.text.slice(0, 3)) && (segment.text.length === 3 || segment.text[3] === group[0]!.text[3])) kept.push(segment);
      else {
        problems.push(
          hl7Problem('hl7.segment.malformed', 'the segment has no valid segment id followed by the field separator; it is skipped', {
            location: { message: ordinal, segment: segment.ordinal, offset: segment.offset },
            expected: 'a three-character segment id (letters and digits, e.g. OBX) and the field separator',
          }),
        );
      }
    }
    messages.push({ ordinal, segments: kept, parsed: Hl7Message.parse(kept.map((s) => s.text).join('\r')) });
  });
  return { messages, problems };
}

/** The field of a segment (1-based, MSH-1 is the field separator as in the standard), or undefined when absent. */
export function fieldOf(segment: Hl7Segment, index: number): Hl7Field | undefined {
  const field = segment.getField(index) as Hl7Field | undefined;
  return field ?? undefined;
}

/** The raw (still escaped) component of one repetition of a field; '' when absent. Components are 1-based. */
export function rawComponent(segment: Hl7Segment, field: number, component = 1, repetition = 0): string {
  return fieldOf(segment, field)?.components[repetition]?.[component - 1] ?? '';
}

/** Every repetition of a field as its components (raw). */
export function repetitionsOf(segment: Hl7Segment, field: number): string[][] {
  const components = fieldOf(segment, field)?.components ?? [];
  return components.filter((rep) => rep.some((c) => c !== ''));
}

/** Undoes the HL7 escapes of a value read for dxacode's use (names, ids, codes), with the message's separators. */
export function unescapeValue(value: string, message: Hl7Message): string {
  const c = message.context;
  if (!value.includes(c.escapeCharacter)) return value;
  const map: Record<string, string> = {
    F: c.fieldSeparator,
    S: c.componentSeparator,
    T: c.subcomponentSeparator,
    R: c.repetitionSeparator,
    E: c.escapeCharacter,
    '.br': '\n',
  };
  const e = c.escapeCharacter.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return value.replace(new RegExp(`${e}(F|S|T|R|E|\\.br)${e}`, 'g'), (_m, name: string) => map[name] ?? '');
}

/** A subcomponent (1-based) of a raw component, split on the message's subcomponent separator. */
export function subcomponentOf(value: string, index: number, message: Hl7Message): string {
  return value.split(message.context.subcomponentSeparator)[index - 1] ?? '';
}
