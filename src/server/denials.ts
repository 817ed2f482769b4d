/**
 * Denials and what predicted them (issue 12 §3): the denial worklist (GET /v1/denials), prediction quality per rule
 * and per payer with the misses and the money (GET /v1/denials/summary), and one encounter's life from its first
 * check to its payment or denial (GET /v1/encounters/:id/life). Read-only, for viewers; another organisation's
 * encounter is not found. CARC, RARC and status codes come in words, each with its source.
 */
import type { FastifyPluginAsync } from 'fastify';
import { isCalendarDate } from '../contract/dates.js';
import { loadRemittanceCodes } from '../io/remittance-codes-file.js';
import type { RemittanceCodes } from '../knowledge/remittance-codes.js';
import { RESUBMISSION_PATHS } from '../store/denial-analysis.js';
import { denialSummary, denialWorklist, encounterLife, LIFE_STAGES, type DenialFilters } from '../store/denials.js';
import { invalidInput, organizationStore, pageOf } from './http.js';
import { ID_PARAMS, object, pageQuery, problemResponses, S, type JsonSchema } from './openapi.js';
import { ApiProblem } from './problems.js';

/** What the routes need: the remittance code words (default: the embedded table). */
export interface DenialRouteDeps {
  codes?: RemittanceCodes;
}

const NULLABLE_INTEGER = { type: ['integer', 'null'] };
const FILTERS = { payer: S.string, from: S.date, to: S.date };
const WORDS = object({ code: S.string, description: S.string, categories: S.array(S.string), source: { type: 'object' } });
const ADJUSTMENT = object({ group: S.string, groupName: S.string, code: S.string, description: S.string, categories: S.array(S.string), cents: S.integer, source: { type: 'object' } }, ['group', 'code', 'categories', 'cents'], 'one CAS adjustment: group code, CARC in words with its source, amount in cents');
const LINE_FINDING = object({ rule: S.string, severity: S.string, message: S.string, fix: S.string, scope: { type: 'string', enum: ['line', 'claim'] }, override: object({ reason: S.string, actor: S.string }) }, ['rule', 'severity', 'message', 'scope']);
const DIAGNOSES = S.array(object({ pointer: S.integer, code: S.string }));
const DENIED_LINE = object(
  {
    encounterId: S.string,
    externalId: { type: ['string', 'null'] },
    claimId: S.string,
    payer: S.string,
    dateOfService: S.date,
    version: S.integer,
    line: S.integer,
    code: S.string,
    modifiers: S.array(S.string),
    units: S.integer,
    diagnoses: DIAGNOSES,
    billedCents: S.integer,
    paidCents: NULLABLE_INTEGER,
    allowedCents: NULLABLE_INTEGER,
    deniedCents: S.integer,
    claimStatus: S.string,
    adjustments: S.array(ADJUSTMENT),
    remarks: S.array(WORDS),
    categories: S.array(S.string),
    findings: S.array(LINE_FINDING),
    flagged: S.boolean,
    importedAt: S.string,
    suggestion: object({ path: { type: 'string', enum: [...RESUBMISSION_PATHS] }, frequencyCode: { type: 'string', enum: ['1', '7'] }, action: S.string, basis: S.array(S.string) }, ['path', 'action', 'basis']),
  },
  ['encounterId', 'claimId', 'line', 'code', 'adjustments', 'findings', 'flagged', 'suggestion'],
);
const COUNTS = { adjudicated: S.integer, flagged: S.integer, flaggedDenied: S.integer, denied: S.integer, deniedFlagged: S.integer };

