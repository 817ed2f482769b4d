/**
 * The access guard as one onRequest hook for every API route: each route names its action in `config.action`, and
 * the hook authenticates the bearer token and authorises the action (policy.ts) before the body is read or parsed.
 * A route of the API scope that names no action is refused when it is registered, so none is open by mistake.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OrganizationStore, Store } from '../store/store.js';
import { authorize, type Action, type Principal } from './policy.js';
import { ApiProblem } from './problems.js';
import { UnknownTokenLimiter, type UnknownTokenLimits } from './rate-limit.js';
import type { TokenVerifier } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The store opened for the caller's organisation, for this request only (when the server has a store). */
    organizationStore?: OrganizationStore;
  }
  interface FastifyContextConfig {
    /** What the route does, for the access policy: every API route names one. */
    action?: Action;
  }
}

/** What the guard needs. */
export interface AccessOptions {
  tokens: TokenVerifier;
  /** Where denied attempts are audited; without a store they are not. */
  store?: Store | undefined;
  unknownTokenLimits?: UnknownTokenLimits | undefined;
}

/** The bearer token of a request; the scheme name is case-insensitive (RFC 9110 §11.1). */
function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const m = header ? /^Bearer\s+([A-Za-z0-9_\-.~+/=]{16,200})$/i.exec(header) : null;
  return m?.[1];
}

/** Adds the guard to a scope: every route registered in it must name its action, and every request is checked. */
export function addAccessGuard(scope: FastifyInstance, options: AccessOptions): void {
  const limiter = new UnknownTokenLimiter(options.unknownTokenLimits);
  scope.addHook('onRoute', (route) => {
    if (route.config?.action === undefined) throw new Error(`${String(route.method)} ${route.url} names no action (config.action) for the access policy`);
  });
  scope.addHook('onRequest', async (request) => {
    const action = request.routeOptions.config.action!;
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
    if (options.store) request.organizationStore = options.store.forOrganization(principal!.organization);
  });
}

/** Records a denied request; an audit failure must not turn a 401/403 into a 500. */
async function auditDenied(store: Store | undefined, organization: string, actor: string, objectIds: string[]): Promise<void> {
  await store?.forOrganization(organization).audit.record(actor, 'denied', objectIds).catch(() => undefined);
}
