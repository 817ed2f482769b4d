/**
 * Batch jobs as a queue in the store's own database: a job row with progress counts and one row per item. Any
 * server process may claim pending items under a time-limited lease; an item's encounter, check result, audit record
 * and its `done` mark commit in one transaction, so an item's effects happen exactly once however many processes
 * work the queue and whenever one of them dies. The same code runs on SQLite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Encounter } from '../contract/encounter.js';
import type { Finding, Result } from '../contract/result.js';
import { checkClaimFromX12 } from '../interchange/x12/index.js';
import type { Knowledge } from '../knowledge/compile.js';
import { StoreError, withStoreErrors } from './errors.js';
import type { CheckOptions, Store, WriteOps } from './store.js';
import type { OrganizationStore, OrganizationWriteOps } from './organization.js';
import { topFindingOf, topFindingSummary, type TopFinding } from './worklist.js';

/** Upload formats a batch can come in. */
export const JOB_FORMATS = { ndjson: 'ndjson', x12: 'x12', hl7: 'hl7' } as const;
/** One upload format. */
export type JobFormat = (typeof JOB_FORMATS)[keyof typeof JOB_FORMATS];

/** A job is queued until a worker claims its first item, running until every item is done or failed, then done. */
export const JOB_STATUSES = { queued: 'queued', running: 'running', done: 'done' } as const;
/** One job status. */
export type JobStatus = (typeof JOB_STATUSES)[keyof typeof JOB_STATUSES];

/** Pending items wait for a worker; done items are stored and checked; failed items were unreadable or gave up. */
export const ITEM_STATUSES = { pending: 'pending', done: 'done', failed: 'failed' } as const;
/** One item status. */
export type ItemStatus = (typeof ITEM_STATUSES)[keyof typeof ITEM_STATUSES];

/** How an item's encounter is checked: the engine's check(), or as an 837P claim (billed services stand in for performed). */
export const ITEM_CHECKERS = { x12Claim: 'x12-claim' } as const;
/** One checker choice. */
export type ItemChecker = (typeof ITEM_CHECKERS)[keyof typeof ITEM_CHECKERS];

/** Claims this many times without completing make an item a poison item: it is failed rather than retried forever. */
export const MAX_ITEM_ATTEMPTS = 5;

/** Finding ids the queue itself reports on items, declared once. */
export const JOB_FINDINGS = {
  gaveUp: 'batch.gave-up',
  invalid: 'batch.item-invalid',
} as const;

const JOB_SOURCE = { title: 'dxacode batch jobs', confidence: 'verified' } as const;

/**
 * One item of an upload: an encounter to store and check (with reader notes, such as X12 warnings, kept beside it),
 * or the problems that made a part of the upload unreadable.
 */
export type JobItemInput = { encounter: Encounter; checker?: ItemChecker; notes?: Finding[] } | { problems: Finding[] };

/** A new job: who uploaded what. */
export interface NewJob {
  /** The uploading token's id: results and audit records name it as the actor. */
  actor: string;
  format: JobFormat;
  /** The uploaded file's name, when the client gave one. */
  fileName?: string | undefined;
  /** The items in upload order. */
  items: Iterable<JobItemInput>;
}

/**
 * An item in the form it is stored in: JSON text. A large upload is turned into these as it is read (prepareItems),
 * outside the write transaction, so it holds text rather than every parsed encounter and the write lock is held only
 * while the rows are inserted.
 */
export type PreparedItem = { inputJson: string; notesJson: string | null } | { problemsJson: string };

/** A job whose items are prepared. */
export type PreparedJob = Omit<NewJob, 'items'> & { items: readonly PreparedItem[] };

/** The stored form of each item, consuming the items one at a time (a generator is never held whole). */
export function prepareItems(items: Iterable<JobItemInput>): PreparedItem[] {
  const prepared: PreparedItem[] = [];
  for (const item of items) {
    if ('problems' in item) {
      prepared.push({ problemsJson: JSON.stringify(item.problems) });
      continue;
    }
    const input: StoredInput = { encounter: item.encounter, ...(item.checker !== undefined ? { checker: item.checker } : {}) };
    prepared.push({ inputJson: JSON.stringify(input), notesJson: item.notes !== undefined && item.notes.length > 0 ? JSON.stringify(item.notes) : null });
  }
  return prepared;
}

