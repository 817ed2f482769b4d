/**
 * The store: encounters, immutable check-result versions, overrides, accepted claims, patient history and a
 * hash-chained audit log, on SQLite (default) or PostgreSQL through Kysely. This is an edge: I/O lives here.
 */
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import Database from 'better-sqlite3';
import pg from 'pg';
import { checkWithFacts, type CheckOptions as EngineCheckOptions } from '../engine/index.js';
import { extract } from '../extract/extract.js';
import type { ReportFacts } from '../extract/facts.js';
import { ageOn } from '../contract/dates.js';
import type { Encounter, HistoryEntry } from '../contract/encounter.js';
import type { Result } from '../contract/result.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { KnowledgeVersionRecord } from '../knowledge/versions.js';
import type { KnowledgeKind } from '../knowledge/import/types.js';
import { StoreError, toStoreError, withStoreErrors } from './errors.js';
import { canonicalJson, sha256Hex } from './hash.js';
import { appendAuditRecord, checkpointHead, listCheckpoints, verifyAuditChain, type AuditVerification } from './audit.js';
import { createAuditKeyFile, keyringOf, parseAuditSecrets, readAuditKeyFile, type AuditCheckpoint, type AuditKeyring } from './audit-key.js';
import { MIGRATIONS, ROLES, type AuditAction, type Role, type StoreDatabase } from './schema.js';
import { patientKeysOf } from './patients.js';
import { NUL_PROBLEM, nulPath } from './nul.js';

/** The default database when no URL is given. */
export const DEFAULT_STORE_URL = 'sqlite:./data/dxacode.db';

/** How long an Idempotency-Key is remembered (the IETF draft leaves it to the server; clients retry within minutes). */
export const IDEMPOTENCY_KEY_RETENTION_MS = 24 * 60 * 60 * 1000;

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
  /**
   * The audit key, never stored in the database: its text (`DXACODE_AUDIT_KEY`), or a file holding it
   * (`DXACODE_AUDIT_KEY_FILE`); one secret per line, the first signs, the others verify records signed before a
   * rotation. Without either, an SQLite store keeps its key in `audit.key` beside the database (made on first use);
   * a PostgreSQL store cannot write audit records.
   */
  auditKey?: { text?: string; file?: string };
  /** Refuse to open (kind `not-found`) when there is no store yet, instead of creating one (`dxacode audit verify`). */
  mustExist?: boolean;
}

/** The file beside an SQLite database that holds its audit key when none is given. */
export const AUDIT_KEY_FILE_NAME = 'audit.key';

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
  /** `changed`: only encounters whose latest version is a knowledge recheck that changed the verdict. */
  rechecked?: 'changed';
  limit?: number;
  offset?: number;
}

/** One audit record as an admin sees it. */
export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  objectIds: string[];
}

/** A migration applied on opening the store, with what it reported. */
export interface AppliedMigrationReport {
  version: number;
  name: string;
  report: string;
}

