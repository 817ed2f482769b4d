/** `dxacode morphometry [FILE|-]`: reads VFA heights (CSV or JSON, docs/morphometry.md) and prints each level's Genant grade. */
import type { GradedLevel } from '../contract/result.js';
import type { LevelHeights } from '../contract/encounter.js';
import { GENANT_GRADE_WORDS } from '../contract/values.js';
import { gradeMorphometry, MAX_MORPHOMETRY_CHARS, readMorphometry, renderSpineSvg } from '../morphometry/index.js';
import { EXIT } from './exit.js';
import { outputFormat, readInputText, type CliIo } from './shared.js';


/** One line per level: level, grade in words, type, the two reductions and the ratios. */
export function renderGradedLevels(levels: readonly GradedLevel[]): string {
  const rows = [['level', 'grade', 'type', 'own loss %', 'vs neighbours %', 'Ha/Hp', 'Hm/Hp', 'Hp/expected']];
  for (const l of levels) {
    if (!l.evaluable) {
      rows.push([l.level, `not evaluable (${l.reason ?? 'no reason given'})`, '', '', '', '', '', '']);
      continue;
    }
    const fixed = (n: number | null | undefined, digits: number) => (n === null || n === undefined ? '-' : n.toFixed(digits));
    rows.push([l.level, `${l.grade} ${GENANT_GRADE_WORDS[l.grade ?? 0]}${l.sincePrior ? ` (${l.sincePrior})` : ''}`, l.type ?? '', fixed(l.ownReductionPercent, 1), fixed(l.neighbourReductionPercent, 1), fixed(l.ratios?.wedge, 2), fixed(l.ratios?.biconcave, 2), fixed(l.ratios?.crush, 2)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  return `${lines.join('\n')}\nGenant grades from heights (Genant 1993: 20-25 % mild, 25-40 % moderate, 40 % and over severe); morphometry alone does not diagnose a fracture.\n`;
}

/** Reads and validates one heights file; undefined after writing why to stderr. */
async function readHeights(io: CliIo, file: string | undefined, hint: string): Promise<LevelHeights[] | undefined> {
  const read = await readInputText(io, file, hint, MAX_MORPHOMETRY_CHARS + 1, `expected at most ${MAX_MORPHOMETRY_CHARS} bytes of heights (13 levels)`);
  if (!read) return undefined;
  const { name, text } = read;
  const input = readMorphometry(text, name);
  if (!input.ok) {
    for (const problem of input.problems.slice(0, 20)) io.stderr.write(`dxacode: ${problem.where}: ${problem.message}\n`);
    return undefined;
  }
  return input.rows;
}

/** Runs `dxacode morphometry`. */
export async function run(io: CliIo, file: string | undefined, options: { format?: 'json' | 'text' | 'svg'; prior?: string }): Promise<number> {
  const rows = await readHeights(io, file, 'give a heights FILE (CSV or JSON), or pipe it on standard input');
  if (!rows) return EXIT.unusable;
  const prior = options.prior === undefined ? undefined : await readHeights(io, options.prior, 'give the prior study\'s heights file with --prior FILE');
  if (options.prior !== undefined && !prior) return EXIT.unusable;
  const levels = gradeMorphometry(rows, prior);
  if (options.format === 'svg') io.stdout.write(renderSpineSvg(levels, rows));
  else io.stdout.write(outputFormat(io, options.format) === 'json' ? `${JSON.stringify({ morphometry: levels }, null, 2)}\n` : renderGradedLevels(levels));
  return EXIT.ok;
}
