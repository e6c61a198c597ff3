import type { EventBus } from '../../../events/port.ts';
import { EventLog, type EventLogOptions } from '../log.ts';

/**
 * The event bus for one server process (the embedded SQLite store): `publish` appends to the
 * store's event log, then hands the new events to this process's subscribers. Events appended by
 * another process are not seen until this one publishes.
 */
export function openInProcessEventBus(options: EventLogOptions): Promise<EventBus> {
  return EventLog.open(options);
}
