/**
 * The coders' reference (#/reference, #/reference/CODE, #/reference/changes): generated from the knowledge in force
 * on a chosen date of service (GET /v1/reference), every fact with its source and confidence. Nothing here states a
 * fact of its own; the page only lays out what the API's knowledge objects say. "What changed" lists the imported
 * knowledge versions and shows each one's rows that changed (GET /v1/knowledge/diff).
 */
import type { CodeReference, CodeStatus, ReferenceCodeSummary } from '../../engine/reference-types.js';
import { getJson, query } from './api.js';
import { formatDateTime, h, replaceChildren, type Child } from './dom.js';
import type { Source } from './types.js';
import { errorList, field, pageHeading, showError, sourceCitation, type ViewContext } from './ui.js';

/** GET /v1/reference. */
interface ReferenceIndex {
  date: string;
  organization: string;
  version: string;
  jurisdiction: string | null;
  tables: { table: string; title: string; version: string }[];
  datasets: { table: string; id: string; label: string; effective: { from: string; to: string | null }; inForce: boolean; source: Source }[];
  versions: { id: string; kind: string; kindTitle: string; edition: string; effectiveFrom: string; effectiveTo: string | null; importedBy: string; importedAt: string; inForce: boolean }[];
  codes: ReferenceCodeSummary[];
}

/** GET /v1/knowledge/diff. */
interface KnowledgeDiffAnswer {
  from: string | null;
  to: string;
  familyOnly: boolean;
  added: { table: string; row: Record<string, unknown> }[];
  deleted: { table: string; row: Record<string, unknown> }[];
  changed: { table: string; key: Record<string, unknown>; changes: Record<string, { before: unknown; after: unknown }> }[];
  touchedCodes: string[];
}

const STATUS_WORDS: Record<CodeStatus, string> = { valid: 'Valid', 'not-yet-valid': 'Not valid yet', ended: 'Ended', 'dates-not-recorded': 'Dates not recorded' };

/** The date of the route's query; empty lets the server choose its today, which the form then shows. */
function chosenDate(ctx: ViewContext): string {
  return ctx.query.get('date') ?? '';
}

/** Puts the date the server answered for into the date field (when the route named none). */
function showDate(main: HTMLElement, date: string): void {
  const input = main.querySelector<HTMLInputElement>('form.filters input[name=date]');
  if (input && input.value === '') input.value = date;
}

function section(title: string, id: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card reference-section', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

function dateForm(date: string, path: string): HTMLElement {
  const input = h('input', { type: 'date', name: 'date', value: date, required: true });
  return h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Date of service',
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = `#${path}${query({ date: input.value })}`;
      },
    },
    field('Knowledge in force on (date of service)', input),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button-primary' }, 'Show')),
  );
}

const period = (from: string | null, to: string | null) => `${from ?? 'start not recorded'} to ${to ?? 'open'}`;

/** A list whose items each carry their citation; `empty` is said when there is none. */
function citedList<T>(items: readonly T[], empty: string, render: (item: T) => Child, source: (item: T) => Source): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted' }, empty);
  return h('ul', { class: 'cited-list' }, items.map((item) => h('li', {}, render(item), sourceCitation(source(item)))));
}

/** Loads an answer for a busy body: the answer, or undefined once the body says it could not be loaded and why. */
async function loadInto<T>(body: HTMLElement, path: string, signal: AbortSignal, failure: string): Promise<T | undefined> {
  try {
    return await getJson<T>(path, signal);
  } catch (error) {
    replaceChildren(body, h('div', { class: 'card' }, h('p', {}, failure), errorList(error)));
    return undefined;
  } finally {
    body.removeAttribute('aria-busy');
  }
}

