/**
 * Reading server-sent events (`GET /api/v1/events`): an incremental parser that follows the HTML
 * standard's event-stream rules, and an async iterator over a response body. No Node built-ins,
 * so a browser could run it as is.
 */

/** One dispatched message. */
export interface SseMessage {
  /** The `event:` field; `message` when the server sent none. Stagecoach sends the event's type. */
  event: string;
  /** The `data:` lines, joined with `\n`. Stagecoach sends the whole event as JSON on one line. */
  data: string;
  /** The last event id the stream had set when this message came (it carries over); `''` when none. */
  id: string;
}

/**
 * Turns stream text into messages. Feed it chunks as they come (split anywhere, even inside a
 * `\r\n`); it returns the messages each chunk completed. Comment lines (`: keep-alive`) go to
 * `onComment`. After a dropped connection, send `lastEventId` as the `Last-Event-ID` header.
 */
export class SseParser {
  /** The id a reconnecting client sends as `Last-Event-ID`; `''` until the server set one. */
  lastEventId = '';
  /** The reconnection time the server asked for with `retry:`, in milliseconds, if it did. */
  retryMs: number | undefined;
  readonly #onComment: ((text: string) => void) | undefined;
  #buffer = '';
  #started = false;
  #skipLineFeed = false;
  #event = '';
  #data: string[] = [];

  constructor(onComment?: (text: string) => void) {
    this.#onComment = onComment;
  }

  push(chunk: string): SseMessage[] {
    let text = chunk;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    // A `\r` that ended the last chunk already ended its line; a `\n` right after belongs to it.
    if (this.#skipLineFeed && text.length > 0) {
      if (text.startsWith('\n')) text = text.slice(1);
      this.#skipLineFeed = false;
    }
    this.#buffer += text;
    const messages: SseMessage[] = [];
    for (;;) {
      const end = this.#buffer.search(/[\r\n]/);
      if (end < 0) break;
      const line = this.#buffer.slice(0, end);
      let next = end + 1;
      if (this.#buffer[end] === '\r') {
        if (end + 1 === this.#buffer.length) this.#skipLineFeed = true;
        else if (this.#buffer[end + 1] === '\n') next += 1;
      }
      this.#buffer = this.#buffer.slice(next);
      const message = this.#line(line);
      if (message !== undefined) messages.push(message);
    }
    return messages;
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) {
      this.#onComment?.(line.slice(1).trimStart());
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^[0-9]+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }

  #dispatch(): SseMessage | undefined {
    const event = this.#event;
    const data = this.#data;
    this.#event = '';
    this.#data = [];
    if (data.length === 0) return undefined;
    return { event: event === '' ? 'message' : event, data: data.join('\n'), id: this.lastEventId };
  }
}

/**
 * The messages of a response body, as they arrive; ends when the body ends (a message the server
 * did not finish with a blank line is dropped, as the standard says). Pass your own `parser` to
 * read its `lastEventId` afterwards, for resuming.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, parser: SseParser = new SseParser()): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
  } finally {
    // Stopping early (break, return) releases the connection.
    await reader.cancel().catch(() => {});
  }
}
