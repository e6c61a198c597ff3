import { formatProblem, type Problem } from '@stagecoach/core';
import { CliError, EXIT } from './errors.ts';

export interface Connection {
  server: string;
  token?: string;
}

/** Server address and token from flags, else STAGECOACH_SERVER / STAGECOACH_TOKEN, else the local default. */
export function connectionFrom(opts: { server?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): Connection {
  const server = (opts.server ?? env.STAGECOACH_SERVER ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const token = opts.token ?? env.STAGECOACH_TOKEN;
  return token ? { server, token } : { server };
}

interface ErrorBody {
  code?: string;
  message?: string;
  details?: Problem[];
}

/** A small client of the HTTP API; every failure becomes one CliError with every problem listed. */
export class ApiClient {
  constructor(private readonly connection: Connection) {}

  /**
   * Opens a long response (server-sent events) with the token; undefined when the server does
   * not answer 200 (an older server without the route), so callers fall back to polling.
   */
  async stream(path: string, signal: AbortSignal, lastEventId?: string): Promise<Response | undefined> {
    if (!this.connection.token) return undefined;
    const headers: Record<string, string> = { authorization: `Bearer ${this.connection.token}`, accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    try {
      const response = await fetch(`${this.connection.server}${path}`, { headers, signal });
      if (response.ok && response.body) return response;
      await response.body?.cancel();
      return undefined;
    } catch {
      return undefined;
    }
  }

  async request<T>(method: string, path: string, body?: { json: unknown } | { yaml: string }): Promise<T> {
    if (!this.connection.token) {
      throw new CliError('no token: pass --token or set STAGECOACH_TOKEN (the server prints an admin token on its first start)', EXIT.usage);
    }
    const headers: Record<string, string> = { authorization: `Bearer ${this.connection.token}`, accept: 'application/json' };
    let payload: string | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = 'application/yaml';
      payload = body.yaml;
    }
    let response: Response;
    try {
      response = await fetch(`${this.connection.server}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach the server at ${this.connection.server}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, EXIT.unavailable);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CliError(`${method} ${path}: the server answered ${response.status} with a body that is not JSON`, EXIT.refused);
    }
    if (!response.ok) {
      const err = (parsed ?? {}) as ErrorBody;
      const details = err.details ?? [];
      const lines = details.map((p) => `  ${formatProblem(p)}`);
      const code = err.code ?? String(response.status);
      if (details.length > 1) throw new CliError(`${code}: ${details.length} problems`, EXIT.refused, lines);
      // One problem: its line says it all, unless the message already does.
      const only = details[0] ? formatProblem(details[0]) : undefined;
      const message = err.message ?? response.statusText;
      throw new CliError(`${code}: ${message}`, EXIT.refused, only && only !== message ? lines : []);
    }
    return parsed as T;
  }
}
