import { formatProblem, hasErrors } from '@stagecoach/core';
import type { FileChange } from '@stagecoach/core';
import type { GitRepository } from '../git/port.ts';
import type { OpenRepository } from '../promotions/preview.ts';
import { planFolders } from '../promotions/plan.ts';
import { repoPath } from '../promotions/world.ts';
import { LruMap } from '../lru.ts';
import { commitMessage, ensureSourceCommit, failureOf, trailersOf, type ActionInput, type ActionOutcome, type ActionRunner } from './types.ts';

/** How many times a rejected push is re-planned on the new tip before the action fails. */
export const PUSH_ATTEMPTS = 20;

/**
 * Waits a little before the next attempt after a rejected push: a random share of a window that
 * grows with each attempt (up to 1 s), so writers that collided do not collide again in step.
 */
function backoff(attempt: number): Promise<void> {
  const window = Math.min(1000, 25 * 2 ** Math.min(attempt, 6));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * window));
}
/** How long the holder of the lock waits for actions of the same branch that are almost ready, in milliseconds. */
const GATHER_MS = 25;

/**
 * How long the holder of the lock waits at most for the action's companions (see
 * `ActionInput.companions`) to join, in milliseconds. Less than a push costs: parallel steps whose
 * pre-actions end a few milliseconds apart share one push instead of queueing for two.
 */
export const COMPANION_WAIT_MS = 50;

/** How many ended actions the runner remembers, so that a companion already gone is not waited for. */
const RECENT_KEPT = 1000;

/** How far back a retry looks for a commit it already made. */
export const TRAILER_SEARCH_DEPTH = 500;

/** One commit action waiting for its turn on a branch. */
interface Pending {
  input: ActionInput;
  /** Its source repository with the pinned commit in the cache, or why not; set once known. */
  prepared?: { source: GitRepository } | { answer: ActionOutcome };
  /** Settles once `prepared` is set. */
  preparing?: Promise<unknown>;
  settle: (outcome: ActionOutcome) => void;
  done: boolean;
}

/**
 * The `commit` action: one commit on the application's branch. It re-plans on the current tip
 * before every push, so a concurrent commit to the branch is never overwritten, and it looks for
 * its own trailers first, so a retry after a crash never commits twice.
 *
 * Actions that wait for the same branch of the same repository at once are pushed together (a
 * group commit): whoever gets the repository's lock first makes one commit per waiting action,
 * each on top of the previous, and pushes the last one; every action still gets its own commit,
 * with its own trailers. Parallel steps promoting into one repository then cost one push, not one
 * each. A rejected push re-plans the whole group on the new tip. An action that names
 * companions (parallel steps of its release whose pre-actions are still running) has the holder
 * wait up to `companionWaitMs` for them to join before the group is closed.
 */
export function commitRunner(open: OpenRepository, options: { companionWaitMs?: number } = {}): ActionRunner {
  const companionWaitMs = options.companionWaitMs ?? COMPANION_WAIT_MS;
  /** Actions waiting, per repository URL and branch. */
  const waiting = new Map<string, Pending[]>();
  /** Called whenever an action joins the queue of a repository URL and branch. */
  const joinListeners = new Map<string, Set<() => void>>();
  /** Actions that ended lately (the last `RECENT_KEPT`): a companion among them is not waited for. */
  const recent = new LruMap<string, true>(RECENT_KEPT);
  const ended = (pending: Pending) => recent.set(identityOf(pending.input), true);

  /** Resolves once every companion named by the queue has joined it, or after `companionWaitMs`. */
  const companionsJoined = async (key: string): Promise<void> => {
    const missing = () => {
      const queue = (waiting.get(key) ?? []).filter((p) => !p.done);
      const present = new Set(queue.map((p) => identityOf(p.input)));
      return queue.some((p) =>
        (p.input.companions ?? []).some((c) => {
          const id = identity(p.input.release, c.environment, c.application);
          return !present.has(id) && !recent.has(id);
        }),
      );
    };
    if (!missing()) return;
    let listener!: () => void;
    let timer: NodeJS.Timeout | undefined;
    const listeners = joinListeners.get(key) ?? new Set();
    joinListeners.set(key, listeners);
    await new Promise<void>((resolve) => {
      listener = () => {
        if (!missing()) resolve();
      };
      listeners.add(listener);
      timer = setTimeout(resolve, companionWaitMs);
    });
    clearTimeout(timer);
    listeners.delete(listener);
    if (listeners.size === 0) joinListeners.delete(key);
  };

  return {
    action: 'commit',
    async run(input: ActionInput): Promise<ActionOutcome> {
      // Joins the queue before anything is awaited, so actions started together are grouped.
      const key = `${input.application.repoURL}\0${input.application.branch}`;
      let settle!: (outcome: ActionOutcome) => void;
      const outcome = new Promise<ActionOutcome>((resolve) => (settle = resolve));
      const targetOpened = open(input.application.repoURL);
      const mine: Pending = { input, settle, done: false };
      waiting.set(key, [...(waiting.get(key) ?? []), mine]);
      for (const listener of joinListeners.get(key) ?? []) listener();
      // Made ready outside the lock: fetching a missing source commit takes the lock too.
      const preparing = (async (): Promise<{ source: GitRepository } | { answer: ActionOutcome }> => {
        const target = await targetOpened;
        const source = input.source.repoURL === input.application.repoURL ? target : await open(input.source.repoURL);
        const missing = await ensureSourceCommit(source, input.source);
        return missing ? { answer: { status: 'failed', retryable: false, message: missing } } : { source };
      })().catch((e: unknown) => ({ answer: failureOf(e) }));
      mine.preparing = preparing;
      mine.prepared = await preparing;
      let target: GitRepository;
      try {
        target = await targetOpened;
      } catch (e) {
        waiting.set(key, (waiting.get(key) ?? []).filter((p) => p !== mine));
        throw e;
      }
      // The lock makes writers of this process take turns on the repository; the lease on the
      // push keeps writers of other processes (replicas, people) from being overwritten. Whoever
      // holds it takes every action waiting for the branch; the others find theirs done.
      await target.withLock(async () => {
        if (mine.done) return;
        await companionsJoined(key);
        // Actions started at the same moment are usually a few milliseconds from ready: wait for
        // them briefly (not longer: one may need this lock to get ready), later ones join a later group.
        const unready = (waiting.get(key) ?? []).filter((p) => !p.done && p.prepared === undefined && p.preparing);
        if (unready.length > 0) await Promise.race([Promise.all(unready.map((p) => p.preparing)), new Promise((r) => setTimeout(r, GATHER_MS))]);
        const queue = waiting.get(key) ?? [];
        const group = queue.filter((p) => !p.done && p.prepared !== undefined);
        waiting.set(key, queue.filter((p) => !p.done && p.prepared === undefined));
        try {
          const outcomes = await commitGroup(target, input.application.branch, group);
          group.forEach((p, i) => {
            ended(p);
            finish(p, outcomes[i]!);
          });
        } catch (e) {
          // Every action of the group hears of it.
          const failure = failureOf(e);
          for (const p of group) {
            ended(p);
            finish(p, failure);
          }
        }
      });
      return outcome;
    },
  };
}

