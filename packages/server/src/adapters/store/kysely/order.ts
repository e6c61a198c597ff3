import { sql } from 'kysely';
import type { Expression } from 'kysely';
import type { StoreDialect } from '../../../store/port.ts';

/**
 * A text column to order by, compared by Unicode code point on both dialects. SQLite compares the
 * UTF-8 bytes already; PostgreSQL follows the database's locale unless told `collate "C"`, which
 * would put `a-c` after `ab` on an `en_US` database and make the order depend on the server.
 */
export function byCodePoint(dialect: StoreDialect, column: string): Expression<unknown> {
  return dialect === 'postgres' ? sql`${sql.ref(column)} collate "C"` : sql.ref(column);
}
