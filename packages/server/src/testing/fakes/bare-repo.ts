import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A bare git repository on disk, driven with the plain `git` CLI (no shell, no worktree). The fake
 * Git providers stand in front of one: they check branches in it and really merge into it.
 */

/** Author and committer of every commit made here, and a git free of the machine's configuration. */
const GIT_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: 'Fake Forge',
  GIT_AUTHOR_EMAIL: 'forge@example.invalid',
  GIT_COMMITTER_NAME: 'Fake Forge',
  GIT_COMMITTER_EMAIL: 'forge@example.invalid',
  // A developer's `commit.gpgsign` or hooks path must not change what the fakes do.
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

/** `git` exited with a non-zero status. */
export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly stdout: string,
  ) {
    super(`git ${args.join(' ')} exited with ${exitCode}: ${stderr.trim() || stdout.trim()}`);
  }
}

export interface GitRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/** Runs git without a shell; never throws for the exit status (callers decide). */
export function runGit(args: readonly string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { env: { ...process.env, ...GIT_ENV, ...options.env }, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ stdout, stderr, exitCode }));
    if (child.stdin) {
      // A git that exits without reading its input must not crash the test with EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
  });
}

export type MergeOutcome = { ok: true; sha: string } | { ok: false; reason: 'conflict' | 'missing-branch' | 'moved'; message: string };

export class BareRepository {
  /** Serialises writes so two merges in one test never race on a branch. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Runs `git --git-dir=<path> …`; throws `GitCommandError` on a non-zero exit. */
  async git(args: readonly string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
    const full = ['--git-dir', this.path, ...args];
    const run = await runGit(full, options);
    if (run.exitCode !== 0) throw new GitCommandError(full, run.exitCode, run.stderr, run.stdout);
    return run.stdout;
  }

  /** The commit a branch points at, or undefined when there is no such branch. */
  async branchTip(branch: string): Promise<string | undefined> {
    // `refs/heads/` in front means the name can never be read as an option; `--` ends the revisions.
    const run = await runGit(['--git-dir', this.path, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`, '--']);
    if (run.exitCode !== 0) return undefined;
    return run.stdout.trim().split('\n')[0];
  }

  /** Every branch and the commit it points at, in one `git for-each-ref`. */
  async branches(): Promise<Map<string, string>> {
    const out = await this.git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/']);
    const tips = new Map<string, string>();
    for (const line of out.split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0) tips.set(line.slice(space + 1).slice('refs/heads/'.length), line.slice(0, space));
    }
    return tips;
  }

  /** Whether `ancestor` is reachable from `descendant` (both commit ids). */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const run = await runGit(['--git-dir', this.path, 'merge-base', '--is-ancestor', ancestor, descendant]);
    if (run.exitCode === 0) return true;
    if (run.exitCode === 1) return false;
    throw new GitCommandError(['merge-base', '--is-ancestor', ancestor, descendant], run.exitCode, run.stderr, run.stdout);
  }

  /**
   * Merges `head` into `base` without a worktree: `merge-tree --write-tree`, then `commit-tree`
   * (two parents, or one for a squash), then `update-ref` guarded by the base's old value.
   */
  merge(input: { base: string; head: string; message: string; squash?: boolean }): Promise<MergeOutcome> {
    return this.serial(async () => {
      const baseTip = await this.branchTip(input.base);
      const headTip = await this.branchTip(input.head);
      if (baseTip === undefined || headTip === undefined) {
        return { ok: false, reason: 'missing-branch', message: `branch "${baseTip === undefined ? input.base : input.head}" does not exist` };
      }
      const tree = await runGit(['--git-dir', this.path, 'merge-tree', '--write-tree', '--no-messages', baseTip, headTip]);
      if (tree.exitCode === 1) return { ok: false, reason: 'conflict', message: `merging "${input.head}" into "${input.base}" conflicts` };
      if (tree.exitCode !== 0) throw new GitCommandError(['merge-tree', '--write-tree', baseTip, headTip], tree.exitCode, tree.stderr, tree.stdout);
      const treeId = tree.stdout.trim().split('\n')[0]!;
      const parents = input.squash ? ['-p', baseTip] : ['-p', baseTip, '-p', headTip];
      const commit = (await this.git(['commit-tree', treeId, ...parents, '-F', '-'], { input: input.message })).trim();
      const moved = await runGit(['--git-dir', this.path, 'update-ref', `refs/heads/${input.base}`, commit, baseTip]);
      if (moved.exitCode !== 0) return { ok: false, reason: 'moved', message: `branch "${input.base}" moved during the merge` };
      return { ok: true, sha: commit };
    });
  }

  /**
   * Commits files on a branch with plumbing (a temporary index, no worktree) and moves the branch.
   * A new branch starts from `from` (a branch name); a branch that exists continues from its tip.
   */
  commitFiles(branch: string, files: Record<string, string>, message: string, options: { from?: string } = {}): Promise<string> {
    return this.serial(async () => {
      const tip = await this.branchTip(branch);
      const parent = tip ?? (options.from === undefined ? undefined : await this.branchTip(options.from));
      if (tip === undefined && options.from !== undefined && parent === undefined) throw new Error(`branch "${options.from}" does not exist`);
      const scratch = await mkdtemp(join(tmpdir(), 'stagecoach-index-'));
      try {
        const env = { GIT_INDEX_FILE: join(scratch, 'index') };
        if (parent !== undefined) await this.git(['read-tree', parent], { env });
        for (const [path, content] of Object.entries(files)) {
          const blob = (await this.git(['hash-object', '-w', '--stdin'], { input: content })).trim();
          await this.git(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], { env });
        }
        const tree = (await this.git(['write-tree'], { env })).trim();
        const commit = (await this.git(['commit-tree', tree, ...(parent === undefined ? [] : ['-p', parent]), '-F', '-'], { input: message })).trim();
        // The old value (all zeros for a new branch) makes the update a compare-and-swap.
        await this.git(['update-ref', `refs/heads/${branch}`, commit, tip ?? '0'.repeat(commit.length)]);
        return commit;
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    });
  }

  /** Parent ids of a commit, in order. */
  async parents(commit: string): Promise<string[]> {
    const text = await this.git(['cat-file', '-p', commit]);
    return text
      .split('\n')
      .filter((line) => line.startsWith('parent '))
      .map((line) => line.slice('parent '.length));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * A new bare repository in a temporary folder (`git init --bare`, branch `main`) with one first
 * commit on `main` holding `files`. `cleanup()` deletes the folder.
 */
export async function createBareRepository(files: Record<string, string> = { 'README.md': '# deploy\n' }): Promise<BareRepository & { cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'stagecoach-forge-'));
  const path = join(dir, 'repo.git');
  const init = await runGit(['init', '--quiet', '--bare', '--initial-branch=main', '--', path]);
  if (init.exitCode !== 0) throw new GitCommandError(['init', path], init.exitCode, init.stderr, init.stdout);
  const repo = new BareRepository(path);
  await repo.commitFiles('main', files, 'Initial commit');
  return Object.assign(repo, { cleanup: () => rm(dir, { recursive: true, force: true }) });
}
