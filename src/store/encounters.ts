/**
 * Encounters and their check results: each check kept as an immutable version with the knowledge version it used,
 * the findings' rules indexed for the worklist, overrides with their reasons, accepted claims, and rechecks. Every
 * write is audited in its own transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { checkWithFacts, type CheckOptions as EngineCheckOptions } from '../engine/index.js';
import type { Encounter } from '../contract/encounter.js';
import type { Result } from '../contract/result.js';
import type { Knowledge } from '../knowledge/compile.js';
import { StoreError, withStoreErrors } from './errors.js';
import { canonicalJson, sha256Hex } from './hash.js';
import { ensureOrganization, MAX_LIST_LIMIT, refuseNul, requireId, type StoreContext, type Tx } from './context.js';
import { insertHistoryRows, withStoredHistory, writeRegistry } from './history.js';
import { normalizeMemberId, patientKeysOf } from './patients.js';
import type { StoreDatabase } from './schema.js';
import { billedCodesOf, patientColumnsOf, searchText, topFindingOf, topFindingSummary, type TopFinding } from './worklist.js';

const PROCEDURE_CODE = /^[0-9A-Z]{5}$/;

/** One stored check-result version. */
export interface ResultVersion {
  version: number;
  inputHash: string;
  knowledgeVersion: string;
  verdict: Result['verdict'];
  result: Result;
  createdAt: string;
  actor: string;
}

/** One coder override. */
export interface OverrideRecord {
  id: string;
  version: number;
  rule: string;
  line: number | null;
  reason: string;
  actor: string;
  createdAt: string;
}

/** A stored encounter with all its result versions, overrides and acceptances. */
export interface StoredEncounter {
  id: string;
  externalId: string | null;
  dateOfService: string;
  payer: string;
  inputHash: string;
  encounter: Encounter;
  latestVersion: number;
  versions: ResultVersion[];
  overrides: OverrideRecord[];
  accepted: { version: number; claim: Result['recommended']; actor: string; createdAt: string }[];
}

/** One row of an encounter list. */
export interface EncounterSummary {
  id: string;
  externalId: string | null;
  dateOfService: string;
  payer: string;
  latestVersion: number;
  verdict: Result['verdict'];
  checkedAt: string;
  /** The patient's name, family first ("Family, Given"); null when the encounter gives none. */
  patientName: string | null;
  /** The patient's medical record number; null when the encounter gives none. */
  patientMrn: string | null;
  /** The codes billed, with modifiers (77080-26): the submitted claim's lines, else the recommended claim's. */
  billedCodes: string[];
  /** The latest result's first error, else first warning, else first note, in its own words; null when it has none. */
  topFinding: TopFinding | null;
}

/** Columns the encounter list sorts by. */
export const ENCOUNTER_SORTS = ['dateOfService', 'patient', 'encounter', 'payer', 'verdict', 'checkedAt'] as const;
/** One column the encounter list sorts by. */
export type EncounterSort = (typeof ENCOUNTER_SORTS)[number];

