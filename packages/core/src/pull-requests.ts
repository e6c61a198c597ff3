/** The states of a local pull request; only `open` ever changes, `merged` and `closed` are final. */
export const PULL_REQUEST_STATES = ['open', 'merged', 'closed'] as const;

export type PullRequestState = (typeof PULL_REQUEST_STATES)[number];

/** A pull request of the local provider: a branch of a repository no Git provider covers, plus Stagecoach's record of it. */
export interface PullRequestRecord {
  /** Unique, chosen when it is opened. */
  id: string;
  /** The repository, as the caller normalised it; compared exactly. */
  repoURL: string;
  /** The branch it merges into, e.g. `main`. */
  base: string;
  /** Its own branch: `stagecoach/<release>/<environment>/<application>` when a release opened it. */
  head: string;
  title: string;
  body: string;
  state: PullRequestState;
  /** The merge commit on `base`; set once merged. */
  mergeCommit?: string;
  /** ISO-8601 time of creation. */
  createdAt: string;
  /** ISO-8601 time of the last change of state; equal to `createdAt` until then. */
  updatedAt: string;
}

/** A local pull request as the API answers it: the record and its link, `<publicUrl>/pull-requests/<id>`. */
export interface PullRequest extends PullRequestRecord {
  url: string;
}

/**
 * One file a pull request changes. `before` is null for an added file and `after` for a deleted
 * one; both are null for a binary file (one with a NUL byte) and a too large one, which say so
 * with `binary` or `tooLarge`.
 */
export interface PullRequestFile {
  /** Repository-relative. */
  path: string;
  status: 'added' | 'modified' | 'deleted';
  before: string | null;
  after: string | null;
  binary?: true;
  tooLarge?: true;
}

/**
 * What a pull request changes: the files that differ from `from` (where its branch left the base
 * branch) to `to` (its head commit); `truncated` when more changed than were listed.
 */
export interface PullRequestFiles {
  from: string;
  to: string;
  files: PullRequestFile[];
  truncated?: true;
}