/** One API token as an admin sees it (never the token or its hash). */
export interface TokenRecord {
  id: string;
  organization: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

/** The writes available inside one store transaction (see Store.transaction and Store.idempotent). */
export interface WriteOps {
  /** The transaction's connection, for store modules (jobs) that keep their own tables. */
  readonly tx: Kysely<StoreDatabase>;
  /** The store's clock as an ISO-8601 string. */
  now(): string;
  storeAndCheck(organization: string, actor: string, encounter: Encounter, knowledge: Knowledge, options?: CheckOptions): Promise<{ encounterId: string; version: number; result: Result }>;
  override(organization: string, actor: string, encounterId: string, rule: string, line: number | null, reason: string): Promise<{ id: string; version: number }>;
  accept(organization: string, actor: string, encounterId: string): Promise<{ version: number }>;
  audit(organization: string, actor: string, action: AuditAction, objectIds: string[]): Promise<{ seq: number }>;
  /** Takes the next value of a named counter (1, 2, ...; wraps to 1 after `max`). */
  nextCounter(name: string, max?: number): Promise<number>;
  /** Revokes a token (audited as token-revoked by `actor`); false when there is no such token (in that organisation, when one is given). */
  revokeToken(id: string, organization: string | undefined, actor: string): Promise<boolean>;
}

/** Options of storeAndCheck. */
export interface CheckOptions {
  /** How to check; default the engine's check(). An 837P claim is checked with checkClaimFromX12. */
  checker?: (encounter: Encounter, knowledge: Knowledge, options: EngineCheckOptions) => Result;
}

/** A response kept under an idempotency key. */
export interface IdempotentResponse {
  status: number;
  body: unknown;
}

/** What Store.idempotent did: ran the work, replayed the stored response, or found the key used for another request. */
export type IdempotentOutcome = (IdempotentResponse & { replayed: boolean }) | { mismatch: true };

/** A stored encounter that a recheck may touch. */
export interface RecheckCandidate {
  organization: string;
  encounterId: string;
  externalId: string | null;
  dateOfService: string;
  encounter: Encounter;
  verdict: Result['verdict'];
  result: Result;
}

/** What one recheck changed. */
export interface RecheckOutcome {
  encounterId: string;
  version: number;
  before: Result['verdict'];
  after: Result['verdict'];
}

/** The store API used by the CLI and the HTTP server. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Creates a token (audited as token-created by `actor`: a token id, or `cli`). */
  createToken(organization: string, role: Role, actor?: string): Promise<{ token: string; id: string }>;
  /** On a store without any token: creates an admin token (first start); undefined when a token exists. Race-free across processes. */
  createFirstToken(organization: string, actor: string): Promise<{ token: string; id: string } | undefined>;
  verifyToken(token: string): Promise<TokenPrincipal | undefined>;
  storeAndCheck(
    organization: string,
    actor: string,
    encounter: Encounter,
    knowledge: Knowledge,
    options?: CheckOptions,
  ): Promise<{ encounterId: string; version: number; result: Result }>;
  getEncounter(organization: string, id: string): Promise<StoredEncounter | undefined>;
  listEncounters(organization: string, filters?: EncounterFilters): Promise<EncounterSummary[]>;
  override(organization: string, actor: string, encounterId: string, rule: string, line: number | null, reason: string): Promise<{ id: string; version: number }>;
  accept(organization: string, actor: string, encounterId: string): Promise<{ version: number }>;
  listTokens(organization?: string): Promise<TokenRecord[]>;
  /** Revokes a token (idempotent; audited as token-revoked by `actor`, default `cli`); false when there is no such token (in that organisation, when one is given). */
  revokeToken(id: string, organization?: string, actor?: string): Promise<boolean>;
  /** Runs `work` in one write transaction (all of it or none of it is stored). */
  transaction<T>(work: (ops: WriteOps) => Promise<T>): Promise<T>;
  /**
   * Runs `work` once per (organisation, key): the first request's response is stored in the same transaction as its
   * effects and replayed to every later request with the same key and request hash; another request hash under a
   * used key is a mismatch. Writers are serialised, so concurrent requests with one key create one record. Keys are
   * kept for IDEMPOTENCY_KEY_RETENTION_MS (24 h); after that the same key is a new request.
   */
  idempotent(organization: string, key: string, requestHash: string, work: (ops: WriteOps) => Promise<IdempotentResponse>): Promise<IdempotentOutcome>;
  /** Appends an audit record for actions recorded outside the store (exported, signed-in, denied). */
  recordAudit(organization: string, actor: string, action: AuditAction, objectIds: string[]): Promise<{ seq: number }>;
  /**
   * Verifies the audit chain, its stored checkpoints and the given anchors (exported checkpoints); with an
   * organisation, the counts are that organisation's and another organisation's broken record is not named.
   */
  verifyAudit(options?: { organization?: string; anchors?: readonly AuditCheckpoint[] }): Promise<AuditVerification>;
  /** The current audit key's id and public checkpoint key; fails (naming what to set) when no key is configured. */
  auditKey(): Promise<{ id: string; publicKey: string }>;
  /** Signs a checkpoint of the chain's head now, unless the newest already covers it; undefined while the log is empty. */
  checkpointAudit(): Promise<AuditCheckpoint | undefined>;
  /** Every stored checkpoint, oldest first, for export. */
  listAuditCheckpoints(): Promise<AuditCheckpoint[]>;
  /** The newest audit records of one organisation (ids and actions only), newest first. */
  listAudit(organization: string, options?: { limit?: number; beforeSeq?: number }): Promise<AuditRecord[]>;
  /**
   * Stores one imported knowledge version and its encoded tables in one transaction, audited as knowledge-imported:
   * all of it or nothing. Returns the record with its sequence number.
   */
  addKnowledgeVersion(version: Omit<KnowledgeVersionRecord, 'seq' | 'importedAt'>, data: Uint8Array): Promise<KnowledgeVersionRecord>;
  /** Every imported knowledge version, oldest first (provenance only). */
  listKnowledgeVersions(): Promise<KnowledgeVersionRecord[]>;
  /** The encoded tables of one version, or undefined when there is no such version. */
  knowledgeVersionData(id: string): Promise<Uint8Array | undefined>;
  /** Stored encounters of every organisation (or one) whose date of service falls in the period, with their latest verdict. */
  encountersInPeriod(from: string, to: string | null, organization?: string): Promise<RecheckCandidate[]>;
  /**
   * Checks a stored encounter again with `knowledge` and keeps the result as a new version with its reason (audited
   * as checked), in one transaction. Returns the previous and new verdicts.
   */
  recheck(organization: string, encounterId: string, knowledge: Knowledge, reason: string, actor: string): Promise<RecheckOutcome>;
  /** What the migrations applied when this store was opened reported (counts and internal ids; kept in schema_migrations.report too). */
  readonly migrationReports: readonly AppliedMigrationReport[];
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

/** Store options from the environment: storeUrlFromEnv, plus DXACODE_PG_SCHEMA (a PostgreSQL schema, e.g. per test run). */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): { url: string; pgSchema?: string; auditKey?: { text?: string; file?: string } } {
  const schema = env['DXACODE_PG_SCHEMA'];
  const text = env['DXACODE_AUDIT_KEY'];
  const file = env['DXACODE_AUDIT_KEY_FILE'];
  const auditKey = { ...(text !== undefined && text.length > 0 ? { text } : {}), ...(file !== undefined && file.length > 0 ? { file } : {}) };
  return { url: storeUrlFromEnv(env), ...(schema !== undefined && schema.length > 0 ? { pgSchema: schema } : {}), ...(Object.keys(auditKey).length > 0 ? { auditKey } : {}) };
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
      if (schema !== undefined && options.mustExist !== true) {
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
      if (options.mustExist === true && !existsSync(file)) throw new StoreError('not-found', `there is no store at ${file}`);
      createPrivately(file);
      const database = new Database(file, { fileMustExist: options.mustExist === true });
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
  const store = new KyselyStore(db, dialect, () => new Date(clock()).toISOString(), options.beforeAuditInsert, sqliteFile, options.auditKey ?? {});
  try {
    if (options.mustExist === true && dialect === 'postgres') {
      const found = await sql<{ t: string | null }>`select to_regclass('schema_migrations')::text as t`.execute(db);
      if (found.rows[0]?.t == null) throw new StoreError('not-found', 'there is no dxacode store in this PostgreSQL database and schema');
    }
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
    private readonly auditKeySource: { text?: string; file?: string },
  ) {}

  private keyring: AuditKeyring | undefined;

  /**
   * The audit keyring, read once: from the key text or file given, else (SQLite) from audit.key beside the database,
   * made with a new random key when `create` and the log has no keyed record yet. Undefined when no key exists and
   * none may be made (verification then checks what it can without one).
   */
  private async auditKeyring(db: Kysely<StoreDatabase>, create: boolean): Promise<AuditKeyring | undefined> {
    if (this.keyring !== undefined) return this.keyring;
    const { text, file } = this.auditKeySource;
    if (text !== undefined && file !== undefined) throw new StoreError('invalid', 'set DXACODE_AUDIT_KEY or DXACODE_AUDIT_KEY_FILE, not both');
    let secrets: Buffer[];
    if (text !== undefined) secrets = parseAuditSecrets(text, 'the audit key (DXACODE_AUDIT_KEY)');
    else if (file !== undefined) secrets = readAuditKeyFile(file);
    else if (this.sqliteFile !== undefined) {
      const beside = join(dirname(this.sqliteFile), AUDIT_KEY_FILE_NAME);
      if (!existsSync(beside)) {
        const signed = await db.selectFrom('audit_log').select('seq').where('key_id', 'is not', null).limit(1).executeTakeFirst();
        // A new key would orphan every record signed with the lost one: say so rather than start a new chain quietly.
        if (signed !== undefined) throw new StoreError('internal', `the audit key file ${beside} is missing, but the audit log has records signed with a key: restore the file, or give the key with DXACODE_AUDIT_KEY_FILE`);
        if (!create) return undefined;
        createAuditKeyFile(beside);
      }
      secrets = readAuditKeyFile(beside);
    } else {
      if (!create) return undefined;
      throw new StoreError('internal', 'no audit key is configured: a PostgreSQL store needs DXACODE_AUDIT_KEY_FILE or DXACODE_AUDIT_KEY, the same in every process (docs/deployment.md)');
    }
    this.keyring = keyringOf(secrets);
    return this.keyring;
  }

  private async signingKeyring(db: Kysely<StoreDatabase>): Promise<AuditKeyring> {
    return (await this.auditKeyring(db, true))!;
  }

  async auditKey(): Promise<{ id: string; publicKey: string }> {
    const { current } = await this.signingKeyring(this.db);
    return { id: current.id, publicKey: current.publicKey };
  }

  async checkpointAudit(): Promise<AuditCheckpoint | undefined> {
    return this.write(async (tx) => checkpointHead(tx, (await this.signingKeyring(tx)).current, this.now()));
  }

  async listAuditCheckpoints(): Promise<AuditCheckpoint[]> {
    return withStoreErrors(async () => listCheckpoints(this.db, await this.auditKeyring(this.db, false)));
  }

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
        const report = await migration.up(tx);
        await tx
          .insertInto('schema_migrations')
          .values({ version: migration.version, name: migration.name, applied_at: this.now(), ...(report ? { report: report.summary } : {}) })
          .execute();
        if (report) this.migrationReports.push({ version: migration.version, name: migration.name, report: report.summary });
      });
    }
  }

  readonly migrationReports: AppliedMigrationReport[] = [];

  async createToken(organization: string, role: Role, actor = 'cli'): Promise<{ token: string; id: string }> {
    return (await this.createTokenWhen(organization, role, actor, false))!;
  }

  async createFirstToken(organization: string, actor: string): Promise<{ token: string; id: string } | undefined> {
    return this.createTokenWhen(organization, 'admin', actor, true);
  }

  /** Creates a token, or (onlyIfNone) only when the store has no token at all, decided inside the write lock. */
  private async createTokenWhen(organization: string, role: Role, actor: string, onlyIfNone: boolean): Promise<{ token: string; id: string } | undefined> {
    if (!Object.values(ROLES).includes(role)) throw new StoreError('invalid', 'expected role viewer, coder or admin');
    requireId(organization, 'organization');
    const token = randomBytes(32).toString('base64url');
    const id = randomUUID();
    return this.write(async (tx) => {
      if (onlyIfNone && (await tx.selectFrom('api_tokens').select('id').limit(1).executeTakeFirst()) !== undefined) return undefined;
      await ensureOrganization(tx, organization, this.now());
      await tx.insertInto('api_tokens').values({ id, organization, role, token_sha256: sha256Hex(token), created_at: this.now(), revoked_at: null }).execute();
      await this.appendAudit(tx, organization, actor, 'token-created', [id, role]);
      return { token, id };
    });
  }

  async verifyToken(token: string): Promise<TokenPrincipal | undefined> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return undefined;
    const row = await withStoreErrors(() =>
      this.db.selectFrom('api_tokens').select(['id', 'organization', 'role']).where('token_sha256', '=', sha256Hex(token)).where('revoked_at', 'is', null).executeTakeFirst(),
    );
    return row === undefined ? undefined : { id: row.id, organization: row.organization, role: row.role as Role };
  }

  async listTokens(organization?: string): Promise<TokenRecord[]> {
    return withStoreErrors(async () => {
      let query = this.db.selectFrom('api_tokens').select(['id', 'organization', 'role', 'created_at', 'revoked_at']);
      if (organization !== undefined) query = query.where('organization', '=', organization);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, organization: r.organization, role: r.role as Role, createdAt: r.created_at, revokedAt: r.revoked_at }));
    });
  }

  async revokeToken(id: string, organization?: string, actor = 'cli'): Promise<boolean> {
    return this.transaction((ops) => ops.revokeToken(id, organization, actor));
  }

  private async revokeTokenTx(tx: Kysely<StoreDatabase>, id: string, organization: string | undefined, actor: string): Promise<boolean> {
    if (typeof id !== 'string' || id.length === 0 || id.length > 200 || id.includes('\u0000')) return false;
    let query = tx.selectFrom('api_tokens').select(['id', 'organization', 'revoked_at']).where('id', '=', id);
    if (organization !== undefined) query = query.where('organization', '=', organization);
    const row = await query.executeTakeFirst();
    if (row === undefined) return false;
    if (row.revoked_at === null) {
      await tx.updateTable('api_tokens').set({ revoked_at: this.now() }).where('id', '=', id).execute();
      await this.appendAudit(tx, row.organization, actor, 'token-revoked', [id]);
    }
    return true;
  }

  async storeAndCheck(
    organization: string,
    actor: string,
    encounter: Encounter,
    knowledge: Knowledge,
    options: CheckOptions = {},
  ): Promise<{ encounterId: string; version: number; result: Result }> {
    return this.transaction((ops) => ops.storeAndCheck(organization, actor, encounter, knowledge, options));
  }

  async transaction<T>(work: (ops: WriteOps) => Promise<T>): Promise<T> {
    return this.write((tx) => work(this.ops(tx)));
  }

  async idempotent(organization: string, key: string, requestHash: string, work: (ops: WriteOps) => Promise<IdempotentResponse>): Promise<IdempotentOutcome> {
    requireId(organization, 'organization');
    requireId(key, 'idempotency key');
    return this.write(async (tx) => {
      const now = this.now();
      const expired = new Date(Date.parse(now) - IDEMPOTENCY_KEY_RETENTION_MS).toISOString();
      // Expired keys of this organisation go first, so an expired key is a new request and the table stays small.
      await tx.deleteFrom('idempotency_keys').where('organization', '=', organization).where('created_at', '<', expired).execute();
      const kept = await tx
        .selectFrom('idempotency_keys')
        .select(['request_sha256', 'status_code', 'response_json'])
        .where('organization', '=', organization)
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      if (kept !== undefined) {
        if (kept.request_sha256 !== requestHash) return { mismatch: true } as const;
        return { status: Number(kept.status_code), body: JSON.parse(kept.response_json) as unknown, replayed: true };
      }
      const response = await work(this.ops(tx));
      await ensureOrganization(tx, organization, this.now());
      await tx
        .insertInto('idempotency_keys')
        .values({ organization, idempotency_key: key, request_sha256: requestHash, status_code: response.status, response_json: JSON.stringify(response.body), created_at: now })
        .execute();
      return { ...response, replayed: false };
    });
  }

  /** The write operations bound to one open transaction. */
  private ops(tx: Kysely<StoreDatabase>): WriteOps {
    return {
      tx,
      now: () => this.now(),
      storeAndCheck: (organization, actor, encounter, knowledge, options = {}) => this.storeAndCheckTx(tx, organization, actor, encounter, knowledge, options),
      override: (organization, actor, encounterId, rule, line, reason) => this.overrideTx(tx, organization, actor, encounterId, rule, line, reason),
      accept: (organization, actor, encounterId) => this.acceptTx(tx, organization, actor, encounterId),
      audit: (organization, actor, action, objectIds) => this.appendAudit(tx, organization, actor, action, objectIds),
      nextCounter: (name, max) => nextCounter(tx, name, max),
      revokeToken: (id, organization, actor) => this.revokeTokenTx(tx, id, organization, actor),
    };
  }

  private async storeAndCheckTx(
    tx: Kysely<StoreDatabase>,
    organization: string,
    actor: string,
    encounter: Encounter,
    knowledge: Knowledge,
    options: CheckOptions,
  ): Promise<{ encounterId: string; version: number; result: Result }> {
    requireId(organization, 'organization');
    refuseNul(encounter);
    const patientKeys = patientKeysOf(organization, encounter);
    const inputJson = canonicalJson(encounter);
    const inputHash = sha256Hex(inputJson);
    const externalId = encounter.id ?? null;
    await ensureOrganization(tx, organization, this.now());
    const existing =
      externalId === null
        ? undefined
        : await tx.selectFrom('encounters').select(['id', 'latest_version']).where('organization', '=', organization).where('external_id', '=', externalId).executeTakeFirst();
    const encounterId = existing?.id ?? randomUUID();
    const version = (existing?.latest_version ?? 0) + 1;

    // The check runs inside the transaction so the history it sees is the history it is stored against.
    const withHistory = await withStoredHistory(tx, organization, patientKeys, encounterId, encounter);
    // Resolved once, so the version recorded is the one the check used (imports can change between calls).
    const resolved = knowledge.forDate(encounter.dateOfService);
    const checked =
      options.checker === undefined ? checkWithFacts(withHistory.encounter, resolved, withHistory.options) : { result: options.checker(withHistory.encounter, resolved, withHistory.options), facts: undefined };
    const result: Result = { ...checked.result };

    const createdAt = this.now();
    const row = { patient_key: patientKeys[0] ?? null, date_of_service: encounter.dateOfService, payer: encounter.payer ?? 'medicare', input_json: inputJson, input_sha256: inputHash, latest_version: version };
    if (existing === undefined) {
      await tx.insertInto('encounters').values({ id: encounterId, organization, external_id: externalId, created_at: createdAt, ...row }).execute();
    } else {
      await tx.updateTable('encounters').set(row).where('id', '=', encounterId).execute();
    }
    await tx
      .insertInto('check_results')
      .values({ encounter_id: encounterId, version, input_sha256: inputHash, knowledge_version: resolved.version, verdict: result.verdict, result_json: JSON.stringify(result), created_at: createdAt, actor })
      .execute();
    const rules = [...new Set(result.findings.map((f) => f.rule))];
    if (rules.length > 0) await tx.insertInto('check_findings').values(rules.map((rule) => ({ encounter_id: encounterId, version, rule }))).execute();

    await tx.deleteFrom('bone_density_history').where('encounter_id', '=', encounterId).execute();
    const codes = [...new Set(result.recommended.lines.map((l) => l.code))].filter((c) => PROCEDURE_CODE.test(c));
    await insertHistoryRows(tx, organization, encounterId, encounter, patientKeys, codes);
    await writeRegistry(tx, organization, encounterId, encounter, checked.facts);
    await this.appendAudit(tx, organization, actor, 'checked', [encounterId, `v${version}`]);
    return { encounterId, version, result };
  }

  async getEncounter(organization: string, id: string): Promise<StoredEncounter | undefined> {
    return withStoreErrors(async () => {
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
    return withStoreErrors(async () => {
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
      if (filters.rechecked === 'changed') {
        query = query
          .where('r.reason', 'is not', null)
          .where(({ exists, selectFrom }) =>
            exists(selectFrom('check_results as p').select('p.version').whereRef('p.encounter_id', '=', 'e.id').where('p.version', '=', sql<number>`e.latest_version - 1`).whereRef('p.verdict', '<>', 'r.verdict')),
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
    return this.transaction((ops) => ops.override(organization, actor, encounterId, rule, line, reason));
  }

  private async overrideTx(tx: Kysely<StoreDatabase>, organization: string, actor: string, encounterId: string, rule: string, line: number | null, reason: string): Promise<{ id: string; version: number }> {
    if (typeof reason !== 'string' || reason.trim().length === 0) throw new StoreError('invalid', 'an override needs a reason');
    refuseNul({ rule, reason });
    const latest = await latestResult(tx, organization, encounterId);
    const matches = latest.result.findings.some((f) => f.rule === rule && (line === null || f.line === line));
    if (!matches) throw new StoreError('invalid', 'the latest result has no such finding to override');
    const id = randomUUID();
    await tx.insertInto('overrides').values({ id, encounter_id: encounterId, version: latest.version, rule, line, reason: reason.trim(), actor, created_at: this.now() }).execute();
    await this.appendAudit(tx, organization, actor, 'overrode', [encounterId, `v${latest.version}`, id]);
    return { id, version: latest.version };
  }

  async accept(organization: string, actor: string, encounterId: string): Promise<{ version: number }> {
    return this.transaction((ops) => ops.accept(organization, actor, encounterId));
  }

  private async acceptTx(tx: Kysely<StoreDatabase>, organization: string, actor: string, encounterId: string): Promise<{ version: number }> {
    const latest = await latestResult(tx, organization, encounterId);
    const already = await tx.selectFrom('accepted_claims').select('version').where('encounter_id', '=', encounterId).where('version', '=', latest.version).executeTakeFirst();
    if (already !== undefined) throw new StoreError('conflict', 'this result version is already accepted', { rule: 'claim.already-accepted' });
    // A claim with an error finding nobody has overridden is not ready to bill.
    const overridden = await tx.selectFrom('overrides').select(['rule', 'line']).where('encounter_id', '=', encounterId).where('version', '=', latest.version).execute();
    const unresolved = latest.result.findings.filter(
      (f) => f.severity === 'error' && !overridden.some((o) => o.rule === f.rule && (o.line === null || (f.line !== undefined && Number(o.line) === f.line))),
    );
    if (unresolved.length > 0) {
      const rules = [...new Set(unresolved.map((f) => (f.line === undefined ? f.rule : `${f.rule} (line ${f.line})`)))];
      throw new StoreError('conflict', `the latest result has unresolved errors: ${rules.join(', ')}; override each with a reason or correct and check the encounter again`, { rule: 'claim.unresolved-errors' });
    }
    await tx.insertInto('accepted_claims').values({ encounter_id: encounterId, version: latest.version, claim_json: JSON.stringify(latest.result.recommended), actor, created_at: this.now() }).execute();
    await this.appendAudit(tx, organization, actor, 'accepted', [encounterId, `v${latest.version}`]);
    return { version: latest.version };
  }

  async recordAudit(organization: string, actor: string, action: AuditAction, objectIds: string[]): Promise<{ seq: number }> {
    return this.write((tx) => this.appendAudit(tx, organization, actor, action, objectIds));
  }

  /** Appends one chained record under the current audit key; callers hold the write transaction, so seq and prev_hash cannot race. */
  private async appendAudit(tx: Kysely<StoreDatabase>, organization: string, actor: string, action: AuditAction, objectIds: string[]): Promise<{ seq: number }> {
    this.beforeAuditInsert?.();
    refuseNul({ organization, actor, objectIds });
    const key = (await this.signingKeyring(tx)).current;
    return appendAuditRecord(tx, key, { at: this.now(), actor, organization, action, objectIds });
  }

  async listAudit(organization: string, options: { limit?: number; beforeSeq?: number } = {}): Promise<AuditRecord[]> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), MAX_LIST_LIMIT);
    return withStoreErrors(async () => {
      let query = this.db.selectFrom('audit_log').select(['seq', 'at', 'actor', 'action', 'object_ids']).where('organization', '=', organization);
      if (options.beforeSeq !== undefined) query = query.where('seq', '<', options.beforeSeq);
      const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
      return rows.map((r) => ({ seq: Number(r.seq), at: r.at, actor: r.actor, action: r.action, objectIds: JSON.parse(r.object_ids) as string[] }));
    });
  }

  async verifyAudit(options: { organization?: string; anchors?: readonly AuditCheckpoint[] } = {}): Promise<AuditVerification> {
    return withStoreErrors(async () => verifyAuditChain(this.db, await this.auditKeyring(this.db, false), options));
  }

  async addKnowledgeVersion(version: Omit<KnowledgeVersionRecord, 'seq' | 'importedAt'>, data: Uint8Array): Promise<KnowledgeVersionRecord> {
    const base64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
    return this.write(async (tx) => {
      const last = await tx.selectFrom('knowledge_versions').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const seq = last === undefined ? 1 : Number(last.seq) + 1;
      const importedAt = this.now();
      await tx
        .insertInto('knowledge_versions')
        .values({
          seq,
          id: version.id,
          kind: version.kind,
          edition: version.edition,
          effective_from: version.effectiveFrom,
          effective_to: version.effectiveTo,
          files_json: JSON.stringify(version.files),
          row_counts_json: JSON.stringify(version.rowCounts),
          content_sha256: version.contentSha256,
          imported_by: version.importedBy,
          imported_at: importedAt,
          warnings_json: JSON.stringify(version.warnings),
        })
        .execute();
      for (let part = 0, at = 0; at < base64.length || part === 0; part++, at += KNOWLEDGE_PART_CHARS) {
        await tx.insertInto('knowledge_data').values({ version_id: version.id, part, data_base64: base64.slice(at, at + KNOWLEDGE_PART_CHARS) }).execute();
      }
      await this.appendAudit(tx, SYSTEM_ORGANIZATION, version.importedBy, AUDIT_ACTIONS_IMPORTED, [version.id]);
      return { ...version, seq, importedAt };
    });
  }

  async listKnowledgeVersions(): Promise<KnowledgeVersionRecord[]> {
    return withStoreErrors(async () => {
      const rows = await this.db.selectFrom('knowledge_versions').selectAll().orderBy('seq').execute();
      return rows.map((r) => ({
        seq: Number(r.seq),
        id: r.id,
        kind: r.kind as KnowledgeKind,
        edition: r.edition,
        effectiveFrom: r.effective_from,
        effectiveTo: r.effective_to,
        files: JSON.parse(r.files_json) as KnowledgeVersionRecord['files'],
        rowCounts: JSON.parse(r.row_counts_json) as Record<string, number>,
        contentSha256: r.content_sha256,
        importedBy: r.imported_by,
        importedAt: r.imported_at,
        warnings: JSON.parse(r.warnings_json) as string[],
      }));
    });
  }

  async knowledgeVersionData(id: string): Promise<Uint8Array | undefined> {
    return withStoreErrors(async () => {
      const parts = await this.db.selectFrom('knowledge_data').select(['part', 'data_base64']).where('version_id', '=', id).orderBy('part').execute();
      if (parts.length === 0) return undefined;
      return Buffer.from(parts.map((p) => p.data_base64).join(''), 'base64');
    });
  }

  async encountersInPeriod(from: string, to: string | null, organization?: string): Promise<RecheckCandidate[]> {
    return withStoreErrors(async () => {
      let query = this.db
        .selectFrom('encounters as e')
        .innerJoin('check_results as r', (j) => j.onRef('r.encounter_id', '=', 'e.id').onRef('r.version', '=', 'e.latest_version'))
        .select(['e.organization', 'e.id', 'e.external_id', 'e.date_of_service', 'e.input_json', 'r.verdict', 'r.result_json'])
        .where('e.date_of_service', '>=', from);
      if (to !== null) query = query.where('e.date_of_service', '<=', to);
      if (organization !== undefined) query = query.where('e.organization', '=', organization);
      const rows = await query.orderBy('e.date_of_service').orderBy('e.id').execute();
      return rows.map((r) => ({
        organization: r.organization,
        encounterId: r.id,
        externalId: r.external_id,
        dateOfService: r.date_of_service,
        encounter: JSON.parse(r.input_json) as Encounter,
        verdict: r.verdict as Result['verdict'],
        result: JSON.parse(r.result_json) as Result,
      }));
    });
  }

  async recheck(organization: string, encounterId: string, knowledge: Knowledge, reason: string, actor: string): Promise<RecheckOutcome> {
    return this.write(async (tx) => {
      const row = await tx.selectFrom('encounters').selectAll().where('organization', '=', organization).where('id', '=', encounterId).executeTakeFirst();
      if (row === undefined) throw new StoreError('not-found', `no encounter ${encounterId}`);
      const latest = await latestResult(tx, organization, encounterId);
      const encounter = JSON.parse(row.input_json) as Encounter;
      const withHistory = await withStoredHistory(tx, organization, patientKeysOf(organization, encounter), encounterId, encounter);
      const resolved = knowledge.forDate(encounter.dateOfService);
      const { result } = checkWithFacts(withHistory.encounter, resolved, withHistory.options);
      const version = Number(row.latest_version) + 1;
      await tx
        .insertInto('check_results')
        .values({ encounter_id: encounterId, version, input_sha256: row.input_sha256, knowledge_version: resolved.version, verdict: result.verdict, result_json: JSON.stringify(result), created_at: this.now(), actor, reason })
        .execute();
      const rules = [...new Set(result.findings.map((f) => f.rule))];
      if (rules.length > 0) await tx.insertInto('check_findings').values(rules.map((rule) => ({ encounter_id: encounterId, version, rule }))).execute();
      await tx.updateTable('encounters').set({ latest_version: version }).where('id', '=', encounterId).execute();
      await this.appendAudit(tx, organization, actor, 'checked', [encounterId, `v${version}`]);
      return { encounterId, version, before: latest.result.verdict, after: result.verdict };
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** Characters of base64 per stored part of a knowledge version (4 MiB). */
const KNOWLEDGE_PART_CHARS = 4 * 1024 * 1024;
/** The organisation of audit records about installation-wide actions (knowledge imports). */
const SYSTEM_ORGANIZATION = 'system';
const AUDIT_ACTIONS_IMPORTED: AuditAction = 'knowledge-imported';

/**
 * Creates the database file readable by its owner only (0600), in a folder made 0700 when it does not exist yet:
 * SQLite gives the -wal and -shm files the database file's mode. Existing files and folders keep their mode.
 */
function createPrivately(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
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

/**
 * The registry row of an encounter (bone-density and fracture data for the dashboard and researchers): age at the
 * date of service, lowest T-score and VFA fractures, from the encounter or, where it leaves them out, its report.
 * No name, member id or birth date is kept here.
 */
async function writeRegistry(tx: Tx, organization: string, encounterId: string, encounter: Encounter, factsRead: ReportFacts | undefined): Promise<void> {
  // The check has read the report already; read it here only when another checker (an 837P claim's) was used.
  const facts = factsRead ?? (encounter.report === undefined ? undefined : extract(encounter.report));
  const procedures = encounter.performed?.map((p) => p.procedure) ?? facts?.studies.map((s) => s.procedure) ?? [];
  const vfa = procedures.includes('vfa');
  const age = encounter.patient.age ?? (encounter.patient.birthDate === undefined ? null : ageOn(encounter.patient.birthDate, encounter.dateOfService));
  const row = {
    organization,
    date_of_service: encounter.dateOfService,
    payer: encounter.payer ?? 'medicare',
    sex: encounter.patient.sex,
    age_years: age,
    lowest_t_score: encounter.clinical?.tScoreLowest ?? facts?.tScoreLowest?.value ?? null,
    vfa_performed: vfa ? 1 : 0,
    // Fractures are counted only when a VFA was read from a report; a structured encounter does not say.
    vfa_fractures: vfa && facts?.vfa !== undefined ? facts.vfa.fractures.length : null,
  };
  await tx.insertInto('registry').values({ encounter_id: encounterId, ...row }).onConflict((oc) => oc.column('encounter_id').doUpdateSet(row)).execute();
}

/** Takes the next value of a named counter inside the caller's write transaction. */
async function nextCounter(tx: Tx, name: string, max = Number.MAX_SAFE_INTEGER): Promise<number> {
  const row = await tx.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
  const value = row === undefined || Number(row.value) >= max ? 1 : Number(row.value) + 1;
  if (row === undefined) await tx.insertInto('counters').values({ name, value }).execute();
  else await tx.updateTable('counters').set({ value }).where('name', '=', name).execute();
  return value;
}

function requireId(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || value.includes('\u0000')) throw new StoreError('invalid', `expected a non-empty ${what} id without the NUL character`);
}

/** Refuses text PostgreSQL cannot store, naming the field, so both databases answer alike (an `invalid` store error). */
function refuseNul(value: unknown): void {
  const path = nulPath(value);
  if (path !== undefined) throw new StoreError('invalid', `${path}: ${NUL_PROBLEM}`);
}

async function ensureOrganization(tx: Tx, organization: string, createdAt: string): Promise<void> {
  await tx.insertInto('organizations').values({ id: organization, created_at: createdAt }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/**
 * The encounter with the history it is checked against, and the engine options that say how far that history
 * reaches. History the caller gives covers every provider (CONTRACT.md); the organisation's own stored studies of the
 * patient are added to it (once each). Without given history, the stored studies are all that is known, so the
 * engine is told that they are this organisation's only (studies by other providers count too and are unknown); an
 * encounter with no MRN or member id matches no stored study.
 */
async function withStoredHistory(tx: Tx, organization: string, keys: readonly string[], encounterId: string, encounter: Encounter): Promise<{ encounter: Encounter; options: EngineCheckOptions }> {
  const stored = keys.length === 0 ? [] : await storedHistory(tx, organization, keys, encounterId, encounter.dateOfService);
  const given = encounter.history;
  if (given === undefined) {
    return { encounter: keys.length === 0 ? encounter : { ...encounter, history: stored }, options: { historyScope: 'this-organization' } };
  }
  const seen = new Set(given.map((h) => `${h.dateOfService} ${h.code.toUpperCase()}`));
  const added = stored.filter((h) => !seen.has(`${h.dateOfService} ${h.code}`));
  return { encounter: added.length === 0 ? encounter : { ...encounter, history: [...given, ...added] }, options: { historyScope: 'all-providers' } };
}

/** The organisation's stored studies of a patient (any of its keys) before a date, each once, oldest first. */
async function storedHistory(tx: Tx, organization: string, keys: readonly string[], encounterId: string, before: string): Promise<HistoryEntry[]> {
  const rows = await tx
    .selectFrom('bone_density_history')
    .select(['encounter_id', 'date_of_service', 'code', 'npi'])
    .where('organization', '=', organization)
    .where('patient_key', 'in', [...keys])
    .where('encounter_id', '!=', encounterId)
    .where('date_of_service', '<', before)
    .orderBy('date_of_service')
    .orderBy('encounter_id')
    .execute();
  // An encounter that gave both identifiers is stored under both keys: one entry per encounter and code.
  const seen = new Set<string>();
  const history: HistoryEntry[] = [];
  for (const r of rows) {
    const id = `${r.encounter_id} ${r.code}`;
    if (seen.has(id)) continue;
    seen.add(id);
    history.push({ dateOfService: r.date_of_service, code: r.code, ...(r.npi !== null ? { npi: r.npi } : {}) });
  }
  return history;
}

/** Stores an encounter's billed bone-density codes as history under each of the patient's keys, with who billed them. */
async function insertHistoryRows(tx: Tx, organization: string, encounterId: string, encounter: Encounter, keys: readonly string[], codes: readonly string[]): Promise<void> {
  if (keys.length === 0 || codes.length === 0) return;
  const npi = encounter.billingProvider?.npi ?? null;
  const rows = keys.flatMap((patient_key) => codes.map((code) => ({ organization, patient_key, encounter_id: encounterId, date_of_service: encounter.dateOfService, code, npi })));
  await tx.insertInto('bone_density_history').values(rows).execute();
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
