import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { Release, ReleaseStatus } from '@stagecoach/core';
import type { ReleaseFilter, ReleaseLease, ReleaseRepo, StoreDialect, StoredRelease } from '../../../store/port.ts';
import { byCodePoint } from './order.ts';
import type { Database, ReleasesTable } from './schema.ts';

/** Releases over a Kysely connection or transaction; the release is JSON text in `body`. */
export class KyselyReleases implements ReleaseRepo {
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;

  constructor(db: Kysely<Database>, dialect: StoreDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async nextNumber(product: string): Promise<number> {
    const row = await this.#db
      .insertInto('release_counters')
      .values({ product, last_number: 1 })
      .onConflict((oc) => oc.column('product').doUpdateSet({ last_number: sql<number>`release_counters.last_number + 1` }))
      .returning('last_number')
      .executeTakeFirstOrThrow();
    return Number(row.last_number);
  }

  async lockProduct(product: string): Promise<void> {
    await this.#db
      .insertInto('release_counters')
      .values({ product, last_number: 0 })
      .onConflict((oc) => oc.column('product').doUpdateSet({ last_number: sql<number>`release_counters.last_number` }))
      .execute();
  }

  async create(release: Release, triggerKey?: string): Promise<'created' | 'duplicate'> {
    const result = await this.#db
      .insertInto('releases')
      .values({
        id: release.id,
        product: release.product,
        number: release.number,
        flow: release.snapshot.flow.name,
        status: release.status,
        trigger_key: triggerKey ?? null,
        body: JSON.stringify(release),
        revision: 1,
        lease_owner: null,
        lease_expires_at: null,
        lease_epoch: 0,
        created_at: release.createdAt,
        updated_at: release.updatedAt,
      })
      .onConflict((oc) => oc.column('trigger_key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1 ? 'created' : 'duplicate';
  }

  async get(id: string): Promise<StoredRelease | undefined> {
    const row = await this.#db.selectFrom('releases').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toStored(row);
  }

  async findByTriggerKey(key: string): Promise<StoredRelease | undefined> {
    const row = await this.#db.selectFrom('releases').selectAll().where('trigger_key', '=', key).executeTakeFirst();
    return row && toStored(row);
  }

  async list(filter: ReleaseFilter = {}): Promise<StoredRelease[]> {
    let query = this.#db.selectFrom('releases').selectAll();
    if (filter.product !== undefined) query = query.where('product', '=', filter.product);
    if (filter.flow !== undefined) query = query.where('flow', '=', filter.flow);
    if (filter.statuses !== undefined && filter.statuses.length > 0) query = query.where('status', 'in', [...filter.statuses]);
    if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('created_at', '<', filter.until);
    const rows = await query
      .orderBy(byCodePoint(this.#dialect, 'created_at'), 'desc')
      .orderBy(byCodePoint(this.#dialect, 'id'), 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(toStored);
  }

  async withStatus(statuses: readonly ReleaseStatus[], product?: string): Promise<StoredRelease[]> {
    if (statuses.length === 0) return [];
    let query = this.#db.selectFrom('releases').selectAll().where('status', 'in', [...statuses]);
    if (product !== undefined) query = query.where('product', '=', product);
    const rows = await query.orderBy(byCodePoint(this.#dialect, 'created_at'), 'asc').orderBy(byCodePoint(this.#dialect, 'id'), 'asc').execute();
    return rows.map(toStored);
  }

  async update(release: Release, expectedRevision: number, lease?: ReleaseLease): Promise<number | undefined> {
    let query = this.#db
      .updateTable('releases')
      .set({ body: JSON.stringify(release), status: release.status, updated_at: release.updatedAt, revision: expectedRevision + 1 })
      .where('id', '=', release.id)
      .where('revision', '=', expectedRevision);
    if (lease) query = query.where('lease_owner', '=', lease.owner).where('lease_epoch', '=', lease.epoch);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? expectedRevision + 1 : undefined;
  }

  async claim(id: string, owner: string, now: string, expiresAt: string): Promise<ReleaseLease | undefined> {
    const row = await this.#db
      .updateTable('releases')
      .set({
        lease_owner: owner,
        lease_expires_at: expiresAt,
        lease_epoch: sql<number>`case when lease_owner = ${owner} then lease_epoch else lease_epoch + 1 end`,
      })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', owner), eb('lease_expires_at', '<', now)]))
      .returning('lease_epoch')
      .executeTakeFirst();
    return row ? { owner, epoch: Number(row.lease_epoch) } : undefined;
  }

  async unclaim(id: string, owner: string): Promise<void> {
    await this.#db.updateTable('releases').set({ lease_owner: null, lease_expires_at: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
  }
}

function toStored(row: Selectable<ReleasesTable>): StoredRelease {
  return { release: JSON.parse(row.body) as Release, revision: Number(row.revision) };
}
