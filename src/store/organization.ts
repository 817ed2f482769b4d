/**
 * The store opened for one organisation (like Medplum's per-request Repository): every repository and write here is
 * that organisation's, so no method takes the organisation again and no call can reach another organisation's
 * records. The server opens one per request from the caller's token; the command line opens one per command.
 */
import type { Kysely } from 'kysely';
import type { Encounter } from '../contract/encounter.js';
import type { Result } from '../contract/result.js';
import type { Knowledge } from '../knowledge/compile.js';
import { withStoreErrors } from './errors.js';
import { MAX_LIST_LIMIT, nextCounter, requireId, type StoreContext } from './context.js';
import { acceptIn, EncounterRepository, overrideIn, storeAndCheckIn, type CheckOptions } from './encounters.js';
import { runIdempotent, type IdempotentOutcome, type IdempotentResponse } from './idempotency.js';
import type { AuditVerification } from './audit.js';
import type { AuditCheckpoint } from './audit-key.js';
import type { AuditAction, StoreDatabase } from './schema.js';
import { revokeTokenIn, TokenRepository } from './tokens.js';

/** One audit record as an admin sees it. */
export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  objectIds: string[];
}

/** The writes available inside one transaction of an organisation (see OrganizationStore.transaction). */
export interface OrganizationWriteOps {
  /** The transaction's connection, for store modules (jobs, responses) that keep their own tables. */
  readonly tx: Kysely<StoreDatabase>;
  readonly organization: string;
  /** The store's clock as an ISO-8601 string. */
  now(): string;
  storeAndCheck(actor: string, encounter: Encounter, knowledge: Knowledge, options?: CheckOptions): Promise<{ encounterId: string; version: number; result: Result }>;
  override(actor: string, encounterId: string, rule: string, line: number | null, reason: string): Promise<{ id: string; version: number }>;
  accept(actor: string, encounterId: string): Promise<{ version: number }>;
  audit(actor: string, action: AuditAction, objectIds: string[]): Promise<{ seq: number }>;
  /** Takes the next value of one of this organisation's named counters (1, 2, ...; wraps to 1 after `max`). */
  nextCounter(name: string, max?: number): Promise<number>;
  /** Revokes one of the organisation's tokens (audited as token-revoked by `actor`); false when it has no such token. */
  revokeToken(id: string, actor: string): Promise<boolean>;
}

/** The audit records of one organisation. */
export class AuditRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly organization: string,
    private readonly verifyChain: (options: { organization: string; anchors?: readonly AuditCheckpoint[] }) => Promise<AuditVerification>,
  ) {}

  /** Appends an audit record for an action recorded outside the store's own writes (exported, signed-in, denied). */
  async record(actor: string, action: AuditAction, objectIds: string[]): Promise<{ seq: number }> {
    return this.ctx.write((tx) => this.ctx.appendAudit(tx, this.organization, actor, action, objectIds), this.organization);
  }

  /** The organisation's newest records (ids and actions only), newest first. */
  async list(options: { limit?: number; beforeSeq?: number } = {}): Promise<AuditRecord[]> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), MAX_LIST_LIMIT);
    return withStoreErrors(async () => {
      let query = this.ctx.db.selectFrom('audit_log').select(['seq', 'at', 'actor', 'action', 'object_ids']).where('organization', '=', this.organization);
      if (options.beforeSeq !== undefined) query = query.where('seq', '<', options.beforeSeq);
      const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
      return rows.map((r) => ({ seq: Number(r.seq), at: r.at, actor: r.actor, action: r.action, objectIds: JSON.parse(r.object_ids) as string[] }));
    });
  }

  /** Verifies the chain with this organisation's counts; another organisation's broken record is not named. */
  async verify(options: { anchors?: readonly AuditCheckpoint[] } = {}): Promise<AuditVerification> {
    return this.verifyChain({ ...options, organization: this.organization });
  }
}

/** The store of one organisation: its repositories by concern and its transactions. */
export class OrganizationStore {
  readonly tokens: TokenRepository;
  readonly encounters: EncounterRepository;
  readonly audit: AuditRepository;

  constructor(
    private readonly ctx: StoreContext,
    readonly organization: string,
    verifyChain: (options: { organization: string; anchors?: readonly AuditCheckpoint[] }) => Promise<AuditVerification>,
  ) {
    requireId(organization, 'organization');
    this.tokens = new TokenRepository(ctx, organization);
    this.encounters = new EncounterRepository(ctx, organization);
    this.audit = new AuditRepository(ctx, organization, verifyChain);
  }

  /** The database, for the organisation's read-only modules (dashboard, batches) that query it with this organisation. */
  get db(): Kysely<StoreDatabase> {
    return this.ctx.db;
  }

  /** The store's clock as an ISO-8601 string (the time an export is made, for example). */
  now(): string {
    return this.ctx.now();
  }

  /** The database's kind. */
  get dialect(): StoreContext['dialect'] {
    return this.ctx.dialect;
  }

  /** Runs `work` in one write transaction of this organisation (all of it or none of it is stored). */
  async transaction<T>(work: (ops: OrganizationWriteOps) => Promise<T>): Promise<T> {
    return this.ctx.write((tx) => work(organizationOps(this.ctx, tx, this.organization)), this.organization);
  }

  /**
   * Runs `work` once per Idempotency-Key of this organisation: the first response is stored in the same transaction
   * as its effects and replayed to every later request with the same key and request hash (idempotency.ts).
   */
  async idempotent(key: string, requestHash: string, work: (ops: OrganizationWriteOps) => Promise<IdempotentResponse>): Promise<IdempotentOutcome> {
    return runIdempotent(this.ctx, this.organization, key, requestHash, (tx) => work(organizationOps(this.ctx, tx, this.organization)));
  }
}

/**
 * The write operations of one organisation bound to one open transaction. In a transaction of the installation
 * (`lockFirst`: the batch worker's) the organisation's lock is taken before its first write, so the worker's writes of
 * an organisation are serialised with that organisation's requests, as the organisation's own transactions are.
 */
export function organizationOps(ctx: StoreContext, tx: Kysely<StoreDatabase>, organization: string, lockFirst = false): OrganizationWriteOps {
  let locked: Promise<void> | undefined = lockFirst ? undefined : Promise.resolve();
  const ready = () => (locked ??= ctx.lockOrganization(tx, organization));
  return {
    tx,
    organization,
    now: () => ctx.now(),
    storeAndCheck: async (actor, encounter, knowledge, options = {}) => (await ready(), storeAndCheckIn(ctx, tx, organization, actor, encounter, knowledge, options)),
    override: async (actor, encounterId, rule, line, reason) => (await ready(), overrideIn(ctx, tx, organization, actor, encounterId, rule, line, reason)),
    accept: async (actor, encounterId) => (await ready(), acceptIn(ctx, tx, organization, actor, encounterId)),
    audit: async (actor, action, objectIds) => (await ready(), ctx.appendAudit(tx, organization, actor, action, objectIds)),
    nextCounter: async (name, max) => (await ready(), nextCounter(tx, name, max)),
    revokeToken: async (id, actor) => (await ready(), revokeTokenIn(ctx, tx, id, organization, actor)),
  };
}
