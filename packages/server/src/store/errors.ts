import type { PullRequestStatus } from './port.ts';

/** Stable codes of the errors the store throws on purpose; the edges map them (HTTP status, exit code). */
export type StoreErrorCode = 'conflict' | 'duplicate' | 'invalid_config';

/** Base of the store's named errors. Anything else thrown by a store is unexpected. */
export abstract class StoreError extends Error {
  abstract readonly code: StoreErrorCode;
}

/**
 * A write was based on a `resourceVersion` that is no longer the stored one, or the resource it
 * expected does not exist (then `actual` is `undefined`). Nothing was written. The caller should
 * read again and decide; retrying the same write cannot succeed.
 */
export class StoreConflictError extends StoreError {
  readonly code = 'conflict';
  readonly kind: string;
  /**
   * The resource's name. Note: this replaces `Error.name` (usually the class name); test for the
   * error with `instanceof` or `code`, never with `name`.
   */
  override readonly name: string;
  /** The version the writer expected. */
  readonly expected: number;
  /** The stored version, or `undefined` when the resource does not exist. */
  readonly actual: number | undefined;

  constructor(kind: string, name: string, expected: number, actual: number | undefined) {
    super(
      actual === undefined
        ? `${kind} "${name}": resourceVersion ${expected} was expected, but the resource does not exist`
        : `${kind} "${name}": resourceVersion ${expected} is stale, the stored one is ${actual}`,
    );
    this.kind = kind;
    this.name = name;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Which unique field of a token was already taken. */
export type TokenUniqueField = 'id' | 'name' | 'hash';

/** A token could not be created because another token already has its id, name or hash. Nothing was written. */
export class StoreDuplicateError extends StoreError {
  readonly code = 'duplicate';
  override readonly name = 'StoreDuplicateError';
  /** The name of the token that was refused. */
  readonly tokenName: string;
  readonly field: TokenUniqueField;

  constructor(tokenName: string, field: TokenUniqueField) {
    // The hash is never put in the message: it is derived from a secret.
    super(`token "${tokenName}": ${field} is already used by another token`);
    this.tokenName = tokenName;
    this.field = field;
  }
}

/** The store settings cannot work, e.g. a database URL with an unsupported scheme. */
export class StoreConfigError extends StoreError {
  readonly code = 'invalid_config';
  override readonly name = 'StoreConfigError';
  /** The setting at fault, e.g. `databaseUrl`. */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.setting = setting;
  }
}

/**
 * A pull request could not change because it is no longer open: it was merged or closed, perhaps
 * by a concurrent writer. Nothing was written. Final states never change, so retrying cannot succeed.
 */
export class StorePullRequestStateError extends StoreError {
  readonly code = 'conflict';
  override readonly name = 'StorePullRequestStateError';
  /** The pull request's id. */
  readonly id: string;
  /** Its stored state, `merged` or `closed`. */
  readonly state: PullRequestStatus;

  constructor(id: string, state: PullRequestStatus) {
    super(`pull request "${id}" is ${state}; only an open one can change`);
    this.id = id;
    this.state = state;
  }
}
