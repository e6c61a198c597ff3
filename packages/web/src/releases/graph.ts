import dagre from '@dagrejs/dagre';
import { aggregateStatus, type EnvironmentKind, type HookName, type Release, type StepStatus, type Task, type TaskStatus } from '@stagecoach/core';
import { durationBetween } from './status.ts';

/** A problem or note of one application's task. */
export interface TaskNote {
  /** Absent for hooks, which belong to no application. */
  application?: string;
  message: string;
}

/** A workflow run of one application's task, with the task's status. */
export interface TaskRun {
  application?: string;
  run: string;
  status: TaskStatus;
}

/** One line of an environment node: a kind of task, aggregated across the environment's applications. */
export interface TaskRow {
  /** Stable within the node: `pre`, `action`, `hook/onStart`. */
  key: string;
  /** `pre-action`, `action`, `sync`, `post-action`, `trigger workflow`, `onStart hook`… */
  label: string;
  /** The workflow it runs, or the action (`commit`, `pull request`, `none`). */
  name?: string;
  hook: boolean;
  /** Across applications by precedence Failed > Terminated > Running > Suspended > Pending > Succeeded. */
  status: TaskStatus;
  /** Messages of the failed and terminated instances. */
  failures: TaskNote[];
  /** What in-flight instances wait for. */
  waiting: TaskNote[];
  runs: TaskRun[];
  pullRequests: { application?: string; url: string; id: string }[];
}

/** What an environment node of the release graph shows. */
export interface StepNodeData {
  environment: string;
  environmentKind: EnvironmentKind;
  /** The trigger environment: it runs only its trigger workflow. */
  trigger: boolean;
  dependsOn: string[];
  status: StepStatus;
  startedAt?: string;
  finishedAt?: string;
  /** From start to finish, once finished. */
  durationMs?: number;
  /** The step's first failure. */
  message?: string;
  tasks: TaskRow[];
}

type RowKind = { kind: 'hook'; hook: HookName } | { kind: 'trigger' | 'pre' | 'action' | 'sync' | 'post' };

const rowKinds: readonly RowKind[] = [
  { kind: 'hook', hook: 'onStart' },
  { kind: 'trigger' },
  { kind: 'pre' },
  { kind: 'action' },
  { kind: 'sync' },
  { kind: 'post' },
  { kind: 'hook', hook: 'onSuccess' },
  { kind: 'hook', hook: 'onFail' },
];

const labels = { trigger: 'trigger workflow', pre: 'pre-action', action: 'action', sync: 'sync', post: 'post-action' } as const;

function actionName(action: string | undefined): string | undefined {
  return action === 'pr' ? 'pull request' : action;
}

function pullRequestOf(task: Task): { url: string; id: string } | undefined {
  const pr = task.result?.pullRequest;
  return pr && typeof pr.url === 'string' ? { url: pr.url, id: pr.id } : undefined;
}

/** The rows of a set of tasks (one environment's, or the release hooks), in running order. */
export function taskRows(tasks: readonly Task[], showHooks: boolean): TaskRow[] {
  const rows: TaskRow[] = [];
  for (const rowKind of rowKinds) {
    if (rowKind.kind === 'hook' && !showHooks) continue;
    const matching = tasks.filter((task) => task.kind === rowKind.kind && (rowKind.kind !== 'hook' || task.hook === rowKind.hook));
    if (matching.length === 0) continue;
    const first = matching[0]!;
    const name = rowKind.kind === 'action' ? actionName(first.action) : first.workflow;
    const app = (task: Task) => (task.application !== undefined ? { application: task.application } : {});
    rows.push({
      key: rowKind.kind === 'hook' ? `hook/${rowKind.hook}` : rowKind.kind,
      label: rowKind.kind === 'hook' ? `${rowKind.hook} hook` : labels[rowKind.kind],
      ...(name !== undefined ? { name } : {}),
      hook: rowKind.kind === 'hook',
      status: aggregateStatus(matching.map((task) => task.status)),
      failures: matching
        .filter((task) => (task.status === 'Failed' || task.status === 'Terminated') && task.message)
        .map((task) => ({ ...app(task), message: task.message! })),
      waiting: matching
        .filter((task) => (task.status === 'Running' || task.status === 'Suspended') && task.message)
        .map((task) => ({ ...app(task), message: task.message! })),
      runs: matching.filter((task) => task.run !== undefined).map((task) => ({ ...app(task), run: task.run!, status: task.status })),
      pullRequests: matching.flatMap((task) => {
        const pr = pullRequestOf(task);
        return pr ? [{ ...app(task), ...pr }] : [];
      }),
    });
  }
  return rows;
}

