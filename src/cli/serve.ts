/**
 * `dxacode serve`: the HTTP API, the workbench page and the batch worker on PORT (default 8080), with the store at
 * DATABASE_URL or ./data. A new store gets an admin token on its first start, shown once.
 */
import { readX12ConfigFile } from '../io/x12-config-file.js';
import { buildServer } from '../server/server.js';
import { storeTokenVerifier } from '../server/tokens.js';
import { BatchWorker, DEFAULT_LEASE_MS, DEFAULT_POLL_MS } from '../server/worker.js';
import { DEFAULT_KNOWLEDGE_POLL_MS, LiveKnowledge } from '../server/knowledge-live.js';
import { openStore, storeOptionsFromEnv, StoreError } from '../store/index.js';
import { EXIT } from './exit.js';
import { VERSION } from './package-info.js';
import { knowledgeOrReport, type CliIo } from './shared.js';
import { migrationLines } from './store-commands.js';

/** The organisation of the admin token made on a first start. */
const FIRST_ORGANIZATION = 'default';

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
  const milliseconds = (name: string, fallback: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (Number.isInteger(value) && value > 0) return value;
    io.stderr.write(`dxacode: ${name}: expected a whole number of milliseconds above 0, got ${JSON.stringify(raw)}\n`);
    return undefined;
  };
  const leaseMs = milliseconds('DXACODE_WORKER_LEASE_MS', DEFAULT_LEASE_MS);
  const pollMs = milliseconds('DXACODE_WORKER_POLL_MS', DEFAULT_POLL_MS);
  const knowledgePollMs = milliseconds('DXACODE_KNOWLEDGE_POLL_MS', DEFAULT_KNOWLEDGE_POLL_MS);
  if (leaseMs === undefined || pollMs === undefined || knowledgePollMs === undefined) return EXIT.unusable;
  // Claim export and the dashboard's amount at risk use the X12 configuration (DXACODE_CONFIG, else
  // dxacode.config.json in the working folder); without one, exports are test interchanges with SAMPLE ids.
  const x12 = readX12ConfigFile(env.DXACODE_CONFIG === undefined || env.DXACODE_CONFIG === '' ? undefined : env.DXACODE_CONFIG);
  if (!x12.ok) {
    for (const message of x12.messages) io.stderr.write(`dxacode: ${message}\n`);
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
  // A new store has no token, so nobody could sign in: the first start makes an admin token and shows it once.
  let first: { token: string; id: string } | undefined;
  try {
    first = await store.createFirstToken(FIRST_ORGANIZATION, 'first-start');
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    io.stderr.write(`dxacode: the store could not be used: ${error.message}\n`);
    await store.close();
    return EXIT.unusable;
  }
  if (first !== undefined) {
    io.stderr.write(`dxacode: first start: created an admin token for organisation "${FIRST_ORGANIZATION}" (token id ${first.id}). Sign in with it; it is shown this once and only its hash is stored:\n${first.token}\n`);
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
  const worker = new BatchWorker({ store, knowledge, leaseMs, pollMs });
  const app = await buildServer({
    knowledge,
    live,
    store,
    worker,
    tokens: storeTokenVerifier(store),
    ...(x12.config !== undefined ? { x12: x12.config } : {}),
    version: VERSION,
    logger: true,
  });
  await app.listen({ port, host: env.HOST ?? '127.0.0.1' });
  worker.start(app.log);
  live.start(knowledgePollMs, app.log);
  const address = app.server.address();
  const listening = typeof address === 'object' && address !== null ? address.port : port;
  io.stderr.write(`dxacode: serving the workbench and the API on http://${env.HOST ?? 'localhost'}:${listening} (API docs at /docs)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // The worker finishes the item in hand (its transaction commits or never began) before the store closes.
  live.stop();
  await worker.stop();
  await app.close();
  await store.close();
  return EXIT.ok;
}
