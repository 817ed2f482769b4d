/**
 * Batch upload routes: an NDJSON, 837P or HL7 v2 upload is read, each encounter (or each unreadable part, with its
 * line or segment) becomes an item of a job queued in the store, and the background workers of any server process
 * store and check the items. Clients poll the job for progress and read per-item results.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Finding } from '../contract/result.js';
import { parseEncounter } from '../engine/index.js';
import { hl7ProblemPlace, hl7ToEncounters, type Hl7Problem } from '../interchange/hl7/index.js';
import { problemFinding } from '../interchange/problem-table.js';
import { x12ProblemPlace, X12Reader, type X12Problem } from '../interchange/x12/index.js';
import { parseJsonText } from '../io/input.js';
import { csvLine, type CsvValue } from '../io/csv.js';
import { enqueueJobIn, getJob, listItems, listJobs, prepareItems, refreshQueueStatistics, type BatchItem, type JobFormat, type JobItemInput, type PreparedItem } from '../store/jobs.js';
import type { Store } from '../store/store.js';
import type { Knowledge } from '../knowledge/compile.js';
import { API_SOURCE, pageOf, idempotentWrite, invalidInput, organizationStore, requestHashPrefix } from './http.js';
import { ID_PARAMS, IDEMPOTENCY_HEADERS, object, pageQuery, problemResponses, ref, S, type JsonSchema } from './openapi.js';
import { ApiProblem } from './problems.js';
import type { BatchWorker } from './worker.js';

/** Bounds on one upload. */
export interface BatchLimits {
  /** Largest upload in bytes (default 32 MiB); the JSON routes keep their own, smaller limit. */
  bodyBytes?: number;
  /** Most lines (or items) in one upload (default 100,000). */
  lines?: number;
  /** Uploads read at once at most (default 2): each holds its body in memory while it is read and queued. */
  concurrent?: number;
}

/** The default upload bounds. */
export const DEFAULT_BATCH_LIMITS = { bodyBytes: 32 * 1024 * 1024, lines: 100_000, concurrent: 2 } as const;

/** Seconds a client is asked to wait when every upload slot is taken. */
const BUSY_RETRY_AFTER_S = 5;

/** What the batch routes need. */
export interface BatchRouteDeps {
  store: Store;
  knowledge: Knowledge;
  /** This process's worker, woken after an upload so the job starts at once; other processes find it by polling. */
  worker?: BatchWorker | undefined;
  limits?: BatchLimits | undefined;
}

/** Upload media types and the format each one is read as. */
export const BATCH_MEDIA_TYPES = {
  'application/x-ndjson': 'ndjson',
  'application/edi-x12': 'x12',
  'application/hl7-v2': 'hl7',
} as const satisfies Record<string, JobFormat>;

/** Finding ids the batch routes answer with, declared once. */
export const BATCH_PROBLEMS = {
  empty: 'batch.empty',
  noItems: 'batch.no-items',
  tooManyLines: 'http.too-many-lines',
  bodyTooLarge: 'http.body-too-large',
  mediaType: 'http.media-type',
  notFound: 'http.not-found',
  invalidQuery: 'input.invalid',
  busy: 'http.busy',
} as const;

const MEDIA_TYPE_LIST = Object.keys(BATCH_MEDIA_TYPES).join(', ');

/** The header that names an uploaded file (percent-encoded, so any name survives an HTTP header). */
export const FILE_NAME_HEADER = 'x-file-name';
const MAX_FILE_NAME = 255;

const BATCH = object({
  id: S.string,
  format: { type: 'string', enum: Object.values(BATCH_MEDIA_TYPES) },
  status: S.string,
  total: S.integer,
  done: S.integer,
  failed: S.integer,
  createdAt: S.string,
  finishedAt: { type: ['string', 'null'] },
  fileName: { type: ['string', 'null'], description: `the uploaded file's name (the ${FILE_NAME_HEADER} request header)` },
  uploadedBy: object({ tokenId: S.string, role: { type: ['string', 'null'] } }),
});
const TOP_FINDING = object({ rule: S.string, severity: S.string, message: S.string, line: S.integer });
const RESULT_FORMATS = { csv: 'text/csv', ndjson: 'application/x-ndjson' } as const;
/** Items read from the store at a time while a results file is written. */
const RESULTS_PAGE = 1000;

