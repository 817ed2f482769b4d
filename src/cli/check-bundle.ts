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
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECK_BUNDLE_DIR, CHECK_BUNDLE_FORMAT, CHECK_BUNDLE_MANIFEST, type BundleFile, type CheckBundleManifest } from './start.js';

/**
 * The modules check.ts imports with import() on every run (knowledgeOrReport in shared.ts): bundled with its static
 * imports into one chunk. A module missing here only costs a file of its own.
 */
const EVERY_RUN = ['../io/knowledge-snapshot.js', '../knowledge/errors.js', '../io/office-config.js', '../knowledge/office.js'];

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
      codeSplitting: { groups: [{ name: 'check-path', test: (id: string) => hot.has(id) }] },
    });
  } finally {
    await bundle.close();
  }
  const fileOf = (path: string): BundleFile => {
    const stat = statSync(path);
    return [relative(root, path).split(sep).join('/'), stat.size, stat.mtimeMs];
  };
  const inputs = new Set<string>();
  for (const item of output.output) if (item.type === 'chunk') for (const id of item.moduleIds) if (id.startsWith(root) && !id.startsWith(dir)) inputs.add(id);
  if (!inputs.has(entry)) throw new Error(`the check bundle does not hold ${entry}`);
  const written = output.output.map((item) => join(dir, item.fileName));
  const manifest: CheckBundleManifest = {
    format: CHECK_BUNDLE_FORMAT,
    root: `${relative(dir, root).split(sep).join('/')}/`,
    entry: 'check.js',
    files: [...[...inputs].sort(), ...written].map(fileOf),
  };
  writeFileSync(join(dir, CHECK_BUNDLE_MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}
