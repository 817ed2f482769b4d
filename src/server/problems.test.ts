/** Every finding id the API and the batch jobs use is declared once in the catalogue, and answered with its status. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadKnowledge } from '../io/knowledge-files.js';
import { JOB_FINDINGS } from '../store/jobs.js';
import { StoreError } from '../store/errors.js';
import { BATCH_PROBLEMS } from './batches.js';
import { API_PROBLEMS, ApiProblem, type HttpProblemId } from './problems.js';
import { buildServer, toApiProblem } from './server.js';

const HTTP_IDS = Object.entries(API_PROBLEMS).filter(([, p]) => p.status !== null).map(([id]) => id as HttpProblemId);

describe('API finding catalogue', () => {
  it('declares the batch route and batch item ids', () => {
    for (const id of [...Object.values(BATCH_PROBLEMS), ...Object.values(JOB_FINDINGS)]) expect(Object.keys(API_PROBLEMS)).toContain(id);
  });
  it('gives every HTTP error id a 4xx or 5xx status', () => {
    for (const [id, p] of Object.entries(API_PROBLEMS)) if (p.status !== null) expect(p.status, id).toBeGreaterThanOrEqual(400);
  });
});

describe('the error handler', () => {
  let app: FastifyInstance;
  let thrown: unknown;
  beforeAll(async () => {
    app = await buildServer({ knowledge: loadKnowledge(), tokens: { verifyToken: async () => undefined } });
    // A route that throws whatever the test sets, answered by the server's own handler.
    app.get('/v1/test-throw', async () => {
      throw thrown;
    });
  });
  afterAll(async () => app.close());
  const answer = async (error: unknown) => {
    thrown = error;
    const response = await app.inject({ method: 'GET', url: '/v1/test-throw' });
    return { status: response.statusCode, headers: response.headers, body: response.json() as { findings: { rule: string; severity: string; message: string }[] }, text: response.body };
  };

  it('answers every catalogue id with the status the catalogue declares, the id and the message', async () => {
    expect(HTTP_IDS.length).toBeGreaterThan(25);
    for (const id of HTTP_IDS) {
      const response = await answer(new ApiProblem(id, `the message of ${id}`));
      expect(response.status, id).toBe(API_PROBLEMS[id].status);
      expect(response.body.findings, id).toEqual([{ rule: id, severity: 'error', message: `the message of ${id}`, source: { title: 'dxacode HTTP API', confidence: 'verified' } }]);
      expect(response.headers['cache-control'], id).toBe('no-store');
    }
  });

  it('sends a problem with its headers, findings and further fields', async () => {
    const findings = [{ rule: 'x12.write.npi', severity: 'error' as const, message: 'NM109: expected an NPI', source: { title: 'X12', confidence: 'verified' as const } }];
    const response = await answer(new ApiProblem('claim.not-written', 'unused', { findings, headers: { 'retry-after': '7' }, fields: { failures: [] } }));
    expect(response.status).toBe(422);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.body).toEqual({ findings, failures: [] });
  });

  it('answers a store failure by its rule, else its kind, and never with a database message', async () => {
    expect((await answer(new StoreError('conflict', 'this result version is already accepted', { rule: 'claim.already-accepted' }))).body.findings[0]).toMatchObject({ rule: 'claim.already-accepted' });
    expect((await answer(new StoreError('conflict', 'x', { rule: 'claim.already-accepted' }))).status).toBe(409);
    expect((await answer(new StoreError('invalid', 'rule: not a rule'))).status).toBe(400);
    const missing = await answer(new StoreError('not-found', 'no encounter e-1 in org-secret'));
    expect([missing.status, missing.body.findings[0]!.rule, missing.body.findings[0]!.message]).toEqual([404, 'store.not-found', 'No such record.']);
    const down = await answer(new StoreError('unavailable', 'connect ECONNREFUSED 10.1.2.3:5432', { cause: new Error('SELECT * FROM audit_log') }));
    expect([down.status, down.body.findings[0]!.rule]).toEqual([503, 'store.unavailable']);
    expect(down.text).not.toMatch(/ECONNREFUSED|SELECT|10\.1\.2\.3/);
  });

  it('answers an unforeseen error with 500 and nothing of the error itself', async () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'patient') at secret.ts:12");
    for (const thrownValue of [error, 'a thrown string', null, { statusCode: 599, message: 'odd' }]) {
      const response = await answer(thrownValue);
      expect(response.status).toBe(500);
      expect(response.body.findings).toEqual([{ rule: 'http.internal', severity: 'error', message: 'The request could not be completed.', source: { title: 'dxacode HTTP API', confidence: 'verified' } }]);
      expect(response.text).not.toMatch(/secret|patient|TypeError|at |stack|odd/);
    }
  });

  it('maps the framework\'s own errors by their code', () => {
    expect(toApiProblem({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, 10).id).toBe('http.body-too-large');
    expect(toApiProblem({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }, 10).id).toBe('http.media-type');
    expect(toApiProblem({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }, 10).id).toBe('input.invalid-json');
    expect(toApiProblem({ statusCode: 403 }, 10).id).toBe('http.not-found');
  });
});
