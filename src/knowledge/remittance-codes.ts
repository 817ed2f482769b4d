/**
 * The codes that come back after an 837P, in words for a coder: claim adjustment reason codes (CARC) and remark
 * codes (RARC) for the denials bone densitometry sees, with the category each belongs to (frequency, medical
 * necessity, bundling, modifiers, non-covered, missing information), the adjustment group codes, the 999
 * acknowledgment and error codes, the 277CA status categories and the 835 claim statuses. Every entry carries its
 * source and confidence; a code that is not in the table is shown without words, never guessed.
 */
import { z } from 'zod';
import { Source } from '../contract/result.js';
import { KnowledgeError } from './errors.js';

/** The denial categories the issue names, plus routine adjustments and the rest. */
export const DENIAL_CATEGORIES = ['frequency', 'medical-necessity', 'bundling', 'modifiers', 'non-covered', 'missing-information', 'routine', 'other'] as const;
/** One denial category. */
export type DenialCategory = (typeof DENIAL_CATEGORIES)[number];

const Described = z.strictObject({ code: z.string().min(1), description: z.string().min(1), source: Source });

/** One CARC or RARC with its words, categories and source. */
export const RemittanceCodeEntry = z.strictObject({
  list: z.enum(['CARC', 'RARC']),
  code: z.string().regex(/^([0-9]{1,3}|[A-Z][0-9]{1,2}|M[0-9]{1,3}|MA[0-9]{1,3}|N[0-9]{1,3})$/, { error: 'expected a CARC (1, 151, B15) or RARC (M86, MA130, N115) code' }),
  categories: z.array(z.enum(DENIAL_CATEGORIES)).min(1),
  description: z.string().min(1),
  source: Source,
  /** How the copies read disagree, or why the entry is unverified. */
  note: z.string().optional(),
});
/** A CARC or RARC entry. */
export type RemittanceCodeEntry = z.infer<typeof RemittanceCodeEntry>;

/** The remittance codes file (src/knowledge/data/remittance-codes.json). */
export const RemittanceCodesTable = z.strictObject({
  table: z.literal('remittance-codes'),
  title: z.string(),
  version: z.string(),
  note: z.string(),
  entries: z.array(RemittanceCodeEntry).min(1),
  adjustmentGroups: z.array(Described.extend({ name: z.string() })),
  acknowledgmentCodes: z.strictObject({ transactionSet: z.array(Described), group: z.array(Described), segmentError: z.array(Described), elementError: z.array(Described) }),
  claimStatusCategories: z.array(Described.extend({ outcome: z.enum(['forwarded', 'received', 'accepted', 'rejected']) })),
  claimPaymentStatuses: z.array(Described),
});

/** One code in words, with where the words come from. */
export interface CodeWords {
  code: string;
  description: string;
  source: Source;
}

/** The compiled table: lookups by code. */
export interface RemittanceCodes {
  version: string;
  carc: ReadonlyMap<string, RemittanceCodeEntry>;
  rarc: ReadonlyMap<string, RemittanceCodeEntry>;
  adjustmentGroups: ReadonlyMap<string, CodeWords & { name: string }>;
  transactionAck: ReadonlyMap<string, CodeWords>;
  groupAck: ReadonlyMap<string, CodeWords>;
  segmentError: ReadonlyMap<string, CodeWords>;
  elementError: ReadonlyMap<string, CodeWords>;
  statusCategories: ReadonlyMap<string, CodeWords & { outcome: 'forwarded' | 'received' | 'accepted' | 'rejected' }>;
  claimPaymentStatuses: ReadonlyMap<string, CodeWords>;
}

function byCode<T extends { code: string }>(rows: readonly T[], what: string): Map<string, T> {
  const map = new Map<string, T>();
  for (const row of rows) {
    if (map.has(row.code)) throw new KnowledgeError(`remittance-codes.json: ${what} ${row.code} is listed twice`);
    map.set(row.code, row);
  }
  return map;
}

/** Validates and indexes the remittance codes file; a bad file is a KnowledgeError naming the field. */
export function compileRemittanceCodes(data: unknown): RemittanceCodes {
  const parsed = RemittanceCodesTable.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new KnowledgeError(`remittance-codes.json: ${issue.path.join('.')}: ${issue.message}`);
  }
  const table = parsed.data;
  for (const entry of table.entries) {
    if (entry.source.confidence === 'unverified' && entry.note === undefined) throw new KnowledgeError(`remittance-codes.json: ${entry.list} ${entry.code} is unverified but its note does not say why`);
  }
  return {
    version: table.version,
    carc: byCode(table.entries.filter((e) => e.list === 'CARC'), 'CARC'),
    rarc: byCode(table.entries.filter((e) => e.list === 'RARC'), 'RARC'),
    adjustmentGroups: byCode(table.adjustmentGroups, 'adjustment group'),
    transactionAck: byCode(table.acknowledgmentCodes.transactionSet, 'IK501 code'),
    groupAck: byCode(table.acknowledgmentCodes.group, 'AK901 code'),
    segmentError: byCode(table.acknowledgmentCodes.segmentError, 'IK304 code'),
    elementError: byCode(table.acknowledgmentCodes.elementError, 'IK403 code'),
    statusCategories: byCode(table.claimStatusCategories, 'status category'),
    claimPaymentStatuses: byCode(table.claimPaymentStatuses, 'CLP02 code'),
  };
}

/** `CO-151 125.50 (Payment adjusted because ...)`, or `CO-999 (no description embedded)` for a code the table lacks. */
export function describeAdjustment(codes: RemittanceCodes, group: string, reason: string, amount?: string): string {
  const words = codes.carc.get(reason);
  return `${group}-${reason}${amount !== undefined ? ` ${amount}` : ''} (${words ? words.description : 'no description embedded'})`;
}

/** `M86 (Service denied because ...)`, or `N999 (no description embedded)`. */
export function describeRemark(codes: RemittanceCodes, code: string): string {
  const words = codes.rarc.get(code);
  return `${code} (${words ? words.description : 'no description embedded'})`;
}
