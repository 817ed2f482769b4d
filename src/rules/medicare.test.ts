/**
 * The Medicare bone mass measurement assessment (src/rules/medicare.ts) compared whole: which benefit a line falls
 * under, which diagnosis list decides it, its denials, its 23-month frequency outcome, the qualified-individual
 * categories, the liability modifiers and the same-day BMM edits. Sources: SSA §1861(rr) (the five categories, A for
 * women), REFERENCE.md §5 and Medicare Benefit Policy Manual ch. 15 §80.5.5 (23 months counted by month: last covered
 * BMM 2024-03-15, next covered from 2026-03-01; the glucocorticoid and confirmatory-baseline exceptions; monitoring
 * and a confirmatory baseline by axial DXA), MLN Matters MM5847 (glucocorticoid threshold 7.5 mg before 2007-01-01,
 * 5.0 mg from then, for more than 3 months; SPA not reasonable and necessary from 2007-01-01), CR 10956 (77085 in the
 * benefit from 2015-01-01), 42 CFR 410.31 (DPA left out, an order from the treating practitioner), MLN SE1525 (M85.80
 * not on the NCD 150.3 list), REFERENCE §4 (GA with an ABN, GZ without, GY for an excluded service, GX only with GY),
 * audit 2026-12 §1 (a dose below the threshold contradicts Z79.52), CMS Transmittal 10193 (from 2020-07-01 XU on 77080
 * with 77081 and on 77081 with 77085), the CGS (J15) article A57132 / LCD L36460 (axial plus peripheral on one day not
 * medically necessary) and the WPS text (30 days), and the billing articles' code groups (data/cms: A57132 for J15,
 * A59040 for JJ and JM; Z79.83 supports 77080 only; N95.1 is in A59040 and not A57132; Z79.85 the other way round).
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../contract/encounter.js';
import { normalizeEncounter, parseEncounter } from '../engine/index.js';
import { normalizeLine } from '../engine/normalize.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import type { CheckInput, Line } from './context.js';
import {
  assessMedicareClaim,
  assessMedicareLiability,
  assessMedicareLine,
  bmmBenefitEntry,
  bmmCategory,
  bmmFrequency,
  contractorHistoryStudy,
  glucocorticoidFactsBelowThreshold,
  glucocorticoidThreshold,
  liabilityModifiersFor,
  liabilityOf,
  localCoverage,
  medicareLineFrequency,
  meetsGlucocorticoidThreshold,
  notReasonableAndNecessary,
  onLongTermGlucocorticoids,
  qualifiedCategories,
  sameDayCwfPair,
  sameDayXuLines,
  type MedicareLineAssessment,
} from './medicare.js';

const all = loadKnowledge();
const knowledge = all.forDate('2026-03-02');
const { medicare } = knowledge;
const categoryLabel = (id: string) => medicare.categories.find((c) => c.id === id)!.label;
const benefitSource = (code: string) => medicare.benefitCodes.find((b) => b.code === code)!.source;
const contractor = (name: string) => medicare.sameDay.contractors.find((c) => c.contractor === name)!;

/** A female Medicare patient in J15 on 2026-03-02, estrogen deficient, with an axial DXA; changes replace fields. */
const BASE = {
  dateOfService: '2026-03-02',
  patient: { sex: 'female', age: 72 },
  payer: 'medicare',
  jurisdiction: 'J15',
  orderingProvider: { treating: true },
  diagnoses: ['M85.851', 'Z78.0'],
  clinical: { estrogenDeficient: true },
  history: [],
  performed: [{ procedure: 'dxa-axial' }],
};
function input(changes: Record<string, unknown> = {}): CheckInput {
  const encounter = Object.fromEntries(Object.entries({ ...BASE, ...changes }).filter(([, v]) => v !== undefined));
  const parsed = parseEncounter(encounter);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return normalizeEncounter(parsed.encounter);
}
const line = (code: string, diagnoses = ['M85.851', 'Z78.0'], modifiers: string[] = []): Line => normalizeLine({ code, modifiers, diagnoses });
const on = (date: string) => all.forDate(date);
const history = (...entries: [string, string, string?][]): HistoryEntry[] => entries.map(([dateOfService, code, npi]) => ({ dateOfService, code, ...(npi ? { npi } : {}) }));

