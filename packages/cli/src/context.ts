import { ApiClient, connectionFrom } from './client.ts';
import type { Io } from './io.ts';

/** What every command gets: its input/output and a client built from the global flags. */
export interface Context {
  io: Io;
  client(): ApiClient;
}

export function makeContext(io: Io, globals: () => { server?: string; token?: string }): Context {
  return { io, client: () => new ApiClient(connectionFrom(globals(), io.env)) };
}
