import { sortEnvironments } from '../dashboard/board.ts';
import type { Environment } from '../resources.ts';
import type { ReleaseSummary } from './api.ts';

/** One environment's cell of a release row. */
export interface StepCell {
  status: string;
  /** Why the step failed, shown on hover. */
  message?: string;
}

/** One row of the releases table. */
export interface ReleaseRow {
  id: string;
  /** ISO 8601 creation time. */
  createdAt: string;
  /** `cf-101 #4`. */
  title: string;
  product: string;
  initiator: string;
  /** `env-dependencies v3.0`, or `manual`. */
  flow: string;
  /** The product version it promotes. */
  version: string;
  /** By environment; absent where the release has no step. */
  cells: Record<string, StepCell>;
  status: string;
  message?: string;
}

/** `name vVERSION`, or the name alone when there is no version. */
export function flowLabel(flow: string, version: string | undefined): string {
  if (version === undefined || version === '') return flow;
  return `${flow} ${version.startsWith('v') ? version : `v${version}`}`;
}

/** The table's rows, in the order given (the API sends newest first). */
export function buildReleaseRows(releases: readonly ReleaseSummary[]): ReleaseRow[] {
  return releases.map((release) => {
    const cells: Record<string, StepCell> = {};
    for (const step of release.steps) {
      cells[step.environment] = { status: step.status, ...(step.message ? { message: step.message } : {}) };
    }
    return {
      id: release.id,
      createdAt: release.createdAt,
      title: release.title,
      product: release.product,
      initiator: release.initiator,
      flow: flowLabel(release.flow, release.flowVersion),
      version: release.version,
      cells,
      status: release.status,
      ...(release.message ? { message: release.message } : {}),
    };
  });
}

/**
 * The environment columns: every environment some listed release has a step in, in the
 * dashboard's order (`spec.order`, then name); environments not declared (any more)
 * come last, by name.
 */
export function environmentColumns(releases: readonly ReleaseSummary[], environments: readonly Environment[]): string[] {
  const used = new Set(releases.flatMap((release) => release.steps.map((step) => step.environment)));
  const declared = sortEnvironments(environments).map((environment) => environment.metadata.name);
  const known = new Set(declared);
  return [...declared.filter((name) => used.has(name)), ...[...used].filter((name) => !known.has(name)).sort()];
}

/**
 * The API's `since` and `until` for a range of calendar days (`YYYY-MM-DD`, in the browser's
 * zone): from the start of the first day to the end of the last. Empty days are open ends.
 */
export function dayRangeBounds(from: string | undefined, to: string | undefined): { since?: string; until?: string } {
  const bounds: { since?: string; until?: string } = {};
  const start = parseDay(from);
  if (start) bounds.since = start.toISOString();
  const end = parseDay(to);
  if (end) {
    end.setDate(end.getDate() + 1);
    bounds.until = new Date(end.getTime() - 1).toISOString();
  }
  return bounds;
}

function parseDay(day: string | undefined): Date | undefined {
  const match = day === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}
