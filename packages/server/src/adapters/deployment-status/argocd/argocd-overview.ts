import { systemClock, type Clock } from '../../../clock.ts';
import type { DeploymentObservation } from '../../../deployment/port.ts';
import type { DeployedApplication, DeploymentOverview } from '../../../promotions/versions.ts';
import { FAILED_PHASES, healthState, ofRepository, syncState } from './argocd-status.ts';
import type { ArgoCdApplication, ArgoCdClient } from './client.ts';
import { ArgoCdError } from './errors.ts';

/** Seconds one list of Argo CD's applications is used again, unless set. */
export const DEFAULT_OVERVIEW_CACHE_SECONDS = 5;

/**
 * Milliseconds the list may take, for the client the overview is given: the versions answer waits
 * for it, so it is shorter than a sync wait's 30 s.
 */
export const OVERVIEW_TIMEOUT_MS = 10_000;

export interface ArgoCdOverviewOptions {
  client: ArgoCdClient;
  /**
   * Seconds one list answer (or failure) serves every versions answer, so that a busy dashboard
   * sends Argo CD one request in that time, not one per reader. Default
   * `DEFAULT_OVERVIEW_CACHE_SECONDS` (5); 0 asks again each time (a list under way is still shared).
   */
  cacheSeconds?: number;
  /** Time for the cache; default the system clock. */
  clock?: Clock;
}

/**
 * The parts of each application the overview reads, as Argo CD's `fields` parameter names them:
 * a list of hundreds of applications then carries no manifests, resources or history.
 */
export const OVERVIEW_FIELDS = [
  'items.metadata.name',
  'items.metadata.namespace',
  'items.spec.source.repoURL',
  'items.spec.sources.repoURL',
  'items.status.sync.status',
  'items.status.sync.revision',
  'items.status.sync.revisions',
  'items.status.health',
  'items.status.operationState.phase',
  'items.status.operationState.message',
  'items.status.conditions',
  'items.status.controllerNamespace',
] as const;

type ListAnswer = { items: ArgoCdApplication[] } | { error: ArgoCdError };

/**
 * Sync and health of many applications from one `GET /api/v1/applications` (every application the
 * token may read, in every namespace Argo CD serves), kept for `cacheSeconds`.
 *
 * An application is matched by `spec.argocd.name` in `spec.argocd.namespace`, or without one in
 * Argo CD's own namespace (`status.controllerNamespace`; an application of a server too old to say
 * counts when it is the only one of its name). Its observation is Argo CD's sync status, health
 * status, the revision of the application's repository, and a message: the health message, else
 * a failed sync's message, else the error conditions. An application not in the list (absent, or
 * the token may not read it), or a list Argo CD did not give (unreachable, token refused, not its
 * API), gives Unknown sync and health with the reason as message.
 */
export function createArgoCdDeploymentOverview(options: ArgoCdOverviewOptions): DeploymentOverview {
  const { client } = options;
  const clock = options.clock ?? systemClock;
  const cacheMs = Math.max(0, options.cacheSeconds ?? DEFAULT_OVERVIEW_CACHE_SECONDS) * 1000;
  /** The last list asked for: under way (`at` undefined) or answered at `at`. */
  let last: { answer: Promise<ListAnswer>; at?: number } | undefined;

  function list(): Promise<ListAnswer> {
    const now = clock.now().getTime();
    if (last !== undefined && (last.at === undefined || now - last.at < cacheMs)) return last.answer;
    const entry: { answer: Promise<ListAnswer>; at?: number } = {
      answer: client.listApplications({ fields: OVERVIEW_FIELDS }).then(
        (items): ListAnswer => ({ items }),
        (error: unknown): ListAnswer => {
          if (!(error instanceof ArgoCdError)) throw error;
          return { error };
        },
      ),
    };
    // Timed from the answer, so a slow list still serves the full period.
    void entry.answer.then(
      () => void (entry.at = clock.now().getTime()),
      () => {
        if (last === entry) last = undefined;
      },
    );
    last = entry;
    return entry.answer;
  }

  return {
    async observe(applications: readonly DeployedApplication[]): Promise<ReadonlyMap<string, DeploymentObservation>> {
      const answer = await list();
      const observed = new Map<string, DeploymentObservation>();
      if ('error' in answer) {
        const message = unavailable(answer.error);
        for (const wanted of applications) observed.set(wanted.application, { sync: 'Unknown', health: 'Unknown', message });
        return observed;
      }
      const byName = new Map<string, ArgoCdApplication[]>();
      for (const item of answer.items) {
        const same = byName.get(item.metadata.name);
        if (same === undefined) byName.set(item.metadata.name, [item]);
        else same.push(item);
      }
      for (const wanted of applications) {
        const found = find(byName.get(wanted.argocd.name) ?? [], wanted.argocd.namespace);
        observed.set(wanted.application, found === undefined ? missing(wanted, client.baseUrl) : observation(found, wanted.repoURL));
      }
      return observed;
    },
  };
}

/** The application of that name in `namespace`, or in Argo CD's own namespace when none is given. */
function find(candidates: readonly ArgoCdApplication[], namespace: string | undefined): ArgoCdApplication | undefined {
  if (namespace !== undefined) return candidates.find((app) => app.metadata.namespace === namespace);
  const own = candidates.find((app) => app.status?.controllerNamespace && app.metadata.namespace === app.status.controllerNamespace);
  if (own !== undefined) return own;
  return candidates.length === 1 && !candidates[0]!.status?.controllerNamespace ? candidates[0] : undefined;
}

function observation(app: ArgoCdApplication, repoURL: string): DeploymentObservation {
  const status = app.status ?? {};
  const [revision] = ofRepository(app, repoURL, status.sync?.revision, status.sync?.revisions);
  const operation = status.operationState;
  const failedSync = operation?.phase && FAILED_PHASES.has(operation.phase) ? `the last sync ended ${operation.phase}: ${operation.message || 'Argo CD gave no reason'}` : undefined;
  const problems = (status.conditions ?? []).filter((c) => /Error$/.test(c.type ?? '') && c.message).map((c) => `${c.type}: ${c.message}`);
  const message = status.health?.message || failedSync || (problems.length > 0 ? problems.join('; ') : undefined);
  return {
    sync: syncState(status.sync?.status),
    health: healthState(status.health?.status),
    ...(revision !== undefined ? { revision } : {}),
    ...(message ? { message } : {}),
  };
}

function missing(wanted: DeployedApplication, baseUrl: string): DeploymentObservation {
  const where = wanted.argocd.namespace ? ` in namespace ${wanted.argocd.namespace}` : '';
  return {
    sync: 'Unknown',
    health: 'Unknown',
    message: `Argo CD at ${baseUrl} lists no application "${wanted.argocd.name}"${where} that the server's token may read; check spec.argocd of application "${wanted.application}"`,
  };
}

function unavailable(error: ArgoCdError): string {
  switch (error.code) {
    case 'unauthorized':
    case 'forbidden':
      return `${error.message}; check the server setting argocd.token`;
    case 'invalid-response':
      return `${error.message}; check the server setting argocd.baseUrl`;
    case 'unreachable':
    case 'not-found':
    case 'rejected':
      return error.message;
  }
}
