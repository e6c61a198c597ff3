import { createRelease, type Release, type ReleaseSnapshot } from '@stagecoach/core';

/** A small snapshot: dev (trigger) → qa with the commit action, one application each. */
export function sampleSnapshot(product = 'shop'): ReleaseSnapshot {
  const application = (environment: string) => ({ name: `${product}-${environment}`, repoURL: `https://git.example/${product}.git`, branch: 'main', folder: `envs/${environment}`, namespace: environment });
  return {
    flow: { name: 'manual', timeout: '24h', timeoutMs: 86_400_000, hooks: {} },
    source: { application: application('dev'), environment: 'dev', commit: { sha: 'a'.repeat(40), message: 'bump', author: 'Dev <dev@example.com>', date: '2026-01-01T00:00:00.000Z' } },
    steps: [
      { environment: 'dev', environmentKind: 'non-production', trigger: true, dependsOn: [], hooks: {}, applications: [application('dev')] },
      {
        environment: 'qa',
        environmentKind: 'non-production',
        trigger: false,
        dependsOn: ['dev'],
        policy: { action: { value: 'commit', source: { type: 'default' } } },
        hooks: {},
        applications: [application('qa')],
      },
    ],
  };
}

/** A new Queued release of the sample snapshot. */
export function sampleRelease(over: { id?: string; number?: number; product?: string; now?: string } = {}): Release {
  const product = over.product ?? 'shop';
  return createRelease({
    id: over.id ?? 'r1',
    number: over.number ?? 1,
    product,
    trigger: 'manual',
    initiator: 'alice',
    version: '1.0.0',
    snapshot: sampleSnapshot(product),
    now: over.now ?? '2026-01-01T00:00:00.000Z',
  });
}
