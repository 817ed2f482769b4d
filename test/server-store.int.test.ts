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

  it('lists a page with the total, sorted and searched, and refuses bad paging, sort and search with the field named', async () => {
    for (const [id, family] of [['s-1', 'Quill'], ['s-2', 'Abbot'], ['s-3', 'Quinn']] as const) {
      expect((await call('POST', '/v1/encounters', tokens.coderA, { ...example, id, patient: { ...(example.patient as object), name: { family }, mrn: `M-${id}` } })).statusCode).toBe(201);
    }
    const list = async (query: string) => (await call('GET', `/v1/encounters?${query}`, tokens.viewerA)).json() as { total: number; encounters: { externalId: string; patientName: string | null; patientMrn: string | null; billedCodes: string[]; topFinding: { message: string } | null }[] };
    const all = await list('limit=500');
    expect(all.total).toBe(all.encounters.length);
    const searched = await list('q=qui&sort=patient&limit=1');
    expect(searched.total).toBe(2);
    expect(searched.encounters.map((e) => [e.externalId, e.patientName, e.patientMrn])).toEqual([['s-1', 'Quill', 'M-s-1']]);
    expect((await list('q=qui&sort=patient&limit=1&page=2')).encounters.map((e) => e.externalId)).toEqual(['s-3']);
    expect((await list('q=qui&sort=patient&order=desc&limit=1')).encounters.map((e) => e.externalId)).toEqual(['s-3']);
    expect((await list('q=M-s-2')).encounters.map((e) => e.externalId)).toEqual(['s-2']);
    const row = (await list('q=s-2')).encounters[0]!;
    expect(row.billedCodes.length).toBeGreaterThan(0);
    expect(row.topFinding?.message.length).toBeGreaterThan(0);
    // Without the new parameters the list is what it was: newest date of service first, 50 rows.
    expect((await list('payer=medicare')).encounters.length).toBe(all.encounters.length);
    for (const [query, field] of [['page=0', 'page'], ['page=2&offset=0', 'page'], ['sort=name', 'sort'], ['order=up', 'order'], ['q=', 'q'], [`q=${'x'.repeat(101)}`, 'q']] as const) {
      const refused = await call('GET', `/v1/encounters?${query}`, tokens.viewerA);
      expect(refused.statusCode, query).toBe(400);
      expect(refused.body, query).toContain(field);
    }
  });
});