/** One node per environment step, in the snapshot's order (the trigger environment first). */
export function buildStepNodes(release: Release, showHooks: boolean): StepNodeData[] {
  return release.snapshot.steps.map((plan) => {
    const state = release.steps.find((step) => step.environment === plan.environment);
    const tasks = release.tasks.filter((task) => task.environment === plan.environment);
    const durationMs = durationBetween(state?.startedAt, state?.finishedAt);
    return {
      environment: plan.environment,
      environmentKind: plan.environmentKind,
      trigger: plan.trigger,
      dependsOn: plan.dependsOn,
      status: state?.status ?? 'Pending',
      ...(state?.startedAt ? { startedAt: state.startedAt } : {}),
      ...(state?.finishedAt ? { finishedAt: state.finishedAt } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
      ...(state?.message ? { message: state.message } : {}),
      tasks: taskRows(tasks, showHooks),
    };
  });
}

/** The release's own hooks (`release/onStart`…), as rows. */
export function releaseHookRows(release: Release): TaskRow[] {
  return taskRows(
    release.tasks.filter((task) => task.environment === undefined && task.kind === 'hook'),
    true,
  );
}

/**
 * Keeps the previous node object wherever nothing in it changed, so memoised node components
 * re-render only for the environments an event touched.
 */
export function reuseUnchanged(previous: ReadonlyMap<string, StepNodeData>, next: readonly StepNodeData[]): StepNodeData[] {
  return next.map((node) => {
    const before = previous.get(node.environment);
    return before !== undefined && JSON.stringify(before) === JSON.stringify(node) ? before : node;
  });
}

/** Node width in the graph, in pixels. */
export const NODE_WIDTH = 310;

/** A node's height estimate, in pixels, from what it lists; the layout reserves this much. */
export function nodeHeight(node: StepNodeData): number {
  const lines = node.tasks.reduce((sum, row) => sum + 1 + (row.failures.length > 0 ? 2 : 0), 0);
  return 78 + lines * 26;
}

/** Where each node goes (its top-left corner), by environment. */
export type GraphLayout = Map<string, { x: number; y: number }>;

/** What the layout depends on: nodes with their sizes and the edges. Equal keys, equal layouts. */
export function layoutKey(nodes: readonly StepNodeData[]): string {
  return nodes.map((node) => `${node.environment}:${nodeHeight(node)}<${node.dependsOn.join(',')}`).join('|');
}

/**
 * Lays the graph out left to right with dagre: each step one rank after the steps it depends on,
 * steps that run side by side stacked in one column.
 */
export function layoutSteps(nodes: readonly StepNodeData[]): GraphLayout {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 32, ranksep: 72, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  const present = new Set(nodes.map((node) => node.environment));
  for (const node of nodes) graph.setNode(node.environment, { width: NODE_WIDTH, height: nodeHeight(node) });
  for (const node of nodes) {
    for (const upstream of node.dependsOn) if (present.has(upstream)) graph.setEdge(upstream, node.environment);
  }
  dagre.layout(graph);
  const layout: GraphLayout = new Map();
  for (const node of nodes) {
    const placed = graph.node(node.environment) as { x: number; y: number; width: number; height: number };
    layout.set(node.environment, { x: placed.x - placed.width / 2, y: placed.y - placed.height / 2 });
  }
  return layout;
}
