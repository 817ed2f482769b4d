import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeTables, encodeTables, INT_NULL, TableBuilder } from './table.js';
import { delimitedRecords, lines, parseCmsDate, decodeText } from './text.js';
import { ImportError } from './types.js';

describe('columnar tables', () => {
  it('round-trips text, int and number columns through encode and decode', () => {
    const b = new TableBuilder({ code: 'text', date: 'int', amount: 'number' });
    b.add(['77080', 20150101, 1.5]);
    b.add(['77085', null, null]);
    b.add(['77080', 20270101, 0]);
    const decoded = decodeTables(encodeTables({ rows: b.build() })).rows!;
    expect(decoded.rows).toBe(3);
    expect(decoded.row(0)).toEqual({ code: '77080', date: 20150101, amount: 1.5 });
    expect(decoded.row(1)).toEqual({ code: '77085', date: null, amount: null });
    expect(decoded.int('date')[1]).toBe(INT_NULL);
    expect(decoded.text('code').values).toEqual(['77080', '77085']);
  });

  it('round-trips any rows (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.option(fc.integer({ min: -2147483647, max: 2147483647 })), fc.option(fc.double({ noNaN: true })))), (rows) => {
        const b = new TableBuilder({ t: 'text', i: 'int', n: 'number' });
        for (const r of rows) b.add(r);
        const t = decodeTables(encodeTables({ x: b.build(), y: new TableBuilder({ z: 'int' }).build() })).x!;
        expect(t.rows).toBe(rows.length);
        rows.forEach((r, k) => expect(t.row(k)).toEqual({ t: r[0], i: r[1], n: r[2] === null ? null : Object.is(r[2], -0) ? -0 : r[2] }));
      }),
      { seed: 20261201, numRuns: 200 },
    );
  });

  it('refuses a column read as the wrong type', () => {
    const t = new TableBuilder({ code: 'text' }).build();
    expect(() => t.int('code')).toThrow(/not a int column/);
  });
});

describe('official file text', () => {
  it('numbers lines across \\n, \\r\\n and \\r breaks', () => {
    expect([...lines('a\r\nb\rc\nd\n')].map((l) => `${l.line}:${l.text}`)).toEqual(['1:a', '2:b', '3:c', '4:d']);
  });

  it('splits quoted CSV fields with commas, doubled quotes and line breaks, and keeps field columns', () => {
    const records = [...delimitedRecords('a,"b,1","say ""hi""\nthere",d\r\n\r\nx,,z\n', ',', 'f.csv')];
    expect(records.map((r) => r.fields)).toEqual([['a', 'b,1', 'say "hi"\nthere', 'd'], ['x', '', 'z']]);
    expect(records[0]!.columns).toEqual([1, 3, 9, 8]);
    expect(records[0]!.lines).toEqual([1, 1, 1, 2]);
    expect(records[1]!.line).toBe(4);
  });

  it('names the line and column of an unterminated quote', () => {
    expect(() => [...delimitedRecords('a,b\nc,"open\n', ',', 'f.csv')]).toThrow(ImportError);
    expect(() => [...delimitedRecords('a,b\nc,"open\n', ',', 'f.csv')]).toThrow('f.csv:2:3: expected a closing quote');
  });

  it('reads tab-delimited rows', () => {
    expect([...delimitedRecords('77085\t77080\t\t20150101\n', '\t', 'f.txt')][0]!.fields).toEqual(['77085', '77080', '', '20150101']);
  });

  it('parses the date spellings CMS files use and refuses impossible dates', () => {
    expect(parseCmsDate('20270101')).toBe(20270101);
    expect(parseCmsDate('2027-01-01')).toBe(20270101);
    expect(parseCmsDate('1/1/2027')).toBe(20270101);
    expect(parseCmsDate('20270230')).toBeUndefined();
    expect(parseCmsDate('*')).toBeUndefined();
  });

  it('decodes UTF-8, falls back to Windows-1252 and drops a byte-order mark', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe('A');
    expect(decodeText(new Uint8Array([0x41, 0xe9]))).toBe('Aé');
  });
});
