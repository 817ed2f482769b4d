/**
 * Reads the configuration file (an edge): `--config FILE`, else `dxacode.config.json` in the working folder when
 * it exists, else none (the X12 writer then writes a test interchange with SAMPLE ids). The X12 settings sit under
 * the file's `x12` key (docs/x12.md); other top-level keys belong to other formats and are left alone.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseX12Config, type X12Settings } from '../interchange/x12/config.js';

/** Configuration file looked for in the working folder when none is named. */
export const DEFAULT_CONFIG_FILE = 'dxacode.config.json';

/** The X12 settings (undefined: no file, test mode), or messages naming the file and each bad field. */
export type X12ConfigRead = { ok: true; config: X12Settings | undefined; path: string | undefined } | { ok: false; messages: string[] };

/** The configuration file's top-level object, none when the default file is absent, or messages naming the file. */
export type ConfigObjectRead = { ok: true; raw: Record<string, unknown> | undefined; file: string } | { ok: false; messages: string[] };

/**
 * Reads the configuration file as a JSON object (`path` undefined: dxacode.config.json in `cwd`, which may be
 * absent). Each section (x12, office) is validated by its own reader.
 */
export function readConfigObject(path: string | undefined, cwd = process.cwd()): ConfigObjectRead {
  const file = resolve(cwd, path ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (path === undefined && code === 'ENOENT') return { ok: true, raw: undefined, file };
    return { ok: false, messages: [`${file}: cannot read the configuration file (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, messages: [`${file}: not valid JSON (${(error as Error).message})`] };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, messages: [`${file}: expected a JSON object with an "x12" and/or an "office" section (docs/x12.md)`] };
  return { ok: true, raw: raw as Record<string, unknown>, file };
}

/** Reads and validates the X12 part of the configuration file. */
export function readX12ConfigFile(path: string | undefined, cwd = process.cwd()): X12ConfigRead {
  const read = readConfigObject(path, cwd);
  if (!read.ok) return read;
  if (read.raw === undefined) return { ok: true, config: undefined, path: undefined };
  const file = read.file;
  const section = read.raw.x12;
  if (section === undefined) return { ok: false, messages: [`${file}: x12: missing; expected the X12 settings (docs/x12.md)`] };
  const parsed = parseX12Config(section);
  if (!parsed.ok) return { ok: false, messages: parsed.problems.map((p) => `${file}: x12${p.field === '' ? '' : `.${p.field}`}: ${p.message}`) };
  return { ok: true, config: parsed.config, path: file };
}
