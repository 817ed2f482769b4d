/**
 * Batches: upload a file of encounters (NDJSON, X12 837P or HL7 v2), then watch the job: a progress bar polled
 * every 500 ms, the per-item results with links to the stored encounters, and the earlier batches.
 */
import { getJson, postFile, query } from './api.js';
import { formatDateTime, h, replaceChildren, shortId, verdictBadge } from './dom.js';
import type { BatchItem, BatchJob } from './types.js';
import { announce, errorList, field, pageHeading, showError, type ViewContext } from './ui.js';

/** How often a running batch is polled. */
export const POLL_MS = 500;

/** File name endings and the content type the API reads them as. */
export const BATCH_TYPES = [
  { ext: ['.ndjson', '.jsonl'], contentType: 'application/x-ndjson', label: 'NDJSON encounters' },
  { ext: ['.edi', '.x12', '.837'], contentType: 'application/edi-x12', label: 'X12 837P claims' },
  { ext: ['.hl7'], contentType: 'application/hl7-v2', label: 'HL7 v2 messages' },
] as const;

/** The content type for a file name, by its ending (browsers guess none of these reliably). */
export function batchContentType(name: string): (typeof BATCH_TYPES)[number] | undefined {
  const lower = name.toLowerCase();
  return BATCH_TYPES.find((t) => t.ext.some((e) => lower.endsWith(e)));
}

const STATUS_LABEL: Record<BatchJob['status'], string> = { queued: 'Queued', running: 'Running', done: 'Done' };

function statusTag(status: BatchJob['status'] | BatchItem['status']): HTMLElement {
  return h('span', { class: `tag status-${status}` }, status in STATUS_LABEL ? STATUS_LABEL[status as BatchJob['status']] : status[0]!.toUpperCase() + status.slice(1));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new DOMException('navigated away', 'AbortError'));
    }, { once: true });
  });
}

