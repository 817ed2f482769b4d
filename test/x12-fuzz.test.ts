/**
 * Never a crash, never a hang (issue 4 item 3): the 837P reader gets real-shaped files mutated at random (segments
 * deleted, duplicated, swapped, the file cut, separators changed, random bytes inserted) and plain random bytes.
 * Whatever it gets, it returns claims that satisfy the contract and problems from the catalogue with locations,
 * the same whether the text arrives whole or in random chunks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEncounter } from '../src/engine/validate.js';
import { parse837P, parse837PText, write837P, X12_PROBLEMS, type X12Item, type X12Mode } from '../src/interchange/x12/index.js';
import { encounterFor, resultWith, testConfig } from './x12-helpers.js';

/** A real-shaped file: three claims, one with three lines, modifiers and several diagnoses. */
const BASE = write837P(
  [
    { encounter: encounterFor(1), result: resultWith([{ code: '77080', modifiers: ['26'], units: 1, diagnoses: ['M81.0'] }], ['M81.0', 'Z87.310']) },
    {
      encounter: encounterFor(2),
      result: resultWith(
        [
          { code: '77085', modifiers: [], units: 1, diagnoses: ['M85.80', 'Z78.0'] },
          { code: '76977', modifiers: ['GA', 'XU'], units: 2, diagnoses: ['E21.0'] },
          { code: 'G0130', modifiers: ['GY'], units: 1, diagnoses: ['M85.80'] },
        ],
        ['M85.80', 'Z78.0', 'E21.0'],
      ),
    },
    { encounter: encounterFor(3, { payer: 'aetna-cpb-0134' }), result: resultWith([{ code: '77081', modifiers: ['TC'], units: 1, diagnoses: ['Z13.820'] }], ['Z13.820']) },
  ],
  testConfig({ claimsPerTransaction: 2 }),
  { interchange: 99, date: '2026-11-27', time: '0930' },
).text;
const SEGMENTS = BASE.split('~\n').filter((s) => s !== '');

type Mutation =
  | { kind: 'delete' | 'duplicate'; at: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'cut'; at: number }
  | { kind: 'separator'; at: number; from: string; to: string }
  | { kind: 'insert'; at: number; bytes: string }
  | { kind: 'replace'; at: number; char: string };

const position = fc.integer({ min: 0, max: 4000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const), at: position }),
  fc.record({ kind: fc.constant('swap' as const), at: position, with: position }),
  fc.record({ kind: fc.constant('cut' as const), at: position }),
  fc.record({ kind: fc.constant('separator' as const), at: position, from: fc.constantFrom('*', ':', '~', '^', '~\n'), to: fc.constantFrom('|', '*', ':', '~', '\n', '\r\n', '', 'A', ' ', '~~') }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.string({ unit: 'binary', maxLength: 40 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: position, char: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }),
);

function mutate(mutations: Mutation[]): string {
  let segments = [...SEGMENTS];
  let text: string | undefined;
  for (const m of mutations) {
    if (m.kind === 'delete' || m.kind === 'duplicate' || m.kind === 'swap') {
      if (text !== undefined) segments = text.split('~\n');
      text = undefined;
      if (segments.length === 0) continue;
      const i = m.at % segments.length;
      if (m.kind === 'delete') segments.splice(i, 1);
      else if (m.kind === 'duplicate') segments.splice(i, 0, segments[i]!);
      else {
        const j = m.with % segments.length;
        [segments[i], segments[j]] = [segments[j]!, segments[i]!];
      }
      continue;
    }
    const current = text ?? segments.map((s) => `${s}~\n`).join('');
    const at = current.length === 0 ? 0 : m.at % current.length;
    if (m.kind === 'cut') text = current.slice(0, at);
    else if (m.kind === 'insert') text = current.slice(0, at) + m.bytes + current.slice(at);
    else if (m.kind === 'replace') text = current.slice(0, at) + m.char + current.slice(at + 1);
    else text = current.slice(0, at) + current.slice(at).split(m.from).join(m.to);
  }
  return text ?? segments.map((s) => `${s}~\n`).join('');
}

/** Everything a caller may rely on, whatever the input. */
function expectWellFormed(text: string, mode: X12Mode): void {
  const { claims, problems } = parse837PText(text, { mode });
  for (const problem of problems) {
    expect(X12_PROBLEMS[problem.rule], problem.rule).toBeDefined();
    expect(problem.severity).toBe(X12_PROBLEMS[problem.rule].severity);
    expect(problem.message.length).toBeGreaterThan(0);
    if (problem.rule !== 'x12.problems.truncated') {
      expect(Number.isInteger(problem.location?.segment)).toBe(true);
      expect(problem.location!.segment).toBeGreaterThanOrEqual(1);
    }
  }
  for (const claim of claims) {
    expect(parseEncounter(claim.encounter).ok).toBe(true);
    expect(claim.encounter.id).toBe(claim.claimId);
  }
  if (mode === 'strict') expect(problems.filter((p) => p.severity === 'error').length).toBeLessThanOrEqual(1);
}

async function collect(chunks: AsyncIterable<Uint8Array> | string, mode: X12Mode): Promise<X12Item[]> {
  const items: X12Item[] = [];
  for await (const item of parse837P(chunks, { mode })) items.push(item);
  return items;
}

async function* inChunks(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const size = Math.max(1, sizes[i++ % sizes.length]!);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

describe('837P reader on hostile input', () => {
  it('reads the base file cleanly', () => {
    const { claims, problems } = parse837PText(BASE);
    expect(problems).toEqual([]);
    expect(claims).toHaveLength(3);
  });

  it('returns claims or located problems for mutated files, in both modes', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.constantFrom<X12Mode>('strict', 'lenient'), (mutations, mode) => {
        expectWellFormed(mutate(mutations), mode);
      }),
      { numRuns: 1500, seed: 837 },
    );
  });

  it('returns located problems for random bytes and random text after ISA', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), fc.string({ maxLength: 600 }).map((s) => `ISA${s}`), fc.string({ maxLength: 300 }).map((s) => BASE.slice(0, 120) + s)), (text) => {
        expectWellFormed(text, 'lenient');
        expectWellFormed(text, 'strict');
      }),
      { numRuns: 1000, seed: 5010 },
    );
  });

  it('gives the same items whether the bytes arrive whole or in random chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { maxLength: 3 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }), fc.constantFrom<X12Mode>('strict', 'lenient'), async (mutations, sizes, mode) => {
        // The same bytes both ways: a cut inside a surrogate pair leaves a lone surrogate, which UTF-8 cannot carry.
        const bytes = new TextEncoder().encode(mutate(mutations));
        const whole = await collect(new TextDecoder().decode(bytes), mode);
        const chunked = await collect(inChunks(bytes, sizes), mode);
        expect(chunked).toEqual(whole);
      }),
      { numRuns: 400, seed: 222 },
    );
  });

  it('skips a segment far longer than any 837P segment and reads on', () => {
    const text = BASE.replace('LX*1~', `LX*1${'9'.repeat(70_000)}~`);
    const { claims, problems } = parse837PText(text, { mode: 'lenient' });
    expect(problems[0]).toMatchObject({ rule: 'x12.segment.malformed' });
    expect(claims.length).toBeGreaterThanOrEqual(2);
  });
});
