/**
 * What comes back after an 837P, on SQLite and PostgreSQL (issue 12 §1): claims accepted and exported through the
 * API are recorded where they sit; a 999, a 277CA and an 835 written for that export are imported through
 * POST /v1/responses and through `dxacode import`, each item matched to the exported claims and lines (or stored
 * with the plain reason it is not), audited, refused when strict mode meets a defect, refused twice, and kept apart
 * by organisation.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CONFIG } from '../src/interchange/x12/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { buildServer } from '../src/server/server.js';
import { storeTokenVerifier } from '../src/server/tokens.js';
import { openStore, type Store } from '../src/store/index.js';
import { runCli } from './cli-helpers.js';
import { axialEncounter } from './encounters.js';
import { BACKENDS } from './store-backends.js';
import { responsesFor } from './x12-responses-helpers.js';

const knowledge = loadKnowledge();
const files = mkdtempSync(join(tmpdir(), 'dxacode-responses-'));
afterAll(() => rmSync(files, { recursive: true, force: true }));

for (const backend of BACKENDS) {
  describe(`importing 999, 277CA and 835 on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    let tearDown: () => Promise<void>;
    let cliEnv: NodeJS.ProcessEnv;
    const tokens: Record<string, string> = {};
    const encounterIds: string[] = [];
    let exported = '';

    beforeAll(async () => {
      const set = await backend.setUp();
      tearDown = set.tearDown;
      cliEnv = { DATABASE_URL: set.cli.url, ...(set.cli.auditKey ? { DXACODE_AUDIT_KEY: set.cli.auditKey.text } : {}), DXACODE_ACTOR: 'billing-clerk' };
      store = await openStore(set.options);
      for (const [name, org, role] of [['coder', 'org-a', 'coder'], ['viewer', 'org-a', 'viewer'], ['coderB', 'org-b', 'coder']] as const) tokens[name] = (await store.forOrganization(org).tokens.create(role)).token;
      app = await buildServer({ knowledge, store, x12: { ...SAMPLE_CONFIG, charges: { '77080': 125.5 } }, tokens: storeTokenVerifier(store, { ttlMs: 0 }) });
      for (const id of ['resp-1', 'resp-2']) {
        const created = (await call('POST', '/v1/encounters', tokens.coder!, axialEncounter({ id, dateOfService: '2026-03-10', patient: { sex: 'female', birthDate: '1950-05-01' }, clinical: { tScoreLowest: -2.7 } }))).json() as { encounterId: string };
        expect((await call('POST', `/v1/encounters/${created.encounterId}/accept`, tokens.coder!)).statusCode).toBe(201);
        encounterIds.push(created.encounterId);
      }
      const batch = await call('POST', '/v1/claims/export', tokens.coder!, { encounterIds, format: 'x12' });
      expect(batch.statusCode).toBe(200);
      exported = batch.body;
    });
    afterAll(async () => {
      await app?.close();
      await store?.close();
      await tearDown?.();
    });

    const call = (method: 'GET' | 'POST', url: string, token: string, body?: unknown) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
    const upload = (text: string, token: string, query = '') => app.inject({ method: 'POST', url: `/v1/responses${query}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/edi-x12' }, payload: text });

    it('records each exported claim where it sits, with its lines and line item control numbers', async () => {
      const claims = await store.db.selectFrom('exported_claims').selectAll().where('organization', '=', 'org-a').orderBy('ordinal').execute();
      expect(claims.map((c) => [c.claim_id, c.encounter_id, c.transaction_control, Number(c.ordinal), Number(c.version)])).toEqual([
        ['resp-1', encounterIds[0], '0001', 1, 1],
        ['resp-2', encounterIds[1], '0001', 2, 1],
      ]);
      expect(claims[0]!.group_control).toBe(String(Number(claims[0]!.interchange)));
      const lines = await store.db.selectFrom('exported_lines').selectAll().where('exported_claim_id', '=', claims[1]!.id).execute();
      expect(lines.map((l) => [l.code, l.control_number])).toEqual([['77080', `${claims[1]!.interchange}-2-1`]]);
      expect(exported).toContain(`REF*6R*${claims[1]!.interchange}-2-1~`);
    });

    it('imports a 999, a 277CA and an 835 through the API, matching each item and saying why one is not matched', async () => {
      const { ack, status, remit } = responsesFor(exported, 500);
      const acked = await upload(ack, tokens.coder!);
      expect(acked.statusCode).toBe(201);
      expect(acked.json()).toMatchObject({ kinds: ['999'], interchanges: ['000000500'], matched: 1, notMatched: 0, outcomes: [{ kind: '999-transaction', status: 'A', matchedBy: 'transaction-set', encounters: [{ id: encounterIds[0], claimId: 'resp-1' }, { id: encounterIds[1], claimId: 'resp-2' }] }, { kind: '999-group', status: 'A' }] });

      const statused = (await upload(status, tokens.coder!)).json() as { matched: number; outcomes: { kind: string; matchedBy?: string }[] };
      expect(statused.matched).toBe(2);
      expect(statused.outcomes.filter((o) => o.kind === '277ca-claim').map((o) => o.matchedBy)).toEqual(['line-control-number', 'line-control-number']);

      const paid = await upload(remit, tokens.coder!);
      expect(paid.statusCode).toBe(201);
      const body = paid.json() as { fileId: string; matched: number; notMatched: number; outcomes: { kind: string; subject: string; status?: string; notMatched?: string; encounters?: { id: string }[] }[] };
      expect(body).toMatchObject({ matched: 2, notMatched: 1 });
      expect(body.outcomes.find((o) => o.subject === 'claim NEVER-EXPORTED-1')).toMatchObject({ kind: '835-claim', status: '4', notMatched: 'no exported claim has claim id "NEVER-EXPORTED-1" in this organisation (only claims exported from the store through the API or the page are kept: dxacode claim keeps nothing it writes)' });

      // Stored with the match: the denied claim's line and its CO-151, the payment header, and the audit record (ids only).
      const denied = await store.db.selectFrom('responses').selectAll().where('file_id', '=', body.fileId).where('claim_id', '=', 'resp-2').executeTakeFirstOrThrow();
      expect(denied).toMatchObject({ kind: '835-claim', status: '4', encounter_id: encounterIds[1], match_method: 'line-control-number', remarks: '' });
      const lines = await store.db.selectFrom('response_lines').selectAll().where('response_id', '=', denied.id).execute();
      expect(lines.map((l) => [l.code, l.line === null ? null : Number(l.line), l.match_method, l.remarks])).toEqual([['77080', 1, 'control-number', 'M86']]);
      const adjustments = await store.db.selectFrom('response_adjustments').selectAll().where('response_id', '=', denied.id).execute();
      expect(adjustments.map((a) => [a.group_code, a.reason_code, Number(a.amount_cents), Number(a.line_seq)])).toEqual([['CO', '151', 12550, 1]]);
      const perEncounter = await store.db.selectFrom('responses').select(['kind', 'status']).where('encounter_id', '=', encounterIds[0]!).orderBy('created_at').orderBy('seq').execute();
      expect(perEncounter.map((r) => r.kind).sort()).toEqual(['277ca-claim', '835-claim', '999-claim']);
      const audit = (await store.forOrganization('org-a').audit.list({ limit: 10 })).filter((r) => r.action === 'responses-imported');
      expect(audit[0]!.objectIds).toEqual([body.fileId, '835', '000000502']);
      expect((await store.verifyAudit()).ok).toBe(true);
    });

    it('refuses the same file twice, a viewer, and keeps organisations apart', async () => {
      const { remit } = responsesFor(exported, 500);
      const again = await upload(remit, tokens.coder!);
      expect(again.statusCode).toBe(409);
      expect(again.json().findings[0].rule).toBe('import.duplicate');
      expect((await upload(remit, tokens.viewer!)).statusCode).toBe(403);
      const other = (await upload(remit, tokens.coderB!)).json() as { matched: number; notMatched: number };
      expect(other).toMatchObject({ matched: 0, notMatched: 3 });
    });

    it('stores nothing when strict mode meets a defect, and what it can read in lenient mode', async () => {
      const { status } = responsesFor(exported, 600);
      const broken = status.replace('STC*A2:20:PR', 'STC*');
      const files = await store.db.selectFrom('response_files').select('id').execute();
      const strict = await upload(broken, tokens.coder!);
      expect(strict.statusCode).toBe(422);
      expect(strict.json().findings.map((f: { rule: string }) => f.rule)).toEqual(['x12.277ca.element.invalid', 'import.defects']);
      expect(await store.db.selectFrom('response_files').select('id').execute()).toHaveLength(files.length);
      const lenient = await upload(broken, tokens.coder!, '?mode=lenient');
      expect(lenient.statusCode).toBe(201);
      expect(lenient.json()).toMatchObject({ errors: 1, findings: [{ rule: 'x12.277ca.element.invalid' }] });
      expect((await upload('', tokens.coder!)).json().findings[0].rule).toBe('import.empty');
      expect((await upload('ISA', tokens.coder!, '?mode=sometimes')).statusCode).toBe(400);
      const nul = await upload(`${status.slice(0, 5)}\u0000${status.slice(5)}`, tokens.coder!);
      expect(nul.json()).toMatchObject({ findings: [{ rule: 'input.invalid', message: 'The file holds the NUL character (U+0000) at character 5; no X12 file holds one.' }] });
    });

    it('imports through `dxacode import` with the same matching, exit codes and messages', async () => {
      const { remit } = responsesFor(exported, 700);
      const file = join(files, `${backend.name}-remit.835`);
      writeFileSync(file, remit);
      const run = await runCli(['import', file, '--organization', 'org-a', '--format', 'text'], '', { env: cliEnv });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toContain('835 claim resp-2: 4 (Denied), paid 0.00 of 125.50\n    line 1 77080 paid 0.00 of 125.50: CO-151 125.50 (Payment adjusted because');
      expect(run.stdout).toContain('CO-151 125.50 (Payment adjusted because the payer deems the information submitted does not support this many/frequency of services.)');
      expect(run.stdout).toContain('M86 (Service denied because payment already made for same/similar procedure within set time frame.)');
      expect(run.stdout).toMatch(/matched encounter resp-1 \(claim resp-1\) by line-control-number/);
      expect(run.stdout).toContain('NOT MATCHED: no exported claim has claim id "NEVER-EXPORTED-1"');
      expect(run.stderr).toMatch(/imported .*remit\.835 \(835; interchange 000000702\) as [0-9a-f-]{36}: 4 items, 2 matched, 1 not matched; 0 defects/);
      const twice = await runCli(['import', file, '--organization', 'org-a'], '', { env: cliEnv });
      expect(twice.code).toBe(2);
      expect(twice.stderr).toMatch(/^dxacode: import: conflict: this file was imported already \(import [0-9a-f-]{36} at /);
      const audit = (await store.forOrganization('org-a').audit.list({ limit: 5 })).find((r) => r.action === 'responses-imported');
      expect(audit).toMatchObject({ actor: 'billing-clerk', objectIds: [expect.any(String), '835', '000000702'] });

      const ndjson = await runCli(['import', '-', '--organization', 'org-a', '--format', 'json', '--mode', 'lenient'], responsesFor(exported, 800).ack, { env: cliEnv });
      expect(ndjson.code).toBe(0);
      const lines = ndjson.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).toMatchObject({ kind: '999-transaction', status: 'A', method: 'transaction-set' });
      expect(lines.at(-1)).toMatchObject({ summary: { kinds: ['999'], matched: 1, unmatched: 0 } });

      const missing = await runCli(['import', join(files, 'none.835')], '', { env: cliEnv });
      expect(missing).toMatchObject({ code: 2, stderr: `dxacode: ${join(files, 'none.835')}: cannot read the file (no such file)\n` });
      const nul = join(files, 'nul.835');
      writeFileSync(nul, `${remit.slice(0, 10)}\u0000${remit.slice(10)}`);
      expect((await runCli(['import', nul], '', { env: cliEnv })).stderr).toBe(`dxacode: ${nul}: byte 10 is a NUL character (U+0000), which no X12 file holds; nothing was imported\n`);
      const old = join(files, 'old.835');
      writeFileSync(old, remit.replace('*00501*', '*00401*'));
      const refused = await runCli(['import', old, '--organization', 'org-a'], '', { env: cliEnv });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/segment 1 \(ISA, loop ISA, ISA12\): ISA12 is "00401": this is a HIPAA 4010 interchange, and dxacode reads version 5010 \(ISA12 00501\) only \(ask the sender for the file in version 5010\)\ndxacode: .*old\.835: nothing was imported/);
    });
  });
}