/** Filters for listEncounters; dates are inclusive YYYY-MM-DD. */
export interface EncounterFilters {
  verdict?: Result['verdict'];
  payer?: string;
  from?: string;
  to?: string;
  rule?: string;
  /** `changed`: only encounters whose latest version is a knowledge recheck that changed the verdict. */
  rechecked?: 'changed';
  /**
   * Search: part of the patient's name (case-blind), or exactly an MRN, a member id (dashes and case ignored) or an
   * encounter id (the caller's or the store's).
   */
  q?: string;
  /** Column to sort by; default dateOfService. Ties go by the store's encounter id, so pages never overlap. */
  sort?: EncounterSort;
  /** Default descending for dateOfService and checkedAt (newest first), ascending for the others (verdict: reject first). */
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

/** Options of storeAndCheck. */
export interface CheckOptions {
  /** How to check; default the engine's check(). An 837P claim is checked with checkClaimFromX12. */
  checker?: (encounter: Encounter, knowledge: Knowledge, options: EngineCheckOptions) => Result;
}

/** A stored encounter that a recheck may touch. */
export interface RecheckCandidate {
  organization: string;
  encounterId: string;
  externalId: string | null;
  dateOfService: string;
  encounter: Encounter;
  verdict: Result['verdict'];
  result: Result;
}

/** What one recheck changed. */
export interface RecheckOutcome {
  encounterId: string;
  version: number;
  before: Result['verdict'];
  after: Result['verdict'];
}

/** The encounters of one organisation. */
export class EncounterRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly organization: string,
  ) {}

  /** Stores and checks an encounter in one transaction; the patient's earlier stored studies join its history. */
  async storeAndCheck(actor: string, encounter: Encounter, knowledge: Knowledge, options: CheckOptions = {}): Promise<{ encounterId: string; version: number; result: Result }> {
    return this.ctx.write((tx) => storeAndCheckIn(this.ctx, tx, this.organization, actor, encounter, knowledge, options), this.organization);
  }

  /** Overrides a finding of the latest result with a reason. */
  async override(actor: string, encounterId: string, rule: string, line: number | null, reason: string): Promise<{ id: string; version: number }> {
    return this.ctx.write((tx) => overrideIn(this.ctx, tx, this.organization, actor, encounterId, rule, line, reason), this.organization);
  }

  /** Accepts the latest result's claim once every error finding is overridden. */
  async accept(actor: string, encounterId: string): Promise<{ version: number }> {
    return this.ctx.write((tx) => acceptIn(this.ctx, tx, this.organization, actor, encounterId), this.organization);
  }

  /** One encounter of this organisation with every version, override and acceptance; undefined when it has none by that id. */
  async get(id: string): Promise<StoredEncounter | undefined> {
    return withStoreErrors(async () => {
      const row = await this.ctx.db.selectFrom('encounters').selectAll().where('organization', '=', this.organization).where('id', '=', id).executeTakeFirst();
      if (row === undefined) return undefined;
      const versions = await this.ctx.db.selectFrom('check_results').selectAll().where('encounter_id', '=', id).orderBy('version').execute();
      const overrides = await this.ctx.db.selectFrom('overrides').selectAll().where('encounter_id', '=', id).orderBy('created_at').execute();
      const accepted = await this.ctx.db.selectFrom('accepted_claims').selectAll().where('encounter_id', '=', id).orderBy('version').execute();
      return {
        id: row.id,
        externalId: row.external_id,
        dateOfService: row.date_of_service,
        payer: row.payer,
        inputHash: row.input_sha256,
        encounter: JSON.parse(row.input_json) as Encounter,
        latestVersion: Number(row.latest_version),
        versions: versions.map((v) => ({
          version: Number(v.version),
          inputHash: v.input_sha256,
          knowledgeVersion: v.knowledge_version,
          verdict: v.verdict as Result['verdict'],
          result: JSON.parse(v.result_json) as Result,
          createdAt: v.created_at,
          actor: v.actor,
        })),
        overrides: overrides.map((o) => ({ id: o.id, version: Number(o.version), rule: o.rule, line: o.line === null ? null : Number(o.line), reason: o.reason, actor: o.actor, createdAt: o.created_at })),
        accepted: accepted.map((a) => ({ version: Number(a.version), claim: JSON.parse(a.claim_json) as Result['recommended'], actor: a.actor, createdAt: a.created_at })),
      };
    });
  }

  /** This organisation's encounters (latest version) with filters, sorted (default newest date of service first), one page. */
  async list(filters: EncounterFilters = {}): Promise<EncounterSummary[]> {
    const limit = Math.min(Math.max(Math.trunc(filters.limit ?? 50), 1), MAX_LIST_LIMIT);
    const offset = Math.max(Math.trunc(filters.offset ?? 0), 0);
    return withStoreErrors(async () => {
      const sort = filters.sort ?? 'dateOfService';
      const descending = (filters.order ?? (sort === 'dateOfService' || sort === 'checkedAt' ? 'desc' : 'asc')) === 'desc';
      const key = sortKey(sort, this.ctx.dialect);
      const rows = await this.filtered(filters)
        .select(['e.id', 'e.external_id', 'e.date_of_service', 'e.payer', 'e.latest_version', 'e.patient_name', 'e.patient_mrn', 'e.input_json', 'r.verdict', 'r.created_at', 'r.result_json'])
        // Encounters without the sort column's value come last either way, as they do on both databases.
        .orderBy(sql`case when ${key} is null then 1 else 0 end`)
        .orderBy(key, descending ? 'desc' : 'asc')
        .orderBy('e.id')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map((r) => {
        const result = JSON.parse(r.result_json) as Result;
        const top = topFindingOf(result);
        return {
          id: r.id,
          externalId: r.external_id,
          dateOfService: r.date_of_service,
          payer: r.payer,
          latestVersion: Number(r.latest_version),
          verdict: r.verdict as Result['verdict'],
          checkedAt: r.created_at,
          patientName: r.patient_name ?? null,
          patientMrn: r.patient_mrn ?? null,
          billedCodes: billedCodesOf(JSON.parse(r.input_json) as Encounter, result),
          topFinding: top === undefined ? null : topFindingSummary(top),
        };
      });
    });
  }

  /** How many encounters the filters of `list` select (limit, offset and sort aside). */
  async count(filters: EncounterFilters = {}): Promise<number> {
    return withStoreErrors(async () => {
      const row = await this.filtered(filters)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    });
  }

  /** The latest results of this organisation's encounters that pass the filters, unsorted, for list and count. */
  private filtered(filters: EncounterFilters) {
    let query = this.ctx.db
      .selectFrom('encounters as e')
      .innerJoin('check_results as r', (j) => j.onRef('r.encounter_id', '=', 'e.id').onRef('r.version', '=', 'e.latest_version'))
      .where('e.organization', '=', this.organization);
    if (filters.verdict !== undefined) query = query.where('r.verdict', '=', filters.verdict);
    if (filters.payer !== undefined) query = query.where('e.payer', '=', filters.payer);
    if (filters.from !== undefined) query = query.where('e.date_of_service', '>=', filters.from);
    if (filters.to !== undefined) query = query.where('e.date_of_service', '<=', filters.to);
    if (filters.rule !== undefined) {
      const rule = filters.rule;
      query = query.where(({ exists, selectFrom }) =>
        exists(selectFrom('check_findings as f').select('f.rule').whereRef('f.encounter_id', '=', 'e.id').whereRef('f.version', '=', 'e.latest_version').where('f.rule', '=', rule)),
      );
    }
    if (filters.rechecked === 'changed') {
      query = query
        .where('r.reason', 'is not', null)
        .where(({ exists, selectFrom }) =>
          exists(selectFrom('check_results as p').select('p.version').whereRef('p.encounter_id', '=', 'e.id').where('p.version', '=', sql<number>`e.latest_version - 1`).whereRef('p.verdict', '<>', 'r.verdict')),
        );
    }
    const q = filters.q?.trim();
    if (q !== undefined && q.length > 0) query = query.where((eb) => matchesSearch(eb, q));
    return query;
  }

  /** Checks a stored encounter again with `knowledge`, kept as a new version with its reason (audited as checked). */
  async recheck(encounterId: string, knowledge: Knowledge, reason: string, actor: string): Promise<RecheckOutcome> {
    const organization = this.organization;
    return this.ctx.write(async (tx) => {
      const row = await tx.selectFrom('encounters').selectAll().where('organization', '=', organization).where('id', '=', encounterId).executeTakeFirst();
      if (row === undefined) throw new StoreError('not-found', `no encounter ${encounterId}`);
      const latest = await latestResult(tx, organization, encounterId);
      const encounter = JSON.parse(row.input_json) as Encounter;
      const withHistory = await withStoredHistory(tx, organization, patientKeysOf(organization, encounter), encounterId, encounter);
      const resolved = knowledge.forDate(encounter.dateOfService);
      const { result } = checkWithFacts(withHistory.encounter, resolved, withHistory.options);
      const version = Number(row.latest_version) + 1;
      await tx
        .insertInto('check_results')
        .values({ encounter_id: encounterId, version, input_sha256: row.input_sha256, knowledge_version: resolved.version, verdict: result.verdict, result_json: JSON.stringify(result), created_at: this.ctx.now(), actor, reason })
        .execute();
      const rules = [...new Set(result.findings.map((f) => f.rule))];
      if (rules.length > 0) await tx.insertInto('check_findings').values(rules.map((rule) => ({ encounter_id: encounterId, version, rule }))).execute();
      await tx.updateTable('encounters').set({ latest_version: version }).where('id', '=', encounterId).execute();
      await this.ctx.appendAudit(tx, organization, actor, 'checked', [encounterId, `v${version}`]);
      return { encounterId, version, before: latest.result.verdict, after: result.verdict };
    }, organization);
  }

}

