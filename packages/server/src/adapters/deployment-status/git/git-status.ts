import { displayUrl, GitError, isRetryableGitError } from '../../../git/errors.ts';
import type { OpenRepository } from '../../../promotions/preview.ts';
import { shortCommit, unobserved, type DeploymentCheck, type DeploymentStatus, type DeploymentTarget } from '../../../deployment/port.ts';

/**
 * Deployment status from the branch alone, for GitOps agents Stagecoach does not ask: an
 * application counts as synced and healthy once the commit is on its branch (the tip, or an
 * ancestor of the tip after a later promotion), read after fetching the branch from the remote.
 *
 * - `ready`: the commit is on the branch.
 * - `failed`: the commit is not on the branch (the branch was force-pushed or deleted), or the
 *   repository refuses the credentials or does not exist, or the commit id is malformed.
 * - `waiting`: the remote could not be reached (or git failed in a way worth retrying).
 */
export function createGitDeploymentStatus(open: OpenRepository): DeploymentStatus {
  return {
    kind: 'git',
    async check(target: DeploymentTarget): Promise<DeploymentCheck> {
      const where = `${target.application}: branch ${target.branch} of ${displayUrl(target.repoURL)}`;
      const commit = target.commit.toLowerCase();
      let tip: string;
      try {
        const repo = await open(target.repoURL);
        tip = await repo.refreshBranch(target.branch);
        if (tip !== commit) {
          const onBranch = (await repo.hasCommit(commit)) && (await repo.isAncestor(commit, tip));
          if (!onBranch) {
            return {
              state: 'failed',
              message: `${where}: commit ${commit} is no longer on the branch (now at ${shortCommit(tip)}); was the branch force-pushed?`,
              observed: { sync: 'OutOfSync', health: 'Unknown', revision: tip },
            };
          }
        }
      } catch (error) {
        if (!(error instanceof GitError)) throw error;
        // The error names the repository itself.
        const branch = `${target.application}: branch ${target.branch}`;
        if (error.code === 'branch-not-found') {
          return { state: 'failed', message: `${where}: the branch no longer exists, so commit ${commit} is not deployed from it`, observed: unobserved() };
        }
        if (isRetryableGitError(error)) {
          return { state: 'waiting', message: `${branch}: cannot be read now (${error.message}); trying again`, observed: unobserved() };
        }
        return { state: 'failed', message: `${branch}: ${error.message}`, observed: unobserved() };
      }
      const at = tip === commit ? 'the tip' : `an ancestor of the tip ${shortCommit(tip)}`;
      return {
        state: 'ready',
        message: `${where}: commit ${shortCommit(commit)} is ${at}; counted as deployed (no agent is asked)`,
        observed: { sync: 'Synced', health: 'Healthy', revision: tip },
      };
    },
  };
}
