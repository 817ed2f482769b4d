/**
 * Denials and what predicted them (issue 12 §3), read from the store on SQLite and PostgreSQL alike: each exported
 * claim's latest 835 payment set beside the result version that was exported, line by line. From it come the denial
 * worklist (denied lines with their reasons in words, dxacode's findings on the line and a resubmission path), the
 * prediction figures per rule and per payer with the misses a coder can turn into payer-pack rules, the money, and
 * each encounter's life from its first check to its payment or denial. Plain selects in chunks; the counting is done
 * here, so no query depends on one database's SQL.
 */
import type { Encounter } from '../contract/encounter.js';
import type { Result } from '../contract/result.js';
import type { DenialCategory, RemittanceCodes } from '../knowledge/remittance-codes.js';
import type { ClaimPayment835, ClaimStatus277 } from '../interchange/x12/responses.js';
import {
  adjustmentWords,
  denialCategories,
  findingsForLine,
  isDenialAdjustment,
  PACK_DOCS,
  PACK_RULE_KINDS,
  remarkWords,
  suggestResubmission,
  type AdjustmentWords,
  type LineFinding,
  type RemarkWords,
  type Suggestion,
} from './denial-analysis.js';
import { withStoreErrors } from './errors.js';
import type { OrganizationStore } from './organization.js';

/** Filters of the denial views; dates are inclusive YYYY-MM-DD dates of service. */
export interface DenialFilters {
  payer?: string;
  from?: string;
  to?: string;
}

/** One billed line with what its latest 835 said and what dxacode had said. */
export interface AdjudicatedLine {
  encounterId: string;
  externalId: string | null;
  claimId: string;
  payer: string;
  dateOfService: string;
  /** The result version that was exported (and accepted). */
  version: number;
  /** 1-based position on the exported claim. */
  line: number;
  code: string;
  modifiers: string[];
  units: number;
  /** The line's diagnosis pointers (1-based into the claim's diagnoses) with their codes, from the exported version. */
  diagnoses: { pointer: number; code: string }[];
  billedCents: number;
  paidCents: number | null;
  allowedCents: number | null;
  /** The denying adjustments' total on this line (claim-level ones are counted in the money, not here). */
  deniedCents: number;
  /** CLP02 of the payment. */
  claimStatus: string;
  /** Every adjustment on the line and, when the payment has no service lines, on the claim. */
  adjustments: AdjustmentWords[];
  remarks: RemarkWords[];
  denied: boolean;
  categories: DenialCategory[];
  findings: LineFinding[];
  /** An error finding applies to the line: dxacode predicted a denial. */
  flagged: boolean;
  importedAt: string;
}

/** A denied line on the worklist. */
export interface DeniedLine extends AdjudicatedLine {
  suggestion: Suggestion;
}

/** A denied line dxacode had not flagged, shaped so a coder can write the payer-pack rule that would have. */
export interface PredictionMiss {
  encounterId: string;
  externalId: string | null;
  claimId: string;
  payer: string;
  dateOfService: string;
  code: string;
  modifiers: string[];
  diagnoses: { pointer: number; code: string }[];
  carc: { group: string; code: string; description?: string }[];
  rarc: { code: string; description?: string }[];
  category: DenialCategory;
  /** The payer-pack rule kind this category maps to, or null when no pack rule kind covers it. */
  packRuleKind: string | null;
  /** The warnings dxacode gave on the line (a warning is not counted as a prediction). */
  warnings: string[];
}

/** Counts of one row of the prediction table. */
export interface PredictionCounts {
  /** Lines with a 835 answer. */
  adjudicated: number;
  /** Lines an error finding applied to. */
  flagged: number;
  flaggedDenied: number;
  denied: number;
  deniedFlagged: number;
}

/** How well dxacode's findings predicted the denials. */
export interface PredictionQuality extends PredictionCounts {
  /** flaggedDenied / flagged, or null when nothing was flagged. */
  precision: number | null;
  /** deniedFlagged / denied, or null when nothing was denied. */
  recall: number | null;
  byRule: { rule: string; flagged: number; denied: number }[];
  byPayer: (PredictionCounts & { payer: string })[];
  misses: PredictionMiss[];
  packDocs: string;
}

