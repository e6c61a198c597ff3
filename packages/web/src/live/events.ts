import { readSse, SseParser } from '@stagecoach/core';
import { readToken } from '../api.ts';

/** One live event of `GET /api/v1/events`. Clients ignore types they do not know. */
export interface StagecoachEvent {
  /** Decimal digits; later events have greater ids. */
  id: string;
  /** `release`, `step`, `task`, `workflow-node`, `version`, or a newer type. */
  type: string;
  /** ISO 8601 time of publication. */
  at: string;
  product?: string;
  release?: string;
  data: Record<string, unknown>;
}

/** Which events to receive; every field optional (absent = no filter on it). */
export interface EventFilter {
  release?: string | undefined;
  product?: string | undefined;
  types?: readonly string[] | undefined;
}

/** Reconnection timing and lifecycle callbacks of a subscription. */
export interface SubscribeOptions {
  /** First pause before reconnecting, in milliseconds; doubles up to `maxReconnectMs`. Default 1000. */
  reconnectMs?: number;
  /** Longest pause between two reconnection attempts, in milliseconds. Default 15000. */
  maxReconnectMs?: number;
  /**
   * Called each time the stream is open: the first time and after every reconnection. Events from
   * before the first opening are not sent, so this is when to reload what is shown.
   */
  onOpen?: () => void;
  /** Called when the server refused the token; the subscription then stops. */
  onUnauthorized?: () => void;
}

/** The events URL for a filter: `/api/v1/events?release=…&product=…&types=a,b`. */
export function eventsUrl(filter: EventFilter): string {
  const query = new URLSearchParams();
  if (filter.release) query.set('release', filter.release);
  if (filter.product) query.set('product', filter.product);
  if (filter.types && filter.types.length > 0) query.set('types', filter.types.join(','));
  const text = query.toString();
  return text === '' ? '/api/v1/events' : `/api/v1/events?${text}`;
}

/** An event's JSON, or undefined when the data is not an event. */
export function parseEvent(data: string): StagecoachEvent | undefined {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== 'object' || value === null) return undefined;
    const event = value as Partial<StagecoachEvent>;
    if (typeof event.id !== 'string' || typeof event.type !== 'string') return undefined;
    return { ...event, data: typeof event.data === 'object' && event.data !== null ? event.data : {} } as StagecoachEvent;
  } catch {
    return undefined;
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/**
 * Receives live events matching `filter` with the stored token, calling `onEvent` once per event
 * in order. A dropped stream is opened again after a pause, with `Last-Event-ID` so no event is
 * missed or repeated. Returns the function that stops it.
 */
export function subscribeEvents(filter: EventFilter, onEvent: (event: StagecoachEvent) => void, options: SubscribeOptions = {}): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  const firstPause = options.reconnectMs ?? 1000;
  const maxPause = options.maxReconnectMs ?? 15_000;
  const url = eventsUrl(filter);

  void (async () => {
    let lastEventId = '';
    let delay = firstPause;
    while (!signal.aborted) {
      const token = readToken();
      if (token === null) {
        options.onUnauthorized?.();
        return;
      }
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream', Authorization: `Bearer ${token}` };
        if (lastEventId !== '') headers['Last-Event-ID'] = lastEventId;
        const response = await fetch(url, { headers, signal, cache: 'no-store' });
        if (response.status === 401) {
          options.onUnauthorized?.();
          return;
        }
        if (response.ok && response.body) {
          delay = firstPause;
          options.onOpen?.();
          const parser = new SseParser();
          parser.lastEventId = lastEventId;
          for await (const message of readSse(response.body, parser)) {
            lastEventId = parser.lastEventId;
            const event = parseEvent(message.data);
            if (event !== undefined && !signal.aborted) onEvent(event);
          }
          lastEventId = parser.lastEventId;
          if (parser.retryMs !== undefined) delay = parser.retryMs;
        }
      } catch {
        // Dropped or refused connections are retried below; stopping aborts the loop.
      }
      if (signal.aborted) return;
      await pause(delay, signal);
      delay = Math.min(delay * 2, maxPause);
    }
  })();

  return () => controller.abort();
}

/**
 * Runs `task` now, or, when a run is already under way, once more after it, however often it was
 * asked meanwhile: a burst of events becomes at most two reloads, and the last one starts after
 * the last event.
 */
export function coalesce(task: () => Promise<unknown>): () => void {
  let running = false;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void (async () => {
      do {
        again = false;
        await task().catch(() => {});
      } while (again);
      running = false;
    })();
  };
}
