import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Clock } from '../../clock.ts';
import type { EventBus, EventFilter, StagecoachEvent } from '../../events/port.ts';
import type { Store } from '../../store/port.ts';
import { openStore } from '../store/open.ts';
import { createTestDatabase, postgresUnavailable, withPostgresAdmin } from '../../testing/databases.ts';
import { openEventBus, type EventBusConfig } from './open.ts';
import { LISTENER_APPLICATION_NAME } from './postgres/index.ts';

/** A clock that moves only when told to. */
function manualClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (next) => void (now = new Date(next)) };
}

/** What one subscriber received, and a way to wait for more. */
interface Received {
  events: StagecoachEvent[];
  /** Resolves once `count` events arrived; fails after a generous time, listing what came. */
  until(count: number): Promise<StagecoachEvent[]>;
  stop(): void;
}

function receive(bus: EventBus, options: { after?: string; filter?: EventFilter } = {}): Received {
  const events: StagecoachEvent[] = [];
  const waiting = new Set<() => void>();
  const stop = bus.subscribe(options, (event) => {
    events.push(event);
    for (const check of waiting) check();
  });
  return {
    events,
    stop,
    until(count) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`waited for ${count} events, got ${events.length}: ${JSON.stringify(events.map((e) => e.id))}`));
        }, 10_000);
        const check = () => {
          if (events.length < count) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve(events);
        };
        waiting.add(check);
        check();
      });
    },
  };
}

const ids = (events: StagecoachEvent[]) => events.map((e) => e.id);
const ns = (events: StagecoachEvent[]) => events.map((e) => e.data.n);

/** Strictly increasing as numbers, so in order and without duplicates. */
function assertIncreasing(events: StagecoachEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    assert.ok(Number(events[i]!.id) > Number(events[i - 1]!.id), `event ${i} (${events[i]!.id}) after ${events[i - 1]!.id}: ${ids(events).join(',')}`);
  }
}

/** One database for a suite, and how to open buses on it. */
interface Harness {
  dialect: Store['dialect'];
  setUp(): Promise<void>;
  openStore(): Promise<Store>;
  busConfig(store: Store): Omit<EventBusConfig, 'clock' | 'onError'>;
  tearDown(): Promise<void>;
}

