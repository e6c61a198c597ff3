import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../config.ts';
import { createRemoteProvider, hostOfPrefix, LOCAL_PROVIDER, parseGitProviderSettings, selectProvider, type GitProviderSetting } from './select.ts';

describe('parseGitProviderSettings', () => {
  test('resolves every baseUrl default from the host named by match', () => {
    const settings = parseGitProviderSettings([
      { match: 'https://github.com/acme/', kind: 'github', token: 'gh' },
      { match: 'git@github.com:acme/', kind: 'github', token: 'gh' },
      { match: 'https://ghe.acme.com/', kind: 'github', token: 'ghe' },
      { match: 'https://gitlab.example.com/platform/', kind: 'gitlab', token: 'gl' },
      { match: 'ssh://git@gitea.example.com:2222/', kind: 'gitea', token: 'gt' },
      { match: 'http://localhost:3000/', kind: 'gitea', token: 'gt' },
      { match: 'https://git.example.com/', kind: 'gitlab', token: 'gl', baseUrl: 'https://git.example.com/gitlab/' },
      { match: 'https://files.example.com/', kind: 'local' },
    ]);
    assert.deepEqual(settings, [
      { match: 'https://github.com/acme/', kind: 'github', baseUrl: 'https://api.github.com', token: 'gh' },
      { match: 'git@github.com:acme/', kind: 'github', baseUrl: 'https://api.github.com', token: 'gh' },
      { match: 'https://ghe.acme.com/', kind: 'github', baseUrl: 'https://ghe.acme.com/api/v3', token: 'ghe' },
      { match: 'https://gitlab.example.com/platform/', kind: 'gitlab', baseUrl: 'https://gitlab.example.com', token: 'gl' },
      { match: 'ssh://git@gitea.example.com:2222/', kind: 'gitea', baseUrl: 'https://gitea.example.com', token: 'gt' },
      { match: 'http://localhost:3000/', kind: 'gitea', baseUrl: 'http://localhost:3000', token: 'gt' },
      { match: 'https://git.example.com/', kind: 'gitlab', baseUrl: 'https://git.example.com/gitlab', token: 'gl' },
      { match: 'https://files.example.com/', kind: 'local' },
    ]);
  });

  test('an empty list is valid: every repository is local', () => {
    assert.deepEqual(parseGitProviderSettings([]), []);
  });

  test('lists every problem, each with its path and rule, and never a token', () => {
    let error: unknown;
    try {
      parseGitProviderSettings([
        { match: 'https://github.com/', kind: 'github' },
        { match: 'https://github.com/', kind: 'bitbucket', token: 'secret-token-1' },
        { match: 'acme/', kind: 'gitea', token: 'secret-token-2' },
        { match: '', kind: 'local', token: 'x', extra: 1 },
        { match: 'https://gitlab.example.com/', kind: 'gitlab', token: 'secret-token-3', baseUrl: 'gitlab.example.com' },
      ]);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    assert.equal(
      error.message,
      [
        'invalid Git provider settings:',
        '  gitProviders[1].kind: must be one of "github", "gitlab", "gitea", "local", got string "bitbucket" (one-of)',
        '  gitProviders[3].match: must not be empty (min)',
        '  gitProviders[3].extra: unknown field "extra" (unknown-field)',
        '  gitProviders[4].baseUrl: must be an http:// or https:// URL (format)',
      ].join('\n'),
    );
    // Entries that pass field checks are checked as a list only when every field is valid.
    let second: unknown;
    try {
      parseGitProviderSettings([
        { match: 'https://github.com/', kind: 'github' },
        { match: 'https://github.com/', kind: 'gitea', token: 'secret-token-1' },
        { match: 'acme/', kind: 'gitea', token: 'secret-token-2' },
      ]);
    } catch (e) {
      second = e;
    }
    assert.ok(second instanceof ConfigError);
    assert.equal(
      second.message,
      [
        'invalid Git provider settings:',
        '  gitProviders[0].token: is required for kind "github" (required)',
        '  gitProviders[1].match: "https://github.com/" is already the match of entry 0 (duplicate-match)',
        '  gitProviders[2].baseUrl: is required: match "acme/" names no host to derive it from (required)',
      ].join('\n'),
    );
    assert.ok(!/secret-token/.test(second.message));
  });

  test('not a list', () => {
    assert.throws(() => parseGitProviderSettings({ match: 'x' }), { message: 'invalid Git provider settings:\n  gitProviders: must be a list, got a map (type)' });
  });
});

describe('hostOfPrefix', () => {
  const cases: [string, string | undefined][] = [
    ['https://github.com/acme/', 'https://github.com'],
    ['https://GitHub.com', 'https://github.com'],
    ['http://localhost:3000/x', 'http://localhost:3000'],
    ['https://user:pw@git.example.com:8443/', 'https://git.example.com:8443'],
    ['ssh://git@git.example.com:2222/', 'https://git.example.com'],
    ['git@github.com:acme/', 'https://github.com'],
    ['github.com:acme', 'https://github.com'],
    ['acme/', undefined],
    ['/srv/git/', undefined],
  ];
  for (const [prefix, expected] of cases) test(JSON.stringify(prefix), () => assert.equal(hostOfPrefix(prefix), expected));
});

describe('selectProvider', () => {
  const settings: GitProviderSetting[] = [
    { match: 'https://github.com/', kind: 'github', baseUrl: 'https://api.github.com', token: 'a' },
    { match: 'https://github.com/acme/', kind: 'github', baseUrl: 'https://api.github.com', token: 'acme' },
    { match: 'https://github.com/acme/legacy', kind: 'local' },
    { match: 'git@github.com:acme/', kind: 'github', baseUrl: 'https://api.github.com', token: 'acme-ssh' },
    { match: 'https://gitlab.example.com/', kind: 'gitlab', baseUrl: 'https://gitlab.example.com', token: 'gl' },
    { match: 'https://git.example.com/team', kind: 'gitea', baseUrl: 'https://git.example.com', token: 'gt' },
  ];
  const cases: [string, string | undefined][] = [
    ['https://github.com/acme/deploy.git', 'https://github.com/acme/'],
    ['https://github.com/other/deploy.git', 'https://github.com/'],
    ['https://github.com/acme/legacy.git', 'https://github.com/acme/legacy'],
    ['https://github.com/acme/legacy', 'https://github.com/acme/legacy'],
    ['https://github.com/acme/legacy-two.git', 'https://github.com/acme/'],
    ['git@github.com:acme/deploy.git', 'git@github.com:acme/'],
    ['git@github.com:other/deploy.git', undefined],
    ['https://gitlab.example.com/group/sub/deploy.git', 'https://gitlab.example.com/'],
    ['https://git.example.com/team/deploy.git', 'https://git.example.com/team'],
    ['https://git.example.com/teammates/deploy.git', undefined],
    ['https://bitbucket.org/acme/deploy.git', undefined],
    ['/srv/git/deploy.git', undefined],
  ];
  for (const [repoURL, match] of cases) {
    test(`${repoURL} → ${match ?? 'local'}`, () => {
      const selected = selectProvider(settings, repoURL);
      if (match === undefined) assert.equal(selected, LOCAL_PROVIDER);
      else assert.equal(selected.match, match);
    });
  }

  test('nothing configured: local', () => {
    assert.deepEqual(selectProvider([], 'https://github.com/acme/deploy.git'), { kind: 'local', match: '' });
  });
});

test('createRemoteProvider builds the provider of each remote kind', () => {
  const settings = parseGitProviderSettings([
    { match: 'https://github.com/', kind: 'github', token: 't' },
    { match: 'https://gitlab.com/', kind: 'gitlab', token: 't' },
    { match: 'https://codeberg.org/', kind: 'gitea', token: 't' },
  ]);
  assert.deepEqual(
    settings.map((s) => (s.kind === 'local' ? 'local' : createRemoteProvider(s).kind)),
    ['github', 'gitlab', 'gitea'],
  );
});
