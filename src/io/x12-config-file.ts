/**
 * Reads the configuration file (an edge): `--config FILE`, else `dxacode.config.json` in the working folder when
 * it exists, else none (the X12 writer then writes a test interchange with SAMPLE ids). The X12 settings sit under
 * the file's `x12` key (docs/x12.md); other top-level keys belong to other formats and are left alone.
 */
import { parseX12Config, type X12Settings } from '../interchange/x12/config.js';
import { readConfigObject } from './config-file.js';

export { DEFAULT_CONFIG_FILE } from './config-file.js';

/** The X12 settings (undefined: no file, test mode), or messages naming the file and each bad field. */
export type X12ConfigRead = { ok: true; config: X12Settings | undefined; path: string | undefined } | { ok: false; messages: string[] };

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
