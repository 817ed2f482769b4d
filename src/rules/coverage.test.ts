/**
 * The coverage family's findings and records word for word: message, fix, severity, source, path and params of each
 * finding, the `checked` entry and each `unchecked` reason (the cases in cases/medicare-*.yaml compare ids, severities
 * and parts of texts; these compare the whole finding, which a case cannot).
 *
 * The billing articles' lists are read here from the exact CMS copies (src/knowledge/data/cms, data/cms/README.md):
 * A57132 v19 (CGS, J15) and A59040 v12 (Palmetto GBA, JJ and JM), group 1 for 77080, group 2 for 77078, 77081, 77085,
 * 76977 and G0130; Z09 and Z79.83 only in group 1; A59040 adds N95.1 and lacks Z79.85 and eight M80 codes. Elsewhere
 * the national NCD 150.3 list applies, of which only MLN SE1525's M85.8- codes are known (REFERENCE §5).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding, Result } from '../contract/result.js';
import { check, parseEncounter } from '../engine/index.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import { RULES } from './catalogue.js';

const knowledge = loadKnowledge();
const { medicare } = knowledge;
const statute = medicare.statute;
const articleOf = (jurisdiction: string) => knowledge.articles.byJurisdiction.get(jurisdiction as 'J15')!;
const A57132 = articleOf('J15').info.source;
const A59040 = articleOf('JJ').info.source;
const [cgsOverlay, wpsOverlay] = [medicare.sameDay.contractors[0]!, medicare.sameDay.contractors[1]!];
const cwf = medicare.sameDay.cwfEdit;
const ABN_NOTE = ' An ABN is on file: bill with GA, the patient is liable.';
const NATIONAL = ` the national NCD 150.3 list, which is only partly loaded (${medicare.nationalDiagnosisList.partialNote.replace(/\.$/, '')})`;
const PARTIAL = ` could not be matched to${NATIONAL}`;
/** The J6 note in parentheses: its own final full stop left off. */
const NO_ARTICLE = knowledge.articles.withoutArticle.note.replace(/\.$/, '');

