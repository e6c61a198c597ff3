import { declaredOnly, type DeclaringTemplate } from '@stagecoach/core';
import { newId, type Clock } from '../clock.ts';
import { fail, ok, type Result } from '../errors.ts';
import type { ResourceService } from '../resources/service.ts';
import type { StoredWorkflowRun, WorkflowEngineKind, WorkflowLogRepo, WorkflowRunFilter, WorkflowRunLabels, WorkflowRunRepo } from '../store/port.ts';
import { isTerminalPhase, RunNotResumableError, type NodePhase, type RunNode, type RunStatus, type SubmitRun, type WorkflowEngine } from '../workflows/port.ts';

/** A node of a run as the API shows it. */
export interface WorkflowRunNodeView {
  id: string;
  name: string;
  displayName: string;
  templateName: string;
  type: RunNode['type'];
  phase: NodePhase;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  outputs: { name: string; value: string; globalName?: string }[];
  children: string[];
  /** How many times the node was tried (retryStrategy); absent when once. */
  attempts?: number;
}

/** A run as lists show it: no nodes, no outputs. */
export interface WorkflowRunSummary {
  id: string;
  template: string;
  engine: WorkflowEngineKind;
  phase: NodePhase;
  /** The engine's message for the run (why it failed, "interrupted by a server restart"…). */
  message?: string;
  parameters: Record<string, string>;
  labels: WorkflowRunLabels;
  /** The run this one resubmits. */
  retryOf?: string;
  /** 1, +1 per retry. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** A run with its nodes (in the engine's order) and its global outputs. */
export interface WorkflowRunDetail extends WorkflowRunSummary {
  /** The engine's id of the current attempt (an Argo workflow name). */
  externalId?: string;
  nodes: WorkflowRunNodeView[];
  /** Outputs exported with `globalName`, by that name. */
  outputs: Record<string, string>;
}

/** What `start` needs. */
export interface StartWorkflowRun {
  /**
   * The run's id, chosen by the caller so that calling again is safe: when a run with this id
   * exists, `start` returns it and submits nothing. 1 to 56 letters, digits, `-`, `_` and `.`,
   * starting and ending with a letter or digit (engines name things after it; Argo as a label
   * value, with `-<attempt>` added on a resubmission). Default: a new sortable id.
   */
  id?: string;
  /** The WorkflowTemplate's name. */
  template: string;
  /** Values by parameter name; those the template does not declare are dropped. Default none. */
  parameters?: Record<string, string>;
  /** Default the service's `defaultEngine`. */
  engine?: WorkflowEngineKind;
  labels?: WorkflowRunLabels;
}

/** A node's log as an engine that can say more than its text gives it. */
export interface EngineNodeLog {
  text: string;
  /** True when the engine kept only part of what the node printed. */
  truncated: boolean;
}

/**
 * A workflow engine as the runs service uses it: the port, plus what some engines offer.
 * `nodeLog` tells whether a log was cut (the local and Argo engines have it). `watch` reports a
 * run's status as it changes until it is terminal (the Argo engine has it): the service then
 * follows every unfinished run of that engine in the background, and stores each of its `Pod`
 * nodes' logs when the node finishes.
 */
export type RunEngine = WorkflowEngine & {
  nodeLog?(externalId: string, nodeId: string): Promise<EngineNodeLog>;
  watch?(externalId: string, onStatus: (status: RunStatus) => void, options?: { onError?: (error: unknown) => void }): () => void;
};

export interface WorkflowRunServiceOptions {
  runs: WorkflowRunRepo;
  /**
   * Where node logs are kept once their node finished (see `recordLog` and `logs`). Absent: logs
   * are read from the engines only, and are lost with them.
   */
  logs?: WorkflowLogRepo;
  resources: Pick<ResourceService, 'get'>;
  /** The configured engines; an absent one refuses runs asking for it. */
  engines: Record<WorkflowEngineKind, RunEngine | undefined>;
  /** The engine of a run that names none. */
  defaultEngine: WorkflowEngineKind;
  clock: Clock;
  /** Told what went wrong in the background (following a run, storing a log); the work goes on. Default: nothing. */
  onError?: (error: unknown) => void;
  /**
   * Told of each status stored, with the run as it was before (undefined for a new run), in the
   * order the writes were made; called inside the run's queue of writes, so it must not wait on
   * the service. Pass `publishWorkflowRunChange` (events.ts) through it to publish
   * `workflow-node` events. An exception it throws goes to `onError`.
   */
  onChange?: (run: WorkflowRunDetail, previous: WorkflowRunDetail | undefined) => void;
}

/** Ids a caller may choose (see `StartWorkflowRun.id`). */
const RUN_ID = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,54}[A-Za-z0-9])?$/;

