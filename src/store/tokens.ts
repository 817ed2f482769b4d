/** API tokens: created (only the hash is kept), verified, listed and revoked; each creation and revocation audited. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { StoreError, withStoreErrors } from './errors.js';
import { sha256Hex } from './hash.js';
import { ensureOrganization, requireId, type StoreContext } from './context.js';
import { ROLES, type Role, type StoreDatabase } from './schema.js';

/** A verified API token. */
export interface TokenPrincipal {
  id: string;
  organization: string;
  role: Role;
}

/** One API token as an admin sees it (never the token or its hash). */
export interface TokenRecord {
  id: string;
  organization: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

/** The tokens of one organisation. */
export class TokenRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly organization: string,
  ) {}

  /** Creates a token (audited as token-created by `actor`: a token id, or `cli`). */
  async create(role: Role, actor = 'cli'): Promise<{ token: string; id: string }> {
    return (await createToken(this.ctx, this.organization, role, actor, false))!;
  }

  /** On an installation without any token: creates an admin token here (first start); undefined when a token exists. Race-free across processes. */
  async createFirstAdmin(actor: string): Promise<{ token: string; id: string } | undefined> {
    return createToken(this.ctx, this.organization, 'admin', actor, true);
  }

  /** This organisation's tokens, oldest first. */
  async list(): Promise<TokenRecord[]> {
    return listTokens(this.ctx, this.organization);
  }

  /** Revokes one of this organisation's tokens (idempotent; audited as token-revoked); false when it has no such token. */
  async revoke(id: string, actor = 'cli'): Promise<boolean> {
    return this.ctx.write((tx) => revokeTokenIn(this.ctx, tx, id, this.organization, actor), this.organization);
  }
}

/** Creates a token, or (onlyIfNone) only when the store has no token at all, decided inside the write transaction. */
async function createToken(ctx: StoreContext, organization: string, role: Role, actor: string, onlyIfNone: boolean): Promise<{ token: string; id: string } | undefined> {
  if (!Object.values(ROLES).includes(role)) throw new StoreError('invalid', 'expected role viewer, coder or admin');
  requireId(organization, 'organization');
  const token = randomBytes(32).toString('base64url');
  const id = randomUUID();
  const work = async (tx: Kysely<StoreDatabase>) => {
    if (onlyIfNone && (await tx.selectFrom('api_tokens').select('id').limit(1).executeTakeFirst()) !== undefined) return undefined;
    await ensureOrganization(tx, organization, ctx.now());
    await tx.insertInto('api_tokens').values({ id, organization, role, token_sha256: sha256Hex(token), created_at: ctx.now(), revoked_at: null }).execute();
    await ctx.appendAudit(tx, organization, actor, 'token-created', [id, role]);
    return { token, id };
  };
  // The first token is decided across the installation, so it is serialised with every write.
  return onlyIfNone ? ctx.write(work) : ctx.write(work, organization);
}

/** The principal of a token that exists and is not revoked. */
export async function verifyToken(ctx: StoreContext, token: string): Promise<TokenPrincipal | undefined> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 200) return undefined;
  const row = await withStoreErrors(() =>
    ctx.db.selectFrom('api_tokens').select(['id', 'organization', 'role']).where('token_sha256', '=', sha256Hex(token)).where('revoked_at', 'is', null).executeTakeFirst(),
  );
  return row === undefined ? undefined : { id: row.id, organization: row.organization, role: row.role as Role };
}

/** Tokens of one organisation, or of all. */
export async function listTokens(ctx: StoreContext, organization?: string): Promise<TokenRecord[]> {
  return withStoreErrors(async () => {
    let query = ctx.db.selectFrom('api_tokens').select(['id', 'organization', 'role', 'created_at', 'revoked_at']);
    if (organization !== undefined) query = query.where('organization', '=', organization);
    const rows = await query.orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, organization: r.organization, role: r.role as Role, createdAt: r.created_at, revokedAt: r.revoked_at }));
  });
}

/** Revokes a token inside the caller's transaction (of one organisation, or of any when none is given). */
export async function revokeTokenIn(ctx: StoreContext, tx: Kysely<StoreDatabase>, id: string, organization: string | undefined, actor: string): Promise<boolean> {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200 || id.includes('\u0000')) return false;
  let query = tx.selectFrom('api_tokens').select(['id', 'organization', 'revoked_at']).where('id', '=', id);
  if (organization !== undefined) query = query.where('organization', '=', organization);
  const row = await query.executeTakeFirst();
  if (row === undefined) return false;
  if (row.revoked_at === null) {
    await tx.updateTable('api_tokens').set({ revoked_at: ctx.now() }).where('id', '=', id).execute();
    await ctx.appendAudit(tx, row.organization, actor, 'token-revoked', [id]);
  }
  return true;
}

/**
 * Lets an admin token administer one more organisation (the operator's `dxacode token grant`; `dxacode demo` grants
 * the demo's): idempotent, audited as organization-granted in that organisation. Only an unrevoked admin token can be
 * granted one: a coder or viewer works in its own organisation only.
 */
export async function grantOrganization(ctx: StoreContext, tokenId: string, organization: string, actor: string): Promise<void> {
  requireId(organization, 'organization');
  await ctx.write(async (tx) => {
    const token = await tx.selectFrom('api_tokens').select(['id', 'organization', 'role', 'revoked_at']).where('id', '=', tokenId).executeTakeFirst();
    if (token === undefined || token.revoked_at !== null) throw new StoreError('not-found', `no active token ${JSON.stringify(tokenId.slice(0, 64))}`);
    if (token.role !== ROLES.admin) throw new StoreError('invalid', `token ${token.id} is a ${token.role} token: only an admin token can administer another organisation`);
    if (token.organization === organization) return;
    await ensureOrganization(tx, organization, ctx.now());
    const inserted = await tx
      .insertInto('token_organizations')
      .values({ token_id: token.id, organization, granted_at: ctx.now(), granted_by: actor })
      .onConflict((oc) => oc.columns(['token_id', 'organization']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) await ctx.appendAudit(tx, organization, actor, 'organization-granted', [token.id]);
  }, organization);
}

/**
 * The organisations a token may work in, its own first: an admin token's own and those granted to it (sorted), any
 * other token's own only; empty for an unknown or revoked token.
 */
export async function organizationsOfToken(ctx: StoreContext, tokenId: string): Promise<string[]> {
  return withStoreErrors(async () => {
    const token = await ctx.db.selectFrom('api_tokens').select(['organization', 'role']).where('id', '=', tokenId).where('revoked_at', 'is', null).executeTakeFirst();
    if (token === undefined) return [];
    if (token.role !== ROLES.admin) return [token.organization];
    const granted = await ctx.db.selectFrom('token_organizations').select('organization').where('token_id', '=', tokenId).orderBy('organization').execute();
    return [token.organization, ...granted.map((g) => g.organization).filter((o) => o !== token.organization)];
  });
}
