import { serve, type ServerType } from '@hono/node-server';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createArgoEngine } from './adapters/workflows/argo/index.ts';
import { createLocalEngine, interruptedStatus } from './adapters/workflows/local/index.ts';
import { WorkflowRunService, type WorkflowRunDetail } from './workflow-runs/service.ts';
import { publishWorkflowRunChange } from './workflow-runs/events.ts';
import { isTerminalPhase } from './workflows/port.ts';
import type { AddressInfo } from 'node:net';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { GitError, displayUrl } from './git/errors.ts';
import { fileURLToPath } from 'node:url';
import { createApp, type App } from './api/app.ts';
import { ActionRegistry } from './actions/registry.ts';
import { commitRunner } from './actions/commit.ts';
import { noneRunner } from './actions/none.ts';
import { pullRequestRunner } from './actions/pr.ts';
import { SecretBox } from './adapters/crypto/index.ts';
import { createGitCli } from './adapters/git-cli/index.ts';
import { createRemoteProvider, parseGitProviderSettings, selectProvider, type GitProviderSetting } from './adapters/git-providers/select.ts';
import { CredentialService } from './credentials/service.ts';
import type { GitProvider } from './git/providers.ts';
import type { OpenRepository } from './promotions/preview.ts';
import { PromotionService } from './promotions/service.ts';
import { LocalPullRequests } from './pull-requests/local.ts';
import { TokenService } from './auth/tokens.ts';
import { systemClock, type Clock } from './clock.ts';
import { ConfigError, parseServerConfig, type ServerConfig, type ServerConfigInput } from './config.ts';
import { openStore } from './adapters/store/open.ts';
import { ResourceService } from './resources/service.ts';
import type { Store } from './store/port.ts';
import { DEMO_REPOS_DIR } from './demo/seed.ts';
import { createDeploymentStatus } from './adapters/deployment-status/index.ts';
import { createArgoCdClient, createArgoCdDeploymentOverview, OVERVIEW_TIMEOUT_MS } from './adapters/deployment-status/argocd/index.ts';
import { ReleaseService, type ReleaseListener } from './releases/service.ts';
import { Orchestrator } from './releases/orchestrator.ts';
import { TaskRunnerRegistry } from './releases/runners/registry.ts';
import { workflowRunner } from './releases/runners/workflow.ts';
import { actionRunner } from './releases/runners/action.ts';
import { syncRunner } from './releases/runners/sync.ts';
import { TriggerScanner } from './triggers/scanner.ts';
import { TriggerPoller, pollIntervalMilliseconds } from './triggers/poller.ts';
import { openEventBus } from './adapters/events/open.ts';
import { publishReleaseChange } from './releases/events.ts';

/** How long a finished local workflow run stays in memory, so that a retry resumes it in place (after: from the start). */
export const FINISHED_LOCAL_RUN_MS = 60 * 60 * 1000;

/** The version the server reports on /healthz and in the OpenAPI document. */
export const VERSION = '0.1.0';

/** Where the web build lands inside this repository. */
export const DEFAULT_WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

export interface RunningServer {
  url: string;
  config: ServerConfig;
  store: Store;
  app: App;
  /** The first admin token, only when this start created it; print it once. */
  initialAdminToken?: string;
  /** Where that token was saved. */
  initialAdminTokenFile?: string;
  close(): Promise<void>;
}

/** The path a repository URL names on this machine (`/srv/x.git`, `./x`, `file:///srv/x.git`), or undefined for a remote URL. */
export function localRepositoryPath(url: string): string | undefined {
  if (url.startsWith('file://')) return decodeURIComponent(url.slice('file://'.length));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined;
  if (/^[^/]+:/.test(url) && !url.startsWith('.')) return undefined; // scp-like user@host:path
  return url;
}

