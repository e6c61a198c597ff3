import { createContext, useCallback, useContext, useRef, useSyncExternalStore } from 'react';
import type { CardRef } from './promotion.ts';
import type { VersionIndex } from './versions.ts';

/** A value cards read without it passing through their props; listeners hear every change. */
export interface Store<T> {
  get(): T;
  set(value: T): void;
  subscribe(listener: () => void): () => void;
}

/** A store holding `initial` until set. */
export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * The part of a store's value that `select` picks; the component re-renders only when that part
 * changes (by `Object.is`, or by `equal` when given).
 */
export function useStoreSelector<T, S>(store: Store<T>, select: (value: T) => S, equal: (a: S, b: S) => boolean = Object.is): S {
  const last = useRef<{ value: S } | null>(null);
  const getSnapshot = useCallback(() => {
    const next = select(store.get());
    if (last.current !== null && equal(last.current.value, next)) return last.current.value;
    last.current = { value: next };
    return next;
  }, [store, select, equal]);
  return useSyncExternalStore(store.subscribe, getSnapshot, getSnapshot);
}

/** What the board shares with its cards outside their props: versions and the card being dragged. */
export interface BoardStores {
  versions: Store<VersionIndex>;
  dragged: Store<CardRef | null>;
  over: Store<CardRef | null>;
}

/** Stores of a board with no versions yet and nothing dragged. */
export function createBoardStores(): BoardStores {
  return { versions: createStore<VersionIndex>(new Map()), dragged: createStore<CardRef | null>(null), over: createStore<CardRef | null>(null) };
}

const fallbackStores = createBoardStores();

/** The stores of the enclosing board. */
export const BoardStoresContext = createContext<BoardStores>(fallbackStores);

/** The stores of the enclosing board. */
export function useBoardStores(): BoardStores {
  return useContext(BoardStoresContext);
}
