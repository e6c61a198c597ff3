import type { BareRepository } from './bare-repo.ts';
import { linkHeader, pageOf, startFakeServer, type RecordedRequest, type Reply } from './fake-server.ts';

/**
 * A fake of the GitLab REST API v4 merge request endpoints, written from GitLab's "Merge requests
 * API" document (doc/api/merge_requests.md) and its Grape error helpers:
 *
 * - `GET  /api/v4/projects/:id/merge_requests` with `state` (opened|closed|locked|merged|all,
 *   default all), `source_branch`, `target_branch`, `page`, `per_page` (default 20, at most 100);
 *   pagination headers `x-page`, `x-per-page`, `x-total`, `x-total-pages`, `x-next-page`, `link`
 * - `POST /api/v4/projects/:id/merge_requests` with `source_branch`, `target_branch`, `title`
 *   (required) and `description` → 201; 409 when an opened (or locked) merge request has the same
 *   source and target branch; 422 when a branch does not exist; 400 `{error}` when a required field is missing
 * - `GET  /api/v4/projects/:id/merge_requests/:merge_request_iid` → `state`
 *   (opened|closed|locked|merged), `merge_commit_sha`, `squash_commit_sha`, `sha`, `web_url`, `iid`
 *
 * `:id` is the numeric project id or the URL-encoded path (`group%2Fproject`). Errors are
 * `{message}` (a string, or a list of strings for model validation), `{error}` for missing
 * parameters. Auth: `PRIVATE-TOKEN: <t>` or `Authorization: Bearer <t>`; anything else → 401
 * `{"message":"401 Unauthorized"}`; an unknown project → 404 `{"message":"404 Project Not Found"}`.
 */

export interface FakeGitLabOptions {
  repository: BareRepository;
  /** Full path of the served project, e.g. `platform/deploy` or `group/sub/deploy`. */
  project: string;
  /** Numeric id of the project; default 42. */
  projectId?: number;
  /** The only token accepted. */
  token: string;
  /** Web root for `web_url`; default the fake's own origin (as on a self-managed instance). */
  webUrl?: string;
}

export type FakeMergeRequestState = 'opened' | 'closed' | 'locked' | 'merged';

export interface FakeMergeRequest {
  iid: number;
  title: string;
  description: string | null;
  sourceBranch: string;
  targetBranch: string;
  sha: string;
  state: FakeMergeRequestState;
  mergeCommitSha: string | null;
  squashCommitSha: string | null;
  squash: boolean;
  createdAt: string;
  updatedAt: string;
  mergedAt: string | null;
  closedAt: string | null;
}

export interface FakeGitLab {
  /** Instance root to give the client as `host` (the API is `<url>/api/v4`). */
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly mergeRequests: ReadonlyMap<number, FakeMergeRequest>;
  /**
   * Really merges in the bare repository. Default: a merge commit (two parents), reported as
   * `merge_commit_sha`. With `squash`: one squashed commit fast-forwarded onto the target (the
   * "fast-forward merge" method), reported as `squash_commit_sha` with `merge_commit_sha` null.
   */
  merge(iid: number | string, options?: { squash?: boolean }): Promise<string>;
  close(iid: number | string): void;
  /** Puts the merge request in the short-lived `locked` state GitLab uses while merging. */
  lock(iid: number | string): void;
  stop(): Promise<void>;
}

