/**
 * Roles across organisations, on SQLite and PostgreSQL: an admin token works in the organisations granted to it
 * (X-Organization), including the demo's; a coder or viewer never switches, and an admin never reaches an
 * organisation it does not administer. Every refusal is a 403 audited in the token's own organisation.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { buildServer } from '../src/server/server.js';
import { storeTokenVerifier } from '../src/server/tokens.js';
import { openStore, type Store } from '../src/store/index.js';
import { axialEncounter } from './encounters.js';
import { BACKENDS } from './store-backends.js';

for (const backend of BACKENDS) {
  describe(`switching organisation on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    let tearDown: () => Promise<void>;
    const tokens: Record<string, { token: string; id: string }> = {};

    beforeAll(async () => {
      const set = await backend.setUp();
      tearDown = set.tearDown;
      store = await openStore(set.options);
      for (const [name, org, role] of [['admin', 'org-a', 'admin'], ['coder', 'org-a', 'coder'], ['viewer', 'org-a', 'viewer'], ['adminC', 'org-c', 'admin']] as const) {
        tokens[name] = await store.forOrganization(org).tokens.create(role);
      }
      const knowledge = loadKnowledge();
      await store.forOrganization('demo').encounters.storeAndCheck('test', axialEncounter({ id: 'demo-only', dateOfService: '2026-03-10' }), knowledge);
      await store.forOrganization('org-c').encounters.storeAndCheck('test', axialEncounter({ id: 'c-only', dateOfService: '2026-03-10' }), knowledge);
      await store.grantOrganization(tokens.admin!.id, 'demo', 'test');
      app = await buildServer({ knowledge, store, tokens: storeTokenVerifier(store, { ttlMs: 0 }) });
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await store?.close();
      await tearDown?.();
    });

    const get = (name: string, url: string, organization?: string) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[name]!.token}`, ...(organization !== undefined ? { 'x-organization': organization } : {}) } });
    const externalIds = async (name: string, organization?: string) => ((await get(name, '/v1/encounters', organization)).json() as { encounters: { externalId: string | null }[] }).encounters.map((e) => e.externalId);

    it('lists the organisations a token may work in at sign-in: an admin its own and the granted ones, others their own', async () => {
      const admin = await app.inject({ method: 'POST', url: '/v1/session', headers: { authorization: `Bearer ${tokens.admin!.token}`, 'content-type': 'application/json' }, payload: '{}' });
      expect(admin.json()).toMatchObject({ organization: 'org-a', homeOrganization: 'org-a', organizations: ['org-a', 'demo'], role: 'admin' });
      const coder = await app.inject({ method: 'POST', url: '/v1/session', headers: { authorization: `Bearer ${tokens.coder!.token}`, 'content-type': 'application/json' }, payload: '{}' });
      expect(coder.json()).toMatchObject({ organizations: ['org-a'] });
      const granted = (await store.forOrganization('demo').audit.list({ limit: 50 })).filter((r) => r.action === 'organization-granted');
      expect(granted.map((r) => r.objectIds)).toEqual([[tokens.admin!.id]]);
    });

    it('lets an admin work in the demo organisation it administers, and in its own without the header', async () => {
      expect(await externalIds('admin', 'demo')).toEqual(['demo-only']);
      expect(await externalIds('admin')).toEqual([]);
      expect(await externalIds('admin', 'org-a')).toEqual([]);
      const session = await app.inject({ method: 'POST', url: '/v1/session', headers: { authorization: `Bearer ${tokens.admin!.token}`, 'x-organization': 'demo', 'content-type': 'application/json' }, payload: '{}' });
      expect(session.json()).toMatchObject({ organization: 'demo', homeOrganization: 'org-a' });
      // Tokens created there belong to that organisation.
      expect(((await get('admin', '/v1/tokens', 'demo')).json() as { tokens: { organization: string }[] }).tokens.every((t) => t.organization === 'demo')).toBe(true);
    });

    it('refuses an admin an organisation it does not administer, even one that exists, and audits it', async () => {
      for (const organization of ['org-c', 'no-such-org']) {
        const response = await get('admin', '/v1/encounters', organization);
        expect(response.statusCode).toBe(403);
        expect(response.json().findings[0].rule).toBe('auth.forbidden');
      }
      const audit = await store.forOrganization('org-a').audit.list({ limit: 20 });
      expect(audit.some((r) => r.action === 'denied' && r.objectIds.includes('organization:org-c'))).toBe(true);
      // Nothing of org-c was read into the answer, and org-c's own admin still sees its encounter.
      expect(await externalIds('adminC')).toEqual(['c-only']);
    });

    it('never lets a coder or viewer switch, not even to an organisation their admin administers', async () => {
      for (const name of ['coder', 'viewer']) {
        const response = await get(name, '/v1/encounters', 'demo');
        expect(response.statusCode).toBe(403);
        expect(response.json().findings[0].message).toContain('only an admin can switch organisation');
      }
      await expect(store.grantOrganization(tokens.coder!.id, 'demo', 'test')).rejects.toThrow(/only an admin token/);
    });

    it('stops a revoked admin token at once, grant or not', async () => {
      const { id, token } = await store.forOrganization('org-a').tokens.create('admin');
      await store.grantOrganization(id, 'demo', 'test');
      expect(await store.organizationsOf(id)).toEqual(['org-a', 'demo']);
      await store.revokeToken(id, 'test');
      expect(await store.organizationsOf(id)).toEqual([]);
      const response = await app.inject({ method: 'GET', url: '/v1/encounters', headers: { authorization: `Bearer ${token}`, 'x-organization': 'demo' } });
      expect(response.statusCode).toBe(401);
    });
  });
}