describe('the 23-month frequency, counted by calendar month (REFERENCE §5: 2024-03-15, then from 2026-03-01)', () => {
  const last = history(['2024-03-15', '77080']);

  it('is too soon on 2026-02-28 and eligible on 2026-03-01, whatever the day of the month of the last study', () => {
    expect(bmmFrequency(input({ dateOfService: '2026-02-28', history: last }), on('2026-02-28'), line('77080'))).toEqual({
      status: 'too-soon', last: '2024-03-15', lastCode: '77080', lastNpi: undefined, eligibleFrom: '2026-03-01', exception: undefined,
    });
    expect(bmmFrequency(input({ dateOfService: '2026-03-01', history: last }), on('2026-03-01'), line('77080'))).toEqual({
      status: 'eligible', last: '2024-03-15', lastCode: '77080', lastNpi: undefined, eligibleFrom: '2026-03-01',
    });
    for (const day of ['2024-03-01', '2024-03-31']) {
      const outcome = bmmFrequency(input({ dateOfService: '2026-02-28', history: history([day, '77081', '1245319599']) }), on('2026-02-28'), line('77081'));
      expect(outcome).toEqual({ status: 'too-soon', last: day, lastCode: '77081', lastNpi: '1245319599', eligibleFrom: '2026-03-01', exception: undefined });
    }
  });

  it('counts across a year end (last study in December: eligible from December two years on)', () => {
    const outcome = bmmFrequency(input({ dateOfService: '2026-11-30', history: history(['2024-12-10', '77080']) }), on('2026-11-30'), line('77080'));
    expect(outcome).toMatchObject({ status: 'too-soon', eligibleFrom: '2026-12-01' });
  });

  it('counts from the latest covered study, in any order of the history', () => {
    for (const entries of [history(['2025-01-10', '77080'], ['2023-05-02', '77080']), history(['2023-05-02', '77080'], ['2025-01-10', '77080'])]) {
      expect(bmmFrequency(input({ history: entries }), knowledge, line('77080'))).toMatchObject({ status: 'too-soon', last: '2025-01-10', eligibleFrom: '2027-01-01' });
    }
  });

  it('has no prior study when the history holds only the same day, later days, or codes outside the benefit on their date', () => {
    for (const entries of [
      history(['2026-03-02', '77080']),
      history(['2026-04-01', '77080']),
      history(['2025-06-01', '77086']),
      // 77085 is in the benefit from 2015-01-01 (CR 10956).
      history(['2014-12-31', '77085']),
    ]) {
      expect(bmmFrequency(input({ history: entries }), knowledge, line('77080'))).toEqual({ status: 'no-prior' });
    }
    expect(bmmFrequency(input({ history: history(['2015-01-01', '77085']) }), knowledge, line('77080'))).toMatchObject({ status: 'eligible', last: '2015-01-01', lastCode: '77085' });
  });

  it('says when there is no history at all, and that a code outside the benefit has no frequency', () => {
    expect(bmmFrequency(input({ history: undefined }), knowledge, line('77080'))).toEqual({ status: 'no-history' });
    expect(bmmFrequency(input({ history: history(['2025-06-01', '77080']) }), knowledge, line('77086'))).toEqual({ status: 'not-applicable' });
    expect(bmmFrequency(input({ dateOfService: '2014-12-31', history: history(['2014-06-01', '77080']) }), on('2014-12-31'), line('77085'))).toEqual({ status: 'not-applicable' });
  });

  it('leaves SPA (not reasonable and necessary) and DPA (excluded) out of the frequency, and counts 77080 as bmmFrequency does', () => {
    const withPrior = input({ history: history(['2025-06-01', '77080']) });
    expect(medicareLineFrequency(withPrior, knowledge, line('78350'))).toEqual({ status: 'not-applicable' });
    expect(medicareLineFrequency(withPrior, knowledge, line('78351'))).toEqual({ status: 'not-applicable' });
    expect(medicareLineFrequency(withPrior, knowledge, line('77080'))).toEqual(bmmFrequency(withPrior, knowledge, line('77080')));
    expect(medicareLineFrequency(withPrior, knowledge, line('77080'))).toMatchObject({ status: 'too-soon' });
  });
});

describe('the exceptions to the 23-month rule', () => {
  const soon = history(['2025-06-01', '77080']);
  const exceptionOf = (changes: Record<string, unknown>, l = line('77080'), date = '2026-03-02') =>
    (bmmFrequency(input({ dateOfService: date, history: soon, ...changes }), on(date), l) as { exception?: string }).exception;

  it('grants glucocorticoid monitoring at 5.0 mg a day for more than 3 months (from 2007), not at 3 months or below 5 mg', () => {
    expect(exceptionOf({ clinical: { glucocorticoidMgPerDay: 5, glucocorticoidMonths: 4 } })).toBe('glucocorticoid-monitoring');
    expect(exceptionOf({ clinical: { glucocorticoidMgPerDay: 5, glucocorticoidMonths: 3 } })).toBeUndefined();
    expect(exceptionOf({ clinical: { glucocorticoidMgPerDay: 4.9, glucocorticoidMonths: 12 } })).toBeUndefined();
  });

  it('asks 7.5 mg a day before 2007-01-01 (MM5847)', () => {
    const before = (mg: number) => exceptionOf({ history: history(['2005-06-01', '76075']), clinical: { glucocorticoidMgPerDay: mg, glucocorticoidMonths: 6 } }, line('76075'), '2006-12-31');
    expect(before(5)).toBeUndefined();
    expect(before(7.5)).toBe('glucocorticoid-monitoring');
  });

  it('grants it on Z79.52 coded on the line or the encounter, unless a dose or duration below the threshold contradicts it (audit 2026-12 §1)', () => {
    expect(exceptionOf({ clinical: {} }, line('77080', ['Z79.52']))).toBe('glucocorticoid-monitoring');
    expect(exceptionOf({ clinical: {}, diagnoses: ['M85.851', 'Z79.52'] }, line('77080', ['M85.851']))).toBe('glucocorticoid-monitoring');
    expect(exceptionOf({ clinical: { glucocorticoidMgPerDay: 1, glucocorticoidMonths: 6 } }, line('77080', ['Z79.52']))).toBeUndefined();
    expect(exceptionOf({ clinical: { glucocorticoidMonths: 2 } }, line('77080', ['Z79.52']))).toBeUndefined();
    expect(exceptionOf({ clinical: { glucocorticoidMgPerDay: 10 } }, line('77080', ['Z79.52']))).toBe('glucocorticoid-monitoring');
  });

  it('grants a confirmatory baseline by axial DXA only when no earlier covered study was axial DXA', () => {
    const peripheralFirst = { history: history(['2025-09-10', '77081']) };
    expect(exceptionOf(peripheralFirst)).toBe('confirmatory-baseline');
    expect(exceptionOf(peripheralFirst, line('77085'))).toBe('confirmatory-baseline');
    expect(exceptionOf({ history: history(['2025-09-10', '77081'], ['2025-01-05', '77080']) })).toBeUndefined();
    // A peripheral study after a peripheral study is no confirmatory baseline.
    expect(exceptionOf(peripheralFirst, line('77081'))).toBeUndefined();
  });
});

