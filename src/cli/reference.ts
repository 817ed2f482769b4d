/**
 * `dxacode reference [CODE] [--date D] [--format text|json]`: the coders' reference of the knowledge in force on a
 * date of service (engine/reference.ts), as the page and GET /v1/reference show it: without a code the family's
 * codes and their status, with one its history, pairs, units, modifiers, coverage and common mistakes, with sources.
 */
import type { Source } from '../contract/result.js';
import { isCalendarDate } from '../contract/dates.js';
import type { CodeReference } from '../engine/reference-types.js';
import { EXIT } from './exit.js';
import { knowledgeOrReport, type CliIo } from './shared.js';

const cite = (source: Source) => `    source: ${source.title}${source.version ? ` (${source.version})` : ''} [${source.confidence}]`;

/** One code's reference as text: each fact on its line, its source under it. */
export function referenceText(ref: CodeReference): string {
  const h = ref.history;
  const lines = [
    `${ref.code} (${ref.system}) ${ref.label}`,
    `knowledge in force on ${ref.date}`,
    '',
    'History',
    `  valid ${h.effective ?? 'start not recorded'} to ${h.end ?? 'open'}; on ${ref.date}: ${ref.status}${h.statusUnverified ? ' (current status unverified)' : ''}`,
    ...(h.replaces.length > 0 ? [`  replaced ${h.replaces.join(', ')}`] : []),
    ...(h.replacedBy.length > 0 ? [`  replaced by ${h.replacedBy.join(', ')}`] : []),
    cite(h.source),
    ...h.combinations.flatMap((c) => [`  ${c.codes.join(' + ')} -> ${c.replacement}: ${c.rationale}`, cite(c.source)]),
    '',
    'Common mistakes',
    ...(ref.mistakes.length === 0 ? ['  none recorded'] : ref.mistakes.flatMap((m) => [`  ${m.mistake} ${m.instead}`, cite(m.source)])),
    '',
    'Pairs',
    `  ${ref.pairsNote.text}`,
    ...ref.pairs.flatMap((p) => [`  ${p.column1}/${p.column2} ${p.claimType}: ${p.kind}, modifier indicator ${p.modifierIndicator ?? 'not known'} (${p.indicatorConfidence})${p.inForce ? '' : ', not applied on the date'}`, cite(p.source)]),
    '',
    'Units',
    ...(ref.units.length === 0 ? ['  no MUE'] : ref.units.flatMap((u) => [`  ${u.claimType}: MUE ${u.value}, MAI ${u.mai ?? 'not published'} (${u.rationale})`, cite(u.source)])),
    '',
    'Modifiers',
    ...(ref.pcTc ? [`  PC/TC indicator ${ref.pcTc.indicator ?? '(code table)'}: ${ref.pcTc.split ? 'split' : 'no split'}`, cite(ref.pcTc.source)] : []),
    ...ref.modifiers.flatMap((m) => [`  ${m.modifier} ${m.label}: ${m.because}`, cite(m.source)]),
    '',
    'Coverage',
    ...ref.coverage.medicare.notes.flatMap((n) => [`  Medicare: ${n.text}`, cite(n.source)]),
    ...ref.coverage.medicare.articles.flatMap((a) => [`  ${a.jurisdictions.join(', ')} ${a.contractor} ${a.article}: ${a.listsCode ? `lists ${ref.code}` : `does not list ${ref.code}`}`, cite(a.source)]),
    ...ref.coverage.payers.flatMap((p) => [`  ${p.name} (${p.id} ${p.version}): ${p.rules.length === 0 ? 'no rule names this code' : p.rules.map((r) => `${r.severity}: ${r.message}`).join(' | ')}`, cite(p.source)]),
  ];
  return `${lines.join('\n')}\n`;
}

/** Runs `dxacode reference [CODE]`. */
export async function run(io: CliIo, code: string | undefined, options: { date?: string; format?: string }): Promise<number> {
  // The edge picks today as the default date; the reference itself never reads the clock.
  const date = options.date ?? new Date(Date.now()).toISOString().slice(0, 10);
  if (!isCalendarDate(date)) {
    io.stderr.write(`dxacode: reference: --date: expected a date as YYYY-MM-DD, got ${JSON.stringify(date.slice(0, 40))}\n`);
    return EXIT.unusable;
  }
  const knowledge = await knowledgeOrReport(undefined, io);
  if (!knowledge) return EXIT.unusable;
  const { codeReference, referenceIndex } = await import('../engine/reference.js');
  const json = options.format === 'json';
  if (code === undefined) {
    const index = referenceIndex(knowledge, date);
    io.stdout.write(json ? `${JSON.stringify({ date, codes: index }, null, 2)}\n` : index.map((c) => `${c.code}\t${c.system}\t${c.status}\t${c.label}\n`).join(''));
    return EXIT.ok;
  }
  const ref = codeReference(knowledge, code.toUpperCase(), date);
  if (!ref) {
    io.stderr.write(`dxacode: reference: the knowledge holds no code ${JSON.stringify(code.slice(0, 16))}; dxacode reference lists the codes\n`);
    return EXIT.unusable;
  }
  io.stdout.write(json ? `${JSON.stringify(ref, null, 2)}\n` : referenceText(ref));
  return EXIT.ok;
}
