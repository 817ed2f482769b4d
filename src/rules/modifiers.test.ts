/**
 * The modifiers family's findings word for word: message, fix, source, path and params of each finding, the `checked`
 * entry and each `unchecked` reason (cases/modifiers-components.yaml compares ids, severities and parts of texts;
 * these compare the whole finding). REFERENCE.md §2: the PC/TC split of 77080, 77081, 77085, 77086 and the spine
 * radiographs, 26 or TC when split, no modifier for global; §4: 26 and TC never on one line, a global line plus a 26
 * or TC line for the same code is a duplicate, 59/XE/XS/XP/XU only to bypass a pair edit, 76/77 a review flag, GA, GY
 * and GZ never combined, GX only with GY lines, at most four modifiers; CMS CR 8863: XE/XS/XP/XU from 2015-01-01;
 * audit 2026-12 §1 item 7 (GX without GY a warning) and §3 item 7 (GA/GX/GY/GZ for Original Medicare only); the CMS
 * PFS relative value file CY2024 (data/cms/pprrvu-2024-bone-density.csv): PC/TC indicator 1 for 77080.
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../contract/result.js';
import { runCase } from '../engine/cases.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { RvuEntry, RvuTable } from '../knowledge/official.js';

const knowledge = loadKnowledge();
const table = knowledge.modifiers;
const DATE = '2026-03-02';
const rvu = knowledge.rvuOn(DATE);
const DX = ['M85.851', 'Z78.0'];

/** The modifiers' own sources, from the table (the table cites them; these tests check which one a finding carries). */
const sourceOf = (modifier: string) => table.byCode.get(modifier)!.source;
const exclusiveSource = (a: string, b: string) => table.exclusive.find((r) => r.modifiers[0] === a && r.modifiers[1] === b)!.source;
/** The CMS PFS file's PC/TC indicator as the finding cites it. */
const pfs = (code: string, indicator: string) => ({ title: `${rvu.info.source.title}: ${code} has PC/TC indicator ${indicator}`, version: rvu.info.source.version, confidence: rvu.info.source.confidence });
const PC_TC_UNKNOWN = { title: 'REFERENCE §2, §4: PC/TC split; 26 professional, TC technical, none for global', confidence: 'unverified' };
const DUPLICATE_LINE = {
  title: 'REFERENCE §4: a global line plus a 26 or TC line for the same code, patient and date is a duplicate (standard CMS policy, unverified)',
  confidence: 'unverified',
};

/** A Medicare (J15) axial DXA on 2026-03-02 of cases/modifiers-components.yaml, with the lines given. */
const BASE = {
  dateOfService: DATE,
  patient: { sex: 'female', age: 72 },
  payer: 'medicare',
  jurisdiction: 'J15',
  orderingProvider: { treating: true },
  diagnoses: DX,
  clinical: { estrogenDeficient: true },
  history: [],
  performed: [{ procedure: 'dxa-axial' }],
};
/** A claim line; without modifiers the line gives none (a path then names the line, not its modifiers). */
const line = (code: string, modifiers?: string[]) => ({ code, ...(modifiers ? { modifiers } : {}), diagnoses: DX });

/**
 * The knowledge with fresh PFS tables (one per embedded table), their rows changed by `row`: pcTcOf keeps its answers
 * per table for the process, so each test asks a table of its own and the PC/TC split is looked up again.
 */
function withRvu(row: (code: string, found: RvuEntry | undefined) => RvuEntry | undefined = (_, found) => found, base: Knowledge = knowledge): Knowledge {
  const fresh = new Map<RvuTable, RvuTable>();
  const tableOf = (table: RvuTable): RvuTable => {
    let copy = fresh.get(table);
    if (!copy) fresh.set(table, (copy = { info: table.info, get: (code, modifier) => row(code, table.get(code, modifier)) }));
    return copy;
  };
  const swap = (k: Knowledge): Knowledge => ({ ...k, rvuOn: (date: string) => tableOf(k.rvuOn(date)) });
  return { ...swap(base), forDate: (date: string) => swap(base.forDate(date)) };
}
/** 77080's PFS row with another PC/TC indicator, as an imported RVU file could give it. */
const indicator = (pctc: string) => (code: string, found: RvuEntry | undefined) => (code === '77080' && found ? { ...found, pctc } : found);

