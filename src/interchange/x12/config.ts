/**
 * The X12 configuration: who submits, who receives, the billing provider, payer ids and charges per code
 * (docs/x12.md). Validated with zod; without a file, SAMPLE_CONFIG writes a test-mode interchange whose ids are
 * all labelled SAMPLE. Pure: reading the file is an edge (src/io/x12-config-file.ts).
 */
import { z } from 'zod';
import { isValidNpi } from '../../contract/npi.js';
import { formatPath } from '../../engine/validate.js';

/** Text that may go into an X12 element: no separators we write (* : ^ ~), no `|`, no line breaks. */
const ELEMENT_TEXT = /^[^*:^~|\r\n]+$/;
const text = (max: number, what: string) =>
  z
    .string({ error: `expected ${what} (text)` })
    .min(1, { error: `expected ${what}` })
    .max(max, { error: `expected ${what} of at most ${max} characters` })
    .regex(ELEMENT_TEXT, { error: `expected ${what} without * : ^ ~ | or line breaks (they separate X12 elements)` });
/** ISA06/ISA08 and GS02/GS03 identifiers: 2 to 15 letters, digits or spaces inside. */
const interchangeId = (what: string) =>
  z.string({ error: `expected ${what} (text)` }).regex(/^[0-9A-Za-z][0-9A-Za-z -]{0,13}[0-9A-Za-z]$/, {
    error: `expected ${what} of 2 to 15 letters or digits (ISA06/ISA08 are 15 characters wide)`,
  });

/** The NPI check digit (kept in contract/npi.ts, where the rules read it too; re-exported for X12 callers). */
export { isValidNpi } from '../../contract/npi.js';

const Npi = z.string({ error: 'expected a 10-digit NPI (text)' }).refine(isValidNpi, { error: 'expected a 10-digit NPI with a valid check digit' });

/** An address for N3/N4 (2010AA requires the 9-digit ZIP). */
const Address = z.strictObject({
  line: text(55, 'an address line'),
  line2: text(55, 'a second address line').optional(),
  city: text(30, 'a city'),
  state: z.string({ error: 'expected a state code' }).regex(/^[A-Z]{2}$/, { error: 'expected a two-letter state code in capitals (e.g. NY)' }),
  postalCode: z.string({ error: 'expected a ZIP code' }).regex(/^\d{5}(\d{4})?$/, { error: 'expected a ZIP code of 5 or 9 digits' }),
});

/** The payer for one payer pack id: name and id as the receiver knows them (2010BB), claim filing indicator (SBR09). */
const PayerEntry = z.strictObject({
  name: text(60, 'the payer name'),
  id: z.string({ error: 'expected the payer id' }).regex(/^[0-9A-Za-z-]{2,80}$/, { error: 'expected a payer id of 2 to 80 letters, digits or dashes' }),
  claimFilingIndicator: z
    .string()
    .regex(/^[0-9A-Z]{2}$/, { error: 'expected a two-character claim filing indicator code (SBR09, e.g. MB, CI)' })
    .optional(),
});

/** Money as a number with at most two decimals, from 0 to 9,999,999.99. */
const Charge = z
  .number({ error: 'expected a charge in dollars (a number, e.g. 125.5)' })
  .min(0, { error: 'expected a charge of 0 or more' })
  .max(9_999_999.99, { error: 'expected a charge below 10,000,000' })
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, { error: 'expected at most two decimals (cents)' });

