/**
 * Knowledge routes: GET /v1/knowledge (the versions in force on a date, every imported version with its sources, the
 * embedded defaults and the payer packs), GET /v1/knowledge/diff (rows that changed between two versions of a kind)
 * and POST /v1/knowledge/recheck (admins: check again the organisation's stored encounters that versions imported
 * since one touch; the changed verdicts are listed and appear in the worklist filter `rechecked=changed`); payer
 * packs (admins): POST /v1/knowledge/payer-packs/validate lints a pack file and runs its cases without storing it,
 * POST /v1/knowledge/payer-packs stores it as a knowledge version once it passes, for every server process.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Finding } from '../contract/result.js';
import type { PayerPackRefused } from '../io/knowledge-store.js';
import { isCalendarDate } from '../contract/dates.js';
import type { Knowledge } from '../knowledge/compile.js';
import { inForce, type DatasetInfo } from '../knowledge/official.js';
import type { Store } from '../store/index.js';
import { invalidInput, type Guard } from './http.js';
import { ApiProblem, apiFinding } from './problems.js';
import type { LiveKnowledge } from './knowledge-live.js';

/** What the knowledge routes need. */
export interface KnowledgeRouteDeps {
  knowledge: Knowledge;
  live: LiveKnowledge | undefined;
  store: Store | undefined;
  guard: Guard;
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

/** Registers the knowledge routes. */
export async function registerKnowledgeRoutes(app: FastifyInstance, deps: KnowledgeRouteDeps): Promise<void> {
  const { knowledge, guard } = deps;

  app.get('/v1/knowledge', { onRequest: guard('encounter.read') }, async (request) => {
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

    scope.post('/v1/knowledge/payer-packs/validate', { onRequest: guard('knowledge.manage') }, async (request) => {
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

    scope.post('/v1/knowledge/payer-packs', { onRequest: guard('knowledge.manage') }, async (request, reply) => {
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

  app.get('/v1/knowledge/diff', { onRequest: guard('encounter.read') }, async (request) => {
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

  app.post('/v1/knowledge/recheck', { onRequest: guard('knowledge.manage') }, async (request) => {
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
}
