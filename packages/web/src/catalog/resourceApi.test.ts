import { describe, expect, it } from 'vitest';
import { ApiError } from '../api.ts';
import { problemsByField, referrers, withoutServerFields } from './resourceApi.ts';

const detail = (path: string, message: string, extra: Record<string, unknown> = {}) => ({ path, message, rule: 'r', ...extra });

describe('problemsByField', () => {
  it('puts each problem under the field whose path is the longest prefix of its own', () => {
    const error = new ApiError(422, 'validation_failed', 'invalid', [
      detail('metadata.name', 'must be a DNS-1123 label'),
      detail('spec.selector.targetEnvironment.names[0]', 'unknown environment "nope"'),
      detail('spec.selector', 'too broad'),
      detail('spec.other', 'unexpected'),
      detail('', 'whole document'),
    ]);
    const fields = { name: 'metadata.name', selector: 'spec.selector', names: 'spec.selector.targetEnvironment.names' };
    expect(problemsByField(error, fields)).toEqual({
      byField: { name: ['must be a DNS-1123 label'], names: ['unknown environment "nope"'], selector: ['too broad'] },
      other: ['spec.other: unexpected', 'whole document'],
    });
  });

  it('does not take a field path as a prefix of a longer key', () => {
    const error = new ApiError(422, 'validation_failed', 'invalid', [detail('spec.orderly', 'x')]);
    expect(problemsByField(error, { order: 'spec.order' })).toEqual({ byField: {}, other: ['spec.orderly: x'] });
  });

  it('gives the message of an error without details, and nothing for no error', () => {
    expect(problemsByField(new ApiError(0, 'unreachable', 'cannot reach the server'), { name: 'metadata.name' }).other).toEqual(['cannot reach the server']);
    expect(problemsByField(null, { name: 'metadata.name' })).toEqual({ byField: {}, other: [] });
  });
});

describe('referrers', () => {
  it('names each resource an in_use refusal lists, once', () => {
    const error = new ApiError(409, 'in_use', 'still referenced', [
      detail('spec.environment', 'a', { kind: 'Application', name: 'cf-101-qa' }),
      detail('spec.steps[0].environment', 'b', { kind: 'PromotionFlow', name: 'three-env' }),
      detail('spec.steps[1].environment', 'c', { kind: 'PromotionFlow', name: 'three-env' }),
    ]);
    expect(referrers(error)).toEqual(['Application "cf-101-qa"', 'PromotionFlow "three-env"']);
    expect(referrers(new ApiError(404, 'not_found', 'gone'))).toEqual([]);
  });
});

describe('withoutServerFields', () => {
  it('drops the version and timestamps, keeping the rest of the metadata', () => {
    const resource = { metadata: { name: 'qa', labels: { a: 'b' }, resourceVersion: '3', creationTimestamp: 't1', updateTimestamp: 't2' }, spec: { kind: 'production' } };
    expect(withoutServerFields(resource)).toEqual({ metadata: { name: 'qa', labels: { a: 'b' } }, spec: { kind: 'production' } });
  });
});
