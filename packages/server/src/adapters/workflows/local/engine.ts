import { availableParallelism } from 'node:os';
import {
  applyOutcome,
  assertNever,
  checkLocalSupport,
  formatProblem,
  isTerminalNodePhase,
  nextActions,
  nextWakeAt,
  retryRun,
  runStatus,
  startRun,
  terminate as terminateRun,
  tick,
  validateWorkflowTemplate,
} from '@stagecoach/core';
import type { NodeOutcome, RunAction, WorkflowRunState } from '@stagecoach/core';
import { systemClock } from '../../../clock.ts';
import type { Clock } from '../../../clock.ts';
import { RunNotResumableError, type RunStatus, type SubmitRun, type WorkflowEngine } from '../../../workflows/port.ts';
import { createLimiter, DEFAULT_KILL_GRACE_MS, DEFAULT_LOG_LIMIT_BYTES, runStep } from './process/index.ts';
import type { Limiter, StepHandle, StepResult, StepSpec } from './process/index.ts';

export interface LocalEngineOptions {
  /** Existing folder under which each step attempt gets its own folder, removed when it ends. */
  root: string;
  /** Most step processes running at once, over all runs; the others wait (shown Running). Default: the number of CPUs, at least 4. */
  maxParallel?: number;
  /** Default: the system clock. Timers still wait in real time. */
  clock?: Clock;
  /**
   * Called after every change of a run's status (submitted, a step started or ended, a retry,
   * a deadline, terminated). A listener that throws or rejects does not disturb the run.
   */
  onChange?: (externalId: string, status: RunStatus) => void | Promise<void>;
  /** Most bytes of log kept per step attempt (the first ones). Default 1 MiB. */
  logLimitBytes?: number;
  /** Milliseconds between SIGTERM and SIGKILL when a step is stopped. Default 5000. */
  killGraceMs?: number;
}

/** The local workflow engine: runs each leaf step as a host process (see `process/`), in memory only. */
export interface LocalEngine extends WorkflowEngine {
  readonly kind: 'local';
  /** Resolves with the run's status once it is finished and none of its processes is left. */
  settled(externalId: string): Promise<RunStatus>;
  /** Terminates every unfinished run and resolves when all their processes have ended. Later submits throw. */
  close(): Promise<void>;
}

interface Attempt {
  attempt: number;
  handle: StepHandle;
}

interface Run {
  id: string;
  /** Absent when the template was refused; then `refused` is the whole status. */
  state?: WorkflowRunState;
  refused?: RunStatus;
  /** Set when the engine itself failed while driving the run (a bug); reported as phase Error. */
  fault?: string;
  /** Step processes not yet ended, by node id. */
  steps: Map<string, Attempt>;
  /** `nodeId#attempt` of every attempt started: the executor repeats an action until it hears Running. */
  started: Set<string>;
  logs: Map<string, { attempt: number; log: string }[]>;
  timer?: NodeJS.Timeout;
  settled: Promise<void>;
  settle: () => void;
}

/** Node's timers fire at once beyond 2^31-1 ms; a longer wait is re-armed when the timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Creates the local engine. `externalId` is the run id given to `submit`. A run lives in this
 * process's memory only: after a restart the runs service marks unfinished runs with
 * `interruptedStatus`.
 *
 * Driving a run is event-driven: the engine acts when a run is submitted, when a step process
 * ends, and at the executor's `nextWakeAt` (retry backoff, suspend duration, workflow deadline).
 */
