/**
 * The encounter fields a report states about itself in labelled lines: the date of service ("Exam date:", "Scan
 * Date:", "Date of service:", Lunar's "Measured:"), the birth date ("DOB:", "Birth Date:") and the sex ("Sex: F"). Read by label only,
 * never guessed from prose, and cheap: one scan for the labels, which stops once all three are found. A date labelled
 * as another study's ("Prior exam date:", "Comparison scan date:") is not this study's date of service. Shared by
 * extract() and the workbench page, which fills its form from it; no imports beyond the date patterns.
 */
import { isCalendarDate } from '../contract/dates.js';
import { DATE, isoFromDateMatch } from './patterns.js';

/** One field read from the report: its value and where the value stands in the text given. */
export interface HeaderField {
  value: string;
  start: number;
  end: number;
}

/** The encounter fields a report states: dates as YYYY-MM-DD, sex as `female` or `male`. */
export interface ReportHeader {
  dateOfService?: HeaderField;
  birthDate?: HeaderField;
  sex?: HeaderField;
}

/** A field label and what follows it up to the value: a colon, or a dot leader ("Exam date ......"). */
const LABEL =
  /\b(?:(exam(?:ination)? date|scan date|study date|acquisition date|measured|date of (?:service|exam(?:ination)?|study|scan|procedure))|(DOB|D\.O\.B|date of birth|birth ?date)|(sex|gender))\.?[ \t]*(?::|\.{2,})[ \t]*/gi;
/** A date starting exactly where the label ends. */
const DATE_AT = new RegExp(DATE.source, 'iy');
const SEX_AT = /(female|male|woman|man|f|m)\b/iy;
/** Words before a date label on its line that make it another study's date. */
const OTHER_STUDY = /\b(?:prior|previous|last|comparison|baseline|earlier|next|follow-?up|repeat|due|referral|order(?:ed)?)\b[^\n:]{0,24}$/i;

/** The date of service, birth date and sex a report states in labelled lines; `dayFirst` reads 03/11/2022 as 3 November. */
export function readReportHeader(text: string, dayFirst = false): ReportHeader {
  const header: ReportHeader = {};
  LABEL.lastIndex = 0;
  for (let m = LABEL.exec(text); m !== null; m = LABEL.exec(text)) {
    const at = m.index + m[0].length;
    if (m[3] !== undefined) {
      if (header.sex !== undefined) continue;
      SEX_AT.lastIndex = at;
      const s = SEX_AT.exec(text);
      if (s !== null) header.sex = { value: /^(f|female|woman)$/i.test(s[1]!) ? 'female' : 'male', start: at, end: at + s[0].length };
    } else {
      const which = m[1] !== undefined ? 'dateOfService' : 'birthDate';
      if (header[which] !== undefined) continue;
      if (which === 'dateOfService' && OTHER_STUDY.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
      DATE_AT.lastIndex = at;
      const d = DATE_AT.exec(text);
      const iso = d === null ? undefined : isoFromDateMatch(d, dayFirst);
      if (d !== null && iso !== undefined && isCalendarDate(iso)) header[which] = { value: iso, start: at, end: at + d[0].length };
    }
    if (header.dateOfService !== undefined && header.birthDate !== undefined && header.sex !== undefined) break;
  }
  LABEL.lastIndex = 0;
  return header;
}
