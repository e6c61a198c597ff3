import { systemClock, type Clock } from '../../clock.ts';
import {
  EVENT_ID_PATTERN,
  EVENT_TYPE_PATTERN,
  type EventBus,
  type EventFilter,
  type PublishEvent,
  type StagecoachEvent,
} from '../../events/port.ts';
import type { EventRepo, StoredEvent } from '../../store/port.ts';

/** How long events are kept, for resuming subscribers. */
export interface EventRetention {
  /** Events older than this are removed, in milliseconds. Default 24 hours. */
  maxAgeMs?: number;
  /** At most this many events are kept, the newest. Default: no limit but age. */
  maxEvents?: number;
  /** Least time between two prunes, in milliseconds. Default 5 minutes. */
  pruneEveryMs?: number;
}

/** Settings shared by every event bus adapter. */
export interface EventLogOptions {
  /** The store's event log (`store.events`, not a transaction's). */
  repo: EventRepo;
  /** Gives event times and decides when to prune. Default the system clock. */
  clock?: Clock;
  retention?: EventRetention;
  /** Receives failures that reach no caller: a read for subscribers, a prune, a listener that threw. Default: a line on stderr. */
  onError?: (error: unknown) => void;
  /** Events read from the store per query. Default 500. */
  batchSize?: number;
  /** How long a subscriber whose catch-up read failed waits before trying again, in milliseconds. Default 1000. */
  retryDelayMs?: number;
}

const HOUR = 60 * 60 * 1000;

/**
 * An event bus over the stored event log, for one process. `publish` appends to the log and then
 * `pump`s: reads what the log holds after the last event dispatched and hands it to the local
 * subscribers. An adapter for several replicas calls `pump` whenever another replica appended.
 * Since the log is the only source, an event reaches a subscriber once, whoever appended it.
 */
export class EventLog implements EventBus {
  readonly #repo: EventRepo;
  readonly #clock: Clock;
  readonly #onError: (error: unknown) => void;
  readonly #batchSize: number;
  readonly #retryDelayMs: number;
  readonly #retention: Required<Pick<EventRetention, 'maxAgeMs' | 'pruneEveryMs'>> & Pick<EventRetention, 'maxEvents'>;
  readonly #subscriptions = new Set<Subscription>();
  /** Catch-up reads under way, awaited by `close`. */
  readonly #catchingUp = new Set<Promise<void>>();
  readonly #closeHooks: (() => Promise<void>)[] = [];
  /** The id of the last event handed to live subscribers. */
  #position: number;
  #pumping: Promise<void> | undefined;
  #pumpAgain = false;
  #lastPrune = Number.NEGATIVE_INFINITY;
  #pruning: Promise<void> | undefined;
  /** A prune was asked for while one ran: look again once it ends. */
  #pruneAgain = false;
  #closing: Promise<void> | undefined;

