/**
 * Crash tests: a real server process is killed with SIGKILL in the middle of a batch, twice, and restarted. After
 * each kill every item is either wholly stored (encounter, check result, 'checked' audit record, item done) or not at
 * all, SQLite's integrity_check is ok, and after the restart the job resumes and finishes with every item stored
 * exactly once and an intact audit chain. On SQLite (a file) and PostgreSQL (one schema per run).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Encounter } from '../src/contract/encounter.js';
import { openStore, type StoreOptions } from '../src/store/index.js';
import { dropPgSchema, PG_URL, TEST_AUDIT_KEY } from './store-backends.js';
import { request, startServer, type ServerProcess } from './server-process.js';

const example = JSON.parse(readFileSync(new URL('../examples/encounter-axial-vfa.json', import.meta.url), 'utf8')) as Encounter;
const ORG = 'org-crash';
/** Kill once progress is inside each window (share of items finished). */
const KILL_WINDOWS = [
  [0.1, 0.45],
  [0.5, 0.8],
] as const;

interface Target {
  name: string;
  items: number;
  setUp(): { storeOptions: StoreOptions; env: Record<string, string>; sqliteFile?: string; tearDown: () => Promise<void> };
}

const targets: Target[] = [
  {
    name: 'SQLite file',
    items: 1500,
    setUp: () => {
      const dir = mkdtempSync(join(tmpdir(), 'dxacode-crash-'));
      const sqliteFile = join(dir, 'dxacode.db');
      return { storeOptions: { url: `sqlite:${sqliteFile}` }, env: { DXACODE_DATA_DIR: dir }, sqliteFile, tearDown: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    items: 600,
    setUp: () => {
      const schema = `dxacode_crash_${process.pid}_${randomBytes(4).toString('hex')}`;
      return {
        storeOptions: { url: PG_URL, pgSchema: schema, auditKey: { text: TEST_AUDIT_KEY } },
        env: { DATABASE_URL: PG_URL, DXACODE_PG_SCHEMA: schema, DXACODE_AUDIT_KEY: TEST_AUDIT_KEY },
        tearDown: async () => {
          await dropPgSchema(schema);
        },
      };
    },
  },
];

function integrityCheck(file: string): string {
  const db = new Database(file);
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** All-or-nothing after a crash: returns how many items are done, having checked that each is wholly stored. */
async function checkAllOrNothing(storeOptions: StoreOptions, jobId: string): Promise<number> {
  const store = await openStore(storeOptions);
  try {
    const items = await store.db.selectFrom('job_items').select(['seq', 'status', 'encounter_id']).where('job_id', '=', jobId).execute();
    const done = items.filter((i) => i.status === 'done');
    expect(items.filter((i) => i.status === 'failed')).toEqual([]);
    const encounters = await store.db.selectFrom('encounters').select('id').where('organization', '=', ORG).execute();
    const results = await store.db.selectFrom('check_results as r').innerJoin('encounters as e', 'e.id', 'r.encounter_id').select(['r.encounter_id', 'r.version']).where('e.organization', '=', ORG).execute();
    const checked = await store.db.selectFrom('audit_log').select('object_ids').where('organization', '=', ORG).where('action', '=', 'checked').execute();
    const encounterIds = encounters.map((e) => e.id).sort();
    // No encounter without its item done, no done item without its encounter, no duplicates.
    expect(done.map((i) => i.encounter_id).sort()).toEqual(encounterIds);
    // Every stored encounter has exactly one result version and exactly one 'checked' audit record.
    expect(results.map((r) => `${r.encounter_id} v${r.version}`).sort()).toEqual(encounterIds.map((id) => `${id} v1`));
    expect(checked.map((r) => (JSON.parse(r.object_ids) as string[]).join(' ')).sort()).toEqual(encounterIds.map((id) => `${id} v1`));
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
    return done.length;
  } finally {
    await store.close();
  }
}

for (const target of targets) {
  describe(`kill -9 during a batch upload (${target.name})`, () => {
    const set = target.setUp();
    let server: ServerProcess | undefined;
    afterAll(async () => {
      await server?.kill();
      await set.tearDown();
    });

    it('keeps every item all-or-nothing across two kills, and the job resumes and finishes after each restart', async () => {
      const setup = await openStore(set.storeOptions);
      const token = (await setup.forOrganization(ORG).tokens.create('coder')).token;
      await setup.close();
      const env = { ...set.env, DXACODE_WORKER_LEASE_MS: '1000', DXACODE_WORKER_POLL_MS: '50' };

      server = await startServer(env);
      const lines = Array.from({ length: target.items }, (_, n) => JSON.stringify({ ...example, id: `crash-${n}`, patient: { sex: 'female', birthDate: `19${40 + (n % 30)}-0${(n % 9) + 1}-1${n % 10}` } }));
      const sent = await request(`${server.url}/v1/batches`, token, { method: 'POST', contentType: 'application/x-ndjson', body: lines.join('\n') });
      expect(sent.status).toBe(202);
      const { jobId } = sent.body as { jobId: string };
      const progress = async () => (await request(`${server!.url}/v1/batches/${jobId}`, token)).body as { status: string; done: number; failed: number; total: number };

      const report: string[] = [];
      let started = Date.now();
      let doneAtStart = 0;
      for (const [from, to] of KILL_WINDOWS) {
        let seen = await progress();
        while (seen.done < from * target.items) {
          await new Promise((r) => setTimeout(r, 20));
          seen = await progress();
        }
        expect(seen.done).toBeLessThanOrEqual(to * target.items);
        const rate = (seen.done - doneAtStart) / ((Date.now() - started) / 1000);
        await server.kill();
        if (set.sqliteFile !== undefined) expect(integrityCheck(set.sqliteFile)).toBe('ok');
        const doneAtKill = await checkAllOrNothing(set.storeOptions, jobId);
        expect(doneAtKill).toBeGreaterThanOrEqual(seen.done);

        const restarted = Date.now();
        server = await startServer(env);
        let resumed = await progress();
        while (resumed.done === doneAtKill) {
          await new Promise((r) => setTimeout(r, 10));
          resumed = await progress();
        }
        report.push(`killed at ${doneAtKill}/${target.items} done (${((100 * doneAtKill) / target.items).toFixed(0)}%, ${rate.toFixed(0)} items/s before the kill); resumed ${Date.now() - restarted} ms after the restart began`);
        started = Date.now();
        doneAtStart = resumed.done;
      }

      let final = await progress();
      while (final.status !== 'done') {
        await new Promise((r) => setTimeout(r, 50));
        final = await progress();
      }
      const lastRate = (final.done - doneAtStart) / ((Date.now() - started) / 1000);
      report.push(`finished: ${final.done} done, ${final.failed} failed (${lastRate.toFixed(0)} items/s after the last restart)`);
      console.info(`crash test on ${target.name}:\n  ${report.join('\n  ')}`);
      expect(final).toMatchObject({ status: 'done', done: target.items, failed: 0, total: target.items });

      expect(await server.stop()).toBe(0);
      if (set.sqliteFile !== undefined) expect(integrityCheck(set.sqliteFile)).toBe('ok');
      expect(await checkAllOrNothing(set.storeOptions, jobId)).toBe(target.items);
    }, 90_000);
  });
}
