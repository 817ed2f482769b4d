/**
 * The HTTP API (fastify, /v1): every route names its action for the access policy, errors are the contract's
 * findings (never stack traces or SQL), bodies are bounded, and the OpenAPI document is served with a docs page.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import pino from 'pino';
import type { Knowledge } from '../knowledge/compile.js';
import type { X12Settings } from '../interchange/x12/config.js';
import type { RegistrySettings } from '../store/registry.js';
import type { Store } from '../store/store.js';
import { NUL_PROBLEM, nulPath } from '../store/nul.js';
import { addAccessGuard } from './access.js';
import { adminRoutes } from './admin.js';
import { batchRoutes, type BatchLimits } from './batches.js';
import { checkRoutes } from './check.js';
import { denialRoutes } from './denials.js';
import { figureRoutes } from './figures.js';
import { encounterRoutes } from './encounters.js';
import type { LiveKnowledge } from './knowledge-live.js';
import { knowledgeRoutes } from './knowledge.js';
import { object, openApiBase, S } from './openapi.js';
import { API_PROBLEMS, ApiProblem, type HttpProblemId } from './problems.js';
import type { UnknownTokenLimits } from './rate-limit.js';
import { referenceRoutes } from './reference.js';
import { registryRoutes } from './registry.js';
import { responseRoutes } from './responses.js';
import type { TokenVerifier } from './tokens.js';
import { registerWebPage } from './web.js';
import type { BatchWorker } from './worker.js';

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
  /** The research registry's settings: smallest cell, the facility's LSC, the date-shift secret (docs/registry.md). */
  registry?: RegistrySettings;
  /** This process's batch worker, woken after an upload; without one, uploads wait for another process's worker. */
  worker?: BatchWorker;
  /** Bounds on one batch upload (default 32 MiB and 100,000 lines). */
  batchLimits?: BatchLimits;
  /** Largest request body in bytes (413 above it). */
  bodyLimit?: number;
  /** Longest time to receive a whole request, headers and body (default 120 s); a slower one is answered 408 and closed. */
  bodyTimeoutMs?: number;
  /** Batch uploads read at once at most (default 2); another is answered 503 with Retry-After, so memory stays bounded. */
  maxConcurrentUploads?: number;
  /** Limits on requests with an unknown or revoked token per source address (default 30 a minute). */
  unknownTokenLimits?: UnknownTokenLimits;
  /** Proxies whose X-Forwarded-For names the client (fastify's trustProxy); without it the source is the peer address. */
  trustProxy?: boolean | string | string[];
  version?: string;
  logger?: boolean;
}

/** The default time to receive a whole request: a 32 MiB upload at about 2.5 Mbit/s. */
export const DEFAULT_BODY_TIMEOUT_MS = 120_000;

/**
 * Headers on every response: never stored by a cache (API answers hold patient data), never sniffed as another
 * type, never framed, and (for JSON) allowed to load nothing. The page (web.ts) and the docs page set their own
 * policy and caching over these.
 */
export const API_SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
} as const;

/**
 * The docs page (Swagger UI): its own files only, no inline script, never framed. The one inline style Swagger UI
 * applies is allowed by its hash (test/web.browser.test.ts fails on any other CSP violation, e.g. after an upgrade).
 */
