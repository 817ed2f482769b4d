/**
 * Exported claims and what comes back for them. An 837P export records each claim where it sits (ISA13, GS06, ST02,
 * position) and its lines with their line item control numbers; an imported 999, 277CA or 835 is matched item by
 * item to those records (match-responses.ts), stored with its match or the plain reason there is none, and audited
 * (ids only). One import is one transaction: all of it or none of it is stored. Items are matched in chunks, so a
 * 25,000-claim 835 takes a bounded number of lookups and memory.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { matchClaim, matchLines, matchTransactionSet, MATCH_METHODS, type ExportedClaim, type LineMatch } from '../interchange/x12/match-responses.js';
import type { ResponseProblem } from '../interchange/x12/response-problems.js';
import type { ResponseItem } from '../interchange/x12/responses.js';
import type { X12Mode } from '../interchange/x12/stream.js';
import type { WrittenClaim } from '../interchange/x12/write.js';
import { StoreError } from './errors.js';
import type { StoreDatabase } from './schema.js';
import type { OrganizationStore, OrganizationWriteOps } from './organization.js';

/** One claim of an export: the stored encounter and result version, and what the writer wrote for it. */
export interface ExportedClaimInput {
  encounterId: string;
  version: number;
  written: WrittenClaim;
}

/**
 * Records the claims of an exported 837P inside the export's own transaction, so a claim is on record exactly when
 * its export is (GS06 is the interchange number, as write837P writes it).
 */
export async function recordExportedClaims(ops: OrganizationWriteOps, actor: string, interchange: number, claims: readonly ExportedClaimInput[]): Promise<void> {
  const organization = ops.organization;
  const now = ops.now();
  const control = String(interchange).padStart(9, '0');
  for (let at = 0; at < claims.length; at += CHUNK) {
    const chunk = claims.slice(at, at + CHUNK).map((c) => ({ ...c, id: randomUUID() }));
    await ops.tx
      .insertInto('exported_claims')
      .values(
        chunk.map((c) => ({
          id: c.id,
          organization,
          encounter_id: c.encounterId,
          version: c.version,
          claim_id: c.written.claimId,
          interchange: control,
          group_control: String(interchange),
          transaction_control: c.written.transaction,
          ordinal: c.written.ordinal,
          total_cents: c.written.totalCents,
          date_of_service: c.written.dateOfService,
          exported_at: now,
          actor,
        })),
      )
      .execute();
    const lines = chunk.flatMap((c) => c.written.lineItems.map((l, i) => ({ exported_claim_id: c.id, line: i + 1, organization, control_number: l.controlNumber, code: l.code, modifiers: l.modifiers.join(' '), units: l.units, cents: l.cents })));
    for (let l = 0; l < lines.length; l += CHUNK) await ops.tx.insertInto('exported_lines').values(lines.slice(l, l + CHUNK)).execute();
  }
}

/** What became of one item of an imported file. */
export interface ItemOutcome {
  /** 1-based position of the item in the file (problems not counted). */
  seq: number;
  kind: Exclude<ResponseItem['kind'], 'problem'>;
  /** CLP01 or TRN02 (the 837P's CLM01); for a 999, the acknowledged transaction set. */
  subject: string;
  /** IK501, AK901, the first STC category:code, or CLP02. */
  status?: string;
  /** The stored encounters the item is about (several for a 999 transaction set). */
  encounters: { id: string; externalId: string | null; claimId: string }[];
  /** Whether the item belongs to a claim at all (batch totals, payment headers and PLB do not). */
  matchable: boolean;
  method?: string;
  note?: string;
  /** Why it could not be matched. */
  reason?: string;
  /** 835 and 277CA lines that could not be matched to a billed line, with why. */
  unmatchedLines: { seq: number; reason: string }[];
}

/** What an import reports as it goes: each item's outcome, and each problem of the file. */
export type ImportEvent = { kind: 'outcome'; outcome: ItemOutcome; item: Exclude<ResponseItem, { kind: 'problem' }> } | { kind: 'problem'; problem: ResponseProblem };

/** How to import one file. */
export interface ImportOptions {
  /** A token id, or `cli`. */
  actor: string;
  /** SHA-256 of the file's bytes: the same file is not imported twice into one organisation. */
  sha256: string;
  mode: X12Mode;
  items: AsyncIterable<ResponseItem>;
  onEvent?: (event: ImportEvent) => void;
}

/** What an import did. */
export interface ImportSummary {
  /** The stored file's id; undefined when nothing was stored (strict mode met a defect). */
  fileId: string | undefined;
  kinds: string[];
  /** ISA13 of each interchange the file held. */
  interchanges: string[];
  items: number;
  matched: number;
  unmatched: number;
  errors: number;
  warnings: number;
}

