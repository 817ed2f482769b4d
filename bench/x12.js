// X12 837P benchmark (issue 4): writes a 25,000-claim 837P file from the bench encounters, then checks it end to
// end in a child process (file stream → parse837P → check per claim → JSON results), reporting seconds and peak
// resident memory against the goals (< 30 s, < 256 MB). Run `npm run build` first, then `node bench/x12.js`
// (BENCH_X12_CLAIMS changes the size); `npm run bench` runs it at the end. Exits 1 only if something crashed.
import { createReadStream, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runChild } from './child.js';
import { check } from '../dist/engine/index.js';
import { loadKnowledge } from '../dist/io/knowledge-files.js';
import { parseX12Config, write837P } from '../dist/interchange/x12/index.js';
import { readEdi } from '../dist/cli/x12-commands.js';
import { makeEncounters } from './encounters.js';

const SEED = 20260120;
/** Goals from issue 4: a 25,000-claim file (about 22 MB) in under 30 s with peak memory under 256 MB. */
export const X12_GOALS = { seconds: 30, peakMegabytes: 256 };
const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));

/** The bench configuration: TEST names, a charge of 100 for every code in the knowledge tables. */
function benchConfig(knowledge) {
  const charges = {};
  for (const code of knowledge.codes.byCode.keys()) charges[code] = 100;
  return {
    usage: 'test',
    submitter: { name: 'BENCH SUBMITTER', id: 'BENCHSUB', contact: { name: 'BENCH CONTACT', phone: '5555550100' } },
    receiver: { name: 'BENCH RECEIVER', id: 'BENCHRCV' },
    billingProvider: { name: 'BENCH CLINIC', npi: '1234567893', taxId: '123456789', address: { line: '1 BENCH ROAD', city: 'BENCHVILLE', state: 'NY', postalCode: '100010001' } },
    payers: {
      medicare: { name: 'BENCH MEDICARE', id: 'BENCHMCR' },
      'aetna-cpb-0134': { name: 'BENCH PAYER A', id: 'BENCHPA' },
      'blue-plan-6-01-44': { name: 'BENCH PAYER B', id: 'BENCHPB' },
      'qualchoice-bi216': { name: 'BENCH PAYER Q', id: 'BENCHPQ' },
    },
    charges,
  };
}

/** n checked claims that can be written (each has a line and a diagnosis), from the seeded bench encounters. */
function checkedClaims(n, knowledge) {
  const claims = [];
  let round = 0;
  while (claims.length < n) {
    for (const raw of makeEncounters(n, SEED + round)) {
      if (claims.length >= n) break;
      const year = Number(raw.dateOfService.slice(0, 4));
      const i = claims.length;
      const encounter = {
        ...raw,
        claimId: `B${round}-${i}`,
        diagnoses: raw.diagnoses ?? ['M81.0'],
        patient: {
          sex: raw.patient.sex,
          birthDate: raw.patient.birthDate ?? `${year - 70}-01-15`,
          name: { family: `BENCH${i}`, given: 'PATIENT' },
          memberId: `M${String(i).padStart(9, '0')}`,
          address: { line: `${i} BENCH STREET`, city: 'BENCHVILLE', state: 'NY', postalCode: '10001' },
        },
      };
      const result = check(encounter, knowledge);
      if (result.recommended.lines.length === 0 || result.recommended.diagnoses.length === 0) continue;
      claims.push({ encounter, result });
    }
    round++;
  }
  return claims;
}

const NOTE = 'BONE DENSITY STUDY AND VERTEBRAL FRACTURE ASSESSMENT; PRIOR STUDY COMPARED'; // NTE02: at most 80
const K3 = 'BENCH FILE INFORMATION THAT A PRACTICE MANAGEMENT SYSTEM CARRIES FOR ITS OWN USE'.slice(0, 80);
/**
 * Pads each claim with segments real 837P claims carry and dxacode reads past (PWK, REF, K3, NTE before HI;
 * rendering provider 2310B, service facility 2310C and supervising provider 2310D after it; the writer's own REF*6R
 * per line), so the file has a realistic size (about 22 MB for 25,000 claims), and recounts SE01.
 */
function padClaims(text) {
  const out = [];
  let st = 0;
  for (const segment of text.split('~\n')) {
    if (segment === '') continue;
    if (segment.startsWith('ST*')) st = out.length;
    if (segment.startsWith('HI*')) out.push('PWK*OZ*EL***AC*ATTACHMENT000000001', 'REF*G1*PA000000001', 'REF*D9*CLEARINGHOUSE000000000000001', `K3*${K3}`, `NTE*ADD*${NOTE}`);
    if (segment.startsWith('SE*')) {
      out.push(`SE*${out.length - st + 1}*${segment.split('*')[2]}`);
      continue;
    }
    out.push(segment);
    if (segment.startsWith('HI*')) {
      out.push('NM1*82*1*READER*BENCH****XX*1234567893', 'PRV*PE*PXC*2085R0202X', 'NM1*77*2*BENCH IMAGING CENTER*****XX*1234567893', 'N3*100 BENCH AVENUE SUITE 200', 'N4*BENCHVILLE*NY*100010001', 'NM1*DQ*1*SUPERVISOR*BENCH****XX*1234567893');
    }
  }
  return `${out.join('~\n')}~\n`;
}

