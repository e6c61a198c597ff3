import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GitTriggerSelector } from './resources/schemas.ts';
import { product } from './test/builders.ts';
import { globMatch, isStagecoachCommit, matchGitTriggerSelectors, selectFlowForCommit, type TriggerCommit } from './triggers.ts';

describe('globMatch', () => {
  const cases: [string, string, boolean][] = [
    ['hotfix', 'hotfix', true],
    ['hotfix', 'hotfix-1', false],
    ['hotfix', 'a hotfix', false],
    ['hotfix', 'Hotfix', false],
    ['', '', true],
    ['', 'x', false],
    ['*', '', true],
    ['*', 'anything at all', true],
    ['**', 'x', true],
    ['*deploy*', 'please deploy now', true],
    ['*deploy*', 'deploy', true],
    ['*deploy*', 'Deploy', false],
    ['*deploy*', 'depl oy', false],
    ['update image to v1.*', 'update image to v1.2.3', true],
    ['update image to v1.*', 'update image to v1x2', false],
    ['update image to v1.*', 'please update image to v1.2', false],
    ['feature/*', 'feature/login', true],
    ['feature/*', 'feature', false],
    ['*-rc', 'v1-rc', true],
    ['*-rc', 'v1-rc2', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['*ab*ab', 'xabab', true],
    ['*ab*ab', 'xab', false],
    ['*[skip promotion]*', 'fix: typo [skip promotion]', true],
    ['*[skip promotion]*', 'fix: typo [skip promotions]', false],
    ['*[skip promotion]*', 'fix: typo s', false],
    ['v?.0', 'v1.0', false],
    ['v?.0', 'v?.0', true],
    ['a.c', 'abc', false],
    ['(a|b)', 'a', false],
    ['^x$', '^x$', true],
    ['\\d', '\\d', true],
    ['\\d', '1', false],
    ['*\n*', 'line one\nline two', true],
    ['first*', 'first\nsecond', true],
  ];
  for (const [pattern, value, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(value)}`, () => assert.equal(globMatch(pattern, value), expected));
  }
});

const commit: TriggerCommit = {
  message: 'feat: new checkout [promotion:trio-flow]\n\nLonger body.\n',
  sha: '3f2a9c1d0e4b5a6978c0d1e2f3a4b5c6d7e8f901',
  author: { name: 'Jane Doe', email: 'jane@example.com' },
};
const sel = (key: GitTriggerSelector['key'], operator: GitTriggerSelector['operator'], ...values: string[]): GitTriggerSelector => ({ key, operator, values });

describe('matchGitTriggerSelectors', () => {
  const cases: [string, GitTriggerSelector[] | undefined, boolean][] = [
    ['no selectors match', undefined, true],
    ['an empty list matches', [], true],
    ['In: the message matches whole, trailing newline ignored', [sel('commitMessage', 'In', 'feat: new checkout [promotion:trio-flow]\n\nLonger body.')], true],
    ['In: a message pattern must match the whole message', [sel('commitMessage', 'In', 'feat: new checkout*')], true],
    ['In: a subject alone does not match a longer message', [sel('commitMessage', 'In', 'feat: new checkout [promotion:trio-flow]')], false],
    ['In: values are ORed', [sel('commitMessage', 'In', 'promotion:trio-flow', '*promotion:trio-flow*')], true],
    ['In: none of the values', [sel('commitMessage', 'In', 'fix*', '*[skip promotion]*')], false],
    ['NotIn: none of the values matches', [sel('commitMessage', 'NotIn', '*[skip promotion]*', 'wip*')], true],
    ['NotIn: one value matches', [sel('commitMessage', 'NotIn', 'wip*', 'feat*')], false],
    ['gitRevision is the SHA', [sel('gitRevision', 'In', '3f2a9c*')], true],
    ['gitRevision is matched whole', [sel('gitRevision', 'In', '3f2a9c')], false],
    ['author as Name <email>', [sel('author', 'In', 'Jane Doe <jane@example.com>')], true],
    ['author by email alone', [sel('author', 'In', '*@example.com')], true],
    ['author by name alone', [sel('author', 'In', 'Jane Doe')], true],
    ['author with a wildcard inside the brackets', [sel('author', 'In', 'Jane Doe <*>')], true],
    ['author is case-sensitive', [sel('author', 'In', 'jane doe')], false],
    ['author NotIn by email', [sel('author', 'NotIn', 'bot@*', '*@example.com')], false],
    ['author NotIn by name', [sel('author', 'NotIn', 'renovate[bot]')], true],
    ['selectors are ANDed (all hold)', [sel('commitMessage', 'In', 'feat*'), sel('author', 'NotIn', 'bot*'), sel('gitRevision', 'In', '*')], true],
    ['selectors are ANDed (one fails)', [sel('commitMessage', 'In', 'feat*'), sel('author', 'In', 'bot*')], false],
  ];
  for (const [title, selectors, expected] of cases) {
    it(title, () => assert.equal(matchGitTriggerSelectors(selectors, commit), expected));
  }
});

describe('isStagecoachCommit', () => {
  const cases: [string, boolean][] = [
    ['chore: promote cf-101 to qa\n\nStagecoach-Release: 01J0ABC\nStagecoach-Environment: qa\n', true],
    ['chore: promote\r\n\r\nStagecoach-Release: 01J0ABC\r\n', true],
    ['feat: mention Stagecoach-Release: in the subject', false],
    ['docs: Stagecoach-Release trailer', false],
    ['feat: x\n\nStagecoach-Environment: qa', false],
  ];
  for (const [message, expected] of cases) {
    it(JSON.stringify(message), () => assert.equal(isStagecoachCommit(message), expected));
  }
});

describe('selectFlowForCommit', () => {
  const cf101 = product('cf-101', {
    promotionFlows: [
      { name: 'hotfix', gitTriggerSelectors: [sel('commitMessage', 'In', 'hotfix*')] },
      { name: 'trio-flow', gitTriggerSelectors: [sel('commitMessage', 'In', '*promotion:trio-flow*')] },
      { name: 'everything' },
      { name: 'never-reached' },
    ],
  });
  const flowFor = (message: string) => selectFlowForCommit(cf101, { ...commit, message })?.name;

  it('takes the first entry whose selectors match, in list order', () => {
    assert.deepEqual(selectFlowForCommit(cf101, commit), { name: 'trio-flow', gitTriggerSelectors: [sel('commitMessage', 'In', '*promotion:trio-flow*')] });
    assert.equal(flowFor('hotfix: promotion:trio-flow'), 'hotfix');
    assert.equal(flowFor('chore: bump'), 'everything');
  });
  it('undefined when no entry matches', () => {
    const strict = product('cf-101', { promotionFlows: [{ name: 'hotfix', gitTriggerSelectors: [sel('commitMessage', 'In', 'hotfix*')] }] });
    assert.equal(selectFlowForCommit(strict, commit), undefined);
  });
  it('undefined for a product without flows', () => {
    assert.equal(selectFlowForCommit(product('cf-101'), commit), undefined);
  });
  it('never for a commit Stagecoach made', () => {
    assert.equal(flowFor('chore: promote cf-101 to qa\n\nStagecoach-Release: 01J0ABC'), undefined);
  });
});
