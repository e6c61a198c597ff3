import { assertNever } from '../assert.ts';
import {
  isFinalTask,
  isInFlight,
  taskKeys,
  type HookName,
  type Release,
  type ReleaseSnapshot,
  type ReleaseStatus,
  type ReleaseTrigger,
  type StepState,
  type StepStatus,
  type Task,
  type TaskResult,
  type TaskStatus,
} from './model.ts';

/** What `createRelease` needs besides the snapshot; ids and times come from the caller. */
export interface NewRelease {
  id: string;
  number: number;
  product: string;
  trigger: ReleaseTrigger;
  initiator: string;
  version: string;
  snapshot: ReleaseSnapshot;
  /** ISO 8601. */
  now: string;
}

/**
 * A new, Queued release with every task it may need, in the order people read them: release
 * `onStart`, then per step its `onStart`, each application's chain (pre-action, action, sync
 * wait, post-action; or the trigger workflow), its `onSuccess` and `onFail`, and last the
 * release's `onSuccess` and `onFail`. An action `none` has no sync wait: nothing changes in Git.
 */
export function createRelease(input: NewRelease): Release {
  const { snapshot } = input;
  const tasks: Task[] = [];
  const add = (task: Omit<Task, 'status' | 'attempt'>) => tasks.push({ ...task, status: 'Pending', attempt: 0 });
  const releaseHook = (hook: HookName) => {
    const workflow = snapshot.flow.hooks[hook];
    if (workflow) add({ key: taskKeys.releaseHook(hook), kind: 'hook', hook, workflow });
  };
  releaseHook('onStart');
  for (const step of snapshot.steps) {
    const environment = step.environment;
    const stepHook = (hook: HookName) => {
      const workflow = step.hooks[hook];
      if (workflow) add({ key: taskKeys.stepHook(environment, hook), kind: 'hook', environment, hook, workflow });
    };
    stepHook('onStart');
    for (const app of step.applications) {
      const application = app.name;
      if (step.trigger) {
        if (step.triggerWorkflow) add({ key: taskKeys.application(environment, application, 'trigger'), kind: 'trigger', environment, application, workflow: step.triggerWorkflow });
        continue;
      }
      const policy = step.policy!;
      if (policy.preAction) add({ key: taskKeys.application(environment, application, 'pre'), kind: 'pre', environment, application, workflow: policy.preAction.value });
      add({ key: taskKeys.application(environment, application, 'action'), kind: 'action', environment, application, action: policy.action.value });
      if (policy.action.value !== 'none') add({ key: taskKeys.application(environment, application, 'sync'), kind: 'sync', environment, application });
      if (policy.postAction) add({ key: taskKeys.application(environment, application, 'post'), kind: 'post', environment, application, workflow: policy.postAction.value });
    }
    stepHook('onSuccess');
    stepHook('onFail');
  }
  releaseHook('onSuccess');
  releaseHook('onFail');
  const release: Release = {
    id: input.id,
    number: input.number,
    product: input.product,
    trigger: input.trigger,
    initiator: input.initiator,
    version: input.version,
    status: 'Queued',
    snapshot,
    steps: snapshot.steps.map((s) => ({ environment: s.environment, status: 'Pending' })),
    tasks,
    context: {},
    retries: 0,
    createdAt: input.now,
    queuedAt: input.now,
    updatedAt: input.now,
  };
  return release;
}

/**
 * What the orchestrator does with a task now: `start` a Pending one (record the start, then
 * perform it), `check` a running or suspended one again (perform it idempotently: see whether the
 * workflow ended, the pull request was merged, the application synced), or `cancel` one a
 * terminate asked to stop.
 */
export interface WorkItem {
  op: 'start' | 'check' | 'cancel';
  task: Task;
}

/** What `decide` says about a release at a moment. */
export interface Decision {
  /** The flow's timeout has passed: terminate with reason `timeout` before anything else. */
  timedOut: boolean;
  work: WorkItem[];
}