/** Draws the reference page for its route: the index, one code, or what changed. */
export async function renderReference(ctx: ViewContext): Promise<void> {
  if (ctx.params.code === 'changes') return renderChanges(ctx);
  if (ctx.params.code !== undefined) return renderCode(ctx, ctx.params.code);
  const date = chosenDate(ctx);
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading the reference…'));
  replaceChildren(ctx.main, pageHeading('Code reference', h('a', { href: `#/reference/changes${query({ date })}`, class: 'button-link' }, 'What changed')), dateForm(date, '/reference'), body);
  const index = await loadInto<ReferenceIndex>(body, `/v1/reference${query({ date })}`, ctx.signal, 'The reference could not be loaded.');
  if (!index) return;
  showDate(ctx.main, index.date);
  replaceChildren(
    body,
    h(
      'p',
      { class: 'lead' },
      `Generated from the knowledge in force on ${index.date} for ${index.organization}`,
      index.jurisdiction ? ` (Medicare jurisdiction ${index.jurisdiction})` : '',
      `. Knowledge version ${index.version}.`,
    ),
    section(
      'Codes',
      'reference-codes',
      h(
        'table',
        { class: 'data-table reference-codes' },
        h('caption', {}, `${index.codes.length} codes of the bone-density family; choose one for its history, pairs, units, modifiers, coverage and common mistakes.`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Code'), h('th', { scope: 'col' }, 'Description'), h('th', { scope: 'col' }, `On ${index.date}`), h('th', { scope: 'col', class: 'num' }, 'Common mistakes'))),
        h(
          'tbody',
          {},
          index.codes.map((c) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, h('a', { href: `#/reference/${encodeURIComponent(c.code)}${query({ date: index.date })}` }, c.code), h('span', { class: 'muted' }, ` ${c.system}`)),
              h('td', {}, c.label),
              h('td', {}, STATUS_WORDS[c.status]),
              h('td', { class: 'num' }, String(c.mistakeCount)),
            ),
          ),
        ),
      ),
    ),
    section(
      'Knowledge in force',
      'reference-knowledge',
      h('ul', { class: 'plain-list' }, index.tables.map((t) => h('li', {}, `${t.title}, version ${t.version}`))),
      citedList(index.datasets, 'No official datasets.', (d) => h('p', {}, h('strong', {}, d.label), ` — in force ${period(d.effective.from, d.effective.to)}${d.inForce ? '' : ` (not in force on ${index.date})`}`), (d) => d.source),
    ),
  );
}

