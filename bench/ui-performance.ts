import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../packages/server/src/server.ts';
import { longTasks, longTasksBetween, buildWebUi, dragPointer, launchChromium, pageTimeWhen, pressedAt, recordNextPress, responseEnd, signedInContext, startFrames, stopFrames, type Frames } from './lib/browser.ts';
import type { BenchContext, BenchmarkResult } from './lib/context.ts';
import { applicationFiles, createServedRepository } from './lib/folders.ts';
import { summarise, type Summary } from './lib/measure.ts';
import { ms } from './lib/report.ts';
import { BRANCH } from './lib/repos.ts';

/** Dashboard size: products, environments (so applications = products × environments). */
export const UI_PRODUCTS = 500;
export const UI_ENVIRONMENTS = ['dev', 'qa', 'test', 'staging', 'preprod', 'canary', 'production-eu', 'production-us'] as const;
/** Products per repository: each repository holds `products/<product>/envs/<environment>` folders. */
export const UI_PRODUCTS_PER_REPOSITORY = 50;
/** Steps of the large flow (plus its trigger environment). */
export const UI_FLOW_STEPS = 100;
/** At most this many measured loads per view, after at most one warm-up load. */
export const UI_MAX_ITERATIONS = 5;
export const UI_MAX_WARMUP = 1;
/** Target: the dashboard's first render, navigation start → every card in the DOM. */
export const UI_DASHBOARD_TARGET_MS = 1500;
/** Targets for smoothness: the longest frame during a drag or pan (about 3 frames at 60 Hz). */
export const UI_LONGEST_FRAME_TARGET_MS = 50;

const API_VERSION = 'stagecoach.dev/v1alpha1';
const ADMIN = `sct_bench-ui-${'0'.repeat(24)}`;
const LOAD_TIMEOUT_MS = 120_000;

const products = Array.from({ length: UI_PRODUCTS }, (_, i) => `p${String(i + 1).padStart(3, '0')}`);
const flowEnvironments = Array.from({ length: UI_FLOW_STEPS + 1 }, (_, i) => `f${String(i).padStart(3, '0')}`);
const SPARE = 'spare';
const FLOW = 'hundred';
const FLOW_PRODUCT = 'fleet';

/**
 * UI, the web UI in Chromium: the dashboard with 500 products in 8 environments (4,000
 * applications whose versions are read from 10 local repositories), and a flow of 100 steps in
 * the Flow Builder and in the release view. Each view is loaded in a new browser context (empty
 * cache, signed in through sessionStorage), one warm-up load first; times are the page's own
 * `performance.now()` from the navigation start.
 */
