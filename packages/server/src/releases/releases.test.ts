import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { commitFiles, createBareRepo, gitLog, readAt, tempDir, type TempDir } from '../testing/git-fixtures.ts';
import { testApp } from '../testing/harness.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;

const chart = (version: string) => `apiVersion: v2\nname: shop\nversion: ${version}\nappVersion: "${version}"\n`;
const values = (tag: string) => `# shop values\nimage:\n  repository: acme/shop\n  tag: "${tag}"  # promoted\nreplicas: 2\n`;
const ENVIRONMENTS = ['dev', 'qa', 'staging', 'production'] as const;
const FILES = Object.fromEntries(
  ENVIRONMENTS.flatMap((e, i) => {
    const version = `1.${4 - i}.0`;
    return [
      [`envs/${e}/Chart.yaml`, chart(version)],
      [`envs/${e}/values.yaml`, values(version)],
    ];
  }),
);

const script = (name: string, source: string, extra = '') => `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: ${name}}
spec:
  entrypoint: main
${extra}  templates:
    - name: main
      script: {image: alpine, command: [sh], source: ${JSON.stringify(source)}}
`;

function resources(repoURL: string, gateFile: string): string {
  const env = (name: string, order: number) => `apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\nmetadata: {name: ${name}}\nspec: {kind: ${name === 'production' ? 'production' : 'non-production'}, order: ${order}}\n`;
  const app = (e: string) =>
    `apiVersion: stagecoach.dev/v1alpha1\nkind: Application\nmetadata: {name: shop-${e}}\nspec: {product: shop, environment: ${e}, source: {repoURL: "${repoURL}", targetRevision: main, path: envs/${e}}}\n`;
  return [
    ...ENVIRONMENTS.map((e, i) => env(e, i + 1)),
    `apiVersion: stagecoach.dev/v1alpha1
kind: Product
metadata: {name: shop}
spec:
  promotionTemplate:
    versionSource: {file: Chart.yaml, jsonPath: $.appVersion}
    promotion:
      Chart.yaml: {jsonPaths: [$.appVersion, $.version]}
      values.yaml: {jsonPaths: [$.image.tag]}
`,
    ...ENVIRONMENTS.map(app),
    script('ok', 'echo ok'),
    script('sleepy', 'sleep 30'),
    script('gate', `test -f ${gateFile} || { echo "gate closed" >&2; exit 3; }`),
    // A post-action that records the commit it was told about.
    script('record-commit', 'echo "{{workflow.parameters.COMMIT_SHA}} {{workflow.parameters.ENVIRONMENT}}"', '  arguments: {parameters: [{name: COMMIT_SHA}, {name: ENVIRONMENT}]}\n'),
    `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: open-ticket}
spec:
  entrypoint: main
  templates:
    - name: main
      script: {image: alpine, command: [sh], source: "echo '{\\"ticket\\": \\"T-42\\"}' > /tmp/outputs/ctx"}
      outputs:
        parameters: [{name: ctx, valueFrom: {path: /tmp/outputs/ctx}, globalName: PROMOTION_CONTEXT}]
`,
    script('close-ticket', 'test "{{workflow.parameters.ticket}}" = T-42', '  arguments: {parameters: [{name: ticket, value: none}, {name: RELEASE_ID}]}\n'),
    `apiVersion: stagecoach.dev/v1alpha1
kind: PromotionFlow
metadata: {name: fan-in, annotations: {version: "2.1"}}
spec:
  triggerEnvironment: dev
  triggerWorkflow: ok
  steps:
    - environment: qa
      policy: {preAction: ok, postAction: record-commit}
    - environment: staging
      dependsOn: [dev]
    - environment: production
      dependsOn: [qa, staging]
  hooks: {onStart: open-ticket, onSuccess: close-ticket}
`,
  ].join('---\n');
}

