import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { GitError } from '../../git/errors.ts';
import { prepareAuth, redact, shellQuote } from './auth.ts';
import { parseRepoUrl } from './url.ts';
import type { RepoUrl } from './url.ts';

const url = (u: string) => parseRepoUrl(u) as RepoUrl;
const KNOWN = '/var/cache/stagecoach/abc/stagecoach_known_hosts';
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nQyNTUxOQAAACBmZXlrZXlrZXlrZXlrZXlrZXlrZXk\n-----END OPENSSH PRIVATE KEY-----';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('prepareAuth', () => {
  it('gives an HTTPS token as a Basic authorization header through GIT_CONFIG_* variables only', async () => {
    const auth = await prepareAuth(url('https://git.example/org/r.git'), { type: 'token', token: 'ghp_secret' }, { knownHostsFile: KNOWN });
    const encoded = Buffer.from('x-access-token:ghp_secret').toString('base64');
    assert.deepEqual(auth.env, {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${encoded}`,
    });
    assert.deepEqual(auth.secrets, ['ghp_secret', 'x-access-token:ghp_secret', encoded]);
    await auth.cleanup();
  });

  it('uses the token username when given, and basic credentials as they are', async () => {
    const token = await prepareAuth(url('https://h/r'), { type: 'token', token: 't', username: 'oauth2' }, { knownHostsFile: KNOWN });
    assert.equal(token.env.GIT_CONFIG_VALUE_0, `Authorization: Basic ${Buffer.from('oauth2:t').toString('base64')}`);
    const basic = await prepareAuth(url('https://h/r'), { type: 'basic', username: 'ann', password: 'pä:ss' }, { knownHostsFile: KNOWN });
    assert.equal(basic.env.GIT_CONFIG_VALUE_0, `Authorization: Basic ${Buffer.from('ann:pä:ss', 'utf8').toString('base64')}`);
  });

  it('uses a user and password written in the URL when no credentials are given', async () => {
    const auth = await prepareAuth(url('https://ann:pw@h/r'), undefined, { knownHostsFile: KNOWN });
    assert.equal(auth.env.GIT_CONFIG_VALUE_0, `Authorization: Basic ${Buffer.from('ann:pw').toString('base64')}`);
    assert.deepEqual(await prepareAuth(url('https://h/r'), undefined, { knownHostsFile: KNOWN }).then((a) => a.env), {});
  });

  it('writes an SSH key to a 0600 file named in GIT_SSH_COMMAND, with strict known hosts from the credentials, and removes it', async () => {
    const auth = await prepareAuth(
      url('git@github.com:org/r.git'),
      { type: 'ssh', privateKey: KEY, knownHosts: 'github.com ssh-ed25519 AAAAC3Nza' },
      { knownHostsFile: KNOWN },
    );
    const command = auth.env.GIT_SSH_COMMAND!;
    const match = /^ssh -i '([^']+)' -o IdentitiesOnly=yes -o UserKnownHostsFile='([^']+)' -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=\/dev\/null -o BatchMode=yes -F \/dev\/null$/.exec(command);
    assert.ok(match, command);
    const [, keyFile, knownHosts] = match;
    assert.equal(auth.env.GIT_SSH_VARIANT, 'ssh');
    assert.equal((await stat(keyFile!)).mode & 0o777, 0o600);
    assert.equal(await readFile(keyFile!, 'utf8'), `${KEY}\n`);
    assert.equal(await readFile(knownHosts!, 'utf8'), 'github.com ssh-ed25519 AAAAC3Nza\n');
    assert.ok(!command.includes('OPENSSH'), 'the key itself is never in the command');
    assert.ok(auth.secrets.includes(KEY));
    await auth.cleanup();
    assert.equal(await exists(keyFile!), false);
    assert.equal(await exists(knownHosts!), false);
  });

  it('without known hosts in the credentials, accepts a new host key into the repository known_hosts', async () => {
    const auth = await prepareAuth(url('ssh://git@h:2222/r.git'), { type: 'ssh', privateKey: KEY }, { knownHostsFile: KNOWN });
    assert.match(auth.env.GIT_SSH_COMMAND!, new RegExp(`-o UserKnownHostsFile='${KNOWN}' -o StrictHostKeyChecking=accept-new`));
    await auth.cleanup();
    const none = await prepareAuth(url('ssh://git@h/r.git'), undefined, { knownHostsFile: KNOWN });
    assert.equal(
      none.env.GIT_SSH_COMMAND,
      `ssh -o UserKnownHostsFile='${KNOWN}' -o StrictHostKeyChecking=accept-new -o GlobalKnownHostsFile=/dev/null -o BatchMode=yes -F /dev/null`,
    );
  });

  it('refuses credentials of the wrong kind for the URL, without echoing them', async () => {
    await assert.rejects(prepareAuth(url('https://h/r'), { type: 'ssh', privateKey: KEY }, { knownHostsFile: KNOWN }), (e: unknown) => {
      assert.ok(e instanceof GitError);
      assert.equal(e.code, 'unauthorized');
      assert.equal(e.message, 'git repository https://h/r: SSH credentials cannot be used over HTTP(S); give a token or a user and password');
      return true;
    });
    await assert.rejects(prepareAuth(url('git@h:r'), { type: 'token', token: 'tok' }, { knownHostsFile: KNOWN }), (e: unknown) => {
      assert.ok(e instanceof GitError && e.code === 'unauthorized' && !e.message.includes('tok '));
      return true;
    });
  });

  it('ignores credentials for local paths', async () => {
    assert.deepEqual((await prepareAuth(url('/srv/r.git'), { type: 'token', token: 't' }, { knownHostsFile: KNOWN })).env, {});
  });
});

describe('redact and shellQuote', () => {
  it('replaces every secret, longest first', () => {
    assert.equal(redact('a abc ab', ['ab', 'abc']), 'a *** ***');
    assert.equal(redact('nothing', ['']), 'nothing');
  });
  it("quotes for sh, including single quotes", () => {
    assert.equal(shellQuote("/tmp/a b/it's"), `'/tmp/a b/it'\\''s'`);
  });
});
