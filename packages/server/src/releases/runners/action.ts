import type { Release, ReleaseCommit, Task, TaskResult } from '@stagecoach/core';
import type { ActionRegistry } from '../../actions/registry.ts';
import { failureOf, type ActionInput } from '../../actions/types.ts';
import type { CommitInfo, Person } from '../../git/port.ts';
import { GitError } from '../../git/errors.ts';
import { GitProviderError } from '../../git/providers.ts';
import { planOf, sibling, type TaskContext, type TaskOutcome, type TaskRunner } from './types.ts';

/** The commit as a release keeps it. */
export function releaseCommit(commit: CommitInfo): ReleaseCommit {
  return { sha: commit.sha, message: commit.message, author: `${commit.author.name} <${commit.author.email}>`, date: commit.author.date };
}

/**
 * The applications of the release that will soon run the same action as `task` on the same
 * repository and branch: their action has not started and their step's pre-action is running.
 * Parallel steps with pre-actions usually reach their actions a few milliseconds apart.
 */
export function companionsOf(release: Release, task: Task): { environment: string; application: string }[] {
  const { application } = planOf(release, task);
  if (!application) return [];
  return release.tasks
    .filter((t) => t.key !== task.key && t.kind === 'action' && t.action === task.action && t.status === 'Pending' && sibling(release, t, 'pre')?.status === 'Running')
    .filter((t) => {
      const other = planOf(release, t).application;
      return other !== undefined && other.repoURL === application.repoURL && other.branch === application.branch;
    })
    .map((t) => ({ environment: t.environment!, application: t.application! }));
}

/**
 * Performs a task's action (`commit`, `pr`, `none`) through the action runners. They are
 * idempotent by design (commit trailers name the release, environment and application; pull
 * requests are found by branch), so a call after a crash continues instead of repeating. A
 * failure the runner calls retryable, or a Git or provider failure that may pass (the remote was
 * unreachable), keeps the task Running, to be tried on the next check; other Git and provider
 * failures (refused credentials, a missing branch) fail it.
 */
export function actionRunner(actions: ActionRegistry, author: Person): TaskRunner {
  return {
    kinds: ['action'],
    async perform({ release, task, now }: TaskContext): Promise<TaskOutcome> {
      const { step, application } = planOf(release, task);
      if (!step || !application) return { status: 'Failed', message: `task ${task.key} names no application of the release` };
      const source = release.snapshot.source;
      const input: ActionInput = {
        release: release.id,
        product: release.product,
        environment: step.environment,
        application: { name: application.name, repoURL: application.repoURL, branch: application.branch, folder: application.folder },
        source: { repoURL: source.application.repoURL, branch: source.application.branch, commit: source.commit.sha, folder: source.application.folder },
        promotion: application.promotion,
        author,
        now,
        ...(task.result?.pullRequest ? { pullRequest: task.result.pullRequest } : {}),
      };
      const companions = companionsOf(release, task);
      if (companions.length > 0) input.companions = companions;
      let outcome;
      try {
        outcome = await actions.get(task.action!).run(input);
      } catch (e) {
        if (!(e instanceof GitError || e instanceof GitProviderError)) throw e;
        outcome = failureOf(e);
      }
      switch (outcome.status) {
        case 'succeeded': {
          const result: TaskResult = {
            noChange: outcome.noChange,
            files: outcome.files.map((f) => ({ path: f.path, properties: f.edits.map((e) => ({ path: e.path, old: e.old, new: e.new })) })),
            ...(outcome.commit ? { commit: releaseCommit(outcome.commit) } : {}),
          };
          return { status: 'Succeeded', message: outcome.message, result };
        }
        case 'suspended':
          return { status: 'Suspended', message: outcome.message, result: { pullRequest: outcome.pullRequest } };
        case 'failed':
          return outcome.retryable ? { status: 'Running', message: `${outcome.message} (will try again)` } : { status: 'Failed', message: outcome.message };
      }
    },
    async cancel({ task }: TaskContext): Promise<TaskOutcome> {
      const pr = task.result?.pullRequest;
      return { status: 'Terminated', message: pr ? `terminated with the release; pull request ${pr.url} stays open` : 'terminated with the release' };
    },
  };
}
