import { join } from 'node:path';
import { GitError } from '../../git/errors.ts';
import type {
  ChangedFile,
  CommitInfo,
  FileWrite,
  GitCredentials,
  GitRepository,
  LastChangesOptions,
  MergeResult,
  Person,
  PushResult,
  TreeEntry,
} from '../../git/port.ts';
import { prepareAuth, redact } from './auth.ts';
import type { CatFileBatch, GitObject } from './cat-file.ts';
import { commandError } from './errors.ts';
import { describeArgs, LastChangeWalk, walkArgs, WalkReader } from './last-changes.ts';
import type { Mutex } from './mutex.ts';
import { LruMap } from '../../lru.ts';
import { branchNameProblem, isObjectId, normaliseFolder, repoPathProblem } from './refs.ts';
import { runGit } from './run.ts';
import type { GitResult, GitSpawn } from './run.ts';
import { commitContent, gitTime, objectFormatOf, treeContent, writeLooseObject } from './objects.ts';
import { isTreeMode, parseTree, replaceFiles, TreeClashError } from './tree.ts';
import type { RawTreeEntry } from './tree.ts';
import type { RepoUrl } from './url.ts';

/** What every repository object opened on one URL shares: the bare cache, its lock and its reader. */
export interface RepoCache {
  /** The bare repository's folder. */
  gitDir: string;
  url: RepoUrl;
  mutex: Mutex;
  catFile: CatFileBatch;
  /** known_hosts of this repository, for SSH credentials that carry none. */
  knownHostsFile: string;
  /** The last fetch of each branch: when it started (on `clock`) and the tip it brought. */
  fetches: Map<string, { startedAt: number; tip: string }>;
  /** A counter ordering refresh requests and fetch starts. */
  clock: { now: number };
  /**
   * The trailers of the last few histories searched, by `<from> <limit>`: history is immutable,
   * so actions of one group commit (all on the same tip) search it once.
   */
  trailerLogs: LruMap<string, Promise<{ sha: string; trailers: [string, string][] }[]>>;
}

/** How many searched histories `RepoCache.trailerLogs` keeps. */
export const TRAILER_LOGS_KEPT = 8;

export interface RepositorySettings {
  onSpawn?: ((spawned: GitSpawn) => void) | undefined;
  networkTimeoutMs: number;
  localTimeoutMs: number;
}

/** `findCommitWithTrailers` looks at most this many commits back unless told otherwise. */
export const DEFAULT_TRAILER_SEARCH_LIMIT = 200;

const COMMIT_FORMAT = '%H%x00%an%x00%ae%x00%aI%x00%B';

/** Most commits described by one `git log --no-walk`. */
const DESCRIBE_BATCH = 500;

interface RunOptions {
  network?: boolean;
  input?: Buffer | string;
  env?: Record<string, string>;
  /** Exit codes that are not failures. Default [0]. */
  ok?: readonly number[];
  /** Standard output as it comes; `'stop'` ends the process, which is then no failure. */
  onStdout?: (chunk: Buffer) => 'stop' | void;
}

/** One repository through the cache, with one set of credentials. */
export class CliRepository implements GitRepository {
  readonly url: string;
  readonly #cache: RepoCache;
  readonly #credentials: GitCredentials | undefined;
  readonly #settings: RepositorySettings;

  constructor(cache: RepoCache, credentials: GitCredentials | undefined, settings: RepositorySettings) {
    this.url = cache.url.display;
    this.#cache = cache;
    this.#credentials = credentials;
    this.#settings = settings;
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.#cache.mutex.run(fn);
  }

  async resolveBranch(branch: string): Promise<string> {
    // One round trip: a fetch that finds nothing new costs what asking with `ls-remote` costs,
    // and one that finds a new tip does not ask first.
    return this.refreshBranch(branch);
  }

