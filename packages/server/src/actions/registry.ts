import type { Action } from '@stagecoach/core';
import type { ActionRunner } from './types.ts';

/** The action runners, registered explicitly; one per action kind. */
export class ActionRegistry {
  private readonly runners = new Map<Action, ActionRunner>();

  constructor(runners: readonly ActionRunner[]) {
    for (const runner of runners) {
      if (this.runners.has(runner.action)) throw new Error(`two runners for action "${runner.action}"`);
      this.runners.set(runner.action, runner);
    }
  }

  get(action: Action): ActionRunner {
    const runner = this.runners.get(action);
    if (!runner) throw new Error(`no runner registered for action "${action}"`);
    return runner;
  }
}
