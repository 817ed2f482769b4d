/**
 * Report drafting (issue 13 §3): a signed draft passes the documentation family (the closed loop: draft, read back by
 * the extractor, checked), the density wording follows who the patient is (WHO categories only for postmenopausal
 * women and men 50 and over; Z-score wording otherwise), and the missing list names what the facts did not give.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../engine/check.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import { classificationScheme, draftReport } from './draft.js';
import { ReportDraftInput } from './input.js';

const knowledge = loadKnowledge();

const complete: ReportDraftInput = ReportDraftInput.parse({
  dateOfService: '2026-03-02',
  patient: { sex: 'female', age: 72, menopause: 'postmenopausal' },
  orderingClinician: 'Maria Lopez, MD',
  indication: 'Postmenopausal woman with 5 cm historical height loss, on alendronate since 2023.',
  scanner: { manufacturer: 'Hologic', model: 'Horizon A', software: '13.6' },
  results: [
    { site: 'lumbar-spine', region: 'L1-L4', bmd: 0.812, tScore: -2.6, zScore: -1.1 },
    { site: 'left-femoral-neck', bmd: 0.601, tScore: -2.1, zScore: -0.4 },
    { site: 'left-total-hip', bmd: 0.702, tScore: -1.9 },
  ],
  prior: { dateOfService: '2024-02-20', results: [{ site: 'lumbar-spine', bmd: 0.846 }, { site: 'left-total-hip', bmd: 0.705 }] },
  leastSignificantChange: [{ site: 'lumbar-spine', gPerCm2: 0.027 }],
  frax: { majorOsteoporotic: 21.4, hip: 4.2, withBmd: true },
  vfa: { fractures: [{ level: 'T12', grade: 2, type: 'wedge' }], notEvaluable: [{ level: 'T4', reason: 'obscured by the scapulae' }] },
  recommendations: ['Continue therapy; repeat DXA in 2 years.'],
  signature: { name: 'Robert Chen', credentials: 'MD', date: '2026-03-02' },
});

describe('a drafted report passes the documentation family', () => {
  it('codes the complete draft 77085 with no documentation finding, and reads back its facts', () => {
    const draft = draftReport(complete);
    expect(draft.missing).toEqual([]);
    const result = check({ dateOfService: '2026-03-02', patient: { sex: 'female', age: 72 }, payer: 'medicare', orderingProvider: { treating: true }, history: [], report: draft.text }, knowledge);
    expect(result.findings.filter((f) => f.rule.startsWith('doc.') || f.rule === 'report.no-study').map((f) => f.rule)).toEqual([]);
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['77085']);
  });

  it('states the WHO category from the lowest T-score, the change against the least significant change, FRAX and the graded fracture', () => {
    const text = draftReport(complete).text;
    expect(text).toContain('IMPRESSION: Osteoporosis by WHO criteria (lowest T-score -2.6, lumbar spine). Vertebral fracture of T12.');
    expect(text).toContain('Lumbar spine BMD changed by -0.034 g/cm2 (-4.0%): a statistically significant decrease (least significant change 0.027 g/cm2).');
    expect(text).toContain('Left total hip BMD changed by -0.003 g/cm2 (-0.4%): not judged against a least significant change (none given for this site).');
    expect(text).toContain('FRAX: 10-year probability of major osteoporotic fracture 21.4%, hip fracture 4.2% (calculated with femoral neck BMD).');
    expect(text).toContain('Moderate (Genant grade 2) wedge fracture of T12.');
    expect(text).toContain('T4 (not evaluable: obscured by the scapulae)');
    expect(text).toContain('on a Hologic Horizon A (software 13.6)');
  });

  it('grades the fractures from heights when only the heights are given', () => {
    const draft = draftReport({ ...complete, vfa: { morphometry: [{ level: 'T11', evaluable: true, anteriorMm: 22, middleMm: 21.5, posteriorMm: 22.5 }, { level: 'T12', evaluable: true, anteriorMm: 15, middleMm: 21, posteriorMm: 23 }, { level: 'L1', evaluable: true, anteriorMm: 24, middleMm: 23.5, posteriorMm: 25 }] } });
    expect(draft.text).toContain('Moderate (Genant grade 2) wedge fracture of T12.');
  });

  it('lists what an early draft still needs, with the rule that would hold the claim', () => {
    const draft = draftReport(ReportDraftInput.parse({ dateOfService: '2026-03-02', patient: { sex: 'female', age: 72, menopause: 'postmenopausal' }, results: [{ site: 'lumbar-spine', tScore: -2.6 }] }));
    expect(draft.missing.map((m) => [m.element, m.rule])).toEqual([
      ['ordering clinician', 'doc.order-missing'],
      ['indication', 'doc.indication-missing'],
      ['scanner', null],
      ['recommendations', null],
      ['signature', 'doc.signature-missing'],
    ]);
  });
});

describe('the density wording follows the ISCD positions on who is classified how', () => {
  const words = (patient: ReportDraftInput['patient'], results: ReportDraftInput['results']) => draftReport({ dateOfService: '2026-03-02', patient, results }).text.match(/IMPRESSION: (.*)/)?.[1];

  it.each([
    [-2.5, 'Osteoporosis by WHO criteria'],
    [-2.49, 'Low bone mass (osteopenia) by WHO criteria'],
    [-1.01, 'Low bone mass (osteopenia) by WHO criteria'],
    [-1.0, 'Normal bone density by WHO criteria'],
  ])('a postmenopausal woman with a lowest T-score of %s: %s', (t, expected) => {
    expect(words({ sex: 'female', age: 60, menopause: 'postmenopausal' }, [{ site: 'total-hip', tScore: t }])).toContain(expected);
  });

  it('men of 50 and over get the WHO category; under 50 the Z-score wording and no category', () => {
    expect(words({ sex: 'male', age: 50 }, [{ site: 'lumbar-spine', tScore: -2.7, zScore: -2.1 }])).toContain('Osteoporosis by WHO criteria');
    const young = words({ sex: 'male', age: 49 }, [{ site: 'lumbar-spine', tScore: -2.7, zScore: -2.0 }]);
    expect(young).toBe('Bone density below the expected range for age (lowest Z-score -2.0, lumbar spine).');
    expect(words({ sex: 'male', age: 49 }, [{ site: 'lumbar-spine', zScore: -1.9 }])).toContain('within the expected range for age');
  });

  it('premenopausal women are reported by Z-score; children by Z-score with the pediatric wording', () => {
    expect(words({ sex: 'female', age: 38, menopause: 'premenopausal' }, [{ site: 'lumbar-spine', tScore: -2.8, zScore: -2.4 }])).toContain('below the expected range for age');
    expect(words({ sex: 'female', age: 12 }, [{ site: 'lumbar-spine', zScore: -2.0 }, { site: 'total-body', zScore: -1.2 }])).toContain('low bone density for chronologic age');
  });

  it('a woman whose menopausal status is not given gets no category, and the draft says why', () => {
    expect(classificationScheme({ sex: 'female', age: 55 })).toEqual({ none: expect.stringContaining('menopausal status is not given') });
    const draft = draftReport({ dateOfService: '2026-03-02', patient: { sex: 'female', age: 55 }, results: [{ site: 'lumbar-spine', tScore: -2.6 }] });
    expect(draft.text).not.toContain('WHO');
    expect(draft.missing).toContainEqual(expect.objectContaining({ element: 'classification', message: expect.stringContaining('menopausal status') }));
  });
});
