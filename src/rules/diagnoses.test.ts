/**
 * The diagnoses family's findings and records word for word: message, fix, source, path and params of each finding,
 * the `checked` entry and each `unchecked` reason (cases/icd10cm-conventions.yaml compares ids, severities, params
 * and parts of messages; these compare the whole finding). REFERENCE.md §7: M81 and M80 never together (Excludes1),
 * Z87.310 after the M81 code, the category headers M81, M80.0, M85.8, M48.5 not billable, M80.08X- with a 7th
 * character A, D, G, K, P or S, Z13.820 only when asymptomatic; §9: 837P HI carries at most 12 diagnoses, no
 * duplicates. The embedded code set is the CMS FY2026 valid-code list of the April 1, 2026 update, in force
 * 2025-10-01 to 2026-09-30: before 2026-04-01 a code the update lists may be new, and one it does not list may
 * have been deleted by it (only the families the subset lists completely, M80, M81, M85.8 and M48.5, are known).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Result } from '../contract/result.js';
import { runCase } from '../engine/cases.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import type { Knowledge } from '../knowledge/compile.js';
import { icd10cm } from '../knowledge/import/icd10cm.js';
import { decodeTables, encodeTables } from '../knowledge/import/table.js';
import { compileVersion, withVersions } from '../knowledge/versions.js';
import { excludes1Dropped } from './diagnoses.js';

const knowledge = loadKnowledge();
const { codeSet, conventions } = knowledge.icd10;
const SET = 'ICD-10-CM FY2026 (April 1, 2026 update, 74719 valid codes)';
const CHECKED = `${SET}, embedded; descriptions and conventions FY2026`;
const HI_SOURCE = { title: 'REFERENCE §9: 837P HI carries the principal and other diagnoses; SV1 points into HI', confidence: 'verified' };

/** An Aetna axial DXA study on 2026-06-15 with the diagnoses given, billed on one 77080 line pointing to the first (`claim: false`: no claim). */
function checkWith(diagnoses: string[], changes: Record<string, unknown> = {}, claim = true, k: Knowledge = knowledge): Result {
  const encounter = {
    dateOfService: '2026-06-15',
    patient: { sex: 'female', age: 72 },
    payer: 'aetna',
    orderingProvider: { treating: true },
    history: [],
    diagnoses,
    performed: [{ procedure: 'dxa-axial' }],
    ...(claim ? { claim: { lines: [{ code: '77080', diagnoses: diagnoses.slice(0, 1) }] } } : {}),
    ...changes,
  };
  const { result, differences } = runCase('diagnoses', encounter, {}, k);
  if (!result) throw new Error(differences.join('; '));
  return result;
}
const dxFindings = (result: Result) => result.findings.filter((f) => f.rule.startsWith('dx.'));
const dxChecked = (result: Result) => result.checked.filter((c) => c.family === 'diagnoses').map((c) => c.version);
const dxUnchecked = (result: Result) => result.unchecked.filter((u) => u.family === 'diagnoses').map((u) => u.reason);

