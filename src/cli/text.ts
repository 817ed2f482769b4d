/** The readable text view of results: one block per encounter, coloured on a terminal. */
import type { Result } from '../contract/result.js';
import type { Evidence, ReportFacts } from '../extract/facts.js';

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

interface Marked {
  start: number;
  end: number;
  label: string;
}

/** Every evidence span of the facts with a short label of what it shows. */
function evidenceSpans(facts: ReportFacts): Marked[] {
  const spans: Marked[] = [];
  const add = (e: Evidence | undefined, label: string) => {
    if (e && e.end > e.start) spans.push({ start: e.start, end: e.end, label });
  };
  for (const s of facts.studies) add(s.evidence, `study ${s.procedure}${s.sites.length ? ` (${s.sites.join(', ')})` : ''}`);
  for (const n of facts.notPerformed) add(n.evidence, `not performed here: ${n.procedure} (${n.reason})`);
  for (const r of facts.results) add(r.evidence, `${r.measure} ${r.site} ${r.value}`);
  for (const [key, fact] of Object.entries(facts.clinical)) add(fact?.evidence, `${key} ${String(fact?.value)}`);
  for (const f of facts.vfa?.fractures ?? []) add(f.evidence, `fracture ${f.level}${f.grade ? ` grade ${f.grade}` : ''}${f.type ? ` ${f.type}` : ''}`);
  add(facts.vfa?.levelsEvaluated?.evidence, `VFA levels ${facts.vfa?.levelsEvaluated?.value ?? ''}`);
  for (const l of facts.vfa?.notEvaluable ?? []) add(l.evidence, `not evaluable ${l.value}`);
  add(facts.vfa?.noFracture?.evidence, 'no vertebral fracture');
  add(facts.vfa?.furtherImaging?.evidence, 'further imaging recommended');
  for (const [key, fact] of Object.entries(facts.people)) add(fact?.evidence, `${key} ${String(fact?.value)}`);
  add(facts.frax.majorOsteoporotic?.evidence, `FRAX major osteoporotic ${facts.frax.majorOsteoporotic?.value ?? ''}%`);
  add(facts.frax.hip?.evidence, `FRAX hip ${facts.frax.hip?.value ?? ''}%`);
  for (const c of facts.changes) add(c.evidence, `change ${c.percent}%${c.site ? ` ${c.site}` : ''}${c.significant === undefined ? '' : c.significant ? ' (exceeds LSC)' : ' (within LSC)'}`);
  add(facts.indication, 'indication');
  add(facts.impression, 'impression');
  return spans;
}

/** The report with its evidence marked (reverse video on a terminal, [[...]] otherwise) and the facts listed. */
export function renderFacts(text: string, facts: ReportFacts, style: Style): string {
  const spans = evidenceSpans(facts);
  const marked = new Uint8Array(text.length);
  for (const s of spans) marked.fill(1, s.start, Math.min(s.end, text.length));
  let out = '';
  let i = 0;
  while (i < text.length) {
    let j = i;
    while (j < text.length && marked[j] === marked[i]) j++;
    const piece = text.slice(i, j);
    out += marked[i] ? (style === PLAIN ? `[[${piece}]]` : `\u001b[7m${piece}\u001b[27m`) : piece;
    i = j;
  }
  const lines = [out.endsWith('\n') ? out : `${out}\n`, style.bold('Facts found:')];
  for (const s of spans.sort((a, b) => a.start - b.start)) lines.push(`  ${String(s.start).padStart(6)}-${String(s.end).padEnd(6)} ${s.label}`);
  for (const d of facts.diagnoses) lines.push(`  suggested ${d.code}: ${d.reason}`);
  if (facts.studies.length === 0) lines.push(style.yellow('  no performed study: nothing to bill from this text'));
  return `${lines.join('\n')}\n`;
}