export function createLocalEngine(options: LocalEngineOptions): LocalEngine {
  const clock = options.clock ?? systemClock;
  const limiter: Limiter = createLimiter(options.maxParallel ?? Math.max(4, availableParallelism()));
  const logLimitBytes = options.logLimitBytes ?? DEFAULT_LOG_LIMIT_BYTES;
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const runs = new Map<string, Run>();
  let closed = false;

  const nowIso = () => clock.now().toISOString();

  const statusOf = (run: Run): RunStatus => {
    if (run.refused) return run.refused;
    const status = runStatus(run.state!);
    return run.fault ? { ...status, phase: 'Error', message: run.fault } : status;
  };

  const notify = (run: Run) => {
    if (!options.onChange) return;
    try {
      const result = options.onChange(run.id, statusOf(run));
      if (result && typeof result.then === 'function') result.then(undefined, () => {});
    } catch {
      // A failing listener must not stop the run; the next change calls it again.
    }
  };

  const update = (run: Run, next: WorkflowRunState) => {
    if (next === run.state) return;
    run.state = next;
    notify(run);
  };

  const get = (externalId: string): Run => {
    const run = runs.get(externalId);
    if (!run) throw new Error(`local engine: no run "${externalId}"`);
    return run;
  };

  /** Stops the processes of nodes the executor has already finished (terminate, workflow deadline). */
  const stopFinishedSteps = (run: Run) => {
    for (const [nodeId, { handle }] of run.steps) {
      const node = run.state!.nodes.find((n) => n.id === nodeId);
      if (!node || isTerminalNodePhase(node.phase)) handle.terminate(node?.message ?? 'terminated');
    }
  };

  const settleIfDone = (run: Run) => {
    if (run.state && !isTerminalNodePhase(run.state.phase)) return;
    clearTimeout(run.timer);
    if (run.steps.size === 0) run.settle();
  };

  const fail = (run: Run, error: unknown) => {
    run.fault = `the local engine failed: ${error instanceof Error ? error.message : String(error)}`;
    if (run.state) run.state = terminateRun(run.state, nowIso());
    notify(run);
    stopFinishedSteps(run);
    settleIfDone(run);
  };

  const schedule = (run: Run) => {
    clearTimeout(run.timer);
    run.timer = undefined;
    const wake = nextWakeAt(run.state!);
    if (wake === undefined) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, Date.parse(wake) - clock.now().getTime()));
    run.timer = setTimeout(() => drive(run), delay);
  };

  const start = (run: Run, action: RunAction) => {
    run.started.add(`${action.nodeId}#${action.attempt}`);
    const handle = runStep(stepSpec(action), { root: options.root, limiter, logLimitBytes, killGraceMs, clock, id: `${run.id}/${action.nodeId}/${action.attempt}` });
    run.steps.set(action.nodeId, { attempt: action.attempt, handle });
    update(run, applyOutcome(run.state!, { nodeId: action.nodeId, phase: 'Running', now: nowIso() }));
    void handle.done.then((result) => ended(run, action, handle, result));
  };

  const ended = (run: Run, action: RunAction, handle: StepHandle, result: StepResult) => {
    try {
      if (run.steps.get(action.nodeId)?.handle === handle) run.steps.delete(action.nodeId);
      const attempts = run.logs.get(action.nodeId) ?? [];
      attempts.push({ attempt: action.attempt, log: result.log });
      run.logs.set(action.nodeId, attempts);
      if (!run.fault) update(run, applyOutcome(run.state!, outcomeOf(action.nodeId, result, nowIso())));
      drive(run);
    } catch (error) {
      fail(run, error);
    }
  };

  /** One pass: time-driven changes, then every leaf the executor wants started, then the next wake-up. */
  function drive(run: Run): void {
    try {
      if (!run.state || run.fault) return settleIfDone(run);
      update(run, tick(run.state, nowIso()));
      stopFinishedSteps(run);
      if (!isTerminalNodePhase(run.state.phase)) {
        const now = clock.now().getTime();
        for (const action of nextActions(run.state)) {
          // A suspend action needs nothing from the shell: its `until` comes back through nextWakeAt.
          if (action.kind !== 'run') continue;
          if (run.started.has(`${action.nodeId}#${action.attempt}`)) continue;
          if (action.notBefore !== undefined && Date.parse(action.notBefore) > now) continue;
          start(run, action);
        }
        schedule(run);
      }
      settleIfDone(run);
    } catch (error) {
      fail(run, error);
    }
  }

  return {
    kind: 'local',

    async submit({ runId, template, parameters }: SubmitRun) {
      if (closed) throw new Error(`local engine: closed; cannot submit run "${runId}"`);
      if (runs.has(runId)) throw new Error(`local engine: run "${runId}" was already submitted`);
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      const run: Run = { id: runId, steps: new Map(), started: new Set(), logs: new Map(), settled, settle };
      runs.set(runId, run);
      const now = nowIso();
      const problems = [...validateWorkflowTemplate(template), ...checkLocalSupport(template.spec)].filter((p) => p.severity === 'error');
      if (problems.length > 0) {
        const lines = [...new Set(problems.map(formatProblem))];
        const message = `the local engine cannot run WorkflowTemplate "${template.metadata.name}": ${lines.join('; ')}`;
        run.refused = { phase: 'Error', startedAt: now, finishedAt: now, message, nodes: [], globalOutputs: {} };
        notify(run);
        settle();
        return { externalId: runId };
      }
      run.state = startRun({ template, parameters, runName: runId, now });
      notify(run);
      drive(run);
      return { externalId: runId };
    },

    async status(externalId) {
      return statusOf(get(externalId));
    },

    async terminate(externalId) {
      const run = get(externalId);
      if (!run.state) return;
      update(run, terminateRun(run.state, nowIso()));
      stopFinishedSteps(run);
      settleIfDone(run);
    },

    async retry(externalId) {
      const run = runs.get(externalId);
      if (!run?.state) {
        const why = run ? 'its template was refused, so it never started' : 'it is not in this process (a restart forgets runs)';
        throw new RunNotResumableError(`local engine: cannot resume run "${externalId}": ${why}`);
      }
      if (closed) throw new Error(`local engine: closed; cannot retry run "${externalId}"`);
      // The processes of the last attempt must be gone: a late report would land on the new attempt.
      if (isTerminalNodePhase(run.state.phase)) await run.settled;
      const retried = retryRun(run.state, nowIso());
      if (!retried.ok) throw new Error(`local engine: ${retried.message}`);
      let settle!: () => void;
      run.settled = new Promise<void>((resolve) => (settle = resolve));
      run.settle = settle;
      delete run.fault;
      // Reset nodes start over at attempt 1; every earlier attempt has ended (settled above).
      run.started.clear();
      update(run, retried.state);
      drive(run);
    },

    async logs(externalId, nodeId) {
      const run = get(externalId);
      if (!run.state?.nodes.some((n) => n.id === nodeId)) throw new Error(`local engine: run "${externalId}" has no node "${nodeId}"`);
      const attempts = run.logs.get(nodeId) ?? [];
      if (attempts.length <= 1) return attempts[0]?.log ?? '';
      // Numbered in order: a retried run starts its nodes' attempts at 1 again.
      return attempts.map((a, i) => `--- attempt ${i + 1} ---\n${a.log}${a.log === '' || a.log.endsWith('\n') ? '' : '\n'}`).join('');
    },

    async settled(externalId) {
      const run = get(externalId);
      await run.settled;
      return statusOf(run);
    },

    async close() {
      closed = true;
      for (const run of runs.values()) {
        if (run.state) update(run, terminateRun(run.state, nowIso()));
        stopFinishedSteps(run);
        settleIfDone(run);
      }
      await Promise.all([...runs.values()].map((r) => r.settled));
    },
  };
}

