import { describe, expect, it } from 'vitest';
import { aRelease, aStepPlan, aTask, diamond } from './builders.ts';
import { buildStepNodes, layoutKey, layoutSteps, nodeHeight, releaseHookRows, reuseUnchanged, taskRows } from './graph.ts';

describe('layoutSteps', () => {
  it('lays steps out left to right and stacks the ones that run side by side', () => {
    const nodes = buildStepNodes(aRelease(diamond()), false);
    const at = layoutSteps(nodes);
    const dev = at.get('dev')!;
    const qa = at.get('qa')!;
    const staging = at.get('staging')!;
    const production = at.get('production')!;
    expect(dev.x).toBeLessThan(qa.x);
    expect(qa.x).toBe(staging.x);
    expect(qa.y).not.toBe(staging.y);
    expect(Math.abs(qa.y - staging.y)).toBeGreaterThanOrEqual(nodeHeight(nodes[1]!));
    expect(production.x).toBeGreaterThan(qa.x);
  });

  it('places a hundred environments in one pass', () => {
    const plans = [aStepPlan('dev', []), ...Array.from({ length: 99 }, (_, i) => aStepPlan(`env-${i}`, [i < 9 ? 'dev' : `env-${i - 9}`]))];
    const layout = layoutSteps(buildStepNodes(aRelease(plans), false));
    expect(layout.size).toBe(100);
    expect(new Set([...layout.values()].map((p) => `${p.x},${p.y}`)).size).toBe(100);
  });

  it('keys the layout by nodes, sizes and edges only', () => {
    const release = aRelease(diamond());
    const running = aRelease(diamond(), [{ environment: 'qa', status: 'Running', startedAt: '2026-11-26T15:00:01Z' }]);
    expect(layoutKey(buildStepNodes(running, false))).toBe(layoutKey(buildStepNodes(release, false)));
    expect(layoutKey(buildStepNodes(release, false))).toBe('dev:78<|qa:78<dev|staging:78<dev|production:78<qa,staging');
  });
});

describe('taskRows', () => {
  const qa = (app: string, kind: 'pre' | 'action' | 'sync' | 'post', status: 'Pending' | 'Running' | 'Succeeded' | 'Failed', extra = {}) =>
    aTask(kind, { environment: 'qa', application: app, status, ...(kind === 'pre' ? { workflow: 'smoke-tests' } : {}), ...(kind === 'action' ? { action: 'pr' } : {}), ...extra });

  it('aggregates each kind across applications, in running order, with the failures', () => {
    const tasks = [
      qa('a', 'post', 'Pending'),
      qa('a', 'pre', 'Succeeded', { run: 'run-a' }),
      qa('b', 'pre', 'Failed', { run: 'run-b', message: 'smoke test failed' }),
      qa('a', 'action', 'Running', { message: 'waiting for pull request 3', result: { pullRequest: { provider: 'local', id: '3', url: 'http://x/pull-requests/3' } } }),
      qa('a', 'sync', 'Pending'),
    ];
    expect(taskRows(tasks, false)).toEqual([
      {
        key: 'pre',
        label: 'pre-action',
        name: 'smoke-tests',
        hook: false,
        status: 'Failed',
        failures: [{ application: 'b', message: 'smoke test failed' }],
        waiting: [],
        runs: [
          { application: 'a', run: 'run-a', status: 'Succeeded' },
          { application: 'b', run: 'run-b', status: 'Failed' },
        ],
        pullRequests: [],
      },
      {
        key: 'action',
        label: 'action',
        name: 'pull request',
        hook: false,
        status: 'Running',
        failures: [],
        waiting: [{ application: 'a', message: 'waiting for pull request 3' }],
        runs: [],
        pullRequests: [{ application: 'a', id: '3', url: 'http://x/pull-requests/3' }],
      },
      { key: 'sync', label: 'sync', hook: false, status: 'Pending', failures: [], waiting: [], runs: [], pullRequests: [] },
      { key: 'post', label: 'post-action', hook: false, status: 'Pending', failures: [], waiting: [], runs: [], pullRequests: [] },
    ]);
  });

  it('lists hooks first and last only when asked to', () => {
    const tasks = [
      aTask('hook', { environment: 'production', hook: 'onSuccess', workflow: 'change-request' }),
      aTask('action', { environment: 'production', application: 'p', action: 'commit', status: 'Succeeded' }),
      aTask('hook', { environment: 'production', hook: 'onStart', workflow: 'change-request', status: 'Succeeded' }),
    ];
    expect(taskRows(tasks, false).map((row) => row.label)).toEqual(['action']);
    expect(taskRows(tasks, true).map((row) => `${row.label} ${row.name} ${row.status}`)).toEqual([
      'onStart hook change-request Succeeded',
      'action commit Succeeded',
      'onSuccess hook change-request Pending',
    ]);
  });

  it('shows the trigger workflow of the trigger environment and the release hooks apart', () => {
    const release = aRelease(diamond(), [], [
      aTask('trigger', { environment: 'dev', application: 'cf-101-dev', workflow: 'build-checks', status: 'Succeeded' }),
      aTask('hook', { hook: 'onFail', workflow: 'notify' }),
    ]);
    expect(buildStepNodes(release, true)[0]!.tasks.map((row) => row.label)).toEqual(['trigger workflow']);
    expect(releaseHookRows(release).map((row) => `${row.label} ${row.name}`)).toEqual(['onFail hook notify']);
  });
});

describe('buildStepNodes and reuseUnchanged', () => {
  it('gives each step its status, times and duration', () => {
    const release = aRelease(diamond(), [
      { environment: 'dev', status: 'Succeeded', startedAt: '2026-11-26T15:00:00Z', finishedAt: '2026-11-26T15:00:02.500Z' },
      { environment: 'qa', status: 'Failed', startedAt: '2026-11-26T15:00:03Z', finishedAt: '2026-11-26T15:01:03Z', message: 'smoke test failed' },
    ]);
    const [dev, qa, , production] = buildStepNodes(release, false);
    expect(dev).toMatchObject({ status: 'Succeeded', trigger: true, durationMs: 2500 });
    expect(qa).toMatchObject({ status: 'Failed', durationMs: 60_000, message: 'smoke test failed', dependsOn: ['dev'] });
    expect(production).toMatchObject({ status: 'Pending', environmentKind: 'production' });
    expect(production!.startedAt).toBeUndefined();
  });

  it('keeps the objects of the steps an update did not touch', () => {
    const before = buildStepNodes(aRelease(diamond()), false);
    const after = reuseUnchanged(
      new Map(before.map((node) => [node.environment, node])),
      buildStepNodes(aRelease(diamond(), [{ environment: 'qa', status: 'Running', startedAt: '2026-11-26T15:00:01Z' }]), false),
    );
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[2]).toBe(before[2]);
  });
});
