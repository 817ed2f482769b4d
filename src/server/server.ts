/**
 * The HTTP API (fastify, /v1): every route names its action for the access policy, errors are the contract's
 * findings (never stack traces or SQL), bodies are bounded, and the OpenAPI document is served with a docs page.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Encounter } from '../contract/encounter.js';
import { isCalendarDate } from '../contract/dates.js';
import type { Finding, Result } from '../contract/result.js';
import { check, parseEncounter } from '../engine/index.js';
import type { Knowledge } from '../knowledge/compile.js';
import { openApiDocument } from './openapi.js';
import { authorize, type Action, type Principal } from './policy.js';

/** Resolves a bearer token to its principal (the store implements it). */
export interface TokenVerifier {
  verifyToken(token: string): Promise<Principal | undefined>;
}

/** What the encounter routes need from the store (src/store implements it). */
export interface EncounterStore {
  storeAndCheck(organization: string, actor: string, encounter: Encounter, knowledge: Knowledge): Promise<{ encounterId: string; version: number; result: Result }>;
  getEncounter(organization: string, id: string): Promise<unknown>;
  listEncounters(organization: string, filters: { verdict?: Result['verdict']; payer?: string; from?: string; to?: string; rule?: string; limit?: number; offset?: number }): Promise<unknown[]>;
  override(organization: string, actor: string, encounterId: string, rule: string, line: number | null, reason: string): Promise<{ id: string; version: number }>;
  accept(organization: string, actor: string, encounterId: string): Promise<{ version: number }>;
}

/** Server settings. */
export interface ServerOptions {
  knowledge: Knowledge;
  tokens: TokenVerifier;
  /** The store; without one only the stateless routes are served. */
  store?: EncounterStore;
  /** Largest request body in bytes (413 above it). */
  bodyLimit?: number;
  version?: string;
  logger?: boolean;
}

const API_SOURCE = { title: 'dxacode HTTP API', confidence: 'verified' } as const;

/** An error response body: the contract's findings. */
export function problems(rule: string, message: string, extra: Partial<Finding> = {}): { findings: Finding[] } {
  return { findings: [{ rule, severity: 'error', message, ...extra, source: API_SOURCE }] };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const m = header ? /^Bearer\s+([A-Za-z0-9_\-.~+/=]{16,200})$/.exec(header) : null;
  return m?.[1];
}

