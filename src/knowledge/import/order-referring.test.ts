import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dateInFileName, npiCheckDigitValid, orderReferring } from './order-referring.js';

const DIR = new URL('../../../test/fixtures/cms/order-referring/', import.meta.url);
const NAME = 'Order_and_Referring_2026-09-25.csv';
const HEADER = 'NPI,LAST_NAME,FIRST_NAME,PARTB,DME,HHA,PMD,HOSPICE';
const file = (body: string, name = 'o.csv') => [{ name, bytes: Buffer.from(body, 'latin1') }];
const rows = (...lines: string[]) => file(`${HEADER}\r\n${lines.join('\r\n')}\r\n`);

describe('Order and Referring importer (CMS PECOS CSV layout)', () => {
  it('reads NPI, names and the five Y/N flags as 1/0, the release date from the file name', () => {
    const data = orderReferring.read([{ name: NAME, bytes: readFileSync(new URL(NAME, DIR)) }]);
    const t = data.tables.rows!;
    expect(t.rows).toBe(5);
    expect(t.row(0)).toEqual({ npi: 1234567893, lastName: 'QUILLFEATHER', firstName: 'ANNA', partB: 1, dme: 1, hha: 1, pmd: 1, hospice: 1 });
    expect(t.row(1)).toEqual({ npi: 1987654328, lastName: 'MARBLEWOOD, JR', firstName: 'THEO', partB: 1, dme: 0, hha: 0, pmd: 0, hospice: 0 });
    expect(t.row(2).firstName).toBe('');
    expect(t.row(3)).toMatchObject({ lastName: 'PELLIGRANO-VEST', partB: 0, dme: 1, pmd: 1 });
    expect(data.effective).toEqual({ from: '2026-09-25', to: null });
    expect(data.edition).toBe('Order and Referring 2026-09-25');
    expect(data.rowCounts).toEqual({ rows: 5 });
    expect(data.warnings).toEqual([]);
  });

  it('reads LF line ends, a file name without a date, and warns about a repeated NPI', () => {
    const data = orderReferring.read(file(`${HEADER}\n1234567893,A,B,Y,N,N,N,N\n1234567893,A,B,Y,N,N,N,N\n`));
    expect(data.tables.rows!.rows).toBe(2);
    expect(data.effective).toBeUndefined();
    expect(data.edition).toBe('o.csv');
    expect(data.warnings).toEqual(['o.csv: 1 row(s) repeat an NPI of an earlier row']);
  });

  it('checks NPI check digits and finds dates in file names', () => {
    expect(npiCheckDigitValid('1234567893')).toBe(true);
    expect(npiCheckDigitValid('1234567890')).toBe(false);
    expect(npiCheckDigitValid('123456789')).toBe(false);
    expect(dateInFileName('ORDER_AND_REFERRING_20260928.csv')).toBe('2026-09-28');
    expect(dateInFileName('dir/OrderReferring_09-28-2026.csv')).toBe('2026-09-28');
    expect(dateInFileName('order.csv')).toBeUndefined();
  });

  it('names file, line and column of a header that is not the CMS header', () => {
    expect(() => orderReferring.read(file(`NPI,LNAME,FIRST_NAME,PARTB,DME,HHA,PMD,HOSPICE\r\n`))).toThrow(`o.csv:1:5: expected the column "LAST_NAME" (header ${HEADER}), got "LNAME"`);
    expect(() => orderReferring.read(file(`NPI,LAST_NAME,FIRST_NAME,PARTB,DME,HHA,PMD\r\n`))).toThrow(`o.csv:1:43: expected the column "HOSPICE" (header ${HEADER}), got ""`);
    expect(() => orderReferring.read(file(`${HEADER},EXTRA\r\n`))).toThrow('o.csv:1:52: expected no column after "HOSPICE", got "EXTRA"');
  });

  it('names file, line and column of every field that does not match the layout', () => {
    expect(() => orderReferring.read(rows('1234567893,A,B,Y,N,N,N,N', '123456789,A,B,Y,N,N,N,N'))).toThrow('o.csv:3:1: expected an NPI (10 digits), got "123456789"');
    expect(() => orderReferring.read(rows('1234567890,A,B,Y,N,N,N,N'))).toThrow('o.csv:2:1: expected an NPI with a valid check digit, got "1234567890"');
    expect(() => orderReferring.read(rows('1234567893,,B,Y,N,N,N,N'))).toThrow('o.csv:2:12: expected the provider\'s last name, got ""');
    expect(() => orderReferring.read(rows('1234567893,A,B,Y,X,N,N,N'))).toThrow('o.csv:2:18: expected Y or N in DME, got "X"');
    expect(() => orderReferring.read(rows('1234567893,A,B,Y,N,N,N,yes'))).toThrow('o.csv:2:24: expected Y or N in HOSPICE, got "yes"');
  });

  it('counts lines across a quoted line break, and refuses short and long rows and an open quote', () => {
    expect(() => orderReferring.read(rows('1234567893,"A\r\nB",C,Y,N,N,N,Q'))).toThrow('o.csv:3:14: expected Y or N in HOSPICE, got "Q"');
    expect(() => orderReferring.read(rows('1234567893,A,B,Y,N,N,N'))).toThrow(`o.csv:2:23: expected 8 fields (${HEADER}); this row ends after 7`);
    expect(() => orderReferring.read(rows('1234567893,A,B,Y,N,N,N,N,Z'))).toThrow('o.csv:2:26: expected no field after HOSPICE (8 fields a row), got "Z"');
    expect(() => orderReferring.read(rows('1234567893,"A,B,Y,N,N,N,N'))).toThrow('o.csv:2:12: expected a closing quote for the field that opens here');
  });

  it('refuses a file without the header or without rows', () => {
    expect(() => orderReferring.read(file(''))).toThrow(`o.csv: expected the header row ${HEADER}`);
    expect(() => orderReferring.read(file(`${HEADER}\r\n\r\n`))).toThrow('o.csv: expected at least one provider row after the header');
    expect(() => orderReferring.read(file('1234567893,A,B,Y,N,N,N,N\r\n'))).toThrow('o.csv:1:1: expected the column "NPI"');
  });
});
