import { GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError, Gitlab } from '@gitbeaker/rest';
import { z } from 'zod';
import { GitProviderError, type GitProvider, type OpenPullRequest, type PullRequestRef, type PullRequestState } from '../../git/providers.ts';
import { COMMIT_ID, httpFailure, invalidResponse, issuesText, networkFailure, type Operation } from './failures.ts';
import { parseRepoURL, redactRepoURL } from './repo-url.ts';

/** Where gitlab.com lives. */
export const GITLAB_COM_URL = 'https://gitlab.com';

export interface GitLabProviderOptions {
  /** Personal, group or project access token with the `api` scope (Developer role or above). Required. */
  token: string;
  /**
   * Instance root, without `/api/v4` (the client adds it). Default `https://gitlab.com`; a
   * self-managed instance: `https://gitlab.example.com`. A trailing `/` is ignored.
   */
  host?: string;
  /** Milliseconds one HTTP request may take before it counts as `unreachable`; default 30000. */
  timeoutMs?: number;
}

// The parts of GitLab's merge request entity this adapter reads.
const MergeRequest = z.object({
  iid: z.number().int().positive(),
  web_url: z.string().min(1),
  state: z.enum(['opened', 'closed', 'locked', 'merged']),
  source_branch: z.string(),
  target_branch: z.string(),
  sha: z.string().nullish(),
  merge_commit_sha: z.string().nullish(),
  squash_commit_sha: z.string().nullish(),
});
type MergeRequest = z.infer<typeof MergeRequest>;

/**
 * The GitLab provider (gitlab.com and self-managed). A merge request's id is its project-scoped
 * `iid`; the project is the repository URL's full path (`group/sub/project`), sent URL-encoded.
 * `open` first looks for an opened merge request from the same source to the same target branch,
 * so a retried step never opens two; a 409 on create (someone opened it meanwhile) is answered
 * the same way. `locked` (GitLab is merging it) counts as open. A merged one continues with
 * `merge_commit_sha`, else `squash_commit_sha` (squash with fast-forward), else `sha` (a
 * fast-forward merge leaves the target at the source's head).
 */
