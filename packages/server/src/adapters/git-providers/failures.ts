import { GitProviderError } from '../../git/providers.ts';

/**
 * How the Git provider adapters turn an HTTP answer or a transport failure into a
 * `GitProviderError`. Messages name the provider, the repository and the operation, carry the
 * server's own words when it gave some, and never a token: every secret is scrubbed from the
 * final text, and no error object (which may hold request headers) is kept as a cause.
 */

/** What was being done, for messages: `github acme/deploy: open pull request a → main`. */
export interface Operation {
  provider: string;
  repository: string;
  action: string;
}

const MAX_DETAIL = 300;

export function describe(op: Operation): string {
  return `${op.provider} ${op.repository}: ${op.action}`;
}

/** Replaces every secret in `text` by `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  return out;
}

function detail(serverMessage: string | undefined): string {
  const text = (serverMessage ?? '').replace(/\s+/g, ' ').trim();
  if (text === '') return '';
  return `: ${text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text}`;
}

/**
 * An HTTP error status. 401 and 403 → `unauthorized` (unless the answer says a rate limit was hit),
 * 404 → `not-found`, 408, 429 and 5xx → `unreachable` (worth retrying), any other → `rejected`.
 */
export function httpFailure(op: Operation, status: number, serverMessage: string | undefined, secrets: readonly string[], options: { rateLimited?: boolean } = {}): GitProviderError {
  const where = describe(op);
  const said = detail(serverMessage);
  let error: GitProviderError;
  if (options.rateLimited || status === 429) {
    error = new GitProviderError('unreachable', `${where}: rate limited (HTTP ${status}${said}); try again later`);
  } else if (status === 401) {
    error = new GitProviderError('unauthorized', `${where}: the token was refused (HTTP 401${said})`);
  } else if (status === 403) {
    error = new GitProviderError('unauthorized', `${where}: the token is not allowed to do this (HTTP 403${said})`);
  } else if (status === 404) {
    error = new GitProviderError('not-found', `${where}: not found (HTTP 404${said}); check the repository URL and that the token can see it`);
  } else if (status === 408 || status >= 500) {
    error = new GitProviderError('unreachable', `${where}: the server failed (HTTP ${status}${said})`);
  } else {
    error = new GitProviderError('rejected', `${where}: refused (HTTP ${status}${said})`);
  }
  return withScrubbedMessage(error, secrets);
}

/** No HTTP answer at all: connection refused, DNS, TLS, timeout. */
export function networkFailure(op: Operation, cause: unknown, secrets: readonly string[]): GitProviderError {
  return withScrubbedMessage(new GitProviderError('unreachable', `${describe(op)}: cannot reach the server (${causeText(cause)})`), secrets);
}

/** A 2xx answer that is not what the API documents. */
export function invalidResponse(op: Operation, what: string, secrets: readonly string[]): GitProviderError {
  return withScrubbedMessage(new GitProviderError('invalid-response', `${describe(op)}: unexpected answer: ${what}`), secrets);
}

/** The innermost useful message of a fetch failure (`fetch failed` hides the reason in `cause`). */
export function causeText(cause: unknown): string {
  let current: unknown = cause;
  let text = 'unknown error';
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    const message = current.message.trim();
    if (typeof code === 'string') text = message === '' ? code : message.includes(code) ? message : `${code}: ${message}`;
    else if (message !== '') text = message;
    if (current.name === 'TimeoutError' || current.name === 'AbortError') return 'timed out';
    current = (current as { cause?: unknown }).cause;
  }
  return text;
}

/** Zod issues as one short line: `number: expected number, received string`. */
export function issuesText(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? `${i.path.map(String).join('.')}: ` : ''}${i.message}`)
    .join('; ');
}

function withScrubbedMessage(error: GitProviderError, secrets: readonly string[]): GitProviderError {
  const clean = scrub(error.message, secrets);
  return clean === error.message ? error : new GitProviderError(error.code, clean);
}

/** A commit id as git prints it: 40 (SHA-1) or 64 (SHA-256) lower-case hex digits. */
export const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
