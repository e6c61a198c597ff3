import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GitProviderError } from '../../git/providers.ts';
import { createBareRepository, type BareRepository } from '../../testing/fakes/bare-repo.ts';
import { startFakeGitHub, type FakeGitHub } from '../../testing/fakes/github.ts';
import { createGitHubProvider } from './github.ts';

const TOKEN = 'ghp_fake0secret0token0000000000000000';
const REPO_URL = 'https://github.com/acme/deploy.git';
const BRANCH = 'stagecoach/rel-1/production/api';

async function rejection(promise: Promise<unknown>): Promise<GitProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GitProviderError, `expected a GitProviderError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('GitHub provider against the fake GitHub', () => {
  let repo: BareRepository & { cleanup(): Promise<void> };
  let github: FakeGitHub;

  before(async () => {
    repo = await createBareRepository({ 'apps/api/values.yaml': 'image:\n  tag: "1.0.0"\n' });
    await repo.commitFiles(BRANCH, { 'apps/api/values.yaml': 'image:\n  tag: "1.1.0"\n' }, 'Promote api 1.1.0', { from: 'main' });
    await repo.commitFiles('stagecoach/rel-2/production/api', { 'apps/api/values.yaml': 'image:\n  tag: "1.2.0"\n' }, 'Promote api 1.2.0', { from: 'main' });
    github = await startFakeGitHub({ repository: repo, fullName: 'acme/deploy', token: TOKEN });
  });

  after(async () => {
    await github.stop();
    await repo.cleanup();
  });

  test('open looks for an open pull request, then creates one with the right fields', async () => {
    const provider = createGitHubProvider({ token: TOKEN, baseUrl: github.url });
    const from = github.requests.length;
    const ref = await provider.open({ repoURL: REPO_URL, base: 'main', head: BRANCH, title: 'Promote api to production', body: 'Release rel-1' });

    assert.deepEqual(ref, { id: '1', url: 'https://github.com/acme/deploy/pull/1' });
    const sent = github.requests.slice(from);
    assert.deepEqual(
      sent.map((r) => [r.method, r.path]),
      [
        ['GET', '/repos/acme/deploy/pulls'],
        ['POST', '/repos/acme/deploy/pulls'],
      ],
    );
    assert.deepEqual(sent[0]!.query, { state: 'open', head: `acme:${BRANCH}`, base: 'main', per_page: '100' });
    assert.deepEqual(sent[1]!.body, { head: BRANCH, base: 'main', title: 'Promote api to production', body: 'Release rel-1' });
    for (const r of sent) assert.equal(r.headers.authorization, `token ${TOKEN}`);
    assert.equal(github.pulls.get(1)?.head, BRANCH);
  });

  test('open again for the same head returns the same pull request and creates nothing', async () => {
    const provider = createGitHubProvider({ token: TOKEN, baseUrl: github.url });
    const from = github.requests.length;
    const ref = await provider.open({ repoURL: 'git@github.com:acme/deploy.git', base: 'main', head: BRANCH, title: 'again', body: '' });
    assert.deepEqual(ref, { id: '1', url: 'https://github.com/acme/deploy/pull/1' });
    assert.deepEqual(github.requests.slice(from).map((r) => r.method), ['GET']);
    assert.equal(github.pulls.size, 1);
  });

  test('state: open, then merged with the real merge commit after merge()', async () => {
    const provider = createGitHubProvider({ token: TOKEN, baseUrl: github.url });
    // GitHub reports a test-merge commit in merge_commit_sha while open; it must not count as merged.
    assert.notEqual(github.pulls.get(1)?.mergeCommitSha, null);
    assert.deepEqual(await provider.state(REPO_URL, '1'), { state: 'open' });

    const mainBefore = await repo.branchTip('main');
    const headTip = await repo.branchTip(BRANCH);
    const sha = await github.merge(1);
    const state = await provider.state(REPO_URL, '1');
    assert.deepEqual(state, { state: 'merged', mergeCommit: sha });

    assert.equal(await repo.branchTip('main'), sha);
    const commit = await repo.git(['cat-file', '-p', sha]);
    const parents = commit.split('\n').filter((l) => l.startsWith('parent ')).map((l) => l.slice(7));
    assert.deepEqual(parents, [mainBefore, headTip]);
    const merged = await repo.git(['show', `${sha}:apps/api/values.yaml`]);
    assert.equal(merged, 'image:\n  tag: "1.1.0"\n');
  });

  test('state: closed after close() on another pull request', async () => {
    const provider = createGitHubProvider({ token: TOKEN, baseUrl: github.url });
    const ref = await provider.open({ repoURL: REPO_URL, base: 'main', head: 'stagecoach/rel-2/production/api', title: 'rel-2', body: '' });
    assert.equal(ref.id, '2');
    assert.deepEqual(await provider.state(REPO_URL, ref.id), { state: 'open' });
    github.close(ref.id);
    assert.deepEqual(await provider.state(REPO_URL, ref.id), { state: 'closed' });
  });

  test('a merged or closed pull request does not count as open: open creates a new one', async () => {
    const provider = createGitHubProvider({ token: TOKEN, baseUrl: github.url });
    await repo.commitFiles('stagecoach/rel-2/production/api', { 'apps/api/values.yaml': 'image:\n  tag: "1.2.1"\n' }, 'Fix', {});
    const ref = await provider.open({ repoURL: REPO_URL, base: 'main', head: 'stagecoach/rel-2/production/api', title: 'rel-2 again', body: '' });
    assert.equal(ref.id, '3');
  });

  test('a pull request opened by someone else between the look-up and the create (422) is returned', async () => {
    // The first list answer is made empty, as if the other pull request appeared just after it.
    let hidden = false;
    const racingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!hidden && (init?.method ?? 'GET') === 'GET' && String(input).includes('/pulls?')) {
        hidden = true;
        return new Response('[]', { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } });
      }
      return response;
    };
    const provider = createGitHubProvider({ token: TOKEN, baseUrl: github.url, fetch: racingFetch });
    const from = github.requests.length;
    const ref = await provider.open({ repoURL: REPO_URL, base: 'main', head: 'stagecoach/rel-2/production/api', title: 'raced', body: '' });
    assert.equal(ref.id, '3');
    assert.deepEqual(github.requests.slice(from).map((r) => r.method), ['GET', 'POST', 'GET']);
    assert.equal(github.pulls.size, 3);
  });

  test('a head branch that does not exist is rejected with GitHub\'s validation message', async () => {
    const provider = createGitHubProvider({ token: TOKEN, baseUrl: github.url });
    const error = await rejection(provider.open({ repoURL: REPO_URL, base: 'main', head: 'stagecoach/nope/production/api', title: 't', body: '' }));
    assert.equal(error.code, 'rejected');
    assert.equal(error.message, 'github acme/deploy: open pull request stagecoach/nope/production/api → main: refused (HTTP 422: Validation Failed; head invalid)');
  });

  test('a wrong token is unauthorized, and no token text reaches the message', async () => {
    const wrong = 'ghp_wrong0secret0token000000000000000';
    const provider = createGitHubProvider({ token: wrong, baseUrl: github.url });
    for (const attempt of [provider.open({ repoURL: REPO_URL, base: 'main', head: BRANCH, title: 't', body: '' }), provider.state(REPO_URL, '1')]) {
      const error = await rejection(attempt);
      assert.equal(error.code, 'unauthorized');
      assert.match(error.message, /^github acme\/deploy: .*the token was refused \(HTTP 401: Bad credentials\)$/);
      assert.ok(!error.message.includes(wrong) && !error.message.includes(TOKEN), error.message);
      assert.ok(!JSON.stringify(error).includes(wrong));
    }
    assert.equal(github.requests.at(-1)?.headers.authorization, `token ${wrong}`);
  });

  test('an unknown repository or pull request is not-found', async () => {
    const provider = createGitHubProvider({ token: TOKEN, baseUrl: github.url });
    const open = await rejection(provider.open({ repoURL: 'https://github.com/acme/other', base: 'main', head: BRANCH, title: 't', body: '' }));
    assert.equal(open.code, 'not-found');
    assert.match(open.message, /^github acme\/other: open pull request .*: not found \(HTTP 404: Not Found\)/);
    assert.equal((await rejection(provider.state('https://github.com/acme/other.git', '1'))).code, 'not-found');
    assert.equal((await rejection(provider.state(REPO_URL, '99'))).code, 'not-found');
    assert.equal((await rejection(provider.state(REPO_URL, 'abc'))).code, 'not-found');
  });

  test('a repository URL that names no owner/repo is not-found, without its credentials in the message', async () => {
    const provider = createGitHubProvider({ token: TOKEN, baseUrl: github.url });
    const error = await rejection(provider.state('https://user:hunter2@github.com/acme', '1'));
    assert.equal(error.code, 'not-found');
    assert.ok(!error.message.includes('hunter2'), error.message);
  });

  test('GitHub Enterprise Server: the API under /api/v3', async () => {
    const enterprise = await startFakeGitHub({ repository: repo, fullName: 'acme/deploy', token: TOKEN, pathPrefix: '/api/v3', webUrl: 'https://ghe.example.com' });
    try {
      const provider = createGitHubProvider({ token: TOKEN, baseUrl: `${enterprise.url}/` });
      const ref = await provider.open({ repoURL: 'https://ghe.example.com/acme/deploy', base: 'main', head: 'stagecoach/rel-2/production/api', title: 't', body: '' });
      assert.deepEqual(ref, { id: '1', url: 'https://ghe.example.com/acme/deploy/pull/1' });
      assert.deepEqual(enterprise.requests.map((r) => r.path), ['/api/v3/repos/acme/deploy/pulls', '/api/v3/repos/acme/deploy/pulls']);
    } finally {
      await enterprise.stop();
    }
  });

  test('a server that is down is unreachable', async () => {
    const gone = await startFakeGitHub({ repository: repo, fullName: 'acme/deploy', token: TOKEN });
    await gone.stop();
    const provider = createGitHubProvider({ token: TOKEN, baseUrl: gone.url });
    const error = await rejection(provider.state(REPO_URL, '1'));
    assert.equal(error.code, 'unreachable');
    assert.match(error.message, /^github acme\/deploy: read pull request #1: cannot reach the server \(.*ECONNREFUSED.*\)$/);
  });
});
