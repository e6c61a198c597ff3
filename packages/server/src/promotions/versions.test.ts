import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildServer } from '../server.ts';
import { startFakeArgoCd, type FakeArgoCd } from '../testing/fakes/argocd.ts';
import { commitFiles, createBareRepo, fixtureGit, revParse, tempDir, type TempDir } from '../testing/git-fixtures.ts';
import { ADMIN_SECRET, fixedClock, testApp } from '../testing/harness.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;

const API = 'apiVersion: stagecoach.dev/v1alpha1';
const ENVIRONMENTS = ['dev', 'qa', 'prod'];
/** Products of the fleet repository, each with a folder per environment. */
const FLEET = ['cart', 'search', 'shop'];

const chart = (version: string) => `apiVersion: v2\nname: app\nversion: 0.1.0\nappVersion: "${version}"\n`;
const folder = (product: string, env: string) => `products/${product}/envs/${env}`;

function resources(fleet: string, other: string): string {
  const docs = ENVIRONMENTS.map((name, i) => `${API}\nkind: Environment\nmetadata: {name: ${name}}\nspec: {kind: non-production, order: ${i + 1}}\n`);
  const product = (name: string, versionFile: string | null = 'Chart.yaml') =>
    `${API}\nkind: Product\nmetadata: {name: ${name}}\nspec:\n  promotionTemplate:\n${versionFile ? `    versionSource: {file: "${versionFile}", jsonPath: $.appVersion}\n` : ''}    promotion:\n      Chart.yaml: {jsonPaths: [$.appVersion]}\n`;
  const app = (name: string, productName: string, env: string, repoURL: string, path: string, branch = 'main') =>
    `${API}\nkind: Application\nmetadata: {name: ${name}}\nspec: {product: ${productName}, environment: ${env}, source: {repoURL: "${repoURL}", targetRevision: ${branch}, path: ${path}}}\n`;
  for (const p of FLEET) {
    docs.push(product(p));
    // Environments applied out of order: the answer orders them by spec.order.
    for (const env of [...ENVIRONMENTS].reverse()) docs.push(app(`${p}-${env}`, p, env, fleet, folder(p, env)));
  }
  // Two applications of one product in one environment, a missing version file, a missing
  // branch, and another branch of the same repository.
  docs.push(product('legacy'));
  docs.push(app('legacy-dev-b', 'legacy', 'dev', other, 'legacy/b'));
  docs.push(app('legacy-dev-a', 'legacy', 'dev', other, 'legacy/a'));
  docs.push(app('legacy-qa', 'legacy', 'qa', other, 'legacy/empty'));
  docs.push(app('legacy-prod', 'legacy', 'prod', other, 'legacy/a', 'no-such-branch'));
  docs.push(product('plain', null));
  docs.push(app('plain-dev', 'plain', 'dev', other, 'legacy/a', 'release'));
  // A version file name git refuses, read at the same commit as legacy's applications.
  docs.push(product('odd', './Chart.yaml'));
  docs.push(app('odd-dev', 'odd', 'dev', other, 'legacy/a'));
  return docs.join('---\n');
}

/** What git itself says: the newest commit touching the folder at the tip of the branch. */
async function lastChangeOf(gitDir: string, branch: string, path: string): Promise<string> {
  return (await fixtureGit(['log', '-1', '--format=%H', branch, '--', path], { gitDir })).stdout.toString().trim();
}

/** Commits straight into a bare repository by fast-import, on top of `main`. */
async function fastCommits(gitDir: string, commits: { message: string; files: Record<string, string> }[]): Promise<void> {
  const lines: string[] = [];
  commits.forEach(({ message, files }, i) => {
    lines.push('commit refs/heads/main', `committer Fixture <fixture@example.invalid> ${1_800_000_000 + i} +0000`, `data ${Buffer.byteLength(message)}`, message);
    if (i === 0) lines.push('from refs/heads/main^0');
    for (const [path, content] of Object.entries(files)) lines.push(`M 100644 inline ${path}`, `data ${Buffer.byteLength(content)}`, content);
    lines.push('');
  });
  await fixtureGit(['fast-import', '--quiet', '--done'], { gitDir, input: `${lines.join('\n')}\ndone\n` });
}

interface AppVersion {
  application: string;
  environment: string;
  version?: string;
  reason?: string;
  branch: string;
  commit?: string;
  lastChange?: { sha: string; message: string };
  deployment?: { sync: string; health: string; revision?: string; message?: string };
}
interface ProductVersions {
  product: string;
  environments: { environment: string; applications: AppVersion[] }[];
}

