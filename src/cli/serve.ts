/**
 * `dxacode serve`: the HTTP API, the workbench page and the batch worker on PORT (default 8080), with the store at
 * DATABASE_URL or ./data. A new store gets an admin token on its first start, shown once on the terminal that
 * started it; the audit chain is checkpointed every hour.
 */
import { readRegistryConfig } from '../io/registry-config.js';
import { readX12ConfigFile } from '../io/x12-config-file.js';
import { buildServer, DEFAULT_BODY_TIMEOUT_MS } from '../server/server.js';
import { DEFAULT_BATCH_LIMITS } from '../server/batches.js';
import { storeTokenVerifier } from '../server/tokens.js';
import { BatchWorker, DEFAULT_LEASE_MS, DEFAULT_POLL_MS } from '../server/worker.js';
import { DEFAULT_KNOWLEDGE_POLL_MS, LiveKnowledge } from '../server/knowledge-live.js';
import type { FastifyBaseLogger } from 'fastify';
import { openStore, storeOptionsFromEnv, StoreError, type Store } from '../store/index.js';
import { EXIT } from './exit.js';
import { VERSION } from './package-info.js';
import { knowledgeOrReport, type CliIo } from './shared.js';
import { migrationLines } from './store-commands.js';

/** The organisation of the admin token made on a first start. */
const FIRST_ORGANIZATION = 'default';

/** How often the server signs a checkpoint of the audit chain (and logs it, so the log anchors it outside the database). */
export const DEFAULT_CHECKPOINT_MS = 60 * 60 * 1000;

/**
 * A new store has no token, so nobody could sign in: the first start makes an admin token and shows it once, on the
 * terminal that started the server. Output that is not a terminal may be a log file or a journal, where a token
 * must never go: then no token is made, and the message says how to make one.
 */
async function firstToken(io: CliIo, store: Store): Promise<void> {
  if (io.stderr.isTTY !== true) {
    if ((await store.listTokens()).length === 0) {
      io.stderr.write(
        `dxacode: the store has no API token yet, and this output is not a terminal, so none is made here (a token must never reach a log). Make an admin token on this machine: npx dxacode token create --role admin --organization ${FIRST_ORGANIZATION}\n`,
      );
    }
    return;
  }
  const first = await store.forOrganization(FIRST_ORGANIZATION).tokens.createFirstAdmin('first-start');
  if (first !== undefined) {
    io.stderr.write(`dxacode: first start: created an admin token for organisation "${FIRST_ORGANIZATION}" (token id ${first.id}). Sign in with it; it is shown this once and only its hash is stored:\n${first.token}\n`);
  }
}

/** Signs a checkpoint of the audit chain and logs it (ids, sequence numbers and hashes only); a failure is logged, never thrown. */
async function checkpoint(store: Store, log: FastifyBaseLogger): Promise<void> {
  try {
    const signed = await store.checkpointAudit();
    if (signed !== undefined) log.info({ auditCheckpoint: signed }, 'audit checkpoint');
  } catch (error) {
    log.warn({ kind: (error as { kind?: string }).kind ?? 'unknown' }, 'audit checkpoint could not be written');
  }
}

