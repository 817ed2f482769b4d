/**
 * Batches: upload a file of encounters (NDJSON, X12 837P or HL7 v2), then watch the job: a progress bar polled
 * every 500 ms, the per-item results (each encounter's id and top reason) with links to the stored encounters, the
 * results as CSV or NDJSON once done, and the earlier batches with their file names and uploaders.
 */
import { getBlob, getJson, postFile, query } from './api.js';
import { formatDateTime, h, replaceChildren, saveBlob, shortId, topFindingText, verdictBadge } from './dom.js';
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
          const { jobId } = await postFile<{ jobId: string }>('/v1/batches', picked, type.contentType, picked.name);
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
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, '#'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Verdict'), h('th', { scope: 'col' }, 'Encounter'), h('th', { scope: 'col' }, 'Top reason'))),
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
          h(
            'td',
            { class: 'encounter' },
            item.encounterId
              ? h('a', { href: `#/encounters/${encodeURIComponent(item.encounterId)}`, 'aria-label': `Encounter ${item.externalId ?? item.encounterId}` }, item.externalId ? h('span', { class: 'mono' }, item.externalId) : shortId(item.encounterId))
              : h('span', { class: 'muted' }, '—'),
          ),
          h(
            'td',
            { class: 'top-reason' },
            topFindingText(item.topFinding, 160, item.status === 'pending' ? 'Not checked yet' : 'No findings'),
            // A failed item may have several problems; the first is the top reason, the count says there are more.
            item.status === 'failed' && (item.findings?.length ?? 0) > 1 ? h('span', { class: 'muted' }, ` (and ${item.findings!.length - 1} more)`) : null,
          ),
        ),
      ),
    ),
  );
}

/** Who uploaded a batch, in words: the token's role and short id. */
function uploader(job: BatchJob): string {
  return `${job.uploadedBy.role ?? 'revoked'} token ${job.uploadedBy.tokenId.slice(0, 8)}`;
}

/** Buttons that download a batch's results as CSV or NDJSON; disabled, and saying why, until the batch is done. */
function resultDownloads(id: string): { holder: HTMLElement; enable(): void } {
  const hint = h('small', { id: 'results-hint', class: 'hint' }, 'The results can be downloaded once every item is read.');
  const buttons = (['csv', 'ndjson'] as const).map((format) =>
    h(
      'button',
      {
        type: 'button',
        class: 'button-secondary',
        disabled: true,
        'aria-describedby': 'results-hint',
        onclick: async () => {
          try {
            const { blob, filename } = await getBlob(`/v1/batches/${encodeURIComponent(id)}/results?format=${format}`);
            saveBlob(blob, filename ?? `batch-${id.slice(0, 8)}-results.${format}`);
            announce(`Results of batch ${id.slice(0, 8)} downloaded as ${format.toUpperCase()}.`);
          } catch (error) {
            showError(error, 'The results could not be downloaded.');
          }
        },
      },
      `Download ${format === 'csv' ? 'CSV' : 'NDJSON'}`,
    ),
  );
  return {
    holder: h('div', { class: 'actions' }, buttons, hint),
    enable() {
      for (const button of buttons) {
        button.disabled = false;
        button.removeAttribute('aria-describedby');
      }
      hint.textContent = 'CSV: one row per item with its top reason. NDJSON: one item per line with its full result.';
    },
  };
}

async function watchJob(ctx: ViewContext, id: string, holder: HTMLElement): Promise<void> {
  const progress = h('progress', { max: '1', value: '0', id: 'batch-progress' });
  const label = h('label', { for: 'batch-progress', class: 'progress-label' }, 'Waiting for the batch…');
  const counts = h('p', { class: 'progress-counts', 'aria-live': 'polite' });
  const items = h('div', { class: 'table-holder' });
  const heading = h('h2', { id: 'job-heading' }, `Batch ${id}`);
  const meta = h('p', { class: 'batch-meta muted' });
  const downloads = resultDownloads(id);
  replaceChildren(holder, h('section', { class: 'card', 'aria-labelledby': 'job-heading' }, heading, meta, label, progress, counts, downloads.holder, items));
  let lastStatus = '';
  for (;;) {
    const job = await getJson<BatchJob>(`/v1/batches/${encodeURIComponent(id)}`, ctx.signal);
    const finished = job.status === 'done';
    if (lastStatus === '') {
      heading.textContent = job.fileName ? `Batch ${job.fileName}` : `Batch ${id}`;
      meta.textContent = `${job.fileName ? `Batch ${id.slice(0, 8)}, uploaded` : 'Uploaded'} by the ${uploader(job)} on ${formatDateTime(job.createdAt)}.`;
    }
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
    if (job.status !== lastStatus && finished) {
      downloads.enable();
      announce(`Batch ${id} finished: ${job.done} done, ${job.failed} failed.`);
    }
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
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Batch'), h('th', { scope: 'col' }, 'Uploaded by'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col', class: 'num' }, 'Done'), h('th', { scope: 'col', class: 'num' }, 'Failed'), h('th', { scope: 'col', class: 'num' }, 'Total'), h('th', { scope: 'col' }, 'Started'))),
          h(
            'tbody',
            {},
            batches.map((b) =>
              h(
                'tr',
                {},
                h('td', { class: 'batch-file' }, h('a', { href: `#/batches/${encodeURIComponent(b.id)}`, 'aria-label': `Batch ${b.fileName ?? b.id}` }, b.fileName ?? shortId(b.id))),
                h('td', {}, uploader(b)),
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
