import { parseDuration } from '@stagecoach/core';
import type { ScanReport, TriggerScanner } from './scanner.ts';

/** How often trigger applications are polled when the settings say nothing: every minute. */
export const DEFAULT_POLL_INTERVAL = '60s';

/**
 * The polling period in milliseconds for the `triggers.pollInterval` setting (a Go-style
 * duration, default `DEFAULT_POLL_INTERVAL`), or undefined when it is `"0"`: polling is off and
 * only webhooks trigger. Throws on a text the settings schema would refuse.
 */
export function pollIntervalMilliseconds(setting: string | undefined): number | undefined {
  const text = setting ?? DEFAULT_POLL_INTERVAL;
  if (text === '0') return undefined;
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(`triggers.pollInterval: ${parsed.message}`);
  return parsed.milliseconds;
}

export interface TriggerPollerOptions {
  scanner: Pick<TriggerScanner, 'scan'>;
  /** Milliseconds from the end of one scan to the start of the next (scans never overlap); at least 1. */
  intervalMs: number;
  /** Receives one line when a whole scan fails (the resources cannot be read). Default: none. */
  log?: (message: string) => void;
  /** Called with each scan's report; for metrics and tests. */
  onScan?: (report: ScanReport) => void;
}

/**
 * Polls every trigger application: a fallback for webhooks that never arrive, and the only
 * source without them. The first scan runs as soon as it starts; the next one `intervalMs` after
 * the previous one ends, so a slow scan delays the next instead of overlapping it. A failing
 * repository fails only its own applications (see `TriggerScanner.scan`).
 */
export class TriggerPoller {
  readonly #options: TriggerPollerOptions;
  #timer: NodeJS.Timeout | undefined;
  #current: Promise<void> | undefined;
  #started = false;

  constructor(options: TriggerPollerOptions) {
    if (!(options.intervalMs >= 1)) throw new Error(`poll interval must be at least 1ms, got ${options.intervalMs}`);
    this.#options = options;
  }

  /** Starts polling; does nothing when already started. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#schedule(0);
  }

  /** Stops polling; resolves once a scan in progress has ended. Safe to call more than once. */
  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#current;
  }

  #schedule(delay: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#current = this.#tick().finally(() => {
        this.#current = undefined;
        if (this.#started) this.#schedule(this.#options.intervalMs);
      });
    }, delay);
    // Polling alone never keeps the process alive.
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    try {
      const report = await this.#options.scanner.scan();
      this.#options.onScan?.(report);
    } catch (e) {
      this.#options.log?.(`automatic triggers: polling failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
