/**
 * Reads the configuration file (an edge) as a JSON object: `--config FILE`, else DXACODE_CONFIG, else
 * `dxacode.config.json` in the working folder when it exists. Each section is validated by its own reader (x12 by
 * x12-config-file.ts, office by office-config.ts), loaded only when the section is there.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The configuration file to read: `--config FILE`, else DXACODE_CONFIG, else undefined (the default file, when it exists). */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (flag !== undefined && flag !== '') return flag;
  const named = env.DXACODE_CONFIG;
  return named === undefined || named === '' ? undefined : named;
}

/** Configuration file looked for in the working folder when none is named. */
export const DEFAULT_CONFIG_FILE = 'dxacode.config.json';

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
