/**
 * Two real server processes on one PostgreSQL database pick up a knowledge version imported by the CLI without a
 * restart; checks answered during the swap use entirely the old or entirely the new version; GET /v1/knowledge lists
 * it with its sources, /v1/knowledge/diff shows its rows, and an admin's recheck lists the changed verdicts, which
 * the worklist filter rechecked=changed then shows.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/store/index.js';
import { runCli } from './cli-helpers.js';
import { dropPgSchema, PG_URL, TEST_AUDIT_KEY } from './store-backends.js';
import { request, startServer, type ServerProcess } from './server-process.js';

const MUE = fileURLToPath(new URL('./fixtures/cms/mue/MCR_MUE_PractitionerServices_Eff_10-01-2026.csv', import.meta.url));
const ORG = 'org-swap';

const encounter = (id: string) => ({
  id,
  dateOfService: '2026-11-02',
  patient: { sex: 'female', age: 70, memberId: `M-${id}` },
  jurisdiction: 'J15',
  orderingProvider: { treating: true },
  history: [],
  diagnoses: ['M81.0', 'Z78.0'],
  clinical: { estrogenDeficient: true },
  performed: [{ procedure: 'dxa-axial' }],
  claim: { lines: [{ code: '77080', diagnoses: ['M81.0'] }] },
});

describe('knowledge versions swapped into running servers', () => {
  const schema = `dxacode_swap_${process.pid}_${randomBytes(4).toString('hex')}`;
  const env = { DATABASE_URL: PG_URL, DXACODE_PG_SCHEMA: schema, DXACODE_AUDIT_KEY: TEST_AUDIT_KEY, DXACODE_KNOWLEDGE_POLL_MS: '100' };
  let store: Store;
  let coder: string;
  let admin: string;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    store = await openStore({ url: PG_URL, pgSchema: schema, auditKey: { text: TEST_AUDIT_KEY } });
    coder = (await store.forOrganization(ORG).tokens.create('coder')).token;
    admin = (await store.forOrganization(ORG).tokens.create('admin')).token;
    servers = await Promise.all([startServer(env), startServer(env)]);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await store?.close();
    await dropPgSchema(schema);
  });

  const unitsVersion = async (server: ServerProcess): Promise<string> => {
    const sent = await request(`${server.url}/v1/check`, coder, { method: 'POST', contentType: 'application/json', body: JSON.stringify(encounter('c')) });
    expect(sent.status).toBe(200);
    return (sent.body as { checked: { family: string; version: string }[] }).checked.find((c) => c.family === 'units')!.version;
  };

  it('serves the embedded MUE table until an import, then the imported one in every process', async () => {
    const stored = await request(`${servers[0]!.url}/v1/encounters`, coder, { method: 'POST', contentType: 'application/json', body: JSON.stringify(encounter('kept-1')) });
    expect(stored.status).toBe(201);
    for (const server of servers) expect(await unitsVersion(server)).toContain('embedded');

    // Checks keep running while the CLI imports; each answer names one version, old or new, never a mix.
    let polling = true;
    const seen = new Set<string>();
    const background = (async () => {
      while (polling) for (const server of servers) seen.add(await unitsVersion(server));
    })();
    const imported = await runCli(['knowledge', 'import', 'mue-practitioner', MUE, '--format', 'json'], '', { env: { DATABASE_URL: PG_URL, DXACODE_PG_SCHEMA: schema, DXACODE_AUDIT_KEY: TEST_AUDIT_KEY } });
    expect(imported.code).toBe(0);
    const id = (JSON.parse(imported.stdout) as { id: string }).id;
    for (const server of servers) {
      const deadline = Date.now() + 15_000;
      while (!(await unitsVersion(server)).includes(id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await unitsVersion(server)).toContain(id);
    }
    polling = false;
    await background;
    for (const version of seen) expect(version.includes(id) || version.includes('embedded')).toBe(true);

    const listed = await request(`${servers[1]!.url}/v1/knowledge?date=2026-11-02`, coder);
    const body = listed.body as { imported: { id: string; files: { sha256: string }[] }[]; datasets: { table: string; id: string; inForce: boolean }[] };
    expect(body.imported.map((v) => v.id)).toEqual([id]);
    expect(body.imported[0]!.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(body.datasets.find((d) => d.table === 'mue-practitioner')).toMatchObject({ id, inForce: true });
    expect((await request(`${servers[1]!.url}/v1/knowledge?date=2026-02-30`, coder)).status).toBe(400);

    const diff = await request(`${servers[0]!.url}/v1/knowledge/diff?to=${encodeURIComponent(id)}`, coder);
    expect(diff.status).toBe(200);
    expect((diff.body as { added: unknown[] }).added).toHaveLength(11);
    expect((await request(`${servers[0]!.url}/v1/knowledge/diff?to=nope`, coder)).status).toBe(404);
    expect((await request(`${servers[0]!.url}/v1/knowledge/diff?to=${encodeURIComponent(id)}&all=true`, coder)).status).toBe(403);
    expect((await request(`${servers[0]!.url}/v1/knowledge/diff?to=${encodeURIComponent(id)}&all=true`, admin)).status).toBe(200);

    expect((await request(`${servers[0]!.url}/v1/knowledge/recheck`, coder, { method: 'POST', contentType: 'application/json', body: JSON.stringify({ since: id }) })).status).toBe(403);
    const recheck = await request(`${servers[0]!.url}/v1/knowledge/recheck`, admin, { method: 'POST', contentType: 'application/json', body: JSON.stringify({ since: id }) });
    expect(recheck.status).toBe(200);
    const outcome = recheck.body as { rechecked: number; encounters: { externalId: string; version: number; reason: string }[] };
    expect(outcome.rechecked).toBe(1);
    expect(outcome.encounters[0]).toMatchObject({ externalId: 'kept-1', version: 2 });
    expect(outcome.encounters[0]!.reason).toContain(id);
    const filtered = await request(`${servers[1]!.url}/v1/encounters?rechecked=changed`, coder);
    expect(filtered.status).toBe(200);
    expect((await request(`${servers[1]!.url}/v1/encounters?rechecked=maybe`, coder)).status).toBe(400);
  });
  it('stores an uploaded payer pack only after its cases pass, and every process applies it over its period without a restart', async () => {
    const pack = (cases: string) => `id: test-plan
name: Test plan for the upload route
program: commercial
version: "2026.01"
effective: "2026-01-01"
description: A pack written for this test.
source: { title: test, confidence: unverified }
rules:
  - id: vfa-alone-not-covered
    kind: not-covered
    codes: ["77086"]
    severity: error
    message: VFA alone is not covered by this test plan
    source: { title: test, confidence: unverified }
caseDefaults: { dateOfService: "2026-11-02", patient: { sex: female, age: 70 }, diagnoses: [M81.0] }
cases:
  - name: VFA alone is not covered
    rules: [vfa-alone-not-covered]
    encounter: { performed: [{ procedure: vfa }] }
    expect: { findings: ["payer.not-covered:error"] }
${cases}`;
    const vfaAlone = (date: string) => ({ ...encounter('p'), dateOfService: date, payer: 'test-plan', performed: [{ procedure: 'vfa' }], claim: { lines: [{ code: '77086', diagnoses: ['M81.0'] }] } });
    const upload = (token: string, text: string) => request(`${servers[0]!.url}/v1/knowledge/payer-packs?file=test-plan.yaml`, token, { method: 'POST', contentType: 'application/yaml', body: text });

    const failing = await upload(admin, pack('  - name: a wrong expectation\n    rules: [vfa-alone-not-covered]\n    encounter: { performed: [{ procedure: vfa }] }\n    expect: { verdict: clean }\n'));
    expect(failing.status).toBe(422);
    const refused = failing.body as { findings: { rule: string; message: string }[]; failures: { name: string; differences: string[] }[] };
    expect(refused.findings).toEqual([expect.objectContaining({ rule: 'knowledge.pack-case-failed', message: expect.stringContaining('verdict: expected clean, got reject') })]);
    expect(refused.failures.map((f) => f.name)).toEqual(['a wrong expectation']);
    expect((await upload(coder, pack(''))).status).toBe(403);
    const unknown = await request(`${servers[1]!.url}/v1/check`, coder, { method: 'POST', contentType: 'application/json', body: JSON.stringify(vfaAlone('2026-11-02')) });
    expect((unknown.body as { findings: { rule: string }[] }).findings.map((f) => f.rule)).toContain('payer.unknown');

    const stored = await upload(admin, pack(''));
    expect(stored.status).toBe(201);
    const version = (stored.body as { version: { id: string; kind: string; effectiveFrom: string; importedBy: string; files: { name: string; sha256: string }[] } }).version;
    expect(version).toMatchObject({ kind: 'payer-pack', effectiveFrom: '2026-01-01', files: [{ name: 'test-plan.yaml', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }] });
    expect(version.importedBy).not.toBe('');
    expect((await upload(admin, pack(''))).status).toBe(409);

    // The other process picks it up by polling the store.
    const rulesOn = async (date: string) => {
      const sent = await request(`${servers[1]!.url}/v1/check`, coder, { method: 'POST', contentType: 'application/json', body: JSON.stringify(vfaAlone(date)) });
      return (sent.body as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    };
    const deadline = Date.now() + 15_000;
    while (!(await rulesOn('2026-11-02')).includes('payer.not-covered') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await rulesOn('2026-11-02')).toContain('payer.not-covered');
    expect(await rulesOn('2025-12-31')).toContain('payer.out-of-period');
    const listed = (await request(`${servers[1]!.url}/v1/knowledge?date=2026-11-02`, coder)).body as { imported: { id: string; kind: string }[]; payers: { id: string; version: string }[] };
    expect(listed.imported.find((v) => v.id === version.id)).toMatchObject({ kind: 'payer-pack' });
    expect(listed.payers).toContainEqual(expect.objectContaining({ id: 'test-plan', version: '2026.01' }));
  });
});