function checkWith(changes: Record<string, unknown>, using: Knowledge = withRvu()): Result {
  const { result, differences } = runCase('modifiers', { ...BASE, ...changes }, {}, using);
  if (!result) throw new Error(differences.join('; '));
  return result;
}
const modifierFindings = (result: Result) => result.findings.filter((f) => f.rule.startsWith('modifier.'));
const modifiersChecked = (result: Result) => result.checked.filter((c) => c.family === 'modifiers').map((c) => c.version);
const modifiersUnchecked = (result: Result) => result.unchecked.filter((u) => u.family === 'modifiers').map((u) => u.reason);

describe('modifiers that exclude each other', () => {
  it('26 and TC on one line: bill the global line or the one component', () => {
    const result = checkWith({ claim: { lines: [line('77080', ['26', 'TC'])] } });
    expect(modifiersChecked(result)).toEqual([`${table.version}; PC/TC indicators ${rvu.info.label}`]);
    expect(modifierFindings(result)).toEqual([
      {
        rule: 'modifier.exclusive',
        severity: 'error',
        message: 'line 1 (77080): 26 and TC never go on one line.',
        line: 0,
        fix: 'Bill one global line without 26/TC, or only the component this provider furnished.',
        source: exclusiveSource('26', 'TC'),
        path: 'claim.lines[0].modifiers',
        params: { code: '77080', modifiers: ['26', 'TC'] },
      },
    ]);
    expect(modifiersUnchecked(result)).toEqual([]);
  });

  it('GA, GY and GZ on one line: each pair once, in the order of the table, keep the one that applies', () => {
    const result = checkWith({ abnOnFile: true, claim: { lines: [line('77080', ['GA', 'GY', 'GZ'])] } });
    const finding = (a: string, b: string) => ({
      rule: 'modifier.exclusive',
      severity: 'error',
      message: `line 1 (77080): ${a} and ${b} never go on one line.`,
      line: 0,
      fix: 'Keep only the liability modifier that applies.',
      source: exclusiveSource(a, b),
      path: 'claim.lines[0].modifiers',
      params: { code: '77080', modifiers: [a, b] },
    });
    expect(modifierFindings(result)).toEqual([finding('GA', 'GY'), finding('GA', 'GZ'), finding('GY', 'GZ')]);
  });

  it('GX and GZ on one line (CR 6563: Medicare returns GX with GA or GZ)', () => {
    const [finding] = modifierFindings(checkWith({ claim: { lines: [line('77080', ['GZ', 'GX'])] } }));
    expect(finding).toEqual({
      rule: 'modifier.exclusive',
      severity: 'error',
      message: 'line 1 (77080): GZ and GX never go on one line.',
      line: 0,
      fix: 'Keep only the liability modifier that applies.',
      source: exclusiveSource('GZ', 'GX'),
      path: 'claim.lines[0].modifiers',
      params: { code: '77080', modifiers: ['GZ', 'GX'] },
    });
  });
});

