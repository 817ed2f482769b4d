/**
 * Writes serialised per organisation and per audit chain, not across the installation (docs/scale-out.md): two real
 * server processes on one PostgreSQL database store and check encounters of two organisations and of one shared
 * organisation at once, with a batch of the first organisation worked meanwhile. Nothing is lost or duplicated: each
 * answered write is stored once, versions of one encounter run 1, 2, 3 without a gap, every stored version has its
 * one 'checked' audit record, and the keyed audit chain verifies with gap-free sequence numbers.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Encounter } from '../src/contract/encounter.js';
import { openStore, type Store } from '../src/store/index.js';
import { dropPgSchema, PG_URL, TEST_AUDIT_KEY } from './store-backends.js';
import { request, startServer, type ServerProcess } from './server-process.js';

const example = JSON.parse(readFileSync(new URL('../examples/encounter-axial-vfa.json', import.meta.url), 'utf8')) as Encounter;
const ORGS = ['org-scale-1', 'org-scale-2', 'org-scale-shared'] as const;
const PER_WRITER = 30;
const SAME_ENCOUNTER_WRITES = 12;
const BATCH_ITEMS = 40;

/** Runs `count` tasks, at most `parallel` at a time. */
async function pool<T>(count: number, parallel: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    for (let i = next++; i < count; i = next++) out[i] = await task(i);
  }));
  return out;
}

describe('two server processes writing to distinct and to shared organisations on one PostgreSQL database', () => {
  const schema = `dxacode_scale_${process.pid}_${randomBytes(4).toString('hex')}`;
  let store: Store;
  const tokens: Record<string, string> = {};
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    store = await openStore({ url: PG_URL, pgSchema: schema, auditKey: { text: TEST_AUDIT_KEY } });
    for (const org of ORGS) tokens[org] = (await store.forOrganization(org).tokens.create('coder')).token;
    const env = { DATABASE_URL: PG_URL, DXACODE_PG_SCHEMA: schema, DXACODE_AUDIT_KEY: TEST_AUDIT_KEY, DXACODE_WORKER_LEASE_MS: '5000', DXACODE_WORKER_POLL_MS: '50' };
    servers = await Promise.all([startServer(env), startServer(env)]);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await store?.close();
    await dropPgSchema(schema);
  });

  it('loses and duplicates nothing, and keeps the audit chain whole', async () => {
    const post = (server: number, org: string, encounter: Encounter) =>
      request(`${servers[server]!.url}/v1/encounters`, tokens[org]!, { method: 'POST', contentType: 'application/json', body: JSON.stringify(encounter) });
    const encounter = (id: string, n: number): Encounter => ({ ...example, id, patient: { sex: 'female', birthDate: `19${40 + (n % 30)}-0${(n % 9) + 1}-1${n % 10}`, mrn: `mrn-${id}` } });
    const batch = Array.from({ length: BATCH_ITEMS }, (_, n) => JSON.stringify(encounter(`batch-${n}`, n))).join('\n');
    const queued = await request(`${servers[1]!.url}/v1/batches`, tokens[ORGS[0]]!, { method: 'POST', contentType: 'application/x-ndjson', body: batch });
    expect(queued.status).toBe(202);

    const writers = [
      // Distinct organisations, one on each process.
      pool(PER_WRITER, 4, (n) => post(0, ORGS[0], encounter(`one-${n}`, n))),
      pool(PER_WRITER, 4, (n) => post(1, ORGS[1], encounter(`two-${n}`, n))),
      // One organisation from both processes: new encounters, and one encounter checked again and again.
      pool(PER_WRITER, 4, (n) => post(n % 2, ORGS[2], encounter(`shared-${n}`, n))),
      pool(SAME_ENCOUNTER_WRITES, 4, (n) => post(n % 2, ORGS[2], encounter('shared-again', 7))),
    ];
    const answers = (await Promise.all(writers)).flat();
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));

    const jobId = (queued.body as { jobId: string }).jobId;
    for (const started = Date.now(); ; ) {
      const job = (await request(`${servers[0]!.url}/v1/batches/${jobId}`, tokens[ORGS[0]]!)).body as { status: string; done: number; failed: number };
      if (job.status === 'done') {
        expect(job).toMatchObject({ done: BATCH_ITEMS, failed: 0 });
        break;
      }
      if (Date.now() - started > 60_000) throw new Error(`the batch did not finish: ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const expected: Record<string, number> = { [ORGS[0]]: PER_WRITER + BATCH_ITEMS, [ORGS[1]]: PER_WRITER, [ORGS[2]]: PER_WRITER + 1 };
    for (const org of ORGS) {
      const encounters = await store.db.selectFrom('encounters').select(['id', 'external_id', 'latest_version']).where('organization', '=', org).execute();
      expect(encounters, org).toHaveLength(expected[org]!);
      expect(new Set(encounters.map((e) => e.external_id)).size, org).toBe(expected[org]);
      const versions = await store.db.selectFrom('check_results as r').innerJoin('encounters as e', 'e.id', 'r.encounter_id').select(['r.encounter_id', 'r.version']).where('e.organization', '=', org).execute();
      // Every encounter's versions run 1..latest without a gap or a repeat.
      for (const e of encounters) {
        const mine = versions.filter((v) => v.encounter_id === e.id).map((v) => Number(v.version)).sort((a, b) => a - b);
        expect(mine, `${org} ${e.external_id}`).toEqual(Array.from({ length: Number(e.latest_version) }, (_, i) => i + 1));
      }
      const checked = await store.db.selectFrom('audit_log').select('object_ids').where('organization', '=', org).where('action', '=', 'checked').execute();
      expect(checked.length, org).toBe(versions.length);
      expect(new Set(checked.map((r) => r.object_ids)).size, org).toBe(versions.length);
    }
    const again = await store.forOrganization(ORGS[2]).encounters.list({ limit: 500 });
    expect(again.find((e) => e.externalId === 'shared-again')?.latestVersion).toBe(SAME_ENCOUNTER_WRITES);
    // Each answer names a stored encounter and version of its organisation.
    const stored = new Set((await store.db.selectFrom('check_results').select(['encounter_id', 'version']).execute()).map((r) => `${r.encounter_id} ${r.version}`));
    for (const a of answers) expect(stored.has(`${(a.body as { encounterId: string }).encounterId} ${(a.body as { version: number }).version}`)).toBe(true);

    const seqs = (await store.db.selectFrom('audit_log').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(await store.verifyAudit()).toMatchObject({ ok: true, records: seqs.length });
  });
});
