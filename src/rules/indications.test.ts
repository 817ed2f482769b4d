/**
 * The indications family's findings and records word for word: message, fix, source, path and params of
 * `iscd.vfa-indicated` and `iscd.vfa-not-indicated`, the `checked` entry and each `unchecked` reason
 * (cases/iscd-vfa-indications.yaml compares ids and a few params; these compare the whole finding), and the boundaries
 * of each criterion. The sources, as src/knowledge/data/iscd-vfa.json cites them:
 * - ISCD 2013 (Rosen et al. 2013, kept in 2019; REFERENCE.md §6 [V]): T-score below -1.0 and one or more of women
 *   >= 70 or men >= 80, historical height loss > 4 cm (1.5 in), a self-reported but undocumented prior vertebral
 *   fracture, glucocorticoids >= 5 mg prednisone-equivalent per day for >= 3 months.
 * - ISCD 2007 (Schousboe et al. 2008, as tabled by Saag and Geusens 2009): item 1 postmenopausal women with
 *   -2.5 < T < -1.0 and one of age >= 70, historical height loss > 4 cm, prospective > 2 cm, a self-reported vertebral
 *   fracture, or two or more of age 60-69, historical height loss 2-4 cm, a prior non-vertebral fracture, a chronic
 *   systemic disease; item 2 men, the same with 80, 6 cm, 3 cm and 70-79 (and androgen deprivation); item 3
 *   glucocorticoids >= 5 mg for >= 3 months; item 4 T <= -2.5 when a fracture would change management.
 * The facts the contract cannot carry (menopausal status, prior non-vertebral fracture, chronic disease, the clinician's
 * statement) are reported as not checked, never passed (REFERENCE.md §6: tag each indication with its version).
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../contract/result.js';
import { runCase } from '../engine/cases.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { IscdItem, IscdVersion } from '../knowledge/schema.js';

const knowledge = loadKnowledge();
const { iscd } = knowledge;
const V2007 = iscd.versions.find((v) => v.id === 'iscd-2007')!;
const V2013 = iscd.versions.find((v) => v.id === 'iscd-2013')!;
const ITEM_2013 = V2013.items[0]!;
const ITEM_2007 = (n: number) => V2007.items[n - 1]!;

const CHECKED_2013 = `iscd-2013 (iscd-vfa ${iscd.version})`;
const CHECKED_2007 = `iscd-2007 (iscd-vfa ${iscd.version})`;
const FIX = 'Document the indication (age, height loss, prior vertebral fracture, glucocorticoid use) if it exists.';

/** The defaults of cases/iscd-vfa-indications.yaml: an axial DXA and a VFA performed (77085). */
const BASE = {
  dateOfService: '2026-03-02',
  patient: { sex: 'female', age: 65 },
  payer: 'medicare',
  orderingProvider: { treating: true },
  diagnoses: ['M81.0'],
  history: [],
  performed: [{ procedure: 'dxa-axial' }, { procedure: 'vfa' }],
};

function checkWith(changes: Record<string, unknown>, using: Knowledge = knowledge): Result {
  const { result, differences } = runCase('indications', { ...BASE, ...changes }, {}, using);
  if (!result) throw new Error(differences.join('; '));
  return result;
}

/** The family's part of a result: its findings, its checked versions and its unchecked reasons. */
function indications(result: Result) {
  return {
    findings: result.findings.filter((f) => f.rule.startsWith('iscd.')),
    checked: result.checked.filter((c) => c.family === 'indications').map((c) => c.version),
    unchecked: result.unchecked.filter((u) => u.family === 'indications').map((u) => u.reason),
  };
}

const indicated = (version: IscdVersion, item: IscdItem, evidence: string, codes = ['77085'], path = 'performed[1]') => ({
  rule: 'iscd.vfa-indicated',
  severity: 'info',
  message: `VFA is indicated under ${version.title}, ${item.label}: ${evidence}.`,
  source: item.source,
  path,
  params: { version: version.id, item: item.label, codes },
});
const notIndicated = (version: IscdVersion, failed: string, codes = ['77085'], path = 'performed[1]') => ({
  rule: 'iscd.vfa-not-indicated',
  severity: 'warning',
  message: `None of the ${version.id} VFA indications is met by the facts given: ${failed}.`,
  fix: FIX,
  source: version.source,
  path,
  params: { version: version.id, codes },
});