/** A job with its progress. */
export interface BatchJob {
  id: string;
  format: JobFormat;
  status: JobStatus;
  total: number;
  done: number;
  failed: number;
  createdAt: string;
  finishedAt: string | null;
  /** The uploaded file's name; null when the client gave none. */
  fileName: string | null;
  /** Who uploaded it: the token's id and role (role null once the token is gone). */
  uploadedBy: { tokenId: string; role: string | null };
}

/** One item's outcome as the API reports it. */
export interface BatchItem {
  seq: number;
  status: ItemStatus;
  encounterId?: string;
  /** The encounter's own id (its `id` field), when it gave one. */
  externalId?: string;
  version?: number;
  verdict?: Result['verdict'];
  /** The top reason: the stored result's first error, else warning, else note; for a failed item its first problem. */
  topFinding?: TopFinding;
  /** The stored result version, when asked for (listItems' withResults). */
  result?: Result;
  /** Why a failed item failed; for a done item, reader notes (X12 or HL7 warnings) when there were any. */
  findings?: Finding[];
}

/** An item a worker has leased. */
export interface ClaimedItem {
  jobId: string;
  seq: number;
  attempts: number;
}

/** What completing an item did: stored it, failed it, or found that it is no longer this worker's to do. */
export type ItemOutcome = 'done' | 'failed' | 'skipped';

/** Paging for lists. */
export interface Page {
  limit?: number;
  offset?: number;
}

/** What an item row holds while it is pending. */
interface StoredInput {
  encounter: Encounter;
  checker?: ItemChecker;
}

const INSERT_CHUNK = 500;
const MAX_PAGE = 1000;

/** Jobs at least this large refresh PostgreSQL's statistics on the queue once they are queued (see refreshQueueStatistics). */
export const ANALYZE_AFTER_ITEMS = 1000;

/** Queues a job of one organisation in its own transaction; see enqueueJobIn. */
export async function enqueueJob(store: OrganizationStore, job: NewJob): Promise<{ jobId: string; total: number; failed: number }> {
  const prepared = { ...job, items: prepareItems(job.items) };
  const queued = await store.transaction((ops) => enqueueJobIn(ops, prepared));
  await refreshQueueStatistics(store, queued.total);
  return queued;
}

/**
 * PostgreSQL plans the claim query from table statistics, and a large job just queued makes them stale at once: until
 * autovacuum catches up (a minute or more) every claim would read all of the job's pending items and sort them. So
 * after a large job the queue tables are analysed (sampled, without blocking readers or writers). SQLite needs no
 * statistics to use the pending-items index.
 */
export async function refreshQueueStatistics(store: Pick<Store, 'dialect' | 'db'>, queuedItems: number): Promise<void> {
  if (store.dialect !== 'postgres' || queuedItems < ANALYZE_AFTER_ITEMS) return;
  await withStoreErrors(() => sql`analyze jobs, job_items`.execute(store.db));
}

/**
 * Queues a job inside the caller's transaction (so an Idempotency-Key's stored response commits with it): the job
 * row, a pending item per encounter and an already failed item per unreadable part. A job whose every item failed
 * is done at once.
 */
export async function enqueueJobIn(ops: OrganizationWriteOps, job: PreparedJob): Promise<{ jobId: string; total: number; failed: number }> {
  const organization = ops.organization;
  if (!Object.values(JOB_FORMATS).includes(job.format)) throw new StoreError('invalid', 'expected format ndjson, x12 or hl7');
  const tx = ops.tx;
  const now = ops.now();
  const jobId = randomUUID();
  const total = job.items.length;
  const failed = job.items.filter((item) => 'problemsJson' in item).length;
  const finished = failed === total;
  await tx.insertInto('organizations').values({ id: organization, created_at: now }).onConflict((oc) => oc.column('id').doNothing()).execute();
  await tx
    .insertInto('jobs')
    .values({ id: jobId, organization, actor: job.actor, format: job.format, file_name: job.fileName ?? null, status: finished ? JOB_STATUSES.done : JOB_STATUSES.queued, total, done: 0, failed, created_at: now, finished_at: finished ? now : null })
    .execute();
  for (let start = 0; start < total; start += INSERT_CHUNK) {
    const rows = job.items.slice(start, start + INSERT_CHUNK).map((item, i) => {
      const base = { job_id: jobId, seq: start + i + 1, encounter_id: null, version: null, verdict: null, lease_owner: null, lease_until: null, attempts: 0 };
      if ('problemsJson' in item) return { ...base, status: ITEM_STATUSES.failed, input_json: null, problems_json: item.problemsJson, finished_at: now };
      return { ...base, status: ITEM_STATUSES.pending, input_json: item.inputJson, problems_json: item.notesJson, finished_at: null };
    });
    await tx.insertInto('job_items').values(rows).execute();
  }
  return { jobId, total, failed };
}