function busSuite(harness: Harness): void {
  let store: Store;
  let bus: EventBus;
  let clock: ReturnType<typeof manualClock>;
  let errors: unknown[];
  let run = 0;
  /** A product name of this test only: the log is shared by the suite's tests. */
  const product = (name = 'shop') => `${name}-${run}`;
  const mine = (extra: EventFilter = {}): EventFilter => ({ product: product(), ...extra });
  const open = (s: Store, over: Partial<EventBusConfig> = {}) =>
    openEventBus({ ...harness.busConfig(s), clock, onError: (e) => errors.push(e), ...over });

  before(() => harness.setUp());
  after(() => harness.tearDown());
  beforeEach(async () => {
    run += 1;
    errors = [];
    clock = manualClock('2026-03-01T10:00:00.000Z');
    store = await harness.openStore();
    bus = await open(store);
  });
  afterEach(async () => {
    await bus.close();
    await store.close();
    assert.deepEqual(errors, [], 'no failure was reported');
  });

  it('publish stores the event with an id and the time, and live subscribers receive it as stored', async () => {
    const live = receive(bus, { filter: mine() });
    const published = await bus.publish({ type: 'release', product: product(), release: 'r1', data: { status: 'Running', n: 1 } });
    assert.match(published.id, /^[1-9][0-9]*$/);
    assert.deepEqual(published, { id: published.id, type: 'release', at: '2026-03-01T10:00:00.000Z', product: product(), release: 'r1', data: { status: 'Running', n: 1 } });
    assert.deepEqual(await live.until(1), [published]);
    const bare = await bus.publish({ type: 'version', data: {} });
    assert.ok(!('product' in bare) && !('release' in bare), 'no product or release keys when unset');
    assert.ok(Number(bare.id) > Number(published.id));
  });

  it('resumes after an id: stored events after it, then live ones, each once, in order', async () => {
    const first = await bus.publish({ type: 'step', product: product(), data: { n: 1 } });
    await bus.publish({ type: 'step', product: product(), data: { n: 2 } });
    await bus.publish({ type: 'step', product: product(), data: { n: 3 } });
    const resumed = receive(bus, { after: first.id, filter: mine() });
    const everything = receive(bus, { after: '0', filter: mine() });
    assert.deepEqual(ns(await resumed.until(2)), [2, 3]);
    await bus.publish({ type: 'step', product: product(), data: { n: 4 } });
    assert.deepEqual(ns(await resumed.until(3)), [2, 3, 4]);
    assert.deepEqual(ns(await everything.until(4)), [1, 2, 3, 4]);
    const last = await bus.publish({ type: 'step', product: product(), data: { n: 5 } });
    const fromLast = receive(bus, { after: last.id, filter: mine() });
    await bus.publish({ type: 'step', product: product(), data: { n: 6 } });
    assert.deepEqual(ns(await fromLast.until(1)), [6]);
    assert.deepEqual(ns(await resumed.until(5)), [2, 3, 4, 5, 6]);
    assertIncreasing(everything.events);
  });

  it('without after, delivers only events published from then on', async () => {
    await bus.publish({ type: 'step', product: product(), data: { n: 1 } });
    const live = receive(bus, { filter: mine() });
    await bus.publish({ type: 'step', product: product(), data: { n: 2 } });
    assert.deepEqual(ns(await live.until(1)), [2]);
  });

  it('filters by types, product and release, when resuming and live', async () => {
    const publishAll = async (base: number) => {
      await bus.publish({ type: 'release', product: product(), release: 'r1', data: { n: base + 1 } });
      await bus.publish({ type: 'step', product: product(), release: 'r1', data: { n: base + 2 } });
      await bus.publish({ type: 'workflow-node', product: product(), release: 'r2', data: { n: base + 3 } });
      await bus.publish({ type: 'version', product: product('bank'), data: { n: base + 4 } });
    };
    await publishAll(0);
    const subscribers = {
      steps: receive(bus, { after: '0', filter: mine({ types: ['step'] }) }),
      releaseAndNode: receive(bus, { after: '0', filter: mine({ types: ['release', 'workflow-node'] }) }),
      r1: receive(bus, { after: '0', filter: { release: 'r1', product: product() } }),
      bank: receive(bus, { after: '0', filter: { product: product('bank') } }),
      r2Steps: receive(bus, { after: '0', filter: mine({ release: 'r2', types: ['step'] }) }),
    };
    await publishAll(10);
    assert.deepEqual(ns(await subscribers.steps.until(2)), [2, 12]);
    assert.deepEqual(ns(await subscribers.releaseAndNode.until(4)), [1, 3, 11, 13]);
    assert.deepEqual(ns(await subscribers.r1.until(4)), [1, 2, 11, 12]);
    assert.deepEqual(ns(await subscribers.bank.until(2)), [4, 14]);
    assert.deepEqual(subscribers.r2Steps.events, []);
  });

  it('keeps order and delivers each event once while many are published at the same time', async () => {
    const live = receive(bus, { filter: mine() });
    const count = 40;
    const publishing = Promise.all(Array.from({ length: count }, (_, n) => bus.publish({ type: 'step', product: product(), data: { n } })));
    // Subscribers that resume while events are being published.
    const early = receive(bus, { after: '0', filter: mine() });
    await new Promise((resolve) => setImmediate(resolve));
    const middle = receive(bus, { after: '0', filter: mine() });
    const published = await publishing;
    const late = receive(bus, { after: '0', filter: mine() });
    const expected = [...ids(published)].sort((a, b) => Number(a) - Number(b));
    for (const [name, subscriber] of Object.entries({ live, early, middle, late })) {
      const got = await subscriber.until(count);
      assertIncreasing(got);
      assert.deepEqual(ids(got), expected, name);
    }
  });

  it('stops delivering after unsubscribe and after close; a throwing listener is reported and the next event still comes', async () => {
    const stopped = receive(bus, { filter: mine() });
    stopped.stop();
    const thrower: StagecoachEvent[] = [];
    bus.subscribe({ filter: mine() }, (event) => {
      thrower.push(event);
      if (event.data.n === 1) throw new Error('listener failure');
    });
    const live = receive(bus, { filter: mine() });
    await bus.publish({ type: 'step', product: product(), data: { n: 1 } });
    await bus.publish({ type: 'step', product: product(), data: { n: 2 } });
    assert.deepEqual(ns(await live.until(2)), [1, 2]);
    assert.deepEqual(ns(thrower), [1, 2]);
    assert.deepEqual(stopped.events, []);
    assert.equal(errors.length, 1);
    assert.match(String((errors[0] as Error).message), /listener threw/);
    errors.length = 0;

    await bus.close();
    await bus.close();
    await assert.rejects(bus.publish({ type: 'step', data: {} }), /closed/);
    const afterClose = receive(bus, { after: '0' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(afterClose.events, []);
  });

  it('refuses a malformed type or resume id', async () => {
    for (const type of ['', 'two\nlines', 'a b', '-leading', 'x'.repeat(101)]) {
      await assert.rejects(bus.publish({ type, data: {} }), TypeError, JSON.stringify(type));
    }
    for (const after of ['', '-1', '1.5', 'abc', '1'.repeat(16)]) {
      assert.throws(() => bus.subscribe({ after }, () => {}), TypeError, after);
    }
  });

  it('a prune asked for while a slow one runs is made when that one ends, and closing waits for it', async () => {
    const left = async () => (await store.events.listAfter(0, { filter: mine() })).map((e) => e.data.n);
    const prune = store.events.prune;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    store.events.prune = async (options) => {
      calls += 1;
      if (calls === 1) await gate;
      return prune.call(store.events, options);
    };
    try {
      await bus.close();
      bus = await open(store, { retention: { maxAgeMs: 60 * 60 * 1000, pruneEveryMs: 10 * 60 * 1000 } });
      await bus.publish({ type: 'step', product: product(), data: { n: 1 } });
      clock.set('2026-03-01T11:05:00.000Z');
      // The first prune (at 10:00, nothing old yet) is still running: this one's is owed.
      await bus.publish({ type: 'step', product: product(), data: { n: 2 } });
      release();
      await bus.close();
      assert.equal(calls, 2);
      assert.deepEqual(await left(), [2], 'an hour old at 11:05: removed');
    } finally {
      store.events.prune = prune;
      bus = await open(store);
    }
  });

  it('prunes events older than the retention when publishing, at most once per interval', async () => {
    const left = async () => (await store.events.listAfter(0, { filter: mine() })).map((e) => e.data.n);
    const reopen = async (maxAgeMs: number) => {
      // Closing waits for a prune under way, so what is left can be read right after.
      await bus.close();
      bus = await open(store, { retention: { maxAgeMs, pruneEveryMs: 10 * 60 * 1000 } });
    };
    await reopen(60 * 60 * 1000);
    await bus.publish({ type: 'step', product: product(), data: { n: 1 } });
    clock.set('2026-03-01T11:05:00.000Z');
    await bus.publish({ type: 'step', product: product(), data: { n: 2 } });
    await reopen(60 * 1000);
    assert.deepEqual(await left(), [2], 'an hour old at 11:05: removed');

    await bus.publish({ type: 'step', product: product(), data: { n: 3 } });
    clock.set('2026-03-01T11:10:00.000Z');
    await bus.publish({ type: 'step', product: product(), data: { n: 4 } });
    await reopen(60 * 1000);
    assert.deepEqual(await left(), [2, 3, 4], 'pruned at 11:05, so not again at 11:10');

    clock.set('2026-03-01T11:16:00.000Z');
    await bus.publish({ type: 'step', product: product(), data: { n: 5 } });
    await reopen(60 * 1000);
    assert.deepEqual(await left(), [5]);
  });
}

// --- SQLite: a file in a temporary folder -----------------------------------------------------

let sqliteRoot = '';
describe('event bus on SQLite (in-process)', () => {
  busSuite({
    dialect: 'sqlite',
    async setUp() {
      sqliteRoot = await mkdtemp(join(tmpdir(), 'stagecoach-events-'));
    },
    openStore: () => openStore({ dataDir: sqliteRoot }),
    busConfig: (store) => ({ store }),
    async tearDown() {
      await rm(sqliteRoot, { recursive: true, force: true });
    },
  });
});

// --- PostgreSQL: a fresh database, dropped at the end ------------------------------------------

let database: { name: string; url: string; drop(): Promise<void> } | undefined;
const testUrl = () => database!.url;
const unreachable = await postgresUnavailable();
if (unreachable) console.log(`skipping the PostgreSQL event bus suites. ${unreachable}`);

const postgresHarness: Harness = {
  dialect: 'postgres',
  setUp: async () => {
    database = await createTestDatabase();
  },
  openStore: () => openStore({ databaseUrl: testUrl(), dataDir: '/nonexistent/not-used' }),
  busConfig: (store) => ({ store, databaseUrl: testUrl(), reconnectDelayMs: 20 }),
  tearDown: () => database!.drop(),
};

describe('event bus on PostgreSQL (LISTEN/NOTIFY)', { skip: unreachable ?? false }, () => {
  busSuite(postgresHarness);
});

describe('event bus on PostgreSQL: several replicas', { skip: unreachable ?? false }, () => {
  let stores: Store[] = [];
  let buses: EventBus[] = [];
  let errors: unknown[] = [];
  let run = 0;
  const product = () => `replica-${run}`;
  /** One replica: its own store (connection pool) and bus. The safety-net poll is off (an hour). */
  const replica = async () => {
    const store = await postgresHarness.openStore();
    stores.push(store);
    const bus = await openEventBus({ store, databaseUrl: testUrl(), reconnectDelayMs: 20, pollIntervalMs: 3_600_000, onError: (e) => errors.push(e) });
    buses.push(bus);
    return bus;
  };

  before(() => postgresHarness.setUp());
  after(() => postgresHarness.tearDown());
  beforeEach(() => {
    run += 1;
    errors = [];
  });
  afterEach(async () => {
    for (const bus of buses) await bus.close();
    for (const store of stores) await store.close();
    buses = [];
    stores = [];
  });

  it('two buses on one database see each other\'s events, in one order, each once', async () => {
    const [a, b] = [await replica(), await replica()];
    const onA = receive(a, { filter: { product: product() } });
    const onB = receive(b, { filter: { product: product() } });
    const count = 30;
    const published = await Promise.all(
      Array.from({ length: count }, (_, n) => (n % 2 === 0 ? a : b).publish({ type: 'step', product: product(), data: { n } })),
    );
    const expected = ids(published).sort((x, y) => Number(x) - Number(y));
    assert.deepEqual(ids(await onA.until(count)), expected);
    assert.deepEqual(ids(await onB.until(count)), expected);
    // A third replica resumes from the log, wherever the events were published.
    const c = await replica();
    const onC = receive(c, { after: expected[9]!, filter: { product: product() } });
    assert.deepEqual(ids(await onC.until(count - 10)), expected.slice(10));
    assert.deepEqual(errors, []);
  });

  it('a replica whose listening connection is cut reconnects and receives what it missed', async () => {
    const [a, b] = [await replica(), await replica()];
    const onA = receive(a, { filter: { product: product() } });
    await b.publish({ type: 'step', product: product(), data: { n: 1 } });
    await onA.until(1);

    const cut = await withPostgresAdmin((c) =>
      c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2', [database!.name, LISTENER_APPLICATION_NAME]),
    );
    assert.equal(cut.rowCount, 2, 'one listening connection per replica');
    await b.publish({ type: 'step', product: product(), data: { n: 2 } });
    await b.publish({ type: 'step', product: product(), data: { n: 3 } });
    assert.deepEqual(ns(await onA.until(3)), [1, 2, 3]);
    // Once reconnected, notifications flow again.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await b.publish({ type: 'step', product: product(), data: { n: 4 } });
    assert.deepEqual(ns(await onA.until(4)), [1, 2, 3, 4]);
    assert.ok(errors.length >= 1, 'the lost connection was reported');
    assert.ok(errors.every((e) => /listening connection/.test((e as Error).message)), String(errors));
  });

  it('opening fails with the URL\'s password hidden when PostgreSQL cannot be reached', async () => {
    const store = await postgresHarness.openStore();
    stores.push(store);
    await assert.rejects(
      openEventBus({ store, databaseUrl: 'postgres://someone:secret-pw@127.0.0.1:1/nothing', connectTimeoutMs: 2000 }),
      (e: Error) => /cannot listen on PostgreSQL at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nothing/.test(e.message) && !e.message.includes('secret-pw'),
    );
    await assert.rejects(openEventBus({ store }), /databaseUrl is required/);
  });
});
