// dxacode benchmark (run with `npm run bench`, which builds first and passes --expose-gc):
//   (i)   in-process check() throughput over pre-validated encounters (tinybench),
//   (ii)  the same rule families written for json-rules-engine over the same encounters (tinybench), in two builds:
//         untuned (as its documentation suggests) and tuned (as an expert would; the headline ratio is against it),
//         and dxacode's check() running only those families (options.families: the same rules, the headline ratio)
//         besides its full check (13 families),
//   (iii) end to end: `dxacode check FILE --format json --no-progress` over an NDJSON file, as a child process, and
//         in the same run its floor (JSON.parse of every input line plus JSON.stringify of each result, in process,
//         bench/floor.js) and one single-encounter CLI run (median wall time),
//   (iv)  837P end to end (bench/x12.js) and reading a 25,000-claim 835 (bench/remit835.js), (v) HTTP POST /v1/check
//         against a fastify hello world (bench/http.js).
// Prints a summary against the goals and writes bench/results/latest.json. Missing a goal is reported, not an
// error: the process exits 0 unless something crashed. Sizes can be changed with BENCH_IN_PROCESS, BENCH_PEER and
// BENCH_E2E (environment variables); BENCH_ROUNDS sets the end-to-end/floor rounds (3).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { readdirSync, readFileSync } from 'node:fs';
import { check, FamilySelection, parseEncounter } from '../dist/engine/index.js';
import { extract } from '../dist/extract/extract.js';
import { loadKnowledge } from '../dist/io/knowledge-files.js';
import { makeEncounters } from './encounters.js';
import { PEER_FAMILIES, runPeer, runPeerUntuned } from './peer-json-rules-engine.js';
import { measureFloor, measureSingleEncounter } from './floor.js';
import { stringifyResult } from '../dist/contract/serialize.js';
import { runX12Bench, X12_GOALS } from './x12.js';
import { REMIT_GOALS, runRemitBench } from './remit835.js';
import { HTTP_GOALS, runHttpBench } from './http.js';
import { KNOWLEDGE_GOALS, runKnowledgeBench } from './knowledge.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = 20260120;
const N_IN_PROCESS = Number(process.env.BENCH_IN_PROCESS ?? 20_000);
const N_PEER = Number(process.env.BENCH_PEER ?? 2_000);
const N_E2E = Number(process.env.BENCH_E2E ?? 100_000);
const GOALS = {
  inProcessPerSecond: 100_000,
  ratioToPeer: 25, // against the tuned peer, on the same rules (dxacode running only the peer's families)
  endToEndPerSecond: 20_000,
  endToEndToFloor: 1.4, // end to end takes at most 1.4x the floor
  singleEncounterMs: 120,
  reportsPerSecond: 5_000,
};
const SINGLE_ENCOUNTER = 'examples/encounter-axial-vfa.json';
const CORPUS = join(ROOT, 'corpus', 'reports');
const reports = readdirSync(CORPUS).filter((f) => f.endsWith('.txt')).sort().map((f) => readFileSync(join(CORPUS, f), 'utf8'));

const gc = () => globalThis.gc?.();
const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));
let crashed = false;
let sink = 0; // consumes results so that no work can be optimised away

// ---- inputs ------------------------------------------------------------------------------------------------------
const knowledge = loadKnowledge();
const raw = makeEncounters(Math.max(N_IN_PROCESS, N_PEER), SEED);
const parsed = [];
for (const [i, e] of raw.entries()) {
  const p = parseEncounter(e);
  if (!p.ok) throw new Error(`generated encounter #${i} is invalid: ${JSON.stringify(p.problems)}`);
  parsed.push(p.encounter);
}
const inProcess = parsed.slice(0, N_IN_PROCESS);
const peerInput = raw.slice(0, N_PEER);
console.log(`dxacode bench: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'})`);
console.log(`inputs: ${fmt(N_IN_PROCESS)} encounters in process, ${fmt(N_PEER)} for the peer, ${fmt(N_E2E)} end to end (seed ${SEED})\n`);

