/**
 * The build-time V8 code caches (src/io/code-cache.ts): the build leaves one for the check bundle's code and one for
 * the Encounter validator, each is read only for the very code it was made from (V8 alone would take the cache of
 * other code of the same length), and code whose cache is stale or missing runs from its file as usual. Runs the
 * built modules (test/global-setup.ts builds dist/ and the bundle, as `npm run build` does).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import type * as CodeCacheModule from '../src/io/code-cache.js';
import type * as ValidatorModule from '../src/io/encounter-validator.js';
import type * as CheckBundleModule from '../src/cli/check-bundle.js';
import type * as StartModule from '../src/cli/start.js';

const { cachedDataFor, cacheHeader, recordCodeCaches, runCachedScript, writeCodeCaches } = (await import(new URL('../dist/io/code-cache.js', import.meta.url).href)) as typeof CodeCacheModule;
const { ENCOUNTER_VALIDATOR_FILE, validatorCacheFile } = (await import(new URL('../dist/io/encounter-validator.js', import.meta.url).href)) as typeof ValidatorModule;
const { CHECK_BUNDLE_DIR } = (await import(new URL('../dist/cli/start.js', import.meta.url).href)) as typeof StartModule;

const VALIDATOR_WRAPPER = { prefix: '(function (exports, require, module) {', suffix: '\n})' };
const tmp = mkdtempSync(join(tmpdir(), 'dxacode-code-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A cache of `source` made as the build makes one: compiled, run, then its cache written with the header. */
function cacheOf(source: string, cacheFile: string): Buffer {
  const script = new Script(source);
  (script.runInThisContext() as () => unknown)();
  const data = script.createCachedData();
  writeFileSync(cacheFile, Buffer.concat([Buffer.from(cacheHeader({ file: 'x.js', bytes: Buffer.from(source) }), 'latin1'), data]));
  return data;
}

describe('the code caches the build writes', () => {
  it("are current for the check bundle's code and the Encounter validator, and V8 takes them", () => {
    const scriptName = readdirSync(CHECK_BUNDLE_DIR).find((f) => f.endsWith('.script.js'))!;
    const bundle = { file: join(CHECK_BUNDLE_DIR, scriptName), bytes: readFileSync(join(CHECK_BUNDLE_DIR, scriptName)) };
    const validator = { file: ENCOUNTER_VALIDATOR_FILE, bytes: readFileSync(ENCOUNTER_VALIDATOR_FILE), ...VALIDATOR_WRAPPER };
    for (const [code, cacheFile] of [
      [bundle, `${bundle.file}.v8-cache`],
      [validator, validatorCacheFile()],
    ] as const) {
      const cachedData = cachedDataFor(code, cacheFile);
      expect(cachedData, cacheFile).toBeDefined();
      const script = new Script(`${code.prefix ?? ''}${code.bytes.toString('utf8')}${code.suffix ?? ''}`, { cachedData });
      expect(script.cachedDataRejected, cacheFile).toBe(false);
    }
  });
});

