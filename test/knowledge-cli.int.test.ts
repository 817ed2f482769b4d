/**
 * The knowledge commands as an office uses them: import next quarter's files, list the versions, see what changed,
 * check an encounter with the version in force on its date, and recheck the stored claims the import touches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

const FIXTURES = new URL('./fixtures/cms/', import.meta.url).pathname;
const PTP_F1 = join(FIXTURES, 'ptp', 'ccipra-v320r0-f1.txt');
const PTP_F4 = join(FIXTURES, 'ptp', 'ccipra-v320r0-f4.txt');
const MUE = join(FIXTURES, 'mue', 'MCR_MUE_PractitionerServices_Eff_10-01-2026.csv');

const dir = mkdtempSync(join(tmpdir(), 'dxacode-knowledge-cli-'));
const env = { DXACODE_DATA_DIR: dir, DXACODE_ACTOR: 'office-admin' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const encounter = (id: string, dateOfService: string) =>
  JSON.stringify({
    id,
    dateOfService,
    patient: { sex: 'female', age: 70 },
    jurisdiction: 'J15',
    orderingProvider: { treating: true },
    history: [],
    diagnoses: ['M81.0', 'Z78.0'],
    clinical: { estrogenDeficient: true },
    performed: [{ procedure: 'dxa-axial' }, { procedure: 'dxa-peripheral', sites: ['left-forearm'] }],
    claim: { lines: [{ code: '77080', diagnoses: ['M81.0'] }, { code: '77081', diagnoses: ['M81.0'] }] },
  });

describe('dxacode knowledge and recheck', () => {
  it('imports a PTP quarter, names its version, and refuses a bad kind with exit 2', async () => {
    const imported = await runCli(['knowledge', 'import', 'ptp-practitioner', PTP_F1, PTP_F4, '--format', 'json'], '', { env });
    expect(imported.code).toBe(0);
    const record = JSON.parse(imported.stdout) as { id: string; effectiveFrom: string; importedBy: string; files: { sha256: string }[] };
    expect(record.effectiveFrom).toBe('2026-01-01');
    expect(record.importedBy).toBe('office-admin');
    expect(record.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const bad = await runCli(['knowledge', 'import', 'ptp', PTP_F1], '', { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown kind "ptp"');
    const layout = await runCli(['knowledge', 'import', 'mue-practitioner', PTP_F1], '', { env });
    expect(layout.code).toBe(2);
    expect(layout.stderr).toMatch(/ccipra-v320r0-f1\.txt(:\d+)*: expected/);
    expect(layout.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists the versions and the embedded defaults', async () => {
    const listed = await runCli(['knowledge', 'list'], '', { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('ptp-practitioner v32.0 (practitioner), in force 2026-01-01 to 2026-03-31');
    expect(listed.stdout).toContain('embedded defaults');
  });

  it('checks with the imported table in its quarter, and stores then rechecks claims after a later import', async () => {
    const checked = await runCli(['check', '-', '--format', 'json'], encounter('q1', '2026-02-10'), { env });
    const result = JSON.parse(checked.stdout) as { checked: { family: string; version: string }[] };
    expect(result.checked.find((c) => c.family === 'pairs')?.version).toContain('ptp-practitioner:v32.0');

    // Store an encounter the way the server does, then import a table that changes its units edit.
    const { openStore } = await import('../src/store/index.js');
    const { loadKnowledge } = await import('../src/io/knowledge-files.js');
    const { parseEncounter } = await import('../src/engine/index.js');
    const store = await openStore({ url: `sqlite:${join(dir, 'dxacode.db')}` });
    const parsed = parseEncounter(JSON.parse(encounter('q4', '2026-11-02').replace('"diagnoses":["M81.0"]}]', '"diagnoses":["M81.0"]},{"code":"77081","modifiers":["76"],"diagnoses":["M81.0"]}]')));
    if (!parsed.ok) throw new Error('bad encounter');
    await store.forOrganization('clinic-a').encounters.storeAndCheck('coder-1', parsed.encounter, loadKnowledge());
    await store.close();

    const imported = await runCli(['knowledge', 'import', 'mue-practitioner', MUE, '--format', 'json'], '', { env });
    expect(imported.code).toBe(0);
    const id = (JSON.parse(imported.stdout) as { id: string }).id;
    const diff = await runCli(['knowledge', 'diff', id], '', { env });
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('11 added, 0 deleted, 0 changed');
    const recheck = await runCli(['recheck', '--since', id, '--format', 'json'], '', { env });
    expect(recheck.code).toBe(0);
    const outcome = JSON.parse(recheck.stdout) as { rechecked: number; encounters: { externalId: string; reason: string; version: number }[] };
    expect(outcome.rechecked).toBe(1);
    expect(outcome.encounters[0]).toMatchObject({ externalId: 'q4', version: 2 });
    expect(outcome.encounters[0]!.reason).toContain(id);
    const unknown = await runCli(['recheck', '--since', 'nope'], '', { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no knowledge version nope');
  });
});
