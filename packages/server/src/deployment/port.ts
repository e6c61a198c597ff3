/**
 * The deployment status port: after a promotion left a commit on an application's branch, has
 * the GitOps agent deployed that commit, and is the application healthy?
 *
 * Stagecoach promotes; the agent deploys. A release step calls `check` again and again until the
 * answer is not `waiting`. One implementation reads the Git branch alone (the commit is deployed
 * once it is on the branch), another asks Argo CD (sync revision and health).
 */

export type { DeploymentObservation, HealthState, SyncState } from '@stagecoach/core';
import type { DeploymentObservation } from '@stagecoach/core';

/** The application to check and the commit it must run. */
export interface DeploymentTarget {
  /** Stagecoach Application name. */
  application: string;
  /** The application's source: repository URL, branch (`spec.source.targetRevision`) and folder. */
  repoURL: string;
  branch: string;
  folder: string;
  /**
   * `Application.spec.argocd`: the Argo CD application that deploys it, and the namespace that
   * application lives in when it is not Argo CD's own (Argo CD's "applications in any namespace").
   */
  argocd?: { name: string; namespace?: string };
  /** The commit the promotion left on the branch (a full 40- or 64-digit id). */
  commit: string;
}

/**
 * One answer of `check`:
 * - `waiting`: not deployed yet, or the agent could not be asked this time (a transient failure);
 *   ask again later. The message says what is awaited.
 * - `ready`: the commit (or a later one that contains it) is deployed and healthy. Terminal.
 * - `failed`: it will not become ready without someone acting (the deployment is Degraded, the
 *   sync failed, the commit left the branch, the agent refuses the credentials). Terminal.
 */
export type DeploymentCheck =
  | { state: 'waiting'; message: string; observed: DeploymentObservation }
  | { state: 'ready'; message: string; observed: DeploymentObservation }
  | { state: 'failed'; message: string; observed: DeploymentObservation };

export type DeploymentState = DeploymentCheck['state'];

/** Whether a check's state ends the wait (`ready` or `failed`). */
export function isTerminalDeploymentState(state: DeploymentState): boolean {
  return state !== 'waiting';
}

/**
 * A source of deployment status. `check` never throws for an expected failure (an agent that is
 * unreachable, refuses the token or does not know the application): it answers `waiting` or
 * `failed`. A rejection means a bug.
 */
export interface DeploymentStatus {
  /** `git`: the branch alone; `argocd`: the Argo CD API. */
  readonly kind: 'git' | 'argocd';
  /** Said after every message about this target, e.g. why git checks an Argo CD application. */
  readonly note?: string;
  check(target: DeploymentTarget): Promise<DeploymentCheck>;
}

/** The observation when nothing could be observed (the agent or the repository did not answer). */
export function unobserved(): DeploymentObservation {
  return { sync: 'Unknown', health: 'Unknown' };
}

/** The first 8 digits of a commit id, as messages show it. */
export function shortCommit(commit: string): string {
  return commit.slice(0, 8);
}
