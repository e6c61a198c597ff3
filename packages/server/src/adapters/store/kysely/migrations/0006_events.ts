import { PostgresAdapter } from 'kysely';
import type { Kysely, Migration } from 'kysely';

// Migrations see the database as it was when they were written, not through `Database`.
export const events: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable('events')
      // SQLite: `autoincrement` so that an id is never handed out again, even after the newest
      // rows were pruned (a plain rowid key reuses the highest free value). PostgreSQL: an
      // identity column, whose sequence never goes back either.
      .addColumn('id', postgres ? 'bigint' : 'integer', (c) =>
        postgres ? c.generatedAlwaysAsIdentity().primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('product', 'text')
      .addColumn('release', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();

    await db.schema.createIndex('events_at_idx').on('events').column('at').execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('events').execute();
  },
};
