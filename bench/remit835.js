// X12 835 benchmark (issue 12 §1): writes a 25,000-claim 835 remittance (two service lines a claim, with CAS
// adjustments, LQ remark codes and REF*6R line item control numbers, as a payer sends them) and reads it in a child
// process (file stream → readResponses → every claim payment and line), reporting seconds and the peak resident
// memory against the 837P reader's goals (< 30 s, < 256 MB). Run `npm run build` first, then `node bench/remit835.js`
// (BENCH_835_CLAIMS changes the size); `npm run bench` runs it after the 837P benchmark. Exits 1 only if something
// crashed.
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runChild } from './child.js';
import { readResponses, write835 } from '../dist/interchange/x12/index.js';

/** The goals of the 837P reader, which the 835 reader shares: bounded memory and a file of this size in seconds. */
export const REMIT_GOALS = { seconds: 30, peakMegabytes: 256 };
const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));

/** n claim payments: every third denied for frequency (CO-151, M86), the others paid with a contractual reduction. */
function* claims(n) {
  for (let i = 1; i <= n; i++) {
    const denied = i % 3 === 0;
    const interchange = String(1 + Math.floor(i / 5000)).padStart(9, '0');
    const lines = [
      { procedure: { qualifier: 'HC', code: '77080', modifiers: ['26'] }, chargeCents: 12550, units: 1 },
      { procedure: { qualifier: 'HC', code: '77085', modifiers: ['TC'] }, chargeCents: 18025, units: 1 },
    ].map((l, j) => {
      const paid = denied ? 0 : l.chargeCents - 2500 - 1000;
      return {
        ...l,
        paidCents: paid,
        serviceDate: '2026-03-10',
        controlNumber: `${interchange}-${i}-${j + 1}`,
        allowedCents: denied ? 0 : l.chargeCents - 2500,
        adjustments: denied ? [{ group: 'CO', reason: '151', cents: l.chargeCents }] : [{ group: 'CO', reason: '45', cents: 2500 }, { group: 'PR', reason: '2', cents: 1000 }],
        remarks: denied ? ['M86', 'N130'] : [],
      };
    });
    yield {
      claimId: `B0-${i}`,
      status: denied ? '4' : '1',
      chargeCents: 30575,
      paidCents: lines.reduce((s, l) => s + l.paidCents, 0),
      patientResponsibilityCents: denied ? 0 : 2000,
      payerClaimNumber: `PCN${String(i).padStart(12, '0')}`,
      lines,
    };
  }
}

/** Child: read every item of FILE, streaming, and print the figures as one JSON line. */
async function child(file) {
  const started = performance.now();
  let payments = 0;
  let lines = 0;
  let adjustments = 0;
  let problems = 0;
  let peakRss = 0;
  let n = 0;
  for await (const item of readResponses(createReadStream(file), { mode: 'lenient' })) {
    if (item.kind === 'problem') problems++;
    else if (item.kind === '835-claim') {
      payments++;
      lines += item.payment.lines.length;
      for (const line of item.payment.lines) adjustments += line.adjustments.length;
    }
    if (++n % 1000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - started) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  console.log(JSON.stringify({ payments, lines, adjustments, problems, seconds, peakRssBytes: peakRss }));
}

/** Parent: write the file, run the child, report against the goals. Returns the figures. */
export async function runRemitBench(claimCount = Number(process.env.BENCH_835_CLAIMS ?? 25_000)) {
  const tmp = mkdtempSync(join(os.tmpdir(), 'dxacode-835-bench-'));
  const figures = { claims: claimCount, fileBytes: 0, seconds: NaN, childSeconds: NaN, peakMegabytes: NaN, payments: 0, lines: 0, problems: NaN, crashed: false };
  try {
    const text = write835(
      { payer: { name: 'BENCH PAYER', id: 'BENCHPAYER' }, payee: { name: 'BENCH CLINIC', npi: '1234567893' }, trace: 'EFT000000001', paymentDate: '2026-04-15', claims: claims(claimCount) },
      { sender: 'BENCHPAYER', receiver: 'BENCHSUB', interchange: 1, date: '2026-04-15', time: '1200' },
    );
    const file = join(tmp, 'remittance.835');
    writeFileSync(file, text);
    figures.fileBytes = statSync(file).size;
    console.log(`835: ${fmt(claimCount)} claim payments, ${(figures.fileBytes / 1e6).toFixed(1)} MB (${file})`);
    const started = performance.now();
    const { code, stdout, stderr } = await runChild(fileURLToPath(import.meta.url), ['--child', file]);
    figures.seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`child exited ${code}: ${stderr.slice(0, 2000)}`);
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    figures.childSeconds = result.seconds;
    figures.peakMegabytes = result.peakRssBytes / (1024 * 1024);
    figures.payments = result.payments;
    figures.lines = result.lines;
    figures.problems = result.problems;
    if (result.payments !== claimCount || result.problems !== 0) figures.crashed = true;
    console.log(`835: read ${fmt(result.payments)} claim payments, ${fmt(result.lines)} lines, ${fmt(result.adjustments)} line adjustments (${result.problems} problems) in ${figures.seconds.toFixed(2)} s (${result.seconds.toFixed(2)} s in the reader), peak RSS ${figures.peakMegabytes.toFixed(0)} MB`);
  } catch (error) {
    figures.crashed = true;
    console.error('835 bench failed:', error);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  figures.pass = { seconds: figures.seconds < REMIT_GOALS.seconds, memory: figures.peakMegabytes < REMIT_GOALS.peakMegabytes };
  console.table([
    { goal: `835 read, ${fmt(claimCount)} claims (s)`, target: `< ${REMIT_GOALS.seconds}`, measured: figures.seconds.toFixed(1), result: figures.pass.seconds ? 'PASS' : 'FAIL' },
    { goal: '835 peak memory (MB)', target: `< ${REMIT_GOALS.peakMegabytes}`, measured: figures.peakMegabytes.toFixed(0), result: figures.pass.memory ? 'PASS' : 'FAIL' },
  ]);
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--child') {
    await child(process.argv[3]);
  } else {
    const figures = await runRemitBench();
    process.exitCode = figures.crashed ? 1 : 0;
  }
}
