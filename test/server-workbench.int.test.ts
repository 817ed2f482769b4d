/**
 * Workbench API over a real store, on SQLite and PostgreSQL: Idempotency-Key (50 parallel requests with one key
 * create one record), sign-in and denied requests in the audit log, accepting needs every error overridden, claim
 * export (837P and FHIR) of accepted claims with database control numbers, dashboard figures, admin token routes,
 * report extraction and the knowledge list.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { SAMPLE_CONFIG } from '../src/interchange/x12/index.js';
import { buildServer } from '../src/server/server.js';
import { storeTokenVerifier } from '../src/server/tokens.js';
import { openStore, type Store } from '../src/store/index.js';
import { BACKENDS } from './store-backends.js';
import { axialEncounter } from './encounters.js';

const example = JSON.parse(readFileSync(new URL('../examples/encounter-axial-vfa.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const vfaReport = readFileSync(new URL('../corpus/reports/hl7-escaped-axial-vfa-two-fractures.txt', import.meta.url), 'utf8');

/** A clean claim (no errors), so it can be accepted without overrides. */
const cleanEncounter = axialEncounter({ id: 'clean-1', dateOfService: '2026-03-10', patient: { sex: 'female', birthDate: '1950-05-01' }, clinical: { tScoreLowest: -2.7 } });

