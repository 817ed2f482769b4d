/** The HTTP API: policy per route, errors as findings, body limits, OpenAPI and docs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { Result } from '../contract/result.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import { authorize, type Principal } from './policy.js';
import { buildServer } from './server.js';

const tokens: Record<string, Principal> = {
  'viewer-token-0000000000': { tokenId: 't1', organization: 'org-a', role: 'viewer' },
  'coder-token-00000000000': { tokenId: 't2', organization: 'org-a', role: 'coder' },
};
const example = JSON.parse(readFileSync(new URL('../../examples/encounter-axial-vfa.json', import.meta.url), 'utf8')) as unknown;
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildServer({ knowledge: loadKnowledge(), tokens: { verifyToken: async (t) => tokens[t] }, bodyLimit: 64 * 1024 });
});
afterAll(async () => app.close());

const post = (token: string | undefined, body: unknown, contentType = 'application/json') =>
  app.inject({ method: 'POST', url: '/v1/check', headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': contentType }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

describe('policy', () => {
  it('allows by role rank and denies below it', () => {
    const viewer: Principal = { tokenId: 'x', organization: 'o', role: 'viewer' };
    expect(authorize(undefined, 'encounter.read')).toBe('unauthenticated');
    expect(authorize(viewer, 'encounter.read')).toBe('allow');
    expect(authorize(viewer, 'check.run')).toBe('deny');
    expect(authorize({ ...viewer, role: 'coder' }, 'encounter.override')).toBe('allow');
    expect(authorize({ ...viewer, role: 'coder' }, 'token.manage')).toBe('deny');
    expect(authorize({ ...viewer, role: 'admin' }, 'token.manage')).toBe('allow');
  });
});

describe('POST /v1/check', () => {
  it('checks an encounter for a coder: the contract in and out', async () => {
    const response = await post('coder-token-00000000000', example);
    expect(response.statusCode).toBe(200);
    const result = Result.parse(response.json());
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['77085']);
  });

  it('runs only the rule families of ?only= and reports the others as unchecked; names an unknown family', async () => {
    const headers = { authorization: 'Bearer coder-token-00000000000', 'content-type': 'application/json' };
    const only = await app.inject({ method: 'POST', url: '/v1/check?only=pairs,units', headers, payload: JSON.stringify(example) });
    expect(only.statusCode).toBe(200);
    const result = Result.parse(only.json());
    expect(result.checked.map((c) => c.family)).toEqual(['pairs', 'units']);
    expect(result.unchecked).toContainEqual({ family: 'selection', reason: 'not run: only pairs, units were asked for' });
    expect(result.verdict).not.toBe('clean');
    const bad = await app.inject({ method: 'POST', url: '/v1/check?only=pair', headers, payload: JSON.stringify(example) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().findings[0].message).toContain('only: unknown rule family "pair"');
  });

  it('401 without a valid token, 403 for a viewer', async () => {
    const none = await post(undefined, example);
    expect(none.statusCode).toBe(401);
    expect(none.json().findings[0].rule).toBe('auth.unauthenticated');
    expect((await post('not-a-real-token-000000', example)).statusCode).toBe(401);
    const viewer = await post('viewer-token-0000000000', example);
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().findings[0].rule).toBe('auth.forbidden');
  });

  it('400 with findings naming the field for an unusable encounter', async () => {
    const response = await post('coder-token-00000000000', { dateOfService: '2026-02-30', patient: { sex: 'female' }, performed: [] });
    expect(response.statusCode).toBe(400);
    expect(response.json().findings[0].message).toContain('dateOfService: expected a real calendar date');
  });

  it('400 for malformed JSON, 413 over the body limit, 415 for another media type, never a stack trace', async () => {
    const bad = await post('coder-token-00000000000', '{"dateOfService":');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().findings[0].rule).toBe('input.invalid-json');
    const big = await post('coder-token-00000000000', { ...(example as object), report: 'x'.repeat(100 * 1024) });
    expect(big.statusCode).toBe(413);
    const text = await post('coder-token-00000000000', 'hello', 'text/plain');
    expect(text.statusCode).toBe(415);
    for (const r of [bad, big, text]) expect(r.body).not.toMatch(/\n\s+at |Error:/);
  });
});

describe('documentation', () => {
  it('serves the OpenAPI document generated from the contract and a docs page', async () => {
    const doc = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    const openapi = doc.json() as { openapi: string; components: { schemas: Record<string, unknown> }; paths: Record<string, unknown> };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.components.schemas)).toEqual(expect.arrayContaining(['Encounter', 'Result', 'Finding', 'Problems']));
    expect(openapi.paths).toHaveProperty('/v1/check');
    expect(JSON.stringify(openapi)).not.toContain('#/$defs/');
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect([200, 302]).toContain(page.statusCode);
  });

  it('404 is a finding too', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/nothing' });
    expect(response.statusCode).toBe(404);
    expect(response.json().findings[0].rule).toBe('http.not-found');
  });
});
