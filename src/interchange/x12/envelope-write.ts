/**
 * Writing X12 envelopes (REFERENCE §9): the fixed-width ISA, GS with its group control number, ST ... SE with the
 * segment count, GE and IEA with their counts and control numbers, in the separators dxacode writes. Shared by the
 * 837P writer and the 999, 277CA and 835 writers.
 */
import { padNumber, padRight, toD8, WRITE_SEPARATORS as SEP } from './format.js';

/** Joins elements into one segment, dropping trailing empty elements. */
export function x12Segment(...elements: string[]): string {
  let end = elements.length;
  while (end > 1 && elements[end - 1] === '') end--;
  return elements.slice(0, end).join(SEP.element) + SEP.segment;
}

/** Who sends an interchange to whom, when, under which control number. */
export interface EnvelopeSettings {
  /** ISA05/ISA07 qualifier (`ZZ`). */
  qualifier: string;
  /** ISA06 and GS02. */
  sender: string;
  /** ISA08 and GS03. */
  receiver: string;
  /** ISA13 (and GS06), 1 to 999,999,999. */
  interchange: number;
  /** YYYY-MM-DD. */
  date: string;
  /** HHMM. */
  time: string;
  /** ISA15: P production, T test. */
  usage: 'P' | 'T';
  /** GS01 (`HC`, `FA`, `HN`, `HP`). */
  functionalId: string;
  /** GS08 and ST03. */
  guide: string;
}

/** ISA and GS opening an interchange of one functional group (GS06 = ISA13 as a number). */
export function openInterchange(settings: EnvelopeSettings): string[] {
  const d8 = toD8(settings.date);
  const q = settings.qualifier;
  return [
    x12Segment(
      'ISA', '00', padRight('', 10), '00', padRight('', 10),
      q, padRight(settings.sender, 15), q, padRight(settings.receiver, 15),
      d8.slice(2), settings.time, SEP.repetition, '00501', padNumber(settings.interchange, 9), '0', settings.usage, SEP.component,
    ),
    x12Segment('GS', settings.functionalId, settings.sender, settings.receiver, d8, settings.time, String(settings.interchange), 'X', settings.guide),
  ];
}

/** ST, the body, and SE counting ST to SE inclusive. */
export function transactionSet(set: string, control: string, guide: string, body: readonly string[]): string[] {
  return [x12Segment('ST', set, control, guide), ...body, x12Segment('SE', String(body.length + 2), control)];
}

/** GE counting the transaction sets, and IEA closing the one group. */
export function closeInterchange(interchange: number, transactionSets: number): string[] {
  return [x12Segment('GE', String(transactionSets), String(interchange)), x12Segment('IEA', '1', padNumber(interchange, 9))];
}

/** The segments as a file: one per line (for people), or back to back. */
export function x12Text(segments: readonly string[], compact = false): string {
  return compact ? segments.join('') : `${segments.join('\n')}\n`;
}
