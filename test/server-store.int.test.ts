/** The API over a real store (SQLite file): encounters stored and checked, read, listed, overridden, accepted. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { buildServer } from '../src/server/server.js';
import { storeTokenVerifier } from '../src/server/tokens.js';
import { openStore, type Store } from '../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'dxacode-api-'));
const example = JSON.parse(readFileSync(new URL('../examples/encounter-axial-vfa.json', import.meta.url), 'utf8')) as Record<string, unknown>;
let store: Store;
let app: FastifyInstance;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  store = await openStore({ url: `sqlite:${join(dir, 'api.db')}` });
  tokens.coderA = (await store.forOrganization('org-a').tokens.create('coder')).token;
  tokens.viewerA = (await store.forOrganization('org-a').tokens.create('viewer')).token;
  tokens.coderB = (await store.forOrganization('org-b').tokens.create('coder')).token;
  app = await buildServer({
    knowledge: loadKnowledge(),
    store,
    tokens: storeTokenVerifier(store, { ttlMs: 0 }),
  });
});
afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (method: 'GET' | 'POST', url: string, token: string | undefined, body?: unknown) =>
  app.inject({ method, url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });

describe('encounters API', () => {
  it('stores and checks, reads, lists with filters, overrides with a reason and accepts', async () => {
    const created = await call('POST', '/v1/encounters', tokens.coderA, example);
    expect(created.statusCode).toBe(201);
    const { encounterId, version, result } = created.json() as { encounterId: string; version: number; result: { verdict: string } };
    expect(version).toBe(1);
    expect(result.verdict).toBe('reject');

    const read = await call('GET', `/v1/encounters/${encounterId}`, tokens.viewerA);
    expect(read.statusCode).toBe(200);
    const list = await call('GET', '/v1/encounters?verdict=reject&payer=medicare&from=2026-01-01&to=2026-12-31', tokens.viewerA);
    expect((list.json() as { encounters: { id: string }[] }).encounters.map((e) => e.id)).toContain(encounterId);
    expect((await call('GET', '/v1/encounters?verdict=maybe', tokens.viewerA)).statusCode).toBe(400);

    const noReason = await call('POST', `/v1/encounters/${encounterId}/overrides`, tokens.coderA, { rule: 'pair.combined-code', line: 1 });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().findings[0].rule).toBe('override.reason-required');
    const override = await call('POST', `/v1/encounters/${encounterId}/overrides`, tokens.coderA, { rule: 'pair.combined-code', line: 1, reason: 'separate sessions documented on two days' });
    expect(override.statusCode).toBe(201);
    expect((await call('POST', `/v1/encounters/${encounterId}/accept`, tokens.coderA)).statusCode).toBe(201);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('viewers cannot write, and another organisation sees 404', async () => {
    const created = await call('POST', '/v1/encounters', tokens.coderA, { ...example, id: 'org-check' });
    const { encounterId } = created.json() as { encounterId: string };
    expect((await call('POST', '/v1/encounters', tokens.viewerA, example)).statusCode).toBe(403);
    const other = await call('GET', `/v1/encounters/${encounterId}`, tokens.coderB);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('org-a');
    expect((await call('POST', `/v1/encounters/${encounterId}/accept`, tokens.coderB)).statusCode).toBe(404);
  });
});
