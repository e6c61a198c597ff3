import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ARGO_API_VERSION, STAGECOACH_API_VERSION, type Release } from '@stagecoach/core';
import { gitLog } from '../packages/server/src/testing/git-fixtures.ts';
import { cloneSedPush } from './lib/baseline.ts';
import type { BenchContext, BenchmarkResult } from './lib/context.ts';
import { applicationFiles, commitToMain, createServedRepository } from './lib/folders.ts';
import { ratioOfMedians, runRounds, summarise, type Case } from './lib/measure.ts';
import { BRANCH, readVersions, repoSize } from './lib/repos.ts';
import { describeRelease, expectStatus, startBenchServer, type OrchestratorTimings } from './lib/server.ts';
import { PROMOTION } from './lib/stagecoach.ts';

/** The environments of the flow, in dashboard order; dev is the trigger environment. */
export const FLOW_ENVIRONMENTS = ['dev', 'qa', 'staging', 'prod-eu', 'prod-us', 'production'] as const;
type FlowEnvironment = (typeof FLOW_ENVIRONMENTS)[number];

/** Sequential promotions on the longest path dev → qa → (staging | prod-eu | prod-us) → production. */
export const CRITICAL_PATH_PROMOTIONS = 3;
/** No-op workflow runs on that path: a pre-action and a post-action per promotion. */
export const CRITICAL_PATH_WORKFLOWS = 2 * CRITICAL_PATH_PROMOTIONS;

export const B2_TARGET = 1.5;
/** At most this many measured rounds (fewer when `BENCH_ITERATIONS` is lower): a round runs a whole flow. */
export const B2_MAX_ITERATIONS = 5;
/** At most this many warm-up rounds (fewer when `BENCH_WARMUP` is lower). */
export const B2_MAX_WARMUP = 1;
/** The orchestrator's check and tick intervals in B2. */
export const B2_TIMINGS: OrchestratorTimings = { checkMilliseconds: 20, tickMilliseconds: 20 };
/** A flow that has not ended after this long fails the benchmark. */
const RELEASE_TIMEOUT_MS = 120_000;

const PRODUCT = 'shop';
const FLOW = 'six-environments';
const NOOP = 'noop';
const folder = (environment: FlowEnvironment) => `envs/${environment}`;

/**
 * B2, a six-environment flow: dev → qa → {staging, prod-eu, prod-us} → production, every step
 * with a no-op pre-action and post-action (`sh -c true` on the local engine) and the `commit`
 * action, all six folders in one repository. Each round commits a new version to dev (untimed),
 * then times the flow from the trigger request to the moment the orchestrator stores the
 * release as Succeeded, and checks that all five targets hold the version, in exactly five
 * commits of that release.
 *
 * The floor is what the critical path costs plain git and a shell: three sequential promotions
 * (B1's `git clone --depth 1` + `sed` + `git commit -am` + `git push`, of the same edit, in a copy
 * of the same repository) plus six `sh -c true` process spawns, the no-op workflows on that path.
 * Both run in the same rounds as the flow; the floor of a round is 3 × its clone time + its six
 * spawns.
 */
