/** GET /v1/reference and /v1/reference/{code}: the coders' reference for integrators, with its OpenAPI schema. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadKnowledge } from '../io/knowledge-files.js';
import type { Principal } from './policy.js';
import { buildServer } from './server.js';

const viewer: Principal = { tokenId: 't1', organization: 'org-a', role: 'viewer' };
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildServer({ knowledge: loadKnowledge(), tokens: { verifyToken: async (t) => (t === 'viewer-token-0000000000' ? viewer : undefined) } });
});
afterAll(async () => app.close());

const get = (url: string, token: string | undefined = 'viewer-token-0000000000') => app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('GET /v1/reference', () => {
  it('lists the codes in force on the date for the caller’s organisation, with the knowledge tables and datasets', async () => {
    const response = await get('/v1/reference?date=2014-06-01');
    expect(response.statusCode).toBe(200);
    const body = response.json() as { date: string; organization: string; codes: { code: string; status: string }[]; datasets: { source: { title: string } }[]; tables: { table: string }[] };
    expect(body).toMatchObject({ date: '2014-06-01', organization: 'org-a' });
    expect(body.codes.find((c) => c.code === '77082')?.status).toBe('valid');
    expect(body.tables.map((t) => t.table)).toContain('codes');
    expect(body.datasets.every((d) => d.source.title.length > 0)).toBe(true);
  });

  it('gives one code, and 404 for a code it does not hold, 400 for a bad date, 401 without a token', async () => {
    const one = await get('/v1/reference/77085?date=2026-02-10');
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ code: '77085', history: { effective: '2015-01-01', replaces: ['77082'] } });
    expect((await get('/v1/reference/99213')).statusCode).toBe(404);
    expect((await get('/v1/reference/77085?date=2026-02-30')).json().findings[0].rule).toBe('input.invalid');
    expect((await get('/v1/reference', '')).statusCode).toBe(401);
  });

  it('is in the OpenAPI document, generated from the routes', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { tags: string[] }>> };
    expect(doc.paths['/v1/reference']!.get!.tags).toEqual(['reference']);
    expect(doc.paths['/v1/reference/{code}']!.get!.tags).toEqual(['reference']);
  });
});
