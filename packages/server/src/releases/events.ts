import type { Release } from '@stagecoach/core';
import type { EventBus } from '../events/port.ts';
import { summary } from './service.ts';

/**
 * Publishes what changed in a release: a `release` event (the list view of the release) whenever
 * anything changed, a `step` event per step whose status or times changed, and a `task` event per
 * task whose status, attempt or message changed, and a `version` event per application whose
 * files an action changed (its commit landed or its pull request merged). Clients re-read the
 * release, or the versions, when they need the whole of it.
 */
export async function publishReleaseChange(events: EventBus, release: Release, previous: Release | undefined): Promise<void> {
  const scope = { product: release.product, release: release.id };
  await events.publish({ type: 'release', ...scope, data: { ...summary(release) } });
  for (const step of release.steps) {
    const before = previous?.steps.find((s) => s.environment === step.environment);
    if (before && JSON.stringify(before) === JSON.stringify(step)) continue;
    await events.publish({ type: 'step', ...scope, data: { ...step } });
  }
  for (const task of release.tasks) {
    const before = previous?.tasks.find((t) => t.key === task.key);
    if (before ? before.status === task.status && before.attempt === task.attempt && before.message === task.message : task.status === 'Pending') continue;
    const { result: _result, ...rest } = task;
    await events.publish({ type: 'task', ...scope, data: { ...rest } });
    const commit = task.result?.commit;
    if (task.kind === 'action' && task.status === 'Succeeded' && commit !== undefined && task.result?.noChange !== true) {
      await events.publish({
        type: 'version',
        product: release.product,
        data: { environment: task.environment, application: task.application, commit: commit.sha, release: release.id },
      });
    }
  }
}
