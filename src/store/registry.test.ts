/** The registry's pure parts: WHO category boundaries, Safe Harbor ages and dates, small-cell suppression, follow-up rules. */
import { describe, expect, it } from 'vitest';
import { AGE_90_OR_OLDER, dateShiftDays, exportedAge, exportedDate, MAX_SHIFT_DAYS, suppressCells, type Tally } from './deidentify.js';
import { registryFactsOf, THERAPY_UNNAMED } from './registry-row.js';
import type { Encounter } from '../contract/encounter.js';
import { compareBmd, exportedPayer, newFracturesOf, parseCohortQuery, tScoreCategoryOf } from './registry.js';

const tally = (studies: number, patients: number): Tally => ({ studies, patients: new Set(Array.from({ length: patients }, (_, i) => `p${i}`)) });

describe('T-score categories (WHO, docs/report-drafting.md)', () => {
  it('puts -1.0 in normal and -2.5 in osteoporosis', () => {
    expect([-0.9, -1.0, -1.01, -2.49, -2.5, -3.1].map(tScoreCategoryOf)).toEqual(['normal', 'normal', 'osteopenia', 'osteopenia', 'osteoporosis', 'osteoporosis']);
    expect(tScoreCategoryOf(null)).toBe('not-measured');
  });
});

describe('Safe Harbor ages and dates', () => {
  it('groups every age over 89 as 90 or older', () => {
    expect([0, 89, 90, 104].map(exportedAge)).toEqual([0, 89, AGE_90_OR_OLDER, AGE_90_OR_OLDER]);
    expect(exportedAge(null)).toBeNull();
  });

  it('shifts a patient by the same non-zero offset within a year, different under another secret or for another patient', () => {
    const secret = 'a secret of at least thirty-two characters';
    const shifts = Array.from({ length: 500 }, (_, i) => dateShiftDays(secret, 'org', `patient-${i}`));
    expect(shifts.every((d) => d !== 0 && Math.abs(d) <= MAX_SHIFT_DAYS)).toBe(true);
    expect(new Set(shifts).size).toBeGreaterThan(300);
    expect(dateShiftDays(secret, 'org', 'patient-1')).toBe(shifts[1]);
    expect(Array.from({ length: 20 }, (_, i) => dateShiftDays(`${secret}!`, 'org', `patient-${i}`))).not.toEqual(shifts.slice(0, 20));
    expect(exportedDate('2024-02-28', 'shift', 2)).toBe('2024-03-01');
    expect(exportedDate('2024-02-28', 'year', undefined)).toBe('2024');
  });

  it('exports a payer only as a pack id', () => {
    expect(exportedPayer('aetna-cpb-0134')).toBe('aetna-cpb-0134');
    expect(exportedPayer('Zebulon Family Trust')).toBe('other');
  });
});

describe('small cells', () => {
  it('suppresses counts of 1 to minimum-1 patients, shows zero, and suppresses the next smallest cell with a lone one', () => {
    expect(suppressCells([tally(30, 20), tally(12, 11), tally(0, 0)], 11)).toEqual([30, 12, 0]);
    // One small cell: the next smallest is suppressed with it, so the total cannot give it back.
    expect(suppressCells([tally(30, 20), tally(14, 12), tally(3, 3)], 11)).toEqual([30, 'suppressed', 'suppressed']);
    // Two small cells already protect each other.
    expect(suppressCells([tally(30, 20), tally(2, 2), tally(3, 3)], 11)).toEqual([30, 'suppressed', 'suppressed']);
    // Patients count, not studies: 15 studies of 4 patients is small.
    expect(suppressCells([tally(15, 4), tally(15, 4)], 11)).toEqual(['suppressed', 'suppressed']);
  });
});

describe('follow-up', () => {
  it('judges a change equal to the LSC as significant, and says when no LSC is configured', () => {
    const before = [{ site: 'lumbar-spine' as const, measure: 'bmd' as const, value: 0.9 }];
    const after = [
      { site: 'lumbar-spine' as const, measure: 'bmd' as const, value: 0.873 },
      { site: 'left-total-hip' as const, measure: 'bmd' as const, value: 0.8 },
    ];
    const judged = compareBmd(before, after, [{ site: 'lumbar-spine', gPerCm2: 0.027 }]);
    expect(judged.changes).toMatchObject([{ site: 'lumbar-spine', changeGPerCm2: -0.027, percent: -3, judgement: 'significant-decrease' }]);
    expect(judged.notCompared).toEqual(['left-total-hip']);
    expect(compareBmd(before, after, [{ site: 'lumbar-spine', gPerCm2: 0.028 }]).changes[0]!.judgement).toBe('not-significant');
    expect(compareBmd(before, after, undefined).changes[0]).toMatchObject({ judgement: 'not-judged', leastSignificantChange: null });
  });

  it('finds levels graded higher than before, and nothing when a VFA was not read', () => {
    expect(newFracturesOf([{ level: 'T7', grade: 1 }], [{ level: 'T7', grade: 2 }, { level: 'L1', grade: null }])).toEqual([
      { level: 'T7', grade: 2, previousGrade: 1 },
      { level: 'L1', grade: null, previousGrade: 0 },
    ]);
    expect(newFracturesOf([{ level: 'T7', grade: 2 }], [{ level: 'T7', grade: 2 }])).toEqual([]);
    expect(newFracturesOf(undefined, [{ level: 'T7', grade: 2 }])).toBeNull();
  });
});

describe('cohort query', () => {
  it('names the filter that is wrong', () => {
    expect(parseCohortQuery({ genantGrade: '4' })).toEqual({ ok: false, field: 'genantGrade', message: 'expected a Genant grade 0 to 3' });
    expect(parseCohortQuery({ from: '2025-02-01', to: '2025-01-01' })).toMatchObject({ ok: false, field: 'from' });
    expect(parseCohortQuery({ zip: '974' })).toMatchObject({ ok: false, message: expect.stringContaining('unknown filter') });
    expect(parseCohortQuery({ genantGrade: '' })).toEqual({ ok: false, field: 'genantGrade', message: 'expected a value' });
    expect(parseCohortQuery({ genantGrade: '2', sex: 'female' })).toEqual({ ok: true, query: { genantGrade: 2, sex: 'female' } });
  });
});

describe('registry row', () => {
  it("grades the encounter's VFA heights when no report was read, and keeps a therapy stated without its drug", () => {
    const encounter = {
      dateOfService: '2025-04-01',
      patient: { sex: 'female', age: 91 },
      performed: [{ procedure: 'vfa' }],
      clinical: { monitoringOsteoporosisTherapy: true },
      morphometry: [
        { level: 'T11', evaluable: true, anteriorMm: 22, middleMm: 21.5, posteriorMm: 22.5 },
        { level: 'T12', evaluable: true, anteriorMm: 15, middleMm: 21, posteriorMm: 23 },
        { level: 'L1', evaluable: true, anteriorMm: 24, middleMm: 23.5, posteriorMm: 25 },
      ],
    } as Encounter;
    const row = registryFactsOf(encounter, undefined);
    expect(row).toMatchObject({ age_years: 91, vfa_performed: 1, vfa_fractures: null, highest_genant_grade: 2, fracture_levels: '[{"level":"T12","grade":2}]', therapy: THERAPY_UNNAMED, site_results: null });
    // Without heights or a report, a VFA's fractures are unknown, not none.
    expect(registryFactsOf({ ...encounter, morphometry: undefined, clinical: undefined }, undefined)).toMatchObject({ highest_genant_grade: null, fracture_levels: null, therapy: null });
  });
});
