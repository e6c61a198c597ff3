import type { BenchmarkResult, Comparison } from './context.ts';
import type { RepoSize } from './repos.ts';

/** Milliseconds as people read them: one decimal below 10 ms. */
export function ms(value: number): string {
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

export function bytes(value: number): string {
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(0)} KiB`;
  return `${(value / 1024 / 1024).toFixed(1)} MiB`;
}

export function describeSize(size: RepoSize): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `${n(size.files)} files in ${n(size.folders)} folders, ${n(size.commits)} commits, ${bytes(size.bytes)} of objects`;
}

function verdict(c: Comparison): string {
  if (c.target === undefined) return 'no target';
  return `target ≤ ${c.target}: ${c.ratio <= c.target ? 'met' : 'MISSED'}`;
}

/** The table of one benchmark: a row per case, then its repositories and ratios. */
export function formatBenchmark(result: BenchmarkResult, settings: { warmup: number; iterations: number }): string {
  const rounds = result.rounds ?? settings;
  const header = ['case', 'median', 'p90', 'min', 'max'];
  const rows = result.cases.map((c) => [c.name, ms(c.medianMs), ms(c.p90Ms), ms(c.minMs), ms(c.maxMs)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')}`;
  const out = [
    `${result.id} ${result.title}`,
    `  ${rounds.iterations} measured rounds after ${rounds.warmup} warm-up rounds; cases interleaved, order rotating`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  for (const [role, size] of Object.entries(result.repositories)) out.push(`  repository ${role}: ${describeSize(size)}`);
  for (const [note, value] of Object.entries(result.notes)) out.push(`  ${note}: ${value}`);
  for (const c of result.comparisons) {
    out.push(`  ${c.label}: ratio of medians ${c.numeratorLabel} / ${c.denominatorLabel} = ${c.ratio.toFixed(2)} (${verdict(c)})`);
  }
  return out.join('\n');
}

/**
 * A benchmark's headlines, then one line per ratio: `B1 one promotion: stagecoach 212 ms vs git
 * clone+sed+commit+push 388 ms → ratio 0.55 (target ≤ 1.5: met)`.
 */
export function formatSummary(results: readonly BenchmarkResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(...(result.headlines ?? []));
    for (const c of result.comparisons) {
      const median = (name: string) => result.cases.find((k) => k.name === name)!.medianMs;
      lines.push(
        `${c.label}: ${c.numeratorLabel} ${ms(median(c.numerator))} vs ${c.denominatorLabel} ${ms(median(c.denominator))} → ratio ${c.ratio.toFixed(2)} (${verdict(c)})`,
      );
    }
  }
  return lines.join('\n');
}
