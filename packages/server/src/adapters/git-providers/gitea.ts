import { z } from 'zod';
import { GitProviderError, type GitProvider, type OpenPullRequest, type PullRequestRef, type PullRequestState } from '../../git/providers.ts';
import { COMMIT_ID, httpFailure, invalidResponse, issuesText, networkFailure, type Operation } from './failures.ts';
import { ownerAndRepo, redactRepoURL } from './repo-url.ts';

export interface GiteaProviderOptions {
  /** Access token with `write:repository` (Gitea ≥ 1.19 scopes), sent as `Authorization: token …`. Required. */
  token: string;
  /**
   * Instance root, without `/api/v1` (added here), e.g. `https://gitea.example.com` or
   * `https://codeberg.org`; may include a sub-path. Required. A trailing `/` is ignored.
   */
  baseUrl: string;
  /** Milliseconds one HTTP request may take before it counts as `unreachable`; default 30000. */
  timeoutMs?: number;
  /** `fetch` to send requests with; default the global one. */
  fetch?: typeof fetch;
}

/** Page size used to list open pull requests: Gitea's default `MAX_RESPONSE_ITEMS`. */
export const GITEA_PAGE_SIZE = 50;
/** At most this many pages of open pull requests are read while looking for one (2500 pull requests). */
export const GITEA_MAX_PAGES = 50;

// The parts of Gitea's `PullRequest` definition this adapter reads.
const Pull = z.object({
  number: z.number().int().positive(),
  html_url: z.string().min(1),
  state: z.enum(['open', 'closed']),
  merged: z.boolean(),
  merge_commit_sha: z.string().nullish(),
  head: z.object({ ref: z.string() }),
  base: z.object({ ref: z.string() }),
});
const PullList = z.array(Pull);
const ApiError = z.object({ message: z.string() });

/**
 * The Gitea provider, which also speaks to Forgejo (same API). A pull request's id is its index.
 * The list endpoint has no `head` filter, so `open` reads the open pull requests page by page for
 * one with the same head and base branch before it creates one; a 409 on create (someone opened it
 * meanwhile) is answered the same way.
 */
export function createGiteaProvider(options: GiteaProviderOptions): GitProvider {
  const apiRoot = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const send = options.fetch ?? fetch;
  const secrets = [options.token];

  function repository(repoURL: string, action: string): { path: string; op: Operation } {
    const parsed = ownerAndRepo(repoURL);
    if (!parsed) {
      throw new GitProviderError('not-found', `gitea: repository URL "${redactRepoURL(repoURL)}" is not https://HOST/OWNER/REPO[.git] or git@HOST:OWNER/REPO[.git]`);
    }
    return {
      path: `/repos/${encodeURIComponent(parsed.owner)}/${encodeURIComponent(parsed.repo)}`,
      op: { provider: 'gitea', repository: `${parsed.owner}/${parsed.repo}`, action },
    };
  }

  /**
   * One API call. A 2xx body is parsed as JSON; any other status becomes a GitProviderError,
   * except those in `allow`, which are returned for the caller to handle.
   */
  async function call(op: Operation, method: 'GET' | 'POST', path: string, body?: unknown, allow: readonly number[] = []): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await send(`${apiRoot}${path}`, {
        method,
        headers: {
          authorization: `token ${options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw networkFailure(op, error, secrets);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw networkFailure(op, error, secrets);
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
      if (response.ok) throw invalidResponse(op, `HTTP ${response.status} with a body that is not JSON`, secrets);
    }
    if (!response.ok && !allow.includes(response.status)) {
      const error = ApiError.safeParse(json);
      throw httpFailure(op, response.status, error.success ? error.data.message : undefined, secrets, { rateLimited: response.status === 429 });
    }
    return { status: response.status, json };
  }

  async function findOpen(path: string, head: string, base: string, op: Operation): Promise<PullRequestRef | undefined> {
    for (let page = 1; page <= GITEA_MAX_PAGES; page += 1) {
      const query = new URLSearchParams({ state: 'open', page: String(page), limit: String(GITEA_PAGE_SIZE) });
      const { json } = await call(op, 'GET', `${path}/pulls?${query.toString()}`);
      const list = PullList.safeParse(json);
      if (!list.success) throw invalidResponse(op, `pull request list: ${issuesText(list.error.issues)}`, secrets);
      const found = list.data.find((p) => p.state === 'open' && p.head.ref === head && p.base.ref === base);
      if (found) return { id: String(found.number), url: found.html_url };
      // A server may cap `limit` lower than asked, so only an empty page means the end.
      if (list.data.length === 0) return undefined;
    }
    return undefined;
  }

  return {
    kind: 'gitea',

    async open(input: OpenPullRequest): Promise<PullRequestRef> {
      const { path, op } = repository(input.repoURL, `open pull request ${input.head} → ${input.base}`);
      const existing = await findOpen(path, input.head, input.base, op);
      if (existing) return existing;
      const created = await call(op, 'POST', `${path}/pulls`, { head: input.head, base: input.base, title: input.title, body: input.body }, [409]);
      if (created.status === 409) {
        // "pull request already exists for these targets": the open one is the answer.
        const raced = await findOpen(path, input.head, input.base, op);
        if (raced) return raced;
        const error = ApiError.safeParse(created.json);
        throw httpFailure(op, 409, error.success ? error.data.message : undefined, secrets);
      }
      const pull = Pull.safeParse(created.json);
      if (!pull.success) throw invalidResponse(op, `created pull request: ${issuesText(pull.error.issues)}`, secrets);
      return { id: String(pull.data.number), url: pull.data.html_url };
    },

    async state(repoURL: string, id: string): Promise<PullRequestState> {
      const { path, op } = repository(repoURL, `read pull request #${id}`);
      if (!/^[1-9]\d*$/.test(id)) throw new GitProviderError('not-found', `gitea ${op.repository}: pull request id "${id}" is not a pull request index`);
      const { json } = await call(op, 'GET', `${path}/pulls/${id}`);
      const pull = Pull.safeParse(json);
      if (!pull.success) throw invalidResponse(op, issuesText(pull.error.issues), secrets);
      if (pull.data.merged) {
        const sha = pull.data.merge_commit_sha;
        if (!sha || !COMMIT_ID.test(sha)) throw invalidResponse(op, `merged pull request without a merge commit (merge_commit_sha ${JSON.stringify(sha ?? null)})`, secrets);
        return { state: 'merged', mergeCommit: sha };
      }
      return pull.data.state === 'open' ? { state: 'open' } : { state: 'closed' };
    },
  };
}
