/**
 * Errors of the Git port. Every failure the Git adapter reports on purpose is a `GitError` with a
 * stable `code`; anything else thrown from it is unexpected. Messages name the repository URL with
 * any user information removed, and never contain a secret.
 */

/**
 * - `branch-not-found`: the remote has no such branch.
 * - `repository-not-found`: nothing answers as a Git repository at the URL.
 * - `unauthorized`: the remote refused the credentials (or asked for some and none were given).
 * - `unreachable`: the network failed (DNS, connection refused, timeout).
 * - `invalid-ref`: a branch name or commit id is malformed, or names no commit in the cache. Such
 *   input never reaches a `git` process.
 * - `invalid-path`: a repository path is malformed (absolute, `..`, `.git`, control characters) or
 *   clashes with the tree (a file where a folder is needed).
 * - `command-failed`: any other failure of a `git` command.
 */
export type GitErrorCode =
  | 'branch-not-found'
  | 'repository-not-found'
  | 'unauthorized'
  | 'unreachable'
  | 'invalid-ref'
  | 'invalid-path'
  | 'command-failed';

export const GIT_ERROR_CODES: readonly GitErrorCode[] = [
  'branch-not-found',
  'repository-not-found',
  'unauthorized',
  'unreachable',
  'invalid-ref',
  'invalid-path',
  'command-failed',
];

/** Retrying later may help for these codes; the others need a change of input or configuration. */
export function isRetryableGitError(error: unknown): boolean {
  return error instanceof GitError && (error.code === 'unreachable' || error.code === 'command-failed');
}

export class GitError extends Error {
  override readonly name = 'GitError';
  readonly code: GitErrorCode;
  /** The repository URL without user information, or `undefined` when the error concerns no repository. */
  readonly url: string | undefined;
  /** The last lines of git's standard error, secrets removed; empty when git did not run. */
  readonly detail: string;

  constructor(code: GitErrorCode, url: string | undefined, message: string, detail = '') {
    super(url === undefined ? message : `git repository ${url}: ${message}`);
    this.code = code;
    this.url = url;
    this.detail = detail;
  }
}

/**
 * The URL as shown in messages: the user name and password of a `scheme://user:pass@host/…` URL
 * are removed (`https://host/org/repo.git`). Scp-like addresses (`git@host:org/repo.git`) and paths
 * are returned as they are, since they cannot hold a password.
 */
export function displayUrl(url: string): string {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#]*@)?(.*)$/s.exec(url);
  if (match === null) return url;
  return `${match[1]}${match[3]}`;
}
