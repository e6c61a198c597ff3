import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/**
 * Settings given to every `git` command with `-c`. None is a secret. They take precedence over
 * the cache repository's own config, and (with the isolation variables below) leave nothing to
 * the user's or the system's config.
 */
export const SAFE_CONFIG: readonly string[] = [
  // Only transports we mean to use; `ext::` and `fd::` could run commands named in a URL.
  'protocol.allow=never',
  'protocol.https.allow=always',
  'protocol.http.allow=always',
  'protocol.ssh.allow=always',
  'protocol.git.allow=always',
  'protocol.file.allow=always',
  // The authorization header must not follow a redirect to another server.
  'http.followRedirects=false',
  'credential.helper=',
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.askPass=',
  'submodule.recurse=false',
  'fetch.recurseSubmodules=false',
  // Housekeeping runs inside the command, never as a process that outlives it.
  'gc.autoDetach=false',
  'init.defaultBranch=main',
  'color.ui=false',
  'commit.gpgSign=false',
  'tag.gpgSign=false',
];

/** Environment variables removed from the server's environment before it is given to git. */
const DROPPED_ENV = /^(GIT_|SSH_ASKPASS)|^(ASKPASS|DISPLAY|SSH_AUTH_SOCK)$/;

/** The environment every git process starts from: the server's, minus git's own variables, plus isolation. */
export function baseGitEnv(parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (value !== undefined && !DROPPED_ENV.test(key)) env[key] = value;
  }
  return {
    ...env,
    // English, stable output: errors are classified by their text.
    LC_ALL: 'C',
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    // Paths are literal: a folder named `:(glob)*` is a folder, not pathspec magic.
    GIT_LITERAL_PATHSPECS: '1',
  };
}

/** What was spawned; given to `onSpawn` hooks before the process starts. `env` may hold secrets: never log it. */
export interface GitSpawn {
  args: readonly string[];
  cwd: string | undefined;
  env: Readonly<Record<string, string>>;
}

export interface RunGitOptions {
  cwd?: string;
  /** Added to the isolated base environment (credentials, `GIT_DIR`, author). */
  env?: Record<string, string>;
  /** Written to standard input, which is then closed. Default: nothing (closed at once). */
  input?: Buffer | string;
  /** Kills the process (and its children) after this many milliseconds. Default 60000. */
  timeoutMs?: number;
  /** Called before the process starts. */
  onSpawn?: (spawned: GitSpawn) => void;
  /** Most bytes of standard error kept (the tail). Default 64 KiB. */
  maxStderrBytes?: number;
  /**
   * Receives standard output as it comes, instead of collecting it (`stdout` is then empty).
   * Returning `'stop'` ends the process at once: a reader that has what it needs does not wait
   * for the rest (a history walk). Should it throw, the process is ended and `runGit` rejects
   * with that error.
   */
  onStdout?: (chunk: Buffer) => 'stop' | void;
}

export interface GitResult {
  /** Exit code; `null` when the process was killed. */
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** True when the timeout killed it. */
  timedOut: boolean;
  /** True when `onStdout` asked it to stop (and it was killed). */
  stopped: boolean;
  durationMs: number;
}

/** The argument list of a git command: the safe settings, then `args` as given. */
export function gitArgs(args: readonly string[]): string[] {
  return [...SAFE_CONFIG.flatMap((setting) => ['-c', setting]), ...args];
}

/**
 * Runs `git` with `args` (no shell) and collects its output. Resolves with the exit code whatever
 * it is; rejects only when git could not be started (or `onStdout` threw). The caller decides
 * what a code means.
 */
export function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  const { cwd, input, timeoutMs = 60_000, maxStderrBytes = 64 * 1024 } = options;
  const env = { ...baseGitEnv(), ...options.env };
  const argv = gitArgs(args);
  options.onSpawn?.({ args: argv, cwd, env });
  const started = performance.now();

  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      // Its own process group, so a timeout also ends the remote helpers and ssh it started.
      child = spawn('git', argv, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true, shell: false });
    } catch (error) {
      reject(error);
      return;
    }
    const stdout: Buffer[] = [];
    let stderr = Buffer.alloc(0);
    let timedOut = false;
    let stopped = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);

    const { onStdout } = options;
    let readerError: unknown;
    child.stdout!.on('data', (chunk: Buffer) => {
      if (onStdout === undefined) {
        stdout.push(chunk);
        return;
      }
      if (stopped) return;
      let answer: 'stop' | void;
      try {
        answer = onStdout(chunk);
      } catch (error) {
        readerError = error;
        answer = 'stop';
      }
      if (answer === 'stop') {
        stopped = true;
        killGroup(child);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > maxStderrBytes) stderr = stderr.subarray(stderr.length - maxStderrBytes);
    });
    // git may exit before reading all its input (e.g. on a bad argument); that is not our error.
    child.stdin!.on('error', () => {});
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (readerError !== undefined) {
        reject(readerError);
        return;
      }
      resolve({
        code,
        stdout: Buffer.concat(stdout),
        stderr: stderr.toString('utf8'),
        timedOut,
        stopped,
        durationMs: performance.now() - started,
      });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}
