/**
 * The store port: what the server needs from a database, whichever one is configured.
 * Adapters live in `adapters/store/` (SQLite embedded, PostgreSQL for several replicas).
 */

import type { NodePhase, RunStatus } from '../workflows/port.ts';

/** Which database a store runs on. */
export type StoreDialect = 'sqlite' | 'postgres';

/** The role of a token; what each role may do is decided by the API's permission predicates, not here. */
export type TokenRole = 'admin' | 'member' | 'viewer';

/** A resource as stored: the user's document plus the fields the server manages. */
export interface StoredResource {
  /** The document's kind, e.g. `Environment`. With `name`, identifies the resource. */
  kind: string;
  /** The document's `metadata.name`. */
  name: string;
  /**
   * The full document as the user declared it (apiVersion, kind, metadata.name/labels/annotations,
   * spec), without server-managed fields: callers strip those before a put. The store keeps it as
   * JSON, so what comes back is the JSON form (no `undefined` values, no functions, dates as strings).
   */
  body: Record<string, unknown>;
  /** 1 when created, +1 on every change of the body. Unchanged puts leave it alone. */
  resourceVersion: number;
  /** ISO-8601 time of creation, as given by the caller (the store never reads the clock). */
  createdAt: string;
  /** ISO-8601 time of the last change of the body; equal to `createdAt` until the first change. */
  updatedAt: string;
}

/** One write of a resource, creating it or replacing its body. */
export interface PutResource {
  kind: string;
  name: string;
  /** The new document, without server-managed fields. */
  body: Record<string, unknown>;
  /**
   * The `resourceVersion` the caller last read. When given, the write happens only if the stored
   * resource exists and still has this version; otherwise `StoreConflictError`. When absent, the
   * write applies to whatever is stored (last writer wins).
   */
  expectedVersion?: number;
  /** ISO-8601 time of the write, recorded as `createdAt`/`updatedAt`. */
  now: string;
}

/**
 * What a put did: `created` (version 1), `configured` (body changed, version +1), or `unchanged`
 * (body deep-equal to the stored one, key order aside: nothing written, version and `updatedAt` kept).
 */
export type PutOutcome = 'created' | 'configured' | 'unchanged';

/** The result of a put: the resource as stored after it, and what the put did. */
export interface PutResult {
  resource: StoredResource;
  outcome: PutOutcome;
}

/** An API token as stored. The secret itself is never stored, only its hash. */
export interface StoredToken {
  /** Unique, chosen by the caller. */
  id: string;
  /** Unique, human-readable. */
  name: string;
  role: TokenRole;
  /** Hash of the secret; unique, used to find the token a request presents. */
  hash: string;
  /** Free labels; per-environment `promote` permissions are granted through them. */
  labels: Record<string, string>;
  /** ISO-8601 time of creation, as given by the caller. */
  createdAt: string;
  /** ISO-8601 time of the last `touch`; absent until the token is first used. */
  lastUsedAt?: string;
}

/** Reads resources. */
export interface ResourceReader {
  /** All resources, or those of one kind; ordered by kind then name, by Unicode code point. */
  list(kind?: string): Promise<StoredResource[]>;
  /** The resource, or `undefined` when there is none. */
  get(kind: string, name: string): Promise<StoredResource | undefined>;
}

/** Reads and writes resources. Every write is atomic on its own; two writers never both win. */
export interface ResourceWriter extends ResourceReader {
  /**
   * Creates the resource or replaces its body. Throws `StoreConflictError` when `expectedVersion`
   * is given and the resource does not exist or has another version; nothing is written then.
   */
  put(write: PutResource): Promise<PutResult>;
  /**
   * Deletes the resource. Returns `false` when there is none (with or without `expectedVersion`).
   * Throws `StoreConflictError` when `expectedVersion` is given and differs from the stored version;
   * nothing is deleted then.
   */
  delete(kind: string, name: string, expectedVersion?: number): Promise<boolean>;
}

/** API tokens. */
export interface TokenRepo {
  /** Stores a new token. Throws `StoreDuplicateError` when its id, name or hash is taken. */
  create(token: StoredToken): Promise<void>;
  /** The token with this hash, or `undefined`. */
  findByHash(hash: string): Promise<StoredToken | undefined>;
  /** All tokens, ordered by name (Unicode code point). */
  list(): Promise<StoredToken[]>;
  /** Deletes the token; `false` when there is none. */
  delete(id: string): Promise<boolean>;
  /** How many tokens there are (0 on a new install: the first start then makes an admin token). */
  count(): Promise<number>;
  /** Records that the token was used at `at` (ISO-8601). Does nothing when there is no such token. */
  touch(id: string, at: string): Promise<void>;
}

