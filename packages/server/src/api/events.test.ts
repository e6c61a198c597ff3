import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { openEventBus } from '../adapters/events/open.ts';
import type { EventBus, StagecoachEvent } from '../events/port.ts';
import { ADMIN_SECRET, testApp } from '../testing/harness.ts';
import { connectSse, type SseMessage } from '../testing/sse.ts';
import { createApp, type AppEnv } from './app.ts';
import { EVENTS_PATH, registerEventRoutes } from './events.ts';

/** A bus that counts open subscriptions, to see the route clean up after a client. */
function counting(bus: EventBus): EventBus & { open(): number } {
  let open = 0;
  return {
    publish: (event) => bus.publish(event),
    subscribe(options, listener) {
      open += 1;
      const unsubscribe = bus.subscribe(options, listener);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        open -= 1;
        unsubscribe();
      };
    },
    close: () => bus.close(),
    open: () => open,
  };
}

/** Listens on a free port of 127.0.0.1. */
async function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<{ server: ServerType; url: string }> {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stop(server: ServerType): Promise<void> {
  // Event streams never end on their own: cut them, then close.
  if ('closeAllConnections' in server) server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
}

/** Polls until `ready()` holds; fails after a generous time. */
async function eventually(ready: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !ready(); waited += 10) {
    if (waited > 5000) assert.fail(`still not ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const parsed = (message: SseMessage) => JSON.parse(message.data) as StagecoachEvent;

describe('GET /api/v1/events over HTTP', () => {
  let h: Awaited<ReturnType<typeof testApp>>;
  let bus: ReturnType<typeof counting>;
  let base = '';
  let server: ServerType;
  const url = (query = '') => `${base}${EVENTS_PATH}${query}`;

  before(async () => {
    h = await testApp();
    bus = counting(await openEventBus({ store: h.store }));
    const app = createApp({
      resources: h.resources,
      tokens: h.tokens,
      promotions: h.promotions,
      credentials: h.credentials,
      pullRequests: h.pullRequests,
      workflowRuns: h.workflowRuns,
      version: 'test',
      events: bus,
    });
    ({ server, url: base } = await listen(app.fetch));
  });
  after(async () => {
    await stop(server);
    await bus.close();
    await h.close();
  });

  test('needs a bearer token; the token is never taken from the query string', async () => {
    const missing = await fetch(url());
    assert.equal(missing.status, 401);
    assert.equal(((await missing.json()) as { code: string }).code, 'unauthorized');
    const inQuery = await fetch(url(`?token=${ADMIN_SECRET}&access_token=${ADMIN_SECRET}`));
    assert.equal(inQuery.status, 401);
    await inQuery.body?.cancel();
  });

  test('streams events with id, event and data (the whole event as JSON), filtered by types and product', async () => {
    const stream = await connectSse(url('?types=step,%20release&product=shop'), { token: ADMIN_SECRET });
    assert.equal(stream.response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(stream.response.headers.get('cache-control'), 'no-cache');
    await stream.comment('connected');
    const published = [
      await bus.publish({ type: 'release', product: 'shop', release: 'r1', data: { status: 'Running', note: 'two\nlines "quoted" ü' } }),
      await bus.publish({ type: 'version', product: 'shop', data: { version: '1.2.3' } }),
      await bus.publish({ type: 'step', product: 'bank', data: {} }),
      await bus.publish({ type: 'step', product: 'shop', release: 'r1', data: { environment: 'qa', status: 'Succeeded' } }),
    ];
    const [first, second] = await stream.take(2);
    assert.deepEqual(first, { event: 'release', id: published[0]!.id, data: JSON.stringify(published[0]) });
    assert.deepEqual(parsed(first!), published[0]);
    assert.deepEqual(second, { event: 'step', id: published[3]!.id, data: JSON.stringify(published[3]) });
    stream.close();
  });

  test('resumes after Last-Event-ID, which wins over the after query; after alone resumes too', async () => {
    const product = 'resume';
    const made: StagecoachEvent[] = [];
    for (let n = 1; n <= 4; n++) made.push(await bus.publish({ type: 'step', product, data: { n } }));

    const byHeader = await connectSse(url(`?product=${product}&after=0`), { token: ADMIN_SECRET, lastEventId: made[1]!.id });
    assert.deepEqual((await byHeader.take(2)).map((m) => parsed(m).data.n), [3, 4]);
    const byQuery = await connectSse(url(`?product=${product}&after=${made[0]!.id}`), { token: ADMIN_SECRET });
    assert.deepEqual((await byQuery.take(3)).map((m) => parsed(m).data.n), [2, 3, 4]);

    // A client that reconnects with the last id it saw gets exactly what it missed, then live events.
    byHeader.close();
    const missed = await bus.publish({ type: 'step', product, data: { n: 5 } });
    const again = await connectSse(url(`?product=${product}`), { token: ADMIN_SECRET, lastEventId: made[3]!.id });
    assert.deepEqual(await again.next(), { event: 'step', id: missed.id, data: JSON.stringify(missed) });
    const live = await bus.publish({ type: 'step', product, data: { n: 6 } });
    assert.equal((await again.next()).id, live.id);
    assert.equal((await byQuery.next()).id, missed.id);
    again.close();
    byQuery.close();
  });

  test('every role may watch: a viewer token streams too', async () => {
    const viewer = await h.tokenFor('viewer', 'watcher');
    const stream = await connectSse(url('?release=r-viewer'), { token: viewer });
    const event = await bus.publish({ type: 'release', release: 'r-viewer', data: {} });
    assert.equal((await stream.next()).id, event.id);
    stream.close();
  });

  test('refuses a malformed after (422) or Last-Event-ID (400)', async () => {
    const headers = { authorization: `Bearer ${ADMIN_SECRET}` };
    const badQuery = await fetch(url('?after=12a'), { headers });
    assert.equal(badQuery.status, 422);
    const body = (await badQuery.json()) as { code: string; message: string };
    assert.equal(body.code, 'validation_failed');
    assert.match(body.message, /after/);
    const badHeader = await fetch(url(), { headers: { ...headers, 'last-event-id': 'x1' } });
    assert.equal(badHeader.status, 400);
    assert.deepEqual(await badHeader.json(), { code: 'bad_request', message: 'Last-Event-ID "x1" is not an event id (decimal digits, at most 15)', details: [] });
  });

  test('unsubscribes when the client goes', async () => {
    await eventually(() => bus.open() === 0, 'free of earlier subscriptions');
    const streams = [await connectSse(url(), { token: ADMIN_SECRET }), await connectSse(url('?types=step'), { token: ADMIN_SECRET })];
    await eventually(() => bus.open() === 2, 'subscribed twice');
    streams[0]!.close();
    await eventually(() => bus.open() === 1, 'unsubscribed after the first client left');
    streams[1]!.close();
    await eventually(() => bus.open() === 0, 'unsubscribed after both left');
    const head = await fetch(url(), { method: 'HEAD', headers: { authorization: `Bearer ${ADMIN_SECRET}` } });
    assert.equal(head.status, 200);
    await eventually(() => bus.open() === 0, 'unsubscribed after a HEAD request');
  });

  test('is listed in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as any;
    const get = doc.paths[EVENTS_PATH].get;
    assert.ok(get.responses['200'].content['text/event-stream']);
    assert.deepEqual(Object.keys(doc.components.schemas.Event.properties), ['id', 'type', 'at', 'product', 'release', 'data']);
    assert.deepEqual(get.parameters.map((p: { name: string }) => p.name).sort(), ['after', 'last-event-id', 'product', 'release', 'types']);
  });
});

describe('the events route on its own', () => {
  test('sends a keep-alive comment while idle', async () => {
    const h = await testApp();
    const bus = await openEventBus({ store: h.store });
    const app = new OpenAPIHono<AppEnv>();
    registerEventRoutes(app, { events: bus, keepAliveMs: 20 });
    const { server, url } = await listen(app.fetch);
    try {
      const stream = await connectSse(`${url}${EVENTS_PATH}`);
      await stream.comment('keep-alive');
      stream.close();
    } finally {
      await stop(server);
      await bus.close();
      await h.close();
    }
  });

  test('ends the stream of a client that falls too far behind; it resumes from the last id it read', async () => {
    const h = await testApp();
    const bus = counting(await openEventBus({ store: h.store }));
    const app = new OpenAPIHono<AppEnv>();
    registerEventRoutes(app, { events: bus, maxPendingEvents: 3 });
    try {
      // In-process: nothing reads the body while the events are published.
      const response = await app.request(EVENTS_PATH);
      await eventually(() => bus.open() === 1, 'subscribed');
      for (let n = 1; n <= 10; n++) await bus.publish({ type: 'step', data: { n } });
      assert.equal(bus.open(), 0, 'unsubscribed once too far behind');
      const text = await response.text();
      const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]);
      assert.ok(ids.length >= 3 && ids.length < 10, `some events, then the end: ${ids.join(',')}`);
    } finally {
      await bus.close();
      await h.close();
    }
  });
});
