/**
 * The pairs family's findings and records word for word: message, fix, source, path and params of each finding, the
 * `checked` entry and each `unchecked` reason (cases/ptp-pair-edits.yaml compares ids, severities, params, paths and
 * parts of messages; these compare the whole finding, which a case cannot), on the embedded rows and on imported NCCI
 * PTP tables. REFERENCE.md §3: a PTP row has an effective date, a deletion date (deleted rows stay in the file) and a
 * modifier indicator, 0 never bypassable, 1 bypassable with an NCCI-associated modifier (59, XE, XS, XP, XU), 9 not
 * applicable; separate practitioner (837P) and hospital outpatient (837I) tables, the practitioner one in four files;
 * 77085 with 77080 or 77086 never together (code definitions), 77081/77080 mutually exclusive with indicator 1 [S],
 * 77080 + 77086 in one session is 77085 (§1, from 2015-01-01). NCCI Policy Manual ch. IX ¶15 (pairs.json and
 * medicare-bmm.json sameDay): 77078 and 77080 axial, 77081, 76977 and G0130 peripheral; more than one axial or more
 * than one peripheral code on one date is stopped, an axial plus a peripheral study can be medically reasonable.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Result } from '../contract/result.js';
import { runCase } from '../engine/cases.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import type { Knowledge } from '../knowledge/compile.js';
import { ptpHospital, ptpPractitioner } from '../knowledge/import/ptp.js';
import { decodeTables, encodeTables } from '../knowledge/import/table.js';
import type { Importer, KnowledgeKind } from '../knowledge/import/types.js';
import { compileVersion, withVersions } from '../knowledge/versions.js';

const knowledge = loadKnowledge();
const VERSION = knowledge.pairs.version;
/** The embedded row between two codes (pairs.json, its rows and unverified groups). */
const rowOf = (column1: string, column2: string) => knowledge.pairs.byColumns.get(column1)!.get(column2)![0]!;
const PARTIAL = `only the partial embedded PTP table is loaded (${VERSION}); import the CMS table for a complete check (dxacode knowledge import ptp-practitioner)`;
const HOSPITAL_MISSING = 'the hospital outpatient (837I) PTP table is not loaded; only relationships that follow from the code definitions were checked (dxacode knowledge import ptp-hospital)';
const DISTINCT = 'bill it only if the record shows a distinct service: a separate session or encounter, another site, or a study whose purpose does not overlap the other\'s, documented for each';
const SAME_CATEGORY = 'same-category bone-density edit per NCCI Policy Manual ch. IX; NCCI row and indicator not confirmed; import the CMS PTP table';

/** An Aetna encounter on the date (no Medicare frequency or same-day BMM edits in the way), studies performed, lines billed ("77080-XU": code and modifier). */
const BASE = {
  dateOfService: '2026-03-02',
  patient: { sex: 'female', age: 72 },
  payer: 'aetna',
  orderingProvider: { treating: true },
  diagnoses: ['M85.851', 'Z78.0'],
  clinical: { estrogenDeficient: true, tScoreLowest: -2.6 },
  history: [],
};
function checkWith(procedures: string[], lines: string[] | undefined, changes: Record<string, unknown> = {}, k: Knowledge = knowledge): Result {
  const claim = lines && { lines: lines.map((l) => ({ code: l.split('-')[0], modifiers: l.split('-').slice(1), diagnoses: ['M85.851'] })) };
  const performed = procedures.map((p) => (p === 'spine-radiograph' ? { procedure: p, sites: ['thoracic-spine'] } : { procedure: p }));
  const { result, differences } = runCase('pairs', { ...BASE, performed, ...(claim ? { claim } : {}), ...changes }, {}, k);
  if (!result) throw new Error(differences.join('; '));
  return result;
}
/** 77080 billed as line 2 beside 77085 on line 1: contained, indicator 0 (REFERENCE §3: code definitions [V], indicator [U]). */
const CONTAINED_77080 = {
  rule: 'pair.contained',
  severity: 'error',
  message: 'line 2 (77080) with line 1 (77085): 77085 already contains the axial DXA study of 77080; 77080 is denied when billed with 77085 (modifier indicator 0 is unverified).',
  line: 1,
  fix: 'Remove the 77080 line.',
  source: rowOf('77085', '77080').source,
  path: 'claim.lines[1]',
  params: { column1: '77085', column2: '77080', modifierIndicator: '0' },
};
const pairFindings = (result: Result) => result.findings.filter((f) => f.rule.startsWith('pair.'));
const pairsChecked = (result: Result) => result.checked.filter((c) => c.family === 'pairs').map((c) => c.version);
const pairsUnchecked = (result: Result) => result.unchecked.filter((u) => u.family === 'pairs').map((u) => u.reason);

