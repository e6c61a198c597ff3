import { readFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { parseFormat, table, toYaml } from '../output.ts';

interface CredentialView {
  id: string;
  name: string;
  urlPrefix: string;
  type: string;
  createdAt: string;
}

/** Secrets come from environment variables or files, never from the command line, where `ps` and shell history would show them. */
async function secret(ctx: Context, env: string | undefined, file: string | undefined, what: string): Promise<string | undefined> {
  if (env) {
    const value = ctx.io.env[env];
    if (!value) throw new CliError(`environment variable ${env} (for the ${what}) is empty or unset`, EXIT.usage);
    return value;
  }
  if (file) return (await readFile(file, 'utf8')).trim();
  return undefined;
}

export function registerCredential(program: Command, ctx: Context): void {
  const credential = program.command('credential').description('Git credentials, stored encrypted (admin only)');
  credential
    .command('create')
    .description('store a credential for every repository under a URL prefix')
    .requiredOption('--name <name>', 'a DNS-1123 name')
    .requiredOption('--url-prefix <prefix>', 'e.g. https://git.example.com/acme/')
    .requiredOption('--type <type>', 'token, basic or ssh')
    .option('--username <name>', 'user name (basic; optional for token)')
    .option('--token-env <VAR>', 'read the token from this environment variable')
    .option('--password-env <VAR>', 'read the password from this environment variable')
    .option('--private-key-file <file>', 'SSH private key file')
    .option('--known-hosts-file <file>', 'known_hosts lines for the SSH host')
    .action(async (opts) => {
      const body: Record<string, string> = { name: opts.name, urlPrefix: opts.urlPrefix, type: opts.type };
      if (opts.username) body.username = opts.username;
      const token = await secret(ctx, opts.tokenEnv, undefined, 'token');
      const password = await secret(ctx, opts.passwordEnv, undefined, 'password');
      const privateKey = await secret(ctx, undefined, opts.privateKeyFile, 'private key');
      const knownHosts = await secret(ctx, undefined, opts.knownHostsFile, 'known hosts');
      if (token) body.token = token;
      if (password) body.password = password;
      if (privateKey) body.privateKey = privateKey;
      if (knownHosts) body.knownHosts = knownHosts;
      const made = await ctx.client().request<CredentialView>('POST', '/api/v1/credentials', { json: body });
      ctx.io.out(`credential "${made.name}" (${made.type}) stored for ${made.urlPrefix}\n`);
    });
  credential
    .command('list')
    .description('list credentials (never their secrets)')
    .option('-o, --output <format>', 'table, yaml or json', 'table')
    .action(async (opts) => {
      const format = parseFormat(opts.output);
      const { items } = await ctx.client().request<{ items: CredentialView[] }>('GET', '/api/v1/credentials');
      if (format === 'json') ctx.io.out(`${JSON.stringify(items, null, 2)}\n`);
      else if (format === 'yaml') ctx.io.out(toYaml(items));
      else ctx.io.out(table(['NAME', 'TYPE', 'URL PREFIX', 'CREATED'], items.map((c) => [c.name, c.type, c.urlPrefix, c.createdAt])));
    });
  credential
    .command('delete')
    .description('delete a credential')
    .argument('<name>', 'credential name')
    .action(async (name) => {
      await ctx.client().request('DELETE', `/api/v1/credentials/${encodeURIComponent(name)}`);
      ctx.io.out(`credential "${name}" deleted\n`);
    });
}
