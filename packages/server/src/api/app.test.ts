import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exampleFiles, testApp } from '../testing/harness.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;

const env = (name: string, kind = 'non-production', order = 1) =>
  `apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\nmetadata: {name: ${name}}\nspec: {kind: ${kind}, order: ${order}}\n`;

const flow = (name: string, trigger: string, steps: string) =>
  `apiVersion: stagecoach.dev/v1alpha1\nkind: PromotionFlow\nmetadata: {name: ${name}}\nspec:\n  triggerEnvironment: ${trigger}\n  steps:\n${steps}`;

describe('HTTP API', () => {
  let h: Harness;
  before(async () => {
    h = await testApp();
  });
  after(async () => h.close());

  test('healthz answers without a token', async () => {
    const r = await h.call('GET', '/healthz', { token: null });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ok', version: '0.1.0' });
  });

  test('a missing or unknown token is refused with 401 and a JSON error', async () => {
    const missing = await h.call('GET', '/api/v1/environments', { token: null });
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.json, { code: 'unauthorized', message: 'missing bearer token: send "Authorization: Bearer <token>"', details: [] });
    const wrong = await h.call('GET', '/api/v1/environments', { token: 'sct_nope' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.message, 'unknown or revoked token');
  });

  test('an unknown API route is a JSON 404', async () => {
    const r = await h.call('GET', '/api/v1/nothing-here');
    assert.equal(r.status, 404);
    assert.equal(r.json.code, 'not_found');
  });

  test('applying the examples stores every resource, and applying them again changes nothing', async () => {
    const files = await exampleFiles();
    const first = await h.call('POST', '/api/v1/apply', { json: { files } });
    assert.equal(first.status, 200, first.text);
    assert.ok(first.json.results.length >= 20);
    assert.ok(first.json.results.every((r: { outcome: string }) => r.outcome === 'created'));
    assert.deepEqual(first.json.warnings, []);
    // Referenced kinds are written first.
    assert.equal(first.json.results[0].kind, 'Environment');
    assert.equal(first.json.results.at(-1).kind, 'Application');

    const second = await h.call('POST', '/api/v1/apply', { json: { files } });
    assert.equal(second.status, 200);
    assert.ok(second.json.results.every((r: { outcome: string; resourceVersion: string }) => r.outcome === 'unchanged' && r.resourceVersion === '1'));

    const flows = await h.call('GET', '/api/v1/promotion-flows');
    assert.deepEqual(
      flows.json.items.map((f: { metadata: { name: string } }) => f.metadata.name),
      ['env-dependencies', 'parallel-regions', 'policy-driven-promotion', 'three-env-promotion'],
    );
    const one = await h.call('GET', '/api/v1/environments/production');
    assert.equal(one.status, 200);
    assert.deepEqual(one.json.metadata, { name: 'production', resourceVersion: '1', creationTimestamp: '2026-01-02T03:04:05.000Z' });
    assert.equal(one.json.apiVersion, 'stagecoach.dev/v1alpha1');
  });

  test('what GET returns can be applied again unchanged (round trip)', async () => {
    const list = await h.call('GET', '/api/v1/promotion-flows');
    const again = await h.call('POST', '/api/v1/apply', { json: list.json });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(
      again.json.results.map((r: { outcome: string }) => r.outcome),
      ['unchanged', 'unchanged', 'unchanged', 'unchanged'],
    );
  });

  test('malformed YAML names the document, line and column', async () => {
    const r = await h.call('POST', '/api/v1/apply', { yaml: `${env('x1')}---\nkind: [\n` });
    assert.equal(r.status, 422);
    assert.equal(r.json.code, 'validation_failed');
    assert.equal(r.json.details.length, 1);
    assert.equal(r.json.details[0].rule, 'yaml-syntax');
    assert.equal(r.json.details[0].document, 2);
    assert.match(r.json.details[0].message, /^line \d+, column \d+: /);
    assert.equal((await h.call('GET', '/api/v1/environments/x1')).status, 404, 'nothing of the request is stored');
  });

  test('every problem of a request is listed, and nothing is written', async () => {
    const yaml = [
      env('good-one'),
      'apiVersion: stagecoach.dev/v1alpha1\nkind: Widget\nmetadata: {name: w}\nspec: {}\n',
      'apiVersion: stagecoach.dev/v2\nkind: Environment\nmetadata: {name: e2}\nspec: {kind: production}\n',
      'apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\nmetadata: {name: Bad_Name}\nspec: {kind: production}\n',
      'apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\nmetadata: {name: ../etc}\nspec: {kind: production}\n',
      flow('cyc', 'dev', '    - {environment: qa, dependsOn: [production]}\n    - {environment: staging, dependsOn: [qa]}\n    - {environment: production, dependsOn: [staging]}\n'),
      'apiVersion: stagecoach.dev/v1alpha1\nkind: Application\nmetadata: {name: a1}\nspec: {product: cf-101, environment: stage, source: {repoURL: "https://x/y.git", path: ../../etc}}\n',
    ].join('---\n');
    const r = await h.call('POST', '/api/v1/apply', { yaml });
    assert.equal(r.status, 422);
    const rules = r.json.details.map((p: { document?: number; rule: string }) => `${p.document}:${p.rule}`).sort();
    assert.deepEqual(rules, ['2:unknown-kind', '3:api-version', '4:dns-1123-label', '5:dns-1123-label', '6:dependency-cycle', '7:relative-path']);
    const cycle = r.json.details.find((p: { rule: string }) => p.rule === 'dependency-cycle');
    assert.match(cycle.message, /qa → staging → production → qa|production → qa → staging → production|staging → production → qa → staging/);
    assert.equal((await h.call('GET', '/api/v1/environments/good-one')).status, 404);
  });

  test('an unknown environment is named with its field path', async () => {
    const r = await h.call('POST', '/api/v1/apply', {
      yaml: 'apiVersion: stagecoach.dev/v1alpha1\nkind: Application\nmetadata: {name: a1}\nspec: {product: cf-101, environment: stage, source: {repoURL: "https://x/y.git", path: envs/a}}\n',
    });
    assert.equal(r.status, 422);
    assert.deepEqual(
      r.json.details.map((p: { path: string; rule: string; kind: string; name: string }) => ({ path: p.path, rule: p.rule, kind: p.kind, name: p.name })),
      [{ path: 'spec.environment', rule: 'unknown-reference', kind: 'Application', name: 'a1' }],
    );
    assert.match(r.json.details[0].message, /"stage"/);
  });

  test('bodies over the limit are refused with 413 before they are read', async () => {
    const big = 'x'.repeat(20 * 1024 * 1024);
    const r = await h.call('POST', '/api/v1/apply', { yaml: big });
    assert.equal(r.status, 413);
    assert.equal(r.json.code, 'payload_too_large');
    const small = await h.call('POST', '/api/v1/environments', { json: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    assert.equal(small.status, 413);
  });

  test('an unsupported content type is a 415; every YAML media type is read as YAML', async () => {
    const r = await h.call('POST', '/api/v1/apply', { body: 'x', headers: { 'content-type': 'application/xml' } });
    assert.equal(r.status, 415);
    assert.equal(r.json.code, 'unsupported_media_type');
    for (const type of ['text/yaml', 'application/x-yaml', 'text/plain; charset=utf-8']) {
      const ok = await h.call('POST', '/api/v1/apply?dryRun=true', { body: env('typed'), headers: { 'content-type': type } });
      assert.equal(ok.status, 200, `${type}: ${ok.text}`);
      assert.deepEqual(ok.json.results, [{ kind: 'Environment', name: 'typed', outcome: 'created', resourceVersion: '0' }]);
    }
    const empty = await h.call('POST', '/api/v1/apply', { json: { files: [] } });
    assert.equal(empty.status, 422);
    assert.deepEqual(empty.json.details.map((p: { rule: string; path: string }) => [p.path, p.rule]), [['files', 'type']]);
  });

  test('malformed JSON is a 400 with a JSON error', async () => {
    const r = await h.call('POST', '/api/v1/environments', { body: '{bad', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 'bad_request');
  });

  test('roles: a member may write products but not flows; a viewer may only read', async () => {
    const member = await h.tokenFor('member');
    const viewer = await h.tokenFor('viewer');
    const denied = await h.call('POST', '/api/v1/apply', { token: member, yaml: flow('m1', 'dev', '    - environment: qa\n') });
    assert.equal(denied.status, 403);
    assert.equal(denied.json.code, 'forbidden');
    assert.deepEqual(
      denied.json.details.map((p: { kind: string; name: string; rule: string }) => [p.kind, p.name, p.rule]),
      [['PromotionFlow', 'm1', 'permission']],
    );
    const product = 'apiVersion: stagecoach.dev/v1alpha1\nkind: Product\nmetadata: {name: member-product}\nspec: {}\n';
    const allowed = await h.call('POST', '/api/v1/apply', { token: member, yaml: product });
    assert.equal(allowed.status, 200, allowed.text);
    const read = await h.call('GET', '/api/v1/products/member-product', { token: viewer });
    assert.equal(read.status, 200);
    const viewerWrite = await h.call('DELETE', '/api/v1/products/member-product', { token: viewer });
    assert.equal(viewerWrite.status, 403);
    const whoami = await h.call('GET', '/api/v1/whoami', { token: member });
    assert.equal(whoami.json.abilities.write.PromotionFlow, false);
    assert.equal(whoami.json.abilities.write.Product, true);
  });

  test('a stale resourceVersion is refused and nothing is written', async () => {
    const current = await h.call('GET', '/api/v1/environments/qa');
    const stale = { ...current.json, metadata: { ...current.json.metadata, resourceVersion: '99' }, spec: { ...current.json.spec, order: 42 } };
    const r = await h.call('PUT', '/api/v1/environments/qa', { json: stale });
    assert.equal(r.status, 409);
    assert.equal(r.json.code, 'conflict');
    assert.equal(r.json.details[0].rule, 'stale-resource-version');
    assert.equal((await h.call('GET', '/api/v1/environments/qa')).json.spec.order, 2);

    const fresh = { ...current.json, spec: { ...current.json.spec, order: 7 } };
    const ok = await h.call('PUT', '/api/v1/environments/qa', { json: fresh });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json.results, [{ kind: 'Environment', name: 'qa', outcome: 'configured', resourceVersion: '2' }]);
    const after = await h.call('GET', '/api/v1/environments/qa');
    assert.equal(after.json.metadata.resourceVersion, '2');
    assert.equal(after.json.spec.order, 7);
  });

  test('create refuses an existing name; replace refuses a name mismatch', async () => {
    const existing = await h.call('POST', '/api/v1/environments', {
      json: { apiVersion: 'stagecoach.dev/v1alpha1', kind: 'Environment', metadata: { name: 'dev' }, spec: { kind: 'non-production' } },
    });
    assert.equal(existing.status, 409);
    assert.equal(existing.json.code, 'already_exists');
    const mismatch = await h.call('PUT', '/api/v1/environments/dev', {
      json: { apiVersion: 'stagecoach.dev/v1alpha1', kind: 'Environment', metadata: { name: 'qa' }, spec: { kind: 'non-production' } },
    });
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.json.details[0].rule, 'name-mismatch');
    const invalid = await h.call('POST', '/api/v1/environments', {
      json: { apiVersion: 'stagecoach.dev/v1alpha1', kind: 'Environment', metadata: { name: 'x9' }, spec: { kind: 'prod', colour: 'red' } },
    });
    assert.equal(invalid.status, 422);
    assert.deepEqual(invalid.json.details.map((p: { path: string; rule: string }) => [p.path, p.rule]).sort(), [
      ['spec.colour', 'unknown-field'],
      ['spec.kind', 'one-of'],
    ]);
  });

  test('a referenced resource cannot be deleted; an unreferenced one can', async () => {
    const inUse = await h.call('DELETE', '/api/v1/environments/staging');
    assert.equal(inUse.status, 409);
    assert.equal(inUse.json.code, 'in_use');
    assert.ok(inUse.json.details.some((p: { kind: string; name: string }) => p.kind === 'Application' && p.name === 'cf-101-staging'));
    assert.ok(inUse.json.details.some((p: { kind: string; name: string }) => p.kind === 'PromotionFlow' && p.name === 'env-dependencies'));
    const gone = await h.call('DELETE', '/api/v1/products/member-product');
    assert.equal(gone.status, 200);
    assert.equal((await h.call('GET', '/api/v1/products/member-product')).status, 404);
    assert.equal((await h.call('DELETE', '/api/v1/products/member-product')).status, 404);
  });

  test('policy evaluate gives each field and the policy it came from', async () => {
    const r = await h.call('POST', '/api/v1/promotion-policies/evaluate', { json: { product: 'cf-101', environment: 'production' } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.fields, {
      preAction: { value: 'integration-tests', source: { type: 'policy', name: 'production-needs-pr', priority: 10 } },
      action: { value: 'pr', source: { type: 'policy', name: 'production-needs-pr', priority: 10 } },
      postAction: { value: 'notify', source: { type: 'policy', name: 'cf-101-notify', priority: 50 } },
    });
    assert.deepEqual(r.json.matched.map((m: { name: string }) => m.name), ['production-needs-pr', 'cf-101-notify', 'default-commit']);
    // A workflow set to null inline removes the policies' one, and says so.
    const skipped = await h.call('POST', '/api/v1/promotion-policies/evaluate', { json: { product: 'cf-101', environment: 'production', inline: { preAction: null } } });
    assert.equal(skipped.status, 200, skipped.text);
    assert.equal(skipped.json.fields.preAction, undefined);
    assert.deepEqual(skipped.json.removed, [
      {
        field: 'preAction',
        source: { type: 'inline', name: 'request' },
        overridden: { value: 'integration-tests', source: { type: 'policy', name: 'production-needs-pr', priority: 10 } },
      },
    ]);
    const unknown = await h.call('POST', '/api/v1/promotion-policies/evaluate', { json: { product: 'nope', environment: 'production' } });
    assert.equal(unknown.status, 404);
    const bad = await h.call('POST', '/api/v1/promotion-policies/evaluate', { json: { product: 'cf-101' } });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.json.details.map((p: { path: string; rule: string }) => [p.path, p.rule]), [['environment', 'required']]);
  });

  test('tokens: admins create and list them; the secret is returned once and never listed', async () => {
    const made = await h.call('POST', '/api/v1/tokens', { json: { name: 'ci-bot', role: 'member' } });
    assert.equal(made.status, 201, made.text);
    assert.match(made.json.secret, /^sct_[A-Za-z0-9_-]{43}$/);
    const works = await h.call('GET', '/api/v1/products', { token: made.json.secret });
    assert.equal(works.status, 200);
    const list = await h.call('GET', '/api/v1/tokens');
    assert.ok(list.json.items.some((t: { name: string }) => t.name === 'ci-bot'));
    assert.ok(!list.text.includes(made.json.secret));
    assert.ok(!list.text.includes('hash'));
    const dup = await h.call('POST', '/api/v1/tokens', { json: { name: 'ci-bot', role: 'member' } });
    assert.equal(dup.status, 409);
    const asMember = await h.call('GET', '/api/v1/tokens', { token: made.json.secret });
    assert.equal(asMember.status, 403);
    const revoked = await h.call('DELETE', `/api/v1/tokens/${made.json.token.id}`);
    assert.equal(revoked.status, 200);
    assert.equal((await h.call('GET', '/api/v1/products', { token: made.json.secret })).status, 401);
  });

  test('a resource sent to another kind\'s route is told where it belongs', async () => {
    const r = await h.call('POST', '/api/v1/products', {
      json: { apiVersion: 'stagecoach.dev/v1alpha1', kind: 'Environment', metadata: { name: 'x8' }, spec: { kind: 'production' } },
    });
    assert.equal(r.status, 422);
    assert.deepEqual(r.json.details.map((p: { rule: string; path: string }) => [p.path, p.rule]), [['kind', 'wrong-kind']]);
    assert.match(r.json.message, /\/api\/v1\/environments/);
  });

  test('a resourceVersion on a resource that does not exist is ignored by apply (output of another server applies)', async () => {
    const yaml = 'apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\nmetadata: {name: copied, resourceVersion: "7"}\nspec: {kind: production}\n';
    const r = await h.call('POST', '/api/v1/apply', { yaml });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.results, [{ kind: 'Environment', name: 'copied', outcome: 'created', resourceVersion: '1' }]);
    const stale = await h.call('POST', '/api/v1/apply', { yaml });
    assert.equal(stale.status, 409, 'once it exists, the version is checked again');
  });

  test('a delete refused as in_use names the resources in the way', async () => {
    const r = await h.call('DELETE', '/api/v1/promotion-templates/helm-default');
    assert.equal(r.status, 409);
    assert.equal(r.json.message, 'PromotionTemplate "helm-default" is still referenced by Product "cf-101"; change or delete them first');
  });

  test('the OpenAPI document lists every resource route, and is readable without a token', async () => {
    const r = await h.call('GET', '/api/v1/openapi.json', { token: null });
    assert.equal(r.status, 200);
    assert.equal(r.json.openapi, '3.1.0');
    for (const path of ['/api/v1/environments', '/api/v1/promotion-flows/{name}', '/api/v1/apply', '/api/v1/promotion-policies/evaluate', '/api/v1/tokens', '/api/v1/whoami']) {
      assert.ok(r.json.paths[path], `missing ${path}`);
    }
    assert.ok(r.json.components.schemas.PromotionFlow);
  });

  test('the UI path answers HTML even before the UI is built', async () => {
    const r = await h.call('GET', '/', { token: null });
    assert.equal(r.status, 200);
    assert.match(r.text, /web UI is not built/);
  });
});
