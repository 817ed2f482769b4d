/** `dxacode demo` loads the demonstration data on request and prints a working coder token on its last line. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ORGANIZATION, runDemo } from '../src/cli/demo.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { openStore } from '../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'dxacode-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dxacode demo', () => {
  it('stores the examples and the report corpus for the demo organisation only', async () => {
    const url = `sqlite:${join(dir, 'demo.db')}`;
    const out = await runDemo({ url, root: fileURLToPath(new URL('..', import.meta.url)), knowledge: loadKnowledge() });
    expect(out.exitCode, out.stderr).toBe(0);
    const token = out.stdout.trimEnd().split('\n').at(-1)!;
    const store = await openStore({ url });
    try {
      expect(await store.verifyToken(token)).toMatchObject({ organization: DEMO_ORGANIZATION, role: 'coder' });
      const listed = await store.forOrganization(DEMO_ORGANIZATION).encounters.list({ limit: 500 });
      expect(listed.length).toBe(51);
      expect(listed.every((e) => e.externalId?.startsWith('demo-'))).toBe(true);
      expect(new Set(listed.map((e) => e.verdict)).size).toBeGreaterThan(1);
      expect(await store.forOrganization('default').encounters.list()).toEqual([]);
      expect((await store.verifyAudit()).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('lets an admin token administer the demo (--admin), and refuses a coder token before loading anything', async () => {
    const url = `sqlite:${join(dir, 'demo-admin.db')}`;
    const store = await openStore({ url });
    const admin = await store.forOrganization('clinic').tokens.create('admin');
    const coder = await store.forOrganization('clinic').tokens.create('coder');
    await store.close();
    const root = fileURLToPath(new URL('..', import.meta.url));
    const refused = await runDemo({ url, root, knowledge: loadKnowledge(), admin: coder.id });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('only an admin token can administer another organisation');
    const out = await runDemo({ url, root, knowledge: loadKnowledge(), admin: admin.id });
    expect(out.exitCode, out.stderr).toBe(0);
    expect(out.stdout).toContain(`admin token ${admin.id} administers demo too`);
    const reopened = await openStore({ url });
    try {
      expect(await reopened.organizationsOf(admin.id)).toEqual(['clinic', DEMO_ORGANIZATION]);
      expect(await reopened.forOrganization(DEMO_ORGANIZATION).encounters.list({ limit: 500 })).toHaveLength(51);
    } finally {
      await reopened.close();
    }
  });
});