describe('the glucocorticoid threshold (category C)', () => {
  it('is 7.5 mg until 2006-12-31 and 5.0 mg from 2007-01-01, for more than 3 months', () => {
    expect(glucocorticoidThreshold(medicare, '2006-12-31')).toMatchObject({ mgPerDay: 7.5, monthsMoreThan: 3 });
    expect(glucocorticoidThreshold(medicare, '2007-01-01')).toMatchObject({ mgPerDay: 5, monthsMoreThan: 3 });
  });

  it('is met only with both the dose and the duration given and reached', () => {
    const meets = (clinical: object) => meetsGlucocorticoidThreshold(input({ clinical }), medicare);
    expect(meets({ glucocorticoidMgPerDay: 5, glucocorticoidMonths: 4 })).toBe(true);
    expect(meets({ glucocorticoidMgPerDay: 5 })).toBe(false);
    expect(meets({ glucocorticoidMonths: 4 })).toBe(false);
    expect(meets({ glucocorticoidMgPerDay: 5, glucocorticoidMonths: 3 })).toBe(false);
    expect(meets({ glucocorticoidMgPerDay: 4.9, glucocorticoidMonths: 4 })).toBe(false);
  });

  it('is contradicted by a dose below it or a duration of 3 months or less; nothing given contradicts nothing', () => {
    const below = (clinical: object) => glucocorticoidFactsBelowThreshold(input({ clinical }), medicare);
    expect(below({})).toBe(false);
    expect(below({ glucocorticoidMgPerDay: 4.9 })).toBe(true);
    expect(below({ glucocorticoidMgPerDay: 5 })).toBe(false);
    expect(below({ glucocorticoidMonths: 3 })).toBe(true);
    expect(below({ glucocorticoidMonths: 4 })).toBe(false);
    expect(below({ glucocorticoidMgPerDay: 5, glucocorticoidMonths: 3 })).toBe(true);
  });

  it('onLongTermGlucocorticoids: the threshold met, or Z79.52 not contradicted', () => {
    const long = (clinical: object, diagnoses: string[], lineDx: string[]) => onLongTermGlucocorticoids(input({ clinical, diagnoses }), medicare, line('77080', lineDx));
    expect(long({ glucocorticoidMgPerDay: 5, glucocorticoidMonths: 4 }, ['M81.0'], ['M81.0'])).toBe(true);
    expect(long({}, ['M81.0'], ['M81.0'])).toBe(false);
    expect(long({}, ['M81.0'], ['Z79.52'])).toBe(true);
    expect(long({}, ['Z79.52'], ['M81.0'])).toBe(true);
    expect(long({ glucocorticoidMgPerDay: 2 }, ['Z79.52'], ['Z79.52'])).toBe(false);
  });
});

