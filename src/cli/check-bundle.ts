/**
 * Writes the build-time bundle of `dxacode check` (run by `npm run build`, after tsc): rolldown bundles dist/cli/check.js
 * and the dist/ modules it imports into dist/check-bundle/, so that a single check loads one file where it loaded
 * some sixty (start.ts uses it). The modules it imports only when needed (interchange, zod's explanation of invalid
 * input, the store, the knowledge compiled from its files) are chunks of their own, loaded as before only then, so
 * that every module exists once. Packages from node_modules and Node's own modules stay imports, as in dist/.
 *
 * The bundle sits one folder below dist/, as dist/cli/ does, so that the paths the modules find from their own
 * location (`new URL('../knowledge/...', import.meta.url)`) name the same files. Its manifest lists each dist/ file
 * bundled and each file written, with its size and modification time: tsc writes every file it emits, so any later
 * build, edit or deletion makes the bundle stale and start.ts then imports dist/cli/check.js instead.
 *
 * The chunk every check loads is then run as a script with a V8 code cache (io/code-cache.ts), which Node 20 has
 * for scripts but not for modules: its code goes to `check-path-HASH.script.js`, a function of its imports, and
 * the chunk becomes a small module that imports what the code imported, runs it and exports what it exported, so
 * that the other chunks import it as before. A run at build time (a check of the examples, in a child process)
 * leaves the bytecode V8 compiled for it in the cache file, which is used only for that very code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAst } from 'rolldown/parseAst';
import { CHECK_BUNDLE_DIR, CHECK_BUNDLE_FORMAT, CHECK_BUNDLE_MANIFEST, type BundleFile, type CheckBundleManifest } from './start.js';
import { codeCacheFileOf } from '../io/code-cache.js';

/**
 * The modules check.ts imports with import() on every run (knowledgeOrReport in shared.ts): bundled with its static
 * imports into one chunk. A module missing here only costs a file of its own.
 */
const EVERY_RUN = ['../io/knowledge-snapshot.js', '../knowledge/errors.js', '../io/office-config.js', '../knowledge/office.js'];

/** io/code-cache.ts in dist/: imported by the bundle, not bundled (the chunk made a script imports it too). */
const CODE_CACHE_MODULE = fileURLToPath(new URL('../io/code-cache.js', import.meta.url));

/** The group of the chunk that every check loads (the one made a script with a code cache). */
const CHECK_PATH = 'check-path';

