/**
 * A check worker of `dxacode check` (check-pool.ts starts it in a worker thread): loads the same knowledge as the
 * main thread, then parses, validates, checks and prints each batch of input items it is sent, and sends back the
 * printed results, the problems of unusable items and the verdict counts. Runs only from the built dist/ files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Readable, Writable } from 'node:stream';
import { parseFamilyList } from '../engine/families.js';
import type { CheckOptions } from '../engine/check.js';
import { BatchReader } from './batch.js';
import { checkBatch } from './check-batch.js';
import { knowledgeOrReport } from './shared.js';
import type { BatchOutcome, WorkerReply, WorkerRequest, WorkerSetup } from './check-pool.js';

const setup = workerData as WorkerSetup;
const port = parentPort;
if (port === null) throw new Error('check-worker.js runs only as a worker thread');

let messages = '';
const stderr = new Writable({
  write(chunk: Buffer | string, _encoding, done) {
    messages += chunk.toString();
    done();
  },
});
const knowledge = await knowledgeOrReport(setup.packFiles, { stdin: Readable.from([]), stdout: stderr, stderr, env: setup.env }, { config: setup.config });
const only = setup.only === undefined ? undefined : parseFamilyList(setup.only);
if (!knowledge || (only !== undefined && !only.ok)) {
  port.postMessage({ kind: 'failed', message: messages || 'the check options could not be read' } satisfies WorkerReply);
} else {
  const options: CheckOptions = only?.ok ? { families: only.selection } : {};
  const reader = new BatchReader({ name: setup.name, shape: setup.shape });
  const encoder = new TextEncoder();
  port.postMessage({ kind: 'ready', knowledgeVersion: knowledge.version, versionRecords: knowledge.versionRecords.length } satisfies WorkerReply);
  // Batches are answered in the order they came: reading one may wait for zod to load to explain a bad item.
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    previous = previous.then(async () => {
      const read = await reader.read(request.items);
      const checked = checkBatch(read.encounters, knowledge, options, setup.print, setup.shape);
      // Encoded here, in parallel, and its memory moved to the main thread, which then only writes it out.
      const output = encoder.encode(checked.output);
      const outcome: BatchOutcome = { seq: request.seq, items: request.items.length, output, counts: checked.counts, problems: read.problems, unusable: read.unusable };
      port.postMessage({ kind: 'batch', outcome } satisfies WorkerReply, [output.buffer]);
    });
  });}
