/**
 * The README's commands are executed here so they cannot rot: every `npx dxacode ...` line in a sh block runs
 * against the built binary from the repository root (lines naming a placeholder file such as your-pack.json are
 * skipped), and the documented generated pages (docs/rules.md) match their generators.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { rulesMarkdown } from '../src/cli/rules.js';
import { apiProblemsMarkdown } from '../src/server/problems.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'dxacode-readme-'));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1]!.split('\n'))
  .map((l) => l.replace(/\s+#.*$/, '').trim())
  .filter((l) => l.includes('npx dxacode') && !l.includes('your-'));

function run(command: string): { status: number | null; stdout: string; stderr: string } {
  // `npm ci && ...`: the install is what CI just did; dxacode itself runs from the built checkout.
  const script = command.replace(/^npm ci && /, '').replaceAll('npx dxacode', `"${process.execPath}" bin/dxacode.js`);
  const result = spawnSync('bash', ['-c', script], { cwd: root, encoding: 'utf8', env: { ...process.env, DXACODE_DATA_DIR: dataDir } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('README', () => {
  it('documents commands to run', () => {
    expect(commands.length).toBeGreaterThanOrEqual(5);
    expect(readme).toContain('npm ci && npm test');
  });
  for (const command of commands) {
    it(`runs: ${command}`, () => {
      const result = run(command);
      expect([0, 1], result.stderr).toContain(result.status);
      expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    });
  }

  it('docs/rules.md matches the catalogue', () => {
    expect(readFileSync(new URL('../docs/rules.md', import.meta.url), 'utf8')).toBe(rulesMarkdown());
  });

  it('docs/api-problems.md matches the API finding catalogue', () => {
    expect(readFileSync(new URL('../docs/api-problems.md', import.meta.url), 'utf8')).toBe(apiProblemsMarkdown());
  });

  it('the example encounter is rejected with 77085 recommended (exit 1)', () => {
    const result = spawnSync(process.execPath, ['bin/dxacode.js', 'check', 'examples/encounter-axial-vfa.json', '--format', 'json'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(1);
    const parsed = JSON.parse(result.stdout) as { verdict: string; recommended: { lines: { code: string }[] } };
    expect(parsed.verdict).toBe('reject');
    expect(parsed.recommended.lines.map((l) => l.code)).toEqual(['77085']);
  });

  afterAll(() => {
    for (const file of ['../results.ndjson', '../claims.edi', '../denials.png']) rmSync(new URL(file, import.meta.url), { force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });
});
