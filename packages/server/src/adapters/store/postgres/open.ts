import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Store } from '../../../store/port.ts';
import { migrateToLatest } from '../kysely/migrations.ts';
import type { Database } from '../kysely/schema.ts';
import { createKyselyStore } from '../kysely/store.ts';
import { redactDatabaseUrl } from './url.ts';

export interface PostgresStoreOptions {
  /** Connection URL, `postgres://user:password@host:port/database?…` (libpq-style parameters accepted by `pg`). */
  url: string;
  /** Most connections the pool opens. Default 10. */
  maxConnections?: number;
  /** How long to wait for a new connection, in milliseconds, before failing. Default 10000. */
  connectTimeoutMs?: number;
  /**
   * Called when an idle pooled connection fails (server restart, network cut). The pool drops that
   * connection and opens a new one when needed. Default: a line on stderr. Without a handler the
   * error would crash the process.
   */
  onIdleError?: (error: Error) => void;
}

/** Opens the PostgreSQL store and migrates the database to the latest schema. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { url, maxConnections = 10, connectTimeoutMs = 10_000 } = options;
  const onIdleError =
    options.onIdleError ??
    ((error: Error) => console.error(`stagecoach store: idle PostgreSQL connection failed: ${error.message}`));

  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: 'stagecoach',
    types: { getTypeParser },
  });
  pool.on('error', onIdleError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`PostgreSQL store at ${redactDatabaseUrl(url)}: ${reason}`, { cause: error });
  }
  return createKyselyStore(db, 'postgres');
}

// `pg` returns int8 (bigint, and every count(*)) as a string, to keep precision. Our int8 values
// are counts, far below 2^53, so they come back as numbers; a larger one fails rather than round.
// Set per pool, not through the global `pg.types`, so other users of `pg` in the process are unaffected.
const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === pg.types.builtins.INT8 && format !== 'binary'
    ? parseInt8
    : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`PostgreSQL int8 ${text} does not fit a JavaScript number`);
  return value;
}