// The 2013 criteria's labels, as the knowledge words them.
const AGE_2013 = 'women aged 70 or older, men aged 80 or older';
const HEIGHT_2013 = 'historical height loss greater than 4 cm (1.5 in)';
const SELF_2013 = 'self-reported but undocumented prior vertebral fracture';
const GC = 'glucocorticoids at least 5 mg prednisone-equivalent per day for at least 3 months';

describe('ISCD 2013: T-score below -1.0 and one criterion', () => {
  it('women from 70, men from 80: the finding names the version, the item, and what met it', () => {
    expect(indications(checkWith({ patient: { sex: 'female', age: 70 }, clinical: { tScoreLowest: -1.5 } }))).toEqual({
      findings: [indicated(V2013, ITEM_2013, `T-score -1.5 below -1.0; female aged 70 (${AGE_2013})`)],
      checked: [CHECKED_2013],
      unchecked: [],
    });
    expect(indications(checkWith({ patient: { sex: 'male', age: 80 }, clinical: { tScoreLowest: -2 } })).findings).toEqual([
      indicated(V2013, ITEM_2013, `T-score -2 below -1.0; male aged 80 (${AGE_2013})`),
    ]);
  });

  it('lists every failed criterion when none is met: a woman of 69, a man of 79', () => {
    const failed = (age: number, rest = `historical height loss not given, not ${HEIGHT_2013}; no ${SELF_2013}; glucocorticoids ? mg/day for ? months, not ${GC}`) =>
      `aged ${age}, not ${AGE_2013}; ${rest}`;
    expect(indications(checkWith({ patient: { sex: 'female', age: 69 }, clinical: { tScoreLowest: -1.5 } }))).toEqual({
      findings: [notIndicated(V2013, failed(69))],
      checked: [CHECKED_2013],
      unchecked: [],
    });
    expect(indications(checkWith({ patient: { sex: 'male', age: 79 }, clinical: { tScoreLowest: -2 } })).findings).toEqual([notIndicated(V2013, failed(79))]);
  });

  it('a T-score of -1.0 is not below -1.0, whatever else is met; -1.01 is', () => {
    expect(indications(checkWith({ patient: { sex: 'female', age: 75 }, clinical: { tScoreLowest: -1 } })).findings).toEqual([
      notIndicated(V2013, 'ISCD 2013: T-score below -1.0 and one or more criteria: T-score -1 is not below -1.0'),
    ]);
    expect(indications(checkWith({ patient: { sex: 'female', age: 75 }, clinical: { tScoreLowest: -1.01 } })).findings).toEqual([
      indicated(V2013, ITEM_2013, `T-score -1.01 below -1.0; female aged 75 (${AGE_2013})`),
    ]);
  });

  it('historical height loss over 4 cm: 4.1 is, 4.0 is not', () => {
    expect(indications(checkWith({ clinical: { tScoreLowest: -1.8, heightLossHistoricalCm: 4.1 } })).findings).toEqual([
      indicated(V2013, ITEM_2013, `T-score -1.8 below -1.0; historical height loss 4.1 cm (${HEIGHT_2013})`),
    ]);
    expect(indications(checkWith({ clinical: { tScoreLowest: -1.8, heightLossHistoricalCm: 4 } })).findings).toEqual([
      notIndicated(V2013, `aged 65, not ${AGE_2013}; historical height loss 4 cm, not ${HEIGHT_2013}; no ${SELF_2013}; glucocorticoids ? mg/day for ? months, not ${GC}`),
    ]);
  });

  it('glucocorticoids from 5 mg for 3 months; less of either, or either unknown, is not met', () => {
    expect(indications(checkWith({ clinical: { tScoreLowest: -1.2, glucocorticoidMgPerDay: 5, glucocorticoidMonths: 3 } })).findings).toEqual([
      indicated(V2013, ITEM_2013, `T-score -1.2 below -1.0; glucocorticoids 5 mg/day for 3 months (${GC})`),
    ]);
    const notMet = (given: string) => notIndicated(V2013, `aged 65, not ${AGE_2013}; historical height loss not given, not ${HEIGHT_2013}; no ${SELF_2013}; glucocorticoids ${given}, not ${GC}`);
    for (const [mg, months, given] of [
      [4.9, 3, '4.9 mg/day for 3 months'],
      [5, 2.9, '5 mg/day for 2.9 months'],
      [5, undefined, '5 mg/day for ? months'],
      [undefined, 3, '? mg/day for 3 months'],
    ] as const) {
      const clinical = { tScoreLowest: -1.2, glucocorticoidMgPerDay: mg, glucocorticoidMonths: months };
      expect(indications(checkWith({ clinical })).findings).toEqual([notMet(given)]);
    }
  });

  it('a self-reported vertebral fracture, and every criterion met at once, in the knowledge\'s order', () => {
    expect(indications(checkWith({ clinical: { tScoreLowest: -1.2, selfReportedVertebralFracture: true } })).findings).toEqual([
      indicated(V2013, ITEM_2013, `T-score -1.2 below -1.0; ${SELF_2013}`),
    ]);
    const all = { tScoreLowest: -1.5, heightLossHistoricalCm: 4.1, selfReportedVertebralFracture: true, glucocorticoidMgPerDay: 5, glucocorticoidMonths: 3 };
    expect(indications(checkWith({ patient: { sex: 'male', age: 81 }, clinical: all })).findings).toEqual([
      indicated(V2013, ITEM_2013, `T-score -1.5 below -1.0; male aged 81 (${AGE_2013}); historical height loss 4.1 cm (${HEIGHT_2013}); ${SELF_2013}; glucocorticoids 5 mg/day for 3 months (${GC})`),
    ]);
  });

  it('reports what it needs, and what is met so far, when the sex, the age or the T-score is missing', () => {
    expect(indications(checkWith({ patient: { sex: 'unknown', age: 75 }, clinical: { tScoreLowest: -1.5 } }))).toEqual({
      findings: [],
      checked: [CHECKED_2013],
      unchecked: [`ISCD 2013: T-score below -1.0 and one or more criteria needs sex (for ${AGE_2013}): not checked (met so far: T-score -1.5 below -1.0)`],
    });
    expect(indications(checkWith({ patient: { sex: 'female' }, clinical: { tScoreLowest: -2 } })).unchecked).toEqual([
      `ISCD 2013: T-score below -1.0 and one or more criteria needs age (for ${AGE_2013}): not checked (met so far: T-score -2 below -1.0)`,
    ]);
    expect(indications(checkWith({ patient: { sex: 'female', age: 75 }, clinical: { heightLossHistoricalCm: 6 } })).unchecked).toEqual([
      `ISCD 2013: T-score below -1.0 and one or more criteria needs lowest T-score: not checked (met so far: female aged 75 (${AGE_2013}); historical height loss 6 cm (${HEIGHT_2013}))`,
    ]);
    // Nothing met so far: no parenthesis.
    expect(indications(checkWith({ patient: { sex: 'female' }, clinical: {} })).unchecked).toEqual([
      `ISCD 2013: T-score below -1.0 and one or more criteria needs lowest T-score; age (for ${AGE_2013}): not checked`,
    ]);
  });

  it('a criterion met decides it even when another criterion cannot be judged', () => {
    expect(indications(checkWith({ patient: { sex: 'unknown', age: 75 }, clinical: { tScoreLowest: -1.5, heightLossHistoricalCm: 5 } })).findings).toEqual([
      indicated(V2013, ITEM_2013, `T-score -1.5 below -1.0; historical height loss 5 cm (${HEIGHT_2013})`),
    ]);
  });
});

