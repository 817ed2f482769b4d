/** The interchange control number counter: monotonic, never reused, even by runs at the same time. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { COUNTER_FILE, ControlNumberError, dataDir, MAX_CONTROL_NUMBER, nextControlNumber } from '../src/io/control-numbers.js';

const run = promisify(execFile);
const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dxacode-control-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('control numbers (src/io/control-numbers.ts)', () => {
  it('counts up from 1 in ./data by default and in DXACODE_DATA_DIR when set', async () => {
    const cwd = freshDir();
    expect(dataDir({ cwd, env: {} })).toBe(join(cwd, 'data'));
    expect(await nextControlNumber({ cwd, env: {} })).toBe(1);
    expect(await nextControlNumber({ cwd, env: {} })).toBe(2);
    expect(readFileSync(join(cwd, 'data', COUNTER_FILE), 'utf8')).toBe('2\n');
    const elsewhere = join(cwd, 'elsewhere');
    expect(await nextControlNumber({ cwd, env: { DXACODE_DATA_DIR: elsewhere } })).toBe(1);
    expect(existsSync(join(elsewhere, COUNTER_FILE))).toBe(true);
  });

  it('creates the counter file 0600 in a 0700 folder', async () => {
    const cwd = freshDir();
    await nextControlNumber({ cwd, env: {} });
    expect(statSync(join(cwd, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(join(cwd, 'data', COUNTER_FILE)).mode & 0o777).toBe(0o600);
  });

  it('never hands out one number twice to concurrent callers in one process', async () => {
    const dir = freshDir();
    const numbers = await Promise.all(Array.from({ length: 40 }, () => nextControlNumber({ dir })));
    expect(new Set(numbers).size).toBe(40);
    expect(Math.max(...numbers)).toBe(40);
  });

  it('never hands out one number twice to separate processes running at the same time', async () => {
    const dir = freshDir();
    const module = fileURLToPath(new URL('../dist/io/control-numbers.js', import.meta.url));
    const script = `import { nextControlNumber } from ${JSON.stringify(module)}; const out = []; for (let i = 0; i < 15; i++) out.push(await nextControlNumber({ dir: ${JSON.stringify(dir)} })); console.log(out.join(' '));`;
    const runs = await Promise.all(Array.from({ length: 4 }, () => run(process.execPath, ['--input-type=module', '-e', script])));
    const numbers = runs.flatMap((r) => r.stdout.trim().split(' ').map(Number));
    expect(numbers).toHaveLength(60);
    expect(new Set(numbers).size).toBe(60);
    expect(Math.max(...numbers)).toBe(60);
  });

  it('waits for a held lock, then gives up with a message naming the lock file', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, `${COUNTER_FILE}.lock`), String(process.pid));
    const error = await nextControlNumber({ dir, timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlNumberError);
    expect((error as Error).message).toMatch(/another dxacode run holds .*x12-control-number\.lock/);
  });

  it('removes a stale lock whose process is gone', async () => {
    const dir = freshDir();
    const lock = join(dir, `${COUNTER_FILE}.lock`);
    writeFileSync(lock, '999999999');
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(lock, old, old);
    expect(await nextControlNumber({ dir })).toBe(1);
    expect(existsSync(lock)).toBe(false);
  });

  it('refuses a damaged counter instead of starting again, and wraps after 999,999,999', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, COUNTER_FILE), 'twelve');
    await expect(nextControlNumber({ dir })).rejects.toThrow(/holds "twelve", not a number of up to 9 digits/);
    writeFileSync(join(dir, COUNTER_FILE), String(MAX_CONTROL_NUMBER));
    expect(await nextControlNumber({ dir })).toBe(1);
  });
});
