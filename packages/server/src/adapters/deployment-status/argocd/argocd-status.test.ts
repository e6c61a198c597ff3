import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { DeploymentCheck, DeploymentStatus, DeploymentTarget } from '../../../deployment/port.ts';
import type { OpenRepository } from '../../../promotions/preview.ts';
import { startFakeArgoCd, type FakeArgoCd } from '../../../testing/fakes/argocd.ts';
import { commitFiles, createBareRepo, revParse, tempDir, type TempDir } from '../../../testing/git-fixtures.ts';
import { fixedClock } from '../../../testing/harness.ts';
import { createGitCli, type GitCli } from '../../git-cli/index.ts';
import { createDeploymentStatus } from '../index.ts';
import { createArgoCdClient } from './client.ts';
import { createArgoCdDeploymentStatus } from './argocd-status.ts';

const TOKEN = 'argocd-test-token-0123456789';
const short = (sha: string) => sha.slice(0, 8);

describe('Argo CD deployment status against a fake Argo CD', () => {
  let dir: TempDir;
  let repoPath: string;
  let git: GitCli;
  let open: OpenRepository;
  let argo: FakeArgoCd;
  let clock: ReturnType<typeof fixedClock>;
  /** The branch before the promotion, the promotion's commit, and a later promotion's. */
  let before_: string;
  let promoted: string;

  const target = (commit: string, overrides: Partial<DeploymentTarget> = {}): DeploymentTarget => ({
    application: 'cf-101-qa',
    repoURL: repoPath,
    branch: 'main',
    folder: 'envs/qa',
    argocd: { name: 'cf-101-qa' },
    commit,
    ...overrides,
  });

  const statusFor = (settings: { refreshSeconds?: number; token?: string; baseUrl?: string } = {}): DeploymentStatus =>
    createDeploymentStatus({
      open,
      clock,
      argocd: { baseUrl: settings.baseUrl ?? argo.url, token: settings.token ?? TOKEN, ...(settings.refreshSeconds !== undefined ? { refreshSeconds: settings.refreshSeconds } : {}) },
    })(target(promoted));

  const refreshes = () => argo.requests.filter((r) => r.path.startsWith('/api/v1/applications/')).map((r) => r.query.refresh ?? '-');

  function assertCheck(check: DeploymentCheck, state: DeploymentCheck['state'], message: string): void {
    assert.equal(check.message, message);
    assert.equal(check.state, state);
    assert.ok(!check.message.includes(TOKEN));
  }

  before(async () => {
    dir = await tempDir();
    repoPath = (await createBareRepo({ root: dir.path, name: 'cf.git', files: { 'envs/qa/values.yaml': 'tag: "1.0.0"\n' } })).path;
    before_ = (await revParse(repoPath, 'main'))!;
    promoted = await commitFiles(repoPath, { branch: 'main', files: { 'envs/qa/values.yaml': 'tag: "1.1.0"\n' }, message: 'promote 1.1.0' });
    git = createGitCli({ cacheDir: `${dir.path}/cache` });
    open = (url) => git.open({ url });
    // The promotion left its commit in the cache, as the commit action does.
    await (await open(repoPath)).refreshBranch('main');
  });
  after(async () => {
    await git.close();
    await dir.cleanup();
  });
  beforeEach(async () => {
    await argo?.stop();
    argo = await startFakeArgoCd({ token: TOKEN });
    argo.addApplication('cf-101-qa', { source: { repoURL: repoPath, path: 'envs/qa', targetRevision: 'main' }, state: { sync: 'Synced', revision: before_, health: 'Healthy' } });
    clock = fixedClock('2026-05-01T10:00:00.000Z');
  });
  after(async () => {
    await argo.stop();
  });

  test('waiting until Argo CD notices the commit, syncs it and it turns Healthy, then ready', async () => {
    const status = statusFor();
    assert.equal(status.kind, 'argocd');
    assertCheck(await status.check(target(promoted)), 'waiting', `cf-101-qa: Synced at ${short(before_)}, Healthy; waiting for ${short(promoted)}`);

    argo.setGitRevision('cf-101-qa', promoted);
    argo.script('cf-101-qa', [
      {},
      { sync: 'Synced', health: 'Progressing', healthMessage: 'Waiting for rollout to finish: 1 old replicas are pending termination...', operation: { phase: 'Succeeded', revision: promoted } },
      { health: 'Healthy', healthMessage: null },
    ]);
    clock.set('2026-05-01T10:00:30.000Z');
    assertCheck(await status.check(target(promoted)), 'waiting', `cf-101-qa: OutOfSync at ${short(promoted)}, Healthy; waiting for the sync`);
    const progressing = await status.check(target(promoted));
    assertCheck(
      progressing,
      'waiting',
      `cf-101-qa: Synced at ${short(promoted)}, Progressing (Waiting for rollout to finish: 1 old replicas are pending termination...); waiting for Healthy`,
    );
    assert.deepEqual(progressing.observed, { sync: 'Synced', health: 'Progressing', revision: promoted, message: 'Waiting for rollout to finish: 1 old replicas are pending termination...' });
    const ready = await status.check(target(promoted));
    assertCheck(ready, 'ready', `cf-101-qa: Synced at ${short(promoted)} and Healthy`);
    assert.deepEqual(ready.observed, { sync: 'Synced', health: 'Healthy', revision: promoted, message: 'successfully synced (all tasks run)' });
    // A refresh on the first check and 30 s later; none once Argo CD had the commit.
    assert.deepEqual(refreshes(), ['normal', 'normal', '-', '-']);
    for (const request of argo.requests) assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
  });

  test('refreshes at most once per refreshSeconds while the commit is not noticed; 0 refreshes every check', async () => {
    const status = statusFor({ refreshSeconds: 60 });
    await status.check(target(promoted));
    clock.set('2026-05-01T10:00:59.000Z');
    await status.check(target(promoted));
    clock.set('2026-05-01T10:01:00.000Z');
    await status.check(target(promoted));
    assert.deepEqual(refreshes(), ['normal', '-', 'normal']);

    const eager = statusFor({ refreshSeconds: 0 });
    await eager.check(target(promoted));
    await eager.check(target(promoted));
    assert.deepEqual(refreshes().slice(3), ['normal', 'normal']);
  });

  test('Degraded at the commit fails with Argo CD\'s message; Degraded before it is still waiting', async () => {
    const status = statusFor();
    argo.setState('cf-101-qa', { sync: 'Synced', revision: before_, health: 'Degraded', healthMessage: 'old pods crash' });
    assertCheck(await status.check(target(promoted)), 'waiting', `cf-101-qa: Synced at ${short(before_)}, Degraded (old pods crash); waiting for ${short(promoted)}`);

    argo.setState('cf-101-qa', { sync: 'Synced', revision: promoted, health: 'Degraded', healthMessage: 'Deployment "cf-101" exceeded its progress deadline' });
    const check = await status.check(target(promoted));
    assertCheck(check, 'failed', `cf-101-qa: Synced at ${short(promoted)} but Degraded: Deployment "cf-101" exceeded its progress deadline`);
    assert.deepEqual(check.observed, { sync: 'Synced', health: 'Degraded', revision: promoted, message: 'Deployment "cf-101" exceeded its progress deadline' });
  });

  test('a sync operation for the commit that failed fails; one still running waits; a failed older one does not count', async () => {
    const status = statusFor();
    argo.setState('cf-101-qa', { sync: 'OutOfSync', revision: promoted, health: 'Healthy', operation: { phase: 'Failed', revision: before_, message: 'old failure' } });
    assertCheck(await status.check(target(promoted)), 'waiting', `cf-101-qa: OutOfSync at ${short(promoted)}, Healthy; waiting for the sync`);

    argo.setState('cf-101-qa', { sync: 'Synced', health: 'Progressing', operation: { phase: 'Running', revision: promoted, message: 'waiting for completion of hook batch/Job/migrate' } });
    assertCheck(
      await status.check(target(promoted)),
      'waiting',
      `cf-101-qa: Synced at ${short(promoted)}, Progressing; sync operation Running: waiting for completion of hook batch/Job/migrate; waiting for the sync`,
    );

    argo.setState('cf-101-qa', { sync: 'OutOfSync', health: 'Healthy', operation: { phase: 'Failed', revision: promoted, message: 'one or more objects failed to apply, reason: admission webhook denied the request' } });
    const failed = await status.check(target(promoted));
    assertCheck(failed, 'failed', `cf-101-qa: the Argo CD sync to ${short(promoted)} ended Failed: one or more objects failed to apply, reason: admission webhook denied the request`);
    assert.equal(failed.observed.message, 'one or more objects failed to apply, reason: admission webhook denied the request');

    argo.setState('cf-101-qa', { operation: { phase: 'Error', revision: promoted } });
    assertCheck(await status.check(target(promoted)), 'failed', `cf-101-qa: the Argo CD sync to ${short(promoted)} ended Error: Argo CD gave no reason`);
  });

  test('a later commit already deployed counts for the earlier promotion, even one pushed since the cache last fetched', async () => {
    const later = await commitFiles(repoPath, { branch: 'main', files: { 'envs/qa/values.yaml': 'tag: "1.2.0"\n' }, message: 'promote 1.2.0' });
    argo.setState('cf-101-qa', { sync: 'Synced', revision: later, health: 'Healthy' });
    const check = await statusFor().check(target(promoted));
    assertCheck(check, 'ready', `cf-101-qa: Synced at ${short(later)} (contains ${short(promoted)}) and Healthy`);
    assert.equal(check.observed.revision, later);

    // The other way round: the earlier commit does not contain the later one.
    argo.setState('cf-101-qa', { revision: promoted });
    assertCheck(await statusFor().check(target(later)), 'waiting', `cf-101-qa: Synced at ${short(promoted)}, Healthy; waiting for ${short(later)}`);
  });

  test('a revision of another repository (or a chart version) never counts', async () => {
    argo.setState('cf-101-qa', { sync: 'Synced', revision: 'f'.repeat(40), health: 'Healthy' });
    assertCheck(await statusFor().check(target(promoted)), 'waiting', `cf-101-qa: Synced at ffffffff, Healthy; waiting for ${short(promoted)}`);
    argo.setState('cf-101-qa', { revision: '1.4.2' });
    assertCheck(await statusFor().check(target(promoted)), 'waiting', `cf-101-qa: Synced at 1.4.2, Healthy; waiting for ${short(promoted)}`);
  });

  test('a multi-source application is judged by the revision of the source from the target repository', async () => {
    argo.addApplication('cf-101-qa', {
      sources: [
        { repoURL: 'https://charts.example/helm', targetRevision: '1.4.2' },
        { repoURL: `${repoPath}/`, path: 'envs/qa', targetRevision: 'main' },
      ],
      state: { sync: 'Synced', revisions: ['1.4.2', promoted], health: 'Healthy' },
    });
    assertCheck(await statusFor().check(target(promoted)), 'ready', `cf-101-qa: Synced at ${short(promoted)} and Healthy`);
    argo.setState('cf-101-qa', { revisions: ['1.4.2', before_] });
    assertCheck(await statusFor().check(target(promoted)), 'waiting', `cf-101-qa: Synced at ${short(before_)}, Healthy; waiting for ${short(promoted)}`);
  });

  test('an application in another namespace is asked for with appNamespace; its name may differ from the Stagecoach one', async () => {
    argo.addApplication('shop-qa', { namespace: 'team-a', source: { repoURL: repoPath }, state: { sync: 'Synced', revision: promoted, health: 'Healthy' } });
    const check = await statusFor().check(target(promoted, { argocd: { name: 'shop-qa', namespace: 'team-a' } }));
    assertCheck(check, 'ready', `cf-101-qa (Argo CD application shop-qa): Synced at ${short(promoted)} and Healthy`);
    const request = argo.requests.at(-1)!;
    assert.equal(request.path, '/api/v1/applications/shop-qa');
    assert.deepEqual(request.query, { refresh: 'normal', appNamespace: 'team-a' });
  });

  test('a refused token fails, naming the setting', async () => {
    const check = await statusFor({ token: 'stale-token' }).check(target(promoted));
    assertCheck(
      check,
      'failed',
      'cf-101-qa: argocd application cf-101-qa: get (refresh normal): the token was refused (HTTP 401: invalid session: token signature is invalid); check the server setting argocd.token',
    );
    assert.deepEqual(check.observed, { sync: 'Unknown', health: 'Unknown' });
  });

  test('403 fails: Argo CD says the same for a missing application and one the token may not read', async () => {
    argo.forbid('cf-101-qa');
    const expected = (name: string) =>
      `${name === 'cf-101-qa' ? 'cf-101-qa' : `cf-101-qa (Argo CD application ${name})`}: argocd application ${name}: get (refresh normal): permission denied (HTTP 403: permission denied); Argo CD at ${argo.url} has no application "${name}", or the account of the server setting argocd.token may not read it (Argo CD answers 403 to both)`;
    assertCheck(await statusFor().check(target(promoted)), 'failed', expected('cf-101-qa'));
    assertCheck(await statusFor().check(target(promoted, { argocd: { name: 'nope' } })), 'failed', expected('nope'));
  });

  test('404 (a server that says so) fails: Argo CD has no such application', async () => {
    await argo.stop();
    argo = await startFakeArgoCd({ token: TOKEN, missingApplication: 'not-found' });
    assertCheck(
      await statusFor().check(target(promoted)),
      'failed',
      `cf-101-qa: Argo CD at ${argo.url} has no application "cf-101-qa" (argocd application cf-101-qa: get (refresh normal): not found (HTTP 404: applications.argoproj.io "cf-101-qa" not found)); check spec.argocd of application "cf-101-qa"`,
    );
  });

  test('5xx and an unreachable server are waiting (transient); the next check goes on', async () => {
    const status = statusFor();
    argo.respondOnce('GET', '/api/v1/applications/cf-101-qa', { status: 503, json: { error: 'upstream connect error', code: 14, message: 'upstream connect error' } });
    assertCheck(await status.check(target(promoted)), 'waiting', 'cf-101-qa: argocd application cf-101-qa: get (refresh normal): the server failed (HTTP 503: upstream connect error); trying again');
    argo.setState('cf-101-qa', { revision: promoted });
    assert.equal((await status.check(target(promoted))).state, 'ready');

    const url = argo.url;
    await argo.stop();
    const down = await statusFor({ baseUrl: `${url}/` }).check(target(promoted));
    assert.equal(down.state, 'waiting');
    assert.match(down.message, new RegExp(`^cf-101-qa: argocd application cf-101-qa: get \\(refresh normal\\): cannot reach Argo CD at ${url} \\(.+\\); trying again$`));
    argo = await startFakeArgoCd({ token: TOKEN });
  });

  test('an answer that is not the Argo CD API fails, naming argocd.baseUrl', async () => {
    argo.respondOnce('GET', '/api/v1/applications/cf-101-qa', { status: 200, json: '<!doctype html><title>Argo CD</title>' });
    const check = await statusFor().check(target(promoted));
    assert.equal(check.state, 'failed');
    assert.match(check.message, new RegExp(`^cf-101-qa: argocd application cf-101-qa: get \\(refresh normal\\): unexpected answer from ${argo.url}: application: .*; check the server setting argocd\\.baseUrl$`));
  });

  test('an ancestry question git cannot answer now is waiting', async () => {
    argo.setState('cf-101-qa', { revision: 'a'.repeat(40) });
    const status = createArgoCdDeploymentStatus({
      client: createArgoCdClient({ baseUrl: argo.url, token: TOKEN }),
      isAncestor: async () => {
        throw new Error('git repository https://git.example/cf.git: the remote could not be reached');
      },
      clock,
    });
    assertCheck(
      await status.check(target(promoted)),
      'waiting',
      `cf-101-qa: Synced at aaaaaaaa; cannot tell yet whether it contains ${short(promoted)} (git repository https://git.example/cf.git: the remote could not be reached); trying again`,
    );
  });

  test('a commit that is not a full commit id fails without asking Argo CD', async () => {
    assertCheck(await statusFor().check(target('1b66233')), 'failed', 'cf-101-qa: "1b66233" is not a full commit id');
    assert.equal(argo.requests.length, 0);
  });

  test('the client lists applications by name, leaving out the ones the token may not see', async () => {
    argo.addApplication('cf-101-prod', { source: { repoURL: repoPath }, labels: { tier: 'gold' } });
    argo.addApplication('secret', {});
    argo.forbid('secret');
    const client = createArgoCdClient({ baseUrl: argo.url, token: TOKEN });
    assert.deepEqual((await client.listApplications()).map((a) => a.metadata.name), ['cf-101-qa', 'cf-101-prod']);
    assert.deepEqual((await client.listApplications({ name: 'cf-101-prod' })).map((a) => a.metadata.name), ['cf-101-prod']);
    assert.deepEqual((await client.listApplications({ selector: 'tier=gold' })).map((a) => a.metadata.name), ['cf-101-prod']);
    assert.deepEqual(await client.listApplications({ name: 'secret' }), []);
    const app = await client.getApplication('cf-101-qa');
    assert.equal(app.status?.sync?.revision, before_);
    assert.equal(app.spec?.source?.repoURL, repoPath);
  });
});
