import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GitProviderError } from '../../git/providers.ts';
import { createBareRepository, type BareRepository } from '../../testing/fakes/bare-repo.ts';
import { startFakeGitLab, type FakeGitLab } from '../../testing/fakes/gitlab.ts';
import { createGitLabProvider } from './gitlab.ts';

const TOKEN = 'glpat-fake0secret0token000';
const BRANCH = 'stagecoach/rel-1/staging/web';
const OTHER = 'stagecoach/rel-2/staging/web';
const THIRD = 'stagecoach/rel-3/staging/web';

async function rejection(promise: Promise<unknown>): Promise<GitProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GitProviderError, `expected a GitProviderError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('GitLab provider against the fake GitLab', () => {
  let repo: BareRepository & { cleanup(): Promise<void> };
  let gitlab: FakeGitLab;
  let repoURL: string;

  before(async () => {
    repo = await createBareRepository({ 'web/values.yaml': 'tag: "1.0.0"\n', 'web/other.yaml': 'a: 1\n' });
    await repo.commitFiles(BRANCH, { 'web/values.yaml': 'tag: "1.1.0"\n' }, 'Promote web 1.1.0', { from: 'main' });
    await repo.commitFiles(OTHER, { 'web/values.yaml': 'tag: "1.2.0"\n' }, 'Promote web 1.2.0', { from: 'main' });
    await repo.commitFiles(THIRD, { 'web/other.yaml': 'a: 2\n' }, 'Promote web other', { from: 'main' });
    gitlab = await startFakeGitLab({ repository: repo, project: 'platform/apps/deploy', token: TOKEN });
    repoURL = `${gitlab.url}/platform/apps/deploy.git`;
  });

  after(async () => {
    await gitlab.stop();
    await repo.cleanup();
  });

  test('open looks for an opened merge request, then creates one with the right fields', async () => {
    const provider = createGitLabProvider({ token: TOKEN, host: gitlab.url });
    const from = gitlab.requests.length;
    const ref = await provider.open({ repoURL, base: 'main', head: BRANCH, title: 'Promote web to staging', body: 'Release rel-1' });

    assert.deepEqual(ref, { id: '1', url: `${gitlab.url}/platform/apps/deploy/-/merge_requests/1` });
    const sent = gitlab.requests.slice(from);
    assert.deepEqual(
      sent.map((r) => [r.method, r.path]),
      [
        ['GET', '/api/v4/projects/platform%2Fapps%2Fdeploy/merge_requests'],
        ['POST', '/api/v4/projects/platform%2Fapps%2Fdeploy/merge_requests'],
      ],
    );
    assert.deepEqual(sent[0]!.query, { source_branch: BRANCH, target_branch: 'main', state: 'opened', per_page: '100' });
    assert.deepEqual(sent[1]!.body, { source_branch: BRANCH, target_branch: 'main', title: 'Promote web to staging', description: 'Release rel-1' });
    assert.equal(sent[1]!.headers['content-type'], 'application/json');
    for (const r of sent) assert.equal(r.headers['private-token'], TOKEN);
  });

  test('open again for the same head returns the same merge request and creates nothing', async () => {
    const provider = createGitLabProvider({ token: TOKEN, host: `${gitlab.url}/` });
    const from = gitlab.requests.length;
    const ref = await provider.open({ repoURL: `git@127.0.0.1:platform/apps/deploy.git`, base: 'main', head: BRANCH, title: 'again', body: '' });
    assert.equal(ref.id, '1');
    assert.deepEqual(gitlab.requests.slice(from).map((r) => r.method), ['GET']);
    assert.equal(gitlab.mergeRequests.size, 1);
  });

  test('state: opened and locked are open; merged gives merge_commit_sha, the real merge commit', async () => {
    const provider = createGitLabProvider({ token: TOKEN, host: gitlab.url });
    assert.deepEqual(await provider.state(repoURL, '1'), { state: 'open' });
    gitlab.lock(1);
    assert.deepEqual(await provider.state(repoURL, '1'), { state: 'open' });

    const mainBefore = await repo.branchTip('main');
    const headTip = await repo.branchTip(BRANCH);
    const sha = await gitlab.merge(1);
    assert.deepEqual(await provider.state(repoURL, '1'), { state: 'merged', mergeCommit: sha });
    assert.equal(await repo.branchTip('main'), sha);
    const commit = await repo.git(['cat-file', '-p', sha]);
    assert.deepEqual(
      commit.split('\n').filter((l) => l.startsWith('parent ')),
      [`parent ${mainBefore}`, `parent ${headTip}`],
    );
  });

  test('merged with squash and fast-forward: squash_commit_sha, with merge_commit_sha null', async () => {
    const provider = createGitLabProvider({ token: TOKEN, host: gitlab.url });
    const ref = await provider.open({ repoURL, base: 'main', head: THIRD, title: 'rel-3', body: '' });
    const mainBefore = await repo.branchTip('main');
    const sha = await gitlab.merge(ref.id, { squash: true });
    assert.equal(gitlab.mergeRequests.get(Number(ref.id))?.mergeCommitSha, null);
    assert.deepEqual(await provider.state(repoURL, ref.id), { state: 'merged', mergeCommit: sha });
    assert.equal(await repo.branchTip('main'), sha);
    assert.deepEqual(await repo.parents(sha), [mainBefore]);
  });

  test('state: closed after close() on another merge request', async () => {
    const provider = createGitLabProvider({ token: TOKEN, host: gitlab.url });
    const ref = await provider.open({ repoURL, base: 'main', head: OTHER, title: 'rel-2', body: '' });
    assert.deepEqual(await provider.state(repoURL, ref.id), { state: 'open' });
    gitlab.close(ref.id);
    assert.deepEqual(await provider.state(repoURL, ref.id), { state: 'closed' });
  });

  test('a locked merge request found after a 409 on create is returned', async () => {
    const provider = createGitLabProvider({ token: TOKEN, host: gitlab.url });
    const first = await provider.open({ repoURL, base: 'main', head: OTHER, title: 'rel-2 again', body: '' });
    gitlab.lock(first.id);
    const from = gitlab.requests.length;
    const again = await provider.open({ repoURL, base: 'main', head: OTHER, title: 'rel-2 again', body: '' });
    assert.equal(again.id, first.id);
    const sent = gitlab.requests.slice(from);
    assert.deepEqual(sent.map((r) => `${r.method} ${r.query.state ?? ''}`), ['GET opened', 'POST ', 'GET opened', 'GET locked']);
  });

  test('a source branch that does not exist is rejected with GitLab\'s message', async () => {
    const provider = createGitLabProvider({ token: TOKEN, host: gitlab.url });
    const error = await rejection(provider.open({ repoURL, base: 'main', head: 'stagecoach/nope/staging/web', title: 't', body: '' }));
    assert.equal(error.code, 'rejected');
    assert.equal(
      error.message,
      'gitlab platform/apps/deploy: open merge request stagecoach/nope/staging/web → main: refused (HTTP 422: Source branch "stagecoach/nope/staging/web" does not exist)',
    );
  });

  test('a wrong token is unauthorized, and no token text reaches the message', async () => {
    const wrong = 'glpat-wrong0secret0token00';
    const provider = createGitLabProvider({ token: wrong, host: gitlab.url });
    for (const attempt of [provider.open({ repoURL, base: 'main', head: BRANCH, title: 't', body: '' }), provider.state(repoURL, '1')]) {
      const error = await rejection(attempt);
      assert.equal(error.code, 'unauthorized');
      assert.match(error.message, /^gitlab platform\/apps\/deploy: .*the token was refused \(HTTP 401: 401 Unauthorized\)$/);
      assert.ok(!error.message.includes(wrong) && !error.message.includes(TOKEN), error.message);
      assert.equal(error.cause, undefined);
    }
  });

  test('an unknown project or merge request is not-found', async () => {
    const provider = createGitLabProvider({ token: TOKEN, host: gitlab.url });
    const open = await rejection(provider.open({ repoURL: `${gitlab.url}/platform/other`, base: 'main', head: BRANCH, title: 't', body: '' }));
    assert.equal(open.code, 'not-found');
    assert.match(open.message, /^gitlab platform\/other: .*not found \(HTTP 404: 404 Project Not Found\)/);
    assert.equal((await rejection(provider.state(repoURL, '99'))).code, 'not-found');
    assert.equal((await rejection(provider.state(`${gitlab.url}/single`, '1'))).code, 'not-found');
  });

  test('a server that is down is unreachable', async () => {
    const gone = await startFakeGitLab({ repository: repo, project: 'platform/apps/deploy', token: TOKEN });
    await gone.stop();
    const provider = createGitLabProvider({ token: TOKEN, host: gone.url });
    const error = await rejection(provider.state(repoURL, '1'));
    assert.equal(error.code, 'unreachable');
    assert.match(error.message, /^gitlab platform\/apps\/deploy: read merge request !1: cannot reach the server \(.*ECONNREFUSED.*\)$/);
  });
});
