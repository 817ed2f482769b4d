/**
 * Golden output: speed work on the engine, the rules and the result serialiser must not change a single byte of what
 * dxacode prints. The benchmark's seeded mix (bench/encounters.js) and every case in cases/ and in the embedded payer
 * packs are checked and serialised as `dxacode check` prints NDJSON results (stringifyResult), and the SHA-256 of that
 * text is compared with the digest taken from main before the speed work (issue 9, "Speed and size").
 *
 * When a deliberate change of the rules or messages changes a result, the digests change: say so in the commit and
 * update them (the failure message prints the new ones), after checking that the cases and the other tests agree.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeEncounters } from '../bench/encounters.js';
import type { Encounter } from '../src/contract/encounter.js';
import type { Result } from '../src/contract/result.js';
import { stringifyResult } from '../src/contract/serialize.js';
import { runCase, runPackCases } from '../src/engine/cases.js';
import { check, parseEncounter, type CheckOptions } from '../src/engine/index.js';
import { EMBEDDED_KNOWLEDGE_DIR, loadKnowledge, PACK_FILE } from '../src/io/knowledge-files.js';
import { readPackFile } from '../src/knowledge/pack-file.js';
import type { CaseExpect } from '../src/knowledge/schema.js';

const knowledge = loadKnowledge();
const SEED = 20260120;
const MIX_SIZE = 2_000;

/** The digests of main before the speed work (2026-12-06, 88bfcba; the cases' digest from 3126efb, whose new cases and documentation rules changed that set, and again on 2026-12-07 for six new recommended-claim cases: the 412 cases before them give the same results byte for byte; and for the four modifier and coverage cases of branch mutmed, which changes no source file; and for the seven billing-article cases of branch mutcov, which changes no source file either: with cases/medicare-billing-articles.yaml as before, the digest is the one before), taken again when finding texts named fields by their labels instead of their contract names (every result otherwise equal: the same digest with messages, fixes and reasons blanked), and when the coverage family's not-checked reasons lost a double negative ('no diagnosis could not be matched') and the knowledge notes' full stops inside parentheses (on 6,000 results of the mix, 764 differ, every one only by those three texts), and when category A stopped showing for a man by its codes (Z78.0: on 6,000 results of the mix, 39 differ, each only in the qualified-individual finding, 21 of them now medicare.bmm-category-not-shown; the cases' digest for the two new cases beside it). */
const GOLDEN = {
  mix: 'f6ec07e089014a390ddfd59cd8a1d94b35946164ec382032f5045305d890e590',
  mixThisOrganization: '4fcb910845019b31e833d730578bc095ed5450b6b87d18e3966d2555b7a6086e',
  cases: 'ccca3027d6752cd6bacc2a5207d89fa6aaf00824b90c586c08ec89516711f075',
};

/** SHA-256 of the results as `dxacode check` prints NDJSON, one line each; every line is also JSON.stringify's. */
function digest(results: Result[]): string {
  const hash = createHash('sha256');
  for (const result of results) {
    const text = stringifyResult(result);
    if (text !== JSON.stringify(result)) throw new Error(`stringifyResult differs from JSON.stringify for ${result.id ?? '(no id)'}`);
    hash.update(`${text}\n`);
  }
  return hash.digest('hex');
}

function mixEncounters(): Encounter[] {
  return makeEncounters(MIX_SIZE, SEED).map((raw: unknown, i: number) => {
    const parsed = parseEncounter(raw);
    if (!parsed.ok) throw new Error(`generated encounter #${i} is invalid`);
    return parsed.encounter;
  });
}

interface CaseFileData {
  defaults?: Record<string, unknown>;
  cases: { name: string; encounter: Record<string, unknown>; expect: CaseExpect; historyScope?: CheckOptions['historyScope'] }[];
}

/** The results of every case in cases/ and in the embedded payer packs, in file order. */
function caseResults(): Result[] {
  const results: Result[] = [];
  const casesDir = new URL('../cases/', import.meta.url).pathname;
  for (const file of readdirSync(casesDir).filter((f) => f.endsWith('.yaml')).sort()) {
    const data = parse(readFileSync(join(casesDir, file), 'utf8')) as CaseFileData;
    for (const c of data.cases) {
      const options = c.historyScope === undefined ? {} : { historyScope: c.historyScope };
      const outcome = runCase(c.name, { ...(data.defaults ?? {}), ...c.encounter }, c.expect, knowledge, options);
      if (outcome.result) results.push(outcome.result);
    }
  }
  const packsDir = join(EMBEDDED_KNOWLEDGE_DIR, 'payers');
  for (const file of readdirSync(packsDir).filter((f) => PACK_FILE.test(f)).sort()) {
    const pack = readPackFile(file, readFileSync(join(packsDir, file), 'utf8')).pack!;
    for (const outcome of runPackCases(pack, `payers/${file}`, knowledge)) if (outcome.result) results.push(outcome.result);
  }
  return results;
}

describe('golden output: the results do not change', () => {
  const mix = mixEncounters();

  it(`the benchmark's seeded mix (${MIX_SIZE} encounters)`, () => {
    expect(digest(mix.map((e) => check(e, knowledge)))).toBe(GOLDEN.mix);
  });

  it("the same mix with the history of this organization only (the store's scope)", () => {
    expect(digest(mix.map((e) => check(e, knowledge, { historyScope: 'this-organization' })))).toBe(GOLDEN.mixThisOrganization);
  });

  it('every case in cases/ and in the embedded payer packs', () => {
    const results = caseResults();
    expect(results.length).toBeGreaterThan(100);
    expect(digest(results)).toBe(GOLDEN.cases);
  });
});