/** Each route's schema: what the OpenAPI document says of it. */
const SCHEMAS = {
  upload: {
    tags: ['batches'],
    summary: 'Upload a batch (NDJSON encounters, an X12 837P file or HL7 v2 ORU messages) to be stored and checked in the background by whichever server process is free. Role: coder. Idempotency-Key honoured.',
    headers: object({
      ...(IDEMPOTENCY_HEADERS.properties as Record<string, JsonSchema>),
      [FILE_NAME_HEADER]: { type: 'string', maxLength: 3 * 4 * MAX_FILE_NAME, description: "the uploaded file's name, percent-encoded (encodeURIComponent), at most 255 characters; shown with the batch" },
    }),
    body: { content: Object.fromEntries(Object.keys(BATCH_MEDIA_TYPES).map((type) => [type, { schema: S.string }])) },
    response: { 202: { description: 'jobId, total and items already failed (Location: the batch)', ...object({ jobId: S.string, total: S.integer, failed: S.integer }, ['jobId', 'total', 'failed']) }, ...problemResponses(400, 401, 403, 413, 415, 422, 503) },
  },
  list: {
    tags: ['batches'],
    summary: 'Batches of this organisation, newest first. Role: viewer.',
    querystring: pageQuery(50, 500),
    response: { 200: { description: 'batches', ...object({ batches: S.array(BATCH) }, ['batches']) }, ...problemResponses(400, 401) },
  },
  get: {
    tags: ['batches'],
    summary: 'Progress of one batch: status, total, done, failed. Role: viewer.',
    params: ID_PARAMS,
    response: { 200: { description: 'The batch', ...BATCH }, ...problemResponses(401, 404) },
  },
  items: {
    tags: ['batches'],
    summary: 'Per-item results of one batch (encounter id and verdict, or the findings of an unreadable item). Role: viewer.',
    params: ID_PARAMS,
    querystring: pageQuery(100, 1000),
    response: {
      200: {
        description: 'items',
        ...object({ items: S.array(object({ seq: S.integer, status: S.string, encounterId: S.string, externalId: S.string, version: S.integer, verdict: S.verdict, topFinding: TOP_FINDING, findings: S.array(ref('Finding')) })) }, ['items']),
      },
      ...problemResponses(400, 401, 404),
    },
  },
  results: {
    tags: ['batches'],
    summary:
      "Every item's result as a file: CSV (one row per item: seq, status, the encounter's id, verdict and top finding) or NDJSON (one item per line, with the stored Result of each checked item). Role: viewer.",
    params: ID_PARAMS,
    querystring: object({ format: { type: 'string', enum: Object.keys(RESULT_FORMATS), default: 'csv' } }),
    response: {
      200: { description: 'The results file (attachment)', content: { 'text/csv': { schema: S.string }, 'application/x-ndjson': { schema: S.string } } },
      ...problemResponses(400, 401, 404),
    },
  },
} satisfies Record<string, JsonSchema>;

