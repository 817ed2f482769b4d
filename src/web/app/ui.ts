/**
 * What every view shares: the status area (aria-live, so screen readers hear outcomes), error display with the
 * server's findings, and the context a view is rendered with.
 */
import { ApiError, query } from './api.js';
import { h, replaceChildren } from './dom.js';
import type { Source } from './types.js';

/** What a view gets: where to draw, the route's parameters, and a signal that fires when the user navigates away. */
export interface ViewContext {
  main: HTMLElement;
  params: Record<string, string>;
  query: URLSearchParams;
  signal: AbortSignal;
  session: { organization: string; role: string };
}

/** A view draws itself into ctx.main; its fetches stop when ctx.signal aborts. */
export type View = (ctx: ViewContext) => Promise<void>;

let statusSetAt = 0;

function statusArea(): HTMLElement {
  statusSetAt = performance.now();
  return document.getElementById('status')!;
}

/** Says something went well (or is under way) in the status area. */
export function announce(message: string): void {
  replaceChildren(statusArea(), h('p', { class: 'status-ok' }, message));
}

/**
 * Clears the status area on navigation, unless it was just set: an action that saves and then navigates
 * ("Encounter saved") must stay readable on the page it leads to.
 */
export function clearStaleStatus(): void {
  if (performance.now() - statusSetAt > 1500) replaceChildren(document.getElementById('status')!);
}

/** The findings of an error as a list, the server's rule ids beside its messages. */
export function errorList(error: unknown): HTMLElement {
  if (error instanceof ApiError) {
    return h('ul', { class: 'error-list' }, error.findings.map((f) => h('li', {}, f.message, ' ', h('code', { class: 'rule-id' }, f.rule))));
  }
  return h('ul', { class: 'error-list' }, h('li', {}, error instanceof Error ? error.message : String(error)));
}

/** Shows an error in the status area (role=alert, read at once). */
export function showError(error: unknown, what?: string): void {
  if ((error as Error)?.name === 'AbortError') return;
  replaceChildren(statusArea(), h('div', { class: 'status-error', role: 'alert' }, what ? h('strong', {}, what) : null, errorList(error)));
}

/** A page heading that takes focus after navigation, so keyboard and screen-reader users start at the top of the view. */
export function pageHeading(text: string, ...rest: (Node | string | null)[]): HTMLElement {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1', id: 'page-title' }, text), ...rest);
}

/** A labelled form field: the label's `for` ties it to the control. */
/**
 * Marks a control as invalid with its message shown under it (aria-invalid, described by the message and its hint),
 * or clears that when the message is undefined.
 */
export function setFieldError(control: HTMLElement, message: string | undefined): void {
  const wrapper = control.closest('.field') ?? control.parentElement;
  const id = `${control.id}-error`;
  wrapper?.querySelector(`#${CSS.escape(id)}`)?.remove();
  const described = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && x !== id);
  if (message === undefined) {
    control.removeAttribute('aria-invalid');
    if (described.length) control.setAttribute('aria-describedby', described.join(' '));
    else control.removeAttribute('aria-describedby');
    return;
  }
  control.setAttribute('aria-invalid', 'true');
  control.setAttribute('aria-describedby', [id, ...described].join(' '));
  wrapper?.append(h('small', { id, class: 'field-error' }, message));
}

export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', { id: hintId, class: 'hint' }, hint) : null);
}

/** The date-of-service range form of a page (the dashboard, the figures): Apply goes to `route` with the range in its query. */
export function dateRangeForm(route: string, range: { from: string; to: string }): HTMLFormElement {
  const from = h('input', { type: 'date', name: 'from', value: range.from });
  const to = h('input', { type: 'date', name: 'to', value: range.to });
  return h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Date range',
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = `${route}${query({ from: from.value, to: to.value })}`;
      },
    },
    field('Date of service from', from),
    field('to', to),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button-primary' }, 'Apply'), h('a', { href: route, class: 'button-link' }, 'All dates')),
  );
}

/** A source URL as a link target: only web links, since a source URL is data and javascript: or data: must never become clickable. */
export function safeUrl(url: string | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

/** "Source: title (version) confidence" for a finding or a reference fact, the title linked when the source has a web URL. */
export function sourceCitation(source: Source, className = 'source'): HTMLElement {
  const url = safeUrl(source.url);
  return h(
    'p',
    { class: className },
    h('span', { class: 'muted' }, 'Source: '),
    url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, source.title) : source.title,
    source.version ? ` (${source.version})` : null,
    ' ',
    h('span', { class: `confidence confidence-${source.confidence}` }, source.confidence),
  );
}