for (const backend of BACKENDS) {
  describe(`workbench API on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    let tearDown: () => Promise<void>;
    const tokens: Record<string, string> = {};
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      const set = await backend.setUp();
      tearDown = set.tearDown;
      store = await openStore(set.options);
      for (const [name, org, role] of [['coder', 'org-a', 'coder'], ['viewer', 'org-a', 'viewer'], ['admin', 'org-a', 'admin'], ['coderB', 'org-b', 'coder'], ['adminB', 'org-b', 'admin']] as const) {
        const created = await store.forOrganization(org).tokens.create(role);
        tokens[name] = created.token;
        ids[name] = created.id;
      }
      app = await buildServer({
        knowledge: loadKnowledge(),
        store,
        x12: { ...SAMPLE_CONFIG, charges: { '77080': 125.5, '77085': 160 } },
        tokens: storeTokenVerifier(store, { ttlMs: 0 }),
      });
    });
    afterAll(async () => {
      await app?.close();
      await store?.close();
      await tearDown?.();
    });

    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) =>
      app.inject({
        method,
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });

    it('replays a write with the same Idempotency-Key and refuses the key for another request', async () => {
      const first = await call('POST', '/v1/encounters', tokens.coder, { ...example, id: 'idem-1' }, { 'idempotency-key': 'key-idem-1' });
      expect(first.statusCode).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const again = await call('POST', '/v1/encounters', tokens.coder, { ...example, id: 'idem-1' }, { 'idempotency-key': 'key-idem-1' });
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      const stored = (await call('GET', `/v1/encounters/${first.json().encounterId}`, tokens.viewer)).json() as { versions: unknown[] };
      expect(stored.versions).toHaveLength(1);

      const other = await call('POST', '/v1/encounters', tokens.coder, { ...example, id: 'idem-2' }, { 'idempotency-key': 'key-idem-1' });
      expect(other.statusCode).toBe(422);
      expect(other.json().findings[0].rule).toBe('http.idempotency-key-reused');
      // Keys belong to an organisation: another organisation's identical key is a new request.
      expect((await call('POST', '/v1/encounters', tokens.coderB, { ...example, id: 'idem-1' }, { 'idempotency-key': 'key-idem-1' })).headers['idempotent-replayed']).toBeUndefined();
      expect((await call('POST', '/v1/encounters', tokens.coder, example, { 'idempotency-key': 'x'.repeat(201) })).statusCode).toBe(400);
    });

    it('50 parallel requests with one Idempotency-Key create one record', async () => {
      const body = { ...example, id: undefined, patient: { sex: 'female', birthDate: '1941-02-03', mrn: 'P-50' } };
      const responses = await Promise.all(Array.from({ length: 50 }, () => call('POST', '/v1/encounters', tokens.coder, body, { 'idempotency-key': 'parallel-50' })));
      expect(responses.map((r) => r.statusCode)).toEqual(Array(50).fill(201));
      const encounterIds = new Set(responses.map((r) => (r.json() as { encounterId: string }).encounterId));
      expect(encounterIds.size).toBe(1);
      expect(responses.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
      const rows = await store.db.selectFrom('encounters').select('id').where('organization', '=', 'org-a').where('patient_key', 'is not', null).where('date_of_service', '=', String(example.dateOfService)).execute();
      expect(rows.filter((r) => encounterIds.has(r.id))).toHaveLength(1);
      const audits = await store.forOrganization('org-a').audit.list({ limit: 500 });
      expect(audits.filter((a) => a.action === 'checked' && a.objectIds[0] === [...encounterIds][0])).toHaveLength(1);
    });

    it('audits sign-in and denied requests (ids only)', async () => {
      const session = await call('POST', '/v1/session', tokens.viewer);
      expect(session.statusCode).toBe(200);
      expect(session.json()).toEqual({ tokenId: ids.viewer, organization: 'org-a', homeOrganization: 'org-a', organizations: ['org-a'], role: 'viewer' });
      expect((await call('POST', '/v1/encounters', tokens.viewer, example)).statusCode).toBe(403);
      expect((await call('GET', '/v1/encounters', 'not-a-real-token-0123456789')).statusCode).toBe(401);
      const records = await store.forOrganization('org-a').audit.list({ limit: 20 });
      expect(records.find((r) => r.action === 'signed-in')).toMatchObject({ actor: ids.viewer, objectIds: [] });
      expect(records.find((r) => r.action === 'denied')).toMatchObject({ actor: ids.viewer, objectIds: ['encounter.write'] });
      expect((await store.forOrganization('-').audit.list({ limit: 5 })).some((r) => r.action === 'denied' && r.actor === 'unknown-token')).toBe(true);
      expect((await store.verifyAudit()).ok).toBe(true);
    });

    it('accepts only when every error is overridden, and exports only accepted claims', async () => {
      const rejected = (await call('POST', '/v1/encounters', tokens.coder, { ...example, id: 'accept-1' })).json() as { encounterId: string; result: { verdict: string; findings: { rule: string; severity: string; line?: number }[] } };
      expect(rejected.result.verdict).toBe('reject');
      const notAccepted = await call('GET', `/v1/encounters/${rejected.encounterId}/claim?format=x12`, tokens.coder);
      expect(notAccepted.statusCode).toBe(409);
      expect(notAccepted.json().findings[0].rule).toBe('claim.not-accepted');
      const early = await call('POST', `/v1/encounters/${rejected.encounterId}/accept`, tokens.coder);
      expect(early.statusCode).toBe(409);
      expect(early.json().findings[0].rule).toBe('claim.unresolved-errors');
      for (const f of rejected.result.findings.filter((x) => x.severity === 'error')) {
        const body = { rule: f.rule, ...(f.line !== undefined ? { line: f.line } : {}), reason: 'documented separately; reviewed with the reading physician' };
        expect((await call('POST', `/v1/encounters/${rejected.encounterId}/overrides`, tokens.coder, body)).statusCode).toBe(201);
      }
      expect((await call('POST', `/v1/encounters/${rejected.encounterId}/accept`, tokens.coder)).statusCode).toBe(201);
      const again = await call('POST', `/v1/encounters/${rejected.encounterId}/accept`, tokens.coder);
      expect(again.statusCode).toBe(409);
      expect(again.json().findings[0].rule).toBe('claim.already-accepted');
    });

    it('exports accepted claims as 837P with database control numbers, and as FHIR; each export is audited', async () => {
      const created = (await call('POST', '/v1/encounters', tokens.coder, cleanEncounter)).json() as { encounterId: string; result: { verdict: string } };
      expect(created.result.verdict).not.toBe('reject');
      expect((await call('POST', `/v1/encounters/${created.encounterId}/accept`, tokens.coder)).statusCode).toBe(201);

      const first = await call('GET', `/v1/encounters/${created.encounterId}/claim?format=x12`, tokens.coder);
      expect(first.statusCode).toBe(200);
      expect(first.headers['content-type']).toContain('application/edi-x12');
      expect(first.headers['content-disposition']).toContain('attachment');
      expect(first.body.startsWith('ISA*')).toBe(true);
      expect(first.body).toContain('SV1*HC:77080');
      const second = await call('GET', `/v1/encounters/${created.encounterId}/claim?format=x12`, tokens.coder);
      const isa13 = (text: string) => Number(text.split('~')[0]!.split('*')[13]);
      expect(isa13(second.body)).toBe(isa13(first.body) + 1);
      // Another organisation's counter is its own.
      const createdB = (await call('POST', '/v1/encounters', tokens.coderB, cleanEncounter)).json() as { encounterId: string };
      await call('POST', `/v1/encounters/${createdB.encounterId}/accept`, tokens.coderB);
      expect(isa13((await call('GET', `/v1/encounters/${createdB.encounterId}/claim?format=x12`, tokens.coderB)).body)).toBe(1);

      // Concurrent exports never share a control number.
      const parallel = await Promise.all(Array.from({ length: 12 }, () => call('GET', `/v1/encounters/${created.encounterId}/claim?format=x12`, tokens.coder)));
      const numbers = parallel.map((r) => isa13(r.body));
      expect(new Set(numbers).size).toBe(12);
      expect(Math.min(...numbers)).toBe(isa13(second.body) + 1);

      const fhir = await call('GET', `/v1/encounters/${created.encounterId}/claim?format=fhir`, tokens.coder);
      expect(fhir.statusCode).toBe(200);
      expect(fhir.json()).toMatchObject({ resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Claim' } }] });

      const batch = await call('POST', '/v1/claims/export', tokens.coder, { encounterIds: [created.encounterId], format: 'x12' });
      expect(batch.statusCode).toBe(200);
      expect((await call('POST', '/v1/claims/export', tokens.coder, { encounterIds: [createdB.encounterId] })).statusCode).toBe(404);
      expect((await call('GET', `/v1/encounters/${created.encounterId}/claim?format=pdf`, tokens.coder)).statusCode).toBe(400);
      expect((await call('GET', `/v1/encounters/${created.encounterId}/claim`, tokens.viewer)).statusCode).toBe(403);

      const exported = (await store.forOrganization('org-a').audit.list({ limit: 50 })).filter((r) => r.action === 'exported');
      expect(exported.map((r) => r.objectIds[0])).toEqual(['x12', 'fhir', ...Array(12).fill('x12'), 'x12', 'x12']);
      expect(exported.every((r) => r.objectIds.includes(created.encounterId))).toBe(true);
    });

    it('refuses an export the 837P writer cannot complete, without using up a control number', async () => {
      const production = await buildServer({
        knowledge: loadKnowledge(),
        store,
        x12: { ...SAMPLE_CONFIG, usage: 'production', sample: false, payers: { medicare: { name: 'MEDICARE PART B', id: '12345' } } },
        tokens: storeTokenVerifier(store, { ttlMs: 0 }),
      });
      try {
        const created = (await call('POST', '/v1/encounters', tokens.coderB, { ...cleanEncounter, id: 'no-name' })).json() as { encounterId: string };
        expect((await call('POST', `/v1/encounters/${created.encounterId}/accept`, tokens.coderB)).statusCode).toBe(201);
        const counter = async () => (await store.db.selectFrom('counters').select('value').where('name', '=', 'x12-interchange:org-b').executeTakeFirst())?.value;
        const before = await counter();
        const refused = await production.inject({ method: 'GET', url: `/v1/encounters/${created.encounterId}/claim?format=x12`, headers: { authorization: `Bearer ${tokens.coderB}` } });
        expect(refused.statusCode).toBe(422);
        expect(refused.json().findings.map((f: { rule: string }) => f.rule)).toContain('x12.write.missing-field');
        expect(await counter()).toBe(before);
      } finally {
        await production.close();
      }
    });

    it('computes the dashboard: verdicts by month, top findings, amount at risk, VFA fractures by age group', async () => {
      const withReport = { dateOfService: '2026-01-20', patient: { sex: 'female', birthDate: '1945-03-27' }, payer: 'medicare', report: vfaReport };
      const stored = await call('POST', '/v1/encounters', tokens.coder, withReport);
      expect(stored.statusCode).toBe(201);
      const stats = (await call('GET', '/v1/stats?from=2020-01-01&to=2026-12-31', tokens.viewer)).json() as {
        verdictsByMonth: { month: string; clean: number; review: number; reject: number }[];
        topRules: { rule: string; payer: string; count: number }[];
        denialRisk: { amount: number | null; encounters: number; reason?: string };
        vfaFracturesByAge: { ageGroup: string; vfaStudies: number; withFracture: number }[];
      };
      const list = (await call('GET', '/v1/encounters?limit=500', tokens.viewer)).json() as { encounters: { verdict: string; dateOfService: string }[] };
      const total = stats.verdictsByMonth.reduce((n, m) => n + m.clean + m.review + m.reject, 0);
      expect(total).toBe(list.encounters.length);
      expect(stats.verdictsByMonth.find((m) => m.month === '2026-01')).toBeDefined();
      expect(stats.topRules.length).toBeGreaterThan(0);
      expect(stats.topRules[0]!.count).toBeGreaterThanOrEqual(stats.topRules.at(-1)!.count);
      const rejects = list.encounters.filter((e) => e.verdict === 'reject').length;
      expect(stats.denialRisk.encounters).toBe(rejects);
      expect(typeof stats.denialRisk.amount).toBe('number');
      // Aged 80 on 2026-01-20 and the report reads two VFA fractures; the structured VFA encounters (aged 76) do not
      // say whether a fracture was found, so they count as not read.
      const group = stats.vfaFracturesByAge.find((g) => g.ageGroup === '75-84') as { vfaStudies: number; withFracture: number; notRead: number };
      expect(group.withFracture).toBe(1);
      expect(group.notRead).toBe(group.vfaStudies - 1);
      expect((await call('GET', '/v1/stats?from=2026-13-01', tokens.viewer)).statusCode).toBe(400);
      // Another organisation sees only its own figures.
      const other = (await call('GET', '/v1/stats', tokens.coderB)).json() as { vfaFracturesByAge: { withFracture: number }[] };
      expect(other.vfaFracturesByAge.every((g) => g.withFracture === 0)).toBe(true);
    });

    it('lets admins list, create and revoke tokens of their own organisation only', async () => {
      expect((await call('GET', '/v1/tokens', tokens.coder)).statusCode).toBe(403);
      const list = (await call('GET', '/v1/tokens', tokens.admin)).json() as { tokens: { id: string; organization: string }[] };
      expect(list.tokens.every((t) => t.organization === 'org-a')).toBe(true);
      expect(JSON.stringify(list)).not.toMatch(/sha256|token_/);
      const created = await call('POST', '/v1/tokens', tokens.admin, { role: 'viewer' });
      expect(created.statusCode).toBe(201);
      const { id, token } = created.json() as { id: string; token: string };
      expect((await call('GET', '/v1/encounters', token)).statusCode).toBe(200);
      expect((await call('DELETE', `/v1/tokens/${id}`, tokens.adminB)).statusCode).toBe(404);
      expect((await call('DELETE', `/v1/tokens/${id}`, tokens.admin)).statusCode).toBe(200);
      expect((await call('GET', '/v1/encounters', token)).statusCode).toBe(401);
      expect((await call('POST', '/v1/tokens', tokens.admin, { role: 'root' })).statusCode).toBe(400);
      const audit = (await call('GET', '/v1/audit?limit=10', tokens.admin)).json() as { records: { action: string; objectIds: string[] }[] };
      expect(audit.records.find((r) => r.action === 'token-revoked')?.objectIds).toEqual([id]);
      expect((await call('GET', '/v1/audit/verify', tokens.admin)).json()).toMatchObject({ ok: true });
    });

    it('documents every route in the OpenAPI document served at /docs, and serves every documented one', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
      const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), url: path.replace(/\{(\w+)\}/g, ':$1') })));
      expect(documented.length).toBeGreaterThanOrEqual(20);
      for (const route of documented) expect(app.hasRoute(route as { method: 'GET'; url: string }), `${route.method} ${route.url}`).toBe(true);
      const paths = new Set(documented.map((r) => r.url));
      for (const path of ['/v1/encounters/:id/claim', '/v1/claims/export', '/v1/batches', '/v1/batches/:id/items', '/v1/stats', '/v1/tokens/:id', '/v1/audit/verify']) expect(paths).toContain(path);
    });

    it('lets admins validate a payer pack file (YAML or JSON): lint and its own cases, without storing it', async () => {
      const yamlText = readFileSync(new URL('../src/knowledge/data/payers/aetna-cpb-0134.yaml', import.meta.url), 'utf8');
      const draft = yamlText.replace(/^id: aetna-cpb-0134$/m, 'id: aetna-cpb-0134-draft').replace(/^name: .*$/m, 'name: Aetna CPB 0134 (draft edit)');
      const send = (token: string, text: string, type = 'application/yaml') => app.inject({ method: 'POST', url: '/v1/knowledge/payer-packs/validate', headers: { authorization: `Bearer ${token}`, 'content-type': type }, payload: text });
      const ok = await send(tokens.admin, draft);
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ ok: true, pack: { id: 'aetna-cpb-0134-draft', effective: '2005-01-01' }, cases: 20 });
      // The same file as JSON is read the same way.
      const asJson = await call('POST', '/v1/knowledge/payer-packs/validate', tokens.admin, parse(draft));
      expect(asJson.statusCode).toBe(200);
      const broken = await send(tokens.admin, draft.replace('version: "2026.12"', 'version: 7'));
      expect(broken.statusCode).toBe(422);
      expect(broken.json().findings[0]).toMatchObject({ rule: 'knowledge.invalid-pack' });
      expect(broken.json().findings[0].message).toMatch(/payer-pack\.yaml:4:10: error: version: /);
      const failing = await send(tokens.admin, draft.replace('months: 24', 'months: 12'));
      expect(failing.statusCode).toBe(422);
      expect(failing.json().findings.map((f: { rule: string }) => f.rule)).toContain('knowledge.pack-case-failed');
      expect(failing.json().failures[0]).toMatchObject({ name: expect.stringContaining('too frequent') });
      expect((await send(tokens.coder, draft)).statusCode).toBe(403);
      // The running server's knowledge is unchanged.
      const knowledge = (await call('GET', '/v1/knowledge', tokens.viewer)).json() as { payers: { id: string }[] };
      expect(knowledge.payers.map((p) => p.id)).not.toContain('aetna-cpb-0134-draft');
    });

    it('extracts a report and lists the knowledge', async () => {
      const facts = await call('POST', '/v1/extract', tokens.viewer, { report: vfaReport });
      expect(facts.statusCode).toBe(200);
      expect((facts.json() as { vfa: { fractures: unknown[] } }).vfa.fractures).toHaveLength(2);
      expect((await call('POST', '/v1/extract', tokens.viewer, { report: '' })).statusCode).toBe(400);
      const knowledge = (await call('GET', '/v1/knowledge', tokens.viewer)).json() as { version: string; payers: { id: string }[] };
      expect(knowledge.payers.map((p) => p.id)).toContain('medicare');
    });
  });
}