/** What the local engine's `interruptedStatus` does: the status of a run a restart cut short. */
export type InterruptedStatus = (previous: RunStatus, now: Date) => RunStatus;

const initialStatus = (): RunStatus => ({ phase: 'Pending', nodes: [], globalOutputs: {} });
const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Workflow runs started by hand (API, CLI) or by releases: the store keeps what was asked and the
 * engine's last status; the engine runs it.
 *
 * Statuses reach the store four ways: `record` (the local engine's `onChange`), following (an
 * engine that can `watch`, such as Argo: every unfinished run is followed in the background until
 * it is terminal), `get` (reads the engine while the run is not terminal) and the commands
 * themselves. Writes to one run are serialised, and a terminal status is never replaced by a
 * non-terminal one except by `retry`, so a late notification cannot reopen a finished run.
 * Every stored status, whichever way it came, is told to `onChange` with the run before it: the
 * one place live `workflow-node` events come from, for every engine.
 *
 * **Logs** of `Pod` nodes are kept in the store once the node finished, under the run's attempt:
 * the local engine hands each one over (`recordLog`, its `onLog`); for a followed engine the
 * service reads it when it sees the node finish. `logs` reads the store first and the engine for
 * nodes still running or not stored.
 *
 * **Retry** keeps the run id and counts a new attempt (`attempts` + 1). When the engine can
 * (`WorkflowEngine.retry`), it resumes the same engine run (same `externalId`) from what did not
 * succeed: succeeded nodes keep their phase and outputs. When it cannot (the local engine forgot
 * the run in a restart, the Argo workflow was deleted, the run never reached its engine), the
 * same parameters are submitted again as a new engine run (`externalId` `<id>-<attempt>`), every
 * node runs again, and the run's message says so.
 */
export class WorkflowRunService {
  readonly #runs: WorkflowRunRepo;
  readonly #resources: Pick<ResourceService, 'get'>;
  readonly #engines: Record<WorkflowEngineKind, RunEngine | undefined>;
  readonly #defaultEngine: WorkflowEngineKind;
  readonly #clock: Clock;
  /** The tail of the queue of writes, per run id. */
  readonly #lanes = new Map<string, Promise<unknown>>();
  /** Submissions under way: a notification for an engine id not stored yet waits for them. */
  readonly #submitting = new Set<Promise<unknown>>();
  /** `record` and `recordLog` calls, applied one after the other in the order the engine made them. */
  #recording: Promise<unknown> = Promise.resolve();
  /** How many `record` calls were made so far. */
  #recorded = 0;
  /**
   * Per run of an engine that reports through `record`: how many `record` calls were made when its
   * status was last read from the engine. That read is at least as new as each of them, so one of
   * them still queued must not replace it (a step seen Running going back to Pending).
   */
  readonly #readAfter = new Map<string, number>();
  readonly #logs: WorkflowLogRepo | undefined;
  readonly #onError: (error: unknown) => void;
  readonly #onChange: ((run: WorkflowRunDetail, previous: WorkflowRunDetail | undefined) => void) | undefined;
  /** Starts under way by caller-chosen id: a second call with the same id waits for the first. */
  readonly #starting = new Map<string, Promise<unknown>>();
  /** Runs followed in the background, by run id; a replaced or closed watch is `superseded`. */
  readonly #following = new Map<string, { stop: () => void; superseded: boolean }>();
  #closed = false;