/** POST /v1/batches, GET /v1/batches, GET /v1/batches/:id and GET /v1/batches/:id/items. */
export const batchRoutes: FastifyPluginAsync<BatchRouteDeps> = async (app, deps) => {
  const { store, worker } = deps;
  const bodyBytes = deps.limits?.bodyBytes ?? DEFAULT_BATCH_LIMITS.bodyBytes;
  const maxLines = deps.limits?.lines ?? DEFAULT_BATCH_LIMITS.lines;
  const maxUploads = deps.limits?.concurrent ?? DEFAULT_BATCH_LIMITS.concurrent;
  let uploading = 0;
  // After authentication and before the body is read: a slot is held until the response is sent or the client goes.
  const uploadSlot = async (_request: FastifyRequest, reply: FastifyReply) => {
    if (uploading >= maxUploads) {
      throw new ApiProblem(BATCH_PROBLEMS.busy, `${maxUploads} batch uploads are being read; send this one again in ${BUSY_RETRY_AFTER_S} s.`, { headers: { 'retry-after': String(BUSY_RETRY_AFTER_S) } });
    }
    uploading += 1;
    reply.raw.once('close', () => (uploading -= 1));
  };
  const tooMany = () => new ApiProblem(BATCH_PROBLEMS.tooManyLines, `The upload has more than ${maxLines} lines or items; split it into several batches.`);
  const mediaType = () => new ApiProblem(BATCH_PROBLEMS.mediaType, `Send the batch as ${MEDIA_TYPE_LIST}.`);

  // An encapsulated plugin: the upload parsers and their larger body limit apply to these routes only.
  await app.register(async (scope) => {
    for (const type of Object.keys(BATCH_MEDIA_TYPES)) {
      if (type === 'application/x-ndjson') scope.addContentTypeParser(type, (request, payload, done) => readNdjsonUpload(request, payload, { bodyBytes, lines: maxLines }, done));
      else scope.addContentTypeParser(type, { parseAs: 'string', bodyLimit: bodyBytes }, (_request, body, done) => done(null, body));
    }
    // The upload's own limits say so in its words; the server's handler answers every problem.
    scope.setErrorHandler((error: { statusCode?: number; code?: string }) => {
      if (error.code === TOO_MANY_LINES) throw tooMany();
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) throw new ApiProblem(BATCH_PROBLEMS.bodyTooLarge, `The upload is larger than ${bodyBytes} bytes; split it into several batches.`);
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw mediaType();
      throw error;
    });

    scope.post(
      '/v1/batches',
      {
        // Authorised (the API scope's guard) before the body is read, so an unauthorised upload costs no parsing.
        config: { action: 'encounter.write' },
        schema: SCHEMAS.upload,
        onRequest: uploadSlot,
        onSend: async (_request, reply, payload) => {
          if (reply.statusCode === 202 && typeof payload === 'string') reply.header('location', `/v1/batches/${(JSON.parse(payload) as { jobId: string }).jobId}`);
          return payload;
        },
      },
      async (request, reply) => {
        const format = formatOf(request.headers['content-type']);
        if (format === undefined) throw mediaType();
        const empty = () => new ApiProblem(BATCH_PROBLEMS.empty, 'The upload is empty; send one encounter per line, an 837P interchange or HL7 v2 messages.');
        let items: PreparedItem[];
        let requestHash: string | undefined;
        if (format === 'ndjson') {
          // Read as it arrived (readNdjsonUpload): every non-blank line is an item, so no items means nothing but blanks.
          const upload = request.body as NdjsonUpload;
          if (upload.items.length === 0) throw empty();
          ({ items, requestHash } = upload);
        } else {
          const body = typeof request.body === 'string' ? request.body : '';
          if (body.trim() === '') throw empty();
          if (countLines(body) > maxLines) throw tooMany();
          items = prepareItems(format === 'x12' ? x12Items(body) : hl7Items(body));
          if (items.length > maxLines) throw tooMany();
          if (items.length === 0) throw new ApiProblem(BATCH_PROBLEMS.noItems, 'The upload holds no encounter, claim or message to check.');
        }
        const principal = request.principal!;
        const fileName = fileNameOf(request.headers[FILE_NAME_HEADER]);
        const sent = await idempotentWrite(
          request,
          reply,
          async (ops) => {
            const queued = await enqueueJobIn(ops, { actor: principal.tokenId, format, fileName, items });
            return { status: 202, body: { jobId: queued.jobId, total: queued.total, failed: queued.failed } };
          },
          requestHash,
        );
        // Best effort: stale statistics slow claiming down, they never make it wrong.
        await refreshQueueStatistics(store, items.length).catch((error: unknown) => request.log.warn({ kind: (error as { kind?: string }).kind }, 'queue statistics could not be refreshed'));
        worker?.wake();
        return sent;
      },
    );
  });

  app.get('/v1/batches', { config: { action: 'encounter.read' }, schema: SCHEMAS.list }, async (request) => {
    const page = pageOf(request.query as Record<string, string | undefined>, 50, 500);
    return { batches: await listJobs(organizationStore(request), page) };
  });

  app.get('/v1/batches/:id', { config: { action: 'encounter.read' }, schema: SCHEMAS.get }, async (request) => {
    const { id } = request.params as { id: string };
    const job = await getJob(organizationStore(request), id);
    // Another organisation's job is not found, never forbidden: its existence is not disclosed.
    if (job === undefined) throw noBatch(id);
    return job;
  });

  app.get('/v1/batches/:id/items', { config: { action: 'encounter.read' }, schema: SCHEMAS.items }, async (request) => {
    const { id } = request.params as { id: string };
    const page = pageOf(request.query as Record<string, string | undefined>, 100, 1000);
    const items = await listItems(organizationStore(request), id, page);
    if (items === undefined) throw noBatch(id);
    return { items };
  });

  app.get('/v1/batches/:id/results', { config: { action: 'encounter.read' }, schema: SCHEMAS.results }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const format = (request.query as { format?: string }).format ?? 'csv';
    if (!(format in RESULT_FORMATS)) throw invalidInput('format', 'csv or ndjson');
    const store = organizationStore(request);
    const job = await getJob(store, id);
    if (job === undefined) throw noBatch(id);
    const lines = async function* (): AsyncGenerator<string> {
      if (format === 'csv') yield csvLine(RESULT_CSV_COLUMNS);
      for (let offset = 0; ; offset += RESULTS_PAGE) {
        const items = (await listItems(store, id, { offset, limit: RESULTS_PAGE }, { withResults: format === 'ndjson' })) ?? [];
        for (const item of items) yield format === 'csv' ? csvLine(resultCsvRow(item)) : `${JSON.stringify(item)}\n`;
        if (items.length < RESULTS_PAGE) return;
      }
    };
    return reply
      .header('content-type', `${RESULT_FORMATS[format as keyof typeof RESULT_FORMATS]}; charset=utf-8`)
      .header('content-disposition', `attachment; filename="batch-${id.slice(0, 8)}-results.${format}"`)
      .send(Readable.from(lines()));
  });
};

