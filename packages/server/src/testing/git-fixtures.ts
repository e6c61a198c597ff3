import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Real Git repositories for tests, made with the plain `git` CLI (independent of the Git adapter
 * under test): bare repositories in temporary folders, commits made in scratch clones, and reads
 * for assertions.
 */

/** Author and committer of fixture commits, and a git free of the machine's configuration. */
const FIXTURE_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: 'Fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.invalid',
  GIT_COMMITTER_NAME: 'Fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

export interface FixtureGitResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

/** Runs the plain `git` (no shell) and throws on a non-zero exit unless `allowFail`. */
export function fixtureGit(
  args: readonly string[],
  options: { cwd?: string; gitDir?: string; input?: string | Buffer; env?: Record<string, string>; allowFail?: boolean } = {},
): Promise<FixtureGitResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('GIT_')) env[k] = v;
  Object.assign(env, FIXTURE_ENV, options.env, options.gitDir ? { GIT_DIR: options.gitDir } : {});
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdin.on('error', () => {});
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { stdout: Buffer.concat(out), stderr, code };
      if (code !== 0 && !options.allowFail) reject(new Error(`git ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
      else resolve(result);
    });
    child.stdin.end(options.input);
  });
}

/** A temporary folder removed by `cleanup`. */
export interface TempDir {
  path: string;
  cleanup(): Promise<void>;
}

export async function tempDir(prefix = 'stagecoach-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A file's new content; `null` deletes it. An object sets the executable bit. */
export type FixtureFile = string | { content: string; executable?: boolean } | null;

export interface BareRepo {
  /** Absolute path of the bare repository (a URL git accepts). */
  path: string;
  /** The branch made by `createBareRepo`. */
  branch: string;
  /** Removes the repository (and the folder made for it, when `createBareRepo` made one). */
  cleanup(): Promise<void>;
}

export interface CreateBareRepoOptions {
  /** Folder to create the repository in; default a new temporary folder. */
  root?: string;
  /** Folder name of the repository under `root`. Default `repo.git`. */
  name?: string;
  /** Initial branch. Default `main`. */
  branch?: string;
  /** Content of the first commit, path → text. Default `{ 'README.md': '# fixture\n' }`. */
  files?: Record<string, FixtureFile>;
  message?: string;
}

/** A bare repository with one commit holding `files` on `branch`. */
export async function createBareRepo(options: CreateBareRepoOptions = {}): Promise<BareRepo> {
  const { branch = 'main', name = 'repo.git', message = 'initial commit' } = options;
  const own = options.root === undefined ? await tempDir('stagecoach-repo-') : undefined;
  const root = options.root ?? own!.path;
  const path = join(root, name);
  await fixtureGit(['init', '--bare', '--quiet', `--initial-branch=${branch}`, path]);
  await commitFiles(path, { branch, files: options.files ?? { 'README.md': '# fixture\n' }, message, orphan: true });
  return {
    path,
    branch,
    cleanup: () => (own ? own.cleanup() : rm(path, { recursive: true, force: true })),
  };
}

export interface CommitOptions {
  branch: string;
  files: Record<string, FixtureFile>;
  message?: string;
  /** Start the branch from nothing (or from `from`) instead of its current tip. */
  orphan?: boolean;
  /** Start a new branch from this revision. */
  from?: string;
  /** Author and committer date, e.g. `2026-01-01T10:00:00Z`. */
  date?: string;
}

/**
 * Adds one commit to `branch` of the bare repository at `repoPath` through a scratch clone, and
 * returns its id. With `from`, the branch is created (or reset) at that revision first.
 */
export async function commitFiles(repoPath: string, options: CommitOptions): Promise<string> {
  const { branch, files, message = 'fixture commit', orphan = false, from, date } = options;
  const scratch = await tempDir('stagecoach-scratch-');
  try {
    const work = scratch.path;
    if (orphan) {
      await fixtureGit(['init', '--quiet', `--initial-branch=${branch}`, work]);
    } else {
      await fixtureGit(['clone', '--quiet', '--no-checkout', repoPath, work]);
      await fixtureGit(['checkout', '--quiet', '-B', branch, from ?? `origin/${branch}`], { cwd: work });
    }
    for (const [path, file] of Object.entries(files)) {
      const target = join(work, path);
      if (file === null) {
        await unlink(target).catch(() => {});
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      const content = typeof file === 'string' ? file : file.content;
      await writeFile(target, content);
      if (typeof file !== 'string' && file.executable) await chmod(target, 0o755);
    }
    await fixtureGit(['add', '--all'], { cwd: work });
    const env: Record<string, string> = date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {};
    await fixtureGit(['commit', '--quiet', '--allow-empty', '-F', '-'], { cwd: work, input: message, env });
    await fixtureGit(['push', '--quiet', '--force', repoPath, `HEAD:refs/heads/${branch}`], { cwd: work });
    return (await fixtureGit(['rev-parse', 'HEAD'], { cwd: work })).stdout.toString().trim();
  } finally {
    await scratch.cleanup();
  }
}

/** The commit a revision names in the bare repository, or `undefined`. */
export async function revParse(repoPath: string, rev: string): Promise<string | undefined> {
  const r = await fixtureGit(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { gitDir: repoPath, allowFail: true });
  return r.code === 0 ? r.stdout.toString().trim() : undefined;
}

export interface LogEntry {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** Strict ISO-8601 with offset, as `%aI`. */
  authorDate: string;
  /** Full message without its final newline. */
  message: string;
}

/** The commits reachable from `rev`, newest first (`git log`). */
export async function gitLog(repoPath: string, rev: string): Promise<LogEntry[]> {
  const { stdout } = await fixtureGit(['log', '-z', '--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%B', rev, '--'], { gitDir: repoPath });
  const fields = stdout.toString('utf8').split('\0');
  const entries: LogEntry[] = [];
  for (let i = 0; i + 5 < fields.length; i += 6) {
    entries.push({
      sha: fields[i]!.trim(),
      parents: fields[i + 1]!.split(' ').filter(Boolean),
      authorName: fields[i + 2]!,
      authorEmail: fields[i + 3]!,
      authorDate: fields[i + 4]!,
      message: fields[i + 5]!.replace(/\n+$/, ''),
    });
  }
  return entries;
}

/** A file's text at a revision, or `undefined` when there is none. */
export async function readAt(repoPath: string, rev: string, path: string): Promise<string | undefined> {
  const r = await fixtureGit(['cat-file', 'blob', `${rev}:${path}`], { gitDir: repoPath, allowFail: true });
  return r.code === 0 ? r.stdout.toString('utf8') : undefined;
}

/** Every entry (files and trees) at a revision: path → `<mode> <type> <sha>`. */
export async function lsTree(repoPath: string, rev: string): Promise<Map<string, string>> {
  const { stdout } = await fixtureGit(['ls-tree', '-r', '-t', '-z', '--full-tree', rev], { gitDir: repoPath });
  const map = new Map<string, string>();
  for (const record of stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    map.set(record.slice(tab + 1), record.slice(0, tab));
  }
  return map;
}

/** The branches of the bare repository: name → commit. */
export async function branches(repoPath: string): Promise<Map<string, string>> {
  const { stdout } = await fixtureGit(['for-each-ref', '--format=%(refname:strip=2) %(objectname)', 'refs/heads/'], { gitDir: repoPath });
  return new Map(
    stdout
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string]),
  );
}
