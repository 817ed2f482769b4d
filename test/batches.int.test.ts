/**
 * Batch uploads over a real store, on SQLite and PostgreSQL: NDJSON, 837P and HL7 v2 uploads become jobs whose items
 * a background worker stores and checks; progress and per-item results; bounds, access and Idempotency-Key; and the
 * queue's lease rules (an expired lease passes to another worker, a poison item is given up).
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Encounter } from '../src/contract/encounter.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import type { Knowledge } from '../src/knowledge/compile.js';
import { buildServer } from '../src/server/server.js';
import { storeTokenVerifier } from '../src/server/tokens.js';
import { BatchWorker } from '../src/server/worker.js';
import { claimItems, completeItem, enqueueJob, MAX_ITEM_ATTEMPTS, type BatchItem, type BatchJob } from '../src/store/jobs.js';
import { openStore, type Store, type StoreOptions } from '../src/store/index.js';
import { BACKENDS } from './store-backends.js';
import { twoClaimFile } from './x12-helpers.js';

const example = JSON.parse(readFileSync(new URL('../examples/encounter-axial-vfa.json', import.meta.url), 'utf8')) as Encounter;
const hl7Feed = readFileSync(new URL('./fixtures/hl7-feed-mllp.hl7', import.meta.url), 'utf8');

function encounterLine(n: number): string {
  return JSON.stringify({ ...example, id: `batch-${n}`, patient: { sex: 'female', birthDate: `1950-01-${String((n % 28) + 1).padStart(2, '0')}` } });
}

for (const backend of BACKENDS) {
  describe(`batch uploads on ${backend.name}`, () => {
    let knowledge: Knowledge;
    let options: StoreOptions;
    let store: Store;
    let worker: BatchWorker;
    let app: FastifyInstance;
    let small: FastifyInstance;
    let tearDown: () => Promise<void>;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      knowledge = loadKnowledge();
      const set = await backend.setUp();
      options = set.options;
      tearDown = set.tearDown;
      store = await openStore(options);
      tokens.coderA = (await store.forOrganization('org-a').tokens.create('coder')).token;
      tokens.viewerA = (await store.forOrganization('org-a').tokens.create('viewer')).token;
      tokens.coderB = (await store.forOrganization('org-b').tokens.create('coder')).token;
      const verifier = storeTokenVerifier(store, { ttlMs: 0 });
      worker = new BatchWorker({ store, knowledge, pollMs: 20, leaseMs: 10_000 });
      app = await buildServer({ knowledge, store, tokens: verifier, worker });
      // Without a worker: uploads stay queued, which the bounds tests do not mind.
      small = await buildServer({ knowledge, store, tokens: verifier, batchLimits: { lines: 3, bodyBytes: 4096 } });
      worker.start();
    });
    afterAll(async () => {
      await worker?.stop();
      await app?.close();
      await small?.close();
      await store?.close();
      await tearDown?.();
    });

    const upload = (server: FastifyInstance, token: string | undefined, contentType: string, payload: string, headers: Record<string, string> = {}) =>
      server.inject({ method: 'POST', url: '/v1/batches', headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': contentType, ...headers }, payload });
    const get = (url: string, token: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

    async function finished(jobId: string): Promise<BatchJob> {
      for (let i = 0; i < 500; i++) {
        const job = get(`/v1/batches/${jobId}`, tokens.viewerA!);
        const body = (await job).json() as BatchJob;
        if (body.status === 'done') return body;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`job ${jobId} did not finish`);
    }
    const itemsOf = async (jobId: string, query = '') => ((await get(`/v1/batches/${jobId}/items${query}`, tokens.viewerA!)).json() as { items: BatchItem[] }).items;

    it('queues an NDJSON upload, stores and checks every good line, and fails each bad line with its line number and field', async () => {
      const body = [encounterLine(1), '', '{"dateOfService": "2026-01-20", "patient": {"sex": "female"}, "performed": [{"procedure": "dxa-axial"}], "payer": 7}', encounterLine(2), '{not json', encounterLine(3), ''].join('\n');
      const sent = await upload(app, tokens.coderA, 'application/x-ndjson', body);
      expect(sent.statusCode).toBe(202);
      const { jobId, total, failed } = sent.json() as { jobId: string; total: number; failed: number };
      expect({ total, failed }).toEqual({ total: 5, failed: 2 });
      expect(sent.headers.location).toBe(`/v1/batches/${jobId}`);

      const job = await finished(jobId);
      expect(job).toMatchObject({ id: jobId, format: 'ndjson', status: 'done', total: 5, done: 3, failed: 2 });
      expect(job.finishedAt).not.toBeNull();
      const items = await itemsOf(jobId);
      expect(items.map((i) => [i.seq, i.status])).toEqual([[1, 'done'], [2, 'failed'], [3, 'done'], [4, 'failed'], [5, 'done']]);
      expect(items[1]!.findings!.map((f) => f.message).join('\n')).toMatch(/^line 3: payer: /m);
      expect(items[3]!.findings![0]).toMatchObject({ rule: 'input.invalid-json' });
      expect(items[3]!.findings![0]!.message).toMatch(/^line 5, column 2: invalid JSON/);
      for (const item of items.filter((i) => i.status === 'done')) {
        expect(item).toMatchObject({ version: 1, verdict: expect.stringMatching(/^(clean|review|reject)$/) });
        expect(item.findings).toBeUndefined();
        const stored = await get(`/v1/encounters/${item.encounterId}`, tokens.viewerA!);
        expect(stored.statusCode).toBe(200);
      }
      // Each stored item has exactly one 'checked' audit record naming its encounter, and the chain holds.
      const checked = await store.db.selectFrom('audit_log').select('object_ids').where('action', '=', 'checked').execute();
      for (const item of items.filter((i) => i.status === 'done')) {
        expect(checked.filter((r) => (JSON.parse(r.object_ids) as string[])[0] === item.encounterId)).toHaveLength(1);
      }
      expect((await store.verifyAudit()).ok).toBe(true);
      expect((await itemsOf(jobId, '?offset=3&limit=1')).map((i) => i.seq)).toEqual([4]);
      const list = (await get('/v1/batches', tokens.viewerA!)).json() as { batches: BatchJob[] };
      expect(list.batches.map((b) => b.id)).toContain(jobId);
    });

    it("names the file and who uploaded it, each item's encounter id and top reason, and gives the results as CSV and NDJSON", async () => {
      const body = [encounterLine(11), '{not json', encounterLine(12)].join('\n');
      const sent = await upload(app, tokens.coderA, 'application/x-ndjson', body, { 'x-file-name': encodeURIComponent('März, "day 1".ndjson') });
      expect(sent.statusCode).toBe(202);
      const { jobId } = sent.json() as { jobId: string };
      const job = await finished(jobId);
      const coder = (await store.listTokens({ organization: 'org-a' })).find((t) => t.role === 'coder')!;
      expect(job).toMatchObject({ fileName: 'März, "day 1".ndjson', uploadedBy: { tokenId: coder.id, role: 'coder' } });
      const items = await itemsOf(jobId);
      expect(items.map((i) => i.externalId)).toEqual(['batch-11', undefined, 'batch-12']);
      const stored = (await get(`/v1/encounters/${items[0]!.encounterId}`, tokens.viewerA!)).json() as { versions: { result: { findings: { rule: string; severity: string; message: string }[] } }[] };
      const findings = stored.versions[0]!.result.findings;
      const first = findings.find((f) => f.severity === 'error') ?? findings.find((f) => f.severity === 'warning') ?? findings[0];
      expect(items[0]!.topFinding).toMatchObject({ rule: first!.rule, message: first!.message });
      expect(items[1]!.topFinding).toMatchObject({ rule: 'input.invalid-json' });

      const csv = await get(`/v1/batches/${jobId}/results?format=csv`, tokens.viewerA!);
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="batch-${jobId.slice(0, 8)}-results.csv"`);
      const rows = csv.body.split('\r\n');
      expect(rows[0]).toBe('seq,status,encounter_id,stored_encounter_id,version,verdict,top_severity,top_rule,top_message,top_line');
      expect(rows).toHaveLength(5);
      expect(rows[1]).toMatch(new RegExp(`^1,done,batch-11,${items[0]!.encounterId},1,(clean|review|reject),`));
      expect(rows[2]).toMatch(/^2,failed,,,,,error,input.invalid-json,"line 2, column 2: invalid JSON/);
      expect(rows[4]).toBe('');
      const ndjson = await get(`/v1/batches/${jobId}/results?format=ndjson`, tokens.viewerA!);
      expect(ndjson.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      const lines = ndjson.body.trim().split('\n').map((l) => JSON.parse(l) as BatchItem & { result?: { verdict: string } });
      expect(lines.map((l) => [l.seq, l.status, l.externalId])).toEqual([[1, 'done', 'batch-11'], [2, 'failed', undefined], [3, 'done', 'batch-12']]);
      expect(lines[0]!.result!.verdict).toBe(items[0]!.verdict);
      expect(lines[1]!.findings![0]!.rule).toBe('input.invalid-json');

      expect((await get(`/v1/batches/${jobId}/results?format=xml`, tokens.viewerA!)).statusCode).toBe(400);
      expect((await get(`/v1/batches/${jobId}/results`, tokens.coderB!)).statusCode).toBe(404);
      for (const name of ['%E0%A4%A', encodeURIComponent('a\u0001b'), 'x'.repeat(256)]) {
        const refused = await upload(app, tokens.coderA, 'application/x-ndjson', encounterLine(13), { 'x-file-name': name });
        expect(refused.statusCode, name).toBe(400);
        expect(refused.body).toContain('x-file-name');
      }
    });

    it('checks 837P claims as claims, and keeps file defects as failed items with their segment', async () => {
      const file = twoClaimFile().replace(/IEA\*[^~]*~\n?/, '');
      const sent = await upload(app, tokens.coderA, 'application/edi-x12', file);
      expect(sent.statusCode).toBe(202);
      const { jobId } = sent.json() as { jobId: string };
      expect(await finished(jobId)).toMatchObject({ format: 'x12', total: 3, done: 2, failed: 1 });
      const items = await itemsOf(jobId);
      expect(items.map((i) => i.status)).toEqual(['done', 'done', 'failed']);
      expect(items[2]!.findings![0]).toMatchObject({ rule: 'x12.truncated' });
      expect(items[2]!.findings![0]!.message).toMatch(/^segment \d+/);
      const stored = (await get(`/v1/encounters/${items[0]!.encounterId}`, tokens.viewerA!)).json() as { versions: { result: { unchecked: string[] } }[] };
      // checkClaimFromX12 says that the billed services stood in for what was performed.
      expect(JSON.stringify(stored.versions[0]!.result)).toContain('837P');
    });

    it('reads HL7 v2 messages: the final result is stored; the order and the preliminary result fail with why', async () => {
      const sent = await upload(app, tokens.coderA, 'application/hl7-v2', hl7Feed);
      expect(sent.statusCode).toBe(202);
      const { jobId } = sent.json() as { jobId: string };
      expect(await finished(jobId)).toMatchObject({ format: 'hl7', total: 3, done: 1, failed: 2 });
      const items = await itemsOf(jobId);
      expect(items.map((i) => [i.status, i.findings?.[0]?.rule])).toEqual([
        ['failed', 'hl7.order-only'],
        ['done', undefined],
        ['failed', 'hl7.result.not-final'],
      ]);
    });

    it('answers 400 for an empty upload, 413 over the line or byte bound, 415 for another media type', async () => {
      const empty = await upload(app, tokens.coderA, 'application/x-ndjson', '  \n');
      expect(empty.statusCode).toBe(400);
      expect(empty.json().findings[0].rule).toBe('batch.empty');
      const lines = await upload(small, tokens.coderA, 'application/x-ndjson', ['{}', '{}', '{}', '{}'].join('\n'));
      expect(lines.statusCode).toBe(413);
      expect(lines.json().findings[0]).toMatchObject({ rule: 'http.too-many-lines' });
      expect(lines.json().findings[0].message).toContain('3 lines');
      const bytes = await upload(small, tokens.coderA, 'application/x-ndjson', `${'{}'.padEnd(5000, ' ')}\n`);
      expect(bytes.statusCode).toBe(413);
      expect(bytes.json().findings[0]).toMatchObject({ rule: 'http.body-too-large' });
      const json = await app.inject({ method: 'POST', url: '/v1/batches', headers: { authorization: `Bearer ${tokens.coderA}`, 'content-type': 'application/json' }, payload: '{}' });
      expect(json.statusCode).toBe(415);
      expect(json.json().findings[0].rule).toBe('http.media-type');
    });

    it("hides another organisation's batch (404), lets viewers read but not upload, and needs a token", async () => {
      const sent = await upload(app, tokens.coderA, 'application/x-ndjson; charset=utf-8', encounterLine(10));
      expect(sent.statusCode).toBe(202);
      const { jobId } = sent.json() as { jobId: string };
      await finished(jobId);
      for (const url of [`/v1/batches/${jobId}`, `/v1/batches/${jobId}/items`]) {
        const other = await get(url, tokens.coderB!);
        expect(other.statusCode).toBe(404);
        expect(other.body).not.toContain('org-a');
      }
      expect(((await get('/v1/batches', tokens.coderB!)).json() as { batches: unknown[] }).batches).toEqual([]);
      const viewer = await upload(app, tokens.viewerA, 'application/x-ndjson', encounterLine(11));
      expect(viewer.statusCode).toBe(403);
      expect(viewer.json().findings[0].rule).toBe('auth.forbidden');
      expect((await upload(app, undefined, 'application/x-ndjson', encounterLine(11))).statusCode).toBe(401);
      expect((await get('/v1/batches?limit=0', tokens.viewerA!)).statusCode).toBe(400);
    });

    it('queues one job for the same upload sent twice with one Idempotency-Key', async () => {
      const before = await store.db.selectFrom('jobs').select('id').execute();
      const body = [encounterLine(20), encounterLine(21)].join('\n');
      const first = await upload(app, tokens.coderA, 'application/x-ndjson', body, { 'idempotency-key': 'batch-key-1' });
      const second = await upload(app, tokens.coderA, 'application/x-ndjson', body, { 'idempotency-key': 'batch-key-1' });
      expect(first.statusCode).toBe(202);
      expect(second.statusCode).toBe(202);
      expect(second.json()).toEqual(first.json());
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.headers.location).toBe(first.headers.location);
      const after = await store.db.selectFrom('jobs').select('id').execute();
      expect(after.length).toBe(before.length + 1);
      const other = await upload(app, tokens.coderA, 'application/x-ndjson', encounterLine(22), { 'idempotency-key': 'batch-key-1' });
      expect(other.statusCode).toBe(422);
      await finished((first.json() as { jobId: string }).jobId);
    });

    it('passes an item whose lease expired to another worker, and the first worker then leaves it alone', async () => {
      let now = Date.parse('2030-01-01T00:00:00.000Z');
      const clocked = await openStore({ ...options, clock: () => now });
      try {
        await worker.stop(); // the background worker must not take these items
        const { jobId } = await enqueueJob(clocked.forOrganization('org-lease'), { actor: 'tok', format: 'ndjson', items: [{ encounter: { ...example, id: 'lease-1' } }] });
        const first = await claimItems(clocked, 'worker-a', { limit: 5, leaseMs: 1000 });
        expect(first.filter((c) => c.jobId === jobId).map((c) => c.seq)).toEqual([1]);
        expect(await claimItems(clocked, 'worker-b', { limit: 5, leaseMs: 1000 })).toEqual([]);
        now += 1001;
        const second = await claimItems(clocked, 'worker-b', { limit: 5, leaseMs: 1000 });
        expect(second).toEqual([{ jobId, seq: 1, attempts: 2 }]);
        expect(await completeItem(clocked, 'worker-a', first[0]!, knowledge)).toBe('skipped');
        expect(await completeItem(clocked, 'worker-b', second[0]!, knowledge)).toBe('done');
        expect(await completeItem(clocked, 'worker-b', second[0]!, knowledge)).toBe('skipped');
        const encounters = await clocked.db.selectFrom('encounters').select('id').where('organization', '=', 'org-lease').execute();
        expect(encounters).toHaveLength(1);
        const row = await clocked.db.selectFrom('job_items').selectAll().where('job_id', '=', jobId).executeTakeFirstOrThrow();
        expect(row).toMatchObject({ status: 'done', lease_owner: 'worker-b', input_json: null });

        // A poison item (claimed again and again, never completed) is given up rather than retried for ever.
        const poison = await enqueueJob(clocked.forOrganization('org-lease'), { actor: 'tok', format: 'ndjson', items: [{ encounter: { ...example, id: 'poison-1' } }] });
        for (let attempt = 1; attempt <= MAX_ITEM_ATTEMPTS; attempt++) {
          now += 1001;
          expect(await claimItems(clocked, 'worker-a', { limit: 5, leaseMs: 1000 })).toEqual([{ jobId: poison.jobId, seq: 1, attempts: attempt }]);
        }
        now += 1001;
        expect(await claimItems(clocked, 'worker-a', { limit: 5, leaseMs: 1000 })).toEqual([]);
        const job = await clocked.db.selectFrom('jobs').selectAll().where('id', '=', poison.jobId).executeTakeFirstOrThrow();
        expect(job).toMatchObject({ status: 'done', failed: 1, done: 0 });
        const item = await clocked.db.selectFrom('job_items').select('problems_json').where('job_id', '=', poison.jobId).executeTakeFirstOrThrow();
        expect(item.problems_json).toContain('batch.gave-up');

        // An item the store refuses as invalid fails at once, in the same transaction, and leaves nothing stored
        // (here its job names an organisation id longer than the store accepts, written past enqueueJob's checks).
        const longOrg = 'o'.repeat(201);
        const refused = await enqueueJob(clocked.forOrganization('org-lease'), { actor: 'tok', format: 'ndjson', items: [{ encounter: { ...example, id: 'refused-1' } }] });
        await clocked.db.insertInto('organizations').values({ id: longOrg, created_at: '2030-01-01T00:00:00.000Z' }).execute();
        await clocked.db.updateTable('jobs').set({ organization: longOrg }).where('id', '=', refused.jobId).execute();
        now += 1001;
        const [claimed] = await claimItems(clocked, 'worker-a', { limit: 5, leaseMs: 1000 });
        expect(await completeItem(clocked, 'worker-a', claimed!, knowledge)).toBe('failed');
        const refusedItem = await clocked.db.selectFrom('job_items').selectAll().where('job_id', '=', refused.jobId).executeTakeFirstOrThrow();
        expect(refusedItem).toMatchObject({ status: 'failed', encounter_id: null, input_json: null });
        expect(refusedItem.problems_json).toContain('batch.item-invalid');
        expect(await clocked.db.selectFrom('encounters').select('id').where('external_id', '=', 'refused-1').execute()).toEqual([]);
        expect((await clocked.verifyAudit()).ok).toBe(true);
      } finally {
        await clocked.close();
        worker.start();
      }
    });
  });
}
