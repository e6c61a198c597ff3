import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { EventPruning, EventRepo, EventRepoFilter, NewEvent, StoreDialect, StoredEvent } from '../../../store/port.ts';
import type { Database, EventsTable } from './schema.ts';

/** The PostgreSQL channel an append notifies, with the new event's id as payload. */
export const EVENTS_CHANNEL = 'stagecoach_events';

/**
 * The advisory lock that serialises appends on PostgreSQL. Any constant works as long as nothing
 * else in the database takes the same one; this one is not Kysely's migration lock.
 */
const APPEND_LOCK = sql.raw('7302183390414021655');

/** The event log over a Kysely connection or transaction. */
export class KyselyEvents implements EventRepo {
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;

  constructor(db: Kysely<Database>, dialect: StoreDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async append(event: NewEvent): Promise<StoredEvent> {
    const values = {
      type: event.type,
      at: event.at,
      product: event.product ?? null,
      release: event.release ?? null,
      data: JSON.stringify(event.data),
    };
    if (this.#dialect === 'sqlite') {
      // One writer at a time on SQLite: an id is assigned and committed before the next insert starts.
      return toEvent(await this.#db.insertInto('events').values(values).returningAll().executeTakeFirstOrThrow());
    }
    const insert = async (tx: Kysely<Database>): Promise<StoredEvent> => {
      // PostgreSQL hands out identity values at insert time but makes rows visible at commit, so
      // two concurrent appends could commit as 6 then 5; a reader that already moved past 6 would
      // never see 5. Holding one transaction-scoped lock from before the id is drawn until the
      // commit makes ids commit in the order they are drawn (the lock is released only after the
      // commit is visible), so readers that follow "id > last seen" miss nothing.
      await sql`select pg_advisory_xact_lock(${APPEND_LOCK})`.execute(tx);
      const row = await tx.insertInto('events').values(values).returningAll().executeTakeFirstOrThrow();
      // Delivered to listeners when this transaction commits, never for a rolled-back append.
      await sql`select pg_notify(${EVENTS_CHANNEL}, ${String(row.id)})`.execute(tx);
      return toEvent(row);
    };
    return this.#db.isTransaction ? insert(this.#db) : this.#db.transaction().execute(insert);
  }

  async listAfter(after: number, options: { filter?: EventRepoFilter; limit?: number } = {}): Promise<StoredEvent[]> {
    const { filter = {}, limit } = options;
    let query = this.#db.selectFrom('events').selectAll().where('id', '>', after);
    if (filter.types !== undefined && filter.types.length > 0) query = query.where('type', 'in', [...filter.types]);
    if (filter.product !== undefined) query = query.where('product', '=', filter.product);
    if (filter.release !== undefined) query = query.where('release', '=', filter.release);
    query = query.orderBy('id');
    if (limit !== undefined) query = query.limit(limit);
    return (await query.execute()).map(toEvent);
  }

  async lastId(): Promise<number> {
    const row = await this.#db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return row?.id == null ? 0 : Number(row.id);
  }

  async prune(pruning: EventPruning): Promise<number> {
    let removed = 0;
    if (pruning.before !== undefined) {
      const result = await this.#db.deleteFrom('events').where('at', '<', pruning.before).executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
    if (pruning.keep !== undefined) {
      // The id of the newest event beyond the count; it and every older one go.
      const edge = await this.#db
        .selectFrom('events')
        .select('id')
        .orderBy('id', 'desc')
        .limit(1)
        .offset(Math.max(0, Math.trunc(pruning.keep)))
        .executeTakeFirst();
      if (edge !== undefined) {
        const result = await this.#db.deleteFrom('events').where('id', '<=', edge.id).executeTakeFirst();
        removed += Number(result.numDeletedRows);
      }
    }
    return removed;
  }
}

function toEvent(row: Selectable<EventsTable>): StoredEvent {
  const event: StoredEvent = {
    id: Number(row.id),
    type: row.type,
    at: row.at,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
  if (row.product !== null) event.product = row.product;
  if (row.release !== null) event.release = row.release;
  return event;
}