describe('versions of many products in one request', () => {
  let h: Harness;
  let root: TempDir;
  let fleet: string;
  let other: string;
  let rootCommit: string;

  before(async () => {
    root = await tempDir();
    const files: Record<string, string> = {};
    FLEET.forEach((p, i) => ENVIRONMENTS.forEach((env, e) => (files[`${folder(p, env)}/Chart.yaml`] = chart(`${i + 1}.${e}.0`))));
    fleet = (await createBareRepo({ root: root.path, name: 'fleet.git', files, message: 'the fleet' })).path;
    rootCommit = (await revParse(fleet, 'main'))!;
    // A side branch changes shop in qa and is merged back: that change arrives through a merge.
    await commitFiles(fleet, { branch: 'side', from: 'main', files: { [`${folder('shop', 'qa')}/Chart.yaml`]: chart('3.1.5') }, message: 'shop qa on a branch' });
    await commitFiles(fleet, { branch: 'main', files: { [`${folder('search', 'dev')}/Chart.yaml`]: chart('2.0.1') }, message: 'search dev 2.0.1' });
    const work = await tempDir();
    try {
      await fixtureGit(['clone', '--quiet', fleet, work.path]);
      const who = ['-c', 'user.name=Fixture', '-c', 'user.email=fixture@example.invalid'];
      await fixtureGit([...who, 'merge', '--quiet', '--no-ff', '-m', 'merge side', 'origin/side'], { cwd: work.path });
      await fixtureGit(['push', '--quiet', 'origin', 'HEAD:main'], { cwd: work.path });
    } finally {
      await work.cleanup();
    }
    // Sixty commits that touch cart in dev only: the other folders' last change is deep below them.
    await fastCommits(
      fleet,
      Array.from({ length: 60 }, (_, i) => ({ message: `cart dev 1.0.${i + 1}`, files: { [`${folder('cart', 'dev')}/Chart.yaml`]: chart(`1.0.${i + 1}`) } })),
    );

    const legacy = await createBareRepo({
      root: root.path,
      name: 'other.git',
      files: { 'legacy/a/Chart.yaml': chart('0.9.0'), 'legacy/b/Chart.yaml': chart('0.8.0'), 'legacy/empty/values.yaml': 'replicas: 1\n' },
    });
    other = legacy.path;
    await commitFiles(other, { branch: 'release', from: 'main', files: { 'legacy/a/Chart.yaml': chart('0.9.1') }, message: 'release 0.9.1' });

    h = await testApp({ allowLocalRepositories: true });
    const applied = await h.call('POST', '/api/v1/apply', { yaml: resources(fleet, other) });
    assert.equal(applied.status, 200, applied.text);
  });
  after(async () => {
    await h.close();
    await root.cleanup();
  });

  /** Each application's version and last change, checked against the repositories themselves. */
  async function checkAgainstGit(items: ProductVersions[]): Promise<void> {
    for (const item of items.filter((i) => FLEET.includes(i.product))) {
      assert.deepEqual(item.environments.map((e) => e.environment), ENVIRONMENTS);
      for (const { environment, applications } of item.environments) {
        const [app] = applications;
        const path = folder(item.product, environment);
        assert.equal(app!.commit, await revParse(fleet, 'main'));
        assert.equal(app!.version, /appVersion: "([^"]+)"/.exec((await fixtureGit(['show', `main:${path}/Chart.yaml`], { gitDir: fleet })).stdout.toString())![1]);
        assert.equal(app!.lastChange?.sha, await lastChangeOf(fleet, 'main', path), `${item.product} in ${environment}`);
      }
    }
  }

  test('every product at once, each as the per-product endpoint gives it, and as git has it', async () => {
    const all = await h.call('GET', '/api/v1/versions');
    assert.equal(all.status, 200, all.text);
    const items = all.json.items as ProductVersions[];
    assert.deepEqual(items.map((i) => i.product), ['cart', 'legacy', 'odd', 'plain', 'search', 'shop']);
    for (const item of items) {
      const one = await h.call('GET', `/api/v1/products/${item.product}/versions`);
      assert.equal(one.status, 200, one.text);
      assert.deepEqual(item, one.json, item.product);
    }
    await checkAgainstGit(items);

    const shop = items.find((i) => i.product === 'shop')!;
    const [qa] = shop.environments[1]!.applications;
    assert.equal(qa!.version, '3.1.5', 'the change merged from the side branch');
    assert.equal(qa!.lastChange?.message, 'shop qa on a branch');
    const [prod] = shop.environments[2]!.applications;
    assert.equal(prod!.lastChange?.sha, rootCommit, 'a folder last changed below 60 newer commits');
    assert.equal(prod!.lastChange?.message, 'the fleet');
    assert.equal(items.find((i) => i.product === 'cart')!.environments[0]!.applications[0]!.version, '1.0.60');
  });

  test('applications that cannot be read say why; the others still have their version', async () => {
    const { json } = await h.call('GET', '/api/v1/versions?product=legacy,plain,odd');
    const [legacy, odd, plain] = json.items as ProductVersions[];
    assert.deepEqual(odd!.environments[0]!.applications.map((a) => [a.application, a.version, a.reason]), [
      ['odd-dev', undefined, `git repository ${other}: path "legacy/a/./Chart.yaml" has a "." component`],
    ]);
    assert.deepEqual(legacy!.environments.map((e) => [e.environment, e.applications.map((a) => [a.application, a.version ?? a.reason])]), [
      ['dev', [['legacy-dev-a', '0.9.0'], ['legacy-dev-b', '0.8.0']]],
      ['qa', [['legacy-qa', 'file "Chart.yaml" not found in legacy/empty']]],
      ['prod', [['legacy-prod', `git repository ${other}: branch "no-such-branch" does not exist on the remote`]]],
    ]);
    const missing = legacy!.environments[1]!.applications[0]!;
    assert.equal(missing.commit, await revParse(other, 'main'), 'the branch was read, only the file is missing');
    assert.equal(missing.lastChange?.sha, await lastChangeOf(other, 'main', 'legacy/empty'));
    assert.equal(legacy!.environments[2]!.applications[0]!.commit, undefined);
    const [release] = plain!.environments[0]!.applications;
    assert.deepEqual([release!.branch, release!.reason, release!.commit], ['release', 'the product has no versionSource', await revParse(other, 'release')]);
    assert.equal(release!.lastChange?.message, 'release 0.9.1');
  });

  test('a new commit changes the answer, and the folders it did not touch keep theirs', async () => {
    const before = (await h.call('GET', '/api/v1/versions?product=shop&product=search')).json.items as ProductVersions[];
    const beforeTip = await revParse(fleet, 'main');
    await fastCommits(fleet, [
      { message: 'shop dev 9.9.9', files: { [`${folder('shop', 'dev')}/Chart.yaml`]: chart('9.9.9') } },
      { message: 'unrelated', files: { 'README.md': 'elsewhere\n' } },
    ]);
    const tip = await revParse(fleet, 'main');
    assert.notEqual(tip, beforeTip);
    const after = (await h.call('GET', '/api/v1/versions?product=shop&product=search')).json.items as ProductVersions[];
    const shopDev = after[1]!.environments[0]!.applications[0]!;
    assert.equal(shopDev.version, '9.9.9');
    assert.equal(shopDev.commit, tip);
    assert.equal(shopDev.lastChange?.message, 'shop dev 9.9.9');
    assert.equal(shopDev.lastChange?.sha, await lastChangeOf(fleet, 'main', folder('shop', 'dev')));
    assert.equal(after[1]!.environments[2]!.applications[0]!.lastChange?.sha, before[1]!.environments[2]!.applications[0]!.lastChange?.sha);
    await checkAgainstGit(after);
    // The per-product endpoint reads the same tip.
    assert.deepEqual((await h.call('GET', '/api/v1/products/shop/versions')).json, after[1]);
  });

  test('the product filter: repeated, comma-separated, or both; ordered by name; duplicates once', async () => {
    for (const query of ['product=shop&product=cart', 'product=shop,cart', 'product=shop,%20cart&product=shop']) {
      const r = await h.call('GET', `/api/v1/versions?${query}`);
      assert.equal(r.status, 200, `${query}: ${r.text}`);
      assert.deepEqual(r.json.items.map((i: ProductVersions) => i.product), ['cart', 'shop'], query);
    }
    for (const query of ['product=,', 'product=', 'product=%20&product=']) {
      const empty = await h.call('GET', `/api/v1/versions?${query}`);
      assert.equal(empty.status, 400, `${query}: ${empty.text}`);
      assert.equal(empty.json.code, 'bad_request');
      assert.deepEqual(empty.json.details.map((p: { path: string }) => p.path), ['product']);
    }
  });

  test('unknown products in the filter: 404 naming each of them, and nothing read', async () => {
    const r = await h.call('GET', '/api/v1/versions?product=shop,nope&product=gone');
    assert.equal(r.status, 404, r.text);
    assert.equal(r.json.code, 'not_found');
    assert.equal(r.json.message, 'Products "gone", "nope" not found');
    assert.deepEqual(r.json.details.map((p: { path: string; rule: string; message: string }) => [p.path, p.rule, p.message]), [
      ['product', 'unknown-reference', 'product "gone" does not exist'],
      ['product', 'unknown-reference', 'product "nope" does not exist'],
    ]);
    const one = await h.call('GET', '/api/v1/products/nope/versions');
    assert.equal(one.status, 404);
    assert.equal(one.json.message, 'Product "nope" not found');
  });

  test('a viewer may read them; the route is in the API document', async () => {
    const viewer = await h.tokenFor('viewer', 'versions-viewer');
    assert.equal((await h.call('GET', '/api/v1/versions?product=cart', { token: viewer })).status, 200);
    assert.equal((await h.call('GET', '/api/v1/versions', { token: null })).status, 401);
    const doc = await h.call('GET', '/api/v1/openapi.json', { token: null });
    assert.ok(doc.json.paths['/api/v1/versions']?.get, 'documented');
  });
});

