import { systemClock, type Clock } from '../../../clock.ts';
import { HEALTH_STATES, SYNC_STATES } from '@stagecoach/core';
import {
  shortCommit,
  unobserved,
  type DeploymentCheck,
  type DeploymentObservation,
  type DeploymentStatus,
  type DeploymentTarget,
  type HealthState,
  type SyncState,
} from '../../../deployment/port.ts';
import { COMMIT_ID } from '../../git-providers/failures.ts';
import type { ArgoCdApplication, ArgoCdClient } from './client.ts';
import { ArgoCdError } from './errors.ts';

/** Seconds between two `refresh=normal` reads of one application, unless set. */
export const DEFAULT_REFRESH_SECONDS = 30;

/**
 * Whether `ancestor` is reachable from `descendant` in the target's repository (both full commit
 * ids). It lets a later commit that Argo CD already deployed count for an earlier promotion.
 */
export type IsAncestor = (ancestor: string, descendant: string, target: DeploymentTarget) => Promise<boolean>;

export interface ArgoCdDeploymentStatusOptions {
  client: ArgoCdClient;
  isAncestor: IsAncestor;
  /**
   * At most one read with `refresh=normal` per application in this many seconds, so that Argo CD
   * compares the application with the new commit sooner than its own polling would (3 minutes by
   * default). No refresh once Argo CD reports a revision that contains the commit. Default
   * `DEFAULT_REFRESH_SECONDS` (30); 0 refreshes on every check.
   */
  refreshSeconds?: number;
  /** Time for the refresh spacing; default the system clock. */
  clock?: Clock;
}

/** `operationState.phase` values of an operation that has not finished. */
const UNFINISHED = new Set(['Running', 'Terminating']);
/** `operationState.phase` values of an operation that ended badly. */
export const FAILED_PHASES: ReadonlySet<string> = new Set(['Failed', 'Error']);
/** Positive ancestry answers kept; beyond this many the memory starts again. */
const MAX_REMEMBERED = 1000;

/**
 * Deployment status read from Argo CD: `GET /api/v1/applications/{spec.argocd.name}`.
 *
 * - `ready`: `status.sync.status` is Synced, `status.sync.revision` (for a multi-source
 *   application, the `status.sync.revisions` of the sources from the target's repository) is the
 *   commit or a later commit that contains it, `status.health.status` is Healthy, and no sync
 *   operation for it is still running.
 * - `failed`: Synced there but Degraded (with Argo CD's health message); a sync operation for the
 *   commit (or a later one) ended Failed or Error (with its message); Argo CD refuses the token
 *   (401), denies access (403: Argo CD's answer for a missing application too), has no such
 *   application (404), or answers something that is not its API.
 * - `waiting`: anything else (not noticed yet, OutOfSync, Progressing, Suspended, Missing,
 *   syncing), and Argo CD unreachable, timing out or failing (5xx, 429): transient.
 */
