// End to end: a flow run of the demo workspace watched live in the release view, in Chromium.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '@stagecoach/server';
import { docImage } from './screenshots.ts';
import { BROWSER_SKIP, startDemoInBrowser } from './harness.ts';

const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const ADMIN = 'sct_e2e-releases-admin-token-00000';
const skip = BROWSER_SKIP;
if (skip) console.log(`# browser tests skipped: ${skip}`);

/** Each environment node's status, as the page showed it after every change of the graph. */
type Snapshot = Record<string, string>;

/**
 * Records every change of the nodes' statuses into `window.statusSnapshots`, and into
 * `window.edgesLost` each time the graph drew fewer edges than it had before. Passed as text: the
 * test runner's transform would add helpers to a function that the page does not have.
 */
const recordStatuses = `(() => {
  const seen = [];
  window.statusSnapshots = seen;
  const lost = [];
  window.edgesLost = lost;
  let edges = 0;
  const take = () => {
    const drawn = document.querySelectorAll('.react-flow__edge').length;
    if (drawn < edges) lost.push(drawn + ' of ' + edges);
    edges = Math.max(edges, drawn);
    const snapshot = {};
    for (const node of document.querySelectorAll('[role="group"][data-environment]')) snapshot[node.dataset.environment] = node.dataset.status;
    const last = seen[seen.length - 1];
    if (Object.keys(snapshot).length > 0 && JSON.stringify(last) !== JSON.stringify(snapshot)) seen.push(snapshot);
  };
  take();
  new MutationObserver(take).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
})()`;

/** Resolves once every running CSS transition of the page (the drawer sliding in) has ended. */
const settled = `Promise.all(document.getAnimations().map((animation) => animation.finished))`;

