import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayUrl } from '../../git/errors.ts';
import { parseRepoUrl } from './url.ts';

describe('parseRepoUrl', () => {
  it('takes HTTPS URLs: userinfo removed from what git gets, kept aside as embedded credentials', () => {
    assert.deepEqual(parseRepoUrl('https://bot:s3cr%40t@Git.Example.com:443/Org/Repo.git/'), {
      transport: 'http',
      remote: 'https://git.example.com/Org/Repo.git/',
      display: 'https://git.example.com/Org/Repo.git/',
      key: 'https://git.example.com/Org/Repo.git',
      embedded: { username: 'bot', password: 's3cr@t' },
    });
    assert.deepEqual(parseRepoUrl('http://127.0.0.1:8080/r.git'), {
      transport: 'http',
      remote: 'http://127.0.0.1:8080/r.git',
      display: 'http://127.0.0.1:8080/r.git',
      key: 'http://127.0.0.1:8080/r.git',
    });
  });

  it('takes SSH URLs and scp-like addresses, keeping the user git needs', () => {
    assert.deepEqual(parseRepoUrl('ssh://git@GitHub.com:22/org/repo.git'), {
      transport: 'ssh',
      remote: 'ssh://git@github.com:22/org/repo.git',
      display: 'ssh://github.com:22/org/repo.git',
      key: 'ssh://git@github.com:22/org/repo.git',
    });
    assert.deepEqual(parseRepoUrl('git@github.com:org/repo.git'), {
      transport: 'ssh',
      remote: 'git@github.com:org/repo.git',
      display: 'git@github.com:org/repo.git',
      key: 'ssh://git@github.com:org/repo.git',
    });
  });

  it('takes absolute paths and file:// URLs', () => {
    assert.deepEqual(parseRepoUrl('/srv/git/repo.git/'), {
      transport: 'file',
      remote: '/srv/git/repo.git/',
      display: '/srv/git/repo.git/',
      key: 'file:///srv/git/repo.git',
    });
    assert.equal((parseRepoUrl('file:///srv/git/repo.git') as { transport: string }).transport, 'file');
  });

  it('refuses option-like, helper, relative and other URLs', () => {
    const table: [string, string][] = [
      ['', 'is empty'],
      ['--upload-pack=touch /tmp/x', 'starts with "-"'],
      ['ext::sh -c touch% /tmp/pwned', 'uses a remote helper ("<transport>::<address>"), which is not allowed'],
      ['fd::3', 'uses a remote helper ("<transport>::<address>"), which is not allowed'],
      ['relative/path', 'is neither an absolute path nor a URL git can use (https://, ssh://, git://, file://, user@host:path)'],
      ['ftp://host/repo', 'has the unsupported scheme "ftp"'],
      ['ssh://-oProxyCommand=evil/x', 'has a host starting with "-"'],
      ['-oProxyCommand=evil:x', 'starts with "-"'],
      ['https://host/a\nb', 'contains a control character'],
      [' https://host/x', 'has leading or trailing spaces'],
      ['file://relative', 'a file:// URL needs an absolute path'],
    ];
    for (const [url, problem] of table) assert.equal(parseRepoUrl(url), problem, url);
  });
});

describe('displayUrl', () => {
  it('removes user and password from URLs, leaves the rest', () => {
    assert.equal(displayUrl('https://u:p@host/x.git'), 'https://host/x.git');
    assert.equal(displayUrl('ssh://git@host/x.git'), 'ssh://host/x.git');
    assert.equal(displayUrl('git@host:x.git'), 'git@host:x.git');
    assert.equal(displayUrl('/srv/x.git'), '/srv/x.git');
  });
});
