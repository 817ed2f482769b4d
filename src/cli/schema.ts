/** `dxacode schema [--write DIR]`: the JSON Schema of the Encounter and Result contract and of payer pack files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractJsonSchemas } from '../contract/json-schema.js';
import { payerPackJsonSchema } from '../knowledge/schema.js';
import { EXIT } from './exit.js';
import type { CliIo } from './shared.js';

/** Runs `dxacode schema`: prints the schemas, or writes encounter.schema.json, result.schema.json and payer-pack.schema.json into a folder. */
export function run(io: CliIo, options: { write?: string }): number {
  const schemas = { ...contractJsonSchemas(), 'payer-pack.schema.json': payerPackJsonSchema() };
  if (options.write) {
    mkdirSync(options.write, { recursive: true });
    for (const [file, schema] of Object.entries(schemas)) writeFileSync(join(options.write, file), `${JSON.stringify(schema, null, 2)}\n`);
  } else {
    io.stdout.write(`${JSON.stringify(schemas, null, 2)}\n`);
  }
  return EXIT.ok;
}
