// Memory of a batch upload (issue 11 §3): a real `dxacode serve` process (SQLite store in a temporary folder) gets
// one NDJSON upload of just under 32 MiB (the upload limit) and, while it is read and queued, its resident memory is
// read from /proc: VmRSS before, and the peak (VmHWM) and VmRSS when the 202 arrives (the batch worker then starts on
// the items; with BENCH_UPLOAD_WAIT=1 the figures are read again once it has stored them all, which takes minutes).
// Run alone with `node bench/upload-memory.js` after `npm run build` (Linux only: it reads /proc).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { fetch } = globalThis;
const LIMIT_BYTES = 32 * 1024 * 1024;
const LIMIT_LINES = 100_000;

/** Lines of the example batch with distinct ids, up to the upload limits. */
function uploadBody() {
  const templates = readFileSync(join(ROOT, 'examples', 'batch.ndjson'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  const lines = [];
  let bytes = 0;
  for (let i = 0; lines.length < LIMIT_LINES; i++) {
    const line = JSON.stringify({ ...templates[i % templates.length], id: `mem-${i}` });
    if (bytes + line.length + 1 > LIMIT_BYTES - 1024) break;
    lines.push(line);
    bytes += line.length + 1;
  }
  return lines.join('\n') + '\n';
}

/** VmRSS and VmHWM of a process, in MB. */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'dxacode-bench-upload-'));
  const env = { ...process.env, DXACODE_DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0' };
  const created = execFileSync(process.execPath, ['bin/dxacode.js', 'token', 'create', '--role', 'coder', '--organization', 'bench'], { cwd: ROOT, env }).toString();
  const token = created.trimEnd().split('\n').at(-1);
  const child = spawn(process.execPath, ['bin/dxacode.js', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const url = await new Promise((resolve, reject) => {
      let seen = '';
      child.stderr.on('data', (chunk) => {
        seen += chunk;
        if (process.env.BENCH_DEBUG) process.stderr.write(chunk);
        const m = /serving .*? on (http:\/\/\S+:\d+)/.exec(seen);
        if (m) resolve(m[1].replace('localhost', '127.0.0.1'));
      });
      child.once('exit', () => reject(new Error(`the server exited: ${seen}`)));
    });
    const headers = { authorization: `Bearer ${token}` };
    // Warm-up: a small batch stored and checked first, so the worker's own start-up is not counted as the upload's.
    const warm = await (await fetch(`${url}/v1/batches`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-ndjson' }, body: readFileSync(join(ROOT, 'examples', 'batch.ndjson')) })).json();
    while ((await (await fetch(`${url}/v1/batches/${warm.jobId}`, { headers })).json()).status !== 'done') await new Promise((resolve) => setTimeout(resolve, 200));
    const body = uploadBody();
    const before = memory(child.pid);
    const started = Date.now();
    const response = await fetch(`${url}/v1/batches`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-ndjson' }, body });
    const atResponse = memory(child.pid);
    const { jobId, total } = await response.json();
    if (response.status !== 202) throw new Error(`upload answered ${response.status}`);
    const queuedMs = Date.now() - started;
    const mib = (Buffer.byteLength(body) / 1024 / 1024).toFixed(1);
    console.log(`upload of ${mib} MiB, ${total} NDJSON lines, queued in ${queuedMs} ms`);
    console.log(`  RSS before ${before.rssMb} MB; peak (VmHWM) when the 202 arrived ${atResponse.peakMb} MB; RSS then ${atResponse.rssMb} MB`);
    if (process.env.BENCH_UPLOAD_WAIT !== '1') return;
    for (;;) {
      const job = await (await fetch(`${url}/v1/batches/${jobId}`, { headers })).json();
      if (job.status === 'done') break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const done = memory(child.pid);
    console.log(`  RSS after the worker stored every item ${done.rssMb} MB (peak ${done.peakMb} MB)`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