async function renderCode(ctx: ViewContext, code: string): Promise<void> {
  const date = chosenDate(ctx);
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading the reference…'));
  const back = h('a', { href: `#/reference${query({ date })}`, class: 'button-link' }, 'All codes');
  replaceChildren(ctx.main, pageHeading(`Code ${code}`, back), dateForm(date, `/reference/${encodeURIComponent(code)}`), body);
  const ref = await loadInto<CodeReference>(body, `/v1/reference/${encodeURIComponent(code)}${query({ date })}`, ctx.signal, `No reference for ${code}.`);
  if (!ref) return;
  showDate(ctx.main, ref.date);
  ctx.main.querySelector('h1')!.textContent = `${ref.code} · ${ref.label}`;
  const codeLink = (c: string) => h('a', { href: `#/reference/${encodeURIComponent(c)}${query({ date: ref.date })}` }, c);
  const joinLinks = (codes: readonly string[]) => codes.flatMap((c, i) => (i === 0 ? [codeLink(c)] : [', ', codeLink(c)]));
  const hist = ref.history;
  replaceChildren(
    body,
    h('p', { class: 'lead' }, `${ref.system} code, as the knowledge in force on ${ref.date} has it.`),
    section(
      'History',
      'ref-history',
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Valid'),
        h('dd', {}, `${period(hist.effective, hist.end)}; on ${ref.date}: ${STATUS_WORDS[hist.status].toLowerCase()}${hist.statusUnverified ? ' (current status unverified)' : ''}`),
        hist.replaces.length > 0 ? [h('dt', {}, 'Replaced'), h('dd', {}, joinLinks(hist.replaces))] : null,
        hist.replacedBy.length > 0 ? [h('dt', {}, 'Replaced by'), h('dd', {}, joinLinks(hist.replacedBy))] : null,
      ),
      sourceCitation(hist.source),
      citedList(hist.combinations, '', (c) => h('p', {}, `${c.codes.join(' + ')} → ${c.replacement} (${period(c.effective, c.end)}): ${c.rationale}`), (c) => c.source),
    ),
    section(
      'Common mistakes',
      'ref-mistakes',
      citedList(ref.mistakes, 'The knowledge records no common mistake for this code.', (m) => h('p', {}, h('strong', {}, m.mistake), ' ', m.instead), (m) => m.source),
    ),
    section(
      'Pairs',
      'ref-pairs',
      h('p', { class: ref.pairsNote.complete ? 'muted' : 'notice' }, ref.pairsNote.text),
      sourceCitation(ref.pairsNote.source),
      citedList(
        ref.pairs,
        'No pair edit with another code of the family.',
        (p) =>
          h(
            'p',
            {},
            h('strong', {}, `${p.column1} (column 1) with ${p.column2} (column 2)`),
            `, ${p.claimType === 'professional' ? 'practitioner' : 'hospital outpatient'} claims: ${p.kind.replace('-', ' ')}, modifier indicator ${p.modifierIndicator ?? 'not known'} (${p.indicatorConfidence}), ${period(p.effective, p.deletion)}${p.inForce ? '' : `, not applied on ${ref.date}`}. ${p.rationale}`,
          ),
        (p) => p.source,
      ),
    ),
    section(
      'Units',
      'ref-units',
      citedList(
        ref.units,
        'No MUE for this code in the tables in force.',
        (u) => h('p', {}, h('strong', {}, `MUE ${u.value}`), `, MAI ${u.mai ?? 'not published'} (${u.claimType === 'professional' ? 'practitioner' : 'hospital outpatient'} claims). ${u.rationale}`),
        (u) => u.source,
      ),
    ),
    section(
      'Modifiers',
      'ref-modifiers',
      ref.pcTc ? [h('p', {}, `PC/TC indicator ${ref.pcTc.indicator ?? '(from the code table)'}: ${ref.pcTc.split ? 'professional and technical components can be billed apart' : 'no professional/technical split'}.`), sourceCitation(ref.pcTc.source)] : null,
      citedList(ref.modifiers, 'The knowledge ties no modifier to this code.', (m) => h('p', {}, h('strong', {}, m.modifier), ` ${m.label} — ${m.because}`), (m) => m.source),
    ),
    section(
      'Coverage',
      'ref-coverage',
      h('h3', {}, 'Medicare'),
      citedList(ref.coverage.medicare.notes, 'The Medicare bone mass measurement policy says nothing of this code.', (n) => h('p', {}, n.text), (n) => n.source),
      h('h4', {}, 'Billing articles by jurisdiction'),
      citedList(
        ref.coverage.medicare.articles,
        'No billing article is loaded.',
        (a) => h('p', {}, h('strong', {}, `${a.jurisdictions.join(', ')}: ${a.contractor} ${a.article}`), ` ${a.title} — ${a.listsCode ? `lists ${ref.code}${a.coveredDiagnoses !== null ? ` with ${a.coveredDiagnoses} covered diagnoses` : ''}` : `does not list ${ref.code}`}.`),
        (a) => a.source,
      ),
      ref.coverage.medicare.contractors.length > 0 ? [h('h4', {}, 'Contractors’ same-day limits'), citedList(ref.coverage.medicare.contractors, '', (c) => h('p', {}, h('strong', {}, `${c.contractor} (${c.jurisdictions.join(', ')}) ${c.policy}`), ` ${c.text}`), (c) => c.source)] : null,
      h('h3', {}, 'Payers'),
      citedList(
        ref.coverage.payers,
        `No payer pack is in force on ${ref.date}.`,
        (p) =>
          h(
            'div',
            {},
            h('p', {}, h('strong', {}, p.name), ` (${p.program}, version ${p.version}, ${period(p.effective, p.end)})`),
            p.rules.length === 0 ? h('p', { class: 'muted' }, `No rule of this pack names ${ref.code}.`) : h('ul', {}, p.rules.map((r) => h('li', {}, `${r.severity}: ${r.message}`, sourceCitation(r.source)))),
          ),
        (p) => p.source,
      ),
    ),
  );
}

