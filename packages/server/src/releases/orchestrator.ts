import { applyReleaseEvent, decide, isActiveRelease, type Release, type ReleaseEvent, type Task } from '@stagecoach/core';
import { newId, type Clock } from '../clock.ts';
import type { ReleaseLease, Store } from '../store/port.ts';
import type { TaskRunnerRegistry } from './runners/registry.ts';
import { workflowRunId, type TaskOutcome } from './runners/types.ts';
import type { ReleaseListener, ReleaseService } from './service.ts';

export interface OrchestratorOptions {
  store: Store;
  releases: ReleaseService;
  runners: TaskRunnerRegistry;
  clock: Clock;
  /** This process's name in leases; default a new unique id per start. */
  owner?: string;
  /** Milliseconds between looks for releases to admit and to claim; default 500. */
  tickMs?: number;
  /** Milliseconds a claimed release stays this process's without renewal; default 30 000. */
  leaseMs?: number;
  /** Milliseconds between two checks of a release whose work has not moved; default 1000. */
  checkMs?: number;
  /** Told about every stored change this process makes. */
  onChange?: ReleaseListener;
  /** Receives unexpected errors of a runner or the store; default `console.error`. */
  logError?: (message: string, error: unknown) => void;
}

const WORKFLOW_KINDS = new Set(['hook', 'trigger', 'pre', 'post']);

/**
 * Drives releases to their end, level-triggered like a Kubernetes controller: it reads a release,
 * asks the core what may happen now (`decide`), performs only that through the task runners, and
 * records the outcome through the reducer.
 *
 * Safety rests on three things. (1) Before a task is performed its start is stored, with the
 * workflow run id of that attempt, so a crash between the two is followed by a check of the same
 * attempt, never a second one. (2) Runners are idempotent (commit trailers, pull request
 * branches, run ids), so performing an attempt again continues it. (3) A release is worked on by
 * one process at a time, through a lease with an expiry; every write carries the lease's owner
 * and epoch, so a process that lost its lease (paused, cut off) cannot write after another took
 * over. Writes are compare-and-set on the revision: on a conflict (a terminate from the API) the
 * release is read again and the events re-applied.
 */
export class Orchestrator {
  readonly owner: string;
  readonly #store: Store;
  readonly #releases: ReleaseService;
  readonly #runners: TaskRunnerRegistry;
  readonly #clock: Clock;
  readonly #tickMs: number;
  readonly #leaseMs: number;
  readonly #checkMs: number;
  readonly #onChange: ReleaseListener | undefined;
  readonly #logError: (message: string, error: unknown) => void;
  /** Releases this process works on, with their worker loop. */
  readonly #workers = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #stopping = false;
  #started = false;
  /** Wakes a sleeping worker early, per release (a change arrived). */
  readonly #wakers = new Map<string, () => void>();
  /** Releases whose running tasks are checked at once, not at their next `checkMs` (something they wait for changed). */
  readonly #urgent = new Set<string>();

  constructor(options: OrchestratorOptions) {
    this.owner = options.owner ?? `orchestrator-${newId(options.clock.now())}`;
    this.#store = options.store;
    this.#releases = options.releases;
    this.#runners = options.runners;
    this.#clock = options.clock;
    this.#tickMs = options.tickMs ?? 500;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#checkMs = options.checkMs ?? 1000;
    this.#onChange = options.onChange;
    this.#logError = options.logError ?? ((message, error) => console.error(`stagecoach: ${message}:`, error));
  }

