/**
 * The batch worker: every server process runs one. It leases a few pending items from the job queue in the database,
 * stores and checks them one by one, and sleeps briefly when the queue is empty. Any number of processes may share
 * one database; the queue (src/store/jobs.ts) makes each item's effects happen exactly once. Logs carry ids and
 * counts only, never patient data.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Knowledge } from '../knowledge/compile.js';
import { claimItems, completeItem, completeItems, releaseItems, type ClaimedItem, type ItemOutcome } from '../store/jobs.js';
import type { Store } from '../store/store.js';

/** The logger calls the worker makes (a subset of fastify's pino logger). */
export interface WorkerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Worker settings. */
export interface BatchWorkerOptions {
  store: Store;
  knowledge: Knowledge;
  /** How long a claim holds its items (default 30 s). A worker that dies is replaced after this long. */
  leaseMs?: number;
  /** How long an idle worker sleeps before it looks at the queue again (default 200 ms); wake() cuts it short. */
  pollMs?: number;
  /** Items claimed at a time (default 10): few enough to finish well inside the lease. */
  claimLimit?: number;
  /** Items stored per transaction (default 5): one commit, so one disk flush, per group instead of per item. */
  groupSize?: number;
  /** Default `${hostname}:${pid}:${random}`; it is stored on every item the worker did. */
  id?: string;
  log?: WorkerLog;
}

/** The default lease: long enough for a claim of 10 items even on a slow disk or a busy database. */
export const DEFAULT_LEASE_MS = 30_000;
/** The default idle poll interval. */
export const DEFAULT_POLL_MS = 200;
/** The default number of items claimed at a time. */
export const DEFAULT_CLAIM_LIMIT = 10;
/** The default number of items stored per transaction: a group holds the write lock for a few milliseconds only. */
export const DEFAULT_GROUP_SIZE = 5;

/** Stop working through a claim once this share of its lease has passed, and give the rest back. */
const LEASE_SHARE_TO_USE = 0.8;
/** After a failed claim (database unavailable), wait this many poll intervals before the next try. */
const BACKOFF_POLLS = 10;

const SILENT: WorkerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Works the batch job queue in the background of one server process. */
export class BatchWorker {
  /** This worker's id, recorded as the lease owner on every item it takes. */
  readonly id: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly claimLimit: number;
  private readonly groupSize: number;
  private log: WorkerLog;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(private readonly options: BatchWorkerOptions) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.claimLimit = options.claimLimit ?? DEFAULT_CLAIM_LIMIT;
    this.groupSize = Math.max(1, options.groupSize ?? DEFAULT_GROUP_SIZE);
    this.log = options.log ?? SILENT;
  }

  /** Starts the loop (once); `log` replaces the logger given at construction, e.g. the server's once it exists. */
  start(log?: WorkerLog): void {
    if (log !== undefined) this.log = log;
    if (this.loop !== undefined) return;
    this.stopping = false;
    this.loop = this.run();
    this.log.info({ worker: this.id, leaseMs: this.leaseMs }, 'batch worker started');
  }

  /** Looks at the queue now instead of after the poll interval (a job was just queued in this process). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops after the item in progress, gives back the items it had not started, and resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Claims once and works through the claim; returns how many items it claimed (tests drive the worker with it). */
  async runOnce(): Promise<number> {
    const claimed = await claimItems(this.options.store, this.id, { limit: this.claimLimit, leaseMs: this.leaseMs });
    if (claimed.length === 0) return 0;
    const deadline = Date.now() + this.leaseMs * LEASE_SHARE_TO_USE;
    let next = 0;
    while (next < claimed.length) {
      if (this.stopping || Date.now() > deadline) break;
      const group = claimed.slice(next, next + this.groupSize);
      next += group.length;
      // On SQLite every query of this process shares one connection, and Kysely's lock on it is not fair: without
      // a turn of the event loop between groups, the worker would win it every time and HTTP reads would wait for
      // the whole batch.
      await nextTurn();
      try {
        this.report(group, await completeItems(this.options.store, this.id, group, this.options.knowledge));
      } catch {
        // One item of the group failed in a way that rolled the group back: go one by one, so that only that item
        // stays pending (and is tried again when its lease ends, up to the attempt limit).
        for (const item of group) {
          try {
            this.report([item], [await completeItem(this.options.store, this.id, item, this.options.knowledge)]);
          } catch (error) {
            this.log.error({ worker: this.id, job: item.jobId, item: item.seq, attempt: item.attempts, kind: errorKind(error) }, 'batch item could not be completed');
          }
        }
      }
    }
    const unstarted = claimed.slice(next);
    if (unstarted.length > 0) {
      await releaseItems(this.options.store, this.id, unstarted).catch((error: unknown) => {
        this.log.warn({ worker: this.id, items: unstarted.length, kind: errorKind(error) }, 'leased batch items could not be given back; they are taken again when the lease ends');
      });
    }
    return claimed.length;
  }

  private report(items: readonly ClaimedItem[], outcomes: readonly ItemOutcome[]): void {
    outcomes.forEach((outcome, i) => {
      const item = items[i]!;
      if (outcome === 'skipped') this.log.warn({ worker: this.id, job: item.jobId, item: item.seq }, 'batch item was taken over by another worker');
    });
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.woken = false;
      let claimed = 0;
      let delay = this.pollMs;
      try {
        claimed = await this.runOnce();
      } catch (error) {
        this.log.error({ worker: this.id, kind: errorKind(error) }, 'batch queue could not be read');
        delay = this.pollMs * BACKOFF_POLLS;
      }
      if (claimed === 0 && !this.stopping && !this.woken) await this.sleep(delay);
    }
    this.log.info({ worker: this.id }, 'batch worker stopped');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}

function errorKind(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'kind' in error) return String((error as { kind: unknown }).kind);
  return error instanceof Error ? error.name : 'unknown';
}
