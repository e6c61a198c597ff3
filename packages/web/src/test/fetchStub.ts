import { vi } from 'vitest';

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export type Route = (init: RequestInit | undefined) => Response | Promise<Response>;

/**
 * Replaces the global fetch with one that answers by path from `routes` (404 otherwise), and
 * returns the mock so tests can read the requests it received.
 */
export function stubFetch(routes: Record<string, Route>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const path = new URL(url, 'http://localhost').pathname;
    const route = routes[path];
    if (route === undefined) {
      return jsonResponse(404, { code: 'not_found', message: `no route ${path}`, details: [] });
    }
    return route(init);
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** The Authorization header of one recorded fetch call. */
export function authorizationOf(init: RequestInit | undefined): string | null {
  return new Headers(init?.headers).get('Authorization');
}
