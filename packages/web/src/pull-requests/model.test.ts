import { describe, expect, it } from 'vitest';
import { inAppPullRequestId, isPullRequestState, originOfBranch, pullRequestLook, repositoryName } from './model.ts';

describe('originOfBranch', () => {
  it.each([
    ['stagecoach/01kb7c3x9r/qa/cf-101-qa', { release: '01kb7c3x9r', environment: 'qa', application: 'cf-101-qa' }],
    ['stagecoach/01kb7c3x9r/production-eu/cf-101-production-eu', { release: '01kb7c3x9r', environment: 'production-eu', application: 'cf-101-production-eu' }],
    ['feature/login', undefined],
    ['stagecoach/01kb7c3x9r/qa', undefined],
    ['stagecoach/01kb7c3x9r/qa/cf-101-qa/extra', undefined],
    ['stagecoach//qa/cf-101-qa', undefined],
    ['other/01kb7c3x9r/qa/cf-101-qa', undefined],
  ])('%s → %j', (head, expected) => {
    expect(originOfBranch(head)).toEqual(expected);
  });
});

describe('inAppPullRequestId', () => {
  const origin = 'http://127.0.0.1:8080';
  it.each([
    ['http://127.0.0.1:8080/pull-requests/01kb7c', '01kb7c'],
    ['http://127.0.0.1:8080/pull-requests/01kb7c/', '01kb7c'],
    ['http://localhost:8080/pull-requests/01kb7c', undefined],
    ['https://github.com/acme/cf-101/pull/12', undefined],
    ['http://127.0.0.1:8080/releases/01kb7c', undefined],
    ['http://127.0.0.1:8080/pull-requests/01kb7c/files', undefined],
    ['not a url', undefined],
  ])('%s → %s', (url, expected) => {
    expect(inAppPullRequestId(url, origin)).toBe(expected);
  });
});

describe('states', () => {
  it('knows the three states and gives each its colour', () => {
    expect(['open', 'merged', 'closed', 'draft', undefined].map(isPullRequestState)).toEqual([true, true, true, false, false]);
    expect(pullRequestLook('open').color).toBe('yellow');
    expect(pullRequestLook('merged').color).toBe('green');
    expect(pullRequestLook('closed').color).toBe('red');
  });
});

describe('repositoryName', () => {
  it.each([
    ['https://git.example/org/cf-101.git', 'cf-101'],
    ['/srv/git/billing-api.git/', 'billing-api'],
    ['git@git.example:org/web-portal.git', 'web-portal'],
    ['file:///srv/git/cf-101', 'cf-101'],
    ['/', '/'],
  ])('%s → %s', (repoURL, expected) => {
    expect(repositoryName(repoURL)).toBe(expected);
  });
});