function diffSummary(diff: KnowledgeDiffAnswer): HTMLElement {
  const rows = [
    ...diff.added.map((r) => ({ what: 'Added', table: r.table, text: JSON.stringify(r.row) })),
    ...diff.deleted.map((r) => ({ what: 'Deleted', table: r.table, text: JSON.stringify(r.row) })),
    ...diff.changed.map((r) => ({ what: 'Changed', table: r.table, text: `${JSON.stringify(r.key)}: ${Object.entries(r.changes).map(([col, c]) => `${col} ${String(c.before)} → ${String(c.after)}`).join(', ')}` })),
  ];
  const shown = rows.slice(0, 200);
  return h(
    'div',
    {},
    h('p', {}, `Compared with ${diff.from ?? 'nothing (the first version of its kind)'}: ${diff.added.length} added, ${diff.deleted.length} deleted, ${diff.changed.length} changed${diff.familyOnly ? ' (rows of the bone-density family)' : ''}.`, diff.touchedCodes.length > 0 ? ` Codes touched: ${diff.touchedCodes.slice(0, 50).join(', ')}.` : ''),
    shown.length === 0
      ? null
      : h(
          'table',
          { class: 'data-table' },
          h('caption', {}, rows.length > shown.length ? `The first ${shown.length} of ${rows.length} rows` : `${rows.length} rows`),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Change'), h('th', { scope: 'col' }, 'Table'), h('th', { scope: 'col' }, 'Row'))),
          h('tbody', {}, shown.map((r) => h('tr', {}, h('td', {}, r.what), h('td', {}, r.table), h('td', { class: 'mono' }, r.text)))),
        ),
  );
}

async function renderChanges(ctx: ViewContext): Promise<void> {
  const date = chosenDate(ctx);
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading the knowledge versions…'));
  replaceChildren(ctx.main, pageHeading('What changed', h('a', { href: `#/reference${query({ date })}`, class: 'button-link' }, 'All codes')), body);
  const index = await loadInto<ReferenceIndex>(body, `/v1/reference${query({ date })}`, ctx.signal, 'The knowledge versions could not be loaded.');
  if (!index) return;
  const embedded = section('Shipped with dxacode', 'changes-embedded', h('ul', { class: 'plain-list' }, index.tables.map((t) => h('li', {}, `${t.title}: version ${t.version}`))));
  const imported = index.versions.map((v, i) => {
    const holder = h('div', { class: 'diff-holder', 'aria-live': 'polite' });
    const button = h('button', { type: 'button', class: 'button-secondary button-small', 'aria-expanded': 'false', 'aria-controls': `diff-${i}` }, 'Show what changed');
    holder.id = `diff-${i}`;
    button.addEventListener('click', async () => {
      if (button.getAttribute('aria-expanded') === 'true') {
        replaceChildren(holder);
        button.setAttribute('aria-expanded', 'false');
        button.textContent = 'Show what changed';
        return;
      }
      button.disabled = true;
      replaceChildren(holder, h('p', { class: 'muted' }, 'Comparing…'));
      try {
        replaceChildren(holder, diffSummary(await getJson<KnowledgeDiffAnswer>(`/v1/knowledge/diff${query({ to: v.id })}`, ctx.signal)));
        button.setAttribute('aria-expanded', 'true');
        button.textContent = 'Hide what changed';
      } catch (error) {
        replaceChildren(holder);
        showError(error, 'The changes could not be loaded.');
      } finally {
        button.disabled = false;
      }
    });
    return h(
      'li',
      { class: 'version-item' },
      h('p', {}, h('strong', {}, `${v.kindTitle} ${v.edition}`), ` — in force ${period(v.effectiveFrom, v.effectiveTo)}${v.inForce ? ` (in force on ${index.date})` : ''}; imported by ${v.importedBy} on ${formatDateTime(v.importedAt)}. `, h('span', { class: 'mono' }, v.id)),
      button,
      holder,
    );
  });
  replaceChildren(
    body,
    section('Imported versions', 'changes-imported', imported.length === 0 ? h('p', { class: 'muted' }, 'No knowledge version has been imported: the checks use the data shipped with dxacode.') : h('ol', { class: 'plain-list' }, imported)),
    embedded,
  );
}
