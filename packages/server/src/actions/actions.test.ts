import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createGitCli, type GitCli } from '../adapters/git-cli/index.ts';
import { createGitHubProvider } from '../adapters/git-providers/github.ts';
import { openSqliteStore } from '../adapters/store/sqlite/open.ts';
import { LocalPullRequests } from '../pull-requests/local.ts';
import type { Store } from '../store/port.ts';
import { BareRepository } from '../testing/fakes/bare-repo.ts';
import { startFakeGitHub } from '../testing/fakes/github.ts';
import { createBareRepo, gitLog, readAt, revParse, tempDir, type TempDir } from '../testing/git-fixtures.ts';
import { startGitHttpServer } from '../testing/git-http-server.ts';
import { fixedClock } from '../testing/harness.ts';
import type { OpenRepository } from '../promotions/preview.ts';
import { commitRunner } from './commit.ts';
import { noneRunner } from './none.ts';
import { pullRequestBranch, pullRequestRunner } from './pr.ts';
import { TRAILERS, type ActionInput } from './types.ts';

const chart = (version: string, app: string) => `apiVersion: v2\nname: cf-101\nversion: 1.0.0\nappVersion: "${app}"  # shipped\n`;
const values = (tag: string) => `# values\nimage:\n  repository: acme/cf-101\n  tag: "${tag}"\nreplicas: 2\n`;
const promotion = { 'Chart.yaml': { jsonPaths: ['$.appVersion'] }, 'values.yaml': { jsonPaths: ['$.image.tag'] } };

function files(): Record<string, string> {
  const out: Record<string, string> = {
    'envs/dev/Chart.yaml': chart('1.0.0', '2.0.0'),
    'envs/dev/values.yaml': values('2.0.0'),
    'envs/qa/Chart.yaml': chart('1.0.0', '1.0.0'),
    'envs/qa/values.yaml': values('1.0.0'),
  };
  out['pair/src/values.yaml'] = values('7.0.0');
  for (const app of ['a', 'b', 'c', 'e', 'f']) out[`pair/${app}/values.yaml`] = values('0.0.1');
  for (let i = 1; i <= 20; i++) {
    const n = String(i).padStart(2, '0');
    out[`race/src-${n}/values.yaml`] = values(`9.${i}.0`);
    out[`race/app-${n}/values.yaml`] = values('0.0.1');
  }
  return out;
}

function input(repoURL: string, overrides: Partial<ActionInput> = {}, app = 'qa'): ActionInput {
  return {
    release: 'rel-1',
    product: 'cf-101',
    environment: 'qa',
    application: { name: `cf-101-${app}`, repoURL, branch: 'main', folder: `envs/${app}` },
    source: { repoURL, branch: 'main', commit: '', folder: 'envs/dev' },
    promotion,
    author: { name: 'Stagecoach', email: 'stagecoach@example.com' },
    now: new Date('2026-03-04T05:06:07Z'),
    ...overrides,
  };
}

