import { describe, expect, it } from 'vitest';
import { mergeVersions, versionIndex } from './liveVersions.ts';
import type { ProductVersions } from './versions.ts';

function versionsOf(product: string, version: string): ProductVersions {
  return { product, environments: [{ environment: 'dev', applications: [{ application: `${product}-dev`, environment: 'dev', branch: 'main', version }] }] };
}

describe('mergeVersions', () => {
  it('puts the fresh products in place of the old, adds new ones in product order, and leaves the rest', () => {
    const current = [versionsOf('api', '1.0.0'), versionsOf('web', '2.0.0')];
    const merged = mergeVersions(current, [versionsOf('web', '2.1.0'), versionsOf('cart', '0.1.0')]);
    expect(merged.map((entry) => [entry.product, entry.environments[0]!.applications[0]!.version])).toEqual([
      ['api', '1.0.0'],
      ['cart', '0.1.0'],
      ['web', '2.1.0'],
    ]);
    expect(merged[0]).toBe(current[0]);
    expect(current[1]!.environments[0]!.applications[0]!.version).toBe('2.0.0');
  });
});

describe('versionIndex', () => {
  it('indexes the products that answered; the others are still loading', () => {
    const index = versionIndex(['api', 'web'], [versionsOf('api', '1.0.0')], null);
    expect([...index.keys()]).toEqual(['api']);
  });

  it('gives every product the reason when the versions could not be read at all', () => {
    const index = versionIndex(['api', 'web'], undefined, new Error('HTTP 502'));
    expect(index.get('web')).toEqual({ error: 'the versions could not be read: HTTP 502' });
    expect(index.size).toBe(2);
  });
});