describe('pair findings on a submitted claim, embedded rows', () => {
  it('words 77080 and 77086 on one date as the combined code 77085, at the later of the two lines', () => {
    const combo = knowledge.pairs.combinations[0]!;
    // 77086 first: the finding points to the line billed last (index 1, 77080), whatever the order of the combination's codes.
    const result = checkWith(['dxa-axial', 'vfa'], ['77086', '77080']);
    expect(pairsChecked(result)).toEqual([VERSION]);
    expect(pairsUnchecked(result)).toEqual([PARTIAL]);
    expect(pairFindings(result)).toEqual([
      {
        rule: 'pair.combined-code',
        severity: 'error',
        message: '77080 and 77086 on one date: axial DXA and VFA in one session are reported as 77085.',
        line: 1,
        fix: 'Replace the 77080 and 77086 lines with one 77085 line.',
        source: combo.source,
        path: 'claim.lines[1].code',
        params: { codes: ['77080', '77086'], replacement: '77085' },
      },
    ]);
  });

  it('words 77080 with 77085 as contained (indicator 0, unverified), from 2015-01-01 when 77085 began, and not on 2014-12-31', () => {
    expect(pairFindings(checkWith(['dxa-axial', 'vfa'], ['77085', '77080'], { dateOfService: '2015-01-01' }))).toEqual([CONTAINED_77080]);
    expect(pairFindings(checkWith(['dxa-axial', 'vfa'], ['77085', '77080'], { dateOfService: '2014-12-31' }))).toEqual([]);
  });

  it('refuses a bypass modifier on an indicator-0 pair, on either line', () => {
    const bypassNotAllowed = (column2: string, rationale: string) => ({
      rule: 'pair.bypass-not-allowed',
      severity: 'error',
      message: `line 2 (${column2}) with line 1 (77085): ${rationale}; a bypass modifier cannot separate this pair (indicator 0) (modifier indicator 0 is unverified).`,
      line: 1,
      fix: `Remove the ${column2} line.`,
      source: rowOf('77085', column2).source,
      path: 'claim.lines[1]',
      params: { column1: '77085', column2, modifierIndicator: '0' },
    });
    expect(pairFindings(checkWith(['dxa-axial', 'vfa'], ['77085', '77086-XU']))).toEqual([
      bypassNotAllowed('77086', '77085 already contains the vertebral fracture assessment of 77086'),
    ]);
    expect(pairFindings(checkWith(['dxa-axial', 'vfa'], ['77085-59', '77080']))).toEqual([
      bypassNotAllowed('77080', '77085 already contains the axial DXA study of 77080'),
    ]);
  });

  it('words 77080 with 77081 (indicator 1, secondary) as mutually exclusive without a bypass modifier, and as bypassed with one on either line', () => {
    const row = rowOf('77081', '77080');
    const base = { line: 1, source: row.source, path: 'claim.lines[1]', params: { column1: '77081', column2: '77080', modifierIndicator: '1' } };
    expect(pairFindings(checkWith(['dxa-peripheral', 'dxa-axial'], ['77081', '77080']))).toEqual([
      {
        rule: 'pair.mutually-exclusive',
        severity: 'error',
        message: `line 2 (77080) with line 1 (77081): ${row.rationale}; 77080 is denied unless a distinct service is documented and marked with 59 or XE/XS/XP/XU (modifier indicator 1 is secondary).`,
        fix: 'Remove the 77080 line, or add XU/59 only if the record documents a distinct service.',
        ...base,
      },
    ]);
    const bypassed = {
      rule: 'pair.bypassed',
      severity: 'warning',
      message: `line 2 (77080) with line 1 (77081): a bypass modifier lets both codes pay (${row.rationale}); ${DISTINCT} (modifier indicator 1 is secondary).`,
      ...base,
    };
    expect(pairFindings(checkWith(['dxa-peripheral', 'dxa-axial'], ['77081', '77080-XU']))).toEqual([bypassed]);
    expect(pairFindings(checkWith(['dxa-peripheral', 'dxa-axial'], ['77081-XS', '77080']))).toEqual([bypassed]);
  });

  it('words an axial plus a peripheral study (77085 with 77081) as cross-category, information only', () => {
    const row = rowOf('77085', '77081');
    expect(pairFindings(checkWith(['dxa-axial', 'vfa', 'dxa-peripheral'], ['77085', '77081']))).toEqual([
      {
        rule: 'pair.cross-category',
        severity: 'info',
        message: `line 2 (77081) with line 1 (77085): ${row.rationale}. Not rejected; bill both only when the record shows each study was needed, and import the CMS PTP table to confirm.`,
        line: 1,
        source: row.source,
        path: 'claim.lines[1]',
        params: { column1: '77085', column2: '77081', modifierIndicator: null },
      },
    ]);
  });

  it('words 77086 with a same-region spine radiograph as an unverified relationship', () => {
    const row = rowOf('77086', '72100');
    expect(pairFindings(checkWith(['vfa', 'spine-radiograph'], ['77086', '72100']))).toEqual([
      {
        rule: 'pair.unverified',
        severity: 'warning',
        message: `line 2 (72100) with line 1 (77086): ${row.rationale}. This relationship is unverified in REFERENCE; the NCCI row and modifier indicator are not confirmed.`,
        line: 1,
        fix: 'Confirm against the current CMS PTP table; bill both only when the record documents separate services.',
        source: row.source,
        path: 'claim.lines[1]',
        params: { column1: '77086', column2: '72100', modifierIndicator: null },
      },
    ]);
  });
});

