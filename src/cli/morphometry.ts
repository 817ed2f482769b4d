/** `dxacode morphometry [FILE|-]`: reads VFA heights (CSV or JSON, docs/morphometry.md) and prints each level's Genant grade. */
import type { GradedLevel } from '../contract/result.js';
import { gradeMorphometry, MAX_MORPHOMETRY_CHARS, readMorphometry } from '../morphometry/index.js';
import { EXIT } from './exit.js';
import { openInput, outputFormat, readAll, unreadable, type CliIo } from './shared.js';

const GRADE_WORDS = ['normal', 'mild', 'moderate', 'severe'] as const;

/** One line per level: level, grade in words, type, the two reductions and the ratios. */
export function renderGradedLevels(levels: readonly GradedLevel[]): string {
  const rows = [['level', 'grade', 'type', 'own loss %', 'vs neighbours %', 'Ha/Hp', 'Hm/Hp', 'Hp/expected']];
  for (const l of levels) {
    if (!l.evaluable) {
      rows.push([l.level, `not evaluable (${l.reason ?? 'no reason given'})`, '', '', '', '', '', '']);
      continue;
    }
    const fixed = (n: number | null | undefined, digits: number) => (n === null || n === undefined ? '-' : n.toFixed(digits));
    rows.push([l.level, `${l.grade} ${GRADE_WORDS[l.grade ?? 0]}`, l.type ?? '', fixed(l.ownReductionPercent, 1), fixed(l.neighbourReductionPercent, 1), fixed(l.ratios?.wedge, 2), fixed(l.ratios?.biconcave, 2), fixed(l.ratios?.crush, 2)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  return `${lines.join('\n')}\nGenant grades from heights (Genant 1993: 20-25 % mild, 25-40 % moderate, 40 % and over severe); morphometry alone does not diagnose a fracture.\n`;
}

/** Runs `dxacode morphometry`. */
export async function run(io: CliIo, file: string | undefined, options: { format?: 'json' | 'text' }): Promise<number> {
  const source = openInput(file, io, 'give a heights FILE (CSV or JSON), or pipe it on standard input');
  if (!source) return EXIT.unusable;
  let text: string | undefined;
  try {
    text = await readAll(source.open(), MAX_MORPHOMETRY_CHARS + 1);
  } catch (error) {
    const message = unreadable(error, source.name);
    if (message === undefined) throw error;
    io.stderr.write(message);
    return EXIT.unusable;
  }
  if (text === undefined) {
    io.stderr.write(`dxacode: ${source.name}: expected at most ${MAX_MORPHOMETRY_CHARS} bytes of heights (13 levels)\n`);
    return EXIT.unusable;
  }
  const input = readMorphometry(text, source.name);
  if (!input.ok) {
    for (const problem of input.problems.slice(0, 20)) io.stderr.write(`dxacode: ${problem.where}: ${problem.message}\n`);
    return EXIT.unusable;
  }
  const levels = gradeMorphometry(input.rows);
  io.stdout.write(outputFormat(io, options.format) === 'json' ? `${JSON.stringify({ morphometry: levels }, null, 2)}\n` : renderGradedLevels(levels));
  return EXIT.ok;
}
