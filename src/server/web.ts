/**
 * The workbench page: one static HTML page, its stylesheet and its compiled browser modules, served by the API's own
 * server so the page needs nothing from any other host. Paths resolve from this module's file, which sits two levels
 * below the repository root both as src/server/web.ts and as dist/server/web.js.
 */
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where the hand-written page files live (index.html, app.css). */
export const WEB_PUBLIC_DIR = fileURLToPath(new URL('../../src/web/public/', import.meta.url));
/** Where tsc writes the page's browser modules (tsconfig.web.json). */
export const WEB_APP_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/**
 * Response headers for every page response, as one table: the page loads only its own files, talks only to its own
 * API, is never framed, and sends no referrer (encounter ids sit in the URL).
 */
export const WEB_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Revalidate each load (ETag) so a new build is never hidden behind a stale cached module.
  'cache-control': 'no-cache',
} as const;

/** Serves the workbench page at `/`, its modules at `/app/*` and its static files at `/static/*`. */
export async function registerWebPage(app: FastifyInstance): Promise<void> {
  // An encapsulated scope: the headers hook applies to the page's responses only, not to the JSON API.
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.headers(WEB_SECURITY_HEADERS);
      return payload;
    });
    await scope.register(fastifyStatic, { root: WEB_PUBLIC_DIR, prefix: '/static/', index: false });
    await scope.register(fastifyStatic, { root: WEB_APP_DIR, prefix: '/app/', index: false, decorateReply: false });
    scope.get('/', { schema: { hide: true } }, (_request, reply) => reply.type('text/html; charset=utf-8').sendFile('index.html'));
  });
}