describe('same-category bone-density pairs (NCCI Policy Manual ch. IX)', () => {
  const sameCategory = (column1: string, column2: string, category: string, bypass: boolean) => ({
    rule: 'pair.same-category',
    line: 1,
    source: rowOf(column1, column2).source,
    path: 'claim.lines[1]',
    params: { column1, column2, modifierIndicator: null, category, bypass },
  });

  it('rejects two axial studies (77080 with QCT 77078) named by the manual', () => {
    expect(pairFindings(checkWith(['dxa-axial', 'qct-axial'], ['77080', '77078']))).toEqual([
      {
        ...sameCategory('77080', '77078', 'axial', false),
        severity: 'error',
        message: `line 2 (77078) with line 1 (77080): ${SAME_CATEGORY}. The manual says PTP edits stop more than one axial bone-density code on one date, so one of these lines is expected to deny (which one depends on the unconfirmed column order).`,
        fix: 'Bill one of the two studies.',
      },
    ]);
  });

  it('rejects two peripheral studies (77081 with ultrasound 76977, and 76977 with SEXA G0130)', () => {
    const peripheral = (column1: string, column2: string) => ({
      ...sameCategory(column1, column2, 'peripheral', false),
      severity: 'error',
      message: `line 2 (${column2}) with line 1 (${column1}): ${SAME_CATEGORY}. The manual says PTP edits stop more than one peripheral bone-density code on one date, so one of these lines is expected to deny (which one depends on the unconfirmed column order).`,
      fix: 'Bill one of the two studies.',
    });
    expect(pairFindings(checkWith(['dxa-peripheral', 'ultrasound-peripheral'], ['77081', '76977']))).toEqual([peripheral('77081', '76977')]);
    expect(pairFindings(checkWith(['ultrasound-peripheral', 'sexa-peripheral'], ['76977', 'G0130']))).toEqual([peripheral('76977', 'G0130')]);
  });

  it('warns, and does not reject, when a bypass modifier is on the pair: whether the edit can be bypassed is not known', () => {
    expect(pairFindings(checkWith(['dxa-axial', 'qct-axial'], ['77080', '77078-XU']))).toEqual([
      {
        ...sameCategory('77080', '77078', 'axial', true),
        severity: 'warning',
        message: `line 2 (77078) with line 1 (77080): ${SAME_CATEGORY}. A bypass modifier is on the pair, but whether this edit can be bypassed at all (indicator 1) or not (indicator 0) is not known.`,
        fix: 'Confirm the row and indicator in the CMS PTP table; the manual allows one axial and one peripheral study per date, not two of one kind.',
      },
    ]);
  });

  it('warns for 77085 with QCT 77078: the manual does not name 77085, so the edit is dxacode\'s reading', () => {
    expect(pairFindings(checkWith(['dxa-axial', 'vfa', 'qct-axial'], ['77085', '77078']))).toEqual([
      {
        ...sameCategory('77085', '77078', 'axial', false),
        severity: 'warning',
        message: `line 2 (77078) with line 1 (77085): ${SAME_CATEGORY}. The manual says PTP edits stop more than one axial bone-density code on one date, so one of these lines is expected to deny (which one depends on the unconfirmed column order); the manual as quoted does not name 77085, so this edit is dxacode's reading and unverified: review.`,
        fix: 'Bill one of the two studies.',
      },
    ]);
  });
});

