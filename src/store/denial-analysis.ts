/**
 * What a remittance says about each billed line, set beside what dxacode had said about it (issue 12 §3): whether the
 * line was denied and why (CARC and RARC in words, with their source), which findings of the exported result version
 * were about that line, a suggested correction and resubmission path with its basis, and the payer-pack rule kind a
 * denial dxacode missed maps to. Pure functions over rows the store has read; no payer rule is made up here: a
 * suggestion rests on the codes' own words, the group code's meaning and dxacode's findings, and says so.
 */
import type { Finding, Result, Source } from '../contract/result.js';
import type { Encounter } from '../contract/encounter.js';
import { type DenialCategory, type RemittanceCodes } from '../knowledge/remittance-codes.js';

/** One CAS adjustment in words. */
export interface AdjustmentWords {
  group: string;
  /** The group's name (Contractual Obligations, Patient Responsibility, ...), when the group is known. */
  groupName?: string;
  code: string;
  description?: string;
  categories: DenialCategory[];
  cents: number;
  source?: Source;
}

/** One remark code (RARC) in words. */
export interface RemarkWords {
  code: string;
  description?: string;
  categories: DenialCategory[];
  source?: Source;
}

/** A finding of the exported result version about one billed line. */
export interface LineFinding {
  rule: string;
  severity: Finding['severity'];
  message: string;
  fix?: string;
  /** `line`: the finding points at this line (by claim line or code); `claim`: it is about the claim as a whole. */
  scope: 'line' | 'claim';
  /** The coder's override of this finding before the claim was accepted, with its reason. */
  override?: { reason: string; actor: string };
}

/** How to resubmit a denied line. */
export const RESUBMISSION_PATHS = ['corrected-claim', 'new-claim', 'appeal', 'no-resubmission', 'review'] as const;
/** One resubmission path. */
export type ResubmissionPath = (typeof RESUBMISSION_PATHS)[number];

/** A suggested correction and resubmission path, with what it rests on. */
export interface Suggestion {
  path: ResubmissionPath;
  /** CLM05-3 of the claim to send: 7 replaces the paid or denied claim, 1 is a new original claim. */
  frequencyCode?: '1' | '7';
  action: string;
  /** Each thing the suggestion rests on, in words: the codes, the group, dxacode's findings, the reference. */
  basis: string[];
}

/** The payer-pack rule kinds (docs/payer-packs.md "Rules") a missed denial of each category maps to. */
export const PACK_RULE_KINDS: Record<DenialCategory, string | null> = {
  frequency: 'frequency',
  'medical-necessity': 'coverage',
  'non-covered': 'not-covered',
  bundling: 'bundled',
  'missing-information': 'documentation',
  modifiers: null,
  routine: null,
  other: null,
};

/** Where the payer-pack format is described, for a coder turning a miss into a rule. */
export const PACK_DOCS = 'docs/payer-packs.md';

/** CLM05-3 frequency codes as REFERENCE.md §9 lists them for the 837P (1 original, 7 replacement, 8 void). */
const FREQUENCY_BASIS = 'REFERENCE.md §9: the 837P CLM frequency code is 1 (original), 7 (replacement of a prior claim) or 8 (void)';

/** A procedure code as a finding's `code` param gives it (a diagnosis code has a dot and is not one). */
const PROCEDURE_CODE = /^[0-9A-Z]{5}$/;

/** The CARC of an adjustment in words; a code the table lacks is `other`, never guessed. */
export function adjustmentWords(codes: RemittanceCodes, group: string, code: string, cents: number): AdjustmentWords {
  const entry = codes.carc.get(code);
  const groupEntry = codes.adjustmentGroups.get(group);
  return {
    group,
    ...(groupEntry ? { groupName: groupEntry.name } : {}),
    code,
    ...(entry ? { description: entry.description, source: entry.source } : {}),
    categories: entry ? [...entry.categories] : ['other'],
    cents,
  };
}

