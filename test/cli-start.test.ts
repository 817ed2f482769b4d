/**
 * The build-time bundle of `dxacode check` (src/cli/check-bundle.ts, dist/check-bundle/) is current after the build,
 * gives the same output as the modules in dist/, and a bundle that is stale or missing is never used. Runs the built
 * modules (test/global-setup.ts builds dist/ and the bundle, as `npm run build` does).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type * as StartModule from '../src/cli/start.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const { start, currentCheckBundle, CHECK_BUNDLE_DIR, CHECK_BUNDLE_MANIFEST } = (await import(new URL('../dist/cli/start.js', import.meta.url).href)) as typeof StartModule;
const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .filter((f) => /\.(json|ndjson)$/.test(f))
  .map((f) => `examples/${f}`);

/** Runs start() in this process with a file and pipes (not a terminal); the bundle folder is `bundleDir`. */
async function startRun(argv: string[], bundleDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await start(argv, { stdin: Readable.from([]), stdout, stderr, env: { NO_COLOR: '1' } }, bundleDir);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** A copy of the build's bundle beside it in dist/ (so that its paths into dist/ hold), whose entry announces itself. */
function markedCopy(): string {
  const dir = mkdtempSync(join(DIST, 'check-bundle-test-'));
  cpSync(CHECK_BUNDLE_DIR, dir, { recursive: true });
  writeFileSync(join(dir, 'check.js'), "export async function run(io) { io.stdout.write('copy used\\n'); return 42; }\n");
  const manifestFile = join(dir, CHECK_BUNDLE_MANIFEST);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as StartModule.CheckBundleManifest;
  // The copy's own files are recorded as they are now, so that the copy is current until a test changes something.
  manifest.files = manifest.files.map(([path, size, mtime]) => {
    if (!path.startsWith('check-bundle/')) return [path, size, mtime];
    const stat = statSync(join(dir, path.slice('check-bundle/'.length)));
    return [path.replace('check-bundle/', `${dir.slice(DIST.length + 1)}/`), stat.size, stat.mtimeMs];
  });
  writeFileSync(manifestFile, JSON.stringify(manifest));
  return dir;
}

const copies: string[] = [];
const copy = () => {
  const dir = markedCopy();
  copies.push(dir);
  return `${dir}/`;
};
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

const editManifest = (dir: string, edit: (manifest: StartModule.CheckBundleManifest) => void) => {
  const file = join(dir, CHECK_BUNDLE_MANIFEST);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as StartModule.CheckBundleManifest;
  edit(manifest);
  writeFileSync(file, JSON.stringify(manifest));
};

describe('the check bundle', () => {
  it('is current after the build and holds check.ts with the modules it imports', () => {
    expect(currentCheckBundle()).toBe(join(CHECK_BUNDLE_DIR, 'check.js'));
    const manifest = JSON.parse(readFileSync(join(CHECK_BUNDLE_DIR, CHECK_BUNDLE_MANIFEST), 'utf8')) as StartModule.CheckBundleManifest;
    const paths = manifest.files.map(([path]) => path);
    expect(paths).toEqual(expect.arrayContaining(['cli/check.js', 'engine/check.js', 'io/knowledge-snapshot.js', 'check-bundle/check.js']));
    expect(paths.filter((p) => p.includes('node_modules'))).toEqual([]);
  });

  it('is what dxacode check loads: three files of its own besides bin/, start.ts and the code cache, with the snapshot and the validator current', () => {
    const dir = mkdtempSync(join(DIST, 'check-bundle-hooks-'));
    copies.push(dir);
    writeFileSync(join(dir, 'hooks.mjs'), "export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write(`loaded ${url}\\n`); return next(url, context); }\n");
    writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module'; register('./hooks.mjs', import.meta.url);\n");
    const child = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), join(ROOT, 'bin', 'dxacode.js'), 'check', 'examples/encounter-axial-vfa.json', '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
    expect(child.status).toBe(1);
    const loaded = [...child.stderr.matchAll(/^loaded file:\/\/(.*)$/gm)].map((m) => m[1]!.slice(ROOT.length).replace(/-[\w-]{8}\.js$/, '.js'));
    expect(loaded.sort()).toEqual(['bin/dxacode.js', 'dist/check-bundle/check-path.js', 'dist/check-bundle/check.js', 'dist/check-bundle/rolldown-runtime.js', 'dist/cli/exit.js', 'dist/cli/start.js', 'dist/io/code-cache.js']);
  });

  it('gives the dxacode command the same output as the modules in dist/, for every example', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    const bundled = (args: string[]) => {
      const child = spawnSync(process.execPath, [join(ROOT, 'bin', 'dxacode.js'), ...args], { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { code: child.status, stdout: child.stdout, stderr: child.stderr };
    };
    const missing = join(DIST, 'no-check-bundle/');
    for (const file of EXAMPLES) {
      for (const format of ['json', 'text']) {
        const args = ['check', file, '--format', format];
        const run = bundled(args);
        expect(run.stdout.length + run.stderr.length, file).toBeGreaterThan(0);
        expect({ file, ...run }).toEqual({ file, ...(await startRun(args, missing)) });
      }
    }
  });

  it('a current copy is used (so the tests below can tell)', async () => {
    const dir = copy();
    expect(currentCheckBundle(dir)).toBe(`${dir}check.js`);
    expect(await startRun(['check', 'examples/encounter-axial-vfa.json'], dir)).toEqual({ code: 42, stdout: 'copy used\n', stderr: '' });
  });

  const stale: [string, (dir: string) => void][] = [
    ['a bundled dist/ module of another size', (dir) => editManifest(dir, (m) => void (m.files.find(([p]) => p === 'engine/check.js')![1] += 1))],
    ['a bundled dist/ module written after the bundle (tsc ran again)', (dir) => editManifest(dir, (m) => void (m.files.find(([p]) => p === 'cli/check.js')![2] -= 1000))],
    ['a bundled module missing', (dir) => editManifest(dir, (m) => void m.files.push(['cli/no-such-module.js', 10, 0]))],
    ['a chunk of the bundle deleted', (dir) => rmSync(join(dir, readdirSync(dir).find((f) => f.startsWith('interchange-'))!))],
    ['its entry edited', (dir) => {
      const entry = join(dir, 'check.js');
      writeFileSync(entry, `${readFileSync(entry, 'utf8')}\n`);
    }],
    ['its entry touched', (dir) => {
      const entry = join(dir, 'check.js');
      const { atime, mtimeMs } = statSync(entry);
      utimesSync(entry, atime, new Date(mtimeMs + 5000));
    }],
    ['a manifest entry that is not [path, size, mtime]', (dir) => editManifest(dir, (m) => void m.files.push(null as unknown as StartModule.BundleFile))],
    ['a manifest path below a file', (dir) => editManifest(dir, (m) => void m.files.push(['cli/check.js/inner.js', 10, 0]))],
    ['a manifest of another layout', (dir) => editManifest(dir, (m) => void (m.format += 1))],
    ['a manifest that is not JSON', (dir) => writeFileSync(join(dir, CHECK_BUNDLE_MANIFEST), '{')],
    ['no manifest', (dir) => rmSync(join(dir, CHECK_BUNDLE_MANIFEST))],
  ];

  it.each(stale)('is not used with %s: check runs from dist/ with the same output', async (_, spoil) => {
    const dir = copy();
    spoil(dir);
    expect(currentCheckBundle(dir)).toBeUndefined();
    const run = await startRun(['check', 'examples/encounter-axial-vfa.json', '--format', 'json'], dir);
    const current = await startRun(['check', 'examples/encounter-axial-vfa.json', '--format', 'json'], CHECK_BUNDLE_DIR);
    expect(run.stdout).not.toContain('copy used');
    expect(run).toEqual(current);
    expect(run.code).toBe(1);
  });

  it('is not used when there is none', async () => {
    const missing = join(DIST, 'no-check-bundle/');
    expect(currentCheckBundle(missing)).toBeUndefined();
    const run = await startRun(['check', 'examples/encounter-axial-vfa.json', '--format', 'text'], missing);
    expect(run.stdout).toContain('example-1');
    expect(run.code).toBe(1);
  });
});
