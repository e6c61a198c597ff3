import { describe, expect, it } from 'vitest';
import { anEnvironment } from '../test/builders.ts';
import type { ReleaseSummary } from './api.ts';
import { buildReleaseRows, dayRangeBounds, environmentColumns, flowLabel } from './rows.ts';

function aSummary(fields: Partial<ReleaseSummary> = {}): ReleaseSummary {
  return {
    id: '01a',
    number: 4,
    title: 'cf-101 #4',
    product: 'cf-101',
    flow: 'env-dependencies',
    flowVersion: '3.0',
    version: '1.4.0',
    trigger: 'flow',
    initiator: 'admin',
    status: 'Failed',
    message: 'qa failed',
    commit: { sha: 'abc', message: 'dev: 1.4.0', author: 'Priya' },
    steps: [
      { environment: 'dev', status: 'Succeeded' },
      { environment: 'qa', status: 'Failed', message: 'smoke test failed' },
    ],
    counters: { succeeded: 1, running: 0, failed: 1, pending: 0 },
    createdAt: '2026-11-26T15:00:00Z',
    updatedAt: '2026-11-26T15:01:00Z',
    ...fields,
  };
}

describe('buildReleaseRows', () => {
  it('makes one row per release with a cell per step and the failure reason', () => {
    expect(buildReleaseRows([aSummary()])).toEqual([
      {
        id: '01a',
        createdAt: '2026-11-26T15:00:00Z',
        title: 'cf-101 #4',
        product: 'cf-101',
        initiator: 'admin',
        flow: 'env-dependencies v3.0',
        version: '1.4.0',
        cells: { dev: { status: 'Succeeded' }, qa: { status: 'Failed', message: 'smoke test failed' } },
        status: 'Failed',
        message: 'qa failed',
      },
    ]);
  });

  it.each([
    ['manual', undefined, 'manual'],
    ['three-env', '1.0', 'three-env v1.0'],
    ['three-env', 'v2', 'three-env v2'],
  ])('flowLabel(%s, %s) → %s', (flow, version, expected) => expect(flowLabel(flow, version)).toBe(expected));
});

describe('environmentColumns', () => {
  it('orders the used environments like the dashboard, undeclared ones last', () => {
    const releases = [aSummary(), aSummary({ steps: [{ environment: 'production', status: 'Pending' }, { environment: 'old', status: 'Succeeded' }] })];
    const environments = [anEnvironment('production', 3, 'production'), anEnvironment('qa', 2), anEnvironment('dev', 1), anEnvironment('staging', 2)];
    expect(environmentColumns(releases, environments)).toEqual(['dev', 'qa', 'production', 'old']);
  });
});

describe('dayRangeBounds', () => {
  it('spans whole local days and leaves open ends out', () => {
    const { since, until } = dayRangeBounds('2026-11-02', '2026-11-03');
    expect(new Date(since!).getTime()).toBe(new Date(2026, 10, 2).getTime());
    expect(new Date(until!).getTime()).toBe(new Date(2026, 10, 4).getTime() - 1);
    expect(dayRangeBounds(undefined, '')).toEqual({});
    expect(dayRangeBounds('not a day', undefined)).toEqual({});
  });
});