/** A RARC in words; a code the table lacks has no description. */
export function remarkWords(codes: RemittanceCodes, code: string): RemarkWords {
  const entry = codes.rarc.get(code);
  return { code, ...(entry ? { description: entry.description, source: entry.source } : {}), categories: entry ? [...entry.categories] : [] };
}

/** An adjustment that denies or reduces for a reason (anything but deductible, coinsurance, copay, fee schedule). */
export function isDenialAdjustment(a: AdjustmentWords): boolean {
  return a.cents > 0 && !a.categories.every((c) => c === 'routine');
}

/** The billed line the findings are compared with: its 1-based position on the exported claim and its code. */
export interface BilledLine {
  line: number;
  code: string;
}

/**
 * The findings of the exported result version about one billed line. A finding with `line` is about the submitted
 * line at that index, so it applies when that line bills the same code; one without `line` but with a procedure
 * `code` param applies to the line of that code; any other finding is about the claim as a whole and applies to
 * every line. Info notes are left out. The coder's overrides of that version are attached.
 */
export function findingsForLine(result: Result, encounter: Encounter, overrides: readonly { rule: string; line: number | null; reason: string; actor: string }[], billed: BilledLine): LineFinding[] {
  const submitted = encounter.claim?.lines ?? [];
  const out: LineFinding[] = [];
  for (const f of result.findings) {
    if (f.severity === 'info') continue;
    let scope: LineFinding['scope'];
    if (f.line !== undefined) {
      if (submitted[f.line]?.code.toUpperCase() !== billed.code) continue;
      scope = 'line';
    } else {
      const code = f.params?.code;
      if (typeof code === 'string' && PROCEDURE_CODE.test(code)) {
        if (code !== billed.code) continue;
        scope = 'line';
      } else scope = 'claim';
    }
    // As the store matches them: an override without a line covers every line of its rule.
    const override = overrides.find((o) => o.rule === f.rule && (o.line === null || o.line === f.line));
    out.push({ rule: f.rule, severity: f.severity, message: f.message, ...(f.fix !== undefined ? { fix: f.fix } : {}), scope, ...(override ? { override: { reason: override.reason, actor: override.actor } } : {}) });
  }
  return out;
}

/** The denial category that decides the path, most specific first (a claim the payer could not process comes first). */
const CATEGORY_ORDER: readonly DenialCategory[] = ['missing-information', 'modifiers', 'bundling', 'medical-necessity', 'frequency', 'non-covered', 'other'];

/** The categories of a denied line: its denying CARCs' and its remarks', in the order above. */
export function denialCategories(reasons: readonly AdjustmentWords[], remarks: readonly RemarkWords[]): DenialCategory[] {
  const found = new Set<DenialCategory>();
  for (const r of reasons) if (isDenialAdjustment(r)) for (const c of r.categories) found.add(c);
  for (const r of remarks) for (const c of r.categories) found.add(c);
  found.delete('routine');
  return CATEGORY_ORDER.filter((c) => found.has(c));
}

const words = (r: { code: string; description?: string }) => `${r.code} (${r.description ?? 'no description embedded'})`;

/**
 * A correction and resubmission path for a denied line, from its CARC category (the first of denialCategories), its
 * remark codes and dxacode's findings on the line. The basis names every code, group and finding it rests on.
 */
