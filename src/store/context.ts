/**
 * What the store's repositories share: the database, the store's clock, the one way to run a write transaction, the
 * audit append that every audited write makes inside its transaction, and the checks of ids and text that both
 * databases must answer alike. Internal to src/store.
 */
import type { Kysely, Transaction } from 'kysely';
import { StoreError } from './errors.js';
import { NUL_PROBLEM, nulPath } from './nul.js';
import type { AuditAction, StoreDatabase } from './schema.js';

/** A connection or an open transaction. */
export type Tx = Transaction<StoreDatabase> | Kysely<StoreDatabase>;

/** The most rows one list call returns. */
export const MAX_LIST_LIMIT = 500;

/** The store as its repositories see it. */
export interface StoreContext {
  readonly db: Kysely<StoreDatabase>;
  readonly dialect: 'sqlite' | 'postgres';
  /** The store's clock as an ISO-8601 string. */
  now(): string;
  /**
   * Runs `work` in one write transaction on one connection, serialised with the other writes of the same
   * organisation (`scope`), or with every write when no scope is given (migrations, knowledge imports).
   */
  write<T>(work: (tx: Kysely<StoreDatabase>) => Promise<T>, scope?: string): Promise<T>;
  /** Serialises the rest of the caller's transaction with the other writes of one organisation (PostgreSQL; SQLite has one writer). */
  lockOrganization(tx: Kysely<StoreDatabase>, organization: string): Promise<void>;
  /** Appends one chained audit record inside the caller's write transaction. */
  appendAudit(tx: Kysely<StoreDatabase>, organization: string, actor: string, action: AuditAction, objectIds: string[]): Promise<{ seq: number }>;
}

/** Refuses an id that is empty, too long or holds NUL (an `invalid` store error naming what it is). */
export function requireId(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || value.includes('\u0000')) throw new StoreError('invalid', `expected a non-empty ${what} id without the NUL character`);
}

/** Refuses text PostgreSQL cannot store, naming the field, so both databases answer alike (an `invalid` store error). */
export function refuseNul(value: unknown): void {
  const path = nulPath(value);
  if (path !== undefined) throw new StoreError('invalid', `${path}: ${NUL_PROBLEM}`);
}

/** Records the organisation on its first write. */
export async function ensureOrganization(tx: Tx, organization: string, createdAt: string): Promise<void> {
  await tx.insertInto('organizations').values({ id: organization, created_at: createdAt }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/** Takes the next value of a named counter inside the caller's write transaction (1, 2, ...; wraps to 1 after `max`). */
export async function nextCounter(tx: Tx, name: string, max = Number.MAX_SAFE_INTEGER): Promise<number> {
  const row = await tx.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
  const value = row === undefined || Number(row.value) >= max ? 1 : Number(row.value) + 1;
  if (row === undefined) await tx.insertInto('counters').values({ name, value }).execute();
  else await tx.updateTable('counters').set({ value }).where('name', '=', name).execute();
  return value;
}
