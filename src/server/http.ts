/**
 * What every route module shares: the problems of invalid input, paging, and Idempotency-Key handling for writes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson, sha256Hex } from '../store/hash.js';
import type { IdempotentResponse, OrganizationStore, OrganizationWriteOps } from '../store/store.js';
import { ApiProblem, apiFinding } from './problems.js';

export { API_SOURCE } from './problems.js';

/** The problem of an encounter that does not satisfy the contract: one finding per field problem. */
export function invalidEncounter(fieldProblems: readonly { field: string; message: string }[]): ApiProblem {
  const findings = fieldProblems.map((p) => apiFinding('input.invalid', `${p.field}: ${p.message}`));
  return new ApiProblem('input.invalid', findings[0]?.message ?? 'the encounter does not satisfy the contract', { findings });
}

/** The problem of a field or query parameter that is not what a route expects: `field: expected ...`. */
export function invalidInput(field: string, expected: string): ApiProblem {
  return new ApiProblem('input.invalid', `${field}: expected ${expected}`);
}

/** Reads `limit` (default `defaultLimit`, 1 to `maxLimit`) and `offset` (from 0) from a query; throws what is wrong. */
export function pageOf(q: Record<string, string | undefined>, defaultLimit: number, maxLimit: number): { limit: number; offset: number } {
  const limit = q.limit === undefined ? defaultLimit : Number(q.limit);
  const offset = q.offset === undefined ? 0 : Number(q.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw invalidInput('limit', `a whole number from 1 to ${maxLimit}`);
  if (!Number.isInteger(offset) || offset < 0) throw invalidInput('offset', 'a whole number from 0');
  return { limit, offset };
}

/** An Idempotency-Key: 1 to 200 visible ASCII characters (IETF draft-ietf-httpapi-idempotency-key-header). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Runs a write once per Idempotency-Key: without the header it simply runs; with it, the first request's status and
 * body are stored in the same transaction as its effects and replayed (with `Idempotent-Replayed: true`) to every
 * repeat; the same key with a different request is 422. The request hash covers method, path and body.
 */
export async function idempotentWrite(
  request: FastifyRequest,
  reply: FastifyReply,
  work: (ops: OrganizationWriteOps) => Promise<IdempotentResponse>,
  /** The request hash when the body was hashed as it arrived (a streamed upload); the same hash as the default's. */
  knownRequestHash?: string,
): Promise<FastifyReply> {
  const header = request.headers['idempotency-key'];
  const store = organizationStore(request);
  if (header === undefined) {
    const response = await store.transaction(work);
    return reply.code(response.status).send(response.body);
  }
  const key = Array.isArray(header) ? undefined : header;
  if (key === undefined || !IDEMPOTENCY_KEY.test(key)) {
    throw new ApiProblem('http.idempotency-key', 'Idempotency-Key: expected one key of 1 to 200 visible ASCII characters.');
  }
  const requestHash = knownRequestHash ?? sha256Hex(`${requestHashPrefix(request)}${typeof request.body === 'string' ? request.body : canonicalJson(request.body ?? null)}`);
  const outcome = await store.idempotent(key, requestHash, work);
  if ('mismatch' in outcome) {
    throw new ApiProblem('http.idempotency-key-reused', 'This Idempotency-Key was already used for a different request; use a new key.');
  }
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(outcome.status).send(outcome.body);
}

/** The store opened for the caller's organisation by the access guard. */
export function organizationStore(request: FastifyRequest): OrganizationStore {
  const store = request.organizationStore;
  if (store === undefined) throw new Error('no store is open for this request (a route of the API scope without a store)');
  return store;
}

/** What a request hash covers before the body: method and path (never the query). */
export function requestHashPrefix(request: FastifyRequest): string {
  return `${request.method} ${request.url.split('?')[0]}\n`;
}