/** The executor's action as the process runner takes it; a script's interpreter is the command. */
function stepSpec(action: RunAction): StepSpec {
  return {
    command: action.command,
    args: action.args,
    env: action.env,
    image: action.image,
    outputs: action.outputs,
    ...(action.script ? { script: { source: action.script.source } } : {}),
    ...(action.workingDir !== undefined ? { workingDir: action.workingDir } : {}),
    ...(action.deadlineSeconds !== undefined ? { deadlineSeconds: action.deadlineSeconds } : {}),
  };
}

function outcomeOf(nodeId: string, result: StepResult, now: string): NodeOutcome {
  switch (result.phase) {
    case 'Succeeded':
      return { nodeId, phase: 'Succeeded', outputs: Object.fromEntries(result.outputs.map((o) => [o.name, o.value])), now };
    case 'Failed':
      return { nodeId, phase: 'Failed', message: result.message ?? 'failed', now };
    case 'Error':
      return { nodeId, phase: 'Error', message: result.message ?? 'error', now };
    case 'Terminated':
      // Only the engine stops steps, after the executor finished their node, so this report is
      // normally ignored; if not, the node must not stay Running.
      return { nodeId, phase: 'Error', message: `the step was stopped: ${result.message ?? 'terminated'}`, now };
    default:
      return assertNever(result.phase, 'step phase');
  }
}
