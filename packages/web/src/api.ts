import type { Application, Environment, Product, ResourceList } from './resources.ts';

/**
 * sessionStorage key holding the bearer token the user signed in with. The browser session keeps
 * it (a reload stays signed in); closing the tab forgets it, and other tabs never see it.
 */
export const tokenStorageKey = 'stagecoach.token';

/** The stored token, or null when the user has not signed in. */
export function readToken(): string | null {
  const token = sessionStorage.getItem(tokenStorageKey);
  return token === null || token === '' ? null : token;
}

/** Keeps `token` for this browser session. */
export function storeToken(token: string): void {
  sessionStorage.setItem(tokenStorageKey, token);
}

/** Forgets the token: every later call fails as unauthorized until the user signs in again. */
export function clearToken(): void {
  sessionStorage.removeItem(tokenStorageKey);
}

/** One problem in an error answer: the field path, what is wrong, and the rule it breaks. */
export interface ApiErrorDetail {
  path: string;
  message: string;
  rule: string;
  [extra: string]: unknown;
}

/**
 * A failed API call. `message` is the server's own message when it sent one.
 * `status` is the HTTP status, or 0 when no answer arrived at all.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ApiErrorDetail[] = [],
  ) {
    super(message);
  }

  /** The server rejected the token, or there was none to send. */
  get isUnauthorized(): boolean {
    return this.status === 401;
  }
}

interface ErrorBody {
  code: string;
  message: string;
  details?: ApiErrorDetail[];
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.code === 'string' && typeof body.message === 'string';
}

async function errorFromResponse(method: string, path: string, response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    return new ApiError(response.status, body.code, body.message, body.details ?? []);
  }
  return new ApiError(response.status, 'http_error', `${method} ${path} answered HTTP ${response.status}`);
}

/** What one API call sends and expects back. */
export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** `json` (default) parses the answer; `text` returns it as is. */
  expect?: 'json' | 'text';
}

/**
 * Calls an API path with the stored token and returns the parsed JSON body (or the text, with
 * `expect: 'text'`). Rejects with an ApiError: 401 before sending when there is no token, 0 when
 * the server could not be reached, otherwise the server's status, code and message.
 */
export async function apiRequest<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const method = request.method ?? 'GET';
  const token = readToken();
  if (token === null) throw new ApiError(401, 'unauthorized', 'sign in with an API token first');

  const headers: Record<string, string> = {
    Accept: request.expect === 'text' ? 'text/plain' : 'application/json',
    Authorization: `Bearer ${token}`,
  };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (cause) {
    if (request.signal?.aborted) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ApiError(0, 'unreachable', `cannot reach the Stagecoach server: ${reason}`);
  }
  if (!response.ok) throw await errorFromResponse(method, path, response);
  return (request.expect === 'text' ? await response.text() : await response.json()) as T;
}

/** GETs an API path; see `apiRequest`. */
export function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  return apiRequest<T>(path, { signal });
}

/** POSTs `body` (as JSON, when given) to an API path and returns the parsed answer; see `apiRequest`. */
export function apiPost<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  return apiRequest<T>(path, { method: 'POST', body, signal });
}

async function listItems<T>(path: string, signal?: AbortSignal): Promise<T[]> {
  const list = await apiGet<ResourceList<T>>(path, signal);
  return list.items;
}

export function listEnvironments(signal?: AbortSignal): Promise<Environment[]> {
  return listItems<Environment>('/api/v1/environments', signal);
}

export function listProducts(signal?: AbortSignal): Promise<Product[]> {
  return listItems<Product>('/api/v1/products', signal);
}

export function listApplications(signal?: AbortSignal): Promise<Application[]> {
  return listItems<Application>('/api/v1/applications', signal);
}
