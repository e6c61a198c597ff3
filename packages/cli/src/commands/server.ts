import type { Command } from '@commander-js/extra-typings';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ConfigError, startServer, type RunningServer, type ServerConfigInput } from '@stagecoach/server';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';

/**
 * Reads a settings file. `${NAME}` anywhere in it is replaced by that environment variable, so
 * tokens stay out of the file; an unset variable is an error rather than an empty string.
 */
export async function readSettings(file: string, env: NodeJS.ProcessEnv): Promise<ServerConfigInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(`--config ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, EXIT.usage);
  }
  const missing = new Set<string>();
  const expanded = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) missing.add(name);
    return value ?? '';
  });
  if (missing.size > 0) throw new CliError(`--config ${file}: environment variable(s) not set: ${[...missing].join(', ')}`, EXIT.usage);
  let value: unknown;
  try {
    value = parse(expanded);
  } catch (e) {
    throw new CliError(`--config ${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`, EXIT.usage);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new CliError(`--config ${file}: must be a map of settings`, EXIT.usage);
  return value as ServerConfigInput;
}

/** A TCP port from a flag: 0 to 65535 (0 picks a free one). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be a number from 0 to 65535, got "${value}"`, EXIT.usage);
  return port;
}

/** What a command that starts the server adds to it. */
export interface ServeOptions {
  /**
   * Runs once the server listens and its address and first admin token are printed, before the
   * closing "Open …" line; if it throws, the server is closed and the error goes on.
   */
  afterStart?: (server: RunningServer) => Promise<void>;
  /** Called when the server is ready, after everything is printed. */
  onStarted?: (server: RunningServer) => void;
}

/**
 * Starts the server (an admin token in STAGECOACH_ADMIN_TOKEN is added to `input`), prints where
 * it listens and, on the first start, the admin token, then serves until SIGINT or SIGTERM and
 * closes. Failures to start become CLI errors: bad settings exit 2, a busy port or anything
 * else 3.
 */
export async function serveUntilStopped(ctx: Context, input: ServerConfigInput, options: ServeOptions = {}): Promise<void> {
  const server = await start(input, ctx.io.env.STAGECOACH_ADMIN_TOKEN);
  announce(ctx, server, ctx.io.env.STAGECOACH_ADMIN_TOKEN);
  try {
    await options.afterStart?.(server);
  } catch (e) {
    await server.close();
    throw e;
  }
  // Listen for the signals before "Open …" is printed: whoever waits for that line may send
  // SIGTERM at once, and a signal with no listener ends the process without closing the server.
  // (Until here a signal ends a start that may be stuck, as it should.)
  let requestStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  process.once('SIGINT', requestStop);
  process.once('SIGTERM', requestStop);
  try {
    ctx.io.out(`Open ${server.url}/ in a browser; the API document is at ${server.url}/api/v1/openapi.json\n`);
    options.onStarted?.(server);
    await stopRequested;
    ctx.io.out('Stopping…\n');
    await server.close();
  } finally {
    process.off('SIGINT', requestStop);
    process.off('SIGTERM', requestStop);
  }
}

/** Starts the server; failures to start become CLI errors (bad settings 2, a busy port or anything else 3). */
async function start(input: ServerConfigInput, adminToken: string | undefined): Promise<RunningServer> {
  try {
    return await startServer({ ...input, ...(adminToken ? { adminToken } : {}) });
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message, EXIT.usage);
    const code = (e as { code?: string }).code;
    if (code === "EADDRINUSE") throw new CliError(`port ${input.port ?? 8080} is already in use; choose another with --port`, EXIT.unavailable);
    throw new CliError(`cannot start: ${(e as Error).message}`, EXIT.unavailable);
  }
}

/** Prints where the server listens, its store and, on the first start, the admin token. */
function announce(ctx: Context, server: RunningServer, adminToken: string | undefined): void {
  const store = server.config.databaseUrl ? 'PostgreSQL' : `SQLite in ${server.config.dataDir}`;
  ctx.io.out(`Stagecoach is listening on ${server.url} (store: ${store})\n`);
  if (server.initialAdminToken) {
    ctx.io.out(
      `\nFirst start: an admin token was created (also saved, owner-only, in ${server.initialAdminTokenFile}):\n\n` +
        `  export STAGECOACH_SERVER=${server.url}\n  export STAGECOACH_TOKEN=${server.initialAdminToken}\n\n`,
    );
  } else if (adminToken) {
    ctx.io.out('The token in STAGECOACH_ADMIN_TOKEN is accepted as an admin token.\n');
  }
}

export function registerServer(program: Command, ctx: Context, onStarted?: (server: RunningServer) => void): void {
  program
    .command('server')
    .description('start the Stagecoach server (embedded SQLite store unless --database-url is given)')
    .option('--config <file>', 'YAML settings file (port, host, dataDir, databaseUrl, publicUrl, gitProviders); ${VAR} is replaced from the environment')
    .option('--port <port>', 'TCP port (default 8080)')
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--data-dir <dir>', 'folder for the embedded store and the Git cache (default .stagecoach)')
    .option('--database-url <url>', 'postgres://… to store everything in PostgreSQL (or STAGECOACH_DATABASE_URL)')
    .action(async (opts) => {
      const file = opts.config ? await readSettings(opts.config, ctx.io.env) : {};
      const databaseUrl = opts.databaseUrl ?? ctx.io.env.STAGECOACH_DATABASE_URL;
      const port = opts.port === undefined ? undefined : parsePort(opts.port);
      await serveUntilStopped(
        ctx,
        {
          ...file,
          ...(port !== undefined ? { port } : {}),
          ...(opts.host ? { host: opts.host } : {}),
          ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
          ...(databaseUrl ? { databaseUrl } : {}),
        },
        onStarted ? { onStarted } : {},
      );
    });
}
