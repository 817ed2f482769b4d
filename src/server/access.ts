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
    const acting = await actingPrincipal(request, principal!, action, options.store);
    request.principal = acting;
    if (options.store) request.organizationStore = options.store.forOrganization(acting.organization);
  });
}

/** The header an admin names another organisation it administers in; without it a request works in the token's own. */
export const ORGANIZATION_HEADER = 'x-organization';

/**
 * The principal a request acts as: the token's own, or (X-Organization) an organisation its admin token administers.
 * A coder or viewer never switches, and an admin only to an organisation granted to it; both refusals are audited
 * in the token's own organisation, and the other organisation's existence is never revealed.
 */
async function actingPrincipal(request: FastifyRequest, principal: Principal, action: Action, store: Store | undefined): Promise<Principal> {
  const header = request.headers[ORGANIZATION_HEADER];
  if (header === undefined || header === principal.organization) return principal;
  if (typeof header !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(header)) throw new ApiProblem('input.invalid', `${ORGANIZATION_HEADER}: expected an organisation id (1 to 200 visible ASCII characters)`);
  if (principal.role !== 'admin') {
    await auditDenied(store, principal.organization, principal.tokenId, [action, `organization:${header}`]);
    throw new ApiProblem('auth.forbidden', `A ${principal.role} token works in its own organisation only; only an admin can switch organisation.`);
  }
  const administered = store ? await store.organizationsOf(principal.tokenId) : [];
  if (!administered.includes(header)) {
    await auditDenied(store, principal.organization, principal.tokenId, [action, `organization:${header}`]);
    throw new ApiProblem('auth.forbidden', 'This token does not administer that organisation (dxacode token grant gives an admin token another organisation).');
  }
  return { ...principal, organization: header, homeOrganization: principal.organization };
}

/** Records a denied request; an audit failure must not turn a 401/403 into a 500. */
async function auditDenied(store: Store | undefined, organization: string, actor: string, objectIds: string[]): Promise<void> {
  await store?.forOrganization(organization).audit.record(actor, 'denied', objectIds).catch(() => undefined);
}
