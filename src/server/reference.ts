/**
 * The coders' reference (engine/reference.ts) over HTTP: GET /v1/reference lists the family's codes with the
 * knowledge tables and versions in force on a date, GET /v1/reference/{code} gives one code's history, pairs, units,
 * modifiers, coverage and common mistakes, every fact with its source. The page and integrators read the same.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { isCalendarDate, isWithin } from '../contract/dates.js';
import { CODE_STATUSES, codeReference, referenceIndex } from '../engine/reference.js';
import type { Knowledge } from '../knowledge/compile.js';
import { KIND_TITLES } from '../knowledge/versions.js';
import { invalidInput } from './http.js';
import { datasetsInForce } from './knowledge.js';
import { object, problemResponses, S, type JsonSchema } from './openapi.js';
import { ApiProblem } from './problems.js';

/** What the reference routes need. */
export interface ReferenceRouteDeps {
  knowledge: Knowledge;
}

const SOURCE: JsonSchema = { type: 'object', description: 'the citation of the knowledge object this fact comes from: title, url, version, confidence' };
const DATE_QUERY = object({ date: { ...S.date, description: 'the date of service (default today)' } });
const CODE_SUMMARY = object({ code: S.string, system: S.string, label: S.string, service: { type: ['string', 'null'] }, status: { type: 'string', enum: [...CODE_STATUSES] }, mistakeCount: S.integer }, ['code', 'system', 'label', 'status']);

/** Each route's schema: what the OpenAPI document says of it. */
const SCHEMAS = {
  index: {
    tags: ['reference'],
    summary: 'The coders\' reference: every code of the bone-density family the knowledge holds, with its status on the date, and the knowledge tables, datasets and imported versions in force (each with its source and dates). Role: viewer.',
    querystring: DATE_QUERY,
    response: {
      200: {
        description: 'date, organization, knowledge version, tables, datasets, versions and codes',
        ...object(
          {
            date: S.date,
            organization: S.string,
            version: S.string,
            jurisdiction: { type: ['string', 'null'], description: "the office's default MAC jurisdiction, if configured" },
            tables: S.array(object({ table: S.string, title: S.string, version: S.string })),
            datasets: S.array(object({ table: S.string, id: S.string, label: S.string, effective: { type: 'object' }, inForce: S.boolean, source: SOURCE })),
            versions: S.array(object({ id: S.string, kind: S.string, kindTitle: S.string, edition: S.string, effectiveFrom: S.date, effectiveTo: { type: ['string', 'null'] }, importedBy: S.string, importedAt: S.string, inForce: S.boolean })),
            codes: S.array(CODE_SUMMARY),
          },
          ['date', 'organization', 'version', 'tables', 'datasets', 'versions', 'codes'],
        ),
      },
      ...problemResponses(400, 401),
    },
  },
  code: {
    tags: ['reference'],
    summary: "One code on a date: its history (valid from and to, what it replaced and what replaced it), its pair edits with modifier indicators, its units (MUE and MAI), its modifiers, coverage per payer and Medicare jurisdiction, and the common mistakes, each with the source and confidence of the knowledge it comes from. Role: viewer.",
    params: object({ code: { type: 'string', pattern: '^[0-9A-Z]{5}$', description: 'a CPT or HCPCS code of the family (GET /v1/reference lists them)' } }, ['code']),
    querystring: DATE_QUERY,
    response: {
      200: {
        description: 'the code reference',
        ...object(
          {
            ...(CODE_SUMMARY.properties as Record<string, JsonSchema>),
            date: S.date,
            history: object({ effective: { type: ['string', 'null'] }, end: { type: ['string', 'null'] }, replacedBy: S.array(S.string), replaces: S.array(S.string), combinations: S.array({ type: 'object' }), source: SOURCE }),
            pairs: S.array(object({ column1: S.string, column2: S.string, other: S.string, claimType: S.string, inForce: S.boolean, modifierIndicator: { type: ['string', 'null'] }, source: SOURCE })),
            pairsNote: object({ complete: S.boolean, text: S.string, source: SOURCE }),
            units: S.array(object({ claimType: S.string, value: S.integer, mai: { type: ['integer', 'null'] }, rationale: S.string, source: SOURCE })),
            modifiers: S.array(object({ modifier: S.string, label: S.string, because: S.string, source: SOURCE })),
            pcTc: { type: ['object', 'null'] },
            coverage: object({ medicare: { type: 'object' }, payers: S.array({ type: 'object' }) }),
            mistakes: S.array(object({ mistake: S.string, instead: S.string, source: SOURCE })),
          },
          ['code', 'date', 'history', 'pairs', 'units', 'modifiers', 'coverage', 'mistakes'],
        ),
      },
      ...problemResponses(400, 401, 404),
    },
  },
} satisfies Record<string, JsonSchema>;

/** The date of service of a request: its `date`, else today (the edge picks the default; the engine never reads the clock). */
function dateOf(request: FastifyRequest): string {
  const q = request.query as { date?: unknown };
  const date = typeof q.date === 'string' ? q.date : new Date(Date.now()).toISOString().slice(0, 10);
  if (!isCalendarDate(date)) throw invalidInput('date', 'a date as YYYY-MM-DD');
  return date;
}

/** GET /v1/reference and GET /v1/reference/{code}. */
export const referenceRoutes: FastifyPluginAsync<ReferenceRouteDeps> = async (app, { knowledge }) => {
  app.get('/v1/reference', { config: { action: 'encounter.read' }, schema: SCHEMAS.index }, async (request) => {
    const date = dateOf(request);
    const k = knowledge.forDate(date);
    const tables = [k.codes, k.pairs, k.modifiers, k.medicare, k.articles].map((t, i) => ({ table: ['codes', 'pairs', 'modifiers', 'medicare-bmm', 'billing-articles'][i]!, title: t.title, version: t.version }));
    return {
      date,
      organization: request.principal!.organization,
      version: k.version,
      jurisdiction: k.office.jurisdiction ?? null,
      tables,
      datasets: datasetsInForce(knowledge, date).map((d) => ({ table: d.table, id: d.info.id, label: d.info.label, effective: d.info.effective, inForce: d.inForce, source: d.info.source })),
      // Newest first: the "what changed" view reads them in the order they were imported.
      versions: [...knowledge.versionRecords]
        .sort((a, b) => b.seq - a.seq)
        .map((v) => ({ id: v.id, kind: v.kind, kindTitle: KIND_TITLES[v.kind], edition: v.edition, effectiveFrom: v.effectiveFrom, effectiveTo: v.effectiveTo, importedBy: v.importedBy, importedAt: v.importedAt, inForce: isWithin(date, v.effectiveFrom, v.effectiveTo) })),
      codes: referenceIndex(knowledge, date),
    };
  });

  app.get('/v1/reference/:code', { config: { action: 'encounter.read' }, schema: SCHEMAS.code }, async (request) => {
    const { code } = request.params as { code: string };
    const date = dateOf(request);
    const found = /^[0-9A-Za-z]{5}$/.test(code) ? codeReference(knowledge, code.toUpperCase(), date) : undefined;
    if (!found) throw new ApiProblem('http.not-found', `The reference holds no code ${JSON.stringify(code.slice(0, 16))}; GET /v1/reference lists the codes.`);
    return found;
  });
};