export async function benchSixEnvironmentFlow(ctx: BenchContext): Promise<BenchmarkResult> {
  const rounds = { warmup: Math.min(ctx.warmup, B2_MAX_WARMUP), iterations: Math.min(ctx.iterations, B2_MAX_ITERATIONS) };
  const initial = FLOW_ENVIRONMENTS.flatMap((e) => applicationFiles(folder(e), e, '1.0.0'));
  const ours = await createServedRepository(ctx.serverRoot, 'b2-flow.git', initial);
  const theirs = await createServedRepository(ctx.serverRoot, 'b2-clone.git', initial);
  const size = await repoSize(ours);
  const url = (path: string) => ctx.server.url(path.slice(ctx.serverRoot.length + 1));
  const version = (round: number) => `4.${round}.0`;
  const devCommit = (gitDir: string, round: number) => commitToMain(gitDir, `Build ${version(round)} in dev`, applicationFiles(folder('dev'), 'dev', version(round)));

  const server = await startBenchServer(ctx, B2_TIMINGS);
  try {
    expectStatus(await server.call('POST', '/api/v1/apply', flowResources(url(ours))), 200, 'B2: applying the resources');
    await server.warm(url(ours), BRANCH);

    let trigger = '';
    const releases: Release[] = [];
    const createdMs: number[] = [];
    const flow: Case = {
      name: 'stagecoach flow, trigger → Succeeded',
      prepare: async (round) => void (trigger = await devCommit(ours, round)),
      run: async () => {
        const started = performance.now();
        const created = expectStatus(await server.call('POST', `/api/v1/promotion-flows/${FLOW}/trigger`, { product: PRODUCT }), 201, 'B2: triggering the flow');
        createdMs.push(performance.now() - started);
        const ended = await server.ended(created.id, RELEASE_TIMEOUT_MS);
        releases.push(ended);
        if (process.env.BENCH_TRACE) console.log(timeline(ended, performance.now() - started));
      },
      check: async (round) => {
        const release = releases[releases.length - 1]!;
        if (release.status !== 'Succeeded') throw new Error(`B2 round ${round}: ${describeRelease(release)}`);
        for (const environment of FLOW_ENVIRONMENTS) {
          const held = await readVersions(ours, BRANCH, folder(environment));
          if (held.appVersion !== version(round) || held.tag !== version(round)) {
            throw new Error(`B2 round ${round}: ${folder(environment)} holds ${JSON.stringify(held)}, expected ${version(round)}`);
          }
        }
        const commits = await gitLog(ours, `${trigger}..${BRANCH}`);
        const own = commits.filter((c) => c.message.includes(`Stagecoach-Release: ${release.id}`));
        if (commits.length !== FLOW_ENVIRONMENTS.length - 1 || own.length !== commits.length) {
          throw new Error(`B2 round ${round}: ${commits.length} commits after the dev commit, ${own.length} of release ${release.id}; expected ${FLOW_ENVIRONMENTS.length - 1} of it`);
        }
      },
    };
    const clone: Case = {
      name: 'git clone --depth 1 + sed + commit + push (one promotion)',
      prepare: async (round) => void (await devCommit(theirs, round)),
      run: (round) => cloneSedPush(ctx.authHeader, url(theirs), join(ctx.scratch, `b2-clone-${round}`), version(round)),
      check: async (round) => {
        const qa = await readVersions(theirs, BRANCH, folder('qa'));
        if (qa.appVersion !== version(round) || qa.tag !== version(round)) throw new Error(`B2 round ${round}: the baseline left ${JSON.stringify(qa)} in qa`);
        await rm(join(ctx.scratch, `b2-clone-${round}`), { recursive: true, force: true });
      },
    };
    const spawns: Case = {
      name: `sh -c true, ${CRITICAL_PATH_WORKFLOWS} in a row`,
      run: async () => {
        for (let i = 0; i < CRITICAL_PATH_WORKFLOWS; i++) await shTrue();
      },
    };
    const [ourFlow, cloneOnce, spawned] = await runRounds([flow, clone, spawns], {
      ...rounds,
      onRound: (done, total) => ctx.log(`B2 round ${done}/${total}`),
    });
    const floor = summarise(
      `floor: ${CRITICAL_PATH_PROMOTIONS} × clone+sed+commit+push + ${CRITICAL_PATH_WORKFLOWS} × sh -c true`,
      cloneOnce!.samplesMs.map((ms, i) => CRITICAL_PATH_PROMOTIONS * ms + spawned!.samplesMs[i]!),
    );
    const measured = releases.slice(rounds.warmup);
    return {
      id: 'B2',
      title: `six-environment flow, no-op pre- and post-actions, commit actions (${size.files} files, smart HTTP + Basic auth on loopback)`,
      rounds,
      cases: [ourFlow!, floor, cloneOnce!, spawned!],
      comparisons: [
        {
          label: 'B2 six-environment flow',
          numerator: ourFlow!.name,
          denominator: floor.name,
          numeratorLabel: 'stagecoach flow',
          denominatorLabel: `floor (${CRITICAL_PATH_PROMOTIONS} × git clone+sed+commit+push + ${CRITICAL_PATH_WORKFLOWS} × sh -c true)`,
          ratio: ratioOfMedians(ourFlow!, floor),
          target: B2_TARGET,
        },
      ],
      repositories: { flow: size },
      notes: {
        'orchestrator settings': `checkMilliseconds ${B2_TIMINGS.checkMilliseconds}, tickMilliseconds ${B2_TIMINGS.tickMilliseconds}; SQLite store; local workflow engine`,
        'trigger request answered, median (ms)': Math.round(summarise('created', createdMs.slice(rounds.warmup)).medianMs),
        'step durations, median (ms)': stepDurations(measured),
        'task durations by kind, median (ms)': taskDurations(measured),
      },
    };
  } finally {
    await server.close();
  }
}

