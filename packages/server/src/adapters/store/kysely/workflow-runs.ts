import { sql } from 'kysely';
import type { Expression, Kysely, Selectable, SqlBool } from 'kysely';
import type {
  StoreDialect,
  StoredWorkflowRun,
  WorkflowEngineKind,
  WorkflowRunChange,
  WorkflowRunFilter,
  WorkflowRunLabels,
  WorkflowRunRepo,
} from '../../../store/port.ts';
import { NODE_PHASES, type NodePhase, type RunStatus } from '../../../workflows/port.ts';
import { byCodePoint } from './order.ts';
import type { Database, WorkflowRunsTable } from './schema.ts';

const ENGINES: readonly WorkflowEngineKind[] = ['local', 'argo'];
const LABEL_KEYS = ['product', 'environment', 'application', 'release'] as const satisfies readonly (keyof WorkflowRunLabels)[];
/** The phases of a run that is not finished; every other phase is terminal (see `isTerminalPhase`). */
const UNFINISHED: readonly NodePhase[] = ['Pending', 'Running'];

/** Workflow runs over a Kysely connection or transaction. JSON columns are text on both dialects. */
export class KyselyWorkflowRuns implements WorkflowRunRepo {
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;

  constructor(db: Kysely<Database>, dialect: StoreDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async create(run: StoredWorkflowRun): Promise<void> {
    await this.#db
      .insertInto('workflow_runs')
      .values({
        id: run.id,
        template: run.template,
        engine: run.engine,
        external_id: run.externalId ?? null,
        phase: run.phase,
        parameters: JSON.stringify(run.parameters),
        status: JSON.stringify(run.status),
        labels: JSON.stringify(run.labels),
        retry_of: run.retryOf ?? null,
        attempts: run.attempts,
        created_at: run.createdAt,
        updated_at: run.updatedAt,
        finished_at: run.finishedAt ?? null,
      })
      .execute();
  }

  async get(id: string): Promise<StoredWorkflowRun | undefined> {
    const row = await this.#db.selectFrom('workflow_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRun(row);
  }

  async findByExternalId(engine: WorkflowEngineKind, externalId: string): Promise<StoredWorkflowRun | undefined> {
    const row = await this.#db
      .selectFrom('workflow_runs')
      .selectAll()
      .where('engine', '=', engine)
      .where('external_id', '=', externalId)
      .orderBy(byCodePoint(this.#dialect, 'created_at'), 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toRun(row);
  }

  async list(filter: WorkflowRunFilter = {}): Promise<StoredWorkflowRun[]> {
    let query = this.#db.selectFrom('workflow_runs').selectAll();
    if (filter.phase !== undefined) query = query.where('phase', '=', filter.phase);
    if (filter.template !== undefined) query = query.where('template', '=', filter.template);
    for (const key of LABEL_KEYS) {
      const value = filter[key];
      if (value !== undefined) query = query.where(this.#label(key, value));
    }
    query = query.orderBy(byCodePoint(this.#dialect, 'created_at'), 'desc').orderBy(byCodePoint(this.#dialect, 'id'), 'desc');
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    return (await query.execute()).map(toRun);
  }

  async updateStatus(id: string, change: WorkflowRunChange): Promise<StoredWorkflowRun | undefined> {
    const row = await this.#db
      .updateTable('workflow_runs')
      .set({
        phase: change.phase,
        status: JSON.stringify(change.status),
        ...(change.externalId !== undefined ? { external_id: change.externalId } : {}),
        ...(change.attempts !== undefined ? { attempts: change.attempts } : {}),
        updated_at: change.updatedAt,
        finished_at: change.finishedAt ?? null,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toRun(row);
  }

  async unfinished(): Promise<StoredWorkflowRun[]> {
    const rows = await this.#db
      .selectFrom('workflow_runs')
      .selectAll()
      .where('phase', 'in', UNFINISHED)
      .orderBy(byCodePoint(this.#dialect, 'created_at'))
      .orderBy(byCodePoint(this.#dialect, 'id'))
      .execute();
    return rows.map(toRun);
  }

  /** `labels.<key> = value`; the key is one of LABEL_KEYS, never user input. */
  #label(key: (typeof LABEL_KEYS)[number], value: string): Expression<SqlBool> {
    return this.#dialect === 'postgres'
      ? sql<SqlBool>`(labels::jsonb ->> ${sql.lit(key)}) = ${value}`
      : sql<SqlBool>`json_extract(labels, ${sql.lit(`$.${key}`)}) = ${value}`;
  }
}

function toRun(row: Selectable<WorkflowRunsTable>): StoredWorkflowRun {
  if (!ENGINES.includes(row.engine as WorkflowEngineKind)) {
    throw new Error(`workflow run "${row.id}": stored engine "${row.engine}" is not one of ${ENGINES.join(', ')}`);
  }
  if (!NODE_PHASES.includes(row.phase as NodePhase)) {
    throw new Error(`workflow run "${row.id}": stored phase "${row.phase}" is not one of ${NODE_PHASES.join(', ')}`);
  }
  const run: StoredWorkflowRun = {
    id: row.id,
    template: row.template,
    engine: row.engine as WorkflowEngineKind,
    phase: row.phase as NodePhase,
    parameters: JSON.parse(row.parameters) as Record<string, string>,
    status: JSON.parse(row.status) as RunStatus,
    labels: JSON.parse(row.labels) as WorkflowRunLabels,
    attempts: Number(row.attempts),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.external_id !== null) run.externalId = row.external_id;
  if (row.retry_of !== null) run.retryOf = row.retry_of;
  if (row.finished_at !== null) run.finishedAt = row.finished_at;
  return run;
}
