import type { EventBus } from '../../events/port.ts';
import type { Store } from '../../store/port.ts';
import { openInProcessEventBus } from './in-process/index.ts';
import type { EventLogOptions } from './log.ts';
import { openPostgresEventBus, type PostgresEventBusOptions } from './postgres/index.ts';

/** What `openEventBus` needs: the open store, and the settings of the adapters. */
export interface EventBusConfig extends Omit<EventLogOptions, 'repo'>, Omit<PostgresEventBusOptions, keyof EventLogOptions | 'url'> {
  /** The server's store; its event log keeps the events. */
  store: Store;
  /** The PostgreSQL URL the store was opened with; required when the store is on PostgreSQL, ignored otherwise. */
  databaseUrl?: string;
}

/**
 * Opens the event bus that fits the store: in-process on SQLite (one server), PostgreSQL
 * LISTEN/NOTIFY on PostgreSQL (any number of replicas). Close it before the store.
 */
export function openEventBus(config: EventBusConfig): Promise<EventBus> {
  const { store, databaseUrl, ...options } = config;
  if (store.dialect === 'sqlite') return openInProcessEventBus({ ...options, repo: store.events });
  const url = databaseUrl?.trim() ?? '';
  if (url === '') {
    return Promise.reject(new Error('event bus: the store is on PostgreSQL, so databaseUrl is required to listen for other replicas\' events'));
  }
  return openPostgresEventBus({ ...options, repo: store.events, url });
}
