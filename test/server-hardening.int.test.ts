/**
 * The server as an attacker meets it (issue 11 §3): response headers, traversal, the bearer scheme, authentication
 * before the body is read, per-organisation audit verification, NUL refused alike on SQLite and PostgreSQL (and a
 * batch item with it failed once), unknown-token floods limited and audited once per source and window, a body
 * timeout, a cap on concurrent uploads, and request logs that a kill -9 cannot lose.
 */
import { connect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Encounter } from '../src/contract/encounter.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import type { Knowledge } from '../src/knowledge/compile.js';
import { buildServer } from '../src/server/server.js';
import { storeTokenVerifier } from '../src/server/tokens.js';
import { BatchWorker } from '../src/server/worker.js';
import { openStore, type Store } from '../src/store/index.js';
import { BACKENDS } from './store-backends.js';
import { request, startServer } from './server-process.js';

const example = JSON.parse(readFileSync(new URL('../examples/encounter-axial-vfa.json', import.meta.url), 'utf8')) as Encounter;
const NUL = '\u0000';

for (const backend of BACKENDS) {
  describe(`server hardening on ${backend.name}`, () => {
    let knowledge: Knowledge;
    let store: Store;
    let app: FastifyInstance;
    let worker: BatchWorker;
    let tearDown: () => Promise<void>;
    let clock = Date.parse('2026-03-01T08:00:00Z');
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      knowledge = loadKnowledge();
      const set = await backend.setUp();
      tearDown = set.tearDown;
      store = await openStore(set.options);
      for (const [name, org, role] of [['coder', 'org-a', 'coder'], ['admin', 'org-a', 'admin'], ['adminB', 'org-b', 'admin']] as const) tokens[name] = (await store.forOrganization(org).tokens.create(role)).token;
      worker = new BatchWorker({ store, knowledge, pollMs: 20 });
      app = await buildServer({ knowledge, store, worker, tokens: storeTokenVerifier(store, { ttlMs: 0 }), unknownTokenLimits: { perWindow: 3, windowMs: 60_000, now: () => clock } });
    });
    afterAll(async () => {
      await worker?.stop();
      await app?.close();
      await store?.close();
      await tearDown?.();
    });

    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) =>
      app.inject({
        method,
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });

    it('sends Cache-Control: no-store and nosniff on every API response, success or error', async () => {
      const responses = [
        await call('GET', '/health', undefined),
        await call('GET', '/v1/encounters', tokens.coder),
        await call('GET', '/v1/encounters', undefined),
        await call('GET', '/v1/encounters', 'no-such-token-000000000000'),
        await call('GET', '/v1/no-such-route', tokens.coder),
        await call('POST', '/v1/encounters', tokens.coder, '{not json'),
        await call('POST', '/v1/check', tokens.coder, example),
      ];
      for (const r of responses) {
        expect(r.headers['cache-control'], `${r.statusCode} ${r.body.slice(0, 60)}`).toBe('no-store');
        expect(r.headers['x-content-type-options']).toBe('nosniff');
        expect(r.headers['x-frame-options']).toBe('DENY');
      }
    });

    it('serves /docs with a content security policy that forbids framing', async () => {
      for (const url of ['/docs/', '/docs/json', '/docs/static/swagger-ui-bundle.js']) {
        const r = await app.inject({ method: 'GET', url });
        expect(r.statusCode, url).toBe(200);
        expect(r.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
        expect(r.headers['content-security-policy'], url).toContain("script-src 'self'");
        expect(r.headers['content-security-policy'], url).not.toContain('unsafe-inline');
        expect(r.headers['x-frame-options'], url).toBe('DENY');
      }
      // The page keeps its own policy and caching.
      const page = await app.inject({ method: 'GET', url: '/' });
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    });

    it('answers 404, never 500, to path traversal attempts', async () => {
      const attempts = [
        '/static/..%2F..%2F..%2Fpackage.json',
        '/static/%2e%2e/%2e%2e/%2e%2e/package.json',
        '/static/..%5c..%5c..%5cpackage.json',
        '/app/..%2F..%2F..%2Fpackage.json',
        '/app/%2e%2e%2f%2e%2e%2fpackage.json',
        '/docs/static/..%2F..%2F..%2F..%2Fpackage.json',
        '/docs/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/package.json',
        '/static/....//....//package.json',
        '/static/%c0%ae%c0%ae/package.json',
        '/static/%',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/static/app.css%00.js',
        '/v1/encounters/%c0%ae',
      ];
      for (const url of attempts) {
        const r = await app.inject({ method: 'GET', url });
        expect(r.statusCode, url).toBe(404);
        expect(r.body, url).not.toContain('"name": "dxacode"');
        expect(r.headers['content-type'], url).toContain('application/json');
        expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      }
    });

    it('reads the Bearer scheme in any case', async () => {
      for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
        expect((await call('GET', '/v1/encounters', undefined, undefined, { authorization: `${scheme} ${tokens.coder}` })).statusCode, scheme).toBe(200);
      }
      expect((await call('GET', '/v1/encounters', undefined, undefined, { authorization: `Basic ${tokens.coder}` })).statusCode).toBe(401);
    });

    it('authenticates every documented route before its body is parsed: a bad or oversized body without a token is 401', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
      const open = new Set(['GET /health']);
      let checked = 0;
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const method of Object.keys(methods)) {
          const url = path.replace(/\{(\w+)\}/g, 'x1');
          if (open.has(`${method.toUpperCase()} ${path}`)) continue;
          const verb = method.toUpperCase() as 'GET' | 'POST' | 'DELETE';
          const bad = await app.inject({ method: verb, url, headers: { 'content-type': 'application/json' }, payload: '{"broken' });
          expect(bad.statusCode, `${verb} ${path}`).toBe(401);
          const huge = await app.inject({ method: verb, url, headers: { 'content-type': 'application/json' }, payload: `"${'x'.repeat(3 * 1024 * 1024)}"` });
          expect(huge.statusCode, `${verb} ${path} (3 MiB)`).toBe(401);
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(20);
    });

    it("scopes /v1/audit/verify to the admin's organisation", async () => {
      await call('POST', '/v1/session', tokens.adminB);
      const mine = (await call('GET', '/v1/audit/verify', tokens.adminB)).json() as { ok: boolean; records: number };
      const orgB = (await store.forOrganization('org-b').audit.list({ limit: 500 })).length;
      expect(mine).toMatchObject({ ok: true, records: orgB });
      // A record of org-a altered: org-a's admin is told which, org-b's only that the chain is broken elsewhere.
      const target = (await store.forOrganization('org-a').audit.list({ limit: 1 }))[0]!;
      const original = await store.db.selectFrom('audit_log').select('actor').where('seq', '=', target.seq).executeTakeFirstOrThrow();
      await store.db.updateTable('audit_log').set({ actor: 'someone-else' }).where('seq', '=', target.seq).execute();
      try {
        expect((await call('GET', '/v1/audit/verify', tokens.admin)).json()).toMatchObject({ ok: false, seq: target.seq });
        const other = (await call('GET', '/v1/audit/verify', tokens.adminB)).json() as { ok: boolean; seq: unknown; problem: string };
        expect(other).toMatchObject({ ok: false, seq: null });
        expect(other.problem).toContain('another organisation');
      } finally {
        await store.db.updateTable('audit_log').set({ actor: original.actor }).where('seq', '=', target.seq).execute();
      }
    });

    it('refuses text with NUL with a 400 naming the field, in bodies, queries and paths', async () => {
      const named = async (response: Awaited<ReturnType<typeof call>>, field: string) => {
        expect(response.statusCode, response.body).toBe(400);
        const finding = (response.json() as { findings: { rule: string; message: string }[] }).findings[0]!;
        expect(finding.rule).toBe('input.invalid');
        expect(finding.message).toBe(`${field}: expected text without the NUL character (U+0000)`);
        expect(finding.message).not.toContain(NUL);
      };
      await named(await call('POST', '/v1/encounters', tokens.coder, { ...example, id: 'nul-1', patient: { sex: 'female', name: { family: `Smith${NUL}` } } }), 'patient.name.family');
      await named(await call('POST', '/v1/check', tokens.coder, { ...example, history: [{ dateOfService: '2024-01-02', code: '77080' }], diagnoses: ['M81.0'], id: `x${NUL}` }), 'id');
      await named(await call('GET', `/v1/encounters?payer=medi${encodeURIComponent(NUL)}care`, tokens.coder), 'query parameter payer');
      await named(await call('GET', `/v1/encounters/abc${encodeURIComponent(NUL)}`, tokens.coder), 'path parameter id');
      const stored = (await call('POST', '/v1/encounters', tokens.coder, { ...example, id: 'nul-2' })).json() as { encounterId: string };
      await named(await call('POST', `/v1/encounters/${stored.encounterId}/overrides`, tokens.coder, { rule: 'pair.combined-code', reason: `because${NUL}` }), 'reason');
      expect(await store.forOrganization('org-a').encounters.list({ limit: 500 })).toSatisfy((list: { externalId: string | null }[]) => !list.some((e) => e.externalId === 'nul-1'));
    });

    it('refuses NUL in the store itself, naming the field, and fails a batch item holding it once, with that reason', async () => {
      const error = await store.forOrganization('org-a').encounters.storeAndCheck('tok', { ...example, id: 'nul-3', patient: { sex: 'female', mrn: 'M1', name: { family: `A${NUL}` } } }, knowledge).then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ name: 'StoreError', kind: 'invalid', message: 'patient.name.family: expected text without the NUL character (U+0000)' });
      const lines = [JSON.stringify({ ...example, id: 'nul-batch-1' }), JSON.stringify({ ...example, id: 'nul-batch-2', patient: { sex: 'female', name: { family: `B${NUL}` } } })];
      const upload = await call('POST', '/v1/batches', tokens.coder, `${lines.join('\n')}\n`, { 'content-type': 'application/x-ndjson' });
      expect(upload.statusCode, upload.body).toBe(202);
      const { jobId } = upload.json() as { jobId: string };
      for (let i = 0; i < 20 && (await worker.runOnce()) > 0; i++);
      const items = (await call('GET', `/v1/batches/${jobId}/items`, tokens.coder)).json() as { items: { seq: number; status: string; findings?: { rule: string; message: string }[] }[] };
      expect(items.items.map((i) => i.status)).toEqual(['done', 'failed']);
      expect(items.items[1]!.findings).toEqual([expect.objectContaining({ rule: 'batch.item-invalid', message: 'The encounter could not be stored: patient.name.family: expected text without the NUL character (U+0000).' })]);
      const row = await store.db.selectFrom('job_items').select('attempts').where('job_id', '=', jobId).where('seq', '=', 2).executeTakeFirstOrThrow();
      expect(Number(row.attempts)).toBe(1);
    });

    it('limits unknown-token floods per source: 429 past the limit, one denied record per source and window', async () => {
      const denied = async () => (await store.forOrganization('-').audit.list({ limit: 500 })).filter((r) => r.action === 'denied' && r.objectIds.includes('source:203.0.113.9'));
      const before = (await denied()).length;
      const from = (remoteAddress: string, token: string) => app.inject({ method: 'GET', url: '/v1/encounters', remoteAddress, headers: { authorization: `Bearer ${token}` } });
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await from('203.0.113.9', `guess-${i}-aaaaaaaaaaaaaaaa`)).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
      const limited = await from('203.0.113.9', 'guess-x-aaaaaaaaaaaaaaaa');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((limited.json() as { findings: { rule: string }[] }).findings[0]!.rule).toBe('auth.rate-limited');
      expect((await denied()).length).toBe(before + 1);
      // Another source is not held back, and a valid token from it works.
      expect((await from('198.51.100.7', 'guess-y-aaaaaaaaaaaaaaaa')).statusCode).toBe(401);
      expect((await from('198.51.100.7', tokens.coder)).statusCode).toBe(200);
      // The next window: allowed again, and its one record counts the attempts of the window before.
      clock += 61_000;
      expect((await from('203.0.113.9', 'guess-z-aaaaaaaaaaaaaaaa')).statusCode).toBe(401);
      const records = await denied();
      expect(records.length).toBe(before + 2);
      expect(records[0]!.objectIds).toEqual(['encounter.read', 'source:203.0.113.9', 'earlier-attempts:6']);
    });
  });
}