describe('where the VFA is, and when the family runs', () => {
  it('points to the VFA claim line when the VFA is billed but not among the performed entries, and lists the VFA codes billed', () => {
    for (const codes of [['77080', '77086'], ['77086', '77080']]) {
      const claim = { lines: codes.map((code) => ({ code, diagnoses: ['M81.0'] })) };
      const result = checkWith({ performed: [{ procedure: 'dxa-axial' }], clinical: { tScoreLowest: -1.5 }, patient: { sex: 'female', age: 72 }, claim });
      const path = `claim.lines[${codes.indexOf('77086')}].code`;
      expect(indications(result).findings).toEqual([indicated(V2013, ITEM_2013, `T-score -1.5 below -1.0; female aged 72 (${AGE_2013})`, ['77086'], path)]);
    }
  });

  it('points to the performed VFA when the claim bills none, and names no code', () => {
    const claim = { lines: [{ code: '77080', diagnoses: ['M81.0'] }] };
    const result = checkWith({ performed: [{ procedure: 'vfa' }, { procedure: 'dxa-axial' }], clinical: { tScoreLowest: -1.5 }, patient: { sex: 'female', age: 72 }, claim });
    expect(indications(result).findings).toEqual([indicated(V2013, ITEM_2013, `T-score -1.5 below -1.0; female aged 72 (${AGE_2013})`, [], 'performed[0]')]);
  });

  it('records that there was no VFA to judge', () => {
    expect(indications(checkWith({ performed: [{ procedure: 'dxa-axial' }], clinical: { tScoreLowest: -0.5 } }))).toEqual({
      findings: [],
      checked: [`iscd-vfa ${iscd.version}: no VFA on the claim`],
      unchecked: [],
    });
  });

  it('before the first recorded position: not checked, naming the earliest', () => {
    expect(indications(checkWith({ dateOfService: '2007-07-21', clinical: { tScoreLowest: -1.5 } }))).toEqual({
      findings: [],
      checked: [],
      unchecked: ['no ISCD VFA position is recorded for 2007-07-21 (earliest: 2007-07-22)'],
    });
  });
});

