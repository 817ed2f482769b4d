// Where does dxacode's time go? `node bench/profile.js` (after a build) runs two CPU-profiled child processes
// (node --cpu-prof):
//   in-process  check() over pre-validated generated encounters (what bench/run.js measures in process),
//   cli         `dxacode check FILE --format json --no-progress` over an NDJSON file (the end-to-end path),
// then prints for each the functions with the most self time, self time per file, and the inclusive time of dist/
// functions.
// Options (environment): PROFILE_N encounters (default 20,000), PROFILE_TOP rows (default 25).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.env.PROFILE_N ?? 20_000);
const TOP = Number(process.env.PROFILE_TOP ?? 25);
const SEED = 20260120;

if (process.argv[2] === '--child-in-process') {
  const { check, parseEncounter } = await import('../dist/engine/index.js');
  const { loadKnowledge } = await import('../dist/io/knowledge-files.js');
  const { makeEncounters } = await import('./encounters.js');
  const knowledge = loadKnowledge();
  const encounters = makeEncounters(N, SEED).map((e) => {
    const p = parseEncounter(e);
    if (!p.ok) throw new Error('invalid generated encounter');
    return p.encounter;
  });
  // Enough rounds that setup (generating and validating the encounters) is a small part of the profile.
  let sink = 0;
  for (let round = 0; round < 8; round++) for (const e of encounters) sink += check(e, knowledge).findings.length;
  console.log(`checked ${8 * N} encounters (${sink} findings)`);
  process.exit(0);
}

function frameName(callFrame) {
  const { functionName, url, lineNumber } = callFrame;
  const file = url.startsWith('file://') ? relative(ROOT, fileURLToPath(url)) : url || '(native)';
  return { file, name: `${functionName || '(anonymous)'}  ${file}${url ? `:${lineNumber + 1}` : ''}` };
}

/** Self time per function and per file, and total (inclusive) time of the project's functions, from a .cpuprofile. */
export function summarise(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  let total = 0;
  const fns = new Map();
  const files = new Map();
  for (const [id, us] of self) {
    total += us;
    const { file, name } = frameName(byId.get(id).callFrame);
    fns.set(name, (fns.get(name) ?? 0) + us);
    const group = file.includes('node_modules/') ? file.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, 'node_modules/$1') : file;
    files.set(group, (files.get(group) ?? 0) + us);
  }
  // Inclusive time of dist/ functions (a function counted once per call path, so recursion is not double counted).
  const inclusive = new Map();
  const walk = (id, onPath) => {
    const node = byId.get(id);
    const { name } = frameName(node.callFrame);
    const counted = name.includes(' dist/') && !onPath.has(name);
    if (counted) onPath.add(name);
    let sum = self.get(id) ?? 0;
    for (const child of node.children ?? []) sum += walk(child, onPath);
    if (counted) {
      onPath.delete(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + sum);
    }
    return sum;
  };
  walk(profile.nodes[0].id, new Set());
  const rows = (map, column) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([name, us]) => ({ [column]: (us / 1000).toFixed(0), '%': ((100 * us) / total).toFixed(1), name }));
  return { totalMs: total / 1000, functions: rows(fns, 'self ms'), files: rows(files, 'self ms'), inclusive: rows(inclusive, 'total ms') };
}

function profiled(label, args) {
  const dir = mkdtempSync(join(os.tmpdir(), `dxacode-prof-${label}-`));
  try {
    const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`${label}: no profile written (exit ${run.status}): ${run.stderr}`);
    const summary = summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    console.log(`\n=== ${label}: ${summary.totalMs.toFixed(0)} ms sampled (exit ${run.status}) ${run.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
    console.log('top self time by function:');
    console.table(summary.functions);
    console.log('self time by file:');
    console.table(summary.files);
    console.log("total (inclusive) time of dxacode's functions:");
    console.table(summary.inclusive);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

profiled('in-process', [fileURLToPath(import.meta.url), '--child-in-process']);

const tmp = mkdtempSync(join(os.tmpdir(), 'dxacode-prof-input-'));
try {
  const { makeEncounters } = await import('./encounters.js');
  const file = join(tmp, 'encounters.ndjson');
  writeFileSync(file, `${makeEncounters(N, SEED).map((e) => JSON.stringify(e)).join('\n')}\n`);
  profiled('cli', [join(ROOT, 'bin', 'dxacode.js'), 'check', file, '--format', 'json', '--no-progress']);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
