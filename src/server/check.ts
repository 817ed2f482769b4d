/**
 * The stateless routes: check one encounter (the contract's Encounter in, Result out), read a report into facts, and
 * sign in (who the token is). They need no store, except that signing in is audited when there is one.
 */
import type { FastifyPluginAsync } from 'fastify';
import { stringifyResult } from '../contract/serialize.js';
import { INPUT_LIMITS } from '../contract/values.js';
import { check, parseEncounter, parseFamilyList, type CheckOptions } from '../engine/index.js';
import { formatPath } from '../engine/validate.js';
import { draftReport } from '../report/draft.js';
import { reportHtml } from '../report/html.js';
import { ReportDraftInput } from '../report/input.js';
import { extract } from '../extract/extract.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { Store } from '../store/store.js';
import { invalidEncounter, invalidInput } from './http.js';
import { object, problemResponses, ref, S } from './openapi.js';
import { ROLES } from './policy.js';
import { ApiProblem } from './problems.js';

/** What the stateless routes need. */
export interface CheckRouteDeps {
  knowledge: Knowledge;
  store?: Store | undefined;
}

/** POST /v1/check, POST /v1/extract, POST /v1/reports/draft and POST /v1/session. */
export const checkRoutes: FastifyPluginAsync<CheckRouteDeps> = async (app, deps) => {
  app.post(
    '/v1/check',
    {
      config: { action: 'check.run' },
      schema: {
        tags: ['check'],
        summary: "Check one encounter (stateless): the contract's Encounter in, Result out. Role: coder.",
        querystring: {
          type: 'object',
          properties: {
            only: {
              type: 'string',
              description: 'Run only these rule families, separated by commas (e.g. pairs,units,modifiers,frequency); each other family is reported in `unchecked`, so the verdict is never clean.',
            },
          },
        },
        body: ref('Encounter'),
        response: { 200: { description: 'The result', ...ref('Result') }, ...problemResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      // ?only=pairs,units runs only those rule families; the others come back in `unchecked`.
      const only = (request.query as { only?: unknown } | undefined)?.only;
      let options: CheckOptions = {};
      if (only !== undefined) {
        const families = typeof only === 'string' ? parseFamilyList(only) : { ok: false as const, message: 'expected one list of rule families' };
        if (!families.ok) throw new ApiProblem('input.invalid', `only: ${families.message}`);
        options = { families: families.selection };
      }
      const parsed = parseEncounter(request.body);
      if (!parsed.ok) throw invalidEncounter(parsed.problems);
      // The contract's own serialiser (source citations cached as JSON) beats fastify's generic one on this hot path.
      return reply.header('content-type', 'application/json; charset=utf-8').send(stringifyResult(check(parsed.encounter, deps.knowledge, options)));
    },
  );

  app.post(
    '/v1/extract',
    {
      config: { action: 'encounter.read' },
      schema: {
        tags: ['check'],
        summary: 'Read a DXA/VFA report: studies, results, clinical facts, VFA findings and suggested diagnoses, each with its evidence span. Role: viewer.',
        body: object({ report: { type: 'string', minLength: 1, maxLength: INPUT_LIMITS.reportLength } }, ['report']),
        response: { 200: { description: 'The report facts', ...ref('ReportFacts') }, ...problemResponses(400, 401, 413) },
      },
    },
    async (request) => {
      const body = request.body as { report?: unknown } | null;
      if (body === null || typeof body !== 'object' || typeof body.report !== 'string' || body.report.trim() === '') throw invalidInput('report', 'the report text as a non-empty string');
      if (body.report.length > INPUT_LIMITS.reportLength) throw new ApiProblem('http.body-too-large', `report: expected at most ${INPUT_LIMITS.reportLength} characters`);
      return extract(body.report);
    },
  );

  app.post(
    '/v1/reports/draft',
    {
      config: { action: 'encounter.read' },
      schema: {
        tags: ['check'],
        summary: "Draft a structured DXA/VFA report from the study's facts (docs/report-drafting.md): the text, the printable HTML with the spine picture, what it still lacks with the rule that would hold the claim, and the density category. Stores nothing. Role: viewer.",
        body: ref('ReportDraftInput'),
        response: {
          200: object({ text: S.string, html: S.string, missing: { type: 'array', items: object({ element: S.string, rule: { type: ['string', 'null'] }, message: S.string }, ['element', 'rule', 'message']) }, classification: { type: 'object' } }, ['text', 'html', 'missing', 'classification'], 'The draft'),
          ...problemResponses(400, 401, 413, 415),
        },
      },
    },
    async (request) => {
      const parsed = ReportDraftInput.safeParse(request.body);
      if (!parsed.success) throw invalidEncounter(parsed.error.issues.slice(0, 20).map((issue) => ({ field: formatPath(issue.path), message: issue.message })));
      const draft = draftReport(parsed.data);
      return { text: draft.text, html: reportHtml(parsed.data, draft), missing: draft.missing, classification: draft.classification };
    },
  );

  app.post(
    '/v1/session',
    {
      config: { action: 'encounter.read' },
      schema: {
        tags: ['check'],
        summary: 'Sign in: returns who the token is and the organisations it may work in (an admin sends X-Organization to work in another it administers; audited as signed-in). Any role.',
        response: {
          200: {
            description: 'Who the token is',
            ...object(
              {
                tokenId: S.string,
                organization: { ...S.string, description: 'the organisation this request worked in' },
                homeOrganization: { ...S.string, description: "the token's own organisation" },
                organizations: { ...S.array(S.string), description: "the organisations the token may work in, its own first (an admin's granted ones after it)" },
                role: { type: 'string', enum: [...ROLES] },
              },
              ['tokenId', 'organization', 'homeOrganization', 'organizations', 'role'],
            ),
          },
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => {
      const principal = request.principal!;
      await request.organizationStore?.audit.record(principal.tokenId, 'signed-in', []);
      const home = principal.homeOrganization ?? principal.organization;
      const stored = deps.store ? await deps.store.organizationsOf(principal.tokenId) : [];
      const organizations = stored.length > 0 ? stored : [home];
      return { tokenId: principal.tokenId, organization: principal.organization, homeOrganization: home, organizations, role: principal.role };
    },
  );
};
