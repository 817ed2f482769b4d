/**
 * Morphometry and Genant grading (issue 13 §1): ratios, reductions, grade boundaries (Genant 1993 as REFERENCE §6
 * gives them, half-open), deformity types, levels not evaluable, and the heights layout read from CSV and JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LevelHeights } from '../contract/encounter.js';
import { genantGrade, gradeMorphometry, readMorphometry, VERTEBRAL_LEVELS } from './index.js';

const normal = (level: LevelHeights['level'], h = 25): LevelHeights => ({ level, evaluable: true, anteriorMm: h, middleMm: h, posteriorMm: h });

/** One evaluable level with normal neighbours of posterior height `neighbour` (T11 between T10 and T12). */
function graded(anteriorMm: number, middleMm: number, posteriorMm: number, neighbour = posteriorMm) {
  const rows: LevelHeights[] = [normal('T10', neighbour), { level: 'T11', evaluable: true, anteriorMm, middleMm, posteriorMm }, normal('T12', neighbour)];
  return gradeMorphometry(rows).find((l) => l.level === 'T11')!;
}

describe('Genant grades (Genant 1993; REFERENCE §6: [20,25) 1, [25,40) 2, >= 40 3)', () => {
  it.each([
    [0, 0],
    [19.999999, 0],
    [20, 1],
    [24.999999, 1],
    [25, 2],
    [39.999999, 2],
    [40, 3],
    [100, 3],
  ])('a reduction of %s %% is grade %s', (reduction, grade) => {
    expect(genantGrade(reduction)).toBe(grade);
  });

  it('puts a height exactly on a boundary on the upper side, whatever the floating-point noise (20.4 of 25.5 mm is 20 %)', () => {
    expect(graded(20.4, 25.5, 25.5).grade).toBe(1);
    expect(graded(80, 100, 100).grade).toBe(1);
    expect(graded(75, 100, 100).grade).toBe(2);
    expect(graded(60, 100, 100).grade).toBe(3);
    expect(graded(80.1, 100, 100).grade).toBe(0);
  });
});

describe('deformity types and reductions (REFERENCE §6 Morphometry)', () => {
  it('a wedge: the anterior height reduced against the posterior', () => {
    const level = graded(17, 24, 25);
    expect(level).toMatchObject({ grade: 2, type: 'wedge', ownReductionPercent: 32, neighbourReductionPercent: 0 });
    expect(level.ratios?.wedge).toBeCloseTo(0.68);
  });

  it('a biconcave deformity: the middle height reduced against the posterior', () => {
    expect(graded(25, 19.5, 25)).toMatchObject({ grade: 1, type: 'biconcave', ownReductionPercent: 22 });
  });

  it('a crush: the posterior height reduced against the neighbours (the vertebra is evenly lower)', () => {
    const level = graded(15, 15, 15, 25);
    expect(level).toMatchObject({ grade: 3, type: 'crush', ownReductionPercent: 0, neighbourReductionPercent: 40, expectedPosteriorMm: 25 });
  });

  it('a normal vertebra has grade 0 and no type', () => {
    const level = graded(24, 24, 25);
    expect(level.grade).toBe(0);
    expect(level.type).toBeUndefined();
  });

  it('expects the posterior height from the evaluable neighbours only: one at T4 and L4, none when both are missing', () => {
    const rows: LevelHeights[] = [normal('T4', 20), normal('T5', 22), { level: 'T6', evaluable: false, reason: 'overlying scapula' }, normal('T7', 24), normal('L4', 30)];
    const out = gradeMorphometry(rows);
    expect(out.map((l) => l.level)).toEqual(['T4', 'T5', 'T6', 'T7', 'L4']);
    expect(out.find((l) => l.level === 'T4')?.expectedPosteriorMm).toBe(22);
    expect(out.find((l) => l.level === 'T5')?.expectedPosteriorMm).toBe(20);
    expect(out.find((l) => l.level === 'T7')?.expectedPosteriorMm).toBeNull();
    expect(out.find((l) => l.level === 'T7')?.neighbourReductionPercent).toBeNull();
    expect(out.find((l) => l.level === 'L4')?.ratios?.crush).toBeNull();
  });

  it('leaves a level that is not evaluable ungraded, with its reason', () => {
    expect(gradeMorphometry([{ level: 'T5', evaluable: false, reason: 'obscured by the scapula' }])).toEqual([{ level: 'T5', evaluable: false, reason: 'obscured by the scapula' }]);
  });
});