/** The money of the claims with a 835 answer, in cents. */
export interface DenialMoney {
  claims: number;
  billedCents: number;
  /** The allowed amounts (AMT*B6) the 835 lines gave; null when none gave one. */
  allowedCents: number | null;
  /** Lines whose 835 gave no allowed amount: the allowed total leaves them out. */
  linesWithoutAllowed: number;
  paidCents: number;
  patientCents: number;
  deniedCents: number;
  deniedByReason: { group: string; code: string; description?: string; categories: DenialCategory[]; cents: number; lines: number }[];
  /** Exported claims no 835 has answered yet. */
  awaiting: { claims: number; billedCents: number };
}

/** Lines per lookup, as the import uses. */
const CHUNK = 500;

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < values.length; at += CHUNK) out.push(values.slice(at, at + CHUNK));
  return out;
}

/** The claims exported for the filters, each with its latest 835 payment when one came back. */
interface ExportedRow extends Pick<AdjudicatedLine, 'encounterId' | 'externalId' | 'claimId' | 'payer' | 'dateOfService' | 'version'> {
  id: string;
  totalCents: number;
  exportedAt: string;
}

/**
 * Reads every exported claim of the filters and the lines of its latest 835 payment (by import time, then position
 * in the file), the exported result version and the overrides of that version, and sets them side by side. Of an
 * encounter's exported claims, the one paid or denied last counts; a claim exported after it and not yet answered
 * is awaiting.
 */
