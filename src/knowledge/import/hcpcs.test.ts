import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hcpcs, hcpcsEdition } from './hcpcs.js';
import { decodeTables, encodeTables } from './table.js';

const DIR = new URL('../../../test/fixtures/cms/hcpcs/', import.meta.url);
const fixture = (name: string) => ({ name, bytes: readFileSync(new URL(name, DIR)) });
const Y2019 = 'HCPC2019_CONTR_ANWEB.txt';
const JUL = 'HCPC2026_JUL_ANWEB_06172026.txt';
const julText = readFileSync(new URL(JUL, DIR), 'latin1');
const text = (name: string, body: string) => ({ name, bytes: Buffer.from(body, 'latin1') });
const withLine = (body: string, line: number, edit: (l: string) => string) =>
  body
    .split('\r\n')
    .map((l, i) => (i === line - 1 ? edit(l) : l))
    .join('\r\n');
const rowsOf = (data: ReturnType<typeof hcpcs.read>) => {
  const t = data.tables.codes!;
  return Array.from({ length: t.rows }, (_, i) => t.row(i));
};
const G0130 = {
  code: 'G0130',
  short: 'Single energy x-ray study',
  long: 'Single energy x-ray absorptiometry (sexa) bone density study, one or more sites; appendicular skeleton (peripheral) (e.g., radius, wrist, heel)',
  added: 19980701,
  actionEffective: 19980701,
  terminated: null,
  action: 'N',
};

