/**
 * Admin routes: API tokens (list, create, revoke) and the audit log (recent records, chain verification). Tokens
 * are scoped to the admin's own organisation; a created token is returned once and only its hash is stored.
 */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import { ROLES, type Role } from './policy.js';
import type { TokenVerifier } from './tokens.js';
import { idempotentWrite, invalidInput, type Guard } from './http.js';
import { ApiProblem } from './problems.js';

/** What the admin routes need. */
export interface AdminRouteDeps {
  store: Store;
  guard: Guard;
  /** The verifier whose cache forgets a revoked token. */
  tokens: TokenVerifier;
}

/** Registers the admin routes. */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const { store, guard } = deps;

  app.get('/v1/tokens', { onRequest: guard('token.manage') }, async (request) => ({ tokens: await store.listTokens(request.principal!.organization) }));

  app.post('/v1/tokens', { onRequest: guard('token.manage') }, async (request, reply) => {
    const role = (request.body as { role?: unknown } | null)?.role;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw invalidInput('role', `one of ${ROLES.join(', ')}`);
    const principal = request.principal!;
    // Created outside idempotentWrite on purpose: a replay would hand out the stored plain token again.
    if (request.headers['idempotency-key'] !== undefined) throw new ApiProblem('http.idempotency-key', 'Idempotency-Key is not accepted when creating a token (the token is shown once).');
    const { token, id } = await store.createToken(principal.organization, role as Role, principal.tokenId);
    return reply.code(201).send({ id, role, organization: principal.organization, token });
  });

  app.delete('/v1/tokens/:id', { onRequest: guard('token.manage') }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const principal = request.principal!;
    return idempotentWrite(request, reply, store, async (ops) => {
      const revoked = await ops.revokeToken(id, principal.organization, principal.tokenId);
      // Answered (and replayed) as not found, not thrown: the key's first answer is kept either way.
      if (!revoked) return new ApiProblem('http.not-found', `No token ${JSON.stringify(id.slice(0, 64))}.`).response();
      deps.tokens.forget?.(id);
      return { status: 200, body: { id, revoked: true } };
    });
  });

  app.get('/v1/audit', { onRequest: guard('token.manage') }, async (request) => {
    const q = request.query as { limit?: string; before?: string };
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    const before = q.before === undefined ? undefined : Number(q.before);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalidInput('limit', 'a whole number from 1 to 500');
    if (before !== undefined && !(Number.isInteger(before) && before > 0)) throw invalidInput('before', 'an audit sequence number');
    return { records: await store.listAudit(request.principal!.organization, { limit, ...(before !== undefined ? { beforeSeq: before } : {}) }) };
  });

  // The chain is the installation's, but an organisation's admin sees its own records' counts, and of a broken record
  // of another organisation only that the chain is broken (the operator runs dxacode audit verify to see where).
  app.get('/v1/audit/verify', { onRequest: guard('token.manage') }, async (request) => store.verifyAudit({ organization: request.principal!.organization }));
}