/** The J15 Medicare 77080 encounter of cases/medicare-billing-articles.yaml (clean), with changes; `undefined` drops a field. */
function run(changes: Record<string, unknown> = {}): Result {
  const raw: Record<string, unknown> = {
    dateOfService: '2026-06-15',
    patient: { sex: 'female', age: 68 },
    jurisdiction: 'J15',
    orderingProvider: { npi: '1234567893', treating: true },
    history: [],
    performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine', 'left-hip'] }],
    diagnoses: ['M81.0', 'Z78.0'],
    clinical: { estrogenDeficient: true },
    ...changes,
  };
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
  const parsed = parseEncounter(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return check(parsed.encounter, knowledge);
}

const PERIPHERAL = [{ procedure: 'dxa-peripheral', sites: ['left-forearm'] }];
const isCoverage = (f: Finding) => RULES[f.rule as keyof typeof RULES].family === 'coverage';
const coverageFindings = (result: Result) => result.findings.filter(isCoverage);
const ofRule = (result: Result, rule: string) => result.findings.filter((f) => f.rule === rule);
const coverageChecked = (result: Result) => result.checked.filter((c) => c.family === 'coverage').map((c) => c.version);
const coverageUnchecked = (result: Result) => result.unchecked.filter((u) => u.family === 'coverage').map((u) => u.reason);
const qualifiedA = {
  rule: 'medicare.bmm-qualified',
  severity: 'info',
  message: 'Qualified individual: A estrogen-deficient woman at clinical risk (documented: estrogen deficient).',
  source: statute,
  path: 'clinical.estrogenDeficient',
  params: { categories: ['A'], evidence: ['clinical fact estrogenDeficient'] },
};
const notCodedA = {
  rule: 'medicare.bmm-category-not-coded',
  severity: 'warning',
  message: 'Category A (estrogen-deficient woman at clinical risk) is documented as a clinical fact, but no diagnosis on the claim shows it.',
  fix: 'Add the diagnosis code that shows it (e.g. Z78.0, E28.310, E28.319; code mapping unverified).',
  source: { ...statute, confidence: 'unverified' },
  path: 'clinical.estrogenDeficient',
  params: { category: 'A', fact: 'estrogenDeficient', codes: ['Z78.0', 'E28.310', 'E28.319'] },
};
const notShown = {
  rule: 'medicare.bmm-category-not-shown',
  severity: 'warning',
  message: 'Nothing in the diagnoses or clinical facts shows a qualified-individual category (estrogen deficiency at clinical risk, vertebral abnormality on X-ray, long-term glucocorticoids, primary hyperparathyroidism, or monitoring osteoporosis drug therapy).',
  fix: 'Document and code the category that applies; an osteoporosis or osteopenia diagnosis alone may be on the covered list, but the statute names these five.',
  source: statute,
};

/** The billing-article denial of a line of the recommended claim: its message as given, the rest from its parts. */
function articleDenial(message: string, code: string, diagnoses: string[], article: 'A57132' | 'A59040', jurisdiction: string, severity = 'error') {
  return {
    rule: 'medicare.bmm-article-diagnosis-not-covered',
    severity,
    message,
    fix: `Point the line to the documented condition that ${article} lists for ${code}, or, if none applies, expect the denial (ABN before the service: GA; without one: GZ).`,
    source: article === 'A57132' ? A57132 : A59040,
    path: 'diagnoses',
    params: { code, diagnoses, article, jurisdiction },
  };
}

/** The covered groups of an exact CMS copy, by group number. */
function cmsGroups(file: string): Record<string, string[]> {
  const [article] = JSON.parse(readFileSync(new URL(`../knowledge/data/cms/${file}`, import.meta.url), 'utf8')) as [{ covered: Record<string, string[]> }];
  return article.covered;
}
const cgs = cmsGroups('mcd-article-A57132-v19.json');
const palmetto = cmsGroups('mcd-article-A59040-v12.json');
const GROUP_2 = ['77078', '77081', '77085', '76977', 'G0130'];
const listsOf: Record<string, Record<string, string[]>> = { J15: cgs, JJ: palmetto, JM: palmetto };
const groupOf = (code: string) => (code === '77080' ? '1' : '2');
const minus = (a: string[], b: string[]) => a.filter((c) => !b.includes(c)).sort();

describe('the billing article of each jurisdiction, code by code', () => {
  it("covers for each code exactly the ICD-10-CM group its article's paragraph names (77080 group 1; 77078, 77081, 77085, 76977, G0130 group 2)", () => {
    for (const [jurisdiction, groups] of Object.entries(listsOf)) {
      for (const code of ['77080', ...GROUP_2]) {
        expect([...articleOf(jurisdiction).coveredFor(code)!].sort(), `${jurisdiction} ${code}`).toEqual([...groups[groupOf(code)]!].sort());
      }
      expect(articleOf(jurisdiction).coveredFor('77086')).toBeUndefined();
    }
    expect(cgs['1']).toHaveLength(428);
    expect(cgs['2']).toHaveLength(412);
    expect(palmetto['1']).toHaveLength(420);
    expect(palmetto['2']).toHaveLength(418);
  });

  it('the lists differ where data/cms/README.md says: Z09 and Z79.83 for 77080 only; N95.1, Z79.85 and M80 codes by contractor', () => {
    const m80_8B9 = ['M80.8B9A', 'M80.8B9D', 'M80.8B9G', 'M80.8B9K', 'M80.8B9P', 'M80.8B9S'];
    const m80_0B12 = ['A', 'D', 'G', 'K', 'P', 'S'].flatMap((seventh) => [`M80.0B1${seventh}`, `M80.0B2${seventh}`]).sort();
    expect(minus(cgs['1']!, cgs['2']!)).toEqual([...m80_0B12, 'M80.0B9A', 'M80.0B9D', 'Z09', 'Z79.83'].sort());
    expect(minus(palmetto['1']!, palmetto['2']!)).toEqual(['Z09', 'Z79.83']);
    expect(minus(cgs['1']!, palmetto['1']!)).toEqual(['M80.0B9A', 'M80.0B9D', ...m80_8B9, 'Z79.85']);
    expect(minus(palmetto['1']!, cgs['1']!)).toEqual(['N95.1']);
    expect(minus(cgs['2']!, palmetto['2']!)).toEqual([...m80_8B9, 'Z79.85']);
    expect(minus(palmetto['2']!, cgs['2']!)).toEqual([...m80_0B12, 'N95.1']);
  });

  it("never passes a diagnosis in one jurisdiction because it is on another's list (77080 and 77081, J15, JJ, JM)", () => {
    const differing = [...new Set([...minus(cgs['1']!, palmetto['2']!), ...minus(palmetto['1']!, cgs['2']!)])];
    expect(differing).toHaveLength(24);
    for (const [code, performed] of [['77080', undefined], ['77081', PERIPHERAL]] as const) {
      for (const [jurisdiction, groups] of Object.entries(listsOf)) {
        for (const diagnosis of differing) {
          const result = run({ jurisdiction, diagnoses: [diagnosis], clinical: {}, ...(performed ? { performed } : {}) });
          const denied = ofRule(result, 'medicare.bmm-article-diagnosis-not-covered').length > 0;
          expect(denied, `${diagnosis} for ${code} in ${jurisdiction}`).toBe(!groups[groupOf(code)]!.includes(diagnosis));
        }
      }
    }
  });
});

describe('medicare.bmm-article-diagnosis-not-covered word for word', () => {
  it('N95.1 for 77080 in J15 (A57132 lists none), an error naming the article, its version and the jurisdiction', () => {
    const result = run({ diagnoses: ['N95.1'] });
    expect(result.verdict).toBe('reject');
    expect(coverageFindings(result)).toEqual([
      articleDenial("77080: N95.1 is not among the ICD-10-CM codes that CGS Administrators, LLC's billing article A57132 v19 covers for 77080 (jurisdiction J15).", '77080', ['N95.1'], 'A57132', 'J15'),
      qualifiedA,
      notCodedA,
    ]);
  });

  it('Z79.85 for 77080 in JJ (A59040 lacks it), and the source is the Palmetto article', () => {
    expect(A59040).toMatchObject({ version: 'A59040 v12', confidence: 'verified' });
    expect(A57132).toMatchObject({ version: 'A57132 v19', confidence: 'verified' });
    expect(ofRule(run({ jurisdiction: 'JJ', diagnoses: ['Z79.85'], clinical: {} }), 'medicare.bmm-article-diagnosis-not-covered')).toEqual([
      articleDenial("77080: Z79.85 is not among the ICD-10-CM codes that Palmetto GBA's billing article A59040 v12 covers for 77080 (jurisdiction JJ).", '77080', ['Z79.85'], 'A59040', 'JJ'),
    ]);
  });

  it('M80.0B1A for 77081: covered in JM (A59040 group 2), not in J15, where it supports 77080 only', () => {
    expect(ofRule(run({ jurisdiction: 'JM', performed: PERIPHERAL, diagnoses: ['M80.0B1A'], clinical: {} }), 'medicare.bmm-article-diagnosis-not-covered')).toEqual([]);
    expect(ofRule(run({ performed: PERIPHERAL, diagnoses: ['M80.0B1A'], clinical: {} }), 'medicare.bmm-article-diagnosis-not-covered')).toEqual([
      articleDenial("77081: M80.0B1A is not among the ICD-10-CM codes that CGS Administrators, LLC's billing article A57132 v19 covers for 77081 (jurisdiction J15); M80.0B1A supports other codes of the article, not 77081.", '77081', ['M80.0B1A'], 'A57132', 'J15'),
    ]);
  });

  it('Z79.83 and Z09 support 77080 only: for 77081 in J15 both are named, with the ABN a warning and GA expected', () => {
    const result = run({ performed: PERIPHERAL, diagnoses: ['Z79.83', 'Z09', 'N95.1'], clinical: {}, abnOnFile: true });
    expect(ofRule(result, 'medicare.bmm-article-diagnosis-not-covered')).toEqual([
      articleDenial(`77081: Z79.83, Z09, N95.1 are not among the ICD-10-CM codes that CGS Administrators, LLC's billing article A57132 v19 covers for 77081 (jurisdiction J15); Z79.83, Z09 support other codes of the article, not 77081.${ABN_NOTE}`, '77081', ['Z79.83', 'Z09', 'N95.1'], 'A57132', 'J15', 'warning'),
    ]);
    expect(ofRule(run({ diagnoses: ['Z79.83'], clinical: {} }), 'medicare.bmm-article-diagnosis-not-covered')).toEqual([]);
    expect(ofRule(run({ jurisdiction: 'JM', diagnoses: ['Z09'], clinical: {} }), 'medicare.bmm-article-diagnosis-not-covered')).toEqual([]);
  });
});

describe('coverage: checked and not checked', () => {
  it('names the article of the jurisdiction in checked, and leaves nothing unchecked when it decides', () => {
    const result = run();
    expect(coverageChecked(result)).toEqual([`medicare-bmm ${medicare.version}; J15: CGS Administrators, LLC billing article A57132 v19 (mcd-2026-09-28), embedded`]);
    expect(coverageUnchecked(result)).toEqual([]);
    expect(coverageFindings(result)).toEqual([qualifiedA]);
    expect(coverageChecked(run({ jurisdiction: 'JM' }))).toEqual([`medicare-bmm ${medicare.version}; JM: Palmetto GBA billing article A59040 v12 (mcd-2026-09-28), embedded`]);
  });

  it('without a jurisdiction: the local article is not checked, and the national list says what it lacks unless it matches', () => {
    const none = run({ jurisdiction: undefined });
    expect(coverageChecked(none)).toEqual([`medicare-bmm ${medicare.version}; no jurisdiction given`]);
    expect(coverageUnchecked(none)).toEqual([
      `77080: the encounter names no Medicare contractor jurisdiction (jurisdiction, or the configuration's default), so the contractor's billing article (local coverage) was not checked and M81.0, Z78.0${PARTIAL}`,
    ]);
    // M85.851 is on the part of the NCD 150.3 list that is known (MLN SE1525).
    expect(coverageUnchecked(run({ jurisdiction: undefined, diagnoses: ['M85.851'] }))).toEqual([
      "77080: the encounter names no Medicare contractor jurisdiction (jurisdiction, or the configuration's default), so the contractor's billing article (local coverage) was not checked",
    ]);
  });

  it('in a jurisdiction without an article (J6): the partial NCD 150.3 list, unless a diagnosis is on its known part', () => {
    const j6 = run({ jurisdiction: 'J6' });
    expect(coverageChecked(j6)).toEqual([`medicare-bmm ${medicare.version}; J6: no billing article loaded (national NCD 150.3 list, partly loaded)`]);
    expect(coverageUnchecked(j6)).toEqual([`77080: jurisdiction J6 has no billing article loaded (${NO_ARTICLE}) and M81.0, Z78.0${PARTIAL}`]);
    // The knowledge notes end in a full stop; inside the parentheses of a sentence they do not.
    expect(coverageUnchecked(j6)[0]).not.toMatch(/\.\)/);
    expect(NO_ARTICLE.endsWith('mcd-article')).toBe(true);
    expect(coverageUnchecked(run({ jurisdiction: 'J6', diagnoses: ['M81.0', 'M85.851'] }))).toEqual([]);
    // A submitted line without diagnoses.
    expect(coverageUnchecked(run({ jurisdiction: 'J6', claim: { lines: [{ code: '77080', diagnoses: [] }] } }))).toEqual([
      `line 1 (77080): jurisdiction J6 has no billing article loaded (${NO_ARTICLE}) and the line has no diagnosis to match against${NATIONAL}`,
    ]);
  });

  it('before the article is in force (A57132 from 2019-09-26): not checked, unless the national list matches', () => {
    expect(coverageUnchecked(run({ dateOfService: '2019-09-25' }))).toEqual([`77080: A57132 is loaded only from 2019-09-26, after the date of service and M81.0, Z78.0${PARTIAL}`]);
    expect(coverageUnchecked(run({ dateOfService: '2019-09-25', diagnoses: ['M85.851', 'Z78.0'] }))).toEqual([]);
  });

  it('a BMM code the article does not list (77083): not checked, unless the national list matches', () => {
    const performed = [{ procedure: 'radiographic-absorptiometry' }];
    expect(coverageUnchecked(run({ performed }))).toEqual([`77083: A57132 (jurisdiction J15) gives no covered diagnoses for 77083 and M81.0, Z78.0${PARTIAL}`]);
    expect(coverageUnchecked(run({ performed, diagnoses: ['M85.851', 'Z78.0'] }))).toEqual([]);
  });

  it('says when the treating status of the order is not given', () => {
    expect(coverageUnchecked(run({ orderingProvider: { npi: '1234567893' } }))).toEqual(['the encounter does not say whether the ordering practitioner treats the beneficiary']);
  });

  it('a commercial payer: not applicable; an unknown payer: not checked', () => {
    const commercial = run({ payer: 'aetna-cpb-0134' });
    expect(coverageChecked(commercial)).toEqual(['not applicable: Commercial plan modelled on Aetna Clinical Policy Bulletin 0134 is not Medicare (see payer)']);
    expect(coverageFindings(commercial)).toEqual([]);
    const unknown = run({ payer: 'no-such-payer' });
    expect(coverageChecked(unknown)).toEqual([]);
    expect(coverageUnchecked(unknown)).toEqual(['the payer pack is unknown, so coverage could not be checked']);
    expect(coverageFindings(unknown)).toEqual([]);
  });
});

