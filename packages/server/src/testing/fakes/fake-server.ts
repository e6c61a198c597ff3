import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 and a free port, for the hand-written fakes of hosted services.
 * Every request is recorded, in order, for assertions.
 */

export interface RecordedRequest {
  method: string;
  /** The path as sent, without the query; percent-escapes are kept (`/projects/acme%2Fdeploy`). */
  path: string;
  /** Query parameters (the last value wins when one repeats). */
  query: Record<string, string>;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The body parsed as JSON or as a form, or undefined when there is none. */
  body: unknown;
  /** The body was sent as JSON but did not parse. */
  invalidBody: boolean;
}

export interface Reply {
  status: number;
  /** Sent as `application/json; charset=utf-8`. */
  json?: unknown;
  headers?: Record<string, string>;
}

export interface FakeServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Stops listening and drops open connections. */
  stop(): Promise<void>;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export async function startFakeServer(handle: Handler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    void serve(req, res, handle, requests);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, handle: Handler, requests: RecordedRequest[]): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const query = Object.fromEntries(new URLSearchParams(q === -1 ? '' : target.slice(q + 1)));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  let body: unknown;
  let invalidBody = false;
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim();
  if (raw !== '') {
    if (type === 'application/x-www-form-urlencoded') body = Object.fromEntries(new URLSearchParams(raw));
    else {
      try {
        body = JSON.parse(raw);
      } catch {
        invalidBody = true;
      }
    }
  }
  const recorded: RecordedRequest = { method: req.method ?? 'GET', path, query, headers, body, invalidBody };
  requests.push(recorded);
  let reply: Reply;
  try {
    reply = await handle(recorded);
  } catch (error) {
    reply = { status: 500, json: { message: `fake server failed: ${error instanceof Error ? error.message : String(error)}` } };
  }
  const text = reply.json === undefined ? '' : JSON.stringify(reply.json);
  res.writeHead(reply.status, {
    ...(reply.json === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': String(Buffer.byteLength(text)),
    ...reply.headers,
  });
  res.end(text);
}

/** Reads `page` and a page size from a query the way the hosted APIs do: 1-based, clamped. */
export function pageOf<T>(items: readonly T[], query: Record<string, string>, sizeParam: string, defaultSize: number, maxSize: number) {
  const page = Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1);
  const size = Math.min(maxSize, Math.max(1, Number.parseInt(query[sizeParam] ?? String(defaultSize), 10) || defaultSize));
  const totalPages = Math.max(1, Math.ceil(items.length / size));
  return { page, size, totalPages, items: items.slice((page - 1) * size, page * size), hasNext: page < totalPages };
}

/** A `Link` header with `rel="next"` (and `last`) for the page after `page`, keeping the other parameters. */
export function linkHeader(origin: string, path: string, query: Record<string, string>, page: number, totalPages: number): Record<string, string> {
  if (page >= totalPages) return {};
  const at = (n: number) => `<${origin}${path}?${new URLSearchParams({ ...query, page: String(n) }).toString()}>`;
  return { link: `${at(page + 1)}; rel="next", ${at(totalPages)}; rel="last"` };
}

/** GitHub-style timestamps: ISO-8601 in UTC without milliseconds. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