  async hasCommit(commit: string): Promise<boolean> {
    this.#checkCommit(commit);
    return (await this.#cache.catFile.read(commit))?.type === 'commit';
  }

  async cachedTip(branch: string): Promise<string | undefined> {
    this.#checkBranch(branch);
    return this.#tracking(branch);
  }

  async refreshBranch(branch: string): Promise<string> {
    this.#checkBranch(branch);
    const requestedAt = this.#cache.clock.now++;
    return this.withLock(async () => {
      // A fetch that started after this request (while it waited for the lock) is as fresh as
      // one this call would make: writers that lost the same race share one fetch.
      const last = this.#cache.fetches.get(branch);
      if (last !== undefined && last.startedAt > requestedAt) return last.tip;
      return this.#fetch(branch);
    });
  }

  async readFile(commit: string, path: string): Promise<string | undefined> {
    const bytes = await this.readBytes(commit, path);
    return bytes?.toString('utf8');
  }

  async readFiles(commit: string, paths: readonly string[]): Promise<Map<string, string | undefined>> {
    this.#checkCommit(commit);
    for (const path of paths) this.#checkPath(path);
    await this.#treeOf(commit);
    const unique = [...new Set(paths)];
    // All requests go down the one object reader at once; git answers them in order.
    const objects = await Promise.all(unique.map((path) => this.#cache.catFile.read(`${commit}:${path}`)));
    return new Map(unique.map((path, i) => {
      const object = objects[i];
      return [path, object?.type === 'blob' ? object.content.toString('utf8') : undefined];
    }));
  }

  /** A file's bytes at a commit, or undefined when no file is at that path. */
  async readBytes(commit: string, path: string): Promise<Buffer | undefined> {
    this.#checkCommit(commit);
    this.#checkPath(path);
    const object = await this.#cache.catFile.read(`${commit}:${path}`);
    if (object === undefined) {
      await this.#treeOf(commit); // the commit itself missing is an error, not an absent file
      return undefined;
    }
    return object.type === 'blob' ? object.content : undefined;
  }

  async listFiles(commit: string, folder: string): Promise<TreeEntry[]> {
    this.#checkCommit(commit);
    const { folder: f, problem } = normaliseFolder(folder);
    if (problem !== undefined) throw new GitError('invalid-path', this.url, `folder ${JSON.stringify(folder)} ${problem}`);
    const root = await this.#treeOf(commit);
    // Read through the long-lived cat-file process, a tree at a time, rather than an `ls-tree`
    // process per call: a promotion lists both folders twice, and each process costs milliseconds.
    const top = f === '' ? await this.#cache.catFile.read(root) : await this.#cache.catFile.read(`${commit}:${f}`);
    if (top?.type !== 'tree') return [];
    return this.#filesUnder(top, f === '' ? '' : `${f}/`, root.length / 2);
  }

  /** Every file under a tree, depth first in the tree's order (as `ls-tree -r` lists them); subtrees are read at once. */
  async #filesUnder(tree: GitObject, prefix: string, hashBytes: number): Promise<TreeEntry[]> {
    const entries = parseTree(tree.content, hashBytes);
    const nested = await Promise.all(
      entries.map(async (entry): Promise<TreeEntry[]> => {
        const path = `${prefix}${entry.name.toString('utf8')}`;
        if (!isTreeMode(entry.mode)) return [{ path, type: entryType(entry.mode) }];
        const sub = await this.#cache.catFile.read(entry.sha);
        if (sub?.type !== 'tree') throw new GitError('command-failed', this.url, `tree ${entry.sha} is missing from the cache`);
        return this.#filesUnder(sub, `${path}/`, hashBytes);
      }),
    );
    return nested.flat();
  }

  async lastChange(commit: string, folder: string): Promise<CommitInfo | undefined> {
    this.#checkCommit(commit);
    const { folder: f, problem } = normaliseFolder(folder);
    if (problem !== undefined) throw new GitError('invalid-path', this.url, `folder ${JSON.stringify(folder)} ${problem}`);
    await this.#treeOf(commit);
    const { stdout } = await this.#run('log', ['log', '-1', `--format=${COMMIT_FORMAT}`, commit, '--', ...(f === '' ? [] : [f])]);
    return stdout.length === 0 ? undefined : parseCommit(stdout);
  }

  async lastChanges(commit: string, folders: readonly string[], options: LastChangesOptions = {}): Promise<Map<string, CommitInfo | undefined>> {
    this.#checkCommit(commit);
    const normalised = new Map<string, string>();
    for (const folder of folders) {
      const { folder: f, problem } = normaliseFolder(folder);
      if (problem !== undefined) throw new GitError('invalid-path', this.url, `folder ${JSON.stringify(folder)} ${problem}`);
      normalised.set(folder, f);
    }
    await this.#treeOf(commit);
    const folderSet = [...new Set(normalised.values())];
    const walk = new LastChangeWalk({
      tip: commit,
      folders: folderSet,
      known: options.known,
      sameAs: (merge, parent, folder) => this.#sameFolder(merge, parent, folder),
    });
    if (!walk.done) {
      const reader = new WalkReader();
      const result = await this.#run('log', walkArgs(commit, folderSet), {
        onStdout: (chunk) => {
          for (const walked of reader.push(chunk)) walk.add(walked);
          return walk.done ? 'stop' : undefined;
        },
      });
      if (!result.stopped) for (const walked of reader.end()) walk.add(walked);
    }
    const answers = await walk.answers();
    const shas = [...new Set([...answers.values()].flatMap((a) => ('sha' in a ? [a.sha] : [])))];
    const described = await this.#describe(shas);
    const out = new Map<string, CommitInfo | undefined>();
    for (const [given, f] of normalised) {
      const answer = answers.get(f)!;
      out.set(given, 'info' in answer ? answer.info : 'sha' in answer ? described.get(answer.sha) : undefined);
    }
    return out;
  }

