import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { GitError } from '../../git/errors.ts';
import type { GitErrorCode } from '../../git/errors.ts';
import type { GitCredentials } from '../../git/port.ts';
import {
  branches,
  commitFiles,
  createBareRepo,
  fixtureGit,
  gitLog,
  lsTree,
  readAt,
  revParse,
  tempDir,
} from '../../testing/git-fixtures.ts';
import type { BareRepo, TempDir } from '../../testing/git-fixtures.ts';
import { startGitHttpServer } from '../../testing/git-http-server.ts';
import type { GitHttpServer } from '../../testing/git-http-server.ts';
import { createGitCli } from './git-cli.ts';
import type { GitCli } from './git-cli.ts';
import type { CliRepository } from './repository.ts';
import type { GitSpawn } from './run.ts';

const AUTHOR = { name: 'Stagecoach', email: 'stagecoach@example.invalid' };
const DATE = new Date('2026-03-04T05:06:07Z');
const TOKEN = 'tok_9f8e7d6c5b4a-secret';
const PASSWORD = 'pä$$w0rd-secret';

const INITIAL = {
  'README.md': '# app\n',
  'envs/dev/values.yaml': 'image:\n  tag: 1.0.0\n',
  'envs/qa/values.yaml': 'image:\n  tag: 0.9.0\n',
  'envs/qa/Chart.yaml': 'appVersion: 0.9.0\n',
  'envs/qa/run.sh': { content: '#!/bin/sh\necho hi\n', executable: true },
  'envs/production/values.yaml': 'image:\n  tag: 0.8.0\n',
  'docs/日本語.md': 'déjà vu — 日本語 🚂\n',
  'other/a/b/c.txt': 'deep\n',
};

/** Where the adapter talks to: a local path, or the smart-HTTP server with one kind of credentials. */
interface Transport {
  name: string;
  setUp(root: string): Promise<void>;
  url(repo: BareRepo): string;
  credentials?: GitCredentials;
  /** Credentials the server refuses (HTTP only). */
  wrong?: GitCredentials;
  secrets: string[];
  tearDown(): Promise<void>;
}

function localTransport(): Transport {
  return {
    name: 'a local bare repository path',
    setUp: async () => {},
    url: (repo) => repo.path,
    secrets: [],
    tearDown: async () => {},
  };
}

function httpTransport(kind: 'token' | 'basic'): Transport {
  let server: GitHttpServer;
  const username = kind === 'token' ? 'x-access-token' : 'ann';
  const secret = kind === 'token' ? TOKEN : PASSWORD;
  const credentials: GitCredentials =
    kind === 'token' ? { type: 'token', token: TOKEN } : { type: 'basic', username: 'ann', password: PASSWORD };
  const wrong: GitCredentials =
    kind === 'token' ? { type: 'token', token: `${TOKEN}-wrong` } : { type: 'basic', username: 'ann', password: `${PASSWORD}-wrong` };
  return {
    name: `git-http-server with ${kind} credentials`,
    async setUp(root) {
      server = await startGitHttpServer({ root, username, password: secret });
    },
    url: (repo) => server.url(repo.path.split('/').pop()!),
    credentials,
    wrong,
    secrets: [secret, `${secret}-wrong`, Buffer.from(`${username}:${secret}`).toString('base64')],
    tearDown: () => server.close(),
  };
}

/** Every string reachable from an error, for "no secret anywhere" checks. */
function everythingIn(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const own = Object.fromEntries(Object.getOwnPropertyNames(error).map((k) => [k, (error as unknown as Record<string, unknown>)[k]]));
  return [error.message, error.stack, JSON.stringify(own), String(error), error.cause ? everythingIn(error.cause) : ''].join('\n');
}