// ---- (i) and (ii): in process, tinybench ------------------------------------------------------------------------
// Each task call processes the next chunk of its encounter set (cycling), so tinybench gets many samples while every
// encounter of the set is used; encounters/s = chunk size / mean latency of a call.
const DX_CHUNK = Math.min(1_000, N_IN_PROCESS);
const PEER_CHUNK = Math.min(100, N_PEER);
const bench = new Bench({
  name: 'in-process throughput',
  time: 4000,
  iterations: 20,
  warmupTime: 1500,
  warmupIterations: 20,
  throws: true,
  setup: gc,
});
const DX = `dxacode check() (${fmt(N_IN_PROCESS)} encounters, ${DX_CHUNK} per call)`;
const DX_SAME = `dxacode check(), only the peer's families ${PEER_FAMILIES.join(',')} (${fmt(N_IN_PROCESS)} encounters, ${DX_CHUNK} per call)`;
const peerFamilies = new FamilySelection(PEER_FAMILIES);
const PEER = `json-rules-engine peer, tuned (${fmt(N_PEER)} encounters, ${PEER_CHUNK} per call)`;
const PEER_UNTUNED = `json-rules-engine peer, untuned (${fmt(N_PEER)} encounters, ${PEER_CHUNK} per call)`;
const REPORTS = `dxacode extract() (${reports.length} corpus reports per call)`;
const chunks = {
  [DX]: { size: DX_CHUNK, next: 0, done: 0 },
  [DX_SAME]: { size: DX_CHUNK, next: 0, done: 0 },
  [PEER]: { size: PEER_CHUNK, next: 0, done: 0 },
  [PEER_UNTUNED]: { size: PEER_CHUNK, next: 0, done: 0 },
  [REPORTS]: { size: reports.length, next: 0, done: 0 } };
function nextChunk(name, list) {
  const c = chunks[name];
  const start = c.next;
  c.next = start + c.size >= list.length ? 0 : start + c.size;
  c.done += c.size;
  return list.slice(start, start + c.size);
}
bench.add(
  DX,
  () => {
    let findings = 0;
    for (const encounter of nextChunk(DX, inProcess)) findings += check(encounter, knowledge).findings.length;
    sink += findings;
  },
  { async: false },
);
bench.add(
  DX_SAME,
  () => {
    let findings = 0;
    for (const encounter of nextChunk(DX_SAME, inProcess)) findings += check(encounter, knowledge, { families: peerFamilies }).findings.length;
    sink += findings;
  },
  { async: false },
);
bench.add(
  PEER,
  async () => {
    let events = 0;
    for (const encounter of nextChunk(PEER, peerInput)) events += (await runPeer(encounter)).length;
    sink += events;
  },
  { async: true },
);
bench.add(
  PEER_UNTUNED,
  async () => {
    let events = 0;
    for (const encounter of nextChunk(PEER_UNTUNED, peerInput)) events += (await runPeerUntuned(encounter)).length;
    sink += events;
  },
  { async: true },
);
bench.add(
  REPORTS,
  () => {
    let facts = 0;
    for (const text of nextChunk(REPORTS, reports)) facts += extract(text).results.length;
    sink += facts;
  },
  { async: false },
);
await bench.run();
console.table(
  bench.table((task) => {
    const r = task.result;
    if (r.state !== 'completed' && r.state !== 'aborted-with-statistics') return { task: task.name, state: r.state, error: r.error?.message ?? '' };
    const size = chunks[task.name].size;
    return {
      task: task.name,
      'per second (mean)': fmt((size * 1000) / r.latency.mean),
      'per second (median)': fmt((size * 1000) / r.latency.p50),
      'µs each': ((r.latency.mean * 1000) / size).toFixed(1),
      '± (rme)': `${r.latency.rme.toFixed(1)}%`,
      calls: r.latency.samplesCount,
    };
  }),
);

