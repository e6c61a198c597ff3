import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { GitError } from '../../git/errors.ts';
import { baseGitEnv, gitArgs } from './run.ts';
import type { GitSpawn } from './run.ts';
import { mktreeInput } from './tree.ts';
import type { RawTreeEntry } from './tree.ts';

/**
 * One `git mktree -z --batch` process for the trees of one edit: each tree is written as its
 * entries followed by an empty record, and git answers each with the new tree's id on its own
 * line (it flushes after every tree). Writes are answered in the order they were made, so several
 * may be in flight. A tree with no entries cannot be written this way.
 */
export class MktreeBatch {
  readonly #child: ChildProcess;
  readonly #waiting: { resolve(sha: string): void; reject(error: Error): void }[] = [];
  readonly #url: string | undefined;
  readonly #exited: Promise<void>;
  #out = '';
  #stderr = '';
  #failed: Error | undefined;

  constructor(options: { gitDir: string; url?: string; onSpawn?: (spawned: GitSpawn) => void }) {
    this.#url = options.url;
    const env = { ...baseGitEnv(), GIT_DIR: options.gitDir };
    const args = gitArgs(['mktree', '-z', '--batch']);
    options.onSpawn?.({ args, cwd: undefined, env });
    const child = spawn('git', args, { env, stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    this.#child = child;
    child.stdin!.on('error', () => {});
    child.stdout!.setEncoding('latin1').on('data', (chunk: string) => {
      this.#out += chunk;
      let eol: number;
      while ((eol = this.#out.indexOf('\n')) >= 0) {
        const sha = this.#out.slice(0, eol).trim();
        this.#out = this.#out.slice(eol + 1);
        this.#waiting.shift()?.resolve(sha);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4096);
    });
    this.#exited = new Promise((resolve) => {
      const fail = (message: string) => {
        this.#failed = new GitError('command-failed', this.#url, message, this.#stderr.trim());
        for (const w of this.#waiting.splice(0)) w.reject(this.#failed);
        resolve();
      };
      child.on('error', (error) => fail(`git mktree could not start: ${error.message}`));
      child.on('close', (code) => fail(`git mktree stopped (exit code ${code})`));
    });
  }

  /** Writes one tree (git sorts the entries) and resolves with its id. */
  write(entries: readonly RawTreeEntry[]): Promise<string> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    if (entries.length === 0) return Promise.reject(new Error('an empty tree cannot be written in batch mode'));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#child.stdin!.write(Buffer.concat([mktreeInput(entries), Buffer.from([0])]));
    });
  }

  /** Ends the process and waits for it. */
  async close(): Promise<void> {
    this.#child.stdin!.end();
    await this.#exited;
  }
}