/** How a stored Git credential authenticates (see the Git port's `GitCredentials`). */
export type CredentialType = 'token' | 'basic' | 'ssh';

/**
 * Git credentials as stored. The store never sees a secret in clear: `encrypted` is made and read
 * by the service that owns the key (a `SecretBox`); everything else is plain metadata.
 */
export interface StoredCredential {
  /** Unique, chosen by the caller. */
  id: string;
  /** Unique, human-readable. */
  name: string;
  /**
   * The repository URLs it applies to: those starting with this text at a boundary (see
   * `CredentialRepo.findForUrl`), e.g. `https://git.example/org/` or `git@git.example:`.
   */
  urlPrefix: string;
  type: CredentialType;
  /** The secret part (token, password or private key and known hosts), as ciphertext. */
  encrypted: string;
  /** ISO-8601 time of creation, as given by the caller. */
  createdAt: string;
  /** ISO-8601 time of the last update, as given by the caller; equal to `createdAt` until then. */
  updatedAt: string;
}

/** What `CredentialRepo.create` did: stored it, or nothing because its id or name is taken. */
export type CreateCredentialOutcome = 'created' | 'duplicate-id' | 'duplicate-name';

/** A change to a stored credential; absent fields keep their value. */
export interface CredentialChange {
  urlPrefix?: string;
  type?: CredentialType;
  encrypted?: string;
  /** ISO-8601 time of the change. */
  updatedAt: string;
}

/** Git credentials (ciphertext and metadata). */
export interface CredentialRepo {
  /** Stores a new credential, unless its id or name is taken (then nothing is written). */
  create(credential: StoredCredential): Promise<CreateCredentialOutcome>;
  /** The credential with this id, or `undefined`. */
  get(id: string): Promise<StoredCredential | undefined>;
  /** The credential with this name, or `undefined`. */
  getByName(name: string): Promise<StoredCredential | undefined>;
  /** All credentials, ordered by name (Unicode code point). */
  list(): Promise<StoredCredential[]>;
  /** Changes a credential and returns it as stored, or `undefined` when there is none. */
  update(id: string, change: CredentialChange): Promise<StoredCredential | undefined>;
  /** Deletes the credential; `false` when there is none. */
  delete(id: string): Promise<boolean>;
  /**
   * The credential for a repository URL: among those whose `urlPrefix` the URL starts with, the
   * longest one (ties: the first by name). The match must end at a boundary, so that
   * `https://git.example` never matches `https://git.example.evil/…`: the prefix is the whole URL,
   * or ends with `/`, or is followed by `/` in the URL (or, for scp-like `user@host:path`
   * addresses, ends with or is followed by `:`). Comparison is exact (case-sensitive); callers
   * normalise URLs first.
   */
  findForUrl(url: string): Promise<StoredCredential | undefined>;
}

/** The state of a local pull request. Only `open` ever changes; `merged` and `closed` are final. */
export type PullRequestStatus = 'open' | 'merged' | 'closed';

/** A pull request of the local provider: a branch waiting to be merged into another. */
export interface StoredPullRequest {
  /** Unique, chosen by the caller. */
  id: string;
  /** The repository, as the caller normalised it; compared exactly. */
  repoURL: string;
  /** The branch to merge into, e.g. `main`. */
  base: string;
  /** The branch to merge. */
  head: string;
  title: string;
  body: string;
  state: PullRequestStatus;
  /** Set once merged. */
  mergeCommit?: string;
  /** ISO-8601 time of creation, as given by the caller. */
  createdAt: string;
  /** ISO-8601 time of the last change of state, as given by the caller; equal to `createdAt` until then. */
  updatedAt: string;
}

/** A change of state of an open pull request. */
export interface PullRequestChange {
  state: PullRequestStatus;
  /** The merge commit, when merged; absent: none is recorded. */
  mergeCommit?: string;
  /** ISO-8601 time of the change. */
  updatedAt: string;
}

/** The pull requests of the local provider. They are never deleted: merged and closed ones are history. */
export interface PullRequestRepo {
  /** Stores a new pull request. Its id must be new: a taken id fails with the database's own error. */
  create(pr: StoredPullRequest): Promise<void>;
  /** The pull request with this id, or `undefined`. */
  get(id: string): Promise<StoredPullRequest | undefined>;
  /**
   * The open pull request for this repository, base and head, if any (the oldest, should there be
   * several). Merged and closed ones are never returned. Comparison is exact.
   */
  findOpen(repoURL: string, base: string, head: string): Promise<StoredPullRequest | undefined>;
  /**
   * Newest first (createdAt desc, then id desc, by Unicode code point); optionally only one state.
   * All of them when `filter.state` is absent.
   */
  list(filter?: { state?: PullRequestStatus }): Promise<StoredPullRequest[]>;
  /**
   * Changes the state (and `mergeCommit`, which is replaced by the one given or removed) and
   * returns the pull request as stored. Compare-and-set: only an `open` one may change, so of two
   * concurrent merges exactly one wins. Throws `StorePullRequestStateError` (code `conflict`) when
   * it is merged or closed, and a plain `Error` when there is no such id; nothing is written then.
   */
  update(id: string, change: PullRequestChange): Promise<StoredPullRequest>;
}