// The 2007 criteria's labels, as the knowledge words them.
const ITEM1 = 'ISCD 2007 item 1: postmenopausal women with low bone mass (osteopenia)';
const ITEM2 = 'ISCD 2007 item 2: men with low bone mass (osteopenia)';
const ITEM4 = 'ISCD 2007 item 4: postmenopausal women or men with osteoporosis by BMD criteria, if documenting a vertebral fracture would alter clinical management';
const NON_VERTEBRAL = 'self-reported prior non-vertebral fracture: the encounter contract has no field for it';
const SYSTEMIC = "chronic systemic disease associated with vertebral fractures (COPD, seropositive RA, Crohn's): the encounter contract has no field for it";
const ANDROGEN = 'androgen deprivation therapy or orchiectomy: the encounter contract has no field for it';
const MENOPAUSE = 'menopausal status not given (estrogen deficient is the only stand-in)';
const STATEMENT = "the clinician's statement that documenting one or more vertebral fractures would alter clinical management (the contract has no field for it)";
const POSTMENOPAUSAL = 'estrogen deficient, taken as postmenopausal';

describe('ISCD 2007: four items, kept apart from 2013', () => {
  const on2010 = (patient: Record<string, unknown>, clinical: Record<string, unknown>) => indications(checkWith({ dateOfService: '2010-06-01', patient, clinical }));
  const woman = (age: number | undefined, clinical: Record<string, unknown>) => on2010({ sex: 'female', ...(age === undefined ? {} : { age }) }, { estrogenDeficient: true, ...clinical });

  it('item 1 by two of its pair criteria: 60 and 2 cm, 69 and 4 cm (both bounds inclusive)', () => {
    for (const [age, loss] of [[60, 2], [69, 4]] as const) {
      expect(woman(age, { tScoreLowest: -1.5, heightLossHistoricalCm: loss })).toEqual({
        findings: [indicated(V2007, ITEM_2007(1), `${POSTMENOPAUSAL}; T-score -1.5 above -2.5 and below -1.0; aged ${age} (age 60 to 69); historical height loss ${loss} cm (historical height loss 2 to 4 cm)`, ['77082'])],
        checked: [CHECKED_2007],
        unchecked: [],
      });
    }
  });

  it('item 1 with one pair criterion met leaves the two the contract cannot carry unchecked', () => {
    expect(woman(65, { tScoreLowest: -1.5 })).toEqual({
      findings: [],
      checked: [CHECKED_2007],
      unchecked: [`${ITEM1} needs ${NON_VERTEBRAL}; ${SYSTEMIC}: not checked (met so far: ${POSTMENOPAUSAL}; T-score -1.5 above -2.5 and below -1.0; aged 65 (age 60 to 69))`],
    });
    // 59 and 1.9 cm are outside the pairs' bounds; 4.1 cm is the single criterion instead.
    expect(woman(59, { tScoreLowest: -1.5, heightLossHistoricalCm: 1.9 }).unchecked).toEqual([
      `${ITEM1} needs ${NON_VERTEBRAL}; ${SYSTEMIC}: not checked (met so far: ${POSTMENOPAUSAL}; T-score -1.5 above -2.5 and below -1.0)`,
    ]);
    expect(woman(59, { tScoreLowest: -1.5, heightLossHistoricalCm: 4.1 }).findings).toEqual([
      indicated(V2007, ITEM_2007(1), `${POSTMENOPAUSAL}; T-score -1.5 above -2.5 and below -1.0; historical height loss 4.1 cm (historical height loss greater than 4 cm)`, ['77082']),
    ]);
  });

  it('item 1 single criteria: 70 and older, prospective height loss over 2 cm (2.1, not 2.0)', () => {
    expect(woman(70, { tScoreLowest: -1.5 }).findings).toEqual([
      indicated(V2007, ITEM_2007(1), `${POSTMENOPAUSAL}; T-score -1.5 above -2.5 and below -1.0; female aged 70 (age 70 or older)`, ['77082']),
    ]);
    expect(woman(55, { tScoreLowest: -1.5, heightLossProspectiveCm: 2.1 }).findings).toEqual([
      indicated(V2007, ITEM_2007(1), `${POSTMENOPAUSAL}; T-score -1.5 above -2.5 and below -1.0; prospective height loss 2.1 cm (prospective height loss greater than 2 cm)`, ['77082']),
    ]);
    expect(woman(55, { tScoreLowest: -1.5, heightLossProspectiveCm: 2 })).toEqual({
      findings: [],
      checked: [CHECKED_2007],
      unchecked: [`${ITEM1} needs ${NON_VERTEBRAL}; ${SYSTEMIC}: not checked (met so far: ${POSTMENOPAUSAL}; T-score -1.5 above -2.5 and below -1.0)`],
    });
  });

  it('item 1 needs a T-score between -2.5 and -1.0, both open; at -2.5 only item 4 is left, and it needs a statement', () => {
    expect(woman(70, { tScoreLowest: -2.5 })).toEqual({
      findings: [],
      checked: [CHECKED_2007],
      unchecked: [`${ITEM4} needs ${STATEMENT}: not checked (met so far: ${POSTMENOPAUSAL}; T-score -2.5 at or below -2.5)`],
    });
    expect(woman(70, { tScoreLowest: -2.49 }).findings).toEqual([
      indicated(V2007, ITEM_2007(1), `${POSTMENOPAUSAL}; T-score -2.49 above -2.5 and below -1.0; female aged 70 (age 70 or older)`, ['77082']),
    ]);
  });

  it('not indicated: each item says why, item 3 by its criterion', () => {
    expect(woman(70, { tScoreLowest: -0.5 })).toEqual({
      findings: [
        notIndicated(
          V2007,
          `${ITEM1}: T-score -0.5 is not above -2.5 and below -1.0. ${ITEM2}: not for female patients. glucocorticoids ? mg/day for ? months, not ${GC}. ${ITEM4}: T-score -0.5 is not at or below -2.5`,
          ['77082'],
        ),
      ],
      checked: [CHECKED_2007],
      unchecked: [],
    });
  });

  it('item 3: glucocorticoids from 5 mg for 3 months, with no bone density condition', () => {
    expect(woman(55, { tScoreLowest: -0.5, glucocorticoidMgPerDay: 5, glucocorticoidMonths: 3 }).findings).toEqual([
      indicated(V2007, ITEM_2007(3), `glucocorticoids 5 mg/day for 3 months (${GC})`, ['77082']),
    ]);
  });

  it('item 4 for a man: no menopausal status asked, only the statement', () => {
    expect(on2010({ sex: 'male', age: 66 }, { tScoreLowest: -2.7 })).toEqual({
      findings: [],
      checked: [CHECKED_2007],
      unchecked: [`${ITEM4} needs ${STATEMENT}: not checked (met so far: T-score -2.7 at or below -2.5)`],
    });
  });

  it('a woman not marked estrogen deficient: menopausal status is not checked', () => {
    expect(on2010({ sex: 'female', age: 70 }, { tScoreLowest: -1.5 }).unchecked).toEqual([
      `${ITEM1} needs ${MENOPAUSE}: not checked (met so far: T-score -1.5 above -2.5 and below -1.0; female aged 70 (age 70 or older))`,
    ]);
  });

  it('men: item 2 at 80 or with prospective height loss over 3 cm (3.1, not 3.0), and its pairs at 70 to 79', () => {
    const man = (age: number, clinical: Record<string, unknown>) => on2010({ sex: 'male', age }, { tScoreLowest: -1.5, ...clinical });
    expect(man(80, {}).findings).toEqual([indicated(V2007, ITEM_2007(2), 'T-score -1.5 above -2.5 and below -1.0; male aged 80 (age 80 or older)', ['77082'])]);
    expect(man(65, { heightLossProspectiveCm: 3.1 }).findings).toEqual([
      indicated(V2007, ITEM_2007(2), 'T-score -1.5 above -2.5 and below -1.0; prospective height loss 3.1 cm (prospective height loss greater than 3 cm)', ['77082']),
    ]);
    expect(man(75, { heightLossProspectiveCm: 3 }).unchecked).toEqual([
      `${ITEM2} needs ${NON_VERTEBRAL}; ${ANDROGEN}; ${SYSTEMIC}: not checked (met so far: T-score -1.5 above -2.5 and below -1.0; aged 75 (age 70 to 79))`,
    ]);
  });

  it('an unknown sex leaves both single-sex items open, each saying so', () => {
    expect(on2010({ sex: 'unknown', age: 75 }, { tScoreLowest: -1.5 }).unchecked).toEqual([
      `${ITEM1} needs sex; ${MENOPAUSE}; sex (for age 70 or older); ${NON_VERTEBRAL}; ${SYSTEMIC}: not checked (met so far: T-score -1.5 above -2.5 and below -1.0). ` +
        `${ITEM2} needs sex; sex (for age 80 or older); ${NON_VERTEBRAL}; ${ANDROGEN}; ${SYSTEMIC}: not checked (met so far: T-score -1.5 above -2.5 and below -1.0; aged 75 (age 70 to 79))`,
    ]);
  });

  it('no age: neither the single age criterion nor the age pair can be judged', () => {
    expect(woman(undefined, { tScoreLowest: -1.5 }).unchecked).toEqual([
      `${ITEM1} needs age (for age 70 or older); age (for age 60 to 69); ${NON_VERTEBRAL}; ${SYSTEMIC}: not checked (met so far: ${POSTMENOPAUSAL}; T-score -1.5 above -2.5 and below -1.0)`,
    ]);
  });
});