describe('denials word for word', () => {
  it('Z13.820 alone (screening), with and without an ABN', () => {
    const finding = {
      rule: 'medicare.bmm-screening-only',
      severity: 'error',
      message: '77080: Z13.820 (screening) is the only diagnosis; it does not show a qualified individual and Medicare denies it.',
      fix: 'Code the documented condition or risk factor that makes the patient a qualified individual (e.g. Z78.0, Z79.52, E21.0, Z79.83, M85.8-).',
      source: medicare.screeningOnly.source,
      path: 'diagnoses',
      params: { code: '77080', diagnoses: ['Z13.820'] },
    };
    expect(coverageFindings(run({ diagnoses: ['Z13.820'], clinical: {} }))).toEqual([finding, notShown]);
    expect(coverageFindings(run({ diagnoses: ['Z13.820'], clinical: {}, abnOnFile: true }))).toEqual([
      { ...finding, severity: 'warning', message: `${finding.message}${ABN_NOTE}` },
      {
        rule: 'liability.ga',
        severity: 'warning',
        message: '77080: a denial is expected; the ABN on file makes the patient liable (GA).',
        source: medicare.liability.ga,
        path: 'performed[0]',
        params: { code: '77080', modifier: 'GA', reasons: ['screening-only'] },
      },
      notShown,
    ]);
  });

  it('M85.80 (unspecified site) where the NCD 150.3 list applies (J6): one and two diagnoses', () => {
    const finding = {
      rule: 'medicare.bmm-diagnosis-not-listed',
      severity: 'error',
      message: '77080: M85.80 is not on the NCD 150.3 covered list (M85.80, unspecified site, was left off).',
      fix: 'Use the site-specific osteopenia code (M85.81- to M85.89) that the report documents.',
      source: medicare.nationalDiagnosisList.notCoveredSource,
      path: 'diagnoses',
      params: { code: '77080', diagnoses: ['M85.80'] },
    };
    const single = run({ jurisdiction: 'J6', diagnoses: ['M85.80'], clinical: {} });
    expect(coverageFindings(single)).toEqual([finding, notShown]);
    // A line with a denial is not also reported as not checked.
    expect(coverageUnchecked(single)).toEqual([]);
    // A submitted line pointing to M85.80 and Z13.820 (the recommended line would leave the screening code off).
    const claim = { lines: [{ code: '77080', modifiers: ['GA'], diagnoses: ['M85.80', 'Z13.820'] }] };
    expect(ofRule(run({ jurisdiction: 'J6', diagnoses: ['M85.80', 'Z13.820'], clinical: {}, abnOnFile: true, claim }), 'medicare.bmm-diagnosis-not-listed')).toEqual([
      {
        ...finding,
        severity: 'warning',
        message: `line 1 (77080): M85.80, Z13.820 are not on the NCD 150.3 covered list (M85.80, unspecified site, was left off).${ABN_NOTE}`,
        line: 0,
        path: 'claim.lines[0].diagnoses',
        params: { code: '77080', diagnoses: ['M85.80', 'Z13.820'] },
      },
    ]);
  });

  it('monitoring therapy by peripheral DXA: the axial DXA codes of the date (77080/77085 in 2026, 77080 in 2010, 76075 in 2005)', () => {
    const monitoring = { performed: PERIPHERAL, diagnoses: ['Z79.83'], clinical: { monitoringOsteoporosisTherapy: true }, jurisdiction: 'J6' };
    const finding = (code: string, axialCodes: string[]) => ({
      rule: 'medicare.bmm-monitoring-not-axial',
      severity: 'error',
      message: `${code}: the only qualifying reason is monitoring osteoporosis drug therapy, which Medicare covers only by axial DXA (${axialCodes.join('/')}).`,
      fix: 'Monitor therapy with axial DXA, or document another qualifying category.',
      source: medicare.axialDxaSource,
      path: 'performed[0]',
      params: { code, axialCodes },
    });
    expect(ofRule(run(monitoring), 'medicare.bmm-monitoring-not-axial')).toEqual([finding('77081', ['77080', '77085'])]);
    expect(ofRule(run({ ...monitoring, dateOfService: '2010-03-01' }), 'medicare.bmm-monitoring-not-axial')).toEqual([finding('77081', ['77080'])]);
    expect(ofRule(run({ ...monitoring, dateOfService: '2005-03-01' }), 'medicare.bmm-monitoring-not-axial')).toEqual([finding('76076', ['76075'])]);
    // On a submitted line the path is the line's code.
    expect(ofRule(run({ ...monitoring, claim: { lines: [{ code: '77081', diagnoses: ['Z79.83'] }] } }), 'medicare.bmm-monitoring-not-axial')).toEqual([
      { ...finding('77081', ['77080', '77085']), message: 'line 1 (77081): the only qualifying reason is monitoring osteoporosis drug therapy, which Medicare covers only by axial DXA (77080/77085).', line: 0, path: 'claim.lines[0].code' },
    ]);
  });

  it('an order not from the treating practitioner', () => {
    expect(coverageFindings(run({ orderingProvider: { npi: '1234567893', treating: false } }))).toEqual([
      {
        rule: 'medicare.bmm-order-not-treating',
        severity: 'error',
        message: '77080: the order did not come from the physician or qualified NPP treating the beneficiary.',
        fix: 'Obtain an order from the treating practitioner.',
        source: medicare.treatingOrder.source,
        path: 'orderingProvider.treating',
        params: { code: '77080' },
      },
      qualifiedA,
    ]);
  });

  it('single-photon absorptiometry (78350) with GZ, with an ABN and GA, with an ABN and no GA, and without either', () => {
    const spa = medicare.notReasonableAndNecessary[0]!;
    const line = (modifiers: string[]) => ({ claim: { lines: [{ code: '78350', modifiers, diagnoses: ['M81.0'] }] } });
    const finding = {
      rule: 'medicare.not-reasonable-and-necessary',
      severity: 'error',
      message: `line 1 (78350): ${spa.reason}.`,
      line: 0,
      fix: 'Use a covered bone mass measurement (axial DXA 77080, or 77085 with VFA), or expect the denial: with an ABN signed before the service bill GA, without one GZ (not GY).',
      source: spa.source,
      path: 'claim.lines[0].code',
      params: { code: '78350' },
    };
    const withAbn = { ...finding, severity: 'warning', message: `line 1 (78350): ${spa.reason}.${ABN_NOTE}` };
    const reasons = ['not-reasonable-and-necessary'];
    expect(coverageFindings(run(line(['GZ'])))).toEqual([finding]);
    expect(coverageFindings(run(line([])))).toEqual([
      finding,
      {
        rule: 'liability.gz',
        severity: 'warning',
        message: 'line 1 (78350): Medicare is expected to deny this line (not reasonable and necessary under national policy) and no ABN is on file, so the provider is liable; report that with GZ.',
        line: 0,
        fix: 'Resolve the reason for denial, or add GZ.',
        source: medicare.liability.gz,
        path: 'claim.lines[0].modifiers',
        params: { code: '78350', reasons },
      },
    ]);
    expect(coverageFindings(run({ ...line(['GA']), abnOnFile: true }))).toEqual([
      withAbn,
      { rule: 'liability.ga', severity: 'warning', message: 'line 1 (78350): a denial is expected; the ABN on file makes the patient liable (GA).', line: 0, source: medicare.liability.ga, path: 'claim.lines[0].modifiers[0]', params: { code: '78350', modifier: 'GA', reasons } },
    ]);
    expect(coverageFindings(run({ ...line([]), abnOnFile: true }))).toEqual([
      withAbn,
      {
        rule: 'liability.ga-missing',
        severity: 'error',
        message: 'line 1 (78350): a denial is expected and an ABN is on file, but the line lacks GA; without it the provider is liable.',
        line: 0,
        fix: 'Add GA.',
        source: medicare.liability.ga,
        path: 'claim.lines[0].modifiers',
        params: { code: '78350', reasons },
      },
    ]);
  });

  it('77086 alone is no BMM: paid as an ordinary diagnostic test, and no category or same-day check follows', () => {
    const vfa = medicare.notOnBmmList[0]!;
    expect(coverageFindings(run({ performed: [{ procedure: 'vfa' }] }))).toEqual([
      { rule: 'medicare.vfa-not-bmm', severity: 'info', message: `77086: ${vfa.note}.`, source: vfa.source, path: 'performed[0]', params: { code: '77086' } },
    ]);
    expect(ofRule(run({ performed: [{ procedure: 'vfa' }], claim: { lines: [{ code: '77086', diagnoses: ['M81.0'] }] } }), 'medicare.vfa-not-bmm')).toEqual([
      { rule: 'medicare.vfa-not-bmm', severity: 'info', message: `line 1 (77086): ${vfa.note}.`, line: 0, source: vfa.source, path: 'claim.lines[0].code', params: { code: '77086' } },
    ]);
  });
});

