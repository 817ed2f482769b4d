/**
 * The HTTP API (fastify, /v1): every route names its action for the access policy, errors are the contract's
 * findings (never stack traces or SQL), bodies are bounded, and the OpenAPI document is served with a docs page.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Finding } from '../contract/result.js';
import { check, parseEncounter } from '../engine/index.js';
import type { Knowledge } from '../knowledge/compile.js';
import { openApiDocument } from './openapi.js';
import { authorize, type Action, type Principal } from './policy.js';

/** Resolves a bearer token to its principal (the store implements it). */
export interface TokenVerifier {
  verifyToken(token: string): Promise<Principal | undefined>;
}

/** Server settings. */
export interface ServerOptions {
  knowledge: Knowledge;
  tokens: TokenVerifier;
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

  app.setErrorHandler((error: { statusCode?: number; code?: string }, _request, reply) => {
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

  return app;
}