/** A strict import that met a defect: thrown inside the transaction so nothing is stored. */
class ImportRefused extends Error {
  override readonly name = 'ImportRefused';
  constructor(readonly summary: ImportSummary) {
    super('the file has a defect and strict mode stores nothing');
  }
}

/** Items matched per round of lookups. */
const CHUNK = 500;
const KIND_NAMES: Record<ItemOutcome['kind'], string> = {
  '999-transaction': '999',
  '999-group': '999',
  '277ca-claim': '277CA',
  '277ca-batch': '277CA',
  '835-remittance': '835',
  '835-claim': '835',
  '835-provider-adjustment': '835',
};

type Candidate = ExportedClaim & { externalId: string | null };
type Pending = { seq: number; item: Exclude<ResponseItem, { kind: 'problem' }> };

/**
 * Imports one 999, 277CA or 835 file (or a file mixing them) into the store: every item is stored with its match
 * or the reason it has none, audited as responses-imported with the file id. Strict mode stores nothing when the
 * file has a defect (the summary's fileId is then undefined). The same file twice is a conflict.
 */
export async function importResponses(store: OrganizationStore, options: ImportOptions): Promise<ImportSummary> {
  try {
    return await store.transaction((ops) => importIn(ops, options));
  } catch (error) {
    const refused = error instanceof ImportRefused ? error : (error as { cause?: unknown }).cause;
    if (refused instanceof ImportRefused) return refused.summary;
    throw error;
  }
}

async function importIn(ops: OrganizationWriteOps, options: ImportOptions): Promise<ImportSummary> {
  const { actor } = options;
  const organization = ops.organization;
  const tx = ops.tx;
  const seen = await tx.selectFrom('response_files').select(['id', 'imported_at']).where('organization', '=', organization).where('sha256', '=', options.sha256).executeTakeFirst();
  if (seen !== undefined) throw new StoreError('conflict', `this file was imported already (import ${seen.id} at ${seen.imported_at}); nothing was stored again`, { rule: 'import.duplicate' });
  const now = ops.now();
  const fileId = randomUUID();
  await tx.insertInto('organizations').values({ id: organization, created_at: now }).onConflict((oc) => oc.column('id').doNothing()).execute();
  await tx.insertInto('response_files').values({ id: fileId, organization, kinds: '', sha256: options.sha256, interchanges: '[]', items: 0, matched: 0, unmatched: 0, errors: 0, warnings: 0, mode: options.mode, imported_at: now, actor }).execute();

  const summary: ImportSummary = { fileId, kinds: [], interchanges: [], items: 0, matched: 0, unmatched: 0, errors: 0, warnings: 0 };
  const importer = new ChunkImporter(tx, organization, fileId, now, summary, options.onEvent);
  let seq = 0;
  let pending: Pending[] = [];
  for await (const item of options.items) {
    if (item.kind === 'problem') {
      if (item.problem.severity === 'error') summary.errors++;
      else if (item.problem.severity === 'warning') summary.warnings++;
      options.onEvent?.({ kind: 'problem', problem: item.problem });
      continue;
    }
    pending.push({ seq: ++seq, item });
    if (pending.length >= CHUNK) {
      await importer.store(pending);
      pending = [];
    }
  }
  await importer.store(pending);
  if (options.mode === 'strict' && summary.errors > 0) throw new ImportRefused({ ...summary, fileId: undefined });
  await tx
    .updateTable('response_files')
    .set({ kinds: summary.kinds.join(' '), interchanges: JSON.stringify(summary.interchanges), items: summary.items, matched: summary.matched, unmatched: summary.unmatched, errors: summary.errors, warnings: summary.warnings })
    .where('id', '=', fileId)
    .execute();
  await ops.audit(actor, 'responses-imported', [fileId, ...summary.kinds, ...summary.interchanges]);
  return summary;
}

/** Matches and stores items a chunk at a time. */
class ChunkImporter {
  constructor(
    private readonly tx: Kysely<StoreDatabase>,
    private readonly organization: string,
    private readonly fileId: string,
    private readonly now: string,
    private readonly summary: ImportSummary,
    private readonly onEvent: ImportOptions['onEvent'],
  ) {}

