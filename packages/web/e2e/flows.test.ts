// End to end: building, saving and triggering promotion flows in the Flow Builder, on the demo
// workspace, in Debian's Chromium driven by playwright-core.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningServer } from '@stagecoach/server';
import { docImage } from './screenshots.ts';
import { addAfter, BROWSER_SKIP, openSignedInDemo, pick, type SignedInDemo } from './harness.ts';

const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const ADMIN = 'sct_e2e-flows-admin-token-00000000';
const skip = BROWSER_SKIP;
if (skip) console.log(`# browser tests skipped: ${skip}`);

async function api(server: RunningServer, path: string): Promise<any> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

describe('Flow Builder in Chromium on the demo workspace', { skip }, () => {
  let demo: SignedInDemo | undefined;
  let server: RunningServer;
  let page: Page;

  before(async () => {
    demo = await openSignedInDemo('flows', ADMIN);
    ({ server, page } = demo);
  });

  after(() => demo?.close());

  test('scenario 2: build dev → qa → production, save it, trigger it for billing-api and land on the release', async () => {
    await page.goto(`${server.url}/flows`);
    await page.getByRole('link', { name: 'env-dependencies' }).waitFor();
    await page.getByRole('button', { name: 'New flow' }).click();
    await page.waitForURL(/\/flows\/new$/);

    await page.getByLabel('Name').fill('three-env-builder');
    await page.getByLabel('Description').fill('dev to qa to production, built in the browser');
    await page.getByLabel('Version').fill('1.0');
    await page.getByRole('combobox', { name: 'Trigger environment' }).click();
    await pick(page, 'dev');
    await addAfter(page, 'dev', 'qa');
    await addAfter(page, 'qa', 'production');
    await page.locator('[data-environment="production"]').waitFor();
    assert.equal(await page.locator('[data-problem="true"]').count(), 0);
    await page.screenshot({ path: join(ARTIFACTS, 'flow-builder-new.png') });

    await page.getByRole('tab', { name: 'YAML' }).click();
    const yaml = await page.getByLabel('Flow YAML').inputValue();
    assert.match(yaml, /triggerEnvironment: dev\n {2}steps:\n {4}- environment: qa\n {4}- environment: production\n/);
    await page.getByRole('tab', { name: 'Chart' }).click();

    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.waitForURL(/\/flows\/three-env-builder$/);
    const stored = await api(server, '/api/v1/promotion-flows/three-env-builder');
    assert.deepEqual(stored.spec, { triggerEnvironment: 'dev', steps: [{ environment: 'qa' }, { environment: 'production' }] });
    assert.equal(stored.metadata.annotations.description, 'dev to qa to production, built in the browser');

    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Product' }).click();
    await pick(page, 'billing-api');
    await dialog.getByRole('radio', { name: 'billing-api-dev' }).waitFor();
    assert.equal(await dialog.getByRole('radio', { name: 'billing-api-dev' }).isChecked(), true);
    await dialog.getByRole('button', { name: 'Trigger', exact: true }).click();
    await page.waitForURL(/\/releases\/[^/]+$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const release = await api(server, `/api/v1/releases/${id}`);
    assert.equal(release.product, 'billing-api');
    assert.equal(release.trigger, 'flow');
    assert.deepEqual(release.steps.map((s: any) => s.environment).filter((e: string) => e !== 'dev'), ['qa', 'production']);
    await page.screenshot({ path: join(ARTIFACTS, 'flow-builder-triggered.png') });
  });

  test('scenario 5: env-dependencies gains production-eu after qa and staging; the stored flow says so', async () => {
    await page.goto(`${server.url}/flows/env-dependencies`);
    await page.locator('[data-environment="production"]').waitFor();
    assert.equal(await page.locator('[data-environment]').count(), 4);

    await addAfter(page, 'qa', 'production-eu');
    const settings = page.getByRole('region', { name: 'Settings of production-eu' });
    await settings.getByLabel(/^Depends on/).first().click();
    await pick(page, 'staging');
    await page.keyboard.press('Escape');
    await settings.getByRole('combobox', { name: 'Action', exact: true }).click();
    await pick(page, 'Pull request');
    assert.equal(await page.locator('[data-problem="true"]').count(), 0);
    await page.screenshot({ path: join(ARTIFACTS, 'flow-builder-dependencies.png') });
    await page.screenshot({ path: docImage('flow-builder.png') });

    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.getByText('Flow saved').first().waitFor();
    const stored = await api(server, '/api/v1/promotion-flows/env-dependencies');
    assert.deepEqual(stored.spec.steps.at(-1), { environment: 'production-eu', dependsOn: ['qa', 'staging'], policy: { action: 'pr' } });
    assert.deepEqual(stored.spec.steps.slice(0, 3).map((s: any) => [s.environment, s.dependsOn]), [
      ['qa', ['dev']],
      ['staging', ['dev']],
      ['production', ['qa', 'staging']],
    ]);
    assert.deepEqual(stored.spec.hooks, { onFail: 'notify' });
    assert.equal(stored.metadata.resourceVersion, '2');
  });
});
