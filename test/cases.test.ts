/**
 * Runs every case file in cases/ and the cases every embedded payer pack carries: each case is an encounter with the
 * expected verdict, findings, recommended claim and unchecked families, named after and citing its source. Negative
 * cases sit beside positive ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { knowledgeWithPack, runCase, runPackCases } from '../src/engine/cases.js';
import { EMBEDDED_KNOWLEDGE_DIR, loadKnowledge, PACK_FILE } from '../src/io/knowledge-files.js';
import { readPackFile } from '../src/knowledge/pack-file.js';
import { compilePack } from '../src/knowledge/packs.js';
import { CaseExpect, PackCase } from '../src/knowledge/schema.js';
import { Result } from '../src/contract/result.js';

const CASES_DIR = new URL('../cases/', import.meta.url).pathname;
const PACKS_DIR = join(EMBEDDED_KNOWLEDGE_DIR, 'payers');

const CaseFile = z.strictObject({
  title: z.string().min(1),
  citation: z.string().min(1),
  defaults: z.record(z.string(), z.unknown()).optional(),
  cases: z
    .array(
      PackCase.omit({ rules: true }).extend({
        expect: CaseExpect,
        /** check()'s historyScope: `this-organization` as the store passes it when only its own stored studies are known. */
        historyScope: z.enum(['all-providers', 'this-organization']).optional(),
      }),
    )
    .min(1),
});

const knowledge = loadKnowledge();
const files = readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml')).sort();
const packFiles = readdirSync(PACKS_DIR).filter((f) => PACK_FILE.test(f)).sort();

it('finds case files', () => {
  expect(files.length).toBeGreaterThan(5);
  expect(packFiles.length).toBeGreaterThanOrEqual(5);
});

for (const file of files) {
  const data = CaseFile.parse(parse(readFileSync(join(CASES_DIR, file), 'utf8')));
  describe(`${file}: ${data.title}`, () => {
    for (const testCase of data.cases) {
      it(testCase.name, () => {
        const options = testCase.historyScope === undefined ? {} : { historyScope: testCase.historyScope };
        const outcome = runCase(testCase.name, { ...(data.defaults ?? {}), ...testCase.encounter }, testCase.expect, knowledge, options);
        if (outcome.result) expect(() => Result.parse(outcome.result)).not.toThrow();
        expect(outcome.differences).toEqual([]);
      });
    }
  });
}

for (const file of packFiles) {
  const pack = readPackFile(file, readFileSync(join(PACKS_DIR, file), 'utf8')).pack!;
  describe(`payers/${file}: the cases of ${pack.id} ${pack.version}`, () => {
    it('carries cases', () => expect(pack.cases?.length).toBeGreaterThan(0));
    // Each case is checked inside its own test, not while the file is collected, so that a mutation run
    // (docs/mutation-testing.md) knows which case reaches which code; runPackCases does the same per case.
    const withPack = knowledgeWithPack(knowledge, compilePack(pack, `payers/${file}`, (code) => knowledge.codes.byCode.has(code)));
    it('passes as a whole, as `dxacode policy test` and the upload route run it', () => {
      const outcomes = runPackCases(pack, `payers/${file}`, knowledge);
      expect(outcomes.map((o) => o.name)).toEqual(pack.cases?.map((c) => c.name));
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    });
    for (const c of pack.cases ?? []) {
      it(c.name, () => {
        const outcome = runCase(c.name, { payer: pack.id, ...(pack.caseDefaults ?? {}), ...c.encounter }, c.expect, withPack);
        if (outcome.result) expect(() => Result.parse(outcome.result)).not.toThrow();
        expect(outcome.differences).toEqual([]);
      });
    }
  });
}
