/**
 * Encounter routes over the store: store and check, read, list with filters, override with a reason, accept, export
 * the accepted claim (837P or FHIR), and the dashboard figures. Writes honour Idempotency-Key.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { isCalendarDate } from '../contract/dates.js';
import type { Finding, Result } from '../contract/result.js';
import { parseEncounter } from '../engine/index.js';
import { toFhirClaim, toFhirClaimBundle } from '../interchange/fhir/index.js';
import { write837P, x12ProblemPlace, type X12Problem, type X12Settings } from '../interchange/x12/index.js';
import { problemFinding } from '../interchange/problem-table.js';
import type { Knowledge } from '../knowledge/compile.js';
import { recordExportedClaims } from '../store/responses.js';
import { dashboardStats, nationalAmountOf } from '../store/stats.js';
import { ENCOUNTER_SORTS, type EncounterSort } from '../store/index.js';
import type { OrganizationStore, StoredEncounter } from '../store/store.js';
import { API_SOURCE, idempotentWrite, invalidEncounter, invalidInput, organizationStore, pageOf } from './http.js';
import { ID_PARAMS, IDEMPOTENCY_HEADERS, object, pageQuery, problemResponses, ref, S, type JsonSchema } from './openapi.js';
import { ApiProblem } from './problems.js';

/** What the encounter routes need. */
export interface EncounterRouteDeps {
  knowledge: Knowledge;
  /** X12 settings for export; undefined writes a test interchange (ISA15 T) with SAMPLE ids. */
  x12: X12Settings | undefined;
}

const VERDICTS = new Set(['clean', 'review', 'reject']);
const RULE_ID = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
/** ISA13 is nine digits. */
const MAX_INTERCHANGE_CONTROL_NUMBER = 999_999_999;
const EXPORT_FORMATS = new Set(['x12', 'fhir']);
const EXPORT_FORMAT_TEXT = 'x12 (837P) or fhir (FHIR R4 Claim Bundle)';
const MAX_EXPORT_ENCOUNTERS = 5000;
/** The longest worklist search text. */
const MAX_SEARCH = 100;

const RESULT_VERSION = object({ version: S.integer, inputHash: S.string, knowledgeVersion: S.string, verdict: S.verdict, result: ref('Result'), createdAt: S.string, actor: S.string });
const CLAIM_FILE = {
  description: 'The claim file (attachment): an X12 837P interchange or a FHIR R4 Claim Bundle',
  content: { 'application/edi-x12': { schema: S.string }, 'application/fhir+json': { schema: { type: 'object', description: 'FHIR R4 Bundle of Claim resources' } } },
};
const EXPORT_FORMAT = { type: 'string', enum: [...EXPORT_FORMATS], default: 'x12' };

