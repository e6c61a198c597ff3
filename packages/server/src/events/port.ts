/**
 * The event bus port: live notifications of what changed (releases, steps, workflow nodes,
 * versions), stored so that a subscriber can resume after the last event it saw, and delivered to
 * every server replica. Adapters live in `adapters/events/` (in-process for one server,
 * PostgreSQL LISTEN/NOTIFY for several).
 */

/** One event as subscribers receive it. `id` is a decimal string, strictly increasing across the whole installation. */
export interface StagecoachEvent {
  /** Decimal digits, no leading zeros; later events have greater ids (compare as numbers, not as text). */
  id: string;
  /** What happened; one of `EVENT_TYPES` for the events the server publishes. */
  type: string;
  /** ISO-8601 time the event was published. */
  at: string;
  /** The product it concerns, when there is one. */
  product?: string;
  /** The release it concerns, when there is one. */
  release?: string;
  /** What changed, as JSON (the shape depends on `type`). */
  data: Record<string, unknown>;
}

/**
 * An event to publish. `type` is 1 to 100 letters, digits, `.`, `_`, `:` or `-`, starting with a
 * letter or digit (it is sent as the SSE `event:` field); `data` must survive `JSON.stringify`.
 */
export interface PublishEvent {
  type: string;
  product?: string;
  release?: string;
  data: Record<string, unknown>;
}

/** Which events a subscriber receives; absent fields do not filter, and every given field must match exactly. */
export interface EventFilter {
  /** Any of these types; absent or empty: every type. */
  types?: string[];
  product?: string;
  release?: string;
}

export interface EventBus {
  /** Stores the event and delivers it to every subscriber on every replica; resolves with it stored. */
  publish(event: PublishEvent): Promise<StagecoachEvent>;
  /**
   * Delivers stored events after `after` (resume), then live ones, in id order, each once. Returns unsubscribe.
   *
   * Without `after`, only events published from now on. `after` is an event id (`"0"`: every
   * stored event); anything else throws a `TypeError`. Events are kept for a limited time (see the
   * adapter's retention), so a resume from an old id starts at the oldest one kept. The listener
   * is called synchronously, one event at a time; an exception it throws is reported and the
   * next event is still delivered.
   */
  subscribe(options: { after?: string; filter?: EventFilter }, listener: (event: StagecoachEvent) => void): () => void;
  /** Stops delivering to every subscriber and releases connections and timers. Calling it again does nothing. */
  close(): Promise<void>;
}

/**
 * The event types the server publishes:
 * - `release`: a release's status or summary changed;
 * - `step`: a step of a release changed;
 * - `task`: a task of a release changed status, attempt or message;
 * - `workflow-node`: a workflow run or one of its nodes changed phase;
 * - `version`: an application's version changed.
 * The bus itself accepts any type.
 */
export const EVENT_TYPES = ['release', 'step', 'task', 'workflow-node', 'version'] as const;

/** One of `EVENT_TYPES`. */
export type EventType = (typeof EVENT_TYPES)[number];

/** The rule for an event type (see `PublishEvent.type`). */
export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** The rule for an event id given to resume from: decimal digits, at most 15 of them (a safe integer). */
export const EVENT_ID_PATTERN = /^[0-9]{1,15}$/;
