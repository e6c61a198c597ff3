import type { Problem } from '@stagecoach/core';

/** Stable error codes of the HTTP API and the services behind it, with their HTTP status. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  in_use: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  internal: 500,
  /** A Git repository or provider could not be reached or refused the credentials. */
  git_unavailable: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A failure as a value: a stable code, one sentence, and every problem behind it. */
export interface Failure {
  code: ErrorCode;
  message: string;
  details: Problem[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string, details: Problem[] = []): Result<T> {
  return { ok: false, error: { code, message, details } };
}
