import type { BareRepository } from './bare-repo.ts';
import { linkHeader, pageOf, startFakeServer, type RecordedRequest, type Reply } from './fake-server.ts';

/**
 * A fake of the Gitea (and Forgejo) API v1 pull request endpoints, written from Gitea's Swagger
 * description (`templates/swagger/v1_json.tmpl`, v1.22):
 *
 * - `GET  /api/v1/repos/{owner}/{repo}/pulls` with `state` (open|closed|all, default open), `page`,
 *   `limit` (default 30, at most `MAX_RESPONSE_ITEMS`, 50) → `PullRequest[]`, headers `x-total-count` and `link`. The
 *   document has no `head` filter: clients filter by `head.ref` themselves.
 * - `POST /api/v1/repos/{owner}/{repo}/pulls` with `CreatePullRequestOption {head, base, title,
 *   body}` → 201 `PullRequest`; 404 when a branch does not exist; 409 (`APIError`) when an open
 *   pull request has the same head and base; 422 (`APIValidationError`) for a missing field
 * - `GET  /api/v1/repos/{owner}/{repo}/pulls/{index}` → `PullRequest` (`state` open|closed,
 *   `merged`, `merge_commit_sha`, `html_url`, `number`, …)
 *
 * Errors are `{message, url}`. Auth: `Authorization: token <t>` (or `Bearer <t>`); anything else
 * → 401. A repository other than the one served → 404.
 */

export interface FakeGiteaOptions {
  repository: BareRepository;
  /** `owner/name` the fake answers to. */
  fullName: string;
  /** The only token accepted. */
  token: string;
  /** Web root for `html_url`; default the fake's own origin (Gitea serves web and API on one host). */
  webUrl?: string;
  /** The server's `MAX_RESPONSE_ITEMS`: the largest `limit` honoured; default 50, as in Gitea. */
  maxPageSize?: number;
}

export interface FakeGiteaPull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  headSha: string;
  mergeBase: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

export interface FakeGitea {
  /** Instance root to give the client as `baseUrl` (the API is `<url>/api/v1`). */
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly pulls: ReadonlyMap<number, FakeGiteaPull>;
  /** Really merges head into base in the bare repository (two-parent merge commit); returns the commit. */
  merge(index: number | string): Promise<string>;
  close(index: number | string): void;
  stop(): Promise<void>;
}

