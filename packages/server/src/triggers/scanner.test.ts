import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { STAGECOACH_API_VERSION, type Application, type GitTriggerSelector, type Product, type PromotionFlow, type Resource } from '@stagecoach/core';
import { createGitCli, type GitCli } from '../adapters/git-cli/index.ts';
import { openStore } from '../adapters/store/open.ts';
import type { Store } from '../store/port.ts';
import { commitFiles, createBareRepo, fixtureGit, revParse, tempDir, type BareRepo, type TempDir } from '../testing/git-fixtures.ts';
import { fixedClock } from '../testing/harness.ts';
import { TriggerScanner, triggerApplications, type ApplicationScan, type OnTrigger, type TriggerEvent } from './scanner.ts';
import { normalizeRepoURL } from './webhook.ts';

const SKIP: GitTriggerSelector = { key: 'commitMessage', operator: 'NotIn', values: ['*[skip promotion]*'] };
const HOTFIX: GitTriggerSelector = { key: 'commitMessage', operator: 'In', values: ['hotfix:*'] };

function flow(name: string, triggerEnvironment: string): PromotionFlow {
  return { apiVersion: STAGECOACH_API_VERSION, kind: 'PromotionFlow', metadata: { name }, spec: { triggerEnvironment, steps: [{ environment: 'production' }] } };
}

function application(name: string, environment: string, repoURL: string, path: string, product = 'cf-101'): Application {
  return { apiVersion: STAGECOACH_API_VERSION, kind: 'Application', metadata: { name }, spec: { product, environment, source: { repoURL, targetRevision: 'main', path } } };
}

function product(name: string, promotionFlows: NonNullable<Product['spec']['promotionFlows']>): Product {
  return { apiVersion: STAGECOACH_API_VERSION, kind: 'Product', metadata: { name }, spec: { promotionFlows } };
}

/**
 * cf-101 lists, in order: a flow that starts in qa (first, so a dev commit that took the first
 * entry regardless of environment would pick it), a hotfix flow and the everyday flow, both from dev.
 */
function resources(repoURL: string): Resource[] {
  return [
    flow('from-qa', 'qa'),
    flow('hotfix', 'dev'),
    flow('three-env', 'dev'),
    product('cf-101', [
      { name: 'from-qa' },
      { name: 'hotfix', gitTriggerSelectors: [HOTFIX] },
      { name: 'three-env', gitTriggerSelectors: [SKIP] },
    ]),
    application('cf-101-dev', 'dev', repoURL, 'envs/dev'),
    application('cf-101-qa', 'qa', repoURL, 'envs/qa/'),
    application('cf-101-production', 'production', repoURL, 'envs/production'),
  ];
}

const FILES = {
  'README.md': '# cf-101\n',
  'envs/dev/values.yaml': 'image:\n  tag: "2.0.0"\n',
  'envs/qa/values.yaml': 'image:\n  tag: "1.9.0"\n',
  'envs/production/values.yaml': 'image:\n  tag: "1.8.0"\n',
};

const devValues = (tag: string) => ({ 'envs/dev/values.yaml': `image:\n  tag: "${tag}"\n` });

describe('trigger applications', () => {
  test('are the applications whose product lists a flow starting in their environment, with those entries in list order', () => {
    const found = triggerApplications([
      ...resources('/srv/cf-101.git'),
      // A product without flows, one whose entry names no stored flow, and an application of an unknown product.
      product('quiet', []),
      product('dangling', [{ name: 'not-stored' }]),
      application('quiet-dev', 'dev', '/srv/quiet.git', 'dev', 'quiet'),
      application('dangling-dev', 'dev', '/srv/dangling.git', 'dev', 'dangling'),
      application('orphan-dev', 'dev', '/srv/orphan.git', 'dev', 'orphan'),
    ]);
    assert.deepEqual(
      found.map((t) => ({ name: t.application.metadata.name, entries: t.entries.map((e) => e.name), repoURL: t.repoURL, branch: t.branch, folder: t.folder })),
      [
        { name: 'cf-101-dev', entries: ['hotfix', 'three-env'], repoURL: '/srv/cf-101.git', branch: 'main', folder: 'envs/dev' },
        { name: 'cf-101-qa', entries: ['from-qa'], repoURL: '/srv/cf-101.git', branch: 'main', folder: 'envs/qa' },
      ],
    );
  });
});