describe('which rows apply, and what the family says it checked', () => {
  it('takes a modifier the modifier table does not know for no bypass modifier', () => {
    expect(pairFindings(checkWith(['dxa-peripheral', 'dxa-axial'], ['77081', '77080-ZZ'])).map((f) => f.rule)).toEqual(['pair.mutually-exclusive']);
  });

  it('checks nothing and says nothing is missing on a claim of one code, on one line or two', () => {
    for (const lines of [['77080'], ['77080', '77080-76']]) {
      const result = checkWith(['dxa-axial'], lines);
      expect(pairsChecked(result)).toEqual([VERSION]);
      expect(pairsUnchecked(result)).toEqual([]);
      expect(pairFindings(result)).toEqual([]);
    }
  });

  it('applies the practitioner-only 77081/77080 row to no institutional claim, and says the hospital table is not loaded', () => {
    const result = checkWith(['dxa-peripheral', 'dxa-axial'], ['77081', '77080'], { claimType: 'institutional' });
    expect(pairFindings(result)).toEqual([]);
    expect(pairsUnchecked(result)).toEqual([HOSPITAL_MISSING]);
  });
});

describe('pair findings on the recommended claim (no claim given)', () => {
  it('says which modifier the recommended claim put on 77080 for the 77081 pair: XU from 2015, 59 before', () => {
    const row = rowOf('77081', '77080');
    for (const [date, modifier] of [['2026-03-02', 'XU'], ['2014-06-02', '59']] as const) {
      const result = checkWith(['dxa-axial', 'dxa-peripheral'], undefined, { dateOfService: date });
      expect(result.recommended.lines.map((l) => [l.code, l.modifiers])).toEqual([['77080', [modifier]], ['77081', []]]);
      expect(pairFindings(result)).toEqual([
        {
          rule: 'pair.bypassed',
          severity: 'warning',
          message: `77080 with 77081: dxacode's recommended claim puts ${modifier} on 77080, which lets both codes pay (${row.rationale}); ${DISTINCT} (modifier indicator 1 is secondary).`,
          source: row.source,
          path: 'performed[0]',
          params: { column1: '77081', column2: '77080', modifierIndicator: '1' },
        },
      ]);
    }
  });

  it('names the bypass modifier, not a component modifier before it, on a line billed TC (axial study not interpreted)', () => {
    const result = checkWith(['dxa-axial', 'dxa-peripheral'], undefined, { performed: [{ procedure: 'dxa-axial', interpreted: false }, { procedure: 'dxa-peripheral' }] });
    expect(result.recommended.lines.map((l) => [l.code, l.modifiers])).toEqual([['77080', ['TC', 'XU']], ['77081', []]]);
    expect(pairFindings(result).map((f) => f.message.slice(0, 60))).toEqual(["77080 with 77081: dxacode's recommended claim puts XU on 770"]);
  });

  const leftOff = (code: string, keptCode: string, category: string, dxa: boolean, performed: number) => {
    const row = knowledge.pairs.byColumns.get(keptCode)?.get(code)?.[0] ?? rowOf(code, keptCode);
    return {
      rule: 'pair.left-off',
      severity: 'warning',
      message: `${code} was performed but is left off the recommended claim: billed with ${keptCode} on one date it is expected to deny (${row.rationale}; the NCCI Policy Manual ch. IX says PTP edits stop two ${category} bone-density codes on one date). dxacode keeps ${keptCode}${dxa ? ', the DXA study, which Medicare requires for monitoring and confirmatory baselines' : ''}.`,
      fix: `Bill ${code} instead of ${keptCode} only if the record shows it was the study needed; never both on one date without a confirmed NCCI row that allows it.`,
      source: row.source,
      path: `performed[${performed}]`,
      params: { code, keptCode, modifierIndicator: null },
    };
  };

  it('leaves QCT off beside an axial DXA study, and says the DXA study is kept for Medicare monitoring', () => {
    const result = checkWith(['qct-axial', 'dxa-axial'], undefined);
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['77080']);
    expect(pairFindings(result)).toEqual([leftOff('77078', '77080', 'axial', true, 0)]);
    // One line left: no pair to check, so nothing is reported missing.
    expect(pairsUnchecked(result)).toEqual([]);
  });

  it('leaves SEXA off beside ultrasound (neither DXA, the first kept), and ultrasound off beside a peripheral DXA study', () => {
    expect(pairFindings(checkWith(['ultrasound-peripheral', 'sexa-peripheral'], undefined))).toEqual([leftOff('G0130', '76977', 'peripheral', false, 1)]);
    expect(pairFindings(checkWith(['ultrasound-peripheral', 'dxa-peripheral'], undefined))).toEqual([leftOff('76977', '77081', 'peripheral', true, 0)]);
  });
});

