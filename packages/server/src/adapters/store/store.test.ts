import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { StoreConflictError, StoreDuplicateError, StorePullRequestStateError } from '../../store/errors.ts';
import type {
  PutResource,
  Store,
  StoredCredential,
  StoredPullRequest,
  StoredResource,
  StoredToken,
  StoredWorkflowRun,
  StoredEvent,
  TriggerCursorKey,
} from '../../store/port.ts';
import type { RunStatus } from '../../workflows/port.ts';
import { openStore, SQLITE_FILE_NAME } from './open.ts';
import { redactDatabaseUrl } from './postgres/url.ts';

/** One database for a whole suite run. */
interface Harness {
  dialect: Store['dialect'];
  /** Creates the empty database; called once before the suite. */
  setUp(): Promise<void>;
  /** Opens a store on that database (the same one on every call). */
  open(): Promise<Store>;
  /** Removes the database; called once after the suite. */
  tearDown(): Promise<void>;
}

const T1 = '2026-01-01T10:00:00.000Z';
const T2 = '2026-01-01T11:00:00.000Z';
const T3 = '2026-01-01T12:00:00.000Z';

function environment(name: string, order: number): Record<string, unknown> {
  return {
    apiVersion: 'stagecoach.dev/v1',
    kind: 'Environment',
    metadata: { name, labels: { tier: 'web' } },
    spec: { kind: 'non-production', order },
  };
}

function putEnvironment(name: string, order: number, extra: Partial<PutResource> = {}): PutResource {
  return { kind: 'Environment', name, body: environment(name, order), now: T1, ...extra };
}

function token(over: Partial<StoredToken> = {}): StoredToken {
  return {
    id: 'tok-1',
    name: 'ci',
    role: 'member',
    hash: 'hash-1',
    labels: { 'promote/qa': 'true' },
    createdAt: T1,
    ...over,
  };
}

function credential(over: Partial<StoredCredential> = {}): StoredCredential {
  return {
    id: 'cred-1',
    name: 'org-token',
    urlPrefix: 'https://git.example/org/',
    type: 'token',
    encrypted: 'v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==',
    createdAt: T1,
    updatedAt: T1,
    ...over,
  };
}

