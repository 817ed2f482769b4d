/**
 * The workbench page's entry: hash routes (#/worklist, #/new, #/encounters/:id, #/batches[/:id], #/dashboard, #/denials,
 * #/reference[/:code|/changes], #/registry, #/figures), the
 * signed-in header and the shortcuts. Each navigation aborts the previous view's fetches and polling, then focuses
 * the new page's heading.
 */
import { currentSession, currentToken, setUnauthenticatedHandler, signOut, switchOrganization } from './api.js';
import { renderBatches } from './batches.js';
import { renderDashboard } from './dashboard.js';
import { renderDenials } from './denials.js';
import { h, replaceChildren } from './dom.js';
import { renderEncounter } from './encounter.js';
import { renderFigures } from './figures.js';
import { installShortcuts } from './keyboard.js';
import { renderNewEncounter } from './new-encounter.js';
import { renderReference } from './reference.js';
import { renderRegistry } from './registry.js';
import { renderReportDraft } from './report-draft.js';
import { renderSignIn } from './signin.js';
import type { Session } from './types.js';
import { announce, clearStaleStatus, showError, type View } from './ui.js';
import { renderWorklist } from './worklist.js';

interface Route {
  pattern: RegExp;
  nav: string;
  title: string;
  view: View;
  params: string[];
}

const ROUTES: Route[] = [
  { pattern: /^\/worklist$/, nav: 'worklist', title: 'Worklist', view: renderWorklist, params: [] },
  { pattern: /^\/new$/, nav: 'new', title: 'New encounter', view: renderNewEncounter, params: [] },
  { pattern: /^\/report$/, nav: 'report', title: 'Report draft', view: renderReportDraft, params: [] },
  { pattern: /^\/encounters\/([^/]+)$/, nav: 'worklist', title: 'Encounter', view: renderEncounter, params: ['id'] },
  { pattern: /^\/batches$/, nav: 'batches', title: 'Batches', view: renderBatches, params: [] },
  { pattern: /^\/batches\/([^/]+)$/, nav: 'batches', title: 'Batch', view: renderBatches, params: ['id'] },
  { pattern: /^\/dashboard$/, nav: 'dashboard', title: 'Dashboard', view: renderDashboard, params: [] },
  { pattern: /^\/denials$/, nav: 'denials', title: 'Denials', view: renderDenials, params: [] },
  { pattern: /^\/reference$/, nav: 'reference', title: 'Code reference', view: renderReference, params: [] },
  { pattern: /^\/reference\/([^/]+)$/, nav: 'reference', title: 'Code reference', view: renderReference, params: ['code'] },
  { pattern: /^\/registry$/, nav: 'registry', title: 'Research registry', view: renderRegistry, params: [] },
  { pattern: /^\/figures$/, nav: 'figures', title: 'Figures', view: renderFigures, params: [] },
];

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const sessionBox = document.getElementById('session')!;
const who = document.getElementById('session-who')!;
const help = document.getElementById('help') as HTMLDialogElement;
let current: AbortController | undefined;
let firstLoad = true;

function showSession(session: Session | undefined): void {
  nav.hidden = !session;
  sessionBox.hidden = !session;
  replaceChildren(who);
  if (session) {
    const role = h('span', { class: 'role' }, session.role);
    const organizations = session.organizations ?? [];
    who.append(organizations.length > 1 ? organizationSwitcher(session, organizations) : session.organization, ' ', role);
  }
}

/** An admin's choice of the organisations it administers; the page then works in the chosen one (X-Organization). */
function organizationSwitcher(session: Session, organizations: string[]): HTMLElement {
  const select = h('select', { id: 'organization-switch', 'aria-label': 'Organisation' }, organizations.map((o) => h('option', { value: o, selected: o === session.organization }, o === (session.homeOrganization ?? organizations[0]) ? `${o} (own)` : o)));
  select.addEventListener('change', () => {
    const switched = switchOrganization(select.value);
    if (!switched) return;
    announce(`Now working in ${switched.organization}.`);
    // The current page's data belonged to the other organisation: start again at the worklist.
    if (location.hash === '#/worklist') void route();
    else location.hash = '#/worklist';
  });
  return select;
}

function parseHash(): { path: string; query: URLSearchParams } {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(1) : '/worklist';
  const at = raw.indexOf('?');
  return at < 0 ? { path: raw, query: new URLSearchParams() } : { path: raw.slice(0, at), query: new URLSearchParams(raw.slice(at + 1)) };
}

async function route(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const session = currentSession();
  if (!currentToken() || !session) {
    showSession(undefined);
    document.title = 'Sign in · dxacode workbench';
    renderSignIn(main, (signedIn) => {
      showSession(signedIn);
      if (!location.hash || location.hash === '#/signin') location.hash = '#/worklist';
      else void route();
    });
    return;
  }
  showSession(session);
  const { path, query } = parseHash();
  const match = ROUTES.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
  if (!match) {
    location.replace('#/worklist');
    return;
  }
  const params: Record<string, string> = {};
  match.r.params.forEach((name, i) => (params[name] = decodeURIComponent(match.m![i + 1]!)));
  for (const link of nav.querySelectorAll<HTMLAnchorElement>('a[data-route]')) {
    if (link.dataset.route === match.r.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${match.r.title} · dxacode workbench`;
  // On the first load focus stays at the top (skip link first); after a navigation it moves to the new heading,
  // so the next Tab starts in the new page, not at the old position in the nav.
  const moveFocus = !firstLoad;
  firstLoad = false;
  try {
    const rendering = match.r.view({ main, params, query, signal: controller.signal, session });
    if (moveFocus) (main.querySelector<HTMLElement>('h1') ?? main).focus({ preventScroll: true });
    await rendering;
    // A view that redrew itself after loading dropped the focused heading; put focus back unless the user moved it.
    const lost = !document.activeElement || document.activeElement === document.body;
    if (moveFocus && current === controller && lost) main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  } catch (error) {
    if ((error as Error).name !== 'AbortError') showError(error);
  }
}

function navigated(): void {
  // Only #/... are routes; any other hash is an in-page anchor and must not redraw the page.
  if (location.hash && !location.hash.startsWith('#/')) return;
  // A status from the previous page would be read as if it were about this one.
  clearStaleStatus();
  void route();
}

// The skip link moves focus without touching the hash, which the router owns.
document.querySelector<HTMLAnchorElement>('.skip-link')!.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
  main.scrollIntoView();
});

document.getElementById('sign-out')!.addEventListener('click', () => {
  signOut();
  current?.abort();
  announce('Signed out.');
  location.hash = '#/signin';
  void route();
});
document.getElementById('help-button')!.addEventListener('click', () => help.showModal());
setUnauthenticatedHandler(() => {
  signOut();
  showError(new Error('Your token is no longer accepted. Sign in again.'));
  void route();
});
installShortcuts(() => help.showModal(), () => Boolean(currentToken()));
window.addEventListener('hashchange', navigated);
void route();