/** Builds the server (not listening): the caller decides where it listens. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: 'info', redact: ['req.headers.authorization'] } : false,
    bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024,
    // Ids only in logs: request ids, never bodies.
    disableRequestLogging: !options.logger,
  });
  app.removeContentTypeParser('text/plain'); // the API speaks JSON only
  await app.register(swagger, { mode: 'static', specification: { document: openApiDocument(options.version ?? '0') as never } });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const guard = (action: Action) => async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearer(request);
    const principal = token ? await options.tokens.verifyToken(token) : undefined;
    const decision = authorize(principal, action);
    if (decision === 'unauthenticated') return reply.code(401).header('www-authenticate', 'Bearer').send(problems('auth.unauthenticated', 'A valid bearer token is required (dxacode token create --role ...).'));
    if (decision === 'deny') return reply.code(403).send(problems('auth.forbidden', `The token's role (${principal!.role}) may not ${action.replace('.', ' ')}.`));
    request.principal = principal;
    return undefined;
  };

  app.setErrorHandler((error: { statusCode?: number; code?: string; name?: string; kind?: string }, _request, reply) => {
    // Store errors carry a kind, never SQL text.
    if (error.name === 'StoreError') {
      const status = error.kind === 'not-found' ? 404 : error.kind === 'conflict' ? 409 : error.kind === 'invalid' ? 400 : 503;
      return reply.code(status).send(problems(`store.${error.kind ?? 'error'}`, status === 503 ? 'The store is unavailable; try again.' : status === 404 ? 'No such record.' : 'The request conflicts with stored data or is invalid.'));
    }
    if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(problems('http.body-too-large', `The request body is larger than ${options.bodyLimit ?? 2 * 1024 * 1024} bytes.`));
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send(problems('http.media-type', 'Send the body as application/json.'));
    if (error.statusCode === 400) return reply.code(400).send(problems('input.invalid-json', 'The body is not valid JSON.'));
    return reply.code(500).send(problems('http.internal', 'The request could not be completed.'));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(problems('http.not-found', `No route ${request.method} ${request.url.split('?')[0]}.`)));

  app.get('/health', async () => ({ status: 'ok', knowledge: options.knowledge.version }));

  app.post('/v1/check', { preHandler: guard('check.run') }, async (request, reply) => {
    const parsed = parseEncounter(request.body);
    if (!parsed.ok) {
      return reply.code(400).send({ findings: parsed.problems.map((p) => ({ rule: 'input.invalid', severity: 'error', message: `${p.field}: ${p.message}`, source: API_SOURCE })) });
    }
    return check(parsed.encounter, options.knowledge);
  });

  const store = options.store;
  if (store) registerEncounterRoutes(app, store, options.knowledge, guard);
  return app;
}

type Guard = (action: Action) => (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const VERDICTS = new Set(['clean', 'review', 'reject']);

function registerEncounterRoutes(app: FastifyInstance, store: EncounterStore, knowledge: Knowledge, guard: Guard): void {
  app.post('/v1/encounters', { preHandler: guard('encounter.write') }, async (request, reply) => {
    const parsed = parseEncounter(request.body);
    if (!parsed.ok) {
      return reply.code(400).send({ findings: parsed.problems.map((p) => ({ rule: 'input.invalid', severity: 'error', message: `${p.field}: ${p.message}`, source: API_SOURCE })) });
    }
    const principal = request.principal!;
    const stored = await store.storeAndCheck(principal.organization, principal.tokenId, parsed.encounter, knowledge);
    return reply.code(201).send(stored);
  });

  app.get('/v1/encounters', { preHandler: guard('encounter.read') }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const bad = (field: string, expected: string) => reply.code(400).send(problems('input.invalid', `${field}: expected ${expected}`));
    if (q.verdict !== undefined && !VERDICTS.has(q.verdict)) return bad('verdict', 'clean, review or reject');
    if (q.from !== undefined && !isCalendarDate(q.from)) return bad('from', 'a date YYYY-MM-DD');
    if (q.to !== undefined && !isCalendarDate(q.to)) return bad('to', 'a date YYYY-MM-DD');
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    const offset = q.offset === undefined ? 0 : Number(q.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return bad('limit', 'a whole number from 1 to 500');
    if (!Number.isInteger(offset) || offset < 0) return bad('offset', 'a whole number from 0');
    const principal = request.principal!;
    const filters = {
      ...(q.verdict ? { verdict: q.verdict as Result['verdict'] } : {}),
      ...(q.payer ? { payer: q.payer } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
      ...(q.rule ? { rule: q.rule } : {}),
      limit,
      offset,
    };
    return { encounters: await store.listEncounters(principal.organization, filters) };
  });

  app.get('/v1/encounters/:id', { preHandler: guard('encounter.read') }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const found = await store.getEncounter(request.principal!.organization, id);
    // Another organisation's record is not found, never forbidden: its existence is not disclosed.
    if (!found) return reply.code(404).send(problems('http.not-found', `No encounter ${JSON.stringify(id.slice(0, 64))}.`));
    return found;
  });

  app.post('/v1/encounters/:id/overrides', { preHandler: guard('encounter.override') }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const body = (request.body ?? {}) as { rule?: unknown; line?: unknown; reason?: unknown };
    if (typeof body.rule !== 'string' || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(body.rule)) return reply.code(400).send(problems('input.invalid', 'rule: expected a rule id such as frequency.too-soon'));
    if (body.line !== undefined && body.line !== null && !(Number.isInteger(body.line) && (body.line as number) >= 0)) return reply.code(400).send(problems('input.invalid', 'line: expected a claim line index (0, 1, ...)'));
    if (typeof body.reason !== 'string' || body.reason.trim().length < 3 || body.reason.length > 2000) return reply.code(400).send(problems('override.reason-required', 'reason: an override needs a reason (3 to 2,000 characters)'));
    const principal = request.principal!;
    const done = await store.override(principal.organization, principal.tokenId, id, body.rule, (body.line as number | null | undefined) ?? null, body.reason.trim());
    return reply.code(201).send(done);
  });

  app.post('/v1/encounters/:id/accept', { preHandler: guard('encounter.accept') }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const principal = request.principal!;
    return reply.code(201).send(await store.accept(principal.organization, principal.tokenId, id));
  });
}