describe('modifiers that need another', () => {
  it('GX without GY on an excluded service is a warning to review, the requirement resting on secondary sources', () => {
    const rule = table.requires.find((r) => r.modifier === 'GX')!;
    const result = checkWith({ abnOnFile: true, performed: [{ procedure: 'dxa-body-composition' }], claim: { lines: [line('76499', ['GX'])] } });
    expect(modifierFindings(result)).toEqual([
      {
        rule: 'modifier.requires',
        severity: 'warning',
        message: 'line 1 (76499): GX is used only together with GY (seen in secondary sources only; no primary source forbids GX alone: review).',
        line: 0,
        fix: 'Add GY or remove GX.',
        source: rule.source,
        path: 'claim.lines[0].modifiers',
        params: { code: '76499', modifier: 'GX', requires: 'GY' },
      },
    ]);
    expect(modifierFindings(checkWith({ abnOnFile: true, performed: [{ procedure: 'dxa-body-composition' }], claim: { lines: [line('76499', ['GY', 'GX'])] } }))).toEqual([]);
  });

  it('a requirement a verified source settles is an error without the review note (an invented verified rule)', () => {
    const settled = { ...table.requires[0]!, source: { title: 'an invented verified source', confidence: 'verified' as const } };
    const result = checkWith({ abnOnFile: true, performed: [{ procedure: 'dxa-body-composition' }], claim: { lines: [line('76499', ['GX'])] } }, withModifiers({ requires: [settled] }));
    expect(modifierFindings(result)).toEqual([
      {
        rule: 'modifier.requires',
        severity: 'error',
        message: 'line 1 (76499): GX is used only together with GY.',
        line: 0,
        fix: 'Add GY or remove GX.',
        source: settled.source,
        path: 'claim.lines[0].modifiers',
        params: { code: '76499', modifier: 'GX', requires: 'GY' },
      },
    ]);
  });
});

/** The knowledge with some fields of the modifier table replaced, on every date. */
function withModifiers(changes: Partial<Knowledge['modifiers']>): Knowledge {
  const swap = (k: Knowledge): Knowledge => ({ ...k, modifiers: { ...k.modifiers, ...changes } });
  const base = withRvu();
  return { ...swap(base), forDate: (date: string) => swap(base.forDate(date)) };
}

