/**
 * The workbench page end to end in a real browser (Debian's Chromium, headless, driven by playwright-core) against
 * a real server and SQLite store: sign in, code a report, see its facts marked, override with a reason, accept,
 * download the 837P, run a batch, read the dashboard, and do the main tasks with the keyboard alone. The page may
 * talk to no host but the server. Screenshots of each step go to test-artifacts/screenshots/.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axialEncounter } from './encounters.js';
import { responsesFor } from './x12-responses-helpers.js';
import { CHROMIUM_PATH, haveChromium, launchChromium, screenshot, startWorkbench, tabTo, teardownWithin, type Workbench } from './web-helpers.js';

const REPORT_FILE = 'hologic-axial-iva-osteoporosis-grade2-fracture.txt';
const report = readFileSync(new URL(`../corpus/reports/${REPORT_FILE}`, import.meta.url), 'utf8');
const batchLines = readFileSync(new URL('../examples/batch.ndjson', import.meta.url), 'utf8').split('\n').filter(Boolean);

/** An axial DXA + VFA claim drafted as 77080 + 77086: the pair edit says 77085, an error a coder must resolve. */
const pairTrap = {
  id: 'kbd-1',
  dateOfService: '2026-02-10',
  patient: { sex: 'female', birthDate: '1954-03-14' },
  payer: 'medicare',
  orderingProvider: { treating: true },
  performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine', 'left-hip'] }, { procedure: 'vfa' }],
  diagnoses: ['M80.08XA'],
  claim: { lines: [{ code: '77080', diagnoses: ['M80.08XA'] }, { code: '77086', diagnoses: ['M80.08XA'] }] },
};