export async function benchUiPerformance(ctx: BenchContext): Promise<BenchmarkResult> {
  const rounds = { warmup: Math.min(ctx.warmup, UI_MAX_WARMUP), iterations: Math.min(ctx.iterations, UI_MAX_ITERATIONS) };
  const total = rounds.warmup + rounds.iterations;
  const root = await mkdtemp(join(ctx.scratch, 'ui-'));
  const notes: Record<string, number | string> = {};
  const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const value = await work();
    notes[`setup: ${what} (ms)`] = Math.round(performance.now() - started);
    return value;
  };

  ctx.log('UI building the web UI');
  await timed('vite build', () => buildWebUi(join(root, 'dist')));
  const repos = join(root, 'repos');
  const servers: RunningServer[] = [];
  let browser: Browser | undefined;
  try {
    ctx.log('UI preparing the dashboard server');
    const board = await timed(`${UI_PRODUCTS} products, ${UI_PRODUCTS * UI_ENVIRONMENTS.length} applications applied`, async () => {
      const server = await start(root, 'board');
      servers.push(server);
      await apply(server, await dashboardResources(repos));
      return server;
    });
    ctx.log('UI preparing the flow server');
    const { flowServer, releaseId } = await timed(`flow of ${UI_FLOW_STEPS} steps applied and triggered`, async () => {
      const server = await start(root, 'flow');
      servers.push(server);
      await apply(server, await flowResources(repos));
      const release = await api(server, 'POST', `/api/v1/promotion-flows/${FLOW}/trigger`, { product: FLOW_PRODUCT });
      return { flowServer: server, releaseId: release.id as string };
    });
    browser = await launchChromium();

    const dashboard: DashboardLoad[] = [];
    const releaseLoads: GraphLoad[] = [];
    const builderLoads: BuilderLoad[] = [];
    for (let round = 0; round < total; round++) {
      ctx.log(`UI round ${round + 1}/${total}`);
      const d = await loadDashboard(browser, board.url);
      ctx.log(`UI dashboard first render ${ms(d.firstRenderMs)}; ${d.versionsShown} versions shown ${VERSION_WINDOW_MS / 1000} s later`);
      const r = await loadRelease(browser, flowServer.url, releaseId);
      const b = await loadBuilder(browser, flowServer.url);
      if (round >= rounds.warmup) {
        dashboard.push(d);
        releaseLoads.push(r);
        builderLoads.push(b);
      }
    }
    ctx.log('UI dashboard: one load until every version is shown, then drags');
    const full = await loadDashboardFully(browser, board.url, total, ctx.log);
    const drags = full.drags.slice(rounds.warmup);
    const status = (await api(flowServer, 'GET', `/api/v1/releases/${releaseId}`)) as { status: string; steps?: unknown[] };

    const cases: Summary[] = [
      summarise(`dashboard first render: navigation → ${UI_ENVIRONMENTS.length} columns of ${UI_PRODUCTS} products laid out, the cards in view rendered`, dashboard.map((d) => d.firstRenderMs)),
      summarise('dashboard: the three lists answered (navigation → last response)', dashboard.map((d) => d.listsMs)),
      summarise('dashboard: lists answered → first render (rendering)', dashboard.map((d) => d.firstRenderMs - d.listsMs)),
      summarise('dashboard: long tasks until first render, total', dashboard.map((d) => d.longTasksMs)),
      summarise('dashboard: scroll to the end → the last product\'s cards in the DOM', dashboard.map((d) => d.scrollToEndMs)),
      summarise('dashboard drag (1 s): longest frame', drags.map((d) => d.frames.longestGapMs)),
      summarise(`release view (${UI_FLOW_STEPS} steps): navigation → all 101 nodes in the DOM`, releaseLoads.map((r) => r.renderedMs)),
      summarise('release view: long tasks until rendered, total', releaseLoads.map((r) => r.longTasksMs)),
      summarise('release view pan (1 s): longest frame', releaseLoads.map((r) => r.pan.longestGapMs)),
      summarise(`Flow Builder (${UI_FLOW_STEPS} steps): navigation → all 101 nodes in the DOM`, builderLoads.map((b) => b.renderedMs)),
      summarise('Flow Builder: long tasks until rendered, total', builderLoads.map((b) => b.longTasksMs)),
      ...(builderLoads.every((b) => b.failure === undefined)
        ? [
            summarise('Flow Builder add step: press "+" → choices shown', builderLoads.map((b) => b.openMs!)),
            summarise('Flow Builder add step: choose → the new step in the chart and its panel', builderLoads.map((b) => b.addMs!)),
          ]
        : []),
    ];
    const addFailure = builderLoads.find((b) => b.failure !== undefined)?.failure;
    if (addFailure !== undefined) notes['Flow Builder add step: not measured'] = addFailure;
    const median = (name: string) => cases.find((c) => c.name.startsWith(name))!.medianMs;
    const addStep = addFailure === undefined ? ms(median('Flow Builder add step: press') + median('Flow Builder add step: choose')) : 'not measured';
    const verdict = (value: number, target: number) => `${value < target ? 'met' : 'MISSED'}`;
    const firstRender = median('dashboard first render');
    const dragFrame = median('dashboard drag');
    const panFrame = median('release view pan');
    const all = UI_PRODUCTS * UI_ENVIRONMENTS.length;
    const allVersions = full.versions.allMs !== undefined
      ? `${ms(full.versions.allMs)} (one load)`
      : `not within ${ALL_VERSIONS_TIMEOUT_MS / 1000} s (${full.versions.shown} of ${all} shown)`;
    const fps = (frames: Frames[]) => summarise('fps', frames.map((f) => f.perSecond)).medianMs;

    Object.assign(notes, {
      'workspace (dashboard)': `${UI_ENVIRONMENTS.length} environments, ${UI_PRODUCTS} products, ${UI_PRODUCTS * UI_ENVIRONMENTS.length} applications in ${UI_PRODUCTS / UI_PRODUCTS_PER_REPOSITORY} local repositories; SQLite`,
      'workspace (flow)': `${flowEnvironments.length + 1} environments; flow "${FLOW}": trigger ${flowEnvironments[0]} and ${UI_FLOW_STEPS} steps (20 diamonds: fan-out to 4, join); a release of it, ${status.status} when measured (every step waits on a pull request)`,
      'browser': `Chromium headless (${VIEWPORT_TEXT}), a new context per load (empty cache); software rendering`,
      'cards in the DOM at the first render (median)': `${summarise('c', dashboard.map((d) => d.cardsInDom)).medianMs} of ${ALL_CARDS}: each column renders the cards near the visible part of the page`,
      'dashboard DOM elements after load (median)': Math.round(summarise('dom', dashboard.map((d) => d.domElements)).medianMs),
      'dashboard JS heap after load, MiB (median)': Math.round(summarise('heap', dashboard.map((d) => d.heapMiB)).medianMs),
      'dashboard long tasks until first render: count / longest (ms), median': `${summarise('n', dashboard.map((d) => d.longTaskCount)).medianMs} / ${Math.round(summarise('l', dashboard.map((d) => d.longestTaskMs)).medianMs)}`,
      'dashboard version requests': '1 (GET /api/v1/versions, every product; benchmark V measures it from Node)',
      [`dashboard versions shown ${VERSION_WINDOW_MS / 1000} s after the first render (each load)`]: `${dashboard.map((d) => d.versionsShown).join(', ')} of ${all}`,
      [`dashboard: share of those ${VERSION_WINDOW_MS / 1000} s in long tasks / longest task (ms), median`]: `${Math.round(100 * summarise('b', dashboard.map((d) => d.versionWindowBusy)).medianMs)} % / ${Math.round(summarise('w', dashboard.map((d) => d.versionWindowLongestMs)).medianMs)}`,
      'dashboard: navigation → half / all versions shown (one load)': `${full.versions.halfMs !== undefined ? ms(full.versions.halfMs) : 'not reached'} / ${allVersions}`,
      'dashboard drag: frames per second (median)': fps(drags.map((d) => d.frames)).toFixed(1),
      'dashboard drag: long tasks during the drag, total ms (median)': Math.round(summarise('t', drags.map((d) => d.longTasksMs)).medianMs),
      'release view: step nodes in the DOM after the fit (only those in view are kept)': releaseLoads.map((r) => r.nodes).join(', '),
      'release view pan: frames per second (median)': fps(releaseLoads.map((r) => r.pan)).toFixed(1),
      'Flow Builder: environment nodes in the DOM after the fit (only those in view are kept)': builderLoads.map((b) => b.nodes).join(', '),
      [`target dashboard first render < ${UI_DASHBOARD_TARGET_MS} ms`]: `${ms(firstRender)}: ${verdict(firstRender, UI_DASHBOARD_TARGET_MS)}`,
      [`target longest frame of a drag < ${UI_LONGEST_FRAME_TARGET_MS} ms`]: `${ms(dragFrame)}: ${verdict(dragFrame, UI_LONGEST_FRAME_TARGET_MS)}`,
      [`target longest frame of a release-view pan < ${UI_LONGEST_FRAME_TARGET_MS} ms`]: `${ms(panFrame)}: ${verdict(panFrame, UI_LONGEST_FRAME_TARGET_MS)}`,
    });
    return {
      id: 'UI',
      title: `web UI in Chromium: dashboard of ${UI_PRODUCTS} products × ${UI_ENVIRONMENTS.length} environments, Flow Builder and release view of ${UI_FLOW_STEPS} steps`,
      rounds,
      cases,
      comparisons: [],
      repositories: {},
      notes,
      headlines: [
        `UI dashboard first render (${UI_PRODUCTS}×${UI_ENVIRONMENTS.length} cards): ${ms(firstRender)} (target < ${UI_DASHBOARD_TARGET_MS} ms: ${verdict(firstRender, UI_DASHBOARD_TARGET_MS)}); all versions ${allVersions}; drag longest frame ${ms(dragFrame)} (target < ${UI_LONGEST_FRAME_TARGET_MS} ms: ${verdict(dragFrame, UI_LONGEST_FRAME_TARGET_MS)})`,
        `UI ${UI_FLOW_STEPS} steps: release view ${ms(median('release view ('))}, pan longest frame ${ms(panFrame)} (target < ${UI_LONGEST_FRAME_TARGET_MS} ms: ${verdict(panFrame, UI_LONGEST_FRAME_TARGET_MS)}); Flow Builder ${ms(median('Flow Builder ('))}, add step ${addStep}`,
      ],
    };
  } finally {
    await browser?.close();
    for (const server of servers.reverse()) await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

const VIEWPORT_TEXT = '1280×800';

export async function start(root: string, name: string): Promise<RunningServer> {
  return startServer({
    port: 0,
    dataDir: join(root, `data-${name}`),
    adminToken: ADMIN,
    webDist: join(root, 'dist'),
    allowLocalRepositories: true,
    orchestrator: { checkMilliseconds: 50, tickMilliseconds: 50 },
    triggers: { pollInterval: '0' },
  });
}

export async function api(server: RunningServer, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`UI: ${method} ${path}: HTTP ${response.status}: ${text.slice(0, 2000)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Applies YAML documents through `POST /api/v1/apply`, 500 at a time. */
export async function apply(server: RunningServer, documents: readonly string[]): Promise<void> {
  for (let at = 0; at < documents.length; at += 500) {
    const response = await fetch(`${server.url}/api/v1/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/yaml' },
      body: documents.slice(at, at + 500).join('---\n'),
    });
    if (response.status !== 200) throw new Error(`UI: applying resources: HTTP ${response.status}: ${(await response.text()).slice(0, 2000)}`);
  }
}