  async store(pending: readonly Pending[]): Promise<void> {
    if (pending.length === 0) return;
    const candidates = await this.candidates(pending);
    const responses: StoreDatabase['responses'][] = [];
    const lines: StoreDatabase['response_lines'][] = [];
    const adjustments: StoreDatabase['response_adjustments'][] = [];
    for (const { seq, item } of pending) {
      this.note(item);
      const id = randomUUID();
      const outcome: ItemOutcome = { seq, kind: item.kind, subject: '', encounters: [], matchable: false, unmatchedLines: [] };
      const row: StoreDatabase['responses'] = {
        id,
        file_id: this.fileId,
        organization: this.organization,
        seq,
        kind: item.kind,
        claim_id: null,
        exported_claim_id: null,
        encounter_id: null,
        status: null,
        charge_cents: null,
        paid_cents: null,
        patient_cents: null,
        remarks: '',
        match_method: null,
        match_note: null,
        unmatched_reason: null,
        detail_json: '',
        created_at: this.now,
      };
      switch (item.kind) {
        case '999-transaction': {
          const ack = item.ack;
          outcome.subject = `transaction set ${ack.transactionControl} of group ${ack.groupControl}`;
          outcome.status = ack.status;
          outcome.matchable = true;
          row.status = ack.status;
          row.detail_json = JSON.stringify(ack);
          const match = matchTransactionSet(ack.groupControl, ack.transactionControl, candidates.byGroup);
          if ('reason' in match) {
            outcome.reason = match.reason;
            row.unmatched_reason = match.reason;
          } else {
            outcome.method = MATCH_METHODS.transactionSet;
            row.match_method = MATCH_METHODS.transactionSet;
            for (const claim of match.claims as Candidate[]) {
              outcome.encounters.push({ id: claim.encounterId, externalId: claim.externalId, claimId: claim.claimId });
              // One row per claim, so each encounter's history shows the acknowledgment and the errors about it.
              responses.push({ ...row, id: randomUUID(), kind: '999-claim', claim_id: claim.claimId, exported_claim_id: claim.id, encounter_id: claim.encounterId, detail_json: JSON.stringify({ transactionSet: id, segmentErrors: ack.segmentErrors.filter((e) => e.claimId === claim.claimId) }) });
            }
          }
          break;
        }
        case '277ca-claim': {
          const status = item.status;
          outcome.subject = `claim ${status.claimId}`;
          outcome.matchable = true;
          outcome.status = status.statuses.map((s) => `${s.category}:${s.code}`).join(' ');
          row.claim_id = status.claimId;
          row.status = outcome.status;
          row.charge_cents = status.chargeCents ?? null;
          row.detail_json = JSON.stringify(status);
          const claim = this.claimMatch(row, outcome, { claimId: status.claimId, ...(status.chargeCents !== undefined ? { chargeCents: status.chargeCents } : {}), lineControlNumbers: status.lines.flatMap((l) => (l.controlNumber ? [l.controlNumber] : [])) }, candidates.byClaim);
          const matched = claim ? matchLines(status.lines, claim) : undefined;
          status.lines.forEach((line, i) => {
            lines.push({ ...this.lineRow(id, i + 1, claim, matched?.[i], outcome), control_number: line.controlNumber ?? null, code: line.procedure?.code ?? null, modifiers: line.procedure?.modifiers.join(' ') ?? '', status: line.statuses.map((s) => `${s.category}:${s.code}`).join(' ') || null, charge_cents: line.chargeCents ?? null, paid_cents: null, allowed_cents: null, remarks: '' });
          });
          break;
        }
        case '835-claim': {
          const payment = item.payment;
          outcome.subject = `claim ${payment.claimId}`;
          outcome.matchable = true;
          outcome.status = payment.status;
          Object.assign(row, { claim_id: payment.claimId, status: payment.status, charge_cents: payment.chargeCents ?? null, paid_cents: payment.paidCents ?? null, patient_cents: payment.patientResponsibilityCents ?? null, remarks: payment.remarks.map((r) => r.code).join(' '), detail_json: JSON.stringify(payment) });
          const claim = this.claimMatch(row, outcome, { claimId: payment.claimId, ...(payment.chargeCents !== undefined ? { chargeCents: payment.chargeCents } : {}), lineControlNumbers: payment.lines.flatMap((l) => (l.controlNumber ? [l.controlNumber] : [])) }, candidates.byClaim);
          const matched = claim ? matchLines(payment.lines, claim) : undefined;
          payment.adjustments.forEach((a, k) => adjustments.push({ response_id: id, line_seq: 0, seq: k + 1, group_code: a.group, reason_code: a.reason, amount_cents: a.cents, quantity: a.quantity ?? null }));
          payment.lines.forEach((line, i) => {
            lines.push({ ...this.lineRow(id, i + 1, claim, matched?.[i], outcome), control_number: line.controlNumber ?? null, code: line.procedure?.code ?? null, modifiers: line.procedure?.modifiers.join(' ') ?? '', status: null, charge_cents: line.chargeCents ?? null, paid_cents: line.paidCents ?? null, allowed_cents: line.allowedCents ?? null, remarks: line.remarks.map((r) => r.code).join(' ') });
            line.adjustments.forEach((a, k) => adjustments.push({ response_id: id, line_seq: i + 1, seq: k + 1, group_code: a.group, reason_code: a.reason, amount_cents: a.cents, quantity: a.quantity ?? null }));
          });
          break;
        }
        case '999-group':
          outcome.subject = `group ${item.group.groupControl}`;
          outcome.status = item.group.status;
          row.status = item.group.status;
          row.detail_json = JSON.stringify(item.group);
          break;
        case '277ca-batch':
          outcome.subject = `${item.status.level} batch ${item.status.trace}`;
          outcome.status = item.status.statuses.map((s) => `${s.category}:${s.code}`).join(' ');
          row.status = outcome.status;
          row.detail_json = JSON.stringify(item.status);
          break;
        case '835-remittance':
          outcome.subject = `payment ${item.remittance.trace}`;
          row.paid_cents = item.remittance.paymentCents ?? null;
          row.detail_json = JSON.stringify(item.remittance);
          break;
        case '835-provider-adjustment':
          outcome.subject = `provider adjustment for ${item.adjustment.providerId}`;
          row.paid_cents = -item.adjustment.adjustments.reduce((s, a) => s + a.cents, 0);
          row.detail_json = JSON.stringify(item.adjustment);
          break;
      }
      responses.push(row);
      this.summary.items++;
      if (outcome.matchable) {
        if (outcome.reason === undefined) this.summary.matched++;
        else this.summary.unmatched++;
      }
      this.onEvent?.({ kind: 'outcome', outcome, item });
    }
    responses.sort((a, b) => a.seq - b.seq || (a.kind === '999-claim' ? 1 : 0) - (b.kind === '999-claim' ? 1 : 0));
    for (let at = 0; at < responses.length; at += CHUNK) await this.tx.insertInto('responses').values(responses.slice(at, at + CHUNK)).execute();
    for (let at = 0; at < lines.length; at += CHUNK) await this.tx.insertInto('response_lines').values(lines.slice(at, at + CHUNK)).execute();
    for (let at = 0; at < adjustments.length; at += CHUNK) await this.tx.insertInto('response_adjustments').values(adjustments.slice(at, at + CHUNK)).execute();
  }

