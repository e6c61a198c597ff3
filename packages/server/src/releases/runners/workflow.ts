import { failedEnvironments, workflowParameters, type Release, type Task } from '@stagecoach/core';
import { INTERRUPTED_MESSAGE, interruptedStatus } from '../../adapters/workflows/local/index.ts';
import type { WorkflowRunService } from '../../workflow-runs/service.ts';
import { planOf, sibling, type TaskContext, type TaskOutcome, type TaskRunner } from './types.ts';

/** How many times in all a workflow run interrupted by server restarts is submitted. */
const MAX_RESUBMITS = 4;

/** The output a hook exports to pass keys to later hooks. */
export const PROMOTION_CONTEXT = 'PROMOTION_CONTEXT';

/**
 * Runs a task's WorkflowTemplate on the workflow engine: hooks, the trigger workflow, pre- and
 * post-actions. The run's id comes from the task's attempt (`task.run`), so calling again finds
 * the run instead of starting another. Parameters follow DESIGN section 3; only those the
 * template declares are passed.
 */
export function workflowRunner(runs: WorkflowRunService, releaseUrl: (id: string) => string): TaskRunner {
  return {
    kinds: ['hook', 'trigger', 'pre', 'post'],
    async perform({ release, task }: TaskContext): Promise<TaskOutcome> {
      const id = task.run;
      if (!id) return { status: 'Failed', message: `task ${task.key} has no workflow run id` };
      // A local run of a process that is gone (this release was taken over) can never finish.
      await runs.adoptOrphan(id, interruptedStatus);
      let found = await runs.get(id);
      if (!found.ok) {
        const started = await runs.start({
          id,
          template: task.workflow!,
          parameters: parametersFor(release, task, releaseUrl),
          labels: {
            product: release.product,
            release: release.id,
            ...(task.environment ? { environment: task.environment } : {}),
            ...(task.application ? { application: task.application } : {}),
          },
        });
        if (!started.ok) return { status: 'Failed', message: `workflow "${task.workflow}": ${started.error.message}` };
        found = started;
      }
      const run = found.value;
      switch (run.phase) {
        case 'Pending':
        case 'Running': {
          const waiting = run.nodes.some((n) => n.type === 'Suspend' && n.phase === 'Running');
          return { status: waiting ? 'Suspended' : 'Running', message: waiting ? `workflow "${task.workflow}" waits (suspend step)` : `workflow "${task.workflow}" is running` };
        }
        case 'Succeeded':
        case 'Skipped': {
          const exported = run.outputs[PROMOTION_CONTEXT];
          const outputs = Object.fromEntries(Object.entries(run.outputs).filter(([k]) => k !== PROMOTION_CONTEXT));
          if (exported === undefined) return { status: 'Succeeded', result: { outputs } };
          const context = parseContext(exported);
          if (typeof context === 'string') return { status: 'Failed', message: `workflow "${task.workflow}": ${context}`, result: { outputs } };
          return { status: 'Succeeded', result: { outputs }, context };
        }
        case 'Terminated':
          return { status: 'Terminated', message: run.message ?? `workflow "${task.workflow}" was terminated` };
        case 'Error':
          // A run its server's crash cut short is no verdict on the change: run it again, a few times at most.
          if (run.message === INTERRUPTED_MESSAGE && run.attempts < MAX_RESUBMITS) {
            const again = await runs.retry(id);
            if (again.ok) return { status: 'Running', message: `workflow "${task.workflow}" was interrupted by a server restart: running it again (attempt ${again.value.attempts})` };
          }
          return { status: 'Failed', message: `workflow "${task.workflow}" errored${run.message ? `: ${run.message}` : ''}` };
        case 'Failed':
          return { status: 'Failed', message: `workflow "${task.workflow}" failed${run.message ? `: ${run.message}` : ''}` };
      }
    },
    async cancel({ task }: TaskContext): Promise<TaskOutcome> {
      if (task.run) {
        const run = await runs.get(task.run);
        if (run.ok && (run.value.phase === 'Pending' || run.value.phase === 'Running')) await runs.terminate(task.run);
      }
      return { status: 'Terminated', message: 'terminated with the release' };
    },
  };
}

/** `PROMOTION_CONTEXT` must be a JSON object; anything else is the reason it is refused. */
function parseContext(text: string): Record<string, unknown> | string {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  return `${PROMOTION_CONTEXT} must be a JSON object, got ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)}`;
}

/** The standard parameters of a task's workflow run (DESIGN section 3, "Workflow parameters"). */
export function parametersFor(release: Release, task: Task, releaseUrl: (id: string) => string): Record<string, string> {
  if (task.kind === 'hook') {
    const failed = task.hook === 'onFail';
    const commit = release.snapshot.source.commit;
    return workflowParameters('hook', {
      releaseId: release.id,
      releaseUrl: releaseUrl(release.id),
      productName: release.product,
      version: release.version,
      commitSha: commit.sha,
      promotionFlowName: release.snapshot.flow.name,
      promotionContext: release.context,
      ...(failed
        ? {
            failure: {
              errorMessage: (task.environment ? release.steps.find((s) => s.environment === task.environment)?.message : undefined) ?? release.terminate?.reason ?? failureSummary(release),
              failedEnvironments: failedEnvironments(release, task.environment),
            },
          }
        : {}),
    });
  }
  const { step, application } = planOf(release, task);
  if (!step || !application) return {};
  const base = {
    appName: application.name,
    appNamespace: application.namespace,
    repoURL: application.repoURL,
    branch: application.branch,
    path: application.folder,
    environment: step.environment,
    productName: release.product,
    releaseId: release.id,
  };
  if (task.kind === 'pre') return workflowParameters('pre', base);
  if (task.kind === 'trigger') return workflowParameters('post', { ...base, commit: release.snapshot.source.commit });
  const action = sibling(release, task, 'action');
  const pre = sibling(release, task, 'pre');
  const commit = action?.result?.commit;
  return workflowParameters('post', { ...base, ...(commit ? { commit } : {}), ...(pre?.result?.outputs ? { preActionOutputs: pre.result.outputs } : {}) });
}

function failureSummary(release: Release): string {
  const failed = release.tasks.find((t) => t.status === 'Failed');
  return failed?.message ?? 'the release failed';
}
