import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GitError } from '../../git/errors.ts';
import { createBareRepo, fixtureGit } from '../../testing/git-fixtures.ts';
import type { BareRepo } from '../../testing/git-fixtures.ts';
import { CatFileBatch } from './cat-file.ts';

async function writeBlob(repo: string, content: Buffer): Promise<string> {
  const { stdout } = await fixtureGit(['hash-object', '-w', '--stdin'], { gitDir: repo, input: content });
  return stdout.toString().trim();
}

describe('CatFileBatch', () => {
  let repo: BareRepo;
  let reader: CatFileBatch;
  let spawned = 0;

  before(async () => {
    repo = await createBareRepo({ files: { 'docs/ü 日本.md': 'déjà vu — 日本語 🚂\n' } });
    reader = new CatFileBatch({ gitDir: repo.path, url: '/r.git', onSpawn: () => spawned++ });
  });
  after(async () => {
    await reader.close();
    await repo.cleanup();
  });

  it('reads binary content exactly: NUL bytes, newlines and text that looks like a header', async () => {
    const content = Buffer.concat([
      Buffer.from('0123456789abcdef0123456789abcdef01234567 blob 5\n'),
      Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0a, 0x0a, 0]),
      Buffer.from(' missing\n'),
    ]);
    const sha = await writeBlob(repo.path, content);
    const object = await reader.read(sha);
    assert.equal(object?.sha, sha);
    assert.equal(object?.type, 'blob');
    assert.ok(object?.content.equals(content));
    const empty = await writeBlob(repo.path, Buffer.alloc(0));
    assert.equal((await reader.read(empty))?.content.length, 0);
  });

  it('reads multibyte UTF-8 split across pipe chunks, and paths with spaces and non-ASCII names', async () => {
    const big = Buffer.from('日本語🚂é'.repeat(40_000), 'utf8'); // ~ 600 KB: many chunks, characters cut at chunk edges
    const sha = await writeBlob(repo.path, big);
    const [a, b] = await Promise.all([reader.read(sha), reader.read('main:docs/ü 日本.md')]);
    assert.ok(a?.content.equals(big));
    assert.equal(b?.content.toString('utf8'), 'déjà vu — 日本語 🚂\n');
  });

  it('answers missing objects with undefined and keeps going', async () => {
    assert.equal(await reader.read('0'.repeat(40)), undefined);
    assert.equal(await reader.read('main:no/such/file'), undefined);
    assert.equal((await reader.read('main'))?.type, 'commit');
    assert.equal((await reader.read('main^{tree}'))?.type, 'tree');
  });

  it('serves many concurrent reads in order through one process', async () => {
    const before = spawned;
    const shas = await Promise.all(Array.from({ length: 50 }, (_, i) => writeBlob(repo.path, Buffer.from(`blob ${i}\n`))));
    const answers = await Promise.all([...shas, ...shas].map((sha) => reader.read(sha)));
    answers.forEach((a, i) => assert.equal(a?.content.toString(), `blob ${i % 50}\n`));
    assert.equal(spawned, before, 'no new process');
  });

  it('starts a new process when the old one dies, and answers the reads it left', async () => {
    await reader.read('main');
    const pid = reader.pid!;
    const pending = reader.read('main:docs/ü 日本.md');
    process.kill(pid, 'SIGKILL');
    assert.equal((await pending)?.content.toString('utf8'), 'déjà vu — 日本語 🚂\n');
    assert.equal((await reader.read('main'))?.type, 'commit');
    assert.notEqual(reader.pid, pid);
  });

  it('refuses names with a newline without writing them', async () => {
    await assert.rejects(reader.read('main\nHEAD'), (e: unknown) => e instanceof GitError && e.code === 'invalid-path');
  });

  it('fails reads after close', async () => {
    const other = new CatFileBatch({ gitDir: repo.path });
    assert.equal((await other.read('main'))?.type, 'commit');
    await other.close();
    assert.equal(other.pid, undefined);
    await assert.rejects(other.read('main'), (e: unknown) => e instanceof GitError && e.code === 'command-failed');
  });
});
