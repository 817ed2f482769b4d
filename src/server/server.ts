/**
 * The HTTP API (fastify, /v1): every route names its action for the access policy, errors are the contract's
 * findings (never stack traces or SQL), bodies are bounded, and the OpenAPI document is served with a docs page.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import pino from 'pino';
import { check, parseEncounter } from '../engine/index.js';
import { stringifyResult } from '../contract/serialize.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { X12Settings } from '../interchange/x12/config.js';
import type { Store } from '../store/store.js';
import { extract } from '../extract/extract.js';
import { INPUT_LIMITS } from '../contract/values.js';
import { registerEncounterRoutes } from './encounters.js';
import { registerAdminRoutes } from './admin.js';
import type { TokenVerifier } from './tokens.js';
import { registerBatchRoutes, type BatchLimits } from './batches.js';
import type { BatchWorker } from './worker.js';
import { openApiDocument } from './openapi.js';
import { authorize, type Action, type Principal } from './policy.js';
import { invalidEncounter, problems } from './http.js';
import { API_PROBLEMS, type ApiProblemId } from './problems.js';
import { registerWebPage } from './web.js';
import type { LiveKnowledge } from './knowledge-live.js';
import { registerKnowledgeRoutes } from './knowledge.js';

export type { TokenVerifier } from './tokens.js';

/** Server settings. */
export interface ServerOptions {
  knowledge: Knowledge;
  /** The store's imported versions kept current (refreshed at once after an import or recheck through the API). */
  live?: LiveKnowledge;
  tokens: TokenVerifier;
  /** The store; without one only the stateless routes are served. */
  store?: Store;
  /** The X12 settings for claim export (undefined: test mode with SAMPLE ids) and the practice's charges. */
  x12?: X12Settings;
  /** This process's batch worker, woken after an upload; without one, uploads wait for another process's worker. */
  worker?: BatchWorker;
  /** Bounds on one batch upload (default 32 MiB and 100,000 lines). */
  batchLimits?: BatchLimits;
  /** Largest request body in bytes (413 above it). */
  bodyLimit?: number;
  version?: string;
  logger?: boolean;
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

/**
 * The request log: one line when a request completes (the default logs two, with the URL), and no URL, request
 * object or error message anywhere (a URL's query or an error's message may quote input).
 */
class RequestLog extends LogController {
  override incomingRequest(): void {}
  override routeNotFound(request: FastifyRequest): void {
    request.log.info({ method: request.method }, 'route not found');
  }
  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    request.log.error({ method: request.method, route: request.routeOptions.url ?? 'unknown', status: reply.statusCode, error: error.name }, 'request error');
  }
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, route: request.routeOptions.url ?? 'unknown', status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    // The error's kind only: its message may quote input.
    if (error) request.log.error({ ...line, error: error.name }, 'request failed');
    else request.log.info(line, 'request');
  }
}

