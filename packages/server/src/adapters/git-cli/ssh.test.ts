import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitError } from '../../git/errors.ts';
import { tempDir } from '../../testing/git-fixtures.ts';
import type { TempDir } from '../../testing/git-fixtures.ts';
import { createGitCli } from './git-cli.ts';
import type { GitCli } from './git-cli.ts';
import type { GitSpawn } from './run.ts';

/*
 * No sshd runs here, so a stand-in `ssh` first on PATH records what git gives it (arguments, the
 * key file's mode and content at that moment) and fails like a real ssh would. That covers the
 * environment and argument construction end to end; the SSH handshake itself is not tested.
 */

const KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDf0n9PLsJk3Ty8vAw2vQZG0m0ZCqQyV2e2Y7M5m4lJmwAAAJgAAAAAAAAA',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');
const KNOWN_HOSTS = 'example.invalid ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleHostKeyOnly';

const FAKE_SSH = `#!/bin/sh
log="$FAKE_SSH_LOG"
: > "$log"
for a in "$@"; do printf 'ARG %s\\n' "$a" >> "$log"; done
prev=""
for a in "$@"; do
  if [ "$prev" = "-i" ]; then
    printf 'KEYMODE %s\\n' "$(stat -c %a "$a")" >> "$log"
    printf 'KEYSHA %s\\n' "$(sha256sum < "$a" | cut -d' ' -f1)" >> "$log"
  fi
  prev="$a"
done
case "$*" in
  *denied*) echo "git@denied.invalid: Permission denied (publickey)." >&2 ;;
  *) echo "ssh: connect to host example.invalid port 2222: Connection refused" >&2 ;;
esac
exit 255
`;

