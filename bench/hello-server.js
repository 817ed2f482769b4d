// The ceilings for the HTTP benchmark: a plain fastify server on a free port (prints `port N` when listening).
// POST / answers hello world; POST /same-size answers with the bytes of BENCH_RESPONSE_FILE (dxacode's result for the
// benchmark's request), so the cost of the response size alone can be told apart from dxacode's own work.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const sameSize = process.env.BENCH_RESPONSE_FILE ? readFileSync(process.env.BENCH_RESPONSE_FILE, 'utf8') : '{}';
const app = Fastify({ logger: false });
app.post('/', async () => ({ hello: 'world' }));
app.post('/same-size', async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(sameSize));
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`port ${app.server.address().port}`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