/** The tasks of one step, by part. */
interface StepTasks {
  onStart?: Task;
  onSuccess?: Task;
  onFail?: Task;
  /** Per application, its chain in order. */
  chains: Task[][];
}

function stepTasks(release: Release, environment: string): StepTasks {
  const result: StepTasks = { chains: [] };
  const chains = new Map<string, Task[]>();
  for (const task of release.tasks) {
    if (task.environment !== environment) continue;
    if (task.kind === 'hook') {
      result[task.hook!] = task;
      continue;
    }
    const chain = chains.get(task.application!) ?? [];
    chain.push(task);
    chains.set(task.application!, chain);
  }
  const step = release.snapshot.steps.find((s) => s.environment === environment);
  for (const app of step?.applications ?? []) result.chains.push(chains.get(app.name) ?? []);
  return result;
}

function releaseHooks(release: Release): Partial<Record<HookName, Task>> {
  const hooks: Partial<Record<HookName, Task>> = {};
  for (const task of release.tasks) if (task.kind === 'hook' && task.environment === undefined) hooks[task.hook!] = task;
  return hooks;
}

const succeeded = (task: Task | undefined) => task === undefined || task.status === 'Succeeded';
const failedOrStopped = (task: Task | undefined) => task !== undefined && (task.status === 'Failed' || task.status === 'Terminated');
const started = (task: Task | undefined) => task !== undefined && task.status !== 'Pending';

/** Where one step is: the tasks to work on now, and whether it has ended and how. */
interface StepProgress {
  /** Tasks to start or check now. */
  ready: Task[];
  /** Every task of the step that counts succeeded. */
  succeeded: boolean;
  /** Something failed or was stopped. */
  failed: boolean;
  /** Failed and done: nothing of the step is still running and its `onFail` hook has run. */
  ended: boolean;
  /** Any task of the step has started. */
  started: boolean;
}

/**
 * The progress of a step that may run (its dependencies succeeded). Chains run in parallel, one
 * task at a time each; once anything failed, running tasks are followed to their end, nothing new
 * starts, and then the step's `onFail` hook runs.
 */
function stepProgress(release: Release, environment: string, stopping: boolean): StepProgress {
  const t = stepTasks(release, environment);
  const all = [t.onStart, ...t.chains.flat(), t.onSuccess, t.onFail].filter((x): x is Task => x !== undefined);
  const inFlight = all.filter((x) => isInFlight(x.status) && x !== t.onFail);
  const failed = failedOrStopped(t.onStart) || failedOrStopped(t.onSuccess) || t.chains.some((c) => c.some(failedOrStopped));
  const chainsDone = t.chains.every((c) => c.every((x) => x.status === 'Succeeded'));
  const succeededAll = succeeded(t.onStart) && chainsDone && succeeded(t.onSuccess);
  const anyStarted = all.some(started);
  if (succeededAll) return { ready: [], succeeded: true, failed: false, ended: true, started: true };
  if (failed || (stopping && anyStarted)) {
    // Follow what runs to its end (a terminate cancels it); then the onFail hook, once.
    if (inFlight.length > 0) return { ready: inFlight, succeeded: false, failed: true, ended: false, started: true };
    if (t.onFail && !isFinalTask(t.onFail.status)) return { ready: [t.onFail], succeeded: false, failed: true, ended: false, started: true };
    return { ready: [], succeeded: false, failed: true, ended: true, started: true };
  }
  if (stopping) return { ready: [], succeeded: false, failed: false, ended: true, started: false };
  if (t.onStart && t.onStart.status !== 'Succeeded') return { ready: [t.onStart], succeeded: false, failed, ended: false, started: anyStarted };
  if (!chainsDone) {
    const ready = t.chains.map((c) => c.find((x) => x.status !== 'Succeeded')).filter((x): x is Task => x !== undefined);
    return { ready, succeeded: false, failed, ended: false, started: anyStarted };
  }
  return { ready: [t.onSuccess!], succeeded: false, failed, ended: false, started: true };
}

