// End to end: scenario 1 (drag-and-drop promotion) on the demo workspace, in Chromium.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import type { RunningServer } from '@stagecoach/server';
import { docImage } from './screenshots.ts';
import { BROWSER_SKIP, startDemoInBrowser } from './harness.ts';

/** The text of the focused element; runs in the page (the tests themselves compile without the DOM library). */
const focusedText = (): string => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? '';

const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const ADMIN = 'sct_e2e-promote-admin-token-00000000';
const VIEWPORT = { width: 1280, height: 800 };
const skip = BROWSER_SKIP;
if (skip) console.log(`# browser tests skipped: ${skip}`);

async function api(server: RunningServer, path: string): Promise<any> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  const text = await response.text();
  assert.equal(response.status, 200, `${path}: ${text}`);
  return JSON.parse(text);
}

async function waitForRelease(server: RunningServer, id: string, status: string): Promise<any> {
  for (;;) {
    const release = await api(server, `/api/v1/releases/${id}`);
    if (release.status === status) return release;
    assert.ok(!['Failed', 'Terminated'].includes(release.status), `release ${id} ended ${release.status}: ${release.message ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function card(page: Page, environment: string, product: string): Locator {
  return page.getByRole('region', { name: environment, exact: true }).getByRole('article', { name: product, exact: true });
}

async function signIn(page: Page, server: RunningServer): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByLabel('API token').fill(ADMIN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('region', { name: 'dev', exact: true }).waitFor();
}

describe('promotion from the dashboard in Chromium', { skip }, () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    ({ dir, server, browser } = await startDemoInBrowser('promote', ADMIN));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('scenario 1: drag cf-101 from dev onto cf-101 in qa, review the diff, promote, and see qa at dev\'s version', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, server);

    const source = card(page, 'dev', 'cf-101');
    const target = card(page, 'qa', 'cf-101');
    await source.getByLabel('version 1.4.0').waitFor();
    await target.getByLabel('version 1.3.2').waitFor();
    await page.screenshot({ path: docImage('dashboard.png') });

    // Hovering the product name lists its applications there, with commit, author and date.
    await source.getByRole('button', { name: 'cf-101 in dev: applications' }).hover();
    const details = page.getByRole('dialog').filter({ hasText: 'cf-101 in dev' });
    await details.getByRole('cell', { name: 'cf-101-dev', exact: true }).waitFor();
    assert.match(await details.innerText(), /\b[0-9a-f]{7}\b/);
    await page.screenshot({ path: join(ARTIFACTS, 'promote-hover.png') });
    await page.mouse.move(5, 700);
    await details.waitFor({ state: 'hidden' });

    // dnd-kit starts a drag only after the pointer moved, so the mouse goes down, moves in steps, and up.
    const from = await source.boundingBox();
    const to = await target.boundingBox();
    assert.ok(from && to);
    await page.mouse.move(from.x + 40, from.y + 20);
    await page.mouse.down();
    await page.mouse.move(from.x + 60, from.y + 30, { steps: 5 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 20 });
    await page.getByRole('status').filter({ hasText: 'cf-101: dev → qa' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'promote-drag.png') });
    await page.mouse.up();

    await page.waitForURL((url) => url.pathname === '/promote');
    const search = new URL(page.url()).searchParams;
    assert.deepEqual(Object.fromEntries(search), { product: 'cf-101', from: 'dev', to: 'qa' });

    const diff = page.getByRole('figure', { name: 'diff of cf-101-qa values.yaml' });
    await diff.getByText('tag: "1.4.0"').waitFor();
    await diff.getByText('tag: "1.3.2"').waitFor();
    const settings = page.getByRole('region', { name: 'Promotion settings' });
    await settings.getByText('from policy', { exact: false }).first().waitFor();
    await page.screenshot({ path: docImage('commit-changes.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'promote-commit-changes.png'), fullPage: true });

    // A second viewer keeps the dashboard open: the version event moves its qa card without a reload.
    const watcher = await browser.newPage({ viewport: VIEWPORT });
    await signIn(watcher, server);
    await card(watcher, 'qa', 'cf-101').getByLabel('version 1.3.2').waitFor();

    await page.getByRole('button', { name: 'Promote', exact: true }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/releases/'));
    const id = decodeURIComponent(new URL(page.url()).pathname.slice('/releases/'.length));
    assert.ok(id.length > 0);

    const release = await waitForRelease(server, id, 'Succeeded');
    assert.equal(release.product, 'cf-101');
    await page.screenshot({ path: join(ARTIFACTS, 'promote-release.png') });

    await card(watcher, 'qa', 'cf-101').getByLabel('version 1.4.0').waitFor();
    assert.equal(new URL(watcher.url()).pathname, '/', 'the watcher never left the dashboard');
    await watcher.screenshot({ path: join(ARTIFACTS, 'promote-dashboard-after.png') });
    await watcher.close();
    await page.close();
  });

  test('the Promote menu opens Commit Changes with the keyboard alone', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, server);

    const button = card(page, 'qa', 'cf-101').getByRole('button', { name: 'Promote cf-101 from qa' });
    await button.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'staging', exact: true }).waitFor();
    for (let presses = 0; presses < 8; presses++) {
      const focused = await page.evaluate(focusedText);
      if (focused === 'staging') break;
      await page.keyboard.press('ArrowDown');
    }
    assert.equal(await page.evaluate(focusedText), 'staging');
    await page.keyboard.press('Enter');

    await page.waitForURL((url) => url.pathname === '/promote');
    assert.deepEqual(Object.fromEntries(new URL(page.url()).searchParams), { product: 'cf-101', from: 'qa', to: 'staging' });
    await page.getByRole('heading', { name: 'Commit Changes' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'promote-keyboard.png') });
    await page.close();
  });
  test('dragging one application of several promotes from it: Commit Changes names it, its picker holding it', async () => {
    const cf101Dev = await api(server, '/api/v1/applications/cf-101-dev');
    const canary = `apiVersion: stagecoach.dev/v1alpha1\nkind: Application\nmetadata: {name: cf-101-dev-canary}\nspec: {product: cf-101, environment: dev, source: ${JSON.stringify(cf101Dev.spec.source)}}\n`;
    const headers = { authorization: `Bearer ${ADMIN}` };
    const applied = await fetch(`${server.url}/api/v1/apply`, { method: 'POST', headers: { ...headers, 'content-type': 'application/yaml' }, body: canary });
    assert.equal(applied.status, 200, await applied.text());
    try {
      const page = await browser.newPage({ viewport: VIEWPORT });
      await signIn(page, server);
      const line = card(page, 'dev', 'cf-101').locator('[data-application="cf-101-dev-canary"]');
      const target = card(page, 'qa', 'cf-101');
      const from = await line.boundingBox();
      const to = await target.boundingBox();
      assert.ok(from && to);
      await page.mouse.move(from.x + 10, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(from.x + 30, from.y + 10, { steps: 5 });
      await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 20 });
      await page.getByRole('status').filter({ hasText: 'cf-101 (cf-101-dev-canary): dev → qa' }).waitFor();
      await page.mouse.up();

      await page.waitForURL((url) => url.pathname === '/promote');
      assert.deepEqual(Object.fromEntries(new URL(page.url()).searchParams), { product: 'cf-101', from: 'dev', to: 'qa', application: 'cf-101-dev-canary' });
      await page.getByText('(source application cf-101-dev-canary)').waitFor();
      const picker = page.getByRole('textbox', { name: 'Source application' }).or(page.getByRole('combobox', { name: 'Source application' }));
      assert.equal(await picker.first().inputValue(), 'cf-101-dev-canary');
      // The canary shares dev's folder, and qa took dev's values in scenario 1: the preview read it and found nothing to change.
      await page.getByText('no change: the target already holds these values').waitFor();
      await page.screenshot({ path: join(ARTIFACTS, 'promote-application-drag.png'), fullPage: true });
      await page.close();
    } finally {
      await fetch(`${server.url}/api/v1/applications/cf-101-dev-canary`, { method: 'DELETE', headers });
    }
  });
});
