import { join } from 'node:path';
import { StoreConfigError } from '../../store/errors.ts';
import type { Store } from '../../store/port.ts';
import { openPostgresStore } from './postgres/open.ts';
import { openSqliteStore } from './sqlite/open.ts';

export interface StoreConfig {
  /**
   * PostgreSQL connection URL (`postgres://…` or `postgresql://…`) for several server replicas.
   * Absent or blank: the embedded SQLite store in `dataDir`.
   */
  databaseUrl?: string;
  /** The server's data folder; the SQLite store is `<dataDir>/stagecoach.db`. */
  dataDir: string;
}

/** Name of the SQLite database file in the data folder. */
export const SQLITE_FILE_NAME = 'stagecoach.db';

/**
 * Opens the configured store, migrated to the latest schema. Rejects with `StoreConfigError` when
 * `databaseUrl` is set but is not a PostgreSQL URL.
 */
export async function openStore(config: StoreConfig): Promise<Store> {
  const url = config.databaseUrl?.trim() ?? '';
  if (url === '') return openSqliteStore({ file: join(config.dataDir, SQLITE_FILE_NAME) });
  if (/^postgres(ql)?:\/\//i.test(url)) return openPostgresStore({ url });
  // Only the scheme goes in the message: the rest may hold a password, even when it does not parse as a URL.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new StoreConfigError(
    'databaseUrl',
    `${scheme === undefined ? 'not a URL' : `scheme "${scheme}" is not supported`}; ` +
      `use postgres://… or postgresql://…, or leave it unset for SQLite in the data folder`,
  );
}
