import type { Kysely } from 'kysely';
import type { Store, StoreDialect, StoreTransaction } from '../../../store/port.ts';
import { KyselyCredentials } from './credentials.ts';
import { KyselyEvents } from './events.ts';
import { KyselyPullRequests } from './pull-requests.ts';
import { KyselyReleases } from './releases.ts';
import { KyselyResources } from './resources.ts';
import type { Database } from './schema.ts';
import { KyselyTokens } from './tokens.ts';
import { KyselyTriggerCursors } from './trigger-cursors.ts';
import { KyselyWorkflowLogs } from './workflow-logs.ts';
import { KyselyWorkflowRuns } from './workflow-runs.ts';

/**
 * The store over an open, migrated Kysely instance; shared by the SQLite and PostgreSQL adapters.
 * `close()` destroys `db` (and so its connection or pool).
 */
export function createKyselyStore(db: Kysely<Database>, dialect: StoreDialect): Store {
  let closing: Promise<void> | undefined;
  return {
    dialect,
    ...repositories(db, dialect),
    transaction: (fn) => db.transaction().execute((tx) => fn(repositories(tx, dialect))),
    close: () => (closing ??= db.destroy()),
  };
}

function repositories(db: Kysely<Database>, dialect: StoreDialect): StoreTransaction {
  return {
    resources: new KyselyResources(db, dialect),
    tokens: new KyselyTokens(db, dialect),
    credentials: new KyselyCredentials(db, dialect),
    pullRequests: new KyselyPullRequests(db, dialect),
    workflowRuns: new KyselyWorkflowRuns(db, dialect),
    releases: new KyselyReleases(db, dialect),
    workflowLogs: new KyselyWorkflowLogs(db, dialect),
    events: new KyselyEvents(db, dialect),
    triggerCursors: new KyselyTriggerCursors(db),
  };
}
