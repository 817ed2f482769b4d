/**
 * Parallel checking for `dxacode check`: a pool of worker threads (check-worker.ts), each with its own copy of the
 * knowledge, checks batches of input items while the main thread only reads lines and writes results. Batches are
 * handed out to the least busy worker and their results are written in input order, so the output is byte for byte
 * that of a run in one thread. The pool is used only from the built files (a worker thread cannot load TypeScript)
 * and only when every worker loaded the same knowledge as the main thread; otherwise the caller checks in its thread.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { InputItem, InputShape } from '../io/input.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { Printing, VerdictCounts } from './check-batch.js';

/** What a worker is started with. */
export interface WorkerSetup {
  name: string;
  shape: InputShape;
  packFiles: string[] | undefined;
  config: string | undefined;
  env: NodeJS.ProcessEnv;
  only: string | undefined;
  print: Printing;
}

/** One batch sent to a worker. */
export interface WorkerRequest {
  seq: number;
  items: InputItem[];
}

/** What a worker sends back for one batch. */
export interface BatchOutcome {
  /** The request's number (0 for a batch checked in the calling thread). */
  seq: number;
  items: number;
  /** The printed results: text in the calling thread, UTF-8 bytes from a worker (moved, not copied, to this thread). */
  output: string | Uint8Array;
  counts: VerdictCounts;
  problems: string;
  unusable: number;
}

/** A worker's messages. */
export type WorkerReply = { kind: 'ready'; knowledgeVersion: string; versionRecords: number } | { kind: 'failed'; message: string } | { kind: 'batch'; outcome: BatchOutcome };

/** Most workers a run starts, whatever --jobs says (beyond this, reading and writing in one thread is the limit). */
export const MAX_JOBS = 16;

/** Worker threads by default: one per core the process may use. */
export function defaultJobs(): number {
  return Math.min(availableParallelism(), MAX_JOBS);
}

/** `--jobs`: a whole number from 1 to MAX_JOBS. */
export function parseJobs(text: string | undefined): { ok: true; jobs: number } | { ok: false; message: string } {
  if (text === undefined) return { ok: true, jobs: defaultJobs() };
  const jobs = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(jobs >= 1 && jobs <= MAX_JOBS)) return { ok: false, message: `expected a whole number of worker threads from 1 to ${MAX_JOBS}, found ${JSON.stringify(text.slice(0, 20))}` };
  return { ok: true, jobs };
}

// Found from dist/cli/ and from the check bundle (dist/check-bundle/, one folder below dist/ too: start.ts).
const WORKER_FILE = new URL('../cli/check-worker.js', import.meta.url);

/** True when worker threads can run here: the modules are the built .js files, not TypeScript sources. */
export function poolAvailable(): boolean {
  return import.meta.url.endsWith('.js');
}

interface Slot {
  worker: Worker;
  waiting: { seq: number; resolve: (outcome: BatchOutcome) => void; reject: (error: Error) => void }[];
}

/** Worker threads checking batches; `close()` ends them. */
export class CheckPool {
  private failure: Error | undefined;
  private sent = 0;
  private constructor(private readonly slots: Slot[]) {
    for (const slot of slots) {
      const fail = (error: Error) => {
        this.failure ??= error;
        for (const waiting of slot.waiting.splice(0)) waiting.reject(this.failure);
      };
      slot.worker.on('message', (reply: WorkerReply) => {
        if (reply.kind !== 'batch') return;
        const waiting = slot.waiting.shift();
        if (waiting?.seq === reply.outcome.seq) waiting.resolve(reply.outcome);
        else fail(new Error(`a check worker answered batch ${reply.outcome.seq} out of turn`));
      });
      slot.worker.on('error', (error) => fail(new Error(`a check worker failed: ${error.message}`)));
      slot.worker.on('exit', (code) => fail(new Error(`a check worker stopped (exit ${code})`)));
    }
  }

  /**
   * Starts `jobs` workers and waits until each has loaded its knowledge. Returns undefined (the workers ended) when
   * one could not, or loaded other knowledge than `knowledge` (a version imported meanwhile): the caller then checks
   * in its own thread, with the one knowledge it loaded.
   */
  static async start(jobs: number, setup: WorkerSetup, knowledge: Knowledge): Promise<CheckPool | undefined> {
    // Imported here: a check too small for the pool never loads node:worker_threads.
    const { Worker } = await import('node:worker_threads');
    const workers = Array.from({ length: jobs }, () => new Worker(WORKER_FILE, { workerData: setup, stdout: false, stderr: false }));
    const ready = await Promise.all(
      workers.map(
        (worker) =>
          new Promise<boolean>((resolve) => {
            worker.once('message', (reply: WorkerReply) => resolve(reply.kind === 'ready' && reply.knowledgeVersion === knowledge.version && reply.versionRecords === knowledge.versionRecords.length));
            worker.once('error', () => resolve(false));
            worker.once('exit', () => resolve(false));
          }),
      ),
    );
    if (ready.every(Boolean)) return new CheckPool(workers.map((worker) => ({ worker, waiting: [] })));
    await Promise.all(workers.map((worker) => worker.terminate()));
    return undefined;
  }

  /** Sends a batch to the least busy worker; resolves with its printed results. */
  check(items: InputItem[]): Promise<BatchOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    let slot = this.slots[0] as Slot;
    for (const other of this.slots) if (other.waiting.length < slot.waiting.length) slot = other;
    const seq = ++this.sent;
    return new Promise((resolve, reject) => {
      slot.waiting.push({ seq, resolve, reject });
      slot.worker.postMessage({ seq, items } satisfies WorkerRequest);
    });
  }

  /** How many batches may wait at once: enough to keep every worker busy, few enough to bound memory. */
  get depth(): number {
    return this.slots.length * 2;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the check pool is closed');
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}

/** Items per batch sent to a worker: large enough that messaging is a small part of checking them. */
export const POOL_BATCH_ITEMS = 500;

/** Smallest input checked by workers: below it, starting them costs more than they save. */
export const POOL_MIN_ITEMS = 2_000;

/** Batches of input items regrouped into batches of at least `size` items (the last may be smaller). */
export interface Coalesced extends AsyncIterable<InputItem[]> {
  /** Reads ahead (kept for the iteration) and tells whether the input has at least `items` items. */
  atLeast(items: number): Promise<boolean>;
}

/** Regroups `batches` into batches of at least `size` items, with look-ahead. */
export function coalesce(batches: AsyncIterable<InputItem[]>, size: number): Coalesced {
  const source = batches[Symbol.asyncIterator]();
  const ahead: InputItem[][] = [];
  let aheadItems = 0;
  let ended = false;
  const next = async (): Promise<InputItem[] | undefined> => {
    let group: InputItem[] = [];
    while (group.length < size && !ended) {
      const read = await source.next();
      if (read.done) ended = true;
      else group = group.length === 0 ? read.value : group.concat(read.value);
    }
    return group.length > 0 ? group : undefined;
  };
  return {
    async atLeast(items) {
      while (aheadItems < items) {
        const group = await next();
        if (!group) return false;
        ahead.push(group);
        aheadItems += group.length;
      }
      return true;
    },
    async *[Symbol.asyncIterator]() {
      yield* ahead.splice(0);
      for (;;) {
        const group = await next();
        if (!group) return;
        yield group;
      }
    },
  };
}
