import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { DeployedApplication } from '../../../promotions/versions.ts';
import { startFakeArgoCd, type FakeArgoCd } from '../../../testing/fakes/argocd.ts';
import { fixedClock } from '../../../testing/harness.ts';
import { createArgoCdDeploymentOverview, OVERVIEW_FIELDS } from './argocd-overview.ts';
import { createArgoCdClient } from './client.ts';

const TOKEN = 'argocd-overview-token-0123456789';
const REPO = 'https://git.example/fleet.git';
const OTHER_REPO = 'https://git.example/charts.git';
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

const wanted = (application: string, name = application, namespace?: string): DeployedApplication => ({
  application,
  repoURL: REPO,
  argocd: { name, ...(namespace !== undefined ? { namespace } : {}) },
});

describe('Argo CD overview: sync and health of many applications from one list', () => {
  let argo: FakeArgoCd;
  let clock: ReturnType<typeof fixedClock>;
  const lists = () => argo.requests.filter((r) => r.path === '/api/v1/applications');
  const overview = (settings: { token?: string; baseUrl?: string; cacheSeconds?: number } = {}) =>
    createArgoCdDeploymentOverview({
      client: createArgoCdClient({ baseUrl: settings.baseUrl ?? argo.url, token: settings.token ?? TOKEN, timeoutMs: 5000 }),
      clock,
      ...(settings.cacheSeconds !== undefined ? { cacheSeconds: settings.cacheSeconds } : {}),
    });

  beforeEach(async () => {
    argo = await startFakeArgoCd({ token: TOKEN });
    clock = fixedClock('2026-05-01T10:00:00.000Z');
    argo.addApplication('shop-dev', { source: { repoURL: REPO, path: 'shop/dev', targetRevision: 'main' }, state: { sync: 'Synced', revision: A, health: 'Healthy' } });
    argo.addApplication('shop-qa', {
      source: { repoURL: REPO, path: 'shop/qa' },
      state: { sync: 'OutOfSync', revision: B, health: 'Degraded', healthMessage: 'Back-off pulling image "shop:9.9.9"' },
    });
    // The same name in a team's namespace (Argo CD's applications in any namespace).
    argo.addApplication('shop-qa', { namespace: 'team-a', source: { repoURL: REPO, path: 'team/qa' }, state: { sync: 'Synced', revision: C, health: 'Progressing' } });
    argo.addApplication('multi', {
      sources: [{ repoURL: OTHER_REPO, path: 'chart' }, { repoURL: `${REPO.toUpperCase()}/`, path: 'values' }],
      state: { sync: 'Synced', revisions: ['1.2.3', C], health: 'Suspended' },
    });
    argo.addApplication('broken', {
      source: { repoURL: REPO, path: 'broken' },
      state: { sync: 'OutOfSync', revision: A, health: 'Missing', operation: { phase: 'Failed', message: 'one or more objects failed to apply', revision: A } },
    });
    argo.addApplication('uncompared', {
      source: { repoURL: REPO, path: 'uncompared' },
      state: { sync: 'Unknown', health: 'Healthy', conditions: [{ type: 'ComparisonError', message: 'rpc error: repository not accessible' }, { type: 'SharedResourceWarning', message: 'ignored' }] },
    });
    argo.addApplication('secret', { source: { repoURL: REPO, path: 'secret' } });
    argo.forbid('secret');
  });
  afterEach(async () => {
    await argo.stop();
  });

  test("one list for every application, with only the fields it reads; each application's sync, health, revision and message", async () => {
    const observed = await overview().observe([
      wanted('shop-dev'),
      wanted('shop-qa'),
      wanted('team-qa', 'shop-qa', 'team-a'),
      wanted('multi'),
      wanted('broken'),
      wanted('uncompared'),
    ]);
    assert.equal(argo.requests.length, 1);
    const [request] = lists();
    assert.deepEqual(request!.query, { fields: OVERVIEW_FIELDS.join(',') }, 'every namespace, no filter');
    assert.equal(request!.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(Object.fromEntries(observed), {
      'shop-dev': { sync: 'Synced', health: 'Healthy', revision: A },
      'shop-qa': { sync: 'OutOfSync', health: 'Degraded', revision: B, message: 'Back-off pulling image "shop:9.9.9"' },
      'team-qa': { sync: 'Synced', health: 'Progressing', revision: C },
      multi: { sync: 'Synced', health: 'Suspended', revision: C },
      broken: { sync: 'OutOfSync', health: 'Missing', revision: A, message: 'the last sync ended Failed: one or more objects failed to apply' },
      uncompared: { sync: 'Unknown', health: 'Healthy', message: 'ComparisonError: rpc error: repository not accessible' },
    });
  });

  test('an application missing from the list, or one the token may not read, is Unknown and says what to check', async () => {
    const observed = await overview().observe([wanted('gone'), wanted('secret'), wanted('elsewhere', 'shop-dev', 'team-b')]);
    assert.deepEqual(observed.get('gone'), {
      sync: 'Unknown',
      health: 'Unknown',
      message: `Argo CD at ${argo.url} lists no application "gone" that the server's token may read; check spec.argocd of application "gone"`,
    });
    assert.equal(observed.get('secret')?.message, `Argo CD at ${argo.url} lists no application "secret" that the server's token may read; check spec.argocd of application "secret"`);
    assert.equal(observed.get('elsewhere')?.message, `Argo CD at ${argo.url} lists no application "shop-dev" in namespace team-b that the server's token may read; check spec.argocd of application "elsewhere"`);
  });

  test('the list serves every caller for cacheSeconds, and callers at the same time share one request', async () => {
    const o = overview({ cacheSeconds: 5 });
    const [first, second] = await Promise.all([o.observe([wanted('shop-dev')]), o.observe([wanted('shop-qa')])]);
    assert.equal(lists().length, 1);
    assert.equal(first.get('shop-dev')?.health, 'Healthy');
    assert.equal(second.get('shop-qa')?.health, 'Degraded');

    argo.setState('shop-dev', { health: 'Degraded', healthMessage: 'crash loop' });
    clock.set('2026-05-01T10:00:04.999Z');
    assert.equal((await o.observe([wanted('shop-dev')])).get('shop-dev')?.health, 'Healthy', 'still the cached list');
    assert.equal(lists().length, 1);
    clock.set('2026-05-01T10:00:05.000Z');
    assert.deepEqual((await o.observe([wanted('shop-dev')])).get('shop-dev'), { sync: 'Synced', health: 'Degraded', revision: A, message: 'crash loop' });
    assert.equal(lists().length, 2);

    const eager = overview({ cacheSeconds: 0 });
    await eager.observe([wanted('shop-dev')]);
    await eager.observe([wanted('shop-dev')]);
    assert.equal(lists().length, 4);
  });

  test('Argo CD unreachable or refusing the token: every application Unknown with the reason, and the failure is kept as long as an answer', async () => {
    const refused = await overview({ token: 'wrong-token-0000000000' }).observe([wanted('shop-dev'), wanted('shop-qa')]);
    const message = `argocd applications: list: the token was refused (HTTP 401: invalid session: token signature is invalid); check the server setting argocd.token`;
    assert.deepEqual(Object.fromEntries(refused), {
      'shop-dev': { sync: 'Unknown', health: 'Unknown', message },
      'shop-qa': { sync: 'Unknown', health: 'Unknown', message },
    });

    const down = await startFakeArgoCd({ token: TOKEN });
    const url = down.url;
    await down.stop();
    const o = overview({ baseUrl: url });
    const unreachable = (await o.observe([wanted('shop-dev')])).get('shop-dev')!;
    assert.deepEqual([unreachable.sync, unreachable.health], ['Unknown', 'Unknown']);
    assert.match(unreachable.message!, new RegExp(`^argocd applications: list: cannot reach Argo CD at ${url} \\(.+\\)$`));
    assert.equal((await o.observe([wanted('shop-dev')])).get('shop-dev')?.message, unreachable.message, 'the same failure, not asked again');

    argo.respondOnce('GET', '/api/v1/applications', { status: 503, json: { error: 'upstream connect error', code: 14, message: 'upstream connect error' } });
    const failing = overview();
    assert.equal((await failing.observe([wanted('shop-dev')])).get('shop-dev')?.message, 'argocd applications: list: the server failed (HTTP 503: upstream connect error)');
    clock.set('2026-05-01T10:00:05.000Z');
    assert.equal((await failing.observe([wanted('shop-dev')])).get('shop-dev')?.health, 'Healthy', 'asked again once the period is over');
  });
});

describe('fake Argo CD: the fields parameter', () => {
  test('keeps only the paths asked for, through the list of items; a leading "-" drops them instead', async () => {
    const argo = await startFakeArgoCd({ token: TOKEN });
    try {
      argo.addApplication('one', { labels: { tier: 'gold' }, source: { repoURL: REPO, path: 'one' }, state: { revision: A } });
      const client = createArgoCdClient({ baseUrl: argo.url, token: TOKEN });
      const [slim] = await client.listApplications({ fields: ['items.metadata.name', 'items.status.sync.revision'] });
      assert.deepEqual(slim, { metadata: { name: 'one' }, status: { sync: { revision: A } } });
      const raw = async (query: string) => (await fetch(`${argo.url}/api/v1/applications?${query}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
      const without = (await raw('fields=-items.status,items.metadata.labels')) as { metadata: unknown; items: Record<string, any>[] };
      assert.ok(without.metadata, 'the rest is kept');
      assert.deepEqual(Object.keys(without.items[0]!).sort(), ['metadata', 'spec']);
      assert.equal(without.items[0]!.metadata.labels, undefined);
      assert.equal(without.items[0]!.metadata.name, 'one');
      const one = (await (await fetch(`${argo.url}/api/v1/applications/one?fields=status.health`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as unknown;
      assert.deepEqual(one, { status: { health: { status: 'Healthy', lastTransitionTime: argo.applications.get('argocd/one')!.status.health.lastTransitionTime } } });
    } finally {
      await argo.stop();
    }
  });
});
