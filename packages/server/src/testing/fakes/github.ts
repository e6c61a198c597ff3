import type { BareRepository } from './bare-repo.ts';
import { linkHeader, pageOf, startFakeServer, timestamp, type RecordedRequest, type Reply } from './fake-server.ts';

/**
 * A fake of the GitHub REST API "pulls" endpoints, written from GitHub's OpenAPI description
 * (github/rest-api-description, as shipped in @octokit/openapi-types):
 *
 * - `GET  /repos/{owner}/{repo}/pulls` with `state` (open|closed|all, default open), `head`
 *   (`user:ref-name`), `base`, `per_page` (default 30, at most 100), `page` → `pull-request-simple[]`
 * - `POST /repos/{owner}/{repo}/pulls` with `{title, head, base, body}` → 201 `pull-request`;
 *   422 "Validation Failed" when head or base is not a branch, when there are no commits between
 *   them, or when an open pull request already has the same head and base
 * - `GET  /repos/{owner}/{repo}/pulls/{pull_number}` → `pull-request` (`state`, `merged`,
 *   `merge_commit_sha`, `html_url`, `number`, …)
 *
 * Errors are `{message, documentation_url, status}` (basic-error) or, for 422,
 * `{message: "Validation Failed", errors: [{resource, field?, code, message?}], documentation_url}`.
 * A request needs `Authorization: token <t>` or `Bearer <t>`: none → 401 "Requires
 * authentication", another → 401 "Bad credentials". A repository other than the one served → 404.
 */

export interface FakeGitHubOptions {
  /** The bare repository behind the served repository. */
  repository: BareRepository;
  /** `owner/name` the fake answers to; every other repository is 404. */
  fullName: string;
  /** The only token accepted. */
  token: string;
  /** Path prefix of the API: `''` like api.github.com (default), `/api/v3` like GitHub Enterprise Server. */
  pathPrefix?: string;
  /** Web root for `html_url`; default `https://github.com`. */
  webUrl?: string;
}

