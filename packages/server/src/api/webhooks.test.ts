import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { commitFiles, createBareRepo, tempDir, type TempDir } from '../testing/git-fixtures.ts';
import { startGitHttpServer, type GitHttpServer } from '../testing/git-http-server.ts';
import { testApp } from '../testing/harness.ts';
import { TriggerScanner, type TriggerEvent } from '../triggers/scanner.ts';
import { signWebhookBody } from '../triggers/webhook.ts';
import { createApp } from './app.ts';
import { WEBHOOK_PATH } from './webhooks.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;

const SECRET = 'webhook-secret-0123456789abcdef';

function resources(repoURL: string): string {
  return `apiVersion: stagecoach.dev/v1alpha1
kind: Environment
metadata: {name: dev}
spec: {kind: non-production, order: 1}
---
apiVersion: stagecoach.dev/v1alpha1
kind: Environment
metadata: {name: production}
spec: {kind: production, order: 2}
---
apiVersion: stagecoach.dev/v1alpha1
kind: PromotionFlow
metadata: {name: to-production}
spec:
  triggerEnvironment: dev
  steps: [{environment: production}]
---
apiVersion: stagecoach.dev/v1alpha1
kind: Product
metadata: {name: cf-101}
spec:
  promotionFlows:
    - name: to-production
      gitTriggerSelectors: [{key: commitMessage, operator: NotIn, values: ["*[skip promotion]*"]}]
---
apiVersion: stagecoach.dev/v1alpha1
kind: Application
metadata: {name: cf-101-dev}
spec: {product: cf-101, environment: dev, source: {repoURL: "${repoURL}", targetRevision: main, path: envs/dev}}
---
apiVersion: stagecoach.dev/v1alpha1
kind: Application
metadata: {name: cf-101-production}
spec: {product: cf-101, environment: production, source: {repoURL: "${repoURL}", targetRevision: main, path: envs/production}}
`;
}

