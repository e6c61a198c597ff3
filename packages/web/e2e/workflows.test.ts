// End to end: the products pages and a workflow run started from its template page, in Chromium.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '@stagecoach/server';
import { docImage } from './screenshots.ts';
import { BROWSER_SKIP, startDemoInBrowser } from './harness.ts';

const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const ADMIN = 'sct_e2e-workflows-admin-token-0000';
const skip = BROWSER_SKIP;
if (skip) console.log(`# browser tests skipped: ${skip}`);

describe('products and workflows in Chromium', { skip }, () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    ({ dir, server, browser } = await startDemoInBrowser('workflows', ADMIN));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('cf-101 shows six environments with versions; fail-on-purpose runs with SHOULD_FAIL=false and succeeds', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/products`);
    await page.getByLabel('API token').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Products' }).waitFor();

    const row = page.locator('tr[data-product="cf-101"]');
    await row.waitFor();
    for (const environment of ['dev', 'qa', 'staging', 'production', 'production-eu', 'production-asia']) {
      await row.getByText(environment, { exact: true }).waitFor();
    }
    await row.getByRole('link', { name: 'cf-101' }).click();
    await page.getByRole('heading', { name: 'cf-101' }).waitFor();
    const versions = page.getByRole('table', { name: 'Application versions' });
    await versions.locator('[data-version]').first().waitFor();
    const environments = await versions.locator('tr[data-environment]').evaluateAll((rows) => rows.map((tr) => tr.getAttribute('data-environment')));
    assert.deepEqual([...new Set(environments)].sort(), ['dev', 'production', 'production-asia', 'production-eu', 'qa', 'staging']);
    const versioned = await versions.locator('tr[data-environment]:has([data-version])').count();
    assert.equal(versioned, environments.length, 'every application has a version');
    await page.screenshot({ path: docImage('product-page.png') });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workflows' }).click();
    await page.getByRole('link', { name: 'fail-on-purpose' }).click();
    await page.getByRole('heading', { name: 'fail-on-purpose' }).waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const parameter = page.getByLabel('SHOULD_FAIL');
    assert.equal(await parameter.inputValue(), 'true');
    await parameter.fill('false');
    await page.getByRole('button', { name: 'Start run' }).click();

    await page.waitForURL(/\/workflow-runs\//);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const header = page.getByRole('heading', { name: id }).locator('xpath=..');
    await header.locator('[data-phase="Succeeded"]').waitFor({ timeout: 15_000 });
    const graph = page.getByRole('figure', { name: 'Run graph' });
    assert.ok((await graph.locator('.react-flow__node').count()) >= 1, 'the graph has nodes');
    await graph.locator('[data-node][data-phase="Succeeded"]').first().waitFor();
    await page.getByLabel('Run logs').getByText('passing').waitFor();
    await page.screenshot({ path: docImage('workflow-run.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'workflows-run.png'), fullPage: true });
    await page.close();
  });
});
