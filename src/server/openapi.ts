/** The OpenAPI 3.1 document of the HTTP API, generated from the contract's zod schemas (JSON Schema 2020-12). */
import { contractJsonSchemas } from '../contract/json-schema.js';

interface JsonSchemaDocument {
  $defs?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Rewrites `#/$defs/X` references to `#/components/schemas/X`. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/$defs/', '#/components/schemas/');
      else if (k !== '$schema' && k !== '$id') out[k] = relink(v);
    }
    return out;
  }
  return value;
}

const PACK_BODY = {
  required: true,
  content: { 'application/yaml': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } },
  description: 'The payer pack file as YAML (application/yaml, text/yaml) or JSON; its JSON Schema is schema/payer-pack.schema.json',
};
const PACK_FILE_PARAMETER = { name: 'file', in: 'query', description: 'the file name to record (default ID.yaml)', schema: { type: 'string' } };

const problemResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Problems' } } } });

/** The OpenAPI document. */
export function openApiDocument(version: string): Record<string, unknown> {
  const schemas = contractJsonSchemas();
  const encounter = schemas['encounter.schema.json'] as JsonSchemaDocument;
  const result = schemas['result.schema.json'] as JsonSchemaDocument;
  const components: Record<string, unknown> = {};
  for (const doc of [encounter, result]) for (const [name, schema] of Object.entries(doc.$defs ?? {})) components[name] = relink(schema);
  components.Problems = {
    type: 'object',
    required: ['findings'],
    properties: { findings: { type: 'array', items: { $ref: '#/components/schemas/Finding' } } },
    description: 'Errors are reported as the contract\'s findings, never as stack traces or SQL.',
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'dxacode API',
      version,
      description:
        'Code and check bone densitometry (DXA) and VFA claims. Bearer tokens are created with `dxacode token create --role viewer|coder|admin` ' +
        '(viewers read, coders check, override, accept and export, admins manage tokens). Another organisation\'s records are 404. ' +
        'Writes accept an `Idempotency-Key` header: the first response is stored with the write and replayed (header `Idempotent-Replayed: true`); ' +
        'the same key with a different request is 422. Errors are the contract\'s findings.',
    },
    components: { schemas: components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, parameters: PARAMETERS },
    security: [{ bearer: [] }],
    paths: {
      '/health': { get: { summary: 'Liveness and the knowledge version', security: [], responses: { 200: { description: 'Up' } } } },
      '/v1/check': {
        post: {
          summary: 'Check one encounter (stateless): the contract\'s Encounter in, Result out. Role: coder.',
          requestBody: json('Encounter'),
          responses: { 200: jsonResponse('The result', 'Result'), ...errors(400, 401, 403, 413, 415) },
        },
      },
      '/v1/session': { post: { summary: 'Sign in: returns who the token is (audited as signed-in). Any role.', responses: { 200: { description: 'tokenId, organization and role' }, ...errors(401) } } },
      '/v1/knowledge': {
        get: {
          summary: 'The knowledge in force on a date (default today): per table the imported version or embedded default with its source, every imported version with its files, SHA-256, row counts, period and importer, and the payer packs. Role: viewer.',
          parameters: [{ name: 'date', in: 'query', schema: { type: 'string', format: 'date' } }],
          responses: { 200: { description: 'version, date, datasets, imported and payers' }, ...errors(400, 401) },
        },
      },
      '/v1/knowledge/diff': {
        get: {
          summary: 'Rows added, deleted and changed between two imported versions of one kind (from: default the previous version of the kind); the bone-density family unless all=true. Role: viewer.',
          parameters: [
            { name: 'to', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'from', in: 'query', schema: { type: 'string' } },
            { name: 'all', in: 'query', schema: { type: 'boolean' } },
          ],
          responses: { 200: { description: 'kind, from, to, added, deleted, changed, touchedCodes' }, ...errors(400, 401, 404) },
        },
      },
      '/v1/knowledge/recheck': {
        post: {
          summary: "Check again this organisation's stored encounters that the versions imported since `since` touch; each new result is kept as a new version with its reason. Role: admin.",
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['since'], properties: { since: { type: 'string' } } } } } },
          responses: { 200: { description: 'rechecked, changed and each encounter with its verdict before and after' }, ...errors(400, 401, 403, 404) },
        },
      },
      '/v1/extract': {
        post: {
          summary: 'Read a DXA/VFA report: studies, results, clinical facts, VFA findings and suggested diagnoses, each with its evidence span. Role: viewer.',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['report'], properties: { report: { type: 'string' } } } } } },
          responses: { 200: { description: 'The report facts' }, ...errors(400, 401, 413) },
        },
      },
      '/v1/encounters': {
        post: {
          summary: 'Store and check an encounter; earlier stored encounters of the same patient feed the frequency rule. Role: coder. Idempotency-Key honoured.',
          parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
          requestBody: json('Encounter'),
          responses: { 201: { description: 'encounterId, version and the Result' }, ...errors(400, 401, 403, 413, 422) },
        },
        get: {
          summary: 'List encounters (latest version) with filters. Role: viewer.',
          parameters: ['verdict', 'payer', 'from', 'to', 'rule', 'rechecked', 'limit', 'offset'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
          responses: { 200: { description: 'encounters' }, ...errors(400, 401) },
        },
      },
      '/v1/encounters/{id}': { get: { summary: 'One stored encounter with every result version, override and acceptance. Role: viewer.', parameters: [ID], responses: { 200: { description: 'The stored encounter' }, ...errors(401, 404) } } },
      '/v1/encounters/{id}/overrides': {
        post: {
          summary: 'Override a finding of the latest result with a reason (3 to 2,000 characters). Role: coder. Idempotency-Key honoured.',
          parameters: [ID, { $ref: '#/components/parameters/IdempotencyKey' }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['rule', 'reason'], properties: { rule: { type: 'string' }, line: { type: 'integer', minimum: 0 }, reason: { type: 'string', minLength: 3, maxLength: 2000 } } } } } },
          responses: { 201: { description: 'The override id and the version it applies to' }, ...errors(400, 401, 403, 404) },
        },
      },
      '/v1/encounters/{id}/accept': {
        post: {
          summary: 'Accept the latest result\'s claim; every error finding must be overridden first (409 claim.unresolved-errors). Role: coder. Idempotency-Key honoured.',
          parameters: [ID, { $ref: '#/components/parameters/IdempotencyKey' }],
          responses: { 201: { description: 'The accepted version' }, ...errors(401, 403, 404, 409) },
        },
      },
      '/v1/encounters/{id}/claim': {
        get: {
          summary: 'Download the accepted claim: X12 837P (format=x12, a new interchange control number each time) or a FHIR R4 Claim Bundle (format=fhir). Audited as exported. Role: coder.',
          parameters: [ID, { name: 'format', in: 'query', schema: { type: 'string', enum: ['x12', 'fhir'] } }],
          responses: { 200: { description: 'The claim file (attachment)' }, ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      '/v1/claims/export': {
        post: {
          summary: 'Export several accepted claims as one 837P interchange or one FHIR Bundle. Role: coder.',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['encounterIds'], properties: { encounterIds: { type: 'array', items: { type: 'string' }, maxItems: 5000 }, format: { type: 'string', enum: ['x12', 'fhir'] } } } } } },
          responses: { 200: { description: 'The claim file (attachment)' }, ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      '/v1/batches': {
        post: {
          summary: 'Upload a batch (NDJSON encounters, an X12 837P file or HL7 v2 ORU messages) to be stored and checked in the background by whichever server process is free. Role: coder. Idempotency-Key honoured.',
          parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
          requestBody: { required: true, content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'application/edi-x12': { schema: { type: 'string' } }, 'application/hl7-v2': { schema: { type: 'string' } } } },
          responses: { 202: { description: 'jobId, total and items already failed' }, ...errors(400, 401, 403, 413, 415, 422) },
        },
        get: { summary: 'Batches of this organisation, newest first. Role: viewer.', responses: { 200: { description: 'batches' }, ...errors(401) } },
      },
      '/v1/responses': {
        post: {
          summary:
            'Import a 999, 277CA or 835 file (or one mixing them) as it came back: each item is matched to the exported claims (999: group and transaction set control numbers; 277CA and 835: claim id and line item control numbers) and stored with its match, or with why it could not be matched; audited as responses-imported. Strict by default (a defect stores nothing); ?mode=lenient stores what can be read. The same file twice is 409. Role: coder.',
          parameters: [{ name: 'mode', in: 'query', schema: { type: 'string', enum: ['strict', 'lenient'] } }],
          requestBody: { required: true, content: { 'application/edi-x12': { schema: { type: 'string' } } } },
          responses: { 201: { description: 'fileId, kinds, counts, the outcome of each item (what it matched, or notMatched with the reason) and the findings of the file' }, ...errors(400, 401, 403, 409, 413, 415, 422) },
        },
      },
      '/v1/batches/{id}': { get: { summary: 'Progress of one batch: status, total, done, failed. Role: viewer.', parameters: [ID], responses: { 200: { description: 'The batch' }, ...errors(401, 404) } } },
      '/v1/batches/{id}/items': {
        get: {
          summary: 'Per-item results of one batch (encounter id and verdict, or the findings of an unreadable item). Role: viewer.',
          parameters: [ID, { name: 'offset', in: 'query', schema: { type: 'integer' } }, { name: 'limit', in: 'query', schema: { type: 'integer' } }],
          responses: { 200: { description: 'items' }, ...errors(401, 404) },
        },
      },
      '/v1/stats': {
        get: {
          summary: 'Dashboard figures: verdicts per month, top findings by rule and payer, charges at risk on rejected claims, VFA fracture findings by age group. Role: viewer.',
          parameters: ['from', 'to'].map((name) => ({ name, in: 'query', schema: { type: 'string', format: 'date' } })),
          responses: { 200: { description: 'The figures' }, ...errors(400, 401) },
        },
      },
      '/v1/tokens': {
        get: { summary: 'Tokens of this organisation (never the tokens themselves). Role: admin.', responses: { 200: { description: 'tokens' }, ...errors(401, 403) } },
        post: {
          summary: 'Create a token; the plain token is in this response only. Role: admin.',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['role'], properties: { role: { type: 'string', enum: ['viewer', 'coder', 'admin'] } } } } } },
          responses: { 201: { description: 'id, role and token' }, ...errors(400, 401, 403) },
        },
      },
      '/v1/tokens/{id}': { delete: { summary: 'Revoke a token of this organisation. Role: admin.', parameters: [ID], responses: { 200: { description: 'Revoked' }, ...errors(401, 403, 404) } } },
      '/v1/audit': { get: { summary: 'Newest audit records of this organisation (ids and actions only). Role: admin.', parameters: ['limit', 'before'].map((name) => ({ name, in: 'query', schema: { type: 'integer' } })), responses: { 200: { description: 'records' }, ...errors(400, 401, 403) } } },
      '/v1/knowledge/payer-packs/validate': {
        post: {
          summary: 'Lint a payer policy pack file (docs/payer-packs.md) and run its own cases against the knowledge in use, without storing it. Role: admin.',
          parameters: [PACK_FILE_PARAMETER],
          requestBody: PACK_BODY,
          responses: { 200: { description: 'ok, the pack id, name, program, version and period, the number of cases passed and lint warnings' }, ...errors(400, 401, 403, 422) },
        },
      },
      '/v1/knowledge/payer-packs': {
        post: {
          summary:
            'Upload a payer policy pack file: it is linted and its own cases run server-side; a pack with a lint error or a failing case is refused (422, one finding per problem and `failures` with what each case got). Once it passes it is stored as a knowledge version (kind payer-pack, with its file name, SHA-256, uploader and effective period), listed by GET /v1/knowledge, and applied by every server process on the same database without a restart, ahead of the embedded version of the payer on the dates it covers. Role: admin.',
          parameters: [PACK_FILE_PARAMETER],
          requestBody: PACK_BODY,
          responses: { 201: { description: 'version (the stored knowledge version record) and lint warnings' }, ...errors(400, 401, 403, 409, 413, 415, 422) },
        },
      },
      '/v1/audit/verify': {
        get: {
          summary: "Verify the audit log's keyed chain and its signed checkpoints. Role: admin. Counts are the organisation's; a broken record of another organisation is reported without its seq.",
          responses: { 200: { description: 'ok with the counts, or ok false with the first broken record (seq null when it is not this organisation\'s)' }, ...errors(401, 403) },
        },
      },
    },
  };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is not usable: each finding names the field and what was expected',
  401: 'No valid bearer token',
  403: 'The token\'s role may not do this',
  404: 'No such record (or another organisation\'s)',
  409: 'Conflicts with the stored state (already accepted, unresolved errors, not accepted yet)',
  413: 'The body is larger than the limit, or has more lines than the limit',
  415: 'Unsupported content type',
  422: 'The Idempotency-Key was used for another request, or the claim cannot be written',
};

function errors(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(statuses.map((s) => [s, problemResponse(STATUS_TEXT[s] ?? 'Error')]));
}

function json(schema: string): Record<string, unknown> {
  return { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } };
}

function jsonResponse(description: string, schema: string): Record<string, unknown> {
  return { description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } };
}

const ID = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

const PARAMETERS = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'Makes a write safe to retry: 1 to 200 visible ASCII characters, unique per intended write within the organisation.',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
  },
};