/** The configuration file, as documented in docs/x12.md. */
export const X12Config = z
  .strictObject({
    $schema: z.string().optional(),
    usage: z.enum(['production', 'test'], { error: 'expected "production" (ISA15 P) or "test" (ISA15 T)' }),
    submitter: z.strictObject({
      name: text(60, 'the submitter name'),
      id: interchangeId('the submitter id'),
      contact: z.strictObject({
        name: text(60, 'the contact name'),
        phone: z.string({ error: 'expected a phone number' }).regex(/^\d{10}$/, { error: 'expected a 10-digit phone number, digits only' }),
      }),
    }),
    receiver: z.strictObject({
      name: text(60, 'the receiver name'),
      id: interchangeId('the receiver id'),
    }),
    interchangeIdQualifier: z.string().regex(/^[0-9A-Z]{2}$/, { error: 'expected a two-character ISA05/ISA07 qualifier (e.g. ZZ)' }).optional(),
    billingProvider: z.strictObject({
      name: text(60, 'the billing provider name'),
      npi: Npi,
      taxId: z.string({ error: 'expected the tax id' }).regex(/^\d{9}$/, { error: 'expected a 9-digit employer identification number, digits only' }),
      address: Address.refine((a) => a.postalCode.length === 9, { error: 'expected the 9-digit ZIP code (2010AA N403)', path: ['postalCode'] }),
    }),
    payers: z.record(z.string().min(1).max(64), PayerEntry, { error: 'expected an object from payer pack id to { name, id }' }),
    charges: z.record(
      z.string().regex(/^([0-9]{4}[0-9FTU]|[A-V][0-9]{4})$/, { error: 'expected a CPT or HCPCS code as the key' }),
      Charge,
      { error: 'expected an object from CPT/HCPCS code to charge' },
    ),
    placeOfService: z.string().regex(/^\d{2}$/, { error: 'expected a two-digit CMS place-of-service code' }).optional(),
    claimsPerTransaction: z.number().int().min(1).max(5000, { error: 'expected at most 5000 claims per ST (005010X222A1 recommendation)' }).optional(),
  })
  .meta({ id: 'X12Config', description: 'dxacode X12 837P configuration (docs/x12.md)' });

/** A validated configuration. */
export type X12Config = z.infer<typeof X12Config>;

/** A configuration with every default filled, and whether it is the built-in sample. */
export interface X12Settings extends X12Config {
  interchangeIdQualifier: string;
  placeOfService: string;
  claimsPerTransaction: number;
  /** True when no configuration was given: every id is a labelled sample and ISA15 is T. */
  sample: boolean;
}

/** One problem with one field of the configuration. */
export interface ConfigProblem {
  field: string;
  message: string;
}

/** Default place of service when neither the encounter nor the configuration gives one: 11, office (CMS POS). */
export const DEFAULT_PLACE_OF_SERVICE = '11';
/** The 005010X222A1 front matter recommends at most 5000 CLM per transaction set. */
export const DEFAULT_CLAIMS_PER_TRANSACTION = 5000;

/**
 * Built-in sample configuration for test mode. NPI 1234567893 is the check-digit example that documentation
 * uses; it identifies no real provider. Every name says SAMPLE; no id here is a real payer id.
 */
export const SAMPLE_CONFIG: X12Settings = {
  usage: 'test',
  submitter: { name: 'SAMPLE SUBMITTER', id: 'SAMPLESUBMITTER', contact: { name: 'SAMPLE CONTACT', phone: '5555550100' } },
  receiver: { name: 'SAMPLE RECEIVER', id: 'SAMPLERECEIVER' },
  interchangeIdQualifier: 'ZZ',
  billingProvider: {
    name: 'SAMPLE BILLING PROVIDER',
    npi: '1234567893',
    taxId: '000000000',
    address: { line: '1 SAMPLE STREET', city: 'SAMPLE CITY', state: 'NY', postalCode: '000000000' },
  },
  payers: {},
  charges: {},
  placeOfService: DEFAULT_PLACE_OF_SERVICE,
  claimsPerTransaction: DEFAULT_CLAIMS_PER_TRANSACTION,
  sample: true,
};

/** Sample charge per line in test mode (a made-up figure, never a fee schedule). */
export const SAMPLE_CHARGE = 100;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** Validates a parsed configuration file and fills the defaults. */
export function parseX12Config(input: unknown): { ok: true; config: X12Settings } | { ok: false; problems: ConfigProblem[] } {
  const parsed = X12Config.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.slice(0, 20).map((issue) => {
        const field = issue.path.length === 0 ? '' : formatPath(issue.path);
        if (issue.code === 'unrecognized_keys') return { field, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (docs/x12.md lists the fields)` };
        const raw = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
        const message = raw.replace(/^Invalid input: /, '').replace(/, received \w+$/, '');
        return { field, message: issue.code !== 'invalid_key' && valueAt(input, issue.path) === undefined ? `missing; ${message}` : message };
      }),
    };
  }
  const config = parsed.data;
  return {
    ok: true,
    config: {
      ...config,
      interchangeIdQualifier: config.interchangeIdQualifier ?? 'ZZ',
      placeOfService: config.placeOfService ?? DEFAULT_PLACE_OF_SERVICE,
      claimsPerTransaction: config.claimsPerTransaction ?? DEFAULT_CLAIMS_PER_TRANSACTION,
      sample: false,
    },
  };
}