describe('action runners on a real repository', () => {
  let dir: TempDir;
  let repoPath: string;
  let gitA: GitCli;
  let gitB: GitCli;
  let openA: OpenRepository;
  let openB: OpenRepository;
  let devCommit: string;

  before(async () => {
    dir = await tempDir();
    repoPath = (await createBareRepo({ root: dir.path, name: 'cf.git', files: files() })).path;
    devCommit = (await revParse(repoPath, 'main'))!;
    // Two caches: two server replicas committing to the same branch.
    gitA = createGitCli({ cacheDir: `${dir.path}/cache-a` });
    gitB = createGitCli({ cacheDir: `${dir.path}/cache-b` });
    openA = (url) => gitA.open({ url });
    openB = (url) => gitB.open({ url });
  });
  after(async () => {
    await gitA.close();
    await gitB.close();
    await dir.cleanup();
  });

  test('commit: one commit with the trailers, only the promoted bytes changed', async () => {
    const outcome = await commitRunner(openA).run(input(repoPath, { source: { repoURL: repoPath, branch: 'main', commit: devCommit, folder: 'envs/dev' } }));
    assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
    if (outcome.status !== 'succeeded') return;
    assert.equal(outcome.noChange, false);
    const tip = await revParse(repoPath, 'main');
    assert.equal(outcome.commit?.sha, tip);
    assert.equal(await readAt(repoPath, 'main', 'envs/qa/values.yaml'), values('2.0.0'));
    assert.equal(await readAt(repoPath, 'main', 'envs/qa/Chart.yaml'), chart('1.0.0', '2.0.0'));
    const [head] = await gitLog(repoPath, 'main');
    assert.match(head!.message, /^Promote cf-101 to qa: cf-101-qa\n/);
    assert.match(head!.message, /\nStagecoach-Release: rel-1\nStagecoach-Environment: qa\nStagecoach-Application: cf-101-qa\n?$/);
    assert.deepEqual(
      outcome.files.map((f) => [f.path, f.edits.map((e) => `${e.path}: ${String(e.old)} → ${String(e.new)}`)]),
      [
        ['Chart.yaml', ['$.appVersion: 1.0.0 → 2.0.0']],
        ['values.yaml', ['$.image.tag: 1.0.0 → 2.0.0']],
      ],
    );
  });

  test('commit: a retry of the same release finds its commit and never commits twice', async () => {
    const before = (await gitLog(repoPath, 'main')).length;
    const again = await commitRunner(openB).run(input(repoPath, { source: { repoURL: repoPath, branch: 'main', commit: devCommit, folder: 'envs/dev' } }));
    assert.equal(again.status, 'succeeded');
    assert.match(again.status === 'succeeded' ? again.message : '', /^already committed as [0-9a-f]{12}$/);
    assert.equal((await gitLog(repoPath, 'main')).length, before);
  });

  test('commit: another release with values already there is "no change" and commits nothing', async () => {
    const before = (await gitLog(repoPath, 'main')).length;
    const outcome = await commitRunner(openA).run(input(repoPath, { release: 'rel-2', source: { repoURL: repoPath, branch: 'main', commit: devCommit, folder: 'envs/dev' } }));
    assert.deepEqual(outcome, { status: 'succeeded', noChange: true, files: [], message: 'no change: the target already holds these values' });
    assert.equal((await gitLog(repoPath, 'main')).length, before);
  });

  test('commit: a stale cache never answers "no change": the branch is fetched first', async () => {
    // Someone puts qa back to the old values behind this replica's back.
    await import('../testing/git-fixtures.ts').then((f) =>
      f.commitFiles(repoPath, { branch: 'main', files: { 'envs/qa/values.yaml': values('1.0.0'), 'envs/qa/Chart.yaml': chart('1.0.0', '1.0.0') }, message: 'revert qa' }),
    );
    const outcome = await commitRunner(openA).run(input(repoPath, { release: 'rel-3', source: { repoURL: repoPath, branch: 'main', commit: devCommit, folder: 'envs/dev' } }));
    assert.equal(outcome.status, 'succeeded');
    assert.equal(outcome.status === 'succeeded' && outcome.noChange, false, JSON.stringify(outcome));
    assert.equal(await readAt(repoPath, 'main', 'envs/qa/values.yaml'), values('2.0.0'));
  });

  test('commit: 20 promotions at once from two replicas all land, none lost, none twice', async () => {
    const base = (await gitLog(repoPath, 'main')).length;
    const source = (await revParse(repoPath, 'main'))!;
    const runs = Array.from({ length: 20 }, (_, k) => {
      const n = String(k + 1).padStart(2, '0');
      const open = k % 2 === 0 ? openA : openB;
      return commitRunner(open).run(
        input(
          repoPath,
          {
            release: `race-${n}`,
            environment: 'race',
            application: { name: `app-${n}`, repoURL: repoPath, branch: 'main', folder: `race/app-${n}` },
            source: { repoURL: repoPath, branch: 'main', commit: source, folder: `race/src-${n}` },
            promotion: { 'values.yaml': { jsonPaths: ['$.image.tag'] } },
          },
        ),
      );
    });
    const outcomes = await Promise.all(runs);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'succeeded' ? (o.noChange ? 'no change' : 'committed') : `${o.status}: ${'message' in o ? o.message : ''}`)),
      Array(20).fill('committed'),
    );
    const log = await gitLog(repoPath, 'main');
    assert.equal(log.length, base + 20);
    const apps = log.slice(0, 20).map((c) => /Stagecoach-Application: (\S+)/.exec(c.message)?.[1]);
    assert.equal(new Set(apps).size, 20);
    for (let i = 1; i <= 20; i++) {
      const n = String(i).padStart(2, '0');
      assert.equal(await readAt(repoPath, 'main', `race/app-${n}/values.yaml`), values(`9.${i}.0`));
    }
  });

  describe('commit: companions', () => {
    /** Opens repositories of replica A, counting the pushes the remote accepted. */
    function countingOpen() {
      const counted = { pushes: 0 };
      const open: OpenRepository = async (url) => {
        const repository = await openA(url);
        return new Proxy(repository, {
          get(target, property, receiver) {
            if (property === 'push') return async (...args: Parameters<typeof target.push>) => {
              const pushed = await target.push(...args);
              if (pushed.ok) counted.pushes++;
              return pushed;
            };
            const value = Reflect.get(target, property, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      };
      return { open, counted };
    }
    const pairInput = (app: string, companions: ActionInput['companions']) =>
      input(repoPath, {
        release: 'pair-1',
        environment: `pair-${app}`,
        application: { name: `app-${app}`, repoURL: repoPath, branch: 'main', folder: `pair/${app}` },
        source: { repoURL: repoPath, branch: 'main', commit: devCommit, folder: 'pair/src' },
        promotion: { 'values.yaml': { jsonPaths: ['$.image.tag'] } },
        ...(companions ? { companions } : {}),
      });

    test('an action waits for a companion that starts later, and both go out in one push', async () => {
      const { open, counted } = countingOpen();
      const runner = commitRunner(open, { companionWaitMs: 10_000 });
      const first = runner.run(pairInput('a', [{ environment: 'pair-b', application: 'app-b' }]));
      await new Promise((resolve) => setTimeout(resolve, 30));
      const second = runner.run(pairInput('b', undefined));
      const [a, b] = await Promise.all([first, second]);
      assert.equal(a.status, 'succeeded', JSON.stringify(a));
      assert.equal(b.status, 'succeeded', JSON.stringify(b));
      if (a.status !== 'succeeded' || b.status !== 'succeeded') return;
      assert.equal(counted.pushes, 1);
      const log = await gitLog(repoPath, 'main');
      assert.deepEqual(
        log.slice(0, 2).map((c) => c.sha),
        [b.commit!.sha, a.commit!.sha],
      );
      assert.equal(await readAt(repoPath, 'main', 'pair/a/values.yaml'), values('7.0.0'));
      assert.equal(await readAt(repoPath, 'main', 'pair/b/values.yaml'), values('7.0.0'));
    });

    test('a companion that already went out is not waited for', { timeout: 15_000 }, async () => {
      const { open, counted } = countingOpen();
      // Were the companion waited for, the test would time out before the wait ends.
      const runner = commitRunner(open, { companionWaitMs: 30_000 });
      const early = await runner.run(pairInput('e', undefined));
      assert.equal(early.status, 'succeeded', JSON.stringify(early));
      const late = await runner.run(pairInput('f', [{ environment: 'pair-e', application: 'app-e' }]));
      assert.equal(late.status, 'succeeded', JSON.stringify(late));
      assert.equal(counted.pushes, 2);
    });

    test('a companion that never comes holds the action back only until the wait ends', async () => {
      const { open, counted } = countingOpen();
      const outcome = await commitRunner(open, { companionWaitMs: 20 }).run(pairInput('c', [{ environment: 'pair-d', application: 'app-d' }]));
      assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
      assert.equal(counted.pushes, 1);
      assert.equal(await readAt(repoPath, 'main', 'pair/c/values.yaml'), values('7.0.0'));
    });
  });

  test('none: no Git change', async () => {
    const outcome = await noneRunner().run(input(repoPath));
    assert.equal(outcome.status, 'succeeded');
  });

  describe('pr with the local provider', () => {
    let store: Store;
    let local: LocalPullRequests;
    beforeEach(async () => {
      store = await openSqliteStore({ file: ':memory:' });
      local = new LocalPullRequests(store.pullRequests, openA, fixedClock(), () => 'http://stagecoach.test');
    });

    test('opens a branch and a pull request, waits, and continues with the merge commit', async () => {
      await import('../testing/git-fixtures.ts').then((f) =>
        f.commitFiles(repoPath, { branch: 'main', files: { 'envs/dev/values.yaml': values('3.0.0') }, message: 'dev to 3.0.0' }),
      );
      const source = (await revParse(repoPath, 'main'))!;
      const request = input(repoPath, { release: 'rel-pr', source: { repoURL: repoPath, branch: 'main', commit: source, folder: 'envs/dev' } });
      const runner = pullRequestRunner(openA, () => local);
      const first = await runner.run(request);
      assert.equal(first.status, 'suspended', JSON.stringify(first));
      if (first.status !== 'suspended') return;
      assert.equal(first.pullRequest.provider, 'local');
      assert.equal(first.pullRequest.url, `http://stagecoach.test/pull-requests/${first.pullRequest.id}`);
      const head = pullRequestBranch(request);
      assert.equal(head, 'stagecoach/rel-pr/qa/cf-101-qa');
      assert.equal(await readAt(repoPath, head, 'envs/qa/values.yaml'), values('3.0.0'));
      assert.equal(await readAt(repoPath, 'main', 'envs/qa/values.yaml'), values('2.0.0'), 'base untouched until merged');

      const second = await runner.run(request);
      assert.equal(second.status === 'suspended' && second.pullRequest.id, first.pullRequest.id, 'a retry finds the same pull request');

      const merged = await local.merge(first.pullRequest.id, { name: 'Reviewer', email: 'r@example.com' });
      assert.equal(merged.ok, true, JSON.stringify(merged));
      const done = await runner.run(request);
      assert.equal(done.status, 'succeeded', JSON.stringify(done));
      const tip = await revParse(repoPath, 'main');
      assert.equal(done.status === 'succeeded' && done.commit?.sha, tip);
      const parents = (await new BareRepository(repoPath).git(['rev-list', '--parents', '-n', '1', tip!])).trim().split(' ');
      assert.equal(parents.length, 3, 'a two-parent merge commit');
      assert.equal(await readAt(repoPath, 'main', 'envs/qa/values.yaml'), values('3.0.0'));
      assert.equal(await revParse(repoPath, head), undefined, 'the merged branch is deleted');
    });

    test('a closed pull request fails the action', async () => {
      await import('../testing/git-fixtures.ts').then((f) =>
        f.commitFiles(repoPath, { branch: 'main', files: { 'envs/dev/values.yaml': values('4.0.0') }, message: 'dev to 4.0.0' }),
      );
      const source = (await revParse(repoPath, 'main'))!;
      const request = input(repoPath, { release: 'rel-closed', source: { repoURL: repoPath, branch: 'main', commit: source, folder: 'envs/dev' } });
      const runner = pullRequestRunner(openA, () => local);
      const first = await runner.run(request);
      assert.equal(first.status, 'suspended');
      if (first.status !== 'suspended') return;
      assert.equal((await local.close(first.pullRequest.id)).ok, true);
      assert.equal((await local.merge(first.pullRequest.id, { name: 'x', email: 'x@x' })).ok, false, 'a closed pull request cannot be merged');
      // The orchestrator passes the pull request the first run opened; a closed one is final.
      const outcome = await runner.run({ ...request, pullRequest: first.pullRequest });
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.status === 'failed' ? outcome.message : '', /was closed without being merged/);
    });
  });

  test('pr with GitHub (a fake written from its REST documents, in front of the real repository)', async () => {
    const root = await tempDir();
    const server = await startGitHttpServer({ root: root.path });
    const bare = await createBareRepo({ root: root.path, name: 'acme/cf.git', files: files() });
    const github = await startFakeGitHub({ repository: new BareRepository(bare.path), fullName: 'acme/cf', token: 'ghp_test-token' });
    const git = createGitCli({ cacheDir: `${root.path}/cache` });
    try {
      const url = server.url('acme/cf.git');
      const open: OpenRepository = (u) => git.open({ url: u });
      const provider = createGitHubProvider({ token: 'ghp_test-token', baseUrl: github.url });
      const source = (await revParse(bare.path, 'main'))!;
      const request = input(url, { release: 'rel-gh', source: { repoURL: url, branch: 'main', commit: source, folder: 'envs/dev' } });
      const runner = pullRequestRunner(open, () => provider);
      const first = await runner.run(request);
      assert.equal(first.status, 'suspended', JSON.stringify(first));
      if (first.status !== 'suspended') return;
      assert.equal(first.pullRequest.provider, 'github');
      const created = github.requests.find((r) => r.method === 'POST');
      assert.equal(created?.path, '/repos/acme/cf/pulls');
      assert.deepEqual(
        { head: (created?.body as { head: string }).head, base: (created?.body as { base: string }).base },
        { head: 'stagecoach/rel-gh/qa/cf-101-qa', base: 'main' },
      );
      const mergeSha = await github.merge(first.pullRequest.id);
      const done = await runner.run(request);
      assert.equal(done.status, 'succeeded', JSON.stringify(done));
      assert.equal(done.status === 'succeeded' && done.commit?.sha, mergeSha);
      assert.equal(await readAt(bare.path, 'main', 'envs/qa/values.yaml'), values('2.0.0'));
      assert.ok((await gitLog(bare.path, 'main')).some((c) => c.message.includes(`${TRAILERS.release}: rel-gh`)));
    } finally {
      await git.close();
      await github.stop();
      await server.close();
      await root.cleanup();
    }
  });
});
