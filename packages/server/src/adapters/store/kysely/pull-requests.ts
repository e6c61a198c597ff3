import type { Kysely, Selectable } from 'kysely';
import { PULL_REQUEST_STATES } from '@stagecoach/core';
import { StorePullRequestStateError } from '../../../store/errors.ts';
import type {
  PullRequestChange,
  PullRequestRepo,
  PullRequestStatus,
  StoreDialect,
  StoredPullRequest,
} from '../../../store/port.ts';
import { byCodePoint } from './order.ts';
import type { Database, PullRequestsTable } from './schema.ts';

const STATES: readonly PullRequestStatus[] = PULL_REQUEST_STATES;

/** Pull requests of the local provider over a Kysely connection or transaction; every update is compare-and-set on `state = 'open'`. */
export class KyselyPullRequests implements PullRequestRepo {
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;

  constructor(db: Kysely<Database>, dialect: StoreDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async create(pr: StoredPullRequest): Promise<void> {
    await this.#db
      .insertInto('pull_requests')
      .values({
        id: pr.id,
        repo_url: pr.repoURL,
        base: pr.base,
        head: pr.head,
        title: pr.title,
        body: pr.body,
        state: pr.state,
        merge_commit: pr.mergeCommit ?? null,
        created_at: pr.createdAt,
        updated_at: pr.updatedAt,
      })
      .execute();
  }

  async get(id: string): Promise<StoredPullRequest | undefined> {
    const row = await this.#db.selectFrom('pull_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toPullRequest(row);
  }

  async findOpen(repoURL: string, base: string, head: string): Promise<StoredPullRequest | undefined> {
    const row = await this.#db
      .selectFrom('pull_requests')
      .selectAll()
      .where('repo_url', '=', repoURL)
      .where('head', '=', head)
      .where('state', '=', 'open')
      .where('base', '=', base)
      .orderBy(byCodePoint(this.#dialect, 'created_at'))
      .orderBy(byCodePoint(this.#dialect, 'id'))
      .limit(1)
      .executeTakeFirst();
    return row && toPullRequest(row);
  }

  async list(filter: { state?: PullRequestStatus } = {}): Promise<StoredPullRequest[]> {
    let query = this.#db.selectFrom('pull_requests').selectAll();
    if (filter.state !== undefined) query = query.where('state', '=', filter.state);
    const rows = await query
      .orderBy(byCodePoint(this.#dialect, 'created_at'), 'desc')
      .orderBy(byCodePoint(this.#dialect, 'id'), 'desc')
      .execute();
    return rows.map(toPullRequest);
  }

  async update(id: string, change: PullRequestChange): Promise<StoredPullRequest> {
    // One conditional statement, so that of two concurrent changes exactly one finds the row open:
    // on PostgreSQL the loser waits for the winner's row lock, then re-checks the condition.
    const row = await this.#db
      .updateTable('pull_requests')
      .set({ state: change.state, merge_commit: change.mergeCommit ?? null, updated_at: change.updatedAt })
      .where('id', '=', id)
      .where('state', '=', 'open')
      .returningAll()
      .executeTakeFirst();
    if (row) return toPullRequest(row);
    const stored = await this.#db.selectFrom('pull_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (stored === undefined) throw new Error(`pull request "${id}" does not exist`);
    throw new StorePullRequestStateError(id, toPullRequest(stored).state);
  }
}

function toPullRequest(row: Selectable<PullRequestsTable>): StoredPullRequest {
  if (!STATES.includes(row.state as PullRequestStatus)) {
    throw new Error(`pull request "${row.id}": stored state "${row.state}" is not one of ${STATES.join(', ')}`);
  }
  const pr: StoredPullRequest = {
    id: row.id,
    repoURL: row.repo_url,
    base: row.base,
    head: row.head,
    title: row.title,
    body: row.body,
    state: row.state as PullRequestStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.merge_commit !== null) pr.mergeCommit = row.merge_commit;
  return pr;
}
