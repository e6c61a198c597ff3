import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { error } from '../problems.ts';
import { declaredOnly, workflowParameters, type ActionWorkflowContext, type HookWorkflowContext } from './parameters.ts';

const app: ActionWorkflowContext = {
  appName: 'cf-101-qa',
  appNamespace: 'qa',
  repoURL: 'https://git.example/org/cf-101.git',
  branch: 'main',
  path: 'envs/qa',
  environment: 'qa',
  productName: 'cf-101',
  releaseId: '01JRELEASE',
};
const commit = { sha: 'abc123', author: 'Ada <ada@example.com>', message: 'promote cf-101 to qa', date: '2025-01-01T00:00:00Z' };
const pre = {
  APP_NAME: 'cf-101-qa',
  APP_NAMESPACE: 'qa',
  REPO_URL: 'https://git.example/org/cf-101.git',
  BRANCH: 'main',
  PATH: 'envs/qa',
  ENVIRONMENT: 'qa',
  PRODUCT_NAME: 'cf-101',
  RELEASE_ID: '01JRELEASE',
};
const hook: HookWorkflowContext = {
  releaseId: '01JRELEASE',
  releaseUrl: 'https://stagecoach.example/releases/01JRELEASE',
  productName: 'cf-101',
  version: '1.4.0',
  commitSha: 'def456',
  promotionFlowName: 'three-env',
};
const hookParams = {
  RELEASE_ID: '01JRELEASE',
  RELEASE_URL: 'https://stagecoach.example/releases/01JRELEASE',
  PRODUCT_NAME: 'cf-101',
  VERSION: '1.4.0',
  COMMIT_SHA: 'def456',
  PROMOTION_FLOW_NAME: 'three-env',
};

describe('workflowParameters', () => {
  const cases: [string, Record<string, string>, Record<string, string>][] = [
    ['pre-action', workflowParameters('pre', app), pre],
    ['pre-action ignores a commit', workflowParameters('pre', { ...app, commit, preActionOutputs: { JIRA_ID: 'X-1' } }), pre],
    ['post-action without a commit (action none)', workflowParameters('post', app), pre],
    [
      'post-action after a commit, with the pre-action global outputs',
      workflowParameters('post', { ...app, commit, preActionOutputs: { JIRA_ID: 'X-1', APP_NAME: 'spoofed' } }),
      { JIRA_ID: 'X-1', ...pre, COMMIT_SHA: 'abc123', COMMIT_AUTHOR: 'Ada <ada@example.com>', COMMIT_MESSAGE: 'promote cf-101 to qa', COMMIT_DATE: '2025-01-01T00:00:00Z' },
    ],
    ['hook', workflowParameters('hook', hook), hookParams],
    [
      'onFail hook with the promotion context',
      workflowParameters('hook', {
        ...hook,
        failure: { errorMessage: 'sync timed out', failedEnvironments: [{ name: 'staging', status: 'Failed', errorMessage: 'sync timed out' }] },
        promotionContext: { JIRA_ISSUE_URL: 'https://jira.example/X-2', ATTEMPTS: 2, RELEASE_ID: 'spoofed' },
      }),
      {
        JIRA_ISSUE_URL: 'https://jira.example/X-2',
        ATTEMPTS: '2',
        ...hookParams,
        ERROR_MESSAGE: 'sync timed out',
        FAILED_ENVIRONMENTS: '[{"name":"staging","status":"Failed","error-message":"sync timed out"}]',
      },
    ],
  ];
  for (const [name, actual, expected] of cases) it(name, () => assert.deepEqual(actual, expected));
});

describe('declaredOnly', () => {
  const template = (parameters: { name: string; value?: string }[]) => ({ metadata: { name: 'smoke-tests' }, spec: { arguments: { parameters } } });

  it('passes only what the template declares', () => {
    assert.deepEqual(declaredOnly(template([{ name: 'APP_NAME' }, { name: 'COMMIT_SHA', value: '' }, { name: 'EXTRA', value: 'x' }]), { ...pre, COMMIT_SHA: 'abc' }), {
      parameters: { APP_NAME: 'cf-101-qa', COMMIT_SHA: 'abc' },
      problems: [],
    });
  });
  it('passes nothing to a template that declares nothing', () => {
    assert.deepEqual(declaredOnly({ metadata: { name: 'x' }, spec: {} }, pre), { parameters: {}, problems: [] });
  });
  it('names a declared parameter without a value that is not provided', () => {
    assert.deepEqual(declaredOnly(template([{ name: 'APP_NAME' }, { name: 'COMMIT_SHA' }]), pre, { kind: 'WorkflowTemplate', name: 'smoke-tests' }), {
      parameters: { APP_NAME: 'cf-101-qa' },
      problems: [
        error('missing-parameter', 'spec.arguments.parameters[1]', 'workflow "smoke-tests" declares parameter "COMMIT_SHA" without a value, and this run does not provide it', {
          kind: 'WorkflowTemplate',
          name: 'smoke-tests',
        }),
      ],
    });
  });
});