/**
 * Leases up to `limit` pending items whose lease is free or expired, oldest job first, to `workerId` until now +
 * `leaseMs`. Runs as one write transaction, and writers are serialised (BEGIN IMMEDIATE on SQLite, an advisory lock
 * on PostgreSQL), so two processes never lease the same item. Items already claimed MAX_ITEM_ATTEMPTS times are
 * failed here instead: something about them keeps killing or stalling the worker.
 */
export async function claimItems(store: Store, workerId: string, options: { limit: number; leaseMs: number }): Promise<ClaimedItem[]> {
  // Idle workers poll often: a plain read first, so an empty queue never takes the write lock from real writers.
  const active = await withStoreErrors(() => store.db.selectFrom('jobs').select('id').where('status', 'in', [JOB_STATUSES.queued, JOB_STATUSES.running]).limit(1).executeTakeFirst());
  if (active === undefined) return [];
  return store.transaction(async (ops) => {
    const tx = ops.tx;
    const now = ops.now();
    const leaseUntil = new Date(Date.parse(now) + options.leaseMs).toISOString();
    const jobs = await tx
      .selectFrom('jobs')
      .select(['id', 'status'])
      .where('status', 'in', [JOB_STATUSES.queued, JOB_STATUSES.running])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const claimed: ClaimedItem[] = [];
    for (const job of jobs) {
      const wanted = options.limit - claimed.length;
      if (wanted <= 0) break;
      const rows = await tx
        .selectFrom('job_items')
        .select(['seq', 'attempts'])
        .where('job_id', '=', job.id)
        .where('status', '=', ITEM_STATUSES.pending)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('seq')
        .limit(wanted)
        .execute();
      if (rows.length === 0) continue;
      const exhausted = rows.filter((r) => Number(r.attempts) >= MAX_ITEM_ATTEMPTS).map((r) => Number(r.seq));
      const taken = rows.filter((r) => Number(r.attempts) < MAX_ITEM_ATTEMPTS);
      for (const seq of exhausted) {
        const finding = jobFinding(JOB_FINDINGS.gaveUp, `The item could not be stored after ${MAX_ITEM_ATTEMPTS} attempts; it was given up so the rest of the batch could finish. Upload it again on its own.`);
        await finishItem(ops, job.id, seq, { status: ITEM_STATUSES.failed, problems_json: JSON.stringify([finding]) });
      }
      if (taken.length > 0) {
        await tx
          .updateTable('job_items')
          .set({ lease_owner: workerId, lease_until: leaseUntil, attempts: sql<number>`attempts + 1` })
          .where('job_id', '=', job.id)
          .where('seq', 'in', taken.map((r) => Number(r.seq)))
          .execute();
        if (job.status === JOB_STATUSES.queued) await tx.updateTable('jobs').set({ status: JOB_STATUSES.running }).where('id', '=', job.id).where('status', '=', JOB_STATUSES.queued).execute();
      }
      for (const r of taken) claimed.push({ jobId: job.id, seq: Number(r.seq), attempts: Number(r.attempts) + 1 });
    }
    return claimed;
  });
}

/**
 * Stores and checks one leased item: the encounter, its result version, its 'checked' audit record and the item's
 * `done` mark with the job's progress commit in ONE transaction, so after any crash the item is either wholly done
 * or still pending. Nothing happens when the item is no longer pending or no longer leased to this worker (its lease
 * expired and another worker took it). An encounter the store refuses as invalid fails the item; other errors
 * propagate and the item is retried when its lease expires.
 */
export async function completeItem(store: Store, workerId: string, item: ClaimedItem, knowledge: Knowledge): Promise<ItemOutcome> {
  const [outcome] = await completeItems(store, workerId, [item], knowledge);
  return outcome!;
}

/**
 * Stores and checks several leased items in one transaction (one commit, so one disk flush, for the group): each
 * item's encounter, result, audit record and `done` mark still commit together, so after a crash every item is
 * wholly done or still pending. An item the store refuses as invalid is rolled back to its savepoint and failed;
 * any other error rolls the whole group back (the caller then tries the items one by one).
 */