describe('liability modifiers word for word', () => {
  const claim = (code: string, modifiers: string[]) => ({ claim: { lines: [{ code, modifiers, diagnoses: ['M81.0', 'Z78.0'] }] } });

  it('GZ names every reason for the expected denial by its short label', () => {
    const gz = (changes: Record<string, unknown>) => ofRule(run(changes), 'liability.gz').map((f) => f.message);
    const peripheral = { performed: PERIPHERAL, diagnoses: ['Z79.83'], clinical: { monitoringOsteoporosisTherapy: true }, claim: { lines: [{ code: '77081', diagnoses: ['Z79.83'] }] } };
    expect(gz({ ...peripheral, orderingProvider: { npi: '1234567893', treating: false }, history: [{ dateOfService: '2025-06-15', code: '77081' }] })).toEqual([
      "line 1 (77081): Medicare is expected to deny this line (diagnosis not covered by the contractor's billing article; monitoring without axial DXA; order not from the treating practitioner; within 23 months of the last covered study) and no ABN is on file, so the provider is liable; report that with GZ.",
    ]);
    expect(gz({ diagnoses: ['Z13.820'], clinical: {}, claim: { lines: [{ code: '77080', diagnoses: ['Z13.820'] }] } })).toEqual([
      'line 1 (77080): Medicare is expected to deny this line (screening diagnosis only) and no ABN is on file, so the provider is liable; report that with GZ.',
    ]);
    expect(gz({ jurisdiction: 'J6', diagnoses: ['M85.80'], clinical: {}, claim: { lines: [{ code: '77080', diagnoses: ['M85.80'] }] } })).toEqual([
      'line 1 (77080): Medicare is expected to deny this line (diagnosis not on the covered list) and no ABN is on file, so the provider is liable; report that with GZ.',
    ]);
    // A recommended line (not submitted) is not told to carry GZ.
    expect(gz({ diagnoses: ['Z13.820'], clinical: {} })).toEqual([]);
  });

  it('dual-photon absorptiometry (78351) without GY: a warning to review (GY against GA/GZ not settled); with GY the patient is liable', () => {
    const dpa = medicare.excluded.find((e) => e.code === '78351')!;
    expect(coverageFindings(run(claim('78351', [])))).toEqual([
      {
        rule: 'liability.gy-missing',
        severity: 'warning',
        message: `line 1 (78351): ${dpa.reason}; the line needs GY (to review: ${dpa.modifierNote}).`,
        line: 0,
        fix: 'Add GY (an ABN is optional; with a voluntary ABN add GX too).',
        source: dpa.source,
        path: 'claim.lines[0].modifiers',
        params: { code: '78351', settled: false },
      },
    ]);
    expect(coverageFindings(run(claim('78351', ['GY'])))).toEqual([
      { rule: 'medicare.excluded-service', severity: 'info', message: `line 1 (78351): ${dpa.reason}; billed with GY, the patient is liable.`, line: 0, source: dpa.source, path: 'claim.lines[0].modifiers[0]', params: { code: '78351', modifier: 'GY' } },
    ]);
  });

  it('DXA body composition (76499) without GY: an error, GY settled', () => {
    const bodyComposition = medicare.excluded.find((e) => e.code === '76499')!;
    expect(coverageFindings(run({ performed: [{ procedure: 'dxa-body-composition' }], ...claim('76499', []) }))).toEqual([
      {
        rule: 'liability.gy-missing',
        severity: 'error',
        message: 'line 1 (76499): DXA body composition has no Medicare benefit category; the line needs GY.',
        line: 0,
        fix: 'Add GY (an ABN is optional; with a voluntary ABN add GX too).',
        source: bodyComposition.source,
        path: 'claim.lines[0].modifiers',
        params: { code: '76499', settled: true },
      },
    ]);
  });

  it('GA without an ABN, and liability modifiers on a line with no reason for a denial (GX alone says nothing)', () => {
    expect(coverageFindings(run(claim('77080', ['GA'])))).toEqual([
      {
        rule: 'liability.ga-without-abn',
        severity: 'error',
        message: 'line 1 (77080): GA says a valid ABN is on file, but none is recorded for this encounter.',
        line: 0,
        fix: 'Remove GA, or record the signed ABN (signed ABN on file).',
        source: medicare.liability.ga,
        path: 'claim.lines[0].modifiers[0]',
        params: { code: '77080', modifier: 'GA' },
      },
      {
        rule: 'liability.unexpected',
        severity: 'warning',
        message: 'line 1 (77080): GA says a denial is expected, but dxacode found no reason for one.',
        line: 0,
        fix: 'Remove the liability modifier unless the record shows why Medicare would deny the service.',
        source: medicare.liability.ga,
        path: 'claim.lines[0].modifiers',
        params: { code: '77080', modifiers: ['GA'] },
      },
      qualifiedA,
    ]);
    expect(ofRule(run(claim('77080', ['GZ', 'GX', 'GY'])), 'liability.unexpected')).toEqual([
      expect.objectContaining({ message: 'line 1 (77080): GZ, GY says a denial is expected, but dxacode found no reason for one.', params: { code: '77080', modifiers: ['GZ', 'GY'] } }),
    ]);
    expect(coverageFindings(run(claim('77080', ['GX'])))).toEqual([qualifiedA]);
    // Only the liability modifiers are named, not the others on the line.
    expect(ofRule(run(claim('77080', ['26', 'GZ'])), 'liability.unexpected').map((f) => [f.message, f.params])).toEqual([
      ['line 1 (77080): GZ says a denial is expected, but dxacode found no reason for one.', { code: '77080', modifiers: ['GZ'] }],
    ]);
  });
});

