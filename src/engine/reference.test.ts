/** The coders' reference: every fact read from the knowledge in force on the date, with the source it comes from. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../io/knowledge-files.js';
import { muePractitioner } from '../knowledge/import/mue.js';
import { ptpPractitioner } from '../knowledge/import/ptp.js';
import { decodeTables, encodeTables } from '../knowledge/import/table.js';
import { compileVersion, withVersions } from '../knowledge/versions.js';
import { codeReference, codeStatus, referenceIndex } from './reference.js';

const knowledge = loadKnowledge();

describe('coders reference', () => {
  it('lists every code of the knowledge with its status on the date', () => {
    const index = referenceIndex(knowledge, '2014-06-01');
    expect(index.map((c) => c.code).sort()).toEqual([...knowledge.codes.byCode.keys()].sort());
    expect(index.find((c) => c.code === '77082')?.status).toBe('valid');
    expect(index.find((c) => c.code === '77085')?.status).toBe('not-yet-valid');
    expect(referenceIndex(knowledge, '2015-01-01').find((c) => c.code === '77082')?.status).toBe('ended');
    expect(codeStatus({ effective: null, end: null }, '2020-01-01')).toBe('dates-not-recorded');
  });

  it('gives 77082 its end (2014-12-31), both codes that replaced it, and the code it replaced, with the code table as source', () => {
    const ref = codeReference(knowledge, '77082', '2016-03-01')!;
    expect(ref.history).toMatchObject({ effective: '2007-01-01', end: '2014-12-31', status: 'ended', replacedBy: ['77085', '77086'], replaces: ['76077'] });
    expect(ref.history.source).toBe(knowledge.codes.byCode.get('77082')!.source);
    expect(ref.mistakes[0]!.mistake).toContain('on or after 2015-01-01');
  });

  it('names 77083 taken for VFA as a common mistake, citing REFERENCE §1', () => {
    const ref = codeReference(knowledge, '77083', '2026-06-01')!;
    expect(ref.mistakes).toHaveLength(1);
    expect(ref.mistakes[0]!.mistake).toMatch(/vertebral fracture assessment/i);
    expect(ref.mistakes[0]!.source).toMatchObject({ title: expect.stringContaining('REFERENCE §1'), confidence: 'verified' });
  });

  it('shows 77081 with its pair edits and indicators, its MUE and MAI, 26/TC from the PC/TC indicator, the bypass modifiers and Medicare XU', () => {
    const ref = codeReference(knowledge, '77081', '2026-06-01')!;
    const pair = ref.pairs.find((p) => p.column1 === '77081' && p.column2 === '77080' && p.claimType === 'professional')!;
    expect(pair).toMatchObject({ modifierIndicator: '1', inForce: true, kind: 'mutually-exclusive' });
    expect(ref.pairsNote.complete).toBe(false);
    const mue = knowledge.mue.professional.get('77081')!;
    expect(ref.units.find((u) => u.claimType === 'professional')).toMatchObject({ value: mue.value, mai: mue.mai, source: knowledge.mue.professional.info.source });
    expect(ref.pcTc).toMatchObject({ split: true, indicator: '1' });
    const modifiers = ref.modifiers.map((m) => m.modifier);
    expect(modifiers).toEqual(expect.arrayContaining(['26', 'TC', '59', 'XU']));
    const xuReasons = ref.modifiers.filter((m) => m.modifier === 'XU').map((m) => m.because);
    expect(xuReasons.some((b) => b.startsWith('Medicare: on 77081 when 77081 and 77085'))).toBe(true);
    expect(ref.modifiers.every((m) => m.source.title.length > 0)).toBe(true);
  });

  it('gives coverage per Medicare jurisdiction (J15, JJ/JM articles) and per payer pack in force, each with its source', () => {
    const ref = codeReference(knowledge, '77080', '2026-06-01')!;
    const byArticle = new Map(ref.coverage.medicare.articles.map((a) => [a.article, a]));
    expect(byArticle.get('A57132')).toMatchObject({ jurisdictions: ['J15'], listsCode: true });
    expect(byArticle.get('A59040')?.jurisdictions).toEqual(['JJ', 'JM']);
    expect(ref.coverage.medicare.notes[0]!.text).toContain('bone mass measurement benefit');
    const aetna = ref.coverage.payers.find((p) => p.id === 'aetna-cpb-0134')!;
    const packRules = knowledge.packs.versions('aetna-cpb-0134')[0]!.pack.rules.filter((r) => r.codes.includes('77080'));
    expect(aetna.rules.map((r) => r.id)).toEqual(packRules.map((r) => r.id));
    expect(aetna.rules.length).toBeGreaterThan(0);
    expect(ref.coverage.payers.find((p) => p.id === 'medicare')?.rules).toEqual([]);
    // A pack out of its period on the date is not shown.
    expect(codeReference(knowledge, '77080', '2010-06-01')!.coverage.payers.some((p) => p.id === 'bcbsri-medicare-advantage')).toBe(false);
  });

  it('knows no code the knowledge does not hold', () => {
    expect(codeReference(knowledge, '99213', '2026-06-01')).toBeUndefined();
  });
});

/** A table read by an importer, as `dxacode knowledge import` stores it (encoded and decoded), in force from 2026-01-01. */
function importedVersion(kind: 'mue-practitioner' | 'ptp-practitioner', data: ReturnType<typeof muePractitioner.read>, files: { name: string; bytes: Buffer }[]) {
  return compileVersion(
    { seq: 1, id: `${kind}:test-1`, kind, edition: data.edition, effectiveFrom: '2026-01-01', effectiveTo: null, rowCounts: data.rowCounts, warnings: data.warnings,
      files: files.map((f) => ({ name: f.name, sha256: '0'.repeat(64), bytes: f.bytes.length })), contentSha256: '0'.repeat(64), importedBy: 'test', importedAt: '2026-10-01T00:00:00.000Z' },
    decodeTables(encodeTables(data.tables)),
  );
}

