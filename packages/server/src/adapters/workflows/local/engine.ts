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
import { CappedLog, createLimiter, DEFAULT_KILL_GRACE_MS, DEFAULT_LOG_LIMIT_BYTES, runStep } from './process/index.ts';
import type { Limiter, StepHandle, StepResult, StepSpec } from './process/index.ts';

/** The message of a run, and of each node, that `close` stopped. */
export const SHUTDOWN_MESSAGE = 'stopped by a server shutdown';

/** A node's log as the local engine keeps it. */
export interface NodeLog {
  /** Every attempt's output, under a `--- attempt N ---` line when there are several; at most `logLimitBytes` bytes, then a truncation line. */
  text: string;
  /** True when bytes were dropped: an attempt printed more than the cap, or all attempts together did. */
  truncated: boolean;
}

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
  /**
   * Called each time a step attempt has ended (its process is gone), before the status change
   * that attempt causes, with the node's whole log so far (see {@link NodeLog}). A listener that
   * throws or rejects does not disturb the run.
   */
  onLog?: (externalId: string, nodeId: string, log: NodeLog) => void | Promise<void>;
  /**
   * Most bytes of log kept per step attempt, and per node over all its attempts (the first
   * ones). Default 1 MiB.
   */
  logLimitBytes?: number;
  /**
   * When set, finished runs are handed over and then forgotten, so memory does not grow with
   * every run ever made. A run is handed over once it is finished, its last process has ended,
   * and the listeners have accepted what it reported (every promise `onChange` and `onLog`
   * returned for it has resolved; a listener that returns nothing accepts at once). Then its
   * logs are dropped when `onLog` is set (the listener keeps them), and after `forgetAfterMs`
   * milliseconds the whole run is forgotten: `status`, `logs` and `settled` no longer know it and
   * `retry` throws `RunNotResumableError`. A run a listener did not accept (a rejection) is kept.
   * Absent (the default): runs are kept until the engine is gone.
   */
  forgetAfterMs?: number;
  /** Milliseconds between SIGTERM and SIGKILL when a step is stopped. Default 5000. */
  killGraceMs?: number;
}

/** The local workflow engine: runs each leaf step as a host process (see `process/`), in memory only. */
export interface LocalEngine extends WorkflowEngine {
  readonly kind: 'local';
  /** A node's log with whether bytes were dropped; `logs` gives its text. */
  nodeLog(externalId: string, nodeId: string): Promise<NodeLog>;
  /** Resolves with the run's status once it is finished and none of its processes is left. */
  settled(externalId: string): Promise<RunStatus>;
  /**
   * Terminates every unfinished run (run and stopped nodes get {@link SHUTDOWN_MESSAGE}) and
   * resolves when all their processes have ended and the listeners have settled every promise
   * they returned for them, so what they store is complete. Later submits throw.
   */
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
  logs: Map<string, { attempt: number; log: string; truncated: boolean }[]>;
  /** Nodes whose logs were handed over and dropped (until a retry runs them again). */
  handedOver?: Set<string>;
  timer?: NodeJS.Timeout;
  settled: Promise<void>;
  settle: () => void;
  /** True once the current attempt of the run is finished with no process left. */
  done: boolean;
  /** Whether the listeners accepted every report since the run (re)started; settles once they all have answered. */
  accepted: Promise<boolean>;
  /** Settles once every report ever made for the run has been answered (never reset). */
  answered: Promise<unknown>;
  /** +1 on retry, so a hand-over decided for an earlier attempt is dropped. */
  epoch: number;
  forgetTimer?: NodeJS.Timeout;
  /** Set by `close`: the message of the run and of the nodes it stopped (`stopped`). */
  stopReason?: string;
  stopped?: Set<string>;
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
  const forgetAfterMs = options.forgetAfterMs;
  if (forgetAfterMs !== undefined && !(Number.isFinite(forgetAfterMs) && forgetAfterMs >= 0)) throw new RangeError(`forgetAfterMs must be a non-negative number of milliseconds, got ${forgetAfterMs}`);
  const runs = new Map<string, Run>();
  let closed = false;

  const nowIso = () => clock.now().toISOString();

  const statusOf = (run: Run): RunStatus => {
    if (run.refused) return run.refused;
    let status = runStatus(run.state!);
    const reason = run.stopReason;
    if (reason !== undefined) {
      const stopped = run.stopped ?? new Set<string>();
      status = { ...status, message: reason, nodes: status.nodes.map((n) => (stopped.has(n.id) && n.phase === 'Terminated' ? { ...n, message: reason } : n)) };
    }
    return run.fault ? { ...status, phase: 'Error', message: run.fault } : status;
  };

  /** Calls a listener; remembers whether it accepted, so that a hand-over waits for it. A failure never reaches the run. */
  const report = (run: Run, call: () => void | Promise<void>) => {
    let accepted: Promise<boolean>;
    try {
      const result = call();
      accepted = result && typeof result.then === 'function' ? result.then(() => true, () => false) : Promise.resolve(true);
    } catch {
      accepted = Promise.resolve(false);
    }
    const before = run.accepted;
    run.accepted = Promise.all([before, accepted]).then(([a, b]) => a && b);
    run.answered = Promise.all([run.answered, accepted]).then(() => undefined);
  };

  const notify = (run: Run) => {
    const listener = options.onChange;
    if (!listener) return;
    report(run, () => listener(run.id, statusOf(run)));
  };

