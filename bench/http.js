// HTTP benchmark (issue 5 §9): POST /v1/check on a real `dxacode serve` process (SQLite store, a coder token,
// request logging on as in production) against a plain fastify hello world measured in the same run as the ceiling
// (sent the same request, which it parses), plus a reference: the same fastify answering with a constant body as
// large as dxacode's result, which shows how much of the gap is the size of the answer alone.
// Both servers run as child processes; autocannon drives them from this process, one at a time, in alternating
// rounds with the same connections and duration. Goal: dxacode at least 30 % of the ceiling's requests/s. Run alone with
// `node bench/http.js` (after `npm run build`), or as part of `npm run bench`.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { check, parseEncounter } from '../dist/engine/index.js';
import { stringifyResult } from '../dist/contract/serialize.js';
import { loadKnowledge } from '../dist/io/knowledge-files.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Goal: dxacode's POST /v1/check requests/s as a share of the hello-world ceiling. */
export const HTTP_GOALS = { shareOfCeiling: 0.3 };
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);

/** Starts a child process and resolves with its port once it prints one (`port N` or a serving URL). */
function startServer(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onData = (chunk) => {
      seen += chunk.toString();
      const m = /port (\d+)\b/.exec(seen) ?? /http:\/\/[^:\s]+:(\d+)/.exec(seen);
      if (m) {
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        // Keep draining the request log so the child never blocks on a full pipe.
        child.stdout.resume();
        child.stderr.resume();
        resolve({ child, port: Number(m[1]) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${seen.slice(-500)}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

function load(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: DURATION_S, pipelining: 1, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const summary = (r) => ({ requestsPerSecond: r.requests.average, p99Ms: r.latency.p99, p50Ms: r.latency.p50, errors: r.errors, non2xx: r.non2xx, total: r.requests.total });

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

/** Runs the measurements in alternating rounds and returns the figures. */
export async function runHttpBench() {
  const out = { connections: CONNECTIONS, secondsPerRun: DURATION_S, rounds: ROUNDS, runs: [], ceiling: null, sameSize: null, check: null, share: NaN, shareOfSameSize: NaN, pass: false, crashed: false };
  const dataDir = mkdtempSync(join(tmpdir(), 'dxacode-bench-http-'));
  const servers = [];
  try {
    console.log(`HTTP: autocannon, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_S} s per server, alternating`);
    // The ceiling gets the same request (headers and the encounter as body, which it parses) and answers hello world.
    const body = readFileSync(join(ROOT, 'examples', 'encounter-axial-vfa.json'), 'utf8');
    const parsed = parseEncounter(JSON.parse(body));
    const responseFile = join(dataDir, 'result.json');
    writeFileSync(responseFile, stringifyResult(check(parsed.encounter, loadKnowledge())));
    const hello = await startServer(['bench/hello-server.js'], { BENCH_RESPONSE_FILE: responseFile });
    servers.push(hello.child);
    const env = { DXACODE_DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0' };
    const created = execFileSync(process.execPath, ['bin/dxacode.js', 'token', 'create', '--role', 'coder', '--organization', 'bench'], { cwd: ROOT, env: { ...process.env, ...env } }).toString();
    const token = created.trimEnd().split('\n').at(-1);
    const dx = await startServer(['bin/dxacode.js', 'serve'], env);
    servers.push(dx.child);
    const request = { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body };

    // Warm-up (not counted): both processes compile their hot paths first.
    for (const url of [`http://127.0.0.1:${hello.port}/`, `http://127.0.0.1:${hello.port}/same-size`, `http://127.0.0.1:${dx.port}/v1/check`]) await load({ url, ...request, duration: 2 });
    // This VM's speed drifts by up to 2x within a minute, so the three are measured in alternating short rounds and
    // each round gives its own ratio; the median round is reported.
    for (let round = 1; round <= ROUNDS; round++) {
      const ceiling = summary(await load({ url: `http://127.0.0.1:${hello.port}/`, ...request }));
      // Reference, not the goal: the same fastify answering with a constant body as large as dxacode's result.
      const sameSize = summary(await load({ url: `http://127.0.0.1:${hello.port}/same-size`, ...request }));
      const checked = summary(await load({ url: `http://127.0.0.1:${dx.port}/v1/check`, ...request }));
      const run = { round, ceiling, sameSize, check: checked, share: checked.requestsPerSecond / ceiling.requestsPerSecond, shareOfSameSize: checked.requestsPerSecond / sameSize.requestsPerSecond };
      out.runs.push(run);
      console.log(`  round ${round}: hello world ${Math.round(ceiling.requestsPerSecond)} req/s; constant ${readFileSync(responseFile).length}-byte answer ${Math.round(sameSize.requestsPerSecond)} req/s; dxacode POST /v1/check ${Math.round(checked.requestsPerSecond)} req/s, p99 ${checked.p99Ms} ms (${checked.non2xx} non-2xx, ${checked.errors} errors): ${(run.share * 100).toFixed(1)} % of hello world`);
    }
    const middle = out.runs.find((r) => r.share === median(out.runs.map((x) => x.share)));
    out.ceiling = middle.ceiling;
    out.sameSize = middle.sameSize;
    out.check = middle.check;
    out.share = middle.share;
    out.shareOfSameSize = median(out.runs.map((r) => r.shareOfSameSize));
    const clean = out.runs.every((r) => r.check.non2xx === 0 && r.check.errors === 0);
    out.pass = out.share >= HTTP_GOALS.shareOfCeiling && clean;
    console.log(`  median share of the ceiling: ${(out.share * 100).toFixed(1)} % (goal >= ${HTTP_GOALS.shareOfCeiling * 100} %; rounds ${out.runs.map((r) => (r.share * 100).toFixed(1)).join(', ')}); of the same-size reference: ${(out.shareOfSameSize * 100).toFixed(1)} %`);
  } catch (error) {
    out.crashed = true;
    console.error('HTTP benchmark failed:', error);
  } finally {
    await Promise.all(servers.map(stop));
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runHttpBench();
  process.exitCode = result.crashed ? 1 : 0;
}
