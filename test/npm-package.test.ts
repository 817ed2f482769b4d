/**
 * What users install works: the package is packed with `npm pack` exactly as it would be published, installed into an
 * empty folder, and imported and run there through its `exports` map, in JavaScript and in TypeScript (against the
 * declaration files it ships). global-setup.ts has built dist/ already, so the pack skips its build script.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../src/engine/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { stringifyResult } from '../src/contract/serialize.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const EXAMPLE = join(ROOT, 'examples', 'encounter-axial-vfa.json');

interface PackedFile {
  path: string;
}

let folder: string;
let app: string;
let packed: PackedFile[];

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'dxacode-pack-'));
  const report = JSON.parse(run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', folder], ROOT)) as { filename: string; files: PackedFile[] }[];
  const [tarball] = report;
  if (tarball === undefined) throw new Error('npm pack reported no tarball');
  packed = tarball.files;
  app = join(folder, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // The dependencies come from npm's cache, which `npm ci` has just filled; install scripts are skipped because the
  // library API needs no native module (only the store does).
  run(NPM, ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', join(folder, tarball.filename)], app);
}, 300_000);

afterAll(() => {
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
}, 120_000);

describe('the npm package', () => {
  it('holds the built library with its declarations, the licence, notice and changelog, and no tests or sources', () => {
    const paths = packed.map((f) => f.path);
    for (const needed of ['LICENSE', 'NOTICE', 'CHANGELOG.md', 'README.md', 'bin/dxacode.js', 'dist/index.js', 'dist/index.d.ts', 'dist/interchange/x12/index.d.ts', 'dist/interchange/fhir/index.d.ts', 'dist/interchange/hl7/index.d.ts']) {
      expect(paths, needed).toContain(needed);
    }
    expect(paths.filter((p) => /\.test\.|^test\/|^src\/.*\.ts$|^bench\//.test(p))).toEqual([]);
  });

  it('checks an encounter through the exports map with the same result as this checkout', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { check, loadKnowledge, stringifyResult, extract, code } from 'dxacode';
      const encounter = JSON.parse(readFileSync(${JSON.stringify(EXAMPLE)}, 'utf8'));
      const result = check(encounter, loadKnowledge());
      process.stdout.write(JSON.stringify({ result: stringifyResult(result), coded: typeof code, extracted: extract('DXA of the lumbar spine. L1-L4 T-score -2.6.').tScoreLowest?.value }));
    `;
    writeFileSync(join(app, 'check.mjs'), script);
    const out = JSON.parse(run(process.execPath, ['check.mjs'], app)) as { result: string; coded: string; extracted: unknown };
    const expected = stringifyResult(check(JSON.parse(readFileSync(EXAMPLE, 'utf8')), loadKnowledge()));
    expect(out.result).toBe(expected);
    expect(out.coded).toBe('function');
    expect(out.extracted).toBe(-2.6);
  });

  it('writes an 837P of the recommended claim and reads it back through dxacode/x12; dxacode/fhir and dxacode/hl7 load', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { check, loadKnowledge } from 'dxacode';
      import { write837P, parse837PText } from 'dxacode/x12';
      import { toFhirClaim } from 'dxacode/fhir';
      import { toDftP03 } from 'dxacode/hl7';
      const encounter = JSON.parse(readFileSync(${JSON.stringify(EXAMPLE)}, 'utf8'));
      delete encounter.claim; // the example's submitted claim is rejected; dxacode codes the study itself
      const result = check(encounter, loadKnowledge());
      const written = write837P([{ encounter, result }], undefined, { interchange: 42, date: '2026-12-06', time: '1200' });
      const read = parse837PText(written.text);
      process.stdout.write(JSON.stringify({ codes: read.claims.map((c) => c.encounter.claim.lines.map((l) => l.code)), errors: [...written.problems, ...read.problems].filter((p) => p.severity === 'error').length, fhir: typeof toFhirClaim, hl7: typeof toDftP03, isa: written.text.slice(0, 3) }));
    `;
    writeFileSync(join(app, 'x12.mjs'), script);
    expect(JSON.parse(run(process.execPath, ['x12.mjs'], app))).toEqual({ codes: [['77085']], errors: 0, fhir: 'function', hl7: 'function', isa: 'ISA' });
  });

  it('keeps its internals private: a deep import is refused by the exports map', () => {
    writeFileSync(join(app, 'deep.mjs'), `import('dxacode/dist/store/store.js').then(() => process.stdout.write('loaded'), (e) => process.stdout.write(String(e.code)));`);
    expect(run(process.execPath, ['deep.mjs'], app)).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('type-checks a TypeScript caller against the shipped declaration files', () => {
    writeFileSync(
      join(app, 'caller.ts'),
      `import { check, loadKnowledge, type Encounter, type Finding, type Result } from 'dxacode';
       import { parse837PText, type ParsedClaim } from 'dxacode/x12';
       const encounter: Encounter = { id: 'e1', dateOfService: '2026-03-02', patient: { sex: 'female', birthDate: '1950-01-01' }, payer: 'medicare', performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine'] }], diagnoses: ['M81.0'] };
       const result: Result = check(encounter, loadKnowledge());
       const errors: Finding[] = result.findings.filter((f) => f.severity === 'error');
       const claims: ParsedClaim[] = parse837PText('').claims;
       export const summary: string = result.verdict + errors.length + claims.length;
       // @ts-expect-error the result's status is a closed set of words, not any string
       export const wrong: Result['verdict'] = 'maybe';
      `,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] }, files: ['caller.ts'] }),
    );
    expect(() => run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app)).not.toThrow();
  }, 180_000);
});
