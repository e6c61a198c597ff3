import { STAGECOACH_API_VERSION, type Release } from '@stagecoach/core';
import { fixtureGit, gitLog } from '../packages/server/src/testing/git-fixtures.ts';
import type { BenchContext, BenchmarkResult } from './lib/context.ts';
import { applicationFiles, commitToMain, createServedRepository } from './lib/folders.ts';
import { runRounds, summarise, type Case } from './lib/measure.ts';
import { ms } from './lib/report.ts';
import { BRANCH, repoSize } from './lib/repos.ts';
import { describeRelease, expectStatus, startBenchServer, type OrchestratorTimings } from './lib/server.ts';
import { PROMOTION } from './lib/stagecoach.ts';

/** Products promoted at once, each in its own folder of one shared repository. */
export const B3_PRODUCTS = 100;
/** At most this many measured rounds (fewer when `BENCH_ITERATIONS` is lower): a round promotes every product. */
export const B3_MAX_ITERATIONS = 3;
/** At most this many warm-up rounds (fewer when `BENCH_WARMUP` is lower). */
export const B3_MAX_WARMUP = 1;
/** The orchestrator's check and tick intervals in B3 (the same as B2's). */
export const B3_TIMINGS: OrchestratorTimings = { checkMilliseconds: 20, tickMilliseconds: 20 };
/** A promotion that has not ended this long after the burst started fails the benchmark. */
const RELEASE_TIMEOUT_MS = 600_000;

const products = Array.from({ length: B3_PRODUCTS }, (_, i) => `p${String(i + 1).padStart(3, '0')}`);
const folder = (product: string, environment: 'dev' | 'qa') => `products/${product}/envs/${environment}`;
/** A different version per product and round, so a value promoted to the wrong folder shows. */
const version = (round: number, index: number) => `5.${round}.${index + 1}`;

/**
 * B3, 100 products at once: one repository with a `products/pNNN/envs/{dev,qa}` folder pair per
 * product, 100 Products and 200 Applications, each product with the default concurrency (queue).
 * Each round commits a new version to every dev folder in one commit (untimed), then sends the
 * 100 manual promotions `POST /api/v1/promotions {product, from: dev, to: qa}` at once and times
 * them from the first request to the last release stored as Succeeded. Then it checks, with
 * `git log` on the served repository, that `main` gained exactly one commit per release (its
 * `Stagecoach-Release` trailer), none lost (every release's commit is on `main`), none
 * duplicated, none foreign, and that every qa folder holds its own product's dev value.
 */
