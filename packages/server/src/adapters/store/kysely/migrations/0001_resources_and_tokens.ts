import type { Kysely, Migration } from 'kysely';

// Migrations see the database as it was when they were written, not through `Database`.
export const resourcesAndTokens: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('resources')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('resource_version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('resources_pkey', ['kind', 'name'])
      .execute();

    await db.schema
      .createTable('tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addUniqueConstraint('tokens_name_key', ['name'])
      .addUniqueConstraint('tokens_hash_key', ['hash'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('tokens').execute();
    await db.schema.dropTable('resources').execute();
  },
};
