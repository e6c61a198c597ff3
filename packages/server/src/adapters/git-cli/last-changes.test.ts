import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CommitInfo } from '../../git/port.ts';
import { fixtureGit, tempDir } from '../../testing/git-fixtures.ts';
import type { TempDir } from '../../testing/git-fixtures.ts';
import { createGitCli } from './git-cli.ts';
import type { GitCli } from './git-cli.ts';
import { MAX_WALK_PATHSPECS, WalkReader } from './last-changes.ts';
import type { GitSpawn } from './run.ts';

const FOLDERS = ['a', 'a/x', 'b', 'c', 'c/deep/er', 'd', 'gone', 'never', ''];
const FILES = ['a/f', 'a/x/f', 'b/f', 'b/g', 'c/g', 'c/deep/er/f', 'd/f', 'gone/f', 'top'];

/** A small deterministic random generator (a linear congruential one), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A history with branches and merges of every kind, by `git fast-import`: merges that keep one
 * side, take files from both, or write new content (so the merge itself is the change), a folder
 * deleted and made again, and commit dates out of order (a parent newer than its child).
 * Returns the commits in the order made.
 */
async function randomHistory(gitDir: string, seed: number, commits: number): Promise<string[]> {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  type Tree = Map<string, string>;
  const trees: Tree[] = [];
  const lines: string[] = [];
  const tips: number[] = [];
  const write = (mark: number, tree: Tree, parents: number[], message: string) => {
    const when = 1_700_000_000 + mark * 60 + (next() < 0.2 ? -Math.floor(next() * 3600) : 0);
    lines.push(`commit refs/heads/main`, `mark :${mark + 1}`, `committer Walk <walk@example.invalid> ${when} +0000`, `data ${Buffer.byteLength(message)}`, message);
    if (parents.length > 0) lines.push(`from :${parents[0]! + 1}`);
    for (const p of parents.slice(1)) lines.push(`merge :${p + 1}`);
    lines.push('deleteall');
    for (const [path, content] of [...tree].sort()) lines.push(`M 100644 inline ${path}`, `data ${Buffer.byteLength(content)}`, content);
    lines.push('');
    trees.push(tree);
  };
  write(0, new Map(FILES.filter((f) => f !== 'gone/f').map((f) => [f, `${f} 0\n`])), [], 'root');
  tips.push(0, 0, 0);
  for (let n = 1; n < commits; n++) {
    const branch = Math.floor(next() * tips.length);
    const base = tips[branch]!;
    const other = tips[(branch + 1 + Math.floor(next() * (tips.length - 1))) % tips.length]!;
    if (other !== base && next() < 0.3) {
      const [mine, theirs] = [trees[base]!, trees[other]!];
      const tree: Tree = new Map();
      const mode = next();
      for (const file of new Set([...mine.keys(), ...theirs.keys()])) {
        // Keep one side whole, or take each file from either side, or write a new version.
        const from = mode < 0.3 ? mine : mode < 0.5 ? theirs : next() < 0.5 ? mine : theirs;
        const content = mode > 0.85 && next() < 0.3 ? `${file} merged ${n}\n` : from.get(file);
        if (content !== undefined) tree.set(file, content);
      }
      write(n, tree, [base, other], `merge ${other} into ${base}`);
    } else {
      const tree = new Map(trees[base]!);
      for (let k = 0; k < 1 + Math.floor(next() * 2); k++) {
        const file = pick(FILES);
        if (tree.has(file) && next() < 0.15) tree.delete(file);
        else tree.set(file, `${file} ${n}\n`);
      }
      write(n, tree, [base], `change ${n}`);
    }
    tips[branch] = n;
  }
  // Everything ends up on main: merge the other branches' tips into it.
  const last = commits;
  write(last, new Map(trees[tips[0]!]!), [...new Set(tips)], 'gather');
  const marks = join(gitDir, 'walk-marks');
  await fixtureGit(['fast-import', '--quiet', '--done', `--export-marks=${marks}`], { gitDir, input: `${lines.join('\n')}\ndone\n` });
  const shas = new Map((await readFile(marks, 'utf8')).trim().split('\n').map((l) => l.split(' ') as [string, string]));
  return Array.from({ length: commits + 1 }, (_, i) => shas.get(`:${i + 1}`)!);
}

