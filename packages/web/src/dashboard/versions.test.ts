import { describe, expect, it } from 'vitest';
import { anApplication, anEnvironment } from '../test/builders.ts';
import { buildBoard } from './board.ts';
import { cardVersion, promotingByEnvironment, summariseColumn, type ProductVersions, type VersionIndex } from './versions.ts';

function versionsOf(product: string, entries: Record<string, Record<string, string | { reason: string }>>): ProductVersions {
  return {
    product,
    environments: Object.entries(entries).map(([environment, applications]) => ({
      environment,
      applications: Object.entries(applications).map(([application, version]) => ({
        application,
        environment,
        branch: 'main',
        ...(typeof version === 'string' ? { version } : version),
      })),
    })),
  };
}

const index: VersionIndex = new Map<string, ProductVersions | { error: string }>([
  ['cf-101', versionsOf('cf-101', { dev: { 'cf-101-dev': '1.4.0' }, qa: { 'cf-101-qa': { reason: 'Chart.yaml: no such file' } } })],
  ['web', versionsOf('web', { production: { 'web-eu': '2.0.0', 'web-us': '2.1.0', 'web-asia': '2.0.0' } })],
  ['broken', { error: 'the versions could not be read: boom' }],
]);

describe('cardVersion', () => {
  it('shows the one version, or each distinct version when applications differ', () => {
    expect(cardVersion(index, 'cf-101', 'dev')).toEqual({ state: 'known', label: '1.4.0' });
    expect(cardVersion(index, 'web', 'production')).toEqual({ state: 'known', label: '2.0.0, 2.1.0' });
  });

  it('says why a version is unknown', () => {
    expect(cardVersion(index, 'cf-101', 'qa')).toEqual({ state: 'unknown', reason: 'Chart.yaml: no such file' });
    expect(cardVersion(index, 'broken', 'dev')).toEqual({ state: 'unknown', reason: 'the versions could not be read: boom' });
    expect(cardVersion(index, 'cf-101', 'staging')).toEqual({ state: 'unknown', reason: 'no application of this product reported a version' });
  });

  it('is loading until the product answers', () => {
    expect(cardVersion(index, 'idle', 'dev')).toEqual({ state: 'loading' });
  });
});

describe('summariseColumn', () => {
  const [dev, qa] = buildBoard(
    [anEnvironment('dev', 1), anEnvironment('qa', 2)],
    [
      anApplication('cf-101-dev', 'cf-101', 'dev'),
      anApplication('cf-101-qa', 'cf-101', 'qa'),
      anApplication('idle-qa', 'idle', 'qa'),
      anApplication('broken-qa', 'broken', 'qa'),
    ],
  );

  it('counts applications with and without a version, those still loading, and products being promoted into the column', () => {
    const promoting = new Map([['qa', new Set(['cf-101', 'other'])]]);
    expect(summariseColumn(dev!, index, promoting)).toEqual({ versioned: 1, unknown: 0, loading: 0, promoting: 0 });
    // cf-101-qa has a reason, broken failed as a whole, idle has not answered yet.
    expect(summariseColumn(qa!, index, promoting)).toEqual({ versioned: 0, unknown: 2, loading: 1, promoting: 1 });
  });
});

describe('promotingByEnvironment', () => {
  it('collects the products of Running and Suspended steps per environment', () => {
    const result = promotingByEnvironment([
      { product: 'cf-101', steps: [{ environment: 'dev', status: 'Succeeded' }, { environment: 'qa', status: 'Running' }] },
      { product: 'web', steps: [{ environment: 'production', status: 'Suspended' }, { environment: 'qa', status: 'Pending' }] },
    ]);
    expect(result).toEqual(new Map([['qa', new Set(['cf-101'])], ['production', new Set(['web'])]]));
  });
});