describe('modifiers on their own', () => {
  it('a modifier twice points to its second place, citing the table', () => {
    const result = checkWith({ component: 'professional', claim: { lines: [line('77080', ['26', '26'])] } });
    expect(modifierFindings(result)).toEqual([
      {
        rule: 'modifier.duplicate',
        severity: 'warning',
        message: 'line 1 (77080): 26 appears twice.',
        line: 0,
        fix: 'Keep one 26.',
        source: { title: table.title, confidence: 'verified' },
        path: 'claim.lines[0].modifiers[1]',
        params: { code: '77080', modifier: '26' },
      },
    ]);
  });

  it('a modifier outside the table is reported once and left unchecked', () => {
    const result = checkWith({ claim: { lines: [line('77080', ['Q9'])] } });
    expect(modifierFindings(result)).toEqual([
      {
        rule: 'modifier.unknown',
        severity: 'warning',
        message: "line 1 (77080): modifier Q9 is not in dxacode's modifier table and was not checked.",
        line: 0,
        fix: 'Confirm the modifier applies to this service.',
        source: { title: table.title, version: table.version, confidence: 'verified' },
        path: 'claim.lines[0].modifiers[0]',
        params: { code: '77080', modifier: 'Q9' },
      },
    ]);
    expect(modifiersUnchecked(result)).toEqual(['modifier Q9 is not in the modifier table']);
  });

  it('XU the day before CR 8863 made it valid (2014-12-31), on a line a pair edit involves: use 59', () => {
    const xu = table.byCode.get('XU')!;
    const result = checkWith({
      dateOfService: '2014-12-31',
      payer: 'aetna',
      performed: [{ procedure: 'dxa-axial' }, { procedure: 'dxa-peripheral' }],
      claim: { lines: [line('77080', ['XU']), line('77081')] },
    });
    expect(modifierFindings(result)).toEqual([
      {
        rule: 'modifier.not-yet-valid',
        severity: 'error',
        message: 'line 1 (77080): XU (unusual non-overlapping service) exists from 2015-01-01; it cannot be reported for 2014-12-31.',
        line: 0,
        fix: 'Use 59 (distinct procedural service) for a distinct service before 2015-01-01.',
        source: xu.effectiveSource,
        path: 'claim.lines[0].modifiers[0]',
        params: { code: '77080', modifier: 'XU', effective: '2015-01-01' },
      },
    ]);
    // The first day it exists.
    expect(modifierFindings(checkWith({ dateOfService: '2015-01-01', payer: 'aetna', performed: [{ procedure: 'dxa-axial' }, { procedure: 'dxa-peripheral' }], claim: { lines: [line('77080', ['XU']), line('77081')] } }))).toEqual([]);
  });

  it('a modifier dated without a distinct-service kind is to be removed before its date (an invented dated 76)', () => {
    const dated = new Map(table.byCode).set('76', { ...table.byCode.get('76')!, effective: '2027-01-01' });
    const [finding] = modifierFindings(checkWith({ claim: { lines: [line('77080', ['76'])] } }, withModifiers({ byCode: dated })));
    expect(finding).toEqual({
      rule: 'modifier.not-yet-valid',
      severity: 'error',
      message: `line 1 (77080): 76 (repeat procedure, same day, same physician) exists from 2027-01-01; it cannot be reported for ${DATE}.`,
      line: 0,
      fix: 'Remove 76.',
      source: sourceOf('76'),
      path: 'claim.lines[0].modifiers[0]',
      params: { code: '77080', modifier: '76', effective: '2027-01-01' },
    });
  });

  it('a distinct-service modifier on a line no pair edit involves bypasses nothing', () => {
    const result = checkWith({ claim: { lines: [line('77080', ['59'])] } });
    expect(modifierFindings(result)).toEqual([
      {
        rule: 'modifier.bypass-without-edit',
        severity: 'warning',
        message: 'line 1 (77080): 59 (distinct procedural service) is on a line that no known pair edit involves; distinct-service modifiers draw review when they bypass nothing.',
        line: 0,
        fix: 'Remove 59 unless another same-day service needs it (only the partial PTP table is embedded).',
        source: sourceOf('59'),
        path: 'claim.lines[0].modifiers[0]',
        params: { code: '77080', modifier: '59' },
      },
    ]);
    // Either line of a pair the PTP table has (77081 column 1, 77080 column 2) takes it without this finding.
    for (const lines of [[line('77081', ['XU']), line('77080')], [line('77081'), line('77080', ['XU'])]]) {
      const findings = modifierFindings(checkWith({ payer: 'aetna', performed: [{ procedure: 'dxa-axial' }, { procedure: 'dxa-peripheral' }], claim: { lines } }));
      expect(findings.map((f) => f.rule)).not.toContain('modifier.bypass-without-edit');
    }
  });

  it('77 on a bone-density line is a repeat study, a review flag', () => {
    expect(modifierFindings(checkWith({ claim: { lines: [line('77080', ['77'])] } }))).toEqual([
      {
        rule: 'modifier.repeat-review',
        severity: 'warning',
        message: 'line 1 (77080): 77 (repeat procedure, same day, another physician) on a bone-density code is rare and a review flag.',
        line: 0,
        fix: 'Make sure the record documents a true repeat study on the same day.',
        source: sourceOf('77'),
        path: 'claim.lines[0].modifiers[0]',
        params: { code: '77080', modifier: '77' },
      },
    ]);
  });

  it('more modifiers than a line carries (an invented table allowing 3)', () => {
    const result = checkWith({ component: 'professional', claim: { lines: [line('77080', ['26', '59', '76', 'Q9'])] } }, withModifiers({ maxPerLine: 3 }));
    expect(modifierFindings(result).find((f) => f.rule === 'modifier.too-many')).toEqual({
      rule: 'modifier.too-many',
      severity: 'error',
      message: 'line 1 (77080): 4 modifiers, but a line carries at most 3.',
      line: 0,
      fix: 'Keep the modifiers that change payment first (26/TC, then liability, then others).',
      source: table.maxPerLineSource,
      path: 'claim.lines[0].modifiers',
      params: { code: '77080', count: 4, max: 3 },
    });
    // Three is not more than three.
    expect(modifierFindings(checkWith({ component: 'professional', claim: { lines: [line('77080', ['26', '59', '76'])] } }, withModifiers({ maxPerLine: 3 }))).map((f) => f.rule)).not.toContain('modifier.too-many');
  });
});

