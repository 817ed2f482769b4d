/**
 * The figures of issue 12 §6 on SQLite and PostgreSQL: claims are checked, accepted, exported and answered by a 999,
 * a 277CA and an 835 (as in denials.int.test.ts), registry studies with VFA readings are stored, and the four figures
 * are read from the store, through GET /v1/figures and as SVG and PNG files from `dxacode plot`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Encounter } from '../src/contract/encounter.js';
import { parseEncounter } from '../src/engine/index.js';
import { SAMPLE_CONFIG } from '../src/interchange/x12/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { loadRemittanceCodes } from '../src/io/remittance-codes-file.js';
import { figureOf, T_SCORE_CATEGORY_WORDS } from '../src/store/figures.js';
import { buildServer } from '../src/server/server.js';
import { storeTokenVerifier } from '../src/server/tokens.js';
import { openStore, type Store } from '../src/store/index.js';
import { runCli } from './cli-helpers.js';
import { axialEncounter } from './encounters.js';
import { BACKENDS } from './store-backends.js';
import { responsesFor } from './x12-responses-helpers.js';

const knowledge = loadKnowledge();
const codes = loadRemittanceCodes();
const ORG = 'org-a';

/** A VFA study read from a report: lowest T-score and the VFA line given. */
function vfaStudy(n: number, tScore: string, vfa: string, age: number): Encounter {
  return {
    dateOfService: '2025-05-02',
    patient: { sex: 'female', age, mrn: `FIG-${n}` },
    payer: 'medicare',
    orderingProvider: { npi: '1234567893', treating: true },
    diagnoses: ['M81.0'],
    report: ['DXA BONE DENSITY WITH VFA', 'TECHNIQUE: DXA of the lumbar spine with vertebral fracture assessment (VFA) in the same session.', 'FINDINGS:', 'Region              BMD (g/cm2)  T-score  Z-score', `L1-L4                  0.850       ${tScore}     -0.3`, vfa].join('\n'),
  } as Encounter;
}
const NO_FRACTURE = 'VFA: T4-L4 evaluated. No vertebral fracture is identified.';
const FRACTURE = 'VFA: T4-L4 evaluated. T7: moderate (grade 2) wedge fracture.';

