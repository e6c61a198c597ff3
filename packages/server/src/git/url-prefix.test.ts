import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prefixCovers } from './url-prefix.ts';

test('a URL prefix covers a repository URL only at a boundary', () => {
  const table: [string, string, boolean][] = [
    ['https://github.com/acme/', 'https://github.com/acme/app.git', true],
    ['https://github.com/acme', 'https://github.com/acme/app.git', true],
    ['https://github.com/acme', 'https://github.com/acme-labs/app.git', false],
    ['https://github.com/acme/app', 'https://github.com/acme/app.git', true],
    ['https://git.example', 'https://git.example.evil/x.git', false],
    ['https://github.com', 'https://github.com:8443/acme/app.git', false],
    ['git@github.com:', 'git@github.com:acme/app.git', true],
    ['git@github.com', 'git@github.com:acme/app.git', true],
    ['git@github.com:acme', 'git@github.com:acme/app.git', true],
    ['', 'https://github.com/acme/app.git', false],
    ['https://gitlab.com/acme/', 'https://github.com/acme/app.git', false],
  ];
  for (const [prefix, url, expected] of table) assert.equal(prefixCovers(prefix, url), expected, `${prefix} ~ ${url}`);
});