/** An application's action within a release. */
function identity(release: string, environment: string, application: string): string {
  return `${release}\0${environment}\0${application}`;
}

function identityOf(input: ActionInput): string {
  return identity(input.release, input.environment, input.application.name);
}

function finish(pending: Pending, outcome: ActionOutcome): void {
  pending.done = true;
  pending.settle(outcome);
}

/** What one action of a group does on a given tip: answer without a push, or commit these files. */
type Step = { answer: ActionOutcome } | { files: FileChange[] };

/**
 * Commits a group of actions on one branch, one commit each on top of the other, and pushes the
 * last. Returns the outcomes in the group's order.
 */
async function commitGroup(target: GitRepository, branch: string, group: readonly Pending[]): Promise<ActionOutcome[]> {
  // The first attempt may start from the cached tip (usually fresh from the preview): the lease
  // on the push refuses it if the branch moved. Any answer that ends an action without a push
  // ("already there", "no change", an error) is only given on a tip just fetched.
  let cached = await target.cachedTip(branch);
  let rejected = 0;
  for (let attempt = 1; attempt <= PUSH_ATTEMPTS + 1; attempt++) {
    if (rejected > 0) await backoff(rejected);
    const fresh = cached === undefined;
    const tip = cached ?? (await (attempt === 1 ? target.resolveBranch(branch) : target.refreshBranch(branch)));
    cached = undefined;
    // Each action plans on the commit before it in the group, so even two applications sharing a
    // folder would not overwrite each other.
    const steps: Step[] = [];
    const commits: (string | undefined)[] = [];
    let parent = tip;
    let stale = false;
    for (const pending of group) {
      const step = await stepOf(target, tip, parent, pending);
      if ('answer' in step) {
        if (!fresh) {
          stale = true;
          break;
        }
        steps.push(step);
        commits.push(undefined);
        continue;
      }
      const { input } = pending;
      parent = await target.commitFiles({
        parent,
        files: step.files.map((f) => ({ path: repoPath(input.application.folder, f.path), content: f.after })),
        message: commitMessage(input, step.files),
        author: input.author,
        date: input.now,
      });
      steps.push(step);
      commits.push(parent);
    }
    if (stale) continue;
    if (parent !== tip) {
      const pushed = await target.push(parent, branch, { expectedOld: tip });
      if (!pushed.ok) {
        rejected++;
        if (rejected >= PUSH_ATTEMPTS) break;
        continue;
      }
    }
    return Promise.all(
      steps.map(async (step, i): Promise<ActionOutcome> => {
        if ('answer' in step) return step.answer;
        const sha = commits[i]!;
        return { status: 'succeeded', commit: await target.commitInfo(sha), noChange: false, files: step.files, message: `committed ${sha.slice(0, 12)}` };
      }),
    );
  }
  return group.map(() => ({ status: 'failed', retryable: true, message: `the push to ${branch} was rejected ${PUSH_ATTEMPTS} times because the branch kept moving` }));
}

/**
 * What an action does: finds its own commit on `tip` (a retry), or plans its change on `parent`
 * (the tip, or the group's commit before it).
 */
async function stepOf(target: GitRepository, tip: string, parent: string, { input, prepared }: Pending): Promise<Step> {
  if (!prepared || 'answer' in prepared) return prepared ?? { answer: { status: 'failed', retryable: true, message: 'not ready' } };
  const { source } = prepared;
  const done = await target.findCommitWithTrailers(tip, trailersOf(input), TRAILER_SEARCH_DEPTH);
  if (done) return { answer: { status: 'succeeded', commit: await target.commitInfo(done), noChange: false, files: [], message: `already committed as ${done.slice(0, 12)}` } };
  const plan = await planFolders(
    { repo: source, commit: input.source.commit, folder: input.source.folder },
    { repo: target, commit: parent, folder: input.application.folder },
    input.promotion,
  );
  if (hasErrors(plan.problems)) {
    return { answer: { status: 'failed', retryable: false, message: plan.problems.filter((p) => p.severity === 'error').map(formatProblem).join('; ') } };
  }
  if (plan.files.length === 0) return { answer: { status: 'succeeded', noChange: true, files: [], message: 'no change: the target already holds these values' } };
  return { files: plan.files };
}
