import type { ResolvedField } from '../policy.ts';
import type { Action, EnvironmentKind, PromotionFiles, VersionSource } from '../resources/schemas.ts';

/**
 * Statuses of a release. `Queued` waits for its product's concurrency rule; `Terminating` is
 * cancelling running work and running `onFail` hooks. Final: Succeeded, Failed, Terminated
 * (the last two may be retried, which makes the release Queued again).
 */
export const RELEASE_STATUSES = ['Queued', 'Running', 'Suspended', 'Succeeded', 'Failed', 'Terminating', 'Terminated'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/** Statuses of one environment step of a release. */
export const STEP_STATUSES = ['Pending', 'Running', 'Suspended', 'Succeeded', 'Failed', 'Terminated', 'Skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/**
 * Statuses of one task (a workflow run, an action, a sync wait). A workflow run that ends in
 * `Error` makes its task `Failed`, with the engine's message.
 */
export const TASK_STATUSES = ['Pending', 'Running', 'Suspended', 'Succeeded', 'Failed', 'Terminated'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Whether a release has ended: Succeeded, Failed or Terminated. */
export function isFinalRelease(status: ReleaseStatus): boolean {
  return status === 'Succeeded' || status === 'Failed' || status === 'Terminated';
}

/** Whether a release still needs the orchestrator (not Queued, not final). */
export function isActiveRelease(status: ReleaseStatus): boolean {
  return status === 'Running' || status === 'Suspended' || status === 'Terminating';
}

/** Whether a task has ended; `Failed` and `Terminated` ones start again on retry. */
export function isFinalTask(status: TaskStatus): boolean {
  return status === 'Succeeded' || status === 'Failed' || status === 'Terminated';
}

/** A task that has started and not ended. */
export function isInFlight(status: TaskStatus): boolean {
  return status === 'Running' || status === 'Suspended';
}

/** How a release was started. */
export type ReleaseTrigger = 'manual' | 'flow' | 'git';

/** The three hook moments, at release level and per step. */
export type HookName = 'onStart' | 'onSuccess' | 'onFail';

/** Workflow names per hook moment; absent = no hook. */
export type HookWorkflows = Partial<Record<HookName, string>>;

/** An application as the release saw it at creation. */
export interface ReleaseApplication {
  name: string;
  repoURL: string;
  /** The branch promotions commit to. */
  branch: string;
  /** The folder of manifests, as a repository path (`''` = root). */
  folder: string;
  /** `spec.destination.namespace`, or `''`. */
  namespace: string;
  /** Argo CD application to read sync and health from, and the namespace it lives in when not Argo CD's own. */
  argocd?: { name: string; namespace?: string };
  /** What is promoted into this application (its resolved promotion template); absent = every file present in both folders. */
  promotion?: PromotionFiles;
  versionSource?: VersionSource;
}

/** One environment of the release's flow, with everything resolved at creation. */
export interface ReleaseStepPlan {
  environment: string;
  environmentKind: EnvironmentKind;
  /** The trigger environment's step is the first; its change is already there. */
  trigger: boolean;
  /** Environments this step waits for (empty for the trigger step). */
  dependsOn: string[];
  /** The resolved policy: workflows and action with where each came from. Absent on the trigger step. */
  policy?: {
    preAction?: ResolvedField<string>;
    action: ResolvedField<Action>;
    postAction?: ResolvedField<string>;
  };
  /** The trigger step's post-action workflow (`spec.triggerWorkflow`). */
  triggerWorkflow?: string;
  hooks: HookWorkflows;
  /** Target steps: the product's applications here. Trigger step: the source application. */
  applications: ReleaseApplication[];
}

/** The commit a release promotes: the source application's commit at creation. */
export interface ReleaseCommit {
  sha: string;
  message: string;
  author: string;
  /** ISO 8601. */
  date: string;
}

/** What a release fixed at creation, so later edits of flows, policies or templates never change it. */
export interface ReleaseSnapshot {
  flow: {
    /** The flow's name, or `manual` for a promotion of one environment. */
    name: string;
    /** The flow's `version` annotation, when it has one. */
    version?: string;
    /** The whole release's limit, e.g. `24h`, and the same in milliseconds. */
    timeout: string;
    timeoutMs: number;
    hooks: HookWorkflows;
  };
  /** The source application (in the trigger environment) and its pinned commit. */
  source: { application: ReleaseApplication; environment: string; commit: ReleaseCommit };
  /** The trigger environment's step first, then the target steps in flow order. */
  steps: ReleaseStepPlan[];
}

/** Which part of a release a task is. */
export type TaskKind = 'hook' | 'trigger' | 'pre' | 'action' | 'sync' | 'post';

/** A pull request an action opened. */
export interface TaskPullRequest {
  provider: string;
  id: string;
  url: string;
}

/** What a task produced, kept for later tasks (the post-action's commit parameters) and people. */
export interface TaskResult {
  /** The commit the action made or the merge commit of its pull request. */
  commit?: ReleaseCommit;
  /** The target already had the source's values. */
  noChange?: boolean;
  pullRequest?: TaskPullRequest;
  /** Outputs a workflow exported with `globalName`, by that name. */
  outputs?: Record<string, string>;
  /** Changed files and properties, for people. */
  files?: { path: string; properties: { path: string; old: unknown; new: unknown }[] }[];
  /** What the sync wait last saw (`Synced/Healthy at 1a2b3c4`). */
  observed?: string;
}

/**
 * One unit of work of a release: a hook, the trigger workflow, or one application's pre-action,
 * action, sync wait or post-action. All are created with the release; the ones that never need to
 * run (an `onFail` hook of a release that succeeded) stay Pending.
 */
export interface Task {
  /**
   * Unique within the release and stable: `release/onStart`, `qa/onFail`,
   * `qa/cf-101-qa/pre`, `dev/cf-101-dev/trigger`.
   */
  key: string;
  kind: TaskKind;
  /** The step's environment; absent for release hooks. */
  environment?: string;
  /** The application; absent for hooks. */
  application?: string;
  hook?: HookName;
  /** The WorkflowTemplate a workflow task runs (hook, trigger, pre, post). */
  workflow?: string;
  /** The action an action task performs. */
  action?: Action;
  status: TaskStatus;
  /** 0 until first started; +1 on every start (a retry starts it again). */
  attempt: number;
  /** Set when a terminate asked this in-flight task to stop. */
  cancelling?: boolean;
  /** The workflow run of the current attempt. */
  run?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Why it failed, what it waits for, or what it did. */
  message?: string;
  result?: TaskResult;
}

/** One environment step of a release, as rolled up from its tasks. */
export interface StepState {
  environment: string;
  status: StepStatus;
  startedAt?: string;
  finishedAt?: string;
  /** The first failure of the step, for people. */
  message?: string;
}

/**
 * A release: one execution of a promotion for a product. Created from a snapshot; its statuses
 * are a fold over its tasks (see `rollUp`); only the reducer (`applyReleaseEvent`) changes it.
 */
export interface Release {
  /** Sortable unique id; unchanged by retry. */
  id: string;
  /** Per-product number for people: `cf-101 #42`. */
  number: number;
  product: string;
  trigger: ReleaseTrigger;
  /** Who started it: a token name, or `git` for automatic triggers. */
  initiator: string;
  /** The product's version in the trigger environment at creation, or `unknown`. */
  version: string;
  status: ReleaseStatus;
  /** Why it failed or was terminated, for people. */
  message?: string;
  snapshot: ReleaseSnapshot;
  steps: StepState[];
  tasks: Task[];
  /** The merge of every `PROMOTION_CONTEXT` hooks exported; later keys win. */
  context: Record<string, unknown>;
  /** Set by a terminate; cleared by a retry. */
  terminate?: { reason: string; by?: string; at: string };
  /** How many times it was retried. */
  retries: number;
  createdAt: string;
  /** When it last joined its product's queue: creation, or its latest retry. Orders the queue. */
  queuedAt: string;
  /** First admission out of the queue. */
  startedAt?: string;
  /** When it last became final. */
  finishedAt?: string;
  updatedAt: string;
}

/** The source application's step key: `dev`. Task keys per kind. */
export const taskKeys = {
  releaseHook: (hook: HookName) => `release/${hook}`,
  stepHook: (environment: string, hook: HookName) => `${environment}/${hook}`,
  application: (environment: string, application: string, kind: 'trigger' | 'pre' | 'action' | 'sync' | 'post') => `${environment}/${application}/${kind}`,
};