/** Builds the server (not listening): the caller decides where it listens. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Asynchronous, buffered log writes: a synchronous write per request would halve the throughput. No redaction
    // paths: request objects and headers are never logged (RequestLog writes method, route, status and time only),
    // and redaction would cost a third of the throughput.
    ...(options.logger ? { loggerInstance: pino({ level: 'info' }, pino.destination({ sync: false, minLength: 4096 })) as FastifyBaseLogger } : { logger: false }),
    bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024,
    // One log line per request (RequestLog): ids and the route pattern only, never bodies, query strings or URLs.
    ...(options.logger ? { logController: new RequestLog() } : {}),
  });
  app.removeContentTypeParser('text/plain'); // the API speaks JSON only
  await app.register(swagger, { mode: 'static', specification: { document: openApiDocument(options.version ?? '0') as never } });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const guard = (action: Action) => async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearer(request);
    const principal = token ? await options.tokens.verifyToken(token) : undefined;
    const decision = authorize(principal, action);
    // A presented but unknown or revoked token, and a known token used beyond its role, are audited as denied;
    // a request without any token is not (a browser opening the page is not an attempt).
    if (decision === 'unauthenticated') {
      if (request.headers.authorization !== undefined) await auditDenied(options.store, '-', 'unknown-token', action);
      return reply.code(401).header('www-authenticate', 'Bearer').send(problems('auth.unauthenticated', 'A valid bearer token is required (dxacode token create --role ...).'));
    }
    if (decision === 'deny') {
      await auditDenied(options.store, principal!.organization, principal!.tokenId, action);
      return reply.code(403).send(problems('auth.forbidden', `The token's role (${principal!.role}) may not ${action.replace('.', ' ')}.`));
    }
    request.principal = principal;
    return undefined;
  };

  app.setErrorHandler((error: { statusCode?: number; code?: string; name?: string; kind?: string; message?: string; rule?: string }, _request, reply) => {
    // Store errors carry a kind, never SQL text.
    if (error.name === 'StoreError') {
      const status = error.kind === 'not-found' ? 404 : error.kind === 'conflict' ? 409 : error.kind === 'invalid' ? 400 : 503;
      // The store's own messages name ids and rules only (driver errors never reach them), so conflicts and invalid
      // requests can say what is wrong; anything else stays generic.
      const message = status === 503 ? 'The store is unavailable; try again.' : status === 404 ? 'No such record.' : (error as { message?: string }).message ?? 'The request conflicts with stored data or is invalid.';
      return reply.code(status).send(problems(storeProblemId(error.rule, error.kind), message));
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
      return reply.code(400).send(invalidEncounter(parsed.problems));
    }
    // The contract's own serialiser (source citations cached as JSON) beats fastify's generic one on this hot path.
    return reply.header('content-type', 'application/json; charset=utf-8').send(stringifyResult(check(parsed.encounter, options.knowledge)));
  });

  app.post('/v1/extract', { preHandler: guard('encounter.read') }, async (request, reply) => {
    const body = request.body as { report?: unknown } | null;
    if (body === null || typeof body !== 'object' || typeof body.report !== 'string' || body.report.trim() === '') {
      return reply.code(400).send(problems('input.invalid', 'report: expected the report text as a non-empty string'));
    }
    if (body.report.length > INPUT_LIMITS.reportLength) return reply.code(413).send(problems('http.body-too-large', `report: expected at most ${INPUT_LIMITS.reportLength} characters`));
    return extract(body.report);
  });

  await registerKnowledgeRoutes(app, { knowledge: options.knowledge, live: options.live, store: options.store, guard });

  app.post('/v1/session', { preHandler: guard('encounter.read') }, async (request) => {
    const principal = request.principal!;
    await options.store?.recordAudit(principal.organization, principal.tokenId, 'signed-in', []);
    return { tokenId: principal.tokenId, organization: principal.organization, role: principal.role };
  });

  const store = options.store;
  if (store) {
    registerEncounterRoutes(app, { store, knowledge: options.knowledge, guard, x12: options.x12 });
    registerAdminRoutes(app, { store, guard, tokens: options.tokens });
    await registerBatchRoutes(app, { store, knowledge: options.knowledge, guard, worker: options.worker, limits: options.batchLimits });
  }
  await registerWebPage(app);
  return app;
}

/** The catalogue id of a store failure: its own rule when it has one, else one per kind. */
function storeProblemId(rule: string | undefined, kind: string | undefined): ApiProblemId {
  if (rule !== undefined && rule in API_PROBLEMS) return rule as ApiProblemId;
  const byKind = `store.${kind ?? 'internal'}`;
  return byKind in API_PROBLEMS ? (byKind as ApiProblemId) : 'store.internal';
}

/** Records a denied request; an audit failure must not turn a 401/403 into a 500. */
async function auditDenied(store: Store | undefined, organization: string, actor: string, action: Action): Promise<void> {
  await store?.recordAudit(organization, actor, 'denied', [action]).catch(() => undefined);
}