const environmentYaml = (name: string, order: number, kind: string) =>
  `apiVersion: ${API_VERSION}\nkind: Environment\nmetadata: {name: ${name}}\nspec: {kind: ${kind}, order: ${order}}\n`;
const productYaml = (name: string) =>
  `apiVersion: ${API_VERSION}\nkind: Product\nmetadata: {name: ${name}}\nspec:\n  promotionTemplate:\n    versionSource: {file: Chart.yaml, jsonPath: $.appVersion}\n    promotion:\n      Chart.yaml: {jsonPaths: [$.appVersion]}\n      values.yaml: {jsonPaths: [$.image.tag]}\n`;
const applicationYaml = (name: string, product: string, environment: string, repoURL: string, path: string) =>
  `apiVersion: ${API_VERSION}\nkind: Application\nmetadata: {name: ${name}}\nspec: {product: ${product}, environment: ${environment}, source: {repoURL: ${JSON.stringify(repoURL)}, targetRevision: ${BRANCH}, path: ${path}}}\n`;

/** The dashboard's environments, products and applications; creates their repositories. */
export async function dashboardResources(repos: string): Promise<string[]> {
  const docs = UI_ENVIRONMENTS.map((env, i) => environmentYaml(env, i + 1, env.startsWith('production') ? 'production' : 'non-production'));
  for (let first = 0; first < UI_PRODUCTS; first += UI_PRODUCTS_PER_REPOSITORY) {
    const group = products.slice(first, first + UI_PRODUCTS_PER_REPOSITORY);
    const name = `products-${String(first / UI_PRODUCTS_PER_REPOSITORY + 1).padStart(2, '0')}.git`;
    const files = group.flatMap((product, p) =>
      UI_ENVIRONMENTS.flatMap((env, e) => applicationFiles(`products/${product}/envs/${env}`, env, `1.${UI_ENVIRONMENTS.length - e}.${first + p + 1}`)),
    );
    const path = await createServedRepository(repos, name, files);
    for (const product of group) {
      docs.push(productYaml(product));
      for (const env of UI_ENVIRONMENTS) docs.push(applicationYaml(`${product}-${env}`, product, env, path, `products/${product}/envs/${env}`));
    }
  }
  return docs;
}