describe('trigger scanner on a real repository', () => {
  let root: TempDir;
  let repo: BareRepo;
  let git: GitCli;
  let store: Store;
  let stored: Resource[];
  let calls: TriggerEvent[];
  let onTrigger: OnTrigger;
  let logs: string[];
  let scanner: TriggerScanner;

  beforeEach(async () => {
    root = await tempDir();
    repo = await createBareRepo({ root: root.path, name: 'cf-101.git', files: FILES });
    git = createGitCli({ cacheDir: join(root.path, 'cache') });
    store = await openStore({ dataDir: join(root.path, 'data') });
    stored = resources(repo.path);
    calls = [];
    logs = [];
    onTrigger = async (event) => void calls.push(event);
    scanner = new TriggerScanner({
      resources: async () => stored,
      open: (url) => git.open({ url }),
      cursors: store.triggerCursors,
      onTrigger: (event) => onTrigger(event),
      clock: fixedClock(),
      log: (line) => logs.push(line),
    });
  });
  afterEach(async () => {
    await git.close();
    await store.close();
    await root.cleanup();
  });

  const outcomes = (checked: ApplicationScan[]) => Object.fromEntries(checked.map((c) => [c.application, c.flow ? `${c.outcome} ${c.flow}` : c.outcome]));

  test('the first sighting records the folder commit and triggers nothing; the next scan finds nothing new', async () => {
    const initial = (await revParse(repo.path, 'main'))!;
    const first = await scanner.scan();
    assert.deepEqual(first.triggered, []);
    assert.deepEqual(first.checked, [
      { application: 'cf-101-dev', product: 'cf-101', environment: 'dev', repoURL: repo.path, branch: 'main', folder: 'envs/dev', outcome: 'first-sighting', commit: initial },
      { application: 'cf-101-qa', product: 'cf-101', environment: 'qa', repoURL: repo.path, branch: 'main', folder: 'envs/qa', outcome: 'first-sighting', commit: initial },
    ]);
    assert.deepEqual(await store.triggerCursors.get({ application: 'cf-101-dev', repoURL: repo.path, branch: 'main', folder: 'envs/dev' }), {
      application: 'cf-101-dev',
      repoURL: repo.path,
      branch: 'main',
      folder: 'envs/dev',
      commit: initial,
      updatedAt: '2026-01-02T03:04:05.000Z',
    });
    assert.deepEqual(outcomes((await scanner.scan()).checked), { 'cf-101-dev': 'unchanged', 'cf-101-qa': 'unchanged' });
    assert.deepEqual(calls, []);
  });

  test('a new commit in the folder triggers the first matching flow of its environment, once', async () => {
    await scanner.scan();
    const sha = await commitFiles(repo.path, { branch: 'main', files: devValues('2.1.0'), message: 'Bump image to 2.1.0\n\nWith a body.', date: '2026-01-02T10:00:00Z' });
    const report = await scanner.scan();
    // from-qa comes first in the product's list but starts in qa; hotfix does not match.
    assert.deepEqual(outcomes(report.checked), { 'cf-101-dev': 'triggered three-env', 'cf-101-qa': 'unchanged' });
    const expected: TriggerEvent = {
      product: 'cf-101',
      flow: 'three-env',
      application: 'cf-101-dev',
      commit: { sha, author: { name: 'Fixture', email: 'fixture@example.invalid', date: '2026-01-02T10:00:00+00:00' }, message: 'Bump image to 2.1.0\n\nWith a body.' },
    };
    assert.deepEqual(calls, [expected]);
    assert.deepEqual(report.triggered, calls);

    assert.deepEqual(outcomes((await scanner.scan()).checked), { 'cf-101-dev': 'unchanged', 'cf-101-qa': 'unchanged' });
    assert.equal(calls.length, 1, 'the cursor moved: no second trigger');

    await commitFiles(repo.path, { branch: 'main', files: devValues('2.1.1'), message: 'hotfix: pin 2.1.1' });
    assert.deepEqual(outcomes((await scanner.scan()).checked), { 'cf-101-dev': 'triggered hotfix', 'cf-101-qa': 'unchanged' });
  });

  test('a commit outside the folder triggers nothing, even when the branch moved', async () => {
    await scanner.scan();
    await commitFiles(repo.path, { branch: 'main', files: { 'README.md': '# cf-101, edited\n', 'envs/dev-extra/values.yaml': 'x: 1\n', 'envs/production/values.yaml': 'image:\n  tag: "2.0.0"\n' } });
    assert.deepEqual(outcomes((await scanner.scan()).checked), { 'cf-101-dev': 'unchanged', 'cf-101-qa': 'unchanged' });
    assert.deepEqual(calls, []);
  });

  test('a new commit in another trigger environment\'s folder starts that environment\'s flow only', async () => {
    await scanner.scan();
    await commitFiles(repo.path, { branch: 'main', files: { 'envs/qa/values.yaml': 'image:\n  tag: "2.0.0"\n' }, message: 'qa: take 2.0.0' });
    assert.deepEqual(outcomes((await scanner.scan()).checked), { 'cf-101-dev': 'unchanged', 'cf-101-qa': 'triggered from-qa' });
    assert.deepEqual(calls.map((c) => [c.application, c.flow]), [['cf-101-qa', 'from-qa']]);
  });

  test('a commit Stagecoach made moves the cursor without triggering', async () => {
    await scanner.scan();
    const ours = await commitFiles(repo.path, {
      branch: 'main',
      files: devValues('2.2.0'),
      message: 'Promote cf-101 to dev\n\nStagecoach-Release: 01jfa0000000000000000000000\nStagecoach-Environment: dev\nStagecoach-Application: cf-101-dev\n',
    });
    const report = await scanner.scan();
    assert.deepEqual(outcomes(report.checked), { 'cf-101-dev': 'stagecoach-commit', 'cf-101-qa': 'unchanged' });
    assert.equal(report.checked[0]!.commit, ours);
    assert.deepEqual(calls, []);
    assert.equal((await store.triggerCursors.get({ application: 'cf-101-dev', repoURL: repo.path, branch: 'main', folder: 'envs/dev' }))?.commit, ours);

    await commitFiles(repo.path, { branch: 'main', files: devValues('2.2.1'), message: 'Bump to 2.2.1' });
    assert.deepEqual(outcomes((await scanner.scan()).checked)['cf-101-dev'], 'triggered three-env');
  });

  test('a commit no selector lets through ([skip promotion]) moves the cursor without triggering', async () => {
    await scanner.scan();
    const skipped = await commitFiles(repo.path, { branch: 'main', files: devValues('2.3.0'), message: 'Try 2.3.0 [skip promotion]' });
    const report = await scanner.scan();
    assert.deepEqual(outcomes(report.checked), { 'cf-101-dev': 'no-matching-flow', 'cf-101-qa': 'unchanged' });
    assert.equal(report.checked[0]!.commit, skipped);
    assert.deepEqual(calls, []);
    assert.deepEqual(outcomes((await scanner.scan()).checked), { 'cf-101-dev': 'unchanged', 'cf-101-qa': 'unchanged' });
  });

  test('each application whose folder has a newer commit is told once, after its cursor moved; a listener failing only logs', async () => {
    const told: [string, string, string | undefined][] = [];
    let fail = false;
    const listening = new TriggerScanner({
      resources: async () => stored,
      open: (url) => git.open({ url }),
      cursors: store.triggerCursors,
      onTrigger: (event) => onTrigger(event),
      onFolderChange: async (scan) => {
        if (fail) throw new Error('the bus is down');
        const cursor = await store.triggerCursors.get({ application: scan.application, repoURL: repo.path, branch: 'main', folder: scan.folder });
        told.push([scan.application, scan.outcome, cursor?.commit === scan.commit ? 'moved' : 'not moved']);
      },
      clock: fixedClock(),
      log: (line) => logs.push(line),
    });
    await listening.scan();
    assert.deepEqual(told, [], 'a first sighting is not a change');
    await commitFiles(repo.path, { branch: 'main', files: devValues('2.5.0'), message: 'Bump to 2.5.0' });
    await commitFiles(repo.path, { branch: 'main', files: { 'envs/qa/values.yaml': 'image:\n  tag: "2.5.0"\n' }, message: 'qa: 2.5.0' });
    await listening.scan();
    assert.deepEqual(told, [
      ['cf-101-dev', 'triggered', 'moved'],
      ['cf-101-qa', 'triggered', 'moved'],
    ]);
    await listening.scan();
    assert.equal(told.length, 2, 'nothing new, nothing told');

    fail = true;
    await commitFiles(repo.path, { branch: 'main', files: devValues('2.5.1'), message: 'Bump to 2.5.1' });
    const report = await listening.scan();
    assert.deepEqual(outcomes(report.checked), { 'cf-101-dev': 'triggered three-env', 'cf-101-qa': 'unchanged' });
    assert.match(logs.join('\n'), /cf-101-dev.*the bus is down/);
  });

  test('a failed trigger leaves the cursor, so the next scan calls it again for the same commit', async () => {
    await scanner.scan();
    const sha = await commitFiles(repo.path, { branch: 'main', files: devValues('2.4.0'), message: 'Bump to 2.4.0' });
    onTrigger = async () => {
      throw new Error('store is read-only');
    };
    const failed = await scanner.scan();
    assert.deepEqual(failed.checked.find((c) => c.application === 'cf-101-dev'), {
      application: 'cf-101-dev',
      product: 'cf-101',
      environment: 'dev',
      repoURL: repo.path,
      branch: 'main',
      folder: 'envs/dev',
      outcome: 'failed',
      message: `flow "three-env" for commit ${sha} could not start: store is read-only`,
    });
    assert.deepEqual(failed.triggered, []);
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /^automatic triggers: application "cf-101-dev" .*could not start: store is read-only$/);

    onTrigger = async (event) => void calls.push(event);
    assert.deepEqual(outcomes((await scanner.scan()).checked)['cf-101-dev'], 'triggered three-env');
    assert.deepEqual(calls.map((c) => c.commit.sha), [sha]);
  });

  test('a branch that went back to an older folder commit triggers nothing', async () => {
    const initial = (await revParse(repo.path, 'main'))!;
    await scanner.scan();
    const newer = await commitFiles(repo.path, { branch: 'main', files: devValues('2.5.0'), message: 'Bump to 2.5.0' });
    await scanner.scan();
    await fixtureGit(['update-ref', 'refs/heads/main', initial], { gitDir: repo.path });
    const report = await scanner.scan();
    assert.deepEqual(outcomes(report.checked), { 'cf-101-dev': 'rewound', 'cf-101-qa': 'unchanged' });
    assert.equal((await store.triggerCursors.get({ application: 'cf-101-dev', repoURL: repo.path, branch: 'main', folder: 'envs/dev' }))?.commit, newer);
    assert.equal(calls.length, 1);
  });

  test('a repository that cannot be read fails only its own applications', async () => {
    const missing = join(root.path, 'gone.git');
    stored = [...stored, product('gone', [{ name: 'three-env' }]), application('gone-dev', 'dev', missing, 'envs/dev', 'gone')];
    await scanner.scan();
    await commitFiles(repo.path, { branch: 'main', files: devValues('2.6.0'), message: 'Bump to 2.6.0' });
    const report = await scanner.scan();
    assert.deepEqual(outcomes(report.checked), { 'cf-101-dev': 'triggered three-env', 'cf-101-qa': 'unchanged', 'gone-dev': 'failed' });
    assert.ok(report.checked.find((c) => c.application === 'gone-dev')?.message);
    assert.ok(logs.length >= 1 && logs.every((l) => l.startsWith(`automatic triggers: cannot look at ${missing} branch "main": `)), logs.join('\n'));
  });

  test('a filter limits the scan to the applications on that repository and branch', async () => {
    await scanner.scan();
    await commitFiles(repo.path, { branch: 'main', files: devValues('2.7.0') });
    assert.deepEqual(await scanner.scan({ repoURLs: ['https://github.com/acme/other'], branch: 'main' }), { checked: [], triggered: [] });
    assert.deepEqual(await scanner.scan({ repoURLs: [normalizeRepoURL(repo.path)], branch: 'release' }), { checked: [], triggered: [] });
    const hit = await scanner.scan({ repoURLs: ['https://github.com/acme/other', normalizeRepoURL(`file://${repo.path}/`)], branch: 'main' });
    assert.deepEqual(outcomes(hit.checked), { 'cf-101-dev': 'triggered three-env', 'cf-101-qa': 'unchanged' });
  });

  test('scans at the same time in one process take turns: one trigger per commit', async () => {
    await scanner.scan();
    await commitFiles(repo.path, { branch: 'main', files: devValues('2.8.0') });
    const reports = await Promise.all([scanner.scan(), scanner.scan(), scanner.scan({ repoURLs: [normalizeRepoURL(repo.path)], branch: 'main' })]);
    assert.equal(calls.length, 1);
    assert.deepEqual(reports.map((r) => outcomes(r.checked)['cf-101-dev']).sort(), ['triggered three-env', 'unchanged', 'unchanged']);
  });

  test('an application whose source moved starts fresh', async () => {
    await scanner.scan();
    stored = stored.map((r) => (r.kind === 'Application' && r.metadata.name === 'cf-101-dev' ? application('cf-101-dev', 'dev', repo.path, 'envs/qa') : r));
    assert.deepEqual(outcomes((await scanner.scan()).checked), { 'cf-101-dev': 'first-sighting', 'cf-101-qa': 'unchanged' });
    assert.deepEqual(calls, []);
  });
});