export async function storeAndCheckIn(
ctx: StoreContext,
tx: Kysely<StoreDatabase>,
organization: string,
  actor: string,
  encounter: Encounter,
  knowledge: Knowledge,
  options: CheckOptions,
): Promise<{ encounterId: string; version: number; result: Result }> {
  requireId(organization, 'organization');
  refuseNul(encounter);
  const patientKeys = patientKeysOf(organization, encounter);
  const inputJson = canonicalJson(encounter);
  const inputHash = sha256Hex(inputJson);
  const externalId = encounter.id ?? null;
  await ensureOrganization(tx, organization, ctx.now());
  const existing =
    externalId === null
      ? undefined
      : await tx.selectFrom('encounters').select(['id', 'latest_version']).where('organization', '=', organization).where('external_id', '=', externalId).executeTakeFirst();
  const encounterId = existing?.id ?? randomUUID();
  const version = (existing?.latest_version ?? 0) + 1;

  // The check runs inside the transaction so the history it sees is the history it is stored against.
  const withHistory = await withStoredHistory(tx, organization, patientKeys, encounterId, encounter);
  // Resolved once, so the version recorded is the one the check used (imports can change between calls).
  const resolved = knowledge.forDate(encounter.dateOfService);
  const checked =
    options.checker === undefined ? checkWithFacts(withHistory.encounter, resolved, withHistory.options) : { result: options.checker(withHistory.encounter, resolved, withHistory.options), facts: undefined };
  const result: Result = { ...checked.result };

  const createdAt = ctx.now();
  const row = { patient_key: patientKeys[0] ?? null, ...patientColumnsOf(encounter), date_of_service: encounter.dateOfService, payer: encounter.payer ?? 'medicare', input_json: inputJson, input_sha256: inputHash, latest_version: version };
  if (existing === undefined) {
    await tx.insertInto('encounters').values({ id: encounterId, organization, external_id: externalId, created_at: createdAt, ...row }).execute();
  } else {
    await tx.updateTable('encounters').set(row).where('id', '=', encounterId).execute();
  }
  await tx
    .insertInto('check_results')
    .values({ encounter_id: encounterId, version, input_sha256: inputHash, knowledge_version: resolved.version, verdict: result.verdict, result_json: JSON.stringify(result), created_at: createdAt, actor })
    .execute();
  const rules = [...new Set(result.findings.map((f) => f.rule))];
  if (rules.length > 0) await tx.insertInto('check_findings').values(rules.map((rule) => ({ encounter_id: encounterId, version, rule }))).execute();

  await tx.deleteFrom('bone_density_history').where('encounter_id', '=', encounterId).execute();
  const codes = [...new Set(result.recommended.lines.map((l) => l.code))].filter((c) => PROCEDURE_CODE.test(c));
  await insertHistoryRows(tx, organization, encounterId, encounter, patientKeys, codes);
  await writeRegistry(tx, organization, encounterId, encounter, checked.facts);
  await ctx.appendAudit(tx, organization, actor, 'checked', [encounterId, `v${version}`]);
  return { encounterId, version, result };
}

