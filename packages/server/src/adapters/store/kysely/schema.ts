/**
 * The tables as Kysely sees them, after the latest migration. Both dialects share them: JSON is
 * kept as text, times as ISO-8601 text.
 */

import type { Generated } from 'kysely';

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

/** One row per Git credential; id and name are each unique. Only the secret's ciphertext is stored. */
export interface CredentialsTable {
  id: string;
  name: string;
  url_prefix: string;
  /** A `CredentialType`; checked when read. */
  type: string;
  /** The secret part, encrypted by the caller (`v1:…`). */
  encrypted: string;
  created_at: string;
  updated_at: string;
}

/** One row per pull request of the local provider; indexed on (repo_url, head, state) to find the open one. */
export interface PullRequestsTable {
  id: string;
  repo_url: string;
  base: string;
  head: string;
  title: string;
  body: string;
  /** A `PullRequestStatus`; checked when read. */
  state: string;
  /** Set once merged. */
  merge_commit: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * One row per workflow run; indexed for listing by time, by template and by phase, and for finding
 * a run by its engine's id. Label filters read the `labels` JSON.
 */
export interface WorkflowRunsTable {
  id: string;
  template: string;
  /** A `WorkflowEngineKind`; checked when read. */
  engine: string;
  external_id: string | null;
  /** A `NodePhase`; checked when read. */
  phase: string;
  /** JSON text of an object of strings. */
  parameters: string;
  /** JSON text of the engine's last `RunStatus`. */
  status: string;
  /** JSON text of the `WorkflowRunLabels`. */
  labels: string;
  retry_of: string | null;
  attempts: Generated<number>;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** One row per trigger cursor; primary key (application, repo_url, branch, folder). */
export interface TriggerCursorsTable {
  application: string;
  repo_url: string;
  branch: string;
  folder: string;
  commit_sha: string;
  updated_at: string;
}

/** One row per release; the release itself is the JSON `body`, the other columns are for queries, leases and compare-and-set. */
export interface ReleasesTable {
  id: string;
  product: string;
  number: number;
  flow: string;
  /** A `ReleaseStatus`, copied from the body. */
  status: string;
  /** Unique when set: the automatic trigger (flow, product, commit) that created it. */
  trigger_key: string | null;
  body: string;
  /** +1 on every write; writers compare and set it. */
  revision: number;
  /** The orchestrator process holding the release, and until when (ISO-8601). */
  lease_owner: string | null;
  lease_expires_at: string | null;
  /** +1 each time another owner takes the lease: a fence against a late writer. */
  lease_epoch: number;
  created_at: string;
  updated_at: string;
}

/** The last release number given per product. */
export interface ReleaseCountersTable {
  product: string;
  last_number: number;
}

/**
 * The event log, one row per event. `id` is assigned by the database (SQLite `autoincrement`,
 * PostgreSQL identity) and never reused; indexed on `at` for pruning by age.
 */
export interface EventsTable {
  id: Generated<number>;
  type: string;
  /** ISO-8601 time of the event. */
  at: string;
  product: string | null;
  release: string | null;
  /** JSON text of the payload object. */
  data: string;
}

/** One row per node log of a workflow run attempt; primary key (run_id, node_id, attempt). */
export interface WorkflowLogsTable {
  run_id: string;
  node_id: string;
  attempt: number;
  text: string;
  /** 1 when the engine kept only part of the log, else 0. */
  truncated: Generated<number>;
}

export interface Database {
  resources: ResourcesTable;
  tokens: TokensTable;
  credentials: CredentialsTable;
  pull_requests: PullRequestsTable;
  workflow_runs: WorkflowRunsTable;
  workflow_logs: WorkflowLogsTable;
  releases: ReleasesTable;
  release_counters: ReleaseCountersTable;
  trigger_cursors: TriggerCursorsTable;
  events: EventsTable;
}
