/**
 * Vertebral morphometry on VFA: per-level heights (anterior Ha, middle Hm, posterior Hp, in mm) give three height
 * ratios and a Genant grade with its deformity type. Pure: the same heights always give the same grades.
 *
 * - Ratios (REFERENCE §6 "Morphometry" [V]): wedge Ha/Hp (anterior reduced against posterior), biconcave Hm/Hp
 *   (middle reduced), crush Hp/Hp expected, where the expected posterior height is the mean posterior height of the
 *   evaluable neighbours directly above and below (one neighbour at T4 and L4, or where the other is not evaluable).
 * - Height reduction against the vertebra's own posterior height: the larger of the wedge and biconcave reductions;
 *   against the neighbours' expected height: the crush reduction. The deformity type is the ratio with the largest
 *   reduction (wedge before biconcave before crush on a tie).
 * - Grade (Genant 1993; REFERENCE §6 "Genant grades" [V]): the largest reduction in percent, in half-open intervals
 *   [0,20) 0 normal, [20,25) 1 mild, [25,40) 2 moderate, [40,100] 3 severe. Percentages are rounded to 1e-6 first so
 *   that floating-point noise never moves a height on a boundary (20.0 % is grade 1).
 *
 * Morphometry alone does not diagnose a fracture (REFERENCE §6: diagnosis rests on visual Genant grading); the
 * computed grade is a check on the reader's grade, not a replacement for it.
 */
import type { LevelHeights } from '../contract/encounter.js';
import type { GradedLevel } from '../contract/result.js';
import { VERTEBRAL_LEVELS, type VertebralLevel } from './levels.js';

export type DeformityType = NonNullable<GradedLevel['type']>;
export type GenantGrade = NonNullable<GradedLevel['grade']>;
export type { GradedLevel };

/** Genant grade boundaries in percent height reduction (lower bounds of grades 1, 2, 3). */
export const GENANT_BOUNDS = [20, 25, 40] as const;

export const GENANT_SOURCE = {
  title: 'Genant HK, Wu CY, van Kuijk C, Nevitt MC. Vertebral fracture assessment using a semiquantitative technique. J Bone Miner Res 1993;8:1137-48: grade 1 mild 20-25 %, 2 moderate 25-40 %, 3 severe > 40 % height reduction (REFERENCE §6, half-open intervals)',
  confidence: 'verified',
} as const;

export const MORPHOMETRY_SOURCE = {
  title: 'REFERENCE §6 Morphometry: six points give Ha, Hm, Hp; wedge Ha against Hp, biconcave Hm against Ha and Hp, crush Hp against the adjacent vertebrae',
  confidence: 'verified',
} as const;

/** Rounds a percentage to 1e-6 so floating-point noise cannot cross a grade boundary. */
function percent(reduced: number, reference: number): number {
  const value = ((reference - reduced) * 100) / reference;
  return Math.max(0, Math.round(value * 1e6) / 1e6);
}

/** The Genant grade of a height reduction in percent. */
export function genantGrade(reductionPercent: number): GenantGrade {
  if (reductionPercent >= GENANT_BOUNDS[2]) return 3;
  if (reductionPercent >= GENANT_BOUNDS[1]) return 2;
  if (reductionPercent >= GENANT_BOUNDS[0]) return 1;
  return 0;
}

/**
 * Grades every level given, in T4-L4 order (rows are valid contract rows with distinct levels; levels not given are
 * left out). With the prior study's heights, a level evaluable in both that was grade 0 then and is 1-3 now is `new`,
 * one whose grade rose is `worse`.
 */
export function gradeMorphometry(rows: readonly LevelHeights[], prior?: readonly LevelHeights[]): GradedLevel[] {
  const graded = gradeLevels(rows);
  if (!prior) return graded;
  const before = new Map(gradeLevels(prior).map((l) => [l.level, l.grade]));
  return graded.map((l) => {
    const then = before.get(l.level);
    if (then === undefined || l.grade === undefined || l.grade <= then) return l;
    return { ...l, sincePrior: then === 0 ? 'new' : 'worse' };
  });
}

function gradeLevels(rows: readonly LevelHeights[]): GradedLevel[] {
  const byLevel = new Map(rows.map((r) => [r.level, r]));
  const posterior = (level: VertebralLevel | undefined): number | undefined => {
    const row = level === undefined ? undefined : byLevel.get(level);
    return row?.evaluable === true ? row.posteriorMm : undefined;
  };
  const graded: GradedLevel[] = [];
  VERTEBRAL_LEVELS.forEach((level, index) => {
    const row = byLevel.get(level);
    if (!row) return;
    if (!row.evaluable) {
      graded.push({ level, evaluable: false, reason: row.reason });
      return;
    }
    const { anteriorMm: ha, middleMm: hm, posteriorMm: hp } = row;
    const neighbours = [posterior(VERTEBRAL_LEVELS[index - 1]), posterior(VERTEBRAL_LEVELS[index + 1])].filter((h): h is number => h !== undefined);
    const expected = neighbours.length === 0 ? null : neighbours.reduce((a, b) => a + b, 0) / neighbours.length;
    const wedge = percent(ha, hp);
    const biconcave = percent(hm, hp);
    const crush = expected === null ? null : percent(hp, expected);
    const reductions: [DeformityType, number][] = [['wedge', wedge], ['biconcave', biconcave], ['crush', crush ?? 0]];
    const [type, largest] = reductions.reduce((best, next) => (next[1] > best[1] ? next : best));
    const grade = genantGrade(largest);
    graded.push({
      level,
      evaluable: true,
      ratios: { wedge: ha / hp, biconcave: hm / hp, crush: expected === null ? null : hp / expected },
      ownReductionPercent: Math.max(wedge, biconcave),
      neighbourReductionPercent: crush,
      expectedPosteriorMm: expected,
      grade,
      ...(grade > 0 ? { type } : {}),
    });
  });
  return graded;
}
