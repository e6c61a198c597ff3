import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectProvider, normalizeRepoURL, readWebhook, signWebhookBody, type WebhookReading } from './webhook.ts';

const SECRET = 'a-webhook-secret-of-some-length';
const BEFORE = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
const AFTER = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';
const ZERO = '0000000000000000000000000000000000000000';

// Payloads shaped like the providers' documented push examples (fields Stagecoach does not read
// are kept, so that the reader is shown to ignore them).

function githubPush(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ref: 'refs/heads/main',
    before: BEFORE,
    after: AFTER,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/acme/cf-101/compare/${BEFORE.slice(0, 12)}...${AFTER.slice(0, 12)}`,
    commits: [
      {
        id: AFTER,
        tree_id: 'f9d2a07e9488b91af2641b26b9407fe22a451433',
        distinct: true,
        message: 'Bump image to 2.1.0',
        timestamp: '2026-01-02T10:00:00+01:00',
        url: `https://github.com/acme/cf-101/commit/${AFTER}`,
        author: { name: 'Jane Doe', email: 'jane@example.com', username: 'jane' },
        committer: { name: 'Jane Doe', email: 'jane@example.com', username: 'jane' },
        added: [],
        removed: [],
        modified: ['envs/dev/values.yaml'],
      },
    ],
    head_commit: { id: AFTER, message: 'Bump image to 2.1.0' },
    repository: {
      id: 35129377,
      node_id: 'MDEwOlJlcG9zaXRvcnkzNTEyOTM3Nw==',
      name: 'cf-101',
      full_name: 'acme/cf-101',
      private: true,
      owner: { login: 'acme', id: 21031067 },
      html_url: 'https://github.com/acme/cf-101',
      url: 'https://github.com/acme/cf-101',
      git_url: 'git://github.com/acme/cf-101.git',
      ssh_url: 'git@github.com:acme/cf-101.git',
      clone_url: 'https://github.com/acme/cf-101.git',
      default_branch: 'main',
    },
    pusher: { name: 'jane', email: 'jane@example.com' },
    sender: { login: 'jane', id: 6752317 },
    ...over,
  };
}

function giteaPush(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ref: 'refs/heads/develop',
    before: BEFORE,
    after: AFTER,
    compare_url: `http://localhost:3000/acme/cf-101/compare/${BEFORE}...${AFTER}`,
    commits: [
      {
        id: AFTER,
        message: 'Bump image to 2.1.0',
        url: `http://localhost:3000/acme/cf-101/commit/${AFTER}`,
        author: { name: 'Jane Doe', email: 'jane@example.com', username: 'jane' },
        committer: { name: 'Jane Doe', email: 'jane@example.com', username: 'jane' },
        timestamp: '2026-01-02T10:00:00+01:00',
      },
    ],
    repository: {
      id: 140,
      owner: { id: 1, login: 'acme', full_name: '', email: 'acme@example.com', username: 'acme' },
      name: 'cf-101',
      full_name: 'acme/cf-101',
      private: false,
      fork: false,
      html_url: 'http://localhost:3000/acme/cf-101',
      ssh_url: 'ssh://git@localhost:2222/acme/cf-101.git',
      clone_url: 'http://localhost:3000/acme/cf-101.git',
      default_branch: 'main',
    },
    pusher: { id: 1, login: 'jane', username: 'jane' },
    sender: { id: 1, login: 'jane', username: 'jane' },
    ...over,
  };
}

