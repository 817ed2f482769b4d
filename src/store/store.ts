/**
 * The store: encounters, immutable check-result versions, overrides, accepted claims, patient history and a
 * hash-chained audit log, on SQLite (default) or PostgreSQL through Kysely. This is an edge: I/O lives here.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import Database from 'better-sqlite3';
import pg from 'pg';
import { check } from '../engine/index.js';
import type { Encounter, HistoryEntry } from '../contract/encounter.js';
import type { Result } from '../contract/result.js';
import type { Knowledge } from '../knowledge/compile.js';
import { StoreError, toStoreError } from './errors.js';
import { AUDIT_GENESIS_HASH, auditHash, canonicalJson, sha256Hex } from './hash.js';
import { MIGRATIONS, ROLES, type AuditAction, type Role, type StoreDatabase } from './schema.js';

/** The default database when no URL is given. */
export const DEFAULT_STORE_URL = 'sqlite:./data/dxacode.db';

/** How long SQLite waits for another writer before reporting `unavailable`. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** Options for openStore. */
export interface StoreOptions {
  /** `sqlite:PATH` (default ./data/dxacode.db) or `postgres://...` (for example DATABASE_URL). */
  url?: string;
  /** PostgreSQL only: the schema to use (created if missing), e.g. one per test run. */
  pgSchema?: string;
  /** Test seam: called inside the write transaction just before an audit record is inserted. */
  beforeAuditInsert?: () => void;
  /** The clock for created_at and audit times, in epoch milliseconds; default Date.now (this is an edge). */
  clock?: () => number;
}

/** A verified API token. */
export interface TokenPrincipal {
  id: string;
  organization: string;
  role: Role;
}

/** One stored check-result version. */
export interface ResultVersion {
  version: number;
  inputHash: string;
  knowledgeVersion: string;
  verdict: Result['verdict'];
  result: Result;
  createdAt: string;
  actor: string;
}

/** One coder override. */
export interface OverrideRecord {
  id: string;
  version: number;
  rule: string;
  line: number | null;
  reason: string;
  actor: string;
  createdAt: string;
}

/** A stored encounter with all its result versions, overrides and acceptances. */
export interface StoredEncounter {
  id: string;
  externalId: string | null;
  dateOfService: string;
  payer: string;
  inputHash: string;
  encounter: Encounter;
  latestVersion: number;
  versions: ResultVersion[];
  overrides: OverrideRecord[];
  accepted: { version: number; claim: Result['recommended']; actor: string; createdAt: string }[];
}

/** One row of an encounter list. */
export interface EncounterSummary {
  id: string;
  externalId: string | null;
  dateOfService: string;
  payer: string;
  latestVersion: number;
  verdict: Result['verdict'];
  checkedAt: string;
}

/** Filters for listEncounters; dates are inclusive YYYY-MM-DD. */
export interface EncounterFilters {
  verdict?: Result['verdict'];
  payer?: string;
  from?: string;
  to?: string;
  rule?: string;
  limit?: number;
  offset?: number;
}

/** The outcome of verifying the audit chain. */
export type AuditVerification = { ok: true; records: number } | { ok: false; seq: number; problem: string };

/** The store API used by the CLI and the HTTP server. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  createToken(organization: string, role: Role): Promise<{ token: string; id: string }>;
  verifyToken(token: string): Promise<TokenPrincipal | undefined>;
  storeAndCheck(
    organization: string,
    actor: string,
    encounter: Encounter,
    knowledge: Knowledge,
    options?: { patientId?: string },
  ): Promise<{ encounterId: string; version: number; result: Result }>;
  getEncounter(organization: string, id: string): Promise<StoredEncounter | undefined>;
  listEncounters(organization: string, filters?: EncounterFilters): Promise<EncounterSummary[]>;
  override(organization: string, actor: string, encounterId: string, rule: string, line: number | null, reason: string): Promise<{ id: string; version: number }>;
  accept(organization: string, actor: string, encounterId: string): Promise<{ version: number }>;
  /** Appends an audit record for actions recorded outside the store (exported, signed-in, denied). */
  recordAudit(organization: string, actor: string, action: AuditAction, objectIds: string[]): Promise<{ seq: number }>;
  verifyAudit(): Promise<AuditVerification>;
  /** For tests and admin tools: the underlying Kysely instance. */
  readonly db: Kysely<StoreDatabase>;
  close(): Promise<void>;
}