async function adjudicatedLines(store: OrganizationStore, codes: RemittanceCodes, filters: DenialFilters): Promise<{ lines: AdjudicatedLine[]; /** The counted claims and those awaiting an 835. */ claims: ExportedRow[]; payments: Map<string, { status: string; paidCents: number | null; patientCents: number | null; claimAdjustments: AdjustmentWords[] }> }> {
  const db = store.db;
  const organization = store.organization;
  let exported = db
    .selectFrom('exported_claims as c')
    .innerJoin('encounters as e', 'e.id', 'c.encounter_id')
    .select(['c.id', 'c.encounter_id', 'e.external_id', 'c.claim_id', 'e.payer', 'c.date_of_service', 'c.version', 'c.total_cents', 'c.exported_at'])
    .where('c.organization', '=', organization);
  if (filters.payer !== undefined) exported = exported.where('e.payer', '=', filters.payer);
  if (filters.from !== undefined) exported = exported.where('c.date_of_service', '>=', filters.from);
  if (filters.to !== undefined) exported = exported.where('c.date_of_service', '<=', filters.to);
  const claims: ExportedRow[] = (await exported.orderBy('c.exported_at').orderBy('c.id').execute()).map((r) => ({ id: r.id, encounterId: r.encounter_id, externalId: r.external_id, claimId: r.claim_id, payer: r.payer, dateOfService: r.date_of_service, version: Number(r.version), totalCents: Number(r.total_cents), exportedAt: r.exported_at }));

  // The latest 835 claim payment of each exported claim.
  const latest = new Map<string, { id: string; status: string; paidCents: number | null; patientCents: number | null; remarks: string; importedAt: string; order: string }>();
  for (const part of chunks(claims.map((c) => c.id))) {
    const rows = await db
      .selectFrom('responses as r')
      .innerJoin('response_files as f', 'f.id', 'r.file_id')
      .select(['r.id', 'r.exported_claim_id', 'r.status', 'r.paid_cents', 'r.patient_cents', 'r.remarks', 'f.imported_at', 'r.seq'])
      .where('r.organization', '=', organization)
      .where('r.kind', '=', '835-claim')
      .where('r.exported_claim_id', 'in', part)
      .execute();
    for (const r of rows) {
      const order = `${r.imported_at} ${String(Number(r.seq)).padStart(9, '0')}`;
      const seen = latest.get(r.exported_claim_id!);
      if (seen !== undefined && seen.order >= order) continue;
      latest.set(r.exported_claim_id!, { id: r.id, status: r.status ?? '', paidCents: r.paid_cents === null ? null : Number(r.paid_cents), patientCents: r.patient_cents === null ? null : Number(r.patient_cents), remarks: r.remarks, importedAt: r.imported_at, order });
    }
  }
  // One encounter is one claim: of its exported claims (a corrected claim is exported again), the one whose payment
  // came last counts, so a denial leaves the worklist once a later payment answers the encounter.
  const counted = new Map<string, ExportedRow>();
  for (const c of claims) {
    const payment = latest.get(c.id);
    const seen = counted.get(c.encounterId);
    if (payment !== undefined && (seen === undefined || latest.get(seen.id)!.order < payment.order)) counted.set(c.encounterId, c);
  }
  const answered = [...counted.values()];
  const responseIds = answered.map((c) => latest.get(c.id)!.id);

  const returnedLines = new Map<string, { seq: number; line: number | null; paidCents: number | null; allowedCents: number | null; remarks: string }[]>();
  const adjustments = new Map<string, { lineSeq: number; group: string; code: string; cents: number }[]>();
  for (const part of chunks(responseIds)) {
    for (const l of await db.selectFrom('response_lines').select(['response_id', 'seq', 'line', 'paid_cents', 'allowed_cents', 'remarks']).where('response_id', 'in', part).execute()) {
      const list = returnedLines.get(l.response_id) ?? [];
      list.push({ seq: Number(l.seq), line: l.line === null ? null : Number(l.line), paidCents: l.paid_cents === null ? null : Number(l.paid_cents), allowedCents: l.allowed_cents === null ? null : Number(l.allowed_cents), remarks: l.remarks });
      returnedLines.set(l.response_id, list);
    }
    for (const a of await db.selectFrom('response_adjustments').select(['response_id', 'line_seq', 'seq', 'group_code', 'reason_code', 'amount_cents']).where('response_id', 'in', part).orderBy('response_id').orderBy('line_seq').orderBy('seq').execute()) {
      const list = adjustments.get(a.response_id) ?? [];
      list.push({ lineSeq: Number(a.line_seq), group: a.group_code, code: a.reason_code, cents: Number(a.amount_cents) });
      adjustments.set(a.response_id, list);
    }
  }

  const billedLines = new Map<string, { line: number; code: string; modifiers: string[]; units: number; cents: number }[]>();
  const versions = new Map<string, { result: Result; encounter: Encounter; overrides: { rule: string; line: number | null; reason: string; actor: string }[] }>();
  for (const part of chunks(answered.map((c) => c.id))) {
    for (const l of await db.selectFrom('exported_lines').select(['exported_claim_id', 'line', 'code', 'modifiers', 'units', 'cents']).where('exported_claim_id', 'in', part).orderBy('exported_claim_id').orderBy('line').execute()) {
      const list = billedLines.get(l.exported_claim_id) ?? [];
      list.push({ line: Number(l.line), code: l.code, modifiers: l.modifiers === '' ? [] : l.modifiers.split(' '), units: Number(l.units), cents: Number(l.cents) });
      billedLines.set(l.exported_claim_id, list);
    }
    const results = await db
      .selectFrom('exported_claims as c')
      .innerJoin('check_results as r', (j) => j.onRef('r.encounter_id', '=', 'c.encounter_id').onRef('r.version', '=', 'c.version'))
      .innerJoin('encounters as e', 'e.id', 'c.encounter_id')
      .select(['c.id', 'r.result_json', 'e.input_json'])
      .where('c.id', 'in', part)
      .execute();
    for (const r of results) versions.set(r.id, { result: JSON.parse(r.result_json) as Result, encounter: JSON.parse(r.input_json) as Encounter, overrides: [] });
    const overrides = await db
      .selectFrom('exported_claims as c')
      .innerJoin('overrides as o', (j) => j.onRef('o.encounter_id', '=', 'c.encounter_id').onRef('o.version', '=', 'c.version'))
      .select(['c.id', 'o.rule', 'o.line', 'o.reason', 'o.actor'])
      .where('c.id', 'in', part)
      .orderBy('o.created_at')
      .execute();
    for (const o of overrides) versions.get(o.id)?.overrides.push({ rule: o.rule, line: o.line === null ? null : Number(o.line), reason: o.reason, actor: o.actor });
  }

  const lines: AdjudicatedLine[] = [];
  const payments = new Map<string, { status: string; paidCents: number | null; patientCents: number | null; claimAdjustments: AdjustmentWords[] }>();
  for (const claim of answered) {
    const payment = latest.get(claim.id)!;
    const version = versions.get(claim.id);
    const returned = returnedLines.get(payment.id) ?? [];
    const adjusted = adjustments.get(payment.id) ?? [];
    const claimAdjustments = adjusted.filter((a) => a.lineSeq === 0).map((a) => adjustmentWords(codes, a.group, a.code, a.cents));
    const claimRemarks = payment.remarks === '' ? [] : payment.remarks.split(' ').map((c) => remarkWords(codes, c));
    payments.set(claim.id, { status: payment.status, paidCents: payment.paidCents, patientCents: payment.patientCents, claimAdjustments });
    const recommended = version?.result.recommended;
    for (const billed of billedLines.get(claim.id) ?? []) {
      const back = returned.find((r) => r.line === billed.line);
      // A payment without service lines answers for the whole claim: its claim-level adjustments are the line's.
      const own = back === undefined ? (returned.length === 0 ? claimAdjustments : []) : adjusted.filter((a) => a.lineSeq === back.seq).map((a) => adjustmentWords(codes, a.group, a.code, a.cents));
      if (back === undefined && returned.length > 0) continue; // the 835 left this line out: not adjudicated
      const remarks = [...(back ? (back.remarks === '' ? [] : back.remarks.split(' ').map((c) => remarkWords(codes, c))) : []), ...claimRemarks];
      const denied = own.some(isDenialAdjustment) || (payment.status === '4' && (back?.paidCents ?? 0) === 0);
      const findings = version ? findingsForLine(version.result, version.encounter, version.overrides, { line: billed.line, code: billed.code }) : [];
      const rec = recommended?.lines[billed.line - 1];
      const diagnoses = (rec?.diagnoses ?? []).map((code) => ({ pointer: (recommended?.diagnoses.indexOf(code) ?? -1) + 1, code }));
      lines.push({
        encounterId: claim.encounterId,
        externalId: claim.externalId,
        claimId: claim.claimId,
        payer: claim.payer,
        dateOfService: claim.dateOfService,
        version: claim.version,
        line: billed.line,
        code: billed.code,
        modifiers: billed.modifiers,
        units: billed.units,
        diagnoses,
        billedCents: billed.cents,
        paidCents: back?.paidCents ?? (returned.length === 0 ? payment.paidCents : null),
        allowedCents: back?.allowedCents ?? null,
        deniedCents: back === undefined ? 0 : own.filter(isDenialAdjustment).reduce((s, a) => s + a.cents, 0),
        claimStatus: payment.status,
        adjustments: own,
        remarks,
        denied,
        categories: denied ? denialCategories(own, remarks) : [],
        findings,
        flagged: findings.some((f) => f.severity === 'error'),
        importedAt: payment.importedAt,
      });
    }
  }
  const awaiting = claims.filter((c) => !latest.has(c.id) && (counted.get(c.encounterId)?.exportedAt ?? '') <= c.exportedAt);
  return { lines, claims: [...answered, ...awaiting], payments };
}