/** Writes the bundle and its manifest into `dir` (replacing what was there); returns the manifest written. */
export async function writeCheckBundle(dir = CHECK_BUNDLE_DIR): Promise<CheckBundleManifest> {
  const { rolldown } = await import('rolldown');
  const entry = fileURLToPath(new URL('./check.js', import.meta.url));
  const root = fileURLToPath(new URL('../', import.meta.url));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // What every check loads: check.ts's static imports and the modules it imports on every run, with theirs.
  const hot = new Set<string>();
  const bundle = await rolldown({
    input: { check: entry },
    platform: 'node',
    // Only dist/'s own modules are bundled: a package or a Node module is imported from where it is, as dist/ does.
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    logLevel: 'warn',
    // A module that shared.ts imports with import() but another bundled module imports statically is bundled: as intended.
    onLog: (level, log, report) => {
      if (log.code !== 'INEFFECTIVE_DYNAMIC_IMPORT') report(level, log);
    },
    plugins: [
      {
        // The code cache's module stays a module of dist/, imported by the bundle's chunk and its code alike (one instance).
        name: 'dxacode-code-cache-external',
        resolveId(source, importer) {
          if (importer === undefined || !source.startsWith('.')) return null;
          const id = fileURLToPath(new URL(source, pathToFileURL(importer)));
          return id === CODE_CACHE_MODULE ? { id, external: 'relative' } : null;
        },
      },
      {
        name: 'dxacode-check-path',
        buildEnd() {
          const visit = (id: string) => {
            if (hot.has(id)) return;
            const info = this.getModuleInfo(id);
            if (!info || !id.startsWith('/')) return;
            hot.add(id);
            for (const imported of info.importedIds) visit(imported);
          };
          for (const root of [entry, ...EVERY_RUN.map((module) => fileURLToPath(new URL(module, import.meta.url)))]) {
            if (!this.getModuleInfo(root)) throw new Error(`the check bundle has no module ${root}: update EVERY_RUN`);
            visit(root);
          }
        },
      },
    ],
  });
  let output;
  try {
    output = await bundle.write({
      dir,
      format: 'esm',
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
      // Less for V8 to scan on every start, with the same code: no comments nor whitespace, and ASCII only (a one-byte
      // source scans faster than a two-byte one). No renaming and no rewriting (compress, mangle).
      minify: { compress: false, mangle: false, codegen: { removeWhitespace: true, asciiOnly: true } },
      // One file for what every check loads; the rest in chunks loaded only when needed.
      codeSplitting: { groups: [{ name: CHECK_PATH, test: (id: string) => hot.has(id) }] },
    });
  } finally {
    await bundle.close();
  }
  const fileOf = (path: string): BundleFile => {
    const stat = statSync(path);
    return [relative(root, path).split(sep).join('/'), stat.size, stat.mtimeMs];
  };
  const inputs = new Set<string>([CODE_CACHE_MODULE]);
  for (const item of output.output) if (item.type === 'chunk') for (const id of item.moduleIds) if (id.startsWith(root) && !id.startsWith(dir)) inputs.add(id);
  if (!inputs.has(entry)) throw new Error(`the check bundle does not hold ${entry}`);
  const written = output.output.map((item) => join(dir, item.fileName));
  const hotChunk = output.output.find((item) => item.type === 'chunk' && item.name === CHECK_PATH);
  if (hotChunk === undefined) throw new Error(`the check bundle has no ${CHECK_PATH} chunk`);
  const hotFile = join(dir, hotChunk.fileName);
  const { script, facade } = scriptOfChunk(readFileSync(hotFile, 'utf8'), scriptFileName(hotChunk.fileName));
  writeFileSync(join(dir, scriptFileName(hotChunk.fileName)), script);
  writeFileSync(hotFile, facade);
  written.push(join(dir, scriptFileName(hotChunk.fileName)));
  const writeManifest = (files: string[]): CheckBundleManifest => {
    const manifest: CheckBundleManifest = {
      format: CHECK_BUNDLE_FORMAT,
      root: `${relative(dir, root).split(sep).join('/')}/`,
      entry: 'check.js',
      files: [...[...inputs].sort(), ...files].map(fileOf),
    };
    writeFileSync(join(dir, CHECK_BUNDLE_MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
    return manifest;
  };
  writeManifest(written);
  // The code caches come from a check run with the bundle just written; the manifest then names the bundle's cache too.
  const caches = warmUp(dir);
  const bundleCache = join(dir, codeCacheFileOf(scriptFileName(hotChunk.fileName)));
  if (caches.length > 0 && !caches.includes(bundleCache)) throw new Error(`the check bundle's warm-up run did not run the bundle (no ${bundleCache})`);
  return writeManifest([...written, ...caches.filter((file) => file === bundleCache)]);
}

/** The file of a chunk's code run as a script (beside the chunk). */
function scriptFileName(chunkFileName: string): string {
  return chunkFileName.replace(/\.js$/, '.script.js');
}


/**
 * A chunk's code as a script, and the module that replaces the chunk. The script is one function expression
 * `(function (meta, importModule, ...imports) {...})`: each static import becomes the module's namespace passed in,
 * `import.meta` the module's and `import()` the module's (the same URL as the chunk's, so paths and chunks resolve
 * alike), and the export list a returned object. The module imports the same modules, runs the script with its
 * code cache (io/code-cache.ts) and exports the same names. Throws for a chunk of another shape than rolldown
 * writes (a default export, a re-export, an exported binding that is assigned again: a copy would not follow it).
 */
export function scriptOfChunk(code: string, scriptFile: string): { script: string; facade: string } {
  const ast = parseAst(code);
  const edits: [start: number, end: number, text: string][] = [];
  const imports: string[] = [];
  let exported: [local: string, name: string][] | undefined;
  const name = (node: { type: string; name?: string; value?: unknown }) => (node.type === 'Identifier' ? node.name! : String(node.value));
  for (const node of ast.body) {
    if (node.type === 'ImportDeclaration') {
      const ns = `__import${imports.length}`;
      imports.push(node.source.value);
      const bindings = node.specifiers.map((s) => {
        if (s.type === 'ImportNamespaceSpecifier') return `const ${s.local.name}=${ns};`;
        const imported = s.type === 'ImportDefaultSpecifier' ? 'default' : name(s.imported);
        return `const{${JSON.stringify(imported)}:${s.local.name}}=${ns};`;
      });
      edits.push([node.start, node.end, bindings.join('')]);
    } else if (node.type === 'ExportNamedDeclaration' && node.declaration === null && node.source === null && exported === undefined) {
      exported = node.specifiers.map((s) => [name(s.local), name(s.exported)]);
      edits.push([node.start, node.end, `return{${exported.map(([local, as]) => `${JSON.stringify(as)}:${local}`).join(',')}};`]);
    } else if (node.type.startsWith('Export')) throw new Error(`the ${CHECK_PATH} chunk has an export the script cannot give: ${code.slice(node.start, node.start + 80)}`);
  }
  const assigned = new Set<string>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as { type?: string; start: number; end: number; meta?: { name: string }; left?: unknown; argument?: unknown };
    if (n.type === 'MetaProperty' && n.meta?.name === 'import') edits.push([n.start, n.end, '__meta']);
    else if (n.type === 'ImportExpression') edits.push([n.start, n.start + 'import'.length, '__importModule']);
    if (n.type === 'AssignmentExpression') assignedNames(n.left, assigned);
    if (n.type === 'UpdateExpression') assignedNames(n.argument, assigned);
    for (const [key, value] of Object.entries(n)) if (key !== 'type') visit(value);
  };
  visit(ast.body);
  const reassigned = (exported ?? []).filter(([local]) => assigned.has(local));
  if (reassigned.length > 0) throw new Error(`the ${CHECK_PATH} chunk exports bindings it assigns again: ${reassigned.map(([local]) => local).join(', ')}`);
  let body = code;
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) body = `${body.slice(0, start)}${text}${body.slice(end)}`;
  const params = ['__meta', '__importModule', ...imports.map((_, i) => `__import${i}`)];
  const script = `(function(${params.join(',')}){"use strict";${body}\n})`;
  const names = (exported ?? []).map(([, as]) => as);
  const facade =
    imports.map((source, i) => `import*as __import${i} from${JSON.stringify(source)};`).join('') +
    `import{runCachedScriptFile as __run}from${JSON.stringify(relativeImport(CODE_CACHE_MODULE))};` +
    `const __script=new URL(${JSON.stringify(scriptFile)},import.meta.url);` +
    `const __exports=__run(__script,new URL(${JSON.stringify(codeCacheFileOf(scriptFile))},import.meta.url))(import.meta,(specifier)=>import(specifier)${imports.map((_, i) => `,__import${i}`).join('')});` +
    (names.length > 0 ? `export const{${names.map((as) => `${JSON.stringify(as)}:${as}`).join(',')}}=__exports;` : '') +
    '\n';
  return { script, facade };
}

