import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../adapters/store/open.ts';
import { redactDatabaseUrl } from '../adapters/store/postgres/url.ts';
import type { Store, StoreDialect } from '../store/port.ts';

/** The PostgreSQL server tests use: `STAGECOACH_TEST_DATABASE_URL`, or the local one with trust authentication. */
export const POSTGRES_ADMIN_URL = process.env.STAGECOACH_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `fn` with a client connected to the test server's admin database. */
export async function withPostgresAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Why PostgreSQL cannot be used (to skip with), or undefined when it answers. */
export async function postgresUnavailable(): Promise<string | undefined> {
  return withPostgresAdmin((c) => c.query('select 1')).then(
    () => undefined,
    (e: unknown) => `PostgreSQL not reachable at ${redactDatabaseUrl(POSTGRES_ADMIN_URL)}: ${e instanceof Error ? e.message || e.name : String(e)}`,
  );
}

/** A new, empty database on the test server; `drop()` removes it (even with connections open). */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `stagecoach_test_${randomBytes(6).toString('hex')}`;
  await withPostgresAdmin((c) => c.query(`create database ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => withPostgresAdmin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined) };
}

/** A way to get fresh stores of one dialect, for suites that run on both. */
export interface StoreHarness {
  dialect: StoreDialect;
  /** Why this dialect is skipped, if it is. */
  skip?: string;
  /** A new store on a new, empty database (or data folder). */
  open(): Promise<Store>;
  /** Removes every database and folder `open` made. */
  cleanUp(): Promise<void>;
}

/** Harnesses for SQLite (a temporary folder) and PostgreSQL (a temporary database). */
export async function storeHarnesses(): Promise<StoreHarness[]> {
  const folders: string[] = [];
  const databases: { drop(): Promise<void> }[] = [];
  const sqlite: StoreHarness = {
    dialect: 'sqlite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'stagecoach-store-'));
      folders.push(dir);
      return openStore({ dataDir: dir });
    },
    async cleanUp() {
      await Promise.all(folders.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
  const skip = await postgresUnavailable();
  const postgres: StoreHarness = {
    dialect: 'postgres',
    ...(skip ? { skip } : {}),
    async open() {
      const database = await createTestDatabase();
      databases.push(database);
      return openStore({ databaseUrl: database.url, dataDir: '/nonexistent/not-used' });
    },
    async cleanUp() {
      await Promise.all(databases.splice(0).map((d) => d.drop()));
    },
  };
  return [sqlite, postgres];
}
