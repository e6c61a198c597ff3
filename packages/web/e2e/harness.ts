// What every browser test on the demo workspace needs: the built UI, a real server on the demo
// workspace, and Debian's Chromium driven by playwright-core.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { applyDemo, seedDemo, startServer, type RunningServer } from '@stagecoach/server';
import { ARTIFACTS_DIR } from './screenshots.ts';

/** The Chromium the tests drive: `STAGECOACH_CHROMIUM`, or Debian's. */
export const CHROMIUM = process.env.STAGECOACH_CHROMIUM ?? '/usr/bin/chromium';

/** Why browser tests are skipped on this machine, or false when Chromium is there. */
export const BROWSER_SKIP: string | false = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

const WEB = join(import.meta.dirname, '..');

/** Builds the UI with vite into `outDir`. */
export async function buildWeb(outDir: string): Promise<void> {
  await promisify(execFile)(process.execPath, [join(WEB, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: WEB });
}

/** Starts Chromium headless, with what a sandboxed CI machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A server on the demo workspace serving the built UI, and a browser. */
export interface DemoInBrowser {
  dir: string;
  server: RunningServer;
  browser: Browser;
  /** Stops the browser and the server and removes the folder. */
  close(): Promise<void>;
}

/**
 * Builds the UI, seeds the demo workspace in a new temporary folder, starts a server on it (fast
 * orchestrator checks, no trigger polling) with `adminToken`, applies the demo's resources, and
 * launches Chromium. `name` names the folder.
 */
export async function startDemoInBrowser(name: string, adminToken: string): Promise<DemoInBrowser> {
  const dir = await mkdtemp(join(tmpdir(), `stagecoach-e2e-${name}-`));
  const dist = join(dir, 'dist');
  const dataDir = join(dir, 'data');
  await buildWeb(dist);
  const demo = await seedDemo({ dataDir });
  const server = await startServer({
    port: 0,
    dataDir,
    adminToken,
    webDist: dist,
    allowLocalRepositories: true,
    orchestrator: { checkMilliseconds: 50, tickMilliseconds: 50 },
    triggers: { pollInterval: '0' },
  });
  const applied = await applyDemo(server.store, demo.resources);
  assert.ok(applied.ok, 'the demo resources apply');
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const browser = await launchChromium();
  return {
    dir,
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in on the start page with `token` and waits for the signed-in frame. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * In the Flow Builder: presses the "+" of `parent` and chooses `environment` in its own chooser
 * (not in another node's, which may still be fading out), then waits for the chooser to close.
 */
export async function addAfter(page: Page, parent: string, environment: string): Promise<void> {
  const label = `Add an environment after ${parent}`;
  await page.getByRole('button', { name: label }).click();
  const chooser = page.getByRole('dialog').filter({ has: page.getByLabel(label, { exact: true }) });
  await chooser.getByRole('option', { name: environment, exact: true }).click();
  await chooser.waitFor({ state: 'hidden' });
}

/** A demo in the browser with one page signed in as admin at 1280×800. */
export interface SignedInDemo extends DemoInBrowser {
  page: Page;
}

/** `startDemoInBrowser`, then a page signed in with `adminToken`. */
export async function openSignedInDemo(name: string, adminToken: string): Promise<SignedInDemo> {
  const demo = await startDemoInBrowser(name, adminToken);
  const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, demo.server.url, adminToken);
  return { ...demo, page };
}

/** Picks `option` in the open dropdown of a Mantine Select or MultiSelect. */
export async function pick(page: Page, option: string): Promise<void> {
  // A dropdown closed a moment ago may still be in the page while it fades out: take the visible one.
  await page.getByRole('option', { name: option, exact: true }).filter({ visible: true }).first().click();
}

/** Calls the API with `token`; fails the test unless it answers 2xx; resolves with the JSON. */
export async function callApi(server: RunningServer, token: string, method: string, path: string): Promise<any> {
  const response = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${text}`);
  return JSON.parse(text);
}
