/**
 * The tests a mutation run of src/rules/catalogue.ts runs against each mutant (stryker.catalogue.json,
 * docs/mutation-testing.md): catalogue.ts is a table built when its module loads, so each of its mutants is static and
 * needs the modules loaded afresh (`isolate: true`), which the main mutation config's shared process cannot do.
 * catalogue.test.ts loads the engine and knowledge only in the tests that use them: a mutant the published-catalogue
 * tests kill costs about a second.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/rules/catalogue.test.ts'],
    testTimeout: 60_000,
    isolate: true,
  },
});
