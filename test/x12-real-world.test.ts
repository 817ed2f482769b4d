/**
 * The shapes real 837P files from other systems come in (issue 12 §2): a byte-order mark, CR, LF or CRLF as the
 * segment terminator, segments indented or followed by blank space, several ISA envelopes in one file. Lenient mode
 * reads each and names it with one warning; strict mode reports the defect it always did. A HIPAA 4010 file is
 * refused in one line in either mode. Whole text and chunks of any size read alike.
 */
import { describe, expect, it } from 'vitest';
import { parse837P, parse837PText, write837P, type X12Item, type X12ProblemId } from '../src/interchange/x12/index.js';
import { encounterFor, resultWith, testConfig, twoClaimFile } from './x12-helpers.js';

const BASE = twoClaimFile();
const SECOND = write837P([{ encounter: encounterFor(3), result: resultWith([{ code: '77080', modifiers: [], units: 1, diagnoses: ['M81.0'] }], ['M81.0']) }], testConfig(), { interchange: 8, date: '2026-11-28', time: '1015' }).text;

interface Shape {
  name: string;
  text: string;
  /** The one warning lenient mode names it with. */
  warning: X12ProblemId;
  /** What strict mode reports first (unchanged by issue 12), or undefined when strict reads it too. */
  strict: X12ProblemId | undefined;
  claims: string[];
}

const SHAPES: Shape[] = [
  { name: 'a byte-order mark', text: `\uFEFF${BASE}`, warning: 'x12.tolerated.byte-order-mark', strict: 'x12.blank-line', claims: ['CLAIM00001', 'CLAIM00002'] },
  { name: 'CR as segment terminator', text: BASE.replaceAll('~\n', '\r'), warning: 'x12.tolerated.line-terminator', strict: 'x12.terminator.newline', claims: ['CLAIM00001', 'CLAIM00002'] },
  { name: 'CRLF as segment terminator', text: BASE.replaceAll('~\n', '\r\n'), warning: 'x12.tolerated.line-terminator', strict: 'x12.terminator.newline', claims: ['CLAIM00001', 'CLAIM00002'] },
  { name: 'LF as segment terminator', text: BASE.replaceAll('~\n', '\n'), warning: 'x12.tolerated.line-terminator', strict: 'x12.terminator.newline', claims: ['CLAIM00001', 'CLAIM00002'] },
  { name: 'indented segments', text: BASE.replaceAll('~\n', '~\n    '), warning: 'x12.tolerated.whitespace', strict: 'x12.segment.malformed', claims: ['CLAIM00001', 'CLAIM00002'] },
  { name: 'segments followed by spaces and blank lines', text: BASE.replaceAll('~\n', '~  \r\n\r\n'), warning: 'x12.tolerated.whitespace', strict: 'x12.terminator.newline', claims: ['CLAIM00001', 'CLAIM00002'] },
  { name: 'tab-indented lines ending with CR', text: BASE.replaceAll('~\n', '\r\t'), warning: 'x12.tolerated.whitespace', strict: 'x12.terminator.newline', claims: ['CLAIM00001', 'CLAIM00002'] },
  { name: 'several ISA envelopes', text: `${BASE}${SECOND}`, warning: 'x12.tolerated.several-interchanges', strict: undefined, claims: ['CLAIM00001', 'CLAIM00002', 'CLAIM00003'] },
  {
    name: 'several ISA envelopes with other separators',
    text: `${BASE}${SECOND.replaceAll('*', '|').replaceAll(':', '>').replaceAll('~\n', '\n')}`,
    warning: 'x12.tolerated.several-interchanges',
    strict: 'x12.terminator.newline',
    claims: ['CLAIM00001', 'CLAIM00002', 'CLAIM00003'],
  },
];

/** Reads text in chunks of `size` characters through the streaming reader. */
async function readChunks(text: string, size: number): Promise<X12Item[]> {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  const items: X12Item[] = [];
  for await (const item of parse837P(chunks, { mode: 'lenient' })) items.push(item);
  return items;
}

describe('real-world 837P shapes (issue 12 §2)', () => {
  for (const shape of SHAPES) {
    it(`${shape.name}: lenient reads every claim and names it once with ${shape.warning}`, async () => {
      const { claims, problems } = parse837PText(shape.text, { mode: 'lenient' });
      expect(claims.map((c) => c.claimId)).toEqual(shape.claims);
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(problems.filter((p) => p.rule === shape.warning)).toHaveLength(1);
      expect(problems[0]!.severity).toBe('warning');
      // The same claims and problems whether the text comes whole or in chunks, even of one character.
      const whole = [...claims.map((c) => c.claimId), ...problems.map((p) => `${p.rule}@${p.location?.segment}`)].sort();
      for (const size of [1, 7, 4096]) {
        const items = await readChunks(shape.text, size);
        expect(items.map((i) => (i.kind === 'claim' ? i.claim.claimId : `${i.problem.rule}@${i.problem.location?.segment}`)).sort()).toEqual(whole);
      }
      // The claims read from the odd shape are the claims of the plain file.
      const plain = parse837PText(`${BASE}${SECOND}`, { mode: 'strict' }).claims;
      for (const claim of claims) expect(claim.encounter).toEqual(plain.find((c) => c.claimId === claim.claimId)!.encounter);
    });

    it(`${shape.name}: strict ${shape.strict === undefined ? 'reads it too' : `stops at ${shape.strict} as documented`}`, () => {
      const { claims, problems } = parse837PText(shape.text, { mode: 'strict' });
      if (shape.strict === undefined) {
        expect(claims.map((c) => c.claimId)).toEqual(shape.claims);
        expect(problems.map((p) => p.rule)).toEqual([shape.warning]);
      } else {
        expect(problems.filter((p) => p.severity === 'error').map((p) => p.rule)).toEqual([shape.strict]);
      }
    });
  }

  it('keeps segment numbers and offsets counting across interchanges', () => {
    const { problems } = parse837PText(`${BASE}${SECOND}`, { mode: 'lenient' });
    const several = problems.find((p) => p.rule === 'x12.tolerated.several-interchanges')!;
    expect(several.location).toMatchObject({ segment: BASE.split('~\n').length, id: 'ISA', offset: BASE.length });
  });

  it('refuses HIPAA 4010 in one line in either mode (ISA12 00401)', () => {
    const text = BASE.replace('*00501*', '*00401*').replaceAll('005010X222A1', '004010X098A1');
    for (const mode of ['strict', 'lenient'] as const) {
      const { claims, problems } = parse837PText(text, { mode });
      expect(claims).toEqual([]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ rule: 'x12.version.4010', location: { segment: 1, element: 'ISA12' } });
      expect(problems[0]!.message).toMatch(/HIPAA 4010.*version 5010/);
    }
  });

  it('refuses a 4010 group (GS08 004010X098A1) in one line in either mode', () => {
    const text = BASE.replaceAll('005010X222A1', '004010X098A1');
    for (const mode of ['strict', 'lenient'] as const) {
      const { claims, problems } = parse837PText(text, { mode });
      expect(claims).toEqual([]);
      expect(problems.map((p) => `${p.rule}@${p.location?.segment} ${p.location?.element}`)).toEqual(['x12.version.4010@2 GS08']);
    }
  });
});
