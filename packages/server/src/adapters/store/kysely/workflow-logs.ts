import type { Kysely, Selectable } from 'kysely';
import type { StoreDialect, StoredWorkflowLog, WorkflowLogRepo } from '../../../store/port.ts';
import { byCodePoint } from './order.ts';
import type { Database, WorkflowLogsTable } from './schema.ts';

/** Node logs of workflow runs over a Kysely connection or transaction; one row per (run, node, attempt). */
export class KyselyWorkflowLogs implements WorkflowLogRepo {
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;

  constructor(db: Kysely<Database>, dialect: StoreDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async put(log: StoredWorkflowLog): Promise<void> {
    // PostgreSQL text cannot hold NUL; both dialects store the replacement character instead.
    const text = log.text.replaceAll('\u0000', '\uFFFD');
    const truncated = log.truncated ? 1 : 0;
    await this.#db
      .insertInto('workflow_logs')
      .values({ run_id: log.runId, node_id: log.nodeId, attempt: log.attempt, text, truncated })
      .onConflict((oc) => oc.columns(['run_id', 'node_id', 'attempt']).doUpdateSet({ text, truncated }))
      .execute();
  }

  async get(runId: string, nodeId: string): Promise<StoredWorkflowLog | undefined> {
    const row = await this.#db
      .selectFrom('workflow_logs')
      .selectAll()
      .where('run_id', '=', runId)
      .where('node_id', '=', nodeId)
      .orderBy('attempt', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toLog(row);
  }

  async list(runId: string): Promise<StoredWorkflowLog[]> {
    const rows = await this.#db
      .selectFrom('workflow_logs')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy(byCodePoint(this.#dialect, 'node_id'))
      .orderBy('attempt')
      .execute();
    return rows.map(toLog);
  }
}

function toLog(row: Selectable<WorkflowLogsTable>): StoredWorkflowLog {
  return { runId: row.run_id, nodeId: row.node_id, attempt: Number(row.attempt), text: row.text, truncated: Number(row.truncated) === 1 };
}
