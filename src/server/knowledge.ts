/**
 * Knowledge routes: GET /v1/knowledge (the versions in force on a date, every imported version with its sources, the
 * embedded defaults and the payer packs), GET /v1/knowledge/diff (rows that changed between two versions of a kind)
 * and POST /v1/knowledge/recheck (admins: check again the organisation's stored encounters that versions imported
 * since one touch; the changed verdicts are listed and appear in the worklist filter `rechecked=changed`); payer
 * packs (admins): POST /v1/knowledge/payer-packs/validate lints a pack file and runs its cases without storing it,
 * POST /v1/knowledge/payer-packs stores it as a knowledge version once it passes, for every server process.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Finding } from '../contract/result.js';
import type { PayerPackRefused } from '../io/knowledge-store.js';
import { isCalendarDate } from '../contract/dates.js';
import type { Knowledge } from '../knowledge/compile.js';
import { inForce, type DatasetInfo } from '../knowledge/official.js';
import type { Store } from '../store/index.js';
import { invalidInput } from './http.js';
import { object, problemResponses, S, type JsonSchema } from './openapi.js';
import { ApiProblem, apiFinding } from './problems.js';
import type { LiveKnowledge } from './knowledge-live.js';

/** What the knowledge routes need. */
export interface KnowledgeRouteDeps {
  knowledge: Knowledge;
  live: LiveKnowledge | undefined;
  store: Store | undefined;
}

const VERSION_ID = /^[0-9A-Za-z.:_-]{1,200}$/;

/** The datasets a check on `date` reads, one per table kind: imported where a version is in force, else embedded. */
export function datasetsInForce(knowledge: Knowledge, date: string): { table: string; info: DatasetInfo; inForce: boolean }[] {
  const k = knowledge.forDate(date);
  const rows: { table: string; info: DatasetInfo }[] = [
    { table: 'icd10cm', info: k.icd10.codeSet.info },
    { table: 'hcpcs', info: k.hcpcs.info },
    { table: 'mue-practitioner', info: k.mue.professional.info },
    { table: 'mue-hospital', info: k.mue.institutional.info },
    { table: 'pfs-rvu', info: k.rvuOn(date).info },
    ...(k.ptp.professional ? [{ table: 'ptp-practitioner', info: k.ptp.professional.info }] : []),
    ...(k.ptp.institutional ? [{ table: 'ptp-hospital', info: k.ptp.institutional.info }] : []),
    ...[...k.articles.byJurisdiction].map(([j, a]) => ({ table: `mcd-article ${j}`, info: a.info })),
  ];
  return rows.map((r) => ({ ...r, inForce: inForce(r.info, date) }));
}

/** Media types a payer pack file is sent as: YAML, or JSON (read by the server's JSON parser). */
const PACK_MEDIA_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
const PACK_FILE_NAME = /^[0-9A-Za-z._-]{1,100}\.(ya?ml|json)$/;

/** The pack file of a request: the body as text (YAML as sent, JSON re-serialised) and the file name to record; throws what is missing. */
async function packUpload(request: FastifyRequest): Promise<{ name: string; text: string }> {
  const body = request.body;
  if (body === undefined || body === null || body === '') throw new ApiProblem('input.invalid', 'expected the payer pack file as the body (application/yaml or application/json)');
  const json = typeof body !== 'string';
  const text = json ? JSON.stringify(body, null, 2) : body;
  const file = (request.query as { file?: unknown }).file;
  if (file !== undefined && (typeof file !== 'string' || !PACK_FILE_NAME.test(file))) throw invalidInput('file', 'a file name ending in .yaml, .yml or .json');
  if (typeof file === 'string') return { name: file, text };
  // Without a name the file is recorded as ID.yaml (or .json), from the pack's id when it has a valid one.
  const { readPackFile } = await import('../knowledge/pack-file.js');
  const id = readPackFile('upload', text).pack?.id ?? 'payer-pack';
  return { name: `${id}.${json ? 'json' : 'yaml'}`, text };
}

/** The problem of a refused pack: one finding per lint error and per failed case, and the failures in full. */
function refusal(error: PayerPackRefused): ApiProblem {
  const findings: Finding[] = [
    ...error.problems.map((p) => apiFinding('knowledge.invalid-pack', p)),
    ...error.failures.map((f) => apiFinding('knowledge.pack-case-failed', `case "${f.name}": ${f.differences.join('; ')}`)),
  ];
  const id = error.problems.length === 0 && error.failures.length > 0 ? 'knowledge.pack-case-failed' : 'knowledge.invalid-pack';
  return new ApiProblem(id, findings[0]?.message ?? error.message, { ...(findings.length > 0 ? { findings } : {}), fields: { failures: error.failures } });
}