  /** Remembers the kinds and interchanges the file holds. */
  private note(item: Pending['item']): void {
    const kind = KIND_NAMES[item.kind];
    if (!this.summary.kinds.includes(kind)) this.summary.kinds.push(kind);
    const envelope = item.kind === '999-transaction' ? item.ack.envelope : item.kind === '999-group' ? item.group.envelope : item.kind === '277ca-claim' || item.kind === '277ca-batch' ? item.status.envelope : item.kind === '835-remittance' ? item.remittance.envelope : item.kind === '835-claim' ? item.payment.envelope : item.adjustment.envelope;
    if (!this.summary.interchanges.includes(envelope.interchangeControl)) this.summary.interchanges.push(envelope.interchangeControl);
  }

  /** Matches a 277CA or 835 claim, filling the row and the outcome; returns the exported claim when there is one. */
  private claimMatch(row: StoreDatabase['responses'], outcome: ItemOutcome, returned: Parameters<typeof matchClaim>[0], byClaim: readonly Candidate[]): Candidate | undefined {
    const match = matchClaim(returned, byClaim);
    if (match.claim === undefined) {
      outcome.reason = match.reason;
      row.unmatched_reason = match.reason;
      return undefined;
    }
    const claim = match.claim as Candidate;
    outcome.method = match.method;
    outcome.encounters.push({ id: claim.encounterId, externalId: claim.externalId, claimId: claim.claimId });
    if (match.note !== undefined) outcome.note = match.note;
    Object.assign(row, { exported_claim_id: claim.id, encounter_id: claim.encounterId, match_method: match.method, match_note: match.note ?? null });
    return claim;
  }