/** Each route's schema: what the OpenAPI document says of it. */
const SCHEMAS = {
  worklist: {
    tags: ['denials'],
    summary:
      "The denial worklist: each billed line the latest 835 denied (a CARC other than deductible, coinsurance, copay or fee schedule), newest first, with its reasons in words (CARC with group code, RARC), the findings of the exported result version about that line (and the coder's overrides), and a suggested correction and resubmission path (replacement claim with frequency code 7, new claim, appeal, or none) with its basis. Role: viewer.",
    querystring: pageQuery(50, 500, FILTERS),
    response: { 200: { description: 'total denied lines, and the page of them', ...object({ total: S.integer, lines: S.array(DENIED_LINE) }, ['total', 'lines']) }, ...problemResponses(400, 401) },
  },
  summary: {
    tags: ['denials'],
    summary:
      'Prediction quality and money over the exported lines a 835 answered: of the lines an error finding applied to, how many were denied (precision); of the denied lines, how many were flagged (recall); per rule and per payer; the misses (denied lines dxacode did not flag) with CARC, code, payer and diagnosis pointers and the payer-pack rule kind they map to; and billed, allowed, paid, patient responsibility and the amount denied by reason, in cents. Role: viewer.',
    querystring: object(FILTERS),
    response: {
      200: {
        description: 'prediction and money',
        ...object(
          {
            prediction: object({
              ...COUNTS,
              precision: { type: ['number', 'null'] },
              recall: { type: ['number', 'null'] },
              byRule: S.array(object({ rule: S.string, flagged: S.integer, denied: S.integer })),
              byPayer: S.array(object({ payer: S.string, ...COUNTS })),
              misses: S.array(object({ encounterId: S.string, externalId: { type: ['string', 'null'] }, claimId: S.string, payer: S.string, dateOfService: S.date, code: S.string, modifiers: S.array(S.string), diagnoses: DIAGNOSES, carc: S.array(object({ group: S.string, code: S.string, description: S.string })), rarc: S.array(object({ code: S.string, description: S.string })), category: S.string, packRuleKind: { type: ['string', 'null'] }, warnings: S.array(S.string) })),
              packDocs: S.string,
            }),
            money: object({
              claims: S.integer,
              billedCents: S.integer,
              allowedCents: NULLABLE_INTEGER,
              linesWithoutAllowed: S.integer,
              paidCents: S.integer,
              patientCents: S.integer,
              deniedCents: S.integer,
              deniedByReason: S.array(object({ group: S.string, code: S.string, description: S.string, categories: S.array(S.string), cents: S.integer, lines: S.integer })),
              awaiting: object({ claims: S.integer, billedCents: S.integer }),
            }),
          },
          ['prediction', 'money'],
        ),
      },
      ...problemResponses(400, 401),
    },
  },
  life: {
    tags: ['encounters'],
    summary: "One encounter's life, oldest first: each check, acceptance and export, the 999 acknowledgment, the 277CA claim status and the 835 payment or denial, with the status, CARC and RARC codes in words and their source; `outcome` is the last stage reached. Role: viewer.",
    params: ID_PARAMS,
    response: {
      200: {
        description: 'The life',
        ...object(
          {
            encounterId: S.string,
            outcome: { type: 'string', enum: [...LIFE_STAGES] },
            events: S.array(
              object({
                at: S.string,
                stage: { type: 'string', enum: [...LIFE_STAGES] },
                summary: S.string,
                version: S.integer,
                claimId: S.string,
                codes: S.array(object({ list: S.string, code: S.string, description: S.string, source: { type: 'object' } })),
                amounts: object({ billedCents: NULLABLE_INTEGER, paidCents: NULLABLE_INTEGER, patientCents: NULLABLE_INTEGER }),
                lines: S.array(object({ line: NULLABLE_INTEGER, code: { type: ['string', 'null'] }, paidCents: NULLABLE_INTEGER, billedCents: NULLABLE_INTEGER, adjustments: S.array(ADJUSTMENT), remarks: S.array(WORDS) })),
              }),
            ),
          },
          ['encounterId', 'outcome', 'events'],
        ),
      },
      ...problemResponses(401, 404),
    },
  },
} satisfies Record<string, JsonSchema>;

/** Reads the payer and date-of-service filters of a query; throws what is wrong. */
function filtersOf(q: Record<string, string | undefined>): DenialFilters {
  if (q.from !== undefined && !isCalendarDate(q.from)) throw invalidInput('from', 'a date YYYY-MM-DD');
  if (q.to !== undefined && !isCalendarDate(q.to)) throw invalidInput('to', 'a date YYYY-MM-DD');
  return { ...(q.payer ? { payer: q.payer } : {}), ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) };
}

/** The denial worklist, the prediction and money summary, and an encounter's life. */
export const denialRoutes: FastifyPluginAsync<DenialRouteDeps> = async (app, deps) => {
  const codes = deps.codes ?? loadRemittanceCodes();

  app.get('/v1/denials', { config: { action: 'encounter.read' }, schema: SCHEMAS.worklist }, async (request) => {
    const q = request.query as Record<string, string | undefined>;
    return denialWorklist(organizationStore(request), codes, { ...filtersOf(q), ...pageOf(q, 50, 500) });
  });

  app.get('/v1/denials/summary', { config: { action: 'encounter.read' }, schema: SCHEMAS.summary }, async (request) => denialSummary(organizationStore(request), codes, filtersOf(request.query as Record<string, string | undefined>)));

  app.get('/v1/encounters/:id/life', { config: { action: 'encounter.read' }, schema: SCHEMAS.life }, async (request) => {
    const { id } = request.params as { id: string };
    const life = await encounterLife(organizationStore(request), codes, id);
    // Another organisation's record is not found, never forbidden: its existence is not disclosed.
    if (life === undefined) throw new ApiProblem('http.not-found', `No encounter ${JSON.stringify(id.slice(0, 64))}.`);
    return life;
  });
};