/**
 * 101 environments and a spare one; the flow: trigger f000, then 20 diamonds (four steps after
 * the previous join, then a join after those four), every step promoting by pull request so the
 * release waits; one product with an application in each of the flow's environments.
 */
async function flowResources(repos: string): Promise<string[]> {
  const docs = [...flowEnvironments, SPARE].map((env, i) => environmentYaml(env, i + 1, 'non-production'));
  const files = flowEnvironments.flatMap((env, i) => applicationFiles(`envs/${env}`, env, i === 0 ? '2.0.0' : '1.0.0'));
  const path = await createServedRepository(repos, 'fleet.git', files);
  docs.push(productYaml(FLOW_PRODUCT));
  for (const env of flowEnvironments) docs.push(applicationYaml(`${FLOW_PRODUCT}-${env}`, FLOW_PRODUCT, env, path, `envs/${env}`));
  const steps = flowEnvironments.slice(1).map((env, i) => {
    const group = Math.floor(i / 5);
    const base = flowEnvironments[group * 5]!;
    const dependsOn = i % 5 < 4 ? [base] : flowEnvironments.slice(group * 5 + 1, group * 5 + 5);
    return `    - {environment: ${env}, dependsOn: [${dependsOn.join(', ')}], policy: {action: pr}}\n`;
  });
  docs.push(`apiVersion: ${API_VERSION}\nkind: PromotionFlow\nmetadata: {name: ${FLOW}}\nspec:\n  triggerEnvironment: ${flowEnvironments[0]}\n  steps:\n${steps.join('')}`);
  return docs;
}