/** The serious and critical axe-core violations of the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  // axe runs through the browser's debugging protocol (page.evaluate), which the page's CSP does not govern, so the scan needs no
  // weaker policy and asks no host.
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  });
}

if (!haveChromium()) {
  // Never skipped: an untested page is not a tested one. .ci/run installs Chromium; on a workstation, install it too.
  describe('workbench page in a browser', () => {
    it('needs Chromium', () => {
      throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: apt-get install -y chromium (.ci/run does this).`);
    });
  });
} else {
  describe('workbench page in a browser', () => {
    let bench: Workbench;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-web-files-'));

    beforeAll(async () => {
      [bench, browser] = await Promise.all([startWorkbench(), launchChromium()]);
      context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1360, height: 900 } });
      context.on('request', (request) => requests.push(request.url()));
      page = await context.newPage();
      page.setDefaultTimeout(30_000);
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(String(error)));
    }, 30_000);

    beforeEach(({ task, onTestFailed }) => {
      onTestFailed(async () => {
        await screenshot(page, `failed-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
      });
    });

    // Closing Chromium and draining the server take a few seconds, more on a loaded 2-core CI machine.
    afterAll(async () => {
      await teardownWithin(25_000, 'closing Chromium', async () => browser?.close());
      await teardownWithin(25_000, 'closing the server', async () => bench?.close());
      rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it('serves the page with secure headers', async () => {
      const response = await fetch(`${bench.baseUrl}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const script = await fetch(`${bench.baseUrl}/app/web/app/main.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toContain('javascript');
      expect(script.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await fetch(`${bench.baseUrl}/static/app.css`)).headers.get('content-type')).toContain('text/css');
      // The page's headers are scoped to the page: the JSON API keeps its own (loads nothing, is never cached).
      const api = await fetch(`${bench.baseUrl}/health`);
      expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(api.headers.get('cache-control')).toBe('no-store');
      expect((await fetch(`${bench.baseUrl}/static/..%2F..%2F..%2Fpackage.json`)).status).not.toBe(200);
    });

    it('signs in with a token and shows the role and organisation', async () => {
      await page.goto(`${bench.baseUrl}/`);
      await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
      // Someone who does not use a terminal learns what this is and where a token comes from.
      expect(await page.locator('section.about').textContent()).toContain('codes and checks bone density (DXA) and vertebral fracture assessment (VFA) claims');
      expect(await page.getByText('ask your dxacode administrator').count()).toBe(1);
      await screenshot(page, '01-sign-in');
      await page.getByLabel('Access token').fill('not-a-valid-token-at-all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('The token was not accepted.').waitFor();
      await page.getByLabel('Access token').fill(bench.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('h1', { hasText: 'Worklist' }).waitFor();
      expect(await page.locator('#session-who').textContent()).toContain('org-web');
      expect(await page.locator('#session-who .role').textContent()).toBe('coder');
      // The token lives in this tab only.
      expect(await page.evaluate(() => [sessionStorage.length > 0, localStorage.length])).toEqual([true, 0]);
    });

    it('codes a report: facts marked in the text, the recommended claim and the findings', async () => {
      await page.getByRole('link', { name: /New encounter/ }).first().click();
      await page.locator('h1', { hasText: 'New encounter' }).waitFor();
      const file = join(dir, REPORT_FILE);
      writeFileSync(file, report);
      await page.getByLabel('Or open a text file').setInputFiles(file);
      await expect.poll(() => page.getByLabel('Report text').inputValue()).toBe(report);
      // The date of service, birth date and sex the report states fill their fields, each marked as read from it.
      expect(await page.getByLabel('Date of service').inputValue()).toBe('2026-02-10');
      expect(await page.getByLabel('Birth date').inputValue()).toBe('1954-03-14');
      expect(await page.getByLabel('Sex').inputValue()).toBe('female');
      expect((await page.locator('.from-report').allTextContents()).sort()).toEqual(['Read from the report: 02/10/2026', 'Read from the report: 03/14/1954', 'Read from the report: Female']);
      expect(await page.getByLabel('Birth date').getAttribute('aria-describedby')).toContain('from-report');
      // What the user sets is theirs: the mark goes, and a change to the report does not overwrite it.
      await page.getByLabel('Sex').selectOption('male');
      expect(await page.locator('.from-report').count()).toBe(2);
      await page.getByLabel('Report text').fill(`${report}\n`);
      await page.waitForTimeout(500);
      expect(await page.getByLabel('Sex').inputValue()).toBe('male');
      await page.getByLabel('Sex').selectOption('female');
      await page.getByLabel('Date of service').fill('2026-02-10');
      await page.getByLabel('Birth date').fill('1954-03-14');
      await page.getByLabel('Family name').fill('Okonkwo-Lindqvist');
      await page.getByLabel('Given name').fill('Maren');
      // An MRN the contract would refuse is named at once, before anything is sent.
      await page.getByLabel('MRN').fill('MRN 4471');
      await page.getByRole('button', { name: 'Check and save' }).click();
      await page.getByText('MRN should be 1 to 64 letters, digits, dots, dashes or underscores.').first().waitFor();
      // Shown at the field too: the MRN input is marked invalid and described by the message.
      expect(await page.getByLabel('MRN').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('.field-error').textContent()).toBe('MRN should be 1 to 64 letters, digits, dots, dashes or underscores.');
      await page.getByLabel('MRN').fill('MRN-4471');
      await page.getByLabel('Member id').fill('1EG4-TE5-MK72');
      await page.getByLabel('Payer').selectOption('medicare');
      await page.getByLabel('Diagnoses (ICD-10-CM)').fill('M80.08XA');
      for (const code of ['77080', '77086']) {
        await page.getByRole('button', { name: 'Add claim line' }).click();
        await page.locator('fieldset.claim-line input[name=code]').last().fill(code);
      }
      // Diagnoses per line: a code that is not ICD-10-CM is named at its line's field.
      await page.locator('fieldset.claim-line input[name=lineDiagnoses]').last().fill('M80.08XA, 7708');
      await page.getByRole('button', { name: 'Preview the check' }).click();
      await page.getByText('Claim line 2: diagnosis 7708 is not an ICD-10-CM code (e.g. M81.0).').first().waitFor();
      expect(await page.locator('fieldset.claim-line input[name=lineDiagnoses]').last().getAttribute('aria-invalid')).toBe('true');
      await page.locator('fieldset.claim-line input[name=lineDiagnoses]').last().fill('M80.08XA');
      // A preview checks without saving: the verdict, the recommended claim and the errors, and no field error left.
      await page.getByRole('button', { name: 'Preview the check' }).click();
      await page.locator('.preview h2', { hasText: 'Preview (not saved)' }).waitFor();
      expect(await page.locator('.preview').textContent()).toContain('77085');
      expect(await page.locator('.preview .badge').textContent()).toContain('Reject');
      expect(await page.locator('[aria-invalid="true"]').count()).toBe(0);
      await screenshot(page, '02-new-encounter');
      await page.getByRole('button', { name: 'Check and save' }).click();
      await page.waitForURL(/#\/encounters\//);
      await page.locator('li.finding').first().waitFor();

      expect(await page.locator('.page-head .badge').textContent()).toContain('Reject');
      // The patient as entered: name, MRN, member id, birth date.
      const patient = page.locator('section[aria-labelledby=patient-heading]');
      expect(await patient.locator('dd').allTextContents()).toEqual(['Okonkwo-Lindqvist, Maren', 'MRN-4471', '1EG4-TE5-MK72', '1954-03-14', 'female']);
      expect(await patient.getByText('No MRN or member id').count()).toBe(0);
      const marks = page.locator('pre.report-text mark');
      expect(await marks.count()).toBeGreaterThanOrEqual(4);
      expect(await page.locator('pre.report-text mark[title*="Lowest T-score: -2.6"]').count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('.facts-table tbody tr').count()).toBeGreaterThanOrEqual(4);
      expect(await page.locator('.claim-table tbody').textContent()).toContain('77085');
      const finding = page.locator('li.finding[data-rule="pair.combined-code"]');
      expect(await finding.locator('.finding-line').textContent()).toBe('Line 2 (77086)');
      expect(await finding.locator('.finding-source').textContent()).toMatch(/Source: .+(verified|secondary|unverified)/);
      expect(await page.getByText('Not checked is not clean').count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Accept claim' }).isDisabled()).toBe(true);
      expect(await page.locator('#accept-hint').textContent()).toMatch(/errors? needs? an override/);
      expect(await page.getByRole('button', { name: 'Download 837P' }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Download 837P' }).getAttribute('aria-describedby')).toBe('download-hint');
      // The submitted claim beside the recommended one, with what changes in words.
      expect(await page.locator('.compare-table tbody tr td:last-child').allTextContents()).toEqual(['add 77085', 'remove 77080', 'remove 77086']);
      // Findings are listed errors first, then warnings, then info; families are named in words.
      const severities = await page.locator('li.finding').evaluateAll((items) => items.map((i) => i.getAttribute('data-severity') ?? i.className));
      const rank = (s: string) => (s.includes('error') ? 0 : s.includes('warning') ? 1 : 2);
      expect(severities.map(rank)).toEqual([...severities.map(rank)].sort());
      expect(await page.locator('.family-list strong').first().textContent()).not.toMatch(/^[a-z]+$/);
      await screenshot(page, '03-encounter');
    });

    it('overrides the error with a reason (an empty reason is refused), accepts, and downloads the 837P and FHIR claims', async () => {
      const finding = page.locator('li.finding[data-rule="pair.combined-code"]');
      await finding.getByRole('button', { name: 'Override…' }).click();
      const overrides: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/overrides')) overrides.push(request.method());
      });
      await finding.getByRole('button', { name: 'Save override' }).click();
      await finding.getByText('A reason is required to override a finding').waitFor();
      expect(overrides).toEqual([]);
      expect(await finding.getByLabel('Reason for the override (required)').getAttribute('aria-invalid')).toBe('true');
      await screenshot(page, '04-override-refused');

      await finding.getByLabel('Reason for the override (required)').fill('Axial DXA and VFA were done in separate sessions on two days.');
      await finding.getByRole('button', { name: 'Save override' }).click();
      await page.locator('li.finding[data-rule="pair.combined-code"] .override-note').waitFor();
      expect(await page.locator('li.finding[data-rule="pair.combined-code"] .override-note').textContent()).toContain('separate sessions on two days');
      expect(await page.locator('#status').textContent()).toContain('Override of pair.combined-code saved');
      expect(overrides).toEqual(['POST']);
      await screenshot(page, '05-overridden');

      await page.getByRole('button', { name: 'Accept claim' }).click();
      await page.getByRole('button', { name: /Accepted \(version 1\)/ }).waitFor();
      await expect.poll(() => page.getByRole('button', { name: 'Download 837P' }).isEnabled()).toBe(true);
      await screenshot(page, '06-accepted');

      const [x12] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download 837P' }).click()]);
      const x12Text = readFileSync((await x12.path())!, 'utf8');
      expect(x12Text.startsWith('ISA')).toBe(true);
      expect(x12Text).toContain('77085');
      const [fhir] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download FHIR' }).click()]);
      const bundle = JSON.parse(readFileSync((await fhir.path())!, 'utf8')) as { resourceType: string };
      expect(bundle.resourceType).toBe('Bundle');
    });

    it('lists the encounter on the worklist, filtered by verdict', async () => {
      await page.getByRole('link', { name: /Worklist/ }).first().click();
      await page.locator('table.worklist tbody tr').first().waitFor();
      expect(await page.locator('table.worklist tbody tr').count()).toBe(1);
      // Payer names, not pack ids.
      expect(await page.locator('table.worklist tbody tr td.payer').first().textContent()).not.toBe('medicare');
      // The patient, the billed codes and the top finding in words; the total and the pages.
      const row = page.locator('table.worklist tbody tr').first();
      expect(await row.locator('td.patient').textContent()).toBe('Okonkwo-Lindqvist, MarenMRN MRN-4471');
      expect(await row.locator('td.codes').textContent()).toBe('77080, 77086');
      expect(await row.locator('td.top-finding').textContent()).toMatch(/^Error: \S.{10,}/);
      expect(await row.locator('td.top-finding').textContent()).not.toContain('pair.combined-code');
      expect(await page.locator('table.worklist caption').textContent()).toBe('Showing 1–1 of 1 encounter (this page: 1 reject).');
      expect(await page.locator('.pager [aria-current=page]').textContent()).toBe('Page 1 of 1');
      // Search by part of the name, by MRN and by member id; a search that matches nobody says so.
      for (const term of ['lindqv', 'MRN-4471', '1eg4te5mk72', 'kbd-1']) {
        await page.getByLabel('Search').fill(term);
        await page.getByRole('button', { name: 'Apply' }).click();
        await page.waitForURL((url) => url.hash.includes(`q=${encodeURIComponent(term)}`));
        await page.locator('table.worklist caption', { hasText: /Showing|No encounters/ }).waitFor();
        expect(await page.locator('table.worklist caption').textContent(), term).toBe(term === 'kbd-1' ? 'No encounters match these filters.' : 'Showing 1–1 of 1 encounter (this page: 1 reject).');
      }
      await page.getByLabel('Search').fill('');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL((url) => !url.hash.includes('q='));
      // Sort by a column: its header link sets the order and the header says which way (aria-sort).
      await page.getByRole('link', { name: /^Patient/ }).click();
      await page.waitForURL(/sort=patient/);
      await page.locator('table.worklist th[aria-sort=ascending]', { hasText: 'Patient' }).waitFor();
      await page.getByRole('link', { name: /^Patient/ }).click();
      await page.waitForURL(/order=desc/);
      await page.locator('table.worklist th[aria-sort=descending]', { hasText: 'Patient' }).waitFor();
      await page.getByRole('link', { name: /Worklist/ }).first().click();
      await page.locator('table.worklist tbody tr').first().waitFor();
      await page.getByLabel('Verdict').selectOption('clean');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByText('No encounters match these filters.').waitFor();
      await page.getByLabel('Verdict').selectOption('reject');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.locator('table.worklist tbody tr').first().waitFor();
      expect(page.url()).toContain('verdict=reject');
      await screenshot(page, '07-worklist');
      // No knowledge recheck has changed a verdict yet: the filter shows none.
      await page.getByLabel('Recheck').selectOption('changed');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByText('No encounters match these filters.').waitFor();
      expect(page.url()).toContain('rechecked=changed');
    });

    it('uploads an NDJSON batch and follows the progress bar to done', async () => {
      await page.getByRole('link', { name: /Batches/ }).first().click();
      await page.locator('h1', { hasText: 'Batches' }).waitFor();
      const file = join(dir, 'batch.ndjson');
      const total = batchLines.length + 1;
      writeFileSync(file, `${batchLines.join('\n')}\n{"not":"an encounter"}\n`);
      await page.getByLabel('File of encounters or claims').setInputFiles(file);
      await page.getByText('NDJSON encounters').waitFor();
      await page.getByRole('button', { name: 'Upload and check' }).click();
      await page.waitForURL(/#\/batches\/.+/);
      await page.waitForFunction((n) => {
        const bar = document.querySelector<HTMLProgressElement>('#batch-progress');
        return bar !== null && bar.max === n && bar.value === n && /^Done/.test(document.querySelector('.progress-label')?.textContent ?? '');
      }, total);
      // The items table is drawn after the bar; wait for its last row before counting.
      await page.locator('table.batch-items tbody tr').nth(total - 1).waitFor();
      expect(await page.locator('.progress-counts').textContent()).toContain(`${total - 1} done, 1 failed`);
      expect(await page.locator('table.batch-items tbody tr').count()).toBe(total);
      expect(await page.locator('table.batch-items tbody a[href^="#/encounters/"]').count()).toBe(total - 1);
      // Each item names its encounter by its own id and gives its top reason in words; the failed line says why.
      expect(await page.locator('table.batch-items tbody td.encounter').allTextContents()).toEqual(['enc-0001', 'enc-0002', 'enc-0003', '—']);
      const reasons = await page.locator('table.batch-items tbody td.top-reason').allTextContents();
      expect(reasons.every((r) => /^(Error|Warning|Note): \S/.test(r) || r === 'No findings'), reasons.join(' | ')).toBe(true);
      expect(reasons[3]).toMatch(/^Error: line 4: /);
      // The file's name and who uploaded it, here and in the list of batches.
      expect(await page.locator('#job-heading').textContent()).toBe('Batch batch.ndjson');
      expect(await page.locator('.batch-meta').textContent()).toMatch(/uploaded by the coder token [0-9a-f]{8} on /);
      await page.locator('table.data-table td.batch-file', { hasText: 'batch.ndjson' }).first().waitFor();
      // The results as CSV and NDJSON, once the batch is done.
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
      const csvRows = readFileSync((await csv.path())!, 'utf8').trimEnd().split('\r\n');
      expect(csvRows[0]).toBe('seq,status,encounter_id,stored_encounter_id,version,verdict,top_severity,top_rule,top_message,top_line');
      expect(csvRows.slice(1).map((r) => r.split(',').slice(0, 3).join(','))).toEqual(['1,done,enc-0001', '2,done,enc-0002', '3,done,enc-0003', '4,failed,']);
      const [ndjson] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download NDJSON' }).click()]);
      const items = readFileSync((await ndjson.path())!, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { status: string; result?: { verdict: string } });
      expect(items.map((i) => [i.status, i.result?.verdict !== undefined])).toEqual([['done', true], ['done', true], ['done', true], ['failed', false]]);
      await screenshot(page, '08-batch');
    });

    it('draws the dashboard as SVG plots with tables', async () => {
      await page.getByRole('link', { name: /Dashboard/ }).first().click();
      await page.locator('figure.chart svg').first().waitFor();
      expect(await page.locator('figure.chart svg').count()).toBeGreaterThanOrEqual(3);
      expect(await page.locator('figure.chart svg rect.bar').count()).toBeGreaterThan(3);
      expect(await page.locator('figure.chart figcaption').allTextContents()).toEqual(['Verdicts per month', 'Denial risk', 'Top findings by rule and payer', 'VFA studies and fracture findings by age group']);
      // No fee schedule is configured here: the amount at risk is priced at the PFS file's national amounts, and says so.
      expect(await page.locator('.kpi-reason').textContent()).toMatch(/^No fee schedule is configured, so the national Medicare amounts \(non-facility\) of the PFS relative values .+ are used/);
      expect(await page.locator('.kpi-value').textContent()).toMatch(/^\$/);
      expect(await page.locator('figure.chart details table').count()).toBe(3);
      await screenshot(page, '09-dashboard');

      // A true time axis: every month from the first to the last encounter (2016-05 to 2026-03), the empty ones too.
      const verdicts = page.locator('figure.chart', { has: page.locator('figcaption', { hasText: 'Verdicts per month' }) });
      const monthRows = await verdicts.locator('details tbody th').allTextContents();
      expect(monthRows.length).toBe(12 * 10 - 1);
      expect(monthRows.slice(0, 2)).toEqual(['May 2016', 'Jun 2016']);
      expect(await verdicts.locator('details tbody tr', { has: page.locator('th', { hasText: 'Jun 2016' }) }).locator('td').last().textContent()).toBe('0');
      expect(await verdicts.locator('svg').getAttribute('role')).toBe('group');
      expect(await verdicts.locator('svg desc').textContent()).toMatch(/\d+ of 119 months without encounters/);
      expect(await verdicts.locator('svg text.tick-label').allTextContents()).toEqual(expect.arrayContaining(['May 2016', 'Jan 2018', 'Jan 2026']));
      // Findings in words with their severity, never a rule id; payers by name.
      const findings = await page.locator('figure.chart', { has: page.locator('figcaption', { hasText: 'Top findings' }) }).locator('details tbody th').allTextContents();
      expect(findings.length).toBeGreaterThan(0);
      for (const label of findings) expect(label).toMatch(/^[A-Z].* · (Error|Warning): [A-Z0-9]/);
      const stats = (await (await fetch(`${bench.baseUrl}/v1/stats`, { headers: { authorization: `Bearer ${bench.token}` } })).json()) as { topRules: { rule: string; payer: string }[] };
      for (const { rule } of stats.topRules) expect(findings.join('\n')).not.toContain(rule);
      expect(findings.some((label) => label.startsWith('medicare ·'))).toBe(false);
      expect(await page.locator('figure.chart a[href^="#/worklist?rule="]').count()).toBeGreaterThan(0);
      expect(await page.getByRole('link', { name: 'Open the encounters of this period in the worklist' }).count()).toBe(1);
      // Each mark links to the worklist filtered to it, reached with the keyboard.
      const february = verdicts.locator('svg a[href*="from=2026-02-01&to=2026-02-28"]').first();
      const href = (await february.getAttribute('href'))!;
      await february.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.hash === href);
      await page.locator('table.worklist').waitFor();
      expect(await page.getByLabel('Date of service from').inputValue()).toBe('2026-02-01');
      expect(await page.getByLabel('Verdict').inputValue()).toBe(new URLSearchParams(href.split('?')[1]).get('verdict'));
    });

    it('reads the code reference for a date: history, mistakes, pairs, units, modifiers and coverage, each with its source', async () => {
      await page.goto(`${bench.baseUrl}/#/worklist`);
      await page.locator('main h1').waitFor();
      await page.locator('h1').focus();
      // g c goes to the reference, as the help lists.
      await page.keyboard.press('g');
      await page.keyboard.press('c');
      await page.waitForURL(/#\/reference$/);
      await page.locator('table.reference-codes tbody tr').first().waitFor();
      await page.getByLabel('Knowledge in force on (date of service)').fill('2014-06-01');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(/#\/reference\?date=2014-06-01$/);
      const row = page.locator('table.reference-codes tbody tr', { has: page.locator('a', { hasText: /^77082$/ }) });
      await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('Valid');
      await row.locator('a').click();
      await page.waitForURL(/#\/reference\/77082\?date=2014-06-01$/);
      await page.locator('#ref-history').waitFor();
      expect(await page.locator('main h1').textContent()).toMatch(/^77082 · /);
      const history = page.locator('section[aria-labelledby=ref-history]');
      expect(await history.textContent()).toContain('2007-01-01 to 2014-12-31');
      expect(await history.locator('a', { hasText: '77085' }).count()).toBe(1);
      expect(await history.locator('.source .confidence').first().textContent()).toMatch(/verified|secondary|unverified/);
      // 77083 taken for VFA, from the knowledge, with its source.
      await page.goto(`${bench.baseUrl}/#/reference/77083?date=2026-02-10`);
      const mistakes = page.locator('section[aria-labelledby=ref-mistakes]');
      await mistakes.locator('li').first().waitFor();
      expect(await mistakes.textContent()).toContain('Billed for a vertebral fracture assessment (VFA).');
      expect(await mistakes.locator('.source').first().textContent()).toContain('REFERENCE §1');
      await page.goto(`${bench.baseUrl}/#/reference/77081?date=2026-02-10`);
      await page.locator('section[aria-labelledby=ref-pairs] li').first().waitFor();
      expect(await page.locator('section[aria-labelledby=ref-pairs]').textContent()).toContain('77081 (column 1) with 77080 (column 2)');
      expect(await page.locator('section[aria-labelledby=ref-units]').textContent()).toMatch(/MUE 1, MAI \d/);
      expect(await page.locator('section[aria-labelledby=ref-modifiers] strong').allTextContents()).toEqual(expect.arrayContaining(['26', 'TC', 'XU']));
      expect(await page.locator('section[aria-labelledby=ref-coverage]').textContent()).toContain('J15: CGS Administrators, LLC A57132');
      await screenshot(page, '09b-reference');
      await page.getByRole('link', { name: 'All codes' }).click();
      await page.getByRole('link', { name: 'What changed' }).click();
      await page.locator('main h1', { hasText: 'What changed' }).waitFor();
      await page.locator('#changes-embedded').waitFor();
      expect(await page.locator('section[aria-labelledby=changes-imported]').textContent()).toContain('No knowledge version has been imported');
    });

    it('works with the keyboard alone: skip link, main nav, shortcuts and the override form', async () => {
      const created = await fetch(`${bench.baseUrl}/v1/encounters`, { method: 'POST', headers: { authorization: `Bearer ${bench.token}`, 'content-type': 'application/json' }, body: JSON.stringify(pairTrap) });
      expect(created.status).toBe(201);
      const { encounterId } = (await created.json()) as { encounterId: string };

      // A fresh load (not a hash change) starts keyboard navigation at the top of the page.
      const freshLoad = async (hash: string) => {
        await page.goto('about:blank');
        await page.goto(`${bench.baseUrl}/${hash}`);
        await page.locator('main h1').waitFor();
      };
      await freshLoad('#/worklist');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
      expect(page.url()).toMatch(/#\/worklist$/);

      await freshLoad('#/worklist');
      await tabTo(page, (el) => el.tag === 'a' && el.text.startsWith('Dashboard'));
      await page.keyboard.press('Enter');
      await page.waitForURL(/#\/dashboard$/);
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Dashboard');

      await page.keyboard.press('g');
      await page.keyboard.press('w');
      await page.waitForURL(/#\/worklist$/);
      // The dashboard's date-range form has a field of the same name: wait until the worklist has replaced it, or the
      // focus lands on a field that is about to be removed and the keys go to the page.
      const worklistFilters = page.getByRole('form', { name: 'Filter the worklist' });
      await worklistFilters.waitFor();
      // Typing in a field never fires a shortcut (a select's type-ahead included).
      await worklistFilters.getByLabel('Date of service from').focus();
      await page.keyboard.type('gn');
      expect(page.url()).toMatch(/#\/worklist$/);
      await worklistFilters.getByLabel('Rule', { exact: true }).focus();
      await page.keyboard.type('gn');
      expect(page.url()).toMatch(/#\/worklist$/);
      // The rule filter lists the catalogue's rules by family, in words.
      expect(await page.locator('select[name=rule] optgroup').count()).toBeGreaterThanOrEqual(10);
      expect(await page.locator('select[name=rule] option[value="pair.combined-code"]').count()).toBe(1);
      await page.locator('h1').focus();
      await page.keyboard.press('?');
      expect(await page.locator('#help').getAttribute('open')).not.toBeNull();
      await screenshot(page, '10-help');
      await page.keyboard.press('Escape');
      expect(await page.locator('#help').getAttribute('open')).toBeNull();

      await page.goto('about:blank');
      await page.goto(`${bench.baseUrl}/#/encounters/${encounterId}`);
      await page.locator('li.finding[data-rule="pair.combined-code"]').waitFor();
      await tabTo(page, (el) => el.tag === 'button' && el.text === 'Override…');
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
      await page.keyboard.press('Escape');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Override…');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save override');
      await page.keyboard.press('Enter');
      await page.getByText('A reason is required to override a finding').waitFor();
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
      await page.keyboard.type('Separate sessions documented on two days.');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.locator('.override-note').first().waitFor();
      expect(await page.locator('.override-note').first().textContent()).toContain('Separate sessions documented');
      await screenshot(page, '11-keyboard-override');
    });

    it('coaches the radiologist while the report is typed: what is missing, with its rule, gone once written', async () => {
      await page.goto(`${bench.baseUrl}/#/new`);
      await page.locator('h1', { hasText: 'New encounter' }).waitFor();
      await page.getByLabel('Date of service').fill('2026-03-02');
      await page.getByLabel('or age').fill('74');
      const draft = ['VERTEBRAL FRACTURE ASSESSMENT', 'TECHNIQUE: Lateral vertebral assessment was performed on the densitometer, T4-L4 evaluated.', 'FINDINGS: Wedge fracture of T12.', ''].join('\n');
      await page.getByLabel('Report text').fill(draft);
      const items = page.locator('.coach-list li');
      await expect.poll(async () => (await items.evaluateAll((li) => li.map((e) => e.getAttribute('data-rule')))).sort()).toEqual(['doc.indication-missing', 'doc.interpretation-missing', 'doc.signature-missing', 'doc.vfa-grade-missing']);
      expect(await page.locator('.coach-list li[data-rule="doc.signature-missing"] code.rule-id').textContent()).toBe('doc.signature-missing');
      await screenshot(page, '12-coach');
      await page.getByLabel('Report text').fill(`${draft.replace('Wedge fracture of T12.', 'Moderate (Genant grade 2) wedge fracture of T12.')}INDICATION: Height loss 5 cm.\nIMPRESSION: T12 vertebral fracture.\nElectronically signed by Robert Chen, MD on 03/02/2026\n`);
      await expect.poll(() => items.count()).toBe(0);
      expect(await page.locator('.coach').textContent()).toContain('Nothing is missing');
    });

    it('drafts a structured report from the facts a radiologist enters, with what it lacks, and downloads it to print', async () => {
      await page.goto(`${bench.baseUrl}/#/report`);
      await page.locator('h1', { hasText: 'Report draft' }).waitFor();
      await page.getByLabel('Date of service').fill('2026-03-02');
      await page.getByLabel('Age').fill('72');
      await page.getByLabel('Menopausal status').selectOption('postmenopausal');
      await page.getByLabel('Indication').fill('Postmenopausal woman with 5 cm historical height loss.');
      await page.getByLabel('Scanner').fill('Hologic');
      const row = page.locator('fieldset.result-row').first();
      await row.getByLabel('Site').selectOption('lumbar-spine');
      await row.getByLabel('BMD (g/cm²)').fill('0.812');
      await row.getByLabel('T-score').fill('-2.6');
      await page.getByLabel('VFA performed, T4-L4 evaluated').check();
      await page.getByLabel('Fractures (VFA)').fill('T12 2 wedge');
      await page.getByRole('button', { name: 'Draft the report' }).click();
      await page.locator('pre.draft-text').waitFor();
      const text = await page.locator('pre.draft-text').textContent();
      expect(text).toContain('IMPRESSION: Osteoporosis by WHO criteria (lowest T-score -2.6, lumbar spine). Vertebral fracture of T12.');
      expect(text).toContain('Moderate (Genant grade 2) wedge fracture of T12.');
      expect(await page.locator('.draft-missing li').evaluateAll((items) => items.map((i) => i.getAttribute('data-rule')))).toEqual(['doc.order-missing', '', 'doc.signature-missing']);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the printable report (HTML)' }).click()]);
      expect(download.suggestedFilename()).toBe('dxa-report-2026-03-02.html');
      expect(readFileSync((await download.path())!, 'utf8')).toContain('<title>T12: grade 2 moderate wedge fracture</title>');
      await screenshot(page, '12-report-draft');
    });

    it('draws the spine from VFA heights in the encounter view, with a description and a table alternative', async () => {
      const heights = readFileSync(new URL('../examples/morphometry.csv', import.meta.url), 'utf8').trim().split('\n').slice(1).map((line) => {
        const [level, a, m, p, evaluable, reason] = line.split(',');
        return evaluable === 'yes' ? { level, evaluable: true, anteriorMm: Number(a), middleMm: Number(m), posteriorMm: Number(p) } : { level, evaluable: false, reason };
      });
      const withHeights = { ...pairTrap, id: 'spine-1', morphometry: heights, claim: undefined };
      const created = await fetch(`${bench.baseUrl}/v1/encounters`, { method: 'POST', headers: { authorization: `Bearer ${bench.token}`, 'content-type': 'application/json' }, body: JSON.stringify(withHeights) });
      expect(created.status).toBe(201);
      const { encounterId } = (await created.json()) as { encounterId: string };
      await page.goto(`${bench.baseUrl}/#/encounters/${encounterId}`);
      const svg = page.locator('figure.spine-figure svg[role="img"]');
      await svg.waitFor();
      expect(await svg.locator('desc').textContent()).toContain('T12: grade 2 moderate wedge fracture');
      expect(await svg.locator('g > title').count()).toBe(13);
      expect(await page.locator('table.spine-table tbody tr').count()).toBe(13);
      expect(await page.locator('table.spine-table tbody tr', { hasText: 'T4' }).first().textContent()).toContain('not evaluable: obscured by the scapulae');
      await screenshot(page, '13-spine');
    });

    it('says why Accept is impossible when nothing is billable', async () => {
      const nothing = { id: 'nothing-1', dateOfService: '2026-02-10', patient: { sex: 'female', age: 70 }, payer: 'medicare', report: 'ORDER: DXA bone density of the lumbar spine and hips is ordered for next month.\n' };
      const created = await fetch(`${bench.baseUrl}/v1/encounters`, { method: 'POST', headers: { authorization: `Bearer ${bench.token}`, 'content-type': 'application/json' }, body: JSON.stringify(nothing) });
      expect(created.status).toBe(201);
      const { encounterId } = (await created.json()) as { encounterId: string };
      await page.goto(`${bench.baseUrl}/#/encounters/${encounterId}`);
      await page.locator('#accept-hint').waitFor();
      expect(await page.getByRole('button', { name: 'Accept claim' }).isDisabled()).toBe(true);
      expect(await page.locator('#accept-hint').textContent()).toBe('No billable line: there is no claim to accept.');
    });

    it('works the denial worklist: a claim exported, acknowledged and denied shows its reason, what dxacode said and the path, its life and the dashboard figures', async () => {
      const api = (method: string, path: string, body?: unknown, type = 'application/json') => fetch(`${bench.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${bench.token}`, ...(body !== undefined ? { 'content-type': type } : {}) }, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
      const created = await api('POST', '/v1/encounters', { ...axialEncounter({ id: 'denied-1', dateOfService: '2026-03-10', patient: { sex: 'female', birthDate: '1950-05-01' }, clinical: { tScoreLowest: -2.7 } }) });
      const { encounterId } = (await created.json()) as { encounterId: string };
      expect((await api('POST', `/v1/encounters/${encounterId}/accept`)).status).toBe(201);
      const exported = await api('POST', '/v1/claims/export', { encounterIds: [encounterId], format: 'x12' });
      expect(exported.status).toBe(200);
      const { ack, status, remit } = responsesFor(await exported.text(), 950, { paid: () => false });
      for (const file of [ack, status, remit]) expect((await api('POST', '/v1/responses', file, 'application/edi-x12')).status).toBe(201);

      await page.goto(`${bench.baseUrl}/#/worklist`);
      await page.getByRole('link', { name: /Denials/ }).first().click();
      await page.locator('h1', { hasText: 'Denials' }).waitFor();
      const row = page.locator('table.denials tbody tr', { hasText: 'denied-1' });
      await row.waitFor();
      expect(await page.locator('table.denials caption').textContent()).toBe('Denied lines 1–1 of 1.');
      expect(await row.textContent()).toContain('CO-151 Payment adjusted because the payer deems the information submitted does not support this many/frequency of services.');
      expect(await row.textContent()).toContain('M86 Service denied because payment already made');
      expect(await row.locator('td').nth(4).textContent()).not.toContain('Flagged as an error');
      expect(await row.locator('td').nth(5).textContent()).toContain('Appeal');
      await row.getByText('Basis').click();
      expect(await row.locator('details li').first().textContent()).toMatch(/^CARC 151 /);
      await screenshot(page, '15-denials');

      await row.getByRole('link', { name: 'denied-1' }).click();
      await page.locator('section.life ol.life-timeline li').nth(5).waitFor();
      expect(await page.locator('section.life .life-outcome').textContent()).toBe('Denied');
      expect(await page.locator('section.life ol.life-timeline li strong').allTextContents()).toEqual(['Checked', 'Accepted', 'Exported', 'Acknowledged', 'Accepted by the payer', 'Denied']);
      expect(await page.locator('section.life').textContent()).toContain('CARC CO-151 Payment adjusted because');

      await page.getByRole('link', { name: /Dashboard/ }).first().click();
      await page.locator('section.denial-panel .prediction-headline').waitFor();
      expect(await page.locator('section.denial-panel .prediction-headline').textContent()).toBe('Of the lines dxacode flagged as errors, 0 of 0 were denied (n/a). Of the denied lines, dxacode had flagged 0 of 1 (0.0 %).');
      expect(await page.locator('section.denial-panel table.misses tbody tr').count()).toBe(1);
      expect(await page.locator('section.denial-panel table.money').textContent()).toContain('Denied$100.00');
      await screenshot(page, '16-dashboard-denials');
    });

    it('draws the four figures as SVG with their descriptions and table alternatives (after the denial above)', async () => {
      await page.goto(`${bench.baseUrl}/#/worklist`);
      await page.getByRole('link', { name: /Figures/ }).first().click();
      await page.locator('section.figure-card').nth(3).waitFor();
      expect(await page.locator('section.figure-card h2').allTextContents()).toEqual(['Denied lines by reason, per month of service', 'Prediction quality per rule: share of flagged lines denied', 'T-score categories by age band', 'Vertebral fracture prevalence by T-score category']);
      const denials = page.locator('section.figure-card').first();
      expect(await denials.locator('svg[role="img"] > title').textContent()).toBe('Denied lines by reason, per month of service');
      expect(await denials.locator('svg[role="img"]').getAttribute('aria-labelledby')).toBe('page-denials-by-reason-title page-denials-by-reason-desc');
      await denials.getByText('Show the numbers as a table').click();
      expect(await denials.locator('table tbody tr').first().textContent()).toContain('2026-03');
      expect(await denials.locator('table thead').textContent()).toContain('CO-151 Payment adjusted because');
      // Nothing was flagged as an error on the denied claim: the rule figure says there is no data.
      expect(await page.locator('section.figure-card').nth(1).locator('svg desc').textContent()).toBe('No data for this period.');
      // The page heads each figure itself: the picture does not repeat the title as text.
      expect(await denials.locator('svg > text').first().textContent()).not.toBe('Denied lines by reason, per month of service');
      await screenshot(page, '17-figures');
    });

    it('lets an admin switch to the demo organisation it administers, and back; a coder sees no switch', async () => {
      const admin = await bench.store.forOrganization('org-web').tokens.create('admin');
      await bench.store.grantOrganization(admin.id, 'demo', 'test');
      const created = await fetch(`${bench.baseUrl}/v1/encounters`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}`, 'x-organization': 'demo', 'content-type': 'application/json' }, body: JSON.stringify({ ...pairTrap, id: 'demo-switch-1' }) });
      expect(created.status).toBe(201);
      const adminContext = await context.browser()!.newContext();
      const adminPage = await adminContext.newPage();
      try {
        await adminPage.goto(`${bench.baseUrl}/`);
        await adminPage.getByLabel('Access token').fill(admin.token);
        await adminPage.getByRole('button', { name: 'Sign in' }).click();
        await adminPage.locator('h1', { hasText: 'Worklist' }).waitFor();
        const switcher = adminPage.getByLabel('Organisation');
        expect(await switcher.locator('option').allTextContents()).toEqual(['org-web (own)', 'demo']);
        expect(await adminPage.locator('table.worklist a', { hasText: 'demo-switch-1' }).count()).toBe(0);
        // By keyboard: focus the switch and choose the demo.
        await switcher.focus();
        await switcher.selectOption('demo');
        await adminPage.locator('table.worklist a', { hasText: 'demo-switch-1' }).waitFor();
        expect(await adminPage.getByLabel('Organisation').inputValue()).toBe('demo');
        await screenshot(adminPage, '12-admin-demo');
        expect(await axeViolations(adminPage)).toEqual([]);
        await adminPage.getByLabel('Organisation').selectOption('org-web');
        await expect.poll(() => adminPage.locator('table.worklist a', { hasText: 'demo-switch-1' }).count()).toBe(0);
        await adminPage.locator('table.worklist tbody tr').first().waitFor();
      } finally {
        await adminContext.close();
      }
      // The coder's page has no switch: its token works in its own organisation only.
      await page.goto(`${bench.baseUrl}/#/worklist`);
      await page.locator('main h1').waitFor();
      expect(await page.locator('#organization-switch').count()).toBe(0);
    });

    it('has no serious or critical accessibility violation on any page (axe-core)', async () => {
      const created = await fetch(`${bench.baseUrl}/v1/encounters`, { method: 'POST', headers: { authorization: `Bearer ${bench.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...pairTrap, id: 'axe-1' }) });
      const { encounterId } = (await created.json()) as { encounterId: string };
      const batches = (await (await fetch(`${bench.baseUrl}/v1/batches`, { headers: { authorization: `Bearer ${bench.token}` } })).json()) as { batches: { id: string }[] };
      const scan = async (hash: string, ready: string) => {
        await page.goto(`${bench.baseUrl}/${hash}`);
        await page.locator(ready).first().waitFor();
        return (await axeViolations(page)).map((v) => `${hash || 'sign-in'}: ${v}`);
      };
      const found = [
        ...(await scan('#/worklist', 'main h1')),
        ...(await scan('#/new', '.coach')),
        ...(await scan('#/report', 'form.report-draft')),
        ...(await scan(`#/encounters/${encounterId}`, 'li.finding')),
        ...(await scan('#/batches', 'main h1')),
        ...(await scan(`#/batches/${batches.batches[0]!.id}`, 'table.batch-items')),
        ...(await scan('#/dashboard', 'figure.chart svg')),
        ...(await scan('#/denials', 'table.denials tbody tr')),
        ...(await scan('#/figures', 'section.figure-card svg')),
        ...(await scan(`#/encounters/${encounterId}`, 'section.life ol.life-timeline')),
        ...(await scan('#/reference', 'table.reference-codes')),
        ...(await scan('#/reference/77085?date=2026-02-10', '#ref-coverage')),
        ...(await scan('#/reference/changes', '#changes-embedded')),
      ];
      const signedOut = await context.browser()!.newContext();
      const signIn = await signedOut.newPage();
      await signIn.goto(`${bench.baseUrl}/`);
      await signIn.locator('h1', { hasText: 'Sign in' }).waitFor();
      found.push(...(await axeViolations(signIn)).map((v) => `sign-in: ${v}`));
      await signedOut.close();
      expect(found).toEqual([]);
    });

    it('renders the API docs under their content security policy, and refuses to be framed', async () => {
      const docs = await context.newPage();
      const violations: string[] = [];
      docs.on('console', (message) => {
        if (message.type() === 'error') violations.push(message.text());
      });
      docs.on('pageerror', (error) => violations.push(String(error)));
      const response = await docs.goto(`${bench.baseUrl}/docs/`);
      expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
      await docs.locator('.swagger-ui .info .title').waitFor();
      expect(await docs.locator('.swagger-ui .opblock').count()).toBeGreaterThan(10);
      await screenshot(docs, '12-api-docs');
      // A page that frames the docs gets nothing: the browser blocks the frame.
      await docs.setContent(`<iframe id="framed" src="${bench.baseUrl}/docs/"></iframe>`);
      await docs.waitForTimeout(500);
      const framed = await docs.frameLocator('#framed').locator('.swagger-ui').count();
      expect(framed).toBe(0);
      expect(violations.filter((text) => !/frame-ancestors|Refused to display|ERR_BLOCKED_BY_RESPONSE/.test(text))).toEqual([]);
      await docs.close();
    });

    it('asks no host but the server for anything, and logs no error', () => {
      const origin = new URL(bench.baseUrl).origin;
      const elsewhere = requests.filter((url) => !url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== origin);
      expect(elsewhere).toEqual([]);
      expect(requests.length).toBeGreaterThan(10);
      // 4xx answers the tests provoke on purpose (a bad token, a refused override) are logged by the browser as failed loads.
      expect(consoleErrors.filter((text) => !/status of 4\d\d/.test(text))).toEqual([]);
    });
  });
}
