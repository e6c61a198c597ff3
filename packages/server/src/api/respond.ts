import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_STATUS, type ErrorCode, type Failure, type Result } from '../errors.ts';
import type { Problem } from '@stagecoach/core';

/** The JSON body of every error response. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details: Problem[];
}

export function sendFailure(c: Context, failure: Failure): Response {
  const body: ErrorBody = { code: failure.code, message: failure.message, details: failure.details };
  return c.json(body, ERROR_STATUS[failure.code] as ContentfulStatusCode);
}

export function sendError(c: Context, code: ErrorCode, message: string, details: Problem[] = []): Response {
  return sendFailure(c, { code, message, details });
}

/** Sends a result: its value with `status` on success, the error body otherwise. */
export function sendResult<T>(c: Context, result: Result<T>, status: ContentfulStatusCode = 200): Response {
  if (!result.ok) return sendFailure(c, result.error);
  return c.json(result.value as object, status);
}