/** Child: check every claim of FILE, streaming, and print the figures as one JSON line. */
async function child(file, configPath) {
  const knowledge = loadKnowledge();
  const started = performance.now();
  const read = readEdi({ input: createReadStream(file), knowledge, mode: 'lenient', config: configPath, file });
  if (!read.ok) throw new Error(read.messages.join('\n'));
  const sink = openSync(os.devNull, 'w');
  let buffered = '';
  let problems = 0;
  let peakRss = 0;
  let n = 0;
  for await (const item of read.items) {
    if (item.kind === 'problem') problems++;
    else buffered += `${JSON.stringify(item.result)}\n`;
    if (buffered.length > 64 * 1024) {
      writeSync(sink, buffered);
      buffered = '';
    }
    if (++n % 1000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  writeSync(sink, buffered);
  closeSync(sink);
  const seconds = (performance.now() - started) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  const s = read.summary;
  console.log(JSON.stringify({ claims: s.claims, clean: s.clean, review: s.review, reject: s.reject, problems, seconds, peakRssBytes: peakRss }));
}

/** Parent: write the file, run the child, report against the goals. Returns the figures. */
export async function runX12Bench(claimCount = Number(process.env.BENCH_X12_CLAIMS ?? 25_000)) {
  const knowledge = loadKnowledge();
  const tmp = mkdtempSync(join(os.tmpdir(), 'dxacode-x12-bench-'));
  const figures = { claims: claimCount, fileBytes: 0, seconds: NaN, childSeconds: NaN, peakMegabytes: NaN, checked: 0, problems: NaN, verdicts: {}, crashed: false };
  try {
    const rawConfig = benchConfig(knowledge);
    const config = parseX12Config(rawConfig);
    if (!config.ok) throw new Error(`bench configuration: ${JSON.stringify(config.problems)}`);
    const configPath = join(tmp, 'dxacode.config.json');
    writeFileSync(configPath, JSON.stringify({ x12: rawConfig }));
    const written = write837P(checkedClaims(claimCount, knowledge), config.config, { interchange: 1, date: '2026-11-27', time: '1200' }, { force: true });
    if (written.claims.length !== claimCount) throw new Error(`wrote ${written.claims.length} of ${claimCount} claims`);
    const file = join(tmp, 'claims.edi');
    writeFileSync(file, process.env.BENCH_X12_PAD === '0' ? written.text : padClaims(written.text));
    figures.fileBytes = statSync(file).size;
    console.log(`x12: ${fmt(claimCount)} claims in ${written.transactionSets} transaction sets, ${(figures.fileBytes / 1e6).toFixed(1)} MB (${file})`);

    const started = performance.now();
    const { code, stdout, stderr } = await runChild(fileURLToPath(import.meta.url), ['--child', file, configPath]);
    figures.seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`child exited ${code}: ${stderr.slice(0, 2000)}`);
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    figures.childSeconds = result.seconds;
    figures.peakMegabytes = result.peakRssBytes / (1024 * 1024);
    figures.checked = result.claims;
    figures.problems = result.problems;
    figures.verdicts = { clean: result.clean, review: result.review, reject: result.reject };
    if (result.claims !== claimCount || result.problems !== 0) figures.crashed = true;
    console.log(`x12: checked ${fmt(result.claims)} claims (${result.clean} clean, ${result.review} review, ${result.reject} reject; ${result.problems} defects) in ${figures.seconds.toFixed(2)} s (${result.seconds.toFixed(2)} s in the reader and check), peak RSS ${figures.peakMegabytes.toFixed(0)} MB`);
  } catch (error) {
    figures.crashed = true;
    console.error('x12 bench failed:', error);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  figures.pass = { seconds: figures.seconds < X12_GOALS.seconds, memory: figures.peakMegabytes < X12_GOALS.peakMegabytes };
  console.table([
    { goal: `837P end to end, ${fmt(claimCount)} claims (s)`, target: `< ${X12_GOALS.seconds}`, measured: figures.seconds.toFixed(1), result: figures.pass.seconds ? 'PASS' : 'FAIL' },
    { goal: '837P peak memory (MB)', target: `< ${X12_GOALS.peakMegabytes}`, measured: figures.peakMegabytes.toFixed(0), result: figures.pass.memory ? 'PASS' : 'FAIL' },
  ]);
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--child') {
    await child(process.argv[3], process.argv[4]);
  } else {
    const figures = await runX12Bench();
    process.exitCode = figures.crashed ? 1 : 0;
  }
}
