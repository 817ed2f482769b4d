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
import { invalidEncounter, invalidInput } from './http.js';
import { API_PROBLEMS, ApiProblem, type HttpProblemId } from './problems.js';
import { registerWebPage } from './web.js';
import type { LiveKnowledge } from './knowledge-live.js';
import { registerKnowledgeRoutes } from './knowledge.js';
import { registerResponseRoutes } from './responses.js';
import { NUL_PROBLEM, nulPath } from '../store/nul.js';
import { UnknownTokenLimiter, type UnknownTokenLimits } from './rate-limit.js';

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

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The bearer token of a request; the scheme name is case-insensitive (RFC 9110 §11.1). */
function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const m = header ? /^Bearer\s+([A-Za-z0-9_\-.~+/=]{16,200})$/i.exec(header) : null;
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
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(API_SECURITY_HEADERS);
    return payload;
  });
  // Text PostgreSQL cannot store is refused before any API route sees it, on either database, naming the field.
  app.addHook('preValidation', async (request) => {
    if (!(request.routeOptions.url ?? '').startsWith('/v1/')) return undefined;
    const place = nulPlace(request);
    if (place !== undefined) throw new ApiProblem('input.invalid', `${place}: ${NUL_PROBLEM}`);
  });
  await app.register(swagger, { mode: 'static', specification: { document: openApiDocument(options.version ?? '0') as never } });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CONTENT_SECURITY_POLICY });

  const limiter = new UnknownTokenLimiter(options.unknownTokenLimits);
  // Runs as an onRequest hook: the caller is authenticated and authorised before the body is read or parsed.
  const guard = (action: Action) => async (request: FastifyRequest) => {
    const presented = request.headers.authorization !== undefined;
    const retryAfter = presented ? limiter.blocked(request.ip) : undefined;
    if (retryAfter !== undefined) {
      limiter.failed(request.ip);
      throw new ApiProblem('auth.rate-limited', `Too many requests with an unknown token from this address; try again in ${retryAfter} s.`, { headers: { 'retry-after': String(retryAfter) } });
    }
    const token = bearer(request);
    const principal = token ? await options.tokens.verifyToken(token) : undefined;
    const decision = authorize(principal, action);
    // A presented but unknown or revoked token, and a known token used beyond its role, are audited as denied;
    // a request without any token is not (a browser opening the page is not an attempt). Unknown tokens are audited
    // once per source and window, with the count of the previous window's further attempts.
    if (decision === 'unauthenticated') {
      if (presented) {
        const attempt = limiter.failed(request.ip);
        if (attempt.audit) await auditDenied(options.store, '-', 'unknown-token', [action, `source:${request.ip}`, ...(attempt.earlierAttempts > 0 ? [`earlier-attempts:${attempt.earlierAttempts}`] : [])]);
      }
      throw new ApiProblem('auth.unauthenticated', 'A valid bearer token is required (dxacode token create --role ...).', { headers: { 'www-authenticate': 'Bearer' } });
    }
    if (decision === 'deny') {
      await auditDenied(options.store, principal!.organization, principal!.tokenId, [action]);
      throw new ApiProblem('auth.forbidden', `The token's role (${principal!.role}) may not ${action.replace('.', ' ')}.`);
    }
    request.principal = principal;
  };

  // The one place a problem becomes a status: whatever a route or hook threw, answered as the catalogue says.
  app.setErrorHandler((error, _request, reply) => sendProblem(reply, toApiProblem(error, options.bodyLimit ?? 2 * 1024 * 1024)));
  app.setNotFoundHandler((request) => {
    throw new ApiProblem('http.not-found', `No route ${request.method} ${request.url.split('?')[0]}.`);
  });

  app.get('/health', async () => ({ status: 'ok', knowledge: options.knowledge.version }));

  app.post('/v1/check', { onRequest: guard('check.run') }, async (request, reply) => {
    const parsed = parseEncounter(request.body);
    if (!parsed.ok) throw invalidEncounter(parsed.problems);
    // The contract's own serialiser (source citations cached as JSON) beats fastify's generic one on this hot path.
    return reply.header('content-type', 'application/json; charset=utf-8').send(stringifyResult(check(parsed.encounter, options.knowledge)));
  });

  app.post('/v1/extract', { onRequest: guard('encounter.read') }, async (request) => {
    const body = request.body as { report?: unknown } | null;
    if (body === null || typeof body !== 'object' || typeof body.report !== 'string' || body.report.trim() === '') throw invalidInput('report', 'the report text as a non-empty string');
    if (body.report.length > INPUT_LIMITS.reportLength) throw new ApiProblem('http.body-too-large', `report: expected at most ${INPUT_LIMITS.reportLength} characters`);
    return extract(body.report);
  });

  await registerKnowledgeRoutes(app, { knowledge: options.knowledge, live: options.live, store: options.store, guard });

  app.post('/v1/session', { onRequest: guard('encounter.read') }, async (request) => {
    const principal = request.principal!;
    await options.store?.recordAudit(principal.organization, principal.tokenId, 'signed-in', []);
    return { tokenId: principal.tokenId, organization: principal.organization, role: principal.role };
  });

  const store = options.store;
  if (store) {
    registerEncounterRoutes(app, { store, knowledge: options.knowledge, guard, x12: options.x12 });
    registerAdminRoutes(app, { store, guard, tokens: options.tokens });
    await registerBatchRoutes(app, { store, knowledge: options.knowledge, guard, worker: options.worker, limits: { ...options.batchLimits, ...(options.maxConcurrentUploads !== undefined ? { concurrent: options.maxConcurrentUploads } : {}) } });
    await registerResponseRoutes(app, { store, guard, ...(options.batchLimits?.bodyBytes !== undefined ? { bodyBytes: options.batchLimits.bodyBytes } : {}) });
  }
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

/** Records a denied request; an audit failure must not turn a 401/403 into a 500. */
async function auditDenied(store: Store | undefined, organization: string, actor: string, objectIds: string[]): Promise<void> {
  await store?.recordAudit(organization, actor, 'denied', objectIds).catch(() => undefined);
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
