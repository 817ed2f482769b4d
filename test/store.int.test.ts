/**
 * The store against SQLite (a temporary file) and PostgreSQL (127.0.0.1:5432, database `test`, one schema per run):
 * the same suite for both. PostgreSQL is started by CI; if it is not reachable the PostgreSQL suite fails, it never
 * skips.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import type { Knowledge } from '../src/knowledge/compile.js';
import { MIGRATIONS, openStore, StoreError, type Store, type StoreOptions } from '../src/store/index.js';
import { runAuditVerify, runTokenCreate, runTokenList, runTokenRevoke } from '../src/cli/store-commands.js';
import { postgresBackend as postgres, sqliteBackend as sqlite } from './store-backends.js';
import { axialEncounter } from './encounters.js';

for (const backend of [sqlite, postgres]) {
  describe(`store on ${backend.name}`, () => {
    let knowledge: Knowledge;
    let store: Store;
    let options: StoreOptions;
    let cli: { url: string; auditKey?: { text: string } };
    let tearDown: () => Promise<void>;
    let failAudit = false;

    beforeAll(async () => {
      knowledge = loadKnowledge();
      const set = await backend.setUp();
      options = { ...set.options, beforeAuditInsert: () => {
        if (failAudit) throw new Error('injected audit failure');
      } };
      tearDown = set.tearDown;
      cli = set.cli;
      store = await openStore(options);
    });

    afterAll(async () => {
      await store?.close();
      await tearDown?.();
    });

    it('runs migrations once: opening again applies nothing and keeps the data', async () => {
      const { id } = await store.forOrganization('org-migrate').tokens.create('viewer');
      const again = await openStore(options);
      try {
        const applied = await again.db.selectFrom('schema_migrations').select('version').execute();
        expect(applied.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
        const token = await again.db.selectFrom('api_tokens').select('id').where('id', '=', id).executeTakeFirst();
        expect(token?.id).toBe(id);
      } finally {
        await again.close();
      }
    });

    // SQLite only (no skipped test on PostgreSQL, so a skip always means something is wrong).
    if (backend.name === 'sqlite') it('opens SQLite in WAL mode with synchronous=FULL and a busy timeout', async () => {
      const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(store.db)).rows[0] as object)[0] as unknown;
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(2);
      expect(await pragma('busy_timeout')).toBe(5000);
    });

    it('stores only the hash of a token and verifies the plain token', async () => {
      const { token, id } = await store.forOrganization('org-a').tokens.create('coder');
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const rows = await store.db.selectFrom('api_tokens').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(await store.verifyToken(token)).toEqual({ id, organization: 'org-a', role: 'coder' });
      expect(await store.verifyToken(`${token}x`)).toBeUndefined();
      expect(await store.verifyToken('')).toBeUndefined();
      await expect(store.forOrganization('org-a').tokens.create('root' as 'admin')).rejects.toBeInstanceOf(StoreError);
    });

    it("keeps organisations apart: another organisation's encounter is not found", async () => {
      const { encounterId } = await store.forOrganization('org-iso-1').encounters.storeAndCheck('tok-1', axialEncounter({ id: 'iso-1' }), knowledge);
      expect((await store.forOrganization('org-iso-1').encounters.get(encounterId))?.id).toBe(encounterId);
      expect(await store.forOrganization('org-iso-2').encounters.get(encounterId)).toBeUndefined();
      expect(await store.forOrganization('org-iso-2').encounters.list()).toEqual([]);
      await expect(store.forOrganization('org-iso-2').encounters.accept('tok-2', encounterId)).rejects.toMatchObject({ kind: 'not-found' });
      await expect(store.forOrganization('org-iso-2').encounters.override('tok-2', encounterId, 'frequency.unchecked', null, 'why')).rejects.toMatchObject({ kind: 'not-found' });
    });

    it('opens the store for one organisation: its tokens, audit records, transactions and keys reach no other', async () => {
      const one = store.forOrganization('org-scope-1');
      const two = store.forOrganization('org-scope-2');
      const { id } = await one.tokens.create('viewer', 'tok-admin-1');
      expect((await one.tokens.list()).map((t) => t.id)).toContain(id);
      expect((await two.tokens.list()).map((t) => t.id)).not.toContain(id);
      expect(await two.tokens.revoke(id, 'tok-admin-2')).toBe(false);
      expect(await two.transaction((ops) => ops.revokeToken(id, 'tok-admin-2'))).toBe(false);
      await two.audit.record('tok-admin-2', 'signed-in', []);
      expect((await one.audit.list()).map((r) => r.action)).toEqual(['token-created']);
      expect((await two.audit.list()).map((r) => r.action)).toEqual(['signed-in']);
      // One Idempotency-Key in two organisations: two requests, neither replayed.
      const work = async () => ({ status: 201, body: { n: 1 } });
      expect(await one.idempotent('key-1', 'hash-1', work)).toMatchObject({ replayed: false });
      expect(await two.idempotent('key-1', 'hash-2', work)).toMatchObject({ replayed: false });
      expect(await one.idempotent('key-1', 'hash-1', work)).toMatchObject({ replayed: true });
      expect(await one.tokens.revoke(id, 'tok-admin-1')).toBe(true);
      expect(() => store.forOrganization('')).toThrow(StoreError);
    });

    it('keeps every result version: a re-check makes version 2 and leaves version 1 unchanged', async () => {
      const first = await store.forOrganization('org-v').encounters.storeAndCheck('tok-1', axialEncounter({ id: 'ver-1' }), knowledge);
      expect(first.version).toBe(1);
      const before = await store.db.selectFrom('check_results').selectAll().where('encounter_id', '=', first.encounterId).where('version', '=', 1).executeTakeFirstOrThrow();
      const second = await store.forOrganization('org-v').encounters.storeAndCheck('tok-2', axialEncounter({ id: 'ver-1', diagnoses: ['M81.0', 'Z87.310'] }), knowledge);
      expect(second).toMatchObject({ encounterId: first.encounterId, version: 2 });
      const after = await store.db.selectFrom('check_results').selectAll().where('encounter_id', '=', first.encounterId).where('version', '=', 1).executeTakeFirstOrThrow();
      expect(after).toEqual(before);
      const stored = await store.forOrganization('org-v').encounters.get(first.encounterId);
      expect(stored?.latestVersion).toBe(2);
      expect(stored?.versions.map((v) => [v.version, v.actor])).toEqual([[1, 'tok-1'], [2, 'tok-2']]);
      expect(stored?.versions[0]?.inputHash).not.toBe(stored?.versions[1]?.inputHash);
      expect(stored?.versions[1]?.knowledgeVersion).toBe(knowledge.version);
      expect(stored?.encounter.diagnoses).toEqual(['M81.0', 'Z87.310']);
    });

    it('fills history from earlier stored encounters of the same patient, so the 23-month rule runs', async () => {
      const patient = { sex: 'female' as const, birthDate: '1950-03-04', mrn: 'H-100' };
      const earlier = await store.forOrganization('org-h').encounters.storeAndCheck('tok', axialEncounter({ id: 'h-1', dateOfService: '2025-01-20', patient }), knowledge);
      expect(earlier.result.findings.map((f) => f.rule)).not.toContain('frequency.too-soon');
      const later = await store.forOrganization('org-h').encounters.storeAndCheck('tok', axialEncounter({ id: 'h-2', dateOfService: '2026-01-20', patient }), knowledge);
      expect(later.result.findings.map((f) => f.rule)).toContain('frequency.too-soon');
      // Another patient, and the same patient in another organisation, get no history.
      const other = await store.forOrganization('org-h').encounters.storeAndCheck('tok', axialEncounter({ id: 'h-3', dateOfService: '2026-01-20', patient: { ...patient, mrn: 'H-101' } }), knowledge);
      expect(other.result.findings.map((f) => f.rule)).not.toContain('frequency.too-soon');
      const elsewhere = await store.forOrganization('org-h2').encounters.storeAndCheck('tok', axialEncounter({ id: 'h-2', dateOfService: '2026-01-20', patient }), knowledge);
      expect(elsewhere.result.findings.map((f) => f.rule)).not.toContain('frequency.too-soon');
      // History given by the caller no longer hides the organisation's own stored studies: the two are joined.
      const given = await store.forOrganization('org-h').encounters.storeAndCheck('tok', axialEncounter({ id: 'h-4', dateOfService: '2026-01-20', patient, history: [] }), knowledge);
      expect(given.result.findings.map((f) => f.rule)).toContain('frequency.too-soon');
    });

    it('joins given history with stored studies, and says when only the stored ones are known', async () => {
      const patient = { sex: 'female' as const, memberId: 'J-42' };
      await store.forOrganization('org-j').encounters.storeAndCheck('tok', axialEncounter({ id: 'j-1', dateOfService: '2023-05-02', patient, billingProvider: { npi: '1234567893' } }), knowledge);
      // Only the organisation's own studies (none within 23 months): not clean, and the reason says what is missing.
      const own = await store.forOrganization('org-j').encounters.storeAndCheck('tok', axialEncounter({ id: 'j-2', dateOfService: '2026-01-20', patient }), knowledge);
      expect(own.result.findings.map((f) => f.rule)).not.toContain('frequency.too-soon');
      expect(own.result.verdict).not.toBe('clean');
      expect(own.result.unchecked.find((u) => u.family === 'frequency')?.reason).toContain('studies by other providers are not known');
      // Another provider's study, given by the caller, counts; the finding says whose it was.
      const withOther = await store.forOrganization('org-j').encounters.storeAndCheck('tok',
        axialEncounter({ id: 'j-3', dateOfService: '2026-01-20', patient, billingProvider: { npi: '1234567893' }, history: [{ dateOfService: '2024-09-03', code: '77080', npi: '1245319599' }] }),
        knowledge,
      );
      const tooSoon = withOther.result.findings.find((f) => f.rule === 'frequency.too-soon');
      expect(tooSoon?.message).toContain('by another provider (NPI 1245319599), which still counts');
      expect(withOther.result.unchecked.map((u) => u.family)).not.toContain('frequency');
      // The stored study and a given one on the same date and code are one study: the given one (with its NPI) is kept.
      const stored = await store.forOrganization('org-j').encounters.storeAndCheck('tok', axialEncounter({ id: 'j-4', dateOfService: '2025-02-03', patient, billingProvider: { npi: '1234567893' }, history: [{ dateOfService: '2023-05-02', code: '77080', npi: '1245319599' }] }), knowledge);
      expect(stored.result.findings.find((f) => f.rule === 'frequency.too-soon')?.message).toContain('2023-05-02 by another provider');
    });

    it('lists encounters by verdict, payer, date range and rule', async () => {
      const all = await store.forOrganization('org-h').encounters.list();
      expect(all.length).toBe(4);
      expect(all.map((e) => e.dateOfService)).toEqual([...all.map((e) => e.dateOfService)].sort().reverse());
      const tooSoon = await store.forOrganization('org-h').encounters.list({ rule: 'frequency.too-soon' });
      expect(tooSoon.map((e) => e.externalId).sort()).toEqual(['h-2', 'h-4']);
      expect((await store.forOrganization('org-h').encounters.list({ from: '2025-01-01', to: '2025-12-31' })).map((e) => e.externalId)).toEqual(['h-1']);
      expect(await store.forOrganization('org-h').encounters.list({ payer: 'no-such-payer' })).toEqual([]);
      const verdict = tooSoon[0]?.verdict ?? 'reject';
      expect((await store.forOrganization('org-h').encounters.list({ verdict })).map((e) => e.verdict)).toSatisfy((v: string[]) => v.every((x) => x === verdict));
      expect(await store.forOrganization('org-h').encounters.list({ limit: 2, offset: 3 })).toHaveLength(1);
    });

    it('pages, counts, sorts and searches the worklist by patient name, MRN, member id and encounter id', async () => {
      const org = store.forOrganization('org-w');
      const people = [
        { id: 'w-1', dateOfService: '2025-03-01', patient: { sex: 'female', birthDate: '1950-01-01', name: { family: 'Zeller', given: 'Ana' }, mrn: 'MRN-1' } },
        { id: 'w-2', dateOfService: '2025-03-02', patient: { sex: 'female', birthDate: '1950-01-01', name: { family: 'de Vries', given: 'Ria' }, memberId: '1EG4-TE5-MK72' } },
        { id: 'w-3', dateOfService: '2025-03-03', patient: { sex: 'male', birthDate: '1950-01-01', name: { family: 'Adams' } }, claim: { lines: [{ code: '77080', modifiers: ['26'] }, { code: '77086' }] } },
        { id: 'w-4', dateOfService: '2025-03-04', patient: { sex: 'female', birthDate: '1950-01-01' }, claim: { lines: [{ code: '77083' }] } },
        { id: '100%_a', dateOfService: '2025-03-05', patient: { sex: 'female', birthDate: '1950-01-01', name: { family: 'Zellweger' } } },
      ];
      const stored = new Map<string, Awaited<ReturnType<typeof org.encounters.storeAndCheck>>>();
      for (const p of people) stored.set(p.id, await org.encounters.storeAndCheck('tok', axialEncounter(p as never), knowledge));
      expect(await org.encounters.count()).toBe(5);
      const firstPage = await org.encounters.list({ limit: 2 });
      const secondPage = await org.encounters.list({ limit: 2, offset: 2 });
      expect([...firstPage, ...secondPage].map((e) => e.externalId)).toEqual(['100%_a', 'w-4', 'w-3', 'w-2']);
      // Patient order by the name's lower case; encounters without a name last, ascending or descending.
      expect((await org.encounters.list({ sort: 'patient' })).map((e) => e.patientName)).toEqual(['Adams', 'de Vries, Ria', 'Zeller, Ana', 'Zellweger', null]);
      expect((await org.encounters.list({ sort: 'patient', order: 'desc' })).map((e) => e.patientName)).toEqual(['Zellweger', 'Zeller, Ana', 'de Vries, Ria', 'Adams', null]);
      expect((await org.encounters.list({ sort: 'encounter' })).map((e) => e.externalId)).toEqual(['100%_a', 'w-1', 'w-2', 'w-3', 'w-4']);
      const byVerdict = (await org.encounters.list({ sort: 'verdict' })).map((e) => e.verdict);
      expect(byVerdict).toEqual([...byVerdict].sort((a, b) => ['reject', 'review', 'clean'].indexOf(a) - ['reject', 'review', 'clean'].indexOf(b)));
      expect(byVerdict).toContain('reject');
      // Search: part of a name, case-blind; an MRN, member id (dashes and case aside) or encounter id exactly.
      const ids = async (q: string) => (await org.encounters.list({ q })).map((e) => e.externalId).sort();
      expect(await ids('ZELL')).toEqual(['100%_a', 'w-1']);
      expect(await ids('vries')).toEqual(['w-2']);
      expect(await ids('MRN-1')).toEqual(['w-1']);
      expect(await ids('MRN')).toEqual([]);
      expect(await ids('1eg4te5mk72')).toEqual(['w-2']);
      expect(await ids('w-3')).toEqual(['w-3']);
      expect(await ids(stored.get('w-4')!.encounterId)).toEqual(['w-4']);
      // LIKE wildcards in the search are plain characters.
      expect(await ids('%')).toEqual([]);
      expect(await ids('_')).toEqual([]);
      expect(await org.encounters.count({ q: 'zell' })).toBe(2);
      expect(await org.encounters.count({ q: 'zell', payer: 'no-such-payer' })).toBe(0);
      // Each row: the patient, the billed codes with modifiers, and the latest result's top finding in its own words.
      const [w3] = await org.encounters.list({ q: 'w-3' });
      expect(w3).toMatchObject({ patientName: 'Adams', patientMrn: null, billedCodes: ['77080-26', '77086'] });
      const findings = stored.get('w-3')!.result.findings;
      const firstError = findings.find((f) => f.severity === 'error') ?? findings.find((f) => f.severity === 'warning');
      expect(w3!.topFinding).toEqual(firstError === undefined ? null : { rule: firstError.rule, severity: firstError.severity, message: firstError.message, ...(firstError.line === undefined ? {} : { line: firstError.line }) });
      const [w1] = await org.encounters.list({ q: 'MRN-1' });
      expect(w1).toMatchObject({ patientName: 'Zeller, Ana', patientMrn: 'MRN-1', billedCodes: ['77080'] });
    });

    it('requires a reason to override, and records override and acceptance', async () => {
      const { encounterId, result } = await store.forOrganization('org-o').encounters.storeAndCheck('tok', axialEncounter({ id: 'o-1' }), knowledge);
      const finding = result.findings[0];
      expect(finding).toBeDefined();
      const rule = finding?.rule ?? '';
      await expect(store.forOrganization('org-o').encounters.override('tok', encounterId, rule, null, '')).rejects.toMatchObject({ kind: 'invalid' });
      await expect(store.forOrganization('org-o').encounters.override('tok', encounterId, rule, null, '   ')).rejects.toMatchObject({ kind: 'invalid' });
      await expect(store.forOrganization('org-o').encounters.override('tok', encounterId, 'no.such-rule', null, 'reason')).rejects.toMatchObject({ kind: 'invalid' });
      const done = await store.forOrganization('org-o').encounters.override('tok', encounterId, rule, null, 'payer confirmed by phone');
      expect(done.version).toBe(1);
      expect(await store.forOrganization('org-o').encounters.accept('tok', encounterId)).toEqual({ version: 1 });
      await expect(store.forOrganization('org-o').encounters.accept('tok', encounterId)).rejects.toMatchObject({ kind: 'conflict' });
      const stored = await store.forOrganization('org-o').encounters.get(encounterId);
      expect(stored?.overrides.map((o) => [o.rule, o.reason])).toEqual([[rule, 'payer confirmed by phone']]);
      expect(stored?.accepted[0]?.claim).toEqual(result.recommended);
      // The database itself refuses an empty reason too.
      await expect(
        store.db.insertInto('overrides').values({ id: 'x', encounter_id: encounterId, version: 1, rule, line: null, reason: ' ', actor: 'tok', created_at: 'now' }).execute(),
      ).rejects.toThrow();
    });

    it('writes result and audit record in one transaction: a failed audit insert leaves no result', async () => {
      const countResults = async () => Number((await store.db.selectFrom('check_results').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const countAudit = async () => Number((await store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const results = await countResults();
      const audit = await countAudit();
      failAudit = true;
      try {
        await expect(store.forOrganization('org-t').encounters.storeAndCheck('tok', axialEncounter({ id: 't-1' }), knowledge)).rejects.toBeInstanceOf(StoreError);
      } finally {
        failAudit = false;
      }
      expect(await countResults()).toBe(results);
      expect(await countAudit()).toBe(audit);
      expect(await store.forOrganization('org-t').encounters.list()).toEqual([]);
      const error = await store.forOrganization('org-t').encounters.storeAndCheck('tok', axialEncounter({ id: 't-1' }), knowledge).then(() => undefined, (e: unknown) => e);
      expect(error).toBeUndefined();
    });

    it('reports an unreachable database as unavailable', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dxacode-store-'));
      const notADirectory = join(dir, 'file');
      writeFileSync(notADirectory, '');
      const error = await openStore({ url: backend.name === 'sqlite' ? `sqlite:${notADirectory}/x.db` : 'postgres://postgres@127.0.0.1:1/test' }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).kind).toMatch(/unavailable|internal/);
      rmSync(dir, { recursive: true, force: true });
    });

    it('turns driver errors into domain errors without SQL text', async () => {
      const broken = await openStore(options);
      await broken.close();
      const error = await broken.forOrganization('org-a').encounters.list().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).not.toMatch(/select|from|where/i);
    });

    it('CLI helpers create a token (alone on the last line) and verify the audit chain', async () => {
      const created = await runTokenCreate({ role: 'admin', organization: 'org-cli', ...cli });
      expect(created.exitCode).toBe(0);
      const lines = created.stdout.trimEnd().split('\n');
      const token = lines[lines.length - 1] ?? '';
      expect(await store.verifyToken(token)).toMatchObject({ organization: 'org-cli', role: 'admin' });
      const verified = await runAuditVerify(cli);
      expect(verified).toMatchObject({ exitCode: 0 });
      expect(verified.stdout).toMatch(/audit log intact: \d+ records/);
      expect((await runTokenCreate({ role: 'root', organization: 'o' })).exitCode).toBe(2);

      const id = /token id (\S+)/.exec(created.stdout)?.[1] ?? '';
      const listed = await runTokenList({ ...cli, organization: 'org-cli' });
      expect(listed.stdout).toContain(`${id}\torg-cli\tadmin\t`);
      expect(listed.stdout).not.toContain(token);
      expect(await runTokenRevoke({ ...cli, id })).toMatchObject({ exitCode: 0 });
      expect(await store.verifyToken(token)).toBeUndefined();
      expect((await runTokenList({ ...cli, organization: 'org-cli' })).stdout).toMatch(/\trevoked \d{4}-/);
      expect(await runTokenRevoke({ ...cli, id: 'no-such-token' })).toMatchObject({ exitCode: 2 });
      const audit = await store.forOrganization('org-cli').audit.list();
      expect(audit.map((r) => r.action).slice(0, 2)).toEqual(['token-revoked', 'token-created']);
    });

    it('remembers an Idempotency-Key for 24 hours, then treats it as new', async () => {
      let now = Date.parse('2026-03-01T08:00:00Z');
      const clocked = await openStore({ ...options, clock: () => now });
      try {
        let runs = 0;
        const work = async () => ({ status: 201, body: { run: ++runs } });
        expect(await clocked.forOrganization('org-idem').idempotent('key-1', 'hash-a', work)).toEqual({ status: 201, body: { run: 1 }, replayed: false });
        now += 23 * 3600 * 1000;
        expect(await clocked.forOrganization('org-idem').idempotent('key-1', 'hash-a', work)).toEqual({ status: 201, body: { run: 1 }, replayed: true });
        expect(await clocked.forOrganization('org-idem').idempotent('key-1', 'hash-b', work)).toEqual({ mismatch: true });
        now += 2 * 3600 * 1000;
        expect(await clocked.forOrganization('org-idem').idempotent('key-1', 'hash-b', work)).toEqual({ status: 201, body: { run: 2 }, replayed: false });
      } finally {
        await clocked.close();
      }
    });

    it('serialises concurrent writers from two connections: gap-free versions and an intact chain', async () => {
      const second = await openStore(options);
      try {
        const runs = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? store : second).forOrganization('org-c').encounters.storeAndCheck(`tok-${i}`, axialEncounter({ id: 'c-1' }), knowledge));
        const versions = (await Promise.all(runs)).map((r) => r.version).sort((a, b) => a - b);
        expect(versions).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
        expect(await store.verifyAudit()).toMatchObject({ ok: true });
      } finally {
        await second.close();
      }
    });

    it('verifies the audit chain and detects an altered record and a deleted record', async () => {
      await store.forOrganization('org-a').audit.record('tok', 'signed-in', ['tok']);
      const intact = await store.verifyAudit();
      expect(intact.ok).toBe(true);
      const records = intact.ok ? intact.records : 0;
      expect(records).toBeGreaterThan(5);

      const target = await store.db.selectFrom('audit_log').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
      await store.db.updateTable('audit_log').set({ actor: 'someone-else' }).where('seq', '=', 3).execute();
      expect(await store.verifyAudit()).toMatchObject({ ok: false, seq: 3 });
      await store.db.updateTable('audit_log').set({ actor: target.actor }).where('seq', '=', 3).execute();
      expect(await store.verifyAudit()).toMatchObject({ ok: true, records });

      await store.db.deleteFrom('audit_log').where('seq', '=', 4).execute();
      expect(await store.verifyAudit()).toMatchObject({ ok: false, seq: 4 });
      const verdict = await runAuditVerify(cli);
      expect(verdict.exitCode).toBe(1);
      expect(verdict.stderr).toContain('record 4');
    });
  });
}
