/**
 * The OpenAPI document is generated from the routes: it lists exactly the routes fastify registered (besides the
 * page's and the docs' own files), each with its summary, parameters, body and response schemas, the contract's
 * Encounter and Result where they apply, errors as the contract's findings, and every reference resolving.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { buildServer } from '../src/server/server.js';
import { openStore, type Store } from '../src/store/index.js';
import { sqliteBackend } from './store-backends.js';

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  components: { schemas: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

/** The routes in fastify's own router, as "METHOD /path" (HEAD left out: fastify adds it to every GET), from its route tree. */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )?(\S+) \(([^)]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

/** The page's files and the docs page are served by their plugins and left out of the document on purpose. */
const UNDOCUMENTED = /^(GET \/|GET \/\*|GET \/docs.*|GET \/static\/.*|GET \/app\/.*)$/;

describe('the OpenAPI document', () => {
  let app: FastifyInstance;
  let store: Store;
  let tearDown: () => Promise<void>;
  let doc: Document;
  beforeAll(async () => {
    const set = await sqliteBackend.setUp();
    tearDown = set.tearDown;
    store = await openStore(set.options);
    app = await buildServer({ knowledge: loadKnowledge(), store, tokens: { verifyToken: async () => undefined } });
    await app.ready();
    doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as Document;
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await tearDown?.();
  });

  const documented = () => Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));

  it('lists exactly the routes fastify registered', () => {
    const registered = registeredRoutes(app.printRoutes({ commonPrefix: false })).filter((r) => !UNDOCUMENTED.test(r));
    expect(registered.length).toBeGreaterThanOrEqual(23);
    expect(documented().sort()).toEqual(registered.sort());
  });

  it('reads fastify\'s route tree (so the comparison above can fail)', () => {
    const tree = ['└── / (GET, HEAD)', '    ├── v1/encounters (POST, GET, HEAD)', '    │   └── /:id (GET, HEAD)', '    │       └── /claim (GET, HEAD)', '    └── v1/stats (GET, HEAD)'].join('\n');
    expect(registeredRoutes(tree)).toEqual(['GET /', 'POST /v1/encounters', 'GET /v1/encounters', 'GET /v1/encounters/:id', 'GET /v1/encounters/:id/claim', 'GET /v1/stats']);
  });

  it("gives every route its summary, tag, parameters, body and response schemas, and errors as the contract's findings", () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const name = `${method.toUpperCase()} ${path}`;
        expect(op.summary, name).toMatch(/\w{3}/);
        expect(op.tags?.length, name).toBe(1);
        for (const param of path.match(/\{(\w+)\}/g) ?? []) {
          expect(op.parameters?.find((p) => p.in === 'path' && `{${p.name}}` === param)?.required, `${name} ${param}`).toBe(true);
        }
        const statuses = Object.keys(op.responses);
        const success = statuses.filter((s) => s.startsWith('2'));
        expect(success.length, name).toBe(1);
        expect(Object.values(op.responses[success[0]!]!.content ?? {}).length, `${name} ${success[0]}`).toBeGreaterThan(0);
        for (const status of statuses.filter((s) => !s.startsWith('2'))) {
          expect(op.responses[status]!.content?.['application/json']?.schema, `${name} ${status}`).toEqual({ $ref: '#/components/schemas/Problems' });
        }
        if (path !== '/health') expect(statuses, name).toContain('401');
        if (method === 'post' && !['/v1/session', '/v1/encounters/{id}/accept'].includes(path)) expect(Object.keys(op.requestBody?.content ?? {}).length, name).toBeGreaterThan(0);
      }
    }
  });

  it("uses the contract's Encounter and Result where a route takes or gives them", () => {
    const check = doc.paths['/v1/check']!.post!;
    expect(check.requestBody?.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Encounter' });
    expect(check.responses['200']!.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Result' });
    expect(doc.paths['/v1/encounters']!.post!.requestBody?.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Encounter' });
    expect(JSON.stringify(doc.paths['/v1/encounters']!.post!.responses['201'])).toContain('#/components/schemas/Result');
    expect(doc.paths['/v1/extract']!.post!.responses['200']!.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/ReportFacts' });
  });

  it('resolves every reference to a component', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of new Set(refs)) {
      expect(ref, ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas, ref).toHaveProperty([ref.slice('#/components/schemas/'.length)]);
    }
  });
});