describe('diagnosis codes against the code set', () => {
  it('names the code set and conventions checked, and finds nothing in valid codes in order', () => {
    const result = checkWith(['M81.0', 'Z87.310', 'Z78.0']);
    expect(dxChecked(result)).toEqual([CHECKED]);
    expect(dxUnchecked(result)).toEqual([]);
    expect(dxFindings(result)).toEqual([]);
  });

  it('words a category header, with a billable code under it as the example', () => {
    expect(dxFindings(checkWith(['M85.851', 'M81']))).toEqual([
      {
        rule: 'dx.not-billable',
        severity: 'error',
        message: 'M81 is a category header, not a billable code.',
        fix: 'Code to the highest specificity documented (e.g. M81.0).',
        source: codeSet.info.source,
        path: 'diagnoses[1]',
        params: { code: 'M81', example: 'M81.0' },
      },
    ]);
  });

  it('words a missing 7th character and one the category does not use', () => {
    const FIX = 'Add the 7th character for the episode of care: A initial, D routine healing, G delayed healing, K nonunion, P malunion, S sequela (as allowed for the category).';
    // Two encounters: M48.5 excludes M80 (an Excludes1 pair of its own).
    expect(dxFindings(checkWith(['M85.851', 'M80.08X']))).toEqual([
      {
        rule: 'dx.seventh-character',
        severity: 'error',
        message: 'M80.08X needs a 7th character (A, D, G, K, P, S).',
        fix: FIX,
        source: codeSet.info.source,
        path: 'diagnoses[1]',
        params: { code: 'M80.08X', allowed: ['A', 'D', 'G', 'K', 'P', 'S'], missing: true },
      },
    ]);
    expect(dxFindings(checkWith(['M85.851', 'Z78.0', 'M48.50XK']))).toEqual([
      {
        rule: 'dx.seventh-character',
        severity: 'error',
        message: 'M48.50XK: the 7th character K is not allowed here; expected one of A, D, G, S.',
        fix: FIX,
        source: codeSet.info.source,
        path: 'diagnoses[2]',
        params: { code: 'M48.50XK', allowed: ['A', 'D', 'G', 'S'], missing: false },
      },
    ]);
  });

  it('words a code missing from the list in force, at its place on a claim line when the encounter does not list it', () => {
    const result = checkWith(['M85.851'], { claim: { lines: [{ code: '77080', diagnoses: ['M85.851', 'M81.1'] }] } });
    expect(dxFindings(result)).toEqual([
      {
        rule: 'dx.invalid',
        severity: 'error',
        message: `M81.1 is not a valid ICD-10-CM code on 2026-06-15: it is not on the ${SET} valid-code list.`,
        fix: 'Choose the valid code that the documentation supports (codes are valid only at their full length).',
        source: codeSet.info.source,
        path: 'claim.lines[0].diagnoses[1]',
        params: { code: 'M81.1' },
      },
    ]);
    expect(dxUnchecked(result)).toEqual([]);
  });

  it('leaves codes unjudged on dates outside the code set, one or more', () => {
    const outside = (date: string) =>
      `the date of service ${date} falls outside the loaded ICD-10-CM code set (${SET}, embedded: 2025-10-01 to 2026-09-30); codes added or deleted for that date are not caught (import the release in force then: dxacode knowledge import icd10cm)`;
    const one = checkWith(['M85.851', 'M81.1'], { dateOfService: '2026-10-01' });
    expect(dxFindings(one)).toEqual([]);
    expect(dxUnchecked(one)).toEqual([outside('2026-10-01'), 'M81.1 is not on the loaded ICD-10-CM list, whose period does not include 2026-10-01; validity not checked']);
    const two = checkWith(['M85.851', 'M81.1', 'M81.2'], { dateOfService: '2025-09-30' });
    expect(dxUnchecked(two)).toEqual([outside('2025-09-30'), 'M81.1, M81.2 are not on the loaded ICD-10-CM list, whose period does not include 2025-09-30; validity not checked']);
  });

  it('before the April update, leaves unjudged a code it may have added or deleted, but judges the families listed completely', () => {
    // A00.5 is on no list; I10 and E11.9 are on the April list, outside the subset's descriptions.
    const result = checkWith(['M85.851', 'A00.5', 'M81.1'], { dateOfService: '2026-03-31' });
    expect(dxFindings(result).map((f) => [f.rule, f.params])).toEqual([['dx.invalid', { code: 'M81.1' }]]);
    expect(dxUnchecked(result)).toEqual([
      'A00.5 is not on the ICD-10-CM update list in force from 2026-04-01; whether it was valid on 2026-03-31, before that update, is not known (import the release in force then)',
    ]);
    expect(dxUnchecked(checkWith(['M85.851', 'I10'], { dateOfService: '2026-03-31' }))).toEqual([
      'I10 is valid in the update in force from 2026-04-01; whether it was valid on 2026-03-31, before that update, is not known (import the release in force then)',
    ]);
    expect(dxUnchecked(checkWith(['M85.851', 'I10', 'E11.9'], { dateOfService: '2026-03-31' }))).toEqual([
      'I10, E11.9 are valid in the update in force from 2026-04-01; whether they were valid on 2026-03-31, before that update, is not known (import the release in force then)',
    ]);
    // From the update on, both are simply valid and A00.5 is invalid.
    const after = checkWith(['M85.851', 'I10', 'A00.5'], { dateOfService: '2026-04-01' });
    expect(dxUnchecked(after)).toEqual([]);
    expect(dxFindings(after).map((f) => [f.rule, f.params])).toEqual([['dx.invalid', { code: 'A00.5' }]]);
  });

  it('words a claim with no diagnosis, and says nothing when there is no line either', () => {
    const none = checkWith([], { claim: { lines: [{ code: '77080' }] } });
    expect(dxFindings(none)).toEqual([
      {
        rule: 'dx.none',
        severity: 'error',
        message: 'No diagnosis is documented or on the claim; every claim line must point to at least one diagnosis.',
        fix: 'Add the diagnoses that support the service, as documented by the ordering or reading clinician.',
        source: HI_SOURCE,
      },
    ]);
    // A spine radiograph alone selects no code, so the recommended claim has no line.
    expect(dxFindings(checkWith([], { performed: [{ procedure: 'spine-radiograph', sites: ['lumbar-spine'] }] }, false))).toEqual([]);
  });

  it('words a diagnosis listed twice, at its second place', () => {
    expect(dxFindings(checkWith(['M85.851', 'Z78.0', 'M85.851']))).toEqual([
      {
        rule: 'dx.duplicate',
        severity: 'info',
        message: 'M85.851 is listed more than once.',
        fix: 'List M85.851 once.',
        source: { title: 'REFERENCE §9: HI has no duplicates', confidence: 'verified' },
        path: 'diagnoses[2]',
        params: { code: 'M85.851' },
      },
    ]);
  });
});

