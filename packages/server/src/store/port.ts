/**
 * The store port: what the server needs from a database, whichever one is configured.
 * Adapters live in `adapters/store/` (SQLite embedded, PostgreSQL for several replicas).
 */

import type { PullRequestRecord, PullRequestState, Release, ReleaseStatus } from '@stagecoach/core';
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
export type PullRequestStatus = PullRequestState;

/** A pull request of the local provider as stored: a branch waiting to be merged into another. */
export type StoredPullRequest = PullRequestRecord;

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

/**
 * Which folder a trigger cursor follows: an application's repository (as its `repoURL` is
 * written), branch and folder. An application whose source moves gets a new key, so it starts
 * fresh. Compared exactly.
 */
export interface TriggerCursorKey {
  application: string;
  repoURL: string;
  branch: string;
  /** Repository path without leading or trailing `/`; `''` is the root. */
  folder: string;
}

/** The last commit automatic triggers saw touch an application's folder. */
export interface StoredTriggerCursor extends TriggerCursorKey {
  /** The newest commit that touched the folder when it was last looked at. */
  commit: string;
  /** ISO-8601 time of the last move, as given by the caller. */
  updatedAt: string;
}

/** Where automatic triggers remember, per trigger application, the last folder commit they saw. */
export interface TriggerCursorRepo {
  /** The cursor, or `undefined` when the folder was never looked at. */
  get(key: TriggerCursorKey): Promise<StoredTriggerCursor | undefined>;
  /**
   * Moves the cursor to `commit`, only if it is still at `expected` (`undefined`: only if there is
   * no cursor yet). Returns whether it moved; of several writers from the same old value exactly
   * one wins, the others get `false` and nothing is written for them.
   */
  compareAndSet(key: TriggerCursorKey, expected: string | undefined, commit: string, now: string): Promise<boolean>;
}

/** A release as stored: the release itself and the revision writers compare and set. */
export interface StoredRelease {
  release: Release;
  /** +1 on every write. */
  revision: number;
}

/** Which releases to list; absent fields do not filter. */
export interface ReleaseFilter {
  product?: string;
  /** Any of these statuses. */
  statuses?: readonly ReleaseStatus[];
  /** The flow's name, or `manual`. */
  flow?: string;
  /** Created at or after / before (ISO 8601). */
  since?: string;
  until?: string;
  /** At most this many, the newest; default 100. */
  limit?: number;
}

/** A release's lease: which orchestrator process works on it, until when, and the fence it writes with. */
export interface ReleaseLease {
  owner: string;
  /** +1 each time a different owner takes it. */
  epoch: number;
}

/**
 * Releases. Writers never overwrite each other: every update is a compare-and-set on the
 * revision, and the orchestrator's updates also carry its lease (owner and epoch), so a process
 * that lost its lease (paused, partitioned) cannot write after another took over.
 */
export interface ReleaseRepo {
  /**
   * The next release number of a product (1, 2, …). Call it in a transaction, with the insert:
   * on PostgreSQL it also locks the product's counter row, which serialises the product's
   * creations and admissions across replicas.
   */
  nextNumber(product: string): Promise<number>;
  /** Locks the product (see `nextNumber`) without taking a number; for admission, in a transaction. */
  lockProduct(product: string): Promise<void>;
  /**
   * Stores a new release at revision 1. With `triggerKey`, at most one release per key exists:
   * `duplicate` (and nothing written) when the key is taken.
   */
  create(release: Release, triggerKey?: string): Promise<'created' | 'duplicate'>;
  get(id: string): Promise<StoredRelease | undefined>;
  /** The release an automatic trigger created, by its key. */
  findByTriggerKey(key: string): Promise<StoredRelease | undefined>;
  /** Newest first (created_at desc, id desc). */
  list(filter?: ReleaseFilter): Promise<StoredRelease[]>;
  /** Releases in these statuses, oldest first, optionally of one product. */
  withStatus(statuses: readonly ReleaseStatus[], product?: string): Promise<StoredRelease[]>;
  /**
   * Writes a new state if the stored revision is still `expectedRevision` (and, with `lease`, the
   * lease is still that owner's at that epoch). Returns the new revision, or `undefined` when
   * someone else wrote first (read again and re-apply) or the lease was lost.
   */
  update(release: Release, expectedRevision: number, lease?: ReleaseLease): Promise<number | undefined>;
  /**
   * Takes or extends the lease of a release for `owner` until `expiresAt`, if it is free, expired
   * (its expiry before `now`) or already the owner's. Returns the lease, or `undefined` when another
   * owner holds it.
   */
  claim(id: string, owner: string, now: string, expiresAt: string): Promise<ReleaseLease | undefined>;
  /** Gives the lease up (only the owner's own). */
  unclaim(id: string, owner: string): Promise<void>;
}

