/**
 * The research registry (issue 12 §4, docs/registry.md): GET /v1/registry/cohort (counts of a cohort, small cells
 * suppressed), GET /v1/registry/follow-up/:id (a patient's studies: BMD change against the facility's LSC, new
 * fractures) and POST /v1/registry/export (the cohort de-identified by Safe Harbor, as CSV or FHIR Bulk Data NDJSON;
 * an admin action, audited as registry-exported with the query that produced it).
 */
import type { FastifyPluginAsync } from 'fastify';
import { DATE_MODES, type DateMode } from '../store/deidentify.js';
import { AGE_BANDS, cohortSummary, EXPORT_FORMATS, exportRegistry, followUp, parseCohortQuery, T_SCORE_CATEGORIES, type ExportFormat, type RegistrySettings } from '../store/registry.js';
import { invalidInput, organizationStore } from './http.js';
import { ID_PARAMS, object, problemResponses, S } from './openapi.js';

/** What the registry routes need. */
export interface RegistryRouteDeps {
  /** Smallest cell, the facility's LSC, the date-shift secret (io/registry-config.ts). */
  settings?: RegistrySettings;
}

const CELL = { oneOf: [S.integer, { type: 'string', const: 'suppressed' }] };
const BREAKDOWN = S.array(object({ value: S.string, studies: CELL }, ['value', 'studies']));

/** The cohort filters as query-string or body properties. */
const FILTERS = {
  ageBand: { type: 'string', enum: [...AGE_BANDS] },
  sex: { type: 'string', enum: ['female', 'male', 'unknown'] },
  tScoreCategory: { type: 'string', enum: [...T_SCORE_CATEGORIES], description: 'WHO category of the lowest T-score: normal T >= -1.0, osteopenia -2.5 < T < -1.0, osteoporosis T <= -2.5' },
  genantGrade: { type: 'integer', minimum: 0, maximum: 3, description: 'highest Genant grade read at VFA (0: no fracture)' },
  therapy: { type: 'string', description: 'an osteoporosis drug (e.g. alendronate), "any" or "none" (none stated)' },
  payer: S.string,
  from: S.date,
  to: S.date,
};

const MINIMUM_CELL = { type: 'integer', minimum: 2, description: 'a smallest cell size above the configured one (default 11); never lowers it' };

/** Reads an optional minimum cell size from a query or body value. */
function minimumCellOf(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2) throw invalidInput('minimumCellSize', 'a whole number of at least 2');
  return n;
}

/** Reads the cohort filters; a problem names the filter. */
function cohortOf(raw: Record<string, unknown>) {
  const parsed = parseCohortQuery(raw);
  if (!parsed.ok) throw invalidInput(parsed.field, parsed.message.replace(/^expected /, ''));
  return parsed.query;
}

/** GET /v1/registry/cohort, GET /v1/registry/follow-up/:id and POST /v1/registry/export. */
export const registryRoutes: FastifyPluginAsync<RegistryRouteDeps> = async (app, deps) => {
  const settings = deps.settings ?? {};

  app.get(
    '/v1/registry/cohort',
    {
      config: { action: 'registry.query' },
      schema: {
        tags: ['registry'],
        summary: 'Counts of a cohort (studies and patients) by sex, age band, T-score category, highest Genant grade, therapy and payer. A count of fewer patients than the smallest cell size (default 11) is "suppressed", and one more cell with it when it is the only one. Role: viewer.',
        querystring: object({ ...FILTERS, minimumCellSize: MINIMUM_CELL }),
        response: {
          200: {
            description: 'the cohort counts',
            ...object({ query: object({}), minimumCellSize: S.integer, studies: CELL, patients: CELL, bySex: BREAKDOWN, byAgeBand: BREAKDOWN, byTScoreCategory: BREAKDOWN, byGenantGrade: BREAKDOWN, byTherapy: BREAKDOWN, byPayer: BREAKDOWN }, ['query', 'minimumCellSize', 'studies', 'patients']),
          },
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { minimumCellSize, ...filters } = request.query as Record<string, unknown>;
      return cohortSummary(organizationStore(request), cohortOf(filters), settings, minimumCellOf(minimumCellSize));
    },
  );

  app.get(
    '/v1/registry/follow-up/:id',
    {
      config: { action: 'registry.query' },
      schema: {
        tags: ['registry'],
        summary:
          "The studies of this encounter's patient (matched by MRN, else member id), oldest first, each with the BMD change per site since the study before (judged against the facility's least significant change when one is configured; otherwise not judged, and said so) and the levels graded higher than then (new fractures). Role: viewer.",
        params: ID_PARAMS,
        response: { 200: { description: 'the follow-up', ...object({ encounterId: S.string, matched: S.boolean, studies: S.array(object({})) }, ['encounterId', 'matched', 'studies']) }, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => followUp(organizationStore(request), (request.params as { id: string }).id, settings),
  );

  app.post(
    '/v1/registry/export',
    {
      config: { action: 'registry.export' },
      schema: {
        tags: ['registry'],
        summary:
          'Export a cohort de-identified by the HIPAA Safe Harbor method (docs/registry.md): no names, record or member numbers, addresses, ZIP codes, full dates, NPIs or report text; ages over 89 as "90 or older"; dates as the year, or shifted per patient by a secret offset (dates "shift", needs DXACODE_REGISTRY_SECRET); quasi-identifiers of small classes suppressed. As CSV, or as FHIR R4 NDJSON in the Bulk Data layout (manifest and one file per resource type). Audited as registry-exported with the query. Role: admin.',
        body: object({ format: { type: 'string', enum: [...EXPORT_FORMATS] }, dates: { type: 'string', enum: [...DATE_MODES], default: 'year' }, query: object(FILTERS), minimumCellSize: MINIMUM_CELL }, ['format']),
        response: {
          200: {
            description: 'summary (counts, modes, the audit record), and csv, or manifest and files (NDJSON text by file name)',
            ...object({ summary: object({ studies: S.integer, subjects: S.integer, suppressedStudies: S.integer, dateMode: S.string, minimumCellSize: S.integer, auditSeq: S.integer }), csv: S.string, manifest: object({}), files: object({}) }, ['summary']),
          },
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as { format?: unknown; dates?: unknown; query?: unknown; minimumCellSize?: unknown };
      if (typeof body.format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(body.format)) throw invalidInput('format', `one of ${EXPORT_FORMATS.join(', ')}`);
      const dates = body.dates ?? 'year';
      if (typeof dates !== 'string' || !(DATE_MODES as readonly string[]).includes(dates)) throw invalidInput('dates', `one of ${DATE_MODES.join(', ')}`);
      if (body.query !== undefined && (typeof body.query !== 'object' || body.query === null || Array.isArray(body.query))) throw invalidInput('query', 'an object of cohort filters');
      const query = cohortOf((body.query ?? {}) as Record<string, unknown>);
      const minimumCellSize = minimumCellOf(body.minimumCellSize);
      const { export: exported, summary } = await exportRegistry(
        organizationStore(request),
        request.principal!.tokenId,
        { query, format: body.format as ExportFormat, dateMode: dates as DateMode, ...(minimumCellSize !== undefined ? { minimumCellSize } : {}) },
        settings,
      );
      return exported.format === 'csv' ? { summary, csv: exported.csv } : { summary, manifest: exported.manifest, files: exported.files };
    },
  );
};
