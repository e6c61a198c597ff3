import { createRoute, z } from '@hono/zod-openapi';
import { EVENT_ID_PATTERN, type EventBus, type EventFilter, type StagecoachEvent } from '../events/port.ts';
import type { App } from './app.ts';
import { sendError } from './respond.ts';
import { ErrorSchema, errorResponses } from './schemas.ts';

/** Where the live events are served. */
export const EVENTS_PATH = '/api/v1/events';

/** What the events route needs. */
export interface EventRouteDeps {
  events: EventBus;
  /** Time between two `: keep-alive` comments on an idle stream, in milliseconds. Default 15000. */
  keepAliveMs?: number;
  /**
   * Most events waiting for a client that reads too slowly; past it the stream ends, and the
   * client resumes with `Last-Event-ID` when it reconnects. Default 1000.
   */
  maxPendingEvents?: number;
}

const EventId = z.string().regex(EVENT_ID_PATTERN, 'an event id: decimal digits, at most 15');
const text = (name: string, description: string) =>
  z.string().min(1).optional().openapi({ param: { name, in: 'query' }, description });

const EventSchema = z
  .object({
    id: z.string().openapi({ description: 'Decimal digits; greater for later events' }),
    type: z.string().openapi({ example: 'release' }),
    at: z.string().openapi({ description: 'ISO-8601 time of publication' }),
    product: z.string().optional(),
    release: z.string().optional(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('Event');

/**
 * `GET /api/v1/events`: server-sent events, filtered by `types`, `product` and `release`, resumed
 * after the `Last-Event-ID` header or the `after` query (the header wins). Each event is written
 * as `id:` (its id), `event:` (its type) and one `data:` line (the whole event as JSON).
 */
export function registerEventRoutes(app: App, deps: EventRouteDeps): void {
  const keepAliveMs = deps.keepAliveMs ?? 15_000;
  const maxPendingEvents = deps.maxPendingEvents ?? 1000;
  // The stream's `data:` lines are Events; listed in the document for clients to generate types from.
  app.openAPIRegistry.register('Event', EventSchema);

  app.openapi(
    createRoute({
      method: 'get',
      path: EVENTS_PATH,
      tags: ['Events'],
      summary: 'Live events: release, step, workflow node and version changes, as server-sent events',
      description:
        'A `text/event-stream` that stays open. Each event has `id:`, `event:` (the type) and `data:` (the event as JSON, shaped as the Event schema). ' +
        'A comment line `: keep-alive` is sent every 15 seconds. Send the last id received as `Last-Event-ID` (or `after`) to resume without missing an event.',
      request: {
        headers: z.object({
          // Header names are case-insensitive; Hono hands them over in lower case.
          'last-event-id': z.string().optional().openapi({ description: 'Resume after this event id (`Last-Event-ID`); wins over `after`' }),
        }),
        query: z.object({
          types: text('types', 'Comma-separated event types, e.g. `release,step`; default every type'),
          product: text('product', 'Only events of this product'),
          release: text('release', 'Only events of this release'),
          after: EventId.optional().openapi({ param: { name: 'after', in: 'query' }, description: 'Resume after this event id; `0` replays every stored event' }),
        }),
      },
      responses: {
        200: {
          description: 'The event stream',
          content: { 'text/event-stream': { schema: z.string().openapi({ description: 'Server-sent events; each `data:` is an Event' }) } },
        },
        422: { description: 'A malformed query parameter', content: { 'application/json': { schema: ErrorSchema } } },
        ...errorResponses,
      },
    }),
    (c) => {
      const query = c.req.valid('query');
      let after = query.after;
      const header = c.req.header('last-event-id')?.trim();
      if (header !== undefined && header !== '') {
        if (!EVENT_ID_PATTERN.test(header)) {
          return sendError(c, 'bad_request', `Last-Event-ID ${JSON.stringify(header.slice(0, 40))} is not an event id (decimal digits, at most 15)`) as never;
        }
        after = header;
      }
      const filter: EventFilter = {};
      const types = (query.types ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
      if (types.length > 0) filter.types = types;
      if (query.product !== undefined) filter.product = query.product;
      if (query.release !== undefined) filter.release = query.release;

      const headers = {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        // Reverse proxies such as nginx would otherwise hold events back to fill a buffer.
        'x-accel-buffering': 'no',
      };
      // Hono answers HEAD with this handler but drops the body unread: subscribe for GET only.
      if (c.req.raw.method === 'HEAD') return new Response(null, { status: 200, headers }) as never;
      const body = eventStream(deps.events, { ...(after !== undefined ? { after } : {}), filter }, { keepAliveMs, maxPendingEvents }, c.req.raw.signal);
      return new Response(body, { status: 200, headers }) as never;
    },
  );
}

/** One SSE message for an event. JSON text holds no raw line break, so `data:` is one line. */
function formatEvent(event: StagecoachEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The body of one client's stream: subscribed while it is open, unsubscribed when the client goes
 * (the body is cancelled or the request aborted) or falls too far behind (the stream then ends).
 */
function eventStream(
  bus: EventBus,
  subscription: { after?: string; filter: EventFilter },
  settings: { keepAliveMs: number; maxPendingEvents: number },
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stop = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      let unsubscribe = () => {};
      const send = (message: string) => controller.enqueue(encoder.encode(message));
      const keepAlive = setInterval(() => send(': keep-alive\n\n'), settings.keepAliveMs);
      stop = () => {
        if (!open) return;
        open = false;
        clearInterval(keepAlive);
        signal.removeEventListener('abort', stop);
        unsubscribe();
      };
      // Sent at once, so the client (and any proxy) sees the response start before the first event.
      send(': connected\n\n');
      const off = bus.subscribe(subscription, (event) => {
        if (!open) return;
        // desiredSize goes below zero by one for each message the client has not read yet.
        if ((controller.desiredSize ?? 0) < -settings.maxPendingEvents) {
          stop();
          controller.close();
          return;
        }
        send(formatEvent(event));
      });
      unsubscribe = off;
      signal.addEventListener('abort', stop);
      if (signal.aborted) stop();
    },
    cancel() {
      stop();
    },
  });
}
