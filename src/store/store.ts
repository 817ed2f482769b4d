/**
 * The store: encounters, immutable check-result versions, overrides, accepted claims, patient history and a
 * hash-chained audit log, on SQLite (default) or PostgreSQL through Kysely. This is an edge: I/O lives here.
 */
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Encounter } from '../contract/encounter.js';
import type { Result } from '../contract/result.js';
import type { KnowledgeVersionRecord } from '../knowledge/versions.js';
import type { KnowledgeKind } from '../knowledge/import/types.js';
import { StoreError, toStoreError, withStoreErrors } from './errors.js';
import { appendAuditRecord, checkpointHead, listCheckpoints, verifyAuditChain, type AuditVerification } from './audit.js';
import { createAuditKeyFile, keyringOf, parseAuditSecrets, readAuditKeyFile, type AuditCheckpoint, type AuditKeyring } from './audit-key.js';
import { MIGRATIONS, type AuditAction, type StoreDatabase } from './schema.js';
import { refuseNul, type StoreContext } from './context.js';
import type { RecheckCandidate } from './encounters.js';
import { OrganizationStore, organizationOps, type OrganizationWriteOps } from './organization.js';
import { grantOrganization, listTokens, organizationsOfToken, revokeTokenIn, verifyToken, type TokenPrincipal, type TokenRecord } from './tokens.js';

export type { ResultVersion, OverrideRecord, StoredEncounter, EncounterSummary, EncounterFilters, CheckOptions, RecheckCandidate, RecheckOutcome } from './encounters.js';
export type { TokenPrincipal, TokenRecord } from './tokens.js';
export type { IdempotentResponse, IdempotentOutcome } from './idempotency.js';
export { IDEMPOTENCY_KEY_RETENTION_MS } from './idempotency.js';
export type { AuditRecord, OrganizationWriteOps } from './organization.js';
export { OrganizationStore } from './organization.js';

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

/** A migration applied on opening the store, with what it reported. */
export interface AppliedMigrationReport {
  version: number;
  name: string;
  report: string;
}

/** The writes available inside one installation-wide transaction (the batch workers claim items of every organisation). */
export interface WriteOps {
  /** The transaction's connection, for store modules (jobs) that keep their own tables. */
  readonly tx: Kysely<StoreDatabase>;
  /** The store's clock as an ISO-8601 string. */
  now(): string;
  /** The writes of one organisation inside this same transaction (its lock is taken before its first write). */
  forOrganization(organization: string): OrganizationWriteOps;
  /** Takes the locks of several organisations at once, in one order (before any of their writes). */
  lockOrganizations(organizations: readonly string[]): Promise<void>;
}

/**
 * The store of the installation, as the command line and the server open it: what spans organisations (token
 * verification, the audit chain and its checkpoints, knowledge versions, the batch queue, migrations) is here;
 * everything of one organisation is reached through forOrganization.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** The store opened for one organisation: its repositories (tokens, encounters, audit) and transactions. */
  forOrganization(organization: string): OrganizationStore;
  verifyToken(token: string): Promise<TokenPrincipal | undefined>;
  /** Every token of the installation, or of one organisation (the operator's `dxacode token list`). */
  listTokens(filter?: { organization?: string }): Promise<TokenRecord[]>;
  /** Revokes a token of any organisation (the operator's `dxacode token revoke`; audited as token-revoked by `actor`); false when there is none. */
  revokeToken(id: string, actor?: string): Promise<boolean>;
  /** Lets an admin token administer another organisation (audited as organization-granted by `actor`); idempotent. */
  grantOrganization(tokenId: string, organization: string, actor?: string): Promise<void>;
  /** The organisations a token may work in, its own first (an admin's granted ones after it); empty for a revoked or unknown token. */
  organizationsOf(tokenId: string): Promise<string[]>;
  /** Runs `work` in one write transaction across organisations (all of it or none of it is stored). */
  transaction<T>(work: (ops: WriteOps) => Promise<T>): Promise<T>;
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
  /**
   * Stores one imported knowledge version and its encoded tables in one transaction, audited as knowledge-imported:
   * all of it or nothing. Returns the record with its sequence number.
   */
  addKnowledgeVersion(version: Omit<KnowledgeVersionRecord, 'seq' | 'importedAt'>, data: Uint8Array): Promise<KnowledgeVersionRecord>;
  /** Every imported knowledge version, oldest first (provenance only). */
  listKnowledgeVersions(): Promise<KnowledgeVersionRecord[]>;
  /** The encoded tables of one version, or undefined when there is no such version. */
  knowledgeVersionData(id: string): Promise<Uint8Array | undefined>;
  /** Stored encounters whose date of service falls in the period, with their latest verdict: of every organisation, or of one. */
  encountersInPeriod(from: string, to: string | null, filter?: { organization?: string }): Promise<RecheckCandidate[]>;
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