/*
 * Imported NCCI PTP tables, invented in CMS's text layout (the six header lines of the fixtures in test/fixtures/cms/ptp,
 * one row a line): the rows are examples of the layout and of each indicator and date, not values from a CMS table.
 */
const HEAD = readFileSync(new URL('../../test/fixtures/cms/ptp/ccipra-v320r0-f4.txt', import.meta.url), 'latin1').split('\r\n').slice(0, 6).join('\r\n');
const FILLER = '0001U\t0030U\t\t20180701\t*\t1\tMisuse of Column Two code with Column One code';
const BONE_DENSITY = [
  // Indicator 0 on a pair the embedded rows give indicator 1: the imported table decides.
  '77081\t77080\t\t20070101\t*\t0\tMutually exclusive procedures',
  // Deleted from 2026-06-01: in force up to 2026-05-31.
  '77080\t77078\t\t20070101\t20260601\t1\tMutually exclusive procedures',
  // In force from 2026-04-01.
  '76977\tG0130\t\t20260401\t*\t1\tMutually exclusive procedures',
  // Indicator 9, not applicable, without a deletion date.
  '77086\t72100\t\t20150101\t*\t9\tCPT Manual or CMS manual coding instruction',
  '77085\t77086\t\t20150101\t*\t0\tHCPCS/CPT procedure code definition',
];
const ptpFile = (name: string, rows: string[]) => ({ name, bytes: Buffer.from(`${HEAD}\r\n${rows.join('\r\n')}\r\n`, 'latin1') });

let seq = 0;
/** The files imported as one knowledge version (as `dxacode knowledge import` stores it), in force from 2026-01-01. */
function imported(kind: KnowledgeKind, importer: Importer, files: { name: string; bytes: Buffer }[]): { knowledge: Knowledge; id: string; source: string } {
  const data = importer.read(files);
  const id = `${kind}:test-${++seq}`;
  const record = {
    seq, id, kind, edition: data.edition, effectiveFrom: '2026-01-01', effectiveTo: null, rowCounts: data.rowCounts, warnings: data.warnings,
    files: files.map((f) => ({ name: f.name, sha256: '0'.repeat(64), bytes: f.bytes.length })), contentSha256: '0'.repeat(64), importedBy: 'test', importedAt: '2026-10-01T00:00:00.000Z',
  };
  const names = files.map((f) => f.name).join(', ');
  const title = kind === 'ptp-hospital' ? 'NCCI PTP outpatient hospital v32.0 (outpatient hospital)' : 'NCCI PTP practitioner v32.0 (practitioner)';
  return {
    knowledge: withVersions(knowledge, [compileVersion(record, decodeTables(encodeTables(data.tables)))]),
    id,
    source: `${title}, imported from ${names} by test on 2026-10-01 (CMS NCCI procedure-to-procedure edit)`,
  };
}

