import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mueHospital, muePractitioner } from './mue.js';
import { ImportError } from './types.js';

const DIR = new URL('../../../test/fixtures/cms/mue/', import.meta.url);
const fixture = (name: string) => ({ name, bytes: readFileSync(new URL(name, DIR)) });
const PRACTITIONER = 'MCR_MUE_PractitionerServices_Eff_10-01-2026.csv';
const text = (name: string, body: string) => ({ name, bytes: Buffer.from(body, 'latin1') });
const HEADER = '"notice\r\nsecond line"\r\n"HCPCS/\r\nCPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator","MUE Rationale"\r\n';

describe('MUE importer (CMS CSV layout)', () => {
  it('reads the practitioner table: value, MAI and rationale per code, effective date from the file name', () => {
    const data = muePractitioner.read([fixture(PRACTITIONER)]);
    const rows = data.tables.rows!;
    expect(rows.rows).toBe(11);
    const byCode = new Map(Array.from({ length: rows.rows }, (_, i) => [rows.row(i).code, rows.row(i)]));
    expect(byCode.get('77080')).toEqual({ code: '77080', value: 1, mai: 2, rationale: 'Code Descriptor / CPT Instruction' });
    expect(byCode.get('77090')?.mai).toBe(3);
    expect(data.effective).toEqual({ from: '2026-10-01', to: null });
    expect(data.rowCounts).toEqual({ rows: 11 });
  });

  it('reads the outpatient hospital table and refuses it as a practitioner table', () => {
    const name = 'MCR_MUE_OutpatientHospitalServices_Eff_10-01-2026.csv';
    expect(mueHospital.read([fixture(name)]).tables.rows!.rows).toBe(11);
    expect(() => muePractitioner.read([fixture(name)])).toThrow('MCR_MUE_OutpatientHospitalServices_Eff_10-01-2026.csv:4:12: expected the column "Practitioner Services MUE Values" (importing as mue-practitioner), got "Outpatient Hospital Services MUE Values"');
  });

  it('names file, line and column of a bad value, a bad indicator and a repeated code', () => {
    expect(() => muePractitioner.read([text('m.csv', `${HEADER}"77080","one","2 Date of Service Edit: Policy","x"\r\n`)])).toThrow('m.csv:5:9: expected an MUE value (a whole number of units), got "one"');
    expect(() => muePractitioner.read([text('m.csv', `${HEADER}"77080","1","Date of Service","x"\r\n`)])).toThrow('m.csv:5:13: expected an MUE adjudication indicator starting with 1, 2 or 3');
    expect(() => muePractitioner.read([text('m.csv', `${HEADER}77080,1,1 Line Edit,x\r\n77080,1,1 Line Edit,x\r\n`)])).toThrow('m.csv:6:1: expected one row per code (77080 is already on line 5)');
  });

  it('refuses a file without the header and a header without rows', () => {
    expect(() => muePractitioner.read([text('m.csv', '77080,1,2 x,y\r\n')])).toThrow(ImportError);
    expect(() => muePractitioner.read([text('m.csv', HEADER)])).toThrow('m.csv: expected at least one MUE row after the header');
    expect(() => muePractitioner.read([text('m.csv', '"just a notice"\r\n')])).toThrow(/expected the header row/);
  });
});
