/**
 * applyReport() (src/engine/report.ts): what the report fills in, the exact value and evidence recorded for each
 * filled field, and that nothing the encounter gives itself is replaced. The facts are written out here rather than
 * extracted, so that each value and span is known.
 */
import { describe, expect, it } from 'vitest';
import type { Encounter } from '../contract/encounter.js';
import { extract } from '../extract/extract.js';
import type { ReportFacts } from '../extract/facts.js';
import { applyReport } from './report.js';

const at = (text: string, start: number) => ({ start, end: start + text.length, text });
const base: Encounter = { dateOfService: '2026-03-02', patient: { sex: 'female', age: 72 } };
/** A report's facts: two studies (one with sites), every clinical fact applyReport reads, two diagnoses. */
const facts: ReportFacts = {
  ...extract(''),
  studies: [
    { procedure: 'dxa-axial', sites: ['lumbar-spine', 'left-hip'], evidence: at('DXA of the lumbar spine and left hip', 0) },
    { procedure: 'vfa', sites: [], evidence: at('VFA', 40) },
  ],
  tScoreLowest: { value: -2.7, evidence: at('T-score -2.7', 50) },
  clinical: {
    heightLossHistoricalCm: { value: 4.5, evidence: at('4.5 cm', 70) },
    glucocorticoidMgPerDay: { value: 7.5, evidence: at('7.5 mg', 80) },
    glucocorticoidMonths: { value: 6, evidence: at('6 months', 90) },
    selfReportedVertebralFracture: { value: true, evidence: at('reports a vertebral fracture', 100) },
    estrogenDeficient: { value: true, evidence: at('postmenopausal', 130) },
    primaryHyperparathyroidism: { value: true, evidence: at('hyperparathyroidism', 150) },
    monitoringTherapy: { value: 'alendronate', evidence: at('on alendronate', 170) },
  },
  diagnoses: [
    { code: 'M81.0', reason: 'osteoporosis', evidence: at('osteoporosis', 190), suggestion: true },
    { code: 'Z87.310', reason: 'healed fracture', evidence: at('healed fracture', 210), suggestion: true },
  ],
};

describe('filling an encounter from its report', () => {
  it('fills what the encounter leaves out, recording each value as written and its evidence', () => {
    const { encounter, fromReport } = applyReport(base, facts);
    expect(encounter).toEqual({
      ...base,
      performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine', 'left-hip'] }, { procedure: 'vfa' }],
      clinical: {
        tScoreLowest: -2.7,
        heightLossHistoricalCm: 4.5,
        glucocorticoidMgPerDay: 7.5,
        glucocorticoidMonths: 6,
        selfReportedVertebralFracture: true,
        estrogenDeficient: true,
        primaryHyperparathyroidism: true,
        monitoringOsteoporosisTherapy: true,
      },
      diagnoses: ['M81.0', 'Z87.310'],
    });
    expect(fromReport).toEqual([
      { field: 'performed[0]', value: 'dxa-axial (lumbar-spine, left-hip)', evidence: at('DXA of the lumbar spine and left hip', 0) },
      { field: 'performed[1]', value: 'vfa', evidence: at('VFA', 40) },
      { field: 'clinical.tScoreLowest', value: -2.7, evidence: at('T-score -2.7', 50) },
      { field: 'clinical.heightLossHistoricalCm', value: 4.5, evidence: at('4.5 cm', 70) },
      { field: 'clinical.glucocorticoidMgPerDay', value: 7.5, evidence: at('7.5 mg', 80) },
      { field: 'clinical.glucocorticoidMonths', value: 6, evidence: at('6 months', 90) },
      { field: 'clinical.selfReportedVertebralFracture', value: true, evidence: at('reports a vertebral fracture', 100) },
      { field: 'clinical.estrogenDeficient', value: true, evidence: at('postmenopausal', 130) },
      { field: 'clinical.primaryHyperparathyroidism', value: true, evidence: at('hyperparathyroidism', 150) },
      { field: 'clinical.monitoringOsteoporosisTherapy', value: true, evidence: at('on alendronate', 170) },
      { field: 'diagnoses[0]', value: 'M81.0', evidence: at('osteoporosis', 190), suggestion: true },
      { field: 'diagnoses[1]', value: 'Z87.310', evidence: at('healed fracture', 210), suggestion: true },
    ]);
    // The encounter given is not changed.
    expect(base).toEqual({ dateOfService: '2026-03-02', patient: { sex: 'female', age: 72 } });
  });

  it('keeps what the encounter gives, even an empty list, and fills only the clinical facts it leaves out', () => {
    const given: Encounter = { ...base, performed: [{ procedure: 'dxa-peripheral' }], diagnoses: [], clinical: { tScoreLowest: -1.2, estrogenDeficient: false } };
    const { encounter, fromReport } = applyReport(given, facts);
    expect(encounter.performed).toEqual([{ procedure: 'dxa-peripheral' }]);
    expect(encounter.diagnoses).toEqual([]);
    expect(encounter.clinical).toEqual({
      tScoreLowest: -1.2,
      estrogenDeficient: false,
      heightLossHistoricalCm: 4.5,
      glucocorticoidMgPerDay: 7.5,
      glucocorticoidMonths: 6,
      selfReportedVertebralFracture: true,
      primaryHyperparathyroidism: true,
      monitoringOsteoporosisTherapy: true,
    });
    expect(given.clinical).toEqual({ tScoreLowest: -1.2, estrogenDeficient: false });
    expect(fromReport.map((f) => f.field)).toEqual([
      'clinical.heightLossHistoricalCm',
      'clinical.glucocorticoidMgPerDay',
      'clinical.glucocorticoidMonths',
      'clinical.selfReportedVertebralFracture',
      'clinical.primaryHyperparathyroidism',
      'clinical.monitoringOsteoporosisTherapy',
    ]);
  });

  it('adds no clinical object and no diagnoses when the report has none', () => {
    const none = extract('');
    const { encounter, fromReport } = applyReport({ ...base, performed: [{ procedure: 'dxa-axial' }] }, none);
    expect(encounter).toEqual({ ...base, performed: [{ procedure: 'dxa-axial' }] });
    expect('clinical' in encounter).toBe(false);
    expect('diagnoses' in encounter).toBe(false);
    expect(fromReport).toEqual([]);
    // A report that names no study leaves `performed` empty (the selection family then says nothing was found).
    expect(applyReport(base, none).encounter.performed).toEqual([]);
  });
});
