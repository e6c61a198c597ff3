import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { createBareRepo, fixtureGit, revParse, tempDir } from './git-fixtures.ts';
import type { BareRepo, TempDir } from './git-fixtures.ts';
import { startGitHttpServer } from './git-http-server.ts';
import type { GitHttpServer } from './git-http-server.ts';

const AUTH = { authorization: `Basic ${Buffer.from('ann:secret').toString('base64')}` };
const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;

describe('startGitHttpServer', () => {
  let root: TempDir;
  let repo: BareRepo;
  let server: GitHttpServer;

  before(async () => {
    root = await tempDir();
    repo = await createBareRepo({ root: root.path, name: 'app.git', files: { 'a.txt': 'a\n' } });
    server = await startGitHttpServer({ root: root.path, username: 'ann', password: 'secret' });
  });
  after(async () => {
    await server.close();
    await root.cleanup();
  });

  it('asks for Basic credentials when they are missing or wrong', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: `Basic ${Buffer.from('ann:nope').toString('base64')}` }, { authorization: 'Bearer x' }];
    for (const headers of attempts) {
      const response = await fetch(`${server.url('app.git')}/info/refs?service=git-upload-pack`, { headers });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), 'Basic realm="stagecoach-test"');
      await response.text();
    }
  });

  it('serves the smart protocol with the CGI status and headers, and 404 for an unknown repository', async () => {
    const refs = await fetch(`${server.url('app.git')}/info/refs?service=git-upload-pack`, { headers: AUTH });
    assert.equal(refs.status, 200);
    assert.equal(refs.headers.get('content-type'), 'application/x-git-upload-pack-advertisement');
    assert.match(await refs.text(), /# service=git-upload-pack/);
    const missing = await fetch(`${server.url('nope.git')}/info/refs?service=git-upload-pack`, { headers: AUTH });
    assert.equal(missing.status, 404);
    await missing.text();
  });

  it('passes gzip-encoded request bodies to http-backend', async () => {
    const tip = (await revParse(repo.path, 'main'))!;
    const body = gzipSync(Buffer.from(`${pkt(`want ${tip}\n`)}0000${pkt('done\n')}`));
    const response = await fetch(`${server.url('app.git')}/git-upload-pack`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/x-git-upload-pack-request', 'content-encoding': 'gzip' },
      body,
    });
    assert.equal(response.status, 200);
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(bytes.subarray(0, 8).toString(), '0008NAK\n');
    assert.equal(bytes.subarray(8, 12).toString(), 'PACK');
  });

  it('lets the git CLI clone and push with the credentials', async () => {
    const work = await tempDir();
    try {
      const header = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: ${AUTH.authorization}` };
      await fixtureGit(['clone', '--quiet', server.url('app.git'), work.path], { env: header });
      await fixtureGit(['commit', '--quiet', '--allow-empty', '-m', 'over http'], { cwd: work.path });
      await fixtureGit(['push', '--quiet', 'origin', 'HEAD:main'], { cwd: work.path, env: header });
      const head = (await fixtureGit(['rev-parse', 'HEAD'], { cwd: work.path })).stdout.toString().trim();
      assert.equal(await revParse(repo.path, 'main'), head);
    } finally {
      await work.cleanup();
    }
  });
});
