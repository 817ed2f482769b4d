/**
 * The tests `npm run mutate` runs against each mutant of src/rules, src/engine and src/extract
 * (docs/mutation-testing.md): the in-process case, unit and property tests that exercise those folders, a few
 * seconds in all. Left out are the tests that start PostgreSQL, a browser, a server or the `dxacode` binary (they
 * reach the rules through dist/, which Stryker does not mutate) and the sweeps over thousands of generated
 * encounters (properties, recommended-claim, finding-params, bench-peer), which would cost seconds per mutant.
 * `isolate: false` keeps the loaded knowledge (src/knowledge and src/io, never mutated) between runs: it is most of a
 * run's time, and Stryker switches its mutants on and off at run time, so no module needs loading again.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/cases.test.ts',
      'test/corpus.test.ts',
      'src/rules/*.test.ts',
      'test/units-claim-line-mue.test.ts',
      'test/case-harness.test.ts',
      'test/encounter-problems.test.ts',
      'src/engine/*.test.ts',
      'src/extract/*.test.ts',
      'src/knowledge/versions.test.ts',
    ],
    testTimeout: 60_000,
    isolate: false,
  },
});