/** The columns of a batch's CSV results. */
export const RESULT_CSV_COLUMNS = ['seq', 'status', 'encounter_id', 'stored_encounter_id', 'version', 'verdict', 'top_severity', 'top_rule', 'top_message', 'top_line'];

function resultCsvRow(item: BatchItem): CsvValue[] {
  const top = item.topFinding;
  return [item.seq, item.status, item.externalId, item.encounterId, item.version, item.verdict, top?.severity, top?.rule, top?.message, top?.line === undefined ? undefined : top.line + 1];
}


/** The upload's file name from its header: decoded, at most 255 characters, without control characters; a bad one is a 400 naming the header. */
function fileNameOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const bad = () => invalidInput(FILE_NAME_HEADER, `a percent-encoded file name of 1 to ${MAX_FILE_NAME} characters without control characters`);
  if (typeof header !== 'string') throw bad();
  let name: string;
  try {
    name = decodeURIComponent(header);
  } catch {
    throw bad();
  }
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || name.length > MAX_FILE_NAME || /[\u0000-\u001f\u007f]/.test(name)) throw bad();
  return name;
}

function noBatch(id: string): ApiProblem {
  return new ApiProblem(BATCH_PROBLEMS.notFound, `No batch ${JSON.stringify(id.slice(0, 64))}.`);
}

function formatOf(contentType: string | undefined): JobFormat | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return (BATCH_MEDIA_TYPES as Record<string, JobFormat>)[type];
}

/** Lines as people count them: LF, CRLF and a lone CR (HL7's segment terminator) each end one; a final break adds none. */
export function countLines(text: string): number {
  let lines = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) lines++;
  }
  const last = text.charCodeAt(text.length - 1);
  return last === 10 || last === 13 ? lines : lines + 1;
}

/** An NDJSON upload as readNdjsonUpload leaves it: its items in stored form and the request hash of its bytes. */
interface NdjsonUpload {
  items: PreparedItem[];
  requestHash: string;
}

/** The error code of an upload with more lines than the limit. */
const TOO_MANY_LINES = 'DXACODE_TOO_MANY_LINES';

/**
 * Reads an NDJSON upload as it arrives, line by line: each line is parsed, checked and kept only as the JSON text it
 * is stored as, and the bytes are hashed for Idempotency-Key on the way, so neither the raw body nor its parsed
 * encounters are ever held whole (a 32 MiB upload would otherwise hold the body three times over). Lines end with LF
 * (a CR before it is dropped). Past the byte or line limit it stops reading and answers 413.
 */