/** The environments whose steps may run: the trigger step, and each step whose dependencies all succeeded. */
function openSteps(release: Release, succeededSteps: ReadonlySet<string>): string[] {
  return release.snapshot.steps.filter((s) => s.dependsOn.every((d) => succeededSteps.has(d))).map((s) => s.environment);
}

/** The whole release's progress: the tasks to work on now and how each step stands. */
interface Progress {
  ready: Task[];
  steps: Map<string, StepProgress>;
  /** Nothing more will run: the release has reached its end (given `ready` is empty). */
  done: boolean;
  outcome: 'Succeeded' | 'Failed' | 'Terminated' | undefined;
}

function progress(release: Release): Progress {
  const stopping = release.terminate !== undefined;
  const hooks = releaseHooks(release);
  const steps = new Map<string, StepProgress>();
  const finish = (failed: boolean): Progress => {
    const outcome = stopping ? 'Terminated' : failed ? 'Failed' : 'Succeeded';
    if (outcome !== 'Succeeded') {
      const onFail = hooks.onFail;
      // A release terminated before anything ran (still queued) has nothing to report.
      const anything = release.tasks.some((t) => t !== onFail && started(t));
      if (onFail && anything && !isFinalTask(onFail.status)) return { ready: [onFail], steps, done: false, outcome };
      return { ready: [], steps, done: true, outcome };
    }
    if (hooks.onSuccess && hooks.onSuccess.status !== 'Succeeded') {
      if (failedOrStopped(hooks.onSuccess)) return finish(true);
      return { ready: [hooks.onSuccess], steps, done: false, outcome: undefined };
    }
    return { ready: [], steps, done: true, outcome };
  };

  if (hooks.onStart && hooks.onStart.status !== 'Succeeded') {
    if (isInFlight(hooks.onStart.status)) return { ready: [hooks.onStart], steps, done: false, outcome: undefined };
    if (failedOrStopped(hooks.onStart) || stopping) return finish(true);
    return { ready: [hooks.onStart], steps, done: false, outcome: undefined };
  }

  // Steps open as their dependencies succeed; a loop settles chains of newly succeeded steps.
  const succeededSteps = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const environment of openSteps(release, succeededSteps)) {
      if (steps.has(environment)) continue;
      const p = stepProgress(release, environment, stopping);
      steps.set(environment, p);
      if (p.succeeded) {
        succeededSteps.add(environment);
        changed = true;
      }
    }
  }
  const ready = [...steps.values()].flatMap((p) => p.ready);
  if (ready.length > 0) return { ready, steps, done: false, outcome: undefined };
  const allSucceeded = release.snapshot.steps.every((s) => succeededSteps.has(s.environment));
  if (allSucceeded && !stopping) return finish(false);
  return finish(true);
}

/**
 * What to do for a release now (`now`, ISO 8601): nothing while Queued or final; `timedOut` when
 * the flow's timeout has passed since it started; else every task that may start or must be
 * checked, and every in-flight task a terminate asked to stop.
 *
 * Rules: the release `onStart` hook runs first. A step may run when every step it depends on
 * succeeded (the trigger step depends on none); independent steps run in parallel. In a step,
 * its `onStart` hook runs first, then each application's chain (pre-action → action → sync wait
 * → post-action, or the trigger workflow), the chains of several applications side by side, one
 * task at a time each; then its `onSuccess` hook. When a task fails, what still runs in the step
 * is followed to its end, nothing new starts there, and the step's `onFail` hook runs; steps
 * that depend on it stay Pending, other branches go on. When nothing more can run, the release's
 * `onSuccess` hook runs if every step succeeded (its failure fails the release), else its
 * `onFail` hook. A terminate cancels in-flight tasks (not `onFail` hooks), then the `onFail`
 * hooks of the steps that had started and of the release run.
 */
