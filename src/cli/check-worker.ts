/**
 * A check worker of `dxacode check` (check-pool.ts starts it in a worker thread): loads the same knowledge as the
 * main thread, then reads, validates, checks and prints each part of the input it is sent, and sends back the
 * printed results (UTF-8 bytes, moved to the main thread), the problems of unusable items and the verdict counts.
 * Runs only from the built dist/ files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Readable, Writable } from 'node:stream';
import { parseFamilyList } from '../engine/families.js';
import { BatchReader } from './batch.js';
import { ByteWriter, checkPart, type PartChecker } from './check-batch.js';
import { knowledgeOrReport } from './shared.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './check-pool.js';

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
  const checker: PartChecker = {
    reader: new BatchReader({ name: setup.name, shape: setup.shape }),
    knowledge,
    options: only?.ok ? { families: only.selection } : {},
    print: setup.print,
    shape: setup.shape,
    out: new ByteWriter(),
  };
  port.postMessage({ kind: 'ready', knowledgeVersion: knowledge.version, versionRecords: knowledge.versionRecords.length } satisfies WorkerReply);
  // Parts are answered in the order they came: reading one may wait for zod to load to explain a bad item.
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    previous = previous.then(async () => {
      for (const spare of request.spares) checker.out.give(spare);
      const outcome = await checkPart(request.part, checker);
      port.postMessage({ kind: 'batch', outcome: { seq: request.seq, ...outcome } } satisfies WorkerReply, [outcome.output.buffer as ArrayBuffer]);
    });
  });
}