describe('two BMM studies on one date word for word', () => {
  const two = (lines: [string, string[]][], extra: Record<string, unknown> = {}) => ({
    performed: [{ procedure: 'dxa-axial' }, { procedure: 'dxa-peripheral' }, { procedure: 'ultrasound-peripheral' }],
    claim: { lines: lines.map(([code, modifiers]) => ({ code, modifiers, diagnoses: ['M81.0'] })) },
    ...extra,
  });
  const sameDay = (result: Result) => result.findings.filter((f) => f.rule.startsWith('medicare.bmm-same-day') || f.rule.startsWith('liability.'));
  const duplicate = {
    rule: 'medicare.bmm-same-day-duplicate',
    severity: 'error',
    source: cwf.source,
    params: { codes: ['77081', '77080'], xuOn: '77080', xuAcceptedFrom: '2020-07-01' },
  };

  it('XU on 77080 beside 77081 from 2020-07-01: the CWF accepts both; CGS (J15) still calls axial plus peripheral not necessary', () => {
    expect(sameDay(run(two([['77081', []], ['77080', ['XU']]])))).toEqual([
      {
        rule: 'liability.gz',
        severity: 'warning',
        message: "line 2 (77080): Medicare is expected to deny this line (axial and peripheral BMM on one day, which the contractor calls not medically necessary) and no ABN is on file, so the provider is liable; report that with GZ.",
        line: 1,
        fix: 'Resolve the reason for denial, or add GZ.',
        source: medicare.liability.gz,
        path: 'claim.lines[1].modifiers',
        params: { code: '77080', reasons: ['same-day-contractor'] },
      },
      {
        rule: 'medicare.bmm-same-day-xu',
        severity: 'warning',
        message: `line 1 (77081) and line 2 (77080): two BMM studies on one date; XU on line 2 (77080) lets Medicare's CWF accept both (Transmittal 10193; ${cwf.dateNote}). The record must show a distinct service: for example, that both studies were medically necessary and why the second was done.`,
        line: 1,
        fix: 'Keep XU on 77080 only if the record documents why both studies were needed on this date.',
        source: cwf.source,
        path: 'claim.lines[1].modifiers[0]',
        params: { codes: ['77081', '77080'], xuOn: '77080', modifier: 'XU' },
      },
      {
        rule: 'medicare.bmm-same-day-contractor',
        severity: 'error',
        message: 'line 1 (77081) and line 2 (77080): CGS (J15), LCD L36460 / billing article A57132: it is not medically necessary to have both peripheral and axial BMM tests performed on the same day. This is stricter than the national CWF XU allowance, which does not override it.',
        line: 1,
        fix: 'Bill one study (CGS gives no exception for this); if a denial is still expected, obtain an ABN (GA) or report GZ.',
        source: cgsOverlay.source,
        path: 'claim.lines[1]',
        params: { codes: ['77081', '77080'], contractor: 'CGS', jurisdiction: 'J15', priorDate: null, days: null, withinDays: null },
      },
    ]);
  });

  it('XU before 2020-07-01 (on either line): a warning that the CWF does not accept it yet', () => {
    expect(ofRule(run(two([['77081', ['XU']], ['77080', []]], { jurisdiction: 'J6', dateOfService: '2020-06-30', abnOnFile: true })), 'medicare.bmm-same-day-duplicate')).toEqual([
      {
        ...duplicate,
        severity: 'warning',
        message: `line 1 (77081) and line 2 (77080): two BMM studies on one date; Medicare's CWF accepts XU to bypass its same-day BMM edit only from 2020-07-01 (Transmittal 10193; ${cwf.dateNote}), so on 2020-06-30 the second BMM line is expected to deny as a duplicate BMM, XU or not.`,
        line: 1,
        fix: 'Bill one study, or confirm the claim receipt date falls on or after the date the CWF accepts XU.',
        path: 'claim.lines[1].modifiers',
      },
    ]);
    // XU on the other line, 77081, when 77080 (where the CWF looks for it) comes first.
    expect(ofRule(run(two([['77080', []], ['77081', ['XU']]], { jurisdiction: 'J6', dateOfService: '2020-06-30' })), 'medicare.bmm-same-day-duplicate')).toEqual([
      {
        ...duplicate,
        severity: 'warning',
        message: `line 1 (77080) and line 2 (77081): two BMM studies on one date; Medicare's CWF accepts XU to bypass its same-day BMM edit only from 2020-07-01 (Transmittal 10193; ${cwf.dateNote}), so on 2020-06-30 the second BMM line is expected to deny as a duplicate BMM, XU or not.`,
        line: 0,
        fix: 'Bill one study, or confirm the claim receipt date falls on or after the date the CWF accepts XU.',
        path: 'claim.lines[0].modifiers',
        params: { codes: ['77080', '77081'], xuOn: '77080', xuAcceptedFrom: '2020-07-01' },
      },
    ]);
  });

  it('no XU before 2020-07-01: bill one study; no XU from then: add it to the line the transmittal names', () => {
    const before = run(two([['77081', []], ['77080', []]], { jurisdiction: 'J6', dateOfService: '2019-06-30' }));
    expect(ofRule(before, 'liability.gz').map((f) => f.message)).toEqual([
      'line 2 (77080): Medicare is expected to deny this line (a second BMM on the date without XU where the CWF needs it) and no ABN is on file, so the provider is liable; report that with GZ.',
    ]);
    expect(ofRule(before, 'medicare.bmm-same-day-duplicate')).toEqual([
      { ...duplicate, message: "line 1 (77081) and line 2 (77080): two BMM studies on one date; without XU on line 2 (77080) Medicare's CWF denies the second BMM line as a same-day duplicate BMM (Transmittal 10193).", line: 1, fix: 'Bill one study.', path: 'claim.lines[1].modifiers' },
    ]);
    expect(ofRule(run(two([['77080', []], ['77081', []]], { jurisdiction: 'J6' })), 'medicare.bmm-same-day-duplicate')).toEqual([
      {
        ...duplicate,
        message: "line 1 (77080) and line 2 (77081): two BMM studies on one date; without XU on line 1 (77080) Medicare's CWF denies the second BMM line as a same-day duplicate BMM (Transmittal 10193).",
        line: 0,
        fix: 'Add XU to the 77080 line only if the record shows a distinct service (both studies medically necessary); otherwise bill one study.',
        path: 'claim.lines[0].modifiers',
        params: { codes: ['77080', '77081'], xuOn: '77080', xuAcceptedFrom: '2020-07-01' },
      },
    ]);
  });

  it('XU on the wrong line (77081 beside 77080), with an ABN', () => {
    expect(ofRule(run(two([['77081', ['XU']], ['77080', []]], { jurisdiction: 'J6', abnOnFile: true })), 'medicare.bmm-same-day-duplicate')).toEqual([
      {
        ...duplicate,
        message: `line 1 (77081) and line 2 (77080): two BMM studies on one date; without XU on line 2 (77080) Medicare's CWF denies the second BMM line as a same-day duplicate BMM (Transmittal 10193). XU is on line 1 (77081), but the CWF looks for it on 77080.${ABN_NOTE}`,
        line: 1,
        fix: 'Add XU to the 77080 line (and remove it from 77081) only if the record shows a distinct service (both studies medically necessary); otherwise bill one study.',
        path: 'claim.lines[1].modifiers',
      },
    ]);
  });

  it('a pair the transmittal does not name (77080 with 76977): a review; the same code twice is no pair', () => {
    const review = {
      rule: 'medicare.bmm-same-day-review',
      severity: 'warning',
      message: "line 1 (77080) and line 2 (76977): two BMM studies on one date under Medicare. Transmittal 10193 names XU only for 77081 + 77085 (XU on 77081) and 77080 + 77081 (XU on 77080); whether the CWF's same-day BMM edit lets this pair through is not known.",
      line: 1,
      fix: 'Review: bill both only when the record shows both studies were medically necessary on this date.',
      source: cwf.source,
      path: 'claim.lines[1]',
      params: { codes: ['77080', '76977'] },
    };
    expect(sameDay(run(two([['77080', []], ['76977', []]], { jurisdiction: 'J6' })))).toEqual([review]);
    expect(sameDay(run(two([['77080', []], ['77080', []]], { jurisdiction: 'J6' })))).toEqual([]);
    // 77086 is no BMM: 77080 beside it is no same-day pair.
    expect(sameDay(run({ jurisdiction: 'J6', performed: [{ procedure: 'dxa-axial' }, { procedure: 'vfa' }], claim: { lines: [{ code: '77080', diagnoses: ['M81.0'] }, { code: '77086', diagnoses: ['M81.0'] }] } }))).toEqual([]);
  });

  it("CGS (J15), two peripheral studies: more than one type, a warning that names the exception it cannot decide, with an ABN too", () => {
    const contractor = {
      rule: 'medicare.bmm-same-day-contractor',
      severity: 'warning',
      message: 'line 1 (77081) and line 2 (76977): CGS (J15), LCD L36460 / billing article A57132: more than one type of BMM test is not medically necessary unless it is a DXA confirmatory baseline (not decided here whether this is a DXA confirmatory baseline after a first test by another technique). This is stricter than the national CWF XU allowance, which does not override it.',
      line: 1,
      fix: 'Bill one study unless the record shows a DXA confirmatory baseline after a first test by another technique; if a denial is still expected, obtain an ABN (GA) or report GZ.',
      source: cgsOverlay.source,
      path: 'claim.lines[1]',
      params: { codes: ['77081', '76977'], contractor: 'CGS', jurisdiction: 'J15', priorDate: null, days: null, withinDays: null },
    };
    expect(ofRule(run(two([['77081', []], ['76977', []]])), 'medicare.bmm-same-day-contractor')).toEqual([contractor]);
    expect(ofRule(run(two([['77081', []], ['76977', []]], { abnOnFile: true })), 'medicare.bmm-same-day-contractor')).toEqual([{ ...contractor, message: `${contractor.message}${ABN_NOTE}` }]);
    // WPS names no limit on two peripheral studies.
    expect(ofRule(run(two([['77081', []], ['76977', []]], { jurisdiction: 'J5' })), 'medicare.bmm-same-day-contractor')).toEqual([]);
  });

  it('CGS (J15), 77083 (no axial or peripheral category) with 77080: more than one type, not axial plus peripheral', () => {
    const result = run({ performed: [{ procedure: 'radiographic-absorptiometry' }, { procedure: 'dxa-axial' }], claim: { lines: [{ code: '77083', diagnoses: ['M81.0'] }, { code: '77080', diagnoses: ['M81.0'] }] } });
    expect(ofRule(result, 'medicare.bmm-same-day-contractor').map((f) => [f.severity, f.message])).toEqual([
      [
        'warning',
        'line 1 (77083) and line 2 (77080): CGS (J15), LCD L36460 / billing article A57132: more than one type of BMM test is not medically necessary unless it is a DXA confirmatory baseline (not decided here whether this is a DXA confirmatory baseline after a first test by another technique). This is stricter than the national CWF XU allowance, which does not override it.',
      ],
    ]);
    // The other order: a categorised line first, 77083 second, is no cross pair either.
    const reversed = run({ performed: [{ procedure: 'dxa-axial' }, { procedure: 'radiographic-absorptiometry' }], claim: { lines: [{ code: '77080', diagnoses: ['M81.0'] }, { code: '77083', diagnoses: ['M81.0'] }] } });
    expect(ofRule(reversed, 'medicare.bmm-same-day-contractor')).toEqual([
      {
        rule: 'medicare.bmm-same-day-contractor',
        severity: 'warning',
        message: 'line 1 (77080) and line 2 (77083): CGS (J15), LCD L36460 / billing article A57132: more than one type of BMM test is not medically necessary unless it is a DXA confirmatory baseline (not decided here whether this is a DXA confirmatory baseline after a first test by another technique). This is stricter than the national CWF XU allowance, which does not override it.',
        line: 1,
        fix: 'Bill one study unless the record shows a DXA confirmatory baseline after a first test by another technique; if a denial is still expected, obtain an ABN (GA) or report GZ.',
        source: cgsOverlay.source,
        path: 'claim.lines[1]',
        params: { codes: ['77080', '77083'], contractor: 'CGS', jurisdiction: 'J15', priorDate: null, days: null, withinDays: null },
      },
    ]);
  });

  it('CGS (J15) axial plus peripheral with an ABN: a warning; WPS (J5) axial plus peripheral: its exception, and without history its 30-day window is not checked', () => {
    expect(ofRule(run(two([['77080', ['GA']], ['76977', ['GA']]], { abnOnFile: true })), 'medicare.bmm-same-day-contractor')).toEqual([
      {
        rule: 'medicare.bmm-same-day-contractor',
        severity: 'warning',
        message: `line 1 (77080) and line 2 (76977): CGS (J15), LCD L36460 / billing article A57132: it is not medically necessary to have both peripheral and axial BMM tests performed on the same day. This is stricter than the national CWF XU allowance, which does not override it.${ABN_NOTE}`,
        line: 1,
        fix: 'Bill one study (CGS gives no exception for this); if a denial is still expected, obtain an ABN (GA) or report GZ.',
        source: cgsOverlay.source,
        path: 'claim.lines[1]',
        params: { codes: ['77080', '76977'], contractor: 'CGS', jurisdiction: 'J15', priorDate: null, days: null, withinDays: null },
      },
    ]);
    const wps = run(two([['77080', []], ['76977', []]], { jurisdiction: 'J5', history: undefined }));
    expect(ofRule(wps, 'medicare.bmm-same-day-contractor')).toEqual([
      {
        rule: 'medicare.bmm-same-day-contractor',
        severity: 'warning',
        message: `line 1 (77080) and line 2 (76977): WPS (J5, J8), ${wpsOverlay.policy}: an axial and an appendicular (peripheral) study are not covered on the same date of service or within 30 days of each other. This is stricter than the national CWF XU allowance, which does not override it.`,
        line: 1,
        fix: 'Bill one study unless the record shows the first study was unreadable, for example because of hardware in the hip or spine; if a denial is still expected, obtain an ABN (GA) or report GZ.',
        source: wpsOverlay.source,
        path: 'claim.lines[1]',
        params: { codes: ['77080', '76977'], contractor: 'WPS', jurisdiction: 'J5', priorDate: null, days: null, withinDays: 30 },
      },
    ]);
    expect(coverageUnchecked(wps).at(-1)).toBe('WPS (J5) limits an axial and a peripheral study within 30 days of each other; no history was given, so that window was not checked');
    // CGS has no window: nothing is missing without history.
    expect(coverageUnchecked(run({ history: undefined }))).toEqual([]);
  });
});

