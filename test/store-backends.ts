/**
 * The two store backends the integration tests run against: SQLite (a temporary file) and PostgreSQL
 * (127.0.0.1:5432, database `test`, one schema per run). PostgreSQL is started by CI; if it is not reachable the
 * PostgreSQL suites fail, they never skip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { StoreOptions } from '../src/store/index.js';

/** The PostgreSQL server the tests use. */
export const PG_URL = process.env['DXACODE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The audit key of PostgreSQL test stores (a PostgreSQL store has no key file beside it): a fixture, not a secret. */
export const TEST_AUDIT_KEY = 'ZHhhY29kZSB0ZXN0cyBvbmx5LCBub3QgYSBzZWNyZXQ=';

/** One backend: set-up gives openStore options, the same database as a URL (with its audit key, for the CLI helpers), and a tear-down. */
export interface Backend {
  name: 'sqlite' | 'postgres';
  setUp(): Promise<{ options: StoreOptions; url: string; cli: { url: string; auditKey?: { text: string } }; tearDown: () => Promise<void> }>;
}

/** SQLite in a fresh temporary folder. */
export const sqliteBackend: Backend = {
  name: 'sqlite',
  setUp: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-store-'));
    const url = `sqlite:${join(dir, 'nested', 'dxacode.db')}`;
    return { options: { url }, url, cli: { url }, tearDown: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

/** Drops a test's PostgreSQL schema with everything in it. */
export async function dropPgSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

/** PostgreSQL in a fresh schema, dropped afterwards. */
export const postgresBackend: Backend = {
  name: 'postgres',
  setUp: async () => {
    const schema = `dxacode_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    return {
      options: { url: PG_URL, pgSchema: schema, auditKey: { text: TEST_AUDIT_KEY } },
      url,
      cli: { url, auditKey: { text: TEST_AUDIT_KEY } },
      tearDown: async () => {
        await dropPgSchema(schema);
      },
    };
  },
};

/** Both backends, SQLite first. */
export const BACKENDS: readonly Backend[] = [sqliteBackend, postgresBackend];
