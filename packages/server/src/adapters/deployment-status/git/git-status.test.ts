import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DeploymentTarget } from '../../../deployment/port.ts';
import type { OpenRepository } from '../../../promotions/preview.ts';
import { commitFiles, createBareRepo, fixtureGit, tempDir, type TempDir } from '../../../testing/git-fixtures.ts';
import { startGitHttpServer } from '../../../testing/git-http-server.ts';
import { createGitCli, type GitCli } from '../../git-cli/index.ts';
import { createGitDeploymentStatus } from './git-status.ts';

describe('git deployment status on a real repository', () => {
  let dir: TempDir;
  let repoPath: string;
  let first: string;
  let git: GitCli;
  let open: OpenRepository;

  const target = (commit: string, overrides: Partial<DeploymentTarget> = {}): DeploymentTarget => ({
    application: 'cf-101-qa',
    repoURL: repoPath,
    branch: 'main',
    folder: 'envs/qa',
    commit,
    ...overrides,
  });

  before(async () => {
    dir = await tempDir();
    repoPath = (await createBareRepo({ root: dir.path, name: 'cf.git', files: { 'envs/qa/values.yaml': 'tag: "1.0.0"\n' } })).path;
    first = await commitFiles(repoPath, { branch: 'main', files: { 'envs/qa/values.yaml': 'tag: "1.1.0"\n' }, message: 'promote 1.1.0' });
    git = createGitCli({ cacheDir: `${dir.path}/cache` });
    open = (url) => git.open({ url });
  });
  after(async () => {
    await git.close();
    await dir.cleanup();
  });

  test('the commit at the tip is ready: synced and healthy by definition', async () => {
    const check = await createGitDeploymentStatus(open).check(target(first));
    assert.equal(check.state, 'ready', check.message);
    assert.deepEqual(check.observed, { sync: 'Synced', health: 'Healthy', revision: first });
    assert.match(check.message, /^cf-101-qa: branch main of .*cf\.git: commit [0-9a-f]{8} is the tip/);
  });

  test('a later commit pushed by someone else is fetched first; the commit below it stays ready', async () => {
    const status = createGitDeploymentStatus(open);
    assert.equal((await status.check(target(first))).state, 'ready');
    const later = await commitFiles(repoPath, { branch: 'main', files: { 'envs/qa/values.yaml': 'tag: "1.2.0"\n' }, message: 'promote 1.2.0' });
    const check = await status.check(target(first));
    assert.equal(check.state, 'ready', check.message);
    assert.equal(check.observed.revision, later);
    assert.match(check.message, new RegExp(`is an ancestor of the tip ${later.slice(0, 8)}`));
    // The later commit, unknown to the cache before this check, is ready too.
    assert.equal((await status.check(target(later))).state, 'ready');
  });

  test('a commit the branch lost to a force-push fails, naming branch and commit', async () => {
    const status = createGitDeploymentStatus(open);
    const doomed = await commitFiles(repoPath, { branch: 'main', files: { 'envs/qa/values.yaml': 'tag: "1.3.0"\n' }, message: 'promote 1.3.0' });
    assert.equal((await status.check(target(doomed))).state, 'ready');
    const replaced = await commitFiles(repoPath, { branch: 'main', from: first, files: { 'envs/qa/values.yaml': 'tag: "hotfix"\n' }, message: 'rewrite' });
    const check = await status.check(target(doomed));
    assert.equal(check.state, 'failed');
    assert.equal(check.message, `cf-101-qa: branch main of ${repoPath}: commit ${doomed} is no longer on the branch (now at ${replaced.slice(0, 8)}); was the branch force-pushed?`);
    assert.deepEqual(check.observed, { sync: 'OutOfSync', health: 'Unknown', revision: replaced });
  });

  test('a commit of another repository, never on the branch, fails', async () => {
    const other = await createBareRepo({ root: dir.path, name: 'other.git' });
    const foreign = (await fixtureGit(['rev-parse', 'main'], { gitDir: other.path })).stdout.toString().trim();
    const check = await createGitDeploymentStatus(open).check(target(foreign));
    assert.equal(check.state, 'failed');
    assert.match(check.message, new RegExp(`commit ${foreign} is no longer on the branch`));
  });

  test('a deleted branch fails; a malformed commit id fails', async () => {
    await commitFiles(repoPath, { branch: 'short-lived', from: first, files: {}, message: 'branch' });
    const status = createGitDeploymentStatus(open);
    assert.equal((await status.check(target(first, { branch: 'short-lived' }))).state, 'ready');
    await fixtureGit(['branch', '-D', 'short-lived'], { gitDir: repoPath });
    const gone = await status.check(target(first, { branch: 'short-lived' }));
    assert.equal(gone.state, 'failed');
    assert.match(gone.message, /^cf-101-qa: branch short-lived of .*: the branch no longer exists/);
    assert.deepEqual(gone.observed, { sync: 'Unknown', health: 'Unknown' });

    const bad = await status.check(target('not-a-commit'));
    assert.equal(bad.state, 'failed');
    assert.match(bad.message, /^cf-101-qa: branch main: git repository .*: /);
  });

  test('an unreachable remote is waiting (transient), with the reason', async () => {
    const server = await startGitHttpServer({ root: dir.path });
    const url = server.url('cf.git');
    const status = createGitDeploymentStatus(open);
    assert.equal((await status.check(target(first, { repoURL: url }))).state, 'ready');
    await server.close();
    const check = await status.check(target(first, { repoURL: url }));
    assert.equal(check.state, 'waiting', check.message);
    assert.match(check.message, /^cf-101-qa: branch main: cannot be read now \(git repository http:\/\/127\.0\.0\.1:\d+\/cf\.git: .*\); trying again$/);
    assert.deepEqual(check.observed, { sync: 'Unknown', health: 'Unknown' });
  });

  test('refused credentials fail: they need a change, not time', async () => {
    const server = await startGitHttpServer({ root: dir.path, username: 'ci', password: 'right' });
    try {
      const check = await createGitDeploymentStatus(open).check(target(first, { repoURL: server.url('cf.git') }));
      assert.equal(check.state, 'failed', check.message);
      assert.match(check.message, /^cf-101-qa: branch main: git repository http:\/\/127\.0\.0\.1:\d+\/cf\.git: /);
    } finally {
      await server.close();
    }
  });
});
