/**
 * The denial worklist (GET /v1/denials): each billed line the latest 835 denied, with its reasons in words (CARC with
 * group code, RARC), what dxacode had said about the line in the version that was exported, and the suggested
 * correction and resubmission path with its basis. Filters and paging live in the URL (#/denials?payer=medicare).
 */
import { getJson, query } from './api.js';
import { h, replaceChildren } from './dom.js';
import { fillPayerOptions, loadKnowledge } from './knowledge.js';
import type { DeniedLine } from './types.js';
import { field, pageHeading, showError, type ViewContext } from './ui.js';

/** Rows per page. */
export const DENIALS_PAGE_SIZE = 25;

/** Remittance amounts to the cent: they are reconciled against the payer's figures. */
export function formatCents(cents: number | null): string {
  return cents === null ? '—' : (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });
}

/** The words of the resubmission paths. */
export const PATH_LABELS: Record<string, string> = {
  'corrected-claim': 'Corrected claim',
  'new-claim': 'New claim',
  appeal: 'Appeal',
  'no-resubmission': 'No resubmission',
  review: 'Review',
};

/** A code with its words, and where the words come from in the title. */
function codeWords(code: string, description: string | undefined, source?: { title: string }): HTMLElement {
  return h('li', { title: source?.title ?? null }, h('code', {}, code), ' ', description ?? h('span', { class: 'muted' }, 'no description embedded'));
}

function reasonsCell(line: DeniedLine): HTMLElement {
  return h(
    'td',
    {},
    h('ul', { class: 'plain-list codes' }, line.adjustments.map((a) => codeWords(`${a.group}-${a.code}`, a.description, a.source)), line.remarks.map((r) => codeWords(r.code, r.description, r.source))),
  );
}

function saidCell(line: DeniedLine): HTMLElement {
  const said = line.findings.filter((f) => f.severity !== 'info');
  if (said.length === 0) return h('td', {}, h('span', { class: 'muted' }, 'Nothing: not flagged'));
  return h(
    'td',
    {},
    h('p', { class: line.flagged ? 'flag flag-error' : 'flag' }, line.flagged ? 'Flagged as an error' : 'Warnings only'),
    h(
      'ul',
      { class: 'plain-list' },
      said.map((f) => h('li', {}, h('code', { class: 'rule-id' }, f.rule), ` (${f.severity}${f.scope === 'claim' ? ', about the claim' : ''}): `, f.message, f.override ? h('span', { class: 'override-note' }, ` Overridden: ${f.override.reason}`) : null)),
    ),
  );
}

function suggestionCell(line: DeniedLine): HTMLElement {
  const s = line.suggestion;
  return h(
    'td',
    {},
    h('p', {}, h('strong', {}, PATH_LABELS[s.path] ?? s.path), s.frequencyCode ? ` (frequency code ${s.frequencyCode})` : ''),
    h('p', {}, s.action),
    h('details', {}, h('summary', {}, 'Basis'), h('ul', { class: 'plain-list' }, s.basis.map((b) => h('li', {}, b)))),
  );
}

/** Draws the denial worklist for the filters in the route's query. */
export async function renderDenials(ctx: ViewContext): Promise<void> {
  const q = ctx.query;
  const filters = { payer: q.get('payer') ?? '', from: q.get('from') ?? '', to: q.get('to') ?? '' };
  const offset = Math.max(0, Number(q.get('offset') ?? 0) || 0);
  const payer = h('select', { name: 'payer' }, h('option', { value: '' }, 'Any payer'));
  const from = h('input', { type: 'date', name: 'from', value: filters.from });
  const to = h('input', { type: 'date', name: 'to', value: filters.to });
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Filter the denials',
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = `#/denials${query({ payer: payer.value, from: from.value, to: to.value })}`;
      },
    },
    field('Payer', payer),
    field('Date of service from', from),
    field('to', to),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button-primary' }, 'Apply'), h('a', { href: '#/denials', class: 'button-link' }, 'Clear')),
  );
  const holder = h('div', { class: 'table-holder', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading denials…'));
  replaceChildren(
    ctx.main,
    pageHeading('Denials'),
    h('p', { class: 'muted' }, 'Lines the latest remittance (835) denied, with the reason, what dxacode had said about the line when the claim was exported, and how to correct and resubmit it.'),
    form,
    holder,
  );
  void loadKnowledge()
    .then((info) => fillPayerOptions(payer, info, filters.payer))
    .catch((error: unknown) => showError(error, 'The payer list could not be loaded.'));

  let page: { total: number; lines: DeniedLine[] };
  try {
    page = await getJson<{ total: number; lines: DeniedLine[] }>(`/v1/denials${query({ ...filters, limit: DENIALS_PAGE_SIZE, offset })}`, ctx.signal);
  } catch (error) {
    holder.removeAttribute('aria-busy');
    replaceChildren(holder, h('p', { class: 'muted' }, 'The denials could not be loaded.'));
    showError(error, 'The denials could not be loaded.');
    return;
  }
  holder.removeAttribute('aria-busy');
  const caption = page.total === 0 ? 'No denied lines match these filters.' : `Denied lines ${offset + 1}–${offset + page.lines.length} of ${page.total}.`;
  const table = h(
    'table',
    { class: 'data-table denials' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ['Encounter', 'Line', 'Denied', 'Reason', 'What dxacode had said', 'Suggested'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      {},
      page.lines.map((line) =>
        h(
          'tr',
          { class: line.flagged ? 'row-flagged' : 'row-missed' },
          h('td', {}, h('a', { href: `#/encounters/${encodeURIComponent(line.encounterId)}`, class: 'row-link' }, line.externalId ?? line.encounterId), h('br', {}), h('span', { class: 'muted' }, `${line.payer}, ${line.dateOfService}`)),
          h('td', {}, h('code', {}, [line.code, ...line.modifiers].join('-')), h('br', {}), h('span', { class: 'muted' }, `line ${line.line}${line.diagnoses.length ? `, dx ${line.diagnoses.map((d) => `${d.pointer}:${d.code}`).join(' ')}` : ''}`)),
          h('td', { class: 'num' }, formatCents(line.deniedCents), h('br', {}), h('span', { class: 'muted' }, `of ${formatCents(line.billedCents)}`)),
          reasonsCell(line),
          saidCell(line),
          suggestionCell(line),
        ),
      ),
    ),
  );
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Denial pages' },
    offset > 0 ? h('a', { href: `#/denials${query({ ...filters, offset: Math.max(0, offset - DENIALS_PAGE_SIZE) })}`, class: 'button-link' }, '← Previous') : h('span', { class: 'button-link disabled', 'aria-disabled': 'true' }, '← Previous'),
    h('span', { class: 'muted' }, `Page ${Math.floor(offset / DENIALS_PAGE_SIZE) + 1}`),
    offset + page.lines.length < page.total ? h('a', { href: `#/denials${query({ ...filters, offset: offset + DENIALS_PAGE_SIZE })}`, class: 'button-link' }, 'Next →') : h('span', { class: 'button-link disabled', 'aria-disabled': 'true' }, 'Next →'),
  );
  replaceChildren(holder, table, pager);
}