/** The denied lines of the latest payments, newest import first (without resubmission paths: the figures count them). */
export async function deniedLines(store: OrganizationStore, codes: RemittanceCodes, filters: DenialFilters = {}): Promise<AdjudicatedLine[]> {
  return withStoreErrors(async () => {
    const { lines } = await adjudicatedLines(store, codes, filters);
    return lines.filter((l) => l.denied).sort((a, b) => (a.importedAt < b.importedAt ? 1 : a.importedAt > b.importedAt ? -1 : 0));
  });
}

/** The denied lines of the latest payments, newest import first, each with its resubmission path. */
export async function denialWorklist(store: OrganizationStore, codes: RemittanceCodes, filters: DenialFilters & { limit?: number; offset?: number } = {}): Promise<{ total: number; lines: DeniedLine[] }> {
  const denied = await deniedLines(store, codes, filters);
  const offset = filters.offset ?? 0;
  const page = denied.slice(offset, offset + (filters.limit ?? 50));
  return { total: denied.length, lines: page.map((l) => ({ ...l, suggestion: suggestResubmission(codes, l.adjustments, l.remarks, l.findings) })) };
}

/** Empty counts. */
const zero = (): PredictionCounts => ({ adjudicated: 0, flagged: 0, flaggedDenied: 0, denied: 0, deniedFlagged: 0 });

function count(into: PredictionCounts, line: AdjudicatedLine): void {
  into.adjudicated++;
  if (line.flagged) into.flagged++;
  if (line.denied) into.denied++;
  if (line.flagged && line.denied) {
    into.flaggedDenied++;
    into.deniedFlagged++;
  }
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);

