/**
 * The codes family's findings and records word for word: message, fix, source, path and params of each finding, the
 * `checked` entry and each `unchecked` reason (cases/cpt-code-history.yaml and cases/code-history-vfa.yaml compare
 * ids, severities and parts of fixes; these compare the whole finding, which a case cannot), and the days a code's
 * validity turns. REFERENCE.md §1: 76075/76076 until 2006-12-31, 77080/77081 from 2007-01-01, 76077 2005-2006, 77082
 * 2007-2014, 77085/77086 from 2015-01-01, 77083 radiographic absorptiometry and never VFA, its status unverified;
 * §2: 77084 is not densitometry; the embedded HCPCS Level II list of July 2026 is in force 2026-07-01 to 2026-09-30.
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../contract/result.js';
import { check, parseEncounter } from '../engine/index.js';
import { loadKnowledge } from '../io/knowledge-files.js';

const knowledge = loadKnowledge();
const codes = knowledge.codes;
const sourceOf = (code: string) => codes.byCode.get(code)!.source;
const labelOf = (code: string) => codes.byCode.get(code)!.label;

/** A Medicare encounter on the date with the given services performed and codes billed, one line each. */
function checkLines(dateOfService: string, procedures: string[], lineCodes: string[]): Result {
  const parsed = parseEncounter({
    dateOfService,
    patient: { sex: 'female', age: 72 },
    payer: 'medicare',
    jurisdiction: 'J15',
    orderingProvider: { treating: true },
    diagnoses: ['M81.0'],
    history: [],
    performed: procedures.map((procedure) => ({ procedure })),
    claim: { lines: lineCodes.map((code) => ({ code, diagnoses: ['M81.0'] })) },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return check(parsed.encounter, knowledge);
}

const codeFindings = (result: Result) => result.findings.filter((f) => f.rule.startsWith('code.'));
const codesChecked = (result: Result) => result.checked.filter((c) => c.family === 'codes').map((c) => c.version);
const codesUnchecked = (result: Result) => result.unchecked.filter((u) => u.family === 'codes').map((u) => u.reason);

describe('codes the tables do not know', () => {
  const hcpcs = knowledge.hcpcs.info;

  it('refuses a HCPCS code missing from the list in force, names a listed one outside the family, and leaves a CPT code unchecked', () => {
    const result = checkLines('2026-08-03', ['sexa-peripheral'], ['G0131', 'A0021', '0554T', 'G0130']);
    expect(codesChecked(result)).toEqual([`codes ${codes.version}; HCPCS Level II July 2026 (8725 codes), embedded`]);
    expect(codeFindings(result)).toEqual([
      {
        rule: 'code.not-in-hcpcs',
        severity: 'error',
        message: 'line 1 (G0131): G0131 is not a valid HCPCS Level II code on 2026-08-03: it is not in the HCPCS Level II July 2026 (8725 codes) code list.',
        line: 0,
        fix: 'Use the HCPCS code valid on the date of service for the service performed.',
        source: hcpcs.source,
        path: 'claim.lines[0].code',
        params: { code: 'G0131', hcpcsList: 'HCPCS Level II July 2026 (8725 codes)' },
      },
      {
        rule: 'code.unknown',
        severity: 'warning',
        message: "line 2 (A0021): A0021 is a valid HCPCS Level II code (HCPCS Level II July 2026 (8725 codes)) but not one of the bone-density family that dxacode's edits cover.",
        line: 1,
        fix: 'Check that this is the service performed; its pair, unit and coverage edits are not checked.',
        source: hcpcs.source,
        path: 'claim.lines[1].code',
        params: { code: 'A0021', hcpcs: true },
      },
      // A Category III CPT code (a letter last, not first) is not a HCPCS Level II code.
      {
        rule: 'code.unknown',
        severity: 'warning',
        message: "line 3 (0554T): 0554T is not in dxacode's code tables, so its validity on 2026-08-03 was not checked.",
        line: 2,
        fix: 'Confirm the code in the CPT/HCPCS code set of the date of service.',
        source: { title: codes.title, version: codes.version, confidence: 'verified' },
        path: 'claim.lines[2].code',
        params: { code: '0554T', hcpcs: false },
      },
    ]);
    expect(codesUnchecked(result)).toEqual(['A0021 is outside the bone-density family: its edits are not in the knowledge', '0554T is not in the code tables']);
  });

  it('does not judge a HCPCS code on a date the HCPCS list is not in force (2026-06-30, 2026-10-01)', () => {
    for (const date of ['2026-06-30', '2026-10-01']) {
      const result = checkLines(date, ['sexa-peripheral'], ['G0131', 'G0130']);
      expect(codeFindings(result).map((f) => [f.rule, f.message, f.params])).toEqual([
        ['code.unknown', `line 1 (G0131): G0131 is not in dxacode's code tables, so its validity on ${date} was not checked.`, { code: 'G0131', hcpcs: false }],
      ]);
      expect(codesUnchecked(result)).toEqual(['G0131 is not in the code tables']);
    }
  });

  it('names only the code tables in checked when every HCPCS code billed is in them (G0130), or a CPT code is unknown', () => {
    expect(codesChecked(checkLines('2026-08-03', ['sexa-peripheral'], ['G0130']))).toEqual([`codes ${codes.version}`]);
    expect(codesChecked(checkLines('2026-08-03', ['dxa-axial'], ['77080', '0554T']))).toEqual([`codes ${codes.version}`]);
  });
});

describe('codes in the tables', () => {
  it('words 77083 billed for a VFA, and its unverified status', () => {
    expect(codeFindings(checkLines('2026-03-02', ['vfa'], ['77083']))).toEqual([
      {
        rule: 'code.not-vfa',
        severity: 'error',
        message: 'line 1 (77083): 77083 is radiographic absorptiometry (photodensitometry, radiogrammetry), not vertebral fracture assessment.',
        line: 0,
        fix: 'Report VFA with 77086 (or 77085 together with an axial DXA study from 2015).',
        source: { title: 'REFERENCE §1: 77083 is radiographic absorptiometry, never VFA', confidence: 'verified' },
        path: 'claim.lines[0].code',
        params: { code: '77083', vfaCode: '77086' },
      },
      {
        rule: 'code.status-unverified',
        severity: 'warning',
        message: `line 1 (77083): whether 77083 (${labelOf('77083')}) is active on 2026-03-02 is not verified (unverified in REFERENCE).`,
        line: 0,
        fix: "Confirm the code in the current CPT code set and the payer's fee schedule before billing.",
        source: sourceOf('77083'),
        path: 'claim.lines[0].code',
        params: { code: '77083' },
      },
    ]);
  });

  it('takes 77083 for a VFA only when a VFA, and no radiographic absorptiometry, was performed', () => {
    expect(codeFindings(checkLines('2026-03-02', ['dxa-axial'], ['77080', '77083'])).map((f) => f.rule)).toEqual(['code.status-unverified']);
    expect(codeFindings(checkLines('2026-03-02', ['radiographic-absorptiometry', 'vfa'], ['77083', '77086'])).map((f) => f.rule)).toEqual(['code.status-unverified']);
  });

  it('names no VFA code when none is valid on the date (2004-12-31, before 76077), and no unverified status before 77083 exists', () => {
    const findings = codeFindings(checkLines('2004-12-31', ['vfa'], ['77083']));
    expect(findings.map((f) => f.rule)).toEqual(['code.not-vfa', 'code.not-yet-valid']);
    expect(findings[0]!.fix).toBe('Report VFA with the VFA code of the date (or 77085 together with an axial DXA study from 2015).');
    expect(findings[0]!.params).toEqual({ code: '77083', vfaCode: null });
  });

  it('words a code that is not densitometry', () => {
    expect(codeFindings(checkLines('2026-03-02', ['dxa-axial'], ['77080', '77084']))).toEqual([
      {
        rule: 'code.not-densitometry',
        severity: 'warning',
        message: 'line 2 (77084): 77084 is MRI bone marrow blood supply (not densitometry).',
        line: 1,
        fix: 'Check that this is the service performed; it is not a bone-density code.',
        source: sourceOf('77084'),
        path: 'claim.lines[1].code',
        params: { code: '77084' },
      },
    ]);
  });

  it('words a deleted code with its successor, and a code not yet valid with its predecessor', () => {
    expect(codeFindings(checkLines('2007-01-01', ['dxa-peripheral'], ['76076']))).toEqual([
      {
        rule: 'code.deleted',
        severity: 'error',
        message: `line 1 (76076): 76076 (${labelOf('76076')}) was valid until 2006-12-31 and cannot be billed for 2007-01-01.`,
        line: 0,
        fix: `Use 77081 (${labelOf('77081')}).`,
        source: sourceOf('76076'),
        path: 'claim.lines[0].code',
        params: { code: '76076', end: '2006-12-31', replacement: '77081' },
      },
    ]);
    expect(codeFindings(checkLines('2006-12-31', ['dxa-axial'], ['77080']))).toEqual([
      {
        rule: 'code.not-yet-valid',
        severity: 'error',
        message: `line 1 (77080): 77080 (${labelOf('77080')}) is valid from 2007-01-01, after the date of service 2006-12-31.`,
        line: 0,
        fix: `Use 76075 (${labelOf('76075')}).`,
        source: sourceOf('77080'),
        path: 'claim.lines[0].code',
        params: { code: '77080', effective: '2007-01-01', replacement: '76075' },
      },
    ]);
  });

  it('asks for the code of the date when the service has none yet (77086 on 2004-12-31)', () => {
    const [finding] = codeFindings(checkLines('2004-12-31', ['vfa'], ['77086']));
    expect(finding!.rule).toBe('code.not-yet-valid');
    expect(finding!.fix).toBe('Use the code valid on the date of service.');
    expect(finding!.params).toEqual({ code: '77086', effective: '2015-01-01', replacement: null });
  });

  it('replaces a deleted 77082 by 77086 alone, and beside 77080 by one 77085 line', () => {
    expect(codeFindings(checkLines('2016-05-10', ['vfa'], ['77082'])).map((f) => f.fix)).toEqual([`Use 77086 (${labelOf('77086')}).`]);
    expect(codeFindings(checkLines('2016-05-10', ['dxa-axial', 'vfa'], ['77080', '77082'])).map((f) => f.fix)).toEqual([
      `Replace the 77080 and 77082 lines with one 77085 line (${labelOf('77085')}).`,
    ]);
    // The combination replaces the successor's line only: beside 77080 and 77086, a deleted 76076 is still 77081.
    expect(codeFindings(checkLines('2016-05-10', ['dxa-peripheral', 'dxa-axial', 'vfa'], ['76076', '77080', '77086'])).map((f) => f.fix)).toEqual([
      `Use 77081 (${labelOf('77081')}).`,
    ]);
  });

  it('says when a code without a recorded start date is billed before dates were recorded (2005-01-01), and not from that day', () => {
    expect(codesUnchecked(checkLines('2004-12-31', ['dxa-axial'], ['76075']))).toEqual(['the start date of 76075 is not recorded; validity before 2005-01-01 not checked']);
    expect(codeFindings(checkLines('2004-12-31', ['dxa-axial'], ['76075']))).toEqual([]);
    expect(codesUnchecked(checkLines('2005-01-01', ['dxa-axial'], ['76075']))).toEqual([]);
  });
});
