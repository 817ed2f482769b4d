/** The CLI's interchange paths: check reads 837P, HL7 v2 and FHIR input; claim writes 837P, FHIR and DFT^P03. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

const dataDir = mkdtempSync(join(tmpdir(), 'dxacode-cli-'));
const env = { DXACODE_DATA_DIR: dataDir };
const batch = readFileSync(new URL('../examples/batch.ndjson', import.meta.url), 'utf8');
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('dxacode claim', () => {
  it('writes a test-mode 837P for the claims that pass, holds the rejected ones, and reads it back', async () => {
    const written = await runCli(['claim', '-', '--format', 'x12'], batch, { env });
    expect(written.code).toBe(1);
    expect(written.stdout).toMatch(/^ISA\*/);
    expect(written.stdout).toContain('*T*:~');
    expect(written.stderr).toContain('TEST interchange');
    expect(written.stderr).toContain('"enc-0002": the check verdict is reject');
    const again = await runCli(['claim', '-', '--format', 'x12'], batch, { env });
    const control = (text: string) => /ISA(?:\*[^*]*){12}\*(\d{9})\*/.exec(text)?.[1];
    expect(Number(control(again.stdout))).toBeGreaterThan(Number(control(written.stdout)));

    const checked = await runCli(['check', '-', '--format', 'json'], written.stdout, { env });
    const results = checked.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; recommended: { lines: { code: string }[] } });
    expect(results.map((r) => r.recommended.lines.map((l) => l.code))).toEqual([['77080']]);
    expect(checked.stderr).toMatch(/1 claim: .*0 defects/);
  });

  it('writes a FHIR Claim Bundle and DFT^P03 messages', async () => {
    const fhir = await runCli(['claim', '-', '--format', 'fhir'], batch, { env });
    const bundle = JSON.parse(fhir.stdout) as { resourceType: string; entry: { resource: { resourceType: string } }[] };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.map((e) => e.resource.resourceType)).toEqual(['Claim']);
    const hl7 = await runCli(['claim', '-', '--format', 'hl7', '--force'], batch, { env });
    const messages = hl7.stdout.split('\n').filter(Boolean);
    expect(messages).toHaveLength(3);
    for (const message of messages) expect(message).toMatch(/^MSH\|\^~\\&\|DXACODE\|[\s\S]*\rFT1\|/);
  });

  it('writes nothing when an input encounter is unusable', async () => {
    const run = await runCli(['claim', '-', '--format', 'x12'], `${batch}\n{"dateOfService":"2026-02-30","patient":{"sex":"female"},"performed":[]}\n`, { env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no claim written');
  });

  it('requires a format', async () => {
    expect((await runCli(['claim', '-'], batch, { env })).code).toBe(2);
  });
});

describe('dxacode check on interchange input', () => {
  it('checks an HL7 ORU^R01 result from its report text, and never charges an ORM^O01 order', async () => {
    const oru = await runCli(['check', '-', '--format', 'json'], fixture('hl7-oru-r01-dxa-vfa.hl7'), { env });
    const result = JSON.parse(oru.stdout.trim().split('\n')[0]!) as { recommended: { lines: { code: string }[] } };
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['77085']);
    const orm = await runCli(['check', '-', '--format', 'json'], fixture('hl7-orm-o01-dxa.hl7'), { env });
    expect(orm.stdout).toBe('');
    expect(orm.stderr).toContain('ORM^O01 is an order, never a charge');
  });

  it('checks a FHIR Bundle with a DXA DiagnosticReport', async () => {
    const run = await runCli(['check', '-', '--format', 'json'], fixture('fhir-bundle-dxa-vfa.json'), { env });
    const result = JSON.parse(run.stdout) as { recommended: { lines: { code: string }[] } };
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['77085']);
  });

  it('reports 837P defects with their location (lenient mode still checks the readable claims)', async () => {
    const written = await runCli(['claim', '-', '--format', 'x12'], batch, { env });
    const broken = written.stdout.replace(/SE\*(\d+)\*/, (_m, n: string) => `SE*${Number(n) + 5}*`);
    const strict = await runCli(['check', '-', '--format', 'json'], broken, { env });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/segment \d+|SE01/);
    const lenient = await runCli(['check', '-', '--format', 'json', '--mode', 'lenient'], broken, { env });
    expect(lenient.code).toBe(2);
    expect(lenient.stdout.trim().split('\n')).toHaveLength(1);
  });
});
