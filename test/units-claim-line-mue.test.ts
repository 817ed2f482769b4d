/**
 * The units family under a claim-line MUE (MAI 1) and an MUE above 1. The shipped CMS table gives every bone-density
 * code an MUE of 1 with MAI 2 or 3, so cases/mue-units.yaml never reaches these branches; a later quarterly file imported with
 * `dxacode knowledge import mue-practitioner` may. REFERENCE.md §3 and the 76/77 row of §4: MAI 1 is a per-line edit,
 * separate lines with 76/77 can pass it (never MAI 2 or 3), and over the MUE on one line all its units are denied.
 * The table here is invented in the CMS layout: 77081 with MAI 1, and 77080 with an MUE of 2 (date of service, MAI 2).
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
  '"77081","1","1 Line Edit","Code Descriptor / CPT Instruction"\r\n';
const bytes = Buffer.from(CSV, 'latin1');
const data = muePractitioner.read([{ name: 'mue.csv', bytes }]);
// As `dxacode knowledge import` stores it (tables encoded and decoded), in force from 2026-01-01.
const imported = compileVersion(
  { seq: 1, id: 'mue-practitioner:test-1', kind: 'mue-practitioner', edition: data.edition, effectiveFrom: '2026-01-01', effectiveTo: null, rowCounts: data.rowCounts, warnings: data.warnings,
    files: [{ name: 'mue.csv', sha256: '0'.repeat(64), bytes: bytes.length }], contentSha256: '0'.repeat(64), importedBy: 'test', importedAt: '2026-10-01T00:00:00.000Z' },
  decodeTables(encodeTables(data.tables)),
);
const knowledge = withVersions(loadKnowledge(), [imported]);

function peripheral(lines: { modifiers?: string[]; units?: number }[], code = '77081', procedure = 'dxa-peripheral') {
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
  return check(parsed.encounter, knowledge).findings.filter((f) => f.rule.startsWith('units.'));
}

describe('units under an imported MUE table', () => {
  it('lets a second line marked 76 pass the edit and flags it for review', () => {
    const findings = peripheral([{}, { modifiers: ['76'] }]);
    expect(findings.map((f) => `${f.rule}@${f.line}:${f.severity}`)).toEqual(['units.repeat-lines@1:warning']);
    expect(findings[0]!.message).toContain('MAI 1, a claim-line edit');
    expect(findings[0]!.params).toEqual({ code: '77081', units: 2, lines: [0, 1], mue: 1, mai: 1 });
    expect(findings[0]!.path).toBe('claim.lines[1]');
  });

  it('leaves two plain lines to modifier.duplicate-line', () => {
    expect(peripheral([{}, {}])).toEqual([]);
  });

  it('still denies a single line over the MUE', () => {
    expect(peripheral([{ units: 2 }]).map((f) => `${f.rule}:${f.severity}`)).toEqual(['units.over-mue:error']);
  });

  it('counts the units of all lines of the date against a date-of-service MUE, and passes them when within it', () => {
    expect(peripheral([{}, { modifiers: ['76'] }], '77080', 'dxa-axial')).toEqual([]);
    expect(peripheral([{}, { modifiers: ['76'], units: 2 }], '77080', 'dxa-axial').map((f) => `${f.rule}@${f.line}`)).toEqual(['units.over-mue-date@1']);
  });
});