function uploadCard(): HTMLElement {
  const file = h('input', { type: 'file', name: 'batch', accept: BATCH_TYPES.flatMap((t) => [...t.ext]).join(','), required: true });
  const detected = h('p', { class: 'hint', 'aria-live': 'polite' }, 'NDJSON (.ndjson, .jsonl), X12 837P (.edi, .x12, .837) or HL7 v2 (.hl7).');
  const errors = h('div', { class: 'form-errors', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, 'Upload and check');
  file.addEventListener('change', () => {
    const picked = file.files?.[0];
    const type = picked ? batchContentType(picked.name) : undefined;
    detected.textContent = picked ? (type ? `${picked.name}: ${type.label}, ${picked.size.toLocaleString()} bytes.` : `${picked.name}: unknown type; rename it to .ndjson, .edi or .hl7.`) : '';
  });
  const form = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'upload-heading',
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        replaceChildren(errors);
        const picked = file.files?.[0];
        if (!picked) {
          replaceChildren(errors, h('p', {}, 'Choose a file first.'));
          file.focus();
          return;
        }
        const type = batchContentType(picked.name);
        if (!type) {
          replaceChildren(errors, h('p', {}, `${picked.name} does not end in .ndjson, .jsonl, .edi, .x12, .837 or .hl7, so its format is unknown.`));
          file.focus();
          return;
        }
        submit.disabled = true;
        try {
          const { jobId } = await postFile<{ jobId: string }>('/v1/batches', picked, type.contentType);
          announce(`Batch ${jobId} queued.`);
          location.hash = `#/batches/${encodeURIComponent(jobId)}`;
        } catch (error) {
          replaceChildren(errors, h('p', {}, 'The batch was not accepted:'), errorList(error));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h2', { id: 'upload-heading' }, 'Upload a batch'),
    field('File of encounters or claims', file),
    detected,
    errors,
    h('div', { class: 'actions' }, submit),
  );
  return form;
}

function itemsTable(items: BatchItem[]): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted' }, 'No item has been read yet.');
  return h(
    'table',
    { class: 'data-table batch-items' },
    h('caption', { class: 'visually-hidden' }, 'Items of this batch'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, '#'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Verdict'), h('th', { scope: 'col' }, 'Encounter'), h('th', { scope: 'col' }, 'Findings'))),
    h(
      'tbody',
      {},
      items.map((item) =>
        h(
          'tr',
          {},
          h('td', { class: 'num' }, String(item.seq)),
          h('td', {}, statusTag(item.status)),
          h('td', {}, item.verdict ? verdictBadge(item.verdict) : h('span', { class: 'muted' }, '—')),
          h('td', {}, item.encounterId ? h('a', { href: `#/encounters/${encodeURIComponent(item.encounterId)}`, 'aria-label': `Encounter ${item.encounterId}` }, shortId(item.encounterId)) : h('span', { class: 'muted' }, '—')),
          h(
            'td',
            {},
            item.findings?.length
              ? h('ul', { class: 'plain-list compact' }, item.findings.slice(0, 3).map((f) => h('li', {}, h('code', { class: 'rule-id' }, f.rule), ' ', f.message)), item.findings.length > 3 ? h('li', { class: 'muted' }, `and ${item.findings.length - 3} more`) : null)
              : // Done items carry their findings on the encounter; only failed items say why here.
                h('span', { class: 'muted' }, item.findings ? 'none' : item.status === 'done' ? 'on the encounter' : '—'),
          ),
        ),
      ),
    ),
  );
}

async function watchJob(ctx: ViewContext, id: string, holder: HTMLElement): Promise<void> {
  const progress = h('progress', { max: '1', value: '0', id: 'batch-progress' });
  const label = h('label', { for: 'batch-progress', class: 'progress-label' }, 'Waiting for the batch…');
  const counts = h('p', { class: 'progress-counts', 'aria-live': 'polite' });
  const items = h('div', { class: 'table-holder' });
  replaceChildren(holder, h('section', { class: 'card', 'aria-labelledby': 'job-heading' }, h('h2', { id: 'job-heading' }, `Batch ${id}`), label, progress, counts, items));
  let lastStatus = '';
  for (;;) {
    const job = await getJson<BatchJob>(`/v1/batches/${encodeURIComponent(id)}`, ctx.signal);
    const finished = job.status === 'done';
    const processed = finished ? job.total : Math.min(job.total, job.done + job.failed);
    progress.max = Math.max(1, job.total);
    progress.value = job.total === 0 && finished ? 1 : processed;
    label.textContent = `${STATUS_LABEL[job.status]}: ${processed} of ${job.total} read`;
    replaceChildren(
      counts,
      statusTag(job.status),
      ` ${job.done} done, `,
      h('span', { class: job.failed ? 'text-error' : '' }, `${job.failed} failed`),
      `, ${job.total} in all. Started ${formatDateTime(job.createdAt)}${job.finishedAt ? `, finished ${formatDateTime(job.finishedAt)}` : ''}.`,
    );
    const page = await getJson<{ items: BatchItem[] }>(`/v1/batches/${encodeURIComponent(id)}/items${query({ offset: 0, limit: 500 })}`, ctx.signal);
    replaceChildren(items, itemsTable(page.items));
    if (job.status !== lastStatus && finished) announce(`Batch ${id} finished: ${job.done} done, ${job.failed} failed.`);
    lastStatus = job.status;
    if (finished) return;
    await sleep(POLL_MS, ctx.signal);
  }
}

async function earlierBatches(ctx: ViewContext, holder: HTMLElement): Promise<void> {
  const { batches } = await getJson<{ batches: BatchJob[] }>('/v1/batches', ctx.signal);
  replaceChildren(
    holder,
    h('h2', { id: 'earlier-heading' }, 'Earlier batches'),
    batches.length
      ? h(
          'table',
          { class: 'data-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Batch'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col', class: 'num' }, 'Done'), h('th', { scope: 'col', class: 'num' }, 'Failed'), h('th', { scope: 'col', class: 'num' }, 'Total'), h('th', { scope: 'col' }, 'Started'))),
          h(
            'tbody',
            {},
            batches.map((b) =>
              h(
                'tr',
                {},
                h('td', {}, h('a', { href: `#/batches/${encodeURIComponent(b.id)}`, 'aria-label': `Batch ${b.id}` }, shortId(b.id))),
                h('td', {}, statusTag(b.status)),
                h('td', { class: 'num' }, String(b.done)),
                h('td', { class: 'num' }, String(b.failed)),
                h('td', { class: 'num' }, String(b.total)),
                h('td', {}, formatDateTime(b.createdAt)),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No batch yet.'),
  );
}

/** Draws the batch page; with an id in the route, watches that batch until it is done. */
export async function renderBatches(ctx: ViewContext): Promise<void> {
  const job = h('div', { class: 'batch-job' });
  const earlier = h('section', { class: 'card', 'aria-labelledby': 'earlier-heading' }, h('p', { class: 'muted' }, 'Loading earlier batches…'));
  replaceChildren(ctx.main, pageHeading('Batches'), h('div', { class: 'grid-2' }, uploadCard(), earlier), job);
  const id = ctx.params.id;
  const watching = id ? watchJob(ctx, id, job).catch((error: unknown) => showError(error, `Batch ${id} could not be read.`)) : Promise.resolve();
  await Promise.all([watching, earlierBatches(ctx, earlier).catch((error: unknown) => {
    replaceChildren(earlier, h('h2', { id: 'earlier-heading' }, 'Earlier batches'), errorList(error));
  })]);
  // Once a watched batch is done, the list shows its final counts too.
  if (id && !ctx.signal.aborted) await earlierBatches(ctx, earlier).catch(() => undefined);
}
