import { describe, expect, it } from 'vitest';
import { createStore } from './boardStore.ts';

describe('createStore', () => {
  it('gives the value last set and tells listeners of each change', () => {
    const store = createStore(1);
    const heard: number[] = [];
    const stop = store.subscribe(() => heard.push(store.get()));
    store.set(2);
    store.set(2);
    store.set(3);
    stop();
    store.set(4);
    expect(heard).toEqual([2, 3]);
    expect(store.get()).toBe(4);
  });
});