describe('HCPCS Level II importer (CMS fixed-width alpha-numeric file)', () => {
  it('reads the 2019 annual file: disclaimer skipped, continuation lines joined, modifiers skipped', () => {
    const data = hcpcs.read([fixture(Y2019)]);
    const rows = rowsOf(data);
    expect(rows.map((r) => r.code)).toEqual(['A4206', 'G0008', 'G0068', 'G0130', 'G0154']);
    expect(rows.find((r) => r.code === 'G0130')).toEqual(G0130);
    expect(rows.find((r) => r.code === 'G0154')).toMatchObject({ added: 19990701, actionEffective: 20160301, terminated: 20160229, action: 'N' });
    expect(rows.find((r) => r.code === 'G0068')).toMatchObject({ added: 20190101, action: 'A', short: 'Adm of infusion drug in home' });
    expect(rows.find((r) => r.code === 'G0068')!.long).toMatch(/^Professional services for the administration of anti-infective, pain management, chelation, .* home, each 15 minutes$/);
    expect(data.rowCounts).toEqual({ codes: 5, modifiers: 1, records: 17 });
    expect(data.edition).toBe('2019');
    expect(data.effective).toBeUndefined();
    expect(data.warnings).toEqual(['HCPC2019_CONTR_ANWEB.txt: 8 disclaimer line(s) before the first record were skipped']);
  });

  it('reads the quarterly 293-character layout and names the edition from the file name', () => {
    const data = hcpcs.read([fixture(JUL)]);
    expect(rowsOf(data)).toEqual(rowsOf(hcpcs.read([fixture(Y2019)])));
    expect(data.edition).toBe('2026 July');
    expect(data.effective).toEqual({ from: '2026-07-01', to: null });
    expect(data.warnings).toEqual([]);
    expect(hcpcsEdition('HCPC2025_OCT_ANWEB_09152025.txt')).toEqual({ edition: '2025 October', effective: { from: '2025-10-01', to: null } });
  });

  it('names file, line and column of a bad date, a truncated record and a broken continuation', () => {
    expect(() => hcpcs.read([text(JUL, withLine(julText, 14, (l) => `${l.slice(0, 268)}19981301${l.slice(276)}`))])).toThrow(
      'HCPC2026_JUL_ANWEB_06172026.txt:14:269: expected a code added date as YYYYMMDD (or blank), got "19981301"',
    );
    expect(() => hcpcs.read([text(JUL, withLine(julText, 16, (l) => `${l.slice(0, 284)}2016-2-1${l.slice(292)}`))])).toThrow(
      'HCPC2026_JUL_ANWEB_06172026.txt:16:285: expected a termination date as YYYYMMDD (or blank), got "2016-2-1"',
    );
    expect(() => hcpcs.read([text(JUL, withLine(julText, 14, (l) => l.slice(0, 200)))])).toThrow(
      'HCPC2026_JUL_ANWEB_06172026.txt:14:201: expected a first record of at least 293 characters (dates in 269-292, action code in 293); this one ends at position 200',
    );
    expect(() => hcpcs.read([text(JUL, withLine(julText, 15, (l) => `G0131${l.slice(5)}`))])).toThrow(
      'HCPC2026_JUL_ANWEB_06172026.txt:15:1: expected a continuation line of G0130, got "G0131"',
    );
    expect(() => hcpcs.read([text(JUL, withLine(julText, 14, (l) => `${l.slice(0, 292)}7`))])).toThrow(
      'HCPC2026_JUL_ANWEB_06172026.txt:14:293: expected an action code (one letter: A, B, C, D, F, N, P, R, S, T), got "7"',
    );
    expect(() => hcpcs.read([text(JUL, withLine(julText, 16, (l) => `G0130${l.slice(5)}`).replace(/\r\nG0154002004/, '\r\nG0130002004'))])).toThrow(
      'HCPC2026_JUL_ANWEB_06172026.txt:16:1: expected one first record per code (G0130 starts on line 14), got "G0130"',
    );
    expect(() => hcpcs.read([text(JUL, withLine(julText, 2, (l) => `   TX${l.slice(5)}`))])).toThrow(
      'HCPC2026_JUL_ANWEB_06172026.txt:2:1: expected a continuation of modifier TC, got "TX"',
    );
  });

  it('refuses a file that is not this layout', () => {
    const pprrvu = readFileSync(new URL('../../../test/fixtures/cms/pfs-rvu/PPRRVU24_JAN.txt', import.meta.url));
    expect(() => hcpcs.read([{ name: 'PPRRVU24_JAN.txt', bytes: pprrvu }])).toThrow(
      'PPRRVU24_JAN.txt:1:11: expected a record identification code 3, 4, 7 or 8 in position 11 of an HCPCS record (this does not look like the HCPCS alpha-numeric file), got "HDR CPT CODE"',
    );
    expect(() => hcpcs.read([text(JUL, withLine(julText, 9, (l) => `${l.slice(0, 10)}5${l.slice(11)}`))])).toThrow(/^HCPC2026_JUL_ANWEB_06172026\.txt:9:11: expected a record identification code 3, 4, 7 or 8/);
    expect(() => hcpcs.read([{ name: 'HCPC2026_JUL_ANWEB_06172026.xlsx', bytes: Buffer.from('PK\x03\x04rest', 'latin1') }])).toThrow(/^HCPC2026_JUL_ANWEB_06172026\.xlsx: expected the fixed-width HCPCS \.txt/);
    expect(() => hcpcs.read([text(JUL, julText.split('\r\n').slice(0, 7).join('\r\n'))])).toThrow(
      'HCPC2026_JUL_ANWEB_06172026.txt: expected at least one HCPCS procedure record (identification code 3)',
    );
  });

  it('round-trips through the stored table encoding', () => {
    const data = hcpcs.read([fixture(JUL)]);
    const t = decodeTables(encodeTables(data.tables)).codes!;
    expect(Array.from({ length: t.rows }, (_, i) => t.row(i))).toEqual(rowsOf(data));
  });

  it('reads a generated full-size file (8,725 codes, 384 modifiers), deterministically', async () => {
    const url = new URL('../../../bench/cms-fixtures/hcpcs.js', import.meta.url).href;
    const { writeHcpcs } = (await import(url)) as {
      writeHcpcs: (dir: string, options: { codes?: number; seed?: number }) => { path: string; rows: number; lines: number };
    };
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-hcpcs-'));
    try {
      const file = writeHcpcs(dir, { codes: 8725, seed: 7 });
      expect(file.rows).toBe(8725);
      const started = performance.now();
      const data = hcpcs.read([{ name: 'HCPC2026_JUL_ANWEB_06172026.txt', bytes: readFileSync(file.path) }]);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(data.rowCounts).toEqual({ codes: 8725, modifiers: 384, records: file.lines });
      expect(data.edition).toBe('2026 July');
      const again = writeHcpcs(join(dir, 'again'), { codes: 500, seed: 7 });
      const first = writeHcpcs(join(dir, 'first'), { codes: 500, seed: 7 });
      expect(readFileSync(again.path).equals(readFileSync(first.path))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