/** Prediction quality and money over the lines the latest payments answered. */
export async function denialSummary(store: OrganizationStore, codes: RemittanceCodes, filters: DenialFilters = {}): Promise<{ prediction: PredictionQuality; money: DenialMoney }> {
  return withStoreErrors(async () => {
    const { lines, claims, payments } = await adjudicatedLines(store, codes, filters);
    const total = zero();
    const byPayer = new Map<string, PredictionCounts>();
    const byRule = new Map<string, { flagged: number; denied: number }>();
    const misses: PredictionMiss[] = [];
    for (const line of lines) {
      count(total, line);
      const payer = byPayer.get(line.payer) ?? zero();
      count(payer, line);
      byPayer.set(line.payer, payer);
      for (const rule of new Set(line.findings.filter((f) => f.severity === 'error').map((f) => f.rule))) {
        const entry = byRule.get(rule) ?? { flagged: 0, denied: 0 };
        entry.flagged++;
        if (line.denied) entry.denied++;
        byRule.set(rule, entry);
      }
      if (line.denied && !line.flagged) {
        const category = line.categories[0] ?? 'other';
        misses.push({
          encounterId: line.encounterId,
          externalId: line.externalId,
          claimId: line.claimId,
          payer: line.payer,
          dateOfService: line.dateOfService,
          code: line.code,
          modifiers: line.modifiers,
          diagnoses: line.diagnoses,
          carc: line.adjustments.filter(isDenialAdjustment).map((a) => ({ group: a.group, code: a.code, ...(a.description ? { description: a.description } : {}) })),
          rarc: line.remarks.map((r) => ({ code: r.code, ...(r.description ? { description: r.description } : {}) })),
          category,
          packRuleKind: PACK_RULE_KINDS[category],
          warnings: [...new Set(line.findings.filter((f) => f.severity === 'warning').map((f) => f.rule))],
        });
      }
    }
    const prediction: PredictionQuality = {
      ...total,
      precision: ratio(total.flaggedDenied, total.flagged),
      recall: ratio(total.deniedFlagged, total.denied),
      byRule: [...byRule.entries()].map(([rule, c]) => ({ rule, ...c })).sort((a, b) => b.flagged - a.flagged || a.rule.localeCompare(b.rule)),
      byPayer: [...byPayer.entries()].map(([payer, c]) => ({ payer, ...c })).sort((a, b) => a.payer.localeCompare(b.payer)),
      misses,
      packDocs: PACK_DOCS,
    };

    const reasons = new Map<string, DenialMoney['deniedByReason'][number]>();
    const addReason = (a: AdjustmentWords) => {
      const key = `${a.group}-${a.code}`;
      const entry = reasons.get(key) ?? { group: a.group, code: a.code, ...(a.description ? { description: a.description } : {}), categories: a.categories, cents: 0, lines: 0 };
      entry.cents += a.cents;
      entry.lines++;
      reasons.set(key, entry);
    };
    const money: DenialMoney = { claims: payments.size, billedCents: 0, allowedCents: null, linesWithoutAllowed: 0, paidCents: 0, patientCents: 0, deniedCents: 0, deniedByReason: [], awaiting: { claims: 0, billedCents: 0 } };
    for (const claim of claims) {
      const payment = payments.get(claim.id);
      if (payment === undefined) {
        money.awaiting.claims++;
        money.awaiting.billedCents += claim.totalCents;
        continue;
      }
      money.billedCents += claim.totalCents;
      money.paidCents += payment.paidCents ?? 0;
      money.patientCents += payment.patientCents ?? 0;
      for (const a of payment.claimAdjustments) if (isDenialAdjustment(a)) addReason(a);
    }
    for (const line of lines) {
      if (line.allowedCents === null) money.linesWithoutAllowed++;
      else money.allowedCents = (money.allowedCents ?? 0) + line.allowedCents;
      // Claim-level adjustments were counted once per claim above.
      if (line.deniedCents > 0) for (const a of line.adjustments) if (isDenialAdjustment(a)) addReason(a);
    }
    money.deniedByReason = [...reasons.values()].sort((a, b) => b.cents - a.cents || a.code.localeCompare(b.code));
    money.deniedCents = money.deniedByReason.reduce((s, r) => s + r.cents, 0);
    return { prediction, money };
  });
}

/** The stages of an encounter's life, in the order they happen. */
export const LIFE_STAGES = ['checked', 'accepted', 'exported', 'acknowledged', 'acknowledgment-rejected', 'payer-received', 'payer-accepted', 'payer-rejected', 'paid', 'partly-paid', 'denied', 'reversed'] as const;
/** One stage. */
export type LifeStage = (typeof LIFE_STAGES)[number];

