import pg from 'pg';
import type { EventBus } from '../../../events/port.ts';
import { EVENTS_CHANNEL } from '../../store/kysely/events.ts';
import { redactDatabaseUrl } from '../../store/postgres/url.ts';
import { EventLog, type EventLogOptions } from '../log.ts';

/** Settings of the PostgreSQL event bus, on top of those of every bus. */
export interface PostgresEventBusOptions extends EventLogOptions {
  /** Connection URL of the store's database; the bus holds one connection of its own to listen. */
  url: string;
  /**
   * How often to read the log even without a notification, in milliseconds: a safety net for a
   * notification lost with a connection, and when old events are pruned. Default 30000.
   */
  pollIntervalMs?: number;
  /** First wait before reconnecting the listening connection, in milliseconds; doubles on each failure. Default 500. */
  reconnectDelayMs?: number;
  /** Longest wait between two reconnection attempts, in milliseconds. Default 30000. */
  maxReconnectDelayMs?: number;
  /** How long to wait for the listening connection to open, in milliseconds. Default 10000. */
  connectTimeoutMs?: number;
}

/** The `application_name` of the listening connection, as `pg_stat_activity` shows it. */
export const LISTENER_APPLICATION_NAME = 'stagecoach-events';

/**
 * The event bus for several server replicas on one PostgreSQL database. Each append notifies the
 * channel `stagecoach_events` when its transaction commits (see `EventRepo`); every replica holds
 * one connection that listens on it and, on a notification, reads the log after the last event
 * it dispatched. A lost connection is opened again (waiting longer after each failure) and the
 * log is read at once; a slow poll covers whatever a notification could miss.
 *
 * Rejects when the listening connection cannot be opened at start.
 */
export async function openPostgresEventBus(options: PostgresEventBusOptions): Promise<EventBus> {
  const log = await EventLog.open(options);
  const listener = new Listener(log, options);
  try {
    await listener.connect();
  } catch (error) {
    await log.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`event bus: cannot listen on PostgreSQL at ${redactDatabaseUrl(options.url)}: ${reason}`, { cause: error });
  }
  const poll = setInterval(() => {
    void log.pump();
    log.maybePrune();
    listener.check();
  }, options.pollIntervalMs ?? 30_000);
  // The poll alone never keeps the process alive; the server does.
  poll.unref();
  log.onClose(async () => {
    clearInterval(poll);
    await listener.close();
  });
  return log;
}

/** The one listening connection of a replica, opened again whenever it is lost. */
class Listener {
  readonly #log: EventLog;
  readonly #url: string;
  readonly #connectTimeoutMs: number;
  readonly #firstDelayMs: number;
  readonly #maxDelayMs: number;
  #client: pg.Client | undefined;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(log: EventLog, options: PostgresEventBusOptions) {
    this.#log = log;
    this.#url = options.url;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#firstDelayMs = options.reconnectDelayMs ?? 500;
    this.#maxDelayMs = options.maxReconnectDelayMs ?? 30_000;
  }

  /** Opens a connection, listens, then reads what was appended while there was none. */
  async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: this.#connectTimeoutMs,
      keepAlive: true,
    });
    // Without an error listener a dropped connection would crash the process.
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('the listening connection ended')));
    client.on('notification', (message) => {
      if (message.channel === EVENTS_CHANNEL) void this.#log.pump();
    });
    try {
      await client.connect();
      await client.query(`listen ${EVENTS_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => {});
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#failures = 0;
    void this.#log.pump();
  }

  /** Sends a query on the connection, so that one that died silently is noticed and replaced. */
  check(): void {
    const client = this.#client;
    if (client === undefined) return;
    client.query('select 1').catch((error: unknown) => this.#lost(client, error));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  #lost(client: pg.Client, error: unknown): void {
    // Several signals (error, end, a failed check) report the same loss: act on the first only.
    if (this.#closed || this.#client !== client) return;
    this.#client = undefined;
    this.#log.reportError(new Error('the event listening connection was lost; reconnecting', { cause: error }));
    client.end().catch(() => {});
    this.#reconnectLater();
  }

  #reconnectLater(): void {
    const delay = Math.min(this.#maxDelayMs, this.#firstDelayMs * 2 ** this.#failures);
    this.#failures += 1;
    this.#timer = setTimeout(() => {
      this.connect().catch((error: unknown) => {
        if (this.#closed) return;
        this.#log.reportError(new Error(`reconnecting the event listening connection failed (attempt ${this.#failures})`, { cause: error }));
        this.#reconnectLater();
      });
    }, delay);
  }
}
