import { availableParallelism } from 'node:os';

/** Gives back a slot. Calling it again does nothing. */
export type Release = () => void;

/**
 * A counting semaphore: at most `max` holders at once; waiters get a slot in arrival order (a
 * newcomer never overtakes a waiter, even when a slot is free at that instant).
 */
export interface Limiter {
  /** Most holders at once. */
  readonly max: number;
  /** Slots held now. */
  readonly active: number;
  /** Callers waiting for a slot. */
  readonly waiting: number;
  /**
   * Waits for a slot. When `signal` aborts while waiting, the caller leaves the queue and the
   * promise rejects with the signal's reason; a slot already given is not taken back.
   */
  acquire(signal?: AbortSignal): Promise<Release>;
  /** Runs `fn` holding a slot, and gives the slot back however `fn` ends. */
  run<T>(fn: () => Promise<T> | T, signal?: AbortSignal): Promise<T>;
}

interface Waiter {
  grant: (release: Release) => void;
}

/** A {@link Limiter} of `max` slots; default: the number of CPUs the process may use. */
export function createLimiter(max: number = availableParallelism()): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`limiter max must be a positive integer, got ${max}`);
  let active = 0;
  const queue: Waiter[] = [];

  const releaser = (): Release => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = queue.shift();
      // The slot passes straight to the next waiter, so `active` stays and nobody can barge in.
      if (next) next.grant(releaser());
      else active--;
    };
  };

  const acquire = (signal?: AbortSignal): Promise<Release> => {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (active < max && queue.length === 0) {
      active++;
      return Promise.resolve(releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(abortReason(signal!));
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  return {
    max,
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    acquire,
    async run(fn, signal) {
      const release = await acquire(signal);
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}
