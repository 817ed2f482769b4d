/**
 * Store commands for the command line: `runTokenCreate` (dxacode token create) and `runAuditVerify`
 * (dxacode audit verify). main.ts wires them; they return exit code and output instead of printing, and their
 * messages name ids and error kinds only, never SQL text or patient data.
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
}

/** Creates an API token; the plain token is printed once, alone on the last line, and only its hash is stored. */
export async function runTokenCreate(args: TokenCreateArgs): Promise<CommandOutput> {
  if (!Object.values(ROLES).includes(args.role as Role)) {
    return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: token create: --role: expected one of ${Object.values(ROLES).join(', ')}\n` };
  }
  if (typeof args.organization !== 'string' || args.organization.length === 0) {
    return { exitCode: EXIT.unusable, stdout: '', stderr: 'dxacode: token create: --organization: expected a non-empty organisation id\n' };
  }
  return withStore(args.url, 'token create', async (store) => {
    const { token, id } = await store.createToken(args.organization, args.role as Role);
    return {
      exitCode: EXIT.ok,
      stdout: `token id ${id} (role ${args.role}, organization ${args.organization}); it is shown once and only its hash is stored:\n${token}\n`,
      stderr: '',
    };
  });
}

/** Arguments of `dxacode audit verify`. */
export interface AuditVerifyArgs {
  url?: string;
}

/** Verifies the audit hash chain: exit 0 when intact, 1 naming the first broken record. */
export async function runAuditVerify(args: AuditVerifyArgs = {}): Promise<CommandOutput> {
  return withStore(args.url, 'audit verify', async (store) => {
    const verification = await store.verifyAudit();
    if (verification.ok) return { exitCode: EXIT.ok, stdout: `audit log intact: ${verification.records} records\n`, stderr: '' };
    return { exitCode: EXIT.reject, stdout: '', stderr: `dxacode: audit verify: record ${verification.seq}: ${verification.problem}\n` };
  });
}

async function withStore(url: string | undefined, command: string, work: (store: Store) => Promise<CommandOutput>): Promise<CommandOutput> {
  let store: Store | undefined;
  try {
    store = await openStore({ url: url ?? storeUrlFromEnv() });
    return await work(store);
  } catch (error) {
    const message = error instanceof StoreError ? `${error.kind}: ${error.message}` : 'internal: the store operation failed';
    return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: ${command}: ${message}\n` };
  } finally {
    await store?.close().catch(() => undefined);
  }
}