  const nodeLogOf = (run: Run, nodeId: string): NodeLog => {
    const attempts = run.logs.get(nodeId) ?? [];
    if (attempts.length === 0 && run.handedOver?.has(nodeId)) {
      throw new Error(`local engine: run "${run.id}": the log of node "${nodeId}" was handed over when the run finished and is no longer kept here`);
    }
    const truncated = attempts.some((a) => a.truncated);
    // Numbered in order: a retried run starts its nodes' attempts at 1 again.
    const text = attempts.length <= 1 ? (attempts[0]?.log ?? '') : attempts.map((a, i) => `--- attempt ${i + 1} ---\n${a.log}${a.log === '' || a.log.endsWith('\n') ? '' : '\n'}`).join('');
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length <= logLimitBytes) return { text, truncated };
    const capped = new CappedLog(logLimitBytes);
    capped.write(bytes);
    return { text: capped.text(), truncated: true };
  };

  /** Once a finished run's listeners accepted everything: drop its logs (kept by `onLog`'s listener) and forget it later. */
  const handOver = (run: Run) => {
    if (forgetAfterMs === undefined || closed) return;
    const epoch = run.epoch;
    void run.accepted.then((accepted) => {
      if (closed || run.epoch !== epoch || runs.get(run.id) !== run || !accepted) return;
      if (options.onLog) {
        run.handedOver = new Set([...(run.handedOver ?? []), ...run.logs.keys()]);
        run.logs.clear();
      }
      run.forgetTimer = setTimeout(() => {
        if (runs.get(run.id) === run && run.epoch === epoch) runs.delete(run.id);
      }, Math.min(MAX_TIMER_MS, forgetAfterMs));
      run.forgetTimer.unref();
    });
  };

  /** The run's current attempt is over and none of its processes is left. */
  const markDone = (run: Run) => {
    if (run.done) return;
    run.done = true;
    const onLog = options.onLog;
    if (onLog && run.state) {
      // A process node that never got a process (an input it could not resolve, a stop before
      // it started) has an empty log; hand that over too, so every finished one has a log.
      for (const node of run.state.nodes) {
        if (node.type !== 'Pod' || !isTerminalNodePhase(node.phase) || run.logs.has(node.id) || run.handedOver?.has(node.id)) continue;
        run.logs.set(node.id, []);
        report(run, () => onLog(run.id, node.id, { text: '', truncated: false }));
      }
    }
    run.settle();
    handOver(run);
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
    if (run.steps.size === 0) markDone(run);
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
      attempts.push({ attempt: action.attempt, log: result.log, truncated: result.truncated });
      run.logs.set(action.nodeId, attempts);
      const onLog = options.onLog;
      if (onLog) {
        const log = nodeLogOf(run, action.nodeId);
        report(run, () => onLog(run.id, action.nodeId, log));
      }
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

  const nodeLog = (externalId: string, nodeId: string): NodeLog => {
    const run = get(externalId);
    if (!run.state?.nodes.some((n) => n.id === nodeId)) throw new Error(`local engine: run "${externalId}" has no node "${nodeId}"`);
    return nodeLogOf(run, nodeId);
  };

  return {
    kind: 'local',

    async submit({ runId, template, parameters }: SubmitRun) {
      if (closed) throw new Error(`local engine: closed; cannot submit run "${runId}"`);
      if (runs.has(runId)) throw new Error(`local engine: run "${runId}" was already submitted`);
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      const run: Run = { id: runId, steps: new Map(), started: new Set(), logs: new Map(), settled, settle, done: false, accepted: Promise.resolve(true), answered: Promise.resolve(), epoch: 0 };
      runs.set(runId, run);
      const now = nowIso();
      const problems = [...validateWorkflowTemplate(template), ...checkLocalSupport(template.spec)].filter((p) => p.severity === 'error');
      if (problems.length > 0) {
        const lines = [...new Set(problems.map(formatProblem))];
        const message = `the local engine cannot run WorkflowTemplate "${template.metadata.name}": ${lines.join('; ')}`;
        run.refused = { phase: 'Error', startedAt: now, finishedAt: now, message, nodes: [], globalOutputs: {} };
        notify(run);
        markDone(run);
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
        const why = run ? 'its template was refused, so it never started' : 'it is not in this process (a restart forgets every run, and a finished run is forgotten a while after it ends)';
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
      run.done = false;
      run.epoch += 1;
      run.accepted = Promise.resolve(true);
      clearTimeout(run.forgetTimer);
      delete run.fault;
      delete run.stopReason;
      delete run.stopped;
      // Reset nodes start over at attempt 1; every earlier attempt has ended (settled above).
      run.started.clear();
      for (const node of retried.state.nodes) if (!isTerminalNodePhase(node.phase)) run.handedOver?.delete(node.id);
      update(run, retried.state);
      drive(run);
    },

    async logs(externalId, nodeId) {
      return nodeLog(externalId, nodeId).text;
    },

    async nodeLog(externalId, nodeId) {
      return nodeLog(externalId, nodeId);
    },

    async settled(externalId) {
      const run = get(externalId);
      await run.settled;
      return statusOf(run);
    },

    async close() {
      closed = true;
      for (const run of runs.values()) {
        clearTimeout(run.forgetTimer);
        if (run.state && !isTerminalNodePhase(run.state.phase)) {
          run.stopReason = SHUTDOWN_MESSAGE;
          run.stopped = new Set(run.state.nodes.filter((n) => !isTerminalNodePhase(n.phase)).map((n) => n.id));
          update(run, terminateRun(run.state, nowIso()));
        }
        stopFinishedSteps(run);
        settleIfDone(run);
      }
      const all = [...runs.values()];
      await Promise.all(all.map((r) => r.settled));
      // What the listeners were given must be written before whoever closes them goes on.
      await Promise.all(all.map((r) => r.answered));
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
