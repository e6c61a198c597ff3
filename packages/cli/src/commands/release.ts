import type { Command } from '@commander-js/extra-typings';
import { RELEASE_STATUSES } from '@stagecoach/core';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { parseFormat, table, toYaml } from '../output.ts';
import { formatDuration, renderReleaseTree, type ApiRelease } from '../release-view.ts';
import { watchRelease } from '../watch.ts';

interface ReleaseSummary {
  id: string;
  title: string;
  flow: string;
  flowVersion?: string;
  version: string;
  initiator: string;
  status: string;
  message?: string;
  steps: { environment: string; status: string }[];
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

const STEP_MARK: Record<string, string> = { Succeeded: '✓', Failed: '✗', Terminated: '■', Running: '▶', Suspended: '⏸', Pending: '·', Skipped: '-' };

/** Prints a release the way `-o` asks: the tree (table), YAML or JSON. */
export function printRelease(ctx: Context, release: ApiRelease, output: string): void {
  const format = parseFormat(output);
  if (format === 'json') ctx.io.out(`${JSON.stringify(release, null, 2)}\n`);
  else if (format === 'yaml') ctx.io.out(toYaml(release));
  else ctx.io.out(renderReleaseTree(release, Date.now(), ctx.io.isTty && !ctx.io.env.NO_COLOR));
}

/** After a release was created: its id and where to follow it, or the live view with `--watch`. */
export async function afterCreate(ctx: Context, release: ApiRelease, opts: { watch?: boolean; output: string }): Promise<void> {
  if (opts.watch) {
    await watchRelease(ctx, release.id);
    return;
  }
  if (parseFormat(opts.output) !== 'table') return printRelease(ctx, release, opts.output);
  ctx.io.out(`${release.title} (${release.id}) ${release.status}\nfollow it: stagecoach release watch ${release.id}\n`);
}

export function registerRelease(program: Command, ctx: Context): void {
  const release = program.command('release').description('list, inspect, follow, retry and terminate releases');

  release
    .command('list')
    .description('releases, newest first')
    .option('--product <product>', 'only this product')
    .option('--flow <flow>', 'only this flow (or manual)')
    .option('--status <status>', `only these statuses, comma-separated (${RELEASE_STATUSES.join(', ')})`)
    .option('--limit <n>', 'at most this many', '50')
    .option('-o, --output <format>', 'table, yaml or json', 'table')
    .action(async (opts) => {
      const format = parseFormat(opts.output);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError(`--limit must be a number from 1 to 1000, got "${opts.limit}"`, EXIT.usage);
      const query = new URLSearchParams({ limit: String(limit) });
      if (opts.product) query.set('product', opts.product);
      if (opts.flow) query.set('flow', opts.flow);
      if (opts.status) query.set('status', opts.status);
      const { items } = await ctx.client().request<{ items: ReleaseSummary[] }>('GET', `/api/v1/releases?${query}`);
      if (format === 'json') return ctx.io.out(`${JSON.stringify(items, null, 2)}\n`);
      if (format === 'yaml') return ctx.io.out(toYaml(items));
      const now = Date.now();
      ctx.io.out(
        table(
          ['RELEASE', 'ID', 'FLOW', 'VERSION', 'STATUS', 'STEPS', 'BY', 'CREATED', 'TOOK'],
          items.map((r) => [
            r.title,
            r.id,
            `${r.flow}${r.flowVersion ? ` v${r.flowVersion}` : ''}`,
            r.version,
            r.status,
            r.steps.map((s) => `${STEP_MARK[s.status] ?? '?'}${s.environment}`).join(' '),
            r.initiator,
            r.createdAt.replace('T', ' ').slice(0, 19),
            r.startedAt ? formatDuration((r.finishedAt ? Date.parse(r.finishedAt) : now) - Date.parse(r.startedAt)) : '',
          ]),
        ),
      );
    });

  release
    .command('get')
    .description('one release: its steps and tasks')
    .argument('<id>', 'release id')
    .option('-o, --output <format>', 'table (a tree), yaml or json', 'table')
    .action(async (id, opts) => {
      printRelease(ctx, await ctx.client().request<ApiRelease>('GET', `/api/v1/releases/${encodeURIComponent(id)}`), opts.output);
    });

  release
    .command('watch')
    .description('follow a release live until it ends (exit 1 unless it succeeds)')
    .argument('<id>', 'release id')
    .action(async (id) => {
      await watchRelease(ctx, id);
    });

  for (const verb of ['retry', 'terminate'] as const) {
    release
      .command(verb)
      .description(verb === 'retry' ? 'start a Failed or Terminated release again where it stopped' : 'stop a release: cancel running work, run onFail hooks')
      .argument('<id>', 'release id')
      .option('--watch', 'follow it until it ends')
      .option('-o, --output <format>', 'table, yaml or json', 'table')
      .action(async (id, opts) => {
        const changed = await ctx.client().request<ApiRelease>('POST', `/api/v1/releases/${encodeURIComponent(id)}/${verb}`);
        if (opts.watch) {
          await watchRelease(ctx, changed.id);
          return;
        }
        if (parseFormat(opts.output) !== 'table') return printRelease(ctx, changed, opts.output);
        ctx.io.out(`${changed.title} ${changed.status}${changed.message ? `: ${changed.message}` : ''}\n`);
      });
  }
}

export function registerFlow(program: Command, ctx: Context): void {
  const flow = program.command('flow').description('promotion flows');
  flow
    .command('trigger')
    .description('start a promotion flow for a product')
    .argument('<flow>', 'PromotionFlow name')
    .requiredOption('--product <product>', 'product to promote')
    .option('--app <application>', 'the trigger-environment application, when the product has several there')
    .option('--watch', 'follow the release live until it ends (exit 1 unless it succeeds)')
    .option('-o, --output <format>', 'table, yaml or json', 'table')
    .action(async (name, opts) => {
      const body = { product: opts.product, ...(opts.app ? { application: opts.app } : {}) };
      const created = await ctx.client().request<ApiRelease>('POST', `/api/v1/promotion-flows/${encodeURIComponent(name)}/trigger`, { json: body });
      await afterCreate(ctx, created, opts);
    });
}
