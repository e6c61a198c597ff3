import { runGit } from '../adapters/git-cli/index.ts';
import type { DemoPerson } from './catalogue.ts';

/** The demo repositories' one branch. */
export const DEMO_BRANCH = 'main';

/** A git command of the demo that failed; unexpected, so it is thrown. */
export class DemoGitError extends Error {
  readonly code = 'demo_git_failed';
}

/**
 * Runs git on a bare repository with the demo's author, never the machine's configuration
 * (`runGit` leaves out the system and global settings). Throws unless git exits with 0, or with
 * one of `allow`.
 */
export async function git(
  gitDir: string,
  args: readonly string[],
  options: { input?: string | Buffer; env?: Record<string, string>; allow?: readonly number[] } = {},
): Promise<{ code: number; stdout: string }> {
  const result = await runGit(args, {
    env: { GIT_DIR: gitDir, ...options.env },
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  const code = result.code ?? -1;
  if (code !== 0 && !(options.allow ?? []).includes(code)) {
    throw new DemoGitError(`git ${args[0]} in ${gitDir} exited with ${result.code}${result.timedOut ? ' (timed out)' : ''}: ${result.stderr.trim()}`);
  }
  return { code, stdout: result.stdout.toString('utf8') };
}

/** `Name <email> <seconds> <+hhmm>`, as commits and fast-import write an identity. */
export function identity(person: DemoPerson, at: string): string {
  const offset = /([+-])(\d\d):(\d\d)$/.exec(at);
  const zone = offset ? `${offset[1]}${offset[2]}${offset[3]}` : '+0000';
  return `${person.name} <${person.email}> ${Math.floor(Date.parse(at) / 1000)} ${zone}`;
}

/** The environment that makes `person` the author and committer of a commit made at `at`. */
export function authorEnv(person: DemoPerson, at: Date): Record<string, string> {
  const date = `${Math.floor(at.getTime() / 1000)} +0000`;
  return {
    GIT_AUTHOR_NAME: person.name,
    GIT_AUTHOR_EMAIL: person.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: person.name,
    GIT_COMMITTER_EMAIL: person.email,
    GIT_COMMITTER_DATE: date,
  };
}

/** The commit the branch points at, or undefined when there is none. */
export async function branchHead(gitDir: string, branch = DEMO_BRANCH): Promise<string | undefined> {
  const r = await git(gitDir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { allow: [1, 128] });
  return r.code === 0 ? r.stdout.trim() : undefined;
}
