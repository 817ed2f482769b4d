import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ptpHospital, ptpPractitioner, ptpQuarterOfVersion } from './ptp.js';
import { INT_NULL } from './table.js';
import { ImportError, KIND_TABLES } from './types.js';

const DIR = new URL('../../../test/fixtures/cms/ptp/', import.meta.url);
const fixture = (name: string) => ({ name, bytes: readFileSync(new URL(name, DIR)) });
const text = (name: string, body: string) => ({ name, bytes: Buffer.from(body, 'latin1') });
/** The six header lines exactly as CMS writes them (see ptp.ts). */
const HEAD = [
  'CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t',
  'Column1/Column2 Edits\t\t\t\t\t\t',
  'Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale',
  '\t\tprior to 1996\tDate\tDate\t0=not allowed\t',
  '\t\t\t\t*=no data\t1=allowed\t',
  '\t\t\t\t\t9=not applicable\t',
].join('\r\n');
const GOOD = '77080\t77078\t\t20070101\t*\t1\tMutually exclusive procedures';
const F = 'ccipra-v320r0-f4.txt';
/** A one-file practitioner quarter: the header, a good row (line 7), then `row` on line 8. */
const withRow = (row: string) => [text(F, `${HEAD}\r\n${GOOD}\r\n${row}\r\n`)];