describe('limits of a listening server', () => {
  let store: Store;
  let app: FastifyInstance;
  let base: { host: string; port: number };
  let token: string;
  const dir = mkdtempSync(join(tmpdir(), 'dxacode-hardening-'));

  beforeAll(async () => {
    store = await openStore({ url: `sqlite:${join(dir, 'dxacode.db')}` });
    token = (await store.forOrganization('org-a').tokens.create('coder')).token;
    app = await buildServer({ knowledge: loadKnowledge(), store, tokens: storeTokenVerifier(store), bodyTimeoutMs: 600, maxConcurrentUploads: 1 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    base = { host: '127.0.0.1', port: address.port };
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a raw connection and sends the headers of an upload and part of its body, then nothing more. */
  function stalledUpload(path: string, contentType: string): Promise<{ response: () => string; closed: Promise<number> }> {
    return new Promise((resolve) => {
      const socket = connect(base, () => {
        socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: ${contentType}\r\nContent-Length: 100000\r\n\r\n{"id":"slow"`);
        const started = Date.now();
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString()));
        const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
        resolve({ response: () => received, closed });
      });
    });
  }

  it('answers 408 and closes a request whose body does not arrive in time', async () => {
    const upload = await stalledUpload('/v1/encounters', 'application/json');
    const elapsed = await upload.closed;
    expect(upload.response()).toMatch(/^HTTP\/1\.1 408/);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('reads one upload at a time here: another is 503 with Retry-After until the first is done', async () => {
    const first = await stalledUpload('/v1/batches', 'application/x-ndjson');
    // The first holds the only slot until its body times out.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const url = `http://${base.host}:${base.port}/v1/batches`;
    const busy = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body: `${JSON.stringify({ ...example, id: 'cap-1' })}\n` });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(((await busy.json()) as { findings: { rule: string }[] }).findings[0]!.rule).toBe('http.busy');
    await first.closed;
    const after = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body: `${JSON.stringify({ ...example, id: 'cap-2' })}\n` });
    expect(after.status).toBe(202);
  });
});

describe('request log of a killed server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dxacode-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loses at most the last line when the process is killed with SIGKILL', async () => {
    const store = await openStore({ url: `sqlite:${join(dir, 'dxacode.db')}` });
    const { token } = await store.forOrganization('org-a').tokens.create('viewer');
    await store.close();
    const server = await startServer({ DXACODE_DATA_DIR: dir });
    const requests = 40;
    for (let i = 0; i < requests; i++) expect((await request(`${server.url}/v1/encounters?limit=${i + 1}`, token)).status).toBe(200);
    await server.kill();
    const lines = server.output().split('\n').filter((l) => l.includes('"route":"/v1/encounters"'));
    expect(lines.length).toBeGreaterThanOrEqual(requests - 1);
  });
});
