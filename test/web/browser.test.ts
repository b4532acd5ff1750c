/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Code in page.evaluate and waitForFunction runs in the browser.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO } from '../support/sandbox';
import { STACK_KINDS, startWebStack, type WebStack } from '../support/web-stack';

/*
 * The web UI in a real browser (Debian's Chromium, headless) against `sluice standalone` running
 * the demo DAG, as a newcomer sees it after `npm start`. The Postgres run saves the screenshots
 * the README shows.
 */
const IMAGES = path.join(REPO, 'docs/images');
const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-browser-'));
const env = {
  SLUICE_PROJECT_DIR: REPO,
  SLUICE_EXPECTATIONS_DIR: path.join(REPO, 'expectations'),
  SLUICE_TARGET_DIR: path.join(dir, 'target'),
};
let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(STACK_KINDS)('the web UI in a browser on %s', (kind) => {
  let stack: WebStack;
  let page: Page;
  const shot = async (name: string) => {
    if (kind === 'postgres') await page.screenshot({ path: path.join(IMAGES, `${name}.png`), fullPage: true });
  };
  beforeAll(async () => {
    stack = await startWebStack(kind, `browser_${kind}`, { dir, dags: path.join(REPO, 'dags') }, env);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 180_000);
  afterAll(async () => {
    await page?.close();
    await stack?.stop();
  }, 60_000);

  const login = async (p: Page, user: string, password: string) => {
    await p.goto(`${stack.url}/dags`);
    await p.waitForURL(/\/login\?next=/);
    await p.fill('input[name=username]', user);
    await p.fill('input[name=password]', password);
    await p.click('button[type=submit]');
    await p.waitForURL(/\/dags$/);
  };
  /** The newest run's column of the grid (its header square and cells) without reloading the page. */
  const newestRunState = (p: Page) =>
    p.evaluate(() => {
      const heads = [...document.querySelectorAll('table.grid thead a.square')];
      return heads.at(-1)?.className.replace(/.*state-/, '');
    });

  test('log in, trigger the demo from the form and watch the grid turn green without a reload', async () => {
    await login(page, 'admin', stack.adminPassword);
    await page.click('a.dag-id:has-text("demo_shop")');
    await page.waitForURL(/\/dags\/demo_shop$/);
    const runsBefore = await page.locator('table.grid thead a.square').count();
    await page.click('a:has-text("Trigger")');
    await page.waitForURL(/\/trigger$/);
    expect(await page.locator('input[name="param.scale"]').inputValue()).toBe('1');
    await page.click('button:has-text("Trigger")');
    await page.waitForURL(/\/dags\/demo_shop$/);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await page.waitForFunction((n) => document.querySelectorAll('table.grid thead a.square').length > n, runsBefore, {
      timeout: 60_000,
    });
    await page.waitForFunction(
      () => [...document.querySelectorAll('table.grid thead a.square')].at(-1)?.classList.contains('state-success'),
      undefined,
      { timeout: 120_000 },
    );
    // Still the same document: the grid changed under the page, not through a reload.
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await newestRunState(page)).toBe('success');
    await shot('grid');
    await page.goto(`${stack.url}/dags`);
    await shot('dags');
  }, 240_000);

  test('a failed checkpoint shows its failing expectation with sample values; clearing runs it again', async () => {
    await page.goto(`${stack.url}/dags/demo_shop/trigger`);
    await page.check('input[name="param.bad_data"]');
    // Another day: the demo's day already landed keeps what it landed (and so its good data).
    await page.fill('input[name=logical_date]', '2026-11-20T00:00:00');
    await page.click('button:has-text("Trigger")');
    await page.waitForURL(/\/dags\/demo_shop$/);
    await page.waitForFunction(
      () => [...document.querySelectorAll('table.grid thead a.square')].at(-1)?.classList.contains('state-failed'),
      undefined,
      { timeout: 120_000 },
    );
    const failedCell = page.locator('table.grid tbody tr', { hasText: 'check_raw' }).locator('a.cell').last();
    expect(await failedCell.getAttribute('class')).toContain('state-failed');
    await failedCell.click();
    await page.waitForURL(/\/tasks\/check_raw$/);
    await expect(page.locator('h2:has-text("Why it failed")').count()).resolves.toBe(1);
    // The whole validation of the suite that failed: its failing expectations with sample values
    // and, folded, the SQL that fetches every failing row.
    const table = page.locator('section.validation', { hasText: 'Validation of raw_orders' });
    expect(await table.locator('h2 .state-failed').count()).toBe(1);
    const failing = table.locator('tr.failing');
    expect(await failing.count()).toBeGreaterThan(0);
    expect(await failing.locator('code.sample').count()).toBeGreaterThan(0);
    const sql = failing.locator('details.failing-rows').first();
    expect(await sql.locator('pre.sql').isVisible()).toBe(false);
    await sql.locator('summary').click();
    expect(await sql.locator('pre.sql').innerText()).toMatch(/raw.*shop_orders/s);
    // The validation's Data Docs page, served by the web server.
    const docs = await table.locator('a:has-text("Data Docs")').first().getAttribute('href');
    expect(docs).toMatch(/^\/data-docs\/validations\/raw_orders\/\d+\.html$/);
    const served = await page.request.get(`${stack.url}${docs}`);
    expect(served.status()).toBe(200);
    expect(await served.text()).toContain('raw_orders');
    expect(served.headers()['content-security-policy']).toMatch(/default-src 'none'; style-src 'unsafe-inline'/);
    expect((await page.request.get(`${stack.url}/data-docs/..%2F..%2Fstandalone_admin_password.txt`)).status()).toBe(
      404,
    );
    await shot('task-instance');
    await page.click('a:has-text("Clear…")');
    await page.waitForURL(/\/clear$/);
    expect(await page.locator('table.list tbody tr').count()).toBeGreaterThan(1); // check_raw and its downstream
    await shot('clear');
    const runUrl = page.url().replace(/\/tasks\/check_raw\/clear$/, '');
    await page.click('button:has-text("Clear")');
    await page.waitForURL(/\/dags\/demo_shop$/);
    // It runs again (and, the data still bad, fails again): try 2 appears on its page.
    await page.goto(`${runUrl}/tasks/check_raw`);
    await page.waitForFunction(
      () => document.querySelectorAll('table.list tbody tr td a[href*="try="]').length >= 2,
      undefined,
      {
        timeout: 120_000,
      },
    );
  }, 300_000);

  test('pause from the list; a Viewer sees no action and a forged POST is refused', async () => {
    await page.goto(`${stack.url}/dags`);
    await page.click('button.toggle:has-text("Active")');
    await page.waitForURL(/\/dags$/);
    expect(await page.locator('button.toggle').innerText()).toBe('Paused');
    await page.click('button.toggle:has-text("Paused")');
    expect(await page.locator('button.toggle').innerText()).toBe('Active');

    const made = await stack.sluice(
      ['users', 'create', 'vera', '--role', 'Viewer', '--password-stdin'],
      'vera-pass-1\n',
    );
    expect(made.code).toBe(0);
    const viewer = await browser.newPage({ viewport: { width: 800, height: 900 } });
    try {
      await login(viewer, 'vera', 'vera-pass-1');
      expect(await viewer.locator('button.toggle').count()).toBe(0);
      await viewer.click('a.dag-id:has-text("demo_shop")');
      expect(await viewer.locator('a:has-text("Trigger"), form[action$="/pause"]').count()).toBe(0);
      const status = await viewer.evaluate(async () => {
        const csrf = (document.querySelector('input[name=_csrf]') as unknown as { value: string }).value;
        const r = await fetch('/dags/demo_shop/pause', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `_csrf=${encodeURIComponent(csrf)}&paused=true`,
        });
        return r.status;
      });
      expect(status).toBe(403);
      if (kind === 'postgres') await viewer.screenshot({ path: path.join(IMAGES, 'dag-800px.png'), fullPage: true });
    } finally {
      await viewer.close();
    }
  }, 120_000);

  test('a backfill from the form shows its progress live; the Data pages draw the lineage and a chart', async () => {
    await page.goto(`${stack.url}/dags/demo_shop/backfill`);
    await page.fill('input[name=start]', '2026-10-01T00:00:00');
    await page.fill('input[name=end]', '2026-10-02T00:00:00');
    await page.click('button[value=preview]');
    await page.waitForSelector('button[value=create]');
    expect(await page.locator('button[value=create]').innerText()).toMatch(/2 run\(s\)/);
    await page.click('button[value=create]');
    await page.waitForURL(/\/dags\/demo_shop\/backfills\/\d+$/);
    // The page is not reloaded: the progress fragment follows the runs as they end.
    await page.evaluate(() => ((window as unknown as { loaded: number }).loaded = 1));
    await page.waitForFunction(
      () => document.querySelector('[data-progress]')?.getAttribute('data-progress') === '100',
      undefined,
      {
        timeout: 180_000,
      },
    );
    expect(await page.evaluate(() => (window as unknown as { loaded?: number }).loaded)).toBe(1);
    await shot('backfill');

    await page.goto(`${stack.url}/data`);
    const nodes = page.locator('svg.lineage-graph a');
    expect(await nodes.count()).toBeGreaterThan(10);
    await shot('lineage');
    const table = page.locator('svg.lineage-graph a[href="/data/tables/raw.shop_orders"]');
    expect(await table.count()).toBe(1);
    await table.click();
    await page.waitForURL(/\/data\/tables\/raw\.shop_orders$/);
    // ECharts drew the row counts (a canvas inside the chart element).
    await page.waitForSelector('div.chart canvas', { timeout: 10_000 });
    await shot('table');
  }, 300_000);
});