describe('last changes of many folders in one walk', () => {
  let root: TempDir;
  let cli: GitCli;
  let spawns: GitSpawn[];

  before(async () => {
    root = await tempDir('stagecoach-walk-');
    spawns = [];
    cli = createGitCli({ cacheDir: join(root.path, 'cache'), onSpawn: (s) => spawns.push(s) });
  });
  after(async () => {
    await cli.close();
    await root.cleanup();
  });

  for (const seed of [1, 2, 3, 4]) {
    it(`gives what lastChange gives for every folder at many tips of a branching history (seed ${seed})`, async () => {
      const gitDir = join(root.path, `random-${seed}.git`);
      await fixtureGit(['init', '--bare', '--quiet', '--initial-branch=main', gitDir]);
      const commits = await randomHistory(gitDir, seed, 120);
      const repo = await cli.open({ url: gitDir });
      await repo.resolveBranch('main');
      const merges = (await fixtureGit(['rev-list', '--merges', '--count', 'main'], { gitDir })).stdout.toString().trim();
      assert.ok(Number(merges) > 10, `the history has merges (${merges})`);
      const tips = commits.filter((_, i) => i % 6 === 0 || i > commits.length - 4);
      let checked = 0;
      let earlier: { commit: string; answers: Map<string, CommitInfo | undefined> } | undefined;
      for (const tip of tips) {
        const walked = await repo.lastChanges(tip, FOLDERS);
        // The answers known at an earlier commit are used when a folder's history reaches it.
        const known = earlier;
        const resumed = await repo.lastChanges(tip, FOLDERS, { known: (c) => (c === known?.commit ? known.answers : undefined) });
        for (const folder of FOLDERS) {
          const expected = await repo.lastChange(tip, folder);
          assert.deepEqual(walked.get(folder), expected, `folder ${JSON.stringify(folder)} at ${tip}`);
          assert.deepEqual(resumed.get(folder), expected, `folder ${JSON.stringify(folder)} at ${tip}, resumed from ${known?.commit}`);
          checked++;
        }
        earlier = { commit: tip, answers: walked };
      }
      assert.equal(checked, tips.length * FOLDERS.length);
    });
  }

  it('takes the answers known at an older commit when a folder’s history reaches it', async () => {
    const gitDir = join(root.path, 'known.git');
    await fixtureGit(['init', '--bare', '--quiet', '--initial-branch=main', gitDir]);
    const lines = ['a/f', 'b/f', 'b/f', 'b/f', 'b/f'].flatMap((file, i) => [
      'commit refs/heads/main',
      `mark :${i + 1}`,
      `committer Walk <walk@example.invalid> ${1_700_000_000 + i * 60} +0000`,
      'data 2',
      `c${i}`,
      ...(i === 0 ? ['M 100644 inline b/f', 'data 2', 'b0'] : []),
      `M 100644 inline ${file}`,
      'data 2',
      `v${i}`,
      '',
    ]);
    await fixtureGit(['fast-import', '--quiet', '--done'], { gitDir, input: `${lines.join('\n')}\ndone\n` });
    const commits = (await fixtureGit(['rev-list', '--reverse', 'main'], { gitDir })).stdout.toString().trim().split('\n');
    const repo = await cli.open({ url: gitDir });
    const tip = await repo.resolveBranch('main');
    // An answer no walk could find shows that it was taken as given, below the commits that changed b.
    const marker: CommitInfo = { sha: 'f'.repeat(40), author: { name: 'Known', email: 'known@example.invalid', date: '2026-01-01T00:00:00+00:00' }, message: 'known' };
    const atThird = new Map([['a', marker], ['b', marker]]);
    const found = await repo.lastChanges(tip, ['a', 'b'], { known: (c) => (c === commits[2] ? atThird : undefined) });
    assert.equal(found.get('a'), marker, 'a: unchanged since the third commit, so its answer there');
    assert.equal(found.get('b')?.sha, tip, 'b: changed at the tip, before the walk reaches the third commit');
    assert.equal((await repo.lastChange(tip, 'a'))?.sha, commits[0]);

    const before = spawns.length;
    const atTip = new Map([['a', marker]]);
    assert.deepEqual([...(await repo.lastChanges(tip, ['a'], { known: (c) => (c === tip ? atTip : undefined) }))], [['a', marker]]);
    assert.equal(spawns.length, before, 'answers known at the tip need no process');
  });

  it('walks once however many folders, under few top-level folders or many', async () => {
    const gitDir = join(root.path, 'many.git');
    await fixtureGit(['init', '--bare', '--quiet', '--initial-branch=main', gitDir]);
    await randomHistory(gitDir, 5, 40);
    const repo = await cli.open({ url: gitDir });
    const tip = await repo.resolveBranch('main');
    const walks = () => spawns.filter((s) => s.args.includes('log') && s.args.includes('--sparse'));
    const nested = Array.from({ length: 1500 }, (_, i) => `c/deep/${'p'.repeat(60)}-${i}`);
    const topLevel = Array.from({ length: MAX_WALK_PATHSPECS + 1 }, (_, i) => `top-${i}`);
    for (const extra of [nested, topLevel]) {
      const folders = [...FOLDERS, ...extra];
      const before = walks().length;
      const found = await repo.lastChanges(tip, folders);
      assert.equal(walks().length - before, 1, 'one walk');
      const pathspec = walks().at(-1)!.args.slice(walks().at(-1)!.args.indexOf('--') + 1);
      assert.deepEqual(pathspec, extra === nested ? ['a', 'b', 'c', 'd', 'gone', 'never'] : [], 'the top-level folders, when few');
      for (const folder of FOLDERS) assert.deepEqual(found.get(folder), await repo.lastChange(tip, folder), folder);
      assert.equal(found.get(extra[0]!), undefined);
    }
  });
});

describe('WalkReader', () => {
  const sha = (c: string) => c.repeat(40);
  const output = Buffer.from(
    [
      `\x01${sha('a')} ${sha('b')} ${sha('c')}\0`,
      `\x01${sha('b')} ${sha('d')}\0\nenvs/dev/Chart.yaml\0envs/qa/ü.yaml\0`,
      `\x01${sha('c')} ${sha('d')}\0`,
      `\x01${sha('d')} \0\nREADME.md\0`,
    ].join(''),
    'utf8',
  );
  const expected = [
    { sha: sha('a'), parents: [sha('b'), sha('c')], files: [] },
    { sha: sha('b'), parents: [sha('d')], files: ['envs/dev/Chart.yaml', 'envs/qa/ü.yaml'] },
    { sha: sha('c'), parents: [sha('d')], files: [] },
    { sha: sha('d'), parents: [], files: ['README.md'] },
  ];

  it('reads commits, their parents and files, whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 7, 41, 1000]) {
      const reader = new WalkReader();
      const got = [];
      for (let at = 0; at < output.length; at += size) got.push(...reader.push(output.subarray(at, at + size)));
      got.push(...reader.end());
      assert.deepEqual(got, expected, `chunks of ${size}`);
    }
  });

  it('refuses a file before any commit', () => {
    assert.throws(() => new WalkReader().push(Buffer.from('README.md\0')), /file before any commit/);
  });
});
