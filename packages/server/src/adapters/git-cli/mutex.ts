import { AsyncLocalStorage } from 'node:async_hooks';

/** The mutexes held by the current async call chain. */
const held = new AsyncLocalStorage<ReadonlySet<Mutex>>();

/**
 * An async mutex, reentrant along one async call chain: code running under `run` may call `run`
 * again (directly or through other methods) without waiting for itself. Waiters are served in
 * arrival order.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Whether the current async call chain holds this mutex. */
  get heldHere(): boolean {
    return held.getStore()?.has(this) ?? false;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const mine = held.getStore();
    if (mine?.has(this)) return fn();
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await held.run(new Set([...(mine ?? []), this]), fn);
    } finally {
      release();
    }
  }
}
