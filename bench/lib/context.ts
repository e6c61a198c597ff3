import type { GitCredentials, GitPort } from '../../packages/server/src/git/port.ts';
import type { GitServerProcess } from './git-server-process.ts';
import type { Summary } from './measure.ts';
import type { RepoSize } from './repos.ts';

/** What every benchmark of one run shares. */
export interface BenchContext {
  /** Serves every bare repository under `serverRoot`, with Basic auth. */
  server: GitServerProcess;
  serverRoot: string;
  /** A temporary folder for clones and other scratch work; removed at the end. */
  scratch: string;
  /** Where generated repositories are kept between runs (`bench/.cache`). */
  cacheDir: string;
  /** The one long-lived Git port of the run, as in the server; its cache is in a temporary folder. */
  port: GitPort;
  credentials: GitCredentials;
  /** The same credentials as an `Authorization` header, for the plain-git baselines. */
  authHeader: string;
  /** Tells the commits of one run apart from those of another (release ids). */
  runId: string;
  warmup: number;
  iterations: number;
  /** Progress and information lines, to standard error. */
  log(line: string): void;
}

/** A ratio of medians and the target it is reported against. */
export interface Comparison {
  label: string;
  /** Case names. */
  numerator: string;
  denominator: string;
  /** Short names of the two cases, for the summary line. */
  numeratorLabel: string;
  denominatorLabel: string;
  ratio: number;
  /** Largest ratio that meets the target; absent for ratios reported for information. */
  target?: number;
}

export interface BenchmarkResult {
  id: string;
  title: string;
  cases: Summary[];
  comparisons: Comparison[];
  /** The repositories measured, by role. */
  repositories: Record<string, RepoSize>;
  /** Other measured facts worth keeping (e.g. the first fetch of a repository into the cache, ms). */
  notes: Record<string, number | string>;
  /** The rounds this benchmark ran, when it caps the run's settings (a round of it takes seconds). */
  rounds?: { warmup: number; iterations: number };
  /** Figures for the summary that are not ratios (e.g. promotions per second). */
  headlines?: string[];
}