/** The repositories as seen from inside a transaction. */
export interface StoreTransaction {
  resources: ResourceWriter;
  tokens: TokenRepo;
  credentials: CredentialRepo;
  pullRequests: PullRequestRepo;
  workflowRuns: WorkflowRunRepo;
  workflowLogs: WorkflowLogRepo;
  releases: ReleaseRepo;
  events: EventRepo;
  triggerCursors: TriggerCursorRepo;
}

/** The server's database: resources, tokens, Git credentials, local pull requests, workflow runs and trigger cursors, with transactions. */
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

/** An event as stored (what it means is the event bus's business, see `events/port.ts`). */
export interface StoredEvent {
  /**
   * Assigned by the store on append: a positive integer, never reused. Ids become visible in
   * increasing order: once a reader sees id N, no event with a smaller id appears later. There
   * may be gaps (an append rolled back).
   */
  id: number;
  /** What happened, e.g. `release`; compared exactly. */
  type: string;
  /** ISO-8601 time of the event, as given by the caller. */
  at: string;
  /** The product it concerns, when there is one. */
  product?: string;
  /** The release it concerns, when there is one. */
  release?: string;
  /** The payload, kept as JSON: what comes back is its JSON form. */
  data: Record<string, unknown>;
}

/** An event to append; the store assigns the id. */
export type NewEvent = Omit<StoredEvent, 'id'>;

/** Which events to read; absent fields do not filter, and every given field must match (exactly). */
export interface EventRepoFilter {
  /** Any of these types; absent or empty: every type. */
  types?: readonly string[];
  product?: string;
  release?: string;
}

/** What `EventRepo.prune` removes: events older than a time, and events beyond a count. */
export interface EventPruning {
  /** Removes events whose `at` is before this ISO-8601 time (compared as text, so give UTC `…Z` times). */
  before?: string;
  /** Keeps at most this many events, the newest (highest ids); removes the others. */
  keep?: number;
}

/**
 * The event log behind the event bus: append-only, read in id order, pruned by age and count.
 * On PostgreSQL an append also notifies the channel `stagecoach_events` with the new id as
 * payload; the notification goes out when the appending transaction commits.
 */
export interface EventRepo {
  /**
   * Stores an event and returns it with its id. Appends are serialised with each other (so ids
   * become visible in order, see `StoredEvent.id`); inside a transaction that serialisation lasts
   * until it ends, so keep such transactions short.
   */
  append(event: NewEvent): Promise<StoredEvent>;
  /** Events with an id greater than `after`, matching `filter`, in increasing id order; at most `limit` (default all). */
  listAfter(after: number, options?: { filter?: EventRepoFilter; limit?: number }): Promise<StoredEvent[]>;
  /** The highest stored id, or 0 when no event is stored. New events always get higher ids. */
  lastId(): Promise<number>;
  /** Removes old events (see `EventPruning`) and returns how many it removed. Ids are never reused afterwards. */
  prune(pruning: EventPruning): Promise<number>;
}

/**
 * One node's log, for one attempt of a workflow run, kept once the node finished so that it
 * outlives the engine's memory. The engine caps the text (1 MiB per node by default).
 */
export interface StoredWorkflowLog {
  runId: string;
  /** The node's id in the run's status. */
  nodeId: string;
  /** The run's attempt it belongs to (`StoredWorkflowRun.attempts` when it was written): 1, +1 per retry. */
  attempt: number;
  /** The log text; NUL characters come back as U+FFFD (PostgreSQL text cannot hold them). */
  text: string;
  /** True when the engine kept only part of what the node printed. */
  truncated: boolean;
}

/** Node logs of workflow runs; never deleted with the run's history. */
export interface WorkflowLogRepo {
  /** Stores the log of (runId, nodeId, attempt), replacing one already stored for the same three. */
  put(log: StoredWorkflowLog): Promise<void>;
  /** The log of the node's latest stored attempt, or `undefined` when none is stored. */
  get(runId: string, nodeId: string): Promise<StoredWorkflowLog | undefined>;
  /** Every stored log of the run (each node, each attempt), by node id (Unicode code point), then attempt. */
  list(runId: string): Promise<StoredWorkflowLog[]>;
}