interface DashboardLoad {
  listsMs: number;
  firstRenderMs: number;
  longTasksMs: number;
  longTaskCount: number;
  longestTaskMs: number;
  /** Version badges shown `VERSION_WINDOW_MS` after the first render. */
  versionsShown: number;
  /** Share of that window the page spent in long tasks (0–1). */
  versionWindowBusy: number;
  /** Longest task in that window. */
  versionWindowLongestMs: number;
  domElements: number;
  heapMiB: number;
  /** Cards in the DOM at the first render (the rest are windowed out). */
  cardsInDom: number;
  /** Scrolling to the end of the board → the last product's cards in the DOM. */
  scrollToEndMs: number;
}

/** Scrolls to the bottom of the page; resolves with the time until the last product's cards are in the DOM. */
const SCROLL_TO_END = `new Promise((resolve) => {
  const started = performance.now();
  window.scrollTo(0, document.documentElement.scrollHeight);
  const check = () => document.querySelector('article[aria-label="${products.at(-1)}"]') !== null ? resolve(performance.now() - started) : requestAnimationFrame(check);
  check();
})`;

const ALL_CARDS = UI_PRODUCTS * UI_ENVIRONMENTS.length;
/**
 * The board is rendered: every column is in the DOM, holds room for all its products and shows
 * the cards in view (the columns are windowed on the page's scroll; cards out of view are not in
 * the DOM until scrolled to).
 */
