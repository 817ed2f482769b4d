/**
 * Reads the research registry's settings (an edge, docs/registry.md): the optional top-level `registry` section of the
 * configuration file (`--config FILE`, else DXACODE_CONFIG, else dxacode.config.json in the working folder when it
 * exists) — `{ minimumCellSize?, leastSignificantChange? }` — and the date-shift secret from DXACODE_REGISTRY_SECRET
 * (never from a file that might be shared, never stored, never exported). Errors name the file and the field.
 */
import { z } from 'zod';
import { LeastSignificantChange } from '../report/input.js';
import type { RegistrySettings } from '../store/registry.js';
import { readConfigObject } from './config-file.js';

/** The `registry` section of the configuration file. */
const RegistrySection = z.strictObject({
  minimumCellSize: z.number().int({ error: 'expected a whole number of patients' }).min(2, { error: 'expected at least 2 (a count of 1 identifies a patient)' }).max(1000).optional(),
  leastSignificantChange: LeastSignificantChange.optional(),
});

/** The registry settings, or messages naming the file and each bad field. */
export type RegistryConfigRead = { ok: true; settings: RegistrySettings } | { ok: false; messages: string[] };

/** Reads the registry section (`path` undefined: the default file, when it exists) and DXACODE_REGISTRY_SECRET. */
export function readRegistryConfig(path: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): RegistryConfigRead {
  const read = readConfigObject(path, cwd);
  if (!read.ok) return read;
  const secret = env.DXACODE_REGISTRY_SECRET;
  const fromEnv: RegistrySettings = secret !== undefined && secret !== '' ? { dateShiftSecret: secret } : {};
  const raw = read.raw?.registry;
  if (raw === undefined) return { ok: true, settings: fromEnv };
  const parsed = RegistrySection.safeParse(raw);
  if (!parsed.success) return { ok: false, messages: parsed.error.issues.map((i) => `${read.file}: registry.${i.path.join('.')}: ${i.message}`) };
  return {
    ok: true,
    settings: {
      ...fromEnv,
      ...(parsed.data.minimumCellSize !== undefined ? { minimumCellSize: parsed.data.minimumCellSize } : {}),
      ...(parsed.data.leastSignificantChange !== undefined ? { leastSignificantChange: parsed.data.leastSignificantChange } : {}),
    },
  };
}
