/**
 * Reading server-sent events in tests: an incremental parser following the HTML standard's
 * event-stream rules, and a client over `fetch` that connects with a bearer token (and
 * `Last-Event-ID`) and hands out messages as they arrive.
 */

import { SseParser, type SseMessage } from '@stagecoach/core';

export type { SseMessage };

/** An open event stream. */
export interface SseConnection {
  response: Response;
  /** The comments received so far, without the leading `:`. */
  comments: string[];
  /** The next message not yet taken; rejects when none comes within `timeoutMs` (default 5000) or the stream ends. */
  next(timeoutMs?: number): Promise<SseMessage>;
  /** The next `count` messages. */
  take(count: number, timeoutMs?: number): Promise<SseMessage[]>;
  /** Resolves once a comment with this text has arrived; rejects after `timeoutMs` (default 5000). */
  comment(text: string, timeoutMs?: number): Promise<void>;
  /** Settles when the server ends the stream (or the connection is closed). */
  ended: Promise<void>;
  /** Aborts the request: the server sees the client go. */
  close(): void;
}

/**
 * Opens `url` as an event stream with `fetch`. Throws when the answer is not `200` with
 * `text/event-stream`, with the status and body in the message.
 */
export async function connectSse(url: string, options: { token?: string; lastEventId?: string; headers?: Record<string, string> } = {}): Promise<SseConnection> {
  const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  if (response.status !== 200 || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const body = await response.text();
    throw new Error(`GET ${url}: ${response.status} ${response.headers.get('content-type') ?? ''}: ${body}`);
  }

  const queue: SseMessage[] = [];
  const comments: string[] = [];
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const waker of [...wakers]) waker();
  };
  let done = false;
  const parser = new SseParser((text) => {
    comments.push(text);
    wake();
  });
  const ended = (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { done: finished, value } = await reader.read();
        if (finished) break;
        queue.push(...parser.push(value));
        wake();
      }
    } catch {
      // Aborted by close(), or the connection broke: the stream is over either way.
    } finally {
      done = true;
      wake();
    }
  })();

  /** Waits until `ready()` holds; rejects on timeout, or when the stream ended first. */
  const waitFor = (ready: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (ready()) finish(resolve);
        else if (done) finish(() => reject(new Error(`the event stream ended while waiting for ${what}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no ${what} within ${timeoutMs} ms`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        wakers.delete(check);
        settle();
      };
      wakers.add(check);
      check();
    });

  const connection: SseConnection = {
    response,
    comments,
    async next(timeoutMs = 5000) {
      await waitFor(() => queue.length > 0, 'message', timeoutMs);
      return queue.shift()!;
    },
    async take(count, timeoutMs = 5000) {
      await waitFor(() => queue.length >= count, `${count} messages (got ${queue.length})`, timeoutMs);
      return queue.splice(0, count);
    },
    comment: (text, timeoutMs = 5000) => waitFor(() => comments.includes(text), `comment "${text}"`, timeoutMs),
    ended,
    close: () => abort.abort(),
  };
  return connection;
}
