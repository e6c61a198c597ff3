import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GitProviderError } from '../../git/providers.ts';
import { createBareRepository, type BareRepository } from '../../testing/fakes/bare-repo.ts';
import { startFakeServer } from '../../testing/fakes/fake-server.ts';
import { startFakeGitea, type FakeGitea } from '../../testing/fakes/gitea.ts';
import { createGiteaProvider, GITEA_PAGE_SIZE } from './gitea.ts';

const TOKEN = '0123456789abcdef0123456789abcdef01234567';
const BRANCH = 'stagecoach/rel-1/qa/worker';
const OTHER = 'stagecoach/rel-2/qa/worker';

async function rejection(promise: Promise<unknown>): Promise<GitProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GitProviderError, `expected a GitProviderError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('Gitea provider against the fake Gitea', () => {
  let repo: BareRepository & { cleanup(): Promise<void> };
  let gitea: FakeGitea;
  let repoURL: string;

  before(async () => {
    repo = await createBareRepository({ 'worker/values.yaml': 'replicas: 1\n' });
    await repo.commitFiles(BRANCH, { 'worker/values.yaml': 'replicas: 2\n' }, 'Promote worker', { from: 'main' });
    await repo.commitFiles(OTHER, { 'worker/values.yaml': 'replicas: 3\n' }, 'Promote worker again', { from: 'main' });
    gitea = await startFakeGitea({ repository: repo, fullName: 'ops/deploy', token: TOKEN });
    repoURL = `${gitea.url}/ops/deploy.git`;
  });

  after(async () => {
    await gitea.stop();
    await repo.cleanup();
  });

  test('open lists open pull requests, then creates one with the right fields', async () => {
    const provider = createGiteaProvider({ token: TOKEN, baseUrl: gitea.url });
    const from = gitea.requests.length;
    const ref = await provider.open({ repoURL, base: 'main', head: BRANCH, title: 'Promote worker to qa', body: 'Release rel-1' });

    assert.deepEqual(ref, { id: '1', url: `${gitea.url}/ops/deploy/pulls/1` });
    const sent = gitea.requests.slice(from);
    assert.deepEqual(
      sent.map((r) => [r.method, r.path]),
      [
        ['GET', '/api/v1/repos/ops/deploy/pulls'],
        ['POST', '/api/v1/repos/ops/deploy/pulls'],
      ],
    );
    assert.deepEqual(sent[0]!.query, { state: 'open', page: '1', limit: String(GITEA_PAGE_SIZE) });
    assert.deepEqual(sent[1]!.body, { head: BRANCH, base: 'main', title: 'Promote worker to qa', body: 'Release rel-1' });
    assert.equal(sent[1]!.headers['content-type'], 'application/json');
    for (const r of sent) assert.equal(r.headers.authorization, `token ${TOKEN}`);
  });

  test('open again for the same head returns the same pull request and creates nothing', async () => {
    const provider = createGiteaProvider({ token: TOKEN, baseUrl: `${gitea.url}/` });
    const from = gitea.requests.length;
    const ref = await provider.open({ repoURL: 'git@gitea.example.com:ops/deploy.git', base: 'main', head: BRANCH, title: 'again', body: '' });
    assert.equal(ref.id, '1');
    assert.deepEqual(gitea.requests.slice(from).map((r) => r.method), ['GET']);
  });

  test('state: open, then merged with the real merge commit after merge()', async () => {
    const provider = createGiteaProvider({ token: TOKEN, baseUrl: gitea.url });
    assert.deepEqual(await provider.state(repoURL, '1'), { state: 'open' });
    const mainBefore = await repo.branchTip('main');
    const headTip = await repo.branchTip(BRANCH);
    const sha = await gitea.merge(1);
    assert.deepEqual(await provider.state(repoURL, '1'), { state: 'merged', mergeCommit: sha });
    assert.equal(await repo.branchTip('main'), sha);
    const commit = await repo.git(['cat-file', '-p', sha]);
    assert.deepEqual(
      commit.split('\n').filter((l) => l.startsWith('parent ')),
      [`parent ${mainBefore}`, `parent ${headTip}`],
    );
  });

  test('state: closed after close() on another pull request', async () => {
    const provider = createGiteaProvider({ token: TOKEN, baseUrl: gitea.url });
    const ref = await provider.open({ repoURL, base: 'main', head: OTHER, title: 'rel-2', body: '' });
    assert.equal(ref.id, '2');
    gitea.close(ref.id);
    assert.deepEqual(await provider.state(repoURL, ref.id), { state: 'closed' });
  });

  test('the open pull request is found beyond the first page, also when the server caps the page size', async () => {
    const many = await createBareRepository({ 'f.txt': '0\n' });
    // MAX_RESPONSE_ITEMS 5: the adapter asks for 50 a page and gets 5.
    const fake = await startFakeGitea({ repository: many, fullName: 'ops/many', token: TOKEN, maxPageSize: 5 });
    try {
      const provider = createGiteaProvider({ token: TOKEN, baseUrl: fake.url });
      const url = `${fake.url}/ops/many`;
      const change = await many.commitFiles('change', { 'f.txt': '1\n' }, 'change', { from: 'main' });
      const heads = Array.from({ length: 12 }, (_, i) => `b${i}`);
      await many.git(['update-ref', '--stdin'], { input: heads.map((h) => `create refs/heads/${h} ${change}\n`).join('') });
      for (const head of heads) {
        const created = await fetch(`${fake.url}/api/v1/repos/ops/many/pulls`, {
          method: 'POST',
          headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ head, base: 'main', title: head }),
        });
        assert.equal(created.status, 201);
      }
      // Newest first, five a page: b0 (#1) is on page 3.
      const from = fake.requests.length;
      assert.deepEqual(await provider.open({ repoURL: url, base: 'main', head: 'b0', title: 'again', body: '' }), { id: '1', url: `${fake.url}/ops/many/pulls/1` });
      assert.deepEqual(fake.requests.slice(from).map((r) => `${r.method} ${r.query.page}/${r.query.limit}`), ['GET 1/50', 'GET 2/50', 'GET 3/50']);
      // Not there at all: every page is read until an empty one, then it is created.
      const before = fake.requests.length;
      await many.git(['update-ref', 'refs/heads/fresh', change]);
      assert.equal((await provider.open({ repoURL: url, base: 'main', head: 'fresh', title: 'fresh', body: '' })).id, '13');
      assert.deepEqual(fake.requests.slice(before).map((r) => `${r.method} ${r.query.page ?? ''}`), ['GET 1', 'GET 2', 'GET 3', 'GET 4', 'POST ']);
    } finally {
      await fake.stop();
      await many.cleanup();
    }
  });

  test('a branch that does not exist is rejected as not-found, as Gitea answers 404', async () => {
    const provider = createGiteaProvider({ token: TOKEN, baseUrl: gitea.url });
    const error = await rejection(provider.open({ repoURL, base: 'main', head: 'stagecoach/nope/qa/worker', title: 't', body: '' }));
    assert.equal(error.code, 'not-found');
  });

  test('a wrong token is unauthorized, and no token text reaches the message', async () => {
    const wrong = 'ffffffffffffffffffffffffffffffffffffffff';
    const provider = createGiteaProvider({ token: wrong, baseUrl: gitea.url });
    for (const attempt of [provider.open({ repoURL, base: 'main', head: BRANCH, title: 't', body: '' }), provider.state(repoURL, '1')]) {
      const error = await rejection(attempt);
      assert.equal(error.code, 'unauthorized');
      assert.match(error.message, /^gitea ops\/deploy: .*the token was refused \(HTTP 401: /);
      assert.ok(!error.message.includes(wrong) && !error.message.includes(TOKEN), error.message);
    }
  });

  test('an unknown repository or pull request is not-found', async () => {
    const provider = createGiteaProvider({ token: TOKEN, baseUrl: gitea.url });
    const open = await rejection(provider.open({ repoURL: `${gitea.url}/ops/other`, base: 'main', head: BRANCH, title: 't', body: '' }));
    assert.equal(open.code, 'not-found');
    assert.match(open.message, /^gitea ops\/other: open pull request .*: not found \(HTTP 404: /);
    assert.equal((await rejection(provider.state(repoURL, '42'))).code, 'not-found');
    assert.equal((await rejection(provider.state(`${gitea.url}/a/b/c`, '1'))).code, 'not-found');
  });

  test('a server that is down is unreachable', async () => {
    const gone = await startFakeGitea({ repository: repo, fullName: 'ops/deploy', token: TOKEN });
    await gone.stop();
    const provider = createGiteaProvider({ token: TOKEN, baseUrl: gone.url });
    const error = await rejection(provider.state(repoURL, '1'));
    assert.equal(error.code, 'unreachable');
    assert.match(error.message, /^gitea ops\/deploy: read pull request #1: cannot reach the server \(.*ECONNREFUSED.*\)$/);
  });

  test('a server error or a server that never answers is unreachable', async () => {
    const failing = await startFakeServer((req) => (req.path.endsWith('/pulls/1') ? { status: 503, json: { message: 'maintenance' } } : new Promise(() => {})));
    try {
      const provider = createGiteaProvider({ token: TOKEN, baseUrl: failing.origin, timeoutMs: 200 });
      const down = await rejection(provider.state(`${failing.origin}/ops/deploy`, '1'));
      assert.equal(down.code, 'unreachable');
      assert.equal(down.message, 'gitea ops/deploy: read pull request #1: the server failed (HTTP 503: maintenance)');
      const slow = await rejection(provider.state(`${failing.origin}/ops/deploy`, '2'));
      assert.equal(slow.code, 'unreachable');
      assert.equal(slow.message, 'gitea ops/deploy: read pull request #2: cannot reach the server (timed out)');
    } finally {
      await failing.stop();
    }
  });

  test('an answer that is not a PullRequest is invalid-response', async () => {
    const odd = await startFakeServer((req) =>
      req.path.endsWith('/pulls/1') ? { status: 200, json: { number: '1', state: 'merged' } } : { status: 200, json: [{ number: 1 }] },
    );
    try {
      const provider = createGiteaProvider({ token: TOKEN, baseUrl: odd.origin });
      const state = await rejection(provider.state(`${odd.origin}/ops/deploy`, '1'));
      assert.equal(state.code, 'invalid-response');
      assert.match(state.message, /^gitea ops\/deploy: read pull request #1: unexpected answer: number: /);
      const open = await rejection(provider.open({ repoURL: `${odd.origin}/ops/deploy`, base: 'main', head: BRANCH, title: 't', body: '' }));
      assert.equal(open.code, 'invalid-response');
    } finally {
      await odd.stop();
    }
  });
});
