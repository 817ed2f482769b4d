/**
 * POST /v1/responses: a 999, 277CA or 835 file (or one mixing them) as it came back from the clearinghouse or payer,
 * read (strict by default, `?mode=lenient`), matched item by item to the organisation's exported claims, stored and
 * audited in one transaction. The answer says what each item matched and, plainly, what could not be matched and
 * why. A coder's action, like exporting the claims it answers.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Finding } from '../contract/result.js';
import { problemFinding } from '../interchange/problem-table.js';
import { readResponses, responseProblemPlace, type ResponseProblem } from '../interchange/x12/index.js';
import { importResponses, type ItemOutcome } from '../store/responses.js';
import type { Store } from '../store/store.js';
import { API_SOURCE, invalidInput, organizationStore } from './http.js';
import { object, problemResponses, ref, S } from './openapi.js';
import { ApiProblem, apiFinding } from './problems.js';

/** What the route needs. */
export interface ResponseRouteDeps {
  store: Store;
  /** Largest file in bytes (default 32 MiB, as a batch upload). */
  bodyBytes?: number;
}

/** Outcomes listed one by one in the answer before the rest are only counted. */
const MAX_LISTED = 1000;
const MEDIA_TYPE = 'application/edi-x12';

/** The answer about one item: what it is, what it matched, or why not. */
function itemView(outcome: ItemOutcome): Record<string, unknown> {
  return {
    seq: outcome.seq,
    kind: outcome.kind,
    subject: outcome.subject,
    ...(outcome.status !== undefined ? { status: outcome.status } : {}),
    ...(outcome.encounters.length > 0 ? { encounters: outcome.encounters.map((e) => ({ id: e.id, claimId: e.claimId })) } : {}),
    ...(outcome.method !== undefined ? { matchedBy: outcome.method } : {}),
    ...(outcome.note !== undefined ? { note: outcome.note } : {}),
    ...(outcome.reason !== undefined ? { notMatched: outcome.reason } : {}),
    ...(outcome.unmatchedLines.length > 0 ? { linesNotMatched: outcome.unmatchedLines } : {}),
  };
}

/** The route's schema: what the OpenAPI document says of it. */
const SCHEMA = {
  tags: ['claims'],
  summary:
    'Import a 999, 277CA or 835 file (or one mixing them) as it came back: each item is matched to the exported claims (999: group and transaction set control numbers; 277CA and 835: claim id and line item control numbers) and stored with its match, or with why it could not be matched; audited as responses-imported. Strict by default (a defect stores nothing); ?mode=lenient stores what can be read. The same file twice is 409. Role: coder.',
  querystring: object({ mode: { type: 'string', enum: ['strict', 'lenient'], default: 'strict' } }),
  body: { content: { [MEDIA_TYPE]: { schema: S.string } } },
  response: {
    201: {
      description: 'fileId, kinds, counts, the outcome of each item (what it matched, or notMatched with the reason) and the findings of the file',
      ...object(
        {
          fileId: S.string,
          kinds: S.array(S.string),
          interchanges: S.integer,
          items: S.integer,
          matched: S.integer,
          notMatched: S.integer,
          errors: S.integer,
          warnings: S.integer,
          outcomes: S.array(object({ seq: S.integer, kind: S.string, subject: S.string, status: S.string, encounters: S.array(object({ id: S.string, claimId: S.string })), matchedBy: S.string, note: S.string, notMatched: S.string })),
          outcomesNotListed: S.integer,
          findings: S.array(ref('Finding')),
        },
        ['fileId', 'kinds', 'items', 'outcomes', 'findings'],
      ),
    },
    ...problemResponses(400, 401, 403, 409, 413, 415, 422),
  },
};

/** POST /v1/responses. */
export const responseRoutes: FastifyPluginAsync<ResponseRouteDeps> = async (app, deps) => {
  const bodyBytes = deps.bodyBytes ?? 32 * 1024 * 1024;
  await app.register(async (scope) => {
    scope.addContentTypeParser(MEDIA_TYPE, { parseAs: 'string', bodyLimit: bodyBytes }, (_request, body, done) => done(null, body));
    const mediaType = () => new ApiProblem('http.media-type', `Send the file as ${MEDIA_TYPE}.`);
    // The file's own limits say so in its words; the server's handler answers every problem.
    scope.setErrorHandler((error: { statusCode?: number; code?: string }) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) throw new ApiProblem('http.body-too-large', `The file is larger than ${bodyBytes} bytes; split it by interchange.`);
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw mediaType();
      throw error;
    });
    scope.post('/v1/responses', { config: { action: 'response.import' }, schema: SCHEMA }, async (request, reply) => {
      if (!(request.headers['content-type'] ?? '').startsWith(MEDIA_TYPE)) throw mediaType();
      const mode = (request.query as { mode?: string }).mode ?? 'strict';
      if (mode !== 'strict' && mode !== 'lenient') throw invalidInput('mode', 'strict (stop at the first defect, store nothing) or lenient (store what can be read)');
      const body = typeof request.body === 'string' ? request.body : '';
      if (body.trim() === '') throw new ApiProblem('import.empty', 'The file is empty; send a 999, 277CA or 835 as it came back.');
      // PostgreSQL cannot keep U+0000 and no X12 file holds it: refused on either database, with where it stands.
      const nul = body.indexOf('\u0000');
      if (nul >= 0) throw new ApiProblem('input.invalid', `The file holds the NUL character (U+0000) at character ${nul}; no X12 file holds one.`);
      const principal = request.principal!;
      const listed: Record<string, unknown>[] = [];
      const findings: Finding[] = [];
      let unlisted = 0;
      const summary = await importResponses(organizationStore(request), {
        actor: principal.tokenId,
        sha256: createHash('sha256').update(body, 'utf8').digest('hex'),
        mode,
        items: readResponses(body, { mode }),
        onEvent: (event) => {
          if (event.kind === 'problem') {
            if (findings.length < MAX_LISTED) findings.push(problemFinding(responseProblemPlace(event.problem), event.problem as ResponseProblem, API_SOURCE));
            return;
          }
          // Every item not matched is listed; matched ones while there is room.
          if (listed.length < MAX_LISTED) listed.push(itemView(event.outcome));
          else unlisted++;
        },
      });
      if (summary.fileId === undefined) {
        const message = 'The file has a defect, so nothing was stored (strict mode); correct it, or send it with ?mode=lenient to store what can be read.';
        throw new ApiProblem('import.defects', message, { findings: [...findings, apiFinding('import.defects', message)] });
      }
      return reply.code(201).send({
        fileId: summary.fileId,
        kinds: summary.kinds,
        interchanges: summary.interchanges,
        items: summary.items,
        matched: summary.matched,
        notMatched: summary.unmatched,
        errors: summary.errors,
        warnings: summary.warnings,
        outcomes: listed,
        ...(unlisted > 0 ? { outcomesNotListed: unlisted } : {}),
        findings,
      });
    });
  });
};