describe('releases: the orchestrator promotes through real Git and local workflow runs', () => {
  let h: Harness;
  let root: TempDir;
  let repoPath: string;
  let gateFile: string;

  before(async () => {
    root = await tempDir();
    repoPath = (await createBareRepo({ root: root.path, name: 'shop.git', files: FILES })).path;
    gateFile = join(root.path, 'gate-open');
    h = await testApp({ allowLocalRepositories: true, orchestrator: { checkMilliseconds: 50, tickMilliseconds: 50 } });
    const applied = await h.call('POST', '/api/v1/apply', { yaml: resources(repoPath, gateFile) });
    assert.equal(applied.status, 200, applied.text);
    h.orchestrator.start();
  });
  after(async () => {
    await h.close();
    await root.cleanup();
  });

  /** Polls a release until `done` says so (or fails the test after 20 s). */
  async function waitFor(id: string, done: (r: any) => boolean): Promise<any> {
    for (let i = 0; i < 400; i++) {
      const got = await h.call('GET', `/api/v1/releases/${id}`);
      assert.equal(got.status, 200, got.text);
      if (done(got.json)) return got.json;
      await new Promise((r) => setTimeout(r, 50));
    }
    const last = await h.call('GET', `/api/v1/releases/${id}`);
    assert.fail(`release ${id} did not get there: ${JSON.stringify(last.json?.status)} ${JSON.stringify(last.json?.tasks?.map((t: any) => [t.key, t.status, t.message]))}`);
  }
  const ended = (r: any) => ['Succeeded', 'Failed', 'Terminated'].includes(r.status);

  test('a manual promotion commits dev\'s values to qa once, with trailers, and waits for the commit on the branch', async () => {
    const versionEvents: { product?: string; data: Record<string, unknown> }[] = [];
    const unsubscribe = h.events.subscribe({ filter: { types: ['version'] } }, (event) => void versionEvents.push(event));
    const created = await h.call('POST', '/api/v1/promotions', { json: { product: 'shop', from: 'dev', to: 'qa' } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.title, `shop #${created.json.number}`);
    assert.equal(created.json.snapshot.flow.name, 'manual');
    assert.equal(created.json.version, '1.4.0');
    const release = await waitFor(created.json.id, ended);
    assert.equal(release.status, 'Succeeded', JSON.stringify(release.tasks));
    assert.deepEqual(release.steps.map((s: any) => [s.environment, s.status]), [['dev', 'Succeeded'], ['qa', 'Succeeded']]);
    assert.equal(await readAt(repoPath, 'main', 'envs/qa/values.yaml'), values('1.4.0'));
    const [head] = await gitLog(repoPath, 'main');
    assert.match(head!.message, new RegExp(`Stagecoach-Release: ${release.id}`));
    assert.match(head!.message, /Stagecoach-Environment: qa/);
    const action = release.tasks.find((t: any) => t.kind === 'action');
    assert.equal(action.result.commit.sha, head!.sha);
    assert.equal(release.tasks.find((t: any) => t.kind === 'sync').status, 'Succeeded');

    const list = await h.call('GET', '/api/v1/releases?product=shop&status=Succeeded');
    assert.ok(list.json.items.some((r: any) => r.id === release.id && r.flow === 'manual' && r.counters.succeeded === 2));
    // Viewers of the versions hear that qa's changed, once.
    unsubscribe();
    assert.deepEqual(
      versionEvents.map((event) => [event.product, event.data]),
      [['shop', { environment: 'qa', application: 'shop-qa', commit: head!.sha, release: release.id }]],
    );
  });

  test('a flow runs its DAG: hooks, trigger workflow, parallel qa and staging, production after both, context passed, post-action told the commit', async () => {
    await commitFiles(repoPath, { branch: 'main', message: 'dev: shop 1.5.0', files: { 'envs/dev/Chart.yaml': chart('1.5.0'), 'envs/dev/values.yaml': values('1.5.0') } });
    const created = await h.call('POST', '/api/v1/promotion-flows/fan-in/trigger', { json: { product: 'shop' } });
    assert.equal(created.status, 201, created.text);
    const release = await waitFor(created.json.id, ended);
    assert.equal(release.status, 'Succeeded', JSON.stringify(release.tasks.map((t: any) => [t.key, t.status, t.message])));
    assert.deepEqual(release.context, { ticket: 'T-42' });
    const task = (key: string) => release.tasks.find((t: any) => t.key === key);
    const time = (key: string, field: 'startedAt' | 'finishedAt') => Date.parse(task(key)[field]);
    assert.ok(time('production/shop-production/action', 'startedAt') >= time('qa/shop-qa/post', 'finishedAt'), 'production waits for qa');
    assert.ok(time('production/shop-production/action', 'startedAt') >= time('staging/shop-staging/sync', 'finishedAt'), 'production waits for staging');
    assert.equal(task('release/onSuccess').status, 'Succeeded', 'the onSuccess hook received the exported ticket');

    const post = await h.call('GET', `/api/v1/workflow-runs/${task('qa/shop-qa/post').run}`);
    assert.equal(post.status, 200, post.text);
    assert.deepEqual(post.json.parameters, { COMMIT_SHA: task('qa/shop-qa/action').result.commit.sha, ENVIRONMENT: 'qa' });
    assert.deepEqual(post.json.labels, { product: 'shop', release: release.id, environment: 'qa', application: 'shop-qa' });
    assert.equal(release.version, '1.5.0');
    assert.equal(await readAt(repoPath, 'main', 'envs/production/Chart.yaml'), chart('1.5.0'));
  });

  test('a failed post-action fails the release; retry resumes at it with the same id and never commits twice', async () => {
    const created = await h.call('POST', '/api/v1/promotions', { json: { product: 'shop', from: 'qa', to: 'staging', postAction: 'gate', action: 'commit' } });
    assert.equal(created.status, 201, created.text);
    const failed = await waitFor(created.json.id, ended);
    assert.equal(failed.status, 'Failed');
    assert.match(failed.message, /^staging \(shop-staging\): post-action failed: workflow "gate" failed/);
    const commitsBefore = (await gitLog(repoPath, 'main')).filter((c) => c.message.includes(`Stagecoach-Release: ${failed.id}`)).length;
    await writeFile(gateFile, 'open\n');
    const retried = await h.call('POST', `/api/v1/releases/${failed.id}/retry`);
    assert.equal(retried.status, 200, retried.text);
    const done = await waitFor(failed.id, ended);
    assert.equal(done.status, 'Succeeded');
    assert.equal(done.retries, 1);
    const post = done.tasks.find((t: any) => t.kind === 'post');
    assert.equal(post.attempt, 2);
    assert.equal(done.tasks.find((t: any) => t.kind === 'action').attempt, 1);
    const commitsAfter = (await gitLog(repoPath, 'main')).filter((c) => c.message.includes(`Stagecoach-Release: ${failed.id}`)).length;
    assert.equal(commitsAfter, commitsBefore);
    assert.ok(commitsAfter <= 1);
    const again = await h.call('POST', `/api/v1/releases/${failed.id}/retry`);
    assert.equal(again.status, 409);
    assert.match(again.json.message, /only a Failed or Terminated release can be retried/);
  });

  test('an action on a branch that does not exist fails at once with the reason; retry after it exists succeeds', async () => {
    const cart = (e: string, branch: string) =>
      `apiVersion: stagecoach.dev/v1alpha1\nkind: Application\nmetadata: {name: cart-${e}}\nspec: {product: cart, environment: ${e}, source: {repoURL: "${repoPath}", targetRevision: ${branch}, path: envs/${e}}}\n`;
    const product = `apiVersion: stagecoach.dev/v1alpha1\nkind: Product\nmetadata: {name: cart}\nspec:\n  promotionTemplate:\n    promotion:\n      values.yaml: {jsonPaths: [$.image.tag]}\n`;
    const applied = await h.call('POST', '/api/v1/apply', { yaml: [product, cart('dev', 'main'), cart('qa', 'cart-qa')].join('---\n') });
    assert.equal(applied.status, 200, applied.text);
    const created = await h.call('POST', '/api/v1/promotions', { json: { product: 'cart', from: 'dev', to: 'qa', action: 'commit', preAction: null, postAction: null } });
    assert.equal(created.status, 201, created.text);
    const failed = await waitFor(created.json.id, ended);
    assert.equal(failed.status, 'Failed', JSON.stringify(failed.tasks));
    const action = failed.tasks.find((t: any) => t.kind === 'action');
    assert.match(action.message, /branch "cart-qa" does not exist on the remote; fix it, then retry the release$/);

    await commitFiles(repoPath, { branch: 'cart-qa', from: 'origin/main', files: { 'envs/qa/values.yaml': values('0.9.0') } });
    assert.equal((await h.call('POST', `/api/v1/releases/${failed.id}/retry`)).status, 200);
    const done = await waitFor(failed.id, ended);
    assert.equal(done.status, 'Succeeded', JSON.stringify(done.tasks));
    assert.equal(await readAt(repoPath, 'cart-qa', 'envs/qa/values.yaml'), await readAt(repoPath, 'main', 'envs/dev/values.yaml'));
  });

  test('terminate stops a running workflow, leaves later work Pending, and the next queued release of the product then runs', async () => {
    const first = await h.call('POST', '/api/v1/promotions', { json: { product: 'shop', from: 'dev', to: 'qa', preAction: 'sleepy' } });
    const second = await h.call('POST', '/api/v1/promotions', { json: { product: 'shop', from: 'dev', to: 'staging' } });
    assert.equal(second.status, 201, second.text);
    assert.equal(second.json.status, 'Queued', 'queue: one release of a product at a time');
    await waitFor(first.json.id, (r) => r.tasks.some((t: any) => t.kind === 'pre' && t.status === 'Running'));
    const stopped = await h.call('POST', `/api/v1/releases/${first.json.id}/terminate`);
    assert.equal(stopped.status, 200, stopped.text);
    const terminated = await waitFor(first.json.id, ended);
    assert.equal(terminated.status, 'Terminated');
    assert.equal(terminated.message, 'terminated by admin');
    assert.equal(terminated.tasks.find((t: any) => t.kind === 'pre').status, 'Terminated');
    assert.equal(terminated.tasks.find((t: any) => t.kind === 'action').status, 'Pending');
    const run = await h.call('GET', `/api/v1/workflow-runs/${terminated.tasks.find((t: any) => t.kind === 'pre').run}`);
    assert.equal(run.json.phase, 'Terminated');
    const next = await waitFor(second.json.id, ended);
    assert.equal(next.status, 'Succeeded');
  });

  test('bad requests get clear errors and write nothing', async () => {
    const before = (await h.call('GET', '/api/v1/releases?limit=1000')).json.items.length;
    const same = await h.call('POST', '/api/v1/promotions', { json: { product: 'shop', from: 'qa', to: 'qa' } });
    assert.equal(same.status, 422);
    assert.equal(same.json.message, 'promotion of "shop": source and target are both "qa"');
    const unknown = await h.call('POST', '/api/v1/promotions', { json: { product: 'nope', from: 'dev', to: 'qa' } });
    assert.equal(unknown.status, 404);
    const badWorkflow = await h.call('POST', '/api/v1/promotions', { json: { product: 'shop', from: 'dev', to: 'qa', preAction: 'ghost' } });
    assert.equal(badWorkflow.status, 422);
    assert.equal(badWorkflow.json.details[0].message, 'flow "manual": WorkflowTemplate "ghost" (spec.steps[0].policy.preAction) does not exist');
    const noFlow = await h.call('POST', '/api/v1/promotion-flows/ghost/trigger', { json: { product: 'shop' } });
    assert.equal(noFlow.status, 404);
    const status = await h.call('GET', '/api/v1/releases?status=Done');
    assert.equal(status.status, 400);
    const viewer = await h.tokenFor('viewer');
    const refused = await h.call('POST', '/api/v1/promotions', { token: viewer, json: { product: 'shop', from: 'dev', to: 'qa' } });
    assert.equal(refused.status, 403);
    assert.equal((await h.call('GET', '/api/v1/releases?limit=1000')).json.items.length, before);
  });
  test('a release past its flow\'s timeout is terminated with the reason timeout, its running workflow stopped', async () => {
    const created = await h.call('POST', '/api/v1/promotions', { json: { product: 'shop', from: 'dev', to: 'qa', preAction: 'sleepy' } });
    assert.equal(created.status, 201, created.text);
    await waitFor(created.json.id, (r) => r.tasks.some((t: any) => t.kind === 'pre' && t.status === 'Running'));
    // The manual flow's timeout is 24h; the clock jumps past it.
    h.clock.set(new Date(Date.parse(h.clock.now().toISOString()) + 25 * 3600 * 1000).toISOString());
    const ended = await waitFor(created.json.id, (r) => ['Succeeded', 'Failed', 'Terminated'].includes(r.status));
    assert.equal(ended.status, 'Terminated');
    assert.match(ended.message, /^timeout: the release ran longer than its flow's timeout \(24h\)$/);
    assert.equal(ended.tasks.find((t: any) => t.kind === 'pre').status, 'Terminated');
  });

});
