/**
 * Two real server processes against one PostgreSQL database (one schema per run): batch jobs uploaded to either are
 * worked by both, and every item is stored exactly once with exactly one audit record; fifty concurrent requests
 * with one Idempotency-Key, spread over both processes, create one encounter.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Encounter } from '../src/contract/encounter.js';
import { openStore, type Store } from '../src/store/index.js';
import { dropPgSchema, PG_URL, TEST_AUDIT_KEY } from './store-backends.js';
import { request, startServer, type ServerProcess } from './server-process.js';

const example = JSON.parse(readFileSync(new URL('../examples/encounter-axial-vfa.json', import.meta.url), 'utf8')) as Encounter;
const BATCHES = 4;
const ITEMS_PER_BATCH = 150;
const ORG = 'org-two';

describe('two server processes on one PostgreSQL database', () => {
  const schema = `dxacode_two_${process.pid}_${randomBytes(4).toString('hex')}`;
  let store: Store;
  let token: string;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    store = await openStore({ url: PG_URL, pgSchema: schema, auditKey: { text: TEST_AUDIT_KEY } });
    token = (await store.forOrganization(ORG).tokens.create('coder')).token;
    const env = { DATABASE_URL: PG_URL, DXACODE_PG_SCHEMA: schema, DXACODE_AUDIT_KEY: TEST_AUDIT_KEY, DXACODE_WORKER_LEASE_MS: '5000', DXACODE_WORKER_POLL_MS: '50' };
    servers = await Promise.all([startServer(env), startServer(env)]);
  });
  afterAll(async () => {
    const codes = await Promise.all(servers.map((s) => s.stop()));
    await store?.close();
    await dropPgSchema(schema);
    // SIGTERM is a clean exit: the worker stopped and the store closed.
    expect(codes).toEqual(servers.map(() => 0));
  });

  it('works every item of batches uploaded to either process exactly once, and both processes take work', async () => {
    const started = Date.now();
    const jobIds: string[] = [];
    await Promise.all(
      Array.from({ length: BATCHES }, async (_, b) => {
        const lines = Array.from({ length: ITEMS_PER_BATCH }, (_, n) =>
          JSON.stringify({ ...example, id: `two-${b}-${n}`, patient: { sex: 'female', birthDate: `19${40 + (n % 30)}-0${(n % 9) + 1}-1${n % 10}` } }),
        );
        const sent = await request(`${servers[b % 2]!.url}/v1/batches`, token, { method: 'POST', contentType: 'application/x-ndjson', body: lines.join('\n') });
        expect(sent.status).toBe(202);
        jobIds.push((sent.body as { jobId: string }).jobId);
      }),
    );
    for (const [i, jobId] of jobIds.entries()) {
      for (;;) {
        const job = await request(`${servers[i % 2]!.url}/v1/batches/${jobId}`, token);
        const body = job.body as { status: string; done: number; failed: number };
        if (body.status === 'done') {
          expect(body).toMatchObject({ done: ITEMS_PER_BATCH, failed: 0 });
          break;
        }
        if (Date.now() - started > 80_000) throw new Error(`job ${jobId} did not finish: ${JSON.stringify(body)}\n${servers.map((s) => s.output()).join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const total = BATCHES * ITEMS_PER_BATCH;
    console.info(`two servers on PostgreSQL: ${total} items in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)} items/s)`);

    const items = await store.db.selectFrom('job_items').select(['status', 'encounter_id', 'lease_owner']).where('job_id', 'in', jobIds).execute();
    expect(items).toHaveLength(total);
    expect(items.every((i) => i.status === 'done')).toBe(true);
    const encounterIds = new Set(items.map((i) => i.encounter_id));
    expect(encounterIds.size).toBe(total);
    const encounters = await store.db.selectFrom('encounters').select(['id', 'latest_version']).where('organization', '=', ORG).execute();
    expect(encounters).toHaveLength(total);
    expect(encounters.every((e) => encounterIds.has(e.id) && Number(e.latest_version) === 1)).toBe(true);
    const results = await store.db.selectFrom('check_results as r').innerJoin('encounters as e', 'e.id', 'r.encounter_id').select('r.encounter_id').where('e.organization', '=', ORG).execute();
    expect(results).toHaveLength(total);
    const checked = await store.db.selectFrom('audit_log').select('object_ids').where('organization', '=', ORG).where('action', '=', 'checked').execute();
    expect(checked).toHaveLength(total);
    expect(new Set(checked.map((r) => (JSON.parse(r.object_ids) as string[])[0]))).toEqual(encounterIds);
    // lease_owner stays on a done item: both processes' workers did some of the work.
    const owners = new Set(items.map((i) => i.lease_owner));
    expect(owners.size).toBe(2);
    for (const server of servers) expect([...owners].some((o) => o?.includes(`:${server.child.pid}:`))).toBe(true);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('creates one encounter for fifty concurrent requests with one Idempotency-Key across both processes', async () => {
    const body = JSON.stringify({ ...example, id: 'idem-two' });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(`${servers[i % 2]!.url}/v1/encounters`, token, { method: 'POST', contentType: 'application/json', body, headers: { 'idempotency-key': 'two-servers-key' } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 201));
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(49);
    const bodies = new Set(responses.map((r) => JSON.stringify(r.body)));
    expect(bodies.size).toBe(1);
    const stored = await store.db.selectFrom('encounters').select(['id', 'latest_version']).where('organization', '=', ORG).where('external_id', '=', 'idem-two').execute();
    expect(stored).toHaveLength(1);
    expect(Number(stored[0]!.latest_version)).toBe(1);
    expect((await store.verifyAudit()).ok).toBe(true);
  });
});
