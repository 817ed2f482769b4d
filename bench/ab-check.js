// A/B helper for check() speed work: `node bench/ab-check.js MODE [N] [ROUNDS]` (after a build) runs this tree's
// dist/ check() over N encounters of the bench mix (bench/encounters.js, the bench's seed), pre-validated as
// bench/run.js does, ROUNDS times.
// MODE: `same` (only the peer's families: pairs, units, modifiers, frequency), `full` (every family), `e2e` (full
// check plus serialising each result, as the CLI does), or `dump` (writes every result's serialised JSON, full then
// restricted, one a line, to stdout: diff two trees' dumps to prove a change left every result byte-identical).
// Prints encounters per CPU second and per wall second of the last round; run it under `valgrind --tool=callgrind` with a small N and ROUNDS=1 for
// instruction counts (subtract a run with N=0 for the fixed cost of start-up and generation).
import { check, FamilySelection, parseEncounter } from '../dist/engine/index.js';
import { stringifyResult } from '../dist/contract/serialize.js';
import { loadKnowledge } from '../dist/io/knowledge-files.js';
import { makeEncounters } from './encounters.js';

const [mode = 'same', nText = '5000', roundsText = '5'] = process.argv.slice(2);
const N = Number(nText);
const ROUNDS = Number(roundsText);
const SEED = 20260120;
const knowledge = loadKnowledge();
const encounters = makeEncounters(N, SEED).map((e, i) => {
  const p = parseEncounter(e);
  if (!p.ok) throw new Error(`generated encounter #${i} is invalid`);
  return p.encounter;
});
const peerFamilies = new FamilySelection(['pairs', 'units', 'modifiers', 'frequency']);

if (mode === 'dump') {
  const out = [];
  for (const e of encounters) out.push(stringifyResult(check(e, knowledge)));
  for (const e of encounters) out.push(stringifyResult(check(e, knowledge, { families: peerFamilies })));
  process.stdout.write(out.join('\n') + '\n');
} else {
  const run =
    mode === 'same'
      ? (e) => check(e, knowledge, { families: peerFamilies }).findings.length
      : mode === 'full'
        ? (e) => check(e, knowledge).findings.length
        : mode === 'e2e'
          ? (e) => stringifyResult(check(e, knowledge)).length
          : undefined;
  if (run === undefined) throw new Error(`unknown mode ${mode}: same, full, e2e or dump`);
  let sink = 0;
  let perSecond = 0;
  let perCpuSecond = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (const e of encounters) sink += run(e);
    const used = process.cpuUsage(cpu);
    perSecond = N / ((performance.now() - started) / 1000);
    perCpuSecond = N / ((used.user + used.system) / 1e6);
  }
  // CPU time is the steadier figure on a shared machine (wall time counts the time other processes had the core).
  console.log(`${mode} ${N} x ${ROUNDS}: ${Math.round(perCpuSecond)} encounters per CPU second, ${Math.round(perSecond)} encounters/s (sink ${sink})`);
}
