// The floor of the end-to-end benchmark, and the single-encounter CLI run.
//
// Floor: the least any JSON-in, JSON-out checker must do for the end-to-end NDJSON input, in process: JSON.parse of
// every input line plus JSON.stringify of a result as large as dxacode's for that line. The result objects are
// dxacode's real results (the objects the CLI prints for those lines, captured before timing, a chunk at a time so
// that memory stays small); only the parse and stringify loop is timed. end to end / floor says how much dxacode's
// CLI adds on top of reading and writing JSON (checking, I/O, process start).
//
// Single encounter: wall time of `node bin/dxacode.js check FILE --format json` as a child process, median of runs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Times the floor over `lines` (NDJSON lines, without their newlines). `resultOf(line)` returns the object dxacode
 * prints for that line (called outside the timed loop). Each chunk is timed `repeats` times; the chunk's median counts.
 * @param {string[]} lines
 * @param {(line: string) => unknown} resultOf
 * @param {{ chunk?: number, repeats?: number, gc?: () => void }} [options]
 */
export function measureFloor(lines, resultOf, { chunk = 5_000, repeats = 3, gc = () => {} } = {}) {
  let ms = 0;
  let outputBytes = 0;
  let sink = 0;
  for (let start = 0; start < lines.length; start += chunk) {
    const part = lines.slice(start, start + chunk);
    const results = part.map(resultOf);
    for (const result of results) outputBytes += Buffer.byteLength(JSON.stringify(result)) + 1; // + the newline
    const times = [];
    for (let r = 0; r < repeats; r++) {
      gc();
      let chars = 0;
      const t0 = performance.now();
      for (let i = 0; i < part.length; i++) {
        const value = JSON.parse(part[i]);
        sink += value === null ? 0 : 1;
        chars += JSON.stringify(results[i]).length;
      }
      times.push(performance.now() - t0);
      sink += chars;
    }
    ms += median(times);
  }
  return { encounters: lines.length, seconds: ms / 1000, perSecond: (lines.length * 1000) / ms, outputBytes, repeatsPerChunk: repeats, sink };
}

/**
 * Wall time of one `dxacode check FILE --format json` child process: one warm-up run, then the median of `runs`.
 * @param {string} root repository root
 * @param {string} file encounter file, relative to root
 */
export function measureSingleEncounter(root, file, runs = 10) {
  const args = [join(root, 'bin', 'dxacode.js'), 'check', file, '--format', 'json'];
  const once = (argv = args, env = process.env) => {
    const t0 = performance.now();
    const child = spawnSync(process.execPath, argv, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env });
    const ms = performance.now() - t0;
    return { ms, status: child.status, signal: child.signal, stderr: child.stderr ?? '', error: child.error };
  };
  once();
  const samples = [];
  let failure = null;
  for (let r = 0; r < runs; r++) {
    const run = once();
    // exit 0, 1 or 2 is a verdict (clean, review, reject); anything else is a crash
    if (run.error || run.signal !== null || ![0, 1, 2].includes(run.status)) failure ??= run;
    samples.push(run.ms);
  }
  return {
    file,
    runs,
    medianMs: median(samples),
    minMs: Math.min(...samples),
    maxMs: Math.max(...samples),
    crashed: failure !== null,
    failure: failure && `exit ${failure.status} signal ${failure.signal} ${failure.error?.message ?? ''} ${failure.stderr.slice(0, 2000)}`,
    ...startUp(once, runs),
    // Whether the run measured the build-time bundle of check (src/cli/start.ts) or, stale or missing, dist/'s modules.
    checkBundle: checkBundleCurrent(root),
  };
}

/** True when dist/check-bundle/ is current, so that `dxacode check` runs from it (a child process tells, as the CLI would). */
function checkBundleCurrent(root) {
  const probe = "import('./dist/cli/start.js').then((m) => process.stdout.write(String(m.currentCheckBundle() !== undefined)))";
  return spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: root, encoding: 'utf8' }).stdout === 'true';
}

/**
 * What Node itself costs before dxacode runs: `node -e 0` in the same environment, and, when NODE_EXTRA_CA_CERTS is
 * set (as on a VM behind a proxy: Node then parses those certificates at every start), dxacode and bare Node without it.
 */
function startUp(once, runs) {
  const timed = (argv, env) => {
    once(argv, env);
    return median(Array.from({ length: runs }, () => once(argv, env).ms));
  };
  const bare = ['-e', '0'];
  const result = { bareNodeMs: timed(bare, process.env), extraCaCerts: Boolean(process.env.NODE_EXTRA_CA_CERTS) };
  if (result.extraCaCerts) {
    const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env;
    result.withoutExtraCaCerts = { medianMs: timed(undefined, env), bareNodeMs: timed(bare, env) };
  }
  return result;
}
