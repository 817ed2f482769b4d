import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { icd10cm, noteRefs, releaseOfName } from './icd10cm.js';
import type { Table } from './table.js';
import { ImportError } from './types.js';

const DIR = new URL('../../../test/fixtures/cms/icd10cm/', import.meta.url);
const CODES = 'icd10cm_codes_2026.txt';
const ORDER = 'icd10cm_order_2026.txt';
const TABULAR = 'icd10cm_tabular_2026.xml';
const fixture = (name: string, as = name) => ({ name: as, bytes: readFileSync(new URL(name, DIR)) });
const text = (name: string, body: string) => ({ name, bytes: Buffer.from(body, 'utf8') });
const rowsOf = (table: Table) => Array.from({ length: table.rows }, (_, i) => table.row(i));

/** One order-file line in the published layout. */
const orderLine = (order: number, code: string, flag: string, short: string, long: string) =>
  `${String(order).padStart(5, '0')} ${code.padEnd(7)} ${flag} ${short.padEnd(60)} ${long}`;
const XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<ICD10CM.tabular>\n  <version>2026</version>\n';

describe('ICD-10-CM importer (CMS code descriptions, order file, tabular XML)', () => {
  it('reads all three files of one release into codes, excludes1, seventh and placeholder', () => {
    const data = icd10cm.read([fixture(CODES), fixture(ORDER), fixture(TABULAR)]);
    expect(data.rowCounts).toEqual({ codes: 30, billable: 19, headers: 11, excludes1: 13, seventh: 10 });
    expect(data.edition).toBe('FY2026');
    const codes = rowsOf(data.tables.codes!);
    expect(codes[0]).toEqual({ code: 'M485', billable: 0, order: 19653, short: 'Collapsed vertebra, not elsewhere classified', long: 'Collapsed vertebra, not elsewhere classified' });
    expect(codes.find((r) => r.code === 'M8008XA')).toEqual({
      code: 'M8008XA',
      billable: 1,
      order: 21584,
      short: 'Age-rel osteopor w current path fracture, vertebra(e), init',
      long: 'Age-related osteoporosis with current pathological fracture, vertebra(e), initial encounter for fracture',
    });
    expect(codes.find((r) => r.code === 'M810')?.billable).toBe(1);
    expect(codes.find((r) => r.code === 'M81')?.billable).toBe(0);
    expect(codes.find((r) => r.code === 'Z13820')?.long).toBe('Encounter for screening for osteoporosis');

    const excludes1 = rowsOf(data.tables.excludes1!);
    expect(excludes1.filter((r) => r.code === 'M48.5')).toHaveLength(8);
    expect(excludes1).toContainEqual({ code: 'M48.5', note: 'pathological fracture of vertebra due to osteoporosis (M80.-)', refs: 'M80.-' });
    expect(excludes1).toContainEqual({ code: 'M48.5', note: 'traumatic fracture of vertebra (S12.-, S22.-, S32.-)', refs: 'S12.- S22.- S32.-' });
    expect(excludes1).toContainEqual({ code: 'M48.5', note: 'current injury - see Injury of spine, by body region', refs: '' });
    expect(excludes1).toContainEqual({ code: 'M81', note: 'osteoporosis with current pathological fracture (M80.-)', refs: 'M80.-' });
    // Excludes2 and inclusion terms are not Excludes1.
    expect(excludes1.some((r) => String(r.note).includes('Z87.310'))).toBe(false);

    const seventh = rowsOf(data.tables.seventh!);
    expect(seventh.filter((r) => r.code === 'M80').map((r) => r.character)).toEqual(['A', 'D', 'G', 'K', 'P', 'S']);
    expect(seventh.filter((r) => r.code === 'M48.5').map((r) => r.character)).toEqual(['A', 'D', 'G', 'S']);
    expect(seventh).toContainEqual({ code: 'M48.5', character: 'S', description: 'sequela of fracture' });

    // M94.8X is marked placeholder="true" in the XML; M48.50 and M80.08 are derived from M4850XA and M8008XA.
    expect(rowsOf(data.tables.placeholder!).map((r) => r.code)).toEqual(['M94.8X', 'M48.50', 'M80.08']);
  });

  it('reads the codes file alone: every code valid, no order number, no short description', () => {
    const data = icd10cm.read([fixture(CODES)]);
    expect(data.rowCounts).toEqual({ codes: 19, billable: 19, headers: 0, excludes1: 0, seventh: 0 });
    expect(rowsOf(data.tables.codes!)[0]).toEqual({ code: 'M4850XA', billable: 1, order: null, short: '', long: 'Collapsed vertebra, not elsewhere classified, site unspecified, initial encounter for fracture' });
    expect(data.tables.placeholder!.rows).toBe(0);
  });

  it('tells the files apart by content, not by name', () => {
    const data = icd10cm.read([fixture(TABULAR, 'a.dat'), fixture(ORDER, 'b.dat'), fixture(CODES, 'c.dat')]);
    expect(data.rowCounts.codes).toBe(30);
    expect(data.rowCounts.seventh).toBe(10);
    // The XML's <version> still names the fiscal year.
    expect(data.edition).toBe('FY2026');
  });

  it('names the edition and effective period from the file names', () => {
    const april = 'april-1-2026-code-descriptions-tabular-order/Code Descriptions/icd10cm_codes_2026.txt';
    const data = icd10cm.read([fixture(CODES, april)]);
    expect(data.edition).toBe('FY2026 April update');
    expect(data.effective).toEqual({ from: '2026-04-01', to: '2026-09-30' });
    expect(data.warnings).toEqual([]);
    const regular = icd10cm.read([fixture(ORDER, '2026-code-descriptions-tabular-order/icd10cm_order_2026.txt')]);
    expect(regular.edition).toBe('FY2026');
    expect(regular.effective).toEqual({ from: '2025-10-01', to: '2026-09-30' });
    // The plain member names are the same in October and April releases: no period, and a warning says why.
    const plain = icd10cm.read([fixture(ORDER)]);
    expect(plain.effective).toBeUndefined();
    expect(plain.warnings).toHaveLength(1);
    expect(releaseOfName('icd10cm-order-April-2024.txt')).toMatchObject({ fy: 2024, april: true });
    expect(releaseOfName('icd10cm-tabular-oct2025.xml')).toMatchObject({ fy: 2026, april: false });
    expect(releaseOfName('icd10cm_tabular_2027.xml')).toMatchObject({ fy: 2027, april: undefined });
  });

  it('finds the code references inside a note', () => {
    expect(noteRefs('osteoporosis with current pathological fracture (M80.-)')).toBe('M80.-');
    expect(noteRefs('traumatic fracture of vertebrae (S12.0-S12.3-, S22.0-, S32.0-)')).toBe('S12.0-S12.3- S22.0- S32.0-');
    expect(noteRefs('Escherichia coli infection (A04.0-A04.4)')).toBe('A04.0-A04.4');
    expect(noteRefs('Tuberculosis of (inner) (middle) ear')).toBe('');
    expect(noteRefs('code for adverse effect (T36-T50 with fifth or sixth character 5)')).toBe('');
  });

  it('names file, line and column of a bad fixed-width line', () => {
    const good = orderLine(21818, 'M810', '1', 'Age-related osteoporosis w/o current pathological fracture', 'Age-related osteoporosis without current pathological fracture');
    expect(() => icd10cm.read([text('o.txt', `${good}\n${good.slice(0, 5)}x${good.slice(6)}\n`)])).toThrow('o.txt:2:6: expected a blank in column 6 (after the order number), got "xM810    1"');
    expect(() => icd10cm.read([text('o.txt', `${good}\n${good.slice(0, 76)}x${good.slice(77)}\n`)])).toThrow('o.txt:2:77: expected a blank in column 77 (after the 60-column short description)');
    expect(() => icd10cm.read([text('o.txt', `${good}\n00002 M81     0 Osteoporosis\n`)])).toThrow(/^o\.txt:2:29: expected an order line of at least 78 columns/);
    expect(() => icd10cm.read([text('c.txt', 'M810    Age-related osteoporosis without current pathological fracture\nM816   xLocalized osteoporosis [Lequesne]\n')])).toThrow('c.txt:2:8: expected a blank in column 8 (between the code and the description), got "xLocalized"');
  });

  it('refuses an order flag other than 0 or 1, and a bad code shape', () => {
    const line = orderLine(21818, 'M810', '2', 'Age-related osteoporosis w/o current pathological fracture', 'Age-related osteoporosis without current pathological fracture');
    expect(() => icd10cm.read([text('o.txt', `${line}\n`)])).toThrow('o.txt:1:15: expected the flag 0 (header) or 1 (valid for submission) in column 15, got "2"');
    const dotted = orderLine(21818, 'M81.0', '1', 'Age-related osteoporosis', 'Age-related osteoporosis without current pathological fracture');
    expect(() => icd10cm.read([text('o.txt', `${dotted}\n`)])).toThrow(/^o\.txt:1:7: expected an ICD-10-CM code without the dot/);
    expect(() => icd10cm.read([text('c.txt', 'M810    Age-related osteoporosis\nm816    Localized osteoporosis\n')])).toThrow(ImportError);
    expect(() => icd10cm.read([text('c.txt', 'M810    Age-related osteoporosis\nM8 16   Localized osteoporosis\n')])).toThrow(/^c\.txt:2:1: expected an ICD-10-CM code without the dot/);
    expect(() => icd10cm.read([text('c.txt', 'M810    Age-related osteoporosis\nM810    Age-related osteoporosis\n')])).toThrow('c.txt:2:1: expected one line per code (M810 is already on line 1)');
  });

  it('refuses XML that is not well formed, with its line and column', () => {
    const bad = `${XML_HEAD}  <chapter>\n    <diag><name>M80</name></dag>\n</ICD10CM.tabular>\n`;
    expect(() => icd10cm.read([fixture(CODES), text(TABULAR, bad)])).toThrow(`${TABULAR}:5:32: expected well-formed XML (unexpected close tag.)`);
    const unquoted = `${XML_HEAD}  <chapter>\n    <diag placeholder=true><name>M80</name></diag>\n`;
    expect(() => icd10cm.read([fixture(CODES), text(TABULAR, unquoted)])).toThrow(/^icd10cm_tabular_2026\.xml:5:\d+: expected well-formed XML \(unquoted attribute value/);
    const truncated = `${XML_HEAD}  <chapter>\n    <diag><name>M80</name>\n`;
    expect(() => icd10cm.read([fixture(CODES), text(TABULAR, truncated)])).toThrow(/^icd10cm_tabular_2026\.xml:6:1: expected well-formed XML \(unclosed tag/);
  });

  it('refuses XML that is not the tabular list, a diag without a name and a bad 7th character', () => {
    expect(() => icd10cm.read([fixture(CODES), text('t.xml', '<?xml version="1.0"?>\n<index><letter/></index>\n')])).toThrow(/^t\.xml:2:\d+: expected the root element <ICD10CM\.tabular>/);
    expect(() => icd10cm.read([fixture(CODES), text('t.xml', `${XML_HEAD}  <diag><desc>x</desc></diag>\n</ICD10CM.tabular>\n`)])).toThrow(/^t\.xml:4:\d+: expected a <name> inside every <diag>/);
    expect(() => icd10cm.read([fixture(CODES), text('t.xml', `${XML_HEAD}  <diag><name>M80.0.8</name></diag>\n</ICD10CM.tabular>\n`)])).toThrow(/^t\.xml:4:\d+: expected a tabular entry name such as M80\.08/);
    const seventh = `${XML_HEAD}  <diag><name>M80</name><sevenChrDef><extension char="AB">x</extension></sevenChrDef></diag>\n</ICD10CM.tabular>\n`;
    expect(() => icd10cm.read([fixture(CODES), text('t.xml', seventh)])).toThrow(/^t\.xml:4:\d+: expected a 7th character \(one letter or digit\)/);
  });

  it('refuses a codes file and an order file that disagree, naming both', () => {
    const codes = readFileSync(new URL(CODES, DIR), 'utf8');
    // A code the order file flags as a header (M858), and a valid code the codes file lacks (Z780).
    expect(() => icd10cm.read([text(CODES, `${codes}M858    Other specified disorders of bone density and structure\n`), fixture(ORDER)])).toThrow(
      `${CODES}:20:1: expected only codes that ${ORDER} flags valid (1); M858 is a header (0) there, got "M858"`,
    );
    const without = codes.split('\n').filter((l) => !l.startsWith('Z780')).join('\n');
    expect(() => icd10cm.read([text(CODES, without), fixture(ORDER)])).toThrow(`${ORDER}:30:7: expected only valid codes that ${CODES} lists too; Z780 is missing there, got "Z780"`);
  });

  it('refuses two releases mixed, two files of one kind, and a set without codes or order file', () => {
    expect(() => icd10cm.read([fixture(CODES), fixture(ORDER, 'icd10cm_order_2027.txt')])).toThrow('icd10cm_order_2027.txt: expected files of one release (icd10cm_codes_2026.txt is FY2026, this is FY2027)');
    expect(() => icd10cm.read([fixture(CODES, 'april-2026/icd10cm_codes_2026.txt'), fixture(ORDER, '2026-code-descriptions-tabular-order/icd10cm_order_2026.txt')])).toThrow(
      /expected files of one release \(april-2026\/icd10cm_codes_2026\.txt is an April update, this is a regular release\)/,
    );
    const xml2027 = readFileSync(new URL(TABULAR, DIR), 'utf8').replace('<version>2026</version>', '<version>2027</version>');
    expect(() => icd10cm.read([fixture(CODES), text('tabular.xml', xml2027)])).toThrow('tabular.xml: expected files of one release (icd10cm_codes_2026.txt is FY2026, this is FY2027)');
    expect(() => icd10cm.read([fixture(CODES), fixture(CODES, 'other.txt')])).toThrow('other.txt: expected one codes file per release (icd10cm_codes_2026.txt is one already)');
    expect(() => icd10cm.read([fixture(TABULAR)])).toThrow(`${TABULAR}: expected a codes file (icd10cm_codes_<FY>.txt) or an order file (icd10cm_order_<FY>.txt) besides the tabular XML`);
    expect(() => icd10cm.read([text('x.csv', 'code,description\n')])).toThrow(/^x\.csv:1:1: expected an ICD-10-CM codes file/);
  });

  it('reads a generated full-size release (~74,000 valid codes, ~97,000 order rows) quickly', async () => {
    const url = new URL('../../../bench/cms-fixtures/icd10cm.js', import.meta.url).href;
    const { writeIcd10cm } = (await import(url)) as {
      writeIcd10cm: (dir: string, options: { codes?: number; seed?: number }) => { codesPath: string; orderPath: string; codes: number; orderRows: number; headers: number };
    };
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-icd10cm-'));
    try {
      const release = writeIcd10cm(dir, { seed: 3 });
      expect(release.codes).toBeGreaterThanOrEqual(74_000);
      expect(release.orderRows).toBeGreaterThan(90_000);
      const files = [release.codesPath, release.orderPath].map((path) => ({ name: path.slice(dir.length + 1), bytes: readFileSync(path) }));
      const started = performance.now();
      const data = icd10cm.read(files);
      const ms = performance.now() - started;
      expect(data.rowCounts.codes).toBe(release.orderRows);
      expect(data.rowCounts.billable).toBe(release.codes);
      expect(data.rowCounts.headers).toBe(release.headers);
      expect(data.warnings).toHaveLength(1);
      expect(ms).toBeLessThan(3000);
      const again = writeIcd10cm(join(dir, 'again'), { codes: 2000, seed: 3 });
      const first = writeIcd10cm(join(dir, 'first'), { codes: 2000, seed: 3 });
      expect(readFileSync(again.orderPath)).toEqual(readFileSync(first.orderPath));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