describe('indication data the shipped table does not have (an invented version)', () => {
  const source = { title: 'invented for the test', confidence: 'unverified' as const };
  const version = (items: IscdItem[]): IscdVersion => ({ id: 'invented', title: 'an invented position', effective: '2020-01-01', end: null, dateConfidence: 'unverified', items, notEncoded: [], source });
  const using = (versions: IscdVersion[]): Knowledge => {
    const table = { ...iscd, versions };
    return { ...knowledge, iscd: table, forDate: (date: string) => ({ ...knowledge.forDate(date), iscd: table }) };
  };
  const PAIR: IscdItem = {
    id: 'pair',
    label: 'item P',
    sexes: ['female', 'male'],
    anyOf: [{ kind: 'self-reported-vertebral-fracture', id: 'self', label: 'self-reported fracture', source }],
    twoOrMoreOf: [
      { kind: 'age-between', id: 'age', label: 'age 60 to 69', years: [60, 69], source },
      { kind: 'historical-height-loss-between', id: 'loss', label: 'height loss 2 to 4 cm', cm: [2, 4], source },
    ],
    source,
  };

  it('two-or-more criteria, all judgeable: fewer than two met is not met, and says which', () => {
    const result = checkWith({ patient: { sex: 'female', age: 65 }, clinical: { heightLossHistoricalCm: 1 } }, using([version([PAIR])]));
    expect(indications(result)).toEqual({
      findings: [
        {
          rule: 'iscd.vfa-not-indicated',
          severity: 'warning',
          message: 'None of the invented VFA indications is met by the facts given: no self-reported fracture; fewer than two of: age 60 to 69, height loss 2 to 4 cm.',
          fix: FIX,
          source,
          path: 'performed[1]',
          params: { version: 'invented', codes: ['77085'] },
        },
      ],
      checked: [`invented (iscd-vfa ${iscd.version})`],
      unchecked: [],
    });
  });

  it('two-or-more criteria, one met and one unknown: not checked, with the met one so far', () => {
    const result = checkWith({ patient: { sex: 'female' }, clinical: { heightLossHistoricalCm: 3 } }, using([version([PAIR])]));
    expect(indications(result).unchecked).toEqual(['item P needs age (for age 60 to 69): not checked (met so far: historical height loss 3 cm (height loss 2 to 4 cm))']);
  });

  it('a height loss above the pair\'s range does not count for the pair', () => {
    const result = checkWith({ patient: { sex: 'female', age: 65 }, clinical: { heightLossHistoricalCm: 4.1 } }, using([version([PAIR])]));
    expect(indications(result).findings.map((f) => f.message)).toEqual(['None of the invented VFA indications is met by the facts given: no self-reported fracture; fewer than two of: age 60 to 69, height loss 2 to 4 cm.']);
  });

  it('an item of pair criteria only, two met: indicated', () => {
    const item: IscdItem = { ...PAIR, id: 'pairs-only', label: 'item Q', anyOf: [] };
    const result = checkWith({ patient: { sex: 'female', age: 65 }, clinical: { heightLossHistoricalCm: 3 } }, using([version([item])]));
    expect(indications(result).findings.map((f) => f.message)).toEqual(['VFA is indicated under an invented position, item Q: aged 65 (age 60 to 69); historical height loss 3 cm (height loss 2 to 4 cm).']);
  });

  it('a single criterion left open with a pair that cannot be completed: the pair\'s one met criterion is not "met so far"', () => {
    const item: IscdItem = { ...PAIR, id: 'open', label: 'item O', anyOf: [{ kind: 'not-an-input', id: 'x', label: 'fact X', missingFact: 'fact X (no field)', source }] };
    const result = checkWith({ patient: { sex: 'female', age: 65 }, clinical: { heightLossHistoricalCm: 1 } }, using([version([item])]));
    expect(indications(result).unchecked).toEqual(['item O needs fact X (no field): not checked']);
  });

  it('an age criterion without a threshold for the patient\'s sex is not met for that sex', () => {
    const item: IscdItem = { id: 'w', label: 'item W', sexes: ['female', 'male'], anyOf: [{ kind: 'age-at-least', id: 'age', label: 'women 70 or older', years: { female: 70 }, source }], source };
    const result = checkWith({ patient: { sex: 'male', age: 85 } }, using([version([item])]));
    expect(indications(result).findings.map((f) => f.message)).toEqual(['None of the invented VFA indications is met by the facts given: women 70 or older: not for male patients.']);
  });

  it('prospective height loss, not given or not enough, is not met and says how much', () => {
    const item: IscdItem = { id: 'h', label: 'item H', sexes: ['female', 'male'], anyOf: [{ kind: 'prospective-height-loss-over', id: 'p', label: 'prospective loss over 2 cm', cm: 2, source }], source };
    const messages = (clinical: Record<string, unknown>) => indications(checkWith({ clinical }, using([version([item])]))).findings.map((f) => f.message);
    expect(messages({})).toEqual(['None of the invented VFA indications is met by the facts given: prospective height loss not given, not prospective loss over 2 cm.']);
    expect(messages({ heightLossProspectiveCm: 2 })).toEqual(['None of the invented VFA indications is met by the facts given: prospective height loss 2 cm, not prospective loss over 2 cm.']);
  });

  it('an item with no criterion beyond its T-score is met by the T-score alone', () => {
    const item: IscdItem = { id: 't', label: 'item T', sexes: ['female', 'male'], tScore: { atOrBelow: -2.5 }, anyOf: [], source };
    const result = checkWith({ clinical: { tScoreLowest: -2.5 } }, using([version([item])]));
    expect(indications(result).findings.map((f) => f.message)).toEqual(['VFA is indicated under an invented position, item T: T-score -2.5 at or below -2.5.']);
  });

  it('no version recorded at all: not checked, the earliest none', () => {
    expect(indications(checkWith({ clinical: { tScoreLowest: -1.5 } }, using([])))).toEqual({
      findings: [],
      checked: [],
      unchecked: ['no ISCD VFA position is recorded for 2026-03-02 (earliest: none)'],
    });
  });
});