/** Runs `dxacode serve` until SIGINT or SIGTERM. */
export async function run(io: CliIo, options: { payerPack?: string[] }): Promise<number> {
  // The imported versions are loaded from the server's store below, and kept current while it runs.
  const embedded = await knowledgeOrReport(options.payerPack, io, { stored: false });
  if (!embedded) return EXIT.unusable;
  const env = io.env ?? {};
  // PORT=0 takes a free port (the URL printed below names it): tests start several servers at once this way.
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr.write(`dxacode: PORT: expected a port number from 1 to 65535 (0: any free port), got ${JSON.stringify(env.PORT)}\n`);
    return EXIT.unusable;
  }
  // Durations in milliseconds and counts: whole numbers above 0, each with its default.
  const defaults = {
    DXACODE_WORKER_LEASE_MS: DEFAULT_LEASE_MS,
    DXACODE_WORKER_POLL_MS: DEFAULT_POLL_MS,
    DXACODE_KNOWLEDGE_POLL_MS: DEFAULT_KNOWLEDGE_POLL_MS,
    DXACODE_AUDIT_CHECKPOINT_MS: DEFAULT_CHECKPOINT_MS,
    DXACODE_BODY_TIMEOUT_MS: DEFAULT_BODY_TIMEOUT_MS,
    DXACODE_MAX_CONCURRENT_UPLOADS: DEFAULT_BATCH_LIMITS.concurrent,
  };
  const settings: Record<keyof typeof defaults, number> = { ...defaults };
  for (const name of Object.keys(defaults) as (keyof typeof defaults)[]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) {
      io.stderr.write(`dxacode: ${name}: expected a whole number above 0, got ${JSON.stringify(raw)}\n`);
      return EXIT.unusable;
    }
    settings[name] = value;
  }
  // Behind a reverse proxy, its address (or a list, comma-separated) is trusted to name the client in X-Forwarded-For,
  // so that the limit on unknown tokens counts per client rather than for the proxy as a whole.
  const trustProxy = env.DXACODE_TRUST_PROXY === undefined || env.DXACODE_TRUST_PROXY === '' ? undefined : env.DXACODE_TRUST_PROXY.split(',').map((a) => a.trim());
  // Claim export and the dashboard's amount at risk use the X12 configuration (DXACODE_CONFIG, else
  // dxacode.config.json in the working folder); without one, exports are test interchanges with SAMPLE ids.
  const x12 = readX12ConfigFile(env.DXACODE_CONFIG === undefined || env.DXACODE_CONFIG === '' ? undefined : env.DXACODE_CONFIG);
  if (!x12.ok) {
    for (const message of x12.messages) io.stderr.write(`dxacode: ${message}\n`);
    return EXIT.unusable;
  }
  const registry = readRegistryConfig(env.DXACODE_CONFIG === undefined || env.DXACODE_CONFIG === '' ? undefined : env.DXACODE_CONFIG, env);
  if (!registry.ok) {
    for (const message of registry.messages) io.stderr.write(`dxacode: ${message}\n`);
    return EXIT.unusable;
  }
  let store;
  try {
    store = await openStore(storeOptionsFromEnv(env));
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    io.stderr.write(`dxacode: the store could not be opened: ${error.message}\n`);
    return EXIT.unusable;
  }
  io.stderr.write(migrationLines(store));
  try {
    // Every write is audited, so a store whose audit records cannot be signed must not serve.
    await store.auditKey();
    await firstToken(io, store);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    io.stderr.write(`dxacode: the store could not be used: ${error.message}\n`);
    await store.close();
    return EXIT.unusable;
  }
  const live = new LiveKnowledge(embedded, store);
  try {
    await live.refresh();
  } catch (error) {
    io.stderr.write(`dxacode: the imported knowledge versions could not be loaded: ${(error as Error).message}\n`);
    await store.close();
    return EXIT.unusable;
  }
  const knowledge = live.knowledge;
  const worker = new BatchWorker({ store, knowledge, leaseMs: settings.DXACODE_WORKER_LEASE_MS, pollMs: settings.DXACODE_WORKER_POLL_MS });
  const app = await buildServer({
    knowledge,
    live,
    store,
    worker,
    tokens: storeTokenVerifier(store),
    bodyTimeoutMs: settings.DXACODE_BODY_TIMEOUT_MS,
    maxConcurrentUploads: settings.DXACODE_MAX_CONCURRENT_UPLOADS,
    ...(trustProxy !== undefined ? { trustProxy } : {}),
    ...(x12.config !== undefined ? { x12: x12.config } : {}),
    registry: registry.settings,
    version: VERSION,
    logger: true,
  });
  await app.listen({ port, host: env.HOST ?? '127.0.0.1' });
  worker.start(app.log);
  live.start(settings.DXACODE_KNOWLEDGE_POLL_MS, app.log);
  const checkpoints = setInterval(() => void checkpoint(store, app.log), settings.DXACODE_AUDIT_CHECKPOINT_MS);
  const address = app.server.address();
  const listening = typeof address === 'object' && address !== null ? address.port : port;
  // Listening for the signals before saying so: whoever waits for this line may send SIGTERM at once, and a signal
  // that arrived before its handler would kill the process without a clean shutdown.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.stderr.write(`dxacode: serving the workbench and the API on http://${env.HOST ?? 'localhost'}:${listening} (API docs at /docs)\n`);
  await stopped;
  // The worker finishes the item in hand (its transaction commits or never began) before the store closes.
  clearInterval(checkpoints);
  live.stop();
  await worker.stop();
  await app.close();
  await store.close();
  return EXIT.ok;
}
