/**
 * The catalogue of the API's own finding ids (errors about the request, not about a claim): each declared once with
 * its HTTP status and meaning, like the rule catalogue for claims. Published ids never change meaning. A route or hook
 * throws an ApiProblem with an id; the server's error handler answers it with the status the catalogue declares, so
 * no route pairs a status with an id by hand.
 */
import type { Finding } from '../contract/result.js';

/** Every finding id the HTTP API answers with, its status and what it means. */
export const API_PROBLEMS = {
  'auth.unauthenticated': { status: 401, summary: 'no bearer token, or one that is unknown or revoked' },
  'auth.forbidden': { status: 403, summary: "the token's role may not do this (viewer < coder < admin)" },
  'auth.rate-limited': { status: 429, summary: 'too many requests with an unknown token from this address (30 a minute); Retry-After says when to try again' },
  'http.not-found': { status: 404, summary: "no such route or record, or another organisation's record" },
  'http.body-too-large': { status: 413, summary: 'the body is larger than the limit (2 MiB; batches 32 MiB)' },
  'http.too-many-lines': { status: 413, summary: 'a batch has more lines or items than the limit (100,000)' },
  'http.media-type': { status: 415, summary: 'the body is not of a content type the route reads' },
  'http.idempotency-key': { status: 400, summary: 'the Idempotency-Key header is malformed, repeated, or not accepted on this route' },
  'http.idempotency-key-reused': { status: 422, summary: 'the Idempotency-Key was already used for a different request' },
  'http.busy': { status: 503, summary: 'as many batch uploads as the server reads at once are under way; Retry-After says when to try again' },
  'http.internal': { status: 500, summary: 'the request could not be completed (details are never sent)' },
  'input.invalid-json': { status: 400, summary: 'the body is not valid JSON' },
  'input.invalid': { status: 400, summary: 'a field or query parameter is not what the route expects (or holds the NUL character, which the store cannot keep); the message names it' },
  'override.reason-required': { status: 400, summary: 'an override needs a reason of 3 to 2,000 characters' },
  'claim.not-accepted': { status: 409, summary: 'only accepted claims are exported; accept the encounter first' },
  'claim.already-accepted': { status: 409, summary: 'this result version is already accepted' },
  'claim.not-written': { status: 422, summary: "the accepted claim could not be written as an 837P or a FHIR Claim; the answer's findings are the writer's own problems (x12.*, fhir.*) with where each stands" },
  'claim.unresolved-errors': { status: 409, summary: 'an error finding of the latest result has no override; override each with a reason, or correct and check again' },
  'knowledge.invalid-pack': { status: 422, summary: 'the payer pack file has a mistake (YAML syntax, the schema, an unknown code, a rule without a case); the message names file, line and column as dxacode policy lint does' },
  'knowledge.pack-case-failed': { status: 422, summary: "one of the payer pack's own cases failed: the pack is not stored; the message names the case and what differed" },
  'knowledge.pack-conflict': { status: 409, summary: 'the payer pack was already uploaded with the same content and period' },
  'import.empty': { status: 400, summary: 'the 999, 277CA or 835 file sent to /v1/responses is empty' },
  'import.defects': { status: 422, summary: 'the 999, 277CA or 835 file has a defect and strict mode stored nothing; the other findings locate it (send it with ?mode=lenient to store what can be read)' },
  'import.duplicate': { status: 409, summary: 'this 999, 277CA or 835 file was imported already into this organisation; nothing was stored again' },
  'batch.empty': { status: 400, summary: 'the batch upload is empty' },
  'batch.no-items': { status: 400, summary: 'the batch holds no encounter, claim or message' },
  'batch.item-invalid': { status: null, summary: 'in a batch item result: the item could not be stored (the message says why)' },
  'batch.gave-up': { status: null, summary: 'in a batch item result: the item failed 5 attempts and was given up so the rest of the batch could finish' },
  'store.not-found': { status: 404, summary: 'no such record' },
  'store.conflict': { status: 409, summary: 'the request conflicts with stored data' },
  'store.invalid': { status: 400, summary: 'the store refused the request as invalid; the message says why' },
  'store.unavailable': { status: 503, summary: 'the database is unavailable; try again' },
  'store.internal': { status: 503, summary: 'the store operation failed (details are never sent)' },
} as const satisfies Record<string, { status: number | null; summary: string }>;

/** One API finding id. */
export type ApiProblemId = keyof typeof API_PROBLEMS;

/** An id an HTTP answer carries (the batch item ids, with status null, never are). */
export type HttpProblemId = { [K in ApiProblemId]: (typeof API_PROBLEMS)[K]['status'] extends number ? K : never }[ApiProblemId];

/** The source cited by findings about the request itself (not about a claim). */
export const API_SOURCE = { title: 'dxacode HTTP API', confidence: 'verified' } as const;

/** One finding about the request, with an id from the API catalogue. */
export function apiFinding(rule: ApiProblemId, message: string, extra: Partial<Finding> = {}): Finding {
  return { rule, severity: 'error', message, ...extra, source: API_SOURCE };
}

/** What an ApiProblem may carry beyond its id and message. */
export interface ApiProblemDetails {
  /** The findings of the answer, when they are not the one finding of the id and message (field problems, a writer's problems). */
  findings?: Finding[];
  /** Response headers (Retry-After, WWW-Authenticate). */
  headers?: Record<string, string>;
  /** Further fields of the answer beside `findings` (a refused pack's case failures). */
  fields?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * A request the API answers with a problem: thrown from any route or hook and answered by the server's error
 * handler with the HTTP status its id declares in API_PROBLEMS (like fastify's FST_ERR_* errors and Medplum's
 * OperationOutcomeError). The message names the field or record and what was expected; it never quotes SQL or a stack.
 */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    readonly id: HttpProblemId,
    message: string,
    readonly details: ApiProblemDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  /** The HTTP status the catalogue declares for the id. */
  get status(): number {
    return API_PROBLEMS[this.id].status;
  }

  /** The answer's body: the contract's findings (and any further fields). */
  body(): { findings: Finding[] } & Record<string, unknown> {
    return { findings: this.details.findings ?? [apiFinding(this.id, this.message)], ...this.details.fields };
  }

  /** The answer as an idempotent write stores it for replay. */
  response(): { status: number; body: unknown } {
    return { status: this.status, body: this.body() };
  }
}

/** The catalogue as a Markdown table (docs/api-problems.md). */
export function apiProblemsMarkdown(): string {
  const rows = Object.entries(API_PROBLEMS).map(([id, p]) => `| \`${id}\` | ${p.status ?? 'in batch item results'} | ${p.summary} |`);
  return `# API finding ids\n\nErrors of the HTTP API are the contract's findings (\`{ "findings": [{ "rule", "severity", "message", "source" }] }\`).\nThese are the ids the API itself answers with; claim findings use the rule catalogue ([rules.md](rules.md)).\nGenerated from \`src/server/problems.ts\` by \`npm run docs\`.\n\n| id | HTTP status | meaning |\n|---|---|---|\n${rows.join('\n')}\n`;
}