export function suggestResubmission(codes: RemittanceCodes, reasons: readonly AdjustmentWords[], remarks: readonly RemarkWords[], findings: readonly LineFinding[]): Suggestion {
  const denying = reasons.filter(isDenialAdjustment);
  const basis: string[] = [
    ...denying.map((r) => `CARC ${words(r)}, group ${r.group}${r.groupName ? ` (${r.groupName})` : ''}${r.source ? `; source: ${r.source.title}` : ''}`),
    ...remarks.map((r) => `RARC ${words(r)}${r.source ? `; source: ${r.source.title}` : ''}`),
  ];
  const withFix = findings.filter((f) => f.severity !== 'info' && f.fix !== undefined);
  const said = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
  for (const f of said) basis.push(`dxacode ${f.severity} ${f.rule} on the exported version: ${f.message}${f.override ? ` (overridden before export: ${f.override.reason})` : ''}`);
  const fixText = withFix.length > 0 ? ` dxacode's fix: ${withFix.map((f) => `${f.fix} (${f.rule})`).join('; ')}.` : '';
  const category = denialCategories(reasons, remarks)[0] ?? 'other';
  const corrected = (action: string): Suggestion => ({ path: 'corrected-claim', frequencyCode: '7', action: `${action}${fixText} Send it as a replacement claim (CLM05-3 frequency code 7) with the payer's claim number.`, basis: [...basis, FREQUENCY_BASIS] });

  // The remark says so itself: an unprocessable claim has no appeal rights and is sent again as a new claim.
  if (remarks.some((r) => r.code === 'MA130')) {
    return { path: 'new-claim', frequencyCode: '1', action: `Complete or correct what the remark codes name and send a new claim (frequency code 1), not a replacement or an appeal: the payer did not process this one.${fixText}`, basis: [...basis, FREQUENCY_BASIS] };
  }
  // CARC 109 says where to send it: another payer or contractor.
  if (denying.some((r) => r.code === '109')) {
    return { path: 'new-claim', frequencyCode: '1', action: 'Send the claim to the correct payer or contractor as a new claim (frequency code 1).', basis: [...basis, FREQUENCY_BASIS] };
  }
  switch (category) {
    case 'missing-information':
      return corrected('Supply or correct the information the CARC and remark codes name.');
    case 'modifiers':
      return corrected('Correct the line\'s modifiers.');
    case 'bundling':
      return withFix.length > 0
        ? corrected('Bill the services as dxacode recommends (the combined code, or a modifier only where the report documents a distinct service).')
        : { path: 'review', action: 'The payer counts this service as part of another one paid on the same day. Send a replacement claim (frequency code 7) only if the report documents a distinct service that the claim did not show; otherwise its payment is in the other service and nothing is resubmitted.', basis: [...basis, FREQUENCY_BASIS] };
    case 'medical-necessity':
      return withFix.length > 0 || findings.some((f) => f.rule.startsWith('dx.') || f.rule.startsWith('diagnos'))
        ? corrected('Put the documented indication on the claim: the diagnosis codes the report supports, with the line pointing to them.')
        : { path: 'appeal', action: 'If the report and order document an indication the payer\'s coverage policy accepts, appeal with them; if the claim left out a documented diagnosis, send a replacement claim (frequency code 7) with it instead.', basis: [...basis, FREQUENCY_BASIS] };
    case 'frequency':
      return { path: 'appeal', action: `A replacement claim does not change when the earlier study was. Appeal only if the records show the interval had passed or an exception of the payer's policy applies; otherwise the service is not paid.${groupLiability(denying)}`, basis };
    case 'non-covered':
      return { path: 'no-resubmission', action: `A corrected claim does not make the service covered. Appeal only if the payer's policy covers it for this patient.${groupLiability(denying)}`, basis };
    default:
      return { path: 'review', action: `Read the payer's explanation: send a replacement claim (frequency code 7) if something on the claim was wrong, appeal if the claim was right.${fixText}`, basis: [...basis, FREQUENCY_BASIS] };
  }
}

/** Who carries a denied amount, in the words of its group codes (CO: written off, PR: billed to the patient). */
function groupLiability(denying: readonly AdjustmentWords[]): string {
  const groups = new Set(denying.map((r) => r.group));
  if (groups.has('PR')) return ' Group PR: the amount is the patient\'s to pay.';
  if (groups.has('CO')) return ' Group CO: a contractual adjustment, written off and not billed to the patient.';
  return '';
}
