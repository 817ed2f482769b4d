// Full-size knowledge tables in the benchmark (run by bench/run.js, or alone: node --expose-gc bench/knowledge.js):
//   - import a full practitioner NCCI PTP quarter at its published size (2.6 million rows, deleted rows included;
//     generated in CMS's layout by bench/cms-fixtures/ptp.js, synthetic code pairs) and an outpatient hospital one,
//     timing read, parse, encode and store, into a fresh SQLite store;
//   - the engine's memory for the loaded tables (heap and array buffers after a forced GC, versus embedded only);
//   - check() throughput with every table loaded against the embedded tables alone, in alternating rounds;
//   - the realistic mix's clean / review / reject shares, embedded only and with every table loaded.
// The generated PTP quarters are made in force over the whole mix (2014-2026) so that the pair check is complete for
// every encounter: the shares show what a complete table does to the verdicts, not real CMS edits.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, parseEncounter } from '../dist/engine/index.js';
import { loadKnowledge } from '../dist/io/knowledge-files.js';
import { importKnowledge, loadStoredKnowledge } from '../dist/io/knowledge-store.js';
import { openStore } from '../dist/store/index.js';
import { writePtpQuarter } from './cms-fixtures/ptp.js';
import { makeEncounters } from './encounters.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MUE = join(ROOT, 'test', 'fixtures', 'cms', 'mue');

/** Goals of the issue: import under 60 s, tables under 300 MB, at least 90 % of the embedded throughput. */
export const KNOWLEDGE_GOALS = { importSeconds: 60, memoryMegabytes: 300, throughputShare: 0.9 };

const gc = () => globalThis.gc?.();
const mb = (bytes) => bytes / (1024 * 1024);
const memory = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

function shares(results) {
  const n = { clean: 0, review: 0, reject: 0 };
  for (const r of results) n[r.verdict]++;
  const total = results.length || 1;
  return { ...n, cleanShare: n.clean / total, reviewShare: n.review / total, rejectShare: n.reject / total };
}

function throughput(encounters, knowledge, rounds) {
  const perSecond = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    let sink = 0;
    for (const e of encounters) sink += check(e, knowledge).findings.length;
    perSecond.push((encounters.length * 1000) / (performance.now() - started));
    if (sink < 0) console.log(sink);
  }
  return perSecond;
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