/** Each route's schema: what the OpenAPI document says of it. */
const SCHEMAS = {
  store: {
    tags: ['encounters'],
    summary: 'Store and check an encounter; earlier stored encounters of the same patient feed the frequency rule. Role: coder. Idempotency-Key honoured.',
    headers: IDEMPOTENCY_HEADERS,
    body: ref('Encounter'),
    response: { 201: { description: 'encounterId, version and the Result', ...object({ encounterId: S.string, version: S.integer, result: ref('Result') }, ['encounterId', 'version', 'result']) }, ...problemResponses(400, 401, 403, 413, 422) },
  },
  list: {
    tags: ['encounters'],
    summary: 'List encounters (latest version) with filters. Role: viewer.',
    querystring: pageQuery(50, 500, {
      verdict: S.verdict,
      payer: S.string,
      from: S.date,
      to: S.date,
      rule: { type: 'string', description: 'only encounters whose latest result has a finding of this rule' },
      rechecked: { type: 'string', enum: ['changed'], description: 'only encounters whose verdict a knowledge recheck changed' },
      q: { type: 'string', minLength: 1, maxLength: MAX_SEARCH, description: "search: part of the patient's name (case-blind), or exactly an MRN, a member id or an encounter id" },
      sort: { type: 'string', enum: [...ENCOUNTER_SORTS], default: 'dateOfService', description: 'column to sort by (ties by encounter id)' },
      order: { type: 'string', enum: ['asc', 'desc'], description: 'default desc for dateOfService and checkedAt, asc for the others (verdict asc: reject first)' },
      page: { type: 'integer', minimum: 1, description: 'page number counted from 1, pages of `limit` rows (instead of offset)' },
    }),
    response: {
      200: {
        description: 'One page of encounters and how many match in all',
        ...object(
          {
            encounters: S.array(
              object({
                id: S.string,
                externalId: { type: ['string', 'null'] },
                dateOfService: S.date,
                payer: S.string,
                latestVersion: S.integer,
                verdict: S.verdict,
                checkedAt: S.string,
                patientName: { type: ['string', 'null'], description: 'family, given' },
                patientMrn: { type: ['string', 'null'] },
                billedCodes: { type: 'array', items: S.string, description: 'codes with modifiers (77080-26): the submitted claim, else the recommended one' },
                topFinding: { type: ['object', 'null'], description: 'the first error, else warning, else note of the latest result', properties: { rule: S.string, severity: S.string, message: S.string, line: S.integer } },
              }),
            ),
            total: { type: 'integer', description: 'encounters matching the filters, on all pages' },
          },
          ['encounters', 'total'],
        ),
      },
      ...problemResponses(400, 401),
    },
  },
  get: {
    tags: ['encounters'],
    summary: 'One stored encounter with every result version, override and acceptance. Role: viewer.',
    params: ID_PARAMS,
    response: {
      200: {
        description: 'The stored encounter',
        ...object({
          id: S.string,
          externalId: { type: ['string', 'null'] },
          dateOfService: S.date,
          payer: S.string,
          inputHash: S.string,
          encounter: ref('Encounter'),
          latestVersion: S.integer,
          versions: S.array(RESULT_VERSION),
          overrides: S.array(object({ id: S.string, version: S.integer, rule: S.string, line: { type: ['integer', 'null'] }, reason: S.string, actor: S.string, createdAt: S.string })),
          accepted: S.array(object({ version: S.integer, claim: { type: 'object' }, actor: S.string, createdAt: S.string })),
        }),
      },
      ...problemResponses(401, 404),
    },
  },
  override: {
    tags: ['encounters'],
    summary: 'Override a finding of the latest result with a reason (3 to 2,000 characters). Role: coder. Idempotency-Key honoured.',
    params: ID_PARAMS,
    headers: IDEMPOTENCY_HEADERS,
    body: object({ rule: S.string, line: { type: ['integer', 'null'], minimum: 0 }, reason: { type: 'string', minLength: 3, maxLength: 2000 } }, ['rule', 'reason']),
    response: { 201: { description: 'The override id and the version it applies to', ...object({ id: S.string, version: S.integer }, ['id', 'version']) }, ...problemResponses(400, 401, 403, 404, 422) },
  },
  accept: {
    tags: ['encounters'],
    summary: "Accept the latest result's claim; every error finding must be overridden first (409 claim.unresolved-errors). Role: coder. Idempotency-Key honoured.",
    params: ID_PARAMS,
    headers: IDEMPOTENCY_HEADERS,
    response: { 201: { description: 'The accepted version', ...object({ version: S.integer }, ['version']) }, ...problemResponses(400, 401, 403, 404, 409, 422) },
  },
  claim: {
    tags: ['claims'],
    summary: 'Download the accepted claim: X12 837P (format=x12, a new interchange control number each time) or a FHIR R4 Claim Bundle (format=fhir). Audited as exported. Role: coder.',
    params: ID_PARAMS,
    querystring: object({ format: EXPORT_FORMAT }),
    response: { 200: CLAIM_FILE, ...problemResponses(400, 401, 403, 404, 409, 422) },
  },
  export: {
    tags: ['claims'],
    summary: 'Export several accepted claims as one 837P interchange or one FHIR Bundle. Role: coder.',
    body: object({ encounterIds: { type: 'array', items: S.string, minItems: 1, maxItems: MAX_EXPORT_ENCOUNTERS }, format: EXPORT_FORMAT }, ['encounterIds']),
    response: { 200: CLAIM_FILE, ...problemResponses(400, 401, 403, 404, 409, 422) },
  },
  stats: {
    tags: ['encounters'],
    summary: 'Dashboard figures: verdicts per month, top findings by rule and payer, charges at risk on rejected claims, VFA fracture findings by age group. Role: viewer.',
    querystring: object({ from: S.date, to: S.date }),
    response: { 200: { description: 'The figures', type: 'object' }, ...problemResponses(400, 401) },
  },
} satisfies Record<string, JsonSchema>;

