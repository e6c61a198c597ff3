import { assertNever } from '../assert.ts';
import type { Product } from '../resources/schemas.ts';
import type { ReleaseStatus } from './model.ts';

/** How a product's releases share it (DESIGN section 3, "Concurrency per product"). */
export interface ConcurrencySettings {
  policy: 'queue' | 'terminate' | 'supersede';
  /** With `queue`: how many may wait; past it the oldest waiting one is terminated. */
  queueLimit: number;
}

/** The default queue length when a product sets none. */
export const DEFAULT_QUEUE_LIMIT = 50;

/** A product's settings with defaults: `queue`, 50 waiting. */
export function concurrencySettings(product: Product | undefined): ConcurrencySettings {
  const c = product?.spec.concurrency;
  return { policy: c?.policy ?? 'queue', queueLimit: c?.queueLimit ?? DEFAULT_QUEUE_LIMIT };
}

/** A release of the product that has not ended, as the concurrency rule sees it. */
export interface ContendingRelease {
  id: string;
  number: number;
  status: ReleaseStatus;
  /** When it joined the queue (creation or retry), ISO 8601; orders the queue, then `number`. */
  queuedAt: string;
}

/** What the rule decides: which Queued release starts, and which releases are terminated, with why. */
export interface Admission {
  admit: string[];
  terminate: { id: string; reason: string }[];
}

const byQueueOrder = (a: ContendingRelease, b: ContendingRelease) => (a.queuedAt < b.queuedAt ? -1 : a.queuedAt > b.queuedAt ? 1 : a.number - b.number);

/**
 * Applies a product's concurrency rule to its releases that have not ended. At most one release
 * of a product runs (Running, Suspended or Terminating) at a time under every rule:
 * - `queue`: the rest wait in order; when more than `queueLimit` wait, the oldest waiting ones are
 *   terminated; the oldest waiting one starts once nothing runs.
 * - `terminate`: the newest release terminates every other one (running and waiting), and starts
 *   once the terminated ones have stopped.
 * - `supersede`: one runs and at most one waits: a newer waiting release replaces (terminates) an
 *   older waiting one; the waiting one starts once nothing runs.
 * Releases already Terminating are never terminated again.
 */
export function admission(settings: ConcurrencySettings, releases: readonly ContendingRelease[]): Admission {
  const queued = releases.filter((r) => r.status === 'Queued').sort(byQueueOrder);
  const running = releases.filter((r) => r.status === 'Running' || r.status === 'Suspended' || r.status === 'Terminating');
  const terminate: Admission['terminate'] = [];
  let waiting = queued;
  switch (settings.policy) {
    case 'queue': {
      const excess = queued.length - settings.queueLimit;
      if (excess > 0) {
        for (const r of queued.slice(0, excess)) terminate.push({ id: r.id, reason: `the queue of waiting releases is full (queueLimit ${settings.queueLimit}): the oldest waiting release was dropped` });
        waiting = queued.slice(excess);
      }
      break;
    }
    case 'terminate': {
      const newest = [...releases].sort(byQueueOrder).at(-1);
      if (!newest) break;
      for (const r of releases) {
        if (r.id === newest.id || r.status === 'Terminating') continue;
        terminate.push({ id: r.id, reason: `terminated by the newer release #${newest.number} (concurrency: terminate)` });
      }
      waiting = newest.status === 'Queued' ? [newest] : [];
      const stillRunning = running.some((r) => r.id !== newest.id);
      return { admit: !stillRunning && waiting.length > 0 ? [newest.id] : [], terminate };
    }
    case 'supersede': {
      const newest = queued.at(-1);
      for (const r of queued.slice(0, -1)) terminate.push({ id: r.id, reason: `superseded by the newer release #${newest!.number} (concurrency: supersede)` });
      waiting = newest ? [newest] : [];
      break;
    }
    default:
      return assertNever(settings.policy, 'concurrency policy');
  }
  return { admit: running.length === 0 && waiting.length > 0 ? [waiting[0]!.id] : [], terminate };
}
