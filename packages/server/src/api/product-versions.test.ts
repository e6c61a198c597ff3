import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createBareRepo, tempDir, type TempDir } from '../testing/git-fixtures.ts';
import { testApp } from '../testing/harness.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;

const API = 'stagecoach.dev/v1alpha1';
const PREVIEW = '/api/v1/products/cf-101/versions/preview';

const FILES = {
  'envs/dev/Chart.yaml': 'apiVersion: v2\nname: cf-101\nversion: 1.4.0\nappVersion: "2.0.0"\n',
  'envs/dev/values.yaml': 'image:\n  tag: "2.0.0-a1"\nbuild: b-17\n',
  'envs/qa/Chart.yaml': 'apiVersion: v2\nname: cf-101\nversion: 1.3.0\nappVersion: "1.9.0"\n',
  'envs/qa/values.yaml': 'image:\n  tag: "1.9.0-c3"\nbuild: b-12\n',
};

function resources(repoURL: string): string {
  const env = (name: string, order: number) => `apiVersion: ${API}\nkind: Environment\nmetadata: {name: ${name}}\nspec: {kind: non-production, order: ${order}}\n`;
  const app = (env: string) =>
    `apiVersion: ${API}\nkind: Application\nmetadata: {name: cf-101-${env}}\nspec: {product: cf-101, environment: ${env}, source: {repoURL: "${repoURL}", targetRevision: main, path: envs/${env}}}\n`;
  return [
    env('dev', 1),
    env('qa', 2),
    // Used only by name.
    `apiVersion: ${API}\nkind: PromotionTemplate\nmetadata: {name: chart-version}\nspec: {versionSource: {file: Chart.yaml, jsonPath: $.version}}\n`,
    // Chosen by the product label for a product without a template of its own.
    `apiVersion: ${API}\nkind: PromotionTemplate\nmetadata: {name: build-number}\nspec:\n  applicationSourceSelector: {matchLabels: {stagecoach.dev/product: cf-101}}\n  versionSource: {file: values.yaml, jsonPath: $.build}\n`,
    `apiVersion: ${API}\nkind: Product\nmetadata: {name: cf-101}\nspec:\n  promotionTemplate:\n    versionSource: {file: Chart.yaml, jsonPath: $.appVersion}\n`,
    app('dev'),
    app('qa'),
  ].join('---\n');
}

/** A Product body for the preview or the PUT. */
const product = (spec: Record<string, unknown>, name = 'cf-101') => ({ apiVersion: API, kind: 'Product', metadata: { name }, spec });

/** Each environment's versions (or reasons) from a ProductVersions answer. */
function versionsOf(answer: { environments: { environment: string; applications: { version?: string; reason?: string }[] }[] }): Record<string, (string | undefined)[]> {
  return Object.fromEntries(answer.environments.map((e) => [e.environment, e.applications.map((a) => a.version ?? `unknown: ${a.reason}`)]));
}

