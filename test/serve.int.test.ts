/**
 * `dxacode serve` as a new user starts it: an empty data folder is created and migrated, the first start prints an
 * admin token once (a restart does not), the page and the API answer on the same port, and SIGTERM exits cleanly.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.js';
import { request, startServer } from './server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'dxacode-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dxacode serve', () => {
  it('creates the store, prints a first admin token once on its terminal, serves the page and the API', async () => {
    const dataDir = join(dir, 'data');
    const first = await startServer({ DXACODE_DATA_DIR: dataDir }, { terminal: true });
    let token = '';
    try {
      expect(existsSync(join(dataDir, 'dxacode.db'))).toBe(true);
      const m = /first start: created an admin token for organisation "default" \(token id [0-9a-f-]+\)\. .*\n(\S+)\n/.exec(first.output());
      expect(m, first.output()).not.toBeNull();
      token = m![1]!;
      const session = await request(`${first.url}/v1/session`, token, { method: 'POST', body: '{}', contentType: 'application/json' });
      expect(session).toMatchObject({ status: 200, body: { organization: 'default', role: 'admin' } });
      const page = await fetch(`${first.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      expect(first.output()).not.toContain('FSTDEP');
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const second = await startServer({ DXACODE_DATA_DIR: dataDir }, { terminal: true });
    try {
      expect(second.output()).not.toContain('first start');
      expect((await request(`${second.url}/v1/encounters`, token)).status).toBe(200);
      // Request log lines name the route pattern, never the URL or its query.
      await request(`${second.url}/v1/encounters?payer=medicare`, token);
      expect((await request(`${second.url}/v1/no-such-route?patient=SMITHERSON`, token)).status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(second.output()).toContain('"route":"/v1/encounters"');
    expect(second.output()).not.toContain('payer=medicare');
    expect(second.output()).not.toContain('SMITHERSON');
    expect(second.output()).toContain('"status":404');
    expect(second.output()).not.toContain(token);
  });

  it('prints no token where its output is not a terminal (a log or a journal), and makes none', async () => {
    const dataDir = join(dir, 'logged');
    const server = await startServer({ DXACODE_DATA_DIR: dataDir });
    try {
      expect(server.output()).not.toContain('first start');
      expect(server.output()).toContain('the store has no API token yet, and this output is not a terminal, so none is made here');
      expect(server.output()).toContain('npx dxacode token create --role admin --organization default');
    } finally {
      const code = await server.stop();
      expect(code, server.output()).toBe(0);
    }
    const store = await openStore({ url: `sqlite:${join(dataDir, 'dxacode.db')}` });
    try {
      expect(await store.listTokens()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