describe('release view in Chromium', { skip }, () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;

  async function api(method: string, path: string, json?: unknown): Promise<any> {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...(json ? { 'content-type': 'application/json' } : {}) },
      ...(json ? { body: JSON.stringify(json) } : {}),
    });
    const body = await response.json();
    assert.ok(response.ok, `${method} ${path}: ${JSON.stringify(body)}`);
    return body;
  }

  before(async () => {
    ({ dir, server, browser } = await startDemoInBrowser('releases', ADMIN));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('env-dependencies for cf-101: the graph fans out and in, production waits for its pull request, and the release succeeds live', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/releases`);
    await page.getByLabel('API token').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Releases' }).waitFor();
    // Watching starts before the release exists, and the release view opens inside the app
    // (the list shows the new release live), so the page sees the release from its first steps.
    await page.evaluate(recordStatuses);
    // Marks this document: a reload would lose it.
    await page.evaluate('window.sameDocument = true');

    const release = await api('POST', '/api/v1/promotion-flows/env-dependencies/trigger', { product: 'cf-101' });
    await page.locator(`tr[data-release="${release.id}"]`).getByRole('link').first().click();
    await page.getByRole('heading', { name: release.title }).waitFor();
    const node = (environment: string) => page.locator(`[role="group"][data-environment="${environment}"]`);
    await node('production').waitFor();

    for (const edge of ['dev->qa', 'dev->staging', 'qa->production', 'staging->production']) {
      // Edges are drawn once the nodes they join are measured, a frame or more after the nodes.
      const drawn = page.locator(`.react-flow__edge[data-id="${edge}"]`);
      await drawn.first().waitFor();
      assert.equal(await drawn.count(), 1, `edge ${edge}`);
    }
    const box = async (environment: string) => (await node(environment).boundingBox())!;
    const [dev, qa, staging, production] = [await box('dev'), await box('qa'), await box('staging'), await box('production')];
    assert.ok(dev.x < qa.x && Math.abs(qa.x - staging.x) < 1 && qa.x < production.x, 'left to right');
    assert.ok(Math.abs(qa.y - staging.y) >= qa.height, 'qa and staging stacked');

    // Production waits for its pull request; merge it as it appears.
    let pullRequest: any;
    for (let i = 0; i < 300 && pullRequest === undefined; i++) {
      pullRequest = (await api('GET', '/api/v1/pull-requests?state=open')).items[0];
      if (pullRequest === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(pullRequest, 'production opened a pull request');
    await node('production').and(page.locator('[data-status="Suspended"]')).waitFor();
    await node('production').locator('[data-task="action"][data-status="Suspended"]').waitFor();
    await api('POST', `/api/v1/pull-requests/${pullRequest.id}/merge`);

    await page.getByRole('heading', { name: release.title }).locator('xpath=..').getByText('Succeeded', { exact: true }).waitFor({ timeout: 20_000 });
    await node('production').and(page.locator('[data-status="Succeeded"]')).waitFor();
    assert.equal(await page.evaluate('window.sameDocument'), true, 'no reload');
    assert.equal(await page.locator('[data-counter="succeeded"]').textContent(), '4');

    const snapshots = (await page.evaluate('window.statusSnapshots')) as Snapshot[];
    for (const snapshot of snapshots) {
      if (snapshot.production !== 'Pending') {
        assert.equal(snapshot.qa, 'Succeeded', `production started before qa ended: ${JSON.stringify(snapshot)}`);
        assert.equal(snapshot.staging, 'Succeeded', `production started before staging ended: ${JSON.stringify(snapshot)}`);
      }
    }
    // The page saw production wait for its pull request and go on once merged, without a reload.
    const seen = snapshots.map((s) => s.production).filter((status, i, all) => status !== all[i - 1]);
    assert.ok(seen.includes('Suspended') && seen.at(-1) === 'Succeeded', `production as the page saw it: ${JSON.stringify(snapshots)}`);
    // Production started only once both qa and staging had ended, as the server recorded it (a
    // fast machine may finish them before the page first draws the graph).
    const done = await api('GET', `/api/v1/releases/${release.id}`);
    const step = (environment: string) => done.steps.find((s: { environment: string }) => s.environment === environment);
    for (const upstream of ['qa', 'staging']) assert.ok(step('production').startedAt >= step(upstream).finishedAt, `production started after ${upstream} ended`);
    const sawParallel = snapshots.some((s) => s.production === 'Pending' && (s.qa === 'Running' || s.staging === 'Running'));
    console.log(`# snapshots: ${snapshots.length}; production seen waiting: ${snapshots.some((s) => s.production === 'Pending')}; qa/staging seen running while it waited: ${sawParallel}`);

    // Hooks are hidden until asked for.
    assert.equal(await node('production').getByText('change-request').count(), 0);
    await page.getByLabel('Show hooks').check();
    await node('production').getByText('change-request').first().waitFor();
    await page.evaluate(settled);
    const onStart = node('production').locator('[data-task="hook/onStart"][data-status="Succeeded"]');
    await onStart.first().waitFor();
    assert.equal(await onStart.count(), 1);
    // Nodes are rebuilt on every status change and when hooks are shown; their edges stay drawn.
    assert.deepEqual(await page.evaluate('window.edgesLost'), [], 'edges went missing while the release ran');

    await page.screenshot({ path: docImage('release-graph.png') });

    // The logs of a workflow run open in a drawer.
    await node('qa').getByRole('button', { name: /Logs of pre-action/ }).click();
    await page.getByLabel('Workflow run logs').getByText(/smoke testing cf-101-qa in qa/).waitFor();
    await page.evaluate(settled);
    await page.screenshot({ path: join(ARTIFACTS, 'release-view.png') });
    await page.keyboard.press('Escape');
    await page.getByLabel('Workflow run logs').waitFor({ state: 'hidden' });

    // The list shows it with a cell per environment, and links back to it.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Releases' }).click();
    const row = page.locator(`tr[data-release="${release.id}"]`);
    await row.waitFor();
    assert.equal(await row.locator('td[data-environment="production"] [data-status]').getAttribute('data-status'), 'Succeeded');
    await page.close();
  });
});
