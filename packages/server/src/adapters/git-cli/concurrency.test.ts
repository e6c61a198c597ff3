import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GitCredentials, GitRepository } from '../../git/port.ts';
import { createBareRepo, gitLog, lsTree, readAt, tempDir } from '../../testing/git-fixtures.ts';
import type { BareRepo, TempDir } from '../../testing/git-fixtures.ts';
import { startGitHttpServer } from '../../testing/git-http-server.ts';
import type { GitHttpServer } from '../../testing/git-http-server.ts';
import { createGitCli } from './git-cli.ts';
import type { GitCli } from './git-cli.ts';

const WRITERS = 20;
const AUTHOR = { name: 'Stagecoach', email: 'stagecoach@example.invalid' };

/**
 * One writer: resolve the tip, commit its own file on it, push with the tip as expectedOld; on a
 * rejection, refresh the branch and do it again. Returns how many pushes were rejected.
 */
async function writer(repo: GitRepository, i: number): Promise<number> {
  let rejections = 0;
  let tip = await repo.resolveBranch('main');
  for (;;) {
    const commit = await repo.commitFiles({
      parent: tip,
      files: [{ path: `writers/w${String(i).padStart(2, '0')}/file.txt`, content: `writer ${i}\n` }],
      message: `writer ${i}\n\nStagecoach-Release: w${i}`,
      author: AUTHOR,
      date: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    });
    const pushed = await repo.push(commit, 'main', { expectedOld: tip });
    if (pushed.ok) return rejections;
    rejections++;
    if (rejections > WRITERS * 2) throw new Error(`writer ${i}: too many rejections`);
    tip = await repo.refreshBranch('main');
  }
}

describe(`concurrent writers: ${WRITERS} commit-and-push loops on one branch through one GitPort`, () => {
  let root: TempDir;
  let cacheDir: TempDir;
  let server: GitHttpServer;
  let cli: GitCli;

  before(async () => {
    root = await tempDir('stagecoach-remote-');
    cacheDir = await tempDir('stagecoach-cache-');
    server = await startGitHttpServer({ root: root.path, username: 'x-access-token', password: 'concurrency-token' });
    cli = createGitCli({ cacheDir: cacheDir.path });
  });
  after(async () => {
    await cli.close();
    await server.close();
    await root.cleanup();
    await cacheDir.cleanup();
  });

  it('over smart HTTP with a token: every commit lands once, none is lost', async () => {
    const bare: BareRepo = await createBareRepo({ root: root.path, name: 'race.git', files: { 'README.md': 'x\n' } });
    const credentials: GitCredentials = { type: 'token', token: 'concurrency-token' };
    const repo = await cli.open({ url: server.url('race.git'), credentials });
    const initial = await repo.resolveBranch('main');

    const rejections = await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(repo, i)));

    const log = await gitLog(bare.path, 'main');
    assert.equal(log.length, WRITERS + 1, 'one commit per writer, plus the initial one');
    assert.equal(log.at(-1)!.sha, initial);
    // A straight line: each commit's only parent is the one before it.
    for (let k = 0; k < log.length - 1; k++) assert.deepEqual(log[k]!.parents, [log[k + 1]!.sha]);
    const messages = log.slice(0, -1).map((c) => c.message.split('\n')[0]).sort();
    assert.deepEqual(messages, Array.from({ length: WRITERS }, (_, i) => `writer ${i}`).sort());

    const files = [...(await lsTree(bare.path, 'main')).entries()].filter(([, v]) => v.includes(' blob ')).map(([k]) => k);
    assert.equal(files.length, WRITERS + 1);
    for (let i = 0; i < WRITERS; i++) {
      assert.equal(await readAt(bare.path, 'main', `writers/w${String(i).padStart(2, '0')}/file.txt`), `writer ${i}\n`);
    }
    assert.ok(rejections.reduce((a, b) => a + b, 0) > 0, 'the writers really raced');
    assert.equal(await repo.resolveBranch('main'), log[0]!.sha);
  });
});