function gitlabPush(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object_kind: 'push',
    event_name: 'push',
    before: BEFORE,
    after: AFTER,
    ref: 'refs/heads/main',
    checkout_sha: AFTER,
    user_id: 4,
    user_name: 'Jane Doe',
    user_username: 'jane',
    user_email: 'jane@example.com',
    project_id: 15,
    project: {
      id: 15,
      name: 'cf-101',
      description: 'manifests',
      web_url: 'https://gitlab.example.com/acme/cf-101',
      avatar_url: null,
      git_ssh_url: 'git@gitlab.example.com:acme/cf-101.git',
      git_http_url: 'https://gitlab.example.com/acme/cf-101.git',
      namespace: 'acme',
      visibility_level: 0,
      path_with_namespace: 'acme/cf-101',
      default_branch: 'main',
      homepage: 'https://gitlab.example.com/acme/cf-101',
      url: 'git@gitlab.example.com:acme/cf-101.git',
      ssh_url: 'git@gitlab.example.com:acme/cf-101.git',
      http_url: 'https://gitlab.example.com/acme/cf-101.git',
    },
    repository: {
      name: 'cf-101',
      url: 'git@gitlab.example.com:acme/cf-101.git',
      description: 'manifests',
      homepage: 'https://gitlab.example.com/acme/cf-101',
      git_http_url: 'https://gitlab.example.com/acme/cf-101.git',
      git_ssh_url: 'git@gitlab.example.com:acme/cf-101.git',
      visibility_level: 0,
    },
    commits: [
      {
        id: AFTER,
        message: 'Bump image to 2.1.0\n',
        title: 'Bump image to 2.1.0',
        timestamp: '2026-01-02T10:00:00+01:00',
        url: `https://gitlab.example.com/acme/cf-101/-/commit/${AFTER}`,
        author: { name: 'Jane Doe', email: 'jane@example.com' },
        added: [],
        modified: ['envs/dev/values.yaml'],
        removed: [],
      },
    ],
    total_commits_count: 1,
    ...over,
  };
}

const GITHUB_URLS = ['https://github.com/acme/cf-101', 'ssh://github.com/acme/cf-101', 'git://github.com/acme/cf-101'];
const GITLAB_URLS = ['https://gitlab.example.com/acme/cf-101', 'ssh://gitlab.example.com/acme/cf-101'];
const GITEA_URLS = ['http://localhost:3000/acme/cf-101', 'ssh://localhost:2222/acme/cf-101'];

function request(headers: Record<string, string>, body: string) {
  return { headers: new Headers(headers), body: new TextEncoder().encode(body) };
}

/** A GitHub delivery of `payload`, signed with `secret`. */
function github(payload: unknown, options: { event?: string; secret?: string; signature?: string | null } = {}) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': options.event ?? 'push', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' };
  const signature = options.signature === undefined ? `sha256=${signWebhookBody(options.secret ?? SECRET, body)}` : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return request(headers, body);
}