/** The store URL from the environment: DATABASE_URL, else SQLite under DXACODE_DATA_DIR (default ./data). */
export function storeUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const databaseUrl = env['DATABASE_URL'];
  if (databaseUrl !== undefined && databaseUrl.length > 0) return databaseUrl;
  return `sqlite:${env['DXACODE_DATA_DIR'] ?? './data'}/dxacode.db`;
}

const PG_URL = /^postgres(ql)?:\/\//;
const PROCEDURE_CODE = /^[0-9A-Z]{5}$/;
const MAX_LIST_LIMIT = 500;

type Tx = Transaction<StoreDatabase> | Kysely<StoreDatabase>;

/** Opens (and migrates) the store named by `url`. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const url = options.url ?? DEFAULT_STORE_URL;
  let db: Kysely<StoreDatabase>;
  let dialect: Store['dialect'];
  let sqliteFile: string | undefined;
  try {
    if (PG_URL.test(url)) {
      dialect = 'postgres';
      const schema = options.pgSchema;
      if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new StoreError('invalid', 'invalid PostgreSQL schema name');
      if (schema !== undefined) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`create schema if not exists ${schema}`);
        } finally {
          await client.end();
        }
      }
      const pool = new pg.Pool({ connectionString: url, max: 10, ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}) });
      // An idle client losing its connection must not crash the process; the next query reports `unavailable`.
      pool.on('error', () => undefined);
      db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
    } else {
      dialect = 'sqlite';
      const file = resolve(url.replace(/^sqlite:/, '') || './data/dxacode.db');
      sqliteFile = file;
      mkdirSync(dirname(file), { recursive: true });
      const database = new Database(file);
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = FULL');
      database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
      database.pragma('foreign_keys = ON');
      db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database }) });
    }
  } catch (error) {
    throw toStoreError(error);
  }
  const clock = options.clock ?? Date.now;
  const store = new KyselyStore(db, dialect, () => new Date(clock()).toISOString(), options.beforeAuditInsert, sqliteFile);
  try {
    await store.migrate();
  } catch (error) {
    await db.destroy();
    throw toStoreError(error);
  }
  return store;
}

class KyselyStore implements Store {
  constructor(
    readonly db: Kysely<StoreDatabase>,
    readonly dialect: Store['dialect'],
    private readonly now: () => string,
    private readonly beforeAuditInsert: (() => void) | undefined,
    private readonly sqliteFile: string | undefined,
  ) {}

  /**
   * Runs `work` in one write transaction on one connection: BEGIN IMMEDIATE on SQLite (the write lock is taken up
   * front, so two writers never deadlock on a lock upgrade), BEGIN plus an advisory lock on PostgreSQL (it
   * serialises writers so the audit chain and version numbers stay gap-free).
   */
  private async write<T>(work: (tx: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    if (this.sqliteFile === undefined) return this.writeNow(work);
    return serialisePerFile(this.sqliteFile, () => this.writeNow(work));
  }

  private async writeNow<T>(work: (tx: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    try {
      return await this.db.connection().execute(async (conn) => {
        await sql.raw(this.dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
        try {
          if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(7402118)`.execute(conn);
          const value = await work(conn);
          await sql.raw('commit').execute(conn);
          return value;
        } catch (error) {
          await sql.raw('rollback').execute(conn).catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      throw toStoreError(error);
    }
  }

  private async read<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** Applies each pending migration in its own transaction; safe to run again and from several processes. */
  async migrate(): Promise<void> {
    // Inside a write transaction too, so two processes (or two stores of one file) never race on it.
    await this.write(async (tx) => {
      await tx.schema
        .createTable('schema_migrations')
        .ifNotExists()
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('applied_at', 'text', (c) => c.notNull())
        .execute();
    });
    for (const migration of MIGRATIONS) {
      await this.write(async (tx) => {
        const done = await tx.selectFrom('schema_migrations').select('version').where('version', '=', migration.version).executeTakeFirst();
        if (done !== undefined) return;
        await migration.up(tx);
        await tx.insertInto('schema_migrations').values({ version: migration.version, name: migration.name, applied_at: this.now() }).execute();
      });
    }
  }

  async createToken(organization: string, role: Role): Promise<{ token: string; id: string }> {
    if (!Object.values(ROLES).includes(role)) throw new StoreError('invalid', 'expected role viewer, coder or admin');
    requireId(organization, 'organization');
    const token = randomBytes(32).toString('base64url');
    const id = randomUUID();
    await this.write(async (tx) => {
      await ensureOrganization(tx, organization, this.now());
      await tx.insertInto('api_tokens').values({ id, organization, role, token_sha256: sha256Hex(token), created_at: this.now(), revoked_at: null }).execute();
    });
    return { token, id };
  }

  async verifyToken(token: string): Promise<TokenPrincipal | undefined> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return undefined;
    const row = await this.read(() =>
      this.db.selectFrom('api_tokens').select(['id', 'organization', 'role']).where('token_sha256', '=', sha256Hex(token)).where('revoked_at', 'is', null).executeTakeFirst(),
    );
    return row === undefined ? undefined : { id: row.id, organization: row.organization, role: row.role as Role };
  }

  async storeAndCheck(
    organization: string,
    actor: string,
    encounter: Encounter,
    knowledge: Knowledge,
    options: { patientId?: string } = {},
  ): Promise<{ encounterId: string; version: number; result: Result }> {
    requireId(organization, 'organization');
    const patientKey = patientKeyOf(organization, encounter, options.patientId);
    const inputJson = canonicalJson(encounter);
    const inputHash = sha256Hex(inputJson);
    const externalId = encounter.id ?? null;
    return this.write(async (tx) => {
      await ensureOrganization(tx, organization, this.now());
      const existing =
        externalId === null
          ? undefined
          : await tx.selectFrom('encounters').select(['id', 'latest_version']).where('organization', '=', organization).where('external_id', '=', externalId).executeTakeFirst();
      const encounterId = existing?.id ?? randomUUID();
      const version = (existing?.latest_version ?? 0) + 1;

      // The check runs inside the transaction so the history it sees is the history it is stored against.
      const history = encounter.history ?? (patientKey === null ? undefined : await storedHistory(tx, organization, patientKey, encounterId, encounter.dateOfService));
      const checked = check(history === undefined ? encounter : { ...encounter, history }, knowledge);
      const result: Result = { ...checked };

      const createdAt = this.now();
      const row = { patient_key: patientKey, date_of_service: encounter.dateOfService, payer: encounter.payer ?? 'medicare', input_json: inputJson, input_sha256: inputHash, latest_version: version };
      if (existing === undefined) {
        await tx.insertInto('encounters').values({ id: encounterId, organization, external_id: externalId, created_at: createdAt, ...row }).execute();
      } else {
        await tx.updateTable('encounters').set(row).where('id', '=', encounterId).execute();
      }
      await tx
        .insertInto('check_results')
        .values({ encounter_id: encounterId, version, input_sha256: inputHash, knowledge_version: knowledge.version, verdict: result.verdict, result_json: JSON.stringify(result), created_at: createdAt, actor })
        .execute();
      const rules = [...new Set(result.findings.map((f) => f.rule))];
      if (rules.length > 0) await tx.insertInto('check_findings').values(rules.map((rule) => ({ encounter_id: encounterId, version, rule }))).execute();

      await tx.deleteFrom('bone_density_history').where('encounter_id', '=', encounterId).execute();
      const codes = [...new Set(result.recommended.lines.map((l) => l.code))].filter((c) => PROCEDURE_CODE.test(c));
      if (patientKey !== null && codes.length > 0) {
        await tx
          .insertInto('bone_density_history')
          .values(codes.map((code) => ({ organization, patient_key: patientKey, encounter_id: encounterId, date_of_service: encounter.dateOfService, code })))
          .execute();
      }
      await this.appendAudit(tx, organization, actor, 'checked', [encounterId, `v${version}`]);
      return { encounterId, version, result };
    });
  }

  async getEncounter(organization: string, id: string): Promise<StoredEncounter | undefined> {
    return this.read(async () => {
      const row = await this.db.selectFrom('encounters').selectAll().where('organization', '=', organization).where('id', '=', id).executeTakeFirst();
      if (row === undefined) return undefined;
      const versions = await this.db.selectFrom('check_results').selectAll().where('encounter_id', '=', id).orderBy('version').execute();
      const overrides = await this.db.selectFrom('overrides').selectAll().where('encounter_id', '=', id).orderBy('created_at').execute();
      const accepted = await this.db.selectFrom('accepted_claims').selectAll().where('encounter_id', '=', id).orderBy('version').execute();
      return {
        id: row.id,
        externalId: row.external_id,
        dateOfService: row.date_of_service,
        payer: row.payer,
        inputHash: row.input_sha256,
        encounter: JSON.parse(row.input_json) as Encounter,
        latestVersion: Number(row.latest_version),
        versions: versions.map((v) => ({
          version: Number(v.version),
          inputHash: v.input_sha256,
          knowledgeVersion: v.knowledge_version,
          verdict: v.verdict as Result['verdict'],
          result: JSON.parse(v.result_json) as Result,
          createdAt: v.created_at,
          actor: v.actor,
        })),
        overrides: overrides.map((o) => ({ id: o.id, version: Number(o.version), rule: o.rule, line: o.line === null ? null : Number(o.line), reason: o.reason, actor: o.actor, createdAt: o.created_at })),
        accepted: accepted.map((a) => ({ version: Number(a.version), claim: JSON.parse(a.claim_json) as Result['recommended'], actor: a.actor, createdAt: a.created_at })),
      };
    });
  }

  async listEncounters(organization: string, filters: EncounterFilters = {}): Promise<EncounterSummary[]> {
    const limit = Math.min(Math.max(Math.trunc(filters.limit ?? 50), 1), MAX_LIST_LIMIT);
    const offset = Math.max(Math.trunc(filters.offset ?? 0), 0);
    return this.read(async () => {
      let query = this.db
        .selectFrom('encounters as e')
        .innerJoin('check_results as r', (j) => j.onRef('r.encounter_id', '=', 'e.id').onRef('r.version', '=', 'e.latest_version'))
        .select(['e.id', 'e.external_id', 'e.date_of_service', 'e.payer', 'e.latest_version', 'r.verdict', 'r.created_at'])
        .where('e.organization', '=', organization);
      if (filters.verdict !== undefined) query = query.where('r.verdict', '=', filters.verdict);
      if (filters.payer !== undefined) query = query.where('e.payer', '=', filters.payer);
      if (filters.from !== undefined) query = query.where('e.date_of_service', '>=', filters.from);
      if (filters.to !== undefined) query = query.where('e.date_of_service', '<=', filters.to);
      if (filters.rule !== undefined) {
        const rule = filters.rule;
        query = query.where(({ exists, selectFrom }) =>
          exists(selectFrom('check_findings as f').select('f.rule').whereRef('f.encounter_id', '=', 'e.id').whereRef('f.version', '=', 'e.latest_version').where('f.rule', '=', rule)),
        );
      }
      const rows = await query.orderBy('e.date_of_service', 'desc').orderBy('e.id').limit(limit).offset(offset).execute();
      return rows.map((r) => ({
        id: r.id,
        externalId: r.external_id,
        dateOfService: r.date_of_service,
        payer: r.payer,
        latestVersion: Number(r.latest_version),
        verdict: r.verdict as Result['verdict'],
        checkedAt: r.created_at,
      }));
    });
  }

  async override(organization: string, actor: string, encounterId: string, rule: string, line: number | null, reason: string): Promise<{ id: string; version: number }> {
    if (typeof reason !== 'string' || reason.trim().length === 0) throw new StoreError('invalid', 'an override needs a reason');
    return this.write(async (tx) => {
      const latest = await latestResult(tx, organization, encounterId);
      const matches = latest.result.findings.some((f) => f.rule === rule && (line === null || f.line === line));
      if (!matches) throw new StoreError('invalid', 'the latest result has no such finding to override');
      const id = randomUUID();
      await tx.insertInto('overrides').values({ id, encounter_id: encounterId, version: latest.version, rule, line, reason: reason.trim(), actor, created_at: this.now() }).execute();
      await this.appendAudit(tx, organization, actor, 'overrode', [encounterId, `v${latest.version}`, id]);
      return { id, version: latest.version };
    });
  }

  async accept(organization: string, actor: string, encounterId: string): Promise<{ version: number }> {
    return this.write(async (tx) => {
      const latest = await latestResult(tx, organization, encounterId);
      const already = await tx.selectFrom('accepted_claims').select('version').where('encounter_id', '=', encounterId).where('version', '=', latest.version).executeTakeFirst();
      if (already !== undefined) throw new StoreError('conflict', 'this result version is already accepted');
      await tx.insertInto('accepted_claims').values({ encounter_id: encounterId, version: latest.version, claim_json: JSON.stringify(latest.result.recommended), actor, created_at: this.now() }).execute();
      await this.appendAudit(tx, organization, actor, 'accepted', [encounterId, `v${latest.version}`]);
      return { version: latest.version };
    });
  }

  async recordAudit(organization: string, actor: string, action: AuditAction, objectIds: string[]): Promise<{ seq: number }> {
    return this.write((tx) => this.appendAudit(tx, organization, actor, action, objectIds));
  }

  /** Appends one chained record; callers hold the write transaction, so seq and prev_hash cannot race. */
  private async appendAudit(tx: Tx, organization: string, actor: string, action: AuditAction, objectIds: string[]): Promise<{ seq: number }> {
    this.beforeAuditInsert?.();
    const last = await tx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const seq = last === undefined ? 1 : Number(last.seq) + 1;
    const prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
    const record = { seq, at: this.now(), actor, organization, action, objectIds };
    await tx
      .insertInto('audit_log')
      .values({ seq, at: record.at, actor, organization, action, object_ids: JSON.stringify(objectIds), prev_hash: prevHash, hash: auditHash(prevHash, record) })
      .execute();
    return { seq };
  }

  async verifyAudit(): Promise<AuditVerification> {
    const rows = await this.read(() => this.db.selectFrom('audit_log').selectAll().orderBy('seq').execute());
    let prevHash = AUDIT_GENESIS_HASH;
    let expectedSeq = 1;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { ok: false, seq: expectedSeq, problem: `record ${expectedSeq} is missing` };
      if (row.prev_hash !== prevHash) return { ok: false, seq, problem: 'prev_hash does not match the previous record' };
      let objectIds: unknown;
      try {
        objectIds = JSON.parse(row.object_ids);
      } catch {
        return { ok: false, seq, problem: 'object ids are not valid JSON' };
      }
      const hash = auditHash(prevHash, { seq, at: row.at, actor: row.actor, organization: row.organization, action: row.action, objectIds: objectIds as string[] });
      if (hash !== row.hash) return { ok: false, seq, problem: 'hash does not match the record (altered)' };
      prevHash = row.hash;
      expectedSeq += 1;
    }
    return { ok: true, records: rows.length };
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/**
 * better-sqlite3 waits for a busy database synchronously, so a second connection to the same file in this process
 * would block the event loop while the first one, holding the write lock, needs that loop to commit. Writers of one
 * file in one process therefore queue here; other processes are kept apart by BEGIN IMMEDIATE and busy_timeout.
 */
const sqliteWriteQueues = new Map<string, Promise<unknown>>();

async function serialisePerFile<T>(file: string, work: () => Promise<T>): Promise<T> {
  const previous = sqliteWriteQueues.get(file) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  sqliteWriteQueues.set(file, tail);
  try {
    return await run;
  } finally {
    if (sqliteWriteQueues.get(file) === tail) sqliteWriteQueues.delete(file);
  }
}

function requireId(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw new StoreError('invalid', `expected a non-empty ${what} id`);
}

async function ensureOrganization(tx: Tx, organization: string, createdAt: string): Promise<void> {
  await tx.insertInto('organizations').values({ id: organization, created_at: createdAt }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/**
 * A stable pseudonymous key for a patient within one organisation: the hash of the caller's patient id, else of the
 * payer's member id, else of birth date + sex. No key (and so no stored history) when none of these is known.
 */
export function patientKeyOf(organization: string, encounter: Encounter, patientId?: string): string | null {
  let basis: string | undefined;
  if (patientId !== undefined && patientId.length > 0) basis = `patient-id:${patientId}`;
  else if (encounter.patient.memberId !== undefined) basis = `member-id:${encounter.payer ?? 'medicare'}:${encounter.patient.memberId}`;
  else if (encounter.patient.birthDate !== undefined) basis = `dob-sex:${encounter.patient.birthDate}:${encounter.patient.sex}`;
  return basis === undefined ? null : sha256Hex(canonicalJson({ v: 1, organization, basis }));
}

async function storedHistory(tx: Tx, organization: string, patientKey: string, encounterId: string, before: string): Promise<HistoryEntry[]> {
  const rows = await tx
    .selectFrom('bone_density_history')
    .select(['date_of_service', 'code'])
    .where('organization', '=', organization)
    .where('patient_key', '=', patientKey)
    .where('encounter_id', '!=', encounterId)
    .where('date_of_service', '<', before)
    .orderBy('date_of_service')
    .execute();
  return rows.map((r) => ({ dateOfService: r.date_of_service, code: r.code }));
}

async function latestResult(tx: Tx, organization: string, encounterId: string): Promise<{ version: number; result: Result }> {
  const row = await tx
    .selectFrom('encounters as e')
    .innerJoin('check_results as r', (j) => j.onRef('r.encounter_id', '=', 'e.id').onRef('r.version', '=', 'e.latest_version'))
    .select(['r.version', 'r.result_json'])
    .where('e.organization', '=', organization)
    .where('e.id', '=', encounterId)
    .executeTakeFirst();
  if (row === undefined) throw new StoreError('not-found', 'no such encounter');
  return { version: Number(row.version), result: JSON.parse(row.result_json) as Result };
}