function storeSuite(harness: Harness): void {
  let store: Store;
  // Pull requests are never deleted, so each test keeps to its own repositories and ids.
  let run = 0;
  /** A repository URL of this test only. */
  const repo = (name = 'app') => `https://git.example/run-${run}/${name}.git`;
  const prId = (n: string) => `pr-${run}-${n}`;
  /** Only this test's pull requests, in the order given. */
  const mine = (prs: StoredPullRequest[]) => prs.filter((pr) => pr.repoURL.startsWith(`https://git.example/run-${run}/`));
  const pullRequest = (over: Partial<StoredPullRequest> = {}): StoredPullRequest => ({
    id: prId('1'),
    repoURL: repo(),
    base: 'main',
    head: 'stagecoach/shop/qa',
    title: 'Promote shop to qa',
    body: 'image.tag: 1.4.0 → 1.5.0',
    state: 'open',
    createdAt: T1,
    updatedAt: T1,
    ...over,
  });

  before(() => harness.setUp());
  after(() => harness.tearDown());
  beforeEach(async () => {
    run += 1;
    store = await harness.open();
    // Empty through the port itself, so the suite knows nothing of the tables.
    for (const r of await store.resources.list()) await store.resources.delete(r.kind, r.name);
    for (const t of await store.tokens.list()) await store.tokens.delete(t.id);
    for (const c of await store.credentials.list()) await store.credentials.delete(c.id);
  });
  afterEach(() => store.close());

  it('reports its dialect', () => {
    assert.equal(store.dialect, harness.dialect);
  });

  it('migrates idempotently: a second open of the same database sees the same data', async () => {
    await store.resources.put(putEnvironment('qa', 2));
    const again = await harness.open();
    try {
      assert.equal((await again.resources.get('Environment', 'qa'))?.resourceVersion, 1);
      await again.tokens.create(token());
      assert.equal(await store.tokens.count(), 1);
    } finally {
      await again.close();
    }
    await store.close();
    store = await harness.open();
    assert.deepEqual((await store.resources.list()).map((r) => r.name), ['qa']);
  });

  it('puts: created, then unchanged, then configured, with exact versions and times', async () => {
    const created = await store.resources.put(putEnvironment('qa', 2));
    assert.deepEqual(created, {
      outcome: 'created',
      resource: { kind: 'Environment', name: 'qa', body: environment('qa', 2), resourceVersion: 1, createdAt: T1, updatedAt: T1 },
    });

    // Same document, keys in another order and an `undefined` member: nothing to write.
    const { spec, metadata, kind, apiVersion } = environment('qa', 2);
    const reordered = { spec, metadata, kind, apiVersion, status: undefined };
    const unchanged = await store.resources.put({ kind: 'Environment', name: 'qa', body: reordered, now: T2 });
    assert.deepEqual(unchanged, { outcome: 'unchanged', resource: created.resource });

    const configured = await store.resources.put(putEnvironment('qa', 3, { now: T3 }));
    const expected: StoredResource = {
      kind: 'Environment',
      name: 'qa',
      body: environment('qa', 3),
      resourceVersion: 2,
      createdAt: T1,
      updatedAt: T3,
    };
    assert.deepEqual(configured, { outcome: 'configured', resource: expected });
    assert.deepEqual(await store.resources.get('Environment', 'qa'), expected);

    const again = await store.resources.put(putEnvironment('qa', 4, { now: T3, expectedVersion: 2 }));
    assert.deepEqual([again.outcome, again.resource.resourceVersion], ['configured', 3]);
    const same = await store.resources.put(putEnvironment('qa', 4, { now: T3, expectedVersion: 3 }));
    assert.deepEqual([same.outcome, same.resource.resourceVersion], ['unchanged', 3]);
  });

  it('refuses a stale expectedVersion with StoreConflictError and writes nothing', async () => {
    await store.resources.put(putEnvironment('qa', 1));
    await store.resources.put(putEnvironment('qa', 2, { now: T2 }));

    await assert.rejects(store.resources.put(putEnvironment('qa', 9, { now: T3, expectedVersion: 1 })), (e: unknown) => {
      assert.ok(e instanceof StoreConflictError);
      assert.deepEqual(
        { code: e.code, kind: e.kind, name: e.name, expected: e.expected, actual: e.actual, message: e.message },
        {
          code: 'conflict',
          kind: 'Environment',
          name: 'qa',
          expected: 1,
          actual: 2,
          message: 'Environment "qa": resourceVersion 1 is stale, the stored one is 2',
        },
      );
      return true;
    });
    // A stale version is refused even when the body would not change.
    await assert.rejects(store.resources.put(putEnvironment('qa', 2, { expectedVersion: 3 })), StoreConflictError);

    assert.deepEqual(await store.resources.get('Environment', 'qa'), {
      kind: 'Environment',
      name: 'qa',
      body: environment('qa', 2),
      resourceVersion: 2,
      createdAt: T1,
      updatedAt: T2,
    });
  });

  it('refuses an expectedVersion for a resource that does not exist', async () => {
    await assert.rejects(store.resources.put(putEnvironment('qa', 1, { expectedVersion: 1 })), (e: unknown) => {
      assert.ok(e instanceof StoreConflictError);
      assert.deepEqual([e.expected, e.actual, e.message], [
        1,
        undefined,
        'Environment "qa": resourceVersion 1 was expected, but the resource does not exist',
      ]);
      return true;
    });
    assert.deepEqual(await store.resources.list(), []);
    assert.equal(await store.resources.get('Environment', 'qa'), undefined);
  });

  it('deletes with and without a version', async () => {
    assert.equal(await store.resources.delete('Environment', 'qa'), false);
    assert.equal(await store.resources.delete('Environment', 'qa', 1), false);

    await store.resources.put(putEnvironment('qa', 1));
    await store.resources.put(putEnvironment('qa', 2));
    await assert.rejects(store.resources.delete('Environment', 'qa', 1), (e: unknown) => {
      assert.ok(e instanceof StoreConflictError);
      assert.deepEqual([e.expected, e.actual], [1, 2]);
      return true;
    });
    assert.equal((await store.resources.get('Environment', 'qa'))?.resourceVersion, 2);
    assert.equal(await store.resources.delete('Environment', 'qa', 2), true);
    assert.equal(await store.resources.get('Environment', 'qa'), undefined);

    await store.resources.put(putEnvironment('dev', 1));
    assert.equal(await store.resources.delete('Environment', 'dev'), true);
    assert.deepEqual(await store.resources.list(), []);

    // A re-created resource starts again at version 1.
    const recreated = await store.resources.put(putEnvironment('dev', 1));
    assert.deepEqual([recreated.outcome, recreated.resource.resourceVersion], ['created', 1]);
  });

  it('lists by kind then name, by code point whatever the database locale, and filters by kind', async () => {
    const names = ['b', 'a-c', 'B', 'ab', 'a.b', 'é', 'z'];
    for (const name of names) await store.resources.put({ kind: 'Environment', name, body: { n: name }, now: T1 });
    await store.resources.put({ kind: 'Product', name: 'shop', body: {}, now: T1 });
    await store.resources.put({ kind: 'Application', name: 'shop-qa', body: {}, now: T1 });
    await store.resources.put({ kind: 'Application', name: 'shop-dev', body: {}, now: T1 });

    assert.deepEqual(
      (await store.resources.list()).map((r) => `${r.kind}/${r.name}`),
      [
        'Application/shop-dev',
        'Application/shop-qa',
        'Environment/B',
        'Environment/a-c',
        'Environment/a.b',
        'Environment/ab',
        'Environment/b',
        'Environment/z',
        'Environment/é',
        'Product/shop',
      ],
    );
    assert.deepEqual((await store.resources.list('Application')).map((r) => r.name), ['shop-dev', 'shop-qa']);
    assert.deepEqual(await store.resources.list('Flow'), []);
  });

  it('rolls a transaction back when it throws, and rethrows the same error', async () => {
    await store.resources.put(putEnvironment('dev', 1));
    const failure = new Error('boom');
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.resources.put(putEnvironment('qa', 2));
        await tx.resources.put(putEnvironment('dev', 5));
        await tx.resources.delete('Environment', 'dev');
        await tx.tokens.create(token());
        assert.equal((await tx.resources.get('Environment', 'qa'))?.resourceVersion, 1);
        throw failure;
      }),
      (e: unknown) => e === failure,
    );
    assert.deepEqual((await store.resources.list()).map((r) => [r.name, r.resourceVersion]), [['dev', 1]]);
    assert.deepEqual(await store.resources.get('Environment', 'dev').then((r) => r?.body), environment('dev', 1));
    assert.equal(await store.tokens.count(), 0);
  });

  it('rolls back the writes made before a conflict inside a transaction', async () => {
    await store.resources.put(putEnvironment('qa', 1));
    await store.resources.put(putEnvironment('qa', 2));
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.resources.put(putEnvironment('dev', 1));
        await tx.resources.put(putEnvironment('qa', 3, { expectedVersion: 1 }));
      }),
      StoreConflictError,
    );
    assert.deepEqual((await store.resources.list()).map((r) => [r.name, r.resourceVersion]), [['qa', 2]]);
  });

  it('commits a transaction and returns its value', async () => {
    const value = await store.transaction(async (tx) => {
      const a = await tx.resources.put(putEnvironment('dev', 1));
      const b = await tx.resources.put(putEnvironment('dev', 2, { expectedVersion: 1 }));
      await tx.tokens.create(token());
      return [a.outcome, b.outcome, b.resource.resourceVersion];
    });
    assert.deepEqual(value, ['created', 'configured', 2]);
    assert.equal((await store.resources.get('Environment', 'dev'))?.resourceVersion, 2);
    assert.deepEqual(await store.tokens.list(), [token()]);
  });

  it('lets exactly one of several concurrent compare-and-set updates win', async () => {
    await store.resources.put(putEnvironment('qa', 0));
    const writers = [1, 2, 3, 4, 5].map((order) =>
      store.resources.put(putEnvironment('qa', order, { now: T2, expectedVersion: 1 })),
    );
    const settled = await Promise.allSettled(writers);
    const won = settled.filter((s) => s.status === 'fulfilled');
    const lost = settled.filter((s) => s.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 4);
    for (const l of lost) {
      assert.ok(l.reason instanceof StoreConflictError, String(l.reason));
      assert.deepEqual([l.reason.expected, l.reason.actual], [1, 2]);
    }
    const winner = won[0]!.value;
    assert.deepEqual([winner.outcome, winner.resource.resourceVersion], ['configured', 2]);
    assert.deepEqual(await store.resources.get('Environment', 'qa'), winner.resource);
  });

  it('lets exactly one of concurrent compare-and-set updates in transactions win', async () => {
    await store.resources.put(putEnvironment('qa', 0));
    const settled = await Promise.allSettled(
      [1, 2, 3].map((order) =>
        store.transaction(async (tx) => {
          await tx.resources.put(putEnvironment(`side-${order}`, order));
          return tx.resources.put(putEnvironment('qa', order, { expectedVersion: 1 }));
        }),
      ),
    );
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 1);
    const rest = await store.resources.list();
    // Only the winning transaction's side write survived.
    assert.equal(rest.length, 2);
    assert.equal(rest.find((r) => r.name === 'qa')?.resourceVersion, 2);
  });

  it('resolves concurrent creations of one resource: one created, the others update it', async () => {
    const settled = await Promise.all(
      [1, 2, 3].map((order) => store.resources.put(putEnvironment('qa', order, { now: T2 }))),
    );
    assert.deepEqual(settled.map((s) => s.outcome).sort(), ['configured', 'configured', 'created']);
    const stored = await store.resources.get('Environment', 'qa');
    assert.equal(stored?.resourceVersion, 3);
    assert.deepEqual(stored?.createdAt, T2);
  });

  it('keeps tokens: create, findByHash, list, count, touch, delete', async () => {
    assert.equal(await store.tokens.count(), 0);
    const admin = token({ id: 'tok-0', name: 'admin', role: 'admin', hash: 'hash-0', labels: {} });
    await store.tokens.create(token());
    await store.tokens.create(admin);
    assert.equal(await store.tokens.count(), 2);

    assert.deepEqual(await store.tokens.findByHash('hash-1'), token());
    assert.equal(await store.tokens.findByHash('nope'), undefined);
    assert.deepEqual(await store.tokens.list(), [admin, token()]);

    await store.tokens.touch('tok-1', T2);
    await store.tokens.touch('tok-1', T3);
    await store.tokens.touch('missing', T3);
    assert.deepEqual(await store.tokens.findByHash('hash-1'), { ...token(), lastUsedAt: T3 });

    assert.equal(await store.tokens.delete('tok-1'), true);
    assert.equal(await store.tokens.delete('tok-1'), false);
    assert.deepEqual(await store.tokens.list(), [admin]);
    assert.equal(await store.tokens.count(), 1);

    const used = token({ id: 'tok-2', name: 'used', hash: 'hash-2', lastUsedAt: T2 });
    await store.tokens.create(used);
    assert.deepEqual(await store.tokens.findByHash('hash-2'), used);
  });

  it('refuses a token whose name, id or hash is taken, and writes nothing', async () => {
    await store.tokens.create(token());
    const refused = async (t: StoredToken) => {
      const e = await store.tokens.create(t).then(() => undefined, (err: unknown) => err);
      assert.ok(e instanceof StoreDuplicateError, String(e));
      return { code: e.code, field: e.field, message: e.message };
    };
    assert.deepEqual(await refused(token({ id: 'tok-9', hash: 'hash-9' })), {
      code: 'duplicate',
      field: 'name',
      message: 'token "ci": name is already used by another token',
    });
    assert.deepEqual(await refused(token({ name: 'other', hash: 'hash-9' })), {
      code: 'duplicate',
      field: 'id',
      message: 'token "other": id is already used by another token',
    });
    assert.deepEqual(await refused(token({ id: 'tok-9', name: 'other' })), {
      code: 'duplicate',
      field: 'hash',
      message: 'token "other": hash is already used by another token',
    });
    assert.deepEqual(await store.tokens.list(), [token()]);

    // Inside a transaction the refusal leaves the transaction usable (no aborted transaction on PostgreSQL).
    const count = await store.transaction(async (tx) => {
      await assert.rejects(tx.tokens.create(token({ id: 'tok-9', hash: 'hash-9' })), StoreDuplicateError);
      await tx.tokens.create(token({ id: 'tok-9', name: 'other', hash: 'hash-9' }));
      return tx.tokens.count();
    });
    assert.equal(count, 2);
  });

  it('keeps credentials: create, get, getByName, list, update, delete', async () => {
    const org = credential();
    const ssh = credential({ id: 'cred-2', name: 'deploy-key', urlPrefix: 'git@git.example:', type: 'ssh', encrypted: 'v1:c3No' });
    assert.equal(await store.credentials.create(org), 'created');
    assert.equal(await store.credentials.create(ssh), 'created');
    assert.deepEqual(await store.credentials.get('cred-1'), org);
    assert.deepEqual(await store.credentials.getByName('deploy-key'), ssh);
    assert.equal(await store.credentials.get('nope'), undefined);
    assert.equal(await store.credentials.getByName('nope'), undefined);
    assert.deepEqual(await store.credentials.list(), [ssh, org]);

    const updated = await store.credentials.update('cred-1', { encrypted: 'v1:bmV3', updatedAt: T2 });
    assert.deepEqual(updated, { ...org, encrypted: 'v1:bmV3', updatedAt: T2 });
    const moved = await store.credentials.update('cred-1', { urlPrefix: 'https://git.example/', type: 'basic', updatedAt: T3 });
    assert.deepEqual(moved, { ...org, encrypted: 'v1:bmV3', urlPrefix: 'https://git.example/', type: 'basic', updatedAt: T3 });
    assert.deepEqual(await store.credentials.get('cred-1'), moved);
    assert.equal(await store.credentials.update('nope', { updatedAt: T3 }), undefined);

    assert.equal(await store.credentials.delete('cred-1'), true);
    assert.equal(await store.credentials.delete('cred-1'), false);
    assert.deepEqual(await store.credentials.list(), [ssh]);
  });

  it('refuses a credential whose id or name is taken, writes nothing, and leaves a transaction usable', async () => {
    await store.credentials.create(credential());
    assert.equal(await store.credentials.create(credential({ id: 'cred-9' })), 'duplicate-name');
    assert.equal(await store.credentials.create(credential({ name: 'other' })), 'duplicate-id');
    assert.deepEqual(await store.credentials.list(), [credential()]);
    const names = await store.transaction(async (tx) => {
      assert.equal(await tx.credentials.create(credential({ id: 'cred-9' })), 'duplicate-name');
      assert.equal(await tx.credentials.create(credential({ id: 'cred-9', name: 'other' })), 'created');
      return (await tx.credentials.list()).map((c) => c.name);
    });
    assert.deepEqual(names, ['org-token', 'other']);
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.credentials.create(credential({ id: 'cred-10', name: 'rolled-back' }));
        await tx.credentials.delete('cred-1');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual((await store.credentials.list()).map((c) => c.name), ['org-token', 'other']);
  });

  it('finds the credential for a URL: the longest prefix that ends at a boundary', async () => {
    const make = (id: string, urlPrefix: string, name = id) => store.credentials.create(credential({ id, name, urlPrefix }));
    await make('host', 'https://git.example');
    await make('org', 'https://git.example/org/');
    await make('team', 'https://git.example/org/team');
    await make('scp', 'git@git.example:');
    await make('scp-org', 'git@git.example:org');
    await make('b-same', 'https://same.example/', 'b-same');
    await make('a-same', 'https://same.example/', 'a-same');
    const found = async (url: string) => (await store.credentials.findForUrl(url))?.id;

    assert.equal(await found('https://git.example/org/team/app.git'), 'team');
    assert.equal(await found('https://git.example/org/team'), 'team');
    assert.equal(await found('https://git.example/org/teamwork/app.git'), 'org', 'team is not a prefix of teamwork');
    assert.equal(await found('https://git.example/org/app.git'), 'org');
    assert.equal(await found('https://git.example/other/app.git'), 'host');
    assert.equal(await found('https://git.example.evil.invalid/org/app.git'), undefined, 'never another host');
    assert.equal(await found('https://git.example:8443/org/app.git'), undefined, 'nor another port');
    assert.equal(await found('http://git.example/org/app.git'), undefined);
    assert.equal(await found('git@git.example:org/app.git'), 'scp-org');
    assert.equal(await found('git@git.example:other/app.git'), 'scp');
    assert.equal(await found('git@git.example:organisation/app.git'), 'scp');
    assert.equal(await found('https://same.example/x.git'), 'a-same', 'a tie goes to the first by name');
    assert.equal(await found('https://nothing.example/x.git'), undefined);
    // Text that LIKE would treat as wildcards is compared literally.
    await make('pct', 'https://w.example/a_%/');
    assert.equal(await found('https://w.example/a_%/x.git'), 'pct');
    assert.equal(await found('https://w.example/ab%/x.git'), undefined);
    assert.equal(await found('https://w.example/a_xyz/x.git'), undefined);
  });

  it('keeps pull requests: create and get, with and without a merge commit', async () => {
    const open = pullRequest();
    const merged = pullRequest({ id: prId('2'), head: 'stagecoach/shop/prod', state: 'merged', mergeCommit: 'a'.repeat(40), updatedAt: T2 });
    await store.pullRequests.create(open);
    await store.pullRequests.create(merged);
    assert.deepEqual(await store.pullRequests.get(open.id), open);
    assert.ok(!('mergeCommit' in (await store.pullRequests.get(open.id))!), 'no mergeCommit key while there is none');
    assert.deepEqual(await store.pullRequests.get(merged.id), merged);
    assert.equal(await store.pullRequests.get(prId('nope')), undefined);
  });

  it('finds the open pull request for a repository, base and head, never a merged or closed one', async () => {
    const head = 'stagecoach/shop/qa';
    await store.pullRequests.create(pullRequest({ id: prId('merged'), state: 'merged', mergeCommit: 'b'.repeat(40) }));
    await store.pullRequests.create(pullRequest({ id: prId('closed'), state: 'closed' }));
    assert.equal(await store.pullRequests.findOpen(repo(), 'main', head), undefined);

    const open = pullRequest({ id: prId('open'), createdAt: T2, updatedAt: T2 });
    await store.pullRequests.create(open);
    await store.pullRequests.create(pullRequest({ id: prId('other-base'), base: 'release' }));
    await store.pullRequests.create(pullRequest({ id: prId('other-head'), head: 'stagecoach/shop/prod' }));
    await store.pullRequests.create(pullRequest({ id: prId('other-repo'), repoURL: repo('other') }));
    assert.deepEqual(await store.pullRequests.findOpen(repo(), 'main', head), open);
    assert.equal((await store.pullRequests.findOpen(repo(), 'release', head))?.id, prId('other-base'));
    assert.equal((await store.pullRequests.findOpen(repo('other'), 'main', head))?.id, prId('other-repo'));
    assert.equal(await store.pullRequests.findOpen(repo('none'), 'main', head), undefined);
    assert.equal(await store.pullRequests.findOpen(repo(), 'main', 'stagecoach/shop'), undefined, 'exact, not a prefix');

    await store.pullRequests.update(open.id, { state: 'merged', mergeCommit: 'c'.repeat(40), updatedAt: T3 });
    assert.equal(await store.pullRequests.findOpen(repo(), 'main', head), undefined);
  });

  it('lists pull requests newest first, then by id descending by code point, and filters by state', async () => {
    // Ids that an `en_US` collation would order otherwise (it ignores the `-` and the case first).
    const made = [
      pullRequest({ id: prId('a-c'), createdAt: T2, updatedAt: T2 }),
      pullRequest({ id: prId('ab'), createdAt: T2, updatedAt: T2, state: 'closed' }),
      pullRequest({ id: prId('B'), createdAt: T2, updatedAt: T2 }),
      pullRequest({ id: prId('z'), createdAt: T1, updatedAt: T1, state: 'merged', mergeCommit: 'd'.repeat(40) }),
      pullRequest({ id: prId('a'), createdAt: T3, updatedAt: T3 }),
    ];
    for (const pr of made) await store.pullRequests.create(pr);
    const ids = (prs: StoredPullRequest[]) => mine(prs).map((pr) => pr.id.slice(prId('').length));

    assert.deepEqual(ids(await store.pullRequests.list()), ['a', 'ab', 'a-c', 'B', 'z']);
    assert.deepEqual(ids(await store.pullRequests.list({})), ['a', 'ab', 'a-c', 'B', 'z']);
    assert.deepEqual(ids(await store.pullRequests.list({ state: 'open' })), ['a', 'a-c', 'B']);
    assert.deepEqual(ids(await store.pullRequests.list({ state: 'merged' })), ['z']);
    assert.deepEqual(ids(await store.pullRequests.list({ state: 'closed' })), ['ab']);
    assert.deepEqual(mine(await store.pullRequests.list({ state: 'merged' })), [made[3]]);
    for (const state of ['open', 'merged', 'closed'] as const) {
      assert.ok((await store.pullRequests.list({ state })).every((pr) => pr.state === state));
    }
  });

  it('merges an open pull request: state, merge commit and time change, the rest is kept', async () => {
    const open = pullRequest();
    await store.pullRequests.create(open);
    const sha = 'e'.repeat(40);
    const merged = await store.pullRequests.update(open.id, { state: 'merged', mergeCommit: sha, updatedAt: T2 });
    const expected: StoredPullRequest = { ...open, state: 'merged', mergeCommit: sha, updatedAt: T2 };
    assert.deepEqual(merged, expected);
    assert.deepEqual(await store.pullRequests.get(open.id), expected);

    const other = pullRequest({ id: prId('2') });
    await store.pullRequests.create(other);
    const closed = await store.pullRequests.update(other.id, { state: 'closed', updatedAt: T3 });
    assert.deepEqual(closed, { ...other, state: 'closed', updatedAt: T3 });
    assert.deepEqual(await store.pullRequests.get(other.id), closed);
  });

  it('refuses to change a merged or closed pull request, and writes nothing', async () => {
    const merged = pullRequest({ state: 'merged', mergeCommit: 'f'.repeat(40), updatedAt: T2 });
    const closed = pullRequest({ id: prId('2'), state: 'closed', updatedAt: T2 });
    await store.pullRequests.create(merged);
    await store.pullRequests.create(closed);
    const refused = async (id: string, change: Parameters<Store['pullRequests']['update']>[1]) => {
      const e = await store.pullRequests.update(id, change).then(() => undefined, (err: unknown) => err);
      assert.ok(e instanceof StorePullRequestStateError, String(e));
      return { code: e.code, id: e.id, state: e.state, message: e.message };
    };
    assert.deepEqual(await refused(merged.id, { state: 'closed', updatedAt: T3 }), {
      code: 'conflict',
      id: merged.id,
      state: 'merged',
      message: `pull request "${merged.id}" is merged; only an open one can change`,
    });
    assert.deepEqual(await refused(closed.id, { state: 'merged', mergeCommit: '0'.repeat(40), updatedAt: T3 }), {
      code: 'conflict',
      id: closed.id,
      state: 'closed',
      message: `pull request "${closed.id}" is closed; only an open one can change`,
    });
    assert.equal((await refused(closed.id, { state: 'open', updatedAt: T3 })).state, 'closed', 'never reopened');
    assert.deepEqual(await store.pullRequests.get(merged.id), merged);
    assert.deepEqual(await store.pullRequests.get(closed.id), closed);

    // Inside a transaction the refusal leaves the transaction usable.
    const fresh = pullRequest({ id: prId('3') });
    const changed = await store.transaction(async (tx) => {
      await assert.rejects(tx.pullRequests.update(merged.id, { state: 'closed', updatedAt: T3 }), StorePullRequestStateError);
      await tx.pullRequests.create(fresh);
      return tx.pullRequests.update(fresh.id, { state: 'closed', updatedAt: T3 });
    });
    assert.deepEqual(await store.pullRequests.get(fresh.id), changed);
  });

  it('refuses to change a pull request that does not exist, and creates nothing', async () => {
    await assert.rejects(store.pullRequests.update(prId('nope'), { state: 'merged', mergeCommit: '1'.repeat(40), updatedAt: T2 }), (e: unknown) => {
      assert.ok(e instanceof Error && !(e instanceof StorePullRequestStateError));
      assert.equal(e.message, `pull request "${prId('nope')}" does not exist`);
      return true;
    });
    assert.equal(await store.pullRequests.get(prId('nope')), undefined);
    assert.deepEqual(mine(await store.pullRequests.list()), []);
  });

  it('lets exactly one of several concurrent changes of an open pull request win', async () => {
    const open = pullRequest();
    await store.pullRequests.create(open);
    const changes = [
      { state: 'merged', mergeCommit: '1'.repeat(40), updatedAt: T2 },
      { state: 'merged', mergeCommit: '2'.repeat(40), updatedAt: T2 },
      { state: 'closed', updatedAt: T3 },
      { state: 'merged', mergeCommit: '3'.repeat(40), updatedAt: T3 },
      { state: 'closed', updatedAt: T2 },
    ] as const;
    const settled = await Promise.allSettled(changes.map((c) => store.pullRequests.update(open.id, c)));
    const won = settled.filter((s) => s.status === 'fulfilled');
    const lost = settled.filter((s) => s.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 4);
    const winner = won[0]!.value;
    for (const l of lost) {
      assert.ok(l.reason instanceof StorePullRequestStateError, String(l.reason));
      assert.equal(l.reason.state, winner.state);
    }
    const change = changes[settled.findIndex((s) => s.status === 'fulfilled')]!;
    assert.deepEqual(winner, { ...open, ...change });
    assert.deepEqual(await store.pullRequests.get(open.id), winner);
  });

  it('lets exactly one of concurrent merges in transactions win, with only its side writes', async () => {
    const open = pullRequest();
    await store.pullRequests.create(open);
    const settled = await Promise.allSettled(
      ['1', '2', '3'].map((n) =>
        store.transaction(async (tx) => {
          await tx.pullRequests.create(pullRequest({ id: prId(`side-${n}`), head: `side-${n}` }));
          return tx.pullRequests.update(open.id, { state: 'merged', mergeCommit: n.repeat(40), updatedAt: T2 });
        }),
      ),
    );
    const won = settled.filter((s) => s.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const s of settled) if (s.status === 'rejected') assert.ok(s.reason instanceof StorePullRequestStateError, String(s.reason));
    const n = won[0]!.value.mergeCommit![0];
    assert.deepEqual(
      mine(await store.pullRequests.list()).map((pr) => pr.id).sort(),
      [prId('1'), prId(`side-${n}`)].sort(),
    );
    assert.deepEqual(await store.pullRequests.get(open.id), won[0]!.value);
  });

  it('rolls pull request writes back when a transaction throws, and commits them otherwise', async () => {
    const open = pullRequest();
    await store.pullRequests.create(open);
    const failure = new Error('boom');
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.pullRequests.create(pullRequest({ id: prId('2'), head: 'stagecoach/shop/prod' }));
        const merged = await tx.pullRequests.update(open.id, { state: 'merged', mergeCommit: '9'.repeat(40), updatedAt: T2 });
        assert.deepEqual(await tx.pullRequests.get(open.id), merged);
        assert.equal(await tx.pullRequests.findOpen(repo(), 'main', open.head), undefined);
        assert.equal(mine(await tx.pullRequests.list({ state: 'open' })).length, 1);
        throw failure;
      }),
      (e: unknown) => e === failure,
    );
    assert.deepEqual(await store.pullRequests.get(open.id), open);
    assert.equal(await store.pullRequests.get(prId('2')), undefined);
    assert.deepEqual(await store.pullRequests.findOpen(repo(), 'main', open.head), open);

    const closed = await store.transaction(async (tx) => {
      await tx.pullRequests.create(pullRequest({ id: prId('3'), head: 'stagecoach/shop/prod' }));
      return tx.pullRequests.update(open.id, { state: 'closed', updatedAt: T3 });
    });
    assert.deepEqual(await store.pullRequests.get(open.id), closed);
    assert.deepEqual(mine(await store.pullRequests.list()).map((pr) => pr.id), [prId('3'), prId('1')]);
  });

  // Workflow runs are never deleted either: each test uses its own ids and template names.
  const runId = (n: string) => `wr-${run}-${n}`;
  const tpl = (name = 'smoke') => `${name}-${run}`;
  const runStatus = (over: Partial<RunStatus> = {}): RunStatus => ({ phase: 'Pending', nodes: [], globalOutputs: {}, ...over });
  const workflowRun = (over: Partial<StoredWorkflowRun> = {}): StoredWorkflowRun => ({
    id: runId('1'),
    template: tpl(),
    engine: 'local',
    phase: 'Pending',
    parameters: { url: 'https://qa.example', 'ünï': 'déjà vu 🚂' },
    status: runStatus(),
    labels: { product: 'shop', environment: 'qa' },
    attempts: 1,
    createdAt: T1,
    updatedAt: T1,
    ...over,
  });
  const myRuns = (runs: StoredWorkflowRun[]) => runs.filter((r) => r.id.startsWith(`wr-${run}-`));

  it('workflow runs: create and get round-trip every field; optional fields absent when unset', async () => {
    const bare = workflowRun();
    const full = workflowRun({
      id: runId('2'),
      engine: 'argo',
      externalId: 'smoke-x7k2p',
      phase: 'Succeeded',
      status: runStatus({
        phase: 'Succeeded',
        startedAt: T1,
        finishedAt: T2,
        message: 'done',
        nodes: [
          { id: 'n1', name: 'smoke', displayName: 'smoke', templateName: 'main', type: 'Steps', phase: 'Succeeded', outputs: [], children: ['n2'] },
          { id: 'n2', name: 'smoke[0].check', displayName: 'check', templateName: 'curl', type: 'Pod', phase: 'Succeeded', outputs: [{ name: 'code', value: '200', globalName: 'smoke-code' }], children: [], attempts: 2 },
        ],
        globalOutputs: { 'smoke-code': '200' },
      }),
      labels: { product: 'shop', environment: 'qa', application: 'web', release: 'rel-1' },
      retryOf: runId('1'),
      attempts: 3,
      updatedAt: T2,
      finishedAt: T2,
    });
    await store.workflowRuns.create(bare);
    await store.workflowRuns.create(full);
    const gotBare = await store.workflowRuns.get(bare.id);
    assert.deepEqual(gotBare, bare);
    for (const key of ['externalId', 'retryOf', 'finishedAt']) assert.ok(!(key in gotBare!), `no ${key} key while there is none`);
    assert.deepEqual(await store.workflowRuns.get(full.id), full);
    assert.equal(await store.workflowRuns.get(runId('nope')), undefined);
    await assert.rejects(store.workflowRuns.create(workflowRun()), 'a taken id fails');
  });

  it('workflow runs: list newest first, filtered by phase, template, labels and limited', async () => {
    const made = [
      workflowRun({ id: runId('a'), createdAt: T1 }),
      workflowRun({ id: runId('b'), createdAt: T2, phase: 'Running', labels: { product: 'shop', environment: 'prod', release: 'r1' } }),
      workflowRun({ id: runId('c'), createdAt: T2, template: tpl('deploy'), phase: 'Failed', labels: { product: 'shop', application: 'web' } }),
      workflowRun({ id: runId('d'), createdAt: T3, labels: { product: 'bank', environment: 'qa', release: 'r1' } }),
    ];
    for (const r of made) await store.workflowRuns.create(r);
    const ids = (runs: StoredWorkflowRun[]) => myRuns(runs).map((r) => r.id.slice(`wr-${run}-`.length));
    assert.deepEqual(ids(await store.workflowRuns.list()), ['d', 'c', 'b', 'a']);
    assert.deepEqual(await store.workflowRuns.list({ template: tpl('deploy') }), [made[2]]);
    assert.deepEqual(ids(await store.workflowRuns.list({ template: tpl() })), ['d', 'b', 'a']);
    assert.deepEqual(ids(await store.workflowRuns.list({ phase: 'Running' })), ['b']);
    assert.deepEqual(ids(await store.workflowRuns.list({ template: tpl(), phase: 'Pending' })), ['d', 'a']);
    assert.deepEqual(ids(await store.workflowRuns.list({ product: 'shop' })), ['c', 'b', 'a']);
    assert.deepEqual(ids(await store.workflowRuns.list({ product: 'shop', environment: 'qa' })), ['a']);
    assert.deepEqual(ids(await store.workflowRuns.list({ environment: 'qa' })), ['d', 'a']);
    assert.deepEqual(ids(await store.workflowRuns.list({ application: 'web' })), ['c']);
    assert.deepEqual(ids(await store.workflowRuns.list({ release: 'r1' })), ['d', 'b']);
    assert.deepEqual(ids(await store.workflowRuns.list({ release: 'r' })), [], 'exact, not a prefix');
    assert.deepEqual(ids(await store.workflowRuns.list({ template: tpl(), limit: 2 })), ['d', 'b']);
  });

  it('workflow runs: updateStatus replaces the status, keeps or replaces externalId and attempts, sets and clears finishedAt', async () => {
    const created = workflowRun();
    await store.workflowRuns.create(created);
    const running = runStatus({ phase: 'Running', startedAt: T2, nodes: [{ id: 'n1', name: 'smoke', displayName: 'smoke', templateName: 'main', type: 'Steps', phase: 'Running', outputs: [], children: [] }] });
    const first = await store.workflowRuns.updateStatus(created.id, { phase: 'Running', status: running, externalId: 'ext-1', updatedAt: T2 });
    const afterFirst: StoredWorkflowRun = { ...created, phase: 'Running', status: running, externalId: 'ext-1', updatedAt: T2 };
    assert.deepEqual(first, afterFirst);
    assert.deepEqual(await store.workflowRuns.get(created.id), afterFirst);
    assert.deepEqual(await store.workflowRuns.findByExternalId('local', 'ext-1'), afterFirst);
    assert.equal(await store.workflowRuns.findByExternalId('argo', 'ext-1'), undefined, 'per engine');

    const failed = runStatus({ phase: 'Failed', startedAt: T2, finishedAt: T3, message: 'exit code 1' });
    const second = await store.workflowRuns.updateStatus(created.id, { phase: 'Failed', status: failed, updatedAt: T3, finishedAt: T3 });
    assert.deepEqual(second, { ...afterFirst, phase: 'Failed', status: failed, updatedAt: T3, finishedAt: T3 });

    // A retry: a new attempt with a new engine id, not finished any more.
    const retried = await store.workflowRuns.updateStatus(created.id, { phase: 'Pending', status: runStatus(), externalId: 'ext-2', attempts: 2, updatedAt: T3 });
    assert.deepEqual(retried, { ...created, externalId: 'ext-2', attempts: 2, updatedAt: T3 });
    assert.ok(!('finishedAt' in retried!));
    assert.equal(await store.workflowRuns.findByExternalId('local', 'ext-1'), undefined);
    assert.equal(await store.workflowRuns.updateStatus(runId('nope'), { phase: 'Running', status: running, updatedAt: T2 }), undefined);
  });


  it('workflow runs: unfinished lists Pending and Running ones, oldest first', async () => {
    const made = [
      workflowRun({ id: runId('r'), phase: 'Running', createdAt: T2 }),
      workflowRun({ id: runId('p'), phase: 'Pending', createdAt: T1 }),
      ...(['Succeeded', 'Failed', 'Error', 'Terminated', 'Skipped'] as const).map((phase) => workflowRun({ id: runId(phase), phase, finishedAt: T3 })),
    ];
    for (const r of made) await store.workflowRuns.create(r);
    assert.deepEqual(myRuns(await store.workflowRuns.unfinished()), [made[1], made[0]]);
  });

  it('workflow runs: writes in a rolled-back transaction leave nothing', async () => {
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.workflowRuns.create(workflowRun());
        assert.equal((await tx.workflowRuns.get(runId('1')))?.id, runId('1'));
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await store.workflowRuns.get(runId('1')), undefined);
  });

  it('workflow logs: put, get the latest attempt, replace one attempt, list by node then attempt', async () => {
    const log = (nodeId: string, attempt: number, text: string, truncated = false) => ({ runId: runId('1'), nodeId, attempt, text, truncated });
    assert.equal(await store.workflowLogs.get(runId('1'), 'n1'), undefined);
    assert.deepEqual(await store.workflowLogs.list(runId('1')), []);
    await store.workflowLogs.put(log('n1', 1, 'first try\n'));
    await store.workflowLogs.put(log('n1', 2, 'second try\n'));
    await store.workflowLogs.put(log('n1', 2, 'second try, again\n… log truncated after 18 bytes', true));
    await store.workflowLogs.put(log('n-0', 1, 'déjà vu 🚂\n\u0000nul'));
    await store.workflowLogs.put({ ...log('n1', 1, 'another run'), runId: runId('2') });
    assert.deepEqual(await store.workflowLogs.get(runId('1'), 'n1'), log('n1', 2, 'second try, again\n… log truncated after 18 bytes', true));
    assert.deepEqual(await store.workflowLogs.get(runId('1'), 'n-0'), log('n-0', 1, 'déjà vu 🚂\n\uFFFDnul'), 'NUL is stored as U+FFFD');
    assert.equal(await store.workflowLogs.get(runId('1'), 'n2'), undefined);
    assert.deepEqual(
      (await store.workflowLogs.list(runId('1'))).map((l) => [l.nodeId, l.attempt, l.truncated]),
      [['n-0', 1, false], ['n1', 1, false], ['n1', 2, true]],
    );
    await store.workflowLogs.put(log('big', 1, 'x'.repeat(1024 * 1024)));
    assert.equal((await store.workflowLogs.get(runId('1'), 'big'))?.text.length, 1024 * 1024, 'a whole MiB round-trips');
  });

  it('workflow logs: writes in a rolled-back transaction leave nothing', async () => {
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.workflowLogs.put({ runId: runId('1'), nodeId: 'n1', attempt: 1, text: 'gone', truncated: false });
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await store.workflowLogs.get(runId('1'), 'n1'), undefined);
  });
  // Trigger cursors are never deleted either: each test uses its own application names.
  const cursorKey = (over: Partial<TriggerCursorKey> = {}): TriggerCursorKey => ({
    application: `dev-app-${run}`,
    repoURL: repo(),
    branch: 'main',
    folder: 'envs/dev',
    ...over,
  });

  it('trigger cursors: absent until set; set only from no cursor, then only from the stored commit', async () => {
    const key = cursorKey();
    assert.equal(await store.triggerCursors.get(key), undefined);
    assert.equal(await store.triggerCursors.compareAndSet(key, 'a'.repeat(40), 'b'.repeat(40), T1), false, 'nothing to move from');
    assert.equal(await store.triggerCursors.get(key), undefined);

    assert.equal(await store.triggerCursors.compareAndSet(key, undefined, 'a'.repeat(40), T1), true);
    assert.deepEqual(await store.triggerCursors.get(key), { ...key, commit: 'a'.repeat(40), updatedAt: T1 });
    assert.equal(await store.triggerCursors.compareAndSet(key, undefined, 'c'.repeat(40), T2), false, 'a cursor exists already');
    assert.equal(await store.triggerCursors.compareAndSet(key, 'c'.repeat(40), 'd'.repeat(40), T2), false, 'not at that commit');
    assert.deepEqual(await store.triggerCursors.get(key), { ...key, commit: 'a'.repeat(40), updatedAt: T1 });

    assert.equal(await store.triggerCursors.compareAndSet(key, 'a'.repeat(40), 'b'.repeat(40), T2), true);
    assert.deepEqual(await store.triggerCursors.get(key), { ...key, commit: 'b'.repeat(40), updatedAt: T2 });
  });

  it('trigger cursors: keyed by application, repository, branch and folder, each compared exactly', async () => {
    const key = cursorKey();
    await store.triggerCursors.compareAndSet(key, undefined, 'a'.repeat(40), T1);
    const others = [
      cursorKey({ application: `qa-app-${run}` }),
      cursorKey({ repoURL: repo('other') }),
      cursorKey({ repoURL: repo().toUpperCase() }),
      cursorKey({ branch: 'release' }),
      cursorKey({ folder: 'envs/dev/sub' }),
      cursorKey({ folder: '' }),
    ];
    for (const other of others) assert.equal(await store.triggerCursors.get(other), undefined, JSON.stringify(other));
    assert.equal(await store.triggerCursors.compareAndSet(others[3]!, undefined, 'e'.repeat(40), T2), true);
    assert.equal((await store.triggerCursors.get(key))?.commit, 'a'.repeat(40));
    assert.equal((await store.triggerCursors.get(others[3]!))?.commit, 'e'.repeat(40));
  });

  it('trigger cursors: of concurrent moves from the same commit exactly one wins', async () => {
    const key = cursorKey();
    const firsts = await Promise.all(['1', '2', '3'].map((n) => store.triggerCursors.compareAndSet(key, undefined, n.repeat(40), T1)));
    assert.equal(firsts.filter(Boolean).length, 1);
    const first = `${firsts.indexOf(true) + 1}`.repeat(40);
    assert.equal((await store.triggerCursors.get(key))?.commit, first);

    const moves = await Promise.all(['7', '8', '9'].map((n) => store.triggerCursors.compareAndSet(key, first, n.repeat(40), T2)));
    assert.equal(moves.filter(Boolean).length, 1);
    assert.equal((await store.triggerCursors.get(key))?.commit, `${moves.indexOf(true) + 7}`.repeat(40));
  });

  it('trigger cursors: a move in a rolled-back transaction leaves the cursor where it was', async () => {
    const key = cursorKey();
    await store.triggerCursors.compareAndSet(key, undefined, 'a'.repeat(40), T1);
    await assert.rejects(
      store.transaction(async (tx) => {
        assert.equal(await tx.triggerCursors.compareAndSet(key, 'a'.repeat(40), 'b'.repeat(40), T2), true);
        assert.equal((await tx.triggerCursors.get(key))?.commit, 'b'.repeat(40));
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await store.triggerCursors.get(key), { ...key, commit: 'a'.repeat(40), updatedAt: T1 });
  });

  // The event log is shared by every test of a run: each test reads only ids above what it found
  // at its start, and its own product names.
  const evProduct = (name = 'shop') => `${name}-ev-${run}`;
  const evAfter = async (after: number, filter = {}, limit?: number) =>
    store.events.listAfter(after, { filter, ...(limit !== undefined ? { limit } : {}) });

  it('events: append assigns increasing ids and round-trips every field; optional fields absent when unset', async () => {
    const start = await store.events.lastId();
    const bare = await store.events.append({ type: 'version', at: T1, data: {} });
    const full = await store.events.append({
      type: 'release',
      at: T2,
      product: evProduct(),
      release: 'rel-1',
      data: { status: 'Running', steps: [{ environment: 'qa', status: 'Pending' }], note: 'déjà vu 🚂', n: 1.5, none: null },
    });
    assert.ok(bare.id > start && full.id > bare.id, `ids ${start} < ${bare.id} < ${full.id}`);
    assert.deepEqual(bare, { id: bare.id, type: 'version', at: T1, data: {} });
    for (const key of ['product', 'release']) assert.ok(!(key in bare), `no ${key} key while there is none`);
    assert.equal(await store.events.lastId(), full.id);
    assert.deepEqual(await evAfter(start), [bare, full] satisfies StoredEvent[]);
    assert.deepEqual(await evAfter(bare.id), [full]);
    assert.deepEqual(await evAfter(full.id), []);
  });

  it('events: listAfter filters by types, product and release, and limits, in id order', async () => {
    const start = await store.events.lastId();
    const a = await store.events.append({ type: 'release', at: T1, product: evProduct(), release: 'r1', data: { n: 1 } });
    const b = await store.events.append({ type: 'step', at: T1, product: evProduct(), release: 'r1', data: { n: 2 } });
    const c = await store.events.append({ type: 'step', at: T1, product: evProduct('bank'), release: 'r2', data: { n: 3 } });
    const d = await store.events.append({ type: 'version', at: T1, product: evProduct(), data: { n: 4 } });
    const ns = (events: StoredEvent[]) => events.map((e) => e.data.n);
    assert.deepEqual(ns(await evAfter(start)), [1, 2, 3, 4]);
    assert.deepEqual(ns(await evAfter(start, { types: ['step'] })), [2, 3]);
    assert.deepEqual(ns(await evAfter(start, { types: ['step', 'version'] })), [2, 3, 4]);
    assert.deepEqual(ns(await evAfter(start, { types: [] })), [1, 2, 3, 4], 'an empty list does not filter');
    assert.deepEqual(ns(await evAfter(start, { product: evProduct() })), [1, 2, 4]);
    assert.deepEqual(ns(await evAfter(start, { release: 'r1' })), [1, 2]);
    assert.deepEqual(ns(await evAfter(start, { product: evProduct(), types: ['step'] })), [2]);
    assert.deepEqual(ns(await evAfter(start, { product: evProduct().slice(0, -1) })), [], 'exact, not a prefix');
    assert.deepEqual(ns(await evAfter(start, {}, 2)), [1, 2]);
    assert.deepEqual(ns(await evAfter(b.id, {}, 2)), [3, 4]);
    assert.deepEqual(ns(await evAfter(a.id, { types: ['step'] }, 1)), [2]);
    assert.deepEqual(ns(await evAfter(c.id, { release: 'r1' })), []);
    assert.equal(await store.events.lastId(), d.id);
  });

  it('events: prune removes events older than a time and beyond a count, and ids are never reused', async () => {
    const old = await store.events.append({ type: 'step', at: '2000-01-01T00:00:00.000Z', product: evProduct(), data: {} });
    const kept = [
      await store.events.append({ type: 'step', at: T1, product: evProduct(), data: { n: 1 } }),
      await store.events.append({ type: 'step', at: T2, product: evProduct(), data: { n: 2 } }),
      await store.events.append({ type: 'step', at: T3, product: evProduct(), data: { n: 3 } }),
    ];
    assert.ok((await store.events.prune({ before: '2001-01-01T00:00:00.000Z' })) >= 1);
    assert.deepEqual(await evAfter(old.id - 1, { product: evProduct() }), kept);
    assert.ok((await store.events.prune({ before: T2, keep: 2 })) >= 1);
    assert.deepEqual(await evAfter(0, { product: evProduct() }), kept.slice(1));
    assert.equal(await store.events.prune({ keep: 2 }), 0, 'nothing beyond the count any more');
    assert.equal(await store.events.prune({ keep: 0 }), 2);
    assert.equal(await store.events.lastId(), 0);
    const next = await store.events.append({ type: 'step', at: T3, data: {} });
    assert.ok(next.id > kept[2]!.id, `id ${next.id} after pruning everything, the last one was ${kept[2]!.id}`);
  });

  it('events: an append in a rolled-back transaction leaves nothing, and one in a committed transaction stays', async () => {
    const start = await store.events.lastId();
    await assert.rejects(
      store.transaction(async (tx) => {
        const inside = await tx.events.append({ type: 'step', at: T1, product: evProduct(), data: {} });
        assert.deepEqual(await tx.events.listAfter(start), [inside]);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await evAfter(start), []);
    const committed = await store.transaction((tx) => tx.events.append({ type: 'step', at: T2, product: evProduct(), data: { ok: true } }));
    assert.deepEqual(await evAfter(start), [committed]);
  });

  it('round-trips JSON bodies: nesting, unicode and numbers', async () => {
    const body = {
      apiVersion: 'stagecoach.dev/v1',
      kind: 'PromotionTemplate',
      metadata: { name: 'web', annotations: { note: 'déjà vu — 日本語 🚂 "quoted" \\ back\nnew\tline \u0000 nul' } },
      spec: {
        files: [{ path: 'values.yaml', properties: ['$.image.tag', "$['a b']"] }, { path: 'ünïcödé/kustomization.yaml' }],
        numbers: { zero: 0, negative: -17, fraction: 0.1, big: 1e21, small: 5e-324, safe: Number.MAX_SAFE_INTEGER },
        flags: [true, false, null],
        empty: { object: {}, array: [], string: '' },
        deep: { a: { b: { c: { d: { e: ['f', { g: 'h' }] } } } } },
        '🔑 key': 'emoji key',
      },
    };
    const written = await store.resources.put({ kind: 'PromotionTemplate', name: 'web', body, now: T1 });
    assert.deepEqual(written.resource.body, body);
    assert.notEqual(written.resource.body, body, 'the store returns its own copy');
    body.spec.flags.push(true);
    assert.deepEqual((await store.resources.get('PromotionTemplate', 'web'))?.body.spec, {
      ...body.spec,
      flags: [true, false, null],
    });
    // Unchanged when put again, number formats aside.
    const again = await store.resources.put({ kind: 'PromotionTemplate', name: 'web', body: written.resource.body, now: T2 });
    assert.equal(again.outcome, 'unchanged');

    const labels = { 'stagecoach.dev/ümlaut': 'ja ✓', '': 'empty key' };
    await store.tokens.create(token({ labels }));
    assert.deepEqual((await store.tokens.findByHash('hash-1'))?.labels, labels);
  });
}

// --- SQLite: a file in a temporary folder -----------------------------------------------------

let sqliteRoot = '';
describe('store on SQLite', () => {
  storeSuite({
    dialect: 'sqlite',
    async setUp() {
      sqliteRoot = await mkdtemp(join(tmpdir(), 'stagecoach-store-'));
    },
    async open() {
      // A folder that does not exist yet: the store creates it.
      const store = await openStore({ dataDir: join(sqliteRoot, 'data', 'nested') });
      await stat(join(sqliteRoot, 'data', 'nested', SQLITE_FILE_NAME));
      return store;
    },
    async tearDown() {
      await rm(sqliteRoot, { recursive: true, force: true });
    },
  });
});

// --- PostgreSQL: a fresh database on the server, dropped at the end ----------------------------

const adminUrl = process.env.STAGECOACH_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const testDatabase = `stagecoach_test_${randomBytes(6).toString('hex')}`;
const testUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${testDatabase}`;
  return u.toString();
})();

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const unreachable = await withAdmin((c) => c.query('select 1')).then(
  () => undefined,
  (e: unknown) => `PostgreSQL not reachable at ${redactDatabaseUrl(adminUrl)}: ${e instanceof Error ? e.message || e.name : String(e)}`,
);
if (unreachable) console.log(`skipping the PostgreSQL store suite. ${unreachable}`);

describe('store on PostgreSQL', { skip: unreachable ?? false }, () => {
  storeSuite({
    dialect: 'postgres',
    async setUp() {
      await withAdmin(async (c) => {
        // An ICU English locale where the server has one, so ordering is tested where the locale
        // differs from code-point order; otherwise the server's default.
        try {
          await c.query(`create database ${testDatabase} template template0 locale_provider icu icu_locale 'en-US' locale 'C'`);
        } catch {
          await c.query(`create database ${testDatabase}`);
        }
      });
    },
    open: () => openStore({ databaseUrl: testUrl, dataDir: '/nonexistent/not-used' }),
    async tearDown() {
      await withAdmin((c) => c.query(`drop database if exists ${testDatabase} with (force)`));
    },
  });
});
