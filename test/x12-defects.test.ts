/**
 * 837P defects, one kind at a time, in strict and lenient mode: strict stops at the first with its exact location;
 * lenient reports the same location and still returns the claims it could read (issue 4 item 3).
 */
import { describe, expect, it } from 'vitest';
import { parse837PText, type X12Location, type X12ProblemId } from '../src/interchange/x12/index.js';
import { fileOf, segmentsOf, twoClaimFile } from './x12-helpers.js';

const BASE = twoClaimFile();
const SEGMENTS = segmentsOf(BASE);

/** The base file with segment `n` (1-based) replaced, removed (null) or followed by extra segments. */
function edit(changes: Record<number, string | null | { after: string[] }>): string {
  const out: string[] = [];
  SEGMENTS.forEach((segment, i) => {
    const change = changes[i + 1];
    if (change === null) return;
    if (typeof change === 'string') out.push(change);
    else {
      out.push(segment);
      if (change) out.push(...change.after);
    }
  });
  return fileOf(out);
}

interface Case {
  name: string;
  text: string;
  rule: X12ProblemId;
  location: Partial<X12Location>;
  /** Claims lenient mode still returns. */
  lenientClaims: number;
  /** The warning lenient mode names a shape it reads with, where it differs from strict mode's defect (issue 12 §2). */
  lenientRule?: X12ProblemId;
  message?: RegExp;
}

const CASES: Case[] = [
  { name: 'ISA shorter than 106 characters', text: BASE.replace('TESTSUB01      *', 'TESTSUB01*'), rule: 'x12.isa.length', location: { segment: 1, id: 'ISA', element: 'ISA06' }, lenientClaims: 2, message: /100 characters, not 106: ISA06 is 9 characters, not 15/ },
  { name: 'missing ISA16 (component separator)', text: BASE.replace('*T*:~', '*T*~'), rule: 'x12.separators.missing', location: { segment: 1, element: 'ISA16' }, lenientClaims: 2 },
  { name: 'a letter as component separator', text: BASE.replace('*T*:~', '*T*A~'), rule: 'x12.separators.invalid', location: { segment: 1, element: 'ISA16' }, lenientClaims: 0 },
  { name: 'a letter as element separator', text: BASE.replace(/\*/g, 'X'), rule: 'x12.separators.invalid', location: { segment: 1, element: 'ISA01' }, lenientClaims: 0 },
  { name: 'another element separator in one segment', text: edit({ 2: SEGMENTS[1]!.replaceAll('*', '|') }), rule: 'x12.separators.mismatch', location: { segment: 2, id: 'GS' }, lenientClaims: 2, message: /"\|", but the ISA declares "\*"/ },
  { name: 'LF as segment terminator', text: BASE.replaceAll('~\n', '\n'), rule: 'x12.terminator.newline', location: { segment: 1, id: 'ISA' }, lenientClaims: 2, message: /\(LF\)/, lenientRule: 'x12.tolerated.line-terminator' },
  { name: 'CRLF as segment terminator', text: BASE.replaceAll('~\n', '\r\n'), rule: 'x12.terminator.newline', location: { segment: 1, id: 'ISA' }, lenientClaims: 2, message: /\(CRLF\)/, lenientRule: 'x12.tolerated.line-terminator' },
  { name: 'line breaks instead of the declared terminator', text: BASE.replace(/~\n/g, (m, offset: number) => (offset < 110 ? m : '\n')), rule: 'x12.terminator.newline', location: { segment: 2 }, lenientClaims: 2, lenientRule: 'x12.tolerated.line-terminator' },
  { name: 'a blank line', text: edit({ 21: { after: [] } }).replace('HI*ABK:M810*ABF:Z87310~\n', 'HI*ABK:M810*ABF:Z87310~\n\n'), rule: 'x12.blank-line', location: { segment: 22 }, lenientClaims: 2, lenientRule: 'x12.tolerated.whitespace' },
  { name: 'an empty segment', text: BASE.replace('LX*1~', 'LX*1~~'), rule: 'x12.blank-line', location: { segment: 23 }, lenientClaims: 2 },
  { name: 'SE02 differs from ST02', text: edit({ 43: 'SE*41*0002' }), rule: 'x12.control.mismatch', location: { segment: 43, id: 'SE', element: 'SE02' }, lenientClaims: 2 },
  { name: 'GE02 differs from GS06', text: edit({ 44: 'GE*1*8' }), rule: 'x12.control.mismatch', location: { segment: 44, id: 'GE', element: 'GE02' }, lenientClaims: 2 },
  { name: 'IEA02 differs from ISA13', text: edit({ 45: 'IEA*1*000000008' }), rule: 'x12.control.mismatch', location: { segment: 45, id: 'IEA', element: 'IEA02' }, lenientClaims: 2 },
  { name: 'SE01 miscounts', text: edit({ 43: 'SE*40*0001' }), rule: 'x12.count.se', location: { segment: 43, element: 'SE01' }, lenientClaims: 2, message: /41 segments from ST to SE/ },
  { name: 'GE01 miscounts', text: edit({ 44: 'GE*2*7' }), rule: 'x12.count.ge', location: { segment: 44, element: 'GE01' }, lenientClaims: 2 },
  { name: 'IEA01 miscounts', text: edit({ 45: 'IEA*2*000000007' }), rule: 'x12.count.iea', location: { segment: 45, element: 'IEA01' }, lenientClaims: 2 },
  { name: 'an unknown segment', text: edit({ 21: { after: ['ZZZ*1'] } }), rule: 'x12.segment.unknown', location: { segment: 22, id: 'ZZZ', loop: '2300' }, lenientClaims: 2 },
  { name: 'SV1 before LX', text: edit({ 22: SEGMENTS[22]!, 23: SEGMENTS[21]! }), rule: 'x12.segment.order', location: { segment: 22, id: 'SV1', loop: '2300' }, lenientClaims: 1 },
  { name: 'HI inside a service line', text: edit({ 21: SEGMENTS[21]!, 22: SEGMENTS[20]! }), rule: 'x12.segment.order', location: { segment: 22, id: 'HI', loop: '2400' }, lenientClaims: 2 },
  { name: 'CLM before the subscriber HL', text: edit({ 13: null, 14: null, 15: null, 16: null, 17: null, 18: null, 19: null }), rule: 'x12.segment.order', location: { segment: 13, id: 'CLM' }, lenientClaims: 1 },
  { name: 'a segment after IEA', text: `${BASE}DTP*472*D8*20260101~\n`, rule: 'x12.segment.order', location: { segment: 46, id: 'DTP' }, lenientClaims: 2 },
  { name: 'a file cut between segments', text: fileOf(SEGMENTS.slice(0, 29)), rule: 'x12.truncated', location: { segment: 29 }, lenientClaims: 1, message: /without SE/ },
  { name: 'a file cut inside a segment', text: BASE.slice(0, BASE.indexOf('SV1*HC:77081') + 8), rule: 'x12.truncated', location: { segment: 36 }, lenientClaims: 1, message: /ends inside a segment/ },
  { name: 'a file cut inside the ISA', text: BASE.slice(0, 60), rule: 'x12.truncated', location: { segment: 1, id: 'ISA' }, lenientClaims: 0 },
  { name: 'no ISA', text: fileOf(SEGMENTS.slice(1)), rule: 'x12.isa.missing', location: { segment: 1 }, lenientClaims: 0 },
  { name: 'CLM02 differs from the line charges', text: edit({ 33: SEGMENTS[32]!.replace('*140*', '*150*') }), rule: 'x12.claim.total-mismatch', location: { segment: 33, element: 'CLM02', claimId: 'CLAIM00002' }, lenientClaims: 2 },
  { name: 'a pointer past HI', text: edit({ 40: SEGMENTS[39]!.replace('***2:1', '***2:5') }), rule: 'x12.claim.pointer', location: { segment: 40, element: 'SV107', claimId: 'CLAIM00002' }, lenientClaims: 2 },
  { name: 'a bad procedure code', text: edit({ 23: SEGMENTS[22]!.replace('77080', '7708X') }), rule: 'x12.element.invalid', location: { segment: 23, element: 'SV101-2' }, lenientClaims: 1 },
  { name: 'a birth date after the service date', text: edit({ 18: 'DMG*D8*20300101*F' }), rule: 'x12.element.invalid', location: { segment: 18, loop: '2010BA', element: 'DMG02', claimId: 'CLAIM00001' }, lenientClaims: 2 },
  { name: 'HL numbering out of order', text: edit({ 26: 'HL*4*1*22*0' }), rule: 'x12.element.invalid', location: { segment: 26, element: 'HL01' }, lenientClaims: 2 },
];