const BOARD = `(() => {
  const lists = [...document.querySelectorAll('[data-card-list]')];
  return lists.length === ${UI_ENVIRONMENTS.length} && lists.every((list) => list.dataset.cards === '${UI_PRODUCTS}' && list.querySelector('article[data-card]') !== null);
})()`;
/** Versions known to the board (read or failed), summed over the columns' health summaries. */
const VERSIONS = `[...document.querySelectorAll('[role="group"][aria-label^="health summary of "] [data-count]')]
  .filter((badge) => badge.dataset.kind === 'versioned' || badge.dataset.kind === 'unknown')
  .reduce((sum, badge) => sum + Number(badge.dataset.count), 0)`;
/** Cards in the DOM now. */
const CARDS_IN_DOM = `document.querySelectorAll('article[data-card]').length`;
/** How long each measured load keeps watching the versions fill in after the first render. */
const VERSION_WINDOW_MS = 15_000;
/** How long the one full load may take to show every version. */
const ALL_VERSIONS_TIMEOUT_MS = 600_000;

/** How far the dashboard got showing versions: when half and all were shown, or how many within the time limit. */
interface VersionProgress {
  halfMs?: number;
  allMs?: number;
  shown: number;
  /** Page time the watching ended. */
  endMs: number;
}

/** Watches the version badges fill in (checked every 250 ms) for at most `timeoutMs`. */
async function versionProgress(page: Page, timeoutMs: number, log: (line: string) => void): Promise<VersionProgress> {
  const all = ALL_CARDS;
  const progress: VersionProgress = { shown: 0, endMs: 0 };
  const started = performance.now();
  let logged = performance.now();
  while (performance.now() - started < timeoutMs) {
    const [shown, at] = (await page.evaluate(`[${VERSIONS}, performance.now()]`)) as [number, number];
    progress.shown = shown;
    progress.endMs = at;
    if (progress.halfMs === undefined && shown >= all / 2) progress.halfMs = at;
    if (shown >= all) {
      progress.allMs = at;
      return progress;
    }
    if (performance.now() - logged > 20_000) {
      logged = performance.now();
      log(`UI dashboard: ${shown} of ${all} versions shown`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return progress;
}

/**
 * One dashboard load: navigation → every card in the DOM; then how far the versions got in the
 * next `VERSION_WINDOW_MS` and how busy the page was meanwhile.
 */
async function loadDashboard(browser: Browser, url: string): Promise<DashboardLoad> {
  const context = await signedInContext(browser, ADMIN);
  try {
    const page = await context.newPage();
    await page.goto(`${url}/`, { waitUntil: 'commit' });
    const firstRenderMs = await pageTimeWhen(page, BOARD, { timeoutMs: LOAD_TIMEOUT_MS });
    const cardsInDom = (await page.evaluate(CARDS_IN_DOM)) as number;
    const listsMs = Math.max(...(await Promise.all(['/api/v1/environments', '/api/v1/products', '/api/v1/applications'].map(async (list) => (await responseEnd(page, list)) ?? 0))));
    const { domElements, heapMiB } = (await page.evaluate(`({ domElements: document.getElementsByTagName('*').length, heapMiB: (performance.memory?.usedJSHeapSize ?? 0) / 1048576 })`)) as { domElements: number; heapMiB: number };
    await new Promise((resolve) => setTimeout(resolve, VERSION_WINDOW_MS));
    const [versionsShown, windowEnd] = (await page.evaluate(`[${VERSIONS}, performance.now()]`)) as [number, number];
    const scrollToEndMs = (await page.evaluate(SCROLL_TO_END)) as number;
    const tasks = await longTasks(page);
    const untilRender = longTasksBetween(tasks, 0, firstRenderMs);
    const window = longTasksBetween(tasks, firstRenderMs, windowEnd);
    return {
      listsMs,
      firstRenderMs,
      longTasksMs: untilRender.totalMs,
      longTaskCount: untilRender.count,
      longestTaskMs: untilRender.longestMs,
      versionsShown,
      versionWindowBusy: window.totalMs / (windowEnd - firstRenderMs),
      versionWindowLongestMs: window.longestMs,
      domElements,
      heapMiB,
      cardsInDom,
      scrollToEndMs,
    };
  } finally {
    await context.close();
  }
}

/** The one full dashboard load: every version shown, then drags of a card. */
interface FullDashboard {
  versions: VersionProgress;
  drags: { frames: Frames; longTasksMs: number }[];
}

/**
 * Loads the dashboard and waits until every version badge is shown; then drags the first dev
 * card towards the same product's card in qa for one second, `drags` times (each cancelled with
 * Escape before the drop, so no promotion starts).
 */
async function loadDashboardFully(browser: Browser, url: string, drags: number, log: (line: string) => void): Promise<FullDashboard> {
  const context = await signedInContext(browser, ADMIN);
  try {
    const page = await context.newPage();
    await page.goto(`${url}/`, { waitUntil: 'commit' });
    await pageTimeWhen(page, BOARD, { timeoutMs: LOAD_TIMEOUT_MS });
    const versions = await versionProgress(page, ALL_VERSIONS_TIMEOUT_MS, log);
    const results: FullDashboard['drags'] = [];
    const first = page.locator('article[data-card]').first();
    const product = (await first.getAttribute('aria-label', { timeout: LOAD_TIMEOUT_MS }))!;
    const target = page.locator(`article[aria-label="${product}"]`).nth(1);
    for (let round = 0; round < drags; round++) {
      const from = center((await first.boundingBox({ timeout: LOAD_TIMEOUT_MS }))!);
      const to = center((await target.boundingBox({ timeout: LOAD_TIMEOUT_MS }))!);
      const started = await startFrames(page);
      await dragPointer(page, from, to, 1000);
      const dragging = await page.evaluate(`document.querySelector('article[data-card][style*="opacity: 0.5"]') !== null`);
      const frames = await stopFrames(page, started);
      await page.keyboard.press('Escape');
      await page.mouse.up();
      if (!dragging) throw new Error('UI: the dashboard drag did not start');
      results.push({ frames, longTasksMs: longTasksBetween(await longTasks(page), frames.fromMs, frames.toMs).totalMs });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return { versions, drags: results };
  } finally {
    await context.close();
  }
}

/** Each product's versions fetched by Node, `parallel` at a time (a browser sends 6 at a time to one host). */
export async function serveVersions(server: RunningServer, parallel: number): Promise<{ wallMs: number; each: Summary }> {
  const queue = [...products];
  const each: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let product = queue.shift(); product !== undefined; product = queue.shift()) {
        const sent = performance.now();
        await api(server, 'GET', `/api/v1/products/${product}/versions`);
        each.push(performance.now() - sent);
      }
    }),
  );
  return { wallMs: performance.now() - started, each: summarise('version request', each) };
}