  /** The match columns of one returned line, and its reason in the outcome when it has no billed line. */
  private lineRow(responseId: string, seq: number, claim: Candidate | undefined, match: LineMatch | undefined, outcome: ItemOutcome): Pick<StoreDatabase['response_lines'], 'response_id' | 'seq' | 'exported_claim_id' | 'line' | 'match_method' | 'unmatched_reason'> {
    if (claim === undefined || match === undefined) return { response_id: responseId, seq, exported_claim_id: null, line: null, match_method: null, unmatched_reason: 'the claim was not matched' };
    if (match.line === undefined) {
      outcome.unmatchedLines.push({ seq, reason: match.reason });
      return { response_id: responseId, seq, exported_claim_id: claim.id, line: null, match_method: null, unmatched_reason: match.reason };
    }
    return { response_id: responseId, seq, exported_claim_id: claim.id, line: match.line.line, match_method: match.method, unmatched_reason: null };
  }

  /** The exported claims the chunk's items may belong to: by claim id, line item control number, or 999 group. */
  private async candidates(pending: readonly Pending[]): Promise<{ byClaim: Candidate[]; byGroup: Candidate[] }> {
    const claimIds = new Set<string>();
    const controls = new Set<string>();
    const groups = new Set<string>();
    for (const { item } of pending) {
      if (item.kind === '835-claim') {
        claimIds.add(item.payment.claimId);
        for (const l of item.payment.lines) if (l.controlNumber) controls.add(l.controlNumber);
      } else if (item.kind === '277ca-claim') {
        claimIds.add(item.status.claimId);
        for (const l of item.status.lines) if (l.controlNumber) controls.add(l.controlNumber);
      } else if (item.kind === '999-transaction') groups.add(item.ack.groupControl);
    }
    const ids = new Set<string>();
    if (controls.size > 0) {
      for (const part of chunks([...controls])) {
        const rows = await this.tx.selectFrom('exported_lines').select('exported_claim_id').where('organization', '=', this.organization).where('control_number', 'in', part).execute();
        for (const r of rows) ids.add(r.exported_claim_id);
      }
    }
    const byClaim = await this.load(async (part) => this.claimRows().where('c.claim_id', 'in', part).execute(), [...claimIds], [...ids]);
    const byGroup = groups.size === 0 ? [] : await this.load(async (part) => this.claimRows().where('c.group_control', 'in', part).execute(), [...groups], [], false);
    return { byClaim, byGroup };
  }

  private claimRows() {
    return this.tx
      .selectFrom('exported_claims as c')
      .innerJoin('encounters as e', 'e.id', 'c.encounter_id')
      .select(['c.id', 'c.encounter_id', 'e.external_id', 'c.claim_id', 'c.interchange', 'c.group_control', 'c.transaction_control', 'c.total_cents', 'c.date_of_service', 'c.exported_at'])
      .where('c.organization', '=', this.organization);
  }

  /** Exported claims found by `keys` (and by their ids), each with its billed lines unless `withLines` is false. */
  private async load(
    query: (part: string[]) => Promise<{ id: string; encounter_id: string; external_id: string | null; claim_id: string; interchange: string; group_control: string; transaction_control: string; total_cents: number; date_of_service: string; exported_at: string }[]>,
    keys: string[],
    ids: string[],
    withLines = true,
  ): Promise<Candidate[]> {
    const rows = new Map<string, Awaited<ReturnType<typeof query>>[number]>();
    for (const part of chunks(keys)) for (const r of await query(part)) rows.set(r.id, r);
    const missing = ids.filter((id) => !rows.has(id));
    for (const part of chunks(missing)) for (const r of await this.claimRows().where('c.id', 'in', part).execute()) rows.set(r.id, r);
    const lines = new Map<string, ExportedClaim['lines']>();
    if (withLines) {
      for (const part of chunks([...rows.keys()])) {
        for (const l of await this.tx.selectFrom('exported_lines').selectAll().where('exported_claim_id', 'in', part).orderBy('exported_claim_id').orderBy('line').execute()) {
          const list = lines.get(l.exported_claim_id) ?? [];
          list.push({ line: Number(l.line), controlNumber: l.control_number, code: l.code, modifiers: l.modifiers === '' ? [] : l.modifiers.split(' '), units: Number(l.units), cents: Number(l.cents) });
          lines.set(l.exported_claim_id, list);
        }
      }
    }
    return [...rows.values()].map((r) => ({
      id: r.id,
      encounterId: r.encounter_id,
      externalId: r.external_id,
      claimId: r.claim_id,
      interchange: r.interchange,
      groupControl: r.group_control,
      transactionControl: r.transaction_control,
      totalCents: Number(r.total_cents),
      dateOfService: r.date_of_service,
      exportedAt: r.exported_at,
      lines: lines.get(r.id) ?? [],
    }));
  }
}

/** Splits lookup keys so no query holds more parameters than a driver takes. */
function chunks<T>(values: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < values.length; at += size) out.push(values.slice(at, at + size));
  return out;
}
