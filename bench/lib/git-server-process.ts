import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The bench's smart-HTTP Git server, run in a child process. */
export interface GitServerProcess {
  /** `http://127.0.0.1:<port>/<name>`. */
  url(repoName: string): string;
  /** How many requests were answered, and how many were refused with 401. */
  stats(): Promise<{ requests: number; unauthorized: number }>;
  /** Stops the server and waits for its process to end. */
  close(): Promise<void>;
}

/**
 * Starts `git-http-server.ts` (git http-backend behind Basic auth) in a process of its own, as a
 * Git server is to the Stagecoach server in production: its request handling and its many
 * `git http-backend` spawns then do not hold up the event loop of a server measured in the
 * bench's process, nor does that server's work hold up the Git server when the baseline runs.
 */
export async function startGitServerProcess(options: { root: string; username: string; password: string }): Promise<GitServerProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./git-server-main.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_GIT_ROOT: options.root, BENCH_GIT_USER: options.username, BENCH_GIT_PASSWORD: options.password },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`the bench's git server ended before it was ready (${signal ?? `exit code ${code}`})`)));
    child.once('message', (message: { type: string; url?: string }) => {
      if (message.type === 'ready' && message.url) resolve(message.url);
      else reject(new Error(`the bench's git server said ${JSON.stringify(message)} when starting`));
    });
  });
  return {
    url: (repoName) => `${base}${repoName}`,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (message: { type: string; stats: { requests: number; unauthorized: number } }) => resolve(message.stats));
        child.send({ type: 'stats' });
      }),
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.send({ type: 'close' });
      await exited;
    },
  };
}
