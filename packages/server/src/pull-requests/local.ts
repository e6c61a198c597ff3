import { newId, type Clock } from '../clock.ts';
import { fail, ok, type Result } from '../errors.ts';
import type { Person } from '../git/port.ts';
import type { GitProvider, OpenPullRequest, PullRequestRef, PullRequestState } from '../git/providers.ts';
import type { OpenRepository } from '../promotions/preview.ts';
import { StorePullRequestStateError } from '../store/errors.ts';
import type { PullRequestRepo, StoredPullRequest } from '../store/port.ts';

/** How often a merge is retried when the base branch moves between computing and pushing it. */
const MERGE_ATTEMPTS = 5;

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
