/**
 * Reads the office's settings (an edge) from the optional top-level `office` section of the configuration file:
 * `--config FILE` when given, else DXACODE_CONFIG, else dxacode.config.json in the working folder when it exists.
 * `{ jurisdiction?, billingNpi?, require? }`; without the section, the X12 billing provider's NPI
 * (`x12.billingProvider.npi`) is the default billing NPI. Errors name the file and the field.
 */
import { z } from 'zod';
import { isValidNpi } from '../contract/npi.js';
import { JURISDICTIONS } from '../contract/values.js';
import { formatPath } from '../engine/validate.js';
import { NO_OFFICE_SETTINGS, PROVIDER_LISTS, type OfficeSettings } from '../knowledge/office.js';
import { readConfigObject } from './x12-config-file.js';

const OfficeSection = z.strictObject({
  jurisdiction: z.enum(JURISDICTIONS, { error: `expected a Medicare Administrative Contractor jurisdiction: ${JURISDICTIONS.join(', ')}` }).optional(),
  billingNpi: z
    .string({ error: 'expected a 10-digit NPI (text)' })
    .regex(/^\d{10}$/, { error: 'expected a 10-digit NPI' })
    .refine(isValidNpi, { error: 'expected a 10-digit NPI with a valid check digit' })
    .optional(),
  require: z.array(z.enum(PROVIDER_LISTS, { error: `expected one of ${PROVIDER_LISTS.join(', ')}` }), { error: `expected a list of ${PROVIDER_LISTS.join(', ')}` }).optional(),
});

/** The office's settings (the defaults when there is no file or no section), or messages naming the file and each bad field. */
export type OfficeConfigRead = { ok: true; office: OfficeSettings; path: string | undefined } | { ok: false; messages: string[] };

/** The configuration file to read: `--config FILE`, else DXACODE_CONFIG, else undefined (the default file, when it exists). */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (flag !== undefined && flag !== '') return flag;
  const named = env.DXACODE_CONFIG;
  return named === undefined || named === '' ? undefined : named;
}

/** Reads and validates the office section of the configuration file (`path` undefined: the default file, when it exists). */
export function readOfficeConfig(path: string | undefined, cwd = process.cwd()): OfficeConfigRead {
  const read = readConfigObject(path, cwd);
  if (!read.ok) return read;
  if (read.raw === undefined) return { ok: true, office: NO_OFFICE_SETTINGS, path: undefined };
  const file = read.file;
  const top = read.raw;
  if (top.office === undefined) {
    // The X12 billing provider is the office's billing NPI unless the office section says otherwise.
    const x12 = top.x12 as { billingProvider?: { npi?: unknown } } | undefined;
    const npi = x12?.billingProvider?.npi;
    return { ok: true, office: typeof npi === 'string' && /^\d{10}$/.test(npi) ? { ...NO_OFFICE_SETTINGS, billingNpi: npi } : NO_OFFICE_SETTINGS, path: file };
  }
  const parsed = OfficeSection.safeParse(top.office);
  if (!parsed.success) {
    return { ok: false, messages: parsed.error.issues.map((issue) => `${file}: office${issue.path.length ? `.${formatPath(issue.path)}` : ''}: ${issue.message}`) };
  }
  const { jurisdiction, billingNpi, require } = parsed.data;
  return { ok: true, office: { jurisdiction, billingNpi, require: [...new Set(require ?? [])] }, path: file };
}
