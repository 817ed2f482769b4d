/** The X12 helpers the CLI calls: runClaim (encounters → 837P) and readEdi (837P → one result per claim). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { readEdi, runClaim, type EdiItem } from '../src/cli/x12-commands.js';
import type { Encounter } from '../src/contract/encounter.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { encounterFor, TEST_CONFIG_RAW } from './x12-helpers.js';

const knowledge = loadKnowledge();
const NOW = new Date(2026, 10, 27, 9, 30);
const dirs: string[] = [];
function workspace(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'dxacode-x12-'));
  dirs.push(dir);
  if (config !== undefined) writeFileSync(join(dir, 'dxacode.config.json'), JSON.stringify(config));
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const example = JSON.parse(readFileSync(new URL('../examples/encounter-axial-vfa.json', import.meta.url), 'utf8')) as Encounter;
/** A claim that checks without an error: 77085 with the diagnoses the example documents. */
const good: Encounter = { ...encounterFor(1), ...{ performed: example.performed, diagnoses: example.diagnoses, clinical: example.clinical, history: example.history, orderingProvider: example.orderingProvider } };
const rejected: Encounter = { ...good, id: 'enc-bad', claimId: 'BAD1', claim: { lines: [{ code: '77082' }] } };

async function drain(items: AsyncIterable<EdiItem>): Promise<EdiItem[]> {
  const out: EdiItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('runClaim', () => {
  it('writes a production-shaped interchange from the configuration, with a control number from the counter', async () => {
    const cwd = workspace({ x12: TEST_CONFIG_RAW });
    const env = { DXACODE_DATA_DIR: join(cwd, 'counter') };
    const first = await runClaim({ encounters: [good], knowledge, cwd, env, now: NOW });
    expect(first.exitCode).toBe(0);
    expect(first.controlNumber).toBe(1);
    expect(first.text).toMatch(/^ISA\*.*\*261127\*0930\*\^\*00501\*000000001\*0\*T\*:~\n/);
    expect(first.messages).toEqual(['dxacode: wrote 1 claim in interchange 000000001 (1 transaction set)']);
    const second = await runClaim({ encounters: [good], knowledge, cwd, env, now: NOW });
    expect(second.controlNumber).toBe(2);
  });

  it('holds a reject unless forced (exit 1 either way) and names it', async () => {
    const cwd = workspace({ x12: TEST_CONFIG_RAW });
    const env = { DXACODE_DATA_DIR: cwd };
    const held = await runClaim({ encounters: [good, rejected], knowledge, cwd, env, now: NOW });
    expect(held.exitCode).toBe(1);
    expect(held.written.map((w) => w.claimId)).toEqual(['CLAIM00001']);
    expect(held.messages).toContain('dxacode: encounter "enc-bad": the check verdict is reject; the claim is not written (correct the claim, or force writing it)');
    const forced = await runClaim({ encounters: [good, rejected], knowledge, cwd, env, now: NOW, force: true });
    expect(forced.exitCode).toBe(1);
    expect(forced.written.map((w) => w.claimId)).toEqual(['CLAIM00001', 'BAD1']);
  });

  it('without a configuration writes a TEST interchange with SAMPLE ids and says so', async () => {
    const cwd = workspace();
    const run = await runClaim({ encounters: [example], knowledge, cwd, env: { DXACODE_DATA_DIR: cwd }, now: NOW, force: true });
    expect(run.text.split('~\n')[0]!.split('*')[15]).toBe('T');
    expect(run.text).toContain('SAMPLE SUBMITTER');
    expect(run.messages[0]).toMatch(/no configuration \(dxacode\.config\.json or --config FILE\): this is a TEST interchange/);
    expect(run.messages).toContain('dxacode: test mode: SAMPLE values stand in for charges, patient.address, patient.memberId, patient.name, payer');
  });

  it('refuses a bad configuration file with one line per field and exit 2', async () => {
    const cwd = workspace({ x12: { ...TEST_CONFIG_RAW, placeOfService: 'office' } });
    const run = await runClaim({ encounters: [good], knowledge, cwd, env: { DXACODE_DATA_DIR: cwd }, now: NOW });
    expect(run.exitCode).toBe(2);
    expect(run.messages).toEqual([`dxacode: ${join(cwd, 'dxacode.config.json')}: x12.placeOfService: expected a two-digit CMS place-of-service code`]);
    const missing = await runClaim({ encounters: [good], knowledge, cwd, config: 'nope.json' });
    expect(missing.messages).toEqual([`dxacode: ${join(cwd, 'nope.json')}: cannot read the configuration file (no such file)`]);
  });

  it('exits 2 and names the field when a configured claim lacks what the 837P needs', async () => {
    const cwd = workspace({ x12: TEST_CONFIG_RAW });
    const noMember: Encounter = { ...good, patient: { ...good.patient, memberId: undefined } };
    const run = await runClaim({ encounters: [noMember], knowledge, cwd, env: { DXACODE_DATA_DIR: cwd }, now: NOW });
    expect(run.exitCode).toBe(2);
    expect(run.text).toBe('');
    expect(run.messages).toContain("dxacode: encounter \"enc-1\": patient.memberId: missing the patient's member id (2010BA NM109), which the 837P requires (add patient.memberId to the encounter)");
  });
});

describe('readEdi', () => {
  it('checks each claim of a file written by runClaim, keyed by claim id, streaming', async () => {
    const cwd = workspace({ x12: TEST_CONFIG_RAW });
    const written = await runClaim({ encounters: [good, { ...good, claimId: 'CLAIM2', id: 'enc-2' }], knowledge, cwd, env: { DXACODE_DATA_DIR: cwd }, now: NOW });
    const read = readEdi({ input: Readable.from([Buffer.from(written.text)]), knowledge, cwd, file: 'batch.edi' });
    if (!read.ok) throw new Error(read.messages.join('\n'));
    const items = await drain(read.items);
    expect(items.map((i) => (i.kind === 'result' ? `${i.claimId}:${i.result.verdict}` : i.message))).toEqual(['CLAIM00001:review', 'CLAIM2:review']);
    const first = items[0] as Extract<EdiItem, { kind: 'result' }>;
    expect(first.result.id).toBe('CLAIM00001');
    expect(first.result.recommended).toEqual(written.results[0]!.recommended);
    expect(read.summary.exitCode).toBe(0);
    expect(read.summary.line).toBe('dxacode: 2 claims: 0 clean, 2 review, 0 reject; 0 defects');
  });

  it('reports defects with the file and location; strict stops, lenient checks the rest (exit 2)', async () => {
    const cwd = workspace({ x12: TEST_CONFIG_RAW });
    const written = await runClaim({ encounters: [good, { ...good, claimId: 'CLAIM2', id: 'enc-2' }], knowledge, cwd, env: { DXACODE_DATA_DIR: cwd }, now: NOW });
    const broken = written.text.replace('HL*3*1*22*0~', 'HL*3*1*22*0~\nZZZ*1~');
    for (const mode of ['strict', 'lenient'] as const) {
      const read = readEdi({ input: broken, knowledge, cwd, file: 'batch.edi', mode });
      if (!read.ok) throw new Error(read.messages.join('\n'));
      const items = await drain(read.items);
      const messages = items.filter((i) => i.kind === 'problem').map((i) => (i as Extract<EdiItem, { kind: 'problem' }>).message);
      expect(messages[0]).toBe('dxacode: batch.edi: segment 27 (ZZZ, loop 2000B): ZZZ is not a segment of the 837P (005010X222A1)');
      expect(read.summary.claims).toBe(mode === 'strict' ? 1 : 2);
      expect(read.summary.exitCode).toBe(2);
    }
  });

  it('maps payer ids back to payer packs through the configuration', async () => {
    const cwd = workspace({ x12: TEST_CONFIG_RAW });
    const written = await runClaim({ encounters: [{ ...good, payer: 'aetna-cpb-0134' }], knowledge, cwd, env: { DXACODE_DATA_DIR: cwd }, now: NOW });
    expect(written.text).toContain('NM1*PR*2*TEST COMMERCIAL PAYER*****PI*TESTCOM01~');
    const read = readEdi({ input: written.text, knowledge, cwd });
    if (!read.ok) throw new Error(read.messages.join('\n'));
    const items = await drain(read.items);
    const result = (items[0] as Extract<EdiItem, { kind: 'result' }>).result;
    expect(result.checked.find((c) => c.family === 'payer')?.version).toMatch(/aetna/i);
  });
});
