// End to end: a promotion whose action is `pr` on the demo workspace, in Chromium. The demo's
// repositories have no Git provider, so the release opens a local pull request; it is followed
// from the release view to its page in the UI, where the files it changes are shown as diffs,
// merged there, and the release goes on to succeed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningServer } from '@stagecoach/server';
import { ARTIFACTS_DIR } from './screenshots.ts';
import { BROWSER_SKIP, callApi, openSignedInDemo, type SignedInDemo } from './harness.ts';

const ADMIN = 'sct_e2e-pull-requests-admin-token-0';
const skip = BROWSER_SKIP;
if (skip) console.log(`# browser tests skipped: ${skip}`);

describe('local pull requests in Chromium on the demo workspace', { skip }, () => {
  let demo: SignedInDemo | undefined;
  let server: RunningServer;
  let page: Page;

  /** `callApi` with a JSON body, which the harness's helper does not send. */
  async function post(path: string, json: unknown): Promise<any> {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify(json),
    });
    const text = await response.text();
    assert.ok(response.ok, `POST ${path}: ${text}`);
    return JSON.parse(text);
  }

  before(async () => {
    demo = await openSignedInDemo('pull-requests', ADMIN);
    ({ server, page } = demo);
  });

  after(() => demo?.close());

  test('billing-api promoted to qa with a pull request: opened from the release, merged on its page, and the release succeeds', async () => {
    // No pre- or post-action: the pull request is what this test is about.
    const release = await post('/api/v1/promotions', { product: 'billing-api', from: 'dev', to: 'qa', action: 'pr', preAction: null, postAction: null });
    await page.goto(`${server.url}/releases/${release.id}`);
    await page.getByRole('heading', { name: release.title }).waitFor();
    const qa = page.locator('[role="group"][data-environment="qa"]');
    const action = qa.locator('[data-task="action"]');
    await action.and(page.locator('[data-status="Suspended"]')).waitFor();

    const open = (await callApi(server, ADMIN, 'GET', '/api/v1/pull-requests?state=open')).items;
    assert.equal(open.length, 1, JSON.stringify(open));
    const pr = open[0];
    assert.equal(pr.head, `stagecoach/${release.id}/qa/billing-api-qa`);
    assert.equal(pr.url, `${server.url}/pull-requests/${pr.id}`);

    // The link opens the page inside the app: the document is the same one.
    await page.evaluate('window.sameDocument = true');
    const link = action.getByRole('link', { name: 'PR' });
    assert.equal(await link.getAttribute('target'), null);
    await link.click();
    await page.waitForURL(`${server.url}/pull-requests/${pr.id}`);
    await page.getByRole('heading', { name: pr.title }).waitFor();
    assert.equal(await page.evaluate('window.sameDocument'), true, 'no reload');

    const details = page.getByRole('table', { name: 'Pull request details' });
    await details.getByRole('link', { name: release.title }).waitFor();
    assert.ok(((await details.textContent()) ?? '').includes(`main ← ${pr.head}`));
    assert.equal(await page.locator('[data-state]').first().getAttribute('data-state'), 'open');
    assert.equal(await page.getByLabel('Description').textContent(), pr.body);

    // What it changes: the helm-default template promotes Chart.yaml and values.yaml, each a diff
    // with the old version removed and the new one added.
    const files = page.getByRole('region', { name: 'Files changed' });
    const diffs = files.getByRole('figure');
    await diffs.first().waitFor();
    const names = await diffs.evaluateAll((figures) => figures.map((f) => f.getAttribute('aria-label')));
    assert.equal(names.length, 2, JSON.stringify(names));
    assert.match(names[0]!, /^diff of \S*Chart\.yaml$/);
    assert.match(names[1]!, /^diff of \S*values\.yaml$/);
    for (const name of names) {
      const diff = files.getByRole('figure', { name: name! });
      assert.equal(await diff.locator('[data-file-status]').getAttribute('data-file-status'), 'modified');
      assert.ok((await diff.locator('.diff-code-delete').count()) >= 1, `${name}: a removed line`);
      assert.ok((await diff.locator('.diff-code-insert').count()) >= 1, `${name}: an added line`);
    }
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'pull-request-open.png'), fullPage: true });

    await page.getByRole('button', { name: 'Merge' }).click();
    await page.locator('[data-state="merged"]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Merge' }).count(), 0);
    const stored = await callApi(server, ADMIN, 'GET', `/api/v1/pull-requests/${pr.id}`);
    assert.equal(stored.state, 'merged');
    await page.locator(`[data-merge-commit="${stored.mergeCommit}"]`).waitFor();
    // The release's status beside its link follows its events.
    await details.getByText('Succeeded', { exact: true }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'pull-request-merged.png') });

    await details.getByRole('link', { name: release.title }).click();
    await page.getByRole('heading', { name: release.title }).locator('xpath=..').getByText('Succeeded', { exact: true }).waitFor({ timeout: 20_000 });
    await qa.and(page.locator('[data-status="Succeeded"]')).waitFor();
    assert.equal(await action.getAttribute('data-status'), 'Succeeded');

    // The list shows it merged.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pull requests' }).click();
    const row = page.locator(`tr[data-pull-request="${pr.id}"]`);
    await row.waitFor();
    assert.equal(await row.locator('[data-state]').getAttribute('data-state'), 'merged');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'pull-requests.png') });
  });
});
