import type { Kysely, Selectable } from 'kysely';
import { StoreDuplicateError } from '../../../store/errors.ts';
import type { TokenUniqueField } from '../../../store/errors.ts';
import type { StoreDialect, StoredToken, TokenRepo, TokenRole } from '../../../store/port.ts';
import { byCodePoint } from './order.ts';
import type { Database, TokensTable } from './schema.ts';

const ROLES: readonly TokenRole[] = ['admin', 'member', 'viewer'];

/** API tokens over a Kysely connection or transaction. */
export class KyselyTokens implements TokenRepo {
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;

  constructor(db: Kysely<Database>, dialect: StoreDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async create(token: StoredToken): Promise<void> {
    // `do nothing` rather than catching the unique violation: the error differs per driver, and
    // on PostgreSQL it would abort the surrounding transaction.
    const inserted = await this.#db
      .insertInto('tokens')
      .values({
        id: token.id,
        name: token.name,
        role: token.role,
        hash: token.hash,
        labels: JSON.stringify(token.labels),
        created_at: token.createdAt,
        last_used_at: token.lastUsedAt ?? null,
      })
      .onConflict((c) => c.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return;
    throw new StoreDuplicateError(token.name, await this.#takenField(token));
  }

  async findByHash(hash: string): Promise<StoredToken | undefined> {
    const row = await this.#db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && toToken(row);
  }

  async list(): Promise<StoredToken[]> {
    const rows = await this.#db.selectFrom('tokens').selectAll().orderBy(byCodePoint(this.#dialect, 'name')).execute();
    return rows.map(toToken);
  }

  async delete(id: string): Promise<boolean> {
    const { numDeletedRows } = await this.#db.deleteFrom('tokens').where('id', '=', id).executeTakeFirstOrThrow();
    return numDeletedRows > 0n;
  }

  async count(): Promise<number> {
    const { n } = await this.#db
      .selectFrom('tokens')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  async touch(id: string, at: string): Promise<void> {
    await this.#db.updateTable('tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async #takenField(token: StoredToken): Promise<TokenUniqueField> {
    const clash = await this.#db
      .selectFrom('tokens')
      .select(['id', 'name', 'hash'])
      .where((eb) => eb.or([eb('id', '=', token.id), eb('name', '=', token.name), eb('hash', '=', token.hash)]))
      .execute();
    if (clash.some((t) => t.name === token.name)) return 'name';
    if (clash.some((t) => t.id === token.id)) return 'id';
    if (clash.some((t) => t.hash === token.hash)) return 'hash';
    // The clashing token was deleted in between; report the id, the primary key.
    return 'id';
  }
}

function toToken(row: Selectable<TokensTable>): StoredToken {
  if (!ROLES.includes(row.role as TokenRole)) {
    throw new Error(`token "${row.name}": stored role "${row.role}" is not one of ${ROLES.join(', ')}`);
  }
  const token: StoredToken = {
    id: row.id,
    name: row.name,
    role: row.role as TokenRole,
    hash: row.hash,
    labels: JSON.parse(row.labels) as Record<string, string>,
    createdAt: row.created_at,
  };
  if (row.last_used_at !== null) token.lastUsedAt = row.last_used_at;
  return token;
}