/** The encounter, claim and dashboard routes. */
export const encounterRoutes: FastifyPluginAsync<EncounterRouteDeps> = async (app, deps) => {
  const { knowledge } = deps;

  app.post('/v1/encounters', { config: { action: 'encounter.write' }, schema: SCHEMAS.store }, async (request, reply) => {
    const parsed = parseEncounter(request.body);
    if (!parsed.ok) throw invalidEncounter(parsed.problems);
    const principal = request.principal!;
    return idempotentWrite(request, reply, async (ops) => ({ status: 201, body: await ops.storeAndCheck(principal.tokenId, parsed.encounter, knowledge) }));
  });

  app.get('/v1/encounters', { config: { action: 'encounter.read' }, schema: SCHEMAS.list }, async (request) => {
    const q = request.query as Record<string, string | undefined>;
    if (q.verdict !== undefined && !VERDICTS.has(q.verdict)) throw invalidInput('verdict', 'clean, review or reject');
    if (q.from !== undefined && !isCalendarDate(q.from)) throw invalidInput('from', 'a date YYYY-MM-DD');
    if (q.to !== undefined && !isCalendarDate(q.to)) throw invalidInput('to', 'a date YYYY-MM-DD');
    if (q.rule !== undefined && !RULE_ID.test(q.rule)) throw invalidInput('rule', 'a rule id such as frequency.too-soon');
    if (q.rechecked !== undefined && q.rechecked !== 'changed') throw invalidInput('rechecked', '"changed" (encounters whose verdict a knowledge recheck changed)');
    if (q.q !== undefined && (q.q.trim().length === 0 || q.q.length > MAX_SEARCH)) throw invalidInput('q', `search text of 1 to ${MAX_SEARCH} characters`);
    if (q.sort !== undefined && !(ENCOUNTER_SORTS as readonly string[]).includes(q.sort)) throw invalidInput('sort', ENCOUNTER_SORTS.join(', '));
    if (q.order !== undefined && q.order !== 'asc' && q.order !== 'desc') throw invalidInput('order', 'asc or desc');
    const page = listPageOf(q);
    const filters = {
      ...(q.verdict ? { verdict: q.verdict as Result['verdict'] } : {}),
      ...(q.payer ? { payer: q.payer } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
      ...(q.rule ? { rule: q.rule } : {}),
      ...(q.rechecked ? { rechecked: 'changed' as const } : {}),
      ...(q.q ? { q: q.q } : {}),
      ...(q.sort ? { sort: q.sort as EncounterSort } : {}),
      ...(q.order ? { order: q.order as 'asc' | 'desc' } : {}),
    };
    const encounters = organizationStore(request).encounters;
    return { encounters: await encounters.list({ ...filters, ...page }), total: await encounters.count(filters) };
  });

  app.get('/v1/encounters/:id', { config: { action: 'encounter.read' }, schema: SCHEMAS.get }, async (request) => {
    const { id } = request.params as { id: string };
    const found = await organizationStore(request).encounters.get(id);
    // Another organisation's record is not found, never forbidden: its existence is not disclosed.
    if (!found) throw notFound(id);
    return found;
  });

  app.post('/v1/encounters/:id/overrides', { config: { action: 'encounter.override' }, schema: SCHEMAS.override }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const body = (request.body ?? {}) as { rule?: unknown; line?: unknown; reason?: unknown };
    if (typeof body.rule !== 'string' || !RULE_ID.test(body.rule)) throw invalidInput('rule', 'a rule id such as frequency.too-soon');
    if (body.line !== undefined && body.line !== null && !(Number.isInteger(body.line) && (body.line as number) >= 0)) throw invalidInput('line', 'a claim line index (0, 1, ...)');
    if (typeof body.reason !== 'string' || body.reason.trim().length < 3 || body.reason.length > 2000) throw new ApiProblem('override.reason-required', 'reason: an override needs a reason (3 to 2,000 characters)');
    const principal = request.principal!;
    const rule = body.rule;
    const line = (body.line as number | null | undefined) ?? null;
    const reason = body.reason.trim();
    return idempotentWrite(request, reply, async (ops) => ({ status: 201, body: await ops.override(principal.tokenId, id, rule, line, reason) }));
  });

  app.post('/v1/encounters/:id/accept', { config: { action: 'encounter.accept' }, schema: SCHEMAS.accept }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const principal = request.principal!;
    return idempotentWrite(request, reply, async (ops) => ({ status: 201, body: await ops.accept(principal.tokenId, id) }));
  });

  app.get('/v1/encounters/:id/claim', { config: { action: 'claim.export' }, schema: SCHEMAS.claim }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const format = (request.query as { format?: string }).format ?? 'x12';
    if (!EXPORT_FORMATS.has(format)) throw invalidInput('format', EXPORT_FORMAT_TEXT);
    const principal = request.principal!;
    const found = await organizationStore(request).encounters.get(id);
    if (!found) throw notFound(id);
    return exportClaims(reply, deps, organizationStore(request), principal, [found], format as 'x12' | 'fhir', `claim-${id}`);
  });

  app.post('/v1/claims/export', { config: { action: 'claim.export' }, schema: SCHEMAS.export }, async (request, reply) => {
    const body = (request.body ?? {}) as { encounterIds?: unknown; format?: unknown };
    const format = body.format ?? 'x12';
    if (typeof format !== 'string' || !EXPORT_FORMATS.has(format)) throw invalidInput('format', EXPORT_FORMAT_TEXT);
    const ids = body.encounterIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_EXPORT_ENCOUNTERS || !ids.every((i) => typeof i === 'string' && i.length > 0 && i.length <= 64)) {
      throw invalidInput('encounterIds', `1 to ${MAX_EXPORT_ENCOUNTERS} encounter ids`);
    }
    const principal = request.principal!;
    const found: StoredEncounter[] = [];
    for (const id of new Set(ids as string[])) {
      const stored = await organizationStore(request).encounters.get(id);
      if (!stored) throw notFound(id);
      found.push(stored);
    }
    return exportClaims(reply, deps, organizationStore(request), principal, found, format as 'x12' | 'fhir', 'claims');
  });

  app.get('/v1/stats', { config: { action: 'encounter.read' }, schema: SCHEMAS.stats }, async (request) => {
    const q = request.query as { from?: string; to?: string };
    if (q.from !== undefined && !isCalendarDate(q.from)) throw invalidInput('from', 'a date YYYY-MM-DD');
    if (q.to !== undefined && !isCalendarDate(q.to)) throw invalidInput('to', 'a date YYYY-MM-DD');
    const range = { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) };
    return dashboardStats(organizationStore(request), range, deps.x12?.charges, nationalAmountOf(knowledge));
  });
};

