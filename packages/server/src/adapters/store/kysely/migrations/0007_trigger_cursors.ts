import type { Kysely, Migration } from 'kysely';

// Migrations see the database as it was when they were written, not through `Database`.
export const triggerCursors: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('trigger_cursors')
      .addColumn('application', 'text', (c) => c.notNull())
      .addColumn('repo_url', 'text', (c) => c.notNull())
      .addColumn('branch', 'text', (c) => c.notNull())
      .addColumn('folder', 'text', (c) => c.notNull())
      .addColumn('commit_sha', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('trigger_cursors_pkey', ['application', 'repo_url', 'branch', 'folder'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('trigger_cursors').execute();
  },
};