/** PostgreSQL advisory lock keys: the installation's (one bigint key, as before), and the classes of the two-key locks. */
const INSTALLATION_LOCK = 7402118;
const ORGANIZATION_LOCKS = 7402119;
const AUDIT_CHAIN_LOCK = 7402120;

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

class KyselyStore implements Store, StoreContext {
  constructor(
    readonly db: Kysely<StoreDatabase>,
    readonly dialect: Store['dialect'],
    readonly now: () => string,
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
    return this.write(async (tx) => {
      const key = (await this.signingKeyring(tx)).current;
      await this.lockAuditChain(tx);
      return checkpointHead(tx, key, this.now());
    });
  }

  async listAuditCheckpoints(): Promise<AuditCheckpoint[]> {
    return withStoreErrors(async () => listCheckpoints(this.db, await this.auditKeyring(this.db, false)));
  }

  /**
   * Runs `work` in one write transaction on one connection. SQLite has one writer at a time anyway: BEGIN IMMEDIATE
   * (the write lock is taken up front, so two writers never deadlock on a lock upgrade). PostgreSQL serialises only
   * what must be (docs/scale-out.md): a write of one organisation (`scope`) takes that organisation's advisory lock, so
   * its version numbers, idempotency keys and counters stay gap-free while other organisations write in parallel; a
   * write of the installation (no scope: the batch queue, knowledge imports, migrations, the first token) takes the
   * installation's lock; and the audit chain's own lock is taken only when a record is appended (appendAudit), near
   * the end of the transaction. Locks are always taken in that order (installation, organisations in sorted order,
   * chain), so two writers never wait on each other in a cycle; unique and primary keys do the rest.
   */
  async write<T>(work: (tx: Kysely<StoreDatabase>) => Promise<T>, scope?: string): Promise<T> {
    if (this.sqliteFile === undefined) return this.writeNow(work, scope);
    return serialisePerFile(this.sqliteFile, () => this.writeNow(work, scope));
  }

  private async writeNow<T>(work: (tx: Kysely<StoreDatabase>) => Promise<T>, scope: string | undefined): Promise<T> {
    try {
      return await this.db.connection().execute(async (conn) => {
        await sql.raw(this.dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
        try {
          if (this.dialect === 'postgres') {
            if (scope === undefined) await sql`select pg_advisory_xact_lock(${INSTALLATION_LOCK})`.execute(conn);
            else await this.lockOrganization(conn, scope);
          }
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

  forOrganization(organization: string): OrganizationStore {
    return new OrganizationStore(this, organization, (options) => this.verifyAudit(options));
  }

  async verifyToken(token: string): Promise<TokenPrincipal | undefined> {
    return verifyToken(this, token);
  }

  async listTokens(filter: { organization?: string } = {}): Promise<TokenRecord[]> {
    return listTokens(this, filter.organization);
  }

  async grantOrganization(tokenId: string, organization: string, actor = 'cli'): Promise<void> {
    return grantOrganization(this, tokenId, organization, actor);
  }

  async organizationsOf(tokenId: string): Promise<string[]> {
    return organizationsOfToken(this, tokenId);
  }

  async revokeToken(id: string, actor = 'cli'): Promise<boolean> {
    return this.write((tx) => revokeTokenIn(this, tx, id, undefined, actor));
  }

  async transaction<T>(work: (ops: WriteOps) => Promise<T>): Promise<T> {
    return this.write((tx) =>
      work({
        tx,
        now: () => this.now(),
        forOrganization: (organization) => organizationOps(this, tx, organization, true),
        lockOrganizations: async (organizations) => {
          for (const organization of [...new Set(organizations)].sort()) await this.lockOrganization(tx, organization);
        },
      }),
    );
  }

  /** Appends one chained record under the current audit key; callers hold the write transaction, so seq and prev_hash cannot race. */
  async lockOrganization(tx: Kysely<StoreDatabase>, organization: string): Promise<void> {
    // Held to the end of the transaction; taken again by the same transaction it returns at once.
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${ORGANIZATION_LOCKS}, hashtext(${organization}))`.execute(tx);
  }

  /** The chain is one for the installation: its head is read and extended under its own lock, held to commit. */
  private async lockAuditChain(tx: Kysely<StoreDatabase>): Promise<void> {
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}, 0)`.execute(tx);
  }

  async appendAudit(tx: Kysely<StoreDatabase>, organization: string, actor: string, action: AuditAction, objectIds: string[]): Promise<{ seq: number }> {
    this.beforeAuditInsert?.();
    refuseNul({ organization, actor, objectIds });
    const key = (await this.signingKeyring(tx)).current;
    await this.lockAuditChain(tx);
    return appendAuditRecord(tx, key, { at: this.now(), actor, organization, action, objectIds });
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

  async encountersInPeriod(from: string, to: string | null, filter: { organization?: string } = {}): Promise<RecheckCandidate[]> {
    const organization = filter.organization;
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

