// End to end: scenario 4 (multi-environment promotion with parallel environments) on the demo
// workspace, in Chromium: two production regions added after qa in the Flow Builder, then run side
// by side in the release view.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { RunningServer } from '@stagecoach/server';
import { ARTIFACTS_DIR } from './screenshots.ts';
import { addAfter, BROWSER_SKIP, callApi, openSignedInDemo, pick, type SignedInDemo } from './harness.ts';

const ADMIN = 'sct_e2e-parallel-admin-token-00000';
const PRODUCTION = ['production', 'production-eu', 'production-asia'] as const;
const skip = BROWSER_SKIP;
if (skip) console.log(`# browser tests skipped: ${skip}`);

/**
 * Asserts that `nodes` stand in one column (same x), one above the other without overlapping,
 * and right of `before`.
 */
async function assertStacked(before: Locator, nodes: Record<string, Locator>): Promise<void> {
  const left = (await before.boundingBox())!;
  const boxes = await Promise.all(Object.entries(nodes).map(async ([name, node]) => ({ name, box: (await node.boundingBox())! })));
  const [first] = boxes;
  for (const { name, box } of boxes) {
    assert.ok(Math.abs(box.x - first!.box.x) < 1, `${name} at x ${box.x}, ${first!.name} at x ${first!.box.x}`);
    assert.ok(box.x >= left.x + left.width, `${name} right of what it waits for`);
  }
  const byY = [...boxes].sort((a, b) => a.box.y - b.box.y);
  for (let i = 1; i < byY.length; i++) {
    const above = byY[i - 1]!;
    assert.ok(byY[i]!.box.y >= above.box.y + above.box.height, `${byY[i]!.name} below ${above.name}, not over it`);
  }
}

describe('parallel environments in Chromium on the demo workspace', { skip }, () => {
  let demo: SignedInDemo | undefined;
  let server: RunningServer;
  let page: Page;

  const api = (method: string, path: string) => callApi(server, ADMIN, method, path);

  before(async () => {
    demo = await openSignedInDemo('parallel', ADMIN);
    ({ server, page } = demo);
  });

  after(() => demo?.close());

  test('scenario 4: production-eu and production-asia added after qa run beside production, stacked in the release view', async () => {
    await page.goto(`${server.url}/flows/three-env-promotion`);
    const chart = page.getByRole('group', { name: 'Flow chart' });
    await chart.locator('[data-environment="production"]').waitFor();

    for (const region of ['production-eu', 'production-asia']) {
      await addAfter(page, 'qa', region);
      await chart.locator(`[data-environment="${region}"]`).waitFor();
    }
    for (const environment of PRODUCTION) await chart.locator(`.react-flow__edge[data-id="qa->${environment}"]`).waitFor({ state: 'attached' });
    assert.equal(await page.locator('[data-problem="true"]').count(), 0);
    const builderNode = (environment: string) => chart.locator(`[data-environment="${environment}"]`);
    await assertStacked(builderNode('qa'), Object.fromEntries(PRODUCTION.map((e) => [e, builderNode(e)])));
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'parallel-flow-builder.png') });

    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.getByText('Flow saved').first().waitFor();
    const stored = await api('GET', '/api/v1/promotion-flows/three-env-promotion');
    assert.deepEqual(stored.spec.steps, [
      { environment: 'qa' },
      { environment: 'production' },
      { environment: 'production-eu', dependsOn: ['qa'] },
      { environment: 'production-asia', dependsOn: ['qa'] },
    ]);

    // Only cf-101 has applications in every production region.
    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Product' }).click();
    await pick(page, 'cf-101');
    await dialog.getByRole('radio', { name: 'cf-101-dev' }).waitFor();
    await dialog.getByRole('button', { name: 'Trigger', exact: true }).click();
    await page.waitForURL(/\/releases\/[^/]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const release = await api('GET', `/api/v1/releases/${id}`);
    assert.equal(release.product, 'cf-101');
    assert.deepEqual(
      release.snapshot.steps.map((s: any) => [s.environment, s.dependsOn]),
      [['dev', []], ['qa', ['dev']], ...PRODUCTION.map((e) => [e, ['qa']])],
    );

    await page.getByRole('heading', { name: release.title }).waitFor();
    const node = (environment: string) => page.locator(`[role="group"][data-environment="${environment}"]`);
    // The edges are drawn once the nodes are measured, a moment after the nodes appear.
    for (const environment of PRODUCTION) await page.locator(`.react-flow__edge[data-id="qa->${environment}"]`).waitFor({ state: 'attached' });

    // production-needs-pr holds each region at its own pull request: all three wait at once.
    for (const environment of PRODUCTION) {
      await node(environment).and(page.locator('[data-status="Suspended"]')).waitFor();
      await node(environment).locator('[data-task="action"][data-status="Suspended"]').waitFor();
    }
    assert.equal(await node('qa').getAttribute('data-status'), 'Succeeded');
    await assertStacked(node('qa'), Object.fromEntries(PRODUCTION.map((e) => [e, node(e)])));
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'parallel-release-suspended.png') });

    const open = (await api('GET', '/api/v1/pull-requests?state=open')).items;
    assert.equal(open.length, 3, JSON.stringify(open));
    for (const pullRequest of open) await api('POST', `/api/v1/pull-requests/${pullRequest.id}/merge`);

    await page.getByRole('heading', { name: release.title }).locator('xpath=..').getByText('Succeeded', { exact: true }).waitFor();
    for (const environment of ['qa', ...PRODUCTION]) assert.equal(await node(environment).getAttribute('data-status'), 'Succeeded', environment);
    assert.equal(await page.locator('[data-counter="succeeded"]').textContent(), '5');
    await assertStacked(node('qa'), Object.fromEntries(PRODUCTION.map((e) => [e, node(e)])));

    // Each region started only once qa had succeeded.
    const done = await api('GET', `/api/v1/releases/${id}`);
    const step = (environment: string) => done.steps.find((s: any) => s.environment === environment);
    for (const environment of PRODUCTION) assert.ok(step(environment).startedAt >= step('qa').finishedAt, `${environment} started after qa finished`);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'parallel-release.png') });
  });
});