describe('Git webhook route over HTTP', () => {
  let h: Harness;
  let root: TempDir;
  let git: GitHttpServer;
  let repoPath: string;
  let repoURL: string;
  let server: ServerType;
  let base: string;
  const triggered: TriggerEvent[] = [];

  before(async () => {
    root = await tempDir();
    const repo = await createBareRepo({ root: root.path, name: 'cf-101.git', files: { 'envs/dev/values.yaml': 'tag: "1"\n', 'envs/production/values.yaml': 'tag: "0"\n' } });
    repoPath = repo.path;
    git = await startGitHttpServer({ root: root.path });
    repoURL = git.url('cf-101.git');
    h = await testApp();
    const applied = await h.call('POST', '/api/v1/apply', { yaml: resources(repoURL) });
    assert.equal(applied.status, 200, applied.text);
    const scanner = new TriggerScanner({
      resources: () => h.resources.all(),
      open: h.open,
      cursors: h.store.triggerCursors,
      onTrigger: async (event) => void triggered.push(event),
      clock: h.clock,
    });
    const app = createApp({
      resources: h.resources,
      tokens: h.tokens,
      promotions: h.promotions,
      credentials: h.credentials,
      pullRequests: h.pullRequests,
      workflowRuns: h.workflowRuns,
      version: 'test',
      webhooks: { secret: SECRET, scanner },
    });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
    await git.close();
    await root.cleanup();
  });

  /** A GitHub push delivery for the repository, signed unless told otherwise. */
  async function deliver(payload: unknown, options: { event?: string; signature?: string | null; headers?: Record<string, string> } = {}) {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': options.event ?? 'push', ...options.headers };
    const signature = options.signature === undefined ? `sha256=${signWebhookBody(SECRET, body)}` : options.signature;
    if (signature !== null) headers['x-hub-signature-256'] = signature;
    const response = await fetch(`${base}${WEBHOOK_PATH}`, { method: 'POST', headers, body });
    return { status: response.status, json: (await response.json()) as any };
  }

  const push = (after: string) => ({
    ref: 'refs/heads/main',
    before: '0'.repeat(39) + '1',
    after,
    deleted: false,
    commits: [],
    // The addresses as a hosting service would write them: another case, with and without `.git`.
    repository: { full_name: 'acme/cf-101', clone_url: repoURL, html_url: repoURL.replace('http://', 'HTTP://').replace(/\.git$/, ''), ssh_url: 'git@127.0.0.1:cf-101.git' },
  });

  test('a signed push is looked at without a bearer token: first sighting, then a new folder commit triggers the flow', async () => {
    const first = await deliver(push('1'.repeat(40)));
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal(first.json.outcome, 'checked');
    assert.equal(first.json.branch, 'main');
    assert.deepEqual(first.json.checked.map((c: { application: string; outcome: string }) => [c.application, c.outcome]), [['cf-101-dev', 'first-sighting']]);
    assert.deepEqual(first.json.triggered, []);

    const sha = await commitFiles(repoPath, { branch: 'main', files: { 'envs/dev/values.yaml': 'tag: "2"\n' }, message: 'tag 2' });
    const second = await deliver(push(sha));
    assert.equal(second.status, 200, JSON.stringify(second.json));
    assert.deepEqual(second.json.checked.map((c: { application: string; outcome: string; flow?: string; commit?: string }) => [c.application, c.outcome, c.flow, c.commit]), [
      ['cf-101-dev', 'triggered', 'to-production', sha],
    ]);
    assert.deepEqual(second.json.triggered.map((t: TriggerEvent) => [t.product, t.flow, t.application, t.commit.sha, t.commit.message]), [['cf-101', 'to-production', 'cf-101-dev', sha, 'tag 2']]);
    assert.deepEqual(triggered.map((t) => t.commit.sha), [sha]);
    assert.equal(second.json.message, 'looked at 1 application(s); triggered 1 flow(s)');

    // The same delivery again (a redelivery): nothing new.
    const again = await deliver(push(sha));
    assert.deepEqual(again.json.checked.map((c: { outcome: string }) => c.outcome), ['unchanged']);
    assert.equal(triggered.length, 1);
  });

  test('an unsigned or wrongly signed delivery is refused with 401 and why', async () => {
    const unsigned = await deliver(push('1'.repeat(40)), { signature: null });
    assert.equal(unsigned.status, 401);
    assert.deepEqual(unsigned.json, {
      code: 'unauthorized',
      message: "webhook refused: missing X-Hub-Signature-256 header: set the GitHub webhook's secret to the server's webhooks.secret",
      details: [],
    });
    const wrong = await deliver(push('1'.repeat(40)), { signature: `sha256=${signWebhookBody('not-the-secret', '{}')}` });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.message, "webhook refused: X-Hub-Signature-256 does not match the body signed with the server's webhooks.secret");
    // A bearer token does not stand in for the signature.
    const bearer = await deliver(push('1'.repeat(40)), { signature: null, headers: { authorization: 'Bearer sct_test-admin-secret-0000000000' } });
    assert.equal(bearer.status, 401);
  });

  test('ping answers 200, other events and other repositories are answered without a trigger', async () => {
    const ping = await deliver({ zen: 'Design for failure.', hook_id: 7 }, { event: 'ping' });
    assert.equal(ping.status, 200);
    assert.deepEqual(ping.json, { provider: 'github', event: 'ping', outcome: 'ping', message: 'webhook verified; pushes to branches will be looked at' });

    const pr = await deliver({ action: 'opened' }, { event: 'pull_request' });
    assert.equal(pr.status, 202);
    assert.deepEqual(pr.json, { provider: 'github', event: 'pull_request', outcome: 'ignored', message: 'event "pull_request" is not a push; only pushes to a branch can trigger a flow' });

    const other = await deliver({ ...push('2'.repeat(40)), repository: { clone_url: 'https://github.com/acme/elsewhere.git' } });
    assert.equal(other.status, 200);
    assert.deepEqual(other.json.checked, []);
    assert.equal(other.json.message, 'no trigger application is on this repository and branch "main"');

    const notGit = await fetch(`${base}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(notGit.status, 400);
    assert.equal(((await notGit.json()) as { code: string }).code, 'bad_request');
  });

  test('only the webhook route is open without a token', async () => {
    const r = await fetch(`${base}/api/v1/environments`);
    assert.equal(r.status, 401);
  });

  test('without a secret, webhooks are refused with 404 and how to turn them on', async () => {
    const body = JSON.stringify(push('1'.repeat(40)));
    const r = await h.call('POST', WEBHOOK_PATH, { token: null, body, headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${signWebhookBody(SECRET, body)}` } });
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, {
      code: 'not_found',
      message: 'Git webhooks are turned off on this server: set webhooks.secret in the server settings, and the same secret in the webhook (see docs/triggers.md)',
      details: [],
    });
  });

  test('the OpenAPI document lists the route without bearer security', async () => {
    const doc = await (await fetch(`${base}/api/v1/openapi.json`)).json() as { paths: Record<string, { post?: { security?: unknown[] } }> };
    assert.deepEqual(doc.paths[WEBHOOK_PATH]?.post?.security, []);
  });
});
