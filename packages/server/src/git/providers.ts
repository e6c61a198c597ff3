/**
 * The Git provider port: pull requests on a hosting service. The `pr` action opens one, then
 * polls its state until it is merged (the step continues with the merge commit) or closed (the
 * step fails).
 */

export interface OpenPullRequest {
  /** Repository URL as the application declares it (`https://host/owner/repo.git`). */
  repoURL: string;
  /** Branch the change is merged into. */
  base: string;
  /** Branch holding the change; already pushed. */
  head: string;
  title: string;
  body: string;
}

export interface PullRequestRef {
  /** Provider-specific id, stable across calls (e.g. the PR number, the MR iid). */
  id: string;
  /** Link for people. */
  url: string;
}

export type PullRequestState =
  | { state: 'open' }
  | { state: 'merged'; mergeCommit: string }
  | { state: 'closed' };

export interface GitProvider {
  /** Short name used in configuration and messages: `local`, `github`, `gitlab`, `gitea`. */
  readonly kind: string;
  /** Opens a pull request, or returns the open one for the same head branch (so a retry never opens two). */
  open(input: OpenPullRequest): Promise<PullRequestRef>;
  state(repoURL: string, id: string): Promise<PullRequestState>;
}

/** Provider failures carry a stable code and never a token. */
export class GitProviderError extends Error {
  constructor(
    readonly code: 'unauthorized' | 'not-found' | 'unreachable' | 'invalid-response' | 'rejected',
    message: string,
  ) {
    super(message);
  }
}
