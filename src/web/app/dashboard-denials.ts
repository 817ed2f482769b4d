/**
 * The dashboard's denials panel (GET /v1/denials/summary): the money of the claims a remittance answered (billed,
 * allowed, paid, patient responsibility, denied by reason), how well dxacode's findings predicted the denials per
 * rule and per payer, and the misses a coder can turn into payer-pack rules. Tables, so every number is readable as
 * it is; kept apart from dashboard.ts so the plots there can change without touching it.
 */
import { getJson, query } from './api.js';
import { h, replaceChildren } from './dom.js';
import { formatCents } from './denials.js';
import type { DenialSummary } from './types.js';

const percent = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`);
const share = (part: number, whole: number) => `${part} of ${whole}`;

function table(caption: string, heads: string[], rows: (string | number | HTMLElement)[][], className = ''): HTMLElement {
  return h(
    'table',
    { class: `data-table ${className}`.trim() },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, heads.map((t, i) => h('th', { scope: 'col', class: i > 0 && rows.some((r) => typeof r[i] === 'number') ? 'num' : null }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: typeof cell === 'number' ? 'num' : null }, typeof cell === 'number' ? String(cell) : cell)))))),
  );
}

function moneyTable(m: DenialSummary['money']): HTMLElement {
  const rows: (string | number)[][] = [
    ['Billed', formatCents(m.billedCents)],
    ['Allowed', `${m.allowedCents === null ? 'not given by the payer' : formatCents(m.allowedCents)}${m.linesWithoutAllowed > 0 ? ` (${m.linesWithoutAllowed} line${m.linesWithoutAllowed === 1 ? '' : 's'} without an allowed amount)` : ''}`],
    ['Paid', formatCents(m.paidCents)],
    ['Patient responsibility', formatCents(m.patientCents)],
    ['Denied', formatCents(m.deniedCents)],
  ];
  if (m.awaiting.claims > 0) rows.push(['Awaiting a remittance', `${formatCents(m.awaiting.billedCents)} on ${m.awaiting.claims} claim${m.awaiting.claims === 1 ? '' : 's'}`]);
  return table(`Money of ${m.claims} claim${m.claims === 1 ? '' : 's'} a remittance answered`, ['Figure', 'Amount'], rows, 'money');
}

/** The denials panel for a date range: drawn at once, filled when the figures have loaded. */
export function denialPanel(range: { from: string; to: string }, signal: AbortSignal): HTMLElement {
  const body = h('div', { class: 'denial-panel-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading…'));
  const section = h('section', { class: 'card denial-panel', 'aria-labelledby': 'denial-panel-heading' }, h('h2', { id: 'denial-panel-heading' }, 'Denials and what predicted them'), body);
  getJson<DenialSummary>(`/v1/denials/summary${query(range)}`, signal)
    .then(({ prediction: p, money }) => {
      body.removeAttribute('aria-busy');
      if (p.adjudicated === 0 && money.awaiting.claims === 0) {
        replaceChildren(body, h('p', { class: 'muted' }, 'No remittance (835) has answered an exported claim yet. Import one with dxacode import or POST /v1/responses.'));
        return;
      }
      replaceChildren(
        body,
        h(
          'p',
          { class: 'prediction-headline' },
          `Of the lines dxacode flagged as errors, ${share(p.flaggedDenied, p.flagged)} were denied (${percent(p.precision)}). `,
          `Of the denied lines, dxacode had flagged ${share(p.deniedFlagged, p.denied)} (${percent(p.recall)}).`,
        ),
        moneyTable(money),
        money.deniedByReason.length ? table('Amount denied by reason', ['Reason', 'Lines', 'Denied'], money.deniedByReason.map((r) => [`${r.group}-${r.code} ${r.description ?? ''}`.trim(), r.lines, formatCents(r.cents)])) : null,
        p.byRule.length ? table('Prediction per rule (lines flagged as errors)', ['Rule', 'Flagged', 'Denied'], p.byRule.map((r) => [h('code', { class: 'rule-id' }, r.rule), r.flagged, r.denied])) : null,
        table('Prediction per payer', ['Payer', 'Answered', 'Flagged', 'Flagged and denied', 'Denied', 'Denied and flagged'], p.byPayer.map((r) => [r.payer, r.adjudicated, r.flagged, r.flaggedDenied, r.denied, r.deniedFlagged])),
        p.misses.length
          ? [
              table(
                'Misses: denied lines dxacode did not flag',
                ['Payer', 'Code', 'Diagnosis pointers', 'CARC / RARC', 'Pack rule kind'],
                p.misses.map((m) => [m.payer, [m.code, ...m.modifiers].join('-'), m.diagnoses.map((d) => `${d.pointer}:${d.code}`).join(' ') || 'none', [...m.carc.map((c) => `${c.group}-${c.code}`), ...m.rarc.map((r) => r.code)].join(' '), m.packRuleKind ?? 'none']),
                'misses',
              ),
              h('p', { class: 'hint' }, `Each miss may become a rule of the payer's pack (the rule kinds are described in ${p.packDocs}). `, h('a', { href: '#/denials' }, 'Open the denial worklist'), '.'),
            ]
          : null,
      );
    })
    .catch((error: unknown) => {
      if ((error as Error).name === 'AbortError') return;
      body.removeAttribute('aria-busy');
      replaceChildren(body, h('p', { class: 'muted' }, 'The denial figures could not be loaded.'));
    });
  return section;
}