export async function benchHundredProducts(ctx: BenchContext): Promise<BenchmarkResult> {
  const rounds = { warmup: Math.min(ctx.warmup, B3_MAX_WARMUP), iterations: Math.min(ctx.iterations, B3_MAX_ITERATIONS) };
  const repo = await createServedRepository(
    ctx.serverRoot,
    'b3-products.git',
    products.flatMap((p) => [...applicationFiles(folder(p, 'dev'), 'dev', '1.0.0'), ...applicationFiles(folder(p, 'qa'), 'qa', '1.0.0')]),
  );
  const size = await repoSize(repo);
  const repoURL = ctx.server.url('b3-products.git');

  const server = await startBenchServer(ctx, B3_TIMINGS);
  try {
    expectStatus(await server.call('POST', '/api/v1/apply', productResources(repoURL)), 200, 'B3: applying the resources');
    await server.warm(repoURL, BRANCH);

    let devCommit = '';
    let burst: Burst | undefined;
    const bursts: Burst[] = [];
    const promote: Case = {
      name: `${B3_PRODUCTS} promotions at once, first request → last Succeeded`,
      prepare: async (round) => {
        devCommit = await commitToMain(repo, `Build round ${round} of every product in dev`, products.flatMap((p, i) => applicationFiles(folder(p, 'dev'), 'dev', version(round, i))));
      },
      run: async () => {
        burst = await fire(server, RELEASE_TIMEOUT_MS);
        bursts.push(burst);
      },
      check: (round) => verify(repo, devCommit, round, burst!),
    };
    const [wall] = await runRounds([promote], { ...rounds, onRound: (done, total) => ctx.log(`B3 round ${done}/${total}`) });
    const measured = bursts.slice(rounds.warmup);
    const perSecond = B3_PRODUCTS / (wall!.medianMs / 1000);
    const latencies = summarise('latency', measured.flatMap((b) => b.latenciesMs));
    const answered = summarise('answered', measured.map((b) => b.answeredMs));
    const commits = measured.length * B3_PRODUCTS;
    return {
      id: 'B3',
      title: `${B3_PRODUCTS} products promoted dev → qa at once in one repository (${size.files} files, smart HTTP + Basic auth on loopback)`,
      rounds,
      cases: [wall!],
      comparisons: [],
      repositories: { products: size },
      notes: {
        'orchestrator settings': `checkMilliseconds ${B3_TIMINGS.checkMilliseconds}, tickMilliseconds ${B3_TIMINGS.tickMilliseconds}; SQLite store; concurrency default (queue)`,
        'promotions per second (from the median round)': Math.round(perSecond * 100) / 100,
        'promotions per second, each round': measured.map((b) => (B3_PRODUCTS / (b.wallMs / 1000)).toFixed(2)).join(', '),
        'all 100 requests answered (201), median (ms)': Math.round(answered.medianMs),
        'one promotion, request → Succeeded: median / p90 / max (ms)': `${Math.round(latencies.medianMs)} / ${Math.round(latencies.p90Ms)} / ${Math.round(latencies.maxMs)}`,
        'commits checked on main (one per release, none lost, none duplicated)': `${commits} of ${commits}`,
      },
      headlines: [
        `B3 ${B3_PRODUCTS} products at once: ${ms(wall!.medianMs)} for ${B3_PRODUCTS} promotions → ${perSecond.toFixed(2)} promotions/s (median of ${measured.length} round${measured.length === 1 ? '' : 's'}); ${commits} commits checked, 0 lost, 0 duplicated (no target)`,
      ],
    };
  } finally {
    await server.close();
  }
}

/** One round's promotions: the releases as they ended, and the times. */
interface Burst {
  releases: Release[];
  /** First request → last release Succeeded. */
  wallMs: number;
  /** First request → last 201 answer. */
  answeredMs: number;
  /** Each promotion's request → its release ended. */
  latenciesMs: number[];
}

/** Sends every product's promotion at once and waits until all have ended. */
async function fire(server: Awaited<ReturnType<typeof startBenchServer>>, timeoutMs: number): Promise<Burst> {
  const started = performance.now();
  let answeredMs = 0;
  const latenciesMs: number[] = [];
  const releases = await Promise.all(
    products.map(async (product) => {
      const sent = performance.now();
      const created = expectStatus(await server.call('POST', '/api/v1/promotions', { product, from: 'dev', to: 'qa' }), 201, `B3: promoting ${product}`);
      answeredMs = Math.max(answeredMs, performance.now() - started);
      const release = await server.ended(created.id, timeoutMs);
      latenciesMs.push(performance.now() - sent);
      return release;
    }),
  );
  return { releases, wallMs: performance.now() - started, answeredMs, latenciesMs };
}

/**
 * Every release Succeeded; `main` gained exactly one commit per release since the dev commit
 * (no other commit, none twice), each release's reported commit is one of them, and every qa
 * folder holds its product's dev value.
 */
