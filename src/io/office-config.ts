/**
 * Reads the office's settings (an edge) from the optional top-level `office` section of the configuration file:
 * `--config FILE` when given, else DXACODE_CONFIG, else dxacode.config.json in the working folder when it exists.
 * `{ jurisdiction?, billingNpi?, require? }`; without the section, the X12 billing provider's NPI
 * (`x12.billingProvider.npi`) is the default billing NPI. Errors name the file and the field. The section's schema
 * (office-section.ts) is loaded only when there is a section: most runs have none, and every command reads this.
 */
import { NO_OFFICE_SETTINGS, type OfficeSettings } from '../knowledge/office.js';
import { readConfigObject } from './config-file.js';

export { configPath } from './config-file.js';

/** The office's settings (the defaults when there is no file or no section), or messages naming the file and each bad field. */
export type OfficeConfigRead = { ok: true; office: OfficeSettings; path: string | undefined } | { ok: false; messages: string[] };

/** Reads and validates the office section of the configuration file (`path` undefined: the default file, when it exists). */
export async function readOfficeConfig(path: string | undefined, cwd = process.cwd()): Promise<OfficeConfigRead> {
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
  const section = (await import('./office-section.js')).officeSection(top.office, file);
  return section.ok ? { ...section, path: file } : section;
}