  private constructor(options: EventLogOptions, position: number) {
    this.#repo = options.repo;
    this.#clock = options.clock ?? systemClock;
    this.#onError = options.onError ?? ((error) => console.error('stagecoach events:', error));
    this.#batchSize = options.batchSize ?? 500;
    this.#retryDelayMs = options.retryDelayMs ?? 1000;
    this.#retention = {
      maxAgeMs: options.retention?.maxAgeMs ?? 24 * HOUR,
      pruneEveryMs: options.retention?.pruneEveryMs ?? 5 * 60 * 1000,
      ...(options.retention?.maxEvents !== undefined ? { maxEvents: options.retention.maxEvents } : {}),
    };
    this.#position = position;
  }

  /** Opens the bus; live delivery starts after the newest stored event. */
  static async open(options: EventLogOptions): Promise<EventLog> {
    return new EventLog(options, await options.repo.lastId());
  }

  /** Whether `close` was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Runs `hook` on `close`, after delivery has stopped (hooks added last run first). */
  onClose(hook: () => Promise<void>): void {
    this.#closeHooks.unshift(hook);
  }

  /** Reports a failure that reaches no caller. */
  reportError(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // A failing error handler must not break delivery.
    }
  }

  async publish(event: PublishEvent): Promise<StagecoachEvent> {
    if (this.closed) throw new Error('the event bus is closed');
    if (typeof event.type !== 'string' || !EVENT_TYPE_PATTERN.test(event.type)) {
      throw new TypeError(`event type ${JSON.stringify(event.type)} must be 1 to 100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit`);
    }
    const now = this.#clock.now();
    const stored = await this.#repo.append({
      type: event.type,
      at: now.toISOString(),
      ...(event.product !== undefined ? { product: event.product } : {}),
      ...(event.release !== undefined ? { release: event.release } : {}),
      data: event.data,
    });
    await this.pump();
    this.maybePrune();
    return toEvent(stored);
  }

  subscribe(options: { after?: string; filter?: EventFilter }, listener: (event: StagecoachEvent) => void): () => void {
    const { after, filter = {} } = options;
    if (after !== undefined && !EVENT_ID_PATTERN.test(after)) {
      throw new TypeError(`after ${JSON.stringify(after)} is not an event id (decimal digits)`);
    }
    if (this.closed) return () => {};
    const subscription = new Subscription(filter, listener, (error) => this.reportError(error));
    this.#subscriptions.add(subscription);
    if (after === undefined) {
      subscription.goLive(this.#position);
    } else {
      // Registered before the first read, so whatever is dispatched meanwhile is buffered, and
      // whatever was dispatched before is in the log that the catch-up reads.
      const catchingUp = this.#catchUp(subscription, Number(after)).finally(() => this.#catchingUp.delete(catchingUp));
      this.#catchingUp.add(catchingUp);
    }
    return () => {
      subscription.stop();
      this.#subscriptions.delete(subscription);
    };
  }

  /**
   * Hands every event stored after the last dispatched one to the subscribers. Calls made while
   * one runs are folded into one more pass after it; the promise settles after a pass that began
   * after the call. Never rejects: a failed read is reported, and the next call reads again.
   */
  pump(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.#pumping !== undefined) {
      this.#pumpAgain = true;
      return this.#pumping;
    }
    this.#pumping = this.#pumpLoop().finally(() => {
      this.#pumping = undefined;
    });
    return this.#pumping;
  }

  /**
   * Removes old events, unless that was done less than `pruneEveryMs` ago. Does not wait for it.
   * Asked while a prune runs, it looks again when that one ends, so a slow prune never makes the
   * next interval's be skipped; closing waits for both.
   */
  maybePrune(): void {
    if (this.closed) return;
    if (this.#pruning !== undefined) {
      this.#pruneAgain = true;
      return;
    }
    this.#prune();
  }

  #prune(): void {
    const now = this.#clock.now().getTime();
    if (now - this.#lastPrune < this.#retention.pruneEveryMs) return;
    this.#lastPrune = now;
    const { maxAgeMs, maxEvents } = this.#retention;
    this.#pruning = this.#repo
      .prune({ before: new Date(now - maxAgeMs).toISOString(), ...(maxEvents !== undefined ? { keep: maxEvents } : {}) })
      .then(
        () => undefined,
        (error: unknown) => this.reportError(new Error('pruning old events failed', { cause: error })),
      )
      .finally(() => {
        this.#pruning = undefined;
        if (this.#pruneAgain) {
          this.#pruneAgain = false;
          this.#prune();
        }
      });
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const subscription of this.#subscriptions) subscription.stop();
      this.#subscriptions.clear();
      await this.#pumping;
      await Promise.all(this.#catchingUp);
      while (this.#pruning !== undefined) await this.#pruning;
      for (const hook of this.#closeHooks) await hook();
    })();
    return this.#closing;
  }

  async #pumpLoop(): Promise<void> {
    do {
      this.#pumpAgain = false;
      try {
        for (;;) {
          const batch = await this.#repo.listAfter(this.#position, { limit: this.#batchSize });
          for (const stored of batch) {
            this.#position = stored.id;
            for (const subscription of this.#subscriptions) subscription.offer(stored);
          }
          if (batch.length < this.#batchSize || this.closed) break;
        }
      } catch (error) {
        this.reportError(new Error('reading new events failed', { cause: error }));
        return;
      }
    } while (this.#pumpAgain && !this.closed);
  }

  async #catchUp(subscription: Subscription, after: number): Promise<void> {
    let cursor = after;
    while (!subscription.stopped) {
      try {
        const batch = await this.#repo.listAfter(cursor, { filter: subscription.filter, limit: this.#batchSize });
        for (const stored of batch) {
          if (subscription.stopped) return;
          subscription.deliver(stored);
          cursor = stored.id;
        }
        if (batch.length < this.#batchSize) {
          subscription.goLive(cursor);
          return;
        }
      } catch (error) {
        this.reportError(new Error('reading stored events for a subscriber failed', { cause: error }));
        await subscription.wait(this.#retryDelayMs);
      }
    }
  }
}

/** One subscriber: its filter, what it was last given, and the live events held while it catches up. */
class Subscription {
  readonly filter: EventFilter;
  readonly #listener: (event: StagecoachEvent) => void;
  readonly #report: (error: unknown) => void;
  #delivered = 0;
  #live = false;
  #held: StoredEvent[] = [];
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(filter: EventFilter, listener: (event: StagecoachEvent) => void, report: (error: unknown) => void) {
    this.filter = filter;
    this.#listener = listener;
    this.#report = report;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** A live event from the dispatcher: delivered now, or held until the catch-up is done. */
  offer(event: StoredEvent): void {
    if (this.#stopped || !matches(this.filter, event)) return;
    if (this.#live) this.deliver(event);
    else this.#held.push(event);
  }

  /** Calls the listener unless this event, or a later one, was already given. */
  deliver(event: StoredEvent): void {
    if (this.#stopped || event.id <= this.#delivered) return;
    this.#delivered = event.id;
    try {
      this.#listener(toEvent(event));
    } catch (error) {
      this.#report(new Error(`an event listener threw on event ${event.id}`, { cause: error }));
    }
  }

  /** Ends the catch-up: everything up to `position` was given; the held events follow. */
  goLive(position: number): void {
    if (this.#delivered < position) this.#delivered = position;
    this.#live = true;
    const held = this.#held;
    this.#held = [];
    for (const event of held) this.deliver(event);
  }

  /** Resolves after `ms`, or at once when stopped. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, ms);
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#held = [];
    clearTimeout(this.#timer);
    this.#wake?.();
  }
}

function matches(filter: EventFilter, event: StoredEvent): boolean {
  if (filter.types !== undefined && filter.types.length > 0 && !filter.types.includes(event.type)) return false;
  if (filter.product !== undefined && event.product !== filter.product) return false;
  if (filter.release !== undefined && event.release !== filter.release) return false;
  return true;
}

function toEvent(stored: StoredEvent): StagecoachEvent {
  const event: StagecoachEvent = { id: String(stored.id), type: stored.type, at: stored.at, data: stored.data };
  if (stored.product !== undefined) event.product = stored.product;
  if (stored.release !== undefined) event.release = stored.release;
  return event;
}
