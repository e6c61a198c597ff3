import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRelease, type Release, type ReleaseSnapshot, type TaskStatus } from '@stagecoach/core';
import { companionsOf } from './action.ts';

const byDefault = { type: 'default' } as const;

/** dev → {staging, prod-eu, prod-us, prod-ap}: all but prod-ap with a pre-action; prod-us in another repository. */
function parallelRelease(): Release {
  const application = (environment: string, repo = 'shop') => ({ name: `shop-${environment}`, repoURL: `https://git.example/${repo}.git`, branch: 'main', folder: `envs/${environment}`, namespace: environment });
  const step = (environment: string, preAction: boolean, repo?: string) => ({
    environment,
    environmentKind: 'non-production' as const,
    trigger: false,
    dependsOn: ['dev'],
    policy: { action: { value: 'commit' as const, source: byDefault }, ...(preAction ? { preAction: { value: 'smoke', source: byDefault } } : {}) },
    hooks: {},
    applications: [application(environment, repo)],
  });
  const snapshot: ReleaseSnapshot = {
    flow: { name: 'parallel', timeout: '24h', timeoutMs: 86_400_000, hooks: {} },
    source: { application: application('dev'), environment: 'dev', commit: { sha: 'a'.repeat(40), message: 'bump', author: 'Dev <dev@example.com>', date: '2026-01-01T00:00:00.000Z' } },
    steps: [
      { environment: 'dev', environmentKind: 'non-production', trigger: true, dependsOn: [], hooks: {}, applications: [application('dev')] },
      step('staging', true),
      step('prod-eu', true),
      step('prod-us', true, 'shop-us'),
      step('prod-ap', false),
    ],
  };
  return createRelease({ id: 'r1', number: 1, product: 'shop', trigger: 'flow', initiator: 'alice', version: '1.0.0', snapshot, now: '2026-01-01T00:00:00.000Z' });
}

function withStatuses(release: Release, statuses: Record<string, TaskStatus>): Release {
  return { ...release, tasks: release.tasks.map((t) => (statuses[t.key] ? { ...t, status: statuses[t.key]! } : t)) };
}

describe('companionsOf', () => {
  test('names the actions of the same repository and branch whose pre-action is running', () => {
    const release = withStatuses(parallelRelease(), {
      'staging/shop-staging/pre': 'Succeeded',
      'staging/shop-staging/action': 'Running',
      'prod-eu/shop-prod-eu/pre': 'Running',
      'prod-us/shop-prod-us/pre': 'Running',
    });
    const task = release.tasks.find((t) => t.key === 'staging/shop-staging/action')!;
    // prod-us: another repository; prod-ap: no pre-action, its action starts with its step.
    assert.deepEqual(companionsOf(release, task), [{ environment: 'prod-eu', application: 'shop-prod-eu' }]);
  });

  test('leaves out actions already started and steps whose pre-action has not started or has ended', () => {
    const release = withStatuses(parallelRelease(), {
      'staging/shop-staging/pre': 'Succeeded',
      'staging/shop-staging/action': 'Running',
      'prod-eu/shop-prod-eu/pre': 'Succeeded',
      'prod-eu/shop-prod-eu/action': 'Running',
    });
    const task = release.tasks.find((t) => t.key === 'staging/shop-staging/action')!;
    assert.deepEqual(companionsOf(release, task), []);
    assert.deepEqual(companionsOf(withStatuses(release, { 'prod-eu/shop-prod-eu/action': 'Pending', 'prod-eu/shop-prod-eu/pre': 'Failed' }), task), []);
  });
});
