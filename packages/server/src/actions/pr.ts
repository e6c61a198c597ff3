import { formatProblem, hasErrors } from '@stagecoach/core';
import { GitError } from '../git/errors.ts';
import type { GitProvider } from '../git/providers.ts';
import type { OpenRepository } from '../promotions/preview.ts';
import { planFolders } from '../promotions/plan.ts';
import { repoPath } from '../promotions/world.ts';
import { TRAILER_SEARCH_DEPTH } from './commit.ts';
import { commitMessage, ensureSourceCommit, trailersOf, type ActionInput, type ActionOutcome, type ActionRunner } from './types.ts';

/** The branch a pull request of a promotion comes from. */
export function pullRequestBranch(input: Pick<ActionInput, 'release' | 'environment' | 'application'>): string {
  return `stagecoach/${input.release}/${input.environment}/${input.application.name}`;
}

async function branchTip(repo: Awaited<ReturnType<OpenRepository>>, branch: string): Promise<string | undefined> {
  try {
    return await repo.refreshBranch(branch);
  } catch (e) {
    if (e instanceof GitError && e.code === 'branch-not-found') return undefined;
    throw e;
  }
}

/**
 * The `pr` action: the change is committed on its own branch and a pull request is opened. The
 * action stays suspended while the pull request is open, succeeds with the merge once it is
 * merged, and fails if it is closed. Every run first looks for the promotion's commit on the
 * base branch, so a merged pull request is recognised even after its branch was deleted.
 */
export function pullRequestRunner(open: OpenRepository, providerFor: (repoURL: string) => GitProvider): ActionRunner {
  return {
    action: 'pr',
    async run(input: ActionInput): Promise<ActionOutcome> {
      const target = await open(input.application.repoURL);
      const source = input.source.repoURL === input.application.repoURL ? target : await open(input.source.repoURL);
      const missing = await ensureSourceCommit(source, input.source);
      if (missing) return { status: 'failed', retryable: false, message: missing };
      const base = input.application.branch;
      const head = pullRequestBranch(input);
      const baseTip = await target.refreshBranch(base);
      const landed = await target.findCommitWithTrailers(baseTip, trailersOf(input), TRAILER_SEARCH_DEPTH);
      if (landed) {
        return { status: 'succeeded', commit: await target.commitInfo(baseTip), noChange: false, files: [], message: `merged into ${base}` };
      }

      const provider = providerFor(input.application.repoURL);
      let files: Awaited<ReturnType<typeof planFolders>>['files'] = [];
      let pr = input.pullRequest;
      if (!pr) {
        const headTip = await branchTip(target, head);
        if (!headTip) {
          const plan = await planFolders(
            { repo: source, commit: input.source.commit, folder: input.source.folder },
            { repo: target, commit: baseTip, folder: input.application.folder },
            input.promotion,
          );
          if (hasErrors(plan.problems)) {
            return { status: 'failed', retryable: false, message: plan.problems.filter((p) => p.severity === 'error').map(formatProblem).join('; ') };
          }
          if (plan.files.length === 0) return { status: 'succeeded', noChange: true, files: [], message: 'no change: the target already holds these values' };
          files = plan.files;
          const sha = await target.commitFiles({
            parent: baseTip,
            files: plan.files.map((f) => ({ path: repoPath(input.application.folder, f.path), content: f.after })),
            message: commitMessage(input, plan.files),
            author: input.author,
            date: input.now,
          });
          const pushed = await target.push(sha, head, { create: true });
          if (!pushed.ok) return { status: 'failed', retryable: true, message: `could not push branch ${head}: ${pushed.message}` };
        }
        const opened = await provider.open({
          repoURL: input.application.repoURL,
          base,
          head,
          title: `Promote ${input.product} to ${input.environment}: ${input.application.name}`,
          body: `Release ${input.release} promotes ${input.product} to ${input.environment}.\n\nMerge to continue the promotion; close to fail it.`,
        });
        pr = { provider: provider.kind, ...opened };
      }
      const state = await provider.state(input.application.repoURL, pr.id);
      switch (state.state) {
        case 'open':
          return { status: 'suspended', pullRequest: pr, message: `waiting for pull request ${pr.url} to be merged` };
        case 'merged': {
          const tip = await target.refreshBranch(base);
          const commit = (await target.isAncestor(state.mergeCommit, tip).catch(() => false)) ? state.mergeCommit : tip;
          return { status: 'succeeded', commit: await target.commitInfo(commit), noChange: false, files, message: `pull request ${pr.url} merged` };
        }
        case 'closed':
          return { status: 'failed', retryable: false, message: `pull request ${pr.url} was closed without being merged` };
      }
    },
  };
}
