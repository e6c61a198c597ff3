import type { Context } from './context.ts';
import { CliError, EXIT } from './errors.ts';
import { releaseChanges, renderReleaseTree, type ApiRelease } from './release-view.ts';
import { readSse } from '@stagecoach/core';

const FINAL = new Set(['Succeeded', 'Failed', 'Terminated']);

/** Tells when a release may have changed. */
export interface ChangeNotices {
  /** Whether notices arrive (else the watcher polls every `intervalMs`). */
  live(): boolean;
  /** Resolves at the next notice (never, when there are none). */
  next(): Promise<void>;
}

export interface WatchOptions {
  /** Where change notices come from; default the server's event stream for this release. */
  waitForChange?: ChangeNotices;
  /** Milliseconds between two looks when nothing says a change came; default 500. */
  intervalMs?: number;
}

/**
 * Follows a release until it ends. On a terminal the tree of steps and tasks is redrawn in place
 * (statuses and durations); otherwise one line is printed per change, so logs and pipes read in
 * order. Resolves with the final release; a release that did not succeed is an error (exit 1).
 */
export async function watchRelease(ctx: Context, id: string, options: WatchOptions = {}): Promise<ApiRelease> {
  const client = ctx.client();
  const tty = ctx.io.isTty;
  const colour = tty && !ctx.io.env.NO_COLOR;
  const interval = options.intervalMs ?? 500;
  let previous: ApiRelease | undefined;
  let drawn = 0;
  const controller = new AbortController();
  const waitForChange = options.waitForChange ?? eventsOf(ctx, id, controller.signal);
  try {
    for (;;) {
      const release = await client.request<ApiRelease>('GET', `/api/v1/releases/${encodeURIComponent(id)}`);
      if (tty) {
        const text = renderReleaseTree(release, Date.now(), colour);
        // Move up over the last drawing and clear it, then draw again.
        ctx.io.out(`${drawn > 0 ? `\x1b[${drawn}F\x1b[0J` : ''}${text}`);
        drawn = text.split('\n').length - 1;
      } else {
        for (const line of releaseChanges(previous, release, new Date().toISOString())) ctx.io.out(`${line}\n`);
      }
      previous = release;
      if (FINAL.has(release.status)) {
        if (release.status !== 'Succeeded') throw new CliError(`${release.title} ${release.status}${release.message ? `: ${release.message}` : ''}`, EXIT.refused);
        return release;
      }
      // A change notice (server-sent events) wakes the loop early; the timer is the safety net, and
      // on a terminal it also refreshes the durations every second.
      const wait = waitForChange.live() ? 5000 : interval;
      await Promise.race([waitForChange.next(), delay(tty ? Math.min(wait, 1000) : wait)]);
    }
  } finally {
    controller.abort();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Change notices from the server's event stream (`/api/v1/events?release=ID`), resumed with
 * `Last-Event-ID` when the connection drops. Without the stream (an older server, a proxy that
 * buffers), `live()` is false and the watcher polls.
 */
function eventsOf(ctx: Context, id: string, signal: AbortSignal): ChangeNotices {
  let connected = false;
  let waiters: (() => void)[] = [];
  const notify = () => {
    const now = waiters;
    waiters = [];
    for (const w of now) w();
  };
  void (async () => {
    let lastEventId: string | undefined;
    for (let failures = 0; !signal.aborted && failures < 5; ) {
      const response = await ctx.client().stream(`/api/v1/events?release=${encodeURIComponent(id)}&types=release,step,task`, signal, lastEventId);
      if (!response?.body) {
        failures += 1;
        connected = false;
        await delay(500 * failures);
        continue;
      }
      connected = true;
      failures = 0;
      try {
        for await (const message of readSse(response.body)) {
          if (message.id) lastEventId = message.id;
          notify();
        }
      } catch {
        // The stream broke: connect again below, resuming after the last event seen.
      }
      connected = false;
    }
  })();
  return { live: () => connected, next: () => new Promise<void>((resolve) => waiters.push(resolve)) };
}