  constructor(options: WorkflowRunServiceOptions) {
    this.#runs = options.runs;
    this.#logs = options.logs;
    this.#resources = options.resources;
    this.#engines = options.engines;
    this.#defaultEngine = options.defaultEngine;
    this.#clock = options.clock;
    const onError = options.onError;
    this.#onError = (error) => {
      try {
        onError?.(error);
      } catch {
        // A failing listener must not break the work that reported.
      }
    };
    this.#onChange = options.onChange;
  }

  /**
   * Starts a run of a WorkflowTemplate: 404 for an unknown template, 422 listing every missing
   * parameter or for an invalid `id`. With `id`, idempotent: when a run with that id exists
   * (even one another call is starting right now), its detail is returned (refreshed from the
   * engine while it runs) and nothing is submitted; 409 when that run is of another template.
   */
  async start(input: StartWorkflowRun): Promise<Result<WorkflowRunDetail>> {
    const id = input.id;
    if (id === undefined) return this.#start(input);
    if (!RUN_ID.test(id)) {
      return fail('validation_failed', `workflow run id "${id}" must be 1 to 56 letters, digits, "-", "_" and ".", starting and ending with a letter or digit`);
    }
    const pending = this.#starting.get(id);
    if (pending) {
      await pending.catch(() => undefined);
      return this.start(input);
    }
    const work = (async () => {
      const existing = await this.#runs.get(id);
      return existing ? this.#existing(existing, input) : this.#start(input);
    })();
    this.#starting.set(id, work);
    try {
      return await work;
    } finally {
      if (this.#starting.get(id) === work) this.#starting.delete(id);
    }
  }

  /** What `start` answers for an id that is taken. */
  async #existing(run: StoredWorkflowRun, input: StartWorkflowRun): Promise<Result<WorkflowRunDetail>> {
    if (run.template !== input.template) {
      return fail('conflict', `workflow run "${run.id}" already exists for WorkflowTemplate "${run.template}", not "${input.template}"`);
    }
    return ok(detail(await this.#refresh(run)));
  }

  async #start(input: StartWorkflowRun, retryOf?: string): Promise<Result<WorkflowRunDetail>> {
    const kind = input.engine ?? this.#defaultEngine;
    const engine = this.#engines[kind];
    if (!engine) return fail('validation_failed', `workflow engine "${kind}" is not configured on this server`);
    const found = await this.#resources.get('WorkflowTemplate', input.template);
    if (!found.ok) return fail('not_found', `WorkflowTemplate "${input.template}" not found`);
    const template = toSubmitTemplate(found.value as unknown as SubmitRun['template']);
    const { parameters, problems } = declaredOnly(template as unknown as DeclaringTemplate, input.parameters ?? {}, { kind: 'WorkflowTemplate', name: input.template });
    if (problems.length > 0) {
      const missing = problems.length === 1 ? problems[0]!.message : `workflow "${input.template}": ${problems.length} declared parameters have no value`;
      return fail('validation_failed', missing, problems);
    }
    const now = this.#clock.now();
    const run: StoredWorkflowRun = {
      id: input.id ?? newId(now),
      template: input.template,
      engine: kind,
      phase: 'Pending',
      parameters,
      status: initialStatus(),
      labels: pickLabels(input.labels ?? {}),
      attempts: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      ...(retryOf !== undefined ? { retryOf } : {}),
    };
    try {
      await this.#runs.create(run);
    } catch (e) {
      // Another server (same store) created it meanwhile: the id is taken, nothing more to do here.
      const taken = input.id !== undefined ? await this.#runs.get(input.id) : undefined;
      if (taken) return this.#existing(taken, input);
      throw e;
    }
    this.#changed(run, undefined);
    const stored = await this.#submit(run, engine, template, 1);
    return ok(detail(stored));
  }

  /** Submits an attempt and stores its engine id and first status (or Error when the engine refused it). */
  async #submit(run: StoredWorkflowRun, engine: RunEngine, template: SubmitRun['template'], attempt: number, note?: string): Promise<StoredWorkflowRun> {
    const noted = (message: string | undefined) => (note === undefined ? message : message === undefined ? note : `${note}; ${message}`);
    const work = this.#lane(run.id, async () => {
      let externalId: string;
      try {
        ({ externalId } = await engine.submit({ runId: attempt === 1 ? run.id : `${run.id}-${attempt}`, template, parameters: run.parameters }));
      } catch (e) {
        const at = this.#clock.now().toISOString();
        const status: RunStatus = { ...initialStatus(), phase: 'Error', startedAt: at, finishedAt: at, message: noted(`the ${engine.kind} engine refused the run: ${reason(e)}`)! };
        const before = await this.#runs.get(run.id);
        const refused = (await this.#runs.updateStatus(run.id, { phase: 'Error', status, attempts: attempt, updatedAt: at, finishedAt: at }))!;
        this.#changed(refused, before);
        return refused;
      }
      // Read after submit returned, so that it is at least as new as any notification so far.
      const read = await this.#read(run.id, engine, externalId).catch(() => initialStatus());
      const message = noted(read.message);
      const status: RunStatus = message === undefined ? read : { ...read, message };
      const written = (await this.#write(run.id, status, { externalId, attempts: attempt, reopen: true }))!;
      this.#follow(written, engine);
      return written;
    });
    this.#submitting.add(work);
    try {
      return await work;
    } finally {
      this.#submitting.delete(work);
    }
  }

  /** The run, with its status refreshed from the engine while it is not terminal. */
  async get(id: string): Promise<Result<WorkflowRunDetail>> {
    const run = await this.#runs.get(id);
    if (!run) return fail('not_found', `workflow run "${id}" not found`);
    return ok(detail(await this.#refresh(run)));
  }

  /** Runs, newest first, as stored (no engine is asked). */
  async list(filter: WorkflowRunFilter = {}): Promise<WorkflowRunSummary[]> {
    return (await this.#runs.list(filter)).map(summary);
  }

  /** Stops a Pending or Running run; its running nodes become Terminated. 409 when it is finished. */
  async terminate(id: string): Promise<Result<WorkflowRunDetail>> {
    const run = await this.#runs.get(id);
    if (!run) return fail('not_found', `workflow run "${id}" not found`);
    if (isTerminalPhase(run.phase)) return fail('conflict', `workflow run "${id}" is ${run.phase}; only a Pending or Running one can be terminated`);
    const engine = this.#engines[run.engine];
    if (!engine || run.externalId === undefined) {
      // Never reached an engine (or its engine is no longer configured): nothing runs, record the end.
      const at = this.#clock.now().toISOString();
      const status: RunStatus = { ...run.status, phase: 'Terminated', finishedAt: at, message: 'terminated' };
      return ok(detail((await this.#lane(id, () => this.#write(id, status)))!));
    }
    try {
      await engine.terminate(run.externalId);
    } catch (e) {
      return fail('internal', `workflow run "${id}": the ${run.engine} engine could not terminate it: ${reason(e)}`);
    }
    return ok(detail(await this.#refresh((await this.#runs.get(id))!)));
  }

  /**
   * Runs a Failed, Error or Terminated run again under the same id, as a new attempt: the engine
   * resumes it from what did not succeed, or, when it cannot, it is submitted again with the same
   * parameters and the template as it is now, every node running again (see the class comment).
   * 409 for a run that is not finished or that succeeded; 500 when the engine fails to resume it.
   */
  async retry(id: string): Promise<Result<WorkflowRunDetail>> {
    const run = await this.#runs.get(id);
    if (!run) return fail('not_found', `workflow run "${id}" not found`);
    if (!isTerminalPhase(run.phase) || run.phase === 'Succeeded') {
      return fail('conflict', `workflow run "${id}" is ${run.phase}; only a Failed, Error or Terminated one can be retried`);
    }
    const engine = this.#engines[run.engine];
    if (!engine) return fail('validation_failed', `workflow engine "${run.engine}" is not configured on this server`);
    let cannotResume: string;
    if (!engine.retry) cannotResume = `the ${engine.kind} engine cannot resume runs`;
    else if (run.externalId === undefined) cannotResume = `the run never reached the ${engine.kind} engine`;
    else {
      const resumed = await this.#resume(run, engine, run.externalId);
      if (resumed.ok) return ok(detail(resumed.value));
      if (resumed.error !== undefined) return fail('internal', `workflow run "${id}": the ${run.engine} engine could not retry it: ${resumed.error}`);
      cannotResume = resumed.cannotResume;
    }
    const found = await this.#resources.get('WorkflowTemplate', run.template);
    if (!found.ok) return fail('not_found', `workflow run "${id}": WorkflowTemplate "${run.template}" not found`);
    const template = toSubmitTemplate(found.value as unknown as SubmitRun['template']);
    const note = `attempt ${run.attempts + 1} was submitted again from the start, so every node runs again: ${cannotResume}`;
    return ok(detail(await this.#submit(run, engine, template, run.attempts + 1, note)));
  }

  /** Asks the engine to resume the run (inside its lane) and stores the new attempt and status. */
  async #resume(
    run: StoredWorkflowRun,
    engine: RunEngine,
    externalId: string,
  ): Promise<{ ok: true; value: StoredWorkflowRun } | { ok: false; cannotResume: string; error?: undefined } | { ok: false; error: string }> {
    return this.#lane(run.id, async () => {
      try {
        await engine.retry!(externalId);
      } catch (e) {
        return e instanceof RunNotResumableError ? { ok: false, cannotResume: reason(e) } : { ok: false, error: reason(e) };
      }
      // Read after retry returned, so that it is at least as new as any notification so far.
      const status = await this.#read(run.id, engine, externalId).catch(() => initialStatus());
      const written = (await this.#write(run.id, status, { attempts: run.attempts + 1, reopen: true }))!;
      this.#follow(written, engine);
      return { ok: true, value: written };
    });
  }

  /** A new run of the same template, engine, parameters and labels; its `retryOf` is this run. */
  async resubmit(id: string): Promise<Result<WorkflowRunDetail>> {
    const run = await this.#runs.get(id);
    if (!run) return fail('not_found', `workflow run "${id}" not found`);
    return this.#start({ template: run.template, parameters: run.parameters, engine: run.engine, labels: run.labels }, id);
  }

  /**
   * Log text of one node (by id or name), or of every node that ran a process, in the engine's
   * order, each line prefixed with `<node name>: `. A finished node's log comes from the store
   * (the engine when it is not stored, or when the node ran again in a later attempt and its new
   * log is not stored yet); a running node's from the engine. Empty when the run never reached
   * its engine and nothing is stored.
   */
  async logs(id: string, node?: string): Promise<Result<string>> {
    const stored = await this.#runs.get(id);
    if (!stored) return fail('not_found', `workflow run "${id}" not found`);
    const run = await this.#refresh(stored);
    const nodes = run.status.nodes;
    if (node !== undefined) {
      const found = nodes.find((n) => n.id === node) ?? nodes.find((n) => n.name === node);
      if (!found) return fail('not_found', `workflow run "${id}" has no node "${node}"`);
      try {
        return ok(await this.#nodeText(run, found));
      } catch (e) {
        // Neither kept nor known to the engine any more (a restart before the log was stored): not a fault.
        return fail('not_found', `workflow run "${id}": the logs of node "${found.name}" are not available: ${reason(e)}`);
      }
    }
    const parts: string[] = [];
    for (const n of nodes.filter((n) => n.type === 'Pod')) {
      const text = await this.#nodeText(run, n).catch((e: unknown) => `(logs unavailable: ${reason(e)})`);
      if (text === '') continue;
      const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
      parts.push(...lines.map((line) => `${n.name}: ${line}\n`));
    }
    return ok(parts.join(''));
  }

  /** One node's log: the stored one when it is of the current attempt (or the engine cannot tell), else the engine's. */
  async #nodeText(run: StoredWorkflowRun, node: RunNode): Promise<string> {
    const kept = isTerminalPhase(node.phase) && this.#logs ? await this.#logs.get(run.id, node.id) : undefined;
    if (kept && kept.attempt === run.attempts) return kept.text;
    const engine = this.#engines[run.engine];
    if (!engine || run.externalId === undefined) return kept?.text ?? '';
    try {
      return await engine.logs(run.externalId, node.id);
    } catch (e) {
      if (kept) return kept.text;
      throw e;
    }
  }

  /**
   * Stores a node's log that the engine hands over (pass it as the local engine's `onLog`),
   * under the run's current attempt, replacing what was stored for it. Applied in order with
   * `record`; a log of a run that is not ours, or with no log store configured, is ignored.
   */
  recordLog(externalId: string, nodeId: string, log: EngineNodeLog, engine: WorkflowEngineKind = 'local'): Promise<void> {
    const logs = this.#logs;
    if (!logs) return Promise.resolve();
    const next = this.#recording.then(async () => {
      const run = await this.#findByExternalId(engine, externalId);
      if (!run) return;
      await this.#lane(run.id, async () => {
        const current = await this.#runs.get(run.id);
        if (current?.externalId !== externalId) return;
        await logs.put({ runId: run.id, nodeId, attempt: current.attempts, text: log.text, truncated: log.truncated });
      });
    });
    this.#recording = next.catch(() => undefined);
    return next;
  }

  /**
   * Stores a status the engine reports for one of its runs: pass it as the local engine's
   * `onChange`. Calls are applied in order; one for an engine id not stored yet waits for the
   * submissions under way. A status for a run that is not ours is ignored.
   */
  record(externalId: string, status: RunStatus, engine: WorkflowEngineKind = 'local'): Promise<void> {
    const made = (this.#recorded += 1);
    const next = this.#recording.then(async () => {
      const run = await this.#findByExternalId(engine, externalId);
      if (!run) return;
      await this.#lane(run.id, async () => {
        const readAfter = this.#readAfter.get(run.id);
        if (readAfter !== undefined) {
          // Made before the status stored last was read from the engine: older than it.
          if (made <= readAfter) return undefined;
          this.#readAfter.delete(run.id);
        }
        return this.#write(run.id, status, { onlyIf: externalId });
      });
    });
    this.#recording = next.catch(() => undefined);
    return next;
  }

  /** The run of an engine id; waits for the submissions under way when it is not stored yet. */
  async #findByExternalId(engine: WorkflowEngineKind, externalId: string): Promise<StoredWorkflowRun | undefined> {
    const run = await this.#runs.findByExternalId(engine, externalId);
    if (run || this.#submitting.size === 0) return run;
    await Promise.allSettled([...this.#submitting]);
    return this.#runs.findByExternalId(engine, externalId);
  }

  /**
   * At start-up: follows every unfinished run of an engine that can `watch` (Argo), so that
   * their statuses and logs are stored as they change without anyone reading them. Returns how
   * many are followed.
   */
  async followUnfinished(): Promise<number> {
    let followed = 0;
    for (const run of await this.#runs.unfinished()) {
      const engine = this.#engines[run.engine];
      if (engine?.watch && run.externalId !== undefined && this.#follow(run, engine)) followed += 1;
    }
    return followed;
  }

  /**
   * Follows a run that is not terminal on an engine that can `watch`; true when it does. A watch
   * already on the run is replaced: what it reported but is not written yet (it may predate a
   * retry written meanwhile) is dropped, and the new watch starts from the engine's status now.
   */
  #follow(run: StoredWorkflowRun, engine: RunEngine): boolean {
    const externalId = run.externalId;
    if (this.#closed || !engine.watch || externalId === undefined || isTerminalPhase(run.phase)) return false;
    const current = this.#following.get(run.id);
    if (current) {
      current.superseded = true;
      current.stop();
    }
    const entry = { stop: () => {}, superseded: false };
    this.#following.set(run.id, entry);
    const unfollow = () => {
      entry.stop();
      if (this.#following.get(run.id) === entry) this.#following.delete(run.id);
    };
    entry.stop = engine.watch(
      externalId,
      (status) => {
        // The lane keeps these in order with every other write to the run.
        this.#lane(run.id, async () => (entry.superseded ? undefined : this.#write(run.id, status, { onlyIf: externalId }))).catch(this.#onError);
        if (isTerminalPhase(status.phase)) unfollow();
      },
      { onError: this.#onError },
    );
    // A watch may report a terminal status before it returns.
    if (this.#following.get(run.id) !== entry) entry.stop();
    return true;
  }

  /**
   * Stops following runs and waits for every write under way (statuses, logs, submissions), so
   * that the store may be closed after it. Call it after the local engine's `close`, whose last
   * reports it stores.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const entry of this.#following.values()) {
      entry.superseded = true;
      entry.stop();
    }
    this.#following.clear();
    await Promise.allSettled([...this.#submitting]);
    await this.#recording;
    await Promise.allSettled([...this.#lanes.values()]);
  }

  /**
   * A local run that no engine of this process knows while the store says it runs was started
   * by a process that is gone (a replica that crashed, on a shared database): it can never
   * finish, so it gets the status `toError` makes. Returns whether it did. A run this process
   * runs, a finished run, or a run on another engine is left alone.
   */
  async adoptOrphan(id: string, toError: InterruptedStatus): Promise<boolean> {
    const run = await this.#runs.get(id);
    const engine = this.#engines.local;
    if (!run || run.engine !== 'local' || isTerminalPhase(run.phase) || run.externalId === undefined || !engine) return false;
    try {
      await engine.status(run.externalId);
      return false;
    } catch {
      // Not in this process.
    }
    await this.#lane(run.id, () => this.#write(run.id, toError(run.status, this.#clock.now())));
    return true;
  }

  /**
   * At start-up, before the local engine takes runs: every unfinished local run was cut short by
   * the restart (the local engine keeps runs in memory only); it gets the status `toError` makes
   * (pass the local engine's `interruptedStatus`). Returns how many were marked.
   */
  async recoverInterrupted(toError: InterruptedStatus): Promise<number> {
    const now = this.#clock.now();
    let marked = 0;
    for (const run of await this.#runs.unfinished()) {
      if (run.engine !== 'local') continue;
      const status = toError(run.status, now);
      await this.#lane(run.id, () => this.#write(run.id, status));
      marked += 1;
    }
    return marked;
  }

  /** Reads the engine's status of a run that is not terminal and stores it; the stored run when the engine cannot say. */
  async #refresh(run: StoredWorkflowRun): Promise<StoredWorkflowRun> {
    const engine = this.#engines[run.engine];
    if (isTerminalPhase(run.phase) || !engine || run.externalId === undefined) return run;
    const externalId = run.externalId;
    return this.#lane(run.id, async () => {
      let status: RunStatus;
      try {
        status = await this.#read(run.id, engine, externalId);
      } catch {
        return (await this.#runs.get(run.id)) ?? run;
      }
      return (await this.#write(run.id, status, { onlyIf: externalId })) ?? run;
    });
  }

  /**
   * Writes a status (inside the run's lane). Skipped, returning the stored run, when the run is
   * terminal and `reopen` is not set, or when `onlyIf` is not the current attempt's engine id.
   * On a followed engine, then stores the logs of the `Pod` nodes this status shows finished for
   * the first time.
   */
  async #write(
    id: string,
    status: RunStatus,
    options: { externalId?: string; attempts?: number; reopen?: boolean; onlyIf?: string } = {},
  ): Promise<StoredWorkflowRun | undefined> {
    const stored = await this.#runs.get(id);
    if (!stored) return undefined;
    if (options.onlyIf !== undefined && stored.externalId !== options.onlyIf) return stored;
    if (!options.reopen && isTerminalPhase(stored.phase) && (stored.phase !== status.phase || isDeepEqualJson(stored.status, status))) return stored;
    const at = this.#clock.now().toISOString();
    const finishedAt = isTerminalPhase(status.phase) ? (status.finishedAt ?? at) : undefined;
    const written = await this.#runs.updateStatus(id, {
      phase: status.phase,
      status,
      ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
      ...(options.attempts !== undefined ? { attempts: options.attempts } : {}),
      updatedAt: at,
      ...(finishedAt !== undefined ? { finishedAt } : {}),
    });
    if (written) {
      this.#changed(written, stored);
      await this.#keepFinishedLogs(stored, written);
    }
    return written;
  }

  /** Tells `onChange` of a stored status. */
  #changed(run: StoredWorkflowRun, previous: StoredWorkflowRun | undefined): void {
    if (!this.#onChange) return;
    try {
      this.#onChange(detail(run), previous && detail(previous));
    } catch (e) {
      this.#onError(e);
    }
  }

  /** For a followed engine: reads and stores the log of each `Pod` node that finished between `before` and `after`. */
  async #keepFinishedLogs(before: StoredWorkflowRun, after: StoredWorkflowRun): Promise<void> {
    const engine = this.#engines[after.engine];
    const logs = this.#logs;
    const externalId = after.externalId;
    if (!logs || !engine?.watch || externalId === undefined) return;
    const sameAttempt = before.attempts === after.attempts && before.externalId === externalId;
    const was = new Map(sameAttempt ? before.status.nodes.map((n) => [n.id, n.phase]) : []);
    for (const node of after.status.nodes) {
      if (node.type !== 'Pod' || !isTerminalPhase(node.phase)) continue;
      const previous = was.get(node.id);
      if (previous !== undefined && isTerminalPhase(previous)) continue;
      try {
        const log = engine.nodeLog ? await engine.nodeLog(externalId, node.id) : { text: await engine.logs(externalId, node.id), truncated: false };
        await logs.put({ runId: after.id, nodeId: node.id, attempt: after.attempts, text: log.text, truncated: log.truncated });
      } catch (e) {
        this.#onError(new Error(`workflow run "${after.id}": could not keep the log of node "${node.name}": ${reason(e)}`, { cause: e }));
      }
    }
  }

  /** Reads a run's status from its engine; for an engine that reports through `record`, notes when (see `#readAfter`). */
  async #read(id: string, engine: RunEngine, externalId: string): Promise<RunStatus> {
    const recorded = this.#recorded;
    const status = await engine.status(externalId);
    if (!engine.watch) this.#readAfter.set(id, Math.max(recorded, this.#readAfter.get(id) ?? 0));
    return status;
  }

  /** Runs `fn` after every earlier write to the same run has settled. */
  #lane<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#lanes.get(id) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.#lanes.set(id, tail);
    void tail.then(() => {
      if (this.#lanes.get(id) === tail) this.#lanes.delete(id);
    });
    return next;
  }
}

function isDeepEqualJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The template as engines take it: the Argo document without Stagecoach's server-managed metadata. */
function toSubmitTemplate(resource: SubmitRun['template']): SubmitRun['template'] {
  const { apiVersion, kind, metadata, spec } = resource;
  const { resourceVersion: _v, creationTimestamp: _c, updateTimestamp: _u, ...rest } = metadata as Record<string, unknown> & { name: string };
  return { apiVersion, kind, metadata: { ...rest, name: metadata.name }, spec };
}

function pickLabels(labels: WorkflowRunLabels): WorkflowRunLabels {
  const out: WorkflowRunLabels = {};
  for (const key of ['product', 'environment', 'application', 'release'] as const) {
    const value = labels[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** The list view: fields named one by one, so nothing stored leaks out. */
export function summary(run: StoredWorkflowRun): WorkflowRunSummary {
  const s = run.status;
  return {
    id: run.id,
    template: run.template,
    engine: run.engine,
    phase: run.phase,
    ...(s.message !== undefined ? { message: s.message } : {}),
    parameters: { ...run.parameters },
    labels: pickLabels(run.labels),
    ...(run.retryOf !== undefined ? { retryOf: run.retryOf } : {}),
    attempts: run.attempts,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    ...(s.startedAt !== undefined ? { startedAt: s.startedAt } : {}),
    ...(run.finishedAt !== undefined ? { finishedAt: run.finishedAt } : {}),
  };
}

/** The single-run view: the summary with nodes and global outputs. */
export function detail(run: StoredWorkflowRun): WorkflowRunDetail {
  return {
    ...summary(run),
    ...(run.externalId !== undefined ? { externalId: run.externalId } : {}),
    nodes: run.status.nodes.map(nodeView),
    outputs: { ...run.status.globalOutputs },
  };
}

function nodeView(n: RunNode): WorkflowRunNodeView {
  return {
    id: n.id,
    name: n.name,
    displayName: n.displayName,
    templateName: n.templateName,
    type: n.type,
    phase: n.phase,
    ...(n.startedAt !== undefined ? { startedAt: n.startedAt } : {}),
    ...(n.finishedAt !== undefined ? { finishedAt: n.finishedAt } : {}),
    ...(n.message !== undefined ? { message: n.message } : {}),
    outputs: n.outputs.map((o) => ({ name: o.name, value: o.value, ...(o.globalName !== undefined ? { globalName: o.globalName } : {}) })),
    children: [...n.children],
    ...(n.attempts !== undefined ? { attempts: n.attempts } : {}),
  };
}
