import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pfsRvu, pprrvuEdition } from './pfs-rvu.js';
import { decodeTables, encodeTables } from './table.js';

const DIR = new URL('../../../test/fixtures/cms/pfs-rvu/', import.meta.url);
const fixture = (name: string) => ({ name, bytes: readFileSync(new URL(name, DIR)) });
const CSV = 'PPRRVU24_JAN.csv';
const TXT = 'PPRRVU24_JAN.txt';
const csvText = readFileSync(new URL(CSV, DIR), 'latin1');
const txtText = readFileSync(new URL(TXT, DIR), 'latin1');
const text = (name: string, body: string) => ({ name, bytes: Buffer.from(body, 'latin1') });
/** The fixture with one line (1-based) replaced. */
const withLine = (body: string, line: number, edit: (l: string) => string) =>
  body
    .split('\r\n')
    .map((l, i) => (i === line - 1 ? edit(l) : l))
    .join('\r\n');
const rowsOf = (data: ReturnType<typeof pfsRvu.read>) => {
  const t = data.tables.rows!;
  return Array.from({ length: t.rows }, (_, i) => t.row(i));
};

describe('PFS relative value importer (PPRRVU, CMS CSV and fixed-width layouts)', () => {
  it('reads the CSV: the CY2024 bone-density rows, global, 26 and TC, with the stacked header found by name', () => {
    const data = pfsRvu.read([fixture(CSV)]);
    const rows = rowsOf(data);
    expect(rows).toHaveLength(24);
    expect(data.rowCounts).toEqual({ rows: 24, codes: 8 });
    expect(data.edition).toBe('RVU24A');
    expect(data.effective).toEqual({ from: '2024-01-01', to: null });
    expect(data.warnings).toEqual([]);
    expect(rows.find((r) => r.code === '77080' && r.modifier === '')).toEqual({
      code: '77080', modifier: '', description: 'Dxa bone density axial', status: 'A', pctc: '1', globalDays: 'XXX',
      workRvu: 0.2, nonFacilityPeRvu: 0.95, facilityPeRvu: 0.95, mpRvu: 0.02, nonFacilityTotal: 1.17, facilityTotal: 1.17, conversionFactor: 32.7442,
    });
    expect(rows.find((r) => r.code === '77080' && r.modifier === '26')).toMatchObject({ workRvu: 0.2, nonFacilityPeRvu: 0.07, facilityTotal: 0.28 });
    expect(rows.find((r) => r.code === 'G0130' && r.modifier === 'TC')).toMatchObject({ workRvu: 0, nonFacilityPeRvu: 0.77, nonFacilityTotal: 0.78 });
    expect(rows.find((r) => r.code === '77084' && r.modifier === '')).toMatchObject({ workRvu: 1.6, nonFacilityTotal: 9.78 });
  });

  it('reads the fixed-width .txt to the same rows', () => {
    const data = pfsRvu.read([fixture(TXT)]);
    expect(rowsOf(data)).toEqual(rowsOf(pfsRvu.read([fixture(CSV)])));
    expect(data.edition).toBe('RVU24A');
  });

  it('finds the columns by header text in the CY2026 layout (pricing indicator column before ENDO BASE)', () => {
    // Illustrative header: the CY2025 stacked header with a 32nd column inserted at position 24; only its last
    // cell ("IND") is attested. The 99213 row is a real RVU26C (July 2026, nonQPP) row.
    const header = csvText.split('\r\n').slice(0, 10).map((l, i) => {
      const cells = l.split(',');
      cells.splice(23, 0, i === 8 ? 'PRICING' : i === 9 ? 'IND' : '');
      return cells.join(',');
    });
    const row = '99213,,Office o/p est low 20 min,A,,1.30,1.46,,0.33,,0.09,2.85,1.72,0,XXX,0.00,0.00,0.00,0,0,0,0,0,9,,33.4009,09,0,99,0.00,0.00,0.00';
    const data = pfsRvu.read([text('PPRRVU2026_Jul_nonQPP.csv', `${header.join('\r\n')}\r\n${row}\r\n`)]);
    expect(rowsOf(data)).toEqual([
      { code: '99213', modifier: '', description: 'Office o/p est low 20 min', status: 'A', pctc: '0', globalDays: 'XXX', workRvu: 1.3, nonFacilityPeRvu: 1.46, facilityPeRvu: 0.33, mpRvu: 0.09, nonFacilityTotal: 2.85, facilityTotal: 1.72, conversionFactor: 33.4009 },
    ]);
    expect(data.edition).toBe('RVU26C nonQPP');
    expect(data.effective).toEqual({ from: '2026-07-01', to: null });
  });

  it('names the edition and quarter from the member name', () => {
    expect(pprrvuEdition('PPRRVU2026_Jan_QPP.csv')).toEqual({ edition: 'RVU26A QPP', effective: { from: '2026-01-01', to: null } });
    expect(pprrvuEdition('rvu25d/PPRRVU2025_Oct.txt')).toEqual({ edition: 'RVU25D', effective: { from: '2025-10-01', to: null } });
    expect(pprrvuEdition('PPRRVU25_APR.csv')).toEqual({ edition: 'RVU25B', effective: { from: '2025-04-01', to: null } });
    expect(pprrvuEdition('relative-values.csv')).toEqual({ edition: 'relative-values', effective: undefined });
  });

  it('leaves a blank number missing (NaN) and reads NA as missing', () => {
    const body = withLine(csvText, 11, (l) => l.replace('76977,,Us bone density measure,A,,0.05,0.15,', '76977,,Us bone density measure,A,,,NA,'));
    const t = pfsRvu.read([text(CSV, body)]).tables.rows!;
    expect(t.row(0)).toMatchObject({ code: '76977', workRvu: null, nonFacilityPeRvu: null, facilityPeRvu: 0.15 });
    expect(Number.isNaN(t.number('workRvu')[0])).toBe(true);
  });

  it('names file, line and column of a missing column, a bad number, a bad PC/TC indicator and other bad values', () => {
    expect(() => pfsRvu.read([text(CSV, withLine(csvText, 9, (l) => l.replace('MEDICARE ,WORK,', 'MEDICARE ,LABOR,')))])).toThrow(
      'PPRRVU24_JAN.csv:10:36: expected a column headed "WORK RVU" in the PPRRVU header, got "LABOR RVU"',
    );
    expect(() => pfsRvu.read([text(CSV, withLine(csvText, 17, (l) => l.replace(',A,,0.20,', ',A,,0.2O,')))])).toThrow(
      'PPRRVU24_JAN.csv:17:34: expected a number in WORK RVU, got "0.2O"',
    );
    expect(() => pfsRvu.read([text(CSV, withLine(csvText, 17, (l) => l.replace(',1.17,1.17,1,XXX,', ',1.17,1.17,P,XXX,')))])).toThrow(
      'PPRRVU24_JAN.csv:17:68: expected a PC/TC indicator (one digit, 0-9), got "P"',
    );
    expect(() => pfsRvu.read([text(CSV, withLine(csvText, 17, (l) => l.replace(',1,XXX,', ',1,XX,')))])).toThrow(
      'PPRRVU24_JAN.csv:17:70: expected global days (000, 010, 090, MMM, XXX, YYY or ZZZ), got "XX"',
    );
    expect(() => pfsRvu.read([text(CSV, withLine(csvText, 17, (l) => l.replace(',A,,', ',active,,')))])).toThrow(
      'PPRRVU24_JAN.csv:17:31: expected a status code (one letter: A, B, C, E, I, J, M, N, P, R, T, X ...), got "active"',
    );
    expect(() => pfsRvu.read([text(CSV, withLine(csvText, 18, (l) => l.replace('77080,26,', '77080,,')))])).toThrow(
      'PPRRVU24_JAN.csv:18:1: expected one row per code and modifier (77080 is already on line 17)',
    );
    expect(() => pfsRvu.read([text(CSV, withLine(csvText, 18, (l) => l.split(',').slice(0, 20).join(',')))])).toThrow(
      /^PPRRVU24_JAN\.csv:18:\d+: expected a value in the column "CONV FACTOR" \(column 25; the row has 20\)$/,
    );
  });

  it('names the line and column of a bad or truncated fixed-width record', () => {
    expect(() => pfsRvu.read([text(TXT, withLine(txtText, 14, (l) => l.slice(0, 120)))])).toThrow(
      'PPRRVU24_JAN.txt:14:121: expected a PPRRVU record of at least 140 characters (positions 133-140 hold the conversion factor); this one ends at position 120',
    );
    expect(() => pfsRvu.read([text(TXT, withLine(txtText, 14, (l) => `${l.slice(0, 59)}  x.25${l.slice(65)}`))])).toThrow(
      'PPRRVU24_JAN.txt:14:60: expected a number in WORK RVU, got "x.25"',
    );
    expect(() => pfsRvu.read([text(TXT, withLine(txtText, 14, (l) => `${l.slice(0, 102)}Q${l.slice(103)}`))])).toThrow(
      'PPRRVU24_JAN.txt:14:103: expected a PC/TC indicator (one digit, 0-9), got "Q"',
    );
  });

  it('refuses a file that is not this layout', () => {
    const mue = readFileSync(new URL('../../../test/fixtures/cms/mue/MCR_MUE_PractitionerServices_Eff_10-01-2026.csv', import.meta.url));
    expect(() => pfsRvu.read([{ name: 'mue.csv', bytes: mue }])).toThrow(
      'mue.csv:5:1: expected the PPRRVU column header (a row starting HCPCS, MOD, DESCRIPTION, with STATUS / CODE, WORK / RVU ... stacked above) before the first code, got "76977"',
    );
    const hcpcs = readFileSync(new URL('../../../test/fixtures/cms/hcpcs/HCPC2019_CONTR_ANWEB.txt', import.meta.url));
    expect(() => pfsRvu.read([{ name: 'HCPC2019_CONTR_ANWEB.txt', bytes: hcpcs }])).toThrow(
      'HCPC2019_CONTR_ANWEB.txt:1:1: expected a CPT or HCPCS code in positions 1-5 of a PPRRVU record (or an HDR header record), got "***Di"',
    );
    expect(() => pfsRvu.read([text('notes.csv', 'title\r\nsomething else\r\n')])).toThrow(
      'notes.csv: expected the PPRRVU column header (a row starting HCPCS, MOD, DESCRIPTION, ...): this is not the PFS relative value file',
    );
    expect(() => pfsRvu.read([{ name: 'PPRRVU24_JAN.xlsx', bytes: Buffer.from('PK\x03\x04rest', 'latin1') }])).toThrow(/^PPRRVU24_JAN\.xlsx: expected the PPRRVU \.csv or \.txt file/);
    expect(() => pfsRvu.read([text(CSV, csvText.split('\r\n').slice(0, 10).join('\r\n'))])).toThrow('PPRRVU24_JAN.csv: expected at least one PPRRVU row');
  });

  it('round-trips through the stored table encoding', () => {
    const data = pfsRvu.read([fixture(CSV)]);
    const back = decodeTables(encodeTables(data.tables));
    const t = back.rows!;
    expect(Array.from({ length: t.rows }, (_, i) => t.row(i))).toEqual(rowsOf(data));
  });

  it('reads a generated full-size file (19,090 rows) in both forms, deterministically', async () => {
    const url = new URL('../../../bench/cms-fixtures/pfs-rvu.js', import.meta.url).href;
    const { writePprrvu } = (await import(url)) as {
      writePprrvu: (dir: string, options: { rows?: number; seed?: number; format?: string }) => { path: string; rows: number };
    };
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-pprrvu-'));
    try {
      const csv = writePprrvu(dir, { rows: 19_090, seed: 5 });
      const txt = writePprrvu(dir, { rows: 19_090, seed: 5, format: 'txt' });
      expect(csv.rows).toBe(19_090);
      const started = performance.now();
      const a = pfsRvu.read([{ name: 'PPRRVU2025_Oct.csv', bytes: readFileSync(csv.path) }]);
      expect(performance.now() - started).toBeLessThan(5000);
      const b = pfsRvu.read([{ name: 'PPRRVU2025_Oct.txt', bytes: readFileSync(txt.path) }]);
      expect(a.rowCounts.rows).toBe(19_090);
      expect(a.edition).toBe('RVU25D');
      expect(b.rowCounts).toEqual(a.rowCounts);
      expect(rowsOf(b).slice(0, 500)).toEqual(rowsOf(a).slice(0, 500));
      const again = writePprrvu(join(dir, 'again'), { rows: 1000, seed: 5 });
      const first = writePprrvu(join(dir, 'first'), { rows: 1000, seed: 5 });
      expect(readFileSync(again.path).equals(readFileSync(first.path))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