export interface FakePull {
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  /** Head commit when the pull request was opened (the branch's tip is read live while it exists). */
  headSha: string;
  state: 'open' | 'closed';
  merged: boolean;
  /** The test-merge commit while open, as GitHub reports it; the real merge commit once merged. */
  mergeCommitSha: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

export interface FakeGitHub {
  /** API root to give the client as `baseUrl` (origin + path prefix). */
  readonly url: string;
  /** Every HTTP request received, in order. */
  readonly requests: RecordedRequest[];
  /** Pull requests by number. */
  readonly pulls: ReadonlyMap<number, FakePull>;
  /** Really merges the pull request's head branch into its base in the bare repository (a two-parent merge commit); returns the commit. */
  merge(id: number | string): Promise<string>;
  /** Closes the pull request without merging. */
  close(id: number | string): void;
  stop(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest/pulls/pulls';

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const prefix = options.pathPrefix ?? '';
  const webUrl = options.webUrl ?? 'https://github.com';
  const [owner] = options.fullName.split('/') as [string, string];
  const repo = options.repository;
  const pulls = new Map<number, FakePull>();
  let origin = '';

  const basicError = (status: number, message: string): Reply => ({ status, json: { message, documentation_url: DOCS, status: String(status) } });
  const validationFailed = (...errors: Record<string, string>[]): Reply => ({
    status: 422,
    json: { message: 'Validation Failed', errors, documentation_url: `${DOCS}#create-a-pull-request` },
  });

  const repoJson = () => ({
    id: 1,
    name: options.fullName.split('/')[1],
    full_name: options.fullName,
    private: true,
    html_url: `${webUrl}/${options.fullName}`,
    url: `${origin}${prefix}/repos/${options.fullName}`,
    owner: { login: owner, id: 1, type: 'Organization' },
  });

  const branchJson = (tips: Map<string, string>, ref: string, fallbackSha: string) => ({
    label: `${owner}:${ref}`,
    ref,
    sha: tips.get(ref) ?? fallbackSha,
    user: { login: owner, id: 1, type: 'Organization' },
    repo: repoJson(),
  });

  /** The `pull-request-simple` shape of the list endpoint; `tips`: the branches' commits, read once per answer. */
  const simpleJson = (tips: Map<string, string>, p: FakePull) => {
    const apiUrl = `${origin}${prefix}/repos/${options.fullName}/pulls/${p.number}`;
    return {
      url: apiUrl,
      id: 1000 + p.number,
      node_id: `PR_fake${p.number}`,
      html_url: `${webUrl}/${options.fullName}/pull/${p.number}`,
      diff_url: `${webUrl}/${options.fullName}/pull/${p.number}.diff`,
      patch_url: `${webUrl}/${options.fullName}/pull/${p.number}.patch`,
      issue_url: `${origin}${prefix}/repos/${options.fullName}/issues/${p.number}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: { login: 'stagecoach-bot', id: 2, type: 'Bot' },
      body: p.body,
      labels: [],
      milestone: null,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      closed_at: p.closedAt,
      merged_at: p.mergedAt,
      merge_commit_sha: p.mergeCommitSha,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: branchJson(tips, p.head, p.headSha),
      base: branchJson(tips, p.base, p.headSha),
      author_association: 'NONE',
      auto_merge: null,
      draft: false,
    };
  };

  /** The full `pull-request` shape of the single-pull endpoint and of create. */
  const fullJson = (tips: Map<string, string>, p: FakePull) => ({
    ...simpleJson(tips, p),
    merged: p.merged,
    mergeable: p.state === 'open' ? true : null,
    rebaseable: p.state === 'open' ? true : null,
    mergeable_state: p.state === 'open' ? 'clean' : 'unknown',
    merged_by: p.merged ? { login: 'reviewer', id: 3, type: 'User' } : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 1,
    deletions: 0,
    changed_files: 1,
  });

  /** GitHub computes a test merge commit for an open pull request and reports it as `merge_commit_sha`. */
  const testMerge = async (base: string, head: string): Promise<string | null> => {
    const baseTip = await repo.branchTip(base);
    const headTip = await repo.branchTip(head);
    if (!baseTip || !headTip) return null;
    try {
      const tree = (await repo.git(['merge-tree', '--write-tree', '--no-messages', baseTip, headTip])).trim().split('\n')[0]!;
      return (await repo.git(['commit-tree', tree, '-p', baseTip, '-p', headTip, '-m', `Merge ${headTip} into ${baseTip}`])).trim();
    } catch {
      return null; // conflicting: GitHub reports no test merge either
    }
  };

  const handle = async (req: RecordedRequest): Promise<Reply> => {
    if (!req.path.startsWith(`${prefix}/`)) return basicError(404, 'Not Found');
    const auth = req.headers.authorization;
    if (auth === undefined) return basicError(401, 'Requires authentication');
    const presented = /^(?:token|bearer)\s+(.+)$/i.exec(auth)?.[1];
    if (presented !== options.token) return basicError(401, 'Bad credentials');

    const rest = req.path.slice(prefix.length);
    const m = /^\/repos\/([^/]+)\/([^/]+)\/pulls(?:\/([^/]+))?\/?$/.exec(rest);
    if (!m) return basicError(404, 'Not Found');
    const fullName = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
    if (fullName.toLowerCase() !== options.fullName.toLowerCase()) return basicError(404, 'Not Found');

    if (m[3] !== undefined) {
      if (req.method !== 'GET') return basicError(404, 'Not Found');
      const pull = /^\d+$/.test(m[3]) ? pulls.get(Number(m[3])) : undefined;
      if (!pull) return basicError(404, 'Not Found');
      return { status: 200, json: fullJson(await repo.branches(), pull) };
    }

    if (req.method === 'GET') {
      const state = req.query.state ?? 'open';
      if (!['open', 'closed', 'all'].includes(state)) {
        return validationFailed({ resource: 'Search', field: 'state', code: 'invalid' });
      }
      let list = [...pulls.values()].filter((p) => state === 'all' || p.state === state);
      if (req.query.head !== undefined) {
        // Documented form `user:ref-name`; the user is the owner of the head repository.
        const colon = req.query.head.indexOf(':');
        const user = colon === -1 ? undefined : req.query.head.slice(0, colon);
        const ref = colon === -1 ? undefined : req.query.head.slice(colon + 1);
        list = list.filter((p) => user?.toLowerCase() === owner.toLowerCase() && p.head === ref);
      }
      if (req.query.base !== undefined) list = list.filter((p) => p.base === req.query.base);
      list.sort((a, b) => b.number - a.number); // default sort: created, newest first
      const page = pageOf(list, req.query, 'per_page', 30, 100);
      const tips = await repo.branches();
      return {
        status: 200,
        json: page.items.map((p) => simpleJson(tips, p)),
        headers: linkHeader(origin, req.path, req.query, page.page, page.totalPages),
      };
    }

    if (req.method === 'POST') {
      if (req.invalidBody) return basicError(400, 'Problems parsing JSON');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const missing = ['head', 'base'].filter((f) => typeof body[f] !== 'string' || body[f] === '');
      if (missing.length > 0) return validationFailed(...missing.map((field) => ({ resource: 'PullRequest', field, code: 'missing_field' })));
      if (typeof body.title !== 'string' || body.title === '') return validationFailed({ resource: 'PullRequest', field: 'title', code: 'missing_field' });
      const head = body.head as string;
      const base = body.base as string;
      const headSha = await repo.branchTip(head);
      const baseSha = await repo.branchTip(base);
      const invalid = [...(headSha === undefined ? ['head'] : []), ...(baseSha === undefined ? ['base'] : [])];
      if (invalid.length > 0) return validationFailed(...invalid.map((field) => ({ resource: 'PullRequest', field, code: 'invalid' })));
      if (await repo.isAncestor(headSha!, baseSha!)) {
        return validationFailed({ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` });
      }
      if ([...pulls.values()].some((p) => p.state === 'open' && p.head === head && p.base === base)) {
        return validationFailed({ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${head}.` });
      }
      const now = timestamp();
      const pull: FakePull = {
        number: pulls.size + 1,
        title: body.title,
        body: typeof body.body === 'string' ? body.body : null,
        head,
        base,
        headSha: headSha!,
        state: 'open',
        merged: false,
        mergeCommitSha: await testMerge(base, head),
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        mergedAt: null,
      };
      pulls.set(pull.number, pull);
      const json = fullJson(await repo.branches(), pull);
      return { status: 201, json, headers: { location: json.url } };
    }
    return basicError(404, 'Not Found');
  };

  const server = await startFakeServer(handle);
  origin = server.origin;

  const find = (id: number | string): FakePull => {
    const pull = pulls.get(Number(id));
    if (!pull) throw new Error(`fake GitHub: no pull request #${id}`);
    return pull;
  };

  return {
    url: `${server.origin}${prefix}`,
    requests: server.requests,
    pulls,
    async merge(id) {
      const pull = find(id);
      if (pull.state !== 'open') throw new Error(`fake GitHub: pull request #${pull.number} is ${pull.merged ? 'merged' : 'closed'}`);
      const merged = await repo.merge({
        base: pull.base,
        head: pull.head,
        message: `Merge pull request #${pull.number} from ${owner}/${pull.head}\n\n${pull.title}\n`,
      });
      if (!merged.ok) throw new Error(`fake GitHub: cannot merge #${pull.number}: ${merged.message}`);
      const now = timestamp();
      Object.assign(pull, { state: 'closed', merged: true, mergeCommitSha: merged.sha, mergedAt: now, closedAt: now, updatedAt: now });
      return merged.sha;
    },
    close(id) {
      const pull = find(id);
      if (pull.state !== 'open') throw new Error(`fake GitHub: pull request #${pull.number} is already closed`);
      const now = timestamp();
      Object.assign(pull, { state: 'closed', closedAt: now, updatedAt: now });
    },
    stop: () => server.stop(),
  };
}