describe('git-cli adapter over SSH (argument and environment construction)', () => {
  let bin: TempDir;
  let cacheDir: TempDir;
  let cli: GitCli;
  let spawns: GitSpawn[];
  let savedPath: string | undefined;
  const log = () => join(bin.path, 'ssh.log');

  before(async () => {
    bin = await tempDir('stagecoach-fake-ssh-');
    cacheDir = await tempDir('stagecoach-cache-');
    await writeFile(join(bin.path, 'ssh'), FAKE_SSH);
    await chmod(join(bin.path, 'ssh'), 0o755);
    savedPath = process.env.PATH;
    process.env.PATH = `${bin.path}:${process.env.PATH}`;
    process.env.FAKE_SSH_LOG = log();
    spawns = [];
    cli = createGitCli({ cacheDir: cacheDir.path, onSpawn: (s) => spawns.push(s) });
  });

  after(async () => {
    process.env.PATH = savedPath;
    delete process.env.FAKE_SSH_LOG;
    await cli.close();
    await bin.cleanup();
    await cacheDir.cleanup();
  });

  async function recorded(): Promise<{ args: string[]; keyMode?: string; keySha?: string }> {
    const lines = (await readFile(log(), 'utf8')).split('\n');
    return {
      args: lines.filter((l) => l.startsWith('ARG ')).map((l) => l.slice(4)),
      keyMode: lines.find((l) => l.startsWith('KEYMODE '))?.slice(8),
      keySha: lines.find((l) => l.startsWith('KEYSHA '))?.slice(7),
    };
  }

  const keyLeaks = (text: string) => KEY.split('\n').slice(1, -1).some((line) => text.includes(line)) || text.includes(KEY);

  it('gives ssh a 0600 key file and the known hosts from the credentials, strictly, and removes both after', async () => {
    const repo = await cli.open({
      url: 'ssh://git@example.invalid:2222/org/repo.git',
      credentials: { type: 'ssh', privateKey: KEY, knownHosts: KNOWN_HOSTS },
    });
    const from = spawns.length;
    const error = await repo.resolveBranch('main').then(
      () => assert.fail('the fake ssh always fails'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof GitError);
    assert.equal(error.code, 'unreachable', error.message);
    assert.ok(!keyLeaks(`${error.message}\n${error.detail}\n${error.stack}`));

    const { args, keyMode, keySha } = await recorded();
    const i = args.indexOf('-i');
    assert.ok(i >= 0, args.join(' '));
    const keyFile = args[i + 1]!;
    assert.equal(keyMode, '600');
    assert.equal(keySha, createHash('sha256').update(`${KEY}\n`).digest('hex'), 'the key file holds the key, with its final newline');
    const options = args.filter((_, k) => args[k - 1] === '-o');
    const knownHostsFile = options.find((o) => o.startsWith('UserKnownHostsFile='))!.slice('UserKnownHostsFile='.length);
    assert.deepEqual(
      options.filter((o) => !o.startsWith('UserKnownHostsFile=') && !o.startsWith('SendEnv=')),
      ['IdentitiesOnly=yes', 'StrictHostKeyChecking=yes', 'GlobalKnownHostsFile=/dev/null', 'BatchMode=yes'],
    );
    assert.ok(args.includes('-F') && args[args.indexOf('-F') + 1] === '/dev/null');
    assert.deepEqual(args.slice(-4), ['-p', '2222', 'git@example.invalid', "git-upload-pack '/org/repo.git'"]);

    // Gone after the command, known hosts included.
    await assert.rejects(stat(keyFile), { code: 'ENOENT' });
    await assert.rejects(stat(knownHostsFile), { code: 'ENOENT' });

    // The key is in no argument of any git process and in no environment variable but as a path.
    for (const s of spawns.slice(from)) {
      assert.ok(!keyLeaks(s.args.join(' ')));
      assert.ok(!keyLeaks(JSON.stringify(s.env)));
    }
    const network = spawns.slice(from).find((s) => s.args.includes('fetch'))!;
    assert.match(network.env.GIT_SSH_COMMAND!, /^ssh -i '[^']+\/key' -o IdentitiesOnly=yes /);
    assert.equal(network.env.GIT_SSH_VARIANT, 'ssh');
  });

  it('without known hosts, trusts the first host key into the repository known_hosts (accept-new)', async () => {
    const repo = await cli.open({ url: 'git@example.invalid:org/repo.git', credentials: { type: 'ssh', privateKey: KEY } });
    await assert.rejects(repo.resolveBranch('main'), (e: unknown) => e instanceof GitError && e.code === 'unreachable');
    const { args } = await recorded();
    const options = args.filter((_, k) => args[k - 1] === '-o');
    assert.ok(options.includes('StrictHostKeyChecking=accept-new'), options.join(' '));
    const knownHosts = options.find((o) => o.startsWith('UserKnownHostsFile='))!.slice('UserKnownHostsFile='.length);
    assert.equal(knownHosts, join(cli.cacheFolder('git@example.invalid:org/repo.git'), 'stagecoach_known_hosts'));
    assert.deepEqual(args.slice(-2), ['git@example.invalid', "git-upload-pack 'org/repo.git'"]);
  });

  it('maps a refused key to unauthorized', async () => {
    const repo = await cli.open({ url: 'ssh://git@denied.invalid/org/repo.git', credentials: { type: 'ssh', privateKey: KEY } });
    await assert.rejects(repo.resolveBranch('main'), (e: unknown) => {
      assert.ok(e instanceof GitError);
      assert.equal(e.code, 'unauthorized', e.message);
      assert.ok(!keyLeaks(e.message + e.detail));
      return true;
    });
  });

  it('refuses token credentials for an SSH URL before running anything', async () => {
    const repo = await cli.open({ url: 'ssh://git@example.invalid/org/repo.git', credentials: { type: 'token', token: 'tok-secret' } });
    const from = spawns.length;
    await assert.rejects(repo.resolveBranch('main'), (e: unknown) => e instanceof GitError && e.code === 'unauthorized' && !e.message.includes('tok-secret'));
    assert.equal(spawns.length, from);
  });
});