function isGitError(code: GitErrorCode) {
  return (e: unknown) => {
    assert.ok(e instanceof GitError, `expected a GitError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  };
}

function suite(transport: Transport): void {
  describe(`git-cli adapter against ${transport.name}`, () => {
    let root: TempDir;
    let cacheDir: TempDir;
    let spawns: GitSpawn[];
    let cli: GitCli;
    let n = 0;

    /** A new bare repository with the initial content, opened through the adapter. */
    async function fresh(files: Record<string, unknown> = INITIAL): Promise<{ bare: BareRepo; repo: CliRepository }> {
      const bare = await createBareRepo({ root: root.path, name: `repo-${++n}.git`, files: files as never });
      const repo = await cli.open({ url: transport.url(bare), ...(transport.credentials ? { credentials: transport.credentials } : {}) });
      return { bare, repo };
    }

    const count = (sub: string) => spawns.filter((s) => s.args.includes(sub)).length;

    before(async () => {
      root = await tempDir('stagecoach-remote-');
      cacheDir = await tempDir('stagecoach-cache-');
      await transport.setUp(root.path);
      spawns = [];
      cli = createGitCli({ cacheDir: cacheDir.path, onSpawn: (s) => spawns.push(s) });
    });

    after(async () => {
      await cli.close();
      // No secret ever reached an argument list, whatever the test.
      for (const s of spawns) for (const secret of transport.secrets) assert.ok(!s.args.join(' ').includes(secret), s.args.join(' '));
      await transport.tearDown();
      await root.cleanup();
      await cacheDir.cleanup();
    });

    it('resolves a branch with one fetch and no ls-remote; callers at the same moment share a fetch', async () => {
      const { bare, repo } = await fresh();
      const first = await repo.resolveBranch('main');
      assert.equal(first, await revParse(bare.path, 'main'));
      assert.equal(count('fetch'), 1);

      assert.equal(await repo.resolveBranch('main'), first);
      assert.equal(count('fetch'), 2, 'each resolve asks the remote');
      assert.equal(count('ls-remote'), 0);

      const next = await commitFiles(bare.path, { branch: 'main', files: { 'envs/dev/values.yaml': 'image:\n  tag: 1.1.0\n' } });
      // Five at once: one fetch, started after all five asked, answers them all.
      assert.deepEqual(await Promise.all(Array.from({ length: 5 }, () => repo.resolveBranch('main'))), Array(5).fill(next));
      assert.equal(count('fetch'), 3);
      assert.equal(await repo.readFile(next, 'envs/dev/values.yaml'), 'image:\n  tag: 1.1.0\n');

      const fetches = spawns.filter((s) => s.args.includes('fetch')).map((s) => s.args.slice(s.args.indexOf('fetch')));
      assert.deepEqual(fetches[0], [
        'fetch',
        '--no-tags',
        '--no-write-fetch-head',
        '--no-recurse-submodules',
        '--no-show-forced-updates',
        '--quiet',
        'origin',
        '+refs/heads/main:refs/remotes/origin/main',
      ]);
      // A second repository object on the same URL shares the cache: no new repository, and it
      // waits for the same lock.
      const inits = count('init');
      const again = await cli.open({ url: transport.url(bare), ...(transport.credentials ? { credentials: transport.credentials } : {}) });
      assert.equal(await again.resolveBranch('main'), next);
      assert.equal(count('init'), inits);
      assert.equal(await again.cachedTip('main'), next);
      assert.equal(cli.cacheFolder(transport.url(bare)).startsWith(cacheDir.path), true);
    });

    it('refreshBranch always fetches and returns the tip', async () => {
      const { bare, repo } = await fresh();
      await repo.resolveBranch('main');
      const before = count('fetch');
      assert.equal(await repo.refreshBranch('main'), await revParse(bare.path, 'main'));
      assert.equal(count('fetch'), before + 1);
    });

    it('reads files: text, UTF-8 multibyte, missing, a folder, at older commits', async () => {
      const { bare, repo } = await fresh();
      const tip = await repo.resolveBranch('main');
      assert.equal(await repo.readFile(tip, 'envs/qa/values.yaml'), 'image:\n  tag: 0.9.0\n');
      assert.equal(await repo.readFile(tip, 'docs/日本語.md'), 'déjà vu — 日本語 🚂\n');
      assert.equal(await repo.readFile(tip, 'envs/qa/missing.yaml'), undefined);
      assert.equal(await repo.readFile(tip, 'envs/qa'), undefined);
      const next = await commitFiles(bare.path, { branch: 'main', files: { 'envs/qa/values.yaml': 'image:\n  tag: 1.0.0\n' } });
      await repo.resolveBranch('main');
      assert.equal(await repo.readFile(next, 'envs/qa/values.yaml'), 'image:\n  tag: 1.0.0\n');
      assert.equal(await repo.readFile(tip, 'envs/qa/values.yaml'), 'image:\n  tag: 0.9.0\n');
      await assert.rejects(repo.readFile('f'.repeat(40), 'README.md'), isGitError('invalid-ref'));
      await assert.rejects(repo.readFile(tip, '../etc/passwd'), isGitError('invalid-path'));
      await assert.rejects(repo.readFile('main', 'README.md'), isGitError('invalid-ref'));
    });

    it('reads many files of one commit together, through the one object reader', async () => {
      const { repo } = await fresh();
      const tip = await repo.resolveBranch('main');
      const before = count('cat-file');
      const read = await repo.readFiles(tip, ['envs/qa/values.yaml', 'docs/日本語.md', 'envs/qa/missing.yaml', 'envs/qa', 'envs/qa/values.yaml']);
      assert.deepEqual([...read], [
        ['envs/qa/values.yaml', 'image:\n  tag: 0.9.0\n'],
        ['docs/日本語.md', 'déjà vu — 日本語 🚂\n'],
        ['envs/qa/missing.yaml', undefined],
        ['envs/qa', undefined],
      ]);
      assert.ok(count('cat-file') - before <= 1, 'at most the one long-lived reader is started');
      assert.deepEqual([...(await repo.readFiles(tip, []))], []);
      await assert.rejects(repo.readFiles(tip, ['README.md', '../etc/passwd']), isGitError('invalid-path'));
      await assert.rejects(repo.readFiles('f'.repeat(40), ['README.md']), isGitError('invalid-ref'));
    });

    it('lists files under a folder with their types', async () => {
      const { bare, repo } = await fresh();
      // Add a symbolic link and a submodule entry by plumbing on the remote.
      const tip0 = (await revParse(bare.path, 'main'))!;
      const work = await tempDir();
      try {
        await fixtureGit(['clone', '--quiet', bare.path, work.path]);
        await fixtureGit(['-c', 'core.symlinks=true', 'update-index', '--add', '--cacheinfo', `160000,${tip0},envs/qa/sub`], { cwd: work.path });
        const link = (await fixtureGit(['hash-object', '-w', '--stdin'], { cwd: work.path, input: 'values.yaml' })).stdout.toString().trim();
        await fixtureGit(['update-index', '--add', '--cacheinfo', `120000,${link},envs/qa/link.yaml`], { cwd: work.path });
        await fixtureGit(['commit', '--quiet', '-m', 'link and submodule'], { cwd: work.path });
        await fixtureGit(['push', '--quiet', 'origin', 'HEAD:main'], { cwd: work.path });
      } finally {
        await work.cleanup();
      }
      const tip = await repo.resolveBranch('main');
      assert.deepEqual(await repo.listFiles(tip, 'envs/qa'), [
        { path: 'envs/qa/Chart.yaml', type: 'file' },
        { path: 'envs/qa/link.yaml', type: 'symlink' },
        { path: 'envs/qa/run.sh', type: 'executable' },
        { path: 'envs/qa/sub', type: 'submodule' },
        { path: 'envs/qa/values.yaml', type: 'file' },
      ]);
      assert.deepEqual(await repo.listFiles(tip, 'envs/qa/'), await repo.listFiles(tip, 'envs/qa'));
      assert.equal((await repo.listFiles(tip, '')).length, 10);
      assert.deepEqual(await repo.listFiles(tip, '.'), await repo.listFiles(tip, ''));
      assert.deepEqual(await repo.listFiles(tip, 'envs/q'), [], 'a prefix of a folder name is not the folder');
      assert.deepEqual(await repo.listFiles(tip, 'nothing/here'), []);
      assert.deepEqual(await repo.listFiles(tip, ':(glob)**'), [], 'pathspec magic is taken literally');
      await assert.rejects(repo.listFiles(tip, '../x'), isGitError('invalid-path'));
    });

    it('finds the last change of a folder, and commit details', async () => {
      const { bare, repo } = await fresh();
      const qaChange = await commitFiles(bare.path, {
        branch: 'main',
        files: { 'envs/qa/values.yaml': 'image:\n  tag: 1.0.0\n' },
        message: 'promote qa\n\nStagecoach-Release: r1\n',
        date: '2026-01-02T03:04:05+02:00',
      });
      const devChange = await commitFiles(bare.path, { branch: 'main', files: { 'envs/dev/values.yaml': 'image:\n  tag: 2.0.0\n' } });
      const tip = await repo.resolveBranch('main');
      assert.equal(tip, devChange);
      const expected = {
        sha: qaChange,
        author: { name: 'Fixture', email: 'fixture@example.invalid', date: '2026-01-02T03:04:05+02:00' },
        message: 'promote qa\n\nStagecoach-Release: r1',
      };
      assert.deepEqual(await repo.lastChange(tip, 'envs/qa'), expected);
      assert.deepEqual(await repo.lastChange(tip, 'envs/qa/'), expected);
      assert.equal((await repo.lastChange(tip, 'envs'))?.sha, devChange);
      assert.equal((await repo.lastChange(tip, ''))?.sha, devChange);
      assert.equal(await repo.lastChange(tip, 'no/such/folder'), undefined);
      assert.deepEqual(await repo.commitInfo(qaChange), expected);
      await assert.rejects(repo.commitInfo('e'.repeat(40)), isGitError('invalid-ref'));
    });

    it('finds the last change of many folders in one walk, each as lastChange finds it', async () => {
      const { bare, repo } = await fresh();
      const qaChange = await commitFiles(bare.path, { branch: 'main', files: { 'envs/qa/values.yaml': 'image:\n  tag: 1.0.0\n' }, message: 'promote qa\n\nStagecoach-Release: r1\n' });
      await commitFiles(bare.path, { branch: 'main', files: { 'envs/dev/values.yaml': 'image:\n  tag: 2.0.0\n' } });
      const tip = await repo.resolveBranch('main');
      const folders = ['envs/qa', 'envs/qa/', 'envs/dev', 'envs/production', 'envs', '', 'other/a/b', 'no/such/folder', ':(glob)**'];
      const before = count('log');
      const found = await repo.lastChanges(tip, folders);
      assert.equal(count('log') - before, 2, 'one walk, and one call describing the commits found');
      assert.deepEqual([...found.keys()], folders);
      for (const folder of folders) assert.deepEqual(found.get(folder), await repo.lastChange(tip, folder), folder);
      assert.equal(found.get('envs/qa')?.sha, qaChange);
      assert.equal(found.get('envs/qa')?.message, 'promote qa\n\nStagecoach-Release: r1');
      assert.equal(found.get('no/such/folder'), undefined);
      assert.deepEqual([...(await repo.lastChanges(tip, []))], []);
      await assert.rejects(repo.lastChanges(tip, ['envs/qa', '../x']), isGitError('invalid-path'));
      await assert.rejects(repo.lastChanges('e'.repeat(40), ['envs/qa']), isGitError('invalid-ref'));
    });

    it('commits files by plumbing: only the changed blobs and the trees above them change', async () => {
      const { bare, repo } = await fresh();
      const parent = await repo.resolveBranch('main');
      const before = await lsTree(bare.path, parent);
      const sha = await repo.commitFiles({
        parent,
        files: [
          { path: 'envs/qa/values.yaml', content: 'image:\n  tag: 1.0.0\n' },
          { path: 'other/a/b/c.txt', content: 'déjà — 日本 🚂\n' },
          { path: 'envs/qa/run.sh', content: '#!/bin/sh\necho bye\n' },
        ],
        message: 'promote qa\n\nStagecoach-Release: r1\nStagecoach-Environment: qa',
        author: AUTHOR,
        date: DATE,
      });
      assert.equal(await revParse(bare.path, 'main'), parent, 'nothing is pushed yet');
      assert.deepEqual(await repo.push(sha, 'main', { expectedOld: parent }), { ok: true });

      const afterTree = await lsTree(bare.path, sha);
      const changed = [...afterTree.keys()].filter((k) => afterTree.get(k) !== before.get(k)).sort();
      assert.deepEqual(changed, ['envs', 'envs/qa', 'envs/qa/run.sh', 'envs/qa/values.yaml', 'other', 'other/a', 'other/a/b', 'other/a/b/c.txt']);
      assert.deepEqual([...afterTree.keys()].sort(), [...before.keys()].sort(), 'no entry added or removed');
      assert.match(afterTree.get('envs/qa/run.sh')!, /^100755 blob /, 'an executable stays executable');
      assert.equal(await readAt(bare.path, 'main', 'other/a/b/c.txt'), 'déjà — 日本 🚂\n');
      assert.equal(await readAt(bare.path, 'main', 'envs/qa/values.yaml'), 'image:\n  tag: 1.0.0\n');

      const [head] = await gitLog(bare.path, 'main');
      assert.deepEqual(head, {
        sha,
        parents: [parent],
        authorName: AUTHOR.name,
        authorEmail: AUTHOR.email,
        authorDate: '2026-03-04T05:06:07+00:00',
        message: 'promote qa\n\nStagecoach-Release: r1\nStagecoach-Environment: qa',
      });
      const committer = (await fixtureGit(['log', '-1', '--format=%cn <%ce> %cI', sha], { gitDir: bare.path })).stdout.toString().trim();
      assert.equal(committer, 'Stagecoach <stagecoach@example.invalid> 2026-03-04T05:06:07+00:00');
      // The remote accepts it as a well-formed repository.
      await fixtureGit(['fsck', '--strict', '--no-dangling'], { gitDir: bare.path });
    });

    it('adds new files in new folders and never checks anything out', async () => {
      const { bare, repo } = await fresh();
      const parent = await repo.resolveBranch('main');
      const sha = await repo.commitFiles({
        parent,
        files: [{ path: 'envs/staging/new/values.yaml', content: 'a: 1\n' }],
        message: 'add staging',
        author: AUTHOR,
        date: DATE,
      });
      assert.equal(await repo.readFile(sha, 'envs/staging/new/values.yaml'), 'a: 1\n');
      assert.equal(await repo.readFile(sha, 'envs/qa/values.yaml'), 'image:\n  tag: 0.9.0\n');
      const used = new Set(spawns.map((s) => s.args.find((a, i) => i > 0 && s.args[i - 1] !== '-c' && a !== '-c')));
      for (const porcelain of ['checkout', 'worktree', 'clone', 'read-tree', 'add', 'commit']) assert.ok(!used.has(porcelain), porcelain);
      const cacheEntries = await readdir(cli.cacheFolder(transport.url(bare)));
      assert.ok(!cacheEntries.includes('index'), 'the cache has no index: nothing was checked out');
      // Empty commit message lines and no trailing newline are kept as given.
      const same = await repo.commitFiles({ parent, files: [{ path: 'envs/qa/values.yaml', content: 'image:\n  tag: 0.9.0\n' }], message: 'noop', author: AUTHOR, date: DATE });
      assert.equal((await repo.commitInfo(same)).message, 'noop');
      assert.equal(await revParse(bare.path, 'main'), parent);
    });

    it('refuses bad paths and paths that clash with the tree', async () => {
      const { repo } = await fresh();
      const parent = await repo.resolveBranch('main');
      const commit = (path: string) => repo.commitFiles({ parent, files: [{ path, content: 'x' }], message: 'm', author: AUTHOR, date: DATE });
      const spawned = spawns.length;
      for (const path of ['/etc/passwd', '../x', 'a/../../x', '.git/config', 'a//b', '']) await assert.rejects(commit(path), isGitError('invalid-path'));
      assert.equal(spawns.length, spawned, 'refused before any git process');
      await assert.rejects(commit('envs/qa'), (e: unknown) => {
        assert.ok(e instanceof GitError && e.code === 'invalid-path');
        assert.equal(e.message, `git repository ${repo.url}: cannot write file: "envs/qa" is a folder`);
        return true;
      });
      await assert.rejects(commit('README.md/x'), isGitError('invalid-path'));
      await assert.rejects(
        repo.commitFiles({ parent: 'a'.repeat(40), files: [], message: 'm', author: AUTHOR, date: DATE }),
        isGitError('invalid-ref'),
      );
    });

    it('pushes with an explicit lease: a stale expectedOld is rejected and changes nothing', async () => {
      const { bare, repo } = await fresh();
      const base = await repo.resolveBranch('main');
      const mine = await repo.commitFiles({ parent: base, files: [{ path: 'a.txt', content: 'mine\n' }], message: 'mine', author: AUTHOR, date: DATE });
      const theirs = await commitFiles(bare.path, { branch: 'main', files: { 'b.txt': 'theirs\n' } });

      const rejected = await repo.push(mine, 'main', { expectedOld: base });
      assert.equal(rejected.ok, false);
      assert.ok(!rejected.ok && rejected.reason === 'rejected' && /stale info/.test(rejected.message), JSON.stringify(rejected));
      assert.equal(await revParse(bare.path, 'main'), theirs);
      assert.ok(spawns.some((s) => s.args.includes(`--force-with-lease=refs/heads/main:${base}`)));
      assert.ok(!spawns.some((s) => s.args.includes('--force') || s.args.includes('-f')), 'never a bare force');

      // Without a lease, a non-fast-forward push is rejected too.
      const plain = await repo.push(mine, 'main');
      assert.ok(!plain.ok && plain.reason === 'rejected', JSON.stringify(plain));

      // Refresh and redo: it lands, and the remote-tracking ref follows without a fetch.
      const tip = await repo.refreshBranch('main');
      assert.equal(tip, theirs);
      const redo = await repo.commitFiles({ parent: tip, files: [{ path: 'a.txt', content: 'mine\n' }], message: 'mine', author: AUTHOR, date: DATE });
      const [fetches, refUpdates] = [count('fetch'), count('update-ref')];
      assert.deepEqual(await repo.push(redo, 'main', { expectedOld: tip }), { ok: true });
      assert.equal(await repo.cachedTip('main'), redo);
      assert.equal(count('fetch'), fetches);
      assert.equal(count('update-ref'), refUpdates, 'the push itself moved the remote-tracking ref');
      assert.deepEqual((await gitLog(bare.path, 'main')).map((c) => c.sha).slice(0, 2), [redo, theirs]);
      // Pushing the commit the branch already has is a success (a retried push).
      assert.deepEqual(await repo.push(redo, 'main', { expectedOld: tip }), { ok: true });
      // A lease this cache already knows to be stale is refused without a round trip.
      const pushes = count('push');
      const known = await repo.push(mine, 'main', { expectedOld: base });
      assert.deepEqual(known, {
        ok: false,
        reason: 'rejected',
        message: `[rejected] (stale info: branch "main" was last seen at ${redo}, not ${base})`,
      });
      assert.equal(count('push'), pushes);
    });

    it('creates a branch only when it does not exist with create: true', async () => {
      const { bare, repo } = await fresh();
      const base = await repo.resolveBranch('main');
      const c = await repo.commitFiles({ parent: base, files: [{ path: 'x', content: '1' }], message: 'x', author: AUTHOR, date: DATE });
      assert.deepEqual(await repo.push(c, 'stagecoach/r1/qa/app', { create: true }), { ok: true });
      assert.equal((await branches(bare.path)).get('stagecoach/r1/qa/app'), c);
      assert.equal(await repo.resolveBranch('stagecoach/r1/qa/app'), c);
      const d = await repo.commitFiles({ parent: c, files: [{ path: 'x', content: '2' }], message: 'x', author: AUTHOR, date: DATE });
      const again = await repo.push(d, 'stagecoach/r1/qa/app', { create: true });
      assert.ok(!again.ok && again.reason === 'rejected');
      assert.equal((await branches(bare.path)).get('stagecoach/r1/qa/app'), c);
    });

    it('finds a commit by exact trailers', async () => {
      const { bare, repo } = await fresh();
      const r1 = await commitFiles(bare.path, {
        branch: 'main',
        files: { 'envs/qa/values.yaml': 'a\n' },
        message: 'promote\n\nStagecoach-Release: r1\nStagecoach-Environment: qa\nStagecoach-Application: app-qa\n',
      });
      await commitFiles(bare.path, {
        branch: 'main',
        files: { 'envs/qa/values.yaml': 'b\n' },
        message: 'promote\n\nStagecoach-Release: r10\nStagecoach-Environment: qa\n',
      });
      await commitFiles(bare.path, { branch: 'main', files: { 'x.txt': 'c\n' }, message: 'unrelated\n\nStagecoach-Release r1 (not a trailer line)\n' });
      const tip = await repo.resolveBranch('main');
      assert.equal(await repo.findCommitWithTrailers(tip, { 'Stagecoach-Release': 'r1', 'Stagecoach-Environment': 'qa' }), r1);
      assert.equal(await repo.findCommitWithTrailers(tip, { 'Stagecoach-Release': 'r1' }), r1);
      assert.equal(await repo.findCommitWithTrailers(tip, { 'Stagecoach-Release': 'r1', 'Stagecoach-Environment': 'dev' }), undefined);
      assert.equal(await repo.findCommitWithTrailers(tip, { 'stagecoach-release': 'r1' }), undefined, 'keys match exactly');
      assert.equal(await repo.findCommitWithTrailers(tip, { 'Stagecoach-Release': 'r' }), undefined, 'values match exactly');
      assert.equal(await repo.findCommitWithTrailers(tip, { 'Stagecoach-Release': 'r1' }, 2), undefined, 'beyond the limit');
      assert.equal(await repo.findCommitWithTrailers(tip, { 'Stagecoach-Release': 'r1' }, 3), r1);
    });

    it('reads a history once for searches from the same commit, at once or one after another', async () => {
      const { bare, repo } = await fresh();
      const r2 = await commitFiles(bare.path, { branch: 'main', files: { 'a.txt': '1\n' }, message: 'promote\n\nStagecoach-Release: r2\n' });
      const tip = await repo.resolveBranch('main');
      const logs = () => count('log');
      const before = logs();
      const [a, b] = await Promise.all([repo.findCommitWithTrailers(tip, { 'Stagecoach-Release': 'r2' }), repo.findCommitWithTrailers(tip, { 'Stagecoach-Release': 'r3' })]);
      assert.deepEqual([a, b], [r2, undefined]);
      assert.equal(await repo.findCommitWithTrailers(tip, { 'Stagecoach-Release': 'r2' }), r2);
      assert.equal(logs() - before, 1);
      const next = await commitFiles(bare.path, { branch: 'main', files: { 'a.txt': '2\n' }, message: 'promote\n\nStagecoach-Release: r3\n' });
      assert.equal(await repo.findCommitWithTrailers(await repo.resolveBranch('main'), { 'Stagecoach-Release': 'r3' }), next);
      assert.equal(logs() - before, 2, 'a new tip is searched');
    });

    it('tells ancestors apart', async () => {
      const { bare, repo } = await fresh();
      const a = await repo.resolveBranch('main');
      const b = await commitFiles(bare.path, { branch: 'main', files: { 'x.txt': '1' } });
      await repo.resolveBranch('main');
      assert.equal(await repo.isAncestor(a, b), true);
      assert.equal(await repo.isAncestor(b, a), false);
      assert.equal(await repo.isAncestor(a, a), true);
    });

    it('lists the files changed between two commits: added, modified, deleted, odd paths', async () => {
      const { bare, repo } = await fresh();
      const base = (await revParse(bare.path, 'main'))!;
      const next = await commitFiles(bare.path, {
        branch: 'main',
        files: {
          'envs/qa/values.yaml': 'image:\n  tag: 1.0.0\n',
          'envs/qa/Chart.yaml': null,
          'envs/qa/new folder/with space.yaml': 'a: 1\n',
          'docs/日本語.md': 'changed 🚂\n',
          'docs/ünï cödé.txt': 'new\n',
        },
      });
      await repo.resolveBranch('main');
      const spawned = count('diff-tree');
      assert.deepEqual(await repo.changedFiles(base, next), [
        { path: 'docs/ünï cödé.txt', status: 'added' },
        { path: 'docs/日本語.md', status: 'modified' },
        { path: 'envs/qa/Chart.yaml', status: 'deleted' },
        { path: 'envs/qa/new folder/with space.yaml', status: 'added' },
        { path: 'envs/qa/values.yaml', status: 'modified' },
      ]);
      assert.equal(count('diff-tree') - spawned, 1);
      assert.deepEqual(
        (await repo.changedFiles(next, base)).map((f) => `${f.status} ${f.path}`),
        ['deleted docs/ünï cödé.txt', 'modified docs/日本語.md', 'added envs/qa/Chart.yaml', 'deleted envs/qa/new folder/with space.yaml', 'modified envs/qa/values.yaml'],
        'the other way round',
      );
      assert.deepEqual(await repo.changedFiles(next, next), []);
      await assert.rejects(repo.changedFiles(base, 'e'.repeat(40)), isGitError('invalid-ref'));
      await assert.rejects(repo.changedFiles('e'.repeat(40), next), isGitError('invalid-ref'));
      await assert.rejects(repo.changedFiles('--output=/tmp/x', next), isGitError('invalid-ref'));
    });

    it('reads the parents of a commit and the merge base of two', async () => {
      const { bare, repo } = await fresh();
      const root0 = (await revParse(bare.path, 'main'))!;
      const feature = await commitFiles(bare.path, { branch: 'feature', from: root0, files: { 'envs/qa/values.yaml': 'image:\n  tag: 2.0.0\n' } });
      const main = await commitFiles(bare.path, { branch: 'main', files: { 'envs/dev/values.yaml': 'image:\n  tag: 3.0.0\n' } });
      await repo.resolveBranch('main');
      await repo.resolveBranch('feature');
      assert.deepEqual(await repo.parentsOf(root0), []);
      assert.deepEqual(await repo.parentsOf(feature), [root0]);
      assert.equal(await repo.mergeBase(main, feature), root0);
      assert.equal(await repo.mergeBase(root0, feature), root0);
      const merged = await repo.merge({ base: main, head: feature, message: 'Merge feature', author: AUTHOR, date: DATE });
      assert.ok(merged.ok);
      assert.deepEqual(await repo.parentsOf(merged.sha), [main, feature]);
      const orphan = await commitFiles(bare.path, { branch: 'orphan', orphan: true, files: { 'x.txt': '1\n' } });
      await repo.resolveBranch('orphan');
      assert.equal(await repo.mergeBase(main, orphan), undefined);
      await assert.rejects(repo.parentsOf('e'.repeat(40)), isGitError('invalid-ref'));
      await assert.rejects(repo.mergeBase(main, 'e'.repeat(40)), isGitError('invalid-ref'));
    });

    it('merges without a worktree: clean, and conflicting with the conflicted files', async () => {
      const { bare, repo } = await fresh();
      const base0 = (await revParse(bare.path, 'main'))!;
      await commitFiles(bare.path, { branch: 'feature', from: base0, files: { 'envs/qa/values.yaml': 'image:\n  tag: 2.0.0\n' } });
      await commitFiles(bare.path, { branch: 'main', files: { 'envs/dev/values.yaml': 'image:\n  tag: 3.0.0\n' } });
      const base = await repo.resolveBranch('main');
      const head = await repo.resolveBranch('feature');
      const merged = await repo.merge({ base, head, message: 'Merge feature', author: AUTHOR, date: DATE });
      assert.ok(merged.ok, JSON.stringify(merged));
      assert.equal(await repo.readFile(merged.sha, 'envs/qa/values.yaml'), 'image:\n  tag: 2.0.0\n');
      assert.equal(await repo.readFile(merged.sha, 'envs/dev/values.yaml'), 'image:\n  tag: 3.0.0\n');
      assert.deepEqual(await repo.push(merged.sha, 'main', { expectedOld: base }), { ok: true });
      assert.deepEqual((await gitLog(bare.path, 'main'))[0]!.parents, [base, head]);

      await commitFiles(bare.path, { branch: 'clash', from: base0, files: { 'envs/dev/values.yaml': 'image:\n  tag: 9.9.9\n', 'docs/日本語.md': 'x\n' } });
      await commitFiles(bare.path, { branch: 'main', files: { 'docs/日本語.md': 'y\n' } });
      const conflict = await repo.merge({
        base: await repo.resolveBranch('main'),
        head: await repo.resolveBranch('clash'),
        message: 'Merge clash',
        author: AUTHOR,
        date: DATE,
      });
      assert.deepEqual(conflict, { ok: false, reason: 'conflict', files: ['docs/日本語.md', 'envs/dev/values.yaml'] });
    });

    it('deletes a branch, and deleting it again succeeds', async () => {
      const { bare, repo } = await fresh();
      await commitFiles(bare.path, { branch: 'stagecoach/r1/qa/app', from: 'main', files: { 'x': '1' } });
      await repo.resolveBranch('stagecoach/r1/qa/app');
      await repo.deleteBranch('stagecoach/r1/qa/app');
      assert.equal((await branches(bare.path)).has('stagecoach/r1/qa/app'), false);
      await repo.deleteBranch('stagecoach/r1/qa/app');
      await assert.rejects(repo.resolveBranch('stagecoach/r1/qa/app'), isGitError('branch-not-found'));
    });

    it('reports an unknown branch as branch-not-found', async () => {
      const { repo } = await fresh();
      await assert.rejects(repo.resolveBranch('nope'), (e: unknown) => {
        assert.ok(e instanceof GitError && e.code === 'branch-not-found');
        assert.equal(e.message, `git repository ${repo.url}: branch "nope" does not exist on the remote`);
        return true;
      });
      await assert.rejects(repo.refreshBranch('nope'), isGitError('branch-not-found'));
    });

    it('reports an unknown repository as repository-not-found', async () => {
      const ghost = { path: `${root.path}/ghost.git`, branch: 'main', cleanup: async () => {} };
      const repo = await cli.open({ url: transport.url(ghost), ...(transport.credentials ? { credentials: transport.credentials } : {}) });
      await assert.rejects(repo.resolveBranch('main'), isGitError('repository-not-found'));
    });

    it('refuses an option-like branch as invalid-ref without spawning anything', async () => {
      const { repo } = await fresh();
      const tip = await repo.resolveBranch('main');
      const spawned = spawns.length;
      for (const call of [
        () => repo.resolveBranch('--upload-pack=evil'),
        () => repo.refreshBranch('--upload-pack=evil'),
        () => repo.push(tip, '--upload-pack=evil'),
        () => repo.deleteBranch('-d'),
        () => repo.push('--all', 'main'),
        () => repo.push(tip, 'main', { expectedOld: '--force' }),
        () => repo.isAncestor('--help', tip),
        () => repo.listFiles('--output=/tmp/x', ''),
        () => repo.findCommitWithTrailers('--all', {}),
      ]) {
        await assert.rejects(call(), isGitError('invalid-ref'));
      }
      assert.equal(spawns.length, spawned);
    });

    if (transport.wrong !== undefined) {
      it('reports wrong credentials as unauthorized, with no secret anywhere in the error', async () => {
        const { bare } = await fresh();
        const repo = await cli.open({ url: transport.url(bare), credentials: transport.wrong! });
        const error = await repo.resolveBranch('main').then(
          () => assert.fail('expected a failure'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof GitError);
        assert.equal(error.code, 'unauthorized');
        assert.ok(error.message.startsWith(`git repository ${transport.url(bare)}: fetch: the remote refused the credentials`), error.message);
        const text = everythingIn(error);
        for (const secret of transport.secrets) assert.ok(!text.includes(secret), `secret leaked: ${text}`);
        // The same through push, whose stderr differs.
        const good = await cli.open({ url: transport.url(bare), credentials: transport.credentials! });
        const tip = await good.resolveBranch('main');
        const c = await good.commitFiles({ parent: tip, files: [{ path: 'x', content: 'x' }], message: 'x', author: AUTHOR, date: DATE });
        const pushError = await repo.push(c, 'main', { expectedOld: tip }).then(
          () => assert.fail('expected a failure'),
          (e: unknown) => e,
        );
        assert.ok(pushError instanceof GitError && pushError.code === 'unauthorized', String(pushError));
        for (const secret of transport.secrets) assert.ok(!everythingIn(pushError).includes(secret));
      });

      it('reports missing credentials as unauthorized', async () => {
        const { bare } = await fresh();
        const repo = await cli.open({ url: transport.url(bare) });
        await assert.rejects(repo.resolveBranch('main'), isGitError('unauthorized'));
      });

      it('gives credentials through the environment only', async () => {
        const { repo } = await fresh();
        const from = spawns.length;
        await repo.resolveBranch('main');
        const network = spawns.slice(from).filter((s) => s.args.includes('fetch'));
        assert.ok(network.length >= 1);
        for (const s of network) {
          assert.equal(s.env.GIT_CONFIG_COUNT, '1');
          assert.equal(s.env.GIT_CONFIG_KEY_0, 'http.extraHeader');
          assert.match(s.env.GIT_CONFIG_VALUE_0!, /^Authorization: Basic [A-Za-z0-9+/=]+$/);
          assert.equal(s.env.GIT_TERMINAL_PROMPT, '0');
          assert.equal(s.env.GIT_CONFIG_NOSYSTEM, '1');
          assert.equal(s.env.GIT_CONFIG_GLOBAL, '/dev/null');
          assert.equal(s.env.LC_ALL, 'C');
        }
        // Local commands never see the credentials.
        for (const s of spawns.slice(from).filter((x) => !network.includes(x))) assert.equal(s.env.GIT_CONFIG_VALUE_0, undefined);
      });
    }
  });
}

suite(localTransport());
suite(httpTransport('token'));
suite(httpTransport('basic'));

describe('git-cli adapter: opening', () => {
  it('reuses a cache made by an earlier process: no new repository, and the cached tip is known before any fetch', async () => {
    const cacheDir = await tempDir('stagecoach-cache-');
    const bare = await createBareRepo({ files: { 'a.txt': 'a\n' } });
    try {
      const first = createGitCli({ cacheDir: cacheDir.path });
      const tip = await (await first.open({ url: bare.path })).resolveBranch('main');
      await first.close();
      const spawned: string[][] = [];
      const second = createGitCli({ cacheDir: cacheDir.path, onSpawn: (s) => spawned.push([...s.args]) });
      const repo = await second.open({ url: bare.path });
      assert.equal(await repo.cachedTip('main'), tip);
      assert.equal(await repo.readFile(tip, 'a.txt'), 'a\n');
      assert.equal(spawned.filter((a) => a.includes('fetch') || a.includes('init')).length, 0);
      assert.equal(await repo.resolveBranch('main'), tip);
      assert.equal(spawned.filter((a) => a.includes('init')).length, 0);
      await second.close();
    } finally {
      await bare.cleanup();
      await cacheDir.cleanup();
    }
  });

  it('refuses unusable URLs without echoing them, and refuses opens after close', async () => {
    const cacheDir = await tempDir('stagecoach-cache-');
    const cli = createGitCli({ cacheDir: cacheDir.path });
    try {
      for (const url of ['--upload-pack=evil', 'ext::sh -c evil', 'relative/path', 'ftp://h/x']) {
        await assert.rejects(cli.open({ url }), (e: unknown) => {
          assert.ok(e instanceof GitError && e.code === 'repository-not-found');
          assert.ok(!e.message.includes(url), e.message);
          return true;
        });
      }
      await cli.close();
      await assert.rejects(cli.open({ url: '/x' }), isGitError('command-failed'));
    } finally {
      await cacheDir.cleanup();
    }
  });
});
