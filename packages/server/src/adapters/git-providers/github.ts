import { Octokit } from '@octokit/rest';
import { z } from 'zod';
import { GitProviderError, type GitProvider, type OpenPullRequest, type PullRequestRef, type PullRequestState } from '../../git/providers.ts';
import { COMMIT_ID, httpFailure, invalidResponse, issuesText, networkFailure, type Operation } from './failures.ts';
import { ownerAndRepo, redactRepoURL } from './repo-url.ts';

/** Where the public GitHub REST API lives. */
export const GITHUB_API_URL = 'https://api.github.com';

export interface GitHubProviderOptions {
  /**
   * Token allowed to read and open pull requests: a fine-grained token with "Pull requests: read
   * and write", a classic token with `repo`, or a GitHub App installation token. Required.
   */
  token: string;
  /**
   * REST API root. Default `https://api.github.com`; GitHub Enterprise Server:
   * `https://HOST/api/v3`. A trailing `/` is ignored.
   */
  baseUrl?: string;
  /** Milliseconds one HTTP request may take before it counts as `unreachable`; default 30000. */
  timeoutMs?: number;
  /** `fetch` to send requests with; default the global one. */
  fetch?: typeof fetch;
}

// The parts of GitHub's `pull-request` and `pull-request-simple` schemas this adapter reads.
const PullSimple = z.object({
  number: z.number().int().positive(),
  html_url: z.string().min(1),
  state: z.enum(['open', 'closed']),
  head: z.object({ ref: z.string() }),
  base: z.object({ ref: z.string() }),
});
const Pull = PullSimple.extend({
  merged: z.boolean(),
  merge_commit_sha: z.string().nullable(),
});

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The GitHub provider (github.com and GitHub Enterprise Server). A pull request's id is its number.
 * `open` first looks for an open pull request with the same head and base branch
 * (`GET /repos/{owner}/{repo}/pulls?head=owner:branch&base=…&state=open`), so a retried step
 * never opens two; a 422 on create (someone opened it meanwhile) is answered the same way.
 */
export function createGitHubProvider(options: GitHubProviderOptions): GitProvider {
  const baseUrl = (options.baseUrl ?? GITHUB_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const secrets = [options.token];
  const octokit = new Octokit({
    auth: options.token,
    baseUrl,
    userAgent: 'stagecoach',
    // Failures are reported as GitProviderError; the client's own console logging would only repeat them.
    log: SILENT,
    request: options.fetch ? { fetch: options.fetch } : {},
  });
  const request = () => ({ signal: AbortSignal.timeout(timeoutMs) });

  function repository(repoURL: string, action: string): { owner: string; repo: string; op: Operation } {
    const parsed = ownerAndRepo(repoURL);
    if (!parsed) {
      throw new GitProviderError('not-found', `github: repository URL "${redactRepoURL(repoURL)}" is not https://HOST/OWNER/REPO[.git] or git@HOST:OWNER/REPO[.git]`);
    }
    return { ...parsed, op: { provider: 'github', repository: `${parsed.owner}/${parsed.repo}`, action } };
  }

  async function findOpen(owner: string, repo: string, head: string, base: string, op: Operation): Promise<PullRequestRef | undefined> {
    const response = await call(op, () =>
      octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${head}`, base, per_page: 100, request: request() }),
    );
    const list = z.array(PullSimple).safeParse(response.data);
    if (!list.success) throw invalidResponse(op, `pull request list: ${issuesText(list.error.issues)}`, secrets);
    // The filter is the server's; checking again costs nothing and guards against a proxy ignoring it.
    const found = list.data.find((p) => p.state === 'open' && p.head.ref === head && p.base.ref === base);
    return found && { id: String(found.number), url: found.html_url };
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
    const e = error as { status?: unknown; response?: { data?: unknown; headers?: Record<string, string | undefined> } };
    if (typeof e.status === 'number' && e.response !== undefined) {
      const headers = e.response.headers ?? {};
      const rateLimited = (e.status === 403 || e.status === 429) && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined);
      return httpFailure(op, e.status, githubMessage(e.response.data), secrets, { rateLimited });
    }
    // Octokit wraps a fetch that threw (no HTTP answer) in a RequestError without a response.
    return networkFailure(op, (error as { cause?: unknown }).cause ?? error, secrets);
  }

  return {
    kind: 'github',

    async open(input: OpenPullRequest): Promise<PullRequestRef> {
      const { owner, repo, op } = repository(input.repoURL, `open pull request ${input.head} → ${input.base}`);
      const existing = await findOpen(owner, repo, input.head, input.base, op);
      if (existing) return existing;
      let created;
      try {
        created = await octokit.rest.pulls.create({ owner, repo, head: input.head, base: input.base, title: input.title, body: input.body, request: request() });
      } catch (error) {
        const failure = toProviderError(op, error);
        // 422 also answers "A pull request already exists": then the open one is the answer.
        if ((error as { status?: unknown }).status === 422) {
          const raced = await findOpen(owner, repo, input.head, input.base, op);
          if (raced) return raced;
        }
        throw failure;
      }
      const pull = PullSimple.safeParse(created.data);
      if (!pull.success) throw invalidResponse(op, `created pull request: ${issuesText(pull.error.issues)}`, secrets);
      return { id: String(pull.data.number), url: pull.data.html_url };
    },

    async state(repoURL: string, id: string): Promise<PullRequestState> {
      const { owner, repo, op } = repository(repoURL, `read pull request #${id}`);
      if (!/^[1-9]\d*$/.test(id)) throw new GitProviderError('not-found', `github ${owner}/${repo}: pull request id "${id}" is not a pull request number`);
      const response = await call(op, () => octokit.rest.pulls.get({ owner, repo, pull_number: Number(id), request: request() }));
      const pull = Pull.safeParse(response.data);
      if (!pull.success) throw invalidResponse(op, issuesText(pull.error.issues), secrets);
      if (pull.data.merged) {
        // While a pull request is open GitHub fills merge_commit_sha with a test merge; only `merged` makes it the real one.
        const sha = pull.data.merge_commit_sha;
        if (sha === null || !COMMIT_ID.test(sha)) throw invalidResponse(op, `merged pull request without a merge commit (merge_commit_sha ${JSON.stringify(sha)})`, secrets);
        return { state: 'merged', mergeCommit: sha };
      }
      return pull.data.state === 'open' ? { state: 'open' } : { state: 'closed' };
    },
  };
}

/** GitHub's error body: `{message, errors?: [{resource, field, code, message?}]}`, as one line. */
function githubMessage(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (typeof data !== 'object' || data === null) return undefined;
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  const parts: string[] = typeof message === 'string' ? [message] : [];
  if (Array.isArray(errors)) {
    for (const e of errors) {
      if (typeof e === 'string') parts.push(e);
      else if (typeof e === 'object' && e !== null) {
        const { message: m, field, code } = e as { message?: unknown; field?: unknown; code?: unknown };
        if (typeof m === 'string') parts.push(m);
        else if (typeof field === 'string') parts.push(`${field} ${typeof code === 'string' ? code : 'invalid'}`);
      }
    }
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}
