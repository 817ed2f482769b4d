/**
 * The worklist: stored encounters with their latest verdict, patient, billed codes and top finding, searched by
 * patient, MRN, member id or encounter id, filtered by verdict, payer, dates and rule, sorted by column and paged
 * with the total. Filters, sort and page live in the URL (#/worklist?verdict=reject&sort=patient&page=2) so Back,
 * reload and shared links keep them.
 */
import { FAMILY_LABELS, RULES } from '../../rules/catalogue.js';
import { getJson, query } from './api.js';
import { formatDateTime, h, replaceChildren, topFindingText, verdictBadge } from './dom.js';
import { fillPayerOptions, loadKnowledge } from './knowledge.js';
import { VERDICTS, type EncounterList } from './types.js';
import { field, pageHeading, showError, type ViewContext } from './ui.js';

/** Rows per page. */
export const PAGE_SIZE = 25;

/** Draws the worklist for the filters in the route's query. */
export async function renderWorklist(ctx: ViewContext): Promise<void> {
  const q = ctx.query;
  const filters = { q: q.get('q') ?? '', verdict: q.get('verdict') ?? '', payer: q.get('payer') ?? '', from: q.get('from') ?? '', to: q.get('to') ?? '', rule: q.get('rule') ?? '', rechecked: q.get('rechecked') ?? '' };
  const sorted = sortOf(q);
  const pageNumber = Math.max(1, Math.trunc(Number(q.get('page') ?? 1)) || 1);
  const offset = (pageNumber - 1) * PAGE_SIZE;
  const search = h('input', { type: 'search', name: 'q', value: filters.q, maxlength: 100, autocomplete: 'off' });

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
        go({ q: search.value.trim(), verdict: verdict.value, payer: payer.value, from: from.value, to: to.value, rule: rule.value, rechecked: rechecked.value, ...sortParams(sorted) });
      },
    },
    field('Search', search, 'Part of the patient’s name, or an MRN, member id or encounter id'),
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

  let list: EncounterList;
  try {
    list = await getJson<EncounterList>(`/v1/encounters${query({ ...filters, ...sortParams(sorted), limit: PAGE_SIZE, offset })}`, ctx.signal);
  } catch (error) {
    replaceChildren(tableHolder, h('p', { class: 'muted' }, 'The worklist could not be loaded.'));
    tableHolder.removeAttribute('aria-busy');
    showError(error, 'The worklist could not be loaded.');
    return;
  }
  await knowledge;
  tableHolder.removeAttribute('aria-busy');
  const { encounters: rows, total } = list;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const counts = VERDICTS.map((v) => ({ v, n: rows.filter((r) => r.verdict === v).length }));
  const summary =
    rows.length === 0
      ? total === 0
        ? 'No encounters match these filters.'
        : `No encounters on page ${pageNumber}; there are ${pages} page${pages === 1 ? '' : 's'}.`
      : `Showing ${offset + 1}–${offset + rows.length} of ${total} encounter${total === 1 ? '' : 's'}${counts.some((c) => c.n) ? ' (this page: ' + counts.filter((c) => c.n).map((c) => `${c.n} ${c.v}`).join(', ') + ')' : ''}.`;
  const pageLink = (n: number) => `#/worklist${query({ ...filters, ...sortParams(sorted), page: n > 1 ? n : undefined })}`;
  const header = (label: string, sort: WorklistSort | undefined, attrs: { class?: string } = {}) => {
    if (sort === undefined) return h('th', { scope: 'col', ...attrs }, label);
    const active = sorted.sort === sort;
    const next: SortState = { sort, order: active ? (sorted.order === 'asc' ? 'desc' : 'asc') : defaultOrder(sort) };
    return h(
      'th',
      { scope: 'col', ...attrs, 'aria-sort': active ? (sorted.order === 'asc' ? 'ascending' : 'descending') : null },
      h(
        'a',
        { href: `#/worklist${query({ ...filters, ...sortParams(next) })}`, class: 'sort-link', title: `Sort by ${label.toLowerCase()}, ${next.order === 'asc' ? 'ascending' : 'descending'}` },
        label,
        h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (sorted.order === 'asc' ? ' ▲' : ' ▼') : ' ↕'),
      ),
    );
  };
  const table = h(
    'table',
    { class: 'data-table worklist' },
    h('caption', {}, summary),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        header('Verdict', 'verdict'),
        header('Encounter', 'encounter'),
        header('Patient', 'patient'),
        header('Date of service', 'dateOfService'),
        header('Payer', 'payer'),
        header('Billed codes', undefined),
        header('Top finding', undefined),
        header('Checked', 'checkedAt'),
      ),
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
          h('td', { class: 'patient' }, row.patientName ?? h('span', { class: 'muted' }, 'No name'), row.patientMrn ? h('small', { class: 'muted patient-mrn' }, `MRN ${row.patientMrn}`) : null),
          h('td', {}, row.dateOfService),
          h('td', { class: 'payer', title: row.payer }, payerNames.get(row.payer) ?? row.payer),
          h('td', { class: 'codes mono' }, row.billedCodes.length > 0 ? row.billedCodes.join(', ') : h('span', { class: 'muted' }, 'none')),
          h('td', { class: 'top-finding' }, topFindingText(row.topFinding)),
          h('td', {}, formatDateTime(row.checkedAt)),
        ),
      ),
    ),
  );
  const step = (label: string, n: number, enabled: boolean) =>
    enabled ? h('a', { href: pageLink(n), class: 'button-link' }, label) : h('span', { class: 'button-link disabled', 'aria-disabled': 'true' }, label);
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Worklist pages' },
    step('« First', 1, pageNumber > 1),
    step('← Previous', pageNumber - 1, pageNumber > 1),
    h('span', { class: 'muted', 'aria-current': 'page' }, `Page ${pageNumber} of ${pages}`),
    step('Next →', pageNumber + 1, pageNumber < pages),
    step('Last »', pages, pageNumber < pages),
  );
  replaceChildren(tableHolder, table, pager);
}

/** Worklist columns the API sorts by. */
type WorklistSort = 'dateOfService' | 'patient' | 'encounter' | 'payer' | 'verdict' | 'checkedAt';
const SORTS: readonly WorklistSort[] = ['dateOfService', 'patient', 'encounter', 'payer', 'verdict', 'checkedAt'];
interface SortState {
  sort: WorklistSort;
  order: 'asc' | 'desc';
}

/** Newest first for dates; A to Z (and reject first) for the others, as the API orders by default. */
function defaultOrder(sort: WorklistSort): 'asc' | 'desc' {
  return sort === 'dateOfService' || sort === 'checkedAt' ? 'desc' : 'asc';
}

function sortOf(q: URLSearchParams): SortState {
  const sort = SORTS.find((s) => s === q.get('sort')) ?? 'dateOfService';
  const order = q.get('order');
  return { sort, order: order === 'asc' || order === 'desc' ? order : defaultOrder(sort) };
}

/** The sort in the URL only when it is not the default, so the plain worklist keeps its plain address. */
function sortParams(state: SortState): { sort?: string; order?: string } {
  if (state.sort === 'dateOfService' && state.order === 'desc') return {};
  return { sort: state.sort, ...(state.order === defaultOrder(state.sort) ? {} : { order: state.order }) };
}