const PACK_QUERY = object({ file: { type: 'string', description: 'the file name to record (default ID.yaml)' } });
const PACK_BODY = {
  description: 'The payer pack file as YAML (application/yaml, text/yaml) or JSON; its JSON Schema is schema/payer-pack.schema.json',
  content: { ...Object.fromEntries(PACK_MEDIA_TYPES.map((type) => [type, { schema: S.string }])), 'application/json': { schema: { type: 'object' } } },
};
const VERSION_QUERY = { type: 'string', pattern: VERSION_ID.source };

/** Each route's schema: what the OpenAPI document says of it. */
const SCHEMAS = {
  inForce: {
    tags: ['knowledge'],
    summary: 'The knowledge in force on a date (default today): per table the imported version or embedded default with its source, every imported version with its files, SHA-256, row counts, period and importer, and the payer packs. Role: viewer.',
    querystring: object({ date: S.date }),
    response: {
      200: {
        description: 'version, date, datasets, imported and payers',
        ...object({
          version: S.string,
          date: S.date,
          datasets: S.array(object({ table: S.string, id: S.string, label: S.string, effective: S.string, inForce: S.boolean, source: { type: 'object' } })),
          imported: S.array({ type: 'object' }),
          payers: S.array(object({ id: S.string, name: S.string, program: S.string, version: S.string })),
        }),
      },
      ...problemResponses(400, 401),
    },
  },
  validatePack: {
    tags: ['knowledge'],
    summary: 'Lint a payer policy pack file (docs/payer-packs.md) and run its own cases against the knowledge in use, without storing it. Role: admin.',
    querystring: PACK_QUERY,
    body: PACK_BODY,
    response: { 200: { description: 'ok, the pack id, name, program, version and period, the number of cases passed and lint warnings', ...object({ ok: S.boolean, pack: { type: 'object' }, cases: S.integer, warnings: S.array(S.string) }) }, ...problemResponses(400, 401, 403, 415, 422) },
  },
  uploadPack: {
    tags: ['knowledge'],
    summary:
      'Upload a payer policy pack file: it is linted and its own cases run server-side; a pack with a lint error or a failing case is refused (422, one finding per problem and `failures` with what each case got). Once it passes it is stored as a knowledge version (kind payer-pack, with its file name, SHA-256, uploader and effective period), listed by GET /v1/knowledge, and applied by every server process on the same database without a restart, ahead of the embedded version of the payer on the dates it covers. Role: admin.',
    querystring: PACK_QUERY,
    body: PACK_BODY,
    response: { 201: { description: 'version (the stored knowledge version record) and lint warnings', ...object({ version: { type: 'object' }, warnings: S.array(S.string) }) }, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
  },
  diff: {
    tags: ['knowledge'],
    summary: 'Rows added, deleted and changed between two imported versions of one kind (from: default the previous version of the kind); the bone-density family unless all=true (admins). Role: viewer.',
    querystring: object({ to: VERSION_QUERY, from: VERSION_QUERY, all: S.boolean }, ['to']),
    response: { 200: { description: 'kind, from, to, added, deleted, changed, touchedCodes', ...object({ from: { type: ['string', 'null'] }, to: S.string }) }, ...problemResponses(400, 401, 403, 404) },
  },
  recheck: {
    tags: ['knowledge'],
    summary: "Check again this organisation's stored encounters that the versions imported since `since` touch; each new result is kept as a new version with its reason. Role: admin.",
    body: object({ since: VERSION_QUERY }, ['since']),
    response: {
      200: { description: 'rechecked, changed and each encounter with its verdict before and after', ...object({ rechecked: S.integer, changed: S.integer, encounters: S.array({ type: 'object' }) }, ['rechecked', 'changed', 'encounters']) },
      ...problemResponses(400, 401, 403, 404),
    },
  },
} satisfies Record<string, JsonSchema>;

/** The knowledge routes. */
export const knowledgeRoutes: FastifyPluginAsync<KnowledgeRouteDeps> = async (app, deps) => {
  const { knowledge } = deps;

  app.get('/v1/knowledge', { config: { action: 'encounter.read' }, schema: SCHEMAS.inForce }, async (request) => {
    const q = request.query as { date?: unknown };
    // The edge picks today as the default date; the rules never read the clock.
    const date = typeof q.date === 'string' ? q.date : new Date(Date.now()).toISOString().slice(0, 10);
    if (!isCalendarDate(date)) throw invalidInput('date', 'a date as YYYY-MM-DD');
    const datasets = datasetsInForce(knowledge, date);
    return {
      version: knowledge.forDate(date).version,
      date,
      datasets: datasets.map((d) => ({ table: d.table, id: d.info.id, label: d.info.label, effective: d.info.effective, inForce: d.inForce, source: d.info.source })),
      imported: knowledge.versionRecords,
      payers: [...knowledge.payers.values()].map((p) => ({ id: p.id, name: p.name, program: p.program, version: p.version })),
    };
  });

  const store = deps.store;
  if (!store) return;

  // Pack files come as YAML text: its parser is registered for these two routes only.
  await app.register(async (scope) => {
    scope.addContentTypeParser(PACK_MEDIA_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

    scope.post('/v1/knowledge/payer-packs/validate', { config: { action: 'knowledge.manage' }, schema: SCHEMAS.validatePack }, async (request) => {
      const upload = await packUpload(request);
      const { checkPayerPackFile, PayerPackRefused } = await import('../io/knowledge-store.js');
      await deps.live?.refresh();
      try {
        const checked = await checkPayerPackFile(upload.name, upload.text, knowledge);
        const pack = checked.pack;
        return { ok: true, pack: { id: pack.id, name: pack.name, program: pack.program, version: pack.version, effective: pack.effective, end: pack.end ?? null }, cases: checked.cases, warnings: checked.warnings };
      } catch (error) {
        if (error instanceof PayerPackRefused) throw refusal(error);
        throw error;
      }
    });

    scope.post('/v1/knowledge/payer-packs', { config: { action: 'knowledge.manage' }, schema: SCHEMAS.uploadPack }, async (request, reply) => {
      const upload = await packUpload(request);
      const { importKnowledge, ImportError, KnowledgeImportError, PayerPackRefused } = await import('../io/knowledge-store.js');
      // The cases run with the versions every process uses now, including one another process stored a moment ago.
      await deps.live?.refresh();
      try {
        const outcome = await importKnowledge(store, { kind: 'payer-pack', files: [upload.name], contents: [Buffer.from(upload.text, 'utf8')], knowledge, actor: request.principal!.tokenId });
        await deps.live?.refresh();
        return reply.code(201).send({ version: outcome.record, warnings: outcome.warnings });
      } catch (error) {
        if (error instanceof PayerPackRefused) throw refusal(error);
        if (error instanceof ImportError) throw new ApiProblem('knowledge.invalid-pack', error.message);
        if (error instanceof KnowledgeImportError) throw new ApiProblem('knowledge.pack-conflict', error.message);
        throw error;
      }
    });
  });

  app.get('/v1/knowledge/diff', { config: { action: 'encounter.read' }, schema: SCHEMAS.diff }, async (request) => {
    const q = request.query as { from?: unknown; to?: unknown; all?: unknown };
    if (typeof q.to !== 'string' || !VERSION_ID.test(q.to)) throw invalidInput('to', 'a knowledge version id (GET /v1/knowledge lists them)');
    if (q.from !== undefined && (typeof q.from !== 'string' || !VERSION_ID.test(q.from))) throw invalidInput('from', 'a knowledge version id');
    // Every row of a multi-million-row table is an admin's export, not a viewer's page view.
    if (q.all === 'true' && request.principal!.role !== 'admin') throw new ApiProblem('auth.forbidden', 'all=true (every row, not only the bone-density family) needs the admin role');
    const { diffStoredVersions, KnowledgeImportError } = await import('../io/knowledge-store.js');
    try {
      const { from, to, diff } = await diffStoredVersions(store, knowledge, q.to, q.from as string | undefined, { all: q.all === 'true' });
      return { from: from?.id ?? null, to: to.id, ...diff };
    } catch (error) {
      if (error instanceof KnowledgeImportError) throw new ApiProblem('http.not-found', error.message);
      throw error;
    }
  });

  app.post('/v1/knowledge/recheck', { config: { action: 'knowledge.manage' }, schema: SCHEMAS.recheck }, async (request) => {
    const body = (request.body ?? {}) as { since?: unknown };
    if (typeof body.since !== 'string' || !VERSION_ID.test(body.since)) throw invalidInput('since', 'a knowledge version id (GET /v1/knowledge lists them)');
    const { recheckSince, KnowledgeImportError } = await import('../io/knowledge-store.js');
    // A version another process imported a moment ago must be in force for the recheck.
    await deps.live?.refresh();
    const principal = request.principal!;
    try {
      const lines = await recheckSince(store, knowledge, body.since, principal.tokenId, principal.organization);
      const changed = lines.filter((l) => l.before !== l.after);
      return { rechecked: lines.length, changed: changed.length, encounters: lines.map(({ organization: _organization, ...rest }) => rest) };
    } catch (error) {
      if (error instanceof KnowledgeImportError) throw new ApiProblem('http.not-found', error.message);
      throw error;
    }
  });
};
