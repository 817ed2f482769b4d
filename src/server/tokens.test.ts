/** The token cache: trusted for its time-to-live, forgotten on revocation, unknown tokens never cached. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import { storeTokenVerifier } from './tokens.js';

function fakeStore(tokens: Map<string, { id: string; organization: string; role: 'viewer' | 'coder' | 'admin' }>) {
  let lookups = 0;
  const store = { verifyToken: async (token: string) => { lookups++; return tokens.get(token); } } as unknown as Store;
  return { store, lookups: () => lookups };
}

describe('storeTokenVerifier', () => {
  it('asks the store once per time-to-live and again after it', async () => {
    const tokens = new Map([['tok-a', { id: 'id-a', organization: 'org', role: 'coder' as const }]]);
    const { store, lookups } = fakeStore(tokens);
    let now = 1000;
    const verifier = storeTokenVerifier(store, { ttlMs: 2000, now: () => now });
    expect(await verifier.verifyToken('tok-a')).toEqual({ tokenId: 'id-a', organization: 'org', role: 'coder' });
    now = 2999;
    await verifier.verifyToken('tok-a');
    expect(lookups()).toBe(1);
    tokens.delete('tok-a'); // revoked by another process
    now = 3001;
    expect(await verifier.verifyToken('tok-a')).toBeUndefined();
    expect(lookups()).toBe(2);
  });

  it('forgets a revoked token at once and never caches unknown tokens', async () => {
    const tokens = new Map<string, { id: string; organization: string; role: 'viewer' | 'coder' | 'admin' }>([['tok-b', { id: 'id-b', organization: 'org', role: 'admin' }]]);
    const { store, lookups } = fakeStore(tokens);
    const verifier = storeTokenVerifier(store, { ttlMs: 60_000, now: () => 0 });
    await verifier.verifyToken('tok-b');
    tokens.delete('tok-b');
    verifier.forget?.('id-b');
    expect(await verifier.verifyToken('tok-b')).toBeUndefined();
    expect(await verifier.verifyToken('tok-new')).toBeUndefined();
    tokens.set('tok-new', { id: 'id-new', organization: 'org', role: 'viewer' });
    expect(await verifier.verifyToken('tok-new')).toMatchObject({ tokenId: 'id-new' });
    expect(lookups()).toBe(4);
  });
});
