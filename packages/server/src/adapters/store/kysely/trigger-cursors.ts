import type { Kysely } from 'kysely';
import type { StoredTriggerCursor, TriggerCursorKey, TriggerCursorRepo } from '../../../store/port.ts';
import type { Database } from './schema.ts';

/** Trigger cursors over a Kysely connection or transaction; every write is one conditional statement. */
export class KyselyTriggerCursors implements TriggerCursorRepo {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async get(key: TriggerCursorKey): Promise<StoredTriggerCursor | undefined> {
    const row = await this.#db
      .selectFrom('trigger_cursors')
      .selectAll()
      .where('application', '=', key.application)
      .where('repo_url', '=', key.repoURL)
      .where('branch', '=', key.branch)
      .where('folder', '=', key.folder)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return { application: row.application, repoURL: row.repo_url, branch: row.branch, folder: row.folder, commit: row.commit_sha, updatedAt: row.updated_at };
  }

  async compareAndSet(key: TriggerCursorKey, expected: string | undefined, commit: string, now: string): Promise<boolean> {
    // One statement each way, so that of two concurrent writers from the same old value exactly
    // one changes the row: an insert that finds the key taken does nothing, and on PostgreSQL an
    // update waits for a concurrent one's row lock, then re-checks `commit_sha`.
    if (expected === undefined) {
      const inserted = await this.#db
        .insertInto('trigger_cursors')
        .values({ application: key.application, repo_url: key.repoURL, branch: key.branch, folder: key.folder, commit_sha: commit, updated_at: now })
        .onConflict((oc) => oc.columns(['application', 'repo_url', 'branch', 'folder']).doNothing())
        .returning('commit_sha')
        .executeTakeFirst();
      return inserted !== undefined;
    }
    const updated = await this.#db
      .updateTable('trigger_cursors')
      .set({ commit_sha: commit, updated_at: now })
      .where('application', '=', key.application)
      .where('repo_url', '=', key.repoURL)
      .where('branch', '=', key.branch)
      .where('folder', '=', key.folder)
      .where('commit_sha', '=', expected)
      .returning('commit_sha')
      .executeTakeFirst();
    return updated !== undefined;
  }
}
