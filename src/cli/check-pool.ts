/**
 * Parallel checking for `dxacode check`: the main thread reads the input in parts (raw NDJSON lines, io/input.ts)
 * and hands each part to a worker thread (check-worker.ts, with its own copy of the knowledge) that has room for it,
 * or checks it itself when none has: --jobs N checks in N threads, this one and N - 1 workers. A part's bytes are
 * moved to the worker, not copied, and its printed results come back the same way. Results are written in input
 * order, so the output is byte for byte that of a run in one thread. The pool is used only from the built files (a
 * worker thread cannot load TypeScript), and a worker only once it has loaded the same knowledge as the main
 * thread, which checks meanwhile; a worker that cannot is ended and the main thread checks its share.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { partItems, type InputPart, type InputShape } from '../io/input.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { PartOutcome, Printing } from './check-batch.js';

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

/** One part sent to a worker, with the memory of its earlier outputs given back once written (ByteWriter.give). */
export interface WorkerRequest {
  seq: number;
  part: InputPart;
  spares: ArrayBuffer[];
}

/** What a worker sends back for one part: its outcome, the printed results moved (not copied) to this thread. */
export interface BatchOutcome extends PartOutcome {
  /** The request's number. */
  seq: number;
}

/** A worker's messages. */
export type WorkerReply = { kind: 'ready'; knowledgeVersion: string; versionRecords: number } | { kind: 'failed'; message: string } | { kind: 'batch'; outcome: BatchOutcome };

/** Most threads a run checks in, whatever --jobs says (beyond this, reading and writing in one thread is the limit). */
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
  /** True once the worker has loaded the same knowledge as this thread. */
  ready: boolean;
  /** Its outputs' memory, written out, to move back to it with the next part. */
  spares: ArrayBuffer[];
  waiting: { seq: number; resolve: (outcome: BatchOutcome) => void; reject: (error: Error) => void }[];
}

/** Parts a worker holds at once: the one it checks and the next, so that it never waits for this thread. */
const WORKER_DEPTH = 2;

/** Worker threads checking parts of the input; `close()` ends them. */
export class CheckPool {
  private failure: Error | undefined;
  private sent = 0;
  private constructor(
    private slots: Slot[],
    knowledge: Knowledge,
  ) {
    for (const slot of slots) {
      const drop = () => {
        this.slots = this.slots.filter((other) => other !== slot);
        void slot.worker.terminate();
      };
      const fail = (error: Error) => {
        // Before it is ready a worker has no parts: it is ended and this thread checks its share.
        if (!slot.ready) return drop();
        this.failure ??= error;
        for (const waiting of slot.waiting.splice(0)) waiting.reject(this.failure);
      };
      slot.worker.on('message', (reply: WorkerReply) => {
        if (!slot.ready) {
          // A worker that loaded other knowledge (a version imported meanwhile) would print other results.
          if (reply.kind === 'ready' && reply.knowledgeVersion === knowledge.version && reply.versionRecords === knowledge.versionRecords.length) slot.ready = true;
          else drop();
          return;
        }
        if (reply.kind !== 'batch') return fail(new Error(`a check worker sent a ${reply.kind} message while checking`));
        const waiting = slot.waiting.shift();
        const output = reply.outcome.output.buffer;
        if (waiting?.seq === reply.outcome.seq) waiting.resolve({ ...reply.outcome, release: () => output instanceof ArrayBuffer && slot.spares.push(output) });
        else fail(new Error(`a check worker answered part ${reply.outcome.seq} out of turn`));
      });
      slot.worker.on('error', (error) => fail(new Error(`a check worker failed: ${error.message}`)));
      slot.worker.on('exit', (code) => fail(new Error(`a check worker stopped (exit ${code})`)));
    }
  }

