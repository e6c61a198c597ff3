/**
 * The Git port: everything Stagecoach does to a repository, without a working tree. One
 * implementation runs the `git` CLI over a bare cache per repository URL.
 *
 * Failures are `GitError`s (`git/errors.ts`) with a stable code. Branch names and commit ids are
 * checked before any process runs (`invalid-ref`); commit ids are full 40- (or 64-) digit hex ids.
 */

import type { PullRequestFile } from '@stagecoach/core';

/** How to authenticate to a repository. Secrets reach git only through its environment. */
export type GitCredentials =
  | { type: 'token'; token: string; username?: string } // HTTPS; username defaults to "x-access-token"
  | { type: 'basic'; username: string; password: string } // HTTPS basic auth
  | { type: 'ssh'; privateKey: string; knownHosts?: string }; // PEM/OpenSSH key; known_hosts text

export interface RepoRef {
  url: string;
  credentials?: GitCredentials;
}

export interface Person {
  name: string;
  email: string;
}

export interface CommitInfo {
  sha: string;
  author: Person & { date: string /* ISO-8601 */ };
  /** Full message, trailers included. */
  message: string;
}

export interface LastChangesOptions {
  /**
   * Answers already known at a commit, by folder (e.g. from the walk at the previous tip): a
   * folder whose history reaches that commit takes its answer there, and the walk stops early.
   */
  known?: (commit: string) => ReadonlyMap<string, CommitInfo | undefined> | undefined;
}

/** One entry under a folder at a commit. */
export interface TreeEntry {
  /** Repository-relative path. */
  path: string;
  type: 'file' | 'executable' | 'symlink' | 'submodule';
}

/** A file's new content at a repository-relative path. */
export interface FileWrite {
  path: string;
  content: string;
}

export type PushResult =
  | { ok: true }
  /** The branch moved on the remote since `expectedOld` (or the push was not a fast-forward). */
  | { ok: false; reason: 'rejected'; message: string };

/**
 * A file that differs between two commits, as `git diff-tree --no-renames` sees it: a file that
 * changed type or mode only is `modified`; a rename is a deletion plus an addition.
 */
export type ChangedFile = Pick<PullRequestFile, 'path' | 'status'>;

export type MergeResult = { ok: true; sha: string } | { ok: false; reason: 'conflict'; files: string[] };

/**
 * One repository, opened through the cache. Methods that reach the remote take the repository's
 * lock; reads at a known commit do not need it.
 */
export interface GitRepository {
  readonly url: string;
  /**
   * Tip of a remote branch as the remote has it now, brought into the cache (with the CLI adapter,
   * one fetch; callers waiting at once share one). Fails with `branch-not-found`.
   */
  resolveBranch(branch: string): Promise<string>;
  /**
   * The branch tip as the cache last saw it, without reaching the remote; undefined when the
   * cache has never fetched the branch. Writers that push with a lease may start from it: a
   * stale tip only costs a rejected push and a refresh.
   */
  cachedTip(branch: string): Promise<string | undefined>;
  /** Fetches the branch and returns the new tip; what writers call after a rejected push. */
  refreshBranch(branch: string): Promise<string>;
  /** Whether the cache holds this commit (no network). */
  hasCommit(commit: string): Promise<boolean>;
  /**
   * A file's text (decoded as UTF-8) at a commit, or undefined when no file is at that path (a
   * folder or a submodule there also gives undefined). A commit missing from the cache is `invalid-ref`.
   */
  readFile(commit: string, path: string): Promise<string | undefined>;
  /**
   * Many files at one commit, read together: path → text, or undefined as for `readFile`. Every
   * path is checked before anything is read (`invalid-path` for the first bad one).
   */
  readFiles(commit: string, paths: readonly string[]): Promise<Map<string, string | undefined>>;
  /** Every entry under a folder (recursive; `''` or `.` for the root). */
  listFiles(commit: string, folder: string): Promise<TreeEntry[]>;
  /** The newest commit at or before `commit` that touched `folder`. */
  lastChange(commit: string, folder: string): Promise<CommitInfo | undefined>;
  /**
   * `lastChange` of many folders in one walk of the history, keyed by the folders as given; each
   * answer is the one `lastChange` gives. An invalid folder fails the whole call (`invalid-path`).
   */
  lastChanges(commit: string, folders: readonly string[], options?: LastChangesOptions): Promise<Map<string, CommitInfo | undefined>>;
  /** Details of one commit. */
  commitInfo(commit: string): Promise<CommitInfo>;
  /** The parents of a commit, first parent first (none for a root commit, two for a merge). */
  parentsOf(commit: string): Promise<string[]>;
  /** The best common ancestor of two commits (`git merge-base`), or undefined when their histories never meet. */
  mergeBase(a: string, b: string): Promise<string | undefined>;
  /**
   * Every file that differs from `from` to `to` (recursive, sorted by path as git sorts them);
   * submodules count as files. Both commits must be in the cache (`invalid-ref` otherwise).
   */
  changedFiles(from: string, to: string): Promise<ChangedFile[]>;
  /** Builds a commit on `parent` with these files replaced, by plumbing (no checkout). Not pushed. */
  commitFiles(input: { parent: string; files: FileWrite[]; message: string; author: Person; date: Date }): Promise<string>;
  /**
   * Pushes a commit to a branch.
   * - `expectedOld`: only if the branch is still at that commit (compare-and-swap through an
   *   explicit `--force-with-lease`); otherwise `rejected`, and nothing changes.
   * - `create: true` (without `expectedOld`): only if the branch does not exist yet.
   * - neither: only as a fast-forward.
   * Pushing the commit the branch already points at succeeds (a retried push is not an error).
   */
  push(commit: string, branch: string, options?: { expectedOld?: string; create?: boolean }): Promise<PushResult>;
  /**
   * Walks back from `from` (at most `limit` commits, default 200) for the newest commit whose
   * trailers include all of these; keys and values match exactly (case-sensitive).
   */
  findCommitWithTrailers(from: string, trailers: Record<string, string>, limit?: number): Promise<string | undefined>;
  /** Whether `ancestor` is reachable from `descendant`. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** A merge commit of `head` into `base` (parents: base, head) computed without a worktree; not pushed. */
  merge(input: { base: string; head: string; message: string; author: Person; date: Date }): Promise<MergeResult>;
  /** Deletes a remote branch (after a merged or closed local pull request). A branch already gone is not an error. */
  deleteBranch(branch: string): Promise<void>;
  /** Runs `fn` holding this repository's lock (one writer per repository in this process). */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
}

export interface GitPort {
  open(repo: RepoRef): Promise<GitRepository>;
  close(): Promise<void>;
}
