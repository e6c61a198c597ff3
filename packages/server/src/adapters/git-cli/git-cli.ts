import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GitError } from '../../git/errors.ts';
import type { GitPort, RepoRef } from '../../git/port.ts';
import { CatFileBatch } from './cat-file.ts';
import { commandError } from './errors.ts';
import { Mutex } from './mutex.ts';
import { CliRepository, TRAILER_LOGS_KEPT } from './repository.ts';
import type { RepoCache, RepositorySettings } from './repository.ts';
import { runGit } from './run.ts';
import type { GitSpawn } from './run.ts';
import { parseRepoUrl } from './url.ts';
import type { RepoUrl } from './url.ts';
import { exists } from '../../files.ts';
import { LruMap } from '../../lru.ts';

export interface GitCliOptions {
  /** Folder of the bare caches, one sub-folder per repository URL; created if missing. */
  cacheDir: string;
  /**
   * Called before every `git` process starts, with its arguments and environment (for tests and
   * tracing). The environment holds credentials: never log it.
   */
  onSpawn?: (spawned: GitSpawn) => void;
  /** Time limit of a command that talks to the remote (ls-remote, fetch, push), in milliseconds. Default 120000. */
  networkTimeoutMs?: number;
  /** Time limit of a local command, in milliseconds. Default 60000. */
  localTimeoutMs?: number;
}

/** The Git port over the `git` CLI (2.38 or newer: `merge-tree --write-tree`). */
export interface GitCli extends GitPort {
  open(repo: RepoRef): Promise<CliRepository>;
  /** The cache folder used for a repository URL (sha256 of its normalised form, in hex). */
  cacheFolder(url: string): string;
}

/**
 * The Git port over the `git` CLI and a bare cache per repository URL under `cacheDir`. Every
 * repository opened on one URL shares its cache, its lock and one `git cat-file --batch` process,
 * whatever the credentials. `close()` stops those processes; the port cannot be used afterwards.
 */
export function createGitCli(options: GitCliOptions): GitCli {
  const { cacheDir, onSpawn, networkTimeoutMs = 120_000, localTimeoutMs = 60_000 } = options;
  const settings: RepositorySettings = { onSpawn, networkTimeoutMs, localTimeoutMs };
  const caches = new Map<string, Promise<RepoCache>>();
  let closed = false;

  const folderFor = (key: string) => join(cacheDir, createHash('sha256').update(key).digest('hex'));

  async function openCache(key: string, url: RepoUrl): Promise<RepoCache> {
    const gitDir = folderFor(key);
    const run = async (operation: string, args: string[], env: Record<string, string>) => {
      const result = await runGit(args, { env, timeoutMs: localTimeoutMs, ...(onSpawn ? { onSpawn } : {}) });
      if (result.code !== 0) throw commandError(url.display, operation, result, [], false);
      return result;
    };
    const existed = await exists(join(gitDir, 'HEAD'));
    if (!existed) {
      await mkdir(cacheDir, { recursive: true });
      // Built aside and renamed into place, so a half-made cache is never seen, even by another process.
      const building = `${gitDir}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await run('init', ['init', '--bare', '--quiet', building], {});
        await run('remote add', ['remote', 'add', '--', 'origin', url.remote], { GIT_DIR: building });
        await rename(building, gitDir).catch(async (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
        });
      } finally {
        await rm(building, { recursive: true, force: true });
      }
    }
    if (existed) {
      // A cache made by an earlier run, perhaps for another spelling of the same URL.
      const current = await runGit(['config', '--get', 'remote.origin.url'], { env: { GIT_DIR: gitDir }, ...(onSpawn ? { onSpawn } : {}) });
      if (current.stdout.toString('utf8').trim() !== url.remote) {
        await run('config', ['config', 'remote.origin.url', url.remote], { GIT_DIR: gitDir });
      }
    }
    return {
      gitDir,
      url,
      mutex: new Mutex(),
      catFile: new CatFileBatch({ gitDir, url: url.display, ...(onSpawn ? { onSpawn } : {}) }),
      knownHostsFile: join(gitDir, 'stagecoach_known_hosts'),
      fetches: new Map(),
      clock: { now: 0 },
      trailerLogs: new LruMap(TRAILER_LOGS_KEPT),
    };
  }

  const cli: GitCli = {
    cacheFolder(url: string): string {
      const parsed = parseRepoUrl(url);
      if (typeof parsed === 'string') throw new GitError('repository-not-found', undefined, `repository URL ${parsed}`);
      return folderFor(parsed.key);
    },

    async open(repo: RepoRef): Promise<CliRepository> {
      if (closed) throw new GitError('command-failed', undefined, 'the Git adapter is closed');
      const url = parseRepoUrl(repo.url);
      if (typeof url === 'string') {
        // The URL is not echoed: it may hold a password.
        throw new GitError('repository-not-found', undefined, `repository URL ${url}`);
      }
      let cache = caches.get(url.key);
      if (cache === undefined) {
        cache = openCache(url.key, url);
        caches.set(url.key, cache);
        cache.catch(() => caches.delete(url.key));
      }
      const opened = await cache;
      // The cache keeps the URL it was made with; this object reports the one it was opened with.
      return new CliRepository({ ...opened, url }, repo.credentials, settings);
    },

    async close(): Promise<void> {
      closed = true;
      const all = await Promise.allSettled(caches.values());
      caches.clear();
      await Promise.all(all.map((c) => (c.status === 'fulfilled' ? c.value.catFile.close() : undefined)));
    },
  };
  return cli;
}