/** An 837P the writer refused, with its problems (thrown inside the export transaction to roll it back). */
class ExportRefused extends Error {
  override readonly name = 'ExportRefused';
  constructor(readonly problems: X12Problem[]) {
    super('the 837P could not be written');
  }
}

/** limit and offset of the list, or limit and page (counted from 1): one of offset and page, not both. */
function listPageOf(q: Record<string, string | undefined>): { limit: number; offset: number } {
  const { limit, offset } = pageOf(q, 50, 500);
  if (q.page === undefined) return { limit, offset };
  const page = Number(q.page);
  if (q.offset !== undefined) throw invalidInput('page', 'either page or offset, not both');
  if (!Number.isInteger(page) || page < 1) throw invalidInput('page', 'a whole number from 1');
  return { limit, offset: (page - 1) * limit };
}

function notFound(id: string): ApiProblem {
  return new ApiProblem('http.not-found', `No encounter ${JSON.stringify(id.slice(0, 64))}.`);
}

/** A claim the 837P writer or the FHIR mapper refused: its findings are the writer's own problems, where each stands. */
function notWritten(findings: Finding[]): ApiProblem {
  return new ApiProblem('claim.not-written', findings[0]?.message ?? 'the claim could not be written', { findings });
}

/**
 * Writes the accepted claims as one 837P interchange or one FHIR Bundle. Only accepted claims are exported: the
 * result version that was accepted (with its overrides) is what gets billed. The interchange control number comes
 * from a counter in the database (safe across server processes) and the export is audited in the same transaction.
 */