function perSecond(name) {
  const task = bench.getTask(name);
  const r = task?.result;
  const batch = chunks[name].size;
  if (!r || (r.state !== 'completed' && r.state !== 'aborted-with-statistics')) {
    crashed = true;
    console.error(`task ${name} did not complete: ${r?.state} ${r?.error?.stack ?? ''}`);
    return { perSecond: NaN, medianPerSecond: NaN, rme: NaN, samples: 0, encountersPerCall: batch, encountersProcessed: chunks[name].done };
  }
  return {
    perSecond: (batch * 1000) / r.latency.mean,
    medianPerSecond: (batch * 1000) / r.latency.p50,
    rme: r.latency.rme,
    samples: r.latency.samplesCount,
    encountersPerCall: batch,
    encountersProcessed: chunks[name].done,
  };
}
const dx = perSecond(DX);
const dxSame = perSecond(DX_SAME);
const peer = perSecond(PEER);
const peerUntuned = perSecond(PEER_UNTUNED);
// The headline: the same rules on both sides. The full check (13 families against the peer's 4) is reported beside it.
const ratio = dxSame.perSecond / peer.perSecond;
const ratioFullCheck = dx.perSecond / peer.perSecond;
const ratioUntuned = dxSame.perSecond / peerUntuned.perSecond;
console.log(`\ndxacode check():             ${fmt(dx.perSecond)} encounters/s (median ${fmt(dx.medianPerSecond)}, ±${dx.rme.toFixed(1)}%, ${dx.samples} calls)`);
console.log(`dxacode, the peer's rules:   ${fmt(dxSame.perSecond)} encounters/s (median ${fmt(dxSame.medianPerSecond)}, ±${dxSame.rme.toFixed(1)}%, ${dxSame.samples} calls; only ${PEER_FAMILIES.join(', ')})`);
console.log(`json-rules-engine, tuned:    ${fmt(peer.perSecond)} encounters/s (median ${fmt(peer.medianPerSecond)}, ±${peer.rme.toFixed(1)}%, ${peer.samples} calls)`);
console.log(`json-rules-engine, untuned:  ${fmt(peerUntuned.perSecond)} encounters/s (median ${fmt(peerUntuned.medianPerSecond)}, ±${peerUntuned.rme.toFixed(1)}%, ${peerUntuned.samples} calls)`);
console.log(
  `ratio dxacode/peer on the same rules: ${ratio.toFixed(1)}x against the tuned peer (headline), ${ratioUntuned.toFixed(1)}x against the untuned one (tuning: ${(peer.perSecond / peerUntuned.perSecond).toFixed(1)}x); dxacode's full check: ${ratioFullCheck.toFixed(1)}x the tuned peer`,
);
const extraction = perSecond(REPORTS);
console.log(`dxacode extract(): ${fmt(extraction.perSecond)} reports/s (median ${fmt(extraction.medianPerSecond)}, ±${extraction.rme.toFixed(1)}%, ${extraction.samples} calls)\n`);

// ---- (iii) end to end: the CLI as a child process, alternating with its floor ------------------------------------
// The floor uses the same NDJSON lines; each line's result is what the CLI prints for it (parse, check, stringify),
// captured outside the timed loop (bench/floor.js). On a shared machine the load changes from minute to minute, so
// end to end and the floor are measured in E2E_ROUNDS alternating rounds (end to end, then floor); the figures are
// the medians over the rounds and the ratio is the median of the rounds' ratios.
const E2E_ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((x, y) => x - y);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const tmp = mkdtempSync(join(os.tmpdir(), 'dxacode-bench-'));
const e2e = { encounters: N_E2E, perSecond: NaN, seconds: NaN, exitCode: null, signal: null, summary: '', inputBytes: 0, rounds: [], jobs: Math.min(os.availableParallelism(), 16) };
// The same CLI run in one thread (--jobs 1): the floor is one thread too, so this is the like-for-like ratio.
const e2eOneThread = { perSecond: NaN, seconds: NaN, rounds: [] };
let oneThreadToFloor = NaN;
// What a run costs once (process start, each thread's modules and knowledge, V8 compiling the hot code in every
// thread) against what each further encounter costs: the same CLI over the input's first fifth in every round; the
// marginal rate is (N - N/5) / (time for N - time for N/5). The goals are on the whole run; this says where its time goes.
const N_E2E_SHORT = Math.max(1, Math.floor(N_E2E / 5));
const e2eShort = { encounters: N_E2E_SHORT, rounds: [], marginalPerSecond: NaN, fixedSeconds: NaN, marginalToFloor: NaN };
const floor = { encounters: N_E2E, perSecond: NaN, seconds: NaN, outputBytes: 0, rounds: [] };
let toFloor = NaN;
const e2eLines = makeEncounters(N_E2E, SEED).map((e) => JSON.stringify(e));
const resultOf = (line) => {
  const p = parseEncounter(JSON.parse(line));
  if (!p.ok) throw new Error(`end-to-end input line is invalid: ${JSON.stringify(p.problems)}`);
  return JSON.parse(stringifyResult(check(p.encounter, knowledge)));
};