/** Each task's start and end in milliseconds after the release was created, for `BENCH_TRACE=1`. */
function timeline(release: Release, roundMs: number): string {
  const created = Date.parse(release.createdAt);
  const at = (iso: string | undefined) => (iso === undefined ? '-' : String(Date.parse(iso) - created)).padStart(6);
  const rows = release.tasks.map((t) => `  ${t.key.padEnd(40)}${at(t.startedAt)}${at(t.finishedAt)}`);
  return [`release ${release.id}: ${Math.round(roundMs)} ms from the trigger request, ${at(release.finishedAt).trim()} ms from its creation to its end`, ...rows].join('\n');
}

/** `qa 612, staging 540, …`: the median time from a step's start to its end over the releases. */
function stepDurations(releases: readonly Release[]): string {
  return FLOW_ENVIRONMENTS.slice(1)
    .map((environment) => {
      const samples = releases.flatMap((r) => {
        const step = r.steps.find((s) => s.environment === environment);
        return step?.startedAt && step.finishedAt ? [Date.parse(step.finishedAt) - Date.parse(step.startedAt)] : [];
      });
      return samples.length > 0 ? `${environment} ${Math.round(summarise(environment, samples).medianMs)}` : `${environment} ?`;
    })
    .join(', ');
}

/** `pre 28, action 104, …`: the median time from a task's start to its end, by kind, over every step of the releases. */
function taskDurations(releases: readonly Release[]): string {
  return (['pre', 'action', 'sync', 'post'] as const)
    .map((kind) => {
      const samples = releases.flatMap((r) =>
        r.tasks.filter((t) => t.kind === kind && t.startedAt && t.finishedAt).map((t) => Date.parse(t.finishedAt!) - Date.parse(t.startedAt!)),
      );
      return samples.length > 0 ? `${kind} ${Math.round(summarise(kind, samples).medianMs)}` : `${kind} ?`;
    })
    .join(', ');
}

/** Spawns `sh -c true` and waits for it to exit. */
function shTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', 'true'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`sh -c true exited with ${code}`))));
  });
}

/** The environments, the product and its six applications, the no-op workflow and the flow. */
function flowResources(repoURL: string): unknown[] {
  const policy = { preAction: NOOP, action: 'commit', postAction: NOOP };
  return [
    ...FLOW_ENVIRONMENTS.map((name, i) => ({
      apiVersion: STAGECOACH_API_VERSION,
      kind: 'Environment',
      metadata: { name },
      spec: { kind: name.startsWith('prod') ? 'production' : 'non-production', order: i + 1 },
    })),
    {
      apiVersion: STAGECOACH_API_VERSION,
      kind: 'Product',
      metadata: { name: PRODUCT },
      spec: { promotionTemplate: { versionSource: { file: 'Chart.yaml', jsonPath: '$.appVersion' }, promotion: PROMOTION } },
    },
    ...FLOW_ENVIRONMENTS.map((environment) => ({
      apiVersion: STAGECOACH_API_VERSION,
      kind: 'Application',
      metadata: { name: `${PRODUCT}-${environment}` },
      spec: { product: PRODUCT, environment, source: { repoURL, targetRevision: BRANCH, path: folder(environment) } },
    })),
    {
      apiVersion: ARGO_API_VERSION,
      kind: 'WorkflowTemplate',
      metadata: { name: NOOP },
      spec: { entrypoint: 'main', templates: [{ name: 'main', script: { image: 'alpine', command: ['sh'], source: 'true' } }] },
    },
    {
      apiVersion: STAGECOACH_API_VERSION,
      kind: 'PromotionFlow',
      metadata: { name: FLOW },
      spec: {
        triggerEnvironment: 'dev',
        steps: [
          { environment: 'qa', dependsOn: ['dev'], policy },
          { environment: 'staging', dependsOn: ['qa'], policy },
          { environment: 'prod-eu', dependsOn: ['qa'], policy },
          { environment: 'prod-us', dependsOn: ['qa'], policy },
          { environment: 'production', dependsOn: ['staging', 'prod-eu', 'prod-us'], policy },
        ],
      },
    },
  ];
}