async function exportClaims(
  reply: FastifyReply,
  deps: EncounterRouteDeps,
  store: OrganizationStore,
  principal: { organization: string; tokenId: string },
  encounters: StoredEncounter[],
  format: 'x12' | 'fhir',
  fileStem: string,
): Promise<FastifyReply> {
  const claims: { encounter: StoredEncounter['encounter']; result: Result; id: string; version: number }[] = [];
  for (const stored of encounters) {
    const accepted = stored.accepted.at(-1);
    if (accepted === undefined) {
      throw new ApiProblem('claim.not-accepted', `Encounter ${stored.id} has no accepted claim; accept it first (POST /v1/encounters/${stored.id}/accept).`);
    }
    const version = stored.versions.find((v) => v.version === accepted.version)!;
    claims.push({ encounter: stored.encounter, result: version.result, id: stored.id, version: accepted.version });
  }
  // Accepting requires every error to be overridden with a reason, so an accepted reject is written on purpose.
  const force = true;
  if (format === 'fhir') {
    const written = [];
    for (const claim of claims) {
      const outcome = toFhirClaim(claim.encounter, claim.result, { force });
      if (!outcome.ok) throw notWritten(outcome.problems.map((p) => problemFinding(`encounter ${claim.id}`, p, API_SOURCE)));
      written.push(outcome.claim);
    }
    await store.audit.record(principal.tokenId, 'exported', ['fhir', ...claims.map((c) => c.id)]);
    return reply
      .header('content-type', 'application/fhir+json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileStem}.fhir.json"`)
      .send(JSON.stringify(toFhirClaimBundle(written), null, 2));
  }
  let text: string;
  try {
    text = await store.transaction(async (ops) => {
      const interchange = await ops.nextCounter(`x12-interchange:${principal.organization}`, MAX_INTERCHANGE_CONTROL_NUMBER);
      const now = ops.now(); // ISO-8601 UTC from the store's clock
      const out = write837P(claims, deps.x12, { interchange, date: now.slice(0, 10), time: now.slice(11, 13) + now.slice(14, 16) }, { force });
      const blocking = out.problems.filter((p) => p.rule !== 'x12.write.sample' && p.severity === 'error');
      // Thrown, not returned: the transaction rolls back, so a refused export uses up no control number.
      if (out.claims.length !== claims.length || blocking.length > 0) throw new ExportRefused(blocking.length > 0 ? blocking : out.problems);
      // Every claim was written, in order: each is recorded where it sits, for the 999, 277CA and 835 to be matched to.
      await recordExportedClaims(ops, principal.tokenId, interchange, claims.map((c, i) => ({ encounterId: c.id, version: c.version, written: out.claims[i]! })));
      await ops.audit(principal.tokenId, 'exported', ['x12', String(interchange).padStart(9, '0'), ...claims.map((c) => c.id)]);
      return out.text;
    });
  } catch (error) {
    // The store wraps what a transaction throws as a StoreError; the refusal is its cause.
    const refused = error instanceof ExportRefused ? error : (error as { cause?: unknown }).cause;
    if (!(refused instanceof ExportRefused)) throw error;
    throw notWritten(refused.problems.map((p) => problemFinding(x12ProblemPlace(p), p, API_SOURCE)));
  }
  return reply
    .header('content-type', 'application/edi-x12; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileStem}.837p.edi"`)
    .send(text);
}
