/** Idempotency-Key: a write's first response kept with its effects, in one transaction, and replayed to repeats. */
import type { Kysely } from 'kysely';
import { ensureOrganization, requireId, type StoreContext } from './context.js';
import type { StoreDatabase } from './schema.js';

/** How long an Idempotency-Key is remembered (the IETF draft leaves it to the server; clients retry within minutes). */
export const IDEMPOTENCY_KEY_RETENTION_MS = 24 * 60 * 60 * 1000;

/** A response kept under an idempotency key. */
export interface IdempotentResponse {
  status: number;
  body: unknown;
}

/** What an idempotent write did: ran the work, replayed the stored response, or found the key used for another request. */
export type IdempotentOutcome = (IdempotentResponse & { replayed: boolean }) | { mismatch: true };

/**
 * Runs `work` once per (organisation, key) inside one write transaction of the organisation: the first request's
 * response is stored with its effects and replayed to every later request with the same key and request hash;
 * another request hash under a used key is a mismatch. The organisation's writes are serialised, so concurrent
 * requests with one key create one record. Keys are kept for IDEMPOTENCY_KEY_RETENTION_MS; after that the same key is
 * a new request.
 */
export async function runIdempotent(
  ctx: StoreContext,
  organization: string,
  key: string,
  requestHash: string,
  work: (tx: Kysely<StoreDatabase>) => Promise<IdempotentResponse>,
): Promise<IdempotentOutcome> {
  requireId(organization, 'organization');
  requireId(key, 'idempotency key');
  return ctx.write(async (tx) => {
    const now = ctx.now();
    const expired = new Date(Date.parse(now) - IDEMPOTENCY_KEY_RETENTION_MS).toISOString();
    // Expired keys of this organisation go first, so an expired key is a new request and the table stays small.
    await tx.deleteFrom('idempotency_keys').where('organization', '=', organization).where('created_at', '<', expired).execute();
    const kept = await tx
      .selectFrom('idempotency_keys')
      .select(['request_sha256', 'status_code', 'response_json'])
      .where('organization', '=', organization)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    if (kept !== undefined) {
      if (kept.request_sha256 !== requestHash) return { mismatch: true } as const;
      return { status: Number(kept.status_code), body: JSON.parse(kept.response_json) as unknown, replayed: true };
    }
    const response = await work(tx);
    await ensureOrganization(tx, organization, ctx.now());
    await tx
      .insertInto('idempotency_keys')
      .values({ organization, idempotency_key: key, request_sha256: requestHash, status_code: response.status, response_json: JSON.stringify(response.body), created_at: now })
      .execute();
    return { ...response, replayed: false };
  }, organization);
}
