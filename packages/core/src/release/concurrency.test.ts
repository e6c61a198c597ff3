import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { admission, concurrencySettings, type ContendingRelease } from './concurrency.ts';
import { product } from '../test/builders.ts';
import type { ReleaseStatus } from './model.ts';

const r = (number: number, status: ReleaseStatus, queuedAt = `2026-01-01T00:00:0${number}.000Z`): ContendingRelease => ({ id: `r${number}`, number, status, queuedAt });

describe('concurrencySettings', () => {
  it('defaults to queue with 50 waiting', () => {
    assert.deepEqual(concurrencySettings(product('p')), { policy: 'queue', queueLimit: 50 });
    assert.deepEqual(concurrencySettings(product('p', { concurrency: { policy: 'supersede' } })), { policy: 'supersede', queueLimit: 50 });
  });
});

describe('admission', () => {
  const queue = { policy: 'queue', queueLimit: 2 } as const;
  it('queue: starts the oldest waiting release when nothing runs', () => {
    assert.deepEqual(admission(queue, [r(2, 'Queued'), r(1, 'Queued')]), { admit: ['r1'], terminate: [] });
  });
  it('queue: waits while one runs, is suspended or terminating', () => {
    for (const status of ['Running', 'Suspended', 'Terminating'] as const) {
      assert.deepEqual(admission(queue, [r(1, status), r(2, 'Queued')]), { admit: [], terminate: [] });
    }
  });
  it('queue: orders by queue time, so a retried release waits behind newer ones', () => {
    assert.deepEqual(admission(queue, [r(1, 'Queued', '2026-01-01T00:09:00.000Z'), r(2, 'Queued')]), { admit: ['r2'], terminate: [] });
  });
  it('queue: past queueLimit the oldest waiting ones are terminated', () => {
    const decided = admission(queue, [r(1, 'Running'), r(2, 'Queued'), r(3, 'Queued'), r(4, 'Queued'), r(5, 'Queued')]);
    assert.deepEqual(decided.admit, []);
    assert.deepEqual(decided.terminate.map((t) => t.id), ['r2', 'r3']);
    assert.match(decided.terminate[0]!.reason, /queueLimit 2/);
  });
  it('terminate: the newest terminates every other, and starts once they stopped', () => {
    const decided = admission({ policy: 'terminate', queueLimit: 50 }, [r(1, 'Running'), r(2, 'Queued'), r(3, 'Queued')]);
    assert.deepEqual(decided, {
      admit: [],
      terminate: [
        { id: 'r1', reason: 'terminated by the newer release #3 (concurrency: terminate)' },
        { id: 'r2', reason: 'terminated by the newer release #3 (concurrency: terminate)' },
      ],
    });
    assert.deepEqual(admission({ policy: 'terminate', queueLimit: 50 }, [r(1, 'Terminating'), r(3, 'Queued')]), { admit: [], terminate: [] });
    assert.deepEqual(admission({ policy: 'terminate', queueLimit: 50 }, [r(3, 'Queued')]), { admit: ['r3'], terminate: [] });
  });
  it('supersede: one runs, the newest waiting replaces older waiting ones', () => {
    assert.deepEqual(admission({ policy: 'supersede', queueLimit: 50 }, [r(1, 'Running'), r(2, 'Queued'), r(3, 'Queued')]), {
      admit: [],
      terminate: [{ id: 'r2', reason: 'superseded by the newer release #3 (concurrency: supersede)' }],
    });
    assert.deepEqual(admission({ policy: 'supersede', queueLimit: 50 }, [r(2, 'Queued')]), { admit: ['r2'], terminate: [] });
  });
  it('nothing to decide without releases', () => {
    for (const policy of ['queue', 'terminate', 'supersede'] as const) assert.deepEqual(admission({ policy, queueLimit: 5 }, []), { admit: [], terminate: [] });
  });
});
