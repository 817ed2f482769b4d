/**
 * `dxacode check --jobs`: a large batch is checked by worker threads, and what it prints (results, problems of
 * unusable lines, the summary, the exit code) is byte for byte what one thread prints. Runs the built CLI (worker
 * threads load the dist/ files), as a user would.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEncounters } from '../bench/encounters.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
let file: string;
const GOOD = 3_000;

function dxacode(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [...(env.PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${env.PROFILE_DIR}`] : []), join(root, 'bin', 'dxacode.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dxacode-jobs-'));
  const lines = makeEncounters(GOOD, 20261206).map((e: unknown) => JSON.stringify(e));
  // Unusable lines spread over several batches: a syntax error, a contract error, and one far in (a later batch).
  lines.splice(3, 0, '{"dateOfService": "2025-01-20", ');
  lines.splice(1_200, 0, JSON.stringify({ id: 'bad-date', dateOfService: '2025-02-30', patient: { sex: 'female' }, performed: [{ procedure: 'dxa-axial' }] }));
  lines.splice(2_900, 0, '[1, 2]');
  // An encounter read from a free-text report (the extractor runs in the workers too).
  lines.splice(2_000, 0, JSON.stringify({ id: 'from-report', dateOfService: '2025-03-03', patient: { sex: 'female', age: 70 }, report: 'DXA lumbar spine and left hip. Lowest T-score -2.7 at the femoral neck. Impression: osteoporosis.' }));
  file = join(dir, 'encounters.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dxacode check --jobs', () => {
  it('prints the same results, problems, summary and exit code with worker threads as in one thread', () => {
    const one = dxacode(['check', file, '--format', 'json', '--jobs', '1']);
    const two = dxacode(['check', file, '--format', 'json', '--jobs', '2']);
    const three = dxacode(['check', file, '--format', 'json', '--jobs', '3']);
    expect(one.code).toBe(2);
    expect(one.stdout.trim().split('\n')).toHaveLength(GOOD + 1);
    expect(one.stderr).toContain(`${GOOD + 4} encounters:`);
    expect(one.stderr).toContain('encounters.ndjson:4: encounter #4');
    expect(one.stderr).toContain('encounter "bad-date"');
    expect(one.stdout).toContain('"id":"from-report"');
    for (const run of [two, three]) {
      expect(run.code).toBe(one.code);
      expect(run.stderr).toBe(one.stderr);
      expect(run.stdout === one.stdout).toBe(true);
    }
  }, 180_000);

  it('prints the same text view with worker threads', () => {
    const one = dxacode(['check', file, '--format', 'text', '--jobs', '1']);
    const two = dxacode(['check', file, '--format', 'text', '--jobs', '2']);
    expect(two.code).toBe(one.code);
    expect(two.stderr).toBe(one.stderr);
    expect(two.stdout === one.stdout).toBe(true);
    expect(one.stdout).toContain('from-report');
  }, 180_000);

  it('really checks in worker threads: one CPU profile per thread, the main thread checking beside jobs - 1 workers', () => {
    const profiles = join(dir, 'profiles');
    dxacode(['check', file, '--format', 'json', '--jobs', '3'], { PROFILE_DIR: profiles });
    expect(readdirSync(profiles).filter((f) => f.endsWith('.cpuprofile'))).toHaveLength(3);
    const single = join(dir, 'profiles-1');
    dxacode(['check', file, '--format', 'json', '--jobs', '1'], { PROFILE_DIR: single });
    expect(readdirSync(single).filter((f) => f.endsWith('.cpuprofile'))).toHaveLength(1);
  }, 180_000);

  it('refuses a --jobs that is not a whole number from 1 to 16', () => {
    for (const jobs of ['0', '17', 'two', '1.5']) {
      const run = dxacode(['check', file, '--jobs', jobs]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^dxacode: --jobs: expected a whole number of worker threads from 1 to 16, found "/);
      expect(run.stdout).toBe('');
    }
  }, 60_000);
});
