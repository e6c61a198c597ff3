import type { Command } from '@commander-js/extra-typings';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem } from '@stagecoach/core';
import {
  DemoExamplesError,
  INITIAL_TOKEN_FILE,
  applyDemo,
  demoCommit,
  seedDemo,
  type ApplyReport,
  type DemoWorkspace,
  type RunningServer,
} from '@stagecoach/server';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { parsePort, serveUntilStopped } from './server.ts';

const DEFAULT_DATA_DIR = '.stagecoach';

/** `3 created, 30 unchanged`: how many resources each outcome had, in a fixed order. */
export function summarizeApply(report: ApplyReport): string {
  const counts = new Map<string, number>();
  for (const r of report.results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  return ['created', 'configured', 'unchanged']
    .filter((o) => counts.has(o))
    .map((o) => `${counts.get(o)} ${o}`)
    .join(', ');
}

/** The lines printed about the workspace: its repositories and what was applied. */
function describeWorkspace(workspace: DemoWorkspace, report: ApplyReport): string {
  const repos = workspace.repositories.map((r) => `${r.product} (${r.environments.length} environments${r.created ? ', new' : ''})`).join(', ');
  const warnings = report.warnings.map((w) => `  warning: ${formatProblem(w)}\n`).join('');
  return `\nDemo repositories in ${workspace.reposDir}: ${repos}\nDemo resources applied: ${summarizeApply(report)}\n${warnings}`;
}

/** How often the demo looks for new commits in trigger environments (the demo has no webhooks). */
const DEMO_POLL = '10s';

/** A few commands to try, with the token from wherever this start left it. */
function tryThis(server: RunningServer, dataDir: string, dataDirFlag: string, env: NodeJS.ProcessEnv): string {
  const tokenFile = join(dataDir, INITIAL_TOKEN_FILE);
  const token = existsSync(tokenFile) ? `$(cat ${tokenFile})` : env.STAGECOACH_ADMIN_TOKEN ? '"$STAGECOACH_ADMIN_TOKEN"' : '<an admin token>';
  return (
    `\nTry, in a second terminal:\n\n` +
    `  export STAGECOACH_SERVER=${server.url} STAGECOACH_TOKEN=${token}\n` +
    `  npm run stagecoach -- versions cf-101\n` +
    `  npm run stagecoach -- promote cf-101 --from dev --to qa --dry-run\n` +
    `  npm run stagecoach -- promote cf-101 --from dev --to qa --watch\n` +
    `  npm run stagecoach -- flow trigger env-dependencies --product cf-101 --watch   # production waits for its pull request: stagecoach pr list / pr merge\n` +
    `  npm run stagecoach -- demo commit cf-101 --env dev${dataDirFlag}    # a new version in dev starts the product's first matching flow within ${DEMO_POLL}\n` +
    `  npm run stagecoach -- release list --product cf-101\n\n`
  );
}

/** Prepares the workspace; a broken example or a failing git stops the command before the server starts. */
async function prepare(dataDir: string): Promise<DemoWorkspace> {
  try {
    return await seedDemo({ dataDir });
  } catch (e) {
    if (e instanceof DemoExamplesError) throw new CliError(`cannot prepare the demo: ${e.message}`, EXIT.refused);
    throw new CliError(`cannot prepare the demo: ${(e as Error).message}`, EXIT.unavailable);
  }
}

/** `stagecoach demo` (seed, serve, apply) and `stagecoach demo commit` (a new version, locally). */
export function registerDemo(program: Command, ctx: Context, onStarted?: (server: RunningServer) => void): void {
  const demo = program
    .command('demo')
    .description('start a demo workspace: local repositories of cf-101 and two more products, the example resources, and the server')
    .option('--port <port>', 'TCP port (default 8080)')
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--data-dir <dir>', `folder for the store, the Git cache and the demo repositories (default ${DEFAULT_DATA_DIR})`)
    .action(async (opts) => {
      const port = opts.port === undefined ? undefined : parsePort(opts.port);
      const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
      const workspace = await prepare(dataDir);
      const dataDirFlag = opts.dataDir ? ` --data-dir ${opts.dataDir}` : '';
      await serveUntilStopped(
        ctx,
        { ...(port !== undefined ? { port } : {}), ...(opts.host ? { host: opts.host } : {}), dataDir, allowLocalRepositories: true, triggers: { pollInterval: DEMO_POLL } },
        {
          afterStart: async (server) => {
            const applied = await applyDemo(server.store, workspace.resources);
            if (!applied.ok) {
              throw new CliError(`cannot apply the demo resources: ${applied.error.message}`, EXIT.refused, applied.error.details.map((p) => `  ${formatProblem(p)}`));
            }
            ctx.io.out(describeWorkspace(workspace, applied.value));
            ctx.io.out(tryThis(server, dataDir, dataDirFlag, ctx.io.env));
          },
          ...(onStarted ? { onStarted } : {}),
        },
      );
    });

  demo
    .command('commit')
    .description("make a new version of a demo product in one environment: a commit on its demo repository (no server needed)")
    .argument('<product>', 'cf-101, billing-api or web-portal')
    .requiredOption('--env <environment>', 'the environment whose folder gets the new version, e.g. dev')
    .option('--version <version>', 'the new version (default: the current one with the patch number plus one)')
    .option('--data-dir <dir>', `the demo's data folder (default ${DEFAULT_DATA_DIR})`)
    .action(async (product, opts) => {
      // The parent command reads `--data-dir` wherever it stands on the line, so look there too.
      const dataDir = opts.dataDir ?? demo.opts().dataDir ?? DEFAULT_DATA_DIR;
      const made = await demoCommit({
        dataDir,
        product,
        environment: opts.env,
        ...(opts.version !== undefined ? { version: opts.version } : {}),
      });
      if (!made.ok) throw new CliError(made.error.message, made.error.code === 'bad_request' ? EXIT.usage : EXIT.refused);
      const c = made.value;
      ctx.io.out(`${c.product} ${c.environment}: ${c.previousVersion} → ${c.version}, commit ${c.sha} on ${c.branch} by ${c.author.name}\n`);
    });
}
