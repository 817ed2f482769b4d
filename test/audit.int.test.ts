/**
 * The keyed audit chain you can prove (issue 11 §2), on SQLite and PostgreSQL: records are HMACs under a key that is
 * not in the database, so someone who can write the database but lacks the key cannot rewrite a record and patch the
 * chain; signed checkpoints, stored and exported, show records cut off the end; `audit verify` never creates a store.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditCheckpoint, runAuditCheckpoints, runAuditVerify } from '../src/cli/store-commands.js';
import { auditHmac, auditKeyFromSecret } from '../src/store/audit-key.js';
import { CHECKPOINT_EVERY_RECORDS } from '../src/store/audit.js';
import { auditHash } from '../src/store/hash.js';
import { openStore, type Store, type StoreOptions } from '../src/store/index.js';
import { BACKENDS, dropPgSchema, PG_URL, TEST_AUDIT_KEY } from './store-backends.js';

const OTHER_KEY = randomBytes(32).toString('base64');

for (const backend of BACKENDS) {
  describe(`keyed audit chain on ${backend.name}`, () => {
    let store: Store;
    let options: StoreOptions;
    let cli: { url: string; auditKey?: { text: string } };
    let tearDown: () => Promise<void>;
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-audit-'));

    beforeAll(async () => {
      const set = await backend.setUp();
      ({ options, cli, tearDown } = set);
      store = await openStore(options);
      for (let i = 0; i < 6; i++) await store.forOrganization(i % 2 === 0 ? 'org-a' : 'org-b').audit.record(`tok-${i}`, 'signed-in', []);
    });
    afterAll(async () => {
      await store?.close();
      await tearDown?.();
      rmSync(dir, { recursive: true, force: true });
    });

    const row = (seq: number) => store.db.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
    const fieldsOf = (r: Awaited<ReturnType<typeof row>>) => ({ seq: Number(r.seq), at: r.at, actor: r.actor, organization: r.organization, action: r.action, objectIds: JSON.parse(r.object_ids) as string[] });

    it('keys every record: its hash is the HMAC under the audit key, not a plain SHA-256', async () => {
      const { id } = await store.auditKey();
      const third = await row(3);
      expect(third.key_id).toBe(id);
      expect(third.hash).not.toBe(auditHash(third.prev_hash, fieldsOf(third)));
      expect(await store.verifyAudit()).toMatchObject({ ok: true, records: 6, legacyRecords: 0 });
    });

    it('detects a forgery: record N edited, its hash recomputed without the key, and N+1 patched to link to it', async () => {
      const n = await row(3);
      const next = await row(4);
      const forged = { ...fieldsOf(n), actor: 'someone-else' };
      // Whoever writes the database without the key can compute a SHA-256, or an HMAC under a key of their own.
      const attempts = [
        { key_id: n.key_id, hash: auditHash(n.prev_hash, forged) },
        { key_id: n.key_id, hash: auditHmac(auditKeyFromSecret(Buffer.from(OTHER_KEY, 'base64')), n.prev_hash, forged) },
        { key_id: null, hash: auditHash(n.prev_hash, forged) },
        { key_id: auditKeyFromSecret(Buffer.from(OTHER_KEY, 'base64')).id, hash: auditHmac(auditKeyFromSecret(Buffer.from(OTHER_KEY, 'base64')), n.prev_hash, forged) },
      ];
      for (const attempt of attempts) {
        await store.db.updateTable('audit_log').set({ actor: 'someone-else', hash: attempt.hash, key_id: attempt.key_id }).where('seq', '=', 3).execute();
        await store.db.updateTable('audit_log').set({ prev_hash: attempt.hash }).where('seq', '=', 4).execute();
        const verdict = await store.verifyAudit();
        expect(verdict, JSON.stringify(attempt)).toMatchObject({ ok: false, seq: 3 });
      }
      await store.db.updateTable('audit_log').set({ actor: n.actor, hash: n.hash, key_id: n.key_id }).where('seq', '=', 3).execute();
      await store.db.updateTable('audit_log').set({ prev_hash: next.prev_hash }).where('seq', '=', 4).execute();
      expect(await store.verifyAudit()).toMatchObject({ ok: true });
    });

    it('scopes verification to an organisation: its own counts, and another organisation\'s broken record unnamed', async () => {
      expect(await store.verifyAudit({ organization: 'org-a' })).toMatchObject({ ok: true, records: 3 });
      const n = await row(2); // org-b
      await store.db.updateTable('audit_log').set({ actor: 'x' }).where('seq', '=', 2).execute();
      expect(await store.verifyAudit({ organization: 'org-a' })).toMatchObject({ ok: false, seq: null });
      expect(await store.verifyAudit({ organization: 'org-b' })).toMatchObject({ ok: false, seq: 2 });
      await store.db.updateTable('audit_log').set({ actor: n.actor }).where('seq', '=', 2).execute();
    });

    it('writes a signed checkpoint with every 1,000 records, in the same transaction', async () => {
      const before = Number((await store.db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirstOrThrow()).m);
      await store.transaction(async (ops) => {
        for (let i = before; i < CHECKPOINT_EVERY_RECORDS; i++) await ops.forOrganization('org-a').audit('tok-bulk', 'signed-in', []);
      });
      const checkpoints = await store.listAuditCheckpoints();
      expect(checkpoints.map((c) => [c.checkpoint, c.lastSeq])).toEqual([[1, CHECKPOINT_EVERY_RECORDS]]);
      expect(checkpoints[0]!.lastHash).toBe((await row(CHECKPOINT_EVERY_RECORDS)).hash);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, checkpoints: 1 });
    });

    it('detects records cut off the end: by a stored checkpoint, and by an exported one when the checkpoints are cut too', async () => {
      await store.forOrganization('org-a').audit.record('tok', 'signed-in', []);
      const exported = await runAuditCheckpoint(cli);
      expect(exported.exitCode, exported.stderr).toBe(0);
      const anchor = JSON.parse(exported.stdout) as { checkpoint: number; lastSeq: number; publicKey: string };
      expect(anchor).toMatchObject({ checkpoint: 2, lastSeq: CHECKPOINT_EVERY_RECORDS + 1, publicKey: (await store.auditKey()).publicKey });
      const anchorFile = join(dir, 'anchors.ndjson');
      writeFileSync(anchorFile, (await runAuditCheckpoints(cli)).stdout);
      expect((await runAuditVerify({ ...cli, anchors: anchorFile })).stdout).toMatch(/audit log intact: \d+ records; 2 stored checkpoints, 2 exported checkpoints verified/);

      const last = await row(anchor.lastSeq);
      await store.db.deleteFrom('audit_log').where('seq', '=', anchor.lastSeq).execute();
      expect(await store.verifyAudit()).toMatchObject({ ok: false, problem: expect.stringContaining('records were cut off the end') });
      // Whoever cuts the log can delete the stored checkpoints too; the exported one still shows it.
      const stored = await store.db.selectFrom('audit_checkpoints').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow();
      await store.db.deleteFrom('audit_checkpoints').where('seq', '=', 2).execute();
      expect(await store.verifyAudit()).toMatchObject({ ok: true });
      const cut = await runAuditVerify({ ...cli, anchors: anchorFile });
      expect(cut.exitCode).toBe(1);
      expect(cut.stderr).toContain(`the log ends at record ${anchor.lastSeq - 1}, but anchored checkpoint 2`);
      await store.db.insertInto('audit_log').values(last).execute();
      await store.db.insertInto('audit_checkpoints').values(stored).execute();
      expect((await runAuditVerify({ ...cli, anchors: anchorFile })).exitCode).toBe(0);
    });

    it('refuses a checkpoint whose signature does not match, stored or exported', async () => {
      const stored = await store.db.selectFrom('audit_checkpoints').selectAll().where('seq', '=', 1).executeTakeFirstOrThrow();
      await store.db.updateTable('audit_checkpoints').set({ last_seq: 5 }).where('seq', '=', 1).execute();
      expect(await store.verifyAudit()).toMatchObject({ ok: false, problem: expect.stringContaining('checkpoint 1 does not carry a valid signature') });
      await store.db.updateTable('audit_checkpoints').set({ last_seq: stored.last_seq }).where('seq', '=', 1).execute();
      const anchorFile = join(dir, 'forged.ndjson');
      const anchor = JSON.parse((await runAuditCheckpoint(cli)).stdout) as Record<string, unknown>;
      writeFileSync(anchorFile, `${JSON.stringify({ ...anchor, lastHash: 'f'.repeat(64) })}\n`);
      const verdict = await runAuditVerify({ ...cli, anchors: anchorFile });
      expect(verdict.exitCode).toBe(1);
      expect(verdict.stderr).toContain('anchored checkpoint');
      writeFileSync(anchorFile, 'not json\n');
      expect(await runAuditVerify({ ...cli, anchors: anchorFile })).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('line 1: expected a checkpoint as one JSON object per line') });
    });

    it('rotates keys: a new first key signs, the retired one still verifies, and without it verification names the missing key', async () => {
      const oldKey = (await store.auditKey()).id;
      // SQLite test stores keep their key beside the database; PostgreSQL ones are given it.
      const oldText = options.auditKey?.text ?? readFileSync(join(dirname(options.url!.slice('sqlite:'.length)), 'audit.key'), 'utf8');
      const rotated = await openStore({ ...options, auditKey: { text: `${OTHER_KEY}\n${oldText}` } });
      try {
        await rotated.forOrganization('org-a').audit.record('tok', 'signed-in', []);
        const newest = await rotated.db.selectFrom('audit_log').select('key_id').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
        expect(newest.key_id).toBe((await rotated.auditKey()).id);
        expect(newest.key_id).not.toBe(oldKey);
        expect(await rotated.verifyAudit()).toMatchObject({ ok: true });
      } finally {
        await rotated.close();
      }
      const newOnly = await openStore({ ...options, auditKey: { text: OTHER_KEY } });
      try {
        expect(await newOnly.verifyAudit()).toMatchObject({ ok: false, seq: 1, problem: expect.stringContaining(`audit key ${oldKey}, which is not among the keys given`) });
      } finally {
        await newOnly.close();
      }
    });
  });
}

describe('the audit key and the store on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dxacode-audit-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps an SQLite store\'s key in audit.key beside it, 0600, and refuses to start a new key when records need the old one', async () => {
    const data = join(dir, 'data');
    const store = await openStore({ url: `sqlite:${join(data, 'dxacode.db')}` });
    await store.forOrganization('org-a').audit.record('tok', 'signed-in', []);
    await store.close();
    const keyFile = join(data, 'audit.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // The key is not in the database.
    const secret = readFileSync(keyFile, 'utf8').split('\n').find((l) => l !== '' && !l.startsWith('#'))!;
    expect(readFileSync(join(data, 'dxacode.db')).includes(Buffer.from(secret))).toBe(false);
    rmSync(keyFile);
    const again = await openStore({ url: `sqlite:${join(data, 'dxacode.db')}` });
    try {
      await expect(again.forOrganization('org-a').audit.record('tok', 'signed-in', [])).rejects.toThrow(/the audit key file .*audit\.key is missing, but the audit log has records signed with a key/);
      expect(existsSync(keyFile)).toBe(false);
    } finally {
      await again.close();
    }
  });

  it('creates the database 0600 (and so its WAL and shared-memory files) in a 0700 folder', async () => {
    const data = join(dir, 'private', 'nested');
    const store = await openStore({ url: `sqlite:${join(data, 'dxacode.db')}` });
    try {
      await store.forOrganization('org-a').audit.record('tok', 'signed-in', []);
      expect(statSync(join(dir, 'private')).mode & 0o777).toBe(0o700);
      expect(statSync(data).mode & 0o777).toBe(0o700);
      for (const file of ['dxacode.db', 'dxacode.db-wal', 'dxacode.db-shm']) expect(statSync(join(data, file)).mode & 0o777, file).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('audit verify fails on a missing SQLite database and does not create it', async () => {
    const missing = join(dir, 'nothing-here', 'dxacode.db');
    const verdict = await runAuditVerify({ url: `sqlite:${missing}` });
    expect(verdict.exitCode).toBe(2);
    expect(verdict.stderr).toContain(`audit verify: not-found: there is no store at ${missing}`);
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(dir, 'nothing-here'))).toBe(false);
  });

  it('audit verify fails on a PostgreSQL schema without a store and does not create it', async () => {
    const schema = `dxacode_missing_${process.pid}_${randomBytes(4).toString('hex')}`;
    const verdict = await runAuditVerify({ url: PG_URL, pgSchema: schema, auditKey: { text: TEST_AUDIT_KEY } });
    expect(verdict.exitCode).toBe(2);
    expect(verdict.stderr).toContain('there is no dxacode store in this PostgreSQL database and schema');
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      expect((await client.query('select 1 from information_schema.schemata where schema_name = $1', [schema])).rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('a PostgreSQL store without an audit key refuses to write audit records, naming what to set', async () => {
    const schema = `dxacode_nokey_${process.pid}_${randomBytes(4).toString('hex')}`;
    const store = await openStore({ url: PG_URL, pgSchema: schema });
    try {
      await expect(store.auditKey()).rejects.toThrow(/needs DXACODE_AUDIT_KEY_FILE or DXACODE_AUDIT_KEY/);
      await expect(store.forOrganization('org-a').tokens.create('admin')).rejects.toThrow(/needs DXACODE_AUDIT_KEY_FILE or DXACODE_AUDIT_KEY/);
      expect(await store.listTokens()).toEqual([]);
    } finally {
      await store.close();
      await dropPgSchema(schema);
    }
  });

  it('verifies the records chained by SHA-256 before the chain was keyed, sealed by the first keyed record', async () => {
    const url = `sqlite:${join(dir, 'legacy', 'dxacode.db')}`;
    const store = await openStore({ url });
    try {
      // Two records as a store before migration 6 wrote them: SHA-256, no key id.
      let prev = '0'.repeat(64);
      for (const seq of [1, 2]) {
        const fields = { seq, at: `2026-01-0${seq}T00:00:00.000Z`, actor: 'tok', organization: 'org-a', action: 'signed-in', objectIds: [] };
        const hash = auditHash(prev, fields);
        await store.db.insertInto('audit_log').values({ seq, at: fields.at, actor: 'tok', organization: 'org-a', action: 'signed-in', object_ids: '[]', prev_hash: prev, hash, key_id: null }).execute();
        prev = hash;
      }
      await store.forOrganization('org-a').audit.record('tok', 'signed-in', []);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, records: 3, legacyRecords: 2 });
      expect((await runAuditVerify({ url })).stdout).toContain('the first 2 chained by SHA-256 from before the chain was keyed');
      // A legacy record rewritten (and rechained) after the seal breaks the first keyed record's link.
      const second = await store.db.selectFrom('audit_log').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow();
      const forged = auditHash(second.prev_hash, { seq: 2, at: second.at, actor: 'someone-else', organization: 'org-a', action: 'signed-in', objectIds: [] });
      await store.db.updateTable('audit_log').set({ actor: 'someone-else', hash: forged }).where('seq', '=', 2).execute();
      await store.db.updateTable('audit_log').set({ prev_hash: forged }).where('seq', '=', 3).execute();
      expect(await store.verifyAudit()).toMatchObject({ ok: false, seq: 3 });
    } finally {
      await store.close();
    }
  });
});
