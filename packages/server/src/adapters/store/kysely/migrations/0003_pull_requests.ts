import type { Kysely, Migration } from 'kysely';

// Migrations see the database as it was when they were written, not through `Database`.
export const pullRequests: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('pull_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('repo_url', 'text', (c) => c.notNull())
      .addColumn('base', 'text', (c) => c.notNull())
      .addColumn('head', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('merge_commit', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createIndex('pull_requests_repo_url_head_state_idx')
      .on('pull_requests')
      .columns(['repo_url', 'head', 'state'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('pull_requests').execute();
  },
};
