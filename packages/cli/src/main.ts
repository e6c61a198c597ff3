import { Command, CommanderError } from '@commander-js/extra-typings';
import { registerApply } from './commands/apply.ts';
import { registerDelete } from './commands/delete.ts';
import { registerDemo } from './commands/demo.ts';
import { registerGet } from './commands/get.ts';
import { registerPolicy } from './commands/policy.ts';
import { registerServer } from './commands/server.ts';
import { registerToken } from './commands/token.ts';
import { registerPromote } from './commands/promote.ts';
import { registerVersions } from './commands/versions.ts';
import { registerPullRequest } from './commands/pr.ts';
import { registerCredential } from './commands/credential.ts';
import { registerWorkflow } from './commands/workflow.ts';
import { registerFlow, registerRelease } from './commands/release.ts';
import { makeContext } from './context.ts';
import { CliError, EXIT } from './errors.ts';
import { processIo, type Io } from './io.ts';

/** Builds the `stagecoach` program; every command is registered here, explicitly. */
export function buildProgram(io: Io) {
  const program = new Command()
    .name('stagecoach')
    .description('Promote changes of products from environment to environment through Git.')
    .option('--server <url>', 'server address (or STAGECOACH_SERVER; default http://127.0.0.1:8080)')
    .option('--token <token>', 'API token (or STAGECOACH_TOKEN)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  const ctx = makeContext(io, () => program.opts());
  registerServer(program, ctx);
  registerDemo(program, ctx);
  registerApply(program, ctx);
  registerGet(program, ctx);
  registerDelete(program, ctx);
  registerPolicy(program, ctx);
  registerToken(program, ctx);
  registerPromote(program, ctx);
  registerVersions(program, ctx);
  registerPullRequest(program, ctx);
  registerCredential(program, ctx);
  registerWorkflow(program, ctx);
  registerFlow(program, ctx);
  registerRelease(program, ctx);
  return program;
}

/** Runs the command line and returns the exit code; the one place errors become messages. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof CliError) {
      io.err(`error: ${e.message}\n${e.lines.map((l) => `${l}\n`).join('')}`);
      return e.exitCode;
    }
    io.err(`error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.refused;
  }
}