export async function startFakeGitLab(options: FakeGitLabOptions): Promise<FakeGitLab> {
  const repo = options.repository;
  const projectId = options.projectId ?? 42;
  const mrs = new Map<number, FakeMergeRequest>();
  let origin = '';
  const webUrl = () => options.webUrl ?? origin;

  const message = (status: number, text: string | string[]): Reply => ({ status, json: { message: text } });

  const mrJson = (mr: FakeMergeRequest) => ({
    id: 1000 + mr.iid,
    iid: mr.iid,
    project_id: projectId,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    created_at: mr.createdAt,
    updated_at: mr.updatedAt,
    merged_by: mr.state === 'merged' ? { id: 3, username: 'reviewer', name: 'Reviewer', state: 'active' } : null,
    merge_user: mr.state === 'merged' ? { id: 3, username: 'reviewer', name: 'Reviewer', state: 'active' } : null,
    merged_at: mr.mergedAt,
    closed_by: mr.state === 'closed' ? { id: 3, username: 'reviewer', name: 'Reviewer', state: 'active' } : null,
    closed_at: mr.closedAt,
    target_branch: mr.targetBranch,
    source_branch: mr.sourceBranch,
    user_notes_count: 0,
    upvotes: 0,
    downvotes: 0,
    author: { id: 2, username: 'stagecoach-bot', name: 'Stagecoach', state: 'active', web_url: `${webUrl()}/stagecoach-bot` },
    assignees: [],
    assignee: null,
    reviewers: [],
    source_project_id: projectId,
    target_project_id: projectId,
    labels: [],
    draft: false,
    work_in_progress: false,
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status: 'can_be_merged',
    detailed_merge_status: mr.state === 'opened' ? 'mergeable' : 'not_open',
    sha: mr.sha,
    merge_commit_sha: mr.mergeCommitSha,
    squash_commit_sha: mr.squashCommitSha,
    discussion_locked: null,
    should_remove_source_branch: null,
    force_remove_source_branch: false,
    reference: `!${mr.iid}`,
    references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${options.project}!${mr.iid}` },
    web_url: `${webUrl()}/${options.project}/-/merge_requests/${mr.iid}`,
    time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
    squash: mr.squash,
    squash_on_merge: mr.squash,
    task_completion_status: { count: 0, completed_count: 0 },
    has_conflicts: false,
    blocking_discussions_resolved: true,
  });

  const handle = async (req: RecordedRequest): Promise<Reply> => {
    const token = req.headers['private-token'] ?? /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token !== options.token) return message(401, '401 Unauthorized');

    const m = /^\/api\/v4\/projects\/([^/]+)\/merge_requests(?:\/([^/]+))?\/?$/.exec(req.path);
    if (!m) return { status: 404, json: { error: '404 Not Found' } };
    const id = decodeURIComponent(m[1]!);
    if (id !== String(projectId) && id.toLowerCase() !== options.project.toLowerCase()) return message(404, '404 Project Not Found');

    if (m[2] !== undefined) {
      if (req.method !== 'GET') return { status: 405, json: { message: '405 Method Not Allowed' } };
      const mr = /^\d+$/.test(m[2]) ? mrs.get(Number(m[2])) : undefined;
      if (!mr) return message(404, '404 Not found');
      return { status: 200, json: mrJson(mr) };
    }

    if (req.method === 'GET') {
      const state = req.query.state ?? 'all';
      if (!['opened', 'closed', 'locked', 'merged', 'all'].includes(state)) return { status: 400, json: { error: 'state does not have a valid value' } };
      const list = [...mrs.values()]
        .filter((mr) => state === 'all' || mr.state === state)
        .filter((mr) => req.query.source_branch === undefined || mr.sourceBranch === req.query.source_branch)
        .filter((mr) => req.query.target_branch === undefined || mr.targetBranch === req.query.target_branch)
        .sort((a, b) => b.iid - a.iid); // default: created_at, desc
      const page = pageOf(list, req.query, 'per_page', 20, 100);
      return {
        status: 200,
        json: page.items.map(mrJson),
        headers: {
          'x-page': String(page.page),
          'x-per-page': String(page.size),
          'x-total': String(list.length),
          'x-total-pages': String(page.totalPages),
          'x-next-page': page.hasNext ? String(page.page + 1) : '',
          'x-prev-page': page.page > 1 ? String(page.page - 1) : '',
          ...linkHeader(origin, req.path, req.query, page.page, page.totalPages),
        },
      };
    }

    if (req.method === 'POST') {
      if (req.invalidBody) return { status: 400, json: { error: 'The provided content-type is not supported, or the body is not valid JSON' } };
      const body = (req.body ?? {}) as Record<string, unknown>;
      const missing = ['source_branch', 'target_branch', 'title'].filter((f) => typeof body[f] !== 'string' || body[f] === '');
      if (missing.length > 0) return { status: 400, json: { error: missing.map((f) => `${f} is missing`).join(', ') } };
      const source = body.source_branch as string;
      const target = body.target_branch as string;
      if (source === target) return message(422, ['You can\'t use same project/branch for source and target']);
      const sha = await repo.branchTip(source);
      const targetSha = await repo.branchTip(target);
      const absent = [...(sha === undefined ? [`Source branch "${source}" does not exist`] : []), ...(targetSha === undefined ? [`Target branch "${target}" does not exist`] : [])];
      if (absent.length > 0) return message(422, absent);
      // A locked merge request is one being merged: still open as far as duplicates go.
      const open = [...mrs.values()].find((mr) => (mr.state === 'opened' || mr.state === 'locked') && mr.sourceBranch === source && mr.targetBranch === target);
      if (open) return message(409, [`Another open merge request already exists for this source branch: !${open.iid}`]);
      const now = new Date().toISOString();
      const mr: FakeMergeRequest = {
        iid: mrs.size + 1,
        title: body.title as string,
        description: typeof body.description === 'string' ? body.description : null,
        sourceBranch: source,
        targetBranch: target,
        sha: sha!,
        state: 'opened',
        mergeCommitSha: null,
        squashCommitSha: null,
        squash: false,
        createdAt: now,
        updatedAt: now,
        mergedAt: null,
        closedAt: null,
      };
      mrs.set(mr.iid, mr);
      return { status: 201, json: mrJson(mr) };
    }
    return { status: 405, json: { message: '405 Method Not Allowed' } };
  };

  const server = await startFakeServer(handle);
  origin = server.origin;

  const find = (iid: number | string): FakeMergeRequest => {
    const mr = mrs.get(Number(iid));
    if (!mr) throw new Error(`fake GitLab: no merge request !${iid}`);
    return mr;
  };

  return {
    url: server.origin,
    requests: server.requests,
    mergeRequests: mrs,
    async merge(iid, mergeOptions = {}) {
      const mr = find(iid);
      if (mr.state !== 'opened' && mr.state !== 'locked') throw new Error(`fake GitLab: merge request !${mr.iid} is ${mr.state}`);
      const squash = mergeOptions.squash === true;
      const merged = await repo.merge({
        base: mr.targetBranch,
        head: mr.sourceBranch,
        squash,
        message: squash
          ? `${mr.title}\n`
          : `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'\n\n${mr.title}\n\nSee merge request ${options.project}!${mr.iid}\n`,
      });
      if (!merged.ok) throw new Error(`fake GitLab: cannot merge !${mr.iid}: ${merged.message}`);
      const now = new Date().toISOString();
      Object.assign(mr, {
        state: 'merged',
        squash,
        mergeCommitSha: squash ? null : merged.sha,
        squashCommitSha: squash ? merged.sha : null,
        sha: (await repo.branchTip(mr.sourceBranch)) ?? mr.sha,
        mergedAt: now,
        updatedAt: now,
      });
      return merged.sha;
    },
    close(iid) {
      const mr = find(iid);
      if (mr.state !== 'opened') throw new Error(`fake GitLab: merge request !${mr.iid} is ${mr.state}`);
      const now = new Date().toISOString();
      Object.assign(mr, { state: 'closed', closedAt: now, updatedAt: now });
    },
    lock(iid) {
      const mr = find(iid);
      if (mr.state !== 'opened') throw new Error(`fake GitLab: merge request !${mr.iid} is ${mr.state}`);
      mr.state = 'locked';
    },
    stop: () => server.stop(),
  };
}
