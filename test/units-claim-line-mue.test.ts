/**
 * The units family under a claim-line MUE (MAI 1) and an MUE above 1. The shipped CMS table gives every bone-density
 * code an MUE of 1 with MAI 2 or 3, so cases/mue-units.yaml never reaches these branches; a later quarterly file imported with
 * `dxacode knowledge import mue-practitioner` may. REFERENCE.md §3 and the 76/77 row of §4: MAI 1 is a per-line edit,
 * separate lines with 76/77 can pass it (never MAI 2 or 3), and over the MUE on one line all its units are denied.
 * The table here is invented in the CMS layout: 77081 with MAI 1, 77080 with an MUE of 2 (date of service, MAI 2),
 * 77085 with an MUE of 0 (a code a table may list as not payable) and 77086 with an MUE of 1 (MAI 3).
 */
import { describe, expect, it } from 'vitest';
import { check, parseEncounter } from '../src/engine/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { muePractitioner } from '../src/knowledge/import/mue.js';
import { decodeTables, encodeTables } from '../src/knowledge/import/table.js';
import { compileVersion, withVersions } from '../src/knowledge/versions.js';

const CSV =
  '"notice"\r\n"HCPCS/\r\nCPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator","MUE Rationale"\r\n' +
  '"77080","2","2 Date of Service Edit: Policy","Code Descriptor / CPT Instruction"\r\n' +
  '"77081","1","1 Line Edit","Code Descriptor / CPT Instruction"\r\n' +
  '"77085","0","2 Date of Service Edit: Policy","Code Descriptor / CPT Instruction"\r\n' +
  '"77086","1","3 Date of Service Edit: Clinical","Anatomic Consideration"\r\n';
const bytes = Buffer.from(CSV, 'latin1');
const data = muePractitioner.read([{ name: 'mue.csv', bytes }]);
// As `dxacode knowledge import` stores it (tables encoded and decoded), in force from 2026-01-01.
const imported = compileVersion(
  { seq: 1, id: 'mue-practitioner:test-1', kind: 'mue-practitioner', edition: data.edition, effectiveFrom: '2026-01-01', effectiveTo: null, rowCounts: data.rowCounts, warnings: data.warnings,
    files: [{ name: 'mue.csv', sha256: '0'.repeat(64), bytes: bytes.length }], contentSha256: '0'.repeat(64), importedBy: 'test', importedAt: '2026-10-01T00:00:00.000Z' },
  decodeTables(encodeTables(data.tables)),
);
const knowledge = withVersions(loadKnowledge(), [imported]);

