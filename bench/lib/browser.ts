import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Measuring the web UI in Chromium. Everything timed is timed inside the page with
 * `performance.now()` (milliseconds since the navigation started), so the round trips of the
 * driver do not count. The page-side code is passed as text: a transform of this file would add
 * helpers to a function that the page does not have.
 */

/** The Chromium the browser tests use; `STAGECOACH_CHROMIUM` overrides it. */
export const CHROMIUM = process.env.STAGECOACH_CHROMIUM ?? '/usr/bin/chromium';
/** The size of the browser window, as the README screenshots. */
export const VIEWPORT = { width: 1280, height: 800 };
/** sessionStorage key of the signed-in token (`packages/web/src/api.ts`). */
const TOKEN_KEY = 'stagecoach.token';

/** Builds the web UI with vite into `outDir`. */
export async function buildWebUi(outDir: string): Promise<void> {
  const web = join(import.meta.dirname, '..', '..', 'packages', 'web');
  const vite = join(web, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js');
  await promisify(execFile)(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: web });
}

/** Starts Chromium headless, with what the browser tests turn off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A new browser context (empty cache, as a first visit) signed in with `token`, recording the
 * page's long tasks from the start of every navigation into `window.benchLongTasks`.
 */
export async function signedInContext(browser: Browser, token: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript({
    content: `(() => {
      try { sessionStorage.setItem(${JSON.stringify(TOKEN_KEY)}, ${JSON.stringify(token)}); } catch {}
      window.benchLongTasks = [];
      try {
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) window.benchLongTasks.push([entry.startTime, entry.duration]);
        }).observe({ type: 'longtask', buffered: true });
      } catch {}
    })()`,
  });
  return context;
}

/**
 * Waits, checking once per frame (or every `pollMs`), until the page expression `condition` is
 * true; returns the page's `performance.now()` of that moment.
 */
export async function pageTimeWhen(page: Page, condition: string, options: { timeoutMs: number; pollMs?: number }): Promise<number> {
  const handle = await page.waitForFunction(`(${condition}) ? performance.now() : false`, undefined, {
    polling: options.pollMs ?? 'raf',
    timeout: options.timeoutMs,
  });
  return (await handle.jsonValue()) as number;
}

/** Long tasks of the page: `[startTime, duration]`, in milliseconds. */
export async function longTasks(page: Page): Promise<[number, number][]> {
  return (await page.evaluate('window.benchLongTasks')) as [number, number][];
}

/** The count and total duration of the long tasks that started in `[from, to)`. */
export function longTasksBetween(tasks: readonly [number, number][], from: number, to: number): { count: number; totalMs: number; longestMs: number } {
  const inside = tasks.filter(([start]) => start >= from && start < to);
  return {
    count: inside.length,
    totalMs: inside.reduce((sum, [, duration]) => sum + duration, 0),
    longestMs: inside.reduce((max, [, duration]) => Math.max(max, duration), 0),
  };
}

/** Starts counting animation frames in the page (`window.benchFrames`); returns the page time. */
export async function startFrames(page: Page): Promise<number> {
  return (await page.evaluate(`(() => {
    window.benchFrames = [];
    window.benchCounting = true;
    const frame = (time) => {
      if (!window.benchCounting) return;
      window.benchFrames.push(time);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    return performance.now();
  })()`)) as number;
}

/** What the frames between `startFrames` and `stopFrames` show. */
export interface Frames {
  /** Page time the counting started and stopped. */
  fromMs: number;
  toMs: number;
  count: number;
  perSecond: number;
  /** Longest time between two frames (or from the start to the first, and from the last to the end). */
  longestGapMs: number;
}

/** Stops counting frames; returns them. */
export async function stopFrames(page: Page, fromMs: number): Promise<Frames> {
  const { frames, toMs } = (await page.evaluate(`(() => {
    window.benchCounting = false;
    return { frames: window.benchFrames, toMs: performance.now() };
  })()`)) as { frames: number[]; toMs: number };
  const marks = [fromMs, ...frames, toMs];
  let longestGapMs = 0;
  for (let i = 1; i < marks.length; i++) longestGapMs = Math.max(longestGapMs, marks[i]! - marks[i - 1]!);
  return { fromMs, toMs, count: frames.length, perSecond: frames.length / ((toMs - fromMs) / 1000), longestGapMs };
}

/**
 * Moves the pressed mouse from `from` to `to` over `durationMs`, one small step about every
 * 16 ms, as a hand would.
 */
export async function dragPointer(page: Page, from: { x: number; y: number }, to: { x: number; y: number }, durationMs: number): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  const started = performance.now();
  for (;;) {
    const elapsed = performance.now() - started;
    const f = Math.min(1, elapsed / durationMs);
    await page.mouse.move(from.x + (to.x - from.x) * f, from.y + (to.y - from.y) * f);
    if (f >= 1) break;
    await new Promise((resolve) => setTimeout(resolve, 16));
  }
}

/** Remembers, in the page, when the pointer is pressed or a key goes down next (`window.benchPressedAt`). */
export async function recordNextPress(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.benchPressedAt = undefined;
    const press = () => {
      window.benchPressedAt ??= performance.now();
      document.removeEventListener('pointerdown', press, { capture: true });
      document.removeEventListener('keydown', press, { capture: true });
    };
    document.addEventListener('pointerdown', press, { capture: true });
    document.addEventListener('keydown', press, { capture: true });
  })()`);
}

/** The page time of the press recorded by `recordNextPress`. */
export async function pressedAt(page: Page): Promise<number> {
  const at = (await page.evaluate('window.benchPressedAt')) as number | undefined;
  if (at === undefined) throw new Error('the page saw no pointer press');
  return at;
}

/** The page's resource timings of `path` (with any query): the latest `responseEnd`, or undefined. */
export async function responseEnd(page: Page, path: string): Promise<number | undefined> {
  const ends = (await page.evaluate(
    `performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === ${JSON.stringify(path)}).map((e) => e.responseEnd)`,
  )) as number[];
  return ends.length > 0 ? Math.max(...ends) : undefined;
}