export function decide(release: Release, now: string): Decision {
  if (release.status === 'Queued' || release.status === 'Succeeded' || release.status === 'Failed' || release.status === 'Terminated') {
    return { timedOut: false, work: [] };
  }
  if (release.terminate === undefined && release.startedAt !== undefined) {
    const elapsed = Date.parse(now) - Date.parse(release.startedAt);
    if (elapsed > release.snapshot.flow.timeoutMs) return { timedOut: true, work: [] };
  }
  const cancel = release.tasks.filter((t) => t.cancelling && isInFlight(t.status)).map((task): WorkItem => ({ op: 'cancel', task }));
  const cancelling = new Set(cancel.map((w) => w.task.key));
  const work = progress(release)
    .ready.filter((task) => !cancelling.has(task.key))
    .map((task): WorkItem => ({ op: task.status === 'Pending' ? 'start' : 'check', task }));
  return { timedOut: false, work: [...cancel, ...work] };
}

/** Something that happened to a release; `at` is ISO 8601. */
export type ReleaseEvent =
  /** The concurrency rule let it run (first start, or after a retry). */
  | { type: 'admitted'; at: string }
  /** The orchestrator is about to perform a Pending task: attempt + 1. `run` is the workflow run it will use. */
  | { type: 'task-started'; key: string; at: string; run?: string }
  /** A running task is still going, or now waits for people (Suspended). */
  | { type: 'task-progress'; key: string; at: string; status: 'Running' | 'Suspended'; message?: string; result?: TaskResult }
  /** A task ended. `context` is a `PROMOTION_CONTEXT` a hook exported, merged into the release's. */
  | { type: 'task-finished'; key: string; at: string; status: 'Succeeded' | 'Failed' | 'Terminated'; message?: string; result?: TaskResult; context?: Record<string, unknown> }
  /** Stop it: in-flight tasks are cancelled, downstream steps stay Pending, `onFail` hooks run. */
  | { type: 'terminate'; at: string; reason: string; by?: string }
  /** Start a Failed or Terminated release again where it stopped: same id, Queued until admitted. */
  | { type: 'retry'; at: string; by?: string };

/** Why an event does not apply; the release is unchanged. */
export interface ReleaseEventRefusal {
  code: 'conflict' | 'not_found';
  message: string;
}

export type ReleaseEventResult = { ok: true; release: Release } | { ok: false; refusal: ReleaseEventRefusal };

const label = (release: Release) => `release ${release.product} #${release.number}`;

/**
 * Applies one event and rolls the statuses up. Pure: returns a new release and leaves the given
 * one alone. Events that do not fit the release's state are refused (terminate of a final
 * release, retry of one that did not fail, a task event for an unknown task). Late task events
 * are absorbed: an outcome for a task that already ended, or that a retry reset, changes nothing.
 */