describe('POST /api/v1/products/{name}/versions/preview on a real repository', () => {
  let h: Harness;
  let root: TempDir;

  before(async () => {
    root = await tempDir();
    const repo = await createBareRepo({ root: root.path, name: 'cf-101.git', files: FILES });
    h = await testApp({ allowLocalRepositories: true });
    const applied = await h.call('POST', '/api/v1/apply', { yaml: resources(repo.path) });
    assert.equal(applied.status, 200, applied.text);
  });
  after(async () => {
    await h.close();
    await root.cleanup();
  });

  test('an unsaved inline version source reads another file, and nothing stored changes', async () => {
    const storedBefore = await h.call('GET', '/api/v1/products/cf-101');
    const viewer = await h.tokenFor('viewer');

    const r = await h.call('POST', PREVIEW, { token: viewer, json: product({ promotionTemplate: { versionSource: { file: 'values.yaml', jsonPath: '$.image.tag' } } }) });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.product, 'cf-101');
    assert.deepEqual(versionsOf(r.json), { dev: ['2.0.0-a1'], qa: ['1.9.0-c3'] });
    assert.equal(r.json.environments[0].applications[0].application, 'cf-101-dev');
    assert.match(r.json.environments[0].applications[0].commit, /^[0-9a-f]{40}$/);

    const storedAfter = await h.call('GET', '/api/v1/products/cf-101');
    assert.deepEqual(storedAfter.json, storedBefore.json);
    const saved = await h.call('GET', '/api/v1/products/cf-101/versions');
    assert.equal(saved.status, 200, saved.text);
    assert.deepEqual(versionsOf(saved.json), { dev: ['2.0.0'], qa: ['1.9.0'] });
  });

  test('a named template, the templates chosen by labels, and a version file that is not there', async () => {
    const named = await h.call('POST', PREVIEW, { json: product({ promotionTemplateRef: 'chart-version' }) });
    assert.equal(named.status, 200, named.text);
    assert.deepEqual(versionsOf(named.json), { dev: ['1.4.0'], qa: ['1.3.0'] });

    const byLabels = await h.call('POST', PREVIEW, { json: product({}) });
    assert.equal(byLabels.status, 200, byLabels.text);
    assert.deepEqual(versionsOf(byLabels.json), { dev: ['b-17'], qa: ['b-12'] });

    const missing = await h.call('POST', PREVIEW, { json: product({ promotionTemplate: { versionSource: { file: 'version.txt', jsonPath: '$' } } }) });
    assert.equal(missing.status, 200, missing.text);
    assert.deepEqual(versionsOf(missing.json), { dev: ['unknown: file "version.txt" not found in envs/dev'], qa: ['unknown: file "version.txt" not found in envs/qa'] });
  });

  test('settings the PUT refuses answer 422 with the same problems, every one listed', async () => {
    const bodies = [
      // Refused by the resource's own schema.
      product({ promotionTemplateRef: 'chart-version', promotionTemplate: { versionSource: { file: 'Chart.yaml', jsonPath: '$.[' } } }),
      // Refused against the other stored resources.
      product({ promotionTemplateRef: 'no-such-template', promotionFlows: [{ name: 'no-such-flow' }] }),
    ];
    for (const body of bodies) {
      const preview = await h.call('POST', PREVIEW, { json: body });
      const put = await h.call('PUT', '/api/v1/products/cf-101', { json: body });
      assert.equal(put.status, 422, put.text);
      assert.equal(preview.status, 422, preview.text);
      assert.equal(preview.json.code, 'validation_failed');
      assert.deepEqual(preview.json.details, put.json.details);
      assert.equal(preview.json.message, put.json.message);
    }

    const schema = await h.call('POST', PREVIEW, { json: bodies[0] });
    assert.deepEqual(
      schema.json.details.map((p: { path: string; rule: string }) => [p.path, p.rule]),
      [
        ['spec.promotionTemplate.versionSource.jsonPath', 'json-path'],
        ['spec', 'one-of'],
      ],
    );
    const references = await h.call('POST', PREVIEW, { json: bodies[1] });
    assert.deepEqual(
      references.json.details.map((p: { path: string; rule: string }) => [p.path, p.rule]),
      [
        ['spec.promotionTemplateRef', 'unknown-reference'],
        ['spec.promotionFlows[0].name', 'unknown-reference'],
      ],
    );
    assert.equal((await h.call('GET', '/api/v1/products/cf-101')).json.spec.promotionTemplate.versionSource.file, 'Chart.yaml');
  });

  test('an unknown product is 404; another name, another kind or a body that is not JSON is refused', async () => {
    const unknown = await h.call('POST', '/api/v1/products/nope/versions/preview', { json: product({}, 'nope') });
    assert.equal(unknown.status, 404, unknown.text);
    assert.equal(unknown.json.code, 'not_found');
    assert.equal(unknown.json.message, 'Product "nope" not found');

    const renamed = await h.call('POST', PREVIEW, { json: product({}, 'cf-102') });
    assert.equal(renamed.status, 422, renamed.text);
    assert.deepEqual(
      renamed.json.details.map((p: { path: string; rule: string }) => [p.path, p.rule]),
      [['metadata.name', 'name-mismatch']],
    );

    const environment = await h.call('POST', PREVIEW, { json: { apiVersion: API, kind: 'Environment', metadata: { name: 'cf-101' }, spec: { kind: 'production' } } });
    assert.equal(environment.status, 422, environment.text);
    assert.equal(environment.json.details[0].rule, 'wrong-kind');

    const broken = await h.call('POST', PREVIEW, { body: '{"kind": ', headers: { 'content-type': 'application/json' } });
    assert.equal(broken.status, 400, broken.text);
    const yaml = await h.call('POST', PREVIEW, { yaml: 'kind: Product\n' });
    assert.equal(yaml.status, 415, yaml.text);
    const anonymous = await h.call('POST', PREVIEW, { token: null, json: product({}) });
    assert.equal(anonymous.status, 401, anonymous.text);
  });

  test('the OpenAPI document describes the route with the Product and ProductVersions shapes', async () => {
    const doc = (await h.call('GET', '/api/v1/openapi.json')).json;
    const operation = doc.paths['/api/v1/products/{name}/versions/preview'].post;
    const refs: string[] = [operation.requestBody.content['application/json'].schema.$ref, operation.responses['200'].content['application/json'].schema.$ref];
    assert.deepEqual(refs, ['#/components/schemas/Product', '#/components/schemas/ProductVersions']);
    for (const name of ['Product', 'ProductVersions']) assert.equal(doc.components.schemas[name]?.type, 'object', `${name} is declared`);
  });
});
