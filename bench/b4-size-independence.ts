import { join } from 'node:path';
import { makeWarmClone, warmSedPush } from './lib/baseline.ts';
import type { BenchContext, BenchmarkResult } from './lib/context.ts';
import { ratioOfMedians, runRounds, type Case } from './lib/measure.ts';
import { APPLICATION_FOLDERS, BRANCH, commitDevVersion, ensureRepository, readVersions, repoSize, serveCopy, type RepoSpec } from './lib/repos.ts';
import { stagecoachPromotion } from './lib/stagecoach.ts';

/** 50,000 files in 500 folders and 5,000 commits (generated once, about 10 s, then reused). */
export const BIG_REPOSITORY: RepoSpec = { name: 'big', files: 50_000, folders: 500, commits: 5_000 };
/** 50 files in 5 folders and 10 commits. */
export const SMALL_REPOSITORY: RepoSpec = { name: 'small', files: 50, folders: 5, commits: 10 };

export const B4_TARGET = 1.3;

type Size = 'big' | 'small';

/**
 * B4, size independence: the same Stagecoach promotion as B1 in a big and a small repository,
 * both already in the port's cache. Only the promotion is timed; the dev commit before it is not.
 *
 * For information, the same rounds run B1's warm-clone baseline in a copy of each repository:
 * how much a bigger repository costs plain git (its fetch and push, and a work tree) tells apart
 * what the size costs Stagecoach from what it costs any git client.
 */
export async function benchSizeIndependence(ctx: BenchContext): Promise<BenchmarkResult> {
  const big = await ensureRepository(ctx.cacheDir, BIG_REPOSITORY);
  if (big.generatedMs !== undefined) ctx.log(`B4 generated the big repository in ${(big.generatedMs / 1000).toFixed(1)} s (kept in ${ctx.cacheDir})`);
  const small = await ensureRepository(ctx.cacheDir, SMALL_REPOSITORY);
  const templates = { big: big.path, small: small.path };
  const url = (path: string) => ctx.server.url(path.slice(ctx.serverRoot.length + 1));
  const version = (round: number) => `3.${round}.0`;
  const promoted = (gitDir: string) => async (round: number) => {
    const qa = await readVersions(gitDir, BRANCH, APPLICATION_FOLDERS.qa);
    if (qa.appVersion !== version(round) || qa.tag !== version(round)) {
      throw new Error(`B4: ${gitDir} holds ${JSON.stringify(qa)} in qa after round ${round}, expected ${version(round)}`);
    }
  };

  const contestants = async (size: Size) => {
    const ours = await serveCopy(templates[size], ctx.serverRoot, `b4-${size}.git`);
    const theirs = await serveCopy(templates[size], ctx.serverRoot, `b4-${size}-git.git`);
    const measured = await repoSize(ours);
    const promotion = stagecoachPromotion(ctx.port, url(ours), ctx.credentials);
    const coldFetchMs = await promotion.warm();
    const clone = join(ctx.scratch, `b4-${size}-clone`);
    await makeWarmClone(ctx.authHeader, url(theirs), clone);
    const described = `${measured.files.toLocaleString('en-US')} files / ${measured.commits.toLocaleString('en-US')} commits`;
    const stagecoach: Case = {
      name: `stagecoach, ${described}`,
      prepare: async (round) => void (await commitDevVersion(ours, version(round))),
      run: async (round) => void (await promotion.promote(`bench-${ctx.runId}-b4-${size}-${round}`)),
      check: promoted(ours),
    };
    const git: Case = {
      name: `git warm clone, ${described}`,
      prepare: async (round) => void (await commitDevVersion(theirs, version(round))),
      run: (round) => warmSedPush(ctx.authHeader, clone, version(round)),
      check: promoted(theirs),
    };
    return { size: measured, coldFetchMs, stagecoach, git };
  };
  const bigOnes = await contestants('big');
  const smallOnes = await contestants('small');

  const [oursBig, oursSmall, gitBig, gitSmall] = await runRounds([bigOnes.stagecoach, smallOnes.stagecoach, bigOnes.git, smallOnes.git], {
    warmup: ctx.warmup,
    iterations: ctx.iterations,
    onRound: (done, total) => ctx.log(`B4 round ${done}/${total}`),
  });
  return {
    id: 'B4',
    title: 'size independence (the B1 promotion, both repositories already in the cache)',
    cases: [oursBig!, oursSmall!, gitBig!, gitSmall!],
    comparisons: [
      {
        label: 'B4 size independence',
        numerator: oursBig!.name,
        denominator: oursSmall!.name,
        numeratorLabel: short(BIG_REPOSITORY),
        denominatorLabel: short(SMALL_REPOSITORY),
        ratio: ratioOfMedians(oursBig!, oursSmall!),
        target: B4_TARGET,
      },
      {
        label: 'B4 the same for plain git (warm clone)',
        numerator: gitBig!.name,
        denominator: gitSmall!.name,
        numeratorLabel: short(BIG_REPOSITORY),
        denominatorLabel: short(SMALL_REPOSITORY),
        ratio: ratioOfMedians(gitBig!, gitSmall!),
      },
      {
        label: `B4 in the ${short(BIG_REPOSITORY)} repository`,
        numerator: oursBig!.name,
        denominator: gitBig!.name,
        numeratorLabel: 'stagecoach',
        denominatorLabel: 'git fetch+reset+sed+commit+push',
        ratio: ratioOfMedians(oursBig!, gitBig!),
      },
    ],
    repositories: { big: bigOnes.size, small: smallOnes.size },
    notes: {
      'stagecoach first fetch of the big repository into the cache (ms)': Math.round(bigOnes.coldFetchMs),
      'stagecoach first fetch of the small repository into the cache (ms)': Math.round(smallOnes.coldFetchMs),
    },
  };
}

function short(spec: RepoSpec): string {
  const n = (x: number) => (x >= 1000 ? `${x / 1000}k` : String(x));
  return `${n(spec.files)} files/${n(spec.commits)} commits`;
}