describe('liability modifiers are for Original Medicare only', () => {
  const pack = (id: string) => knowledge.payers.get(id)!;

  it('on a Medicare Advantage plan, GA/GZ/GY/GX do not apply: the plan has its own notice rules', () => {
    const ma = pack('bcbsri-medicare-advantage');
    expect(modifierFindings(checkWith({ payer: ma.id, claim: { lines: [line('77080', ['GZ'])] } }))).toEqual([
      {
        rule: 'modifier.medicare-only',
        severity: 'warning',
        message: `line 1 (77080): GZ is an Original Medicare liability modifier; ${ma.name} is a Medicare Advantage plan, whose claims do not take GA/GZ/GY/GX (the plan's own notice rules apply).`,
        line: 0,
        fix: "Remove GZ unless this payer's policy asks for it.",
        source: sourceOf('GZ'),
        path: 'claim.lines[0].modifiers[0]',
        params: { code: '77080', modifier: 'GZ', payer: ma.id, program: 'medicare-advantage' },
      },
    ]);
  });

  it('on a commercial plan, the payer is named', () => {
    const commercial = pack('aetna-cpb-0134');
    expect(modifierFindings(checkWith({ payer: commercial.id, abnOnFile: true, claim: { lines: [line('77080', ['GA'])] } }))).toEqual([
      {
        rule: 'modifier.medicare-only',
        severity: 'warning',
        message: `line 1 (77080): GA is a Medicare liability modifier; the payer is ${commercial.name}.`,
        line: 0,
        fix: "Remove GA unless this payer's policy asks for it.",
        source: sourceOf('GA'),
        path: 'claim.lines[0].modifiers[0]',
        params: { code: '77080', modifier: 'GA', payer: commercial.id, program: 'commercial' },
      },
    ]);
  });

  it('on Original Medicare, and for a payer dxacode does not know, no such finding', () => {
    for (const payer of ['medicare', 'no-such-payer']) {
      const rules = modifierFindings(checkWith({ payer, claim: { lines: [line('77080', ['GZ'])] } })).map((f) => f.rule);
      expect(rules).not.toContain('modifier.medicare-only');
    }
  });
});

