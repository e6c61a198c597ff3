import { apiGet, apiPost } from '../api.ts';
import type { PullRequestState } from './model.ts';

/**
 * A pull request of the local provider (`GET /api/v1/pull-requests/{id}`): a branch of a
 * repository no Git provider covers, plus Stagecoach's record of it. Merged and closed are final.
 */
export interface PullRequest {
  id: string;
  repoURL: string;
  /** The branch it merges into. */
  base: string;
  /** Its own branch: `stagecoach/<release>/<environment>/<application>` when a release opened it. */
  head: string;
  title: string;
  body: string;
  state: PullRequestState;
  /** The merge commit on `base`; present once merged. */
  mergeCommit?: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601; the time of the merge or close once it is final. */
  updatedAt: string;
  /** `<publicUrl>/pull-requests/<id>`. */
  url: string;
}

/** TanStack Query keys of pull requests: invalidating `lists` reloads every filtered list. */
export const pullRequestQueryKeys = {
  all: ['pull-requests'] as const,
  lists: ['pull-requests', 'list'] as const,
  list: (state: PullRequestState | undefined) => ['pull-requests', 'list', state ?? 'all'] as const,
  detail: (id: string) => ['pull-requests', 'detail', id] as const,
  /** Keyed by state too, so a merge or close reads the files again. */
  files: (id: string, state: PullRequestState) => ['pull-requests', 'files', id, state] as const,
};

/** Local pull requests, newest first; every state when `state` is undefined. */
export async function listPullRequests(state: PullRequestState | undefined, signal?: AbortSignal): Promise<PullRequest[]> {
  const path = state === undefined ? '/api/v1/pull-requests' : `/api/v1/pull-requests?state=${state}`;
  return (await apiGet<{ items: PullRequest[] }>(path, signal)).items;
}

export function getPullRequest(id: string, signal?: AbortSignal): Promise<PullRequest> {
  return apiGet<PullRequest>(`/api/v1/pull-requests/${encodeURIComponent(id)}`, signal);
}

/**
 * One file a pull request changes. `before` is null when the file is added, `after` when it is
 * deleted; both are null for a binary file (`binary`) and one over 1 MiB (`tooLarge`).
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
 * What a pull request changes (`GET /api/v1/pull-requests/{id}/files`): the files that differ
 * from `from` (where its branch left the base branch) to `to` (its head commit), sorted by path;
 * `truncated` when more than the 200 listed changed.
 */
export interface PullRequestFiles {
  from: string;
  to: string;
  files: PullRequestFile[];
  truncated?: true;
}

/** The files a pull request changes; 409 once it is closed (its branch is deleted). */
export function getPullRequestFiles(id: string, signal?: AbortSignal): Promise<PullRequestFiles> {
  return apiGet<PullRequestFiles>(`/api/v1/pull-requests/${encodeURIComponent(id)}/files`, signal);
}

/** What people may do to an open pull request. */
export type PullRequestCommand = 'merge' | 'close';

/**
 * Merges the pull request into its base branch (its release's step goes on) or closes it (the
 * step fails). Answers the pull request as it is now; 409 when it is not open or the merge
 * conflicts, 502 when the repository failed.
 */
export function commandPullRequest(id: string, command: PullRequestCommand): Promise<PullRequest> {
  return apiPost<PullRequest>(`/api/v1/pull-requests/${encodeURIComponent(id)}/${command}`);
}