describe('ICD-10-CM conventions', () => {
  const m81 = conventions.excludes1.find((r) => r.a === 'M81' && r.b === 'M80')!;

  it('rejects M81.0 with M80.08XA on a submitted claim (Excludes1)', () => {
    expect(dxFindings(checkWith(['M81.0', 'M80.08XA']))).toEqual([
      {
        rule: 'dx.excludes1',
        severity: 'error',
        message: `M81.0 and M80.08XA: ${m81.message}.`,
        fix: 'Keep the code that describes the documented condition and remove the other.',
        source: m81.source,
        path: 'diagnoses[1]',
        params: { code: 'M81.0', excluded: 'M80.08XA' },
      },
    ]);
  });

  it('warns, and says what the recommended claim did, when no claim is given', () => {
    const result = checkWith(['M81.0', 'M80.08XA'], {}, false);
    expect(dxFindings(result)).toEqual([
      {
        rule: 'dx.excludes1',
        severity: 'warning',
        message: `M81.0 and M80.08XA: ${m81.message}. The recommended claim reports M80.08XA and leaves out M81.0, which the note excludes; confirm that the record documents M80.08XA's condition, or correct the documentation.`,
        fix: 'Keep the code that describes the documented condition and remove the other.',
        source: m81.source,
        path: 'diagnoses[1]',
        params: { code: 'M81.0', excluded: 'M80.08XA' },
      },
    ]);
    expect(result.recommended.diagnoses).toEqual(['M80.08XA']);
  });

  it('keeps on the recommended claim a code whose Excludes1 note names no documented code', () => {
    expect(checkWith(['M81.0', 'Z78.0'], {}, false).recommended.diagnoses).toEqual(['M81.0', 'Z78.0']);
  });

  it('words Z87.310 listed before the M81 code, and not after it', () => {
    const rule = conventions.sequencing[0]!;
    expect(dxFindings(checkWith(['M85.851', 'Z87.310', 'M81.0']))).toEqual([
      {
        rule: 'dx.sequencing',
        severity: 'warning',
        message: 'Z87.310 (history of healed osteoporotic fracture) is reported after the M81 code; it is listed before M81.0.',
        fix: 'List M81.0 first.',
        source: rule.source,
        path: 'diagnoses[1]',
        params: { code: 'Z87.310', after: 'M81.0' },
      },
    ]);
    expect(dxFindings(checkWith(['M81.0', 'Z87.310']))).toEqual([]);
  });

  it('words the screening code beside a documented condition, and not alone', () => {
    const { screening } = conventions;
    expect(dxFindings(checkWith(['Z13.820', 'Z78.0', 'M85.851']))).toEqual([
      {
        rule: 'dx.screening-with-condition',
        severity: 'warning',
        message: 'Z13.820 (screening) is for asymptomatic patients; once a condition is documented, code the condition (M85.851 is documented).',
        fix: 'Remove Z13.820 and code M85.851.',
        source: screening.source,
        path: 'diagnoses[0]',
        params: { code: 'Z13.820', condition: 'M85.851' },
      },
    ]);
    expect(dxFindings(checkWith(['Z13.820', 'Z78.0']))).toEqual([]);
  });

  it('words a claim of 13 diagnoses at the 13th, and accepts 12 or a recommended claim', () => {
    const thirteen = ['M85.851', 'Z78.0', 'Z79.52', 'Z79.83', 'Z09', 'Z79.811', 'Z79.818', 'Z90.721', 'E21.0', 'Z82.62', 'R29.890', 'M40.209', 'Z87.310'];
    expect(dxFindings(checkWith(thirteen))).toEqual([
      {
        rule: 'dx.too-many',
        severity: 'error',
        message: 'The claim carries 13 diagnoses; an 837P claim holds at most 12.',
        fix: 'Keep the diagnoses the lines point to, most important first.',
        source: { title: 'REFERENCE §9: HI up to 12 diagnoses', confidence: 'verified' },
        path: 'diagnoses[12]',
        params: { count: 13, max: 12, firstOver: 'Z87.310' },
      },
    ]);
    expect(dxFindings(checkWith(thirteen.slice(0, 12)))).toEqual([]);
    expect(dxFindings(checkWith(thirteen, {}, false))).toEqual([]);
  });
});