export function createArgoCdDeploymentStatus(options: ArgoCdDeploymentStatusOptions): DeploymentStatus {
  const { client } = options;
  const refreshMs = Math.max(0, options.refreshSeconds ?? DEFAULT_REFRESH_SECONDS) * 1000;
  const clock = options.clock ?? systemClock;
  /** Per application: when it was last read with a refresh, and which commit Argo CD was seen to contain. */
  const lastRefresh = new Map<string, number>();
  const noticed = new Map<string, string>();
  const contains = new Set<string>();

  /** Whether `revision` is the commit or a later commit containing it; an error says why it cannot tell. */
  async function containsCommit(target: DeploymentTarget, commit: string, revision: string): Promise<boolean> {
    if (revision === commit) return true;
    if (!COMMIT_ID.test(revision)) return false;
    const key = `${commit}>${revision}`;
    if (contains.has(key)) return true;
    const answer = await options.isAncestor(commit, revision, target);
    if (answer) {
      if (contains.size >= MAX_REMEMBERED) contains.clear();
      contains.add(key);
    }
    return answer;
  }

  async function firstContaining(target: DeploymentTarget, commit: string, revisions: readonly string[]): Promise<string | undefined> {
    for (const revision of revisions) if (await containsCommit(target, commit, revision)) return revision;
    return undefined;
  }

  return {
    kind: 'argocd',
    async check(target: DeploymentTarget): Promise<DeploymentCheck> {
      const name = target.argocd?.name ?? target.application;
      const appNamespace = target.argocd?.namespace;
      const label = name === target.application ? name : `${target.application} (Argo CD application ${name})`;
      const commit = target.commit.toLowerCase();
      const key = `${appNamespace ?? ''}/${name}`;
      if (!COMMIT_ID.test(commit)) {
        return { state: 'failed', message: `${label}: "${target.commit}" is not a full commit id`, observed: unobserved() };
      }

      const now = clock.now().getTime();
      const last = lastRefresh.get(key);
      const refresh = noticed.get(key) !== commit && (last === undefined || now - last >= refreshMs);
      // Spaced from the attempt, not the answer: a refresh that timed out is not retried at once.
      if (refresh) lastRefresh.set(key, now);
      let app: ArgoCdApplication;
      try {
        app = await client.getApplication(name, { ...(refresh ? { refresh: 'normal' as const } : {}), ...(appNamespace ? { appNamespace } : {}) });
      } catch (error) {
        if (!(error instanceof ArgoCdError)) throw error;
        return fromError(error, target, label, client.baseUrl);
      }

      const status = app.status ?? {};
      const sync = syncState(status.sync?.status);
      const health = healthState(status.health?.status);
      const healthMessage = status.health?.message ?? undefined;
      const revisions = ofRepository(app, target.repoURL, status.sync?.revision, status.sync?.revisions);
      const operation = status.operationState;
      const operationRevisions = ofRepository(
        app,
        target.repoURL,
        operation?.syncResult?.revision || operation?.operation?.sync?.revision,
        operation?.syncResult?.revisions?.length ? operation.syncResult.revisions : operation?.operation?.sync?.revisions,
      );

      let deployed: string | undefined;
      let operationForCommit: string | undefined;
      try {
        deployed = await firstContaining(target, commit, revisions);
        operationForCommit = operation?.phase ? await firstContaining(target, commit, operationRevisions) : undefined;
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return {
          state: 'waiting',
          message: `${label}: ${sync} at ${revisionText(revisions[0])}; cannot tell yet whether it contains ${shortCommit(commit)} (${why}); trying again`,
          observed: observation(sync, health, revisions[0], healthMessage),
        };
      }
      if (deployed !== undefined) noticed.set(key, commit);
      const observed = observation(sync, health, deployed ?? revisions[0], healthMessage ?? operation?.message ?? undefined);

      const phase = operation?.phase ?? '';
      if (operationForCommit !== undefined && FAILED_PHASES.has(phase)) {
        return {
          state: 'failed',
          message: `${label}: the Argo CD sync to ${shortCommit(operationForCommit)} ended ${phase}: ${operation?.message || 'Argo CD gave no reason'}`,
          observed: { ...observed, ...(operation?.message ? { message: operation.message } : {}) },
        };
      }
      const syncing = operationForCommit !== undefined && UNFINISHED.has(phase);
      const contained = deployed !== undefined && deployed !== commit ? ` (contains ${shortCommit(commit)})` : '';

      if (deployed !== undefined && sync === 'Synced' && !syncing) {
        if (health === 'Healthy') {
          return { state: 'ready', message: `${label}: Synced at ${shortCommit(deployed)}${contained} and Healthy`, observed };
        }
        if (health === 'Degraded') {
          return { state: 'failed', message: `${label}: Synced at ${shortCommit(deployed)}${contained} but Degraded: ${healthMessage || 'Argo CD gave no reason'}`, observed };
        }
      }

      const parts = [`${label}: ${sync} at ${revisionText(deployed ?? revisions[0])}${contained}, ${health}${healthMessage ? ` (${healthMessage})` : ''}`];
      if (syncing) parts.push(`sync operation ${phase}${operation?.message ? `: ${operation.message}` : ''}`);
      const problems = (status.conditions ?? []).filter((c) => /Error$/.test(c.type ?? '') && c.message).map((c) => `${c.type}: ${c.message}`);
      if (problems.length > 0) parts.push(problems.join('; '));
      const awaited = deployed === undefined ? `waiting for ${shortCommit(commit)}` : sync !== 'Synced' || syncing ? 'waiting for the sync' : 'waiting for Healthy';
      return { state: 'waiting', message: `${parts.join('; ')}; ${awaited}`, observed };
    },
  };
}

