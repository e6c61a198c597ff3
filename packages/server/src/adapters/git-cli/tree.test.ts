import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createBareRepo, fixtureGit } from '../../testing/git-fixtures.ts';
import type { BareRepo } from '../../testing/git-fixtures.ts';
import { CatFileBatch } from './cat-file.ts';
import { isTreeMode, parseTree, replaceFiles, TreeClashError } from './tree.ts';
import type { RawTreeEntry, TreeIo } from './tree.ts';

/** An in-memory object store: trees by id, counting reads and writes. */
function memoryTrees(initial: Record<string, RawTreeEntry[]>) {
  const trees = new Map(Object.entries(initial));
  const reads: string[] = [];
  const writes: RawTreeEntry[][] = [];
  const io: TreeIo = {
    readTree: async (sha) => {
      reads.push(sha);
      const t = trees.get(sha);
      if (!t) throw new Error(`no tree ${sha}`);
      return t;
    },
    writeTree: async (entries) => {
      writes.push(entries);
      const sha = createHash('sha1').update(JSON.stringify(entries.map((e) => [e.mode, e.name.toString('hex'), e.sha]))).digest('hex');
      trees.set(sha, entries);
      return sha;
    },
  };
  return { io, trees, reads, writes };
}

const e = (mode: string, name: string, sha: string): RawTreeEntry => ({ mode, name: Buffer.from(name), sha });
const sha = (c: string) => c.repeat(40);

describe('replaceFiles', () => {
  const store = () =>
    memoryTrees({
      [sha('0')]: [e('40000', 'envs', sha('1')), e('40000', 'other', sha('9')), e('100644', 'README', sha('8'))],
      [sha('1')]: [e('40000', 'qa', sha('2')), e('40000', 'dev', sha('3'))],
      [sha('2')]: [e('100644', 'values.yaml', sha('a')), e('100755', 'run.sh', sha('b')), e('120000', 'link', sha('c')), e('160000', 'sub', sha('d'))],
      [sha('3')]: [e('100644', 'values.yaml', sha('e'))],
    });

  it('reads and writes only the trees along the changed paths, keeping modes', async () => {
    const s = store();
    const root = await replaceFiles(sha('0'), [
      { path: 'envs/qa/values.yaml', sha: sha('f') },
      { path: 'envs/qa/run.sh', sha: sha('5') },
      { path: 'envs/qa/new/deep.yaml', sha: sha('6') },
    ], s.io);
    assert.deepEqual(s.reads.sort(), [sha('0'), sha('1'), sha('2')]);
    assert.equal(s.writes.length, 4); // new, qa, envs, root
    const top = s.trees.get(root)!;
    assert.deepEqual(top.find((x) => x.name.toString() === 'other'), e('40000', 'other', sha('9')));
    const envs = s.trees.get(top.find((x) => x.name.toString() === 'envs')!.sha)!;
    assert.deepEqual(envs.find((x) => x.name.toString() === 'dev'), e('40000', 'dev', sha('3')));
    const qa = s.trees.get(envs.find((x) => x.name.toString() === 'qa')!.sha)!;
    assert.deepEqual(
      qa.map((x) => [x.mode, x.name.toString(), x.sha]).sort(),
      [
        ['100644', 'values.yaml', sha('f')],
        ['100755', 'run.sh', sha('5')],
        ['120000', 'link', sha('c')],
        ['160000', 'sub', sha('d')],
        ['40000', 'new', qa.find((x) => x.name.toString() === 'new')!.sha],
      ].sort(),
    );
  });

  it('writes nothing when every file already has its content', async () => {
    const s = store();
    assert.equal(await replaceFiles(sha('0'), [{ path: 'envs/qa/values.yaml', sha: sha('a') }], s.io), sha('0'));
    assert.equal(s.writes.length, 0);
  });

  it('refuses to write over a folder, through a file, symbolic link or submodule, or the same path twice', async () => {
    const cases: [string[], string][] = [
      [['envs/qa'], '"envs/qa" is a folder'],
      [['README/x'], '"README" is a file, not a folder'],
      [['envs/qa/link'], '"envs/qa/link" is a symbolic link'],
      [['envs/qa/sub'], '"envs/qa/sub" is a submodule'],
      [['envs/qa/sub/x'], '"envs/qa/sub" is a submodule'],
      [['a', 'a'], '"a" is written twice'],
      [['a/b', 'a'], '"a" is a folder in this change'],
      [['a', 'a/b'], '"a" is a file in this change'],
    ];
    for (const [paths, message] of cases) {
      await assert.rejects(
        replaceFiles(sha('0'), paths.map((path) => ({ path, sha: sha('f') })), store().io),
        (err: unknown) => err instanceof TreeClashError && err.message === message,
        message,
      );
    }
  });
});

/** The `git mktree -z` input for these entries (mktree sorts them). */
function mktreeInput(entries: readonly RawTreeEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const type = isTreeMode(e.mode) ? 'tree' : e.mode === '160000' ? 'commit' : 'blob';
    parts.push(Buffer.from(`${e.mode.padStart(6, '0')} ${type} ${e.sha}\t`, 'latin1'), e.name, Buffer.from([0]));
  }
  return Buffer.concat(parts);
}

describe('parseTree against trees git wrote', () => {
  let repo: BareRepo;
  before(async () => {
    repo = await createBareRepo();
  });
  after(() => repo.cleanup());

  it('round-trips entries of every mode, with non-UTF-8 and non-ASCII names', async () => {
    const blob = (await fixtureGit(['hash-object', '-w', '--stdin'], { gitDir: repo.path, input: 'x' })).stdout.toString().trim();
    const emptyTree = (await fixtureGit(['mktree'], { gitDir: repo.path, input: '' })).stdout.toString().trim();
    const entries: RawTreeEntry[] = [
      { mode: '100644', name: Buffer.from('ü 日本.yaml'), sha: blob },
      { mode: '100755', name: Buffer.from([0x66, 0xff, 0x66]), sha: blob },
      { mode: '120000', name: Buffer.from('link'), sha: blob },
      { mode: '160000', name: Buffer.from('sub'), sha: 'd'.repeat(40) },
      { mode: '40000', name: Buffer.from('dir'), sha: emptyTree },
    ];
    const tree = (await fixtureGit(['mktree', '-z'], { gitDir: repo.path, input: mktreeInput(entries) })).stdout.toString().trim();
    const reader = new CatFileBatch({ gitDir: repo.path });
    try {
      const parsed = parseTree((await reader.read(tree))!.content, 20);
      const key = (x: RawTreeEntry) => `${x.mode} ${x.name.toString('hex')} ${x.sha}`;
      assert.deepEqual(parsed.map(key).sort(), entries.map(key).sort());
    } finally {
      await reader.close();
    }
  });
});
