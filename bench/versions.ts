/**
 * V, versions for the dashboard, in Node only: the UI benchmark's workspace (500 products × 8
 * environments, 4,000 applications in 10 local repositories, a server with a SQLite store in this
 * process) read through `GET /api/v1/versions`, against the 500 `GET
 * /api/v1/products/<name>/versions` requests, 6 at a time, a dashboard sent before.
 *
 * Cases, in rounds (`lib/measure.ts`): the batch on a new server over the data folder of the last
 * one (its Git caches kept: the first read after a restart), the batch again on a warm server,
 * and the batch after a new commit in one repository (made untimed before; its product's version
 * must show). Once: the batch on a server that has never read the repositories (every one
 * fetched into its cache first), and the 500 per-product requests. Every answer is checked: 4,000
 * applications, every one with its version.
 *
 * Run alone: `node --import tsx bench/versions.ts` (`BENCH_ITERATIONS`, `BENCH_WARMUP` as for
 * `npm run bench`). Target: every version in at most 2 s, cold or warm. Reported, not asserted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '../packages/server/src/server.ts';
import type { BenchContext, BenchmarkResult } from './lib/context.ts';
import { applicationFiles, commitToMain } from './lib/folders.ts';
import { runRounds, summarise } from './lib/measure.ts';
import { formatBenchmark, ms } from './lib/report.ts';
import { api, apply, dashboardResources, serveVersions, start, UI_ENVIRONMENTS, UI_PRODUCTS, UI_PRODUCTS_PER_REPOSITORY } from './ui-performance.ts';

/** Target: every version of the workspace served in at most this long, cold or warm. */
export const VERSIONS_TARGET_MS = 2000;
/** Measured rounds at most (a round restarts a server), and warm-up rounds at most. */
const MAX_ITERATIONS = 10;
const MAX_WARMUP = 1;

const ALL = UI_PRODUCTS * UI_ENVIRONMENTS.length;

interface Answer {
  items: { product: string; environments: { environment: string; applications: { version?: string; reason?: string }[] }[] }[];
}

/** Every application of the answer has a version; returns the version of `product` in `environment`. */
function check(answer: Answer, product?: string, environment?: string): string | undefined {
  const apps = answer.items.flatMap((i) => i.environments.flatMap((e) => e.applications));
  const unread = apps.filter((a) => a.version === undefined);
  if (answer.items.length !== UI_PRODUCTS || apps.length !== ALL || unread.length > 0) {
    throw new Error(`V: expected ${ALL} versions of ${UI_PRODUCTS} products, got ${apps.length - unread.length} of ${apps.length} (${answer.items.length} products)${unread[0] ? `; first reason: ${unread[0].reason}` : ''}`);
  }
  if (product === undefined) return undefined;
  return answer.items.find((i) => i.product === product)?.environments.find((e) => e.environment === environment)?.applications[0]?.version;
}

export async function benchVersions(ctx: Pick<BenchContext, 'scratch' | 'log' | 'warmup' | 'iterations'>): Promise<BenchmarkResult> {
  const rounds = { warmup: Math.min(ctx.warmup, MAX_WARMUP), iterations: Math.min(ctx.iterations, MAX_ITERATIONS) };
  const root = await mkdtemp(join(ctx.scratch, 'versions-'));
  const repos = join(root, 'repos');
  let server: RunningServer | undefined;
  try {
    ctx.log('V preparing the workspace');
    const documents = await dashboardResources(repos);
    server = await start(root, 'versions');
    await apply(server, documents);
    const batch = async () => (await api(server!, 'GET', '/api/v1/versions')) as Answer;

    ctx.log('V first read ever');
    let started = performance.now();
    check(await batch());
    const firstEverMs = performance.now() - started;

    // The first product of the first repository gets a new dev version before each round of that case.
    const [product, environment] = ['p001', UI_ENVIRONMENTS[0]];
    const gitDir = join(repos, 'products-01.git');
    const versionOf = (round: number) => `7.7.${round}`;
    const cases = await runRounds(
      [
        {
          name: `batch, first read of a new server (Git caches kept): ${ALL} applications`,
          async prepare() {
            await server!.close();
            server = undefined;
            server = await start(root, 'versions');
          },
          run: async () => void check(await batch()),
        },
        { name: `batch, warm: ${ALL} applications`, run: async () => void check(await batch()) },
        {
          name: `batch after a new commit in one of the ${UI_PRODUCTS / UI_PRODUCTS_PER_REPOSITORY} repositories`,
          async prepare(round) {
            await commitToMain(gitDir, `${product} ${environment} ${versionOf(round)}`, applicationFiles(`products/${product}/envs/${environment}`, environment, versionOf(round)));
          },
          async run(round) {
            const shown = check(await batch(), product, environment);
            if (shown !== versionOf(round)) throw new Error(`V: after the new commit ${product} in ${environment} shows ${shown}, not ${versionOf(round)}`);
          },
        },
      ],
      { ...rounds, onRound: (done, total) => ctx.log(`V round ${done}/${total}`) },
    );

    ctx.log(`V ${UI_PRODUCTS} per-product requests, 6 at a time`);
    started = performance.now();
    const perProduct = await serveVersions(server, 6);
    const perProductMs = performance.now() - started;
    const oneByOne = summarise(`${UI_PRODUCTS} per-product requests, 6 at a time (one sample)`, [perProductMs]);

    const median = (prefix: string) => cases.find((c) => c.name.startsWith(prefix))!.medianMs;
    const cold = median('batch, first read');
    const warm = median('batch, warm');
    const verdict = (value: number) => (value <= VERSIONS_TARGET_MS ? 'met' : 'MISSED');
    return {
      id: 'V',
      title: `versions of ${UI_PRODUCTS} products × ${UI_ENVIRONMENTS.length} environments (${ALL} applications in ${UI_PRODUCTS / UI_PRODUCTS_PER_REPOSITORY} local repositories), from Node`,
      rounds,
      cases: [...cases, oneByOne],
      comparisons: [
        { label: 'V per-product requests vs one batch (warm)', numerator: oneByOne.name, denominator: cases[1]!.name, numeratorLabel: 'per product', denominatorLabel: 'batch', ratio: perProductMs / warm },
      ],
      repositories: {},
      notes: {
        'batch, first read ever (every repository fetched into the Git cache first) (ms)': Math.round(firstEverMs),
        'per-product request, 6 at a time: median (ms)': Math.round(perProduct.each.medianMs),
        [`target every version ≤ ${VERSIONS_TARGET_MS} ms`]: `first read of a new server ${ms(cold)}, warm ${ms(warm)}, first read ever ${ms(firstEverMs)}: ${verdict(Math.max(cold, warm, firstEverMs))}`,
      },
      headlines: [
        `V ${ALL} versions in one request: new server ${ms(cold)}, warm ${ms(warm)}, first read ever ${ms(firstEverMs)} (target ≤ ${VERSIONS_TARGET_MS} ms: ${verdict(Math.max(cold, warm, firstEverMs))}); ${UI_PRODUCTS} per-product requests ${ms(perProductMs)}`,
      ],
    };
  } finally {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const setting = (key: string, fallback: number) => (process.env[key] ? Number(process.env[key]) : fallback);
  const scratch = await mkdtemp(join(tmpdir(), 'stagecoach-bench-versions-'));
  try {
    const settings = { warmup: setting('BENCH_WARMUP', 1), iterations: setting('BENCH_ITERATIONS', 5) };
    const result = await benchVersions({ scratch, log: (line) => process.stderr.write(`${line}\n`), ...settings });
    console.log(formatBenchmark(result, settings));
    console.log(result.headlines!.join('\n'));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
