import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderVersions } from './versions.ts';

const change = { sha: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0', author: { name: 'Dana', email: 'dana@example.com', date: '2026-01-02T10:00:00Z' }, message: 'Bump to 1.4.0\n\nbody' };

describe('versions output', () => {
  test('a row per application with its version or why it is unknown, and the last change', () => {
    const out = renderVersions({
      product: 'cf-101',
      environments: [
        { environment: 'dev', applications: [{ application: 'cf-101-dev', branch: 'main', version: '1.4.0', lastChange: change }] },
        { environment: 'qa', applications: [{ application: 'cf-101-qa', branch: 'main', reason: 'Chart.yaml: no such file' }] },
      ],
    });
    const [header, dev, qa] = out.trimEnd().split('\n').map((line) => line.split(/\s{2,}/));
    assert.deepEqual(header, ['ENVIRONMENT', 'APPLICATION', 'VERSION', 'COMMIT', 'AUTHOR', 'DATE', 'MESSAGE']);
    assert.deepEqual(dev, ['dev', 'cf-101-dev', '1.4.0', 'a1b2c3d4e5f6', 'Dana', '2026-01-02T10:00:00Z', 'Bump to 1.4.0']);
    assert.deepEqual(qa!.slice(0, 3), ['qa', 'cf-101-qa', 'unknown (Chart.yaml: no such file)']);
  });

  test('sync and health columns when Argo CD deploys any application', () => {
    const out = renderVersions({
      product: 'cf-101',
      environments: [
        { environment: 'dev', applications: [{ application: 'cf-101-dev', branch: 'main', version: '1.4.0' }] },
        { environment: 'production', applications: [{ application: 'cf-101-prod', branch: 'main', version: '1.3.0', deployment: { sync: 'OutOfSync', health: 'Degraded' } }] },
      ],
    });
    const [header, dev, production] = out.trimEnd().split('\n').map((line) => line.split(/\s{2,}/));
    assert.deepEqual(header!.slice(0, 5), ['ENVIRONMENT', 'APPLICATION', 'VERSION', 'SYNC', 'HEALTH']);
    assert.deepEqual(dev!.slice(0, 5), ['dev', 'cf-101-dev', '1.4.0', '-', '-']);
    assert.deepEqual(production!.slice(0, 5), ['production', 'cf-101-prod', '1.3.0', 'OutOfSync', 'Degraded']);
  });
});
