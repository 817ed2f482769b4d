/**
 * Helpers for the browser tests of the workbench page: a real server on a temporary SQLite store (listening on
 * 127.0.0.1, port chosen by the system), Debian's Chromium driven by playwright-core, and screenshots saved under
 * test-artifacts/screenshots.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { buildServer } from '../src/server/server.js';
import { storeTokenVerifier } from '../src/server/tokens.js';
import { BatchWorker } from '../src/server/worker.js';
import { openStore, type Store } from '../src/store/index.js';

/** Where Debian installs Chromium (`apt-get install chromium`); playwright-core never downloads a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a headless Chromium that talks to nothing but the page under test. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where screenshots of each step go (git-ignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../test-artifacts/screenshots/', import.meta.url));

/** A running workbench: its base URL, a coder token, and how to stop it. */
export interface Workbench {
  baseUrl: string;
  token: string;
  store: Store;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Starts the API and the page on a fresh SQLite store, with a batch worker, listening on 127.0.0.1. */
export async function startWorkbench(): Promise<Workbench> {
  const dir = mkdtempSync(join(tmpdir(), 'dxacode-web-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'web.db')}` });
  const { token } = await store.forOrganization('org-web').tokens.create('coder');
  const knowledge = loadKnowledge();
  const worker = new BatchWorker({ store, knowledge, pollMs: 100 });
  const app = await buildServer({
    knowledge,
    store,
    worker,
    tokens: storeTokenVerifier(store, { ttlMs: 0 }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  worker.start();
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the server did not report a TCP address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    token,
    store,
    app,
    async close() {
      await worker.stop();
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits for a teardown step at most `ms`; past that it goes on with a warning (a loaded 2-core machine has taken over
 * a minute to close Chromium after every test had passed). Only for teardown: a test never waits this way.
 */
export async function teardownWithin(ms: number, what: string, step: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  const outcome = await Promise.race([step().then(() => 'done' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') console.warn(`teardown: ${what} took longer than ${ms} ms; going on`);
}

/** Launches headless Chromium from Debian's package. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Whether Chromium is installed where the tests expect it. */
export function haveChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Saves a full-page screenshot of one step, named so the files sort in step order. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Presses Tab until the focused element matches, so a test proves the element is reachable by keyboard alone. */
export async function tabTo(page: Page, matches: (el: { tag: string; text: string; name: string | null }) => boolean, maxTabs = 60): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return { tag: a?.tagName.toLowerCase() ?? '', text: (a?.textContent ?? '').trim(), name: a?.getAttribute('name') ?? null };
    });
    if (matches(el)) return;
  }
  throw new Error(`no element matched within ${maxTabs} presses of Tab`);
}