describe('NCCI PTP importer (CMS text layout)', () => {
  it('reads a practitioner quarter: rows of every part, deleted rows counted, edition and quarter from the name', () => {
    const data = ptpPractitioner.read([fixture('ccipra-v320r0-f1.txt'), fixture('ccipra-v320r0-f4.txt')]);
    const rows = data.tables.rows!;
    expect(Object.keys(rows.spec)).toEqual(Object.keys(KIND_TABLES.ptp.rows));
    expect(rows.rows).toBe(20);
    expect(data.rowCounts).toEqual({ rows: 20, deleted: 5, f1: 8, f4: 12 });
    expect(data.edition).toBe('v32.0 (practitioner)');
    expect(data.effective).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(data.warnings).toEqual([]);
    expect(rows.row(0)).toEqual({ column1: '0001A', column2: '0591T', pre1996: 0, effective: 20220101, deletion: 20231231, modifier: 1, rationale: 'CPT Manual or CMS manual coding instruction' });
    expect(rows.row(3)).toEqual({ column1: '10060', column2: '11055', pre1996: 1, effective: 19960101, deletion: null, modifier: 1, rationale: 'Standards of medical/surgical practice' });
    const all = Array.from({ length: rows.rows }, (_, i) => rows.row(i));
    expect(all.find((r) => r.column1 === '77085' && r.column2 === '77086')).toMatchObject({ modifier: 0, deletion: null });
    expect(all.find((r) => r.column1 === '77086' && r.column2 === '72020')).toMatchObject({ modifier: 9, deletion: 20150101 });
    expect(all.find((r) => r.column1 === '77080' && r.column2 === 'G0130')).toMatchObject({ pre1996: 1 });
    expect(rows.int('deletion')[2]).toBe(INT_NULL);
  });

  it('accepts the parts in any order and keeps them in f1..f4 order', () => {
    const inOrder = ptpPractitioner.read([fixture('ccipra-v320r0-f1.txt'), fixture('ccipra-v320r0-f4.txt')]).tables.rows!;
    const reversed = ptpPractitioner.read([fixture('ccipra-v320r0-f4.txt'), fixture('ccipra-v320r0-f1.txt')]).tables.rows!;
    expect(Array.from({ length: reversed.rows }, (_, i) => reversed.row(i))).toEqual(Array.from({ length: inOrder.rows }, (_, i) => inOrder.row(i)));
  });

  it('reads the outpatient hospital table and refuses the two tables mixed up', () => {
    const data = ptpHospital.read([fixture('ccioph-v320r0-f4.txt')]);
    expect(data.edition).toBe('v32.0 (outpatient hospital)');
    expect(data.rowCounts).toEqual({ rows: 11, deleted: 2, f4: 11 });
    expect(() => ptpPractitioner.read([fixture('ccioph-v320r0-f4.txt')])).toThrow(
      'ccioph-v320r0-f4.txt: expected a practitioner PTP file (ccipra-...) for ptp-practitioner, got "ccioph (outpatient hospital; import it as ptp-hospital)"',
    );
    expect(() => ptpHospital.read([fixture('ccioph-v320r0-f4.txt'), fixture('ccipra-v320r0-f1.txt')])).toThrow(
      'ccipra-v320r0-f1.txt: expected an outpatient hospital PTP file (ccioph-...) for ptp-hospital, got "ccipra (practitioner; import it as ptp-practitioner)"',
    );
  });

  it('refuses files of two versions, a part given twice, and more than four files', () => {
    expect(() => ptpPractitioner.read([fixture('ccipra-v320r0-f1.txt'), fixture('ccipra-v321r0-f2.txt')])).toThrow(
      'ccipra-v321r0-f2.txt: expected files of one version (v32.0, as ccipra-v320r0-f1.txt), got "v32.1"',
    );
    expect(() => ptpPractitioner.read([fixture('ccipra-v320r0-f1.txt'), fixture('ccipra-v320r0-f1.txt')])).toThrow(
      'ccipra-v320r0-f1.txt: expected one file per part (f1 is already ccipra-v320r0-f1.txt)',
    );
    const f1 = fixture('ccipra-v320r0-f1.txt');
    expect(() => ptpPractitioner.read([f1, f1, f1, f1, f1])).toThrow('expected 1 to 4 files of one practitioner PTP quarter (f1 to f4), got "5 files"');
  });

  it('names file, line and column of every field that does not fit the layout', () => {
    const at = (row: string) => () => ptpPractitioner.read(withRow(row));
    expect(at('7708\t77078\t\t20070101\t*\t1\tx')).toThrow(`${F}:8:1: expected a Column 1 CPT or HCPCS code (5 letters or digits), got "7708"`);
    expect(at('77080\tg0130\t\t20070101\t*\t1\tx')).toThrow(`${F}:8:7: expected a Column 2 CPT or HCPCS code (5 letters or digits), got "g0130"`);
    expect(at('77080\t77078\tY\t20070101\t*\t1\tx')).toThrow(`${F}:8:13: expected "*" (in existence prior to 1996) or an empty field, got "Y"`);
    expect(at('77080\t77078\t\t20260230\t*\t1\tx')).toThrow(`${F}:8:14: expected an effective date (YYYYMMDD), got "20260230"`);
    expect(at('77080\t77078\t\t2007-01-01\t*\t1\tx')).toThrow(`${F}:8:14: expected an effective date (YYYYMMDD), got "2007-01-01"`);
    expect(at('77080\t77078\t\t20070101\tnone\t1\tx')).toThrow(`${F}:8:23: expected a deletion date (YYYYMMDD, or * when the edit is not deleted), got "none"`);
    expect(at('77080\t77078\t\t20070101\t*\t2\tx')).toThrow(`${F}:8:25: expected a modifier indicator 0 (not allowed), 1 (allowed) or 9 (not applicable), got "2"`);
    expect(at('77080\t77078\t\t20070101\t*\t1')).toThrow(`${F}:8:26: expected 7 tab-separated fields (Column 1, Column 2, *, Effective, Deletion, Modifier, Rationale), got "6 fields"`);
    expect(at('77080\t77078\t\t20070101\t*\t1\tx\t\textra')).toThrow(`${F}:8:30: expected 7 tab-separated fields (nothing after the rationale), got "extra"`);
    // An empty rationale and spaces around a field are accepted.
    expect(at('77080\t77078\t\t20070101\t*\t1\t')).not.toThrow();
    expect(ptpPractitioner.read(withRow(' 77080 \t77078\t\t20070101\t * \t1\tx')).tables.rows!.row(1)).toMatchObject({ column1: '77080', deletion: null });
  });

  it('refuses a wrong header, rows before the header, a file without header and a header without rows', () => {
    const wrong = HEAD.replace('\tDeletion\t', '\tDeleted\t');
    expect(() => ptpPractitioner.read([text(F, `${wrong}\r\n${GOOD}\r\n`)])).toThrow(`${F}:3:44: expected the header column "Deletion Date *=no data", got "Deleted Date *=no data"`);
    expect(() => ptpPractitioner.read([text(F, `notice\r\n${GOOD}\r\n`)])).toThrow(`${F}:2:1: expected the PTP header lines ("Column 1", "Column 2", "*=in existence prior to 1996", ...) before the first row, got "77080"`);
    expect(() => ptpPractitioner.read([text('MCR_MUE_PractitionerServices_Eff_10-01-2026.csv', readFileSync(new URL('../mue/MCR_MUE_PractitionerServices_Eff_10-01-2026.csv', DIR), 'latin1'))])).toThrow(
      'MCR_MUE_PractitionerServices_Eff_10-01-2026.csv: expected the PTP header ("Column 1", "Column 2", "*=in existence prior to 1996", ...) within the first 20 lines',
    );
    expect(() => ptpPractitioner.read([text(F, `${HEAD}\r\n`)])).toThrow(ImportError);
    expect(() => ptpPractitioner.read([text(F, `${HEAD}\r\n\r\n`)])).toThrow(`${F}: expected at least one PTP row after the header`);
  });

  it('reads a one-line header, LF line ends, blank lines and blank trailing cells (with a warning)', () => {
    const oneLine = 'Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale';
    const data = ptpPractitioner.read([text('ccipra-v323r1-f4.txt', `notice\n${oneLine}\n${GOOD}\n\n${GOOD.replace('*', '20161231')}\t\t\n`)]);
    expect(data.rowCounts).toEqual({ rows: 2, deleted: 1, f4: 2 });
    expect(data.edition).toBe('v32.3 r1 (practitioner)');
    expect(data.effective).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(data.warnings).toEqual(['ccipra-v323r1-f4.txt:5: 1 row(s) with blank cells after the rationale (ignored)']);
  });

  it('reads files whose names tell neither table nor version, with warnings and no period', () => {
    const data = ptpHospital.read([text('edits.txt', `${HEAD}\r\n${GOOD}\r\n`)]);
    expect(data.edition).toBe('version not in the file names (outpatient hospital)');
    expect(data.effective).toBeUndefined();
    expect(data.rowCounts).toEqual({ rows: 1, deleted: 0, file1: 1 });
    expect(data.warnings).toEqual(['edits.txt: the file name does not say ccioph or ccipra; read as outpatient hospital']);
  });

  it('maps versions to quarters: v32.0 is 2026 Q1, v31.3 2025 Q4', () => {
    expect(ptpQuarterOfVersion(32, 0)).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(ptpQuarterOfVersion(32, 2)).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(ptpQuarterOfVersion(31, 3)).toEqual({ from: '2025-10-01', to: '2025-12-31' });
    expect(ptpQuarterOfVersion(32, 5)).toBeUndefined();
  });

  it('parses a generated quarter of 200,000 rows quickly', async () => {
    const url = new URL('../../../bench/cms-fixtures/ptp.js', import.meta.url).href;
    const { writePtpQuarter } = (await import(url)) as {
      writePtpQuarter: (dir: string, options: { kind?: string; rows?: number; seed?: number }) => { files: string[]; rows: number; deleted: number };
    };
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-ptp-'));
    try {
      const quarter = writePtpQuarter(dir, { rows: 200_000, seed: 3 });
      expect(quarter.rows).toBe(200_000);
      const files = quarter.files.map((path) => ({ name: path.slice(dir.length + 1), bytes: readFileSync(path) }));
      const started = performance.now();
      const data = ptpPractitioner.read(files);
      const ms = performance.now() - started;
      expect(data.rowCounts.rows).toBe(200_000);
      expect(data.rowCounts.deleted).toBe(quarter.deleted);
      expect(data.rowCounts.f1! + data.rowCounts.f2! + data.rowCounts.f3! + data.rowCounts.f4!).toBe(200_000);
      expect(data.edition).toBe('v32.2 (practitioner)');
      expect(ms).toBeLessThan(3000);
      // Deterministic: the same seed writes the same files.
      const again = writePtpQuarter(join(dir, 'again'), { rows: 1000, seed: 3 });
      const first = writePtpQuarter(join(dir, 'first'), { rows: 1000, seed: 3 });
      expect(readFileSync(again.files[0]!)).toEqual(readFileSync(first.files[0]!));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
