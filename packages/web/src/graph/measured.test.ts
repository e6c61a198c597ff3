import type { Node } from '@xyflow/react';
import { describe, expect, test } from 'vitest';
import { MeasuredSizes } from './measured.ts';

const node = (id: string, label = id): Node => ({ id, position: { x: 0, y: 0 }, data: { label } });

describe('MeasuredSizes', () => {
  test('hands a node built afresh the size measured for its id', () => {
    const sizes = new MeasuredSizes();
    const first = node('dev');
    expect(sizes.apply([first])[0]).toBe(first);
    sizes.record([{ id: 'dev', type: 'dimensions', dimensions: { width: 310, height: 130 } }]);
    const rebuilt = node('dev', 'Running');
    const [applied] = sizes.apply([rebuilt]);
    expect(applied).toEqual({ ...rebuilt, measured: { width: 310, height: 130 } });
    expect(rebuilt.measured).toBeUndefined();
  });

  test('returns the same copy for the same node, and a new one for a new node', () => {
    const sizes = new MeasuredSizes();
    sizes.record([{ id: 'qa', type: 'dimensions', dimensions: { width: 310, height: 104 } }]);
    const same = node('qa');
    const [a] = sizes.apply([same]);
    const [b] = sizes.apply([same]);
    expect(b).toBe(a);
    const [c] = sizes.apply([node('qa')]);
    expect(c).not.toBe(a);
  });

  test('takes the latest size, keeps a size the node already carries, and forgets removed nodes', () => {
    const sizes = new MeasuredSizes();
    sizes.record([{ id: 'prod', type: 'dimensions', dimensions: { width: 310, height: 104 } }]);
    sizes.record([{ id: 'prod', type: 'dimensions', dimensions: { width: 310, height: 182 } }]);
    expect(sizes.apply([node('prod')])[0]!.measured).toEqual({ width: 310, height: 182 });
    const carrying = { ...node('prod'), measured: { width: 1, height: 2 } };
    expect(sizes.apply([carrying])[0]).toBe(carrying);
    sizes.record([{ id: 'prod', type: 'remove' }]);
    expect(sizes.apply([node('prod')])[0]!.measured).toBeUndefined();
  });
});