/** One end-to-end run of the CLI over `file`, which holds `encounters` encounters. */
async function runEndToEnd(file, extraArgs = [], encounters = N_E2E) {
  const devNull = openSync(os.devNull, 'w');
  let stderr = '';
  const started = performance.now();
  try {
    const { code, signal } = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'dxacode.js'), 'check', file, '--format', 'json', '--no-progress', ...extraArgs], {
        cwd: ROOT,
        stdio: ['ignore', devNull, 'pipe'],
      });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk) => {
        if (stderr.length < 100_000) stderr += chunk;
      });
      child.on('error', reject);
      child.on('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
    });
    const elapsed = performance.now() - started;
    const summary = stderr.trim().split('\n').slice(-1)[0] ?? '';
    const total = /dxacode: (\d+) encounters?:/.exec(summary)?.[1];
    const okExit = code === 0 || code === 1 || code === 2;
    const ok = okExit && signal === null && !/\n\s+at |internal error/.test(stderr) && Number(total) === encounters;
    if (!ok) {
      crashed = true;
      console.error(`end to end: exit ${code} signal ${signal}; stderr:\n${stderr.slice(0, 4000)}`);
    }
    return { ok, seconds: elapsed / 1000, perSecond: (encounters * 1000) / elapsed, exitCode: code, signal, summary };
  } finally {
    closeSync(devNull);
  }
}

