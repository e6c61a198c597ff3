import type { CommitInfo } from '../../git/port.ts';

/**
 * The last change of many folders in one history walk.
 *
 * `git log -1 -- <folder>` answers for one folder: it follows the folder's own simplified history
 * from the tip (a merge that kept the folder as one parent had it is passed through to that
 * parent; the first commit that changed the folder is the answer). Asking that of 400 folders
 * costs 400 processes. Here one `git log --full-history --sparse` lists every commit with its
 * parents and the files it changed, and each folder's chain is followed through that list, so
 * every answer is the one `git log -1 -- <folder>` gives. The walk ends as soon as every folder
 * has its answer.
 */

/** One commit of the walk: its parents and the files it changed (at least those inside the folders asked about). */
export interface WalkedCommit {
  sha: string;
  parents: string[];
  files: string[];
}

/** Top-level folders given to git as the walk's pathspec, at most; with more, the walk lists every changed file. */
export const MAX_WALK_PATHSPECS = 16;

/**
 * `git log` arguments of the walk: every commit with its parents, and the files it changed (NUL-
 * separated) under the top-level folders that hold `folders`. Not the folders themselves: git
 * matches every path of a diff against every pathspec, and with hundreds of them that costs ten
 * times more than listing a few more files and sorting them out here. The root (`''`) needs no
 * walk: see `LastChangeWalk`.
 */
export function walkArgs(tip: string, folders: readonly string[]): string[] {
  const tops = [...new Set(folders.filter((f) => f !== '').map((f) => f.split('/')[0]!))].sort();
  return [
    'log',
    '-z',
    '--format=%x01%H %P',
    '--name-only',
    '--no-renames',
    '--diff-merges=off',
    '--root',
    '--full-history',
    '--sparse',
    tip,
    '--',
    ...(tops.length <= MAX_WALK_PATHSPECS ? tops : []),
  ];
}

const HEADER = /^\x01([0-9a-f]{40}|[0-9a-f]{64})((?: (?:[0-9a-f]{40}|[0-9a-f]{64}))*) ?$/;

/**
 * Reads the walk's output as it comes. Each commit is `\x01<sha> <parents>` NUL, then, when it
 * changed files, a newline and each file NUL-terminated; a commit is complete when the next one
 * starts (or the output ends).
 */
export class WalkReader {
  #rest: Buffer = Buffer.alloc(0);
  #current: WalkedCommit | undefined;
  #firstFile = false;

  /** The commits completed by this chunk. */
  push(chunk: Buffer): WalkedCommit[] {
    const done: WalkedCommit[] = [];
    let buf = this.#rest.length > 0 ? Buffer.concat([this.#rest, chunk]) : chunk;
    for (;;) {
      const nul = buf.indexOf(0);
      if (nul < 0) break;
      this.#token(buf.subarray(0, nul), done);
      buf = buf.subarray(nul + 1);
    }
    this.#rest = Buffer.from(buf);
    return done;
  }

