// End to end: the built UI, served by a real server, in Debian's Chromium driven by playwright-core.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startServer, type RunningServer } from '@stagecoach/server';

const CHROMIUM = process.env.STAGECOACH_CHROMIUM ?? '/usr/bin/chromium';
const WEB = join(import.meta.dirname, '..');
const ADMIN = 'sct_e2e-admin-token-0000000000000';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
if (skip) console.log(`# browser tests skipped: ${skip}`);

const environments = `
apiVersion: stagecoach.dev/v1alpha1
kind: Environment
metadata: {name: dev}
spec: {kind: non-production, order: 1}
---
apiVersion: stagecoach.dev/v1alpha1
kind: Environment
metadata: {name: production}
spec: {kind: production, order: 2}
---
apiVersion: stagecoach.dev/v1alpha1
kind: Product
metadata: {name: shop}
spec: {}
---
apiVersion: stagecoach.dev/v1alpha1
kind: Application
metadata: {name: shop-dev}
spec: {product: shop, environment: dev, source: {repoURL: "https://git.example.com/shop.git", path: envs/dev}}
`;

describe('web UI in Chromium', { skip }, () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecoach-e2e-'));
    const dist = join(dir, 'dist');
    await promisify(execFile)(process.execPath, [join(WEB, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'error'], { cwd: WEB });
    server = await startServer({ port: 0, dataDir: join(dir, 'data'), adminToken: ADMIN, webDist: dist });
    const applied = await fetch(`${server.url}/api/v1/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/yaml' },
      body: environments,
    });
    assert.equal(applied.status, 200, await applied.text());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('signing in with a token shows one column per environment, in order, with the product where it has applications', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel('API token').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const columns = page.getByRole('region');
    await columns.first().waitFor();
    const headings = await page.getByRole('heading', { level: 3 }).allTextContents();
    assert.deepEqual(headings.slice(0, 2), ['dev', 'production']);
    const dev = page.getByRole('region', { name: 'dev' });
    assert.equal(await dev.getByRole('article', { name: 'shop' }).count(), 1);
    assert.equal(await page.getByRole('region', { name: 'production' }).getByRole('article').count(), 0);
    await page.close();
  });

  test('a wrong token returns to the sign-in screen with the server\'s reason', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel('API token').fill('sct_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('unknown or revoked token').waitFor();
    await page.close();
  });
});