describe('versions: a workspace without products', () => {
  test('answers an empty list', async () => {
    const h = await testApp();
    try {
      const r = await h.call('GET', '/api/v1/versions');
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json, { items: [] });
    } finally {
      await h.close();
    }
  });
});


describe('versions with the sync and health of applications Argo CD deploys', () => {
  const TOKEN = 'argocd-versions-token-0123456789';
  let root: TempDir;
  let repo: string;
  let tip: string;
  let argo: FakeArgoCd;

  /** shop in dev and qa deployed by Argo CD (qa's Argo CD application in a team namespace), shop in prod from Git alone. */
  const yaml = () =>
    [
      ...ENVIRONMENTS.map((name, i) => `${API}\nkind: Environment\nmetadata: {name: ${name}}\nspec: {kind: non-production, order: ${i + 1}}\n`),
      `${API}\nkind: Product\nmetadata: {name: shop}\nspec:\n  promotionTemplate:\n    versionSource: {file: Chart.yaml, jsonPath: $.appVersion}\n`,
      `${API}\nkind: Application\nmetadata: {name: shop-dev}\nspec: {product: shop, environment: dev, source: {repoURL: "${repo}", targetRevision: main, path: ${folder('shop', 'dev')}}, argocd: {name: shop-dev}}\n`,
      `${API}\nkind: Application\nmetadata: {name: shop-qa}\nspec: {product: shop, environment: qa, source: {repoURL: "${repo}", targetRevision: main, path: ${folder('shop', 'qa')}}, argocd: {name: shop, namespace: team-qa}}\n`,
      `${API}\nkind: Application\nmetadata: {name: shop-prod}\nspec: {product: shop, environment: prod, source: {repoURL: "${repo}", targetRevision: main, path: ${folder('shop', 'prod')}}}\n`,
    ].join('---\n');

  /** A real server on a temporary folder whose settings name `argocdUrl` (none: no argocd settings). */
  async function serverWith(argocdUrl: string | undefined) {
    const data = await tempDir('stagecoach-versions-argocd-');
    const dataDir = data.path;
    const clock = fixedClock('2026-05-01T10:00:00.000Z');
    const built = await buildServer(
      { dataDir, adminToken: ADMIN_SECRET, webDist: `${dataDir}/no-web`, allowLocalRepositories: true, ...(argocdUrl ? { argocd: { baseUrl: argocdUrl, token: TOKEN } } : {}) },
      clock,
    );
    await built.tokens.bootstrap(ADMIN_SECRET);
    const call = async (method: string, path: string, body?: string) => {
      const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_SECRET}`, ...(body ? { 'content-type': 'application/yaml' } : {}) };
      const response = await built.app.request(path, { method, headers, ...(body ? { body } : {}) });
      const text = await response.text();
      return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
    };
    assert.equal((await call('POST', '/api/v1/apply', yaml())).status, 200);
    return {
      call,
      clock,
      async close() {
        await built.close();
        await data.cleanup();
      },
    };
  }

  const applications = (body: { items: ProductVersions[] }) =>
    Object.fromEntries(body.items[0]!.environments.flatMap((e) => e.applications).map((a) => [a.application, a]));
  const lists = () => argo.requests.filter((r) => r.path === '/api/v1/applications').length;

  before(async () => {
    root = await tempDir();
    const files = Object.fromEntries(ENVIRONMENTS.map((env, e) => [`${folder('shop', env)}/Chart.yaml`, chart(`3.${e}.0`)]));
    repo = (await createBareRepo({ root: root.path, name: 'shop.git', files })).path;
    tip = (await revParse(repo, 'main'))!;
    argo = await startFakeArgoCd({ token: TOKEN });
    argo.addApplication('shop-dev', { source: { repoURL: repo, path: folder('shop', 'dev') }, state: { sync: 'Synced', revision: tip, health: 'Healthy' } });
    argo.addApplication('shop', {
      namespace: 'team-qa',
      source: { repoURL: repo, path: folder('shop', 'qa') },
      state: { sync: 'OutOfSync', revision: tip, health: 'Degraded', healthMessage: 'Deployment "shop" exceeded its progress deadline' },
    });
    // The same name in Argo CD's own namespace is another application.
    argo.addApplication('shop', { source: { repoURL: repo, path: 'elsewhere' }, state: { sync: 'Synced', health: 'Healthy' } });
  });
  after(async () => {
    await argo.stop();
    await root.cleanup();
  });

  test('each Argo CD application gets sync and health from one list request; Git-only ones get none; a few seconds later Argo CD is asked again', async () => {
    const server = await serverWith(argo.url);
    try {
      const all = await server.call('GET', '/api/v1/versions');
      assert.equal(all.status, 200, all.text);
      const apps = applications(all.json);
      assert.deepEqual(
        Object.values(apps).map((a) => [a.application, a.version, a.deployment]),
        [
          ['shop-dev', '3.0.0', { sync: 'Synced', health: 'Healthy', revision: tip }],
          ['shop-qa', '3.1.0', { sync: 'OutOfSync', health: 'Degraded', revision: tip, message: 'Deployment "shop" exceeded its progress deadline' }],
          ['shop-prod', '3.2.0', undefined],
        ],
      );
      assert.ok(!('deployment' in apps['shop-prod']!), 'Git alone: no deployment field');
      assert.equal(lists(), 1);
      assert.equal(argo.requests.length, 1, 'no request per application');

      // The product's own endpoint, within the few seconds: the same answer, Argo CD not asked again.
      const one = await server.call('GET', '/api/v1/products/shop/versions');
      assert.deepEqual(one.json, all.json.items[0]);
      assert.equal(lists(), 1);

      argo.setState('shop', { sync: 'Synced', health: 'Healthy', healthMessage: null }, 'team-qa');
      server.clock.set('2026-05-01T10:00:05.000Z');
      const later = applications((await server.call('GET', '/api/v1/versions')).json);
      assert.deepEqual(later['shop-qa']!.deployment, { sync: 'Synced', health: 'Healthy', revision: tip });
      assert.equal(lists(), 2);
    } finally {
      await server.close();
    }
  });

  test('Argo CD unreachable: the versions are answered anyway, its applications Unknown with the reason', async () => {
    const down = await startFakeArgoCd({ token: TOKEN });
    const url = down.url;
    await down.stop();
    const server = await serverWith(url);
    try {
      const all = await server.call('GET', '/api/v1/versions');
      assert.equal(all.status, 200, all.text);
      const apps = applications(all.json);
      assert.deepEqual(Object.values(apps).map((a) => a.version), ['3.0.0', '3.1.0', '3.2.0']);
      for (const name of ['shop-dev', 'shop-qa']) {
        const { deployment } = apps[name]!;
        assert.deepEqual([deployment?.sync, deployment?.health], ['Unknown', 'Unknown'], name);
        assert.match(deployment!.message!, new RegExp(`^argocd applications: list: cannot reach Argo CD at ${url} \\(.+\\)$`));
        assert.ok(!deployment!.message!.includes(TOKEN));
      }
      assert.equal(apps['shop-prod']!.deployment, undefined);
    } finally {
      await server.close();
    }
  });

  test('a server without argocd settings gives no deployment, even for applications that name one', async () => {
    const before = argo.requests.length;
    const server = await serverWith(undefined);
    try {
      const apps = applications((await server.call('GET', '/api/v1/versions')).json);
      assert.deepEqual(Object.values(apps).map((a) => [a.application, a.version, 'deployment' in a]), [
        ['shop-dev', '3.0.0', false],
        ['shop-qa', '3.1.0', false],
        ['shop-prod', '3.2.0', false],
      ]);
      assert.equal(argo.requests.length, before);
    } finally {
      await server.close();
    }
  });
});
