/**
 * Tree objects: parsing git's binary form, and replacing files deep in a tree while rebuilding
 * only the trees along the changed paths.
 */

/** One entry of a tree object. `name` is kept as bytes: git names need not be UTF-8. */
export interface RawTreeEntry {
  /** Octal mode as git stores it: `100644`, `100755`, `120000`, `160000`, `40000`. */
  mode: string;
  name: Buffer;
  sha: string;
}

const TREE_MODE = '40000';
const GITLINK_MODE = '160000';

/** Parses a tree object's content; `hashBytes` is 20 (SHA-1) or 32 (SHA-256). */
export function parseTree(content: Buffer, hashBytes: number): RawTreeEntry[] {
  const entries: RawTreeEntry[] = [];
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0x00, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + hashBytes > content.length) throw new Error('malformed tree object');
    entries.push({
      mode: content.subarray(at, space).toString('latin1'),
      name: Buffer.from(content.subarray(space + 1, nul)),
      sha: content.subarray(nul + 1, nul + 1 + hashBytes).toString('hex'),
    });
    at = nul + 1 + hashBytes;
  }
  return entries;
}

export function isTreeMode(mode: string): boolean {
  return mode === TREE_MODE || mode === '040000';
}

/** A file to put in the tree: its repository path and the id of the blob already written. */
export interface BlobWrite {
  path: string;
  sha: string;
}

export interface TreeIo {
  readTree(sha: string): Promise<RawTreeEntry[]>;
  writeTree(entries: RawTreeEntry[]): Promise<string>;
}

/** A path that cannot be written because the tree has something else there. */
export class TreeClashError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`"${path}" ${problem}`);
  }
}

type Node = { kind: 'file'; sha: string; path: string } | { kind: 'dir'; children: Map<string, Node>; path: string };

/**
 * The id of `root` with `files` put in it: new files are added with mode 100644, existing files
 * keep their mode (100644 or 100755). Only the trees along the changed paths are read and written;
 * every other entry keeps its id. Throws `TreeClashError` when a path crosses a file, symbolic link
 * or submodule, or names a folder.
 */
export async function replaceFiles(root: string, files: readonly BlobWrite[], io: TreeIo): Promise<string> {
  const top: Node = { kind: 'dir', children: new Map(), path: '' };
  for (const file of files) {
    const parts = file.path.split('/');
    let dir = top;
    parts.forEach((part, i) => {
      const key = Buffer.from(part, 'utf8').toString('latin1');
      const path = parts.slice(0, i + 1).join('/');
      const last = i === parts.length - 1;
      const existing = dir.children.get(key);
      if (last) {
        if (existing !== undefined) throw new TreeClashError(path, existing.kind === 'dir' ? 'is a folder in this change' : 'is written twice');
        dir.children.set(key, { kind: 'file', sha: file.sha, path });
        return;
      }
      if (existing?.kind === 'file') throw new TreeClashError(path, 'is a file in this change');
      const next: Node = existing ?? { kind: 'dir', children: new Map(), path };
      dir.children.set(key, next);
      dir = next as Extract<Node, { kind: 'dir' }>;
    });
  }
  return apply(root, top as Extract<Node, { kind: 'dir' }>, io);
}

async function apply(treeSha: string | undefined, dir: Extract<Node, { kind: 'dir' }>, io: TreeIo): Promise<string> {
  const entries = treeSha === undefined ? [] : await io.readTree(treeSha);
  const byName = new Map(entries.map((e) => [e.name.toString('latin1'), e]));
  let changed = treeSha === undefined;

  await Promise.all(
    [...dir.children].map(async ([key, node]) => {
      const existing = byName.get(key);
      if (node.kind === 'file') {
        if (existing !== undefined) {
          if (isTreeMode(existing.mode)) throw new TreeClashError(node.path, 'is a folder');
          if (existing.mode === '120000') throw new TreeClashError(node.path, 'is a symbolic link');
          if (existing.mode === GITLINK_MODE) throw new TreeClashError(node.path, 'is a submodule');
        }
        const mode = existing?.mode === '100755' ? '100755' : '100644';
        if (existing !== undefined && existing.sha === node.sha && existing.mode === mode) return;
        byName.set(key, { mode, name: Buffer.from(key, 'latin1'), sha: node.sha });
        changed = true;
        return;
      }
      if (existing !== undefined && !isTreeMode(existing.mode)) {
        throw new TreeClashError(node.path, existing.mode === GITLINK_MODE ? 'is a submodule' : 'is a file, not a folder');
      }
      const sub = await apply(existing?.sha, node, io);
      if (existing !== undefined && existing.sha === sub) return;
      byName.set(key, { mode: TREE_MODE, name: Buffer.from(key, 'latin1'), sha: sub });
      changed = true;
    }),
  );
  if (!changed) return treeSha!;
  return io.writeTree([...byName.values()]);
}
