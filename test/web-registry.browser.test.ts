/**
 * The research registry page in a real browser (Chromium, headless) against a real server and SQLite store: an admin
 * counts a cohort, sees small counts suppressed, and downloads the de-identified CSV; the export is audited.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEncounter } from '../src/engine/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { CHROMIUM_PATH, haveChromium, launchChromium, screenshot, startWorkbench, teardownWithin, type Workbench } from './web-helpers.js';

if (!haveChromium()) {
  describe('registry page in a browser', () => {
    it('needs Chromium', () => {
      throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: apt-get install -y chromium (.ci/run does this).`);
    });
  });
} else {
  describe('registry page in a browser', () => {
    let bench: Workbench;
    let browser: Browser;
    let page: Page;
    let adminToken: string;

    beforeAll(async () => {
      [bench, browser] = await Promise.all([startWorkbench(), launchChromium()]);
      adminToken = (await bench.store.forOrganization('org-web').tokens.create('admin')).token;
      const knowledge = loadKnowledge();
      for (let n = 1; n <= 3; n++) {
        const parsed = parseEncounter({ dateOfService: '2025-05-02', patient: { sex: 'female', age: 68, mrn: `W-${n}`, name: { family: 'Okonkwo-Lindqvist' } }, payer: 'medicare', performed: [{ procedure: 'dxa-axial' }], clinical: { tScoreLowest: -2.7 } });
        if (!parsed.ok) throw new Error('bad test encounter');
        await bench.store.forOrganization('org-web').encounters.storeAndCheck('coder', parsed.encounter, knowledge);
      }
      const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1360, height: 900 } });
      page = await context.newPage();
      page.setDefaultTimeout(30_000);
    }, 30_000);

    afterAll(async () => {
      await teardownWithin(25_000, 'closing Chromium', async () => browser?.close());
      await teardownWithin(25_000, 'closing the server', async () => bench?.close());
    }, 60_000);

    it('counts a cohort with small counts suppressed, and lets an admin download the de-identified CSV', async () => {
      await page.goto(`${bench.baseUrl}/`);
      await page.getByLabel('Access token').fill(adminToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('h1', { hasText: 'Worklist' }).waitFor();
      await page.getByRole('link', { name: /Registry/ }).first().click();
      await page.locator('h1', { hasText: 'Research registry' }).waitFor();
      await page.getByText('Counts of fewer than 11 patients are shown as suppressed.').waitFor();
      expect(await page.getByText('Studies: suppressed; patients: suppressed.').count()).toBe(1);
      await page.getByLabel('T-score category').selectOption('osteoporosis');
      await page.getByRole('button', { name: 'Count' }).click();
      await page.waitForURL(/#\/registry\?tScoreCategory=osteoporosis$/);
      await screenshot(page, 'registry');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv.startsWith('subject,study,date,sex,age,')).toBe(true);
      expect(csv.split('\r\n').filter(Boolean)).toHaveLength(4);
      expect(csv).not.toContain('Okonkwo');
      await page.getByText(/Exported 3 studies of 3 subjects/).waitFor();
      const [record] = await bench.store.forOrganization('org-web').audit.list({ limit: 1 });
      expect(record).toMatchObject({ action: 'registry-exported' });
      expect(record!.objectIds).toContain('query:{"tScoreCategory":"osteoporosis"}');
    });
  });
}