try {
  gc();
  const file = join(tmp, 'encounters.ndjson');
  const text = `${e2eLines.join('\n')}\n`;
  writeFileSync(file, text);
  e2e.inputBytes = Buffer.byteLength(text);
  const shortFile = join(tmp, 'encounters-first-fifth.ndjson');
  writeFileSync(shortFile, `${e2eLines.slice(0, N_E2E_SHORT).join('\n')}\n`);
  console.log(`end to end: ${fmt(N_E2E)} encounters (${(e2e.inputBytes / 1e6).toFixed(1)} MB NDJSON), ${E2E_ROUNDS} rounds of the CLI alternating with the floor`);
  for (let round = 1; round <= E2E_ROUNDS; round++) {
    gc();
    const run = await runEndToEnd(file);
    e2e.rounds.push(run);
    gc();
    const oneThread = await runEndToEnd(file, ['--jobs', '1']);
    e2eOneThread.rounds.push(oneThread);
    gc();
    const short = await runEndToEnd(shortFile, [], N_E2E_SHORT);
    // NaN, not a negative or infinite rate, when the short run took as long as the whole (a tiny BENCH_E2E).
    const marginalPerSecond = run.seconds > short.seconds ? (N_E2E - N_E2E_SHORT) / (run.seconds - short.seconds) : NaN;
    e2eShort.rounds.push({ ok: short.ok, seconds: short.seconds, marginalPerSecond, fixedSeconds: short.seconds - N_E2E_SHORT / marginalPerSecond });
    gc();
    const f = measureFloor(e2eLines, resultOf, { gc });
    sink += f.sink;
    floor.rounds.push({ seconds: f.seconds, perSecond: f.perSecond });
    floor.outputBytes = f.outputBytes;
    floor.repeatsPerChunk = f.repeatsPerChunk;
    console.log(
      `  round ${round}: end to end ${run.seconds.toFixed(2)} s = ${fmt(run.perSecond)} encounters/s (exit ${run.exitCode}); in one thread ${fmt(oneThread.perSecond)} encounters/s; first ${fmt(N_E2E_SHORT)} ${short.seconds.toFixed(2)} s (past them ${fmt(marginalPerSecond)} encounters/s); floor ${f.seconds.toFixed(2)} s = ${fmt(f.perSecond)} encounters/s; end to end / floor ${(f.perSecond / run.perSecond).toFixed(2)}x`,
    );
  }
  // A crashed round (reported above, and the run fails) does not count in the medians.
  const good = e2e.rounds.map((r, i) => (r.ok && e2eOneThread.rounds[i].ok && e2eShort.rounds[i].ok ? i : -1)).filter((i) => i >= 0);
  const last = e2e.rounds[e2e.rounds.length - 1];
  Object.assign(e2e, { exitCode: last.exitCode, signal: last.signal, summary: last.summary });
  e2e.perSecond = median(good.map((i) => e2e.rounds[i].perSecond));
  e2e.seconds = median(good.map((i) => e2e.rounds[i].seconds));
  floor.perSecond = median(good.map((i) => floor.rounds[i].perSecond));
  floor.seconds = median(good.map((i) => floor.rounds[i].seconds));
  toFloor = median(good.map((i) => floor.rounds[i].perSecond / e2e.rounds[i].perSecond));
  e2eOneThread.perSecond = median(good.map((i) => e2eOneThread.rounds[i].perSecond));
  e2eOneThread.seconds = median(good.map((i) => e2eOneThread.rounds[i].seconds));
  oneThreadToFloor = median(good.map((i) => floor.rounds[i].perSecond / e2eOneThread.rounds[i].perSecond));
  e2eShort.marginalPerSecond = median(good.map((i) => e2eShort.rounds[i].marginalPerSecond));
  e2eShort.fixedSeconds = median(good.map((i) => e2eShort.rounds[i].fixedSeconds));
  e2eShort.marginalToFloor = median(good.map((i) => floor.rounds[i].perSecond / e2eShort.rounds[i].marginalPerSecond));
  console.log(`  ${e2e.summary}`);
  console.log(`end to end (median of ${good.length} rounds; ${e2e.jobs} worker thread${e2e.jobs === 1 ? '' : 's'}, one per core): ${fmt(e2e.perSecond)} encounters/s, ${e2e.seconds.toFixed(2)} s`);
  console.log(
    `end to end past the first ${fmt(N_E2E_SHORT)} encounters (each round also ran them alone): ${fmt(e2eShort.marginalPerSecond)} encounters/s, ${e2eShort.marginalToFloor.toFixed(2)}x the floor's time; what a run costs once (start, modules and knowledge in each thread, compiling the hot code in each thread): ${e2eShort.fixedSeconds.toFixed(2)} s`,
  );
  console.log(`end to end in one thread (--jobs 1): ${fmt(e2eOneThread.perSecond)} encounters/s, ${e2eOneThread.seconds.toFixed(2)} s; ${oneThreadToFloor.toFixed(2)}x the floor's time`);
  console.log(
    `floor (JSON.parse of each input line + JSON.stringify of its result, in process; median of ${good.length} rounds): ${fmt(floor.perSecond)} encounters/s, ${floor.seconds.toFixed(2)} s (${(floor.outputBytes / 1e6).toFixed(1)} MB of results)`,
  );
  console.log(`end to end / floor (median of the rounds' ratios): ${toFloor.toFixed(2)}x the floor's time (goal <= ${GOALS.endToEndToFloor}x; the floor runs in one thread, the CLI on ${e2e.jobs} cores)`);
} catch (error) {
  crashed = true;
  console.error('end to end failed:', error);
} finally {
  rmSync(tmp, { recursive: true, force: true });
  e2eLines.length = 0;
}

