/**
 * Failures of the Argo CD client. Each carries a stable code and a message that names the
 * application and the operation, and never the token.
 *
 * - `unauthorized`: HTTP 401 (no token, or one Argo CD does not accept: expired, revoked, wrong server).
 * - `forbidden`: HTTP 403. Argo CD also answers 403 ("permission denied") for an application that
 *   does not exist, so that a caller cannot learn which names exist.
 * - `not-found`: HTTP 404 (no such application; older Argo CD servers answer this for a missing one).
 * - `unreachable`: no answer, a timeout, HTTP 408, 429 or 5xx; worth retrying.
 * - `invalid-response`: a 2xx answer that is not what the Argo CD API documents (often a base URL
 *   that points at something else); the message names the field.
 * - `rejected`: any other HTTP status.
 */
export const ARGOCD_ERROR_CODES = ['unauthorized', 'forbidden', 'not-found', 'unreachable', 'invalid-response', 'rejected'] as const;
export type ArgoCdErrorCode = (typeof ARGOCD_ERROR_CODES)[number];

export class ArgoCdError extends Error {
  constructor(
    readonly code: ArgoCdErrorCode,
    message: string,
    /** The HTTP status when the server answered with one. */
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'ArgoCdError';
  }
}

/** Asking again later may succeed. */
export function isRetryableArgoCdError(error: unknown): boolean {
  return error instanceof ArgoCdError && error.code === 'unreachable';
}
