import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createBareRepo, readAt, tempDir, type TempDir } from '../testing/git-fixtures.ts';
import { testApp } from '../testing/harness.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;

const chart = (version: string) => `apiVersion: v2\nname: shop\nversion: ${version}\nappVersion: "${version}"\n`;

const script = (name: string, source: string) => `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: ${name}}
spec:
  entrypoint: main
  templates:
    - name: main
      script: {image: alpine, command: [sh], source: ${JSON.stringify(source)}}
`;

/** dev and qa of one product; a policy gives qa a pre-action that always fails, and a post-action. */
function resources(repoURL: string): string {
  const env = (name: string, order: number) => `apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\nmetadata: {name: ${name}}\nspec: {kind: non-production, order: ${order}}\n`;
  const app = (e: string) =>
    `apiVersion: stagecoach.dev/v1alpha1\nkind: Application\nmetadata: {name: shop-${e}}\nspec: {product: shop, environment: ${e}, source: {repoURL: "${repoURL}", targetRevision: main, path: envs/${e}}}\n`;
  return [
    env('dev', 1),
    env('qa', 2),
    `apiVersion: stagecoach.dev/v1alpha1
kind: Product
metadata: {name: shop}
spec:
  promotionTemplate:
    versionSource: {file: Chart.yaml, jsonPath: $.appVersion}
    promotion: {Chart.yaml: {jsonPaths: [$.appVersion, $.version]}}
`,
    app('dev'),
    app('qa'),
    script('refuse', 'echo "refused" >&2; exit 3'),
    script('notify', 'echo notified'),
    `apiVersion: stagecoach.dev/v1alpha1
kind: PromotionPolicy
metadata: {name: qa-checks}
spec:
  priority: 10
  selector: {targetEnvironment: {names: [qa]}}
  policy: {preAction: refuse, action: commit, postAction: notify}
`,
  ].join('---\n');
}

describe('a manual promotion may say "no workflow" where a policy sets one', () => {
  let h: Harness;
  let root: TempDir;
  let repoPath: string;

  before(async () => {
    root = await tempDir();
    repoPath = (await createBareRepo({ root: root.path, name: 'shop.git', files: { 'envs/dev/Chart.yaml': chart('2.0.0'), 'envs/qa/Chart.yaml': chart('1.0.0') } })).path;
    h = await testApp({ allowLocalRepositories: true, orchestrator: { checkMilliseconds: 50, tickMilliseconds: 50 } });
    const applied = await h.call('POST', '/api/v1/apply', { yaml: resources(repoPath) });
    assert.equal(applied.status, 200, applied.text);
    h.orchestrator.start();
  });
  after(async () => {
    await h.close();
    await root.cleanup();
  });

  /** Polls a release until it ends (or fails the test after 20 s). */
  async function ended(id: string): Promise<any> {
    for (let i = 0; i < 400; i++) {
      const got = await h.call('GET', `/api/v1/releases/${id}`);
      assert.equal(got.status, 200, got.text);
      if (['Succeeded', 'Failed', 'Terminated'].includes(got.json.status)) return got.json;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`release ${id} did not end`);
  }
  const kinds = (release: any) => release.tasks.map((t: any) => [t.kind, t.status]);

  test('the preview with an inline null shows the pre-action removed, and which policy set it', async () => {
    const preview = await h.call('POST', '/api/v1/promotions/preview', { json: { product: 'shop', from: 'dev', to: 'qa', inline: { preAction: null } } });
    assert.equal(preview.status, 200, preview.text);
    assert.deepEqual(preview.json.policy.fields, {
      action: { value: 'commit', source: { type: 'policy', name: 'qa-checks', priority: 10 } },
      postAction: { value: 'notify', source: { type: 'policy', name: 'qa-checks', priority: 10 } },
    });
    assert.deepEqual(preview.json.policy.removed, [
      { field: 'preAction', source: { type: 'inline', name: 'preview' }, overridden: { value: 'refuse', source: { type: 'policy', name: 'qa-checks', priority: 10 } } },
    ]);
  });

  test("the policy's failing pre-action stops a plain promotion; with preAction null it is skipped and the change lands", async () => {
    const plain = await h.call('POST', '/api/v1/promotions', { json: { product: 'shop', from: 'dev', to: 'qa' } });
    assert.equal(plain.status, 201, plain.text);
    assert.equal(plain.json.snapshot.steps[1].policy.preAction.value, 'refuse');
    const failed = await ended(plain.json.id);
    assert.equal(failed.status, 'Failed');
    assert.deepEqual(kinds(failed), [
      ['pre', 'Failed'],
      ['action', 'Pending'],
      ['sync', 'Pending'],
      ['post', 'Pending'],
    ]);
    assert.equal(await readAt(repoPath, 'main', 'envs/qa/Chart.yaml'), chart('1.0.0'));

    const skipping = await h.call('POST', '/api/v1/promotions', { json: { product: 'shop', from: 'dev', to: 'qa', preAction: null } });
    assert.equal(skipping.status, 201, skipping.text);
    const policy = skipping.json.snapshot.steps[1].policy;
    assert.equal(policy.preAction, undefined);
    assert.deepEqual(policy.postAction, { value: 'notify', source: { type: 'policy', name: 'qa-checks', priority: 10 } });
    const done = await ended(skipping.json.id);
    assert.equal(done.status, 'Succeeded', JSON.stringify(done.tasks));
    assert.deepEqual(kinds(done), [
      ['action', 'Succeeded'],
      ['sync', 'Succeeded'],
      ['post', 'Succeeded'],
    ]);
    assert.equal(await readAt(repoPath, 'main', 'envs/qa/Chart.yaml'), chart('2.0.0'));
  });

  test('postAction null removes the post-action as well', async () => {
    const created = await h.call('POST', '/api/v1/promotions', { json: { product: 'shop', from: 'dev', to: 'qa', preAction: null, postAction: null } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(Object.keys(created.json.snapshot.steps[1].policy), ['action']);
    const done = await ended(created.json.id);
    assert.equal(done.status, 'Succeeded', JSON.stringify(done.tasks));
    assert.ok(done.tasks.every((t: any) => t.kind !== 'pre' && t.kind !== 'post'), JSON.stringify(kinds(done)));
  });

  test('null is refused where it means nothing, with the field named', async () => {
    const action = await h.call('POST', '/api/v1/promotions', { json: { product: 'shop', from: 'dev', to: 'qa', action: null } });
    assert.equal(action.status, 422, action.text);
    assert.equal(action.json.details[0].path, 'action');
    const empty = await h.call('POST', '/api/v1/promotions', { json: { product: 'shop', from: 'dev', to: 'qa', preAction: '' } });
    assert.equal(empty.status, 422, empty.text);
    assert.deepEqual([empty.json.details[0].path, empty.json.details[0].message], ['preAction', 'must not be empty']);
    const unknown = await h.call('POST', '/api/v1/promotions/preview', { json: { product: 'shop', from: 'dev', to: 'qa', inline: { preAction: null, hooks: null } } });
    assert.equal(unknown.status, 422, unknown.text);
    assert.equal(unknown.json.details[0].path, 'inline.hooks');
    const policy = await h.call('POST', '/api/v1/apply', {
      yaml: 'apiVersion: stagecoach.dev/v1alpha1\nkind: PromotionPolicy\nmetadata: {name: empty-pre}\nspec: {priority: 1, policy: {preAction: null}}\n',
    });
    assert.equal(policy.status, 422, policy.text);
    assert.match(policy.json.details[0].message, /null \("no workflow"\) belongs in a flow step's policy or a manual promotion/);
  });
});