describe('the component against the PC/TC split', () => {
  it('the technical component of an uninterpreted study lacks TC, saying why the component is technical', () => {
    const result = checkWith({ performed: [{ procedure: 'dxa-axial', interpreted: false }], claim: { lines: [line('77080')] } });
    expect(modifierFindings(result)).toEqual([
      {
        rule: 'modifier.component-missing',
        severity: 'error',
        message: 'line 1 (77080): the technical component is billed (no interpretation is documented), but the line has no TC.',
        line: 0,
        fix: 'Add TC.',
        source: pfs('77080', '1'),
        path: 'claim.lines[0]',
        params: { code: '77080', component: 'technical', expected: 'TC' },
      },
    ]);
  });

  it('the professional component lacks 26; the billed component is the one given', () => {
    expect(modifierFindings(checkWith({ component: 'professional', claim: { lines: [{ code: '77080', modifiers: [], diagnoses: DX }] } }))).toEqual([
      {
        rule: 'modifier.component-missing',
        severity: 'error',
        message: 'line 1 (77080): the professional component is billed, but the line has no 26.',
        line: 0,
        fix: 'Add 26.',
        source: pfs('77080', '1'),
        path: 'claim.lines[0].modifiers',
        params: { code: '77080', component: 'professional', expected: '26' },
      },
    ]);
  });

  it('26 on a technical-component line is replaced by TC', () => {
    expect(modifierFindings(checkWith({ component: 'technical', claim: { lines: [line('77080', ['26'])] } }))).toEqual([
      {
        rule: 'modifier.component-mismatch',
        severity: 'error',
        message: 'line 1 (77080): the line carries 26, but the provider bills the technical component.',
        line: 0,
        fix: 'Replace 26 with TC.',
        source: pfs('77080', '1'),
        path: 'claim.lines[0].modifiers',
        params: { code: '77080', component: 'technical', modifier: '26', expected: 'TC' },
      },
    ]);
  });

  it('26 on a global service whose study was not interpreted: the component billed is technical', () => {
    const result = checkWith({ performed: [{ procedure: 'dxa-axial', interpreted: false }], claim: { lines: [line('77080', ['26'])] } });
    expect(modifierFindings(result)).toEqual([
      {
        rule: 'modifier.component-mismatch',
        severity: 'error',
        message: 'line 1 (77080): the line carries 26, but the provider bills the technical component (no interpretation is documented).',
        line: 0,
        fix: 'Replace 26 with TC.',
        source: pfs('77080', '1'),
        path: 'claim.lines[0].modifiers',
        params: { code: '77080', component: 'technical', modifier: '26', expected: 'TC' },
      },
    ]);
  });

  it('TC on a global line is removed to bill the global service', () => {
    expect(modifierFindings(checkWith({ claim: { lines: [line('77080', ['TC'])] } }))).toEqual([
      {
        rule: 'modifier.component-mismatch',
        severity: 'error',
        message: 'line 1 (77080): the line carries TC, but the provider bills the global component.',
        line: 0,
        fix: 'Remove TC to bill the global service.',
        source: pfs('77080', '1'),
        path: 'claim.lines[0].modifiers',
        params: { code: '77080', component: 'global', modifier: 'TC', expected: null },
      },
    ]);
  });

  it('a spine radiograph the PFS rows do not carry takes its split from the code table (72020, split, secondary)', () => {
    expect(modifierFindings(checkWith({ component: 'professional', claim: { lines: [line('77080', ['26']), line('72020')] } }))).toEqual([
      {
        rule: 'modifier.component-missing',
        severity: 'error',
        message: 'line 2 (72020): the professional component is billed, but the line has no 26.',
        line: 1,
        fix: 'Add 26.',
        source: { title: 'REFERENCE §2, §4: PC/TC split of 72020; 26 professional, TC technical, none for global', confidence: 'secondary' },
        path: 'claim.lines[1]',
        params: { code: '72020', component: 'professional', expected: '26' },
      },
    ]);
  });

  it('a code outside the code tables (0554T) is left to the codes family: no component finding', () => {
    const result = checkWith({ component: 'professional', claim: { lines: [line('77080', ['26']), line('0554T', ['26'])] } });
    expect(modifierFindings(result)).toEqual([]);
    expect(modifiersUnchecked(result)).toEqual([]);
  });

  it('26 on a code whose split is not known (77083) is not checked, and says so', () => {
    const result = checkWith({
      payer: 'aetna-cpb-0134',
      component: 'professional',
      performed: [{ procedure: 'radiographic-absorptiometry', sites: ['finger'] }],
      claim: { lines: [{ code: '77083', modifiers: ['26'], diagnoses: ['M85.851'] }] },
    });
    expect(modifierFindings(result)).toEqual([
      {
        rule: 'modifier.split-unknown',
        severity: 'warning',
        message: "line 1 (77083): whether 77083 has a professional/technical split is not in dxacode's knowledge, so its 26/TC modifier was not checked.",
        line: 0,
        fix: 'Check the PC/TC indicator of the code in the CMS physician fee schedule RVU file.',
        source: PC_TC_UNKNOWN,
        path: 'claim.lines[0].modifiers',
        params: { code: '77083', component: 'professional', modifiers: ['26'] },
      },
    ]);
    expect(modifiersUnchecked(result)).toEqual(['the PC/TC indicator of 77083 is not known']);
  });

  it('TC alone on a code whose split is not known names the modifier; a global line without 26/TC has nothing to check', () => {
    const encounter = (component: string, modifiers: string[]) => ({
      payer: 'aetna-cpb-0134',
      component,
      performed: [{ procedure: 'radiographic-absorptiometry', sites: ['finger'] }],
      claim: { lines: [{ code: '77083', modifiers, diagnoses: ['M85.851'] }] },
    });
    const [tc] = modifierFindings(checkWith(encounter('global', ['TC'])));
    expect([tc!.message, tc!.params]).toEqual([
      "line 1 (77083): whether 77083 has a professional/technical split is not in dxacode's knowledge, so its 26/TC modifier was not checked.",
      { code: '77083', component: 'global', modifiers: ['TC'] },
    ]);
    const global = checkWith(encounter('global', []));
    expect(modifierFindings(global)).toEqual([]);
    expect(modifiersUnchecked(global)).toEqual([]);
  });

  it('the technical component of a code whose split is not known: billing it was not checked (77082, 2012)', () => {
    const result = checkWith({
      dateOfService: '2012-06-01',
      component: 'technical',
      performed: [{ procedure: 'dxa-axial' }, { procedure: 'vfa' }],
      claim: { lines: [line('77080', ['TC']), line('77082')] },
    });
    expect(modifierFindings(result)).toEqual([
      {
        rule: 'modifier.split-unknown',
        severity: 'warning',
        message: "line 2 (77082): whether 77082 has a professional/technical split is not in dxacode's knowledge, so billing the technical component was not checked.",
        line: 1,
        fix: 'Check the PC/TC indicator of the code in the CMS physician fee schedule RVU file.',
        source: PC_TC_UNKNOWN,
        path: 'claim.lines[1]',
        params: { code: '77082', component: 'technical', modifiers: [] },
      },
    ]);
  });
});

