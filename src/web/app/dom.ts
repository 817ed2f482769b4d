/**
 * Small DOM builders. Text always goes in through text nodes, never innerHTML, so report text and server messages
 * can never become markup.
 */
import type { TopFinding, Verdict } from './types.js';

/** What a builder accepts as a child: nodes, text, or nothing (skipped, so conditionals read naturally). */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attributes and event handlers for h(); `on*` functions become listeners, booleans toggle the attribute. */
export type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

function applyAttrs(el: Element, attrs: Attrs | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
}

/** Builds an HTML element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Builds an SVG element (charts are drawn as inline SVG, no library). */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

const VERDICT_LABEL: Record<Verdict, string> = { clean: 'Clean', review: 'Review', reject: 'Reject' };
const VERDICT_ICON: Record<Verdict, string> = { clean: '✓', review: '!', reject: '✕' };

/** A verdict as a badge: word and icon as well as colour, so it never relies on colour alone. */
export function verdictBadge(verdict: Verdict, large = false): HTMLElement {
  return h(
    'span',
    { class: `badge verdict-${verdict}${large ? ' badge-large' : ''}` },
    h('span', { 'aria-hidden': 'true', class: 'badge-icon' }, VERDICT_ICON[verdict]),
    VERDICT_LABEL[verdict],
  );
}

/** A date-time from the API, shortened to what a coder needs (minutes, local time). */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A stored id (token or encounter UUID) shortened for reading; the full id stays in the title attribute. */
export function shortId(id: string, attrs: { prefix?: string } = {}): HTMLElement {
  const short = /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(id) ? id.slice(0, 8) : id;
  return h('span', { class: 'mono short-id', title: id }, `${attrs.prefix ?? ''}${short}`);
}

/** Saves text or bytes as a file: a Blob object URL clicked through a temporary <a download>. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke later: revoking at once can cancel the download before the browser has read the blob.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const SEVERITY_WORD = { error: 'Error', warning: 'Warning', info: 'Note' } as const;

/** A list's top finding in its own words, led by its severity in words (never colour alone); the whole message is its title. */
export function topFindingText(top: TopFinding | null | undefined, maxChars = 140, none = 'No findings'): HTMLElement {
  if (top === null || top === undefined) return h('span', { class: 'muted' }, none);
  const text = top.message.length > maxChars ? `${top.message.slice(0, maxChars - 1)}…` : top.message;
  return h('span', { class: `top-finding top-${top.severity}`, title: top.message }, h('strong', {}, `${SEVERITY_WORD[top.severity]}: `), text);
}
