/** The coders' reference: every fact read from the knowledge in force on the date, with the source it comes from. */
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../io/knowledge-files.js';
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
