/**
 * The research registry page (#/registry, docs/registry.md): a cohort's counts by sex, age band, T-score category,
 * Genant grade, therapy and payer (small counts shown as suppressed, as the server sends them), and for admins the
 * de-identified export as CSV or FHIR Bulk Data files, downloaded here.
 */
import { getJson, postJson, query } from './api.js';
import { h, replaceChildren, saveBlob } from './dom.js';
import { fillPayerOptions, loadKnowledge } from './knowledge.js';
import { announce, errorList, field, pageHeading, type ViewContext } from './ui.js';

type Cell = number | 'suppressed';
interface Breakdown {
  value: string;
  studies: Cell;
}
interface CohortSummary {
  minimumCellSize: number;
  studies: Cell;
  patients: Cell;
  bySex: Breakdown[];
  byAgeBand: Breakdown[];
  byTScoreCategory: Breakdown[];
  byGenantGrade: Breakdown[];
  byTherapy: Breakdown[];
  byPayer: Breakdown[];
}
interface ExportAnswer {
  summary: { studies: number; subjects: number; suppressedStudies: number; auditSeq: number };
  csv?: string;
  manifest?: unknown;
  files?: Record<string, string>;
}

/** The filters, their labels and choices (as the API spells them); an empty choice is "any". */
const FILTERS = [
  { name: 'ageBand', label: 'Age band', choices: ['under 50', '50-64', '65-74', '75-84', '85 and over', 'age unknown'] },
  { name: 'sex', label: 'Sex', choices: ['female', 'male', 'unknown'] },
  { name: 'tScoreCategory', label: 'T-score category', choices: ['normal', 'osteopenia', 'osteoporosis', 'not-measured'] },
  { name: 'genantGrade', label: 'Highest Genant grade', choices: ['0', '1', '2', '3'] },
] as const;

const BREAKDOWNS: [keyof CohortSummary, string][] = [
  ['bySex', 'Sex'],
  ['byAgeBand', 'Age band'],
  ['byTScoreCategory', 'T-score category'],
  ['byGenantGrade', 'Highest Genant grade'],
  ['byTherapy', 'Therapy'],
  ['byPayer', 'Payer'],
];

const cellText = (c: Cell) => (c === 'suppressed' ? 'suppressed' : c.toLocaleString());

function breakdownTable(title: string, rows: readonly Breakdown[]): HTMLElement {
  return h(
    'table',
    { class: 'data-table' },
    h('caption', {}, title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, title), h('th', { scope: 'col', class: 'num' }, 'Studies'))),
    h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.value), h('td', { class: 'num' }, cellText(r.studies))))),
  );
}

/** The cohort's filters from the page's query, for the API. */
function filtersOf(q: URLSearchParams): Record<string, string | undefined> {
  return Object.fromEntries(['ageBand', 'sex', 'tScoreCategory', 'genantGrade', 'therapy', 'payer', 'from', 'to'].map((k) => [k, q.get(k) ?? undefined]));
}

function exportCard(filters: Record<string, string | undefined>): HTMLElement {
  const format = h('select', { name: 'format' }, h('option', { value: 'csv' }, 'CSV'), h('option', { value: 'fhir' }, 'FHIR R4 NDJSON (Bulk Data)'));
  const dates = h('select', { name: 'dates' }, h('option', { value: 'year' }, 'Year only'), h('option', { value: 'shift' }, 'Shifted per patient'));
  const errors = h('div', { class: 'form-errors', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, 'Export');
  return h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'export-heading',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        replaceChildren(errors);
        submit.disabled = true;
        try {
          const cohort = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, k === 'genantGrade' ? Number(v) : v]));
          const answer = await postJson<ExportAnswer>('/v1/registry/export', { format: format.value, dates: dates.value, query: cohort });
          if (answer.csv !== undefined) saveBlob(new Blob([answer.csv], { type: 'text/csv' }), 'registry.csv');
          for (const [name, text] of Object.entries(answer.files ?? {})) saveBlob(new Blob([text], { type: 'application/fhir+ndjson' }), name);
          if (answer.manifest !== undefined) saveBlob(new Blob([JSON.stringify(answer.manifest, null, 2)], { type: 'application/json' }), 'manifest.json');
          const s = answer.summary;
          announce(`Exported ${s.studies} studies of ${s.subjects} subjects (${s.suppressedStudies} with sex, age and payer suppressed); audit record ${s.auditSeq}.`);
        } catch (error) {
          replaceChildren(errors, h('p', {}, 'The export was not made:'), errorList(error));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h2', { id: 'export-heading' }, 'De-identified export'),
    h('p', { class: 'hint' }, 'The cohort above, de-identified by the HIPAA Safe Harbor method: no names, record or member numbers, addresses, full dates or report text; ages over 89 as "90 or older". Every export is audited with its filters.'),
    field('Format', format),
    field('Dates', dates, 'Shifted dates keep the intervals between a patient’s studies; they need the server’s DXACODE_REGISTRY_SECRET.'),
    errors,
    h('div', { class: 'actions' }, submit),
  );
}

/** Draws the registry page for the filters in the page's query. */
export async function renderRegistry(ctx: ViewContext): Promise<void> {
  const filters = filtersOf(ctx.query);
  const selects = FILTERS.map((f) => {
    const select = h('select', { name: f.name }, h('option', { value: '' }, 'Any'), f.choices.map((c) => h('option', { value: c, selected: filters[f.name] === c }, c)));
    return { name: f.name, control: select, row: field(f.label, select) };
  });
  const therapy = h('input', { type: 'text', name: 'therapy', value: filters.therapy ?? '', placeholder: 'alendronate, any, none' });
  const payer = h('select', { name: 'payer' }, h('option', { value: '' }, 'Any payer'));
  const from = h('input', { type: 'date', name: 'from', value: filters.from ?? '' });
  const to = h('input', { type: 'date', name: 'to', value: filters.to ?? '' });
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Cohort',
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = `#/registry${query({ ...Object.fromEntries(selects.map((s) => [s.name, s.control.value])), therapy: therapy.value.trim(), payer: payer.value, from: from.value, to: to.value })}`;
      },
    },
    selects.map((s) => s.row),
    field('Therapy', therapy),
    field('Payer', payer),
    field('Date of service from', from),
    field('to', to),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button-primary' }, 'Count'), h('a', { href: '#/registry', class: 'button-link' }, 'Everyone')),
  );
  const counts = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Counting…'));
  replaceChildren(ctx.main, pageHeading('Research registry'), form, counts, ctx.session.role === 'admin' ? exportCard(filters) : null);
  void loadKnowledge()
    .then((info) => fillPayerOptions(payer, info, filters.payer))
    .catch(() => undefined);

  let summary: CohortSummary;
  try {
    summary = await getJson<CohortSummary>(`/v1/registry/cohort${query(filters)}`, ctx.signal);
  } catch (error) {
    counts.removeAttribute('aria-busy');
    replaceChildren(counts, h('div', { class: 'card' }, h('p', {}, 'The cohort could not be counted.'), errorList(error)));
    return;
  }
  counts.removeAttribute('aria-busy');
  replaceChildren(
    counts,
    h('p', {}, `Studies: ${cellText(summary.studies)}; patients: ${cellText(summary.patients)}. Counts of fewer than ${summary.minimumCellSize} patients are shown as suppressed.`),
    h('div', { class: 'dashboard-grid' }, BREAKDOWNS.map(([key, title]) => h('div', { class: 'card' }, breakdownTable(title, summary[key] as Breakdown[])))),
  );
}