describe('coders reference, each part whole', () => {
  const date = '2026-06-01';
  const k = knowledge.forDate(date);
  const label = (modifier: string) => k.modifiers.byCode.get(modifier)!.label;
  const FREQUENCY_NOTE = {
    text: 'Frequency: 23 months since the last covered study (eligible from the first day of the same calendar month two years after the month of the last covered BMM); exceptions: monitoring long-term glucocorticoid therapy of more than 3 months; confirmatory baseline by axial DXA after a first test by another technique.',
    source: k.medicare.frequency.source,
  };

  it('says where a code stands on the first and last day of its period and the day before and after', () => {
    const period = { effective: '2007-01-01', end: '2014-12-31' };
    expect(['2006-12-31', '2007-01-01', '2014-12-31', '2015-01-01'].map((d) => codeStatus(period, d))).toEqual(['not-yet-valid', 'valid', 'valid', 'ended']);
    expect(['2006-12-31', '2007-01-01'].map((d) => codeStatus({ effective: null, end: '2006-12-31' }, d))).toEqual(['valid', 'ended']);
    expect(['2004-12-31', '2099-01-01'].map((d) => codeStatus({ effective: '2005-01-01', end: null }, d))).toEqual(['not-yet-valid', 'valid']);
  });

  it('sums a code up in the index: a code without mistakes counts none', () => {
    const index = referenceIndex(knowledge, date);
    const entry = k.codes.byCode.get('77078')!;
    expect(index.find((c) => c.code === '77078')).toEqual({ code: '77078', system: entry.system, label: entry.label, service: entry.service, status: 'valid', mistakeCount: 0 });
    expect(index.find((c) => c.code === '77080')?.mistakeCount).toBe(3);
    expect(codeReference(knowledge, '77078', date)!.mistakes).toEqual([]);
  });

  it("gives a code's history whole: what replaced it (one code or several), what it replaced, its combinations and an unverified status", () => {
    const combination = k.pairs.combinations.find((c) => c.replacement === '77085')!;
    const asHistory = { codes: ['77080', '77086'], replacement: '77085', effective: '2015-01-01', end: null, rationale: combination.rationale, source: combination.source };
    const history = (code: string, on = date) => codeReference(knowledge, code, on)!.history;
    expect(history('77081')).toEqual({ effective: '2007-01-01', end: null, status: 'valid', statusUnverified: false, replacedBy: [], replaces: ['76076'], combinations: [], source: k.codes.byCode.get('77081')!.source });
    expect(history('76075', '2006-06-01')).toEqual({ effective: null, end: '2006-12-31', status: 'valid', statusUnverified: false, replacedBy: ['77080'], replaces: [], combinations: [], source: k.codes.byCode.get('76075')!.source });
    expect(history('77085').combinations).toEqual([asHistory]);
    expect(history('77086').combinations).toEqual([asHistory]);
    expect(history('77080').combinations).toEqual([asHistory]);
    expect(history('77083').statusUnverified).toBe(true);
  });

  it('lists the pair edits of 77081 in both column orders, professional claims only, with 77085 not yet in force in 2014', () => {
    const pairs = (on: string) => codeReference(knowledge, '77081', on)!.pairs.map((p) => [p.column1, p.column2, p.other, p.claimType, p.inForce, p.modifierIndicator, p.indicatorConfidence, p.kind, p.effective, p.deletion]);
    expect(pairs(date)).toEqual([
      ['77081', '77080', '77080', 'professional', true, '1', 'secondary', 'mutually-exclusive', null, null],
      ['77085', '77081', '77085', 'professional', true, null, 'unverified', 'cross-category', '2015-01-01', null],
      ['77081', '77078', '77078', 'professional', true, null, 'unverified', 'cross-category', null, null],
      ['77081', '76977', '76977', 'professional', true, null, 'unverified', 'same-category', null, null],
      ['77081', 'G0130', 'G0130', 'professional', true, null, 'unverified', 'same-category', null, null],
    ]);
    expect(pairs('2014-06-01').find((p) => p[0] === '77085')?.[4]).toBe(false);
    const row = codeReference(knowledge, '77081', date)!.pairs[0]!;
    const embedded = k.pairs.byColumns.get('77081')!.get('77080')![0]!;
    expect(row).toEqual({ column1: '77081', column2: '77080', other: '77080', claimType: 'professional', effective: null, deletion: null, inForce: true, modifierIndicator: '1', indicatorConfidence: 'secondary', kind: 'mutually-exclusive', rationale: embedded.rationale, source: embedded.source });
  });

  it('notes that the embedded pair table is partial, and names the parts of an imported CMS table', () => {
    expect(codeReference(knowledge, '77081', date)!.pairsNote).toEqual({ complete: false, text: k.pairs.partialNote, source: { title: `${k.pairs.title} ${k.pairs.version}`, confidence: 'verified' } });
    const files = ['ccipra-v320r0-f1.txt', 'ccipra-v320r0-f4.txt'].map((name) => ({ name, bytes: readFileSync(new URL(`../../test/fixtures/cms/ptp/${name}`, import.meta.url)) }));
    const version = importedVersion('ptp-practitioner', ptpPractitioner.read(files), files);
    const withPtp = withVersions(knowledge, [version]);
    const imported = withPtp.forDate('2026-02-01').ptp.professional!;
    expect(codeReference(withPtp, '77081', '2026-02-01')!.pairsNote).toEqual({ complete: false, text: `${imported.info.label} (parts f1, f4)`, source: imported.info.source });
  });

  it("gives 77081's units per claim type and every modifier tied to it, once per modifier and reason", () => {
    const ref = codeReference(knowledge, '77081', date)!;
    const mue = (claimType: 'professional' | 'institutional') => ({ claimType, value: 1, mai: 2, rationale: 'Code Descriptor / CPT Instruction', source: k.mue[claimType].info.source });
    expect(ref.units).toEqual([mue('professional'), mue('institutional')]);
    const pcTc = ref.pcTc!.source;
    const pair = k.pairs.byColumns.get('77081')!.get('77080')![0]!.source;
    const bypass = (modifier: string) => ({ modifier, label: label(modifier), because: 'pair 77081/77080 has modifier indicator 1', source: pair });
    const cwf = k.medicare.sameDay.cwfEdit;
    expect(ref.modifiers).toEqual([
      { modifier: '26', label: label('26'), because: '77081 has a professional/technical split', source: pcTc },
      { modifier: 'TC', label: label('TC'), because: '77081 has a professional/technical split', source: pcTc },
      ...['59', 'XE', 'XS', 'XP', 'XU'].map(bypass),
      { modifier: 'XU', label: label('XU'), because: `Medicare: on 77081 when 77081 and 77085 are on one claim (from 2020-07-01; ${cwf.dateNote})`, source: cwf.source },
    ]);
  });

  it('ties the repeat modifiers to a code whose imported MUE is adjudicated per line (MAI 1)', () => {
    const csv =
      '"notice"\r\n"HCPCS/\r\nCPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator","MUE Rationale"\r\n' + '"77081","1","1 Line Edit","Code Descriptor / CPT Instruction"\r\n';
    const files = [{ name: 'mue.csv', bytes: Buffer.from(csv, 'latin1') }];
    const withMue = withVersions(knowledge, [importedVersion('mue-practitioner', muePractitioner.read(files), files)]);
    const ref = codeReference(withMue, '77081', '2026-06-01')!;
    const table = withMue.forDate('2026-06-01').mue.professional;
    const repeat = [...k.modifiers.byCode.values()].filter((m) => m.kind === 'repeat').map((m) => m.modifier);
    expect(repeat.length).toBeGreaterThan(0);
    const perLine = repeat.map((modifier) => ({ modifier, label: label(modifier), because: 'its MUE is adjudicated per line (MAI 1, professional)', source: table.info.source }));
    const without = codeReference(knowledge, '77081', date)!.modifiers;
    // The repeat modifiers come after the bypass ones and before Medicare's XU, and no other kind of modifier joins them.
    expect(ref.modifiers).toEqual([...without.slice(0, -1), ...perLine, without.at(-1)]);
    expect(codeReference(knowledge, '77081', date)!.modifiers.some((m) => repeat.includes(m.modifier))).toBe(false);
  });

  it('gives the Medicare notes of each kind of code: in the benefit (from a date or not), axial DXA, not on any list, excluded, not reasonable and necessary', () => {
    const notes = (code: string) => codeReference(knowledge, code, date)!.coverage.medicare.notes;
    const benefit = (code: string) => k.medicareIndex.benefitByCode.get(code)!.source;
    expect(notes('77085')).toEqual([
      { text: 'In the bone mass measurement benefit from 2015-01-01.', source: benefit('77085') },
      FREQUENCY_NOTE,
      { text: 'An axial DXA code: the one kind of study that counts for monitoring and confirmatory baselines.', source: k.medicare.axialDxaSource },
    ]);
    expect(notes('76977')).toEqual([{ text: 'In the bone mass measurement benefit.', source: benefit('76977') }, FREQUENCY_NOTE]);
    expect(notes('77086')).toEqual([{ text: k.medicareIndex.notOnListByCode.get('77086')!.note, source: k.medicareIndex.notOnListByCode.get('77086')!.source }]);
    const spa = k.medicare.notReasonableAndNecessary.find((n) => n.code === '78350')!;
    expect(notes('78350')).toEqual([{ text: `Not covered from 2007-01-01: ${spa.reason}.`, source: spa.source }]);
    const dpa = k.medicareIndex.excludedByCode.get('78351')!;
    expect(notes('78351')).toEqual([{ text: 'Not covered: dual-photon absorptiometry is left out of the bone mass measurement benefit.', source: dpa.source }]);
    const bodyComposition = k.medicareIndex.excludedByCode.get('76499')!;
    expect(notes('76499')).toEqual([{ text: 'Not covered: DXA body composition has no Medicare benefit category.', source: bodyComposition.source }]);
  });

  it('ties GY to a code Medicare excludes, with the note on its modifier when there is one', () => {
    const dpa = k.medicareIndex.excludedByCode.get('78351')!;
    expect(codeReference(knowledge, '78351', date)!.modifiers).toEqual([{ modifier: 'GY', label: label('GY'), because: `Medicare: dual-photon absorptiometry is left out of the bone mass measurement benefit (${dpa.modifierNote!})`, source: dpa.source }]);
    const bodyComposition = k.medicareIndex.excludedByCode.get('76499')!;
    expect(codeReference(knowledge, '76499', date)!.modifiers).toEqual([{ modifier: 'GY', label: label('GY'), because: 'Medicare: DXA body composition has no Medicare benefit category', source: bodyComposition.source }]);
    // 78350 has no PC/TC split, no MUE and no pair edit; 77085's pair edits have no modifier indicator 1, so no bypass modifier.
    const spa = codeReference(knowledge, '78350', date)!;
    expect([spa.pcTc, spa.units, spa.modifiers]).toEqual([null, [], []]);
    expect(codeReference(knowledge, '77085', date)!.modifiers.map((m) => m.modifier)).toEqual(['26', 'TC']);
  });

  it("lists each billing article once, whether it lists the code and how many diagnoses cover it, and the contractors' same-day limits for a peripheral or axial code only", () => {
    const article = (id: string) => [...k.articles.byJurisdiction.values()].find((a) => a.article === id)!;
    const expected = (id: string, jurisdictions: string[], listsCode: boolean, coveredDiagnoses: number | null) => {
      const a = article(id);
      return { jurisdictions, article: id, title: 'Billing and Coding: Bone Mass Measurement', contractor: a.contractor, listsCode, coveredDiagnoses, url: `https://www.cms.gov/medicare-coverage-database/view/article.aspx?articleId=${id.slice(1)}`, source: a.info.source };
    };
    const medicare = codeReference(knowledge, '77081', date)!.coverage.medicare;
    expect(medicare.articles).toEqual([expected('A57132', ['J15'], true, 412), expected('A59040', ['JJ', 'JM'], true, 418)]);
    const [cgs, wps] = k.medicare.sameDay.contractors;
    expect(medicare.contractors).toEqual([
      { contractor: 'CGS', policy: 'LCD L36460 / billing article A57132', jurisdictions: ['J15'], text: 'it is not medically necessary to have both peripheral and axial BMM tests performed on the same day', source: cgs!.source },
      {
        contractor: 'WPS',
        policy: wps!.policy,
        jurisdictions: ['J5', 'J8'],
        text: 'an axial and an appendicular (peripheral) study are not covered on the same date of service or within 30 days of each other, unless the first study was unreadable, for example because of hardware in the hip or spine',
        source: wps!.source,
      },
    ]);
    const spa = codeReference(knowledge, '78350', date)!.coverage.medicare;
    expect(spa.contractors).toEqual([]);
    expect(spa.articles.map((a) => [a.article, a.listsCode, a.coveredDiagnoses])).toEqual([
      ['A57132', true, null],
      ['A59040', true, null],
    ]);
    expect(codeReference(knowledge, '77080', date)!.coverage.medicare.contractors.map((c) => c.contractor)).toEqual(['CGS', 'WPS']);
  });

  it('gives each payer pack in force with the rules that name the code, whole', () => {
    const payers = codeReference(knowledge, '77081', date)!.coverage.payers;
    expect(payers.map((p) => p.id)).toEqual(['aetna-cpb-0134', 'bcbsri-medicare-advantage', 'blue-plan-6-01-44', 'medicare', 'qualchoice-bi216']);
    const aetna = knowledge.packs.versions('aetna-cpb-0134')[0]!.pack;
    const rule = aetna.rules.find((r) => r.id === 'bmd-repeat-interval')!;
    expect(payers[0]).toEqual({
      id: 'aetna-cpb-0134',
      name: aetna.name,
      program: 'commercial',
      version: aetna.version,
      effective: '2005-01-01',
      end: null,
      rules: [{ id: 'bmd-repeat-interval', kind: rule.kind, severity: rule.severity, message: rule.message, source: rule.source }],
      source: aetna.source,
    });
    expect(payers.find((p) => p.id === 'qualchoice-bi216')!.rules.map((r) => r.id)).toEqual(['prior-authorization-under-30', 'preventive-coverage', 'preventive-interval', 'medical-interval-women-30-54', 'medical-interval-men-30-and-over', 'osteoporosis-treatment-interval']);
    // QualChoice's policy starts 2019-11-01: not shown the day before.
    expect(codeReference(knowledge, '77081', '2019-10-31')!.coverage.payers.map((p) => p.id)).not.toContain('qualchoice-bi216');
    expect(codeReference(knowledge, '77081', '2019-11-01')!.coverage.payers.map((p) => p.id)).toContain('qualchoice-bi216');
  });
});
