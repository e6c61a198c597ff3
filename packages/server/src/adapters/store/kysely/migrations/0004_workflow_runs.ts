import type { Kysely, Migration } from 'kysely';

// Migrations see the database as it was when they were written, not through `Database`.
export const workflowRuns: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('workflow_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('engine', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('parameters', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('retry_of', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();

    await db.schema.createIndex('workflow_runs_created_at_idx').on('workflow_runs').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('workflow_runs_template_created_at_idx').on('workflow_runs').columns(['template', 'created_at']).execute();
    await db.schema.createIndex('workflow_runs_phase_created_at_idx').on('workflow_runs').columns(['phase', 'created_at']).execute();
    await db.schema.createIndex('workflow_runs_engine_external_id_idx').on('workflow_runs').columns(['engine', 'external_id']).execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('workflow_runs').execute();
  },
};
