import { prefixCovers } from '../../../git/url-prefix.ts';
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type {
  CreateCredentialOutcome,
  CredentialChange,
  CredentialRepo,
  CredentialType,
  StoreDialect,
  StoredCredential,
} from '../../../store/port.ts';
import { byCodePoint } from './order.ts';
import type { CredentialsTable, Database } from './schema.ts';

const TYPES: readonly CredentialType[] = ['token', 'basic', 'ssh'];

/** Git credentials over a Kysely connection or transaction. Holds ciphertext only. */
export class KyselyCredentials implements CredentialRepo {
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;

  constructor(db: Kysely<Database>, dialect: StoreDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async create(credential: StoredCredential): Promise<CreateCredentialOutcome> {
    // `do nothing` rather than catching the unique violation: on PostgreSQL a caught violation
    // would still abort the surrounding transaction.
    const inserted = await this.#db
      .insertInto('credentials')
      .values({
        id: credential.id,
        name: credential.name,
        url_prefix: credential.urlPrefix,
        type: credential.type,
        encrypted: credential.encrypted,
        created_at: credential.createdAt,
        updated_at: credential.updatedAt,
      })
      .onConflict((c) => c.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return 'created';
    const byName = await this.getByName(credential.name);
    return byName !== undefined ? 'duplicate-name' : 'duplicate-id';
  }

  async get(id: string): Promise<StoredCredential | undefined> {
    const row = await this.#db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toCredential(row);
  }

  async getByName(name: string): Promise<StoredCredential | undefined> {
    const row = await this.#db.selectFrom('credentials').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toCredential(row);
  }

  async list(): Promise<StoredCredential[]> {
    const rows = await this.#db.selectFrom('credentials').selectAll().orderBy(byCodePoint(this.#dialect, 'name')).execute();
    return rows.map(toCredential);
  }

  async update(id: string, change: CredentialChange): Promise<StoredCredential | undefined> {
    const row = await this.#db
      .updateTable('credentials')
      .set({
        ...(change.urlPrefix !== undefined ? { url_prefix: change.urlPrefix } : {}),
        ...(change.type !== undefined ? { type: change.type } : {}),
        ...(change.encrypted !== undefined ? { encrypted: change.encrypted } : {}),
        updated_at: change.updatedAt,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toCredential(row);
  }

  async delete(id: string): Promise<boolean> {
    const { numDeletedRows } = await this.#db.deleteFrom('credentials').where('id', '=', id).executeTakeFirstOrThrow();
    return numDeletedRows > 0n;
  }

  async findForUrl(url: string): Promise<StoredCredential | undefined> {
    // Every credential whose prefix the URL starts with, longest first; then the boundary rule.
    // `substr` and `length` count characters on both dialects, so they agree with each other.
    const rows = await this.#db
      .selectFrom('credentials')
      .selectAll()
      .where(sql<boolean>`length(url_prefix) > 0 and substr(cast(${url} as text), 1, length(url_prefix)) = url_prefix`)
      .orderBy(sql`length(url_prefix)`, 'desc')
      .orderBy(byCodePoint(this.#dialect, 'name'))
      .execute();
    const row = rows.find((r) => prefixCovers(r.url_prefix, url));
    return row && toCredential(row);
  }
}

function toCredential(row: Selectable<CredentialsTable>): StoredCredential {
  if (!TYPES.includes(row.type as CredentialType)) {
    throw new Error(`credential "${row.name}": stored type "${row.type}" is not one of ${TYPES.join(', ')}`);
  }
  return {
    id: row.id,
    name: row.name,
    urlPrefix: row.url_prefix,
    type: row.type as CredentialType,
    encrypted: row.encrypted,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