async function verify(repo: string, devCommit: string, round: number, burst: Burst): Promise<void> {
  const failed = burst.releases.filter((r) => r.status !== 'Succeeded');
  if (failed.length > 0) throw new Error(`B3 round ${round}: ${failed.length} promotions did not succeed; the first: ${describeRelease(failed[0]!)}`);
  const byRelease = new Map<string, string[]>();
  const foreign: string[] = [];
  for (const commit of await gitLog(repo, `${devCommit}..${BRANCH}`)) {
    const ids = [...commit.message.matchAll(/^Stagecoach-Release: (\S+)$/gm)].map((m) => m[1]!);
    if (ids.length !== 1) {
      foreign.push(commit.sha);
      continue;
    }
    byRelease.set(ids[0]!, [...(byRelease.get(ids[0]!) ?? []), commit.sha]);
  }
  const problems: string[] = [];
  if (foreign.length > 0) problems.push(`${foreign.length} commits without exactly one release trailer`);
  const ours = new Set(burst.releases.map((r) => r.id));
  for (const id of byRelease.keys()) if (!ours.has(id)) problems.push(`a commit of release ${id}, not of this round`);
  for (const release of burst.releases) {
    const shas = byRelease.get(release.id) ?? [];
    const reported = release.tasks.find((t) => t.kind === 'action')?.result?.commit?.sha;
    if (shas.length === 0) problems.push(`release ${release.id} (${release.product}): no commit on main (lost${reported ? `: it reported ${reported}` : ''})`);
    else if (shas.length > 1) problems.push(`release ${release.id} (${release.product}): ${shas.length} commits (duplicated)`);
    else if (reported !== shas[0]) problems.push(`release ${release.id} (${release.product}): reported commit ${reported ?? 'none'}, main has ${shas[0]}`);
  }
  const held = await qaVersions(repo);
  products.forEach((product, i) => {
    const qa = held.get(product);
    if (qa?.appVersion !== version(round, i) || qa.tag !== version(round, i)) problems.push(`${folder(product, 'qa')} holds ${JSON.stringify(qa)}, expected ${version(round, i)}`);
  });
  if (problems.length > 0) throw new Error(`B3 round ${round}: ${problems.length} problems:\n  ${problems.slice(0, 20).join('\n  ')}`);
}

/** `appVersion` and `image.tag` of every product's qa folder on `main`, read in one `git cat-file --batch`. */
async function qaVersions(repo: string): Promise<Map<string, { appVersion?: string; tag?: string }>> {
  const paths = products.flatMap((p) => [`${BRANCH}:${folder(p, 'qa')}/Chart.yaml`, `${BRANCH}:${folder(p, 'qa')}/values.yaml`]);
  const { stdout } = await fixtureGit(['cat-file', '--batch'], { gitDir: repo, input: `${paths.join('\n')}\n` });
  const found = new Map<string, { appVersion?: string; tag?: string }>();
  let at = 0;
  for (let i = 0; i < paths.length; i++) {
    const end = stdout.indexOf(0x0a, at);
    const header = stdout.subarray(at, end).toString('utf8');
    const size = /^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1];
    if (size === undefined) throw new Error(`B3: ${paths[i]} cannot be read: ${header}`);
    const text = stdout.subarray(end + 1, end + 1 + Number(size)).toString('utf8');
    at = end + 1 + Number(size) + 1;
    const product = products[Math.floor(i / 2)]!;
    const entry = found.get(product) ?? {};
    if (i % 2 === 0) {
      const appVersion = /^appVersion: "?([^"\n]*)"?$/m.exec(text)?.[1];
      if (appVersion !== undefined) entry.appVersion = appVersion;
    } else {
      const tag = /^ {2}tag: "?([^"\n]*)"?$/m.exec(text)?.[1];
      if (tag !== undefined) entry.tag = tag;
    }
    found.set(product, entry);
  }
  return found;
}

/** dev and qa, and per product the Product and its two Applications. */
function productResources(repoURL: string): unknown[] {
  return [
    ...(['dev', 'qa'] as const).map((name, i) => ({ apiVersion: STAGECOACH_API_VERSION, kind: 'Environment', metadata: { name }, spec: { kind: 'non-production', order: i + 1 } })),
    ...products.flatMap((product) => [
      {
        apiVersion: STAGECOACH_API_VERSION,
        kind: 'Product',
        metadata: { name: product },
        spec: { promotionTemplate: { versionSource: { file: 'Chart.yaml', jsonPath: '$.appVersion' }, promotion: PROMOTION } },
      },
      ...(['dev', 'qa'] as const).map((environment) => ({
        apiVersion: STAGECOACH_API_VERSION,
        kind: 'Application',
        metadata: { name: `${product}-${environment}` },
        spec: { product, environment, source: { repoURL, targetRevision: BRANCH, path: folder(product, environment) } },
      })),
    ]),
  ];
}
