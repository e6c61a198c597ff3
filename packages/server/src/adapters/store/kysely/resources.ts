import { isDeepStrictEqual } from 'node:util';
import type { Kysely, Selectable } from 'kysely';
import { StoreConflictError } from '../../../store/errors.ts';
import type { PutResource, PutResult, ResourceWriter, StoreDialect, StoredResource } from '../../../store/port.ts';
import { byCodePoint } from './order.ts';
import type { Database, ResourcesTable } from './schema.ts';

/**
 * How many times an unconditional put re-reads and retries after another writer changed the
 * resource between its read and its write. Losing that many races in a row means heavy contention
 * on one resource; the put then fails with a conflict rather than loop.
 */
const MAX_PUT_ATTEMPTS = 10;

/** Resources over a Kysely connection or transaction; every update is compare-and-set on `resource_version`. */
export class KyselyResources implements ResourceWriter {
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;

  constructor(db: Kysely<Database>, dialect: StoreDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async list(kind?: string): Promise<StoredResource[]> {
    let query = this.#db.selectFrom('resources').selectAll();
    if (kind !== undefined) query = query.where('kind', '=', kind);
    const rows = await query
      .orderBy(byCodePoint(this.#dialect, 'kind'))
      .orderBy(byCodePoint(this.#dialect, 'name'))
      .execute();
    return rows.map(toResource);
  }

  async get(kind: string, name: string): Promise<StoredResource | undefined> {
    const row = await this.#row(kind, name);
    return row && toResource(row);
  }

  async put(write: PutResource): Promise<PutResult> {
    const { kind, name, expectedVersion, now } = write;
    // Stored as JSON, compared as JSON: a body differing only in `undefined` members is unchanged.
    const text = JSON.stringify(write.body);
    const body = JSON.parse(text) as Record<string, unknown>;

    for (let attempt = 1; ; attempt++) {
      const row = await this.#row(kind, name);

      if (row === undefined) {
        if (expectedVersion !== undefined) throw new StoreConflictError(kind, name, expectedVersion, undefined);
        const inserted = await this.#db
          .insertInto('resources')
          .values({ kind, name, body: text, resource_version: 1, created_at: now, updated_at: now })
          .onConflict((c) => c.columns(['kind', 'name']).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (inserted) return { resource: toResource(inserted), outcome: 'created' };
        // Another writer created it since our read: go round again and update that one.
        continue;
      }

      const stored = row.resource_version;
      if (expectedVersion !== undefined && expectedVersion !== stored) {
        throw new StoreConflictError(kind, name, expectedVersion, stored);
      }
      const current = toResource(row);
      if (isDeepStrictEqual(current.body, body)) return { resource: current, outcome: 'unchanged' };

      const updated = await this.#db
        .updateTable('resources')
        .set({ body: text, resource_version: stored + 1, updated_at: now })
        .where('kind', '=', kind)
        .where('name', '=', name)
        .where('resource_version', '=', stored)
        .returningAll()
        .executeTakeFirst();
      if (updated) return { resource: toResource(updated), outcome: 'configured' };

      // Another writer changed or deleted it since our read. With an expected version the next
      // round reports the conflict; without one it retries on the new state.
      if (attempt >= MAX_PUT_ATTEMPTS) {
        throw new StoreConflictError(kind, name, stored, (await this.#row(kind, name))?.resource_version);
      }
    }
  }

  async delete(kind: string, name: string, expectedVersion?: number): Promise<boolean> {
    let query = this.#db.deleteFrom('resources').where('kind', '=', kind).where('name', '=', name);
    if (expectedVersion !== undefined) query = query.where('resource_version', '=', expectedVersion);
    const { numDeletedRows } = await query.executeTakeFirstOrThrow();
    if (numDeletedRows > 0n) return true;
    if (expectedVersion === undefined) return false;
    const row = await this.#row(kind, name);
    if (row === undefined) return false;
    throw new StoreConflictError(kind, name, expectedVersion, row.resource_version);
  }

  #row(kind: string, name: string): Promise<Selectable<ResourcesTable> | undefined> {
    return this.#db
      .selectFrom('resources')
      .selectAll()
      .where('kind', '=', kind)
      .where('name', '=', name)
      .executeTakeFirst();
  }
}

function toResource(row: Selectable<ResourcesTable>): StoredResource {
  return {
    kind: row.kind,
    name: row.name,
    body: JSON.parse(row.body) as Record<string, unknown>,
    resourceVersion: row.resource_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
