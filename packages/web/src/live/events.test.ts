import { afterEach, describe, expect, it, vi } from 'vitest';
import { storeToken } from '../api.ts';
import { coalesce, eventsUrl, parseEvent, subscribeEvents, type StagecoachEvent } from './events.ts';

afterEach(() => sessionStorage.clear());

function streamOf(text: string, keepOpen = false): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      if (!keepOpen) controller.close();
    },
  });
}

const event = (id: number, type = 'release') => `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify({ id: String(id), type, at: 'now', release: 'r1', data: { status: 'Running' } })}\n\n`;

describe('eventsUrl and parseEvent', () => {
  it('puts the filters in the query', () => {
    expect(eventsUrl({})).toBe('/api/v1/events');
    expect(eventsUrl({ release: 'r1', product: 'cf-101', types: ['release', 'step'] })).toBe('/api/v1/events?release=r1&product=cf-101&types=release%2Cstep');
  });

  it('reads an event and refuses what is not one', () => {
    expect(parseEvent('{"id":"3","type":"step","at":"t","data":{"status":"Running"}}')).toEqual({ id: '3', type: 'step', at: 't', data: { status: 'Running' } });
    expect(parseEvent('not json')).toBeUndefined();
    expect(parseEvent('{"type":"step"}')).toBeUndefined();
  });
});

describe('subscribeEvents', () => {
  it('delivers events with the token and resumes after a dropped stream with Last-Event-ID', async () => {
    storeToken('s3cret');
    const requests: Headers[] = [];
    const fetchMock = vi.fn(async (_url: string, init?: RequestInit) => {
      requests.push(new Headers(init?.headers));
      return new Response(requests.length === 1 ? streamOf(event(1) + event(2, 'step')) : streamOf(event(3), true), { status: 200 });
    });
    vi.stubGlobal('fetch', fetchMock);
    const received: StagecoachEvent[] = [];
    let opened = 0;
    const stop = subscribeEvents({ release: 'r1' }, (e) => received.push(e), { reconnectMs: 1, onOpen: () => (opened += 1) });

    await vi.waitFor(() => expect(received.map((e) => e.id)).toEqual(['1', '2', '3']));
    stop();
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/v1/events?release=r1');
    expect(requests[0]?.get('Authorization')).toBe('Bearer s3cret');
    expect(requests[0]?.get('Last-Event-ID')).toBeNull();
    expect(requests[1]?.get('Last-Event-ID')).toBe('2');
    expect(opened).toBe(2);
  });

  it('stops when the token is refused', async () => {
    storeToken('revoked');
    const fetchMock = vi.fn(async () => new Response('{}', { status: 401 }));
    vi.stubGlobal('fetch', fetchMock);
    const refused = vi.fn();
    subscribeEvents({}, () => {}, { reconnectMs: 1, onUnauthorized: refused });
    await vi.waitFor(() => expect(refused).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});

describe('coalesce', () => {
  it('runs once more after a burst, never two at a time', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const release: (() => void)[] = [];
    const refresh = coalesce(async () => {
      running += 1;
      runs += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running -= 1;
    });
    refresh();
    refresh();
    refresh();
    refresh();
    expect(runs).toBe(1);
    release.shift()!();
    await vi.waitFor(() => expect(runs).toBe(2));
    release.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(runs).toBe(2);
    expect(most).toBe(1);
    refresh();
    expect(runs).toBe(3);
    release.shift()!();
  });
});
