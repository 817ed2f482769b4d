/**
 * The worklist: stored encounters with their latest verdict, filtered by verdict, payer, dates and rule. Filters
 * and paging live in the URL (#/worklist?verdict=reject&offset=25) so Back, reload and shared links keep them.
 */
import { FAMILY_LABELS, RULES } from '../../rules/catalogue.js';
import { getJson, query } from './api.js';
import { formatDateTime, h, replaceChildren, verdictBadge } from './dom.js';
import { fillPayerOptions, loadKnowledge } from './knowledge.js';
import { VERDICTS, type EncounterSummary } from './types.js';
import { field, pageHeading, showError, type ViewContext } from './ui.js';

/** Rows per page. */
export const PAGE_SIZE = 25;

/** Draws the worklist for the filters in the route's query. */
export async function renderWorklist(ctx: ViewContext): Promise<void> {
  const q = ctx.query;
  const filters = { verdict: q.get('verdict') ?? '', payer: q.get('payer') ?? '', from: q.get('from') ?? '', to: q.get('to') ?? '', rule: q.get('rule') ?? '', rechecked: q.get('rechecked') ?? '' };
  const offset = Math.max(0, Number(q.get('offset') ?? 0) || 0);

  const verdict = h('select', { name: 'verdict' }, h('option', { value: '' }, 'Any verdict'), VERDICTS.map((v) => h('option', { value: v, selected: v === filters.verdict }, v[0]!.toUpperCase() + v.slice(1))));
  const payer = h('select', { name: 'payer' }, h('option', { value: '' }, 'Any payer'));
  const from = h('input', { type: 'date', name: 'from', value: filters.from });
  const to = h('input', { type: 'date', name: 'to', value: filters.to });
  // Every rule of the catalogue, by family, with its summary: the filter is chosen, not typed from memory.
  const families = [...new Set(Object.values(RULES).map((r) => r.family))];
  const rule = h(
    'select',
    { name: 'rule' },
    h('option', { value: '' }, 'Any rule'),
    families.map((family) =>
      h(
        'optgroup',
        { label: FAMILY_LABELS[family] },
        Object.entries(RULES)
          .filter(([, r]) => r.family === family)
          .map(([id, r]) => h('option', { value: id, selected: id === filters.rule, title: r.summary }, `${id}: ${r.summary.length > 70 ? `${r.summary.slice(0, 67)}...` : r.summary}`)),
      ),
    ),
  );
  const rechecked = h('select', { name: 'rechecked' }, h('option', { value: '' }, 'Any'), h('option', { value: 'changed', selected: filters.rechecked === 'changed' }, 'Verdict changed by a knowledge update'));
  const go = (next: Record<string, string | number | undefined>) => {
    location.hash = `#/worklist${query(next)}`;
  };
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Filter the worklist',
      onsubmit: (event: Event) => {
        event.preventDefault();
        go({ verdict: verdict.value, payer: payer.value, from: from.value, to: to.value, rule: rule.value, rechecked: rechecked.value });
      },
    },
    field('Verdict', verdict),
    field('Payer', payer),
    field('Date of service from', from),
    field('to', to),
    field('Rule', rule),
    field('Recheck', rechecked),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button-primary' }, 'Apply'), h('a', { href: '#/worklist', class: 'button-link' }, 'Clear')),
  );
  const tableHolder = h('div', { class: 'table-holder', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading encounters…'));
  replaceChildren(ctx.main, pageHeading('Worklist', h('a', { href: '#/new', class: 'button-primary button-link-solid' }, 'New encounter')), form, tableHolder);

  // Payer names, not pack ids, in the filter and the rows (ids stay as the rows' fallback and tooltip).
  const payerNames = new Map<string, string>();
  const knowledge = loadKnowledge()
    .then((info) => {
      fillPayerOptions(payer, info, filters.payer);
      for (const p of info.payers) payerNames.set(p.id, p.name);
    })
    .catch((error: unknown) => showError(error, 'The payer list could not be loaded.'));

  let rows: EncounterSummary[];
  try {
    rows = (await getJson<{ encounters: EncounterSummary[] }>(`/v1/encounters${query({ ...filters, limit: PAGE_SIZE, offset })}`, ctx.signal)).encounters;
  } catch (error) {
    replaceChildren(tableHolder, h('p', { class: 'muted' }, 'The worklist could not be loaded.'));
    tableHolder.removeAttribute('aria-busy');
    showError(error, 'The worklist could not be loaded.');
    return;
  }
  await knowledge;
  tableHolder.removeAttribute('aria-busy');
  const counts = VERDICTS.map((v) => ({ v, n: rows.filter((r) => r.verdict === v).length }));
  const summary = rows.length === 0 ? 'No encounters match these filters.' : `Showing ${offset + 1}–${offset + rows.length}${counts.some((c) => c.n) ? ': ' + counts.filter((c) => c.n).map((c) => `${c.n} ${c.v}`).join(', ') : ''}.`;
  const table = h(
    'table',
    { class: 'data-table worklist' },
    h('caption', {}, summary),
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, 'Verdict'), h('th', { scope: 'col' }, 'Encounter'), h('th', { scope: 'col' }, 'Date of service'), h('th', { scope: 'col' }, 'Payer'), h('th', { scope: 'col', class: 'num' }, 'Version'), h('th', { scope: 'col' }, 'Checked')),
    ),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          { class: `row-${row.verdict}` },
          h('td', {}, verdictBadge(row.verdict)),
          h('td', {}, h('a', { href: `#/encounters/${encodeURIComponent(row.id)}`, class: 'row-link' }, row.externalId ?? row.id)),
          h('td', {}, row.dateOfService),
          h('td', { title: row.payer }, payerNames.get(row.payer) ?? row.payer),
          h('td', { class: 'num' }, String(row.latestVersion)),
          h('td', {}, formatDateTime(row.checkedAt)),
        ),
      ),
    ),
  );
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Worklist pages' },
    offset > 0 ? h('a', { href: `#/worklist${query({ ...filters, offset: Math.max(0, offset - PAGE_SIZE) })}`, class: 'button-link' }, '← Previous') : h('span', { class: 'button-link disabled', 'aria-disabled': 'true' }, '← Previous'),
    h('span', { class: 'muted' }, `Page ${Math.floor(offset / PAGE_SIZE) + 1}`),
    // The API returns no total: a full page means there may be more.
    rows.length === PAGE_SIZE ? h('a', { href: `#/worklist${query({ ...filters, offset: offset + PAGE_SIZE })}`, class: 'button-link' }, 'Next →') : h('span', { class: 'button-link disabled', 'aria-disabled': 'true' }, 'Next →'),
  );
  replaceChildren(tableHolder, table, pager);
}