describe('qualified-individual categories (SSA §1861(rr))', () => {
  const categories = (changes: Record<string, unknown>, diagnoses: string[]) => qualifiedCategories(input(changes), knowledge, diagnoses);
  const fact = (id: string, name: string) => ({ id, label: categoryLabel(id), evidence: `clinical fact ${name}`, viaDiagnosis: false, confidence: 'verified' });
  const code = (id: string, dx: string, confidence: string) => ({ id, label: categoryLabel(id), evidence: dx, viaDiagnosis: true, confidence });

  it('shows A for an estrogen-deficient woman, by the fact or by its code; not for a man by the fact', () => {
    expect(categories({}, ['M81.0'])).toEqual([fact('A', 'estrogenDeficient')]);
    expect(categories({ clinical: {} }, ['M81.0', 'Z90.721', 'Z78.0'])).toEqual([code('A', 'Z90.721', 'unverified')]);
    expect(categories({ patient: { sex: 'male', age: 72 } }, ['M81.0'])).toEqual([]);
  });

  it('does not show A for a man by its codes either (42 CFR 410.31(a): "a woman"); with the sex unknown the code stands', () => {
    expect(categories({ patient: { sex: 'male', age: 72 }, clinical: {} }, ['M81.0', 'Z78.0'])).toEqual([]);
    expect(categories({ patient: { sex: 'male', age: 72 }, clinical: { estrogenDeficient: true, primaryHyperparathyroidism: true } }, ['Z90.721', 'E21.0'])).toEqual([fact('D', 'primaryHyperparathyroidism')]);
    expect(categories({ patient: { sex: 'unknown', age: 72 }, clinical: {} }, ['Z78.0'])).toEqual([code('A', 'Z78.0', 'unverified')]);
    expect(categories({ patient: { sex: 'unknown', age: 72 } }, ['M81.0'])).toEqual([]);
  });

  it('shows B, D and E by the facts, in the statute\'s order, with the code of C', () => {
    const clinical = { vertebralAbnormalityOnXray: true, primaryHyperparathyroidism: true, monitoringOsteoporosisTherapy: true };
    expect(categories({ clinical }, ['Z79.52'])).toEqual([
      fact('B', 'vertebralAbnormalityOnXray'),
      code('C', 'Z79.52', 'secondary'),
      fact('D', 'primaryHyperparathyroidism'),
      fact('E', 'monitoringOsteoporosisTherapy'),
    ]);
  });

  it('shows each category by its own fact alone', () => {
    expect(categories({ clinical: { vertebralAbnormalityOnXray: true } }, [])).toEqual([fact('B', 'vertebralAbnormalityOnXray')]);
    expect(categories({ clinical: { primaryHyperparathyroidism: true } }, [])).toEqual([fact('D', 'primaryHyperparathyroidism')]);
    expect(categories({ clinical: { monitoringOsteoporosisTherapy: true } }, [])).toEqual([fact('E', 'monitoringOsteoporosisTherapy')]);
  });

  it('a glucocorticoid dose below the threshold leaves the codes of the other categories alone', () => {
    expect(categories({ clinical: { glucocorticoidMgPerDay: 2, glucocorticoidMonths: 6 } }, ['E21.0', 'Z79.52'])).toEqual([code('D', 'E21.0', 'secondary')]);
  });

  it('shows B by a vertebral fracture code, D by E21.0 (not E21.3), E by Z79.83', () => {
    expect(categories({ clinical: {} }, ['M80.08XA', 'E21.3', 'Z79.83'])).toEqual([code('B', 'M80.08XA', 'unverified'), code('E', 'Z79.83', 'unverified')]);
    expect(categories({ clinical: {} }, ['E21.0'])).toEqual([code('D', 'E21.0', 'secondary')]);
  });

  it('shows C by the dose and duration, and not by Z79.52 a lower dose contradicts', () => {
    expect(categories({ clinical: { glucocorticoidMgPerDay: 5, glucocorticoidMonths: 4 } }, [])).toEqual([fact('C', 'glucocorticoid')]);
    expect(categories({ clinical: { glucocorticoidMgPerDay: 2, glucocorticoidMonths: 6 } }, ['Z79.52'])).toEqual([]);
  });
});

describe('the local coverage that decides a line', () => {
  const local = (changes: Record<string, unknown>, code: string) => {
    const found = localCoverage(input(changes), on((changes.dateOfService as string | undefined) ?? '2026-03-02'), code);
    return 'article' in found ? { ...found, article: found.article.article } : found;
  };

  it('is the billing article of the jurisdiction: A57132 for J15, A59040 for JJ and JM', () => {
    expect(local({}, '77080')).toMatchObject({ status: 'article', article: 'A57132' });
    expect(local({ jurisdiction: 'JJ' }, '77080')).toMatchObject({ status: 'article', article: 'A59040' });
    expect(local({ jurisdiction: 'JM' }, '77081')).toMatchObject({ status: 'article', article: 'A59040' });
  });

  it('says what decides otherwise: no jurisdiction, none loaded, a code the article does not list, the article not yet in force', () => {
    expect(local({ jurisdiction: undefined }, '77080')).toEqual({ status: 'no-jurisdiction' });
    expect(local({ jurisdiction: 'J5' }, '77080')).toEqual({ status: 'no-article', jurisdiction: 'J5' });
    expect(local({}, '77086')).toEqual({ status: 'code-not-in-article', article: 'A57132' });
    // A57132's original effective date is 2019-09-26.
    expect(local({ dateOfService: '2019-09-25' }, '77080')).toEqual({ status: 'not-in-force', article: 'A57132' });
    expect(local({ dateOfService: '2019-09-26' }, '77080')).toMatchObject({ status: 'article', article: 'A57132' });
  });
});

/** An assessment with its local coverage reduced to status and article id. */
function brief(assessment: MedicareLineAssessment) {
  const { local } = assessment;
  return { ...assessment, local: local && { status: local.status, ...('article' in local ? { article: local.article.article } : {}) } };
}
const assess = (changes: Record<string, unknown>, l: Line) => brief(assessMedicareLine(input(changes), on((changes.dateOfService as string | undefined) ?? '2026-03-02'), l));