// ---- (iii, continued) one encounter -------------------------------------------------------------------------------
gc();
const single = measureSingleEncounter(ROOT, SINGLE_ENCOUNTER);
if (single.crashed) {
  crashed = true;
  console.error(`single encounter: ${single.failure}`);
}
console.log(
  `single encounter (dxacode check ${SINGLE_ENCOUNTER} --format json, wall, ${single.checkBundle ? 'from the check bundle' : 'check bundle stale or missing: dist/ modules'}): median ${single.medianMs.toFixed(0)} ms of ${single.runs} runs (min ${single.minMs.toFixed(0)}, max ${single.maxMs.toFixed(0)}; goal <= ${GOALS.singleEncounterMs} ms); bare node -e 0: ${single.bareNodeMs.toFixed(0)} ms` +
    (single.withoutExtraCaCerts
      ? `; without this machine's NODE_EXTRA_CA_CERTS (parsed by every node process at start): ${single.withoutExtraCaCerts.medianMs.toFixed(0)} ms, bare node ${single.withoutExtraCaCerts.bareNodeMs.toFixed(0)} ms`
      : '') +
    '\n',
);

// ---- (iv) X12 837P end to end: bench/x12.js -----------------------------------------------------------------------
gc();
const x12 = await runX12Bench();
if (x12.crashed) crashed = true;
console.log('');
gc();
const remit835 = await runRemitBench();
if (remit835.crashed) crashed = true;
console.log('');

// ---- (v) HTTP: POST /v1/check against a fastify hello world, bench/http.js ---------------------------------------
const http = await runHttpBench();
if (http.crashed) crashed = true;
console.log('');

// ---- (vi) full-size knowledge tables: bench/knowledge.js ---------------------------------------------------------
gc();
const knowledgeBench = await runKnowledgeBench({ encounters: N_IN_PROCESS, seed: SEED });
if (knowledgeBench.crashed) crashed = true;
console.log('');

// ---- summary -----------------------------------------------------------------------------------------------------
const ptpImport = knowledgeBench.imports?.find((i) => i.kind === 'ptp-practitioner');
const knowledgeRows = knowledgeBench.crashed
  ? []
  : [
      { goal: `full practitioner PTP import, ${fmt(ptpImport.rows)} rows (s)`, target: `< ${KNOWLEDGE_GOALS.importSeconds}`, measured: ptpImport.seconds.toFixed(1), pass: knowledgeBench.pass.importSeconds },
      { goal: 'engine memory for the full tables (MB)', target: `< ${KNOWLEDGE_GOALS.memoryMegabytes}`, measured: knowledgeBench.tableMegabytes.toFixed(0), pass: knowledgeBench.pass.memory },
      { goal: 'check() with every table / embedded only', target: `>= ${KNOWLEDGE_GOALS.throughputShare * 100} %`, measured: `${(knowledgeBench.throughput.share * 100).toFixed(0)} %`, pass: knowledgeBench.pass.throughput },
    ];