export async function overrideIn(ctx: StoreContext, tx: Kysely<StoreDatabase>, organization: string, actor: string, encounterId: string, rule: string, line: number | null, reason: string): Promise<{ id: string; version: number }> {
  if (typeof reason !== 'string' || reason.trim().length === 0) throw new StoreError('invalid', 'an override needs a reason');
  refuseNul({ rule, reason });
  const latest = await latestResult(tx, organization, encounterId);
  const matches = latest.result.findings.some((f) => f.rule === rule && (line === null || f.line === line));
  if (!matches) throw new StoreError('invalid', 'the latest result has no such finding to override');
  const id = randomUUID();
  await tx.insertInto('overrides').values({ id, encounter_id: encounterId, version: latest.version, rule, line, reason: reason.trim(), actor, created_at: ctx.now() }).execute();
  await ctx.appendAudit(tx, organization, actor, 'overrode', [encounterId, `v${latest.version}`, id]);
  return { id, version: latest.version };
}

export async function acceptIn(ctx: StoreContext, tx: Kysely<StoreDatabase>, organization: string, actor: string, encounterId: string): Promise<{ version: number }> {
  const latest = await latestResult(tx, organization, encounterId);
  const already = await tx.selectFrom('accepted_claims').select('version').where('encounter_id', '=', encounterId).where('version', '=', latest.version).executeTakeFirst();
  if (already !== undefined) throw new StoreError('conflict', 'this result version is already accepted', { rule: 'claim.already-accepted' });
  // A claim with an error finding nobody has overridden is not ready to bill.
  const overridden = await tx.selectFrom('overrides').select(['rule', 'line']).where('encounter_id', '=', encounterId).where('version', '=', latest.version).execute();
  const unresolved = latest.result.findings.filter(
    (f) => f.severity === 'error' && !overridden.some((o) => o.rule === f.rule && (o.line === null || (f.line !== undefined && Number(o.line) === f.line))),
  );
  if (unresolved.length > 0) {
    const rules = [...new Set(unresolved.map((f) => (f.line === undefined ? f.rule : `${f.rule} (line ${f.line})`)))];
    throw new StoreError('conflict', `the latest result has unresolved errors: ${rules.join(', ')}; override each with a reason or correct and check the encounter again`, { rule: 'claim.unresolved-errors' });
  }
  await tx.insertInto('accepted_claims').values({ encounter_id: encounterId, version: latest.version, claim_json: JSON.stringify(latest.result.recommended), actor, created_at: ctx.now() }).execute();
  await ctx.appendAudit(tx, organization, actor, 'accepted', [encounterId, `v${latest.version}`]);
  return { version: latest.version };
}

