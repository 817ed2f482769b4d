/**
 * Bearer-token verification over the store with a short-lived cache: looking a token up in the database on every
 * request costs more than checking the claim itself, so a verified token is remembered for `ttlMs` (default 2 s).
 * Revoking a token through this process forgets it at once; another server process stops accepting it within
 * `ttlMs`. Unknown tokens are never cached, so a new token works at once.
 */
import type { Store } from '../store/store.js';
import type { Principal } from './policy.js';

/** Resolves a bearer token to its principal. */
export interface TokenVerifier {
  verifyToken(token: string): Promise<Principal | undefined>;
  /** Drops a token from any cache (after it was revoked). */
  forget?(tokenId: string): void;
}

/** How long a verified token is trusted without asking the database again. */
export const DEFAULT_TOKEN_CACHE_MS = 2000;
const MAX_CACHED_TOKENS = 10_000;

/** A TokenVerifier backed by the store's hashed tokens; `now` is the clock (an edge). */
export function storeTokenVerifier(store: Store, options: { ttlMs?: number; now?: () => number } = {}): TokenVerifier {
  const ttlMs = options.ttlMs ?? DEFAULT_TOKEN_CACHE_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { principal: Principal; until: number }>();
  return {
    async verifyToken(token) {
      const hit = cache.get(token);
      if (hit !== undefined && hit.until > now()) return hit.principal;
      const found = await store.verifyToken(token);
      if (found === undefined) {
        cache.delete(token);
        return undefined;
      }
      const principal: Principal = { tokenId: found.id, organization: found.organization, role: found.role };
      if (ttlMs > 0) {
        if (cache.size >= MAX_CACHED_TOKENS) cache.clear();
        cache.set(token, { principal, until: now() + ttlMs });
      }
      return principal;
    },
    forget(tokenId) {
      for (const [token, entry] of cache) if (entry.principal.tokenId === tokenId) cache.delete(token);
    },
  };
}
