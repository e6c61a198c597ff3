import { STAGECOACH_API_VERSION, type PromotionFlow } from '@stagecoach/core';
import { describe, expect, test } from 'vitest';
import { checkFlow, problemEnvironment } from './check.ts';
import { emptyFlow } from './model.ts';
import { flowFromYaml, flowToYaml } from './yaml.ts';
import type { Environment, WorkflowTemplate } from '@stagecoach/core';

const flow: PromotionFlow = {
  apiVersion: STAGECOACH_API_VERSION,
  kind: 'PromotionFlow',
  metadata: { name: 'env-dependencies', annotations: { description: 'production: after qa and staging', version: '3.0' }, resourceVersion: '4' },
  spec: {
    triggerEnvironment: 'dev',
    triggerWorkflow: 'build-checks',
    timeout: '24h',
    steps: [
      { environment: 'qa', dependsOn: ['dev'], policy: { preAction: 'smoke-tests', action: 'commit' } },
      { environment: 'staging', dependsOn: ['dev'] },
      { environment: 'production', dependsOn: ['qa', 'staging'], hooks: { onStart: 'change-request', onSuccess: 'change-request' } },
    ],
    hooks: { onFail: 'notify' },
  },
};

const environment = (name: string): Environment => ({ apiVersion: STAGECOACH_API_VERSION, kind: 'Environment', metadata: { name }, spec: { kind: 'non-production' } });
const workflow = (name: string): WorkflowTemplate => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: { name },
  spec: { entrypoint: 'main', templates: [{ name: 'main', script: { image: 'alpine', command: ['sh'], source: 'true' } }] },
});
const environments = ['dev', 'qa', 'staging', 'production'].map(environment);
const workflows = ['build-checks', 'smoke-tests', 'change-request', 'notify'].map(workflow);

describe('YAML', () => {
  test('prints the flow in apply form, without the fields the server sets', () => {
    expect(flowToYaml(flow)).toBe(`apiVersion: stagecoach.dev/v1alpha1
kind: PromotionFlow
metadata:
  name: env-dependencies
  annotations:
    description: "production: after qa and staging"
    version: "3.0"
spec:
  triggerEnvironment: dev
  triggerWorkflow: build-checks
  timeout: 24h
  steps:
    - environment: qa
      dependsOn: [dev]
      policy:
        preAction: smoke-tests
        action: commit
    - environment: staging
      dependsOn: [dev]
    - environment: production
      dependsOn: [qa, staging]
      hooks:
        onStart: change-request
        onSuccess: change-request
  hooks:
    onFail: notify
`);
  });

  test('round trip: what is printed reads back as the same flow', () => {
    const { resourceVersion: _, ...metadata } = flow.metadata;
    expect(flowFromYaml(flowToYaml(flow))).toEqual({ ok: true, flow: { ...flow, metadata } });
    const tricky = { ...flow, metadata: { name: 'x', annotations: { description: 'yes', version: '1', note: '#1 - a: b', empty: '' } } };
    const read = flowFromYaml(flowToYaml(tricky));
    expect(read.ok && read.flow.metadata.annotations).toEqual(tricky.metadata.annotations);
  });

  test('syntax errors, schema errors and other kinds are problems, not flows', () => {
    const syntax = flowFromYaml('kind: PromotionFlow\nspec: [a\n');
    expect(syntax.ok).toBe(false);
    expect(!syntax.ok && syntax.problems[0]!.rule).toBe('yaml-syntax');
    const schema = flowFromYaml(flowToYaml(flow).replace('timeout: 24h', 'timeout: soon'));
    expect(!schema.ok && schema.problems.map((p) => [p.path, p.rule])).toEqual([['spec.timeout', 'duration']]);
    const other = flowFromYaml(`apiVersion: ${STAGECOACH_API_VERSION}\nkind: Environment\nmetadata: {name: qa}\nspec: {kind: production}\n`);
    expect(!other.ok && other.problems[0]!.rule).toBe('kind');
  });
});

describe('checking a flow before saving', () => {
  test('a good flow has no problems', () => {
    const check = checkFlow(flow, environments, workflows);
    expect(check.problems).toEqual([]);
    expect(check.blocking).toBe(false);
  });

  test('problems land on the environment they are about', () => {
    const bad: PromotionFlow = {
      ...flow,
      spec: {
        ...flow.spec,
        triggerWorkflow: 'missing-checks',
        steps: [
          { environment: 'qa', dependsOn: ['production'] },
          { environment: 'staging', dependsOn: ['dev'], policy: { postAction: 'nope' } },
          { environment: 'production', dependsOn: ['qa'] },
        ],
      },
    };
    const check = checkFlow(bad, environments, workflows);
    expect(check.blocking).toBe(true);
    expect([...check.byEnvironment.keys()].sort()).toEqual(['dev', 'qa', 'staging']);
    expect(check.problems.map((p) => p.rule).sort()).toEqual(['dependency-cycle', 'unknown-reference', 'unknown-reference']);
    expect(check.cycle).toEqual(['qa', 'production', 'qa']);
  });

  test('a new flow: the trigger environment and a step are asked for; a renamed saved flow is refused', () => {
    const check = checkFlow(emptyFlow(), environments, workflows);
    expect(check.problems.map((p) => [p.path, p.message])).toEqual([
      ['spec.triggerEnvironment', 'choose the trigger environment'],
      ['metadata.name', expect.stringContaining('DNS-1123')],
      ['spec.steps', 'a flow needs at least one target step'],
    ]);
    const renamed = checkFlow({ ...flow, metadata: { ...flow.metadata, name: 'other' } }, environments, workflows, 'env-dependencies');
    expect(renamed.problems.map((p) => p.rule)).toEqual(['name-mismatch']);
  });

  test('problemEnvironment reads the field path', () => {
    const at = (path: string) => problemEnvironment(flow, { severity: 'error', rule: 'x', message: '', path });
    expect([at('spec.steps[2].hooks.onStart'), at('spec.triggerWorkflow'), at('spec.hooks.onFail'), at('spec.steps[9]')]).toEqual(['production', 'dev', undefined, undefined]);
  });
});
