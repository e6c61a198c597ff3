import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { STAGECOACH_API_VERSION, type Resource } from '@stagecoach/core';
import { createGitCli } from '../adapters/git-cli/index.ts';
import { openStore } from '../adapters/store/open.ts';
import { commitFiles, createBareRepo, tempDir } from '../testing/git-fixtures.ts';
import { fixedClock } from '../testing/harness.ts';
import { TriggerPoller, pollIntervalMilliseconds } from './poller.ts';
import { TriggerScanner, type ScanReport, type TriggerEvent } from './scanner.ts';

const EMPTY: ScanReport = { checked: [], triggered: [] };

/** Resolves once `predicate` holds, checking after each event-loop turn. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('poll interval setting', () => {
  const cases: [string | undefined, number | undefined][] = [
    [undefined, 60_000],
    ['0', undefined],
    ['5m', 300_000],
    ['1s', 1_000],
    ['1h30m', 5_400_000],
  ];
  for (const [setting, expected] of cases) {
    test(`${JSON.stringify(setting)} → ${expected}`, () => assert.equal(pollIntervalMilliseconds(setting), expected));
  }
  test('a text that is no duration is refused', () => {
    assert.throws(() => pollIntervalMilliseconds('often'), /^Error: triggers.pollInterval: "often" is not a duration/);
  });
});

describe('trigger poller', () => {
  test('scans one at a time, however slow a scan is, and reports each one', async () => {
    let active = 0;
    let most = 0;
    let scans = 0;
    const reports: ScanReport[] = [];
    const poller = new TriggerPoller({
      intervalMs: 1,
      onScan: (r) => reports.push(r),
      scanner: {
        async scan() {
          active += 1;
          most = Math.max(most, active);
          // A scan that spans several timer turns, longer than the interval.
          for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 2));
          active -= 1;
          scans += 1;
          return EMPTY;
        },
      },
    });
    poller.start();
    poller.start(); // a second start changes nothing
    await until(() => scans >= 5);
    await poller.stop();
    assert.equal(most, 1);
    assert.equal(reports.length, scans);
  });

  test('a failing scan is logged and polling goes on', async () => {
    let scans = 0;
    const logs: string[] = [];
    const poller = new TriggerPoller({
      intervalMs: 1,
      log: (line) => logs.push(line),
      scanner: {
        async scan() {
          scans += 1;
          if (scans === 1) throw new Error('resources unreadable');
          return EMPTY;
        },
      },
    });
    poller.start();
    await until(() => scans >= 3);
    await poller.stop();
    assert.deepEqual(logs, ['automatic triggers: polling failed: resources unreadable']);
  });

  test('stop waits for the scan in progress, and no scan starts after it', async () => {
    let scans = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const poller = new TriggerPoller({
      intervalMs: 1,
      scanner: {
        async scan() {
          scans += 1;
          await gate;
          return EMPTY;
        },
      },
    });
    poller.start();
    await until(() => scans === 1);
    let stopped = false;
    const stopping = poller.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(stopped, false, 'the scan has not ended yet');
    release();
    await stopping;
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(scans, 1);
  });

  test('an interval under 1ms is refused', () => {
    assert.throws(() => new TriggerPoller({ intervalMs: 0, scanner: { scan: async () => EMPTY } }), /at least 1ms/);
  });

  test('with the real scanner: the first poll records the folder, a later one triggers on a new commit', { timeout: 30_000 }, async () => {
    const root = await tempDir();
    const repo = await createBareRepo({ root: root.path, name: 'shop.git', files: { 'dev/values.yaml': 'tag: "1"\n' } });
    const git = createGitCli({ cacheDir: join(root.path, 'cache') });
    const store = await openStore({ dataDir: join(root.path, 'data') });
    const v = STAGECOACH_API_VERSION;
    const resources: Resource[] = [
      { apiVersion: v, kind: 'PromotionFlow', metadata: { name: 'shop-flow' }, spec: { triggerEnvironment: 'dev', steps: [{ environment: 'prod' }] } },
      { apiVersion: v, kind: 'Product', metadata: { name: 'shop' }, spec: { promotionFlows: [{ name: 'shop-flow' }] } },
      { apiVersion: v, kind: 'Application', metadata: { name: 'shop-dev' }, spec: { product: 'shop', environment: 'dev', source: { repoURL: repo.path, path: 'dev' } } },
    ];
    const triggered: TriggerEvent[] = [];
    const reports: ScanReport[] = [];
    const poller = new TriggerPoller({
      intervalMs: 5,
      onScan: (r) => reports.push(r),
      scanner: new TriggerScanner({
        resources: async () => resources,
        open: (url) => git.open({ url }),
        cursors: store.triggerCursors,
        onTrigger: async (event) => void triggered.push(event),
        clock: fixedClock(),
      }),
    });
    try {
      poller.start();
      await until(() => reports.length >= 1);
      assert.equal(reports[0]!.checked[0]!.outcome, 'first-sighting');
      const sha = await commitFiles(repo.path, { branch: 'main', files: { 'dev/values.yaml': 'tag: "2"\n' }, message: 'tag 2' });
      await until(() => triggered.length >= 1);
      assert.deepEqual(triggered.map((t) => [t.product, t.flow, t.application, t.commit.sha]), [['shop', 'shop-flow', 'shop-dev', sha]]);
    } finally {
      await poller.stop();
      await git.close();
      await store.close();
      await root.cleanup();
    }
  });
});
