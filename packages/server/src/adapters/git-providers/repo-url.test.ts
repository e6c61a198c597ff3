import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ownerAndRepo, parseRepoURL, redactRepoURL, type RepoLocation } from './repo-url.ts';

describe('parseRepoURL', () => {
  const cases: [string, RepoLocation | undefined][] = [
    ['https://github.com/acme/deploy.git', { host: 'github.com', segments: ['acme', 'deploy'] }],
    ['https://github.com/acme/deploy', { host: 'github.com', segments: ['acme', 'deploy'] }],
    ['https://github.com/acme/deploy/', { host: 'github.com', segments: ['acme', 'deploy'] }],
    ['https://GitHub.com/Acme/Deploy.git', { host: 'github.com', segments: ['Acme', 'Deploy'] }],
    ['http://127.0.0.1:3000/ops/deploy.git', { host: '127.0.0.1', segments: ['ops', 'deploy'] }],
    ['https://x-access-token:secret@github.com/acme/deploy.git', { host: 'github.com', segments: ['acme', 'deploy'] }],
    ['https://gitlab.example.com/group/sub/deploy.git', { host: 'gitlab.example.com', segments: ['group', 'sub', 'deploy'] }],
    ['ssh://git@github.com/acme/deploy.git', { host: 'github.com', segments: ['acme', 'deploy'] }],
    ['ssh://git@gitea.example.com:2222/ops/deploy.git', { host: 'gitea.example.com', segments: ['ops', 'deploy'] }],
    ['git@github.com:acme/deploy.git', { host: 'github.com', segments: ['acme', 'deploy'] }],
    ['git@github.com:acme/deploy', { host: 'github.com', segments: ['acme', 'deploy'] }],
    ['github.com:acme/deploy.git', { host: 'github.com', segments: ['acme', 'deploy'] }],
    ['git@gitlab.example.com:group/sub/deploy.git', { host: 'gitlab.example.com', segments: ['group', 'sub', 'deploy'] }],
    ['  https://github.com/acme/deploy.git  ', { host: 'github.com', segments: ['acme', 'deploy'] }],
    ['https://github.com/acme/deploy.git.git', { host: 'github.com', segments: ['acme', 'deploy.git'] }],
    ['https://github.com/acme/my%20repo', { host: 'github.com', segments: ['acme', 'my repo'] }],
    ['https://github.com/', undefined],
    ['https://github.com/acme/../deploy', undefined],
    ['https://github.com/acme/deploy?ref=main', undefined],
    ['https://github.com/acme/a%2Fb', undefined],
    ['ftp://github.com/acme/deploy', undefined],
    ['file:///srv/git/deploy.git', undefined],
    ['/srv/git/deploy.git', undefined],
    ['deploy', undefined],
    ['', undefined],
  ];
  for (const [url, expected] of cases) {
    test(JSON.stringify(url), () => assert.deepEqual(parseRepoURL(url), expected));
  }
});

describe('ownerAndRepo', () => {
  const cases: [string, { owner: string; repo: string } | undefined][] = [
    ['https://github.com/acme/deploy.git', { owner: 'acme', repo: 'deploy' }],
    ['git@github.com:acme/deploy.git', { owner: 'acme', repo: 'deploy' }],
    ['https://github.com/acme', undefined],
    ['https://github.com/acme/deploy/tree', undefined],
  ];
  for (const [url, expected] of cases) {
    test(JSON.stringify(url), () => assert.deepEqual(ownerAndRepo(url), expected));
  }
});

test('redactRepoURL drops the user and password', () => {
  assert.equal(redactRepoURL('https://x-access-token:s3cret@github.com/acme/deploy.git'), 'https://github.com/acme/deploy.git');
  assert.equal(redactRepoURL('git@github.com:acme/deploy.git'), 'git@github.com:acme/deploy.git');
});