describe('one line under Medicare', () => {
  it('SPA is not reasonable and necessary from 2007-01-01 (GA/GZ, not GY); before, it was outside the benefit', () => {
    const spa = medicare.notReasonableAndNecessary.find((n) => n.code === '78350')!;
    expect(assess({}, line('78350'))).toEqual({ benefit: 'other', local: undefined, excluded: undefined, benefitSource: spa.source, denials: ['not-reasonable-and-necessary'], frequency: { status: 'not-applicable' } });
    expect(notReasonableAndNecessary(medicare, '78350', '2006-12-31')).toBeUndefined();
    expect(notReasonableAndNecessary(medicare, '78350', '2007-01-01')).toBe(spa);
    expect(assess({ dateOfService: '2006-12-31' }, line('78350'))).toEqual({ benefit: 'other', local: undefined, excluded: undefined, benefitSource: undefined, denials: [], frequency: { status: 'not-applicable' } });
  });

  it('DPA is excluded (GY), VFA alone (77086) is outside the benefit', () => {
    const dpa = medicare.excluded.find((e) => e.code === '78351')!;
    expect(assess({}, line('78351'))).toEqual({ benefit: 'excluded', local: undefined, excluded: dpa, benefitSource: dpa.source, denials: [], frequency: { status: 'not-applicable' } });
    expect(assess({}, line('77086'))).toEqual({ benefit: 'other', local: undefined, excluded: undefined, benefitSource: undefined, denials: [], frequency: { status: 'not-applicable' } });
  });

  it('77085 is a BMM line from 2015-01-01 (CR 10956)', () => {
    expect(bmmBenefitEntry(knowledge, '77085', '2014-12-31')).toBeUndefined();
    expect(bmmBenefitEntry(knowledge, '77085', '2015-01-01')?.source).toBe(benefitSource('77085'));
    expect(bmmBenefitEntry(knowledge, 'G0130', '2001-01-01')?.source).toBe(benefitSource('G0130'));
    expect(assess({}, line('77085'))).toEqual({ benefit: 'bmm', local: { status: 'article', article: 'A57132' }, excluded: undefined, benefitSource: benefitSource('77085'), denials: [], frequency: { status: 'no-prior' } });
  });

  it('a screening code alone is denied, in any jurisdiction', () => {
    for (const jurisdiction of ['J15', 'J5']) {
      expect(assess({ jurisdiction }, line('77080', ['Z13.820'])).denials).toEqual(['screening-only']);
    }
    expect(assess({ jurisdiction: 'J5' }, line('77080', ['Z13.820', 'M81.0'])).denials).toEqual([]);
  });

  it("in J15 A57132 decides: Z79.83 supports 77080 (group 1) but not 77081 (group 2); N95.1 is not in A57132, Z79.85 is", () => {
    const clinical = { estrogenDeficient: true };
    expect(assess({ clinical }, line('77080', ['Z79.83'])).denials).toEqual([]);
    expect(assess({ clinical }, line('77081', ['Z79.83'])).denials).toEqual(['article-diagnosis-not-covered']);
    expect(assess({ clinical }, line('77080', ['N95.1'])).denials).toEqual(['article-diagnosis-not-covered']);
    expect(assess({ clinical }, line('77080', ['Z79.85'])).denials).toEqual([]);
    expect(assess({ clinical }, line('77080', ['Z79.85', 'N95.1'])).denials).toEqual([]);
    // M85.80 is in no group of the article: the article, not the national list, says so.
    expect(assess({ clinical }, line('77080', ['M85.80'])).denials).toEqual(['article-diagnosis-not-covered']);
  });

  it('in JJ and JM A59040 decides: N95.1 supports 77080, Z79.85 does not', () => {
    for (const jurisdiction of ['JJ', 'JM']) {
      expect(assess({ jurisdiction }, line('77080', ['N95.1']))).toMatchObject({ local: { status: 'article', article: 'A59040' }, denials: [] });
      expect(assess({ jurisdiction }, line('77080', ['Z79.85'])).denials).toEqual(['article-diagnosis-not-covered']);
    }
  });

  it('without an article the partly loaded national list decides: M85.80 (SE1525) alone, or with a screening code, is not listed', () => {
    for (const jurisdiction of ['J5', undefined]) {
      expect(assess({ jurisdiction }, line('77080', ['M85.80']))).toMatchObject({ local: jurisdiction ? { status: 'no-article' } : { status: 'no-jurisdiction' }, denials: ['diagnosis-not-listed'] });
      expect(assess({ jurisdiction }, line('77080', ['M85.80', 'Z13.820'])).denials).toEqual(['diagnosis-not-listed']);
      expect(assess({ jurisdiction }, line('77080', ['M85.80', 'M81.0'])).denials).toEqual([]);
    }
  });

  it('a line without diagnoses is judged by the encounter\'s categories only', () => {
    expect(assess({ jurisdiction: 'J5' }, line('77080', [])).denials).toEqual([]);
    expect(assess({}, line('77080', [])).denials).toEqual([]);
    // The line's own diagnoses count with the encounter's: Z79.83 on the line alone makes monitoring the only category.
    expect(assess({ jurisdiction: 'J5', clinical: {}, diagnoses: ['M81.0'] }, line('77081', ['Z79.83'])).denials).toEqual(['monitoring-not-axial']);
    expect(assess({ jurisdiction: 'J5', clinical: {}, diagnoses: ['Z79.83'] }, line('77081', [])).denials).toEqual(['monitoring-not-axial']);
  });

  it('monitoring drug therapy as the only category needs axial DXA (77080/77085), not a peripheral study', () => {
    const monitoring = { jurisdiction: 'J5', clinical: { monitoringOsteoporosisTherapy: true }, diagnoses: ['M81.0'] };
    expect(assess(monitoring, line('77081', ['M81.0'])).denials).toEqual(['monitoring-not-axial']);
    expect(assess(monitoring, line('77080', ['M81.0'])).denials).toEqual([]);
    expect(assess(monitoring, line('77085', ['M81.0'])).denials).toEqual([]);
    expect(assess({ ...monitoring, clinical: { monitoringOsteoporosisTherapy: true, estrogenDeficient: true } }, line('77081', ['M81.0'])).denials).toEqual([]);
    // No category at all is not this denial (the coverage family says the category is not shown).
    expect(assess({ jurisdiction: 'J5', clinical: {}, diagnoses: ['M81.0'] }, line('77081', ['M81.0'])).denials).toEqual([]);
  });

  it('an order not from the treating practitioner is denied; an unknown one is not', () => {
    expect(assess({ orderingProvider: { treating: false } }, line('77080')).denials).toEqual(['order-not-treating']);
    expect(assess({ orderingProvider: {} }, line('77080')).denials).toEqual([]);
  });

  it('too soon is a denial only without an exception, after the other reasons', () => {
    const soon = history(['2025-06-01', '77080']);
    expect(assess({ history: soon, orderingProvider: { treating: false } }, line('77080', ['Z13.820']))).toEqual({
      benefit: 'bmm',
      local: { status: 'article', article: 'A57132' },
      excluded: undefined,
      benefitSource: benefitSource('77080'),
      denials: ['screening-only', 'order-not-treating', 'too-soon'],
      frequency: { status: 'too-soon', last: '2025-06-01', lastCode: '77080', lastNpi: undefined, eligibleFrom: '2027-06-01', exception: undefined },
    });
    expect(assess({ history: soon, clinical: { estrogenDeficient: true, glucocorticoidMgPerDay: 5, glucocorticoidMonths: 4 } }, line('77080')).denials).toEqual([]);
  });
});

