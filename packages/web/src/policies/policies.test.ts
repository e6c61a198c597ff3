import type { PromotionPolicy } from '@stagecoach/core';
import { describe, expect, it } from 'vitest';
import { describeEnvironments, describeProducts, describeSource, evaluationRows, newPolicyValues, policyFromValues, policyValues, sortPolicies, type PolicyEvaluation } from './policies.ts';

function aPolicy(name: string, priority: number, spec: Partial<PromotionPolicy['spec']> = {}): PromotionPolicy {
  return {
    apiVersion: 'stagecoach.dev/v1alpha1',
    kind: 'PromotionPolicy',
    metadata: { name, resourceVersion: '1' },
    spec: { priority, policy: { action: 'commit' }, ...spec },
  };
}

describe('policy list', () => {
  it('sorts by priority, lower first, then by name', () => {
    const sorted = sortPolicies([aPolicy('z', 1000), aPolicy('b', 10), aPolicy('a', 10), aPolicy('m', 50)]);
    expect(sorted.map((p) => p.metadata.name)).toEqual(['a', 'b', 'm', 'z']);
  });

  it('describes the selector', () => {
    const policy = aPolicy('p', 10, { selector: { product: { names: ['cf-101', 'billing-api'] }, targetEnvironment: { kinds: ['production'], names: ['qa'] } } });
    expect(describeProducts(policy)).toBe('PRODUCT = cf-101, billing-api');
    expect(describeEnvironments(policy)).toBe('KIND = production and ENVIRONMENT = qa');
    expect(describeProducts(aPolicy('q', 1))).toBe('any product');
    expect(describeEnvironments(aPolicy('q', 1, { selector: { targetEnvironment: { names: [] } } }))).toBe('any environment');
  });

  it('says where a resolved field came from', () => {
    expect(describeSource({ type: 'policy', name: 'production-needs-pr', priority: 10 })).toBe('policy production-needs-pr (priority 10)');
    expect(describeSource({ type: 'inline', name: 'request' })).toBe('inline (request)');
    expect(describeSource({ type: 'default' })).toBe('default');
  });
});

describe('policy form values', () => {
  it('suggests a priority 10 past the last one below the catch-all range', () => {
    expect(newPolicyValues([aPolicy('a', 10), aPolicy('b', 50), aPolicy('c', 1000)]).priority).toBe(60);
    expect(newPolicyValues([]).priority).toBe(10);
  });

  it('leaves out unset settings and an empty selector', () => {
    const values = { ...newPolicyValues([]), name: 'all-commit', action: '' as const, postAction: 'notify' };
    expect(policyFromValues(values)).toEqual({
      apiVersion: 'stagecoach.dev/v1alpha1',
      kind: 'PromotionPolicy',
      metadata: { name: 'all-commit' },
      spec: { priority: 10, policy: { postAction: 'notify' } },
    });
  });

  it('round-trips a stored policy', () => {
    const stored = aPolicy('prod-pr', 10, {
      selector: { product: { names: ['cf-101'] }, targetEnvironment: { kinds: ['production'] } },
      policy: { preAction: 'integration-tests', action: 'pr' },
    });
    const { resourceVersion: _, ...metadata } = stored.metadata;
    expect(policyFromValues(policyValues(stored), stored)).toEqual({ ...stored, metadata });
  });
});

describe('evaluationRows', () => {
  it('lists pre-action, action and post-action, unset ones without value', () => {
    const evaluation: PolicyEvaluation = {
      product: 'cf-101',
      environment: 'qa',
      fields: { action: { value: 'commit', source: { type: 'default' } }, postAction: { value: 'notify', source: { type: 'policy', name: 'n', priority: 50 } } },
      matched: [{ name: 'n', priority: 50 }],
      warnings: [],
    };
    expect(evaluationRows(evaluation).map((r) => [r.field, r.value, r.source?.type])).toEqual([
      ['preAction', undefined, undefined],
      ['action', 'commit', 'default'],
      ['postAction', 'notify', 'policy'],
    ]);
  });
});
