// Scale-out on one PostgreSQL database (docs/scale-out.md): 1, 2 and 4 `dxacode serve` processes take stored checks
// (POST /v1/encounters) of distinct organisations at a fixed number of requests in flight; each run is checked for
// lost or duplicated writes (every answer stored once, versions gap-free, one audit record per version, the chain
// verifies), and the throughput ratios to one process are printed. Then the database cost of one stored check is
// measured in this process: queries (each one round trip, BEGIN and COMMIT included), and how long the organisation's
// and the audit chain's locks are held.
//
// node bench/scale-out.js [--seconds 8] [--inflight 16] [--processes 1,2,4] [--rounds 2]   (after npm run build; PostgreSQL on
// 127.0.0.1:5432, database test, or DXACODE_TEST_PG_URL). Not run by CI: it takes a minute and its numbers depend on
// the machine.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const { clearTimeout } = globalThis;

/**
 * The load generator's client: node:http on keep-alive sockets, one per request in flight. The global fetch (undici
 * behind the WHATWG streams) cost about 3 ms of CPU per request here, a fifth of the machine's work per stored check,
 * which the server processes being measured then do not get.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function postJson(url, headers, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PG_URL = process.env.DXACODE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const AUDIT_KEY = 'ZHhhY29kZSB0ZXN0cyBvbmx5LCBub3QgYSBzZWNyZXQ='; // the tests' fixture key, not a secret
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('seconds', '8'));
const INFLIGHT = Number(arg('inflight', '16'));
const PROCESSES = arg('processes', '1,2,4').split(',').map(Number);
/** Rounds of the process counts, interleaved (1, 2, 4, 1, 2, 4, ...), so a change in the machine's load hits every count alike. */
const ROUNDS = Number(arg('rounds', '2'));

const { openStore } = await import('../dist/store/index.js');
const { loadKnowledge } = await import('../dist/io/knowledge-files.js');
const example = JSON.parse(readFileSync(new URL('../examples/encounter-axial-vfa.json', import.meta.url), 'utf8'));
const encounter = (id, n) => ({ ...example, id, patient: { sex: 'female', birthDate: `19${40 + (n % 30)}-0${(n % 9) + 1}-1${n % 10}`, mrn: `mrn-${id}` } });

const TICKS_PER_SECOND = 100; // USER_HZ of /proc/<pid>/stat on Linux

/** CPU seconds (user + system) of one process from /proc, with those of its reaped children when asked; 0 when gone. */
function processCpu(pid, withChildren = false) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
    const ticks = Number(fields[11]) + Number(fields[12]) + (withChildren ? Number(fields[13]) + Number(fields[14]) : 0);
    return ticks / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds of PostgreSQL on this machine: every live postgres process, plus the backends its postmaster reaped. */
function postgresCpu() {
  let seconds = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm !== 'postgres') continue;
    const isPostmaster = readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('-D');
    seconds += processCpu(entry, isPostmaster);
  }
  return seconds;
}

