import type { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { parseFormat, table, toYaml } from '../output.ts';

interface RunNode {
  id: string;
  name: string;
  displayName: string;
  type: string;
  phase: string;
  message?: string;
}

interface WorkflowRun {
  id: string;
  template: string;
  engine: string;
  phase: string;
  message?: string;
  attempts: number;
  retryOf?: string;
  createdAt: string;
  finishedAt?: string;
  nodes?: RunNode[];
}

const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error', 'Terminated', 'Skipped'];
const TERMINAL = new Set(['Succeeded', 'Failed', 'Error', 'Terminated', 'Skipped']);
/** Milliseconds between two reads of a watched run. */
export const WATCH_INTERVAL_MS = 500;

/** `K=V` → [K, V]; the value may itself contain `=`. */
export function parseParameter(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new CliError(`-p must be NAME=VALUE, got "${text}"`, EXIT.usage);
  return [text.slice(0, at), text.slice(at + 1)];
}

const clockTime = (at: Date) => [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');

/**
 * The lines a watch prints for a new reading of the run: one per node whose phase changed since
 * `seen` (which it updates), as `12:00:01 smoke.main  Running`; a node that did not succeed adds
 * its message after a colon (`Failed: exit code 3 (after 2 attempts)`).
 */
export function nodeChanges(run: WorkflowRun, seen: Map<string, string>, at: Date): string[] {
  const lines: string[] = [];
  for (const node of run.nodes ?? []) {
    if (seen.get(node.id) === node.phase) continue;
    seen.set(node.id, node.phase);
    lines.push(`${clockTime(at)} ${node.name}  ${node.phase}${node.message && TERMINAL.has(node.phase) && node.phase !== 'Succeeded' ? `: ${node.message}` : ''}\n`);
  }
  return lines;
}

const path = (id: string, verb = '') => `/api/v1/workflow-runs/${encodeURIComponent(id)}${verb}`;

export function registerWorkflow(program: Command, ctx: Context): void {
  const workflow = program.command('workflow').description('run WorkflowTemplates and follow their runs');

  workflow
    .command('run')
    .description('start a run of a WorkflowTemplate')
    .argument('<name>', 'the WorkflowTemplate')
    .option('-p, --parameter <name=value>', 'a parameter (repeatable); undeclared ones are dropped', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--engine <engine>', 'local or argo (default: the server\'s)')
    .option('--id <id>', 'the run\'s id; when a run with this id exists, it is shown and nothing is started')
    .option('--watch', 'follow the run until it ends; exit 0 only when it Succeeded')
    .action(async (name, opts) => {
      if (opts.engine !== undefined && !['local', 'argo'].includes(opts.engine)) throw new CliError(`--engine must be local or argo, got "${opts.engine}"`, EXIT.usage);
      const parameters = Object.fromEntries(opts.parameter.map(parseParameter));
      const client = ctx.client();
      const run = await client.request<WorkflowRun>('POST', '/api/v1/workflow-runs', {
        json: { template: name, parameters, ...(opts.engine ? { engine: opts.engine } : {}), ...(opts.id !== undefined ? { id: opts.id } : {}) },
      });
      ctx.io.out(`workflow run ${run.id} ${run.phase === 'Pending' || run.phase === 'Running' ? 'started' : `is ${run.phase}`} (${run.template} on the ${run.engine} engine)\n`);
      if (!opts.watch) return;
      const seen = new Map<string, string>();
      let current = run;
      for (;;) {
        for (const line of nodeChanges(current, seen, new Date())) ctx.io.out(line);
        if (TERMINAL.has(current.phase)) break;
        await new Promise((resolve) => setTimeout(resolve, WATCH_INTERVAL_MS));
        current = await client.request<WorkflowRun>('GET', path(run.id));
      }
      const end = `workflow run ${run.id} ${current.phase}${current.message ? `: ${current.message}` : ''}`;
      if (current.phase !== 'Succeeded') throw new CliError(end, EXIT.refused);
      ctx.io.out(`${end}\n`);
    });

  workflow
    .command('runs')
    .description('list workflow runs, newest first')
    .option('--status <phase>', `only runs in this phase: ${PHASES.join(', ')}`)
    .option('--phase <phase>', 'the same as --status')
    .option('--template <name>', 'only runs of this WorkflowTemplate')
    .option('--product <name>', 'only runs labelled with this product')
    .option('--environment <name>', 'only runs labelled with this environment')
    .option('--application <name>', 'only runs labelled with this application')
    .option('--release <id>', 'only runs labelled with this release')
    .option('--limit <n>', 'at most this many, the newest (1 to 1000)')
    .option('-o, --output <format>', 'table, yaml or json', 'table')
    .action(async (opts) => {
      const format = parseFormat(opts.output);
      if (opts.status !== undefined && opts.phase !== undefined && opts.status !== opts.phase) {
        throw new CliError(`--status "${opts.status}" and --phase "${opts.phase}" disagree; give one`, EXIT.usage);
      }
      const phase = opts.status ?? opts.phase;
      if (phase !== undefined && !PHASES.includes(phase)) throw new CliError(`--status must be one of ${PHASES.join(', ')}, got "${phase}"`, EXIT.usage);
      if (opts.limit !== undefined && !(/^\d+$/.test(opts.limit) && Number(opts.limit) >= 1 && Number(opts.limit) <= 1000)) {
        throw new CliError(`--limit must be a whole number from 1 to 1000, got "${opts.limit}"`, EXIT.usage);
      }
      const query = new URLSearchParams();
      if (phase !== undefined) query.set('phase', phase);
      for (const key of ['template', 'product', 'environment', 'application', 'release', 'limit'] as const) {
        const value = opts[key];
        if (value !== undefined) query.set(key, value);
      }
      const q = query.toString();
      const { items } = await ctx.client().request<{ items: WorkflowRun[] }>('GET', `/api/v1/workflow-runs${q ? `?${q}` : ''}`);
      if (format === 'json') ctx.io.out(`${JSON.stringify(items, null, 2)}\n`);
      else if (format === 'yaml') ctx.io.out(toYaml(items));
      else ctx.io.out(table(['ID', 'TEMPLATE', 'ENGINE', 'PHASE', 'ATTEMPTS', 'CREATED', 'FINISHED'], items.map((r) => [r.id, r.template, r.engine, r.phase, String(r.attempts), r.createdAt, r.finishedAt ?? ''])));
    });

  workflow
    .command('logs')
    .description('print the logs of a run: every node, each line after its node\'s name, or one node')
    .argument('<run>', 'run id from "workflow runs"')
    .option('--node <node>', 'a node id or name')
    .action(async (id, opts) => {
      // The client speaks JSON; the server answers `{ text }` to it instead of text/plain.
      const { text } = await ctx.client().request<{ text: string }>('GET', `${path(id, '/logs')}${opts.node ? `?node=${encodeURIComponent(opts.node)}` : ''}`);
      ctx.io.out(text);
    });

  const verbs = {
    terminate: 'stop a Pending or Running run',
    retry: 'run a Failed, Error or Terminated run again under the same id, from what did not succeed',
    resubmit: 'start a new run with the same template, engine and parameters',
  } as const;
  for (const verb of ['terminate', 'retry', 'resubmit'] as const) {
    workflow
      .command(verb)
      .description(verbs[verb])
      .argument('<run>', 'run id from "workflow runs"')
      .action(async (id) => {
        const run = await ctx.client().request<WorkflowRun>('POST', path(id, `/${verb}`));
        if (verb === 'resubmit') ctx.io.out(`workflow run ${run.id} started (resubmits ${id})\n`);
        else if (verb === 'retry') ctx.io.out(`workflow run ${id} retried (attempt ${run.attempts}), ${run.phase}\n`);
        else ctx.io.out(`workflow run ${id} ${run.phase === 'Terminated' ? 'terminated' : `is terminating (${run.phase})`}\n`);
      });
  }
}