interface GraphLoad {
  renderedMs: number;
  longTasksMs: number;
  nodes: number;
  pan: Frames;
}

/** One release view load: navigation → every step node in the graph; then a one-second pan. */
async function loadRelease(browser: Browser, url: string, id: string): Promise<GraphLoad> {
  const context = await signedInContext(browser, ADMIN);
  try {
    const page = await context.newPage();
    await page.goto(`${url}/releases/${id}`, { waitUntil: 'commit' });
    const renderedMs = await pageTimeWhen(page, `document.querySelectorAll('[role="figure"] [role="group"][data-environment]').length >= ${flowEnvironments.length}`, { timeoutMs: LOAD_TIMEOUT_MS });
    const nodes = (await page.evaluate(`document.querySelectorAll('[role="figure"] [role="group"][data-environment]').length`)) as number;
    const longTasksMs = longTasksBetween(await longTasks(page), 0, renderedMs).totalMs;
    const pane = (await page.locator('[role="figure"] .react-flow__pane').boundingBox())!;
    const from = { x: pane.x + 12, y: pane.y + 12 };
    const started = await startFrames(page);
    await dragPointer(page, from, { x: from.x + 400, y: from.y + 200 }, 1000);
    const pan = await stopFrames(page, started);
    await page.mouse.up();
    return { renderedMs, longTasksMs, nodes, pan };
  } finally {
    await context.close();
  }
}

