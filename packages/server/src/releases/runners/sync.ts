import type { DeploymentStatus, DeploymentTarget } from '../../deployment/port.ts';
import { planOf, sibling, type TaskContext, type TaskOutcome, type TaskRunner } from './types.ts';

/**
 * Waits until the application runs the action's commit and is healthy, as the deployment
 * status adapter for it says (git: the commit is on the branch; Argo CD: synced to it and
 * Healthy). An action that changed nothing leaves nothing to wait for.
 */
export function syncRunner(statusFor: (target: Pick<DeploymentTarget, 'application' | 'argocd'>) => DeploymentStatus): TaskRunner {
  return {
    kinds: ['sync'],
    async perform({ release, task }: TaskContext): Promise<TaskOutcome> {
      const { application } = planOf(release, task);
      const action = sibling(release, task, 'action');
      if (!application || !action) return { status: 'Failed', message: `task ${task.key} names no application of the release` };
      const commit = action.result?.commit;
      if (!commit) return { status: 'Succeeded', message: 'no change was committed: nothing to wait for' };
      const target: DeploymentTarget = {
        application: application.name,
        repoURL: application.repoURL,
        branch: application.branch,
        folder: application.folder,
        commit: commit.sha,
        ...(application.argocd ? { argocd: application.argocd } : {}),
      };
      const adapter = statusFor(target);
      if (adapter.kind === 'git' && task.attempt === 1 && task.result?.observed === undefined) {
        // With git alone, deployed means on the branch, and the action's accepted push (or merge)
        // just put it there: no need to read the remote again. A retried sync wait asks the adapter.
        const how = action.result?.pullRequest ? 'merged from its pull request' : 'pushed by this release';
        const note = adapter.note ? ` (${adapter.note})` : '';
        return {
          status: 'Succeeded',
          message: `${application.name}: commit ${commit.sha.slice(0, 12)} is on branch ${application.branch} (${how}; no agent is asked)${note}`,
          result: { observed: 'Synced/Healthy' },
        };
      }
      const checked = await adapter.check(target);
      const observed = `${checked.observed.sync}/${checked.observed.health}${checked.observed.revision ? ` at ${checked.observed.revision.slice(0, 8)}` : ''}`;
      switch (checked.state) {
        case 'ready':
          return { status: 'Succeeded', message: checked.message, result: { observed } };
        case 'waiting':
          return { status: 'Running', message: checked.message, result: { observed } };
        case 'failed':
          return { status: 'Failed', message: checked.message, result: { observed } };
      }
    },
    async cancel(): Promise<TaskOutcome> {
      return { status: 'Terminated', message: 'terminated with the release' };
    },
  };
}