for (const backend of BACKENDS) {
  describe(`figures on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    let tearDown: () => Promise<void>;
    let cliEnv: NodeJS.ProcessEnv;
    let viewer = '';
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-figures-'));

    const call = (method: 'GET' | 'POST', url: string, token: string, body?: unknown) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });

    beforeAll(async () => {
      const set = await backend.setUp();
      tearDown = set.tearDown;
      cliEnv = { DATABASE_URL: set.cli.url, ...(set.cli.auditKey ? { DXACODE_AUDIT_KEY: set.cli.auditKey.text } : {}) };
      store = await openStore(set.options);
      const coder = (await store.forOrganization(ORG).tokens.create('coder')).token;
      viewer = (await store.forOrganization(ORG).tokens.create('viewer')).token;
      app = await buildServer({ knowledge, store, x12: { ...SAMPLE_CONFIG, charges: { '77080': 125.5 } }, tokens: storeTokenVerifier(store, { ttlMs: 0 }) });
      // Paid (March), denied after a frequency error was flagged and overridden (January), denied unflagged (March).
      const base = { patient: { sex: 'female' as const, birthDate: '1950-05-01' }, clinical: { tScoreLowest: -2.7 } };
      const encounters = [
        axialEncounter({ id: 'fig-paid', dateOfService: '2026-03-10', ...base }),
        axialEncounter({ id: 'fig-flagged', dateOfService: '2026-01-15', ...base, history: [{ dateOfService: '2025-06-01', code: '77080' }] }),
        axialEncounter({ id: 'fig-missed', dateOfService: '2026-03-10', ...base }),
      ];
      const ids: string[] = [];
      for (const encounter of encounters) {
        const created = await call('POST', '/v1/encounters', coder, encounter);
        expect(created.statusCode).toBe(201);
        ids.push((created.json() as { encounterId: string }).encounterId);
      }
      expect((await call('POST', `/v1/encounters/${ids[1]}/overrides`, coder, { rule: 'frequency.too-soon', line: 0, reason: 'The earlier study was at another clinic.' })).statusCode).toBe(201);
      for (const id of ids) expect((await call('POST', `/v1/encounters/${id}/accept`, coder)).statusCode).toBe(201);
      const exported = await call('POST', '/v1/claims/export', coder, { encounterIds: ids, format: 'x12' });
      expect(exported.statusCode).toBe(200);
      const { ack, status, remit } = responsesFor(exported.body, 900);
      for (const file of [ack, status, remit]) expect((await app.inject({ method: 'POST', url: '/v1/responses', headers: { authorization: `Bearer ${coder}`, 'content-type': 'application/edi-x12' }, payload: file })).statusCode).toBe(201);
      // Registry: VFA studies of 65-74 year olds, osteoporosis with and without a fracture, one low bone mass without.
      const studies = [vfaStudy(1, '-2.8', FRACTURE, 70), vfaStudy(2, '-2.9', NO_FRACTURE, 71), vfaStudy(3, '-3.1', FRACTURE, 72), vfaStudy(4, '-1.8', NO_FRACTURE, 68)];
      for (const encounter of studies) {
        const parsed = parseEncounter(encounter);
        if (!parsed.ok) throw new Error(`bad test encounter: ${JSON.stringify(parsed.problems)}`);
        await store.forOrganization(ORG).encounters.storeAndCheck('coder', parsed.encounter, knowledge);
      }
    });
    afterAll(async () => {
      await app?.close();
      await store?.close();
      await tearDown?.();
      rmSync(dir, { recursive: true, force: true });
    });

    it('counts denied lines per month by reason, every month from the first to the last shown', async () => {
      const figure = await figureOf('denials-by-reason', store.forOrganization(ORG), { codes });
      expect(figure.chart).toMatchObject({ kind: 'columns', mode: 'stacked', categories: ['2026-01', '2026-02', '2026-03'] });
      expect(figure.table.columns).toEqual(['Month of service', expect.stringMatching(/^CO-151 Payment adjusted because the payer deems/), 'Total']);
      expect(figure.table.rows.map((r) => [r[0], r.at(-1)])).toEqual([
        ['2026-01', 1],
        ['2026-02', 0],
        ['2026-03', 1],
      ]);
      // A range widens the axis to its months; another organisation has nothing.
      const ranged = await figureOf('denials-by-reason', store.forOrganization(ORG), { codes }, { from: '2025-12-01', to: '2026-04-30' });
      expect(ranged.chart.kind === 'columns' && ranged.chart.categories).toEqual(['2025-12', '2026-01', '2026-02', '2026-03', '2026-04']);
      expect((await figureOf('denials-by-reason', store.forOrganization('org-b'), { codes })).table.rows).toEqual([]);
    });

    it('gives the share of flagged lines denied per rule, with the counts', async () => {
      const figure = await figureOf('prediction-by-rule', store.forOrganization(ORG), { codes });
      expect(figure.table.rows).toEqual([['frequency.too-soon', 1, 1, '100 %']]);
      expect(figure.chart).toMatchObject({ kind: 'bars', bars: [{ label: 'frequency.too-soon', value: 1, note: '1 of 1 denied' }] });
      expect(figure.description).toContain('1 of 1 flagged lines were denied, and 1 of 2 denied lines had been flagged');
    });

    it('counts registry studies per age band and T-score category, small cells suppressed unless the minimum allows', async () => {
      const open = await figureOf('t-score-by-age', store.forOrganization(ORG), { codes, registry: { minimumCellSize: 1 } });
      const band = (label: string) => open.table.rows.find((r) => r[0] === label);
      expect(open.table.columns).toEqual(['Age band', T_SCORE_CATEGORY_WORDS.normal, T_SCORE_CATEGORY_WORDS.osteopenia, T_SCORE_CATEGORY_WORDS.osteoporosis, T_SCORE_CATEGORY_WORDS['not-measured']]);
      expect(band('65-74')).toEqual(['65-74', 0, 1, 3, 0]);
      expect(band('75-84')).toEqual(['75-84', 0, 0, 3, 0]);
      // The default smallest cell (11 patients) hides every count of this small registry; zero stays zero.
      const suppressed = await figureOf('t-score-by-age', store.forOrganization(ORG), { codes });
      expect(suppressed.table.rows.find((r) => r[0] === '65-74')).toEqual(['65-74', 0, 'suppressed', 'suppressed', 0]);
    });

    it('gives the share of VFA studies read with a fracture per T-score category, with n', async () => {
      const figure = await figureOf('fracture-by-t-score', store.forOrganization(ORG), { codes, registry: { minimumCellSize: 1 } });
      expect(figure.table.rows).toEqual([
        [T_SCORE_CATEGORY_WORDS.osteopenia, 1, 0, '0 %', 0],
        [T_SCORE_CATEGORY_WORDS.osteoporosis, 3, 2, '67 %', 0],
      ]);
      expect(figure.chart).toMatchObject({ kind: 'bars', bars: [{ value: 0, note: '0 of n = 1' }, { note: '2 of n = 3' }] });
    });

    it('serves the figures to viewers with their table and SVG, and refuses an unknown figure or a bad range', async () => {
      const list = await call('GET', '/v1/figures', viewer);
      expect(list.statusCode).toBe(200);
      expect((list.json() as { figures: { figure: string }[] }).figures.map((f) => f.figure)).toEqual(['denials-by-reason', 'prediction-by-rule', 't-score-by-age', 'fracture-by-t-score']);
      const one = await call('GET', '/v1/figures/denials-by-reason?from=2026-01-01&to=2026-03-31', viewer);
      expect(one.statusCode).toBe(200);
      const body = one.json() as { title: string; description: string; table: { rows: unknown[][] }; chart: { kind: string }; svg: string };
      expect(body.table.rows).toHaveLength(3);
      expect(body.chart.kind).toBe('columns');
      expect(body.svg).toMatch(/^<svg [^>]*role="img"/);
      expect(body.svg).toContain('>2026-02</text>');
      const unknown = await call('GET', '/v1/figures/pie', viewer);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.body).toContain('expected one of denials-by-reason, prediction-by-rule, t-score-by-age, fracture-by-t-score');
      expect((await call('GET', '/v1/figures/t-score-by-age?from=2026-03-01&to=2026-01-01', viewer)).statusCode).toBe(400);
      expect((await app.inject({ method: 'GET', url: '/v1/figures/t-score-by-age' })).statusCode).toBe(401);
    });

    it('writes the figures from `dxacode plot` as SVG and as a valid PNG', async () => {
      const svgFile = join(dir, 'denials.svg');
      const svg = await runCli(['plot', 'denials-by-reason', '--organization', ORG, '--output', svgFile], '', { env: cliEnv });
      expect(svg.code, svg.stderr).toBe(0);
      const text = readFileSync(svgFile, 'utf8');
      expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 640 (\d+)" width="640"/);
      expect(text).toContain('>2026-02</text>');
      const pngFile = join(dir, 'prediction.png');
      const png = await runCli(['plot', 'prediction-by-rule', '--organization', ORG, '--output', pngFile], '', { env: cliEnv });
      expect(png.code, png.stderr).toBe(0);
      expect(png.stderr).toContain(`wrote prediction-by-rule as PNG to ${pngFile}`);
      const bytes = readFileSync(pngFile);
      expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
      // Twice the SVG's 640 x (58 + 44 + 28 per rule) units.
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1280, 2 * (58 + 44 + 28)]);
      // SVG on standard output; an unknown figure is refused with the list (exit 2).
      const out = await runCli(['plot', 'fracture-by-t-score', '--organization', ORG, '--format', 'svg'], '', { env: cliEnv });
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('Vertebral fracture prevalence by T-score category');
      const unknown = await runCli(['plot', 'pie'], '', { env: cliEnv });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe('dxacode: plot: unknown figure "pie" (expected one of denials-by-reason, prediction-by-rule, t-score-by-age, fracture-by-t-score)\n');
      const badDate = await runCli(['plot', 't-score-by-age', '--from', '2026-02-30'], '', { env: cliEnv });
      expect([badDate.code, badDate.stderr]).toEqual([2, 'dxacode: plot: --from: expected a date YYYY-MM-DD, got "2026-02-30"\n']);
    });
  });
}
