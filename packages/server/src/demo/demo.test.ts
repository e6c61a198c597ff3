import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildServer } from '../server.ts';
import { fixedClock } from '../testing/harness.ts';
import { gitLog, lsTree, readAt } from '../testing/git-fixtures.ts';
import { DEMO_PEOPLE, DEMO_PRODUCTS } from './catalogue.ts';
import { demoCommit, nextPatch } from './commit.ts';
import { applyDemo, loadExamples, DemoExamplesError } from './resources.ts';
import { seedDemo, demoRepositoryPath, type DemoWorkspace } from './seed.ts';

const versionsOf = (v: { environments: { environment: string; applications: { version?: string; reason?: string }[] }[] }) =>
  Object.fromEntries(v.environments.map((e) => [e.environment, e.applications.map((a) => a.version ?? `unknown: ${a.reason}`).join(',')]));

describe('the demo workspace', () => {
  let dir: string;
  let dataDir: string;
  let workspace: DemoWorkspace;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecoach-demo-test-'));
    dataDir = join(dir, 'data');
    workspace = await seedDemo({ dataDir });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('seeding makes one bare repository per product, once, with the same commits on every machine', async () => {
    assert.deepEqual(
      workspace.repositories.map((r) => [r.product, r.path, r.created]),
      DEMO_PRODUCTS.map((p) => [p.name, demoRepositoryPath(dataDir, p.name), true]),
    );
    const again = await seedDemo({ dataDir });
    assert.deepEqual(
      again.repositories.map((r) => [r.product, r.head, r.created]),
      workspace.repositories.map((r) => [r.product, r.head, false]),
    );
    assert.deepEqual(again.resources, workspace.resources);
    // Nothing is left beside the repositories, and fixed authors and dates give fixed commits.
    assert.deepEqual((await readdir(workspace.reposDir)).sort(), ['billing-api.git', 'cf-101.git', 'web-portal.git']);
    const elsewhere = await seedDemo({ dataDir: join(dir, 'other') });
    assert.deepEqual(
      elsewhere.repositories.map((r) => r.head),
      workspace.repositories.map((r) => r.head),
    );
  });

  test('each repository has a Helm chart per environment and a history by the demo people', async () => {
    const cf = workspace.repositories[0]!;
    const tree = await lsTree(cf.path, 'main');
    for (const env of ['dev', 'qa', 'staging', 'production', 'production-eu', 'production-asia']) {
      for (const file of ['Chart.yaml', 'values.yaml', 'templates/deployment.yaml']) assert.ok(tree.has(`envs/${env}/${file}`), `${env}/${file}`);
    }
    assert.match((await readAt(cf.path, 'main', 'envs/qa/Chart.yaml'))!, /^apiVersion: v2\nname: cf-101\n/m);
    assert.match((await readAt(cf.path, 'main', 'envs/qa/values.yaml'))!, /image:\n  repository: registry\.acme\.example\/payments\/cf-101\n  # .*\n  tag: "1\.3\.2"\n/);
    const log = await gitLog(cf.path, 'main');
    assert.equal(log.length, DEMO_PRODUCTS[0]!.history.length);
    assert.equal(log.at(-1)!.parents.length, 0);
    const people = new Set<string>(Object.values(DEMO_PEOPLE).map((p) => p.email));
    assert.ok(log.every((c) => people.has(c.authorEmail)));
    assert.equal(log[0]!.message, 'dev: cf-101 1.4.0 (3-D Secure 2 challenge flow)');
    assert.deepEqual(
      [...(await lsTree(workspace.repositories[1]!.path, 'main')).keys()].filter((p) => p.endsWith('Chart.yaml')),
      ['envs/dev/Chart.yaml', 'envs/production/Chart.yaml', 'envs/qa/Chart.yaml'],
    );
  });

  test('the resources are the examples with products and applications on the demo repositories', async () => {
    const count = (kind: string) => workspace.resources.filter((r) => r.resource.kind === kind).length;
    assert.equal(count('Environment'), 6);
    assert.equal(count('PromotionFlow'), 4);
    assert.equal(count('Product'), 3);
    assert.equal(count('Application'), 6 + 3 + 4);
    const cf = workspace.resources.find((r) => r.resource.kind === 'Product' && r.resource.metadata.name === 'cf-101')!.resource;
    const example = (await loadExamples()).find((r) => r.resource.kind === 'Product' && r.resource.metadata.name === 'cf-101')!.resource;
    assert.deepEqual(cf, example);
    const app = workspace.resources.find((r) => r.resource.metadata.name === 'cf-101-production-eu')!.resource;
    assert.deepEqual(app.kind === 'Application' && app.spec, {
      product: 'cf-101',
      environment: 'production-eu',
      source: { repoURL: demoRepositoryPath(dataDir, 'cf-101'), targetRevision: 'main', path: 'envs/production-eu' },
      destination: { namespace: 'cf-101' },
    });
    assert.deepEqual(app.metadata.labels, { team: 'payments', region: 'eu' });
  });

  test('a broken example stops the demo with every problem, before any repository is made', async () => {
    const examples = join(dir, 'broken-examples');
    await mkdir(examples);
    await writeFile(join(examples, 'envs.yaml'), 'apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\nmetadata: {name: Dev}\nspec: {kind: staging}\n');
    await assert.rejects(seedDemo({ dataDir: join(dir, 'never'), examplesDir: examples }), (e: Error) => {
      assert.ok(e instanceof DemoExamplesError);
      assert.match(e.message, /examples\/envs\.yaml does not load:\n {2}.*metadata\.name.*\n {2}.*spec\.kind/);
      return true;
    });
    await assert.rejects(readdir(join(dir, 'never')), { code: 'ENOENT' });
  });

  test('applied to a server, versions differ per environment; applying again changes nothing', async () => {
    const server = await buildServer({ dataDir, allowLocalRepositories: true }, fixedClock());
    try {
      const first = await applyDemo(server.store, workspace.resources);
      assert.ok(first.ok, JSON.stringify(first));
      assert.ok(first.value.results.every((r) => r.outcome === 'created'));
      const second = await applyDemo(server.store, workspace.resources);
      assert.ok(second.ok);
      assert.deepEqual(new Set(second.value.results.map((r) => r.outcome)), new Set(['unchanged']));

      const cf = await server.promotions.versions('cf-101');
      assert.ok(cf.ok, JSON.stringify(cf));
      assert.deepEqual(versionsOf(cf.value), { dev: '1.4.0', qa: '1.3.2', staging: '1.3.0', production: '1.2.5', 'production-eu': '1.2.5', 'production-asia': '1.2.4' });
      const billing = await server.promotions.versions('billing-api');
      assert.ok(billing.ok);
      assert.deepEqual(versionsOf(billing.value), { dev: '2.8.0', qa: '2.7.1', production: '2.6.3' });
      const portal = await server.promotions.versions('web-portal');
      assert.ok(portal.ok);
      assert.deepEqual(versionsOf(portal.value), { dev: '0.9.0', qa: '0.8.4', staging: '0.8.3', production: '0.8.2' });

      const preview = await server.promotions.preview({ product: 'cf-101', from: 'dev', to: 'qa' });
      assert.ok(preview.ok, JSON.stringify(preview));
      const changed = preview.value.changeSets[0]!.files.map((f) => f.path).sort();
      assert.deepEqual(changed, ['Chart.yaml', 'values.yaml']);

      // A new dev version shows up on the running server; every other environment stays.
      const bumped = await demoCommit({ dataDir, product: 'cf-101', environment: 'dev', now: () => new Date('2026-11-26T10:00:00Z') });
      assert.ok(bumped.ok, JSON.stringify(bumped));
      const after = await server.promotions.versions('cf-101');
      assert.ok(after.ok);
      assert.deepEqual(versionsOf(after.value), { ...versionsOf(cf.value), dev: '1.4.1' });
    } finally {
      await server.close();
    }
  });

  test('the data folder stays closed to applications, except the demo repositories', async () => {
    const server = await buildServer({ dataDir, allowLocalRepositories: true }, fixedClock());
    try {
      const repo = await server.open(demoRepositoryPath(dataDir, 'web-portal'));
      assert.match(await repo.resolveBranch('main'), /^[0-9a-f]{40}$/);
      await server.open(`file://${demoRepositoryPath(dataDir, 'billing-api')}`);
      for (const refused of [dataDir, join(dataDir, 'git'), join(dataDir, 'demo'), join(dataDir, 'demo', 'repos'), join(dataDir, 'demo', 'repos', '..', 'x.git')]) {
        await assert.rejects(server.open(refused), /data folder is not a repository/, refused);
      }
    } finally {
      await server.close();
    }
  });
});

describe('demo commit', () => {
  let dir: string;
  let dataDir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecoach-demo-commit-'));
    dataDir = join(dir, 'data');
    await seedDemo({ dataDir });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('one commit by a demo developer changes dev\'s versions and nothing else', async () => {
    const repo = demoRepositoryPath(dataDir, 'cf-101');
    const before = await lsTree(repo, 'main');
    const chart = (await readAt(repo, 'main', 'envs/dev/Chart.yaml'))!;
    const values = (await readAt(repo, 'main', 'envs/dev/values.yaml'))!;
    const made = await demoCommit({ dataDir, product: 'cf-101', environment: 'dev', now: () => new Date('2026-11-26T10:00:00Z') });
    assert.ok(made.ok, JSON.stringify(made));
    assert.equal(made.value.previousVersion, '1.4.0');
    assert.equal(made.value.version, '1.4.1');

    const [head] = await gitLog(repo, 'main');
    assert.equal(head!.sha, made.value.sha);
    assert.deepEqual(head!.parents, [made.value.parent]);
    assert.equal(head!.authorName, DEMO_PEOPLE.tom.name);
    assert.equal(head!.authorDate, '2026-11-26T10:00:00+00:00');
    assert.match(head!.message, /^dev: cf-101 1\.4\.1\n\nNew build registry\.acme\.example\/payments\/cf-101:1\.4\.1\.$/);

    assert.equal(await readAt(repo, 'main', 'envs/dev/Chart.yaml'), chart.replaceAll('1.4.0', '1.4.1'));
    assert.equal(await readAt(repo, 'main', 'envs/dev/values.yaml'), values.replaceAll('1.4.0', '1.4.1'));
    const changed = [...(await lsTree(repo, 'main'))].filter(([path, entry]) => before.get(path) !== entry).map(([path]) => path);
    assert.deepEqual(changed.sort(), ['envs', 'envs/dev', 'envs/dev/Chart.yaml', 'envs/dev/values.yaml']);
    assert.deepEqual((await readdir(join(dataDir, 'demo', 'repos'))).sort(), ['billing-api.git', 'cf-101.git', 'web-portal.git']);
  });

  test('a chosen version, and the failures', async () => {
    const chosen = await demoCommit({ dataDir, product: 'web-portal', environment: 'qa', version: '0.9.0-rc.1' });
    assert.ok(chosen.ok);
    assert.equal(chosen.value.previousVersion, '0.8.4');
    assert.match((await readAt(demoRepositoryPath(dataDir, 'web-portal'), 'main', 'envs/qa/values.yaml'))!, /tag: "0\.9\.0-rc\.1"/);

    const table: [Parameters<typeof demoCommit>[0], string, RegExp][] = [
      [{ dataDir, product: 'shop', environment: 'dev' }, 'not_found', /"shop" is not a demo product/],
      [{ dataDir, product: '../cf-101', environment: 'dev' }, 'not_found', /is not a demo product/],
      [{ dataDir, product: 'billing-api', environment: 'staging' }, 'not_found', /has no environment "staging"/],
      [{ dataDir, product: 'cf-101', environment: '../dev' }, 'not_found', /has no environment/],
      [{ dataDir: join(dir, 'empty'), product: 'cf-101', environment: 'dev' }, 'not_found', /no demo repository at .*start the demo once/],
      [{ dataDir, product: 'cf-101', environment: 'qa', version: '1.3.2' }, 'bad_request', /already at 1\.3\.2/],
      [{ dataDir, product: 'cf-101', environment: 'qa', version: 'latest' }, 'bad_request', /must look like 1\.2\.3/],
      [{ dataDir, product: 'web-portal', environment: 'qa' }, 'bad_request', /"0\.9\.0-rc\.1" is not X\.Y\.Z; give the new one with --version/],
    ];
    for (const [options, code, message] of table) {
      const r = await demoCommit(options);
      assert.ok(!r.ok, JSON.stringify(options));
      assert.equal(r.error.code, code, r.error.message);
      assert.match(r.error.message, message);
    }
  });

  test('the next patch version', () => {
    assert.deepEqual(['1.4.0', 'v2.0.9', '1.2', '1.0.0-rc.1'].map(nextPatch), ['1.4.1', 'v2.0.10', undefined, undefined]);
  });
});
