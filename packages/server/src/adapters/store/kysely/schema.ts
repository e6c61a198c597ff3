/**
 * The tables as Kysely sees them, after the latest migration. Both dialects share them: JSON is
 * kept as text, times as ISO-8601 text.
 */

/** One row per resource; primary key (kind, name). */
export interface ResourcesTable {
  kind: string;
  name: string;
  /** The document, as JSON text. */
  body: string;
  resource_version: number;
  created_at: string;
  updated_at: string;
}

/** One row per API token; id, name and hash are each unique. */
export interface TokensTable {
  id: string;
  name: string;
  /** A `TokenRole`; checked when read. */
  role: string;
  hash: string;
  /** The labels, as JSON text of an object of strings. */
  labels: string;
  created_at: string;
  last_used_at: string | null;
}

export interface Database {
  resources: ResourcesTable;
  tokens: TokensTable;
}