const four = imported('ptp-practitioner', ptpPractitioner, [
  ptpFile('ccipra-v320r0-f1.txt', [FILLER]),
  ptpFile('ccipra-v320r0-f2.txt', ['25442\t01810\t\t20200101\t*\t0\tAnesthesia service included in surgical procedure']),
  ptpFile('ccipra-v320r0-f3.txt', ['37252\t99452\t\t20200101\t*\t1\tMisuse of Column Two code with Column One code']),
  ptpFile('ccipra-v320r0-f4.txt', BONE_DENSITY),
]);
const onePart = imported('ptp-practitioner', ptpPractitioner, [ptpFile('ccipra-v320r0-f1.txt', [FILLER])]);
const twoParts = imported('ptp-practitioner', ptpPractitioner, [ptpFile('ccipra-v320r0-f1.txt', [FILLER]), ptpFile('ccipra-v320r0-f4.txt', BONE_DENSITY)]);
const hospital = imported('ptp-hospital', ptpHospital, [ptpFile('ccioph-v320r0-f4.txt', BONE_DENSITY)]);
const LABEL = (table: { id: string }, kind = 'NCCI PTP practitioner v32.0 (practitioner)') => `${kind} (2026-01-01 to open), imported ${table.id}`;
const importedSource = (table: { id: string; source: string }) => ({ title: table.source, version: table.id, confidence: 'verified' });

