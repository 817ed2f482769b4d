/**
 * What bin/dxacode.js runs first. A plain `dxacode check [FILE|-] [--format json|text] [-f json|text] [--no-progress]`
 * (the one-encounter call that must start fast) skips commander and the declaration of every other command: its
 * arguments are read here and check.ts runs as main.ts would run it. Anything else (another command, help, another
 * option, a repeated option, a usage error) goes to main.ts and commander, which has the last word on the command
 * line; test/cli-start.test.ts checks that every plain call gets the arguments commander would give.
 *
 * check.ts then comes from the build-time bundle of its modules (dist/check-bundle/, written by `npm run build`:
 * check-bundle.ts), one file for Node to resolve and compile instead of some sixty, when the bundle is current: its
 * manifest lists every dist/ file it was made from and every file it wrote, with their size and modification time,
 * and any file that differs (tsc ran again, a file was edited or is missing) makes it stale. A stale or missing bundle
 * is never used: check.ts is then imported from dist/ as before. Kept light: node:fs and the exit codes only.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CheckOptions } from './check.js';
import { EXIT } from './exit.js';
import type { CliIo } from './shared.js';

/** The arguments of a plain `dxacode check`, as commander hands them to check.ts's run. */
export interface PlainCheck {
  file: string | undefined;
  options: CheckOptions;
}

/**
 * The file and options of a plain `dxacode check` call, or undefined for anything else (commander reads it then).
 * Only the forms commander reads one way are taken: at most one FILE (or -), `--format`/`-f` once with json or
 * text as the next argument, `--no-progress` once.
 */
export function plainCheck(argv: readonly string[]): PlainCheck | undefined {
  if (argv[0] !== 'check') return undefined;
  let file: string | undefined;
  let format: 'json' | 'text' | undefined;
  let progress = true;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if ((arg === '--format' || arg === '-f') && format === undefined && (next === 'json' || next === 'text')) {
      format = next;
      i++;
    } else if (arg === '--no-progress' && progress) progress = false;
    else if (file === undefined && (arg === '-' || (arg !== '' && !arg.startsWith('-')))) file = arg;
    else return undefined;
  }
  // Commander's options for check: `progress` is true unless --no-progress (a negatable option alone defaults to true).
  return { file, options: format === undefined ? { progress } : { format, progress } };
}

/** The folder of the check bundle: dist/check-bundle/ beside dist/cli/ (from src/, a folder that does not exist). */
export const CHECK_BUNDLE_DIR = fileURLToPath(new URL('../check-bundle/', import.meta.url));

/** The manifest's name in the bundle folder. */
export const CHECK_BUNDLE_MANIFEST = 'manifest.json';

/** Version of the manifest's layout; a manifest of another layout makes the bundle stale. */
export const CHECK_BUNDLE_FORMAT = 1;

/** A file the bundle was made from or wrote, as it was then: path (relative to the manifest's `root`), size, mtime. */
export type BundleFile = [path: string, size: number, mtimeMs: number];

/** dist/check-bundle/manifest.json. */
export interface CheckBundleManifest {
  format: number;
  /** The folder the paths are relative to (dist/), relative to the bundle folder. */
  root: string;
  /** The entry module (check.ts's bundle), relative to the bundle folder. */
  entry: string;
  /** The dist/ modules bundled and the files written. */
  files: BundleFile[];
}

/** The entry module of the bundle in `dir` when its manifest matches every file it names; undefined when stale or missing. */
export function currentCheckBundle(dir = CHECK_BUNDLE_DIR): string | undefined {
  let manifest: CheckBundleManifest;
  try {
    manifest = JSON.parse(readFileSync(`${dir}${CHECK_BUNDLE_MANIFEST}`, 'utf8')) as CheckBundleManifest;
  } catch {
    return undefined;
  }
  if (manifest?.format !== CHECK_BUNDLE_FORMAT || typeof manifest.entry !== 'string' || typeof manifest.root !== 'string' || !Array.isArray(manifest.files)) return undefined;
  const root = `${dir}${manifest.root}`;
  try {
    for (const [path, size, mtimeMs] of manifest.files) {
      const stat = statSync(`${root}${path}`, { throwIfNoEntry: false });
      if (stat === undefined || !stat.isFile() || stat.size !== size || stat.mtimeMs !== mtimeMs) return undefined;
    }
  } catch {
    // A manifest entry that is not [path, size, mtime], or a path that cannot be looked at (not a folder, no access).
    return undefined;
  }
  return `${dir}${manifest.entry}`;
}

/** check.ts's `run`: from the bundle when it is current, else from dist/ (or src/ in the tests). */
async function loadCheck(bundleDir: string): Promise<typeof import('./check.js').run> {
  const entry = currentCheckBundle(bundleDir);
  if (entry !== undefined) {
    try {
      return ((await import(pathToFileURL(entry).href)) as typeof import('./check.js')).run;
    } catch {
      // A current bundle that does not load (unreadable, or a file the manifest names cannot be linked): dist/ serves.
    }
  }
  return (await import('./check.js')).run;
}

/** Runs the CLI (bin/dxacode.js): a plain check directly, anything else through main.ts. Returns the exit code. */
export async function start(argv: string[], io: CliIo, bundleDir = CHECK_BUNDLE_DIR): Promise<number> {
  const check = plainCheck(argv);
  if (check === undefined) return (await import('./main.js')).main(argv, io);
  try {
    const run = await loadCheck(bundleDir);
    return await run(io, check.file, check.options);
  } catch (error) {
    // As main.ts reports an error thrown by a command.
    io.stderr.write(`dxacode: internal error: ${(error as Error).message}\n`);
    return EXIT.unusable;
  }
}