function checkLines(lines: { modifiers?: string[]; units?: number; code?: string }[], code = '77081', procedure = 'dxa-peripheral') {
  const parsed = parseEncounter({
    dateOfService: '2026-06-15',
    patient: { sex: 'female', age: 72 },
    payer: 'medicare',
    jurisdiction: 'J15',
    orderingProvider: { treating: true },
    history: [],
    diagnoses: ['M85.851', 'Z78.0'],
    clinical: { estrogenDeficient: true, tScoreLowest: -2.6 },
    performed: [{ procedure }],
    claim: { lines: lines.map((l) => ({ code, diagnoses: ['M85.851'], ...l })) },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return check(parsed.encounter, knowledge);
}

function peripheral(lines: { modifiers?: string[]; units?: number }[], code = '77081', procedure = 'dxa-peripheral') {
  return checkLines(lines, code, procedure).findings.filter((f) => f.rule.startsWith('units.'));
}

describe('units under an imported MUE table', () => {
  it('lets a second line marked 76 pass the edit and flags it for review', () => {
    const findings = peripheral([{}, { modifiers: ['76'] }]);
    expect(findings.map((f) => `${f.rule}@${f.line}:${f.severity}`)).toEqual(['units.repeat-lines@1:warning']);
    expect(findings[0]!.message).toContain('MAI 1, a claim-line edit');
    expect(findings[0]!.params).toEqual({ code: '77081', units: 2, lines: [0, 1], mue: 1, mai: 1 });
    expect(findings[0]!.path).toBe('claim.lines[1]');
  });

  it('leaves two plain lines to modifier.duplicate-line, also when they carry modifiers other than 76/77', () => {
    expect(peripheral([{}, {}])).toEqual([]);
    expect(peripheral([{ modifiers: ['26'] }, { modifiers: ['26'] }])).toEqual([]);
    expect(peripheral([{ modifiers: ['26'] }, { modifiers: ['77'] }]).map((f) => f.rule)).toEqual(['units.repeat-lines']);
  });

  it('still denies a single line over the MUE', () => {
    expect(peripheral([{ units: 2 }]).map((f) => `${f.rule}:${f.severity}`)).toEqual(['units.over-mue:error']);
  });

  it('counts the units of all lines of the date against a date-of-service MUE, and passes them when within it', () => {
    expect(peripheral([{}, { modifiers: ['76'] }], '77080', 'dxa-axial')).toEqual([]);
    expect(peripheral([{}, { modifiers: ['76'], units: 2 }], '77080', 'dxa-axial').map((f) => `${f.rule}@${f.line}`)).toEqual(['units.over-mue-date@1']);
  });

  it('words each finding, its fix, its place and its source exactly (the row of the MUE file: code and rationale)', () => {
    const [overOne] = peripheral([{ units: 2 }]);
    expect(overOne!.message).toBe('line 1 (77081): 2 units exceed the MUE of 1 for 77081; over the MUE all 2 units on the line are denied. A study is one unit however many sites it measures.');
    expect(overOne!.fix).toBe('Bill 1 unit.');
    expect(overOne!.path).toBe('claim.lines[0].units');
    expect(overOne!.source.title).toMatch(/: 77081, Code Descriptor \/ CPT Instruction$/);
    const [overTwo] = peripheral([{ units: 3 }], '77080', 'dxa-axial');
    expect(overTwo!.fix).toBe('Bill 2 units.');

    const [date] = peripheral([{}, { modifiers: ['76'], units: 2 }], '77080', 'dxa-axial');
    expect(date!.message).toBe(
      '77080 is billed on 2 lines (3 units) for one date; its MUE is 2 and MAI 2, a date-of-service edit set by policy: every unit of 77080 that day counts, 76/77 do not bypass it, and the units over the MUE are denied.',
    );
    expect(date!.fix).toBe('Bill 77080 once (2 units) for the date; a true repeat study is appealed with its documentation.');
    expect(date!.path).toBe('claim.lines[1].units');
    const [clinical] = peripheral([{}, { modifiers: ['76'] }], '77086', 'vfa');
    expect(clinical!.message).toContain('its MUE is 1 and MAI 3, a date-of-service edit set by clinical benchmark');
    expect(clinical!.fix).toBe('Bill 77086 once (1 unit) for the date; a true repeat study is appealed with its documentation.');

    const [repeat] = peripheral([{}, { modifiers: ['76'] }]);
    expect(repeat!.message).toBe('77081 is billed on 2 lines (2 units) for one date; its MUE is 1 and MAI 1, a claim-line edit: the separate lines with 76/77 can pass, but a repeat bone-density study on one day draws review.');
    expect(repeat!.fix).toBe('Keep the repeat line only if the record documents a true repeat study.');
  });

  it('says a code with an MUE of 0 is not payable at all', () => {
    const findings = peripheral([{}], '77085', 'dxa-axial');
    expect(findings.map((f) => `${f.rule}:${f.severity}`)).toEqual(['units.over-mue:error']);
    expect(findings[0]!.message).toBe('line 1 (77085): the MUE of 77085 is 0, so it is not payable.');
    expect(findings[0]!.fix).toBe('Do not bill this code.');
  });

  it('names the MUE table it ran with, and says which known code it has no value for; a code it does not know is not its to skip', () => {
    const result = checkLines([{}, { code: '77078' }, { code: '99213' }]);
    expect(result.checked.filter((c) => c.family === 'units')).toHaveLength(1);
    const units = result.unchecked.filter((u) => u.family === 'units').map((u) => u.reason);
    expect(units).toHaveLength(1);
    expect(units[0]).toMatch(/^no MUE value is known for 77078 \(not in .+\)$/);
  });
});
