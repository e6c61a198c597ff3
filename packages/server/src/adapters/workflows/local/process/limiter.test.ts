import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { createLimiter } from './limiter.ts';

describe('createLimiter', () => {
  it('defaults to the number of CPUs and rejects a bad max', () => {
    assert.equal(createLimiter().max, availableParallelism());
    assert.throws(() => createLimiter(0), /positive integer/);
    assert.throws(() => createLimiter(1.5), /positive integer/);
  });

  it('never runs more than max at once', async () => {
    const limiter = createLimiter(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await tick();
          await tick();
          running--;
        }),
      ),
    );
    assert.equal(peak, 3);
    assert.equal(limiter.active, 0);
    assert.equal(limiter.waiting, 0);
  });

  it('serves waiters first come, first served, and a newcomer never overtakes them', async () => {
    const limiter = createLimiter(1);
    const order: string[] = [];
    const first = await limiter.acquire();
    const waits = ['a', 'b', 'c'].map((name) => limiter.acquire().then((release) => (order.push(name), release)));
    assert.equal(limiter.waiting, 3);
    first();
    // The slot went to "a"; a newcomer must queue behind "b" and "c".
    const late = limiter.acquire().then((release) => (order.push('late'), release));
    for (const wait of [...waits, late]) (await wait)();
    assert.deepEqual(order, ['a', 'b', 'c', 'late']);
    assert.equal(limiter.active, 0);
  });

  it('gives a slot back once however often release is called, and after a throw', async () => {
    const limiter = createLimiter(2);
    const release = await limiter.acquire();
    release();
    release();
    assert.equal(limiter.active, 0);
    await assert.rejects(limiter.run(() => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(limiter.active, 0);
  });

  it('lets an aborted waiter leave the queue', async () => {
    const limiter = createLimiter(1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort('stop');
    await assert.rejects(aborted, (reason) => reason === 'stop');
    assert.equal(limiter.waiting, 1);
    held();
    (await next)();
    assert.equal(limiter.active, 0);
    await assert.rejects(limiter.acquire(AbortSignal.abort('already')), (reason) => reason === 'already');
  });
});
