import { apiGet, apiPost } from '../api.ts';
import type { PullRequest, PullRequestFiles, PullRequestState } from '@stagecoach/core';

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