interface BuilderLoad {
  renderedMs: number;
  longTasksMs: number;
  nodes: number;
  openMs?: number;
  addMs?: number;
  /** Why "add step" could not be measured. */
  failure?: string;
}

const BUILDER_NODES = `document.querySelectorAll('[aria-label="Flow chart"] [data-environment]')`;

/**
 * One Flow Builder load: navigation → every environment node in the chart; then "add step" after
 * the trigger environment: press its "+" (→ the choices shown) and choose the spare environment (→ its node
 * in the chart).
 */
async function loadBuilder(browser: Browser, url: string): Promise<BuilderLoad> {
  const context = await signedInContext(browser, ADMIN);
  try {
    const page = await context.newPage();
    await page.goto(`${url}/flows/${FLOW}`, { waitUntil: 'commit' });
    const renderedMs = await pageTimeWhen(page, `${BUILDER_NODES}.length >= ${flowEnvironments.length}`, { timeoutMs: LOAD_TIMEOUT_MS });
    const nodes = (await page.evaluate(`${BUILDER_NODES}.length`)) as number;
    const longTasksMs = longTasksBetween(await longTasks(page), 0, renderedMs).totalMs;
    // The chart keeps only the nodes in view in the DOM (with 100 steps the fit stops at the
    // smallest zoom, so the trigger may be out of view): add after the first node shown, once
    // the fit has settled.
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const last = (await page.evaluate(`${BUILDER_NODES}[0]?.dataset.environment`)) as string | undefined;
      if (last === undefined) throw new Error('no environment node in view');
      const plus = page.locator(`[aria-label="Flow chart"] [data-environment="${last}"] button[aria-label="Add an environment after ${last}"]`);
      if (await plus.isDisabled({ timeout: 10_000 })) throw new Error(`the "+" of ${last} is disabled (${await plus.getAttribute('title')})`);
      // At the zoom that fits 101 nodes the "+" is a couple of pixels wide: it is pressed with the
      // keyboard (focus, Enter), which runs the same code as a click.
      await plus.focus({ timeout: 10_000 });
      await recordNextPress(page);
      await page.keyboard.press('Enter');
      const shown = await pageTimeWhen(page, `[...document.querySelectorAll('[role="option"]')].some((o) => o.textContent === ${JSON.stringify(SPARE)})`, { timeoutMs: 10_000 });
      const openMs = shown - (await pressedAt(page));
      await recordNextPress(page);
      await page.getByRole('option', { name: SPARE, exact: true }).click({ force: true, timeout: 10_000 });
      // The new step is selected, so its panel opens; its node may be placed outside the chart's view.
      const added = await pageTimeWhen(
        page,
        `document.querySelector('[aria-label="Flow chart"] [data-environment="${SPARE}"]') !== null || [...document.querySelectorAll('h3')].some((h) => h.textContent === ${JSON.stringify(SPARE)})`,
        { timeoutMs: 10_000 },
      );
      const addMs = added - (await pressedAt(page));
      return { renderedMs, longTasksMs, nodes, openMs, addMs };
    } catch (error) {
      return { renderedMs, longTasksMs, nodes, failure: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
    }
  } finally {
    await context.close();
  }
}

function center(box: { x: number; y: number; width: number; height: number }): { x: number; y: number } {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