describe('webhook provider detection', () => {
  const cases: [Record<string, string>, ReturnType<typeof detectProvider>][] = [
    [{ 'X-GitHub-Event': 'push' }, { provider: 'github', event: 'push' }],
    // Gitea and Forgejo send GitHub's header too; their own one decides.
    [{ 'X-GitHub-Event': 'push', 'X-Gitea-Event': 'push', 'X-Gogs-Event': 'push' }, { provider: 'gitea', event: 'push' }],
    [{ 'X-GitHub-Event': 'push', 'X-Forgejo-Event': 'push', 'X-Gitea-Event': 'push' }, { provider: 'gitea', event: 'push' }],
    [{ 'X-Gitlab-Event': 'Push Hook' }, { provider: 'gitlab', event: 'Push Hook' }],
    [{ 'Content-Type': 'application/json' }, undefined],
  ];
  for (const [headers, expected] of cases) {
    test(`${JSON.stringify(headers)} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(detectProvider(new Headers(headers)), expected);
    });
  }
});

describe('GitHub webhooks', () => {
  test('a push signed with the secret names the repository by every address and the branch', () => {
    assert.deepEqual(readWebhook(github(githubPush()), SECRET), {
      kind: 'push',
      push: { provider: 'github', repoURLs: GITHUB_URLS, branch: 'main', after: AFTER },
    } satisfies WebhookReading);
  });

  test('a wrong signature is refused, and so is a body changed after signing', () => {
    const wrong = readWebhook(github(githubPush(), { secret: 'another-secret-entirely' }), SECRET);
    assert.deepEqual(wrong, { kind: 'unauthorized', provider: 'github', reason: "X-Hub-Signature-256 does not match the body signed with the server's webhooks.secret" });

    const signed = github(githubPush());
    const tampered = { headers: signed.headers, body: new TextEncoder().encode(JSON.stringify(githubPush({ ref: 'refs/heads/evil' }))) };
    assert.equal(readWebhook(tampered, SECRET).kind, 'unauthorized');
  });

  test('a missing or malformed signature is refused with what to set', () => {
    assert.deepEqual(readWebhook(github(githubPush(), { signature: null }), SECRET), {
      kind: 'unauthorized',
      provider: 'github',
      reason: "missing X-Hub-Signature-256 header: set the GitHub webhook's secret to the server's webhooks.secret",
    });
    const bare = signWebhookBody(SECRET, JSON.stringify(githubPush()));
    assert.deepEqual(readWebhook(github(githubPush(), { signature: bare }), SECRET), {
      kind: 'unauthorized',
      provider: 'github',
      reason: 'X-Hub-Signature-256 must be "sha256=<hex HMAC-SHA256 of the body>"',
    });
    assert.equal(readWebhook(github(githubPush(), { signature: 'sha256=zz' }), SECRET).kind, 'unauthorized');
    // The legacy SHA-1 header alone is not enough.
    const legacy = github(githubPush(), { signature: null });
    legacy.headers.set('x-hub-signature', 'sha1=0123456789abcdef0123456789abcdef01234567');
    assert.equal(readWebhook(legacy, SECRET).kind, 'unauthorized');
  });

  test('ping is answered, other events and refs are ignored with the reason', () => {
    assert.deepEqual(readWebhook(github({ zen: 'Keep it logically awesome.', hook_id: 1 }, { event: 'ping' }), SECRET), { kind: 'ping', provider: 'github', event: 'ping' });
    assert.deepEqual(readWebhook(github({ action: 'opened' }, { event: 'pull_request' }), SECRET), {
      kind: 'ignored',
      provider: 'github',
      event: 'pull_request',
      reason: 'event "pull_request" is not a push; only pushes to a branch can trigger a flow',
    });
    assert.deepEqual(readWebhook(github(githubPush({ ref: 'refs/tags/v2.1.0' })), SECRET), {
      kind: 'ignored',
      provider: 'github',
      event: 'push',
      reason: 'ref "refs/tags/v2.1.0" is not a branch; tags and other refs never trigger',
    });
    assert.deepEqual(readWebhook(github(githubPush({ deleted: true, after: ZERO })), SECRET), {
      kind: 'ignored',
      provider: 'github',
      event: 'push',
      reason: 'branch "main" was deleted',
    });
  });

  test('an unsigned event of another kind is refused before it is read', () => {
    assert.equal(readWebhook(github({ zen: 'x' }, { event: 'ping', signature: null }), SECRET).kind, 'unauthorized');
  });

  test('a form-encoded delivery is read from its payload field; the signature covers the raw form', () => {
    const body = `payload=${encodeURIComponent(JSON.stringify(githubPush({ ref: 'refs/heads/release/1.x' })))}`;
    const form = request(
      { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${signWebhookBody(SECRET, body)}` },
      body,
    );
    assert.deepEqual(readWebhook(form, SECRET), { kind: 'push', push: { provider: 'github', repoURLs: GITHUB_URLS, branch: 'release/1.x', after: AFTER } });
  });

  test('bodies that are not a push payload are malformed', () => {
    const notJson = request({ 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${signWebhookBody(SECRET, '{nope')}` }, '{nope');
    const read = readWebhook(notJson, SECRET);
    assert.equal(read.kind, 'malformed');
    assert.match((read as { reason: string }).reason, /^webhook body is not JSON: /);
    assert.deepEqual(readWebhook(github({ ref: 'refs/heads/main', after: AFTER }), SECRET), {
      kind: 'malformed',
      reason: 'push payload names no repository address (looked at repository.clone_url, repository.ssh_url, repository.html_url, repository.git_url, repository.url)',
    });
    assert.deepEqual(readWebhook(github({ repository: githubPush().repository }), SECRET), { kind: 'malformed', reason: 'push payload has no "ref"' });
    assert.deepEqual(readWebhook(request({ 'content-type': 'application/json' }, '{}'), SECRET), {
      kind: 'malformed',
      reason: 'not a Git webhook: expected an X-GitHub-Event, X-Gitea-Event, X-Forgejo-Event or X-Gitlab-Event header',
    });
  });
});

describe('Gitea and Forgejo webhooks', () => {
  const body = JSON.stringify(giteaPush());
  const signature = signWebhookBody(SECRET, body);
  const wrong = signWebhookBody('another-secret-entirely', body);
  const base = { 'content-type': 'application/json', 'x-github-event': 'push', 'x-gogs-event': 'push' };
  const push = { kind: 'push', push: { provider: 'gitea', repoURLs: GITEA_URLS, branch: 'develop', after: AFTER } };

  test('X-Gitea-Signature, X-Forgejo-Signature and GitHub\'s header are each accepted', () => {
    assert.deepEqual(readWebhook(request({ ...base, 'x-gitea-event': 'push', 'x-gitea-signature': signature }, body), SECRET), push);
    assert.deepEqual(readWebhook(request({ ...base, 'x-forgejo-event': 'push', 'x-forgejo-signature': signature, 'x-gitea-signature': signature }, body), SECRET), push);
    assert.deepEqual(readWebhook(request({ ...base, 'x-gitea-event': 'push', 'x-hub-signature-256': `sha256=${signature}` }, body), SECRET), push);
  });

  test('a wrong signature is refused, and is not rescued by a right one in another header', () => {
    assert.deepEqual(readWebhook(request({ ...base, 'x-gitea-event': 'push', 'x-gitea-signature': wrong }, body), SECRET), {
      kind: 'unauthorized',
      provider: 'gitea',
      reason: "X-Gitea-Signature does not match the body signed with the server's webhooks.secret",
    });
    const mixed = request({ ...base, 'x-forgejo-event': 'push', 'x-forgejo-signature': wrong, 'x-gitea-signature': signature }, body);
    assert.deepEqual(readWebhook(mixed, SECRET), {
      kind: 'unauthorized',
      provider: 'gitea',
      reason: "X-Forgejo-Signature does not match the body signed with the server's webhooks.secret",
    });
  });

  test('a missing signature is refused with what to set', () => {
    assert.deepEqual(readWebhook(request({ ...base, 'x-gitea-event': 'push' }, body), SECRET), {
      kind: 'unauthorized',
      provider: 'gitea',
      reason: "missing X-Forgejo-Signature or X-Gitea-Signature or X-Hub-Signature-256 header: set the Gitea/Forgejo webhook's secret to the server's webhooks.secret",
    });
  });

  test('other events are ignored once verified', () => {
    const created = JSON.stringify({ ref: 'v1', ref_type: 'tag' });
    assert.deepEqual(readWebhook(request({ 'x-gitea-event': 'create', 'x-gitea-signature': signWebhookBody(SECRET, created) }, created), SECRET), {
      kind: 'ignored',
      provider: 'gitea',
      event: 'create',
      reason: 'event "create" is not a push; only pushes to a branch can trigger a flow',
    });
  });
});

describe('GitLab webhooks', () => {
  const body = JSON.stringify(gitlabPush());
  const base = { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-instance': 'https://gitlab.example.com' };

  test('a push with the secret as token names the project by every address and the branch', () => {
    assert.deepEqual(readWebhook(request({ ...base, 'x-gitlab-token': SECRET }, body), SECRET), {
      kind: 'push',
      push: { provider: 'gitlab', repoURLs: GITLAB_URLS, branch: 'main', after: AFTER },
    });
  });

  test('a wrong or missing token is refused', () => {
    assert.deepEqual(readWebhook(request({ ...base, 'x-gitlab-token': `${SECRET}x` }, body), SECRET), {
      kind: 'unauthorized',
      provider: 'gitlab',
      reason: "X-Gitlab-Token is not the server's webhooks.secret",
    });
    assert.deepEqual(readWebhook(request({ ...base, 'x-gitlab-token': '' }, body), SECRET).kind, 'unauthorized');
    assert.deepEqual(readWebhook(request(base, body), SECRET), {
      kind: 'unauthorized',
      provider: 'gitlab',
      reason: "missing X-Gitlab-Token header: set the GitLab webhook's secret token to the server's webhooks.secret",
    });
  });

  test('tag pushes, deleted branches and other hooks are ignored; system hook pushes are read', () => {
    const tag = JSON.stringify(gitlabPush({ object_kind: 'tag_push', event_name: 'tag_push', ref: 'refs/tags/v2.1.0' }));
    assert.deepEqual(readWebhook(request({ ...base, 'x-gitlab-event': 'Tag Push Hook', 'x-gitlab-token': SECRET }, tag), SECRET), {
      kind: 'ignored',
      provider: 'gitlab',
      event: 'Tag Push Hook',
      reason: 'tag pushes never trigger a flow',
    });
    const deleted = JSON.stringify(gitlabPush({ after: ZERO, checkout_sha: null }));
    assert.deepEqual(readWebhook(request({ ...base, 'x-gitlab-token': SECRET }, deleted), SECRET), {
      kind: 'ignored',
      provider: 'gitlab',
      event: 'Push Hook',
      reason: 'branch "main" was deleted',
    });
    assert.equal(readWebhook(request({ ...base, 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': SECRET }, '{}'), SECRET).kind, 'ignored');
    assert.deepEqual(readWebhook(request({ ...base, 'x-gitlab-event': 'System Hook', 'x-gitlab-token': SECRET }, body), SECRET), {
      kind: 'push',
      push: { provider: 'gitlab', repoURLs: GITLAB_URLS, branch: 'main', after: AFTER },
    });
    const projectCreate = JSON.stringify({ event_name: 'project_create', name: 'x' });
    assert.deepEqual(readWebhook(request({ ...base, 'x-gitlab-event': 'System Hook', 'x-gitlab-token': SECRET }, projectCreate), SECRET), {
      kind: 'ignored',
      provider: 'gitlab',
      event: 'System Hook',
      reason: 'system hook event "project_create" is not a push',
    });
  });
});

describe('repository address normalisation', () => {
  const cases: [string, string][] = [
    ['https://github.com/acme/cf-101.git', 'https://github.com/acme/cf-101'],
    ['https://github.com/acme/cf-101', 'https://github.com/acme/cf-101'],
    ['https://github.com/acme/cf-101/', 'https://github.com/acme/cf-101'],
    ['https://github.com/acme/cf-101.git/', 'https://github.com/acme/cf-101'],
    ['HTTPS://GitHub.COM/Acme/CF-101.git', 'https://github.com/Acme/CF-101'],
    ['https://x-access-token:s3cret@github.com/acme/cf-101.git', 'https://github.com/acme/cf-101'],
    ['https://github.com:443/acme/cf-101', 'https://github.com/acme/cf-101'],
    ['http://git.example:8080/acme/cf-101.git', 'http://git.example:8080/acme/cf-101'],
    ['git@github.com:acme/cf-101.git', 'ssh://github.com/acme/cf-101'],
    ['ssh://git@github.com/acme/cf-101.git', 'ssh://github.com/acme/cf-101'],
    ['ssh://git@github.com:22/acme/cf-101.git', 'ssh://github.com/acme/cf-101'],
    ['ssh://git@localhost:2222/acme/cf-101.git', 'ssh://localhost:2222/acme/cf-101'],
    ['git://github.com/acme/cf-101.git', 'git://github.com/acme/cf-101'],
    ['/srv/git/cf-101.git', '/srv/git/cf-101'],
    ['file:///srv/git/cf-101.git/', '/srv/git/cf-101'],
    [' https://github.com/acme/cf-101 ', 'https://github.com/acme/cf-101'],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(normalizeRepoURL(input), expected));
  }
});