const rows = [
  { goal: 'in process (encounters/s)', target: `>= ${fmt(GOALS.inProcessPerSecond)}`, measured: fmt(dx.perSecond), pass: dx.perSecond >= GOALS.inProcessPerSecond },
  {
    goal: 'dxacode / json-rules-engine (tuned), same rules',
    target: `>= ${GOALS.ratioToPeer}x`,
    measured: `${ratio.toFixed(1)}x (full check ${ratioFullCheck.toFixed(1)}x; untuned ${ratioUntuned.toFixed(1)}x)`,
    pass: ratio >= GOALS.ratioToPeer,
  },
  { goal: `end to end (encounters/s, ${e2e.jobs} threads)`, target: `>= ${fmt(GOALS.endToEndPerSecond)}`, measured: `${fmt(e2e.perSecond)} (one thread ${fmt(e2eOneThread.perSecond)})`, pass: e2e.perSecond >= GOALS.endToEndPerSecond },
  {
    goal: `end to end / floor (time, ${e2e.jobs} threads)`,
    target: `<= ${GOALS.endToEndToFloor}x`,
    measured: `${toFloor.toFixed(2)}x (one thread ${oneThreadToFloor.toFixed(2)}x; floor ${fmt(floor.perSecond)}/s)`,
    pass: toFloor <= GOALS.endToEndToFloor,
  },
  { goal: 'single encounter, CLI (ms, median)', target: `<= ${GOALS.singleEncounterMs}`, measured: `${single.medianMs.toFixed(0)} (bare node ${single.bareNodeMs.toFixed(0)}${single.withoutExtraCaCerts ? `; without NODE_EXTRA_CA_CERTS ${single.withoutExtraCaCerts.medianMs.toFixed(0)}, bare ${single.withoutExtraCaCerts.bareNodeMs.toFixed(0)}` : ''})`, pass: single.medianMs <= GOALS.singleEncounterMs },
  { goal: 'report extraction (reports/s)', target: `>= ${fmt(GOALS.reportsPerSecond)}`, measured: fmt(extraction.perSecond), pass: extraction.perSecond >= GOALS.reportsPerSecond },
  { goal: `837P end to end, ${fmt(x12.claims)} claims (s)`, target: `< ${X12_GOALS.seconds}`, measured: x12.seconds.toFixed(1), pass: x12.pass.seconds },
  { goal: '837P peak memory (MB)', target: `< ${X12_GOALS.peakMegabytes}`, measured: x12.peakMegabytes.toFixed(0), pass: x12.pass.memory },
  { goal: 'POST /v1/check / hello world (req/s)', target: `>= ${HTTP_GOALS.shareOfCeiling * 100} %`, measured: `${(http.share * 100).toFixed(1)} % (${fmt(http.check?.requestsPerSecond)} / ${fmt(http.ceiling?.requestsPerSecond)}, p99 ${http.check?.p99Ms ?? '?'} ms)`, pass: http.pass },
  ...knowledgeRows,
  { goal: `835 read, ${fmt(remit835.claims)} claims (s)`, target: `< ${REMIT_GOALS.seconds}`, measured: remit835.seconds.toFixed(1), pass: remit835.pass.seconds },
  { goal: '835 peak memory (MB)', target: `< ${REMIT_GOALS.peakMegabytes}`, measured: remit835.peakMegabytes.toFixed(0), pass: remit835.pass.memory },
];
console.table(rows.map((r) => ({ goal: r.goal, target: r.target, measured: r.measured, result: r.pass ? 'PASS' : 'FAIL' })));

const results = {
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? null,
  seed: SEED,
  inProcess: { encounters: N_IN_PROCESS, ...dx },
  inProcessPeerFamilies: { encounters: N_IN_PROCESS, families: PEER_FAMILIES, ...dxSame },
  peer: { library: 'json-rules-engine', build: 'tuned', encounters: N_PEER, ...peer },
  peerUntuned: { library: 'json-rules-engine', build: 'untuned', encounters: N_PEER, ...peerUntuned },
  ratio,
  ratioFullCheck,
  ratioUntuned,
  endToEnd: e2e,
  endToEndOneThread: e2eOneThread,
  endToEndPastFirstFifth: e2eShort,
  floor,
  endToEndToFloor: toFloor,
  endToEndOneThreadToFloor: oneThreadToFloor,
  singleEncounter: single,
  extraction: { reports: reports.length, ...extraction },
  x12,
  remit835,
  http,
  knowledge: knowledgeBench,
  goals: { ...GOALS, knowledge: KNOWLEDGE_GOALS },
  pass: Object.fromEntries(
    ['inProcess', 'ratio', 'endToEnd', 'endToEndToFloor', 'singleEncounter', 'extraction', 'x12Seconds', 'x12Memory', 'http'].map((k, i) => [k, rows[i].pass]),
  ),
  crashed,
  sink,
};
const resultsDir = join(ROOT, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote bench/results/latest.json`);
process.exitCode = crashed ? 1 : 0;
