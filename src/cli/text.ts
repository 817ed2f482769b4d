/** The readable text view of results: one block per encounter, coloured on a terminal. */
import type { Result } from '../contract/result.js';

/** ANSI styling, or none when colour is off. */
export interface Style {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

/** Colour styling for terminals. */
export const COLOR: Style = { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), cyan: wrap(36, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
/** No styling, for pipes and NO_COLOR. */
export const PLAIN: Style = { red: (s) => s, yellow: (s) => s, green: (s) => s, cyan: (s) => s, dim: (s) => s, bold: (s) => s };

function verdictLabel(verdict: Result['verdict'], style: Style): string {
  if (verdict === 'reject') return style.bold(style.red('REJECT'));
  if (verdict === 'review') return style.bold(style.yellow('REVIEW'));
  return style.bold(style.green('CLEAN'));
}

function claimLine(line: Result['recommended']['lines'][number]): string {
  const mods = line.modifiers.length ? `-${line.modifiers.join('-')}` : '';
  const units = line.units === 1 ? '' : ` x${line.units}`;
  return `${line.code}${mods}${units} [${line.diagnoses.join(', ')}]`;
}

/** Renders one result as a readable block. */
export function renderText(result: Result, style: Style, header: { dateOfService?: string; payer?: string } = {}): string {
  const out: string[] = [];
  const title = [result.id ?? '(no id)', header.dateOfService, header.payer].filter(Boolean).join('  ');
  out.push(`${style.bold(title)}  ${verdictLabel(result.verdict, style)}`);
  const lines = result.recommended.lines;
  out.push(`  recommended claim: ${lines.length ? lines.map(claimLine).join('; ') : style.dim('no billable line')}`);
  if (result.recommended.diagnoses.length) out.push(`  diagnoses: ${result.recommended.diagnoses.join(', ')}`);
  for (const f of result.findings) {
    const mark = f.severity === 'error' ? style.red('✖ error  ') : f.severity === 'warning' ? style.yellow('▲ warning') : style.cyan('• info   ');
    out.push(`  ${mark} ${style.bold(f.rule)}: ${f.message}`);
    if (f.fix) out.push(`      ${style.green('fix:')} ${f.fix}`);
    out.push(`      ${style.dim(`source: ${f.source.title} [${f.source.confidence}]${f.source.url ? ` ${f.source.url}` : ''}`)}`);
  }
  if (result.unchecked.length) {
    out.push(`  ${style.yellow('not checked:')}`);
    for (const u of result.unchecked) out.push(`    - ${u.family}: ${u.reason}`);
  }
  out.push(`  ${style.dim(`checked: ${result.checked.map((c) => c.family).join(', ')}`)}`);
  return `${out.join('\n')}\n`;
}
