/**
 * The life of one encounter on its page (GET /v1/encounters/:id/life): checked, accepted, exported, acknowledged,
 * accepted or rejected by the payer, paid or denied, as an ordered list oldest first, with the status, CARC and RARC
 * codes in words (their source in the title) and, for a payment, each line's amounts.
 */
import { getJson } from './api.js';
import { formatDateTime, h, replaceChildren } from './dom.js';
import { formatCents } from './denials.js';
import type { EncounterLife } from './types.js';

/** Stage names as a coder says them. */
const STAGE_LABELS: Record<string, string> = {
  checked: 'Checked',
  accepted: 'Accepted',
  exported: 'Exported',
  acknowledged: 'Acknowledged',
  'acknowledgment-rejected': 'Rejected by the clearinghouse',
  'payer-received': 'Received by the payer',
  'payer-accepted': 'Accepted by the payer',
  'payer-rejected': 'Rejected by the payer',
  paid: 'Paid',
  'partly-paid': 'Partly paid',
  denied: 'Denied',
  reversed: 'Payment reversed',
};

function eventItem(event: EncounterLife['events'][number]): HTMLElement {
  const reasons = event.codes.filter((c) => c.list === 'CARC' || c.list === 'RARC');
  return h(
    'li',
    { class: `life-event stage-${event.stage}` },
    h('p', {}, h('strong', {}, STAGE_LABELS[event.stage] ?? event.stage), ' ', h('time', { datetime: event.at, class: 'muted' }, formatDateTime(event.at))),
    h('p', {}, event.summary),
    reasons.length ? h('ul', { class: 'plain-list codes' }, reasons.map((c) => h('li', { title: c.source?.title ?? null }, h('span', { class: 'muted' }, `${c.list} `), h('code', {}, c.code), ' ', c.description ?? 'no description embedded'))) : null,
    event.lines?.length
      ? h('ul', { class: 'plain-list' }, event.lines.map((l) => h('li', {}, `Line ${l.line ?? '?'} `, h('code', {}, l.code ?? '?'), `: paid ${formatCents(l.paidCents)} of ${formatCents(l.billedCents)}`)))
      : null,
  );
}

/** The life card: drawn at once, filled when the life has loaded. */
export function lifeCard(encounterId: string, signal: AbortSignal): HTMLElement {
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading…'));
  const section = h('section', { class: 'card life', 'aria-labelledby': 'life-heading' }, h('h2', { id: 'life-heading' }, 'Claim life'), body);
  getJson<EncounterLife>(`/v1/encounters/${encodeURIComponent(encounterId)}/life`, signal)
    .then((life) => {
      body.removeAttribute('aria-busy');
      replaceChildren(body, h('p', {}, 'Now: ', h('strong', { class: `life-outcome stage-${life.outcome}` }, STAGE_LABELS[life.outcome] ?? life.outcome)), h('ol', { class: 'life-timeline' }, life.events.map(eventItem)));
    })
    .catch((error: unknown) => {
      if ((error as Error).name === 'AbortError') return;
      body.removeAttribute('aria-busy');
      replaceChildren(body, h('p', { class: 'muted' }, 'The claim life could not be loaded.'));
    });
  return section;
}