export function applyReleaseEvent(release: Release, event: ReleaseEvent): ReleaseEventResult {
  const next: Release = structuredClone(release);
  const refuse = (code: ReleaseEventRefusal['code'], message: string): ReleaseEventResult => ({ ok: false, refusal: { code, message } });
  switch (event.type) {
    case 'admitted': {
      if (next.status !== 'Queued') return refuse('conflict', `${label(release)} is ${release.status}, not Queued`);
      next.status = 'Running';
      next.startedAt ??= event.at;
      delete next.finishedAt;
      break;
    }
    case 'task-started':
    case 'task-progress':
    case 'task-finished': {
      const task = next.tasks.find((t) => t.key === event.key);
      if (!task) return refuse('not_found', `${label(release)} has no task "${event.key}"`);
      if (!applyTaskEvent(task, event)) return { ok: true, release };
      if (event.type === 'task-finished' && event.context) next.context = { ...next.context, ...event.context };
      break;
    }
    case 'terminate': {
      if (next.status === 'Succeeded' || next.status === 'Failed' || next.status === 'Terminated') {
        return refuse('conflict', `${label(release)} has already ended (${release.status})`);
      }
      if (next.terminate) return { ok: true, release };
      next.terminate = { reason: event.reason, at: event.at, ...(event.by ? { by: event.by } : {}) };
      for (const task of next.tasks) {
        if (isInFlight(task.status) && !(task.kind === 'hook' && task.hook === 'onFail')) task.cancelling = true;
      }
      break;
    }
    case 'retry': {
      if (next.status !== 'Failed' && next.status !== 'Terminated') {
        return refuse('conflict', `${label(release)} is ${release.status}: only a Failed or Terminated release can be retried`);
      }
      for (const task of next.tasks) {
        const again = task.status === 'Failed' || task.status === 'Terminated' || (task.kind === 'hook' && task.hook === 'onFail' && task.status !== 'Pending');
        if (!again) continue;
        task.status = 'Pending';
        delete task.cancelling;
        delete task.finishedAt;
        delete task.message;
      }
      delete next.terminate;
      delete next.message;
      next.retries += 1;
      next.status = 'Queued';
      next.queuedAt = event.at;
      break;
    }
    default:
      return assertNever(event, 'release event');
  }
  next.updatedAt = event.at;
  return { ok: true, release: rollUp(next, event.at) };
}

/** Applies a task event to the task; false when it changes nothing (late or stale). */
function applyTaskEvent(task: Task, event: Extract<ReleaseEvent, { key: string }>): boolean {
  switch (event.type) {
    case 'task-started':
      if (task.status !== 'Pending') return false;
      task.status = 'Running';
      task.attempt += 1;
      task.startedAt = event.at;
      delete task.finishedAt;
      delete task.message;
      delete task.result;
      if (event.run) task.run = event.run;
      else delete task.run;
      return true;
    case 'task-progress':
      if (!isInFlight(task.status)) return false;
      task.status = event.status;
      if (event.message !== undefined) task.message = event.message;
      if (event.result) task.result = { ...task.result, ...event.result };
      return true;
    case 'task-finished':
      if (!isInFlight(task.status)) return false;
      task.status = event.status;
      task.finishedAt = event.at;
      delete task.cancelling;
      if (event.message !== undefined) task.message = event.message;
      else delete task.message;
      if (event.result) task.result = { ...task.result, ...event.result };
      return true;
    default:
      return assertNever(event, 'task event');
  }
}

/**
 * Aggregates statuses of several instances (one per application) into one, by precedence:
 * Failed > Terminated > Running > Suspended > Pending > Succeeded. No instances: Succeeded.
 */
export function aggregateStatus(statuses: readonly TaskStatus[]): TaskStatus {
  const order: readonly TaskStatus[] = ['Failed', 'Terminated', 'Running', 'Suspended', 'Pending', 'Succeeded'];
  for (const status of order) if (statuses.includes(status)) return status;
  return 'Succeeded';
}

/**
 * Recomputes every step's status and the release's from the tasks. A step is Succeeded when all
 * its tasks succeeded; Failed when one failed (or Terminated when the failure is a terminate's
 * cancel), even while others finish; Running or Suspended while work is in flight; Pending until
 * something of it starts. The release is Queued until admitted; then Running (Suspended when
 * every in-flight task waits for people); when nothing more runs, Succeeded, Failed, or, after a
 * terminate, Terminating until its last work ends and then Terminated.
 */