  /** Starts looking for work every `tickMs`. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#schedule(0);
  }

  /**
   * Says something changed. With a release: wakes its worker, and looks for work at once when the
   * release may need admitting or claiming (new, queued, ended, or not worked on here). Without:
   * wakes every worker (a workflow run ended) and looks for work.
   */
  nudge(release?: Pick<Release, 'id' | 'status'>): void {
    if (release) {
      this.#urgent.add(release.id);
      this.#wakers.get(release.id)?.();
      const look = !this.#workers.has(release.id) || release.status === 'Queued' || release.status === 'Succeeded' || release.status === 'Failed' || release.status === 'Terminated';
      if (look && this.#started && !this.#stopping) this.#schedule(0);
      return;
    }
    for (const [id, wake] of this.#wakers) {
      this.#urgent.add(id);
      wake();
    }
    if (this.#started && !this.#stopping) this.#schedule(0);
  }

  /** Stops: no new work is taken; running workers finish their current round; leases are given up. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    for (const wake of this.#wakers.values()) wake();
    await this.#ticking;
    await Promise.all(this.#workers.values());
  }

  #schedule(delay: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#ticking) return this.#schedule(this.#tickMs);
      this.#ticking = this.tick()
        .catch((e: unknown) => this.#logError('orchestrator tick failed', e))
        .finally(() => {
          this.#ticking = undefined;
          if (!this.#stopping) this.#schedule(this.#tickMs);
        });
    }, delay);
    this.#timer.unref?.();
  }

  /** One look for work: admit waiting releases per their product's rule, and claim active ones no one works on. */
  async tick(): Promise<void> {
    for (const product of await this.#releases.productsWaiting()) {
      if (this.#stopping) return;
      await this.#releases.admit(product);
    }
    const active = await this.#store.releases.withStatus(['Running', 'Suspended', 'Terminating']);
    for (const { release } of active) {
      if (this.#stopping) return;
      if (this.#workers.has(release.id)) continue;
      const lease = await this.#claim(release.id);
      if (!lease) continue;
      const worker = this.#work(release.id, lease)
        .catch((e: unknown) => this.#logError(`release ${release.id}`, e))
        .finally(() => this.#workers.delete(release.id));
      this.#workers.set(release.id, worker);
    }
  }

  #claim(id: string): Promise<ReleaseLease | undefined> {
    const now = this.#clock.now();
    return this.#store.releases.claim(id, this.owner, now.toISOString(), new Date(now.getTime() + this.#leaseMs).toISOString());
  }

  /**
   * Works on one release until it is no longer active, the lease is lost, or the process stops.
   * Each task is performed on its own: its outcome is recorded as soon as it comes, which wakes
   * the loop to start what it unblocked, so parallel branches never wait for each other. A task
   * whose check changed nothing is checked again after `checkMs`.
   */
  async #work(id: string, lease: ReleaseLease): Promise<void> {
    const inFlight = new Map<string, Promise<void>>();
    const checkedAt = new Map<string, number>();
    let lost = false;
    let wake: (() => void) | undefined;
    const woken = () => wake?.();
    // Outcomes are recorded one at a time, in the order they arrive.
    let recording: Promise<unknown> = Promise.resolve();
    const record = (events: readonly ReleaseEvent[]) => {
      const next = recording.then(() => (lost ? ('lost' as const) : this.#record(id, lease, events)));
      recording = next.catch(() => undefined);
      return next.then((r) => {
        if (r === 'lost') lost = true;
        return r;
      });
    };
    try {
      while (!this.#stopping && !lost) {
        if (!(await this.#claim(id))) return;
        const stored = await this.#store.releases.get(id);
        if (!stored) return;
        const release = stored.release;
        if (!isActiveRelease(release.status)) {
          if (inFlight.size > 0) {
            await Promise.all(inFlight.values());
            continue;
          }
          await this.#store.releases.unclaim(id, this.owner);
          if (release.status !== 'Queued') await this.#releases.admit(release.product);
          return;
        }
        const now = this.#clock.now();
        const decision = decide(release, now.toISOString());
        if (decision.timedOut) {
          const reason = `timeout: the release ran longer than its flow's timeout (${release.snapshot.flow.timeout})`;
          await record([{ type: 'terminate', at: now.toISOString(), reason }]);
          continue;
        }
        // Pacing uses the monotonic clock: the injected clock only stamps what is recorded.
        const urgent = this.#urgent.delete(id);
        const due = (key: string) => urgent || performance.now() - (checkedAt.get(key) ?? -Infinity) >= this.#checkMs;
        const fresh = decision.work.filter((w) => !inFlight.has(w.task.key) && (w.op !== 'check' || due(w.task.key)));
        // The start of each attempt is stored before anything is performed.
        const starts: ReleaseEvent[] = fresh
          .filter((w) => w.op === 'start')
          .map((w) => ({
            type: 'task-started',
            key: w.task.key,
            at: now.toISOString(),
            ...(WORKFLOW_KINDS.has(w.task.kind) ? { run: workflowRunId(release, w.task, w.task.attempt + 1) } : {}),
          }));
        let current = release;
        if (starts.length > 0) {
          const recorded = await record(starts);
          if (recorded === 'lost') return;
          current = recorded;
        }
        for (const w of fresh) {
          const task = current.tasks.find((t) => t.key === w.task.key)!;
          if (w.op === 'start' && task.status === 'Pending') continue;
          const performing = (async () => {
            const event = await this.#perform(current, task, w.op === 'cancel');
            checkedAt.set(task.key, performance.now());
            if (event) await record([event]);
          })()
            .catch((e: unknown) => this.#logError(`release ${id} task ${task.key}`, e))
            .finally(() => {
              inFlight.delete(task.key);
              woken();
            });
          inFlight.set(task.key, performing);
        }
        // Sleep until a task ends, something outside changes the release (`nudge`), or a check is
        // due; with every task in flight, only the lease (and the flow's timeout) need a look.
        const waitingChecks = decision.work.some((w) => w.op === 'check' && !inFlight.has(w.task.key));
        const pause = waitingChecks ? this.#checkMs : Math.max(this.#checkMs, this.#leaseMs / 3);
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            this.#wakers.delete(id);
            wake = undefined;
            resolve();
          };
          const timer = setTimeout(done, pause);
          wake = done;
          this.#wakers.set(id, done);
          if (fresh.length > 0 && inFlight.size === 0) done();
        });
      }
    } finally {
      await Promise.all(inFlight.values());
      await recording;
    }
  }

  /** Performs (or cancels) a task and says what changed, or undefined when nothing did. */
  async #perform(release: Release, task: Task, cancel: boolean): Promise<ReleaseEvent | undefined> {
    const runner = this.#runners.get(task.kind);
    const context = { release, task, now: this.#clock.now() };
    let outcome: TaskOutcome;
    try {
      outcome = cancel ? await runner.cancel(context) : await runner.perform(context);
    } catch (e) {
      this.#logError(`release ${release.id} task ${task.key}`, e);
      outcome = { status: task.status === 'Suspended' ? 'Suspended' : 'Running', message: `unexpected error, will try again: ${e instanceof Error ? e.message : String(e)}` };
    }
    const at = this.#clock.now().toISOString();
    if (outcome.status === 'Running' || outcome.status === 'Suspended') {
      const same = outcome.status === task.status && outcome.message === task.message && (outcome.result === undefined || JSON.stringify({ ...task.result, ...outcome.result }) === JSON.stringify(task.result));
      if (same) return undefined;
      return { type: 'task-progress', key: task.key, at, status: outcome.status, ...(outcome.message !== undefined ? { message: outcome.message } : {}), ...(outcome.result ? { result: outcome.result } : {}) };
    }
    return {
      type: 'task-finished',
      key: task.key,
      at,
      status: outcome.status,
      ...(outcome.message !== undefined ? { message: outcome.message } : {}),
      ...(outcome.result ? { result: outcome.result } : {}),
      ...('context' in outcome && outcome.context ? { context: outcome.context } : {}),
    };
  }

  /**
   * Applies events to the stored release and writes it with the lease, reading again on a
   * concurrent write. Returns the release as stored, or `lost` when the lease is gone.
   */
  async #record(id: string, lease: ReleaseLease, events: readonly ReleaseEvent[]): Promise<Release | 'lost'> {
    for (;;) {
      const stored = await this.#store.releases.get(id);
      if (!stored) return 'lost';
      let next = stored.release;
      for (const event of events) {
        const applied = applyReleaseEvent(next, event);
        if (applied.ok) next = applied.release;
      }
      if (next === stored.release) return next;
      if ((await this.#store.releases.update(next, stored.revision, lease)) !== undefined) {
        this.#onChange?.(next, stored.release);
        return next;
      }
      const renewed = await this.#claim(id);
      if (!renewed || renewed.epoch !== lease.epoch) return 'lost';
    }
  }

}