  async commitInfo(commit: string): Promise<CommitInfo> {
    this.#checkCommit(commit);
    await this.#treeOf(commit);
    // Read through the cat-file process when the commit object is plain (no re-encoding needed):
    // a release asks this after every commit it makes, and a `log` process costs milliseconds.
    const object = await this.#cache.catFile.read(commit);
    const read = object?.type === 'commit' ? commitFromObject(object.sha, object.content) : undefined;
    if (read !== undefined) return read;
    const { stdout } = await this.#run('log', ['log', '-1', `--format=${COMMIT_FORMAT}`, commit, '--']);
    return parseCommit(stdout);
  }

  async parentsOf(commit: string): Promise<string[]> {
    this.#checkCommit(commit);
    await this.#treeOf(commit);
    const object = await this.#cache.catFile.read(commit);
    if (object?.type !== 'commit') throw new GitError('invalid-ref', this.url, `${commit} is not a commit`);
    return splitCommitObject(object.content).header.flatMap((line) => (line.startsWith('parent ') ? [line.slice('parent '.length).trim()] : []));
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    this.#checkCommit(a);
    this.#checkCommit(b);
    await Promise.all([this.#treeOf(a), this.#treeOf(b)]);
    // Exit code 1 with no output: the histories have no common commit.
    const result = await this.#run('merge-base', ['merge-base', a, b], { ok: [0, 1] });
    const sha = result.stdout.toString('latin1').trim();
    return result.code === 0 && isObjectId(sha) ? sha : undefined;
  }

  async changedFiles(from: string, to: string): Promise<ChangedFile[]> {
    this.#checkCommit(from);
    this.#checkCommit(to);
    await Promise.all([this.#treeOf(from), this.#treeOf(to)]);
    const { stdout } = await this.#run('diff-tree', ['diff-tree', '-r', '-z', '--no-renames', '--name-status', from, to]);
    // NUL-separated pairs: the status letter, then the path exactly as stored (no quoting with -z).
    const fields = splitNul(stdout);
    const out: ChangedFile[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const letter = fields[i]!.toString('latin1').trim();
      const path = fields[i + 1]!.toString('utf8');
      out.push({ path, status: letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : 'modified' });
    }
    return out;
  }

  async commitFiles(input: { parent: string; files: FileWrite[]; message: string; author: Person; date: Date }): Promise<string> {
    const { parent, files, message, author, date } = input;
    this.#checkCommit(parent);
    for (const file of files) this.#checkPath(file.path);
    const root = await this.#treeOf(parent);
    // Blobs, trees and the commit are written as loose objects, without a git process.
    const format = objectFormatOf(parent);
    const gitDir = this.#cache.gitDir;
    const blobs = await Promise.all(files.map((f) => writeLooseObject(gitDir, format, 'blob', Buffer.from(f.content, 'utf8'))));
    const hashBytes = root.length / 2;
    let tree: string;
    try {
      tree = await replaceFiles(
        root,
        files.map((f, i) => ({ path: f.path, sha: blobs[i]! })),
        {
          readTree: async (sha) => {
            const object = await this.#cache.catFile.read(sha);
            if (object?.type !== 'tree') throw new GitError('command-failed', this.url, `tree ${sha} is missing from the cache`);
            return parseTree(object.content, hashBytes);
          },
          writeTree: (entries: RawTreeEntry[]) => writeLooseObject(gitDir, format, 'tree', treeContent(entries)),
        },
      );
    } catch (error) {
      if (error instanceof TreeClashError) throw new GitError('invalid-path', this.url, `cannot write file: ${error.message}`);
      throw error;
    }
    return this.#commitTree(tree, [parent], message, author, date);
  }

  async push(commit: string, branch: string, options: { expectedOld?: string; create?: boolean } = {}): Promise<PushResult> {
    this.#checkCommit(commit);
    this.#checkBranch(branch);
    const { expectedOld, create = false } = options;
    if (expectedOld !== undefined) this.#checkCommit(expectedOld);
    const ref = `refs/heads/${branch}`;
    const lease =
      expectedOld !== undefined ? [`--force-with-lease=${ref}:${expectedOld}`] : create ? [`--force-with-lease=${ref}:`] : [];
    return this.withLock(async () => {
      if (expectedOld !== undefined && expectedOld !== commit) {
        // The remote-tracking ref holds the newest tip this cache has seen (fetches and our own
        // pushes move it). When it differs, the lease would almost surely fail: answer without a
        // round trip. Should the branch have gone back to expectedOld, the caller's refresh
        // brings the ref there and the next push goes through.
        const seen = await this.#tracking(branch);
        if (seen !== undefined && seen !== expectedOld && seen !== commit) {
          return { ok: false, reason: 'rejected', message: `[rejected] (stale info: branch "${branch}" was last seen at ${seen}, not ${expectedOld})` };
        }
      }
      const result = await this.#run('push', ['push', '--porcelain', '--no-verify', ...lease, 'origin', `${commit}:${ref}`], {
        network: true,
        ok: [0, 1],
      });
      const line = porcelainLine(result.stdout, ref);
      if (line?.flag === '!') return { ok: false, reason: 'rejected', message: line.summary };
      if (result.code !== 0 || line === undefined) throw this.#error('push', result, true);
      // The cache's `origin` maps its branches to remote-tracking refs, so git moved the ref with
      // the push; set it only when it did not (a cache whose remote was configured otherwise).
      if ((await this.#tracking(branch)) !== commit) await this.#run('update-ref', ['update-ref', '-m', 'stagecoach: push', trackingRef(branch), commit]);
      return { ok: true };
    });
  }

  async findCommitWithTrailers(from: string, trailers: Record<string, string>, limit = DEFAULT_TRAILER_SEARCH_LIMIT): Promise<string | undefined> {
    this.#checkCommit(from);
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const wanted = Object.entries(trailers);
    const history = await this.#trailerLog(from, limit);
    return history.find(({ trailers: found }) => wanted.every(([key, value]) => found.some(([k, v]) => k === key && v === value)))?.sha;
  }

  /** The trailers of `limit` commits from `from` back, newest first; shared by concurrent and repeated searches. */
  #trailerLog(from: string, limit: number): Promise<{ sha: string; trailers: [string, string][] }[]> {
    const logs = this.#cache.trailerLogs;
    const key = `${from} ${limit}`;
    const known = logs.get(key);
    if (known) return known;
    const searching = (async () => {
      await this.#treeOf(from);
      const { stdout } = await this.#run('log', ['log', '--format=%H%x00%(trailers:unfold,only)%x00', '-n', String(limit), from, '--']);
      const fields = stdout.toString('utf8').split('\0');
      const out: { sha: string; trailers: [string, string][] }[] = [];
      for (let i = 0; i + 1 < fields.length; i += 2) out.push({ sha: fields[i]!.trim(), trailers: parseTrailers(fields[i + 1]!) });
      return out;
    })();
    logs.set(key, searching);
    // A failed search is not kept: the next one tries again.
    searching.catch(() => {
      if (logs.get(key) === searching) logs.delete(key);
    });
    return searching;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    this.#checkCommit(ancestor);
    this.#checkCommit(descendant);
    await Promise.all([this.#treeOf(ancestor), this.#treeOf(descendant)]);
    const result = await this.#run('merge-base', ['merge-base', '--is-ancestor', ancestor, descendant], { ok: [0, 1] });
    return result.code === 0;
  }

  async merge(input: { base: string; head: string; message: string; author: Person; date: Date }): Promise<MergeResult> {
    const { base, head, message, author, date } = input;
    this.#checkCommit(base);
    this.#checkCommit(head);
    await Promise.all([this.#treeOf(base), this.#treeOf(head)]);
    return this.withLock(async () => {
      const result = await this.#run('merge-tree', ['merge-tree', '--write-tree', '--no-messages', '--name-only', '-z', base, head], {
        ok: [0, 1],
      });
      const [tree, ...rest] = splitNul(result.stdout).map((b) => b.toString('utf8'));
      if (result.code === 1) return { ok: false, reason: 'conflict', files: [...new Set(rest)] };
      if (tree === undefined || !isObjectId(tree)) throw new GitError('command-failed', this.url, 'merge-tree gave no tree');
      return { ok: true, sha: await this.#commitTree(tree, [base, head], message, author, date) };
    });
  }

  async deleteBranch(branch: string): Promise<void> {
    this.#checkBranch(branch);
    const ref = `refs/heads/${branch}`;
    await this.withLock(async () => {
      const result = await this.#run('push', ['push', '--porcelain', '--no-verify', 'origin', `:${ref}`], { network: true, ok: [0, 1] });
      const line = porcelainLine(result.stdout, ref);
      // Already gone counts as deleted, so a retry after a crash succeeds.
      const gone = /remote ref does not exist/.test(result.stderr);
      if (!gone && (result.code !== 0 || line === undefined || line.flag === '!')) {
        if (line?.flag === '!') throw new GitError('command-failed', this.url, `deleting branch "${branch}" was refused: ${line.summary}`);
        throw this.#error('push', result, true);
      }
      await this.#run('update-ref', ['update-ref', '-d', trackingRef(branch)]);
    });
  }

  // --- internals -------------------------------------------------------------------------------

  async #tracking(branch: string): Promise<string | undefined> {
    const object = await this.#cache.catFile.read(trackingRef(branch));
    return object?.type === 'commit' ? object.sha : undefined;
  }

  /** Fetches one branch into its remote-tracking ref; must run under the lock. */
  async #fetch(branch: string): Promise<string> {
    const ref = `refs/heads/${branch}`;
    const startedAt = this.#cache.clock.now++;
    const result = await this.#run(
      'fetch',
      // No forced-update check: it walks history, and the cache never has a checkout to warn about.
      ['fetch', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', '--no-show-forced-updates', '--quiet', 'origin', `+${ref}:${trackingRef(branch)}`],
      { network: true, ok: [0, 1, 128] },
    );
    if (result.code !== 0) {
      const error = this.#error('fetch', result, true);
      if (error.code === 'branch-not-found') throw this.#branchNotFound(branch);
      throw error;
    }
    const tip = await this.#tracking(branch);
    if (tip === undefined) throw this.#branchNotFound(branch);
    this.#cache.fetches.set(branch, { startedAt, tip });
    return tip;
  }

  /** Whether a folder is the same object in both commits, or missing from both. */
  async #sameFolder(a: string, b: string, folder: string): Promise<boolean> {
    const [x, y] = await Promise.all([this.#cache.catFile.read(`${a}:${folder}`), this.#cache.catFile.read(`${b}:${folder}`)]);
    return x?.sha === y?.sha;
  }

  /** Author, date and message of many commits, in few processes. */
  async #describe(shas: readonly string[]): Promise<Map<string, CommitInfo>> {
    const out = new Map<string, CommitInfo>();
    for (let at = 0; at < shas.length; at += DESCRIBE_BATCH) {
      const { stdout } = await this.#run('log', describeArgs(shas.slice(at, at + DESCRIBE_BATCH), COMMIT_FORMAT));
      const fields = stdout.toString('utf8').split('\0');
      // Each commit is five NUL-terminated fields; a message holds no NUL.
      for (let i = 0; i + 4 < fields.length; i += 5) {
        const info = commitOf(fields.slice(i, i + 5));
        out.set(info.sha, info);
      }
    }
    return out;
  }

  async #treeOf(commit: string): Promise<string> {
    const object = await this.#cache.catFile.read(`${commit}^{tree}`);
    if (object?.type !== 'tree') {
      throw new GitError('invalid-ref', this.url, `commit ${commit} is not in the cache (resolve or fetch its branch first)`);
    }
    return object.sha;
  }

  async #commitTree(tree: string, parents: string[], message: string, author: Person, date: Date): Promise<string> {
    const content = commitContent({ tree, parents, author: { name: author.name, email: author.email, date }, message });
    if (content !== undefined) return writeLooseObject(this.#cache.gitDir, objectFormatOf(tree), 'commit', content);
    // A name git would trim, or a message it would refuse: git decides.
    const when = gitTime(date);
    const { stdout } = await this.#run('commit-tree', ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])], {
      input: message.endsWith('\n') ? message : `${message}\n`,
      env: {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_AUTHOR_DATE: when,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
        GIT_COMMITTER_DATE: when,
      },
    });
    return stdout.toString('latin1').trim();
  }

  async #run(operation: string, args: string[], options: RunOptions = {}): Promise<GitResult> {
    const { network = false, input, ok = [0] } = options;
    const auth = network
      ? await prepareAuth(this.#cache.url, this.#credentials, { knownHostsFile: this.#cache.knownHostsFile })
      : undefined;
    let result: GitResult;
    try {
      result = await runGit(args, {
        env: { ...options.env, ...auth?.env, GIT_DIR: this.#cache.gitDir },
        timeoutMs: network ? this.#settings.networkTimeoutMs : this.#settings.localTimeoutMs,
        ...(input !== undefined ? { input } : {}),
        ...(this.#settings.onSpawn ? { onSpawn: this.#settings.onSpawn } : {}),
        ...(options.onStdout ? { onStdout: options.onStdout } : {}),
      });
    } finally {
      await auth?.cleanup();
    }
    if (!result.stopped && (result.timedOut || result.code === null || !ok.includes(result.code))) {
      throw commandError(this.url, operation, result, auth?.secrets ?? [], network);
    }
    // Callers that accept several codes may still need to explain a failure; keep secrets out of it.
    if (auth !== undefined && auth.secrets.length > 0) result = { ...result, stderr: redact(result.stderr, auth.secrets) };
    return result;
  }

  #error(operation: string, result: GitResult, network: boolean): GitError {
    return commandError(this.url, operation, result, this.#secretsOf(), network);
  }

  #secretsOf(): string[] {
    const c = this.#credentials;
    if (c === undefined) return this.#cache.url.embedded ? [this.#cache.url.embedded.password] : [];
    switch (c.type) {
      case 'token':
        return [c.token];
      case 'basic':
        return [c.password];
      case 'ssh':
        return [c.privateKey];
    }
  }

  #branchNotFound(branch: string): GitError {
    return new GitError('branch-not-found', this.url, `branch "${branch}" does not exist on the remote`);
  }

  #checkBranch(branch: string): void {
    const problem = branchNameProblem(branch);
    if (problem !== undefined) throw new GitError('invalid-ref', this.url, `branch name ${JSON.stringify(branch)} ${problem}`);
  }

