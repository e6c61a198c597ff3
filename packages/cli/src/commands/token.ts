import type { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { parseFormat, table, toYaml } from '../output.ts';

interface TokenView {
  id: string;
  name: string;
  role: string;
  labels: Record<string, string>;
  createdAt: string;
  lastUsedAt?: string;
}

function parseLabels(pairs: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliError(`--label must be key=value, got "${pair}"`, EXIT.usage);
    labels[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return labels;
}

export function registerToken(program: Command, ctx: Context): void {
  const token = program.command('token').description('API tokens (admin only)');
  token
    .command('create')
    .description('create a token and print its secret (shown only once)')
    .requiredOption('--name <name>', 'a DNS-1123 name, e.g. ci-bot')
    .requiredOption('--role <role>', 'admin, member or viewer')
    .option('--label <key=value...>', 'labels to tell tokens apart (key=value; repeatable)')
    .option('-o, --output <format>', 'table (the secret alone), yaml or json', 'table')
    .action(async (opts) => {
      const format = parseFormat(opts.output);
      const made = await ctx
        .client()
        .request<{ token: TokenView; secret: string }>('POST', '/api/v1/tokens', { json: { name: opts.name, role: opts.role, labels: parseLabels(opts.label ?? []) } });
      if (format === 'json') ctx.io.out(`${JSON.stringify(made, null, 2)}\n`);
      else if (format === 'yaml') ctx.io.out(toYaml(made));
      else {
        ctx.io.err(`Token "${made.token.name}" (${made.token.role}) created. Its secret is shown only now:\n`);
        ctx.io.out(`${made.secret}\n`);
      }
    });
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('-o, --output <format>', 'table, yaml or json', 'table')
    .action(async (opts) => {
      const format = parseFormat(opts.output);
      const { items } = await ctx.client().request<{ items: TokenView[] }>('GET', '/api/v1/tokens');
      if (format === 'json') ctx.io.out(`${JSON.stringify(items, null, 2)}\n`);
      else if (format === 'yaml') ctx.io.out(toYaml(items));
      else ctx.io.out(table(['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED'], items.map((t) => [t.id, t.name, t.role, t.createdAt, t.lastUsedAt ?? '-'])));
    });
  token
    .command('revoke')
    .description('revoke a token by id')
    .argument('<id>', 'token id from "token list"')
    .action(async (id) => {
      await ctx.client().request('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
      ctx.io.out(`token ${id} revoked\n`);
    });
}
