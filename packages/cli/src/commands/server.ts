import type { Command } from '@commander-js/extra-typings';
import { ConfigError, startServer, type RunningServer } from '@stagecoach/server';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be a number from 0 to 65535, got "${value}"`, EXIT.usage);
  return port;
}

export function registerServer(program: Command, ctx: Context, onStarted?: (server: RunningServer) => void): void {
  program
    .command('server')
    .description('start the Stagecoach server (embedded SQLite store unless --database-url is given)')
    .option('--port <port>', 'TCP port', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'folder for the embedded store', '.stagecoach')
    .option('--database-url <url>', 'postgres://… to store everything in PostgreSQL (or STAGECOACH_DATABASE_URL)')
    .action(async (opts) => {
      const databaseUrl = opts.databaseUrl ?? ctx.io.env.STAGECOACH_DATABASE_URL;
      const adminToken = ctx.io.env.STAGECOACH_ADMIN_TOKEN;
      const port = parsePort(opts.port);
      let server: RunningServer;
      try {
        server = await startServer({
          port,
          host: opts.host,
          dataDir: opts.dataDir,
          ...(databaseUrl ? { databaseUrl } : {}),
          ...(adminToken ? { adminToken } : {}),
        });
      } catch (e) {
        if (e instanceof ConfigError) throw new CliError(e.message, EXIT.usage);
        const code = (e as { code?: string }).code;
        if (code === 'EADDRINUSE') throw new CliError(`port ${opts.port} is already in use; choose another with --port`, EXIT.unavailable);
        throw new CliError(`cannot start: ${(e as Error).message}`, EXIT.unavailable);
      }
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
      ctx.io.out(`Open ${server.url}/ in a browser; the API document is at ${server.url}/api/v1/openapi.json\n`);
      onStarted?.(server);
      await new Promise<void>((done) => {
        const stop = () => {
          ctx.io.out('Stopping…\n');
          void server.close().then(done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