describe('837P defects: strict stops at the first, with its location', () => {
  it('reads the unmodified file without problems', () => {
    expect(parse837PText(BASE, { mode: 'strict' })).toMatchObject({ problems: [], claims: [{ claimId: 'CLAIM00001' }, { claimId: 'CLAIM00002' }] });
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.rule}`, () => {
      const strict = parse837PText(c.text, { mode: 'strict' });
      expect(strict.problems).toHaveLength(1);
      expect(strict.problems[0]).toMatchObject({ rule: c.rule, location: c.location });
      if (c.message) expect(strict.problems[0]!.message).toMatch(c.message);
    });
  }
});

describe('837P defects: lenient lists them and still returns the claims it could read', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.lenientRule ?? c.rule}, ${c.lenientClaims} claim(s)`, () => {
      const lenient = parse837PText(c.text, { mode: 'lenient' });
      expect(lenient.problems).toContainEqual(expect.objectContaining({ rule: c.lenientRule ?? c.rule, location: expect.objectContaining(c.location) }));
      if (c.lenientRule) expect(lenient.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(lenient.claims).toHaveLength(c.lenientClaims);
    });
  }

  it('lists several defects of one file, each located', () => {
    const text = edit({ 21: { after: ['ZZZ*1'] }, 43: 'SE*41*0009', 44: 'GE*3*7' });
    const { problems, claims } = parse837PText(text, { mode: 'lenient' });
    expect(problems.map((p) => `${p.rule}@${p.location?.segment}`)).toEqual(['x12.segment.unknown@22', 'x12.count.se@44', 'x12.control.mismatch@44', 'x12.count.ge@45']);
    expect(claims).toHaveLength(2);
  });

  it('caps the list of problems and counts the rest', () => {
    const junk = Array.from({ length: 30 }, (_, i) => `ZZ${i % 10}*1`);
    const { problems } = parse837PText(edit({ 21: { after: junk } }), { mode: 'lenient', maxProblems: 5 });
    expect(problems).toHaveLength(6);
    expect(problems.at(-1)).toMatchObject({ rule: 'x12.problems.truncated', message: '26 more problem(s) were found and not listed' });
  });
});