async function latestResult(tx: Tx, organization: string, encounterId: string): Promise<{ version: number; result: Result }> {
  const row = await tx
    .selectFrom('encounters as e')
    .innerJoin('check_results as r', (j) => j.onRef('r.encounter_id', '=', 'e.id').onRef('r.version', '=', 'e.latest_version'))
    .select(['r.version', 'r.result_json'])
    .where('e.organization', '=', organization)
    .where('e.id', '=', encounterId)
    .executeTakeFirst();
  if (row === undefined) throw new StoreError('not-found', 'no such encounter');
  return { version: Number(row.version), result: JSON.parse(row.result_json) as Result };
}

type ListScope = ExpressionBuilder<StoreDatabase & { e: StoreDatabase['encounters']; r: StoreDatabase['check_results'] }, 'e' | 'r'>;

/**
 * The expression a sort column orders by: verdicts by severity (reject, review, clean), text byte by byte on
 * PostgreSQL too (COLLATE "C", as SQLite's BINARY does), so both databases give one order whatever the locale.
 */
function sortKey(sort: EncounterSort, dialect: 'sqlite' | 'postgres'): Expression<unknown> {
  if (sort === 'verdict') return sql`case ${sql.ref('r.verdict')} when 'reject' then 0 when 'review' then 1 else 2 end`;
  const column = {
    dateOfService: sql.ref('e.date_of_service'),
    patient: sql.ref('e.patient_sort'),
    encounter: sql`coalesce(${sql.ref('e.external_id')}, ${sql.ref('e.id')})`,
    payer: sql.ref('e.payer'),
    checkedAt: sql.ref('r.created_at'),
  }[sort];
  return dialect === 'postgres' ? sql`${column} collate "C"` : column;
}

/** The search of EncounterFilters.q: part of the name (LIKE with its wildcards escaped), or an identifier exactly. */
function matchesSearch(eb: ListScope, q: string): Expression<SqlBool> {
  const pattern = `%${searchText(q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return eb.or([
    sql<SqlBool>`${sql.ref('e.patient_sort')} like ${pattern} escape '\\'`,
    eb('e.patient_mrn', '=', q),
    eb('e.patient_member_id', '=', normalizeMemberId(q)),
    eb('e.external_id', '=', q),
    eb('e.id', '=', q),
  ]);
}
