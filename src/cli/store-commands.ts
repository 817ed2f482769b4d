/**
 * Store commands for the command line: `runTokenCreate`, `runTokenList`, `runTokenRevoke` and `runTokenGrant` (dxacode token ...)
 * and `runAuditVerify`, `runAuditCheckpoint`, `runAuditCheckpoints` (dxacode audit ...). token.ts and audit.ts wire them; they return exit code and output
 * instead of printing, and their messages name ids and error kinds only, never SQL text or patient data.
 */
import { readFileSync } from 'node:fs';
import { openStore, storeUrlFromEnv, type Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { parseAnchors } from '../store/audit.js';
import type { AuditCheckpoint } from '../store/audit-key.js';
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
  /** The audit key (DXACODE_AUDIT_KEY or DXACODE_AUDIT_KEY_FILE). */
  auditKey?: { text?: string; file?: string };
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
    const { token, id } = await store.forOrganization(args.organization).tokens.create(args.role as Role);
    return {
      exitCode: EXIT.ok,
      stdout: `token id ${id} (role ${args.role}, organization ${args.organization}); it is shown once and only its hash is stored:\n${token}\n`,
      stderr: '',
    };
  });
}

/** Where the store is: a URL (default DATABASE_URL, else SQLite under ./data), a PostgreSQL schema, and the audit key (DXACODE_AUDIT_KEY or _FILE). */
export interface StoreArgs {
  url?: string;
  pgSchema?: string;
  auditKey?: { text?: string; file?: string };
}

/** Arguments of `dxacode audit verify`: the store, and exported checkpoints to verify the log against. */
export type AuditVerifyArgs = StoreArgs & { anchors?: string };

/** Lists the tokens (id, organisation, role, created, revoked); never the tokens themselves. */
export async function runTokenList(args: StoreArgs & { organization?: string } = {}): Promise<CommandOutput> {
  return withStore(args, 'token list', async (store) => {
    const tokens = await store.listTokens(args.organization === undefined ? {} : { organization: args.organization });
    const lines = tokens.map((t) => `${t.id}\t${t.organization}\t${t.role}\t${t.createdAt}\t${t.revokedAt === null ? 'active' : `revoked ${t.revokedAt}`}\n`);
    return { exitCode: EXIT.ok, stdout: lines.join(''), stderr: tokens.length === 0 ? 'dxacode: token list: no tokens\n' : '' };
  });
}

/** Revokes a token by id: it stops working at once (the next request with it is 401). */
export async function runTokenRevoke(args: StoreArgs & { id: string }): Promise<CommandOutput> {
  return withStore(args, 'token revoke', async (store) => {
    const revoked = await store.revokeToken(args.id, 'cli');
    if (!revoked) return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: token revoke: no token with id ${JSON.stringify(args.id.slice(0, 64))}\n` };
    return { exitCode: EXIT.ok, stdout: `token ${args.id} revoked\n`, stderr: '' };
  });
}

/** Lets an admin token administer another organisation (dxacode token grant ID --organization ORG). */
export async function runTokenGrant(args: StoreArgs & { id: string; organization: string }): Promise<CommandOutput> {
  return withStore(args, 'token grant', async (store) => {
    await store.grantOrganization(args.id, args.organization, 'cli');
    return { exitCode: EXIT.ok, stdout: `token ${args.id} administers organisation ${args.organization}\n`, stderr: '' };
  });
}

/**
 * Verifies the audit chain, its checkpoints and the exported checkpoints in the `anchors` file: exit 0 when intact,
 * 1 naming the first broken record, 2 when there is no store (it is never created) or no usable key or anchor file.
 */
export async function runAuditVerify(args: AuditVerifyArgs = {}): Promise<CommandOutput> {
  let anchors: AuditCheckpoint[] = [];
  if (args.anchors !== undefined) {
    try {
      anchors = parseAnchors(readFileSync(args.anchors, 'utf8'), args.anchors);
    } catch (error) {
      const why = error instanceof StoreError ? error.message : `${args.anchors}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
      return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: audit verify: --anchor: ${why}\n` };
    }
  }
  return withStore(
    args,
    'audit verify',
    async (store) => {
      const v = await store.verifyAudit({ anchors });
      if (!v.ok) return { exitCode: EXIT.reject, stdout: '', stderr: `dxacode: audit verify: record ${v.seq}: ${v.problem}\n` };
      const legacy = v.legacyRecords > 0 ? `, the first ${v.legacyRecords} chained by SHA-256 from before the chain was keyed` : '';
      const anchored = v.anchors > 0 ? `, ${v.anchors} exported checkpoints` : '';
      return { exitCode: EXIT.ok, stdout: `audit log intact: ${v.records} records${legacy}; ${v.checkpoints} stored checkpoints${anchored} verified\n`, stderr: '' };
    },
    { mustExist: true },
  );
}

/** Signs a checkpoint of the audit chain's head now and prints it as one JSON line, to be kept outside the database. */
export async function runAuditCheckpoint(args: StoreArgs = {}): Promise<CommandOutput> {
  return withStore(
    args,
    'audit checkpoint',
    async (store) => {
      const checkpoint = await store.checkpointAudit();
      if (checkpoint === undefined) return { exitCode: EXIT.unusable, stdout: '', stderr: 'dxacode: audit checkpoint: the audit log is empty\n' };
      return { exitCode: EXIT.ok, stdout: `${JSON.stringify(checkpoint)}\n`, stderr: '' };
    },
    { mustExist: true },
  );
}

/** Prints every stored checkpoint as one JSON line each (NDJSON), for export and anchoring. */
export async function runAuditCheckpoints(args: StoreArgs = {}): Promise<CommandOutput> {
  return withStore(
    args,
    'audit checkpoints',
    async (store) => {
      const checkpoints = await store.listAuditCheckpoints();
      return { exitCode: EXIT.ok, stdout: checkpoints.map((c) => `${JSON.stringify(c)}\n`).join(''), stderr: checkpoints.length === 0 ? 'dxacode: audit checkpoints: none yet\n' : '' };
    },
    { mustExist: true },
  );
}

/** Opens the store, runs `work`, closes it; store failures become one line naming the command and the error kind. */
export async function withStore(args: StoreArgs, command: string, work: (store: Store) => Promise<CommandOutput>, open: { mustExist?: boolean } = {}): Promise<CommandOutput> {
  let store: Store | undefined;
  try {
    store = await openStore({
      url: args.url ?? storeUrlFromEnv(),
      ...(args.pgSchema !== undefined ? { pgSchema: args.pgSchema } : {}),
      ...(args.auditKey !== undefined ? { auditKey: args.auditKey } : {}),
      ...open,
    });
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