describe('the PC/TC indicator of an imported PFS file (invented rows)', () => {
  it('indicator 0: no split, so 26 and TC do not apply; a line without them is right', () => {
    const using = withRvu(indicator('0'));
    expect(modifierFindings(checkWith({ component: 'professional', claim: { lines: [line('77080', ['26'])] } }, using))).toEqual([
      {
        rule: 'modifier.no-split',
        severity: 'error',
        message: 'line 1 (77080): 77080 has no professional/technical split, so 26 and TC do not apply.',
        line: 0,
        fix: 'Remove 26/TC.',
        source: pfs('77080', '0'),
        path: 'claim.lines[0].modifiers',
        params: { code: '77080', modifiers: ['26'], pcTcIndicator: '0' },
      },
    ]);
    expect(modifierFindings(checkWith({ component: 'professional', claim: { lines: [line('77080')] } }, withRvu(indicator('0'))))).toEqual([]);
  });

  it('indicator 6 (a laboratory test) leaves the split to the code table, which has none for 77080: not checked', () => {
    const result = checkWith({ component: 'professional', claim: { lines: [line('77080', ['26'])] } }, withRvu(indicator('6')));
    expect(modifierFindings(result).map((f) => [f.rule, f.source, f.params])).toEqual([
      ['modifier.split-unknown', PC_TC_UNKNOWN, { code: '77080', component: 'professional', modifiers: ['26'] }],
    ]);
    expect(modifiersUnchecked(result)).toEqual(['the PC/TC indicator of 77080 is not known']);
  });

  it('indicator 1 is the split the embedded rows give', () => {
    const [finding] = modifierFindings(checkWith({ component: 'professional', claim: { lines: [line('77080')] } }, withRvu(indicator('1'))));
    expect(finding!.source).toEqual(pfs('77080', '1'));
  });
});