describe('Excludes1 notes of an imported tabular list', () => {
  // The fixtures' FY2026 order file and tabular XML (test/fixtures/cms/icd10cm/README.md), imported for 2027-01-01 to 2027-06-30.
  const file = (name: string) => ({ name, bytes: readFileSync(new URL(`../../test/fixtures/cms/icd10cm/${name}`, import.meta.url)) });
  const data = icd10cm.read([file('icd10cm_order_2026.txt'), file('icd10cm_tabular_2026.xml')]);
  const record = {
    seq: 1, id: 'icd10cm:test', kind: 'icd10cm' as const, edition: data.edition, effectiveFrom: '2027-01-01', effectiveTo: '2027-06-30', files: [], rowCounts: data.rowCounts,
    contentSha256: '', importedBy: 'test', importedAt: '2026-12-01T00:00:00.000Z', warnings: [],
  };
  const imported = withVersions(knowledge, [compileVersion(record, decodeTables(encodeTables(data.tables)))]);
  const at = (diagnoses: string[], claim = true) => checkWith(diagnoses, { dateOfService: '2027-02-01' }, claim, imported);
  const excludes1 = (result: Result) => dxFindings(result).filter((f) => f.rule === 'dx.excludes1');

  it('words a pair a tabular note excludes that the embedded conventions do not know (M80 excludes M84.4)', () => {
    const note = imported.forDate('2027-02-01').icd10.tabularExcludes1!.get('M80')!.find((r) => r.b === 'M84.4')!;
    const message = 'M80.08XA and M84.48XA: M80 has an Excludes1 note "pathological fracture NOS (M84.4)", so they are not reported together.';
    const finding = {
      rule: 'dx.excludes1',
      severity: 'error',
      message,
      fix: 'Keep the code that describes the documented condition and remove the other.',
      source: note.source,
      path: 'diagnoses[1]',
      params: { code: 'M80.08XA', excluded: 'M84.48XA' },
    };
    expect(excludes1(at(['M80.08XA', 'M84.48XA']))).toEqual([finding]);
    expect(excludes1(at(['M80.08XA', 'M84.48XA'], false))).toEqual([
      {
        ...finding,
        severity: 'warning',
        message: `${message} The recommended claim reports M84.48XA and leaves out M80.08XA, which the note excludes; confirm that the record documents M84.48XA's condition, or correct the documentation.`,
      },
    ]);
  });

  it('reports a pair the embedded conventions report once, in either order', () => {
    expect(excludes1(at(['M81.0', 'M80.08XA'])).map((f) => [f.message, f.source.title])).toEqual([[`M81.0 and M80.08XA: ${conventions.excludes1[0]!.message}.`, conventions.excludes1[0]!.source.title]]);
    expect(excludes1(at(['M80.08XA', 'M81.0'])).map((f) => f.params)).toEqual([{ code: 'M81.0', excluded: 'M80.08XA' }]);
  });

  it('reports a pair whose codes exclude each other once, and leaves out of the recommended claim only one of them', () => {
    // M48.5 excludes M80 (embedded and tabular), and M80 excludes M48.5 (tabular only).
    expect(excludes1(at(['M80.08XA', 'M48.50XA'])).map((f) => f.params)).toEqual([{ code: 'M48.50XA', excluded: 'M80.08XA' }]);
    expect(at(['M80.08XA', 'M48.50XA'], false).recommended.diagnoses).toEqual(['M80.08XA']);
  });

  it('leaves out of the recommended claim the code whose tabular note names another, and no code outside the note\'s subcategory', () => {
    // excludes1Dropped itself: the recommended claim drops M84.48XA anyway, as it is not on the imported list.
    const icd10 = imported.forDate('2027-02-01').icd10;
    expect([...excludes1Dropped(['M80.08XA', 'M84.48XA'], icd10)]).toEqual(['M80.08XA']);
    expect([...excludes1Dropped(['M80.08XA', 'M48.50XA'], icd10)]).toEqual(['M48.50XA']);
    // M48.06 is in category M48, whose tabular note belongs to M48.5 only.
    expect([...excludes1Dropped(['M48.06', 'M80.08XA'], icd10)]).toEqual([]);
    expect(excludes1(at(['M48.06', 'M80.08XA']))).toEqual([]);
  });
});