async function startServer(env) {
  const child = spawn(process.execPath, [...(process.env.SCALE_OUT_NODE_OPTIONS ?? '').split(' ').filter(Boolean), 'bin/dxacode.js', 'serve'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 30_000);
    const look = (chunk) => {
      output += chunk.toString('utf8');
      const m = /dxacode: serving .*? on (http:\/\/\S+:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', () => reject(new Error(`the server exited:\n${output}`)));
  });
  return { url, cpu: () => processCpu(child.pid), stop: async () => (child.kill('SIGTERM'), await once(child, 'exit')) };
}

/** One run: `processes` servers, INFLIGHT clients each writing to its own organisation for SECONDS. */
async function run(processes, round, schema) {
  const env = { DATABASE_URL: PG_URL, DXACODE_PG_SCHEMA: schema, DXACODE_AUDIT_KEY: AUDIT_KEY };
  const servers = await Promise.all(Array.from({ length: processes }, () => startServer(env)));
  const store = await openStore({ url: PG_URL, pgSchema: schema, auditKey: { text: AUDIT_KEY } });
  const orgs = Array.from({ length: INFLIGHT }, (_, i) => `bench-r${round}-p${processes}-org${i}`);
  const tokens = [];
  for (const org of orgs) tokens.push((await store.forOrganization(org).tokens.create('coder', 'bench')).token);
  const answers = [];
  const post = async (client, n, id = `c${client}-${n}`) => {
    const { status, body } = await postJson(
      `${servers[client % processes].url}/v1/encounters`,
      { authorization: `Bearer ${tokens[client]}`, 'content-type': 'application/json' },
      JSON.stringify(encounter(id, n)),
    );
    if (status !== 201) throw new Error(`status ${status}: ${JSON.stringify(body)}`);
    return body;
  };
  // Warm-up: every client once (JIT, pools, first writes of each organisation).
  await Promise.all(orgs.map((_, c) => post(c, c, `c${c}-warm`)));
  const cpuAtStart = { servers: servers.reduce((sum, s) => sum + s.cpu(), 0), postgres: postgresCpu(), load: process.cpuUsage() };
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    orgs.map(async (org, c) => {
      for (let n = 0; performance.now() < until; n++) answers.push({ org, ...(await post(c, n)) });
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const load = process.cpuUsage(cpuAtStart.load);
  // CPU seconds spent in the measured window by each part; the machine has availableParallelism() × seconds to give.
  const cpu = {
    servers: servers.reduce((sum, s) => sum + s.cpu(), 0) - cpuAtStart.servers,
    postgres: postgresCpu() - cpuAtStart.postgres,
    load: (load.user + load.system) / 1e6,
    capacity: availableParallelism() * seconds,
  };
  await Promise.all(servers.map((s) => s.stop()));

  // Nothing lost or duplicated: every answer is a stored version of its organisation, each once, with one audit record.
  const rows = await store.db
    .selectFrom('check_results as r')
    .innerJoin('encounters as e', 'e.id', 'r.encounter_id')
    .select(['e.organization', 'e.external_id', 'r.encounter_id', 'r.version'])
    .where('e.organization', 'in', orgs)
    .execute();
  const stored = new Set(rows.map((r) => `${r.organization} ${r.encounter_id} ${r.version}`));
  const lost = answers.filter((a) => !stored.has(`${a.org} ${a.encounterId} ${a.version}`)).length;
  const externalIds = new Set(rows.map((r) => `${r.organization} ${r.external_id}`));
  const checked = await store.db.selectFrom('audit_log').select('object_ids').where('organization', 'in', orgs).where('action', '=', 'checked').execute();
  const verified = await store.verifyAudit();
  await store.close();
  const expected = answers.length + orgs.length; // and the warm-up's
  const problems = [
    ...(lost > 0 ? [`${lost} answered writes not stored`] : []),
    ...(rows.length !== expected ? [`${rows.length} stored versions for ${expected} answered writes`] : []),
    ...(externalIds.size !== expected ? [`${externalIds.size} distinct encounters for ${expected} writes`] : []),
    ...(checked.length !== rows.length || new Set(checked.map((c) => c.object_ids)).size !== rows.length ? [`${checked.length} 'checked' audit records for ${rows.length} versions`] : []),
    ...(!verified.ok ? [`audit chain broken: ${verified.problem}`] : []),
  ];
  return { processes, items: answers.length, seconds, perSecond: answers.length / seconds, cpu, problems };
}

/** The database cost of one stored check, measured on this process's own connection pool. */
async function costPerItem(schema, items = 200) {
  const queries = [];
  const original = pg.Client.prototype.query;
  let open;
  pg.Client.prototype.query = function (config, values, callback) {
    const text = typeof config === 'string' ? config : config.text;
    const startedAt = performance.now();
    const result = original.call(this, config, values, callback);
    const done = () => {
      const at = performance.now();
      if (open !== undefined) open.push({ text, startedAt, at });
    };
    if (result && typeof result.then === 'function') result.then(done, done);
    return result;
  };
  const store = await openStore({ url: PG_URL, pgSchema: schema, auditKey: { text: AUDIT_KEY } });
  const org = store.forOrganization('bench-cost');
  const knowledge = loadKnowledge();
  await org.encounters.storeAndCheck('bench', encounter('cost-warm', 0), knowledge);
  const transactions = [];
  for (let n = 0; n < items; n++) {
    open = [];
    await org.encounters.storeAndCheck('bench', encounter(`cost-${n}`, n), knowledge);
    transactions.push(open);
    open = undefined;
  }
  pg.Client.prototype.query = original;
  await store.close();
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const held = (pattern) =>
    transactions.map((t) => {
      const lock = t.find((q) => pattern.test(q.text));
      const commit = t.find((q) => q.text === 'commit');
      return lock && commit ? commit.at - lock.at : NaN;
    });
  for (const t of transactions) queries.push(t.length);
  return {
    queries: median(queries),
    transactionMs: median(transactions.map((t) => t.at(-1).at - t[0].startedAt)),
    organizationLockMs: median(held(/pg_advisory_xact_lock\(\$1, hashtext/)),
    chainLockMs: median(held(/pg_advisory_xact_lock\(\$1, 0\)/)),
    commitMs: median(transactions.map((t) => {
      const commit = t.find((q) => q.text === 'commit');
      return commit.at - commit.startedAt;
    })),
    databaseMs: median(transactions.map((t) => t.reduce((sum, q) => sum + (q.at - q.startedAt), 0))),
  };
}

const schema = `dxacode_bench_scale_${randomBytes(4).toString('hex')}`;
const results = [];
try {
  for (let round = 0; round < ROUNDS; round++) for (const processes of PROCESSES) {
    const result = await run(processes, round, schema);
    results.push(result);
    console.log(`round ${round + 1}, ${processes} process(es): ${result.items} stored checks in ${result.seconds.toFixed(1)} s = ${result.perSecond.toFixed(0)}/s${result.problems.length > 0 ? `; PROBLEMS: ${result.problems.join('; ')}` : '; nothing lost or duplicated, audit chain verified'}`);
    const { cpu } = result;
    const perCheck = (s) => ((s * 1000) / result.items).toFixed(2);
    console.log(
      `  CPU per stored check: server process(es) ${perCheck(cpu.servers)} ms, PostgreSQL ${perCheck(cpu.postgres)} ms, load generator ${perCheck(cpu.load)} ms; ` +
        `the machine was ${((100 * (cpu.servers + cpu.postgres + cpu.load)) / cpu.capacity).toFixed(0)} % busy with these (${availableParallelism()} cores)`,
    );
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const rate = (processes) => median(results.filter((r) => r.processes === processes).map((r) => r.perSecond));
  const one = rate(PROCESSES[0]);
  console.log(
    `throughput ratios to ${PROCESSES[0]} process(es) (${INFLIGHT} requests in flight, distinct organisations, median of ${ROUNDS} interleaved rounds): ` +
      PROCESSES.map((p) => `${p}: ${rate(p).toFixed(0)}/s = ${(rate(p) / one).toFixed(2)}x`).join(', '),
  );
  const cost = await costPerItem(schema);
  console.log(
    `one stored check: ${cost.queries} queries (round trips, BEGIN and COMMIT included), ${cost.databaseMs.toFixed(2)} ms in the database, ${cost.transactionMs.toFixed(2)} ms from BEGIN to COMMIT; ` +
      `the organisation's lock held ${cost.organizationLockMs.toFixed(2)} ms, the audit chain's ${cost.chainLockMs.toFixed(2)} ms (of which COMMIT ${cost.commitMs.toFixed(2)} ms) (medians of 200)`,
  );
  if (results.some((r) => r.problems.length > 0)) process.exitCode = 1;
} finally {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}