  /** The last commit, once the output has ended. */
  end(): WalkedCommit[] {
    const done: WalkedCommit[] = [];
    if (this.#rest.length > 0) this.#token(this.#rest, done);
    this.#rest = Buffer.alloc(0);
    if (this.#current !== undefined) done.push(this.#current);
    this.#current = undefined;
    return done;
  }

  #token(token: Buffer, done: WalkedCommit[]): void {
    if (token[0] === 0x01 || (token[0] === 0x0a && token[1] === 0x01)) {
      const header = HEADER.exec(token.toString('latin1').replace(/^\n/, ''));
      if (header !== null) {
        if (this.#current !== undefined) done.push(this.#current);
        this.#current = { sha: header[1]!, parents: header[2]!.split(' ').filter(Boolean), files: [] };
        this.#firstFile = true;
        return;
      }
    }
    if (this.#current === undefined) throw new Error('git log gave a file before any commit');
    // The first file of a commit comes after a newline.
    const name = this.#firstFile && token[0] === 0x0a ? token.subarray(1) : token;
    this.#firstFile = false;
    if (name.length > 0) this.#current.files.push(name.toString('utf8'));
  }
}

/** A folder's answer: a commit to describe, a description known already, or none. */
export type LastChangeAnswer = { sha: string } | { info: CommitInfo } | { none: true };

export interface LastChangeWalkInput {
  tip: string;
  /** Normalised folders (`''` for the root). */
  folders: readonly string[];
  /**
   * Answers known at a commit (from an earlier walk): when a folder's chain reaches that commit,
   * its answer there is the answer. Values at a commit never change, so a walk from a new tip
   * stops where the last one started.
   */
  known?: ((commit: string) => ReadonlyMap<string, CommitInfo | undefined> | undefined) | undefined;
  /** Whether `folder` is the same in `merge` as in its parent `parent`. */
  sameAs(merge: string, parent: string, folder: string): Promise<boolean>;
}

/**
 * Follows each folder's chain through the commits given to `add`, in any order. A folder whose
 * chain is at a commit not seen yet waits for it; at a merge it asks `sameAs` for each parent in
 * turn and goes on with the first that kept the folder, or stops at the merge when none did.
 */
export class LastChangeWalk {
  readonly #input: LastChangeWalkInput;
  readonly #folders: ReadonlySet<string>;
  readonly #seen = new Map<string, WalkedCommit & { touched: Set<string> }>();
  readonly #waiting = new Map<string, string[]>();
  readonly #answers = new Map<string, LastChangeAnswer>();
  readonly #pending = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;

  constructor(input: LastChangeWalkInput) {
    this.#input = input;
    this.#folders = new Set(input.folders);
    for (const folder of this.#folders) {
      // Without a pathspec git simplifies nothing: the last change of the root is the tip itself.
      if (folder === '') this.#answers.set(folder, { sha: input.tip });
      else this.#follow(folder, input.tip);
    }
  }

  /** True once every folder has its answer. */
  get done(): boolean {
    return this.#answers.size === this.#folders.size || this.#failure !== undefined;
  }

  add(commit: WalkedCommit): void {
    this.#seen.set(commit.sha, { ...commit, touched: this.#touched(commit.files) });
    const waiting = this.#waiting.get(commit.sha);
    if (waiting === undefined) return;
    this.#waiting.delete(commit.sha);
    for (const folder of waiting) this.#follow(folder, commit.sha);
  }

  /**
   * The answers, once the walk has ended (stopped or complete) and the merges asked about have
   * answered. A folder still waiting for a commit the walk never listed has none.
   */
  async answers(): Promise<Map<string, LastChangeAnswer>> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
    if (this.#failure !== undefined) throw this.#failure.error;
    for (const folder of this.#folders) if (!this.#answers.has(folder)) this.#answers.set(folder, { none: true });
    return this.#answers;
  }

  #follow(folder: string, start: string): void {
    let at = start;
    for (;;) {
      const known = this.#input.known?.(at);
      if (known?.has(folder)) {
        const info = known.get(folder);
        this.#answers.set(folder, info === undefined ? { none: true } : { info });
        return;
      }
      const commit = this.#seen.get(at);
      if (commit === undefined) {
        const list = this.#waiting.get(at);
        if (list === undefined) this.#waiting.set(at, [folder]);
        else list.push(folder);
        return;
      }
      if (commit.parents.length <= 1) {
        if (commit.touched.has(folder)) {
          this.#answers.set(folder, { sha: at });
          return;
        }
        if (commit.parents.length === 0) {
          this.#answers.set(folder, { none: true });
          return;
        }
        at = commit.parents[0]!;
        continue;
      }
      this.#atMerge(folder, commit);
      return;
    }
  }

  #atMerge(folder: string, merge: WalkedCommit): void {
    const decided = (async () => {
      for (const parent of merge.parents) {
        if (await this.#input.sameAs(merge.sha, parent, folder)) return parent;
      }
      return undefined;
    })().then(
      (parent) => {
        if (parent === undefined) this.#answers.set(folder, { sha: merge.sha });
        else this.#follow(folder, parent);
      },
      (error: unknown) => {
        this.#failure ??= { error };
      },
    );
    this.#pending.add(decided);
    void decided.finally(() => this.#pending.delete(decided));
  }

  /** The folders asked about that `files` fall in (a file may fall in nested ones). */
  #touched(files: readonly string[]): Set<string> {
    const touched = new Set<string>();
    for (const file of files) {
      if (this.#folders.has(file)) touched.add(file);
      for (let slash = file.indexOf('/'); slash > 0; slash = file.indexOf('/', slash + 1)) {
        const prefix = file.slice(0, slash);
        if (this.#folders.has(prefix)) touched.add(prefix);
      }
    }
    return touched;
  }
}

/** `git log` arguments describing commits (`COMMIT_FORMAT`), each NUL-terminated. */
export function describeArgs(shas: readonly string[], format: string): string[] {
  return ['log', '--no-walk=unsorted', '-z', `--format=${format}`, ...shas, '--'];
}