describe('the 26/TC modifiers a component finding names', () => {
  // params.modifiers lists the line's 26/TC only (docs/rules.md), not the other modifiers beside them.
  const named = (result: ReturnType<typeof checkWith>, rule: string) => modifierFindings(result).find((f) => f.rule === rule)?.params;

  it('a split not known (77083): 26 beside 59 names 26 alone', () => {
    const result = checkWith({
      payer: 'aetna-cpb-0134',
      component: 'professional',
      performed: [{ procedure: 'radiographic-absorptiometry', sites: ['finger'] }],
      claim: { lines: [{ code: '77083', modifiers: ['59', '26'], diagnoses: ['M85.851'] }] },
    });
    expect(named(result, 'modifier.split-unknown')).toEqual({ code: '77083', component: 'professional', modifiers: ['26'] });
  });

  it('no split (an imported indicator 0): TC beside XU names TC alone', () => {
    const result = checkWith({ component: 'technical', claim: { lines: [line('77080', ['XU', 'TC'])] } }, withRvu(indicator('0')));
    expect(named(result, 'modifier.no-split')).toEqual({ code: '77080', modifiers: ['TC'], pcTcIndicator: '0' });
  });
});

describe('duplicate lines for one code', () => {
  it('a 26 line and a TC line: one provider furnishing both bills one global line', () => {
    const result = checkWith({ claim: { lines: [line('77080', ['26']), line('77080', ['TC'])] } });
    expect(modifierFindings(result).filter((f) => f.rule === 'modifier.duplicate-line')).toEqual([
      {
        rule: 'modifier.duplicate-line',
        severity: 'error',
        message: '77080 is billed as 26 and TC on separate lines; one provider furnishing both components bills one global line.',
        line: 1,
        fix: 'Bill 77080 once: as a global line without 26/TC.',
        source: DUPLICATE_LINE,
        path: 'claim.lines[1].code',
        params: { code: '77080', lines: [0, 1], components: ['26', 'TC'] },
      },
    ]);
  });

  it('a global, a 26 and a TC line for the professional component: bill it once with 26', () => {
    const result = checkWith({ component: 'professional', claim: { lines: [line('77080'), line('77080', ['26']), line('77080', ['TC'])] } });
    expect(modifierFindings(result).filter((f) => f.rule === 'modifier.duplicate-line')).toEqual([
      {
        rule: 'modifier.duplicate-line',
        severity: 'error',
        message: '77080 is billed on 3 lines (global, 26, TC) for one session; a global line already includes both components.',
        line: 2,
        fix: 'Bill 77080 once: with 26.',
        source: DUPLICATE_LINE,
        path: 'claim.lines[2].code',
        params: { code: '77080', lines: [0, 1, 2], components: ['global', '26', 'TC'] },
      },
    ]);
  });

  it('two 26 lines are not the two components', () => {
    const [finding] = modifierFindings(checkWith({ component: 'professional', claim: { lines: [line('77080', ['26']), line('77080', ['26'])] } }));
    expect([finding!.message, finding!.params]).toEqual([
      '77080 is billed on 2 lines (26, 26) for one session; a global line already includes both components.',
      { code: '77080', lines: [0, 1], components: ['26', '26'] },
    ]);
  });

  it('a repeat study (76 or 77) is not a duplicate line; other codes are counted apart', () => {
    for (const repeat of ['76', '77']) {
      const rules = modifierFindings(checkWith({ claim: { lines: [line('77080'), line('77080', [repeat])] } })).map((f) => f.rule);
      expect(rules).toEqual(['modifier.repeat-review']);
    }
    const rules = modifierFindings(checkWith({ claim: { lines: [line('77080', ['76']), line('77080')] } })).map((f) => f.rule);
    expect(rules).toEqual(['modifier.repeat-review']);
  });
});
