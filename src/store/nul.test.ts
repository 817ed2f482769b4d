/** nulPath: the first string or key holding U+0000, named by its path; the same answer as a plain walk. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nulPath } from './nul.js';

/** The oracle: one walk that builds every path as it goes (what nulPath did before it looked first). */
function reference(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(value)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = reference(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = path === '' ? key.replaceAll('\u0000', '\\u0000') : `${path}.${key.replaceAll('\u0000', '\\u0000')}`;
      if (key.includes('\u0000')) return at;
      const found = reference(item, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

describe('nulPath', () => {
  it('names the field', () => {
    expect(nulPath({ patient: { name: { family: 'A\u0000' } } })).toBe('patient.name.family');
    expect(nulPath({ history: [{ npi: '1' }, { npi: '\u0000' }] })).toBe('history[1].npi');
    expect(nulPath({ 'a\u0000b': 1 })).toBe('a\\u0000b');
    expect(nulPath('\u0000')).toBe('(value)');
    expect(nulPath({ a: ['x', { b: 2 }], c: null })).toBeUndefined();
  });

  it('gives the same answer as the plain walk for any JSON value', () => {
    const text = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('\u0000', 'a\u0000', 'ok'));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(text, tie('value'), { maxKeys: 4 })),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        expect(nulPath(value)).toBe(reference(value));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});