describe("the contractor's limit against the history word for word", () => {
  it('WPS (J8): a peripheral study 20 days earlier; (J5) one the same day, with an ABN', () => {
    const wps = {
      rule: 'medicare.bmm-same-day-contractor',
      severity: 'warning',
      fix: 'Document why the earlier study could not be used (the first study was unreadable, for example because of hardware in the hip or spine), or expect the denial (ABN: GA; without one: GZ).',
      source: wpsOverlay.source,
      path: 'history[0]',
    };
    const policy = `WPS (J5, J8), ${wpsOverlay.policy}: an axial and an appendicular (peripheral) study are not covered on the same date of service or within 30 days of each other, unless the first study was unreadable, for example because of hardware in the hip or spine.`;
    expect(ofRule(run({ jurisdiction: 'J8', history: [{ dateOfService: '2026-05-26', code: '77081' }] }), 'medicare.bmm-same-day-contractor')).toEqual([
      { ...wps, message: `77080: 77081 on 2026-05-26 was 20 days earlier; ${policy}`, params: { codes: ['77080', '77081'], contractor: 'WPS', jurisdiction: 'J8', priorDate: '2026-05-26', days: 20, withinDays: 30 } },
    ]);
    expect(ofRule(run({ jurisdiction: 'J5', abnOnFile: true, history: [{ dateOfService: '2026-06-15', code: '77081' }] }), 'medicare.bmm-same-day-contractor')).toEqual([
      { ...wps, message: `77080: 77081 on 2026-06-15 was on the same date of service, billed elsewhere; ${policy}${ABN_NOTE}`, params: { codes: ['77080', '77081'], contractor: 'WPS', jurisdiction: 'J5', priorDate: '2026-06-15', days: 0, withinDays: 30 } },
    ]);
  });

  it('CGS (J15): a peripheral study the same day elsewhere is an error without an exception; five days earlier is outside its limit', () => {
    expect(ofRule(run({ history: [{ dateOfService: '2026-06-15', code: '77081' }] }), 'medicare.bmm-same-day-contractor')).toEqual([
      {
        rule: 'medicare.bmm-same-day-contractor',
        severity: 'error',
        message: '77080: 77081 on 2026-06-15 was on the same date of service, billed elsewhere; CGS (J15), LCD L36460 / billing article A57132: it is not medically necessary to have both peripheral and axial BMM tests performed on the same day.',
        fix: 'Document why the earlier study could not be used, or expect the denial (ABN: GA; without one: GZ).',
        source: cgsOverlay.source,
        path: 'history[0]',
        params: { codes: ['77080', '77081'], contractor: 'CGS', jurisdiction: 'J15', priorDate: '2026-06-15', days: 0, withinDays: null },
      },
    ]);
    expect(ofRule(run({ history: [{ dateOfService: '2026-06-10', code: '77081' }] }), 'medicare.bmm-same-day-contractor')).toEqual([]);
    // With an ABN the CGS error becomes a warning.
    expect(ofRule(run({ abnOnFile: true, history: [{ dateOfService: '2026-06-15', code: '77081' }] }), 'medicare.bmm-same-day-contractor').map((f) => [f.severity, f.message])).toEqual([
      ['warning', `77080: 77081 on 2026-06-15 was on the same date of service, billed elsewhere; CGS (J15), LCD L36460 / billing article A57132: it is not medically necessary to have both peripheral and axial BMM tests performed on the same day.${ABN_NOTE}`],
    ]);
  });
});

