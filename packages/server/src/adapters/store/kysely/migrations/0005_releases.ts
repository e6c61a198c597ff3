import type { Kysely, Migration } from 'kysely';

// Migrations see the database as it was when they were written, not through `Database`.
export const releases: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('releases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('product', 'text', (c) => c.notNull())
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('flow', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('trigger_key', 'text', (c) => c.unique())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'text')
      .addColumn('lease_epoch', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('releases_product_number_key', ['product', 'number'])
      .execute();
    await db.schema.createIndex('releases_status_idx').on('releases').columns(['status', 'product']).execute();
    await db.schema.createIndex('releases_created_at_idx').on('releases').columns(['created_at', 'id']).execute();

    await db.schema
      .createTable('release_counters')
      .addColumn('product', 'text', (c) => c.primaryKey())
      .addColumn('last_number', 'integer', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('release_counters').execute();
    await db.schema.dropTable('releases').execute();
  },
};
