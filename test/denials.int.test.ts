/**
 * The round trip of issue 12's "Done when", on SQLite and PostgreSQL: three claims are checked, accepted (one after
 * its frequency error is overridden) and exported as an 837P through the API; a 999, a 277CA and an 835 written for
 * that export are imported; then each encounter's outcome, the denial worklist and the prediction and money figures
 * are read through the API and through `dxacode denials`, and kept apart by organisation.
 */
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

for (const backend of BACKENDS) {
  describe(`denials and what predicted them on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    let tearDown: () => Promise<void>;
    let cliEnv: NodeJS.ProcessEnv;
    const tokens: Record<string, string> = {};
    const ids: Record<string, string> = {};
    let exportedText = '';

    const call = (method: 'GET' | 'POST', url: string, token: string, body?: unknown) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
    const upload = (text: string) => app.inject({ method: 'POST', url: '/v1/responses', headers: { authorization: `Bearer ${tokens.coder}`, 'content-type': 'application/edi-x12' }, payload: text });

    beforeAll(async () => {
      const set = await backend.setUp();
      tearDown = set.tearDown;
      cliEnv = { DATABASE_URL: set.cli.url, ...(set.cli.auditKey ? { DXACODE_AUDIT_KEY: set.cli.auditKey.text } : {}) };
      store = await openStore(set.options);
      for (const [name, org, role] of [['coder', 'org-a', 'coder'], ['viewer', 'org-a', 'viewer'], ['viewerB', 'org-b', 'viewer']] as const) tokens[name] = (await store.forOrganization(org).tokens.create(role)).token;
      app = await buildServer({ knowledge, store, x12: { ...SAMPLE_CONFIG, charges: { '77080': 125.5 } }, tokens: storeTokenVerifier(store, { ttlMs: 0 }) });
      const base = { dateOfService: '2026-03-10', patient: { sex: 'female' as const, birthDate: '1950-05-01' }, clinical: { tScoreLowest: -2.7 } };
      // Paid; denied after dxacode flagged it (a study 9 months after the last one: frequency.too-soon, overridden); denied unflagged.
      const encounters = {
        paid: axialEncounter({ id: 'den-paid', ...base }),
        flagged: axialEncounter({ id: 'den-flagged', ...base, history: [{ dateOfService: '2025-06-01', code: '77080' }] }),
        missed: axialEncounter({ id: 'den-missed', ...base }),
      };
      for (const [name, encounter] of Object.entries(encounters)) {
        const created = await call('POST', '/v1/encounters', tokens.coder!, encounter);
        expect(created.statusCode).toBe(201);
        ids[name] = (created.json() as { encounterId: string }).encounterId;
      }
      const override = await call('POST', `/v1/encounters/${ids.flagged}/overrides`, tokens.coder!, { rule: 'frequency.too-soon', line: 0, reason: 'The earlier study was at another clinic on a different machine.' });
      expect(override.statusCode).toBe(201);
      for (const name of ['paid', 'flagged', 'missed']) expect((await call('POST', `/v1/encounters/${ids[name]}/accept`, tokens.coder!)).statusCode).toBe(201);
      const exported = await call('POST', '/v1/claims/export', tokens.coder!, { encounterIds: [ids.paid, ids.flagged, ids.missed], format: 'x12' });
      expect(exported.statusCode).toBe(200);
      exportedText = exported.body;
      const { ack, status, remit } = responsesFor(exportedText, 900);
      for (const file of [ack, status, remit]) expect((await upload(file)).statusCode).toBe(201);
    });
    afterAll(async () => {
      await app?.close();
      await store?.close();
      await tearDown?.();
    });

    it("shows each encounter's life: checked, accepted, exported, acknowledged, accepted by the payer, then paid or denied with the codes in words", async () => {
      const missed = await call('GET', `/v1/encounters/${ids.missed}/life`, tokens.viewer!);
      expect(missed.statusCode).toBe(200);
      const life = missed.json() as { outcome: string; events: { stage: string; summary: string; codes: { list: string; code: string; description?: string; source?: { title: string } }[] }[] };
      expect(life.outcome).toBe('denied');
      expect(life.events.map((e) => e.stage)).toEqual(['checked', 'accepted', 'exported', 'acknowledged', 'payer-accepted', 'denied']);
      expect(life.events[3]!.summary).toBe('999 acknowledgment: A (Accepted)');
      const denial = life.events.at(-1)!;
      expect(denial.summary).toBe('835 payment (payer claim PCN-den-missed) 4 (Denied): paid 0.00 of 125.50');
      expect(denial.codes.find((c) => c.list === 'CARC')).toMatchObject({ code: 'CO-151', description: 'Payment adjusted because the payer deems the information submitted does not support this many/frequency of services.', source: { title: expect.stringContaining('X12 Claim Adjustment Reason Codes') } });
      expect(denial.codes.find((c) => c.list === 'RARC')).toMatchObject({ code: 'M86', description: expect.stringContaining('payment already made for same/similar procedure') });
      const paid = (await call('GET', `/v1/encounters/${ids.paid}/life`, tokens.viewer!)).json() as { outcome: string };
      expect(paid.outcome).toBe('paid');
      // Another organisation's encounter is not found.
      expect((await call('GET', `/v1/encounters/${ids.paid}/life`, tokens.viewerB!)).statusCode).toBe(404);
    });

    it('lists the denied lines with their reasons, what dxacode had said about each and a resubmission path', async () => {
      const response = await call('GET', '/v1/denials', tokens.viewer!);
      expect(response.statusCode).toBe(200);
      const body = response.json() as { total: number; lines: { externalId: string; code: string; line: number; flagged: boolean; deniedCents: number; categories: string[]; adjustments: { group: string; code: string; description?: string }[]; remarks: { code: string }[]; findings: { rule: string; severity: string; scope: string; override?: { reason: string } }[]; suggestion: { path: string; action: string; basis: string[] } }[] };
      expect(body.total).toBe(2);
      const byId = new Map(body.lines.map((l) => [l.externalId, l]));
      const flagged = byId.get('den-flagged')!;
      expect(flagged).toMatchObject({ code: '77080', line: 1, flagged: true, deniedCents: 12550, categories: ['frequency'], adjustments: [{ group: 'CO', code: '151' }], remarks: [{ code: 'M86' }] });
      expect(flagged.findings.find((f) => f.rule === 'frequency.too-soon')).toMatchObject({ severity: 'error', scope: 'line', override: { reason: 'The earlier study was at another clinic on a different machine.' } });
      expect(flagged.suggestion.path).toBe('appeal');
      expect(flagged.suggestion.action).toContain('Group CO: a contractual adjustment, written off and not billed to the patient.');
      expect(flagged.suggestion.basis).toEqual(expect.arrayContaining([expect.stringMatching(/^CARC 151 \(Payment adjusted because .*\), group CO \(Contractual Obligations\); source: X12 Claim/), expect.stringMatching(/^dxacode error frequency\.too-soon on the exported version: .* \(overridden before export: The earlier study/)]));
      const missed = byId.get('den-missed')!;
      expect(missed.flagged).toBe(false);
      expect(missed.findings.filter((f) => f.severity === 'error')).toEqual([]);
      // Paging and filters.
      expect(((await call('GET', '/v1/denials?limit=1&offset=1', tokens.viewer!)).json() as { total: number; lines: unknown[] }).lines).toHaveLength(1);
      expect(((await call('GET', '/v1/denials?payer=aetna', tokens.viewer!)).json() as { total: number }).total).toBe(0);
      expect((await call('GET', '/v1/denials?from=2026-02-30', tokens.viewer!)).statusCode).toBe(400);
      expect(((await call('GET', '/v1/denials', tokens.viewerB!)).json() as { total: number }).total).toBe(0);
    });

    it('counts how well the findings predicted the denials, per rule and per payer, lists the misses and the money', async () => {
      const response = await call('GET', '/v1/denials/summary', tokens.viewer!);
      expect(response.statusCode).toBe(200);
      const { prediction, money } = response.json() as { prediction: Record<string, unknown> & { misses: Record<string, unknown>[] }; money: Record<string, unknown> };
      expect(prediction).toMatchObject({ adjudicated: 3, flagged: 1, flaggedDenied: 1, denied: 2, deniedFlagged: 1, precision: 1, recall: 0.5, byRule: [{ rule: 'frequency.too-soon', flagged: 1, denied: 1 }], byPayer: [{ payer: 'medicare', adjudicated: 3, flagged: 1, flaggedDenied: 1, denied: 2, deniedFlagged: 1 }], packDocs: 'docs/payer-packs.md' });
      expect(prediction.misses).toEqual([
        expect.objectContaining({ externalId: 'den-missed', payer: 'medicare', code: '77080', modifiers: [], diagnoses: [{ pointer: 1, code: 'M81.0' }], carc: [expect.objectContaining({ group: 'CO', code: '151' })], rarc: [expect.objectContaining({ code: 'M86' })], category: 'frequency', packRuleKind: 'frequency' }),
      ]);
      expect(money).toEqual({ claims: 3, billedCents: 37650, allowedCents: 11550, linesWithoutAllowed: 2, paidCents: 9550, patientCents: 2000, deniedCents: 25100, deniedByReason: [expect.objectContaining({ group: 'CO', code: '151', categories: ['frequency'], cents: 25100, lines: 2 })], awaiting: { claims: 0, billedCents: 0 } });
      const other = (await call('GET', '/v1/denials/summary', tokens.viewerB!)).json() as { prediction: { adjudicated: number }; money: { claims: number } };
      expect([other.prediction.adjudicated, other.money.claims]).toEqual([0, 0]);
    });

    it('shows the same from `dxacode denials`: the worklist, the prediction, the misses, the money and one life', async () => {
      const text = await runCli(['denials', '--organization', 'org-a', '--format', 'text'], '', { env: cliEnv });
      expect(text.code, text.stderr).toBe(1);
      expect(text.stderr).toContain('dxacode: denials: 2 denied line(s) to work');
      expect(text.stdout).toMatch(/DENIED den-flagged claim den-flagged line 1 77080-GZ \(medicare, 2026-03-10\): billed 125\.50, paid 0\.00\n {4}reason: CO-151 \(Payment adjusted because/);
      expect(text.stdout).toContain('dxacode said (error frequency.too-soon): ');
      expect(text.stdout).toContain('[overridden: The earlier study was at another clinic on a different machine.]');
      expect(text.stdout).toContain('suggested: appeal: A replacement claim does not change when the earlier study was.');
      expect(text.stdout).toContain('Prediction: 3 line(s) answered by an 835; 1 flagged as errors, 1 of them denied (100.0 %); 2 denied, 1 of them flagged (50.0 %)');
      expect(text.stdout).toContain('  rule frequency.too-soon: 1 flagged, 1 denied');
      expect(text.stdout).toContain('  medicare 77080 2026-03-10 (den-missed): CO-151 M86; diagnosis pointers 1:M81.0; frequency -> pack rule kind frequency; dxacode warned medicare.bmm-category-not-shown');
      expect(text.stdout).toContain('Money (3 claim(s) answered): billed 376.50, allowed 115.50 (2 line(s) without an allowed amount), paid 95.50, patient responsibility 20.00, denied 251.00');
      const json = await runCli(['denials', '--organization', 'org-a', '--format', 'json', '--payer', 'medicare'], '', { env: cliEnv });
      const parsed = JSON.parse(json.stdout) as { total: number; prediction: { recall: number }; money: { deniedCents: number } };
      expect([parsed.total, parsed.prediction.recall, parsed.money.deniedCents]).toEqual([2, 0.5, 25100]);
      const life = await runCli(['denials', '--organization', 'org-a', '--encounter', ids.missed!, '--format', 'text'], '', { env: cliEnv });
      expect(life.code).toBe(0);
      expect(life.stdout).toMatch(/^Encounter .*: denied\n/);
      expect(life.stdout).toContain('      CARC CO-151 (Payment adjusted because');
      const none = await runCli(['denials', '--organization', 'org-b'], '', { env: cliEnv });
      expect(none.code).toBe(0);
      expect((await runCli(['denials', '--from', 'yesterday'], '', { env: cliEnv })).code).toBe(2);
    });

    it('takes a denied line off the worklist when a later 835 pays its claim (a reprocessed appeal): the latest payment counts', async () => {
      expect((await upload(responsesFor(exportedText, 990, { paid: () => true }).remit)).statusCode).toBe(201);
      expect(((await call('GET', '/v1/denials', tokens.viewer!)).json() as { total: number }).total).toBe(0);
      const { prediction, money } = (await call('GET', '/v1/denials/summary', tokens.viewer!)).json() as { prediction: Record<string, unknown>; money: Record<string, unknown> };
      expect(prediction).toMatchObject({ adjudicated: 3, denied: 0, flagged: 1, flaggedDenied: 0, precision: 0, recall: null, misses: [] });
      expect(money).toMatchObject({ claims: 3, billedCents: 37650, deniedCents: 0, awaiting: { claims: 0, billedCents: 0 } });
      const life = (await call('GET', `/v1/encounters/${ids.missed}/life`, tokens.viewer!)).json() as { outcome: string; events: { stage: string }[] };
      expect(life.outcome).toBe('paid');
      expect(life.events.map((e) => e.stage).slice(-2)).toEqual(['denied', 'paid']);
    });

    it('counts a claim exported again (a corrected claim) as awaiting until an 835 answers it', async () => {
      const again = await call('POST', `/v1/claims/export`, tokens.coder!, { encounterIds: [ids.missed], format: 'x12' });
      expect(again.statusCode).toBe(200);
      const { money } = (await call('GET', '/v1/denials/summary', tokens.viewer!)).json() as { money: { claims: number; awaiting: { claims: number; billedCents: number } } };
      expect(money).toMatchObject({ claims: 3, awaiting: { claims: 1, billedCents: 12550 } });
      expect(((await call('GET', `/v1/encounters/${ids.missed}/life`, tokens.viewer!)).json() as { outcome: string }).outcome).toBe('exported');
    });
  });
}
