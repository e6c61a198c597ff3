import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { GitError } from '../../git/errors.ts';
import { baseGitEnv, gitArgs } from './run.ts';
import type { GitSpawn } from './run.ts';

/** One object read from the repository. */
export interface GitObject {
  sha: string;
  type: 'blob' | 'tree' | 'commit' | 'tag';
  content: Buffer;
}

interface Pending {
  name: string;
  attempts: number;
  resolve(object: GitObject | undefined): void;
  reject(error: Error): void;
}

export interface CatFileOptions {
  /** The repository (bare) the objects are read from. */
  gitDir: string;
  /** Repository URL for error messages. */
  url?: string;
  onSpawn?: (spawned: GitSpawn) => void;
}

/**
 * A long-lived `git cat-file --batch` process. Requests are written as they come and answered in
 * order (git answers in order), so concurrent reads are serialised through one pipe. If the process
 * dies, it is started again on the next request, and the requests it had not answered are sent
 * once more (reads have no side effect); a second failure rejects them.
 */
export class CatFileBatch {
  readonly #options: CatFileOptions;
  #child: ChildProcess | undefined;
  #queue: Pending[] = [];
  #chunks: Buffer[] = [];
  #length = 0;
  /** Bytes the buffer must hold before the next answer can be complete. */
  #need = 1;
  #closed = false;
  #exited: Promise<void> | undefined;
  #stderr = '';

  constructor(options: CatFileOptions) {
    this.#options = options;
  }

  /** The running process's id, or `undefined` when none runs (for tests). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * The object named by `name` (an object id, `<commit>:<path>`, `<rev>^{tree}`, a full ref name),
   * or `undefined` when git reports it missing or ambiguous.
   */
  read(name: string): Promise<GitObject | undefined> {
    if (this.#closed) return Promise.reject(new GitError('command-failed', this.#options.url, 'the object reader is closed'));
    if (name.includes('\n') || name === '') {
      return Promise.reject(new GitError('invalid-path', this.#options.url, `object name ${JSON.stringify(name)} cannot be read`));
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = { name, attempts: 0, resolve, reject };
      this.#queue.push(pending);
      this.#send(pending);
    });
  }

  /** Stops the process; later reads fail. Waits for it to exit. */
  async close(): Promise<void> {
    this.#closed = true;
    const child = this.#child;
    if (child === undefined) return;
    const exited = this.#exited;
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }

  #send(pending: Pending): void {
    const child = this.#ensureChild();
    pending.attempts++;
    this.#ref(true);
    child.stdin!.write(`${pending.name}\n`);
  }

  #ensureChild(): ChildProcess {
    if (this.#child !== undefined) return this.#child;
    const env = { ...baseGitEnv(), GIT_DIR: this.#options.gitDir };
    const args = gitArgs(['cat-file', '--batch']);
    this.#options.onSpawn?.({ args, cwd: undefined, env });
    const child = spawn('git', args, { env, stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    this.#child = child;
    this.#chunks = [];
    this.#length = 0;
    this.#need = 1;
    this.#stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => this.#onData(child, chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-4096);
    });
    child.stdin!.on('error', () => {});
    this.#exited = new Promise((resolve) => {
      child.on('close', () => {
        this.#onClose(child);
        resolve();
      });
      child.on('error', (error) => {
        // Spawn failure (git missing): nothing else will come.
        if (this.#child === child) this.#child = undefined;
        for (const p of this.#queue.splice(0)) p.reject(new GitError('command-failed', this.#options.url, `git cat-file could not start: ${error.message}`));
        resolve();
      });
    });
    return child;
  }

  #onData(child: ChildProcess, chunk: Buffer): void {
    if (child !== this.#child) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    if (this.#length < this.#need) return;
    let buf = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#length);
    for (;;) {
      const eol = buf.indexOf(0x0a);
      if (eol < 0) {
        this.#need = buf.length + 1;
        break;
      }
      const header = buf.subarray(0, eol).toString('utf8');
      const pending = this.#queue[0];
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        buf = buf.subarray(eol + 1);
        this.#queue.shift();
        pending?.resolve(undefined);
        continue;
      }
      const match = /^([0-9a-f]{40,64}) (blob|tree|commit|tag) (\d+)$/.exec(header);
      if (match === null) {
        // The protocol is out of step: stop this process; the requests are retried on a new one.
        child.kill('SIGKILL');
        buf = Buffer.alloc(0);
        break;
      }
      const size = Number(match[3]);
      const end = eol + 1 + size;
      if (buf.length < end + 1) {
        this.#need = end + 1;
        break;
      }
      const content = Buffer.from(buf.subarray(eol + 1, end));
      buf = buf.subarray(end + 1);
      this.#queue.shift();
      pending?.resolve({ sha: match[1]!, type: match[2] as GitObject['type'], content });
    }
    this.#chunks = buf.length > 0 ? [buf] : [];
    this.#length = buf.length;
    if (buf.length === 0) this.#need = 1;
    if (this.#queue.length === 0) this.#ref(false);
  }

  #onClose(child: ChildProcess): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    const unanswered = this.#queue.splice(0);
    if (this.#closed) {
      for (const p of unanswered) p.reject(new GitError('command-failed', this.#options.url, 'the object reader was closed'));
      return;
    }
    const detail = this.#stderr.trim();
    for (const p of unanswered) {
      if (p.attempts >= 2) {
        p.reject(new GitError('command-failed', this.#options.url, `git cat-file stopped while reading ${JSON.stringify(p.name)}`, detail));
      } else {
        this.#queue.push(p);
      }
    }
    for (const p of [...this.#queue]) this.#send(p);
  }

  /** A reader with nothing to answer must not keep the process alive. */
  #ref(on: boolean): void {
    const child = this.#child;
    if (child === undefined) return;
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as { ref?(): void; unref?(): void }[]) {
      if (on) handle?.ref?.();
      else handle?.unref?.();
    }
  }
}
