// End to end: scenario 3 (policy-driven multi-environment promotion) on the demo workspace, in
// Chromium: pre- and post-action workflows set per environment in the Flow Builder, then seen
// running in the release view.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningServer } from '@stagecoach/server';
import { ARTIFACTS_DIR } from './screenshots.ts';
import { BROWSER_SKIP, callApi, openSignedInDemo, pick, type SignedInDemo } from './harness.ts';

const ADMIN = 'sct_e2e-policies-admin-token-00000';
const skip = BROWSER_SKIP;
if (skip) console.log(`# browser tests skipped: ${skip}`);

describe('policy-driven promotion in Chromium on the demo workspace', { skip }, () => {
  let demo: SignedInDemo | undefined;
  let server: RunningServer;
  let page: Page;

  const api = (method: string, path: string) => callApi(server, ADMIN, method, path);

  before(async () => {
    demo = await openSignedInDemo('policies', ADMIN);
    ({ server, page } = demo);
  });

  after(() => demo?.close());

  test('scenario 3: pre- and post-action workflows for qa and production, saved, triggered for billing-api, and shown per environment in the release', async () => {
    await page.goto(`${server.url}/flows/three-env-promotion`);
    await page.locator('[data-environment="production"]').waitFor();

    /** Sets the slots of one environment in its settings panel; `action` undefined leaves it to the policies. */
    async function setSlots(environment: string, slots: { preAction: string; action?: string; postAction: string }) {
      await page.getByRole('button', { name: `Edit ${environment}`, exact: true }).click();
      const settings = page.getByRole('region', { name: `Settings of ${environment}` });
      await settings.getByRole('combobox', { name: 'Pre-action workflow' }).click();
      await pick(page, slots.preAction);
      if (slots.action) {
        await settings.getByRole('combobox', { name: 'Action', exact: true }).click();
        await pick(page, slots.action);
      }
      await settings.getByRole('combobox', { name: 'Post-action workflow' }).click();
      await pick(page, slots.postAction);
    }

    // billing-api has no policy with a post-action: notify can only come from the flow.
    await setSlots('qa', { preAction: 'smoke-tests', action: 'Commit', postAction: 'notify' });
    await setSlots('production', { preAction: 'integration-tests', postAction: 'notify' });
    const chartNode = (environment: string) => page.getByRole('group', { name: 'Flow chart' }).locator(`[data-environment="${environment}"]`);
    await chartNode('qa').getByText('post: notify').waitFor();
    assert.deepEqual(await chartNode('qa').getByText(/^(pre|action|post): /).allInnerTexts(), ['pre: smoke-tests', 'action: commit', 'post: notify']);
    assert.deepEqual(await chartNode('production').getByText(/^(pre|action|post): /).allInnerTexts(), ['pre: integration-tests', 'action: from policies', 'post: notify']);
    assert.equal(await page.locator('[data-problem="true"]').count(), 0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'policies-flow-builder.png') });

    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.getByText('Flow saved').first().waitFor();
    const stored = await api('GET', '/api/v1/promotion-flows/three-env-promotion');
    assert.deepEqual(stored.spec.steps, [
      { environment: 'qa', policy: { preAction: 'smoke-tests', action: 'commit', postAction: 'notify' } },
      { environment: 'production', policy: { preAction: 'integration-tests', postAction: 'notify' } },
    ]);
    assert.equal(stored.metadata.resourceVersion, '2');

    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Product' }).click();
    await pick(page, 'billing-api');
    await dialog.getByRole('radio', { name: 'billing-api-dev' }).waitFor();
    await dialog.getByRole('button', { name: 'Trigger', exact: true }).click();
    await page.waitForURL(/\/releases\/[^/]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    // The release fixed the slots with where each came from: the flow's step, or a policy.
    const release = await api('GET', `/api/v1/releases/${id}`);
    assert.equal(release.product, 'billing-api');
    const plan = (environment: string) => release.snapshot.steps.find((s: any) => s.environment === environment).policy;
    assert.deepEqual(plan('qa'), {
      preAction: { value: 'smoke-tests', source: { type: 'inline', name: 'flow "three-env-promotion" step "qa"' } },
      action: { value: 'commit', source: { type: 'inline', name: 'flow "three-env-promotion" step "qa"' } },
      postAction: { value: 'notify', source: { type: 'inline', name: 'flow "three-env-promotion" step "qa"' } },
    });
    assert.deepEqual(plan('production').action, { value: 'pr', source: { type: 'policy', name: 'production-needs-pr', priority: 10 } });
    assert.equal(plan('production').postAction.value, 'notify');

    await page.getByRole('heading', { name: release.title }).waitFor();
    const node = (environment: string) => page.locator(`[role="group"][data-environment="${environment}"]`);
    const row = (environment: string, task: string) => node(environment).locator(`[data-task="${task}"]`);
    for (const [environment, rows] of [
      ['qa', { pre: 'pre-action smoke-tests', action: 'action commit', post: 'post-action notify' }],
      ['production', { pre: 'pre-action integration-tests', action: 'action pull request', post: 'post-action notify' }],
    ] as const) {
      const tasks = node(environment).locator('[data-task]');
      const keys = await Promise.all(Array.from({ length: await tasks.count() }, (_, i) => tasks.nth(i).getAttribute('data-task')));
      assert.deepEqual(keys, ['pre', 'action', 'sync', 'post'], environment);
      for (const [task, text] of Object.entries(rows)) {
        // textContent, not innerText: a node still being placed may not be laid out yet.
        const shown = ((await row(environment, task).textContent()) ?? '').replace(/\s+/g, ' ');
        assert.ok(shown.includes(text), `${environment} ${task} shows "${text}": "${shown}"`);
      }
    }

    // production-needs-pr makes production wait for its pull request, after its pre-action and before its post-action.
    await node('production').and(page.locator('[data-status="Suspended"]')).waitFor();
    await row('production', 'action').and(page.locator('[data-status="Suspended"]')).waitFor();
    assert.equal(await row('production', 'pre').getAttribute('data-status'), 'Succeeded');
    assert.equal(await row('production', 'sync').getAttribute('data-status'), 'Pending');
    assert.equal(await row('production', 'post').getAttribute('data-status'), 'Pending');
    for (const task of ['pre', 'action', 'sync', 'post']) assert.equal(await row('qa', task).getAttribute('data-status'), 'Succeeded', `qa ${task}`);
    await row('production', 'action').getByRole('link', { name: 'PR' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'policies-release-suspended.png') });

    const open = (await api('GET', '/api/v1/pull-requests?state=open')).items;
    assert.equal(open.length, 1, JSON.stringify(open));
    await api('POST', `/api/v1/pull-requests/${open[0].id}/merge`);

    await page.getByRole('heading', { name: release.title }).locator('xpath=..').getByText('Succeeded', { exact: true }).waitFor();
    await row('production', 'post').and(page.locator('[data-status="Succeeded"]')).waitFor();
    for (const environment of ['qa', 'production']) {
      assert.equal(await node(environment).getAttribute('data-status'), 'Succeeded', environment);
      for (const task of ['pre', 'action', 'sync', 'post']) assert.equal(await row(environment, task).getAttribute('data-status'), 'Succeeded', `${environment} ${task}`);
    }
    await node('production').getByRole('button', { name: /^Logs of post-action/ }).click();
    const logs = page.getByLabel('Workflow run logs');
    await logs.getByText(/billing-api-production promoted to production at [0-9a-f]{7}/).waitFor();
    await page.keyboard.press('Escape');
    await logs.waitFor({ state: 'hidden' });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'policies-release.png') });
  });
});
