import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, Driver, SqliteDatabase as KyselySqliteDatabase, SqliteDialectConfig, SqliteStatement } from 'kysely';
import { LruMap } from '../../../lru.ts';
import type { Store } from '../../../store/port.ts';
import { migrateToLatest } from '../kysely/migrations.ts';
import type { Database } from '../kysely/schema.ts';
import { createKyselyStore } from '../kysely/store.ts';

export interface SqliteStoreOptions {
  /** Path of the database file (its folder is created if missing), or `:memory:` for a private in-memory database. */
  file: string;
  /** How long a write waits for another process holding the write lock, in milliseconds. Default 5000. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the SQLite store and migrates it to the latest schema.
 * Open one store per file per process: better-sqlite3 waits for locks synchronously, so a second
 * store on the same file in the same process would block the event loop behind the first.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const { file, busyTimeoutMs = 5000 } = options;
  if (file !== ':memory:') await mkdir(dirname(file), { recursive: true });

  const sqlite = new SqliteDatabase(file, { timeout: busyTimeoutMs });
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: keepingStatements(sqlite) }) });
  try {
    sqlite.pragma('journal_mode = WAL');
    // With WAL, NORMAL loses no integrity on power loss, only the last commits; and it is much faster than FULL.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    await migrateToLatest(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStore(db, 'sqlite');
}

/** How many prepared statements `keepingStatements` keeps. */
const STATEMENTS_KEPT = 256;

/**
 * The database as Kysely sees it, with each prepared statement kept by its SQL text: Kysely
 * prepares every query anew, and preparing was a large share of a small query's time. A query
 * runs to its end before the next starts (one connection, taken in turn), so sharing a statement
 * is safe. The least recently used statements are dropped beyond `STATEMENTS_KEPT` (queries with
 * lists of values have one text per list length).
 */
export function keepingStatements(sqlite: SqliteDatabase.Database, kept = STATEMENTS_KEPT): KyselySqliteDatabase {
  const statements = new LruMap<string, SqliteStatement>(kept);
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      const known = statements.get(sql);
      if (known !== undefined) return known;
      const statement = sqlite.prepare(sql);
      statements.set(sql, statement);
      return statement;
    },
  };
}

/**
 * Kysely's SQLite dialect, but transactions start with `begin immediate`: they take the write lock
 * up front, waiting out the busy timeout if another process holds it. A plain (deferred) `begin`
 * would instead fail at once with SQLITE_BUSY when a transaction that has read tries to write.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
