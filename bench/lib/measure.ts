/**
 * Measuring: cases run in rounds, each round running every case once, in an order that rotates
 * from round to round, so a slow spell of a loaded machine falls on all cases alike. The first
 * `warmup` rounds are run and checked but not recorded.
 */

/** One thing measured. Only `run` is timed; `prepare` and `check` run around it, untimed. */
export interface Case {
  name: string;
  /** Sets up round `round` (e.g. a new dev commit). */
  prepare?(round: number): Promise<void>;
  run(round: number): Promise<void>;
  /** Verifies what `run` did; throws when it did not do the work. */
  check?(round: number): Promise<void>;
}

/** Wall-clock times of one case, in milliseconds. */
export interface Summary {
  name: string;
  samplesMs: number[];
  medianMs: number;
  /** 90th percentile, nearest rank. */
  p90Ms: number;
  minMs: number;
  maxMs: number;
}

export interface RoundsOptions {
  warmup: number;
  iterations: number;
  /** Called after each round, with the round number (warm-up rounds included) and the total. */
  onRound?(done: number, total: number): void;
}

export async function runRounds(cases: readonly Case[], options: RoundsOptions): Promise<Summary[]> {
  const samples = cases.map(() => [] as number[]);
  const total = options.warmup + options.iterations;
  for (let round = 0; round < total; round++) {
    for (let k = 0; k < cases.length; k++) {
      const index = (round + k) % cases.length;
      const c = cases[index]!;
      await c.prepare?.(round);
      const started = performance.now();
      await c.run(round);
      const elapsed = performance.now() - started;
      await c.check?.(round);
      if (round >= options.warmup) samples[index]!.push(elapsed);
    }
    options.onRound?.(round + 1, total);
  }
  return cases.map((c, i) => summarise(c.name, samples[i]!));
}

export function summarise(name: string, samplesMs: number[]): Summary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  if (sorted.length === 0) throw new RangeError(`case "${name}" has no samples`);
  const middle = Math.floor(sorted.length / 2);
  const medianMs = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const p90Ms = sorted[Math.max(0, Math.ceil(0.9 * sorted.length) - 1)]!;
  return { name, samplesMs, medianMs, p90Ms, minMs: sorted[0]!, maxMs: sorted[sorted.length - 1]! };
}

/** `numerator.median / denominator.median`. */
export function ratioOfMedians(numerator: Summary, denominator: Summary): number {
  return numerator.medianMs / denominator.medianMs;
}
