import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createBareRepo, fixtureGit, type BareRepo } from '../../testing/git-fixtures.ts';
import { commitContent, objectFormatOf, treeContent, writeLooseObject } from './objects.ts';
import type { RawTreeEntry } from './tree.ts';

const git = async (repo: BareRepo, args: string[], input?: string | Buffer, env?: Record<string, string>) =>
  (await fixtureGit(args, { gitDir: repo.path, ...(input !== undefined ? { input } : {}), ...(env ? { env } : {}) })).stdout.toString('latin1').trim();

describe('loose objects written without git, checked against git', () => {
  let repo: BareRepo;
  before(async () => {
    repo = await createBareRepo();
  });
  after(() => repo.cleanup());

  it('writes blobs with the ids and bytes git gives them', async () => {
    for (const text of ['', 'replicas: 2\n', 'ü 日本\r\nno newline at the end', '\0binary\xff']) {
      const content = Buffer.from(text, 'latin1');
      const sha = await writeLooseObject(repo.path, 'sha1', 'blob', content);
      assert.equal(sha, await git(repo, ['hash-object', '--no-filters', '--stdin'], content));
      assert.deepEqual((await fixtureGit(['cat-file', 'blob', sha], { gitDir: repo.path })).stdout, content);
    }
  });

  it("writes trees in git's order (a folder sorts as if its name ended with /), with the id mktree gives", async () => {
    const blob = await writeLooseObject(repo.path, 'sha1', 'blob', Buffer.from('x'));
    const sub = await writeLooseObject(repo.path, 'sha1', 'tree', treeContent([{ mode: '100644', name: Buffer.from('f'), sha: blob }]));
    const entries: RawTreeEntry[] = [
      { mode: '40000', name: Buffer.from('a'), sha: sub },
      { mode: '100644', name: Buffer.from('a.yaml'), sha: blob },
      { mode: '100644', name: Buffer.from('a-b'), sha: blob },
      { mode: '100755', name: Buffer.from('a0'), sha: blob },
      { mode: '120000', name: Buffer.from('Z'), sha: blob },
      { mode: '100644', name: Buffer.from([0x66, 0xff]), sha: blob },
      { mode: '100644', name: Buffer.from('ü.yaml'), sha: blob },
    ];
    const sha = await writeLooseObject(repo.path, 'sha1', 'tree', treeContent(entries));
    const mktree = entries.map((e) => `${e.mode.padStart(6, '0')} ${e.mode === '40000' ? 'tree' : 'blob'} ${e.sha}\t`);
    const input = Buffer.concat(entries.flatMap((e, i) => [Buffer.from(mktree[i]!, 'latin1'), e.name, Buffer.from([0])]));
    assert.equal(sha, await git(repo, ['mktree', '-z'], input));
  });

  it('writes commits byte for byte as commit-tree does, which fsck accepts', async () => {
    const tree = await git(repo, ['rev-parse', 'main^{tree}']);
    const parent = await git(repo, ['rev-parse', 'main']);
    const date = new Date('2026-03-04T05:06:07Z');
    const author = { name: 'Stagecoach Bot', email: 'stagecoach@example.com', date };
    for (const [parents, message] of [
      [[parent], 'Promote cf-101 to qa\n\nStagecoach-Release: r1\n'],
      [[parent, parent], 'a parent given twice, and no final newline'],
      [[], 'Ünïcode title ✓\n'],
    ] as const) {
      const content = commitContent({ tree, parents, author, message })!;
      const sha = await writeLooseObject(repo.path, 'sha1', 'commit', content);
      const when = `${date.getTime() / 1000} +0000`;
      const expected = await git(repo, ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])], message.endsWith('\n') ? message : `${message}\n`, {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_AUTHOR_DATE: when,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
        GIT_COMMITTER_DATE: when,
      });
      assert.equal(sha, expected, message);
    }
    await git(repo, ['fsck', '--strict', '--no-dangling']);
  });

  it('leaves to git a name or message git would change', () => {
    const base = { tree: 'a'.repeat(40), parents: [], message: 'm' };
    const date = new Date(0);
    assert.equal(commitContent({ ...base, author: { name: ' padded', email: 'a@b', date } }), undefined);
    assert.equal(commitContent({ ...base, author: { name: 'a <b>', email: 'a@b', date } }), undefined);
    assert.equal(commitContent({ ...base, author: { name: 'Bot.', email: 'a@b', date } }), undefined);
    assert.equal(commitContent({ ...base, author: { name: '', email: 'a@b', date } }), undefined);
    assert.equal(commitContent({ ...base, message: 'a\0b', author: { name: 'Bot', email: 'a@b', date } }), undefined);
    assert.ok(commitContent({ ...base, author: { name: "O'Brien, Jr", email: 'a@b', date } }));
  });

  it('keeps an object already there, and leaves no temporary file behind', async () => {
    const content = Buffer.from('same bytes\n');
    const [a, b] = await Promise.all([writeLooseObject(repo.path, 'sha1', 'blob', content), writeLooseObject(repo.path, 'sha1', 'blob', content)]);
    assert.equal(a, b);
    const folder = join(repo.path, 'objects', a.slice(0, 2));
    assert.deepEqual((await readdir(folder)).filter((name) => name.startsWith('tmp_obj_')), []);
    assert.equal((await stat(join(folder, a.slice(2)))).mode & 0o222, 0, 'read-only, as git writes objects');
    assert.equal(await writeLooseObject(repo.path, 'sha1', 'blob', content), a);
  });

  it('tells the object format from an id', () => {
    assert.equal(objectFormatOf('a'.repeat(40)), 'sha1');
    assert.equal(objectFormatOf('a'.repeat(64)), 'sha256');
  });
});
