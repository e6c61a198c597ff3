import { newId, type Clock } from '../clock.ts';
import { fail, ok, type Result } from '../errors.ts';
import type { PullRequestFile, PullRequestFiles } from '@stagecoach/core';
import type { GitRepository, Person } from '../git/port.ts';
import type { GitProvider, OpenPullRequest, PullRequestRef, PullRequestState } from '../git/providers.ts';
import type { OpenRepository } from '../promotions/preview.ts';
import { StorePullRequestStateError } from '../store/errors.ts';
import type { PullRequestRepo, StoredPullRequest } from '../store/port.ts';

/** How often a merge is retried when the base branch moves between computing and pushing it. */
const MERGE_ATTEMPTS = 5;

/** Most files `files` answers; the rest are left out and `truncated` says so. */
export const MAX_PULL_REQUEST_FILES = 200;

/** Largest file whose text `files` sends, in bytes (1 MiB); a bigger one is `tooLarge`. */
export const MAX_PULL_REQUEST_FILE_BYTES = 1024 * 1024;

/**
 * Pull requests for repositories with no hosting service. A pull request is a branch plus a row in
 * the store; people merge or close it through the API or the CLI. A merge is a real two-parent
 * merge commit computed without a worktree and pushed only if the base branch did not move.
 */
export class LocalPullRequests implements GitProvider {
  readonly kind = 'local';

  constructor(
    private readonly repo: PullRequestRepo,
    private readonly open_: OpenRepository,
    private readonly clock: Clock,
    /** Base of links to a pull request, e.g. `http://127.0.0.1:8080`; read when a link is made. */
    private readonly baseUrl: () => string,
  ) {}

  private url(id: string): string {
    return `${this.baseUrl()}/pull-requests/${id}`;
  }

