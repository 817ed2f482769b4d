/**
 * The figures (issue 12 §6, docs/figures.md): GET /v1/figures lists them, GET /v1/figures/:figure gives one for a
 * range of dates of service as its title, description, table alternative, chart data and the SVG drawn from it.
 * Read-only, for viewers, like the dashboard's statistics; the registry figures suppress small cells as the cohort
 * query does.
 */
import type { FastifyPluginAsync } from 'fastify';
import { loadRemittanceCodes } from '../io/remittance-codes-file.js';
import type { RemittanceCodes } from '../knowledge/remittance-codes.js';
import { renderChartSvg } from '../plots/chart-svg.js';
import { FIGURES, figureOf, figureRangeProblem, isFigureName, type FigureRange } from '../store/figures.js';
import type { RegistrySettings } from '../store/registry.js';
import { invalidInput, organizationStore } from './http.js';
import { object, problemResponses, S, type JsonSchema } from './openapi.js';
import { ApiProblem } from './problems.js';

/** What the routes need: the remittance code words (default: the embedded table) and the registry settings. */
export interface FigureRouteDeps {
  codes?: RemittanceCodes;
  registry?: RegistrySettings;
}

const FIGURE = object(
  {
    figure: { type: 'string', enum: [...FIGURES] },
    title: S.string,
    description: S.string,
    table: object({ columns: S.array(S.string), rows: S.array(S.array({ type: ['string', 'number'] })) }, ['columns', 'rows'], 'the same numbers as a table; a suppressed count is the word "suppressed"'),
    chart: { type: 'object', description: 'what the SVG was drawn from (src/plots/chart-svg.ts Chart): kind columns or bars, categories, series and values, or bars with shares' },
    svg: { type: 'string', description: 'the figure as a standalone SVG document (role="img", title, description, legend in words)' },
  },
  ['figure', 'title', 'description', 'table', 'chart', 'svg'],
);

const SCHEMAS = {
  list: {
    tags: ['figures'],
    summary: 'The figures there are, by name, with their titles. Role: viewer.',
    response: { 200: { description: 'the figures', ...object({ figures: S.array(object({ figure: S.string, path: S.string })) }, ['figures']) }, ...problemResponses(401) },
  },
  one: {
    tags: ['figures'],
    summary:
      'One figure for an inclusive range of dates of service: denials-by-reason (denied lines per calendar month by CARC in words, empty months as zero), prediction-by-rule (of the lines each rule flagged as an error, the share denied, with the counts), t-score-by-age (registry studies per age band by WHO T-score category) or fracture-by-t-score (of the VFA studies read, the share with a fracture, per T-score category, with n). Each with its table alternative and as SVG. Role: viewer.',
    params: object({ figure: { type: 'string', description: `one of ${FIGURES.join(', ')}` } }, ['figure']),
    querystring: object({ from: S.date, to: S.date }),
    response: { 200: { description: 'the figure', ...FIGURE }, ...problemResponses(400, 401, 404) },
  },
} satisfies Record<string, JsonSchema>;

/** GET /v1/figures and GET /v1/figures/:figure. */
export const figureRoutes: FastifyPluginAsync<FigureRouteDeps> = async (app, deps) => {
  const codes = deps.codes ?? loadRemittanceCodes();
  const sources = { codes, ...(deps.registry !== undefined ? { registry: deps.registry } : {}) };

  app.get('/v1/figures', { config: { action: 'encounter.read' }, schema: SCHEMAS.list }, async () => ({ figures: FIGURES.map((figure) => ({ figure, path: `/v1/figures/${figure}` })) }));

  app.get('/v1/figures/:figure', { config: { action: 'encounter.read' }, schema: SCHEMAS.one }, async (request) => {
    const { figure } = request.params as { figure: string };
    if (!isFigureName(figure)) throw new ApiProblem('http.not-found', `No figure ${JSON.stringify(figure.slice(0, 64))} (expected one of ${FIGURES.join(', ')}).`);
    const q = request.query as Record<string, string | undefined>;
    const range: FigureRange = { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) };
    const problem = figureRangeProblem(range);
    if (problem !== undefined) throw invalidInput(problem.field, problem.expected);
    const result = await figureOf(figure, organizationStore(request), sources, range);
    return { ...result, svg: renderChartSvg(result.chart, { idPrefix: `figure-${figure}` }) };
  });
};