describe('grading properties (fast-check)', () => {
  const height = fc.double({ min: 5, max: 60, noNaN: true });

  it('is monotone in the height loss: a lower anterior or middle height never gives a lower grade', () => {
    fc.assert(
      fc.property(height, height, height, height, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('anterior', 'middle'), (a, m, p, n, shrink, which) => {
        const before = graded(a, m, p, n).grade!;
        const after = which === 'anterior' ? graded(a * shrink || 0.01, m, p, n).grade! : graded(a, m * shrink || 0.01, p, n).grade!;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
    );
  });

  it('grades a wedge of reduction r exactly as genantGrade(r), on both sides of every boundary', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(20, 25, 30, 40), (hundredths, posterior) => {
        const reduction = hundredths / 100;
        const anterior = (posterior * (100 - reduction)) / 100;
        expect(graded(anterior, posterior, posterior).grade).toBe(genantGrade(reduction));
      }),
    );
  });

  it('grades every level given once, in T4-L4 order, whatever order the rows come in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...VERTEBRAL_LEVELS]), (levels) => {
        expect(gradeMorphometry(levels.map((l) => normal(l))).map((g) => g.level)).toEqual(VERTEBRAL_LEVELS.filter((l) => levels.includes(l)));
      }),
    );
  });
});

describe('the heights layout (docs/morphometry.md)', () => {
  const csv = ['level,anterior_mm,middle_mm,posterior_mm,evaluable,reason', 'T4,20.1,20.3,20.9,yes,', 'T5,,,,no,obscured by the scapula', 'L1,20.0,26.0,27.5,Y,'].join('\r\n');

  it('reads CSV rows with a byte-order mark and any case', () => {
    expect(readMorphometry(`\uFEFF${csv}\n`, 'h.csv')).toEqual({
      ok: true,
      rows: [
        { level: 'T4', evaluable: true, anteriorMm: 20.1, middleMm: 20.3, posteriorMm: 20.9 },
        { level: 'T5', evaluable: false, reason: 'obscured by the scapula' },
        { level: 'L1', evaluable: true, anteriorMm: 20, middleMm: 26, posteriorMm: 27.5 },
      ],
    });
  });

  it('reads the columns in any order, and the reason column may be left out', () => {
    const out = readMorphometry('Evaluable,Level,Posterior_mm,Middle_mm,Anterior_mm\nyes,t-12,30,29,28\n', 'h.csv');
    expect(out).toEqual({ ok: true, rows: [{ level: 'T12', evaluable: true, anteriorMm: 28, middleMm: 29, posteriorMm: 30 }] });
  });

  it.each([
    ['level,anterior_mm,middle_mm,posterior_mm\nT4,1,2,3', 'h.csv:1:1', 'missing evaluable'],
    ['level,anterior_mm,middle_mm,posterior_mm,evaluable\nT3,20,20,20,yes', 'h.csv:2:1', 'vertebral level from T4 to L4, got "T3"'],
    ['level,anterior_mm,middle_mm,posterior_mm,evaluable\nT4,20,2O,20,yes', 'h.csv:2:7', 'middle_mm as a number of mm, got "2O"'],
    ['level,anterior_mm,middle_mm,posterior_mm,evaluable\nT4,20,20,20,maybe', 'h.csv:2:13', 'evaluable as yes or no'],
    ['level,anterior_mm,middle_mm,posterior_mm,evaluable\nT4,0,20,20,yes', 'h.csv:2:4', 'greater than 0'],
    ['level,anterior_mm,middle_mm,posterior_mm,evaluable,reason\nT4,,,,no,', 'h.csv:2:10', 'why the level could not be evaluated'],
    ['level,anterior_mm,middle_mm,posterior_mm,evaluable\nT4,20,20,20,yes\nT4,21,21,21,yes', 'h.csv:3:1', 'each level once, got T4 again'],
    ['level,anterior_mm,middle_mm,posterior_mm,evaluable\nT4,"20,20,20,yes', 'h.csv:2:4', 'closing quote'],
  ])('refuses %j at %s', (text, where, message) => {
    const out = readMorphometry(text, 'h.csv');
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.problems[0]?.where).toBe(where);
    expect(out.problems[0]?.message).toContain(message);
  });

  it('reads JSON as an array of rows or an object with morphometry, naming the field of a bad row', () => {
    expect(readMorphometry('[{"level":"L2","evaluable":true,"anteriorMm":30,"middleMm":30,"posteriorMm":31}]', 'h.json').ok).toBe(true);
    const bad = readMorphometry('{"morphometry":[{"level":"L2","evaluable":true,"anteriorMm":30,"middleMm":30}]}', 'h.json');
    expect(bad).toEqual({ ok: false, problems: [expect.objectContaining({ where: 'h.json morphometry[0].posteriorMm' })] });
    expect(readMorphometry('{"morphometry": [', 'h.json')).toEqual({ ok: false, problems: [expect.objectContaining({ where: 'h.json', message: expect.stringContaining('expected JSON') })] });
  });

  it('bounds its input: an empty file and one over 64 KiB are refused in one line', () => {
    expect(readMorphometry('  \n', 'h.csv')).toEqual({ ok: false, problems: [expect.objectContaining({ message: expect.stringContaining('empty file') })] });
    expect(readMorphometry('x'.repeat(70_000), 'h.csv')).toEqual({ ok: false, problems: [expect.objectContaining({ message: expect.stringContaining('at most 65536 characters') })] });
  });
});