export async function completeItems(store: Store, workerId: string, items: readonly ClaimedItem[], knowledge: Knowledge): Promise<ItemOutcome[]> {
  return store.transaction(async (ops) => {
    // Every organisation of the group is locked up front, in one order, before any audit record takes the chain's
    // lock: a lock taken after the chain's could wait on a request of that organisation that waits for the chain.
    const jobIds = [...new Set(items.map((i) => i.jobId))];
    const organizations = jobIds.length === 0 ? [] : await ops.tx.selectFrom('jobs').select('organization').where('id', 'in', jobIds).execute();
    await ops.lockOrganizations(organizations.map((o) => o.organization));
    const outcomes: ItemOutcome[] = [];
    for (const item of items) outcomes.push(await completeItemIn(ops, workerId, item, knowledge));
    return outcomes;
  });
}

async function completeItemIn(ops: WriteOps, workerId: string, item: ClaimedItem, knowledge: Knowledge): Promise<ItemOutcome> {
  const tx = ops.tx;
  const row = await tx
    .selectFrom('job_items as i')
    .innerJoin('jobs as j', 'j.id', 'i.job_id')
    .select(['i.status', 'i.lease_owner', 'i.input_json', 'j.organization', 'j.actor'])
    .where('i.job_id', '=', item.jobId)
    .where('i.seq', '=', item.seq)
    .executeTakeFirst();
  if (row === undefined || row.status !== ITEM_STATUSES.pending || row.lease_owner !== workerId || row.input_json === null) return 'skipped';
  const input = JSON.parse(row.input_json) as StoredInput;
  const options: CheckOptions = input.checker === ITEM_CHECKERS.x12Claim ? { checker: checkClaimFromX12 } : {};
  // A savepoint, so that a refused encounter leaves none of its partial writes behind while the item's failure
  // still commits in this same transaction.
  await sql`savepoint batch_item`.execute(tx);
  try {
    const stored = await ops.forOrganization(row.organization).storeAndCheck(row.actor, input.encounter, knowledge, options);
    await sql`release savepoint batch_item`.execute(tx);
    await finishItem(ops, item.jobId, item.seq, { status: ITEM_STATUSES.done, encounter_id: stored.encounterId, version: stored.version, verdict: stored.result.verdict });
    return 'done';
  } catch (error) {
    if (!(error instanceof StoreError) || error.kind !== 'invalid') throw error;
    await sql`rollback to savepoint batch_item`.execute(tx);
    await sql`release savepoint batch_item`.execute(tx);
    const finding = jobFinding(JOB_FINDINGS.invalid, `The encounter could not be stored: ${error.message}.`);
    await finishItem(ops, item.jobId, item.seq, { status: ITEM_STATUSES.failed, problems_json: JSON.stringify([finding]) });
    return 'failed';
  }
}

/**
 * Gives leased items back (a worker stopping before it reached them), so another worker or the next start takes
 * them at once instead of after the lease; the attempt they cost is given back too.
 */
export async function releaseItems(store: Store, workerId: string, items: readonly ClaimedItem[]): Promise<void> {
  if (items.length === 0) return;
  await store.transaction(async (ops) => {
    for (const item of items) {
      await ops.tx
        .updateTable('job_items')
        .set({ lease_owner: null, lease_until: null, attempts: sql<number>`attempts - 1` })
        .where('job_id', '=', item.jobId)
        .where('seq', '=', item.seq)
        .where('status', '=', ITEM_STATUSES.pending)
        .where('lease_owner', '=', workerId)
        .execute();
    }
  });
}

/** Marks one item done or failed, counts it on its job, and finishes the job when it was the last item. */
async function finishItem(
  ops: WriteOps,
  jobId: string,
  seq: number,
  outcome: { status: 'done'; encounter_id: string; version: number; verdict: string } | { status: 'failed'; problems_json: string },
): Promise<void> {
  const tx = ops.tx;
  const now = ops.now();
  // The input is dropped once it has been stored as an encounter (or given up): no second copy of the PHI lingers.
  // lease_owner stays, to tell which worker did the item.
  await tx
    .updateTable('job_items')
    .set({ ...outcome, input_json: null, lease_until: null, finished_at: now })
    .where('job_id', '=', jobId)
    .where('seq', '=', seq)
    .execute();
  const counter = outcome.status === ITEM_STATUSES.done ? 'done' : 'failed';
  const job = await tx
    .updateTable('jobs')
    .set(counter === 'done' ? { done: sql<number>`done + 1` } : { failed: sql<number>`failed + 1` })
    .where('id', '=', jobId)
    .returning(['total', 'done', 'failed'])
    .executeTakeFirstOrThrow();
  if (Number(job.done) + Number(job.failed) >= Number(job.total)) {
    await tx.updateTable('jobs').set({ status: JOB_STATUSES.done, finished_at: now }).where('id', '=', jobId).execute();
  }
}

