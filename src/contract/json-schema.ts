/** JSON Schema of the public contract, generated from the zod schemas (published in schema/). */
import { z } from 'zod';
import { Encounter } from './encounter.js';
import { Result } from './result.js';

/** The contract's JSON Schemas by file name. */
export function contractJsonSchemas(): Record<string, unknown> {
  return {
    'encounter.schema.json': { $id: 'urn:dxacode:contract:1:encounter', ...z.toJSONSchema(Encounter, { io: 'input', unrepresentable: 'any' }) },
    'result.schema.json': { $id: 'urn:dxacode:contract:1:result', ...z.toJSONSchema(Result, { io: 'output', unrepresentable: 'any' }) },
  };
}
