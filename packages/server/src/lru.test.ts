import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LruMap } from './lru.ts';

describe('LruMap', () => {
  test('drops the least recently used entry beyond its limit; a read counts as a use', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    assert.equal(map.get('a'), 1);
    map.set('c', 3);
    assert.deepEqual([map.has('a'), map.has('b'), map.has('c')], [true, false, true]);
    map.set('a', 10);
    map.set('d', 4);
    assert.deepEqual([map.get('a'), map.has('c'), map.get('d')], [10, false, 4]);
    assert.equal(map.size, 2);
    assert.equal(map.delete('a'), true);
    assert.equal(map.get('a'), undefined);
  });

  test('refuses a limit that is not a positive integer', () => {
    assert.throws(() => new LruMap(0), /positive integer, got 0/);
  });
});
