import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fixtureGit } from '../../packages/server/src/testing/git-fixtures.ts';

/**
 * The plain-git baselines: the bash scripts in `bench/baseline/`, run as a CI job runs them, with
 * a git free of the machine's configuration and the credentials in an `http.extraHeader`.
 */

/** Kills a script (and the git processes it started) that runs longer than this, in milliseconds. */
const SCRIPT_TIMEOUT_MS = 120_000;

/** Scripts running now, so an interrupted run can stop them. */
const running = new Set<ChildProcess>();

/** Stops the scripts still running (and the git processes they started). */
export async function stopScripts(): Promise<void> {
  for (const child of running) killGroup(child);
}

const script = (name: string) => fileURLToPath(new URL(`../baseline/${name}`, import.meta.url));

/** The `Authorization` header of HTTP Basic credentials, as given to `git -c http.extraHeader=`. */
export function basicAuthHeader(username: string, password: string): string {
  return `Authorization: Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** `git clone --depth 1` + `sed` + `git commit -am` + `git push`, into `work` (which must not exist yet). */
export function cloneSedPush(authHeader: string, url: string, work: string, version: string): Promise<void> {
  return runScript(script('clone-sed-push.sh'), [url, work, version], authHeader);
}

/** `git fetch` + `git reset --hard origin/main` + `sed` + `git commit -am` + `git push` in the clone `work`. */
export function warmSedPush(authHeader: string, work: string, version: string): Promise<void> {
  return runScript(script('warm-sed-push.sh'), [work, version], authHeader);
}

/** The persistent clone of the warm baseline (a full clone, made once, not measured). */
export async function makeWarmClone(authHeader: string, url: string, work: string): Promise<void> {
  await fixtureGit(['-c', `http.extraHeader=${authHeader}`, 'clone', '--quiet', '--branch', 'main', url, work]);
}

function scriptEnv(authHeader: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('GIT_')) env[key] = value;
  return {
    ...env,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'CI Job',
    GIT_AUTHOR_EMAIL: 'ci@example.invalid',
    GIT_COMMITTER_NAME: 'CI Job',
    GIT_COMMITTER_EMAIL: 'ci@example.invalid',
    BENCH_AUTH_HEADER: authHeader,
  };
}

function runScript(path: string, args: string[], authHeader: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends git and its remote helpers too.
    const child = spawn('bash', [path, ...args], { env: scriptEnv(authHeader), stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    running.add(child);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => killGroup(child), SCRIPT_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`${path} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
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