describe('liability modifiers (REFERENCE §4)', () => {
  const assessment = (benefit: MedicareLineAssessment['benefit'], denials: MedicareLineAssessment['denials']) =>
    ({ benefit, local: undefined, excluded: undefined, benefitSource: undefined, denials, frequency: { status: 'not-applicable' } }) as MedicareLineAssessment;
  // What code() does with a line's assessment: its liability, then that liability's modifiers.
  const liabilityModifiers = (a: MedicareLineAssessment, abnOnFile: boolean | undefined) => liabilityModifiersFor(liabilityOf(a), abnOnFile);

  it('GY for an excluded service, with GX when a voluntary ABN is on file', () => {
    expect(liabilityModifiers(assessment('excluded', []), true)).toEqual(['GY', 'GX']);
    expect(liabilityModifiers(assessment('excluded', []), false)).toEqual(['GY']);
    expect(liabilityModifiers(assessment('excluded', []), undefined)).toEqual(['GY']);
  });

  it('GA with an ABN, GZ without, when a denial is expected; none otherwise', () => {
    expect(liabilityModifiers(assessment('bmm', ['too-soon']), true)).toEqual(['GA']);
    expect(liabilityModifiers(assessment('bmm', ['too-soon']), false)).toEqual(['GZ']);
    expect(liabilityModifiers(assessment('other', ['not-reasonable-and-necessary']), undefined)).toEqual(['GZ']);
    expect(liabilityModifiers(assessment('bmm', []), true)).toEqual([]);
  });
});