  async open(input: OpenPullRequest): Promise<PullRequestRef> {
    const existing = await this.repo.findOpen(input.repoURL, input.base, input.head);
    if (existing) return { id: existing.id, url: this.url(existing.id) };
    const now = this.clock.now();
    const pr: StoredPullRequest = {
      id: newId(now),
      repoURL: input.repoURL,
      base: input.base,
      head: input.head,
      title: input.title,
      body: input.body,
      state: 'open',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await this.repo.create(pr);
    return { id: pr.id, url: this.url(pr.id) };
  }

  async state(_repoURL: string, id: string): Promise<PullRequestState> {
    const pr = await this.repo.get(id);
    if (!pr) return { state: 'closed' };
    if (pr.state === 'merged') return { state: 'merged', mergeCommit: pr.mergeCommit! };
    return { state: pr.state };
  }

  async list(filter: { state?: StoredPullRequest['state'] } = {}): Promise<(StoredPullRequest & { url: string })[]> {
    return (await this.repo.list(filter)).map((pr) => ({ ...pr, url: this.url(pr.id) }));
  }

  async get(id: string): Promise<Result<StoredPullRequest & { url: string }>> {
    const pr = await this.repo.get(id);
    return pr ? ok({ ...pr, url: this.url(pr.id) }) : fail('not_found', `pull request "${id}" not found`);
  }

  /**
   * The files a pull request changes, with their texts before and after. Compared are the head
   * commit and its merge base with the base branch (as a hosting service's "files changed"): for
   * an open pull request the branch tip and the base tip as they are now, for a merged one the
   * merge commit's two parents. The `pr` action makes one commit on the base tip, so this is that
   * commit against its parent; commits pushed to the branch later, or the base merged into it,
   * are counted right too. A closed pull request's branch is deleted, so it answers `conflict`.
   * Git failures are thrown (`GitError`).
   */
  async files(id: string): Promise<Result<PullRequestFiles>> {
    const pr = await this.repo.get(id);
    if (!pr) return fail('not_found', `pull request "${id}" not found`);
    if (pr.state === 'closed') return fail('conflict', `pull request ${id} is closed; its branch is gone`);
    const repo = await this.open_(pr.repoURL);
    let base: string;
    let head: string;
    if (pr.state === 'open') {
      head = await repo.refreshBranch(pr.head);
      base = await repo.refreshBranch(pr.base);
    } else {
      const merge = pr.mergeCommit!;
      // A cache that never saw the merge (another server wrote it, or the cache was cleared) finds it on the base branch.
      if (!(await repo.hasCommit(merge))) await repo.refreshBranch(pr.base);
      if (!(await repo.hasCommit(merge))) return fail('conflict', `pull request ${id}: its merge commit ${merge.slice(0, 12)} is no longer on ${pr.base}`);
      const parents = await repo.parentsOf(merge);
      if (parents.length !== 2) return fail('conflict', `pull request ${id}: ${merge.slice(0, 12)} is not a merge commit`);
      [base, head] = parents as [string, string];
    }
    const from = (await repo.mergeBase(base, head)) ?? base;
    return ok(await changedTexts(repo, from, head));
  }

  /** Merges an open pull request into its base branch. */
  async merge(id: string, by: Person): Promise<Result<StoredPullRequest & { url: string }>> {
    const pr = await this.repo.get(id);
    if (!pr) return fail('not_found', `pull request "${id}" not found`);
    if (pr.state !== 'open') return fail('conflict', `pull request "${id}" is ${pr.state}; only an open one can be merged`);
    const repo = await this.open_(pr.repoURL);
    return repo.withLock(async () => {
    for (let attempt = 1; attempt <= MERGE_ATTEMPTS; attempt++) {
      const baseTip = await repo.refreshBranch(pr.base);
      const headTip = await repo.refreshBranch(pr.head);
      const now = this.clock.now();
      const merged = await repo.merge({ base: baseTip, head: headTip, message: `Merge pull request ${pr.id} from ${pr.head}\n\n${pr.title}\n`, author: by, date: now });
      if (!merged.ok) {
        return fail('conflict', `pull request "${id}" cannot be merged: ${merged.files.join(', ')} changed on both sides; close it and promote again`);
      }
      const pushed = await repo.push(merged.sha, pr.base, { expectedOld: baseTip });
      if (!pushed.ok) continue;
      let done: StoredPullRequest;
      try {
        done = await this.repo.update(id, { state: 'merged', mergeCommit: merged.sha, updatedAt: now.toISOString() });
      } catch (e) {
        // Closed by someone else while the merge was pushed: the merge stands, the record says so.
        if (!(e instanceof StorePullRequestStateError)) throw e;
        return fail('conflict', `pull request "${id}" was ${e.state} while it was being merged; the merge ${merged.sha.slice(0, 12)} is on ${pr.base}`);
      }
      await repo.deleteBranch(pr.head).catch(() => undefined);
      return ok({ ...done, url: this.url(id) });
    }
    return fail<StoredPullRequest & { url: string }>('conflict', `pull request "${id}": ${pr.base} kept moving; try again`);
    });
  }

  /** Closes an open pull request without merging; its promotion step fails. */
  async close(id: string): Promise<Result<StoredPullRequest & { url: string }>> {
    const pr = await this.repo.get(id);
    if (!pr) return fail('not_found', `pull request "${id}" not found`);
    if (pr.state !== 'open') return fail('conflict', `pull request "${id}" is ${pr.state}; only an open one can be closed`);
    let done: StoredPullRequest;
    try {
      done = await this.repo.update(id, { state: 'closed', updatedAt: this.clock.now().toISOString() });
    } catch (e) {
      if (!(e instanceof StorePullRequestStateError)) throw e;
      return fail('conflict', `pull request "${id}" is ${e.state}; only an open one can be closed`);
    }
    const repo = await this.open_(pr.repoURL);
    await repo.deleteBranch(pr.head).catch(() => undefined);
    return ok({ ...done, url: this.url(id) });
  }
}

/** The files changed from `from` to `to`, at most `MAX_PULL_REQUEST_FILES`, with their texts. */
async function changedTexts(repo: GitRepository, from: string, to: string): Promise<PullRequestFiles> {
  const changed = await repo.changedFiles(from, to);
  const listed = changed.slice(0, MAX_PULL_REQUEST_FILES);
  const [before, after] = await Promise.all([
    repo.readFiles(from, listed.filter((f) => f.status !== 'added').map((f) => f.path)),
    repo.readFiles(to, listed.filter((f) => f.status !== 'deleted').map((f) => f.path)),
  ]);
  const files = listed.map((file): PullRequestFile => {
    const texts = [before.get(file.path) ?? null, after.get(file.path) ?? null];
    if (texts.some((t) => t !== null && t.includes('\u0000'))) return { ...file, before: null, after: null, binary: true };
    if (texts.some((t) => t !== null && Buffer.byteLength(t, 'utf8') > MAX_PULL_REQUEST_FILE_BYTES)) return { ...file, before: null, after: null, tooLarge: true };
    return { ...file, before: texts[0]!, after: texts[1]! };
  });
  return { from, to, files, ...(changed.length > listed.length ? { truncated: true as const } : {}) };
}