export async function startFakeGitea(options: FakeGiteaOptions): Promise<FakeGitea> {
  const repo = options.repository;
  const [owner, name] = options.fullName.split('/') as [string, string];
  const pulls = new Map<number, FakeGiteaPull>();
  let origin = '';
  const webUrl = () => options.webUrl ?? origin;
  const apiError = (status: number, message: string): Reply => ({ status, json: { message, url: `${origin}/api/swagger` } });

  const repoJson = () => ({
    id: 1,
    name,
    full_name: options.fullName,
    owner: { id: 1, login: owner, username: owner },
    private: true,
    html_url: `${webUrl()}/${options.fullName}`,
    clone_url: `${webUrl()}/${options.fullName}.git`,
    default_branch: 'main',
  });

  const branchJson = (tips: Map<string, string>, ref: string, fallback: string) => ({
    label: ref,
    ref,
    sha: tips.get(ref) ?? fallback,
    repo_id: 1,
    repo: repoJson(),
  });

  /** `tips`: the branches' commits, read once per answer. */
  const pullJson = (tips: Map<string, string>, p: FakeGiteaPull) => ({
    id: 500 + p.number,
    url: `${webUrl()}/${options.fullName}/pulls/${p.number}`,
    number: p.number,
    user: { id: 2, login: 'stagecoach-bot', username: 'stagecoach-bot' },
    title: p.title,
    body: p.body,
    labels: [],
    milestone: null,
    assignee: null,
    assignees: null,
    requested_reviewers: null,
    state: p.state,
    draft: false,
    is_locked: false,
    comments: 0,
    review_comments: 0,
    additions: 1,
    deletions: 0,
    changed_files: 1,
    html_url: `${webUrl()}/${options.fullName}/pulls/${p.number}`,
    diff_url: `${webUrl()}/${options.fullName}/pulls/${p.number}.diff`,
    patch_url: `${webUrl()}/${options.fullName}/pulls/${p.number}.patch`,
    mergeable: p.state === 'open',
    merged: p.merged,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    merged_by: p.merged ? { id: 3, login: 'reviewer', username: 'reviewer' } : null,
    allow_maintainer_edit: false,
    base: branchJson(tips, p.base, p.mergeBase),
    head: branchJson(tips, p.head, p.headSha),
    merge_base: p.mergeBase,
    due_date: null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    pin_order: 0,
  });

  const handle = async (req: RecordedRequest): Promise<Reply> => {
    const auth = req.headers.authorization;
    if (auth === undefined) return apiError(401, 'token is required');
    if (/^(?:token|bearer)\s+(.+)$/i.exec(auth)?.[1] !== options.token) return apiError(401, 'invalid username, password or token');

    const m = /^\/api\/v1\/repos\/([^/]+)\/([^/]+)\/pulls(?:\/([^/]+))?\/?$/.exec(req.path);
    if (!m) return apiError(404, 'not found');
    const fullName = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
    if (fullName.toLowerCase() !== options.fullName.toLowerCase()) return apiError(404, 'The target couldn\'t be found.');

    if (m[3] !== undefined) {
      if (req.method !== 'GET') return apiError(405, 'method not allowed');
      const pull = /^\d+$/.test(m[3]) ? pulls.get(Number(m[3])) : undefined;
      if (!pull) return apiError(404, 'The target couldn\'t be found.');
      return { status: 200, json: pullJson(await repo.branches(), pull) };
    }

    if (req.method === 'GET') {
      const state = req.query.state ?? 'open';
      const list = [...pulls.values()].filter((p) => state === 'all' || p.state === state).sort((a, b) => b.number - a.number);
      const page = pageOf(list, req.query, 'limit', Math.min(30, options.maxPageSize ?? 50), options.maxPageSize ?? 50);
      const tips = await repo.branches();
      return {
        status: 200,
        json: page.items.map((p) => pullJson(tips, p)),
        headers: { 'x-total-count': String(list.length), ...linkHeader(origin, req.path, req.query, page.page, page.totalPages) },
      };
    }

    if (req.method === 'POST') {
      if (req.invalidBody) return apiError(422, 'invalid JSON body');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const missing = ['head', 'base', 'title'].filter((f) => typeof body[f] !== 'string' || body[f] === '');
      if (missing.length > 0) return apiError(422, `[${missing.map((f) => f[0]!.toUpperCase() + f.slice(1)).join(', ')}]: Required`);
      const head = body.head as string;
      const base = body.base as string;
      const tips = await repo.branches();
      const headSha = tips.get(head);
      const baseSha = tips.get(base);
      if (headSha === undefined || baseSha === undefined) return apiError(404, 'The target couldn\'t be found.');
      const open = [...pulls.values()].find((p) => p.state === 'open' && p.head === head && p.base === base);
      if (open) {
        return apiError(
          409,
          `pull request already exists for these targets [id: ${500 + open.number}, issue_id: ${open.number}, head_repo_id: 1, base_repo_id: 1, head_branch: ${head}, base_branch: ${base}]`,
        );
      }
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const pull: FakeGiteaPull = {
        number: pulls.size + 1,
        title: body.title as string,
        body: typeof body.body === 'string' ? body.body : '',
        head,
        base,
        headSha,
        mergeBase: (await repo.git(['merge-base', baseSha, headSha])).trim(),
        state: 'open',
        merged: false,
        mergeCommitSha: null,
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        mergedAt: null,
      };
      pulls.set(pull.number, pull);
      return { status: 201, json: pullJson(tips, pull) };
    }
    return apiError(405, 'method not allowed');
  };

  const server = await startFakeServer(handle);
  origin = server.origin;

  const find = (index: number | string): FakeGiteaPull => {
    const pull = pulls.get(Number(index));
    if (!pull) throw new Error(`fake Gitea: no pull request #${index}`);
    return pull;
  };

  return {
    url: server.origin,
    requests: server.requests,
    pulls,
    async merge(index) {
      const pull = find(index);
      if (pull.state !== 'open') throw new Error(`fake Gitea: pull request #${pull.number} is closed`);
      const merged = await repo.merge({ base: pull.base, head: pull.head, message: `Merge pull request '${pull.title}' (#${pull.number}) from ${pull.head} into ${pull.base}\n` });
      if (!merged.ok) throw new Error(`fake Gitea: cannot merge #${pull.number}: ${merged.message}`);
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      Object.assign(pull, { state: 'closed', merged: true, mergeCommitSha: merged.sha, mergedAt: now, closedAt: now, updatedAt: now });
      return merged.sha;
    },
    close(index) {
      const pull = find(index);
      if (pull.state !== 'open') throw new Error(`fake Gitea: pull request #${pull.number} is already closed`);
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      Object.assign(pull, { state: 'closed', closedAt: now, updatedAt: now });
    },
    stop: () => server.stop(),
  };
}
