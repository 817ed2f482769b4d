/** The published JSON Schema (schema/) is generated from the zod contract and must not drift from it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contractJsonSchemas } from '../src/contract/json-schema.js';
import { payerPackJsonSchema } from '../src/knowledge/schema.js';

describe('published JSON Schema', () => {
  for (const [file, schema] of Object.entries({ ...contractJsonSchemas(), 'payer-pack.schema.json': payerPackJsonSchema() })) {
    it(`schema/${file} matches the zod schemas (run npm run schema after changing src/contract)`, () => {
      const published = JSON.parse(readFileSync(new URL(`../schema/${file}`, import.meta.url), 'utf8'));
      expect(published).toEqual(JSON.parse(JSON.stringify(schema)));
    });
  }

  it('names the contract fields and value spellings', () => {
    const root = contractJsonSchemas()['encounter.schema.json'] as { $defs: { Encounter: { properties: Record<string, unknown>; required: string[] } } };
    const encounter = root.$defs.Encounter;
    expect(Object.keys(encounter.properties)).toEqual(
      expect.arrayContaining(['id', 'dateOfService', 'patient', 'payer', 'claimType', 'component', 'placeOfService', 'orderingProvider', 'performed', 'diagnoses', 'clinical', 'history', 'abnOnFile', 'priorAuthorization', 'report', 'claim']),
    );
    expect(encounter.required).toEqual(expect.arrayContaining(['dateOfService', 'patient']));
    expect(JSON.stringify(root)).toContain('"dxa-axial"');
  });
});