/** The composition root: validated settings → store → services → HTTP app. */
export async function buildServer(input: ServerConfigInput, clock: Clock = systemClock) {
  const config = parseServerConfig({ webDist: DEFAULT_WEB_DIST, ...input });
  const providerSettings = parseGitProviderSettings(config.gitProviders ?? []);
  const store = await openStore({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  const tokens = new TokenService(store.tokens, clock);
  const resources = new ResourceService(store, () => clock.now());
  const box = await SecretBox.fromDataDir(config.dataDir);
  const credentials = new CredentialService(store.credentials, box, clock);
  const git = createGitCli({ cacheDir: join(config.dataDir, 'git') });
  const open: OpenRepository = async (url) => {
    const local = localRepositoryPath(url);
    if (local !== undefined) {
      if (!config.allowLocalRepositories) throw new GitError('invalid-ref', displayUrl(url), 'repositories on the server\'s own disk are turned off (allowLocalRepositories: false)');
      const within = (folder: string) => {
        const rest = relative(folder, resolve(local));
        return rest === '' || (!rest.startsWith('..') && !isAbsolute(rest));
      };
      // The demo's repositories are the one part of the data folder applications may read.
      const demoRepos = join(config.dataDir, DEMO_REPOS_DIR);
      if (within(config.dataDir) && !(within(demoRepos) && resolve(local) !== demoRepos)) {
        throw new GitError('invalid-ref', displayUrl(url), 'the server\'s data folder is not a repository applications may use');
      }
    }
    const found = await credentials.forUrl(url);
    return git.open({ url, ...(found ? { credentials: found } : {}) });
  };
  // Sync and health in the versions of applications Argo CD deploys: one list of Argo CD's applications per few seconds.
  const deployments = config.argocd
    ? createArgoCdDeploymentOverview({
        client: createArgoCdClient({ baseUrl: config.argocd.baseUrl, token: config.argocd.token, timeoutMs: OVERVIEW_TIMEOUT_MS }),
        clock,
      })
    : undefined;
  const promotions = new PromotionService(resources, open, deployments);
  if (config.defaultWorkflowEngine === 'argo' && !config.argoWorkflows) {
    throw new ConfigError('invalid server settings:\n  defaultWorkflowEngine: "argo" needs argoWorkflows settings (argo-engine)');
  }
  // Set once the server stops: changes recorded after it are stored without live events.
  let stopping = false;
  // Publishes under way; the bus closes once they are done.
  const publishes = new Set<Promise<void>>();
  const events = await openEventBus({
    store,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    clock,
    onError: (e) => console.error('stagecoach: events:', e instanceof Error ? e.message : e),
  });
  // Workflow run changes are published one after the other, so that their events keep the order of the writes.
  let workflowPublishing: Promise<void> = Promise.resolve();
  const publishWorkflowChange = (run: WorkflowRunDetail, previous: WorkflowRunDetail | undefined) => {
    if (stopping) return;
    const publishing = workflowPublishing
      .then(() => publishWorkflowRunChange(events, run, previous))
      .catch((e: unknown) => console.error('stagecoach: events:', e))
      .finally(() => publishes.delete(publishing));
    workflowPublishing = publishing;
    publishes.add(publishing);
  };
  const workflowRoot = join(config.dataDir, 'workflows');
  await mkdir(workflowRoot, { recursive: true });
  // Woken by finished workflow runs and by changes made through the API; made once its parts exist.
  let orchestrator: Orchestrator | undefined;
  // The engine reports to the runs service, which needs the engine: bound once both exist.
  let workflowRuns: WorkflowRunService | undefined;
  const localEngine = createLocalEngine({
    root: workflowRoot,
    clock,
    onChange: (id, status) => {
      const recorded = workflowRuns?.record(id, status);
      // A finished run may unblock a release: wake the orchestrator once it is stored.
      if (isTerminalPhase(status.phase)) void Promise.resolve(recorded).then(() => orchestrator?.nudge());
      return recorded;
    },
    // Logs go to the store as each step ends; a finished run stays resumable in place for an hour.
    onLog: (id, nodeId, log) => workflowRuns?.recordLog(id, nodeId, log),
    forgetAfterMs: FINISHED_LOCAL_RUN_MS,
  });
  const argoEngine = config.argoWorkflows
    ? createArgoEngine({
        baseUrl: config.argoWorkflows.baseUrl,
        token: config.argoWorkflows.token,
        namespace: config.argoWorkflows.namespace,
        ...(config.argoWorkflows.serviceAccountName ? { serviceAccountName: config.argoWorkflows.serviceAccountName } : {}),
      })
    : undefined;
  workflowRuns = new WorkflowRunService({
    runs: store.workflowRuns,
    logs: store.workflowLogs,
    onError: (e) => console.error('stagecoach: workflow runs:', e instanceof Error ? e.message : e),
    resources,
    engines: { local: localEngine, argo: argoEngine },
    defaultEngine: config.defaultWorkflowEngine,
    clock,
    onChange: publishWorkflowChange,
  });
  // On the embedded store this process is the only one: every unfinished local run was its own.
  // On a shared database other replicas may be running theirs; a release that waits on a run of a
  // replica that is gone marks it (adoptOrphan) when it takes the release over.
  if (store.dialect === 'sqlite') await workflowRuns.recoverInterrupted(interruptedStatus);
  await workflowRuns.followUnfinished();
  const links = { base: config.publicUrl ?? `http://${config.host}:${config.port}` };
  const pullRequests = new LocalPullRequests(store.pullRequests, open, clock, () => links.base);
  const remote = new Map<GitProviderSetting, GitProvider>();
  /** The provider that opens pull requests for a repository URL. */
  const providerFor = (repoURL: string): GitProvider => {
    const setting = selectProvider(providerSettings, repoURL);
    if (setting.kind === 'local') return pullRequests;
    if (!remote.has(setting)) remote.set(setting, createRemoteProvider(setting));
    return remote.get(setting)!;
  };
  const actions = new ActionRegistry([commitRunner(open), pullRequestRunner(open, providerFor), noneRunner()]);
  const deploymentFor = createDeploymentStatus({ open, clock, ...(config.argocd ? { argocd: config.argocd } : {}) });
  // The orchestrator is told of changes made through the API (a terminate, a retry, a new release), so it acts at once.
  const releaseListeners: ReleaseListener[] = [
    (release) => orchestrator?.nudge(release),
    (release, previous) => {
      // Changes the orchestrator records while it stops are stored; only their live events are skipped.
      if (stopping) return;
      const publishing = publishReleaseChange(events, release, previous)
        .catch((e: unknown) => console.error('stagecoach: events:', e))
        .finally(() => publishes.delete(publishing));
      publishes.add(publishing);
    },
  ];
  const onReleaseChange: ReleaseListener = (release, previous) => {
    for (const listener of releaseListeners) listener(release, previous);
  };
  const releases = new ReleaseService({ store, resources, open, clock, onChange: onReleaseChange });
  const releaseUrl = (id: string) => `${links.base}/releases/${id}`;
  orchestrator = new Orchestrator({
    store,
    releases,
    clock,
    runners: new TaskRunnerRegistry([
      workflowRunner(workflowRuns, releaseUrl),
      actionRunner(actions, { name: 'Stagecoach', email: 'stagecoach@localhost' }),
      syncRunner(deploymentFor),
    ]),
    onChange: onReleaseChange,
    ...(config.orchestrator?.leaseSeconds !== undefined ? { leaseMs: config.orchestrator.leaseSeconds * 1000 } : {}),
    ...(config.orchestrator?.checkMilliseconds !== undefined ? { checkMs: config.orchestrator.checkMilliseconds } : {}),
    ...(config.orchestrator?.tickMilliseconds !== undefined ? { tickMs: config.orchestrator.tickMilliseconds } : {}),
  });
  const scanner = new TriggerScanner({
    resources: () => resources.all(),
    open,
    cursors: store.triggerCursors,
    clock,
    log: (line) => console.error(`stagecoach: ${line}`),
    onTrigger: async (event) => {
      const created = await releases.triggerFromGit(event);
      // A trigger that cannot become a release (a flow naming a missing workflow…) is reported, not retried forever.
      if (!created.ok) console.error(`stagecoach: flow "${event.flow}" for ${event.product} at ${event.commit.sha.slice(0, 12)} not started: ${created.error.message}`);
    },
    onFolderChange: async (scan) => {
      await events.publish({ type: 'version', product: scan.product, data: { environment: scan.environment, application: scan.application, commit: scan.commit } });
    },
  });
  const pollMs = pollIntervalMilliseconds(config.triggers?.pollInterval);
  const poller = pollMs === undefined ? undefined : new TriggerPoller({ scanner, intervalMs: pollMs, log: (line) => console.error(`stagecoach: ${line}`) });
  const app = createApp({
    resources,
    tokens,
    promotions,
    credentials,
    pullRequests,
    workflowRuns,
    releases,
    events,
    webhooks: { ...(config.webhooks ? { secret: config.webhooks.secret } : {}), scanner },
    version: VERSION,
    ...(config.webDist ? { webDist: config.webDist } : {}),
    logError: (e) => console.error('stagecoach: unexpected error:', e),
  });
  return {
    config,
    store,
    app,
    tokens,
    resources,
    credentials,
    promotions,
    pullRequests,
    workflowRuns,
    actions,
    releases,
    releaseListeners,
    events,
    orchestrator,
    scanner,
    poller,
    git,
    links,
    open,
    /** Starts the background work: the orchestrator and, when on, trigger polling. */
    startBackground() {
      orchestrator!.start();
      poller?.start();
    },
    async close() {
      await poller?.stop();
      await orchestrator!.stop();
      stopping = true;
      await Promise.all(publishes);
      await events.close();
      // Running local steps are stopped and recorded as Terminated before the store closes.
      await localEngine.close();
      await workflowRuns.close();
      await git.close();
      await store.close();
    },
  };
}

/** File in the data dir that keeps the first admin token, readable by its owner only. */
export const INITIAL_TOKEN_FILE = 'initial-admin-token';

/**
 * Makes sure an admin can sign in (see TokenService.bootstrap). A newly made secret is also
 * written, owner-only, to the data dir before it is returned, so it is never lost even if the
 * process stops before printing it.
 */
async function bootstrapAdmin(built: Awaited<ReturnType<typeof buildServer>>): Promise<string | undefined> {
  const boot = await built.tokens.bootstrap(built.config.adminToken);
  if (!boot.secret) return undefined;
  await mkdir(built.config.dataDir, { recursive: true });
  const file = join(built.config.dataDir, INITIAL_TOKEN_FILE);
  await writeFile(file, `${boot.secret}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return boot.secret;
}

/** Builds the server and listens; resolves once the port is open. */
export async function startServer(input: ServerConfigInput, clock: Clock = systemClock): Promise<RunningServer> {
  const built = await buildServer(input, clock);
  const { config, store, app } = built;
  const server: ServerType = await new Promise((resolveListening, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolveListening(s));
    s.once('error', reject);
  });
  let initialAdminToken: string | undefined;
  try {
    initialAdminToken = await bootstrapAdmin(built);
  } catch (e) {
    server.close();
    await built.close();
    throw e;
  }
  built.startBackground();
  const address = server.address() as AddressInfo;
  if (!config.publicUrl) built.links.base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    config,
    store,
    app,
    ...(initialAdminToken ? { initialAdminToken, initialAdminTokenFile: join(config.dataDir, INITIAL_TOKEN_FILE) } : {}),
    async close() {
      // Event streams never end on their own: close them so the server can stop.
      const closing = new Promise<void>((done) => server.close(() => done()));
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closing;
      await built.close();
    },
  };
}
