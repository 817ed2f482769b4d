import { describe, expect, it } from 'vitest';
import { NdjsonScanner, PartLines, type InputPart } from './input.js';

/** Every item the parts hold, as [line, index, text] (PartLines) or [line, index, message] (a too-long line). */
function itemsOf(parts: InputPart[]): [number, number, string][] {
  const items: [number, number, string][] = [];
  for (const part of parts) {
    if (part.kind === 'items') {
      for (const item of part.items) items.push([item.line ?? -1, item.index, item.kind === 'syntax-error' ? item.message : '?']);
      continue;
    }
    const lines = new PartLines(part);
    let count = 0;
    while (lines.next()) {
      items.push([lines.line, lines.index, lines.text]);
      count++;
    }
    expect(count).toBe(part.items);
    expect(items[items.length - count]?.[1]).toBe(part.index);
  }
  return items;
}

function scan(text: string, chunk: number, limits = { lineBytes: 64, partItems: 2, partBytes: 40 }): [number, number, string][] {
  const bytes = Buffer.from(text);
  const scanner = new NdjsonScanner(limits);
  const parts: InputPart[] = [];
  for (let at = 0; at < bytes.length; at += chunk) parts.push(...scanner.push(bytes.subarray(at, at + chunk)));
  parts.push(...scanner.end());
  return itemsOf(parts);
}

describe('NdjsonScanner and PartLines', () => {
  const text = ['{"a":1}', '', '  \t', '{"b":"é—\u2028"}\r', '\u00a0\uFEFF', '{"c":3}', `{"long":"${'x'.repeat(80)}"}`, '{"d":4}\r', '{"e":5}'].join('\n');
  const expected: [number, number, string][] = [
    [1, 0, '{"a":1}'],
    [4, 1, '{"b":"é—\u2028"}'],
    [6, 2, '{"c":3}'],
    [7, 3, 'line 7: longer than 64 bytes; one encounter must fit in one line of at most 16 MiB'],
    [8, 4, '{"d":4}'],
    [9, 5, '{"e":5}'],
  ];

  it('gives every non-blank line with its number and item index, however the bytes are chunked (chunks shorter than the long line)', () => {
    for (const chunk of [1, 2, 3, 5, 7, 16, 40]) expect(scan(text, chunk), `chunks of ${chunk}`).toEqual(expected);
  });

  it('refuses a line longer than the limit however it is chunked, even inside one chunk, and keeps the lines around it', () => {
    const line = `{"x":"${'y'.repeat(100)}"}`;
    const tooLong = (n: number): [number, number, string] => [n, n - 1, `line ${n}: longer than 64 bytes; one encounter must fit in one line of at most 16 MiB`];
    for (const chunk of [10, 64, 65, 1000]) {
      expect(scan(`${line}\n{"z":1}`, chunk), `chunks of ${chunk}`).toEqual([tooLong(1), [2, 1, '{"z":1}']]);
      expect(scan(`{"a":1}\n${line}\n{"z":1}\n`, chunk), `chunks of ${chunk}`).toEqual([[1, 0, '{"a":1}'], tooLong(2), [3, 2, '{"z":1}']]);
    }
    // Exactly at the limit is held, in one chunk or many.
    const atLimit = `{"x":"${'y'.repeat(64 - 8)}"}`;
    expect(Buffer.byteLength(atLimit)).toBe(64);
    for (const chunk of [7, 1000]) expect(scan(`${atLimit}\n`, chunk)).toEqual([[1, 0, atLimit]]);
    // One byte over it is not, in one chunk or many.
    for (const chunk of [7, 1000]) expect(scan(`${atLimit.replace('y', 'yy')}\n`, chunk)).toEqual([tooLong(1)]);
  });

  it('cuts parts by items and by bytes, and drops parts of blank lines only', () => {
    const bytes = Buffer.from(['{"a":1}', '{"b":2}', '{"c":3}', '', '', '{"d":4}'].join('\n'));
    const scanner = new NdjsonScanner({ lineBytes: 64, partItems: 2, partBytes: 1000 });
    const parts = [...scanner.push(bytes), ...scanner.end()];
    expect(parts.map((p) => (p.kind === 'lines' ? [p.line, p.index, p.items] : []))).toEqual([
      [1, 0, 2],
      [3, 2, 2],
    ]);
    expect(scan('\n\n\n', 1)).toEqual([]);
  });
});