describe('qualified individuals and glucocorticoids word for word', () => {
  it('no category shown', () => {
    expect(coverageFindings(run({ diagnoses: ['M81.0'], clinical: {} }))).toEqual([notShown]);
  });

  it('several categories: each with its evidence, the path of the first, the most certain confidence', () => {
    expect(coverageFindings(run({ diagnoses: ['M81.0', 'Z79.83', 'E21.0'], clinical: { estrogenDeficient: true, vertebralAbnormalityOnXray: true } }))).toEqual([
      {
        ...qualifiedA,
        message: 'Qualified individual: A estrogen-deficient woman at clinical risk (documented: estrogen deficient); B vertebral abnormality on X-ray indicating osteoporosis, osteopenia or vertebral fracture (documented: vertebral abnormality on X-ray); D primary hyperparathyroidism (E21.0); E monitoring response to an FDA-approved osteoporosis drug (Z79.83).',
        params: { categories: ['A', 'B', 'D', 'E'], evidence: ['clinical fact estrogenDeficient', 'clinical fact vertebralAbnormalityOnXray', 'E21.0', 'Z79.83'] },
      },
      notCodedA,
      {
        rule: 'medicare.bmm-category-not-coded',
        severity: 'warning',
        message: 'Category B (vertebral abnormality on X-ray indicating osteoporosis, osteopenia or vertebral fracture) is documented as a clinical fact, but no diagnosis on the claim shows it.',
        fix: 'Add the diagnosis code that shows it (e.g. M80.08, M80.88, M48.5; code mapping unverified).',
        source: { ...statute, confidence: 'unverified' },
        path: 'clinical.vertebralAbnormalityOnXray',
        params: { category: 'B', fact: 'vertebralAbnormalityOnXray', codes: ['M80.08', 'M80.88', 'M48.5'] },
      },
    ]);
    // By diagnosis only: D (mapping secondary) and E (unverified) give secondary; E alone unverified.
    expect(coverageFindings(run({ diagnoses: ['M81.0', 'Z79.83', 'E21.0'], clinical: {} }))).toEqual([
      {
        rule: 'medicare.bmm-qualified',
        severity: 'info',
        message: 'Qualified individual: D primary hyperparathyroidism (E21.0); E monitoring response to an FDA-approved osteoporosis drug (Z79.83).',
        source: { ...statute, confidence: 'secondary' },
        path: 'diagnoses[2]',
        params: { categories: ['D', 'E'], evidence: ['E21.0', 'Z79.83'] },
      },
    ]);
    expect(ofRule(run({ diagnoses: ['Z79.83'], clinical: {} }), 'medicare.bmm-qualified')).toEqual([
      { rule: 'medicare.bmm-qualified', severity: 'info', message: 'Qualified individual: E monitoring response to an FDA-approved osteoporosis drug (Z79.83).', source: { ...statute, confidence: 'unverified' }, path: 'diagnoses[0]', params: { categories: ['E'], evidence: ['Z79.83'] } },
    ]);
  });

  it('category C from the clinical facts, not coded: the dose is the path, Z79.52 the code to add', () => {
    expect(coverageFindings(run({ diagnoses: ['M81.0'], clinical: { glucocorticoidMgPerDay: 7.5, glucocorticoidMonths: 6 } }))).toEqual([
      {
        rule: 'medicare.bmm-qualified',
        severity: 'info',
        message: 'Qualified individual: C on, or expected to start, long-term glucocorticoid therapy (documented: glucocorticoid dose and duration).',
        source: statute,
        path: 'clinical.glucocorticoidMgPerDay',
        params: { categories: ['C'], evidence: ['clinical fact glucocorticoid'] },
      },
      {
        rule: 'medicare.bmm-category-not-coded',
        severity: 'warning',
        message: 'Category C (on, or expected to start, long-term glucocorticoid therapy) is documented as a clinical fact, but no diagnosis on the claim shows it.',
        fix: 'Add the diagnosis code that shows it (e.g. Z79.52; code mapping secondary).',
        source: { ...statute, confidence: 'secondary' },
        path: 'clinical.glucocorticoidMgPerDay',
        params: { category: 'C', fact: 'glucocorticoid', codes: ['Z79.52'] },
      },
    ]);
  });

  it('a category shown by its clinical fact and also coded (C with Z79.52, B with M80.08XA under the prefix M80.08) needs no code added', () => {
    expect(ofRule(run({ diagnoses: ['M81.0', 'Z79.52'], clinical: { glucocorticoidMgPerDay: 7.5, glucocorticoidMonths: 6 } }), 'medicare.bmm-category-not-coded')).toEqual([]);
    const b = run({ diagnoses: ['M81.0', 'M80.08XA'], clinical: { vertebralAbnormalityOnXray: true } });
    expect(ofRule(b, 'medicare.bmm-qualified').map((f) => f.params)).toEqual([{ categories: ['B'], evidence: ['clinical fact vertebralAbnormalityOnXray'] }]);
    expect(ofRule(b, 'medicare.bmm-category-not-coded')).toEqual([]);
  });

  it('Z79.52 contradicted by a dose below the threshold', () => {
    const threshold = medicare.glucocorticoidThresholds.at(-1)!;
    expect(ofRule(run({ diagnoses: ['M81.0', 'Z79.52'], clinical: { glucocorticoidMgPerDay: 2 } }), 'medicare.glucocorticoid-code-contradicted')).toEqual([
      {
        rule: 'medicare.glucocorticoid-code-contradicted',
        severity: 'warning',
        message: "Z79.52 (long-term systemic steroids) is coded, but the record's glucocorticoids 2 mg/day do not reach category C (at least 5 mg prednisone-equivalent per day for more than 3 months); Medicare category C and the 23-month glucocorticoid exception are not granted on the code alone.",
        fix: 'Document the steroid course that meets the threshold, or remove Z79.52 and code the category that applies.',
        source: threshold.source,
        path: 'diagnoses[1]',
        params: { code: 'Z79.52', mgPerDay: 2, months: null, thresholdMgPerDay: 5, thresholdMonths: 3 },
      },
    ]);
  });

  it('below the threshold: the dose when it falls short, else the duration; 7.5 mg before 2007; nothing without facts', () => {
    const [before2007, now] = [medicare.glucocorticoidThresholds[0]!, medicare.glucocorticoidThresholds.at(-1)!];
    const threshold = (clinical: Record<string, unknown>, dateOfService = '2026-06-15') =>
      ofRule(run({ dateOfService, clinical: { estrogenDeficient: true, ...clinical } }), 'medicare.glucocorticoid-threshold');
    const finding = { rule: 'medicare.glucocorticoid-threshold', severity: 'info', source: now.source };
    expect(threshold({ glucocorticoidMgPerDay: 4 })).toEqual([
      { ...finding, message: 'Glucocorticoids 4 mg/day do not reach category C: at least 5 mg prednisone-equivalent per day for more than 3 months.', path: 'clinical.glucocorticoidMgPerDay', params: { mgPerDay: 4, months: null, thresholdMgPerDay: 5, thresholdMonths: 3 } },
    ]);
    expect(threshold({ glucocorticoidMonths: 2 })).toEqual([
      { ...finding, message: 'Glucocorticoids (dose not given) for 2 months do not reach category C: at least 5 mg prednisone-equivalent per day for more than 3 months.', path: 'clinical.glucocorticoidMonths', params: { mgPerDay: null, months: 2, thresholdMgPerDay: 5, thresholdMonths: 3 } },
    ]);
    expect(threshold({ glucocorticoidMgPerDay: 10, glucocorticoidMonths: 2 })).toEqual([
      { ...finding, message: 'Glucocorticoids 10 mg/day for 2 months do not reach category C: at least 5 mg prednisone-equivalent per day for more than 3 months.', path: 'clinical.glucocorticoidMonths', params: { mgPerDay: 10, months: 2, thresholdMgPerDay: 5, thresholdMonths: 3 } },
    ]);
    expect(threshold({ glucocorticoidMgPerDay: 6, glucocorticoidMonths: 12 }, '2006-06-01')).toEqual([
      { ...finding, source: before2007.source, message: 'Glucocorticoids 6 mg/day for 12 months do not reach category C: at least 7.5 mg prednisone-equivalent per day for more than 3 months.', path: 'clinical.glucocorticoidMgPerDay', params: { mgPerDay: 6, months: 12, thresholdMgPerDay: 7.5, thresholdMonths: 3 } },
    ]);
    // 5 mg reaches the dose; 3 months is not more than 3: the duration falls short.
    expect(threshold({ glucocorticoidMgPerDay: 5, glucocorticoidMonths: 3 })).toEqual([
      { ...finding, message: 'Glucocorticoids 5 mg/day for 3 months do not reach category C: at least 5 mg prednisone-equivalent per day for more than 3 months.', path: 'clinical.glucocorticoidMonths', params: { mgPerDay: 5, months: 3, thresholdMgPerDay: 5, thresholdMonths: 3 } },
    ]);
    expect(threshold({})).toEqual([]);
    expect(threshold({ glucocorticoidMgPerDay: 5, glucocorticoidMonths: 4 })).toEqual([]);
  });
});
