import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { commitFiles, createBareRepo, gitLog, tempDir, type BareRepo, type TempDir } from '../../testing/git-fixtures.ts';
import { createGitCli } from './git-cli.ts';
import { commitFromObject } from './repository.ts';

const SHA = 'a'.repeat(40);
const object = (header: string, message = 'subject\n\nbody\n') => Buffer.from(`tree ${'b'.repeat(40)}\n${header}\n\n${message}`, 'utf8');

describe('a commit read from its object', () => {
  test('gives the author, the date in the author\'s offset and the message, as git log does', () => {
    const info = commitFromObject(SHA, object(`author Zoë Ünïcode <z@example.invalid> 1700000000 +0530\ncommitter C <c@x> 1700000001 +0000`));
    assert.deepEqual(info, { sha: SHA, author: { name: 'Zoë Ünïcode', email: 'z@example.invalid', date: '2023-11-15T03:43:20+05:30' }, message: 'subject\n\nbody' });
    assert.equal(commitFromObject(SHA, object('author A <a@x> 1700000000 -0700'))?.author.date, '2023-11-14T15:13:20-07:00');
    assert.equal(commitFromObject(SHA, object('author A <a@x> 1700000000 -0000'))?.author.date, '2023-11-14T22:13:20+00:00');
  });

  test('skips signature and merge-tag headers, whose lines go on with a space', () => {
    const signed = object(`parent ${'c'.repeat(40)}\nauthor A <a@x> 0 +0000\ncommitter A <a@x> 0 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n author Mallory <m@x> 1 +0100\n -----END PGP SIGNATURE-----`);
    assert.deepEqual(commitFromObject(SHA, signed)?.author, { name: 'A', email: 'a@x', date: '1970-01-01T00:00:00+00:00' });
  });

  test('leaves to git what needs its reading: another encoding, an author line it would repair', () => {
    assert.equal(commitFromObject(SHA, object('author A <a@x> 0 +0000\nencoding ISO-8859-1')), undefined);
    assert.ok(commitFromObject(SHA, object('author A <a@x> 0 +0000\nencoding UTF-8')));
    assert.equal(commitFromObject(SHA, object('author A <a@x>')), undefined);
    assert.equal(commitFromObject(SHA, object('author <a@x> 0 +0000')), undefined);
    assert.equal(commitFromObject(SHA, object('committer A <a@x> 0 +0000')), undefined);
  });
});

describe('commitInfo through the cat-file process', () => {
  let root: TempDir;
  let cache: TempDir;
  let bare: BareRepo;
  before(async () => {
    root = await tempDir();
    cache = await tempDir('stagecoach-cache-');
    bare = await createBareRepo({ root: root.path, files: { 'a.txt': 'a\n' } });
  });
  after(async () => {
    await root.cleanup();
    await cache.cleanup();
  });

  test('answers what git log answers for each offset and message shape, without starting git log', async () => {
    const dates = ['2026-01-02T03:04:05+02:00', '2026-06-30T23:59:59-07:00', '2026-03-01T00:00:00+05:30', '2026-03-01T12:00:00Z'];
    const messages = ['one line', 'title\n\nbody line\n\nTrailer: x\n', 'no newline at the end', 'trailing blank lines\n\n\n'];
    for (const [i, date] of dates.entries()) await commitFiles(bare.path, { branch: 'main', files: { 'a.txt': `${i}\n` }, message: messages[i]!, date });
    const spawned: string[] = [];
    const watched = createGitCli({ cacheDir: cache.path, onSpawn: (s) => spawned.push(s.args.join(' ')) });
    try {
      const repo = await watched.open({ url: bare.path });
      await repo.resolveBranch('main');
      const from = spawned.length;
      for (const entry of (await gitLog(bare.path, 'main')).slice(0, dates.length)) {
        assert.deepEqual(await repo.commitInfo(entry.sha), { sha: entry.sha, author: { name: entry.authorName, email: entry.authorEmail, date: entry.authorDate }, message: entry.message });
      }
      assert.deepEqual(spawned.slice(from).filter((a) => / log /.test(` ${a} `)), []);
    } finally {
      await watched.close();
    }
  });
});
