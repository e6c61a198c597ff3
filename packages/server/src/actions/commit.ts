import { formatProblem, hasErrors } from '@stagecoach/core';
import type { OpenRepository } from '../promotions/preview.ts';
import { planFolders } from '../promotions/plan.ts';
import { repoPath } from '../promotions/world.ts';
import { commitMessage, ensureSourceCommit, trailersOf, type ActionInput, type ActionOutcome, type ActionRunner } from './types.ts';

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
/** How far back a retry looks for a commit it already made. */
export const TRAILER_SEARCH_DEPTH = 500;

/**
 * The `commit` action: one commit on the application's branch. It re-plans on the current tip
 * before every push, so a concurrent commit to the branch is never overwritten, and it looks for
 * its own trailers first, so a retry after a crash never commits twice.
 */
export function commitRunner(open: OpenRepository): ActionRunner {
  return {
    action: 'commit',
    async run(input: ActionInput): Promise<ActionOutcome> {
      const target = await open(input.application.repoURL);
      const source = input.source.repoURL === input.application.repoURL ? target : await open(input.source.repoURL);
      const missing = await ensureSourceCommit(source, input.source);
      if (missing) return { status: 'failed', retryable: false, message: missing };
      const trailers = trailersOf(input);
      // The lock makes writers of this process take turns on the repository; the lease on the
      // push keeps writers of other processes (replicas, people) from being overwritten.
      return target.withLock(async (): Promise<ActionOutcome> => {
      // The first attempt may start from the cached tip (usually fresh from the preview): the
      // lease on the push refuses it if the branch moved. Any answer that ends the action without
      // a push ("already there", "no change", an error) is only given on a tip just fetched.
      let cached = await target.cachedTip(input.application.branch);
      let rejected = 0;
      for (let attempt = 1; attempt <= PUSH_ATTEMPTS + 1; attempt++) {
        if (rejected > 0) await backoff(rejected);
        const fresh = cached === undefined;
        const tip = cached ?? (await (attempt === 1 ? target.resolveBranch(input.application.branch) : target.refreshBranch(input.application.branch)));
        cached = undefined;
        const done = await target.findCommitWithTrailers(tip, trailers, TRAILER_SEARCH_DEPTH);
        if (done) {
          if (!fresh) continue;
          return { status: 'succeeded', commit: await target.commitInfo(done), noChange: false, files: [], message: `already committed as ${done.slice(0, 12)}` };
        }
        const plan = await planFolders(
          { repo: source, commit: input.source.commit, folder: input.source.folder },
          { repo: target, commit: tip, folder: input.application.folder },
          input.promotion,
        );
        if (hasErrors(plan.problems)) {
          if (!fresh) continue;
          return { status: 'failed', retryable: false, message: plan.problems.filter((p) => p.severity === 'error').map(formatProblem).join('; ') };
        }
        if (plan.files.length === 0) {
          if (!fresh) continue;
          return { status: 'succeeded', noChange: true, files: [], message: 'no change: the target already holds these values' };
        }
        const sha = await target.commitFiles({
          parent: tip,
          files: plan.files.map((f) => ({ path: repoPath(input.application.folder, f.path), content: f.after })),
          message: commitMessage(input, plan.files),
          author: input.author,
          date: input.now,
        });
        const pushed = await target.push(sha, input.application.branch, { expectedOld: tip });
        if (pushed.ok) {
          return { status: 'succeeded', commit: await target.commitInfo(sha), noChange: false, files: plan.files, message: `committed ${sha.slice(0, 12)}` };
        }
        rejected++;
        if (rejected >= PUSH_ATTEMPTS) break;
      }
      return { status: 'failed', retryable: true, message: `the push to ${input.application.branch} was rejected ${PUSH_ATTEMPTS} times because the branch kept moving` };
      });
    },
  };
}
