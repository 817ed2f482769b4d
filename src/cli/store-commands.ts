/**
 * Store commands for the command line: `runTokenCreate`, `runTokenList` and `runTokenRevoke` (dxacode token ...)
 * and `runAuditVerify` (dxacode audit verify). token.ts and audit.ts wire them; they return exit code and output
 * instead of printing, and their messages name ids and error kinds only, never SQL text or patient data.
 */
import { openStore, storeUrlFromEnv, type Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { ROLES, type Role } from '../store/schema.js';
import { EXIT } from './exit.js';

// Exit codes: 0 done, 1 (EXIT.reject) the audit chain is broken, 2 usage or the store failed.

/** What a store command produced. */
export interface CommandOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Arguments of `dxacode token create`. */
export interface TokenCreateArgs {
  role: string;
  organization: string;
  /** Store URL; default DATABASE_URL, else SQLite under ./data. */
  url?: string;
  /** PostgreSQL schema (DXACODE_PG_SCHEMA). */
  pgSchema?: string;
}

/** Creates an API token; the plain token is printed once, alone on the last line, and only its hash is stored. */
export async function runTokenCreate(args: TokenCreateArgs): Promise<CommandOutput> {
  if (!Object.values(ROLES).includes(args.role as Role)) {
    return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: token create: --role: expected one of ${Object.values(ROLES).join(', ')}\n` };
  }
  if (typeof args.organization !== 'string' || args.organization.length === 0) {
    return { exitCode: EXIT.unusable, stdout: '', stderr: 'dxacode: token create: --organization: expected a non-empty organisation id\n' };
  }
  return withStore(args, 'token create', async (store) => {
    const { token, id } = await store.createToken(args.organization, args.role as Role);
    return {
      exitCode: EXIT.ok,
      stdout: `token id ${id} (role ${args.role}, organization ${args.organization}); it is shown once and only its hash is stored:\n${token}\n`,
      stderr: '',
    };
  });
}

/** Where the store is: a URL (default DATABASE_URL, else SQLite under ./data) and a PostgreSQL schema. */
export interface StoreArgs {
  url?: string;
  pgSchema?: string;
}

/** Arguments of `dxacode audit verify`. */
export type AuditVerifyArgs = StoreArgs;

/** Lists the tokens (id, organisation, role, created, revoked); never the tokens themselves. */
export async function runTokenList(args: StoreArgs & { organization?: string } = {}): Promise<CommandOutput> {
  return withStore(args, 'token list', async (store) => {
    const tokens = await store.listTokens(args.organization);
    const lines = tokens.map((t) => `${t.id}\t${t.organization}\t${t.role}\t${t.createdAt}\t${t.revokedAt === null ? 'active' : `revoked ${t.revokedAt}`}\n`);
    return { exitCode: EXIT.ok, stdout: lines.join(''), stderr: tokens.length === 0 ? 'dxacode: token list: no tokens\n' : '' };
  });
}

/** Revokes a token by id: it stops working at once (the next request with it is 401). */
export async function runTokenRevoke(args: StoreArgs & { id: string }): Promise<CommandOutput> {
  return withStore(args, 'token revoke', async (store) => {
    const revoked = await store.revokeToken(args.id, undefined, 'cli');
    if (!revoked) return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: token revoke: no token with id ${JSON.stringify(args.id.slice(0, 64))}\n` };
    return { exitCode: EXIT.ok, stdout: `token ${args.id} revoked\n`, stderr: '' };
  });
}

/** Verifies the audit hash chain: exit 0 when intact, 1 naming the first broken record. */
export async function runAuditVerify(args: AuditVerifyArgs = {}): Promise<CommandOutput> {
  return withStore(args, 'audit verify', async (store) => {
    const verification = await store.verifyAudit();
    if (verification.ok) return { exitCode: EXIT.ok, stdout: `audit log intact: ${verification.records} records\n`, stderr: '' };
    return { exitCode: EXIT.reject, stdout: '', stderr: `dxacode: audit verify: record ${verification.seq}: ${verification.problem}\n` };
  });
}

/** Opens the store, runs `work`, closes it; store failures become one line naming the command and the error kind. */
export async function withStore(args: StoreArgs, command: string, work: (store: Store) => Promise<CommandOutput>): Promise<CommandOutput> {
  let store: Store | undefined;
  try {
    store = await openStore({ url: args.url ?? storeUrlFromEnv(), ...(args.pgSchema !== undefined ? { pgSchema: args.pgSchema } : {}) });
    const migrated = migrationLines(store);
    const output = await work(store);
    return migrated === '' ? output : { ...output, stderr: migrated + output.stderr };
  } catch (error) {
    const message = error instanceof StoreError ? `${error.kind}: ${error.message}` : 'internal: the store operation failed';
    return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: ${command}: ${message}\n` };
  } finally {
    await store?.close().catch(() => undefined);
  }
}

/** One line per migration applied on opening the store, with what it reported (counts and internal ids only). */
export function migrationLines(store: Store): string {
  return store.migrationReports.map((m) => `dxacode: store migration ${m.version} (${m.name}): ${m.report}\n`).join('');
}
