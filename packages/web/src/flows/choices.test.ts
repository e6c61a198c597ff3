import { STAGECOACH_API_VERSION, type PromotionFlow } from '@stagecoach/core';
import { describe, expect, test } from 'vitest';
import { anApplication, anEnvironment, aProduct } from '../test/builders.ts';
import { nodeLines } from './FlowChart.tsx';
import { environmentOrder } from './FlowBuilderPage.tsx';
import { triggerChoices } from './TriggerFlowModal.tsx';

const flow: PromotionFlow = {
  apiVersion: STAGECOACH_API_VERSION,
  kind: 'PromotionFlow',
  metadata: { name: 'three-env' },
  spec: { triggerEnvironment: 'dev', triggerWorkflow: 'build-checks', steps: [{ environment: 'qa', policy: { action: 'pr', postAction: 'notify' }, hooks: { onFail: 'page' } }] },
};

describe('what the flow pages offer', () => {
  test('trigger: products with an application in the trigger environment, each with those applications', () => {
    const products = [aProduct('billing-api'), aProduct('cf-101'), aProduct('web-portal')];
    const applications = [
      anApplication('cf-101-dev-b', 'cf-101', 'dev'),
      anApplication('cf-101-dev-a', 'cf-101', 'dev'),
      anApplication('billing-api-dev', 'billing-api', 'dev'),
      anApplication('web-portal-qa', 'web-portal', 'qa'),
    ];
    expect([...triggerChoices(flow, products, applications)]).toEqual([
      ['billing-api', ['billing-api-dev']],
      ['cf-101', ['cf-101-dev-a', 'cf-101-dev-b']],
    ]);
  });

  test('environments in dashboard order, then by name', () => {
    const environments = [anEnvironment('production', 3), anEnvironment('dev', 1), anEnvironment('qa', 2)];
    const unordered = { ...anEnvironment('sandbox', 0), spec: { kind: 'non-production' as const } };
    expect(environmentOrder([...environments, unordered])).toEqual(['dev', 'qa', 'production', 'sandbox']);
  });

  test('node lines: the trigger workflow, or the slots with "from policies" where unset', () => {
    expect(nodeLines(flow.spec, 'dev')).toEqual(['trigger workflow: build-checks']);
    expect(nodeLines(flow.spec, 'qa')).toEqual(['pre: from policies', 'action: pull request', 'post: notify', 'hooks: onFail page']);
  });
});
