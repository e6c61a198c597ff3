// End to end: the configuration pages (policies, environments, applications) on the demo
// workspace, in Debian's Chromium driven by playwright-core.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningServer } from '@stagecoach/server';
import { ARTIFACTS_DIR } from './screenshots.ts';
import { BROWSER_SKIP, openSignedInDemo, pick, type SignedInDemo } from './harness.ts';

const ADMIN = 'sct_e2e-configure-admin-token-0000';
const skip = BROWSER_SKIP;
if (skip) console.log(`# browser tests skipped: ${skip}`);

async function status(server: RunningServer, path: string): Promise<number> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return response.status;
}

async function api(server: RunningServer, path: string): Promise<any> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

describe('configuration pages in Chromium on the demo workspace', { skip }, () => {
  let demo: SignedInDemo | undefined;
  let server: RunningServer;
  let page: Page;

  before(async () => {
    demo = await openSignedInDemo('configure', ADMIN);
    ({ server, page } = demo);
  });

  after(() => demo?.close());

  test('evaluating cf-101 promoted to production gives a pull request from production-needs-pr', async () => {
    await page.goto(`${server.url}/policies`);
    await page.locator('[data-policy="production-needs-pr"]').waitFor();
    await page.getByRole('button', { name: 'Evaluate policy' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Product' }).click();
    await pick(page, 'cf-101');
    await dialog.getByRole('combobox', { name: 'Target environment' }).click();
    await pick(page, 'production');
    await dialog.getByRole('button', { name: 'Evaluate' }).click();
    const action = dialog.getByRole('group', { name: 'Action', exact: true });
    await action.waitFor();
    const text = await action.innerText();
    assert.match(text, /\(pr\)/);
    assert.match(text, /production-needs-pr/);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'configure-policy-evaluation.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('an environment and an application are created, then deleted again', async () => {
    await page.goto(`${server.url}/environments`);
    await page.locator('[data-environment="production"]').waitFor();
    await page.getByRole('button', { name: 'Add environment' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('perf');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('[data-environment="perf"]').waitFor();
    assert.equal((await api(server, '/api/v1/environments/perf')).spec.kind, 'non-production');

    const [source] = (await api(server, '/api/v1/applications')).items.filter((a: any) => a.spec.product === 'cf-101');
    await page.goto(`${server.url}/applications`);
    await page.locator('[data-application]').first().waitFor();
    await page.getByRole('button', { name: 'Add application' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('cf-101-perf');
    await dialog.getByRole('combobox', { name: 'Product' }).click();
    await pick(page, 'cf-101');
    await dialog.getByRole('combobox', { name: 'Environment' }).click();
    await pick(page, 'perf');
    await dialog.getByLabel('Repository URL').fill(source.spec.source.repoURL);
    await dialog.getByLabel('Path').fill('envs/perf');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('[data-application="cf-101-perf"]').waitFor();
    assert.equal((await api(server, '/api/v1/applications/cf-101-perf')).spec.environment, 'perf');

    // While the application names it, the environment may not go.
    await page.goto(`${server.url}/environments`);
    await page.getByRole('button', { name: 'Delete perf' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('list', { name: 'Used by' }).getByText('Application "cf-101-perf"').waitFor();
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'configure-environment-in-use.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.goto(`${server.url}/applications`);
    await page.getByRole('button', { name: 'Delete cf-101-perf' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.locator('[data-application="cf-101-perf"]').waitFor({ state: 'detached' });
    assert.equal(await status(server, '/api/v1/applications/cf-101-perf'), 404);

    await page.goto(`${server.url}/environments`);
    await page.getByRole('button', { name: 'Delete perf' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.locator('[data-environment="perf"]').waitFor({ state: 'detached' });
    assert.equal(await status(server, '/api/v1/environments/perf'), 404);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'configure-environments.png') });
  });
});
