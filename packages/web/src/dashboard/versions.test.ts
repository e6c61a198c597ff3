import { describe, expect, it } from 'vitest';
import { anApplication, anEnvironment } from '../test/builders.ts';
import { buildBoard } from './board.ts';
import {
  cardDeployment,
  cardVersion,
  productCardEntry,
  promotingByEnvironment,
  reportsDeployment,
  sameCardEntry,
  summariseColumn,
  type ApplicationVersion,
  type Deployment,
  type ProductVersions,
  type VersionIndex,
} from './versions.ts';

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
    const none = { deployed: 0, healthy: 0, degraded: 0, outOfSync: 0 };
    expect(summariseColumn(dev!, index, promoting)).toEqual({ versioned: 1, unknown: 0, loading: 0, promoting: 0, ...none });
    // cf-101-qa has a reason, broken failed as a whole, idle has not answered yet.
    expect(summariseColumn(qa!, index, promoting)).toEqual({ versioned: 0, unknown: 2, loading: 1, promoting: 1, ...none });
  });

  it('counts healthy, degraded and out-of-sync applications among those that report a deployment', () => {
    const [production] = buildBoard(
      [anEnvironment('production', 1, 'production')],
      ['eu', 'us', 'asia', 'git'].map((region) => anApplication(`web-${region}`, 'web', 'production')).concat(anApplication('api-eu', 'api', 'production')),
    );
    const deployed: VersionIndex = new Map([
      [
        'web',
        withDeployments(versionsOf('web', { production: { 'web-eu': '2.0.0', 'web-us': '2.1.0', 'web-asia': '2.0.0', 'web-git': '2.0.0' } }), {
          'web-eu': { sync: 'Synced', health: 'Healthy' },
          'web-us': { sync: 'OutOfSync', health: 'Degraded', message: 'crash loop' },
          'web-asia': { sync: 'OutOfSync', health: 'Progressing' },
        }),
      ],
      ['api', withDeployments(versionsOf('api', { production: { 'api-eu': { reason: 'no file' } } }), { 'api-eu': { sync: 'Unknown', health: 'Unknown', message: 'Argo CD down' } })],
    ]);
    expect(summariseColumn(production!, deployed, new Map())).toEqual({
      versioned: 4,
      unknown: 1,
      loading: 0,
      promoting: 0,
      deployed: 4,
      healthy: 1,
      degraded: 1,
      outOfSync: 2,
    });
  });
});

function withDeployments(versions: ProductVersions, deployments: Record<string, Deployment>): ProductVersions {
  return {
    ...versions,
    environments: versions.environments.map((environment) => ({
      ...environment,
      applications: environment.applications.map((application) =>
        deployments[application.application] === undefined ? application : { ...application, deployment: deployments[application.application]! },
      ),
    })),
  };
}

describe('cardDeployment', () => {
  const apps = (deployments: Record<string, Deployment | undefined>): ApplicationVersion[] =>
    Object.entries(deployments).map(([application, deployment]) => ({ application, environment: 'qa', branch: 'main', version: '1.0.0', ...(deployment ? { deployment } : {}) }));

  it('shows the worst health, a known problem before an unknown state, and the worst sync', () => {
    expect(cardDeployment(apps({ a: { sync: 'Synced', health: 'Healthy' } }))).toEqual({ health: 'Healthy', sync: 'Synced' });
    expect(
      cardDeployment(apps({ a: { sync: 'Synced', health: 'Healthy' }, b: { sync: 'Unknown', health: 'Unknown', message: 'Argo CD down' }, c: { sync: 'Synced', health: 'Progressing' } })),
    ).toEqual({ health: 'Unknown', sync: 'Unknown', message: 'b: Argo CD down' });
    expect(
      cardDeployment(apps({ a: { sync: 'OutOfSync', health: 'Unknown' }, b: { sync: 'Unknown', health: 'Degraded', message: 'crash loop' }, c: { sync: 'Synced', health: 'Missing' } })),
    ).toEqual({ health: 'Degraded', sync: 'OutOfSync', message: 'b: crash loop' });
    expect(cardDeployment(apps({ a: { sync: 'Synced', health: 'Suspended' }, b: { sync: 'Synced', health: 'Healthy' } }))).toEqual({ health: 'Suspended', sync: 'Synced' });
  });

  it("gives a single application's message as it is", () => {
    expect(cardDeployment(apps({ a: { sync: 'Synced', health: 'Degraded', message: 'crash loop' } }))).toEqual({ health: 'Degraded', sync: 'Synced', message: 'crash loop' });
  });

  it('is undefined when no application reports a deployment, or the versions are not there', () => {
    expect(cardDeployment(apps({ a: undefined, b: undefined }))).toBeUndefined();
    expect(cardDeployment(apps({ a: undefined, b: { sync: 'Synced', health: 'Healthy' } }))).toEqual({ health: 'Healthy', sync: 'Synced' });
    expect(cardDeployment(undefined)).toBeUndefined();
    expect(cardDeployment({ error: 'boom' })).toBeUndefined();
  });
});

