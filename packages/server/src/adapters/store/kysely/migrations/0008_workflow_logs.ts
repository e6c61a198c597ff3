import type { Kysely, Migration } from 'kysely';

// Migrations see the database as it was when they were written, not through `Database`.
export const workflowLogs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('workflow_logs')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      // 0 or 1: SQLite has no boolean type, so both dialects keep an integer.
      .addColumn('truncated', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('workflow_logs_pk', ['run_id', 'node_id', 'attempt'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('workflow_logs').execute();
  },
};
