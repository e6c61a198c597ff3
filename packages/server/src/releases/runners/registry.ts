import type { TaskKind } from '@stagecoach/core';
import type { TaskRunner } from './types.ts';

/** The task runners, registered explicitly; exactly one per task kind. */
export class TaskRunnerRegistry {
  readonly #runners = new Map<TaskKind, TaskRunner>();

  constructor(runners: readonly TaskRunner[]) {
    for (const runner of runners) {
      for (const kind of runner.kinds) {
        if (this.#runners.has(kind)) throw new Error(`two runners for task kind "${kind}"`);
        this.#runners.set(kind, runner);
      }
    }
    const missing = (['hook', 'trigger', 'pre', 'action', 'sync', 'post'] as const).filter((k) => !this.#runners.has(k));
    if (missing.length > 0) throw new Error(`no runner for task kind(s) ${missing.join(', ')}`);
  }

  get(kind: TaskKind): TaskRunner {
    return this.#runners.get(kind)!;
  }
}