/** One event of an encounter's life. */
export interface LifeEvent {
  at: string;
  stage: LifeStage;
  /** What happened, in words. */
  summary: string;
  version?: number;
  claimId?: string;
  /** Status and reason codes in words, each with its source. */
  codes: { list: string; code: string; description?: string; source?: { title: string; url?: string } }[];
  /** An 835's amounts, in cents. */
  amounts?: { billedCents: number | null; paidCents: number | null; patientCents: number | null };
  /** An 835's lines: what each billed line was paid and why not. */
  lines?: { line: number | null; code: string | null; paidCents: number | null; billedCents: number | null; adjustments: AdjustmentWords[]; remarks: RemarkWords[] }[];
}

/** An encounter's life: every check, acceptance, export, acknowledgment, claim status and payment, oldest first. */
export interface EncounterLife {
  encounterId: string;
  /** The last stage reached. */
  outcome: LifeStage;
  events: LifeEvent[];
}

const money = (cents: number | null) => (cents === null ? '?' : (cents / 100).toFixed(2));

/** The life of one stored encounter of the organisation; undefined when it has no such encounter. */
export async function encounterLife(store: OrganizationStore, codes: RemittanceCodes, encounterId: string): Promise<EncounterLife | undefined> {
  const stored = await store.encounters.get(encounterId);
  if (stored === undefined) return undefined;
  return withStoreErrors(async () => {
    const db = store.db;
    const events: LifeEvent[] = [];
    for (const v of stored.versions) events.push({ at: v.createdAt, stage: 'checked', summary: `Checked: version ${v.version}, verdict ${v.verdict} (knowledge ${v.knowledgeVersion})`, version: v.version, codes: [] });
    for (const a of stored.accepted) events.push({ at: a.createdAt, stage: 'accepted', summary: `Claim of version ${a.version} accepted`, version: a.version, codes: [] });
    const exported = await db.selectFrom('exported_claims').select(['id', 'claim_id', 'interchange', 'version', 'total_cents', 'exported_at']).where('organization', '=', store.organization).where('encounter_id', '=', encounterId).orderBy('exported_at').execute();
    for (const e of exported) events.push({ at: e.exported_at, stage: 'exported', summary: `Exported in 837P interchange ${e.interchange} as claim ${e.claim_id} (version ${Number(e.version)}), billed ${money(Number(e.total_cents))}`, version: Number(e.version), claimId: e.claim_id, codes: [] });
    const responses = await db
      .selectFrom('responses as r')
      .innerJoin('response_files as f', 'f.id', 'r.file_id')
      .select(['r.id', 'r.kind', 'r.claim_id', 'r.status', 'r.charge_cents', 'r.paid_cents', 'r.patient_cents', 'r.remarks', 'r.detail_json', 'f.imported_at', 'r.seq'])
      .where('r.organization', '=', store.organization)
      .where('r.encounter_id', '=', encounterId)
      .orderBy('f.imported_at')
      .orderBy('r.seq')
      .execute();
    const ids = responses.filter((r) => r.kind === '835-claim').map((r) => r.id);
    const lineRows = ids.length === 0 ? [] : await db.selectFrom('response_lines').select(['response_id', 'seq', 'line', 'code', 'charge_cents', 'paid_cents', 'remarks']).where('response_id', 'in', ids).orderBy('seq').execute();
    const adjustmentRows = ids.length === 0 ? [] : await db.selectFrom('response_adjustments').select(['response_id', 'line_seq', 'seq', 'group_code', 'reason_code', 'amount_cents']).where('response_id', 'in', ids).orderBy('line_seq').orderBy('seq').execute();
    for (const r of responses) {
      const claimId = r.claim_id ?? undefined;
      if (r.kind === '999-claim') {
        const words = codes.transactionAck.get(r.status ?? '');
        const rejected = r.status === 'R' || r.status === 'M' || r.status === 'W' || r.status === 'X';
        events.push({ at: r.imported_at, stage: rejected ? 'acknowledgment-rejected' : 'acknowledged', summary: `999 acknowledgment: ${r.status ?? '?'} (${words?.description ?? 'unknown code'})`, ...(claimId ? { claimId } : {}), codes: [{ list: 'IK501', code: r.status ?? '', ...(words ? { description: words.description, source: words.source } : {}) }] });
      } else if (r.kind === '277ca-claim') {
        const detail = JSON.parse(r.detail_json) as ClaimStatus277;
        const statusCodes = detail.statuses.map((s) => {
          const category = codes.statusCategories.get(s.category);
          return { list: 'claim status category', code: `${s.category}:${s.code}`, ...(category ? { description: category.description, source: category.source } : {}), outcome: category?.outcome };
        });
        // A0/A1 say the claim was forwarded or received, A2/A5 accepted, A3/A4/A6-A8 rejected (the categories' outcomes).
        const stage: LifeStage = statusCodes.some((s) => s.outcome === 'rejected') ? 'payer-rejected' : statusCodes.some((s) => s.outcome === 'accepted') ? 'payer-accepted' : 'payer-received';
        events.push({ at: r.imported_at, stage, summary: `277CA claim status: ${statusCodes.map((s) => `${s.code} (${s.description ?? 'unknown category'})`).join('; ')}`, ...(claimId ? { claimId } : {}), codes: statusCodes.map(({ outcome: _o, ...c }) => c) });
      } else if (r.kind === '835-claim') {
        const detail = JSON.parse(r.detail_json) as ClaimPayment835;
        const own = adjustmentRows.filter((a) => a.response_id === r.id);
        const words = (lineSeq: number) => own.filter((a) => Number(a.line_seq) === lineSeq).map((a) => adjustmentWords(codes, a.group_code, a.reason_code, Number(a.amount_cents)));
        const lines = lineRows
          .filter((l) => l.response_id === r.id)
          .map((l) => ({ line: l.line === null ? null : Number(l.line), code: l.code, paidCents: l.paid_cents === null ? null : Number(l.paid_cents), billedCents: l.charge_cents === null ? null : Number(l.charge_cents), adjustments: words(Number(l.seq)), remarks: l.remarks === '' ? [] : l.remarks.split(' ').map((c) => remarkWords(codes, c)) }));
        const claimAdjustments = words(0);
        const claimRemarks = r.remarks === '' ? [] : r.remarks.split(' ').map((c) => remarkWords(codes, c));
        const deniedLines = lines.filter((l) => l.adjustments.some(isDenialAdjustment));
        const paid = r.paid_cents === null ? null : Number(r.paid_cents);
        const stage: LifeStage = r.status === '22' ? 'reversed' : r.status === '4' || (paid === 0 && (deniedLines.length > 0 || claimAdjustments.some(isDenialAdjustment))) ? 'denied' : deniedLines.length > 0 ? 'partly-paid' : 'paid';
        const status = codes.claimPaymentStatuses.get(r.status ?? '');
        const every = [...claimAdjustments, ...lines.flatMap((l) => l.adjustments)];
        const remarks = [...claimRemarks, ...lines.flatMap((l) => l.remarks)];
        events.push({
          at: r.imported_at,
          stage,
          summary: `835 payment ${detail.payerClaimNumber ? `(payer claim ${detail.payerClaimNumber}) ` : ''}${r.status ?? '?'} (${status?.description ?? 'unknown status'}): paid ${money(paid)} of ${money(r.charge_cents === null ? null : Number(r.charge_cents))}`,
          ...(claimId ? { claimId } : {}),
          codes: [
            { list: 'CLP02', code: r.status ?? '', ...(status ? { description: status.description, source: status.source } : {}) },
            ...uniqueBy(every, (a) => `${a.group}-${a.code}`).map((a) => ({ list: 'CARC', code: `${a.group}-${a.code}`, ...(a.description ? { description: a.description } : {}), ...(a.source ? { source: a.source } : {}) })),
            ...uniqueBy(remarks, (x) => x.code).map((x) => ({ list: 'RARC', code: x.code, ...(x.description ? { description: x.description } : {}), ...(x.source ? { source: x.source } : {}) })),
          ],
          amounts: { billedCents: r.charge_cents === null ? null : Number(r.charge_cents), paidCents: paid, patientCents: r.patient_cents === null ? null : Number(r.patient_cents) },
          lines,
        });
      }
    }
    // Stable by time, then by the order a claim goes through (a check and its acceptance may share a millisecond).
    const order = (stage: LifeStage) => LIFE_STAGES.indexOf(stage);
    events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : order(a.stage) - order(b.stage)));
    return { encounterId, outcome: events.at(-1)?.stage ?? 'checked', events };
  });
}

function uniqueBy<T>(values: readonly T[], key: (value: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(key(v)) ? false : (seen.add(key(v)), true)));
}
