/**
 * Validates the `office` section of the configuration file (office-config.ts reads the file, and loads this module
 * and its schema only when the section is there): `{ jurisdiction?, billingNpi?, require? }`, errors naming the
 * file and the field.
 */
import { z } from 'zod';
import { isValidNpi } from '../contract/npi.js';
import { JURISDICTIONS } from '../contract/values.js';
import { formatPath } from '../engine/validate.js';
import { PROVIDER_LISTS, type OfficeSettings } from '../knowledge/office.js';

const OfficeSection = z.strictObject({
  jurisdiction: z.enum(JURISDICTIONS, { error: `expected a Medicare Administrative Contractor jurisdiction: ${JURISDICTIONS.join(', ')}` }).optional(),
  billingNpi: z
    .string({ error: 'expected a 10-digit NPI (text)' })
    .regex(/^\d{10}$/, { error: 'expected a 10-digit NPI' })
    .refine(isValidNpi, { error: 'expected a 10-digit NPI with a valid check digit' })
    .optional(),
  require: z.array(z.enum(PROVIDER_LISTS, { error: `expected one of ${PROVIDER_LISTS.join(', ')}` }), { error: `expected a list of ${PROVIDER_LISTS.join(', ')}` }).optional(),
});

/** The office's settings from the section, or messages naming the file and each bad field. */
export function officeSection(section: unknown, file: string): { ok: true; office: OfficeSettings } | { ok: false; messages: string[] } {
  const parsed = OfficeSection.safeParse(section);
  if (!parsed.success) {
    return { ok: false, messages: parsed.error.issues.map((issue) => `${file}: office${issue.path.length ? `.${formatPath(issue.path)}` : ''}: ${issue.message}`) };
  }
  const { jurisdiction, billingNpi, require } = parsed.data;
  return { ok: true, office: { jurisdiction, billingNpi, require: [...new Set(require ?? [])] } };
}
