/** The OpenAPI 3.1 document of the HTTP API, generated from the contract's zod schemas (JSON Schema 2020-12). */
import { contractJsonSchemas } from '../contract/json-schema.js';

interface JsonSchemaDocument {
  $defs?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Rewrites `#/$defs/X` references to `#/components/schemas/X`. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/$defs/', '#/components/schemas/');
      else if (k !== '$schema' && k !== '$id') out[k] = relink(v);
    }
    return out;
  }
  return value;
}

const problemResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Problems' } } } });

/** The OpenAPI document. */
export function openApiDocument(version: string): Record<string, unknown> {
  const schemas = contractJsonSchemas();
  const encounter = schemas['encounter.schema.json'] as JsonSchemaDocument;
  const result = schemas['result.schema.json'] as JsonSchemaDocument;
  const components: Record<string, unknown> = {};
  for (const doc of [encounter, result]) for (const [name, schema] of Object.entries(doc.$defs ?? {})) components[name] = relink(schema);
  components.Problems = {
    type: 'object',
    required: ['findings'],
    properties: { findings: { type: 'array', items: { $ref: '#/components/schemas/Finding' } } },
    description: 'Errors are reported as the contract\'s findings, never as stack traces or SQL.',
  };
  return {
    openapi: '3.1.0',
    info: { title: 'dxacode API', version, description: 'Code and check bone densitometry (DXA) and VFA claims. Bearer tokens are created with `dxacode token create --role viewer|coder|admin`.' },
    components: { schemas: components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/v1/check': {
        post: {
          summary: 'Check one encounter (stateless): the contract\'s Encounter in, Result out. Role: coder.',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Encounter' } } } },
          responses: {
            200: { description: 'The result', content: { 'application/json': { schema: { $ref: '#/components/schemas/Result' } } } },
            400: problemResponse('The encounter is not usable: each finding names the field and what was expected'),
            401: problemResponse('No valid bearer token'),
            403: problemResponse('The token\'s role may not check'),
            413: problemResponse('The body is larger than the limit'),
          },
        },
      },
      '/health': { get: { summary: 'Liveness and the knowledge version', security: [], responses: { 200: { description: 'Up' } } } },
    },
  };
}
