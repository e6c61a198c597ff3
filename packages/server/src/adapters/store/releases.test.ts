import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyReleaseEvent, type Release } from '@stagecoach/core';
import { storeHarnesses } from '../../testing/databases.ts';
import { sampleRelease } from '../../testing/releases.ts';

const harnesses = await storeHarnesses();
const T = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

function admitted(release: Release): Release {
  const result = applyReleaseEvent(release, { type: 'admitted', at: T(1) });
  assert.ok(result.ok);
  return result.release;
}

for (const harness of harnesses) {
  describe(`releases in the store on ${harness.dialect}`, { skip: harness.skip ?? false }, () => {
    after(() => harness.cleanUp());

    it('numbers releases per product, without gaps or repeats under concurrent transactions', async () => {
      const store = await harness.open();
      try {
        const numbers = await Promise.all(Array.from({ length: 8 }, () => store.transaction((tx) => tx.releases.nextNumber('shop'))));
        assert.deepEqual([...numbers].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
        assert.equal(await store.releases.nextNumber('other'), 1);
        await store.releases.lockProduct('third');
        assert.equal(await store.releases.nextNumber('third'), 1);
      } finally {
        await store.close();
      }
    });

    it('stores a release whole, refuses a second release for the same trigger key, and lists with filters newest first', async () => {
      const store = await harness.open();
      try {
        const first = sampleRelease({ id: 'r1', number: 1, now: T(1) });
        assert.equal(await store.releases.create(first, 'git:flow:shop:abc'), 'created');
        assert.equal(await store.releases.create(sampleRelease({ id: 'r2', number: 2, now: T(2) }), 'git:flow:shop:abc'), 'duplicate');
        assert.equal(await store.releases.get('r2'), undefined);
        assert.deepEqual(await store.releases.get('r1'), { release: first, revision: 1 });
        assert.equal((await store.releases.findByTriggerKey('git:flow:shop:abc'))?.release.id, 'r1');
        await store.releases.create(sampleRelease({ id: 'r3', number: 2, now: T(3) }));
        await store.releases.create(sampleRelease({ id: 'r4', number: 1, product: 'cart', now: T(4) }));
        const r3 = (await store.releases.get('r3'))!;
        assert.equal(await store.releases.update(admitted(r3.release), 1), 2);

        assert.deepEqual((await store.releases.list()).map((s) => s.release.id), ['r4', 'r3', 'r1']);
        assert.deepEqual((await store.releases.list({ product: 'shop' })).map((s) => s.release.id), ['r3', 'r1']);
        assert.deepEqual((await store.releases.list({ statuses: ['Running'] })).map((s) => s.release.id), ['r3']);
        assert.deepEqual((await store.releases.list({ since: T(2), until: T(4) })).map((s) => s.release.id), ['r3']);
        assert.deepEqual((await store.releases.list({ limit: 1 })).map((s) => s.release.id), ['r4']);
        assert.deepEqual((await store.releases.list({ flow: 'three-env' })).map((s) => s.release.id), []);
        assert.deepEqual((await store.releases.withStatus(['Queued'])).map((s) => s.release.id), ['r1', 'r4']);
        assert.deepEqual((await store.releases.withStatus(['Queued'], 'cart')).map((s) => s.release.id), ['r4']);
      } finally {
        await store.close();
      }
    });

    it('writes only from the revision read: a stale writer gets undefined and changes nothing', async () => {
      const store = await harness.open();
      try {
        const release = sampleRelease();
        await store.releases.create(release);
        const next = admitted(release);
        const results = await Promise.all([store.releases.update(next, 1), store.releases.update(next, 1)]);
        assert.deepEqual([...results].sort(), [2, undefined]);
        const stored = (await store.releases.get(release.id))!;
        assert.equal(stored.revision, 2);
        assert.equal(stored.release.status, 'Running');
        assert.equal((await store.releases.withStatus(['Running'])).length, 1);
      } finally {
        await store.close();
      }
    });

    it('leases: one owner at a time until expiry; a new owner fences off the old one', async () => {
      const store = await harness.open();
      try {
        const release = sampleRelease();
        await store.releases.create(release);
        const a = await store.releases.claim(release.id, 'A', T(0), T(1));
        assert.deepEqual(a, { owner: 'A', epoch: 1 });
        assert.equal(await store.releases.claim(release.id, 'B', T(0), T(1)), undefined);
        assert.deepEqual(await store.releases.claim(release.id, 'A', T(0), T(2)), { owner: 'A', epoch: 1 }, 'renewal keeps the epoch');
        const b = await store.releases.claim(release.id, 'B', T(3), T(4));
        assert.deepEqual(b, { owner: 'B', epoch: 2 }, 'an expired lease is taken over');
        assert.equal(await store.releases.update(admitted(release), 1, a), undefined, 'the old owner is fenced off');
        assert.equal(await store.releases.update(admitted(release), 1, b), 2);
        await store.releases.unclaim(release.id, 'A');
        assert.equal(await store.releases.claim(release.id, 'C', T(3), T(4)), undefined, 'unclaim by another owner does nothing');
        await store.releases.unclaim(release.id, 'B');
        assert.deepEqual(await store.releases.claim(release.id, 'C', T(3), T(4)), { owner: 'C', epoch: 3 });
      } finally {
        await store.close();
      }
    });
  });
}