/** The repositories as seen from inside a transaction. */
export interface StoreTransaction {
  resources: ResourceWriter;
  tokens: TokenRepo;
  credentials: CredentialRepo;
  pullRequests: PullRequestRepo;
  workflowRuns: WorkflowRunRepo;
}

/** The server's database: resources, tokens, Git credentials, local pull requests and workflow runs, with transactions. */
export interface Store extends StoreTransaction {
  readonly dialect: StoreDialect;
  /**
   * Runs `fn` in one database transaction and returns what it returns. If `fn` throws, everything
   * it wrote is rolled back and the error is rethrown as is.
   *
   * Inside `fn`, use only `tx`: on SQLite the transaction holds the one connection, so a call on
   * the store itself would wait for `fn` forever. `tx` is unusable once `fn` has settled.
   * Keep transactions short: on SQLite they block every other query.
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Closes the connections. Calling it again does nothing. */
  close(): Promise<void>;
}

/** Which workflow engine runs a workflow run (see the workflow engine port). */
export type WorkflowEngineKind = 'local' | 'argo';

/** What a workflow run is about, for filters; every key optional. */
export interface WorkflowRunLabels {
  product?: string;
  environment?: string;
  application?: string;
  release?: string;
}

/** A workflow run as stored: what was asked for, and the engine's last reported status. */
export interface StoredWorkflowRun {
  /** Unique, chosen by the caller (sortable by time, see `newId`). */
  id: string;
  /** The WorkflowTemplate's name. */
  template: string;
  engine: WorkflowEngineKind;
  /** The engine's id of the current attempt (an Argo workflow name); absent until submitted. */
  externalId?: string;
  /** The run's phase, copied from `status.phase` so that it can be filtered on. */
  phase: NodePhase;
  /** The parameters passed (only those the template declares). */
  parameters: Record<string, string>;
  /** The engine's last status of the current attempt. */
  status: RunStatus;
  labels: WorkflowRunLabels;
  /** The run this one resubmits, when it does. */
  retryOf?: string;
  /** 1 when created, +1 on every retry (each retry is a new submission to the engine). */
  attempts: number;
  /** ISO-8601 time of creation, as given by the caller. */
  createdAt: string;
  /** ISO-8601 time of the last status change, as given by the caller. */
  updatedAt: string;
  /** ISO-8601 time the run reached a terminal phase; absent while it runs. */
  finishedAt?: string;
}

/** Which workflow runs to list; absent fields do not filter. Label filters compare exactly. */
export interface WorkflowRunFilter {
  phase?: NodePhase;
  template?: string;
  product?: string;
  environment?: string;
  application?: string;
  release?: string;
  /** At most this many, the newest; default all. */
  limit?: number;
}

/** A new status of a workflow run. */
export interface WorkflowRunChange {
  phase: NodePhase;
  status: RunStatus;
  /** Replaces the stored one when given; absent: kept. */
  externalId?: string;
  /** Replaces the stored count when given; absent: kept. */
  attempts?: number;
  /** ISO-8601 time of the change. */
  updatedAt: string;
  /** Replaces the stored one when given; absent: removed (the run is not finished). */
  finishedAt?: string;
}

/** Workflow runs started by people, the API or releases; never deleted. */
export interface WorkflowRunRepo {
  /** Stores a new run. Its id must be new: a taken id fails with the database's own error. */
  create(run: StoredWorkflowRun): Promise<void>;
  /** The run with this id, or `undefined`. */
  get(id: string): Promise<StoredWorkflowRun | undefined>;
  /** The run whose current attempt has this engine id on this engine, or `undefined`. */
  findByExternalId(engine: WorkflowEngineKind, externalId: string): Promise<StoredWorkflowRun | undefined>;
  /** Newest first (createdAt desc, then id desc, by Unicode code point), filtered. */
  list(filter?: WorkflowRunFilter): Promise<StoredWorkflowRun[]>;
  /** Records a new status and returns the run as stored, or `undefined` when there is no such id. */
  updateStatus(id: string, change: WorkflowRunChange): Promise<StoredWorkflowRun | undefined>;
  /** Runs whose phase is not terminal (Pending or Running), oldest first. */
  unfinished(): Promise<StoredWorkflowRun[]>;
}
