import type { Application, Environment, Product, ResourceList } from './resources.ts';

/** localStorage key holding the bearer token the user signed in with. */
export const tokenStorageKey = 'stagecoach.token';

/** The stored token, or null when the user has not signed in. */
export function readToken(): string | null {
  const token = localStorage.getItem(tokenStorageKey);
  return token === null || token === '' ? null : token;
}

export function storeToken(token: string): void {
  localStorage.setItem(tokenStorageKey, token);
}

export function clearToken(): void {
  localStorage.removeItem(tokenStorageKey);
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

/**
 * GETs an API path with the stored token and returns the parsed JSON body.
 * Rejects with an ApiError: 401 before sending when there is no token.
 */
export async function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  const token = readToken();
  if (token === null) throw new ApiError(401, 'unauthorized', 'sign in with an API token first');

  let response: Response;
  try {
    response = await fetch(path, {
      headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
      signal,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ApiError(0, 'unreachable', `cannot reach the Stagecoach server: ${reason}`);
  }
  if (!response.ok) throw await errorFromResponse('GET', path, response);
  return (await response.json()) as T;
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
