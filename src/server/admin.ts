/**
 * Admin routes: API tokens (list, create, revoke) and the audit log (recent records, chain verification). Tokens
 * are scoped to the admin's own organisation; a created token is returned once and only its hash is stored.
 */
import type { FastifyPluginAsync } from 'fastify';
import { ROLES, type Role } from './policy.js';
import type { TokenVerifier } from './tokens.js';
import { idempotentWrite, invalidInput, organizationStore } from './http.js';
import { ID_PARAMS, IDEMPOTENCY_HEADERS, object, problemResponses, S } from './openapi.js';
import { ApiProblem } from './problems.js';

/** What the admin routes need. */
export interface AdminRouteDeps {
  /** The verifier whose cache forgets a revoked token. */
  tokens: TokenVerifier;
}

const ROLE = { type: 'string', enum: [...ROLES] } as const;

/** GET, POST /v1/tokens, DELETE /v1/tokens/:id, GET /v1/audit and GET /v1/audit/verify. */
export const adminRoutes: FastifyPluginAsync<AdminRouteDeps> = async (app, deps) => {
  const config = { action: 'token.manage' } as const;

  app.get(
    '/v1/tokens',
    {
      config,
      schema: {
        tags: ['admin'],
        summary: 'Tokens of this organisation (never the tokens themselves). Role: admin.',
        response: { 200: { description: 'tokens', ...object({ tokens: S.array(object({ id: S.string, organization: S.string, role: ROLE, createdAt: S.string, revokedAt: { type: ['string', 'null'] } })) }, ['tokens']) }, ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ tokens: await organizationStore(request).tokens.list() }),
  );

  app.post(
    '/v1/tokens',
    {
      config,
      schema: {
        tags: ['admin'],
        summary: 'Create a token; the plain token is in this response only (no Idempotency-Key: a replay would hand it out again). Role: admin.',
        body: object({ role: ROLE }, ['role']),
        response: { 201: { description: 'id, role and token', ...object({ id: S.string, role: ROLE, organization: S.string, token: S.string }, ['id', 'role', 'organization', 'token']) }, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const role = (request.body as { role?: unknown } | null)?.role;
      if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw invalidInput('role', `one of ${ROLES.join(', ')}`);
      const principal = request.principal!;
      // Created outside idempotentWrite on purpose: a replay would hand out the stored plain token again.
      if (request.headers['idempotency-key'] !== undefined) throw new ApiProblem('http.idempotency-key', 'Idempotency-Key is not accepted when creating a token (the token is shown once).');
      const { token, id } = await organizationStore(request).tokens.create(role as Role, principal.tokenId);
      return reply.code(201).send({ id, role, organization: principal.organization, token });
    },
  );

  app.delete(
    '/v1/tokens/:id',
    {
      config,
      schema: {
        tags: ['admin'],
        summary: 'Revoke a token of this organisation. Role: admin. Idempotency-Key honoured.',
        params: ID_PARAMS,
        headers: IDEMPOTENCY_HEADERS,
        response: { 200: { description: 'Revoked', ...object({ id: S.string, revoked: { type: 'boolean', const: true } }, ['id', 'revoked']) }, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const principal = request.principal!;
      return idempotentWrite(request, reply, async (ops) => {
        const revoked = await ops.revokeToken(id, principal.tokenId);
        // Answered (and replayed) as not found, not thrown: the key's first answer is kept either way.
        if (!revoked) return new ApiProblem('http.not-found', `No token ${JSON.stringify(id.slice(0, 64))}.`).response();
        deps.tokens.forget?.(id);
        return { status: 200, body: { id, revoked: true } };
      });
    },
  );

  app.get(
    '/v1/audit',
    {
      config,
      schema: {
        tags: ['admin'],
        summary: 'Newest audit records of this organisation (ids and actions only). Role: admin.',
        querystring: object({ limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, before: { type: 'integer', minimum: 1, description: 'only records before this sequence number' } }),
        response: { 200: { description: 'records', ...object({ records: S.array(object({ seq: S.integer, at: S.string, actor: S.string, action: S.string, objectIds: S.array(S.string) })) }, ['records']) }, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query as { limit?: string; before?: string };
      const limit = q.limit === undefined ? 100 : Number(q.limit);
      const before = q.before === undefined ? undefined : Number(q.before);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalidInput('limit', 'a whole number from 1 to 500');
      if (before !== undefined && !(Number.isInteger(before) && before > 0)) throw invalidInput('before', 'an audit sequence number');
      return { records: await organizationStore(request).audit.list({ limit, ...(before !== undefined ? { beforeSeq: before } : {}) }) };
    },
  );

  // The chain is the installation's, but an organisation's admin sees its own records' counts, and of a broken record
  // of another organisation only that the chain is broken (the operator runs dxacode audit verify to see where).
  app.get(
    '/v1/audit/verify',
    {
      config,
      schema: {
        tags: ['admin'],
        summary: "Verify the audit log's keyed chain and its signed checkpoints. Role: admin. Counts are the organisation's; a broken record of another organisation is reported without its seq.",
        response: { 200: { description: "ok with the counts, or ok false with the first broken record (seq null when it is not this organisation's)", ...object({ ok: S.boolean }, ['ok']) }, ...problemResponses(401, 403) },
      },
    },
    async (request) => organizationStore(request).audit.verify(),
  );
};
