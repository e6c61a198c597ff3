/**
 * Failures of the Argo Workflows adapter. Each carries a stable code and a message that names the
 * namespace, the workflow and the operation, and never the token.
 *
 * - `unauthorized`: HTTP 401 or 403 (the token was refused or may not do this).
 * - `not-found`: HTTP 404 (no such workflow, template or node).
 * - `unreachable`: no answer, a timeout, HTTP 408, 429 or 5xx, or a stream cut mid-way; worth retrying.
 * - `invalid-response`: a 2xx answer that is not what the Argo API documents; the message names the field.
 * - `rejected`: any other HTTP status (400 invalid spec, 409 conflict, …).
 */
export const ARGO_ERROR_CODES = ['unauthorized', 'not-found', 'unreachable', 'invalid-response', 'rejected'] as const;
export type ArgoErrorCode = (typeof ARGO_ERROR_CODES)[number];

export class ArgoWorkflowsError extends Error {
  constructor(
    readonly code: ArgoErrorCode,
    message: string,
    /** The HTTP status when the server answered with one. */
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'ArgoWorkflowsError';
  }
}

/** Retrying the same request later may succeed. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ArgoWorkflowsError && error.code === 'unreachable';
}