/** Runs the knowledge benchmark; returns its figures. */
export async function runKnowledgeBench({ encounters = 20_000, seed = 20260120, rounds = 5, hospital = true } = {}) {
  const out = { crashed: false };
  const tmp = mkdtempSync(join(os.tmpdir(), 'dxacode-bench-knowledge-'));
  let store;
  try {
    const base = loadKnowledge();
    const parsed = makeEncounters(encounters, seed).map((e) => {
      const p = parseEncounter(e);
      if (!p.ok) throw new Error('generated encounter is invalid');
      return p.encounter;
    });
    store = await openStore({ url: `sqlite:${join(tmp, 'dxacode.db')}` });
    const imports = [];
    const generate = performance.now();
    const practitioner = writePtpQuarter(join(tmp, 'ptp-practitioner'), { kind: 'practitioner', seed: 1 });
    const generateSeconds = (performance.now() - generate) / 1000;
    const period = { effectiveFrom: '2014-01-01', effectiveTo: '2026-12-31' };
    const timed = async (kind, files) => {
      const started = performance.now();
      const outcome = await importKnowledge(store, { kind, files, ...period, actor: 'bench', allowSmaller: true });
      const seconds = (performance.now() - started) / 1000;
      imports.push({ kind, id: outcome.record.id, rows: outcome.record.rowCounts.rows, deleted: outcome.record.rowCounts.deleted, seconds, phases: outcome.milliseconds });
      console.log(`  ${kind}: ${(outcome.record.rowCounts.rows ?? 0).toLocaleString('en-US')} rows imported in ${seconds.toFixed(1)} s (read ${(outcome.milliseconds.read / 1000).toFixed(1)}, parse ${(outcome.milliseconds.parse / 1000).toFixed(1)}, encode ${(outcome.milliseconds.encode / 1000).toFixed(1)}, store ${(outcome.milliseconds.store / 1000).toFixed(1)} s)`);
    };
    console.log(`knowledge: full practitioner PTP quarter generated in CMS's layout in ${generateSeconds.toFixed(1)} s (${practitioner.rows.toLocaleString('en-US')} rows, ${practitioner.deleted.toLocaleString('en-US')} deleted)`);
    await timed('ptp-practitioner', practitioner.files);
    rmSync(join(tmp, 'ptp-practitioner'), { recursive: true, force: true });
    if (hospital) {
      const h = writePtpQuarter(join(tmp, 'ptp-hospital'), { kind: 'hospital', seed: 2 });
      await timed('ptp-hospital', h.files);
      rmSync(join(tmp, 'ptp-hospital'), { recursive: true, force: true });
    }
    await timed('mue-practitioner', [join(MUE, 'MCR_MUE_PractitionerServices_Eff_10-01-2026.csv')]);
    await timed('mue-hospital', [join(MUE, 'MCR_MUE_OutpatientHospitalServices_Eff_10-01-2026.csv')]);

    const before = memory();
    const loadStarted = performance.now();
    const loaded = await loadStoredKnowledge(store, base);
    // PTP quarters are decoded and indexed on first use: ask each once, so the time and memory include them.
    const inForce = loaded.forDate('2026-06-15');
    inForce.ptp.professional?.rowsFor('77080', '77081');
    inForce.ptp.institutional?.rowsFor('77080', '77081');
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const after = memory();
    console.log(`  loaded and indexed in ${loadSeconds.toFixed(1)} s; the tables take ${mb(after - before).toFixed(0)} MB (heap and array buffers, after GC)`);

    throughput(parsed, base, 1);
    throughput(parsed, loaded, 1); // warm both before measuring
    const embeddedRates = [];
    const loadedRates = [];
    for (let r = 0; r < rounds; r++) {
      embeddedRates.push(...throughput(parsed, base, 1));
      loadedRates.push(...throughput(parsed, loaded, 1));
    }
    const share = median(loadedRates) / median(embeddedRates);
    console.log(`  check(): embedded ${Math.round(median(embeddedRates)).toLocaleString('en-US')}/s, every table loaded ${Math.round(median(loadedRates)).toLocaleString('en-US')}/s = ${(share * 100).toFixed(0)} % (median of ${rounds} alternating rounds)`);

    const embeddedResults = parsed.map((e) => check(e, base));
    const loadedResults = parsed.map((e) => check(e, loaded));
    const inFy2026 = (e) => e.dateOfService >= '2026-04-01' && e.dateOfService <= '2026-09-30';
    const sharesOut = {
      embedded: shares(embeddedResults),
      loaded: shares(loadedResults),
      loadedApril2026ToSeptember2026: shares(loadedResults.filter((_, i) => inFy2026(parsed[i]))),
    };
    const pct = (s) => `${(s.cleanShare * 100).toFixed(1)} % clean, ${(s.reviewShare * 100).toFixed(1)} % review, ${(s.rejectShare * 100).toFixed(1)} % reject`;
    console.log(`  realistic mix (${parsed.length.toLocaleString('en-US')} encounters): embedded only ${pct(sharesOut.embedded)}; every table loaded ${pct(sharesOut.loaded)}; loaded, dates of service 2026-04-01 to 2026-09-30 (${(sharesOut.loadedApril2026ToSeptember2026.clean + sharesOut.loadedApril2026ToSeptember2026.review + sharesOut.loadedApril2026ToSeptember2026.reject).toLocaleString('en-US')}) ${pct(sharesOut.loadedApril2026ToSeptember2026)}`);

    const practitionerImport = imports.find((i) => i.kind === 'ptp-practitioner');
    Object.assign(out, {
      generateSeconds,
      imports,
      loadSeconds,
      tableMegabytes: mb(after - before),
      throughput: { embedded: median(embeddedRates), loaded: median(loadedRates), share, rounds },
      shares: sharesOut,
      pass: {
        importSeconds: practitionerImport.seconds < KNOWLEDGE_GOALS.importSeconds,
        memory: mb(after - before) < KNOWLEDGE_GOALS.memoryMegabytes,
        throughput: share >= KNOWLEDGE_GOALS.throughputShare,
      },
    });
  } catch (error) {
    out.crashed = true;
    console.error('knowledge bench failed:', error);
  } finally {
    await store?.close().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runKnowledgeBench({ encounters: Number(process.env.BENCH_KNOWLEDGE_ENCOUNTERS ?? 20_000) });
  process.exitCode = result.crashed ? 1 : 0;
}