describe('two BMM studies on one date (CMS Transmittal 10193, NCCI ch. IX categories)', () => {
  it('sorts the codes into axial and peripheral', () => {
    expect(['77078', '77080', '77085', '77081', '76977', 'G0130', '77086'].map((c) => bmmCategory(medicare, c))).toEqual(['axial', 'axial', 'axial', 'peripheral', 'peripheral', 'peripheral', undefined]);
  });

  it('names the pair and its XU line for 77080 + 77081 and 77081 + 77085, in either order, and no other pair', () => {
    const [first, second] = medicare.sameDay.cwfEdit.pairs;
    expect(sameDayCwfPair(medicare, '77085', '77081')).toBe(first);
    expect(sameDayCwfPair(medicare, '77081', '77085')).toBe(first);
    expect(sameDayCwfPair(medicare, '77081', '77080')).toBe(second);
    expect([first!.xuOn, second!.xuOn]).toEqual(['77081', '77080']);
    expect(sameDayCwfPair(medicare, '77080', '77085')).toBeUndefined();
    expect(sameDayCwfPair(medicare, '77081', '77081')).toBeUndefined();
    expect(sameDayCwfPair(medicare, '77080', '76977')).toBeUndefined();
  });

  it('puts XU on the line the transmittal names, from 2020-07-01', () => {
    const lines = (...codes: string[]) => codes.map((c) => line(c));
    expect(sameDayXuLines(on('2020-07-01'), lines('77081', '77080'), '2020-07-01')).toEqual([1]);
    expect(sameDayXuLines(on('2020-07-01'), lines('77080', '77081'), '2020-07-01')).toEqual([0]);
    expect(sameDayXuLines(knowledge, lines('77085', '77081'), '2026-03-02')).toEqual([1]);
    expect(sameDayXuLines(knowledge, lines('77080', '77081', '77085'), '2026-03-02')).toEqual([0, 1]);
    expect(sameDayXuLines(knowledge, lines('77086', '77080', '77081'), '2026-03-02')).toEqual([1]);
    // Found 77081's line first (with 77085), then 77080's (with 77081): given in claim order.
    expect(sameDayXuLines(knowledge, lines('77085', '77080', '77081'), '2026-03-02')).toEqual([1, 2]);
    expect(sameDayXuLines(on('2020-06-30'), lines('77080', '77081'), '2020-06-30')).toEqual([]);
    expect(sameDayXuLines(knowledge, lines('77080', '76977'), '2026-03-02')).toEqual([]);
  });
});

describe('the claim under Medicare: same-day denials', () => {
  const denials = (changes: Record<string, unknown>, lines: Line[]) =>
    assessMedicareClaim(input(changes), on((changes.dateOfService as string | undefined) ?? '2026-03-02'), lines).map((a) => a.denials);
  const JJ = { jurisdiction: 'JJ' };

  it('denies the line that lacks XU where the CWF looks for it (77080 with 77081; 77081 with 77085)', () => {
    expect(denials(JJ, [line('77081'), line('77080')])).toEqual([[], ['same-day-duplicate']]);
    expect(denials(JJ, [line('77081'), line('77080', undefined, ['XU'])])).toEqual([[], []]);
    expect(denials(JJ, [line('77081', undefined, ['XU']), line('77080')])).toEqual([[], ['same-day-duplicate']]);
    expect(denials(JJ, [line('77085'), line('77081')])).toEqual([[], ['same-day-duplicate']]);
    expect(denials(JJ, [line('77085'), line('77081', undefined, ['XU'])])).toEqual([[], []]);
    expect(denials(JJ, [line('77080'), line('77080')])).toEqual([[], []]);
    expect(denials(JJ, [line('77080'), line('77086')])).toEqual([[], []]);
  });

  it('before 2020-07-01 the CWF took no XU: without any XU the line denies; XU on either line leaves it to the coverage warning', () => {
    const before = { ...JJ, dateOfService: '2020-06-30' };
    expect(denials(before, [line('77081'), line('77080')])).toEqual([[], ['same-day-duplicate']]);
    expect(denials(before, [line('77081'), line('77080', undefined, ['XU'])])).toEqual([[], []]);
    expect(denials(before, [line('77081', undefined, ['XU']), line('77080')])).toEqual([[], []]);
    expect(denials(before, [line('77080'), line('77081', undefined, ['XU'])])).toEqual([[], []]);
    expect(denials({ ...JJ, dateOfService: '2020-07-01' }, [line('77081', undefined, ['XU']), line('77080')])).toEqual([[], ['same-day-duplicate']]);
  });

  it('in J15 CGS denies the later of an axial and a peripheral study, XU or not; not two of one category, not in JJ or WPS\'s J5', () => {
    expect(denials({}, [line('77080', undefined, ['XU']), line('77081')])).toEqual([[], ['same-day-contractor']]);
    expect(denials({}, [line('77081'), line('77080', undefined, ['XU'])])).toEqual([[], ['same-day-contractor']]);
    expect(denials({}, [line('77080'), line('77078')])).toEqual([[], []]);
    expect(denials(JJ, [line('77080', undefined, ['XU']), line('77081')])).toEqual([[], []]);
    expect(denials({ jurisdiction: 'J5' }, [line('77080', undefined, ['XU']), line('77081')])).toEqual([[], []]);
  });

  it('in J15 a study of the other category billed elsewhere that day denies the line, once however it is found', () => {
    const sameDay = (code: string) => ({ history: history(['2026-03-02', code]) });
    expect(denials(sameDay('77081'), [line('77080')])).toEqual([['same-day-contractor']]);
    expect(denials({ history: history(['2026-03-01', '77081']) }, [line('77080')])).toEqual([[]]);
    expect(denials({ history: undefined }, [line('77080')])).toEqual([[]]);
    expect(denials({ ...JJ, ...sameDay('77081') }, [line('77080')])).toEqual([[]]);
    expect(denials(sameDay('77078'), [line('77080', undefined, ['XU']), line('77081')])).toEqual([[], ['same-day-contractor']]);
  });
});