/** The names an assignment's target binds (an identifier, or those of a destructuring pattern). */
function assignedNames(target: unknown, into: Set<string>): void {
  if (target === null || typeof target !== 'object') return;
  const t = target as { type?: string; name?: string };
  if (t.type === 'Identifier') into.add(t.name!);
  else if (t.type !== 'MemberExpression') for (const [key, value] of Object.entries(t)) if (key !== 'type') (Array.isArray(value) ? value : [value]).forEach((v) => assignedNames(v, into));
}

/** The import specifier of a dist/ module from the bundle folder (one folder below dist/). */
function relativeImport(module: string): string {
  return `../${relative(fileURLToPath(new URL('../', import.meta.url)), module).split(sep).join('/')}`;
}

/**
 * Runs checks of the examples with the bundle just written, in a child process (a plain `node`, as the command
 * runs), recording the scripts it compiles (the bundle's code, the Encounter validator) and writing their code
 * caches; returns the files written. Without the examples (an installed package) nothing is run and no cache written.
 */
function warmUp(dir: string): string[] {
  const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
  const inputs = ['encounter-axial-vfa.json', 'batch.ndjson'].map((file) => join(examples, file)).filter((file) => existsSync(file));
  if (inputs.length === 0) return [];
  const program = `
    const { recordCodeCaches, writeCodeCaches } = await import(${JSON.stringify(pathToFileURL(CODE_CACHE_MODULE).href)});
    const { start } = await import(${JSON.stringify(new URL('./start.js', import.meta.url).href)});
    const { Readable, Writable } = await import('node:stream');
    recordCodeCaches();
    const sink = () => new Writable({ write: (chunk, encoding, done) => done() });
    for (const file of ${JSON.stringify(inputs)}) {
      for (const format of ['json', 'text']) {
        await start(['check', file, '--format', format], { stdin: Readable.from([]), stdout: sink(), stderr: sink(), env: {} }, ${JSON.stringify(dir)});
      }
    }
    process.stdout.write(JSON.stringify(writeCodeCaches()));
  `;
  const env = { ...process.env };
  // The cache is made under V8's default flags, as \`dxacode\` runs (V8 rejects a cache made under other flags).
  delete env.NODE_OPTIONS;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', program], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`the check bundle's warm-up run failed (exit ${child.status})`);
  return JSON.parse(child.stdout) as string[];
}
