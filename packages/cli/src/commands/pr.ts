import type { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { parseFormat, table, toYaml } from '../output.ts';

interface PullRequest {
  id: string;
  repoURL: string;
  base: string;
  head: string;
  title: string;
  state: string;
  mergeCommit?: string;
  createdAt: string;
  url: string;
}

export function registerPullRequest(program: Command, ctx: Context): void {
  const pr = program.command('pr').description('pull requests of repositories without a hosting service (the local provider)');
  pr.command('list')
    .description('list pull requests, newest first')
    .option('--state <state>', 'open, merged or closed')
    .option('-o, --output <format>', 'table, yaml or json', 'table')
    .action(async (opts) => {
      const format = parseFormat(opts.output);
      if (opts.state && !['open', 'merged', 'closed'].includes(opts.state)) throw new CliError(`--state must be open, merged or closed, got "${opts.state}"`, EXIT.usage);
      const { items } = await ctx.client().request<{ items: PullRequest[] }>('GET', `/api/v1/pull-requests${opts.state ? `?state=${opts.state}` : ''}`);
      if (format === 'json') ctx.io.out(`${JSON.stringify(items, null, 2)}\n`);
      else if (format === 'yaml') ctx.io.out(toYaml(items));
      else ctx.io.out(table(['ID', 'STATE', 'BASE', 'HEAD', 'TITLE'], items.map((p) => [p.id, p.state, p.base, p.head, p.title])));
    });
  for (const verb of ['merge', 'close'] as const) {
    pr.command(verb)
      .description(verb === 'merge' ? 'merge a pull request into its base branch' : 'close a pull request without merging (its promotion step fails)')
      .argument('<id>', 'pull request id from "pr list"')
      .action(async (id) => {
        const done = await ctx.client().request<PullRequest>('POST', `/api/v1/pull-requests/${encodeURIComponent(id)}/${verb}`);
        ctx.io.out(verb === 'merge' ? `pull request ${id} merged into ${done.base} as ${done.mergeCommit?.slice(0, 12)}\n` : `pull request ${id} closed\n`);
      });
  }
}