describe('card entries', () => {
  const answer = () =>
    withDeployments(versionsOf('cf-101', { dev: { 'cf-101-dev': '1.4.0' }, qa: { 'cf-101-qa': '1.3.0' } }), {
      'cf-101-dev': { sync: 'Synced', health: 'Healthy', revision: 'a'.repeat(40) },
    });

  it("are the card's applications in its environment, the product's failure, or undefined while loading", () => {
    const versions = answer();
    expect(productCardEntry(versions, 'qa')).toBe(versions.environments[1]!.applications);
    expect(productCardEntry(versions, 'staging')).toEqual([]);
    expect(productCardEntry({ error: 'boom' }, 'qa')).toEqual({ error: 'boom' });
    expect(productCardEntry(undefined, 'qa')).toBeUndefined();
  });

  it('are the same when a new answer shows the card the same, and differ on any field the card shows', () => {
    const dev = (versions: ProductVersions) => productCardEntry(versions, 'dev');
    expect(sameCardEntry(dev(answer()), dev(answer()))).toBe(true);
    expect(sameCardEntry(productCardEntry(answer(), 'staging'), productCardEntry(answer(), 'staging'))).toBe(true);
    expect(sameCardEntry({ error: 'boom' }, { error: 'boom' })).toBe(true);

    const changed = (change: Partial<ApplicationVersion>) => {
      const versions = answer();
      const [application] = versions.environments[0]!.applications;
      versions.environments[0]!.applications[0] = { ...application!, ...change };
      return dev(versions);
    };
    for (const change of [
      { version: '1.4.1' },
      { reason: 'gone' },
      { commit: 'c'.repeat(40) },
      { lastChange: { sha: 'd'.repeat(40), author: { name: 'Dana', email: 'dana@example.com', date: '2026-01-02T10:00:00Z' }, message: 'bump' } },
      { deployment: { sync: 'OutOfSync', health: 'Healthy', revision: 'a'.repeat(40) } } as const,
      { deployment: { sync: 'Synced', health: 'Degraded', revision: 'a'.repeat(40) } } as const,
      { deployment: { sync: 'Synced', health: 'Healthy', revision: 'b'.repeat(40) } } as const,
      { deployment: { sync: 'Synced', health: 'Healthy', revision: 'a'.repeat(40), message: 'new' } } as const,
      { deployment: undefined },
    ]) {
      expect(sameCardEntry(dev(answer()), changed(change)), JSON.stringify(change)).toBe(false);
    }
    // A change in another environment leaves this card alone.
    const other = answer();
    other.environments[1]!.applications[0] = { ...other.environments[1]!.applications[0]!, version: '9.9.9' };
    expect(sameCardEntry(dev(answer()), dev(other))).toBe(true);
    expect(sameCardEntry(dev(answer()), { error: 'boom' })).toBe(false);
    expect(sameCardEntry({ error: 'boom' }, { error: 'other' })).toBe(false);
    expect(sameCardEntry(dev(answer()), undefined)).toBe(false);
    expect(sameCardEntry(dev(answer()), productCardEntry(versionsOf('cf-101', { dev: { 'cf-101-dev': '1.4.0', 'cf-101-dev-b': '1.4.0' } }), 'dev'))).toBe(false);
  });

  it('tell when an answer reports a deployment', () => {
    expect(reportsDeployment([answer()])).toBe(true);
    expect(reportsDeployment([versionsOf('web', { dev: { 'web-dev': '1.0.0' } })])).toBe(false);
    expect(reportsDeployment(undefined)).toBe(false);
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
