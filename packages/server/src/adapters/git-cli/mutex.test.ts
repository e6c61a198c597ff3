import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Mutex } from './mutex.ts';

describe('Mutex', () => {
  it('runs one holder at a time, in arrival order', async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    let inside = 0;
    await Promise.all(
      [30, 10, 0].map((delay, i) =>
        mutex.run(async () => {
          inside++;
          assert.equal(inside, 1);
          log.push(`start ${i}`);
          await sleep(delay);
          log.push(`end ${i}`);
          inside--;
        }),
      ),
    );
    assert.deepEqual(log, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('is reentrant along one call chain, and released after a throw', async () => {
    const mutex = new Mutex();
    const value = await mutex.run(async () => {
      assert.equal(mutex.heldHere, true);
      return mutex.run(async () => mutex.run(async () => 42));
    });
    assert.equal(value, 42);
    assert.equal(mutex.heldHere, false);
    await assert.rejects(mutex.run(async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await mutex.run(async () => 'free again'), 'free again');
  });

  it('does not let an unrelated call chain in while held', async () => {
    const mutex = new Mutex();
    const order: string[] = [];
    const holder = mutex.run(async () => {
      await sleep(20);
      order.push('holder');
    });
    const other = mutex.run(async () => {
      order.push('other');
    });
    await Promise.all([holder, other]);
    assert.deepEqual(order, ['holder', 'other']);
  });
});
