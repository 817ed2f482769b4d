import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { leie } from './leie.js';

const DIR = new URL('../../../test/fixtures/cms/leie/', import.meta.url);
const HEADER = 'LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE';
const BASE = ['DOE', 'JANE', '', '', 'INDIVIDUAL', 'NURSING PROFESSION', '', '1234567893', '', '', '', 'OH', '', '1128a1', '20190312', '00000000', '00000000', ''];
/** One quoted data row (the invented BASE row with some fields replaced, by index). */
const row = (changes: Record<number, string> = {}, fields = BASE) => fields.map((f, i) => `"${changes[i] ?? f}"`).join(',');
const file = (...rows: string[]) => [{ name: 'UPDATED.csv', bytes: Buffer.from(`${HEADER}\r\n${rows.join('\r\n')}\r\n`, 'latin1') }];

describe('LEIE importer (OIG UPDATED.csv layout)', () => {
  it('reads individuals and entities: NPI null for 0000000000, dates null for 00000000, no DOB or address kept', () => {
    const data = leie.read([{ name: 'UPDATED.csv', bytes: readFileSync(new URL('UPDATED.csv', DIR)) }]);
    const t = data.tables.rows!;
    expect(t.rows).toBe(5);
    expect(Object.keys(t.spec)).not.toContain('dob');
    expect(Object.keys(t.spec).join()).not.toMatch(/address|city|zip|dob|upin|mid/i);
    expect(t.row(0)).toEqual({
      npi: 1234567893, lastName: 'QUILLFEATHER', firstName: 'ANNA', businessName: '', general: 'IND- LIC HC SERV PRO', specialty: 'PHYSICIAN (MD)',
      state: 'OH', exclusionType: '1128a1', exclusionDate: 20190312, reinstatementDate: null, waiverDate: null, waiverState: '',
    });
    expect(t.row(1).npi).toBeNull();
    expect(t.row(2)).toMatchObject({ npi: 1456789019, lastName: '', businessName: 'FICTIONAL DENSITOMETRY, LLC', general: 'OTHER BUSINESS' });
    expect(t.row(3)).toMatchObject({ waiverDate: 20220301, waiverState: 'GA' });
    expect(t.row(4)).toMatchObject({ reinstatementDate: 20260901 });
    expect(data.edition).toBe('LEIE (latest exclusion 2026-07-10)');
    expect(data.effective).toBeUndefined();
    expect(data.rowCounts).toEqual({ rows: 5 });
    expect(data.warnings).toEqual([]);
  });

  it('takes the date of a file name that has one', () => {
    const data = leie.read([{ name: 'LEIE_2026-09-01.csv', bytes: file(row())[0]!.bytes }]);
    expect(data.effective).toEqual({ from: '2026-09-01', to: null });
    expect(data.edition).toBe('LEIE 2026-09-01');
  });

  it('names file, line and column of a header that is not the OIG header', () => {
    const bad = [{ name: 'UPDATED.csv', bytes: Buffer.from(`${HEADER.replace('WVRSTATE', 'WAIVERSTATE')}\r\n${row()}\r\n`) }];
    expect(() => leie.read(bad)).toThrow(`UPDATED.csv:1:128: expected the column "WVRSTATE" (header ${HEADER}), got "WAIVERSTATE"`);
    const short = [{ name: 'UPDATED.csv', bytes: Buffer.from(`${HEADER.replace(',WVRSTATE', '')}\r\n`) }];
    expect(() => leie.read(short)).toThrow(`UPDATED.csv:1:117: expected the column "WVRSTATE" after this one (header ${HEADER}), got "WAIVERDATE"`);
    const extra = [{ name: 'UPDATED.csv', bytes: Buffer.from(`${HEADER},X\r\n`) }];
    expect(() => leie.read(extra)).toThrow('UPDATED.csv:1:137: expected no column after "WVRSTATE", got "X"');
  });

  it('names file, line and column of every field that does not match the layout', () => {
    expect(() => leie.read(file(row(), row({ 7: '123456789' })))).toThrow('UPDATED.csv:3:57: expected an NPI (10 digits, 0000000000 when none), got "123456789"');
    expect(() => leie.read(file(row({ 0: '' })))).toThrow('UPDATED.csv:2:1: expected a LASTNAME (an individual) or a BUSNAME (an entity), got ""');
    expect(() => leie.read(file(row({ 13: '' })))).toThrow('UPDATED.csv:2:87: expected the exclusion type (EXCLTYPE, e.g. 1128a1), got ""');
    expect(() => leie.read(file(row({ 14: '2019-03-12' })))).toThrow('UPDATED.csv:2:96: expected the exclusion date (YYYYMMDD), got "2019-03-12"');
    expect(() => leie.read(file(row({ 14: '00000000' })))).toThrow('UPDATED.csv:2:96: expected the exclusion date (YYYYMMDD), got "00000000"');
    expect(() => leie.read(file(row({ 15: '20191332' })))).toThrow('UPDATED.csv:2:107: expected the reinstatement date (YYYYMMDD, 00000000 when none), got "20191332"');
    expect(() => leie.read(file(row({ 16: '2020' })))).toThrow('UPDATED.csv:2:118: expected the waiver date (YYYYMMDD, 00000000 when none), got "2020"');
    expect(() => leie.read(file(row({ 11: 'Ohio' })))).toThrow('UPDATED.csv:2:79: expected a state abbreviation (2 capital letters) or empty, got "Ohio"');
    expect(() => leie.read(file(row({ 17: 'ga' })))).toThrow('UPDATED.csv:2:129: expected a waiver state abbreviation (2 capital letters) or empty, got "ga"');
  });

  it('refuses rows with too few or too many fields, an open quote, and a file without rows', () => {
    expect(() => leie.read(file(row({}, BASE.slice(0, 17))))).toThrow(`UPDATED.csv:2:118: expected 18 fields (${HEADER}); this row ends with field 17, WAIVERDATE, got "00000000"`);
    expect(() => leie.read(file(row({}, [...BASE, 'X'])))).toThrow('UPDATED.csv:2:132: expected no field after WVRSTATE (18 fields a row), got "X"');
    expect(() => leie.read(file('"DOE,"JANE"'))).toThrow('UPDATED.csv:2:1: expected 18 fields (LASTNAME,');
    expect(() => leie.read(file(`${row()}\r\n"OPEN`))).toThrow('UPDATED.csv:3:1: expected a closing quote for the field that opens here');
    expect(() => leie.read([{ name: 'UPDATED.csv', bytes: Buffer.from(`${HEADER}\r\n`) }])).toThrow('UPDATED.csv: expected at least one exclusion row after the header');
    expect(() => leie.read([{ name: 'UPDATED.csv', bytes: Buffer.from('') }])).toThrow('UPDATED.csv: expected the header row LASTNAME,');
  });

  it('keeps an NPI with a bad check digit as OIG lists it, with a warning', () => {
    const data = leie.read(file(row({ 7: '1234567890' })));
    expect(data.tables.rows!.row(0).npi).toBe(1234567890);
    expect(data.warnings).toEqual(['UPDATED.csv:2: NPI 1234567890 has an invalid check digit (kept as OIG lists it)']);
  });
});
