import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { resourcesAndTokens } from './migrations/0001_resources_and_tokens.ts';
import { credentials } from './migrations/0002_credentials.ts';
import { pullRequests } from './migrations/0003_pull_requests.ts';
import { workflowRuns } from './migrations/0004_workflow_runs.ts';
import { events } from './migrations/0006_events.ts';
import { releases } from './migrations/0005_releases.ts';
import { triggerCursors } from './migrations/0007_trigger_cursors.ts';
import { workflowLogs } from './migrations/0008_workflow_logs.ts';

/**
 * Every migration, by name, applied in name order. Append new steps with the next number; never
 * edit or rename one that has shipped.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001_resources_and_tokens': resourcesAndTokens,
  '0002_credentials': credentials,
  '0003_pull_requests': pullRequests,
  '0004_workflow_runs': workflowRuns,
  '0005_releases': releases,
  '0007_trigger_cursors': triggerCursors,
  '0006_events': events,
  '0008_workflow_logs': workflowLogs,
};

const provider: MigrationProvider = { getMigrations: async () => ({ ...migrations }) };

/**
 * Brings the database to the latest migration; does nothing when it is already there. Safe to run
 * from several processes at once: Kysely takes a lock (an advisory lock on PostgreSQL, the write
 * lock on SQLite) and runs each migration in a transaction.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'stagecoach_migration',
    migrationLockTableName: 'stagecoach_migration_lock',
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results.find((r) => r.status === 'Error');
  // No failed migration: the error came before any ran (no connection, lock table), pass it on as is.
  if (failed === undefined) throw error;
  const reason = error instanceof Error ? error.message : String(error);
  throw new Error(`store migration "${failed.migrationName}" failed: ${reason}`, { cause: error });
}
