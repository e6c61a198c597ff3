import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cloneSedPush, makeWarmClone, warmSedPush } from './lib/baseline.ts';
import type { BenchContext, BenchmarkResult } from './lib/context.ts';
import { ratioOfMedians, runRounds, type Case } from './lib/measure.ts';
import { APPLICATION_FOLDERS, BRANCH, commitDevVersion, ensureRepository, readVersions, repoSize, serveCopy, type RepoSpec } from './lib/repos.ts';
import { stagecoachPromotion } from './lib/stagecoach.ts';

/** The application repository of B1: the two environments and 50 other files. */
export const APP_REPOSITORY: RepoSpec = { name: 'app', files: 50, folders: 5, commits: 10 };

export const B1_TARGET = 1.5;

/**
 * B1, one promotion vs plain git. Each round commits a new version to dev (untimed), then
 * promotes `appVersion` and `image.tag` to qa:
 * - Stagecoach: preview + `commit` action (plan on the tip, commit by plumbing, push with lease)
 *   through the run's long-lived Git port;
 * - for information, the `commit` action alone, given the dev commit (as a release that was
 *   previewed earlier runs it);
 * - a CI job: `git clone --depth 1` + `sed` + `git commit -am` + `git push`;
 * - a CI job with a kept clone: `git fetch` + `git reset --hard` + `sed` + commit + push.
 * Each contestant has its own copy of the repository, so none sees another's commits.
 */
export async function benchOnePromotion(ctx: BenchContext): Promise<BenchmarkResult> {
  const { path: template } = await ensureRepository(ctx.cacheDir, APP_REPOSITORY);
  const repos = {
    stagecoach: await serveCopy(template, ctx.serverRoot, 'b1-stagecoach.git'),
    action: await serveCopy(template, ctx.serverRoot, 'b1-action.git'),
    clone: await serveCopy(template, ctx.serverRoot, 'b1-clone.git'),
    warm: await serveCopy(template, ctx.serverRoot, 'b1-warm.git'),
  };
  const size = await repoSize(repos.stagecoach);
  const url = (path: string) => ctx.server.url(path.slice(ctx.serverRoot.length + 1));
  const version = (round: number) => `2.${round}.0`;
  const promoted = (gitDir: string) => async (round: number) => {
    const qa = await readVersions(gitDir, BRANCH, APPLICATION_FOLDERS.qa);
    if (qa.appVersion !== version(round) || qa.tag !== version(round)) {
      throw new Error(`B1: ${gitDir} holds ${JSON.stringify(qa)} in qa after round ${round}, expected ${version(round)}`);
    }
  };

  const stagecoach = stagecoachPromotion(ctx.port, url(repos.stagecoach), ctx.credentials);
  const action = stagecoachPromotion(ctx.port, url(repos.action), ctx.credentials);
  const coldFetchMs = await stagecoach.warm();
  await action.warm();
  let trigger = '';
  const warmClone = join(ctx.scratch, 'b1-warm-clone');
  await makeWarmClone(ctx.authHeader, url(repos.warm), warmClone);

  const cases: Case[] = [
    {
      name: 'stagecoach preview + commit + push',
      prepare: async (round) => void (await commitDevVersion(repos.stagecoach, version(round))),
      run: async (round) => void (await stagecoach.promote(`bench-${ctx.runId}-b1-${round}`)),
      check: promoted(repos.stagecoach),
    },
    {
      name: 'stagecoach commit action only (no preview)',
      prepare: async (round) => void (trigger = await commitDevVersion(repos.action, version(round))),
      run: async (round) => void (await action.commit(`bench-${ctx.runId}-b1-action-${round}`, trigger)),
      check: promoted(repos.action),
    },
    {
      name: 'git clone --depth 1 + sed + commit + push',
      prepare: async (round) => void (await commitDevVersion(repos.clone, version(round))),
      run: (round) => cloneSedPush(ctx.authHeader, url(repos.clone), join(ctx.scratch, `b1-clone-${round}`), version(round)),
      check: async (round) => {
        await promoted(repos.clone)(round);
        await rm(join(ctx.scratch, `b1-clone-${round}`), { recursive: true, force: true });
      },
    },
    {
      name: 'warm clone: fetch + reset + sed + commit + push',
      prepare: async (round) => void (await commitDevVersion(repos.warm, version(round))),
      run: (round) => warmSedPush(ctx.authHeader, warmClone, version(round)),
      check: promoted(repos.warm),
    },
  ];
  const [ours, actionOnly, clone, warm] = await runRounds(cases, {
    warmup: ctx.warmup,
    iterations: ctx.iterations,
    onRound: (done, total) => ctx.log(`B1 round ${done}/${total}`),
  });
  return {
    id: 'B1',
    title: `one promotion (2 properties in 2 files, ${size.files} files, smart HTTP + Basic auth on loopback)`,
    cases: [ours!, actionOnly!, clone!, warm!],
    comparisons: [
      {
        label: 'B1 one promotion',
        numerator: ours!.name,
        denominator: clone!.name,
        numeratorLabel: 'stagecoach',
        denominatorLabel: 'git clone+sed+commit+push',
        ratio: ratioOfMedians(ours!, clone!),
        target: B1_TARGET,
      },
      {
        label: 'B1 one promotion, warm clone',
        numerator: ours!.name,
        denominator: warm!.name,
        numeratorLabel: 'stagecoach',
        denominatorLabel: 'git fetch+reset+sed+commit+push',
        ratio: ratioOfMedians(ours!, warm!),
      },
      {
        label: 'B1 commit action alone',
        numerator: actionOnly!.name,
        denominator: clone!.name,
        numeratorLabel: 'stagecoach commit action',
        denominatorLabel: 'git clone+sed+commit+push',
        ratio: ratioOfMedians(actionOnly!, clone!),
      },
    ],
    repositories: { app: size },
    notes: { 'stagecoach first fetch into the cache (ms)': Math.round(coldFetchMs) },
  };
}