function jobFinding(rule: string, message: string): Finding {
  return { rule, severity: 'error', message, source: JOB_SOURCE };
}

type JobRow = { id: string; format: string; status: string; total: number; done: number; failed: number; created_at: string; finished_at: string | null; file_name?: string | null; actor: string; role: string | null };

function toJob(row: JobRow): BatchJob {
  return {
    id: row.id,
    format: row.format as JobFormat,
    status: row.status as JobStatus,
    total: Number(row.total),
    done: Number(row.done),
    failed: Number(row.failed),
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    fileName: row.file_name ?? null,
    uploadedBy: { tokenId: row.actor, role: row.role },
  };
}

const JOB_COLUMNS = ['j.id', 'j.format', 'j.status', 'j.total', 'j.done', 'j.failed', 'j.created_at', 'j.finished_at', 'j.file_name', 'j.actor', 't.role'] as const;

/** The organisation's jobs with the role of the token that uploaded each. */
function jobsOf(store: OrganizationStore) {
  return store.db.selectFrom('jobs as j').leftJoin('api_tokens as t', 't.id', 'j.actor').select(JOB_COLUMNS).where('j.organization', '=', store.organization);
}

/** One job of the organisation, or undefined (another organisation's job is not found: its existence is not disclosed). */
export async function getJob(store: OrganizationStore, jobId: string): Promise<BatchJob | undefined> {
  const row = await withStoreErrors(() => jobsOf(store).where('j.id', '=', jobId).executeTakeFirst());
  return row === undefined ? undefined : toJob(row);
}

/** The organisation's jobs, newest first. */
export async function listJobs(store: OrganizationStore, page: Page = {}): Promise<BatchJob[]> {
  const { limit, offset } = paging(page, 50);
  const rows = await withStoreErrors(() => jobsOf(store).orderBy('j.created_at', 'desc').orderBy('j.id').limit(limit).offset(offset).execute());
  return rows.map(toJob);
}

/**
 * A job's items in upload order, or undefined when the organisation has no such job. Each done item names its
 * encounter's own id and the top finding of the result version it stored; a failed item its first problem.
 */
export async function listItems(store: OrganizationStore, jobId: string, page: Page = {}, options: { withResults?: boolean } = {}): Promise<BatchItem[] | undefined> {
  if ((await getJob(store, jobId)) === undefined) return undefined;
  const { limit, offset } = paging(page, 100);
  const rows = await withStoreErrors(() =>
    store.db
      .selectFrom('job_items as i')
      .leftJoin('encounters as e', 'e.id', 'i.encounter_id')
      .leftJoin('check_results as r', (j) => j.onRef('r.encounter_id', '=', 'i.encounter_id').onRef('r.version', '=', 'i.version'))
      .select(['i.seq', 'i.status', 'i.encounter_id', 'i.version', 'i.verdict', 'i.problems_json', 'e.external_id', 'r.result_json'])
      .where('i.job_id', '=', jobId)
      .orderBy('i.seq')
      .limit(limit)
      .offset(offset)
      .execute(),
  );
  return rows.map((r) => {
    const findings = r.problems_json !== null ? (JSON.parse(r.problems_json) as Finding[]) : undefined;
    const result = r.result_json !== null ? (JSON.parse(r.result_json) as Result) : undefined;
    const top = result !== undefined ? topFindingOf(result) : r.status === ITEM_STATUSES.failed ? findings?.[0] : undefined;
    return {
      seq: Number(r.seq),
      status: r.status as ItemStatus,
      ...(r.encounter_id !== null ? { encounterId: r.encounter_id } : {}),
      ...(r.external_id !== null && r.external_id !== undefined ? { externalId: r.external_id } : {}),
      ...(r.version !== null ? { version: Number(r.version) } : {}),
      ...(r.verdict !== null ? { verdict: r.verdict as Result['verdict'] } : {}),
      ...(top !== undefined ? { topFinding: topFindingSummary(top) } : {}),
      ...(findings !== undefined ? { findings } : {}),
      ...(options.withResults === true && result !== undefined ? { result } : {}),
    };
  });
}

/** Driver errors become store errors, so no SQL text reaches a response or a log. */

function paging(page: Page, defaultLimit: number): { limit: number; offset: number } {
  return {
    limit: Math.min(Math.max(Math.trunc(page.limit ?? defaultLimit), 1), MAX_PAGE),
    offset: Math.max(Math.trunc(page.offset ?? 0), 0),
  };
}
