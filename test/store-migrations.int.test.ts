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

/** A database at a migration (4 unless told), opened directly (not through openStore, which would migrate it). */
async function databaseAtVersion(options: { url?: string; pgSchema?: string }, version = 4): Promise<Kysely<StoreDatabase>> {
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
  for (const migration of MIGRATIONS.filter((m) => m.version <= version)) {
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
      const db = await databaseAtVersion(set.options);
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

    it('fills the worklist columns of encounters stored before migration 10, so search finds them', async () => {
      const encounters = store.forOrganization(org).encounters;
      expect((await encounters.list({ q: 'A-1' })).map((e) => e.externalId)).toEqual(['a-1']);
      expect((await encounters.list({ q: 'w-1234' })).map((e) => e.externalId)).toEqual(['c-1']);
      expect(await encounters.count()).toBe(3);
      expect(store.migrationReports.find((r) => r.version === 10)?.report).toBe('worklist patient columns filled in for 3 stored encounters');
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

for (const backend of BACKENDS) {
  describe(`migration 9 on ${backend.name}`, () => {
    let store: Store;
    let tearDown: () => Promise<void>;
    const org = 'org-registry';
    const report = 'DXA with VFA. L1-L4 BMD 0.804 g/cm2, T-score -2.8. VFA: T4-L4 evaluated. T12: moderate (grade 2) wedge fracture. The patient is on alendronate therapy.';

    beforeAll(async () => {
      const set = await backend.setUp();
      tearDown = set.tearDown;
      const db = await databaseAtVersion(set.options, 7);
      await db.insertInto('organizations').values({ id: org, created_at: '2026-01-01T00:00:00.000Z' }).execute();
      // enc-r has the registry row version 7 wrote; enc-s was stored before the registry existed and has none.
      const encounters = [
        { id: 'enc-r', input: axialEncounter({ dateOfService: '2025-02-03', patient: { sex: 'female', age: 71, mrn: 'R-1' }, performed: undefined, claim: undefined, report } as never), registered: true },
        { id: 'enc-s', input: axialEncounter({ dateOfService: '2025-02-04', patient: { sex: 'male', age: 80, mrn: 'S-1' } }), registered: false },
      ];
      for (const e of encounters) {
        const input = canonicalJson(e.input);
        await db.insertInto('encounters').values({ id: e.id, organization: org, external_id: null, patient_key: null, date_of_service: e.input.dateOfService, payer: 'medicare', input_json: input, input_sha256: sha256Hex(input), latest_version: 1, created_at: '2026-01-01T00:00:00.000Z' }).execute();
        if (e.registered) await db.insertInto('registry').values({ encounter_id: e.id, organization: org, date_of_service: e.input.dateOfService, payer: 'medicare', sex: 'female', age_years: 71, lowest_t_score: -2.8, vfa_performed: 1, vfa_fractures: 1 }).execute();
      }
      await db.destroy();
      store = await openStore(set.options);
    });
    afterAll(async () => {
      await store?.close();
      await tearDown?.();
    });

    it('fills the research columns from the stored input and creates the missing rows, reporting counts only', async () => {
      const rows = await store.db.selectFrom('registry').selectAll().orderBy('encounter_id').execute();
      expect(rows.map((r) => [r.encounter_id, r.therapy, r.highest_genant_grade === null ? null : Number(r.highest_genant_grade), r.fracture_levels])).toEqual([
        ['enc-r', 'alendronate', 2, '[{"level":"T12","grade":2}]'],
        ['enc-s', null, null, null],
      ]);
      expect(JSON.parse(rows[0]!.site_results!)).toContainEqual({ site: 'lumbar-spine', measure: 'bmd', value: 0.804 });
      expect(Number(rows[1]!.lowest_t_score)).toBe(-2.9);
      const migration = store.migrationReports.find((r) => r.version === 9)!;
      expect(migration.report).toBe('registry rows of 2 encounters filled again from their stored input (1 created): 1 with per-site results, 1 with a Genant grade, 1 with a therapy');
    });
  });
}
