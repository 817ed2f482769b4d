/**
 * Store migrations on data written before them, on SQLite and PostgreSQL. Migration 5 re-keys stored patient
 * histories: patients the old key (birth date and sex) had merged come apart, and the migration reports what it did
 * with counts and internal ids only.
 */
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { canonicalJson, sha256Hex } from '../src/store/hash.js';
import { MIGRATIONS, openStore, patientKeysOf, type Store } from '../src/store/index.js';
import type { StoreDatabase } from '../src/store/schema.js';
import { BACKENDS, PG_URL } from './store-backends.js';
import { axialEncounter } from './encounters.js';

/** The patient key before migration 5: a caller's patient id, else payer and member id, else birth date and sex. */
function oldPatientKey(organization: string, basis: string): string {
  return sha256Hex(canonicalJson({ v: 1, organization, basis }));
}

/** A database at migration 4, opened directly (not through openStore, which would migrate it). */
async function databaseAtVersion4(options: { url?: string; pgSchema?: string }): Promise<Kysely<StoreDatabase>> {
  let db: Kysely<StoreDatabase>;
  if (options.url!.startsWith('sqlite:')) {
    const { mkdirSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    const file = options.url!.slice('sqlite:'.length);
    mkdirSync(dirname(file), { recursive: true });
    db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: new Database(file) }) });
  } else {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`create schema if not exists ${options.pgSchema}`);
    await client.end();
    db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_URL, options: `-c search_path=${options.pgSchema}` }) }) });
  }
  await db.schema.createTable('schema_migrations').addColumn('version', 'integer', (c) => c.primaryKey()).addColumn('name', 'text', (c) => c.notNull()).addColumn('applied_at', 'text', (c) => c.notNull()).execute();
  for (const migration of MIGRATIONS.filter((m) => m.version <= 4)) {
    await migration.up(db);
    await db.insertInto('schema_migrations').values({ version: migration.version, name: migration.name, applied_at: '2026-01-01T00:00:00.000Z' }).execute();
  }
  return db;
}

for (const backend of BACKENDS) {
  describe(`migration 5 on ${backend.name}`, () => {
    let store: Store;
    let tearDown: () => Promise<void>;
    const org = 'org-old';

    beforeAll(async () => {
      const set = await backend.setUp();
      tearDown = set.tearDown;
      const db = await databaseAtVersion4(set.options);
      // Three encounters as version 4 stored them: A and B share a birth date and sex and were one patient; C had a member id.
      const shared = oldPatientKey(org, 'dob-sex:1950-03-04:female');
      const encounters = [
        { id: 'enc-a', external: 'a-1', date: '2025-01-20', key: shared, input: axialEncounter({ id: 'a-1', dateOfService: '2025-01-20', patient: { sex: 'female', birthDate: '1950-03-04', mrn: 'A-1' } }), rules: [] as string[] },
        { id: 'enc-b', external: 'b-1', date: '2026-01-20', key: shared, input: axialEncounter({ id: 'b-1', dateOfService: '2026-01-20', patient: { sex: 'female', birthDate: '1950-03-04' } }), rules: ['frequency.too-soon'] },
        { id: 'enc-c', external: 'c-1', date: '2025-06-01', key: oldPatientKey(org, 'member-id:medicare:W1234'), input: axialEncounter({ id: 'c-1', dateOfService: '2025-06-01', patient: { sex: 'male', memberId: 'W1234' }, billingProvider: { npi: '1234567893' } }), rules: [] },
      ];
      await db.insertInto('organizations').values({ id: org, created_at: '2026-01-01T00:00:00.000Z' }).execute();
      for (const e of encounters) {
        const input = canonicalJson(e.input);
        await db.insertInto('encounters').values({ id: e.id, organization: org, external_id: e.external, patient_key: e.key, date_of_service: e.date, payer: 'medicare', input_json: input, input_sha256: sha256Hex(input), latest_version: 1, created_at: '2026-01-01T00:00:00.000Z' }).execute();
        await db.insertInto('check_results').values({ encounter_id: e.id, version: 1, input_sha256: sha256Hex(input), knowledge_version: 'k', verdict: e.rules.length ? 'reject' : 'clean', result_json: '{}', created_at: '2026-01-01T00:00:00.000Z', actor: 'tok' }).execute();
        for (const rule of e.rules) await db.insertInto('check_findings').values({ encounter_id: e.id, version: 1, rule }).execute();
        await db.insertInto('bone_density_history').values({ organization: org, patient_key: e.key, encounter_id: e.id, date_of_service: e.date, code: '77080' }).execute();
      }
      await db.destroy();
      store = await openStore(set.options);
    });
    afterAll(async () => {
      await store?.close();
      await tearDown?.();
    });

    it('re-keys every history by MRN or member id, so the merged patients come apart', async () => {
      const rows = await store.db.selectFrom('bone_density_history').selectAll().orderBy('encounter_id').execute();
      const a = axialEncounter({ patient: { sex: 'female', mrn: 'A-1' } });
      const c = axialEncounter({ patient: { sex: 'male', memberId: 'W1234' } });
      expect(rows.map((r) => [r.encounter_id, r.patient_key, r.code, r.npi])).toEqual([
        ['enc-a', patientKeysOf(org, a)[0], '77080', null],
        ['enc-c', patientKeysOf(org, c)[0], '77080', '1234567893'],
      ]);
      const keys = await store.db.selectFrom('encounters').select(['id', 'patient_key']).orderBy('id').execute();
      expect(keys.map((k) => [k.id, k.patient_key])).toEqual([
        ['enc-a', patientKeysOf(org, a)[0]],
        ['enc-b', null],
        ['enc-c', patientKeysOf(org, c)[0]],
      ]);
    });

    it('reports counts and internal ids only, and keeps the report in schema_migrations', async () => {
      expect(store.migrationReports.map((r) => r.version)).toContain(5);
      const report = store.migrationReports.find((r) => r.version === 5)!.report;
      expect(report).toContain('re-keyed 3 encounters by MRN or member id: 1 by MRN, 1 by member id only, 1 with neither');
      expect(report).toContain('1 of them had been matched by birth date and sex');
      expect(report).toContain('history rows 3 before, 2 after');
      expect(report).toContain('1 patients the old key had merged came apart; 1 encounters of theirs have a frequency finding');
      expect(report).toContain('(enc-b)');
      // No patient data: neither the MRN, the member id nor the birth date.
      for (const phi of ['A-1', 'W1234', '1950-03-04']) expect(report).not.toContain(phi);
      const kept = await store.db.selectFrom('schema_migrations').select('report').where('version', '=', 5).executeTakeFirstOrThrow();
      expect(kept.report).toBe(report);
    });

    it('checks the formerly merged patient without the other patient\'s study', async () => {
      const knowledge = loadKnowledge();
      const again = await store.forOrganization(org).encounters.storeAndCheck('tok', axialEncounter({ id: 'b-1', dateOfService: '2026-01-20', patient: { sex: 'female', birthDate: '1950-03-04' } }), knowledge);
      expect(again.result.findings.map((f) => f.rule)).not.toContain('frequency.too-soon');
      expect(again.result.unchecked.map((u) => u.family)).toContain('frequency');
      const patientA = await store.forOrganization(org).encounters.storeAndCheck('tok', axialEncounter({ id: 'a-2', dateOfService: '2026-01-20', patient: { sex: 'female', mrn: 'A-1' } }), knowledge);
      expect(patientA.result.findings.map((f) => f.rule)).toContain('frequency.too-soon');
    });
  });
}