function fromError(error: ArgoCdError, target: DeploymentTarget, label: string, baseUrl: string): DeploymentCheck {
  const name = target.argocd?.name ?? target.application;
  const where = target.argocd?.namespace ? ` in namespace ${target.argocd.namespace}` : '';
  const observed = unobserved();
  switch (error.code) {
    case 'unreachable':
      return { state: 'waiting', message: `${label}: ${error.message}; trying again`, observed };
    case 'unauthorized':
      return { state: 'failed', message: `${label}: ${error.message}; check the server setting argocd.token`, observed };
    case 'forbidden':
      return {
        state: 'failed',
        message: `${label}: ${error.message}; Argo CD at ${baseUrl} has no application "${name}"${where}, or the account of the server setting argocd.token may not read it (Argo CD answers 403 to both)`,
        observed,
      };
    case 'not-found':
      return { state: 'failed', message: `${label}: Argo CD at ${baseUrl} has no application "${name}"${where} (${error.message}); check spec.argocd of application "${target.application}"`, observed };
    case 'invalid-response':
      return { state: 'failed', message: `${label}: ${error.message}; check the server setting argocd.baseUrl`, observed };
    case 'rejected':
      return { state: 'failed', message: `${label}: ${error.message}`, observed };
  }
}

/**
 * The revisions Argo CD reports for one repository: `revision` for a single-source application;
 * for a multi-source one, the `revisions` of the sources whose `repoURL` is `repoURL` (all of them
 * when none is).
 */
export function ofRepository(
  app: ArgoCdApplication,
  repoURL: string,
  revision: string | null | undefined,
  revisions: readonly string[] | null | undefined,
): string[] {
  const sources = app.spec?.sources ?? [];
  if (revisions && revisions.length > 0) {
    const mine = sources.length === revisions.length ? revisions.filter((_, i) => sameRepository(sources[i]?.repoURL, repoURL)) : [];
    return (mine.length > 0 ? mine : [...revisions]).map(normalRevision);
  }
  return revision ? [normalRevision(revision)] : [];
}

function normalRevision(revision: string): string {
  const trimmed = revision.trim();
  return COMMIT_ID.test(trimmed.toLowerCase()) ? trimmed.toLowerCase() : trimmed;
}

/** Repository URLs compared the way people write them: scheme, user, case, `.git` and a trailing `/` aside. */
function sameRepository(a: string | null | undefined, b: string): boolean {
  if (!a) return false;
  const key = (url: string) =>
    url
      .trim()
      .toLowerCase()
      .replace(/^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?/, '')
      .replace(/^[^@/:]+@([^:/]+):/, '$1/')
      .replace(/\/+$/, '')
      .replace(/\.git$/, '');
  return key(a) === key(b);
}

function oneOf<T extends string>(known: readonly T[], value: string | null | undefined): T | 'Unknown' {
  return known.includes(value as T) ? (value as T) : 'Unknown';
}

/** `status.sync.status` as the port knows it; a value Argo CD added since is Unknown. */
export function syncState(value: string | null | undefined): SyncState {
  return oneOf(SYNC_STATES, value);
}

/** `status.health.status` as the port knows it; a value Argo CD added since (or a custom one) is Unknown. */
export function healthState(value: string | null | undefined): HealthState {
  return oneOf(HEALTH_STATES, value);
}

function revisionText(revision: string | undefined): string {
  if (revision === undefined) return 'no revision yet';
  return COMMIT_ID.test(revision) ? shortCommit(revision) : revision;
}

function observation(sync: SyncState, health: HealthState, revision: string | undefined, message: string | undefined): DeploymentObservation {
  return { sync, health, ...(revision !== undefined ? { revision } : {}), ...(message ? { message } : {}) };
}
