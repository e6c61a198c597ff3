/**
 * `npm run bench`: Stagecoach's promotion against plain git, over a real smart-HTTP git server
 * with Basic auth on loopback. Prints a table per benchmark and a summary, and writes
 * `bench/results/<date>-<name>.json`. Targets are reported, not asserted: the exit code is
 * non-zero only when something failed (1), or a setting is invalid (2).
 *
 * Settings (environment):
 * - `BENCH_ITERATIONS`: measured rounds per benchmark. Default 30 (B2 runs at most 5, B3 at most 3).
 * - `BENCH_WARMUP`: rounds run first and not recorded. Default 3 (B2 and B3 run at most 1).
 * - `BENCH_ONLY`: benchmarks to run, comma-separated (`B1,B4`; `V` for the dashboard's versions, `UI` for the web UI in Chromium). Default all.
 * - `BENCH_NAME`: the `<name>` of the results file. Default `local`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGitCli } from '../packages/server/src/adapters/git-cli/index.ts';
import { tempDir } from '../packages/server/src/testing/git-fixtures.ts';
import { benchOnePromotion } from './b1-one-promotion.ts';
import { benchSixEnvironmentFlow } from './b2-six-environment-flow.ts';
import { benchHundredProducts } from './b3-hundred-products.ts';
import { benchSizeIndependence } from './b4-size-independence.ts';
import { benchUiPerformance } from './ui-performance.ts';
import { benchVersions } from './versions.ts';
import { basicAuthHeader, stopScripts } from './lib/baseline.ts';
import { Cleanup } from './lib/cleanup.ts';
import type { BenchContext, BenchmarkResult } from './lib/context.ts';
import { startGitServerProcess } from './lib/git-server-process.ts';
import { formatBenchmark, formatSummary } from './lib/report.ts';

const BENCHMARKS = {
  B1: benchOnePromotion,
  B2: benchSixEnvironmentFlow,
  B3: benchHundredProducts,
  B4: benchSizeIndependence,
  V: benchVersions,
  UI: benchUiPerformance,
} as const satisfies Record<string, (ctx: BenchContext) => Promise<BenchmarkResult>>;
type BenchmarkId = keyof typeof BENCHMARKS;

interface Options {
  iterations: number;
  warmup: number;
  only: BenchmarkId[];
  name: string;
}

/** Reads the settings; returns every problem at once. */
function parseOptions(env: NodeJS.ProcessEnv): Options | string[] {
  const problems: string[] = [];
  const integer = (key: string, fallback: number, min: number): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) problems.push(`${key}=${JSON.stringify(raw)}: must be an integer ≥ ${min}`);
    return value;
  };
  const iterations = integer('BENCH_ITERATIONS', 30, 1);
  const warmup = integer('BENCH_WARMUP', 3, 0);
  const only = (env.BENCH_ONLY ?? '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const id of only) if (!(id in BENCHMARKS)) problems.push(`BENCH_ONLY: unknown benchmark "${id}"; expected some of ${Object.keys(BENCHMARKS).join(', ')}`);
  const name = env.BENCH_NAME || 'local';
  if (!/^[A-Za-z0-9._-]+$/.test(name)) problems.push(`BENCH_NAME=${JSON.stringify(name)}: must be letters, digits, ".", "_" or "-"`);
  if (problems.length > 0) return problems;
  return { iterations, warmup, only: (only.length > 0 ? only : Object.keys(BENCHMARKS)) as BenchmarkId[], name };
}

