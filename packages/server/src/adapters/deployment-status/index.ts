import type { Clock } from '../../clock.ts';
import type { DeploymentStatus, DeploymentTarget } from '../../deployment/port.ts';
import { selectDeploymentStatus, type DeploymentStatusAdapters } from '../../deployment/select.ts';
import type { OpenRepository } from '../../promotions/preview.ts';
import { createArgoCdClient, createArgoCdDeploymentStatus, type IsAncestor } from './argocd/index.ts';
import { createGitDeploymentStatus } from './git/index.ts';

/** The server's `argocd` settings (see `config.ts`). */
export interface ArgoCdSettings {
  /** Argo CD server root without `/api/v1`, e.g. `https://argocd.example.com`. */
  baseUrl: string;
  /** An Argo CD account's API token, sent as a bearer token. */
  token: string;
  /** Seconds between two refreshing reads of one application; default 30, 0 = every check. */
  refreshSeconds?: number;
}

export interface DeploymentStatusOptions {
  /** Opens an application's repository through the server's cache, with its credentials. */
  open: OpenRepository;
  /** Without it, every application is checked with git. */
  argocd?: ArgoCdSettings;
  /** Time for the refresh spacing; default the system clock. */
  clock?: Clock;
  /** Milliseconds an Argo CD request may take; default 30000. */
  timeoutMs?: number;
  /** `fetch` for the Argo CD client; default the global one. */
  fetch?: typeof fetch;
}

/** Picks the deployment status adapter of one application (see `selectDeploymentStatus`). */
export type DeploymentStatusFor = (target: Pick<DeploymentTarget, 'application' | 'argocd'>) => DeploymentStatus;

/**
 * Builds the git adapter and, with Argo CD settings, the Argo CD adapter (once each, so the
 * refresh spacing holds across checks), and answers which one checks a given application.
 */
export function createDeploymentStatus(options: DeploymentStatusOptions): DeploymentStatusFor {
  const adapters: DeploymentStatusAdapters = { git: createGitDeploymentStatus(options.open) };
  if (options.argocd) {
    adapters.argocd = createArgoCdDeploymentStatus({
      client: createArgoCdClient({
        baseUrl: options.argocd.baseUrl,
        token: options.argocd.token,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
      isAncestor: ancestryIn(options.open),
      ...(options.argocd.refreshSeconds !== undefined ? { refreshSeconds: options.argocd.refreshSeconds } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }
  return (target) => selectDeploymentStatus(target, adapters);
}

/**
 * Ancestry in the target's repository through the Git cache. A commit the cache lacks (Argo CD
 * deployed a commit pushed by someone else) is fetched with the branch first; one still missing
 * after that is not on the branch, so it contains nothing of it.
 */
export function ancestryIn(open: OpenRepository): IsAncestor {
  return async (ancestor, descendant, target) => {
    const repo = await open(target.repoURL);
    if (!(await repo.hasCommit(descendant)) || !(await repo.hasCommit(ancestor))) await repo.refreshBranch(target.branch);
    if (!(await repo.hasCommit(descendant)) || !(await repo.hasCommit(ancestor))) return false;
    return repo.isAncestor(ancestor, descendant);
  };
}

export { createGitDeploymentStatus } from './git/index.ts';
export { createArgoCdDeploymentStatus, createArgoCdClient, DEFAULT_REFRESH_SECONDS } from './argocd/index.ts';