describe('a code cache', () => {
  const source = '(function () { return function answer() { return 6 * 7; }; })';
  const file = join(tmp, 'answer.js');
  const cacheFile = join(tmp, 'answer.js.v8-cache');
  writeFileSync(file, source);
  const data = cacheOf(source, cacheFile);

  it('is read for the code it was made from', () => {
    expect(cachedDataFor({ file, bytes: Buffer.from(source) }, cacheFile)).toEqual(data);
    expect(((runCachedScript({ file, bytes: Buffer.from(source) }, cacheFile) as () => () => number)())()).toBe(42);
  });

  it('is not read for other code of the same length, which V8 alone would take', () => {
    const edited = source.replace('6 * 7', '6 * 8');
    expect(edited.length).toBe(source.length);
    expect(new Script(edited, { cachedData: data }).cachedDataRejected).toBe(false);
    expect(cachedDataFor({ file, bytes: Buffer.from(edited) }, cacheFile)).toBeUndefined();
    // The edited code runs, not the cached bytecode of the old.
    expect(((runCachedScript({ file, bytes: Buffer.from(edited) }, cacheFile) as () => () => number)())()).toBe(48);
  });

  it('is not read with another wrapper around the same file', () => {
    expect(cachedDataFor({ file, bytes: Buffer.from(source), prefix: '(' }, cacheFile)).toBeUndefined();
  });

  const spoilt: [string, (cache: Buffer) => Buffer | undefined][] = [
    ['of another layout', (cache) => Buffer.from(cache.toString('latin1').replace('dxacode-code-cache-1', 'dxacode-code-cache-2'), 'latin1')],
    ['of another V8', (cache) => Buffer.from(cache.toString('latin1').replace(process.versions.v8, '1.2.3.4'), 'latin1')],
    ['with its header alone', (cache) => cache.subarray(0, cache.indexOf('\n') + 1)],
    ['missing', () => undefined],
  ];
  it.each(spoilt)('is not read when %s', (_, spoil) => {
    const other = join(tmp, `spoilt-${Math.random()}.v8-cache`);
    const cache = spoil(readFileSync(cacheFile));
    if (cache) writeFileSync(other, cache);
    expect(cachedDataFor({ file, bytes: Buffer.from(source) }, other)).toBeUndefined();
    expect(((runCachedScript({ file, bytes: Buffer.from(source) }, other) as () => () => number)())()).toBe(42);
  });

  it("written by writeCodeCaches() is the recorded script's, with what it compiled while running", () => {
    const recorded = join(tmp, 'recorded.js.v8-cache');
    recordCodeCaches();
    (runCachedScript({ file, bytes: Buffer.from(source) }, recorded) as () => () => number)()();
    expect(writeCodeCaches()).toContain(recorded);
    const cachedData = cachedDataFor({ file, bytes: Buffer.from(source) }, recorded);
    expect(cachedData).toBeDefined();
    expect(new Script(source, { cachedData }).cachedDataRejected).toBe(false);
  });
});

describe("the check bundle's chunk as a script (scriptOfChunk)", () => {
  const chunk =
    'import{a as b}from"./x.js";import*as ns from"node:path";import d from"./d.js";' +
    'class K{constructor(){this.direct=new.target===K}}const url=import.meta.url;function load(){return import("./lazy.js")}' +
    'export{b as B,K as k,url as u,load as l,ns as n,d as D};';

  it('passes the imports, import.meta and import() in, and returns what the chunk exported', async () => {
    const { scriptOfChunk } = (await import(new URL('../dist/cli/check-bundle.js', import.meta.url).href)) as typeof CheckBundleModule;
    const { script, facade } = scriptOfChunk(chunk, 'chunk.script.js');
    const run = new Script(script).runInThisContext() as (...args: unknown[]) => Record<string, unknown>;
    const path = { sep: '/' };
    const exported = run({ url: 'file:///bundle/chunk.js' }, (specifier: string) => `imported ${specifier}`, { a: 1 }, path, { default: 'dflt' });
    expect(Object.keys(exported).sort()).toEqual(['B', 'D', 'k', 'l', 'n', 'u']);
    expect(exported).toMatchObject({ B: 1, D: 'dflt', u: 'file:///bundle/chunk.js', n: path });
    expect((exported.l as () => string)()).toBe('imported ./lazy.js');
    // new.target stays the class's own (only import.meta is the module's).
    expect(new (exported.k as new () => { direct: boolean })().direct).toBe(true);
    expect(facade).toContain('import*as __import0 from"./x.js";import*as __import1 from"node:path";import*as __import2 from"./d.js";');
    expect(facade).toContain('new URL("chunk.script.js.v8-cache",import.meta.url)');
    expect(facade).toContain('export const{"B":B,"k":k,"u":u,"l":l,"n":n,"D":D}=__exports;');
  });

  it.each([
    ['an exported binding assigned again (a copy would not follow it)', 'let v=1;function set(){v=2}export{v,set};'],
    ['an exported binding updated', 'let v=1;function inc(){v++}export{v,inc};'],
    ['a default export', 'export default 1;'],
    ['a re-export', 'export*from"./x.js";'],
  ])('refuses a chunk with %s', async (_, code) => {
    const { scriptOfChunk } = (await import(new URL('../dist/cli/check-bundle.js', import.meta.url).href)) as typeof CheckBundleModule;
    expect(() => scriptOfChunk(code, 'chunk.script.js')).toThrow();
  });
});