async function main(): Promise<number> {
  const options = parseOptions(process.env);
  if (Array.isArray(options)) {
    console.error(`bench: invalid settings:\n${options.map((p) => `  ${p}`).join('\n')}`);
    return 2;
  }
  const benchDir = fileURLToPath(new URL('.', import.meta.url));
  const cleanup = new Cleanup();
  cleanup.onSignals();
  const started = performance.now();
  const loadBefore = os.loadavg();
  const results: BenchmarkResult[] = [];
  let code = 0;
  try {
    const served = await tempDir('stagecoach-bench-served-');
    cleanup.add('served repositories', served, served.cleanup);
    const scratch = await tempDir('stagecoach-bench-scratch-');
    cleanup.add('scratch folder', scratch, scratch.cleanup);
    const portCache = await tempDir('stagecoach-bench-cache-');
    cleanup.add('Git port cache', portCache, portCache.cleanup);
    const username = 'bench';
    const password = randomBytes(12).toString('hex');
    const server = await startGitServerProcess({ root: served.path, username, password });
    cleanup.add('git HTTP server', server, server.close);
    const port = createGitCli({ cacheDir: portCache.path });
    cleanup.add('Git port', port, () => port.close());
    cleanup.add('baseline scripts', undefined, stopScripts);

    const ctx: BenchContext = {
      server,
      serverRoot: served.path,
      scratch: scratch.path,
      cacheDir: join(benchDir, '.cache'),
      port,
      credentials: { type: 'basic', username, password },
      authHeader: basicAuthHeader(username, password),
      runId: randomBytes(4).toString('hex'),
      warmup: options.warmup,
      iterations: options.iterations,
      log: progress,
    };
    for (const id of options.only) {
      progress(`${id} starting`);
      const result = await BENCHMARKS[id](ctx);
      results.push(result);
      progress('');
      console.log(`${formatBenchmark(result, options)}\n`);
    }
    const { unauthorized } = await server.stats();
    if (unauthorized > 0) progress(`(the server refused ${unauthorized} requests without credentials, as git first asks without them)`);
  } catch (error) {
    progress('');
    if (!cleanup.interrupted) console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    code = 1;
  } finally {
    const failures = await cleanup.run();
    if (failures.length > 0) {
      console.error(`bench: cleanup failed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
      code = 1;
    }
  }
  if (results.length > 0) {
    const file = await writeResults(join(benchDir, 'results'), options, results, { loadBefore, durationMs: performance.now() - started, failed: code !== 0 });
    console.log(formatSummary(results));
    console.log(`\nresults written to ${file} (${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
  }
  return code;
}

async function writeResults(
  dir: string,
  options: Options,
  results: BenchmarkResult[],
  run: { loadBefore: number[]; durationMs: number; failed: boolean },
): Promise<string> {
  const now = new Date();
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '');
  const file = join(dir, `${stamp}-${options.name}.json`);
  const cpus = os.cpus();
  const document = {
    name: options.name,
    date: now.toISOString(),
    complete: !run.failed,
    machine: {
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryBytes: os.totalmem(),
      node: process.version,
      git: execFileSync('git', ['--version'], { encoding: 'utf8' }).trim(),
      loadAverageBefore: run.loadBefore,
      loadAverageAfter: os.loadavg(),
    },
    settings: { iterations: options.iterations, warmup: options.warmup },
    durationMs: Math.round(run.durationMs),
    benchmarks: results.map((r) => ({
      ...r,
      cases: r.cases.map((c) => ({
        name: c.name,
        medianMs: tenth(c.medianMs),
        p90Ms: tenth(c.p90Ms),
        minMs: tenth(c.minMs),
        maxMs: tenth(c.maxMs),
        samplesMs: c.samplesMs.map(tenth),
      })),
      comparisons: r.comparisons.map((c) => ({ ...c, ratio: Math.round(c.ratio * 1000) / 1000 })),
    })),
  };
  await mkdir(dir, { recursive: true });
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}

const tenth = (ms: number) => Math.round(ms * 10) / 10;

/** A progress line on standard error, rewritten in place on a terminal; `''` clears it. */
function progress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}`);
  else if (line !== '' && !/ round \d*[1-9]\/\d+$/.test(line)) process.stderr.write(`${line}\n`); // every 10th round
}

process.exitCode = await main();