function readNdjsonUpload(request: FastifyRequest, payload: NodeJS.ReadableStream, limits: { bodyBytes: number; lines: number }, done: (error: Error | null, body?: NdjsonUpload) => void): void {
  const tooLarge = () => Object.assign(new Error('the upload is larger than the limit'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  if (Number(request.headers['content-length']) > limits.bodyBytes) return done(tooLarge());
  const hash = createHash('sha256').update(requestHashPrefix(request), 'utf8');
  const items: PreparedItem[] = [];
  let carry: Buffer | undefined;
  let bytes = 0;
  let line = 0;
  const take = (bytesOfLine: Buffer) => {
    line += 1;
    const end = bytesOfLine.length > 0 && bytesOfLine[bytesOfLine.length - 1] === 13 ? bytesOfLine.length - 1 : bytesOfLine.length;
    const text = bytesOfLine.toString('utf8', 0, end);
    if (text.trim() !== '') items.push(...prepareItems([ndjsonItem(text, line)]));
  };
  const stop = (error: Error | null) => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', stop);
    done(error, error === null ? { items, requestHash: hash.digest('hex') } : undefined);
  };
  const onData = (chunk: Buffer | string) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buf.length;
    if (bytes > limits.bodyBytes) return stop(tooLarge());
    hash.update(buf);
    let start = 0;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
      take(carry === undefined ? buf.subarray(start, nl) : Buffer.concat([carry, buf.subarray(start, nl)]));
      carry = undefined;
      start = nl + 1;
      if (line > limits.lines) return stop(Object.assign(new Error('too many lines'), { statusCode: 413, code: TOO_MANY_LINES }));
    }
    // A partial line is copied: the chunk it came in is not kept.
    if (start < buf.length) carry = carry === undefined ? Buffer.from(buf.subarray(start)) : Buffer.concat([carry, buf.subarray(start)]);
    return undefined;
  };
  const onEnd = () => {
    if (carry !== undefined) take(carry);
    stop(line > limits.lines ? Object.assign(new Error('too many lines'), { statusCode: 413, code: TOO_MANY_LINES }) : null);
  };
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', stop);
}

/** The item of one non-blank NDJSON line; a line that is not JSON or not an Encounter fails with its line number and field. */
function ndjsonItem(text: string, line: number): JobItemInput {
  const json = parseJsonText(text, line);
  if (!json.ok) return { problems: [inputFinding('input.invalid-json', json.message)] };
  const parsed = parseEncounter(json.value);
  if (parsed.ok) return { encounter: parsed.encounter };
  const id = json.value !== null && typeof json.value === 'object' && typeof (json.value as { id?: unknown }).id === 'string' ? (json.value as { id: string }).id : undefined;
  const at = `line ${line}${id !== undefined ? `: encounter ${JSON.stringify(id.slice(0, 64))}` : ''}`;
  return { problems: parsed.problems.map((p) => inputFinding('input.invalid', `${at}: ${p.field}: ${p.message}`)) };
}

/**
 * Lenient 837P reading: each claim becomes an item checked as a claim, with the defects found inside it kept as its
 * notes; a claim that could not be read at all becomes a failed item with its defects, and so do defects of the
 * envelope (ISA/GS/ST), with their segment locations.
 */
function x12Items(body: string): JobItemInput[] {
  const reader = new X12Reader({ mode: 'lenient' });
  const read = [...reader.push(body), ...reader.end()];
  const items: JobItemInput[] = [];
  // A claim's defects are reported while it is read, before the claim itself is complete.
  const claimDefects = new Map<string, Finding[]>();
  const envelope: Finding[] = [];
  for (const item of read) {
    if (item.kind === 'problem') {
      const claimId = item.problem.location?.claimId;
      const finding = x12Finding(item.problem);
      if (claimId === undefined) envelope.push(finding);
      else claimDefects.set(claimId, [...(claimDefects.get(claimId) ?? []), finding]);
      continue;
    }
    const notes = claimDefects.get(item.claim.claimId) ?? [];
    claimDefects.delete(item.claim.claimId);
    items.push({ encounter: item.claim.encounter, checker: 'x12-claim', ...(notes.length > 0 ? { notes } : {}) });
  }
  for (const findings of claimDefects.values()) items.push({ problems: findings });
  if (envelope.length > 0) items.push({ problems: envelope });
  return items;
}

/** One item per HL7 message: a final ORU^R01 result becomes an encounter; an order or an unusable message fails with why. */
function hl7Items(body: string): JobItemInput[] {
  const read = hl7ToEncounters(body);
  const items: JobItemInput[] = [];
  for (const message of read.messages) {
    const findings = message.problems.map(hl7Finding);
    if (message.ok) items.push({ encounter: message.encounter, ...(findings.length > 0 ? { notes: findings } : {}) });
    else items.push({ problems: findings });
  }
  if (read.problems.length > 0) items.push({ problems: read.problems.map(hl7Finding) });
  return items;
}

function inputFinding(rule: string, message: string): Finding {
  return { rule, severity: 'error', message, source: API_SOURCE };
}

function x12Finding(problem: X12Problem): Finding {
  return problemFinding(x12ProblemPlace(problem), problem, API_SOURCE);
}

function hl7Finding(problem: Hl7Problem): Finding {
  return problemFinding(hl7ProblemPlace(problem), problem, API_SOURCE);
}