export const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

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
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const app = Fastify({
    // Each line is written when the request completes, so a crash (kill -9) loses at most the line being written.
    // No redaction paths: request objects and headers are never logged (RequestLog writes method, route, status and
    // time only), and redaction would cost a third of the throughput.
    ...(options.logger ? { loggerInstance: pino({ level: 'info' }, pino.destination({ sync: true })) as FastifyBaseLogger } : { logger: false }),
    bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024,
    // Node answers a request not received whole in time with 408 and closes it; it looks every quarter of the limit.
    requestTimeout: bodyTimeoutMs,
    http: { headersTimeout: Math.min(60_000, bodyTimeoutMs), connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(bodyTimeoutMs / 4))) },
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    // A URL that cannot be decoded (a lone %, an overlong UTF-8 dot in a traversal attempt) names nothing here.
    frameworkErrors: (error, _request, res) => {
      // Answered before any route (or its hooks) is found, so the headers are set here.
      const reply = (res as unknown as FastifyReply).headers(API_SECURITY_HEADERS);
      sendProblem(reply, error.code === 'FST_ERR_BAD_URL' ? new ApiProblem('http.not-found', 'No such route or file.') : INTERNAL_PROBLEM());
    },
    // One log line per request (RequestLog): ids and the route pattern only, never bodies, query strings or URLs.
    ...(options.logger ? { logController: new RequestLog() } : {}),
  });
  app.removeContentTypeParser('text/plain'); // the API speaks JSON only
  // Callback hooks on the per-request path: an async hook costs a promise and a microtask turn on every request.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(API_SECURITY_HEADERS);
    done(null, payload);
  });
  // Schemas describe the routes for the OpenAPI document; the handlers validate with the contract's own zod schemas and
  // name each field problem the contract's way (input.invalid, override.reason-required, ...), and answers are written
  // as they are (no field is ever dropped by a response schema).
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // The OpenAPI document is generated from the routes registered after this point, each with its own schema.
  await app.register(swagger, { openapi: openApiBase(options.version ?? '0') as never, hideUntagged: false });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CONTENT_SECURITY_POLICY });

  // The one place a problem becomes a status: whatever a route or hook threw, answered as the catalogue says.
  app.setErrorHandler((error, _request, reply) => sendProblem(reply, toApiProblem(error, options.bodyLimit ?? 2 * 1024 * 1024)));
  app.setNotFoundHandler((request) => {
    throw new ApiProblem('http.not-found', `No route ${request.method} ${request.url.split('?')[0]}.`);
  });

  app.get(
    '/health',
    { schema: { tags: ['health'], summary: 'Liveness and the knowledge version', security: [], response: { 200: { description: 'Up', ...object({ status: { type: 'string', enum: ['ok'] }, knowledge: S.string }, ['status', 'knowledge']) } } } },
    async () => ({ status: 'ok', knowledge: options.knowledge.version }),
  );

  // The API: one encapsulated scope whose every route names its action, checked by the access guard before the body
  // is read; each route group is its own plugin.
  await app.register(async (api) => {
    addAccessGuard(api, { tokens: options.tokens, store: options.store, unknownTokenLimits: options.unknownTokenLimits });
    // Text PostgreSQL cannot store is refused before any API route sees it, on either database, naming the field.
    api.addHook('preValidation', (request, _reply, done) => {
      const place = nulPlace(request);
      done(place === undefined ? undefined : new ApiProblem('input.invalid', `${place}: ${NUL_PROBLEM}`));
    });
    await api.register(checkRoutes, { knowledge: options.knowledge, store: options.store });
    await api.register(knowledgeRoutes, { knowledge: options.knowledge, live: options.live, store: options.store });
    await api.register(referenceRoutes, { knowledge: options.knowledge });
    const store = options.store;
    if (store) {
      await api.register(encounterRoutes, { knowledge: options.knowledge, x12: options.x12 });
      await api.register(adminRoutes, { tokens: options.tokens });
      await api.register(batchRoutes, { store, knowledge: options.knowledge, worker: options.worker, limits: { ...options.batchLimits, ...(options.maxConcurrentUploads !== undefined ? { concurrent: options.maxConcurrentUploads } : {}) } });
      await api.register(responseRoutes, { store, ...(options.batchLimits?.bodyBytes !== undefined ? { bodyBytes: options.batchLimits.bodyBytes } : {}) });
      await api.register(denialRoutes, {});
      await api.register(registryRoutes, { ...(options.registry !== undefined ? { settings: options.registry } : {}) });
      await api.register(figureRoutes, { ...(options.registry !== undefined ? { registry: options.registry } : {}) });
    }
  });
  await registerWebPage(app);
  return app;
}

/** The answer to anything unforeseen: no message, stack or SQL of the error is ever sent. */
const INTERNAL_PROBLEM = () => new ApiProblem('http.internal', 'The request could not be completed.');

/** Sends a problem with the status its id declares, its headers and its findings. */
function sendProblem(reply: FastifyReply, problem: ApiProblem): FastifyReply {
  return reply.code(problem.status).headers(problem.details.headers ?? {}).send(problem.body());
}

/**
 * What anything thrown while answering a request is, as a problem of the catalogue: an ApiProblem as it is; a store
 * failure by its rule or kind (store messages name ids and rules only, never SQL; a failure of the database itself
 * stays generic); fastify's own errors by their code; anything else is http.internal and says nothing of itself.
 */
export function toApiProblem(error: unknown, bodyLimit: number): ApiProblem {
  if (error instanceof ApiProblem) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as { statusCode?: unknown; code?: unknown; name?: unknown; kind?: unknown; message?: unknown; rule?: unknown };
  if (e.name === 'StoreError') {
    const id = storeProblemId(typeof e.rule === 'string' ? e.rule : undefined, typeof e.kind === 'string' ? e.kind : undefined);
    const status = API_PROBLEMS[id].status;
    const message = status >= 500 ? 'The store is unavailable; try again.' : status === 404 ? 'No such record.' : typeof e.message === 'string' ? e.message : 'The request conflicts with stored data or is invalid.';
    return new ApiProblem(id, message, { cause: error });
  }
  if (e.statusCode === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiProblem('http.body-too-large', `The request body is larger than ${bodyLimit} bytes.`);
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new ApiProblem('http.media-type', 'Send the body as application/json.');
  if (e.statusCode === 400) return new ApiProblem('input.invalid-json', 'The body is not valid JSON.');
  // A file server refusing a path (a traversal attempt, a malformed escape) is a missing file, never a server error.
  if (e.statusCode === 403 || e.statusCode === 404) return new ApiProblem('http.not-found', 'No such file.');
  return INTERNAL_PROBLEM();
}

/** The catalogue id of a store failure: its own rule when it has one, else one per kind. */
function storeProblemId(rule: string | undefined, kind: string | undefined): HttpProblemId {
  if (rule !== undefined && isHttpProblemId(rule)) return rule;
  const byKind = `store.${kind ?? 'internal'}`;
  return isHttpProblemId(byKind) ? byKind : 'store.internal';
}

function isHttpProblemId(id: string): id is HttpProblemId {
  return id in API_PROBLEMS && API_PROBLEMS[id as HttpProblemId].status !== null;
}

/** Where a request holds U+0000: a path or query parameter, or a field of a JSON body (batch uploads are read item by item). */
function nulPlace(request: FastifyRequest): string | undefined {
  const param = nulPath(request.params);
  if (param !== undefined) return `path parameter ${param}`;
  const query = nulPath(request.query);
  if (query !== undefined) return `query parameter ${query}`;
  const json = (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
  return json && typeof request.body === 'object' && request.body !== null ? nulPath(request.body) : undefined;
}