export function createGitLabProvider(options: GitLabProviderOptions): GitProvider {
  const host = (options.host ?? GITLAB_COM_URL).replace(/\/+$/, '');
  const secrets = [options.token];
  const api = new Gitlab({ host, token: options.token, queryTimeout: options.timeoutMs ?? 30_000 });

  function project(repoURL: string, action: string): { path: string; op: Operation } {
    const location = parseRepoURL(repoURL);
    if (!location || location.segments.length < 2) {
      throw new GitProviderError('not-found', `gitlab: repository URL "${redactRepoURL(repoURL)}" is not https://HOST/GROUP/PROJECT[.git] or git@HOST:GROUP/PROJECT[.git]`);
    }
    const path = location.segments.join('/');
    return { path, op: { provider: 'gitlab', repository: path, action } };
  }

  async function call<T>(op: Operation, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toProviderError(op, error);
    }
  }

  function toProviderError(op: Operation, error: unknown): GitProviderError {
    if (error instanceof GitProviderError) return error;
    if (error instanceof GitbeakerRequestError) {
      const cause = error.cause as { response?: Response; description?: unknown } | undefined;
      const status = cause?.response?.status;
      const description = typeof cause?.description === 'string' ? cause.description : error.message;
      if (typeof status === 'number') {
        const rateLimited = status === 429 || (status === 403 && cause?.response?.headers.get('ratelimit-remaining') === '0');
        return httpFailure(op, status, gitlabMessage(description), secrets, { rateLimited });
      }
    }
    if (error instanceof GitbeakerRetryError || error instanceof GitbeakerTimeoutError) return networkFailure(op, error, secrets);
    if (error instanceof SyntaxError) return invalidResponse(op, `not JSON (${error.message})`, secrets);
    return networkFailure(op, error, secrets);
  }

  /** An opened (or, with `state: 'locked'`, a locked) merge request from `head` into `base`. */
  async function find(path: string, head: string, base: string, op: Operation, state: 'opened' | 'locked' = 'opened'): Promise<PullRequestRef | undefined> {
    const answer = await call(op, () => api.MergeRequests.all({ projectId: path, sourceBranch: head, targetBranch: base, state, perPage: 100 }));
    const list = z.array(MergeRequest).safeParse(answer);
    if (!list.success) throw invalidResponse(op, `merge request list: ${issuesText(list.error.issues)}`, secrets);
    // The filters are the server's; checking again costs nothing and guards against a proxy ignoring them.
    const found = list.data.find((mr) => mr.state === state && mr.source_branch === head && mr.target_branch === base);
    return found && { id: String(found.iid), url: found.web_url };
  }

  function stateOf(mr: MergeRequest, op: Operation): PullRequestState {
    switch (mr.state) {
      case 'opened':
      case 'locked':
        return { state: 'open' };
      case 'closed':
        return { state: 'closed' };
      case 'merged': {
        const sha = mr.merge_commit_sha ?? mr.squash_commit_sha ?? mr.sha;
        if (!sha || !COMMIT_ID.test(sha)) throw invalidResponse(op, 'merged merge request without merge_commit_sha, squash_commit_sha or sha', secrets);
        return { state: 'merged', mergeCommit: sha };
      }
    }
  }

  return {
    kind: 'gitlab',

    async open(input: OpenPullRequest): Promise<PullRequestRef> {
      const { path, op } = project(input.repoURL, `open merge request ${input.head} → ${input.base}`);
      const existing = await find(path, input.head, input.base, op);
      if (existing) return existing;
      let created: unknown;
      try {
        created = await api.MergeRequests.create(path, input.head, input.base, input.title, { description: input.body });
      } catch (error) {
        const failure = toProviderError(op, error);
        // 409 "Another open merge request already exists for this source branch": that one is the answer.
        if (error instanceof GitbeakerRequestError && (error.cause as { response?: Response } | undefined)?.response?.status === 409) {
          // `locked` is short-lived (GitLab is merging it), so it is only worth asking about here.
          const raced = (await find(path, input.head, input.base, op)) ?? (await find(path, input.head, input.base, op, 'locked'));
          if (raced) return raced;
        }
        throw failure;
      }
      const mr = MergeRequest.safeParse(created);
      if (!mr.success) throw invalidResponse(op, `created merge request: ${issuesText(mr.error.issues)}`, secrets);
      return { id: String(mr.data.iid), url: mr.data.web_url };
    },

    async state(repoURL: string, id: string): Promise<PullRequestState> {
      const { path, op } = project(repoURL, `read merge request !${id}`);
      if (!/^[1-9]\d*$/.test(id)) throw new GitProviderError('not-found', `gitlab ${path}: merge request id "${id}" is not a merge request iid`);
      const parsed = MergeRequest.safeParse(await call(op, () => api.MergeRequests.show(path, Number(id))));
      if (!parsed.success) throw invalidResponse(op, issuesText(parsed.error.issues), secrets);
      return stateOf(parsed.data, op);
    },
  };
}

/**
 * GitLab's error text as gitbeaker passes it on: `message` or `error` of the body, where a list
 * (model validation, e.g. a 409) arrives JSON-encoded; shown as plain sentences.
 */
function gitlabMessage(description: string): string {
  const text = description.trim();
  if (!text.startsWith('[') && !text.startsWith('{')) return text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed.map(String).join('; ');
    if (typeof parsed === 'object' && parsed !== null) {
      return Object.entries(parsed)
        .map(([field, problems]) => `${field} ${Array.isArray(problems) ? problems.join(', ') : String(problems)}`)
        .join('; ');
    }
  } catch {
    // not JSON after all: the text as it is
  }
  return text;
}