  #checkCommit(commit: string): void {
    if (!isObjectId(commit)) throw new GitError('invalid-ref', this.url, `${JSON.stringify(commit)} is not a full commit id`);
  }

  #checkPath(path: string): void {
    const problem = repoPathProblem(path);
    if (problem !== undefined) throw new GitError('invalid-path', this.url, `path ${JSON.stringify(path)} ${problem}`);
  }
}

function trackingRef(branch: string): string {
  return `refs/remotes/origin/${branch}`;
}

function splitNul(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nul = buf.indexOf(0, start);
    if (nul < 0) break;
    if (nul > start) out.push(buf.subarray(start, nul));
    start = nul + 1;
  }
  if (start < buf.length && buf.subarray(start).toString('latin1').trim() !== '') out.push(buf.subarray(start));
  return out;
}

function entryType(mode: string): TreeEntry['type'] {
  switch (mode) {
    case '100755':
      return 'executable';
    case '120000':
      return 'symlink';
    case '160000':
      return 'submodule';
    default:
      return 'file';
  }
}

function parseCommit(stdout: Buffer): CommitInfo {
  return commitOf(stdout.toString('utf8').split('\0'));
}

/** A commit from the fields of `COMMIT_FORMAT`. */
function commitOf(fields: readonly string[]): CommitInfo {
  const [sha, name, email, date, ...message] = fields;
  return {
    sha: sha!.trim(),
    author: { name: name!, email: email!, date: date! },
    // Trailing newlines (the message's own and the log terminator's) are not part of the message.
    message: message.join('\0').replace(/\n+$/, ''),
  };
}

