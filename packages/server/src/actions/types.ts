import type { Action, FileChange, PromotionFiles } from '@stagecoach/core';
import { GitError, isRetryableGitError } from '../git/errors.ts';
import type { CommitInfo, GitRepository, Person } from '../git/port.ts';
import { GitProviderError } from '../git/providers.ts';

/** Trailer keys every Stagecoach commit carries; they make a retried action find its own commit. */
export const TRAILERS = {
  release: 'Stagecoach-Release',
  environment: 'Stagecoach-Environment',
  application: 'Stagecoach-Application',
} as const;

/** What an action needs to promote one application. */
export interface ActionInput {
  release: string;
  product: string;
  environment: string;
  application: {
    name: string;
    repoURL: string;
    branch: string;
    folder: string;
  };
  /** The source folder, pinned to a commit of `branch`. */
  source: { repoURL: string; branch: string; commit: string; folder: string };
  /** Files and JSONPaths to promote; undefined or empty = every file present in both folders. */
  promotion: PromotionFiles | undefined;
  author: Person;
  now: Date;
  /**
   * The pull request an earlier run of this action opened (from its `suspended` outcome). With
   * it, a run only follows that pull request: a closed one fails the action instead of a new one
   * being opened.
   */
  pullRequest?: { provider: string; id: string; url: string };
  /**
   * Other applications of the same release expected to run this action on the same repository
   * and branch shortly (their step's pre-action is under way). The commit action waits briefly
   * for them so that all go out in one push.
   */
  companions?: { environment: string; application: string }[];
}

/**
 * The outcome of one run of an action. Runs are idempotent: running again with the same input
 * continues where the last run stopped (finds its commit, its branch, its pull request).
 */
export type ActionOutcome =
  | {
      status: 'succeeded';
      /** The commit now on the branch with the change; absent with `noChange`. */
      commit?: CommitInfo;
      /** The target already held the source's values: nothing was committed. */
      noChange: boolean;
      files: FileChange[];
      message: string;
    }
  /** Waiting for people (a pull request not merged yet); run again later. */
  | { status: 'suspended'; pullRequest: { provider: string; id: string; url: string }; message: string }
  /** `retryable`: a later run may succeed (e.g. the remote was unreachable). */
  | { status: 'failed'; message: string; retryable: boolean };

/** One action kind: `commit`, `pr` or `none`. */
export interface ActionRunner {
  readonly action: Action;
  run(input: ActionInput): Promise<ActionOutcome>;
}

/** The commit message of a promotion: a subject, the changed properties, and the trailers. */
export function commitMessage(input: ActionInput, files: readonly FileChange[]): string {
  const lines = [`Promote ${input.product} to ${input.environment}: ${input.application.name}`, ''];
  for (const file of files) {
    if (file.edits.length === 0) lines.push(`- ${file.path}: whole file`);
    for (const edit of file.edits) lines.push(`- ${file.path} ${edit.path}: ${short(edit.old)} → ${short(edit.new)}`);
  }
  lines.push('', `${TRAILERS.release}: ${input.release}`, `${TRAILERS.environment}: ${input.environment}`, `${TRAILERS.application}: ${input.application.name}`);
  return `${lines.join('\n')}\n`;
}

function short(value: unknown): string {
  const text = value === undefined ? '(absent)' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function trailersOf(input: ActionInput): Record<string, string> {
  return { [TRAILERS.release]: input.release, [TRAILERS.environment]: input.environment, [TRAILERS.application]: input.application.name };
}

/**
 * Makes sure the pinned source commit is in the cache: after a restart, or on another replica,
 * it may not be yet. Fetching its branch brings it; a commit no longer on the branch is an error.
 */
export async function ensureSourceCommit(repo: GitRepository, source: ActionInput['source']): Promise<string | undefined> {
  if (await repo.hasCommit(source.commit)) return undefined;
  await repo.refreshBranch(source.branch);
  if (await repo.hasCommit(source.commit)) return undefined;
  return `source commit ${source.commit.slice(0, 12)} is not on branch ${source.branch} of ${source.repoURL} any more`;
}

/**
 * The outcome of an action that threw. A Git or provider failure that may pass (the remote could
 * not be reached, or failed) is tried again; one that needs someone to change something (refused
 * credentials, a missing branch or repository) fails, saying so. Anything else is unexpected and
 * tried again.
 */
export function failureOf(error: unknown): ActionOutcome & { status: 'failed' } {
  const message = error instanceof Error ? error.message : String(error);
  const needsSomeone =
    (error instanceof GitError && !isRetryableGitError(error)) || (error instanceof GitProviderError && error.code !== 'unreachable' && error.code !== 'invalid-response');
  return needsSomeone ? { status: 'failed', retryable: false, message: `${message}; fix it, then retry the release` } : { status: 'failed', retryable: true, message };
}
