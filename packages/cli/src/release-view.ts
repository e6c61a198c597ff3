import type { Release, StepStatus, Task, TaskStatus } from '@stagecoach/core';
import pc from 'picocolors';

/** A release as the API returns it. */
export type ApiRelease = Release & { title: string; counters: { succeeded: number; running: number; failed: number; pending: number } };

type Paint = (text: string) => string;
interface Colours {
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
  dim: Paint;
  bold: Paint;
  magenta: Paint;
}
const plain: Colours = { red: String, green: String, yellow: String, cyan: String, dim: String, bold: String, magenta: String };

const SYMBOL: Record<TaskStatus | StepStatus | 'Queued' | 'Terminating', string> = {
  Pending: '·',
  Queued: '·',
  Running: '▶',
  Suspended: '⏸',
  Succeeded: '✓',
  Failed: '✗',
  Terminated: '■',
  Terminating: '■',
  Skipped: '-',
};

function paint(status: string, c: Colours): Paint {
  switch (status) {
    case 'Succeeded':
      return c.green;
    case 'Failed':
      return c.red;
    case 'Terminated':
    case 'Terminating':
      return c.magenta;
    case 'Running':
      return c.cyan;
    case 'Suspended':
      return c.yellow;
    default:
      return c.dim;
  }
}

/** A duration as people read it: `850ms`, `12s`, `3m04s`, `2h05m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function took(item: { startedAt?: string; finishedAt?: string }, now: number): string {
  if (!item.startedAt) return '';
  const end = item.finishedAt ? Date.parse(item.finishedAt) : now;
  return formatDuration(end - Date.parse(item.startedAt));
}

/** What a task is, in a few words: `pre-action smoke`, `commit`, `sync wait`, `onFail hook page`. */
export function taskLabel(task: Task): string {
  switch (task.kind) {
    case 'hook':
      return `${task.hook} hook ${task.workflow}`;
    case 'trigger':
      return `trigger workflow ${task.workflow}`;
    case 'pre':
      return `pre-action ${task.workflow}`;
    case 'post':
      return `post-action ${task.workflow}`;
    case 'action':
      return task.action === 'pr' ? 'pull request' : task.action === 'none' ? 'no action' : 'commit';
    case 'sync':
      return 'sync wait';
  }
}

/**
 * The release as a tree: a header, then per environment (in flow order, with what it waits for)
 * its status and duration, and under it each task that has started, with its message. Tasks that
 * never ran (an `onFail` hook of a release that succeeded) are left out.
 */
export function renderReleaseTree(release: ApiRelease, now: number, colour: boolean): string {
  const c = colour ? (pc as unknown as Colours) : plain;
  const flow = release.snapshot.flow;
  const lines: string[] = [];
  const status = paint(release.status, c)(`${SYMBOL[release.status]} ${release.status}`);
  lines.push(`${c.bold(release.title)}  ${flow.name}${flow.version ? ` v${flow.version}` : ''}  version ${release.version}  ${status}  ${c.dim(took(release, now))}`);
  if (release.message) lines.push(`  ${paint(release.status, c)(release.message)}`);
  const show = (task: Task, indent: string) => {
    if (task.status === 'Pending' && task.attempt === 0) return;
    const text = `${SYMBOL[task.status]} ${taskLabel(task)}${task.application ? c.dim(` (${task.application})`) : ''}`;
    lines.push(`${indent}${paint(task.status, c)(text)}  ${c.dim(took(task, now))}${task.message ? c.dim(`  ${task.message}`) : ''}`);
  };
  for (const task of release.tasks.filter((t) => t.environment === undefined && t.hook === 'onStart')) show(task, '  ');
  for (const step of release.steps) {
    const plan = release.snapshot.steps.find((s) => s.environment === step.environment);
    const waits = plan && plan.dependsOn.length > 0 ? c.dim(` ← ${plan.dependsOn.join(', ')}`) : '';
    lines.push(`  ${paint(step.status, c)(`${SYMBOL[step.status]} ${step.environment}`)}${waits}  ${paint(step.status, c)(step.status)}  ${c.dim(took(step, now))}`);
    for (const task of release.tasks.filter((t) => t.environment === step.environment)) show(task, '      ');
  }
  for (const task of release.tasks.filter((t) => t.environment === undefined && t.hook !== 'onStart')) show(task, '  ');
  return `${lines.join('\n')}\n`;
}

/**
 * What changed between two looks at a release, one line each, for logs and pipes: the release's
 * status, each step's status, each task's status (with its message).
 */
export function releaseChanges(previous: ApiRelease | undefined, next: ApiRelease, at: string): string[] {
  const time = at.slice(11, 19);
  const ended = (status: string) => ['Succeeded', 'Failed', 'Terminated'].includes(status);
  const releaseLine = previous?.status !== next.status ? `${time} ${next.title} ${next.status}${next.message ? `: ${next.message}` : ''}` : undefined;
  const stepLines = { started: [] as string[], ended: [] as string[] };
  for (const step of next.steps) {
    const before = previous?.steps.find((s) => s.environment === step.environment);
    if (before?.status === step.status || (before === undefined && step.status === 'Pending')) continue;
    (ended(step.status) ? stepLines.ended : stepLines.started).push(`${time} ${next.title} ${step.environment} ${step.status}`);
  }
  const taskLines = { ended: [] as string[], started: [] as string[] };
  for (const task of next.tasks) {
    const before = previous?.tasks.find((t) => t.key === task.key);
    const changed = before ? before.status !== task.status || before.attempt !== task.attempt : task.status !== 'Pending';
    if (!changed) continue;
    (ended(task.status) ? taskLines.ended : taskLines.started).push(`${time} ${next.title} ${task.environment ?? 'release'} ${taskLabel(task)}${task.application ? ` (${task.application})` : ''} ${task.status}${task.message ? `: ${task.message}` : ''}`);
  }
  // In causal order: what ended (tasks, then their steps) before what it let start (steps, then their tasks); an ending release last.
  const first = releaseLine && !ended(next.status) ? [releaseLine] : [];
  const last = releaseLine && ended(next.status) ? [releaseLine] : [];
  return [...first, ...taskLines.ended, ...stepLines.ended, ...stepLines.started, ...taskLines.started, ...last];
}