/** A commit object's header lines (`tree`, `parent`, `author`, …) and the message after the first empty line. */
function splitCommitObject(content: Buffer): { header: string[]; message: string } {
  const text = content.toString('utf8');
  const end = text.indexOf('\n\n');
  return { header: (end < 0 ? text : text.slice(0, end)).split('\n'), message: end < 0 ? '' : text.slice(end + 2) };
}

/**
 * A commit's details from its raw object, as `COMMIT_FORMAT` gives them (`%an`, `%ae`, `%aI`,
 * `%B`), or `undefined` when the object needs git's own reading: another encoding than UTF-8, or
 * an author line git would have to repair.
 */
export function commitFromObject(sha: string, content: Buffer): CommitInfo | undefined {
  const { header, message } = splitCommitObject(content);
  if (header.some((line) => line.startsWith('encoding ') && !/^encoding utf-?8$/i.test(line))) return undefined;
  const author = header.find((line) => line.startsWith('author '));
  const parts = author === undefined ? null : /^author ([^<>\n]+) <([^<>\n]*)> (\d+) ([+-])(\d\d)(\d\d)$/.exec(author);
  if (parts === null) return undefined;
  const [, name, email, seconds, sign, hours, minutes] = parts as unknown as [string, string, string, string, string, string, string];
  if (name !== name.trim()) return undefined;
  // `%aI`: the author's own clock time, then its offset.
  const offset = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
  const when = new Date((Number(seconds) + offset * 60) * 1000);
  if (Number.isNaN(when.getTime()) || when.getUTCFullYear() > 9999) return undefined;
  const local = when.toISOString().slice(0, 19);
  // git writes no negative zero: `-0000` shows as `+00:00`.
  const shown = offset === 0 ? '+00:00' : `${sign}${hours}:${minutes}`;
  return { sha, author: { name, email, date: `${local}${shown}` }, message: message.replace(/\n+$/, '') };
}

/** `Key: value` lines of `%(trailers:unfold,only)`. */
function parseTrailers(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return out;
}

/** The `git push --porcelain` line for `ref`: its flag (`!` rejected, ` ` `+` `*` `-` `=` done) and summary. */
function porcelainLine(stdout: Buffer, ref: string): { flag: string; summary: string } | undefined {
  for (const line of stdout.toString('utf8').split('\n')) {
    const parts = line.split('\t');
    if (parts.length < 3) continue;
    const [flag, refs, summary] = parts;
    if (refs!.endsWith(`:${ref}`)) return { flag: flag!, summary: [summary, ...parts.slice(3)].join(' ').trim() };
  }
  return undefined;
}
