import { createHash } from 'node:crypto';
import type { Release, Task, TaskKind, TaskResult } from '@stagecoach/core';

/** What a runner reports about a task after performing or checking it. */
export type TaskOutcome =
  /** Still going (`Running`), or waiting for people (`Suspended`: a pull request, an approval). */
  | { status: 'Running' | 'Suspended'; message?: string; result?: TaskResult }
  /** Ended. `context`: a `PROMOTION_CONTEXT` the workflow exported. */
  | { status: 'Succeeded' | 'Failed' | 'Terminated'; message?: string; result?: TaskResult; context?: Record<string, unknown> };

/** The task a runner works on, in its release, at a moment. */
export interface TaskContext {
  release: Release;
  task: Task;
  now: Date;
}

/**
 * Performs one kind of task. Every method is idempotent: the orchestrator calls `perform` to
 * start a task and again, as often as it likes, to check on it, and again after a crash; a
 * runner finds what an earlier call did (its workflow run, its commit, its pull request) instead
 * of doing it twice.
 */
export interface TaskRunner {
  readonly kinds: readonly TaskKind[];
  /** Starts the task, or checks on it when it already started. */
  perform(context: TaskContext): Promise<TaskOutcome>;
  /** Stops the task (a terminate); `Terminated` once it has stopped. */
  cancel(context: TaskContext): Promise<TaskOutcome>;
}

/**
 * The id of the workflow run of a task's attempt: the same for every call, so a start is never
 * repeated. `<release>-<kind>-<8 hex of the task key>-<attempt>`, short enough for every engine.
 */
export function workflowRunId(release: Release, task: Task, attempt: number): string {
  const key = createHash('sha256').update(task.key).digest('hex').slice(0, 8);
  return `${release.id}-${task.kind}-${key}-${attempt}`;
}

/** The step plan and application of a task, from the release's snapshot. */
export function planOf(release: Release, task: Task) {
  const step = release.snapshot.steps.find((s) => s.environment === task.environment);
  const application = step?.applications.find((a) => a.name === task.application);
  return { step, application };
}

/** The task of the same application with another kind (the action of a sync wait, the pre-action of a post-action). */
export function sibling(release: Release, task: Task, kind: TaskKind): Task | undefined {
  return release.tasks.find((t) => t.environment === task.environment && t.application === task.application && t.kind === kind);
}
