import { describe, expect, it } from 'vitest';
import { anEnvironment } from '../test/builders.ts';
import { describeDestinations, environmentFromValues, environmentValues, newEnvironmentValues, splitList } from './environments.ts';

describe('environment form values', () => {
  it('suggests the order after the last one for a new environment', () => {
    expect(newEnvironmentValues([anEnvironment('dev', 1), anEnvironment('qa', 4)]).order).toBe(5);
    expect(newEnvironmentValues([]).order).toBe(1);
  });

  it('turns the form into an environment, dropping blank destinations and empty namespaces', () => {
    const environment = environmentFromValues({
      name: ' perf ',
      kind: 'production',
      order: 7,
      destinations: [
        { server: 'https://kubernetes.default.svc', name: 'in-cluster', namespaces: 'perf, perf-2' },
        { server: 'https://eu.example', name: '', namespaces: '' },
        { server: '', name: '', namespaces: '' },
      ],
    });
    expect(environment).toEqual({
      apiVersion: 'stagecoach.dev/v1alpha1',
      kind: 'Environment',
      metadata: { name: 'perf' },
      spec: {
        kind: 'production',
        order: 7,
        argocd: {
          destinations: [
            { server: 'https://kubernetes.default.svc', name: 'in-cluster', namespaces: ['perf', 'perf-2'] },
            { server: 'https://eu.example' },
          ],
        },
      },
    });
  });

  it('round-trips a stored environment, keeping its labels and leaving out a missing order', () => {
    const stored = anEnvironment('qa', 2);
    stored.metadata.labels = { team: 'core' };
    stored.spec.argocd = { destinations: [{ server: 's', namespaces: ['qa'] }] };
    const values = environmentValues(stored);
    expect(values).toEqual({ name: 'qa', kind: 'non-production', order: 2, destinations: [{ server: 's', name: '', namespaces: 'qa' }] });
    expect(environmentFromValues({ ...values, order: '' }, stored)).toEqual({
      apiVersion: 'stagecoach.dev/v1alpha1',
      kind: 'Environment',
      metadata: { name: 'qa', labels: { team: 'core' } },
      spec: { kind: 'non-production', argocd: { destinations: [{ server: 's', namespaces: ['qa'] }] } },
    });
  });

  it('splits lists on commas and spaces', () => {
    expect(splitList(' a,b  c,, ')).toEqual(['a', 'b', 'c']);
  });

  it('describes destinations, all namespaces when none are named', () => {
    const environment = anEnvironment('prod', 4, 'production');
    environment.spec.argocd = { destinations: [{ server: 'https://k', name: 'eu' }, { server: 'https://k2', namespaces: ['a', 'b'] }] };
    expect(describeDestinations(environment)).toEqual(['eu (https://k) → all namespaces', 'https://k2 → a, b']);
  });
});