describe('the claim\'s liability on the lean path (assessMedicareLiability, what code() uses without the assessments)', () => {
  // Each line's liability, checked against the full assessments' (liabilityOf) and against what REFERENCE §4 expects.
  const liability = (changes: Record<string, unknown>, lines: Line[]) => {
    const checked = input(changes);
    const k = on((changes.dateOfService as string | undefined) ?? '2026-03-02');
    const lean = assessMedicareLiability(checked, k, lines);
    expect(lean).toEqual(assessMedicareClaim(checked, k, lines).map(liabilityOf));
    return lean;
  };

  it('SPA is denied, DPA excluded, VFA alone and a BMM line with nothing against it neither', () => {
    expect(liability({}, [line('78350'), line('78351'), line('77086'), line('77080')])).toEqual(['denied', 'excluded', 'none', 'none']);
    expect(liability({ dateOfService: '2006-12-31' }, [line('78350')])).toEqual(['none']);
  });

  it('denies a BMM line ordered by another physician or with a diagnosis outside the article; a line outside the benefit stays none', () => {
    expect(liability({ orderingProvider: { treating: false } }, [line('77080'), line('77086')])).toEqual(['denied', 'none']);
    expect(liability({}, [line('77080', ['Z13.820']), line('77086', ['Z13.820'])])).toEqual(['denied', 'none']);
  });

  it('denies a BMM line too soon after the last study, unless an exception applies', () => {
    const soon = history(['2025-06-01', '77080']);
    expect(liability({ history: soon }, [line('77080')])).toEqual(['denied']);
    expect(liability({ history: soon, clinical: { estrogenDeficient: true, glucocorticoidMgPerDay: 5, glucocorticoidMonths: 4 } }, [line('77080')])).toEqual(['none']);
  });

  it('denies a peripheral study when monitoring drug therapy is the only category', () => {
    const monitoring = { jurisdiction: 'J5', clinical: { monitoringOsteoporosisTherapy: true }, diagnoses: ['M81.0'] };
    expect(liability(monitoring, [line('77081', ['M81.0'])])).toEqual(['denied']);
    expect(liability(monitoring, [line('77080', ['M81.0'])])).toEqual(['none']);
  });

  it('adds the same-day denials to lines nothing else denies', () => {
    expect(liability({ jurisdiction: 'JJ' }, [line('77081'), line('77080')])).toEqual(['none', 'denied']);
    expect(liability({}, [line('77080', undefined, ['XU']), line('77081')])).toEqual(['none', 'denied']);
    expect(liability({ orderingProvider: { treating: false } }, [line('77080', undefined, ['XU']), line('77081')])).toEqual(['denied', 'denied']);
    expect(liability({ jurisdiction: 'JJ' }, [line('77081'), line('77080', undefined, ['XU'])])).toEqual(['none', 'none']);
  });

  it('liabilityOf names a denied line \'denied\'', () => {
    expect(liabilityOf(assessMedicareLine(input(), knowledge, line('78350')))).toBe('denied');
  });
});

describe('the study in history a contractor counts (contractorHistoryStudy)', () => {
  const wps = contractor('WPS');
  const cgs = contractor('CGS');
  const found = (overlay: typeof wps, entries: HistoryEntry[] | undefined, lines: Line[], index = 0) =>
    contractorHistoryStudy(medicare, overlay, input({ history: entries }), lines, index);

  it('WPS: the other category within 30 days before, not 31, not after', () => {
    expect(found(wps, history(['2026-01-31', '77081']), [line('77080')])).toEqual({ dateOfService: '2026-01-31', code: '77081' });
    expect(found(wps, history(['2026-01-30', '77081']), [line('77080')])).toBeUndefined();
    expect(found(wps, history(['2026-03-03', '77081']), [line('77080')])).toBeUndefined();
    // An earlier study counts even when this claim bills the same code again.
    expect(found(wps, history(['2026-02-10', '77081']), [line('77080'), line('77081')])).toEqual({ dateOfService: '2026-02-10', code: '77081' });
  });

  it('CGS: the same date only, billed elsewhere (not a code of this claim), of the other category', () => {
    expect(found(cgs, history(['2026-03-02', '76977']), [line('77080')])).toEqual({ dateOfService: '2026-03-02', code: '76977' });
    expect(found(cgs, history(['2026-03-01', '76977']), [line('77080')])).toBeUndefined();
    expect(found(cgs, history(['2026-03-02', '77081']), [line('77080'), line('77081')])).toBeUndefined();
    expect(found(cgs, history(['2026-03-02', '77078']), [line('77080')])).toBeUndefined();
    expect(found(cgs, history(['2026-03-02', '77086']), [line('77080')])).toBeUndefined();
    expect(found(cgs, history(['2026-03-02', '77081']), [line('77086')])).toBeUndefined();
    expect(found(cgs, undefined, [line('77080')])).toBeUndefined();
    expect(found(cgs, history(['2026-03-02', '77078'], ['2026-03-02', 'G0130']), [line('77080')])).toEqual({ dateOfService: '2026-03-02', code: 'G0130' });
  });
});
