/**
 * Scripts run with a build-time V8 code cache: the check bundle's code (cli/check-bundle.ts) and the generated
 * Encounter validator (io/encounter-validator.ts) are compiled by V8 with the bytecode that a run at build time
 * left, instead of parsing and compiling some 390 KB of JavaScript at every start (Node 20 has no compile cache
 * of its own for modules: `module.enableCompileCache` needs Node 22.1).
 *
 * A cache file is used only for the very code it was made from: it starts with a line naming its layout, the V8
 * version, and the size and CRC-32 of the code, and any other code (an edit, a rebuild, another Node) compiles as
 * if there were no cache. V8's own check would not do: it compares the code's length, not its content, so an edit
 * of the same length would run the old bytecode. V8 still rejects a cache made under other flags; the script is
 * then compiled as usual. Either way the code that runs is the code in the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { crc32 } from 'node:zlib';

/** The first word of a cache file's first line; another word is another layout, and the cache is not read. */
const CACHE_LAYOUT = 'dxacode-code-cache-1';

/** A script's code as V8 compiles it: the file's bytes between a fixed prefix and suffix (a wrapper function). */
export interface ScriptCode {
  /** The file the code is read from (also its name in stack traces). */
  file: string | URL;
  /** The file's bytes. */
  bytes: Buffer;
  prefix?: string;
  suffix?: string;
}

/** The file of a script's code cache: the script's file name with `.v8-cache` added (beside the script). */
export function codeCacheFileOf(scriptFile: string): string {
  return `${scriptFile}.v8-cache`;
}

/** The first line a cache of this code must have: layout, V8 version, and the code's size and CRC-32. */
export function cacheHeader(code: ScriptCode): string {
  const prefix = code.prefix ?? '';
  const suffix = code.suffix ?? '';
  const crc = crc32(suffix, crc32(code.bytes, crc32(prefix)));
  const size = prefix.length + code.bytes.byteLength + suffix.length;
  return `${CACHE_LAYOUT} ${process.versions.v8} ${size} ${crc.toString(16).padStart(8, '0')}\n`;
}

/** The V8 data in `cacheFile` when it was made from exactly this code by this V8; undefined otherwise (or no file). */
export function cachedDataFor(code: ScriptCode, cacheFile: string | URL): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const header = cacheHeader(code);
  if (cache.byteLength <= header.length || cache.toString('latin1', 0, header.length) !== header) return undefined;
  return cache.subarray(header.length);
}

/** Scripts compiled in this process whose caches writeCodeCaches() writes; undefined unless recordCodeCaches() ran. */
let recording: Map<string, { cacheFile: string | URL; script: Script; header: string }> | undefined;

/**
 * From now on, compile without caches and remember each script, for writeCodeCaches() (the build's warm-up run:
 * cli/check-bundle.ts). A normal run never calls this.
 */
export function recordCodeCaches(): void {
  recording = new Map();
}

/**
 * Writes the cache of every script compiled since recordCodeCaches(), with what it compiled while running, and
 * stops recording; returns the files written.
 */
export function writeCodeCaches(): string[] {
  const written: string[] = [];
  for (const { cacheFile, script, header } of recording?.values() ?? []) {
    writeFileSync(cacheFile, Buffer.concat([Buffer.from(header, 'latin1'), script.createCachedData()]));
    written.push(cacheFile instanceof URL ? fileURLToPath(cacheFile) : cacheFile);
  }
  recording = undefined;
  return written;
}

/** Compiles the code (with the cache in `cacheFile` when it is this code's) and runs it; returns its value. */
export function runCachedScript(code: ScriptCode, cacheFile: string | URL): unknown {
  const cachedData = recording ? undefined : cachedDataFor(code, cacheFile);
  const filename = code.file instanceof URL ? code.file.href : code.file;
  const script = new Script(`${code.prefix ?? ''}${code.bytes.toString('utf8')}${code.suffix ?? ''}`, { filename, ...(cachedData ? { cachedData } : {}) });
  recording?.set(String(cacheFile), { cacheFile, script, header: cacheHeader(code) });
  return script.runInThisContext();
}

/** runCachedScript() of a whole file: the check bundle's code (cli/check-bundle.ts). */
export function runCachedScriptFile(file: URL, cacheFile: URL): unknown {
  return runCachedScript({ file, bytes: readFileSync(file) }, cacheFile);
}