  /**
   * Starts `workers` worker threads, each loading its knowledge; it does not wait for them: each takes parts once it
   * has loaded the same knowledge as `knowledge` (hasRoom() says when one can take a part).
   */
  static async start(workers: number, setup: WorkerSetup, knowledge: Knowledge): Promise<CheckPool> {
    // Imported here: a check too small for the pool never loads node:worker_threads.
    const { Worker } = await import('node:worker_threads');
    const slots = Array.from({ length: workers }, (): Slot => ({ worker: new Worker(WORKER_FILE, { workerData: setup, stdout: false, stderr: false }), ready: false, spares: [], waiting: [] }));
    return new CheckPool(slots, knowledge);
  }

  /** The worker a part would go to now: the least busy ready one with room, if any. */
  private free(): Slot | undefined {
    let free: Slot | undefined;
    for (const slot of this.slots) if (slot.ready && slot.waiting.length < WORKER_DEPTH && (!free || slot.waiting.length < free.waiting.length)) free = slot;
    return free;
  }

  /** True once a worker failed while checking: the parts it held are lost, and the run fails. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** True when a worker can take a part now (never after a worker failed). */
  hasRoom(): boolean {
    return this.failure === undefined && this.free() !== undefined;
  }

  /** Moves a part to the least busy worker with room (hasRoom() must be true); resolves with its outcome. */
  check(part: InputPart): Promise<BatchOutcome> {
    const slot = this.free();
    if (this.failure || !slot) return Promise.reject(this.failure ?? new Error('no check worker has room for a part'));
    const seq = ++this.sent;
    return new Promise((resolve, reject) => {
      slot.waiting.push({ seq, resolve, reject });
      const spares = slot.spares.splice(0);
      slot.worker.postMessage({ seq, part, spares } satisfies WorkerRequest, part.kind === 'lines' ? [part.bytes.buffer as ArrayBuffer, ...spares] : spares);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the check pool is closed');
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}

/** Smallest input checked with worker threads: below it, starting them costs more than they save. */
export const POOL_MIN_ITEMS = 2_000;

/** Parts of the input, with look-ahead. */
export interface LookAhead extends AsyncIterable<InputPart> {
  /** Reads ahead (kept for the iteration) and tells whether the input has at least `items` items. */
  atLeast(items: number): Promise<boolean>;
}

/** `parts` with look-ahead. */
export function lookAhead(parts: AsyncIterable<InputPart>): LookAhead {
  const source = parts[Symbol.asyncIterator]();
  const ahead: InputPart[] = [];
  let aheadItems = 0;
  return {
    async atLeast(items) {
      while (aheadItems < items) {
        const next = await source.next();
        if (next.done) return false;
        ahead.push(next.value);
        aheadItems += partItems(next.value);
      }
      return true;
    },
    async *[Symbol.asyncIterator]() {
      yield* ahead.splice(0);
      for (;;) {
        const next = await source.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };
}

/** Outcomes held at most before the oldest is waited for: bounds memory when a worker falls behind. */
const MAX_HELD = 16;

/**
 * Checks every part, in a worker when one has room and else in this thread (`here`), and hands each outcome to
 * `take` in input order, as soon as it and those before it are done.
 */
export async function checkInOrder(parts: AsyncIterable<InputPart>, here: (part: InputPart) => Promise<PartOutcome>, pool: CheckPool | undefined, take: (outcome: PartOutcome) => Promise<void>): Promise<void> {
  const held: { outcome?: PartOutcome; done: Promise<PartOutcome> }[] = [];
  const takeOldest = async () => take(await (held.shift() as (typeof held)[number]).done);
  for await (const part of parts) {
    if (pool?.hasRoom()) {
      const entry: (typeof held)[number] = { done: pool.check(part) };
      // A failed worker rejects every part it holds: the first one awaited reports it, the others are not left unhandled.
      entry.done.then(
        (outcome) => (entry.outcome = outcome),
        () => undefined,
      );
      held.push(entry);
    } else {
      const outcome = await here(part);
      held.push({ outcome, done: Promise.resolve(outcome) });
    }
    // A failed worker's parts are awaited at once: the first reports the failure.
    while (held.length > 0 && (held[0]?.outcome !== undefined || held.length > MAX_HELD || pool?.failed)) await takeOldest();
  }
  while (held.length > 0) await takeOldest();
}