export function rollUp(release: Release, now: string): Release {
  const p = progress(release);
  release.steps = release.snapshot.steps.map((plan): StepState => {
    const previous = release.steps.find((s) => s.environment === plan.environment) ?? { environment: plan.environment, status: 'Pending' as StepStatus };
    const tasks = release.tasks.filter((t) => t.environment === plan.environment);
    const status = stepStatus(tasks, p.steps.get(plan.environment), release.terminate !== undefined);
    const step: StepState = { environment: plan.environment, status };
    const firstStart = tasks.map((t) => t.startedAt).filter((x): x is string => x !== undefined).sort()[0];
    const startedAt = previous.startedAt ?? firstStart ?? (status === 'Succeeded' ? now : undefined);
    if (startedAt && status !== 'Pending') step.startedAt = startedAt;
    if (status === 'Succeeded' || status === 'Failed' || status === 'Terminated') {
      step.finishedAt = previous.finishedAt && previous.status === status ? previous.finishedAt : now;
    }
    const failure = tasks.find((t) => t.status === 'Failed' || t.status === 'Terminated');
    if (failure?.message) step.message = failure.message;
    return step;
  });
  const before: ReleaseStatus = release.status;
  if (before === 'Queued') {
    if (release.terminate) {
      release.status = 'Terminated';
      release.message = release.terminate.reason;
      release.finishedAt = now;
    }
    return release;
  }
  if (p.done) {
    release.status = p.outcome ?? 'Succeeded';
    if (release.status === 'Terminated') release.message = release.terminate?.reason ?? 'terminated';
    else if (release.status === 'Failed') release.message = failureMessage(release);
    else delete release.message;
    if (before !== release.status) release.finishedAt = now;
    return release;
  }
  delete release.finishedAt;
  if (release.terminate) {
    release.status = 'Terminating';
    release.message = release.terminate.reason;
    return release;
  }
  const inFlight = release.tasks.filter((t) => isInFlight(t.status));
  release.status = inFlight.length > 0 && inFlight.every((t) => t.status === 'Suspended') ? 'Suspended' : 'Running';
  return release;
}

function stepStatus(tasks: readonly Task[], progress: StepProgress | undefined, stopping: boolean): StepStatus {
  if (!progress || !progress.started) return 'Pending';
  if (progress.succeeded) return 'Succeeded';
  const statuses = tasks.filter((t) => !(t.kind === 'hook' && t.hook === 'onFail')).map((t) => t.status);
  if (statuses.includes('Failed')) return 'Failed';
  if (statuses.includes('Terminated') || stopping) return 'Terminated';
  const onFail = tasks.find((t) => t.kind === 'hook' && t.hook === 'onFail');
  if (onFail?.status === 'Failed') return 'Failed';
  if (!statuses.includes('Running') && statuses.includes('Suspended')) return 'Suspended';
  return 'Running';
}

/** The message of a failed release: the first failed task's environment, application and reason. */
function failureMessage(release: Release): string {
  const failed = release.tasks.find((t) => t.status === 'Failed');
  if (!failed) return 'the release failed';
  const where = failed.environment ? `${failed.environment}${failed.application ? ` (${failed.application})` : ''}` : 'release';
  const what = failed.kind === 'hook' ? `${failed.hook} hook` : failed.kind === 'sync' ? 'sync wait' : failed.kind === 'pre' ? 'pre-action' : failed.kind === 'post' ? 'post-action' : failed.kind;
  return `${where}: ${what} failed${failed.message ? `: ${failed.message}` : ''}`;
}

/** The failed environments of a release, as an `onFail` hook's `FAILED_ENVIRONMENTS` lists them. */
export function failedEnvironments(release: Release, only?: string): { name: string; status: string; errorMessage: string }[] {
  return release.steps
    .filter((s) => (only === undefined || s.environment === only) && (s.status === 'Failed' || s.status === 'Terminated'))
    .map((s) => ({ name: s.environment, status: s.status, errorMessage: s.message ?? '' }));
}

/** Counts of steps by how they stand, for the release header. */
export function releaseCounters(release: Release): { succeeded: number; running: number; failed: number; pending: number } {
  const counters = { succeeded: 0, running: 0, failed: 0, pending: 0 };
  for (const step of release.steps) {
    if (step.status === 'Succeeded') counters.succeeded += 1;
    else if (step.status === 'Running' || step.status === 'Suspended') counters.running += 1;
    else if (step.status === 'Failed' || step.status === 'Terminated') counters.failed += 1;
    else counters.pending += 1;
  }
  return counters;
}