describe('pair findings under an imported NCCI PTP table', () => {
  it('names the imported table and the combined codes in checked, and the parts not loaded in unchecked', () => {
    const complete = checkWith(['dxa-peripheral', 'dxa-axial'], ['77081', '77080'], {}, four.knowledge);
    expect(pairsChecked(complete)).toEqual([`${LABEL(four)}; combined codes ${VERSION}`]);
    expect(pairsUnchecked(complete)).toEqual([]);
    expect(pairsUnchecked(checkWith(['dxa-peripheral', 'dxa-axial'], ['77081', '77080'], {}, onePart.knowledge))).toEqual([
      `only part f1 of the four files of ${LABEL(onePart)} is loaded; column-1 codes of the other parts are not checked`,
    ]);
    expect(pairsUnchecked(checkWith(['dxa-peripheral', 'dxa-axial'], ['77081', '77080'], {}, twoParts.knowledge))).toEqual([
      `only parts f1, f4 of the four files of ${LABEL(twoParts)} are loaded; column-1 codes of the other parts are not checked`,
    ]);
    // One code: no pair, so no part is missing for it.
    expect(pairsUnchecked(checkWith(['dxa-axial'], ['77080'], {}, onePart.knowledge))).toEqual([]);
  });

  it('takes the imported indicator 0 over the embedded indicator 1: no bypass, and a bypass modifier is refused', () => {
    const base = { line: 1, source: importedSource(four), path: 'claim.lines[1]', params: { column1: '77081', column2: '77080', modifierIndicator: '0' } };
    expect(pairFindings(checkWith(['dxa-peripheral', 'dxa-axial'], ['77081', '77080'], {}, four.knowledge))).toEqual([
      {
        rule: 'pair.mutually-exclusive',
        severity: 'error',
        message: 'line 2 (77080) with line 1 (77081): Mutually exclusive procedures; 77080 is denied when billed with 77081.',
        fix: 'Remove the 77080 line.',
        ...base,
      },
    ]);
    expect(pairFindings(checkWith(['dxa-peripheral', 'dxa-axial'], ['77081', '77080-XU'], {}, four.knowledge))).toEqual([
      {
        rule: 'pair.bypass-not-allowed',
        severity: 'error',
        message: 'line 2 (77080) with line 1 (77081): Mutually exclusive procedures; a bypass modifier cannot separate this pair (indicator 0).',
        fix: 'Remove the 77080 line.',
        ...base,
      },
    ]);
  });

  it('leaves the column-2 line of an indicator-0 pair off the recommended claim, and says no modifier bypasses it', () => {
    const result = checkWith(['dxa-axial', 'dxa-peripheral'], undefined, {}, four.knowledge);
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['77081']);
    expect(pairFindings(result)).toEqual([
      {
        rule: 'pair.left-off',
        severity: 'warning',
        message: '77080 was performed but is left off the recommended claim: billed with 77081 on one date it is denied (Mutually exclusive procedures; PTP modifier indicator 0, no modifier bypasses it).',
        fix: 'Do not bill 77080 with 77081.',
        source: importedSource(four),
        path: 'performed[0]',
        params: { code: '77080', keptCode: '77081', modifierIndicator: '0' },
      },
    ]);
  });

  it('applies a row from its effective date and up to the day before its deletion date; deleted rows stay in the file', () => {
    const mutuallyExclusive = (column1: string, column2: string) => ({
      rule: 'pair.mutually-exclusive',
      severity: 'error',
      message: `line 2 (${column2}) with line 1 (${column1}): Mutually exclusive procedures; ${column2} is denied unless a distinct service is documented and marked with 59 or XE/XS/XP/XU.`,
      line: 1,
      fix: `Remove the ${column2} line, or add XU/59 only if the record documents a distinct service.`,
      source: importedSource(four),
      path: 'claim.lines[1]',
      params: { column1, column2, modifierIndicator: '1' },
    });
    const at = (date: string, procedures: string[], lines: string[]) => pairFindings(checkWith(procedures, lines, { dateOfService: date }, four.knowledge));
    // Deleted from 2026-06-01; the embedded same-category row for the pair gives way to the imported one.
    expect(at('2026-05-31', ['dxa-axial', 'qct-axial'], ['77080', '77078'])).toEqual([mutuallyExclusive('77080', '77078')]);
    expect(at('2026-06-01', ['dxa-axial', 'qct-axial'], ['77080', '77078'])).toEqual([]);
    // In force from 2026-04-01.
    expect(at('2026-03-31', ['ultrasound-peripheral', 'sexa-peripheral'], ['76977', 'G0130'])).toEqual([]);
    expect(at('2026-04-01', ['ultrasound-peripheral', 'sexa-peripheral'], ['76977', 'G0130'])).toEqual([mutuallyExclusive('76977', 'G0130')]);
  });

  it('applies no row of indicator 9 (not applicable), even without a deletion date', () => {
    expect(pairFindings(checkWith(['vfa', 'spine-radiograph'], ['77086', '72100'], {}, four.knowledge))).toEqual([]);
  });

  it('falls back to the embedded rows that follow from the code definitions (verified, contained) where the table has no row for the pair', () => {
    expect(pairFindings(checkWith(['dxa-axial', 'vfa'], ['77085', '77080'], {}, onePart.knowledge))).toEqual([CONTAINED_77080]);
    // Not the secondary 77081/77080 row, the same-category rows, or the TBS rows (CPT parentheticals, secondary),
    // each of which the embedded rows alone report.
    const embeddedOnly: [string[], string[], string][] = [
      [['dxa-peripheral', 'dxa-axial'], ['77081', '77080'], 'pair.mutually-exclusive'],
      [['dxa-axial', 'qct-axial'], ['77080', '77078'], 'pair.same-category'],
      [['dxa-axial'], ['77089', '77090'], 'pair.contained'],
    ];
    for (const [procedures, lines, rule] of embeddedOnly) {
      expect(pairFindings(checkWith(procedures, lines)).map((f) => f.rule)).toEqual([rule]);
      expect(pairFindings(checkWith(procedures, lines, {}, onePart.knowledge))).toEqual([]);
    }
  });

  it('reads the hospital outpatient table for an institutional claim, and the practitioner one for no institutional claim', () => {
    const result = checkWith(['dxa-axial', 'vfa'], ['77085', '77086'], { claimType: 'institutional' }, hospital.knowledge);
    expect(pairsChecked(result)).toEqual([`${LABEL(hospital, 'NCCI PTP outpatient hospital v32.0 (outpatient hospital)')}; combined codes ${VERSION}`]);
    expect(pairFindings(result)).toEqual([
      {
        rule: 'pair.mutually-exclusive',
        severity: 'error',
        message: 'line 2 (77086) with line 1 (77085): HCPCS/CPT procedure code definition; 77086 is denied when billed with 77085.',
        line: 1,
        fix: 'Remove the 77086 line.',
        source: importedSource(hospital),
        path: 'claim.lines[1]',
        params: { column1: '77085', column2: '77086', modifierIndicator: '0' },
      },
    ]);
    const practitionerOnly = checkWith(['dxa-peripheral', 'dxa-axial'], ['77081', '77080'], { claimType: 'institutional' }, four.knowledge);
    expect(pairsChecked(practitionerOnly)).toEqual([VERSION]);
    expect(pairsUnchecked(practitionerOnly)).toEqual([HOSPITAL_MISSING]);
  });
});
