import type { PromotionFlow } from '@stagecoach/core';
import { describe, expect, test } from 'vitest';
import {
  addStep,
  dependantsOf,
  downstreamOf,
  emptyFlow,
  removeStep,
  setAnnotation,
  setDependsOn,
  setFlowHook,
  setSpecField,
  setStepHook,
  setStepPolicy,
  setTriggerEnvironment,
  type FlowSpec,
} from './model.ts';
import { layoutFlow } from './layout.ts';

const sequential: FlowSpec = { triggerEnvironment: 'dev', steps: [{ environment: 'qa' }, { environment: 'production' }] };
const fanIn: FlowSpec = {
  triggerEnvironment: 'dev',
  steps: [
    { environment: 'qa', dependsOn: ['dev'] },
    { environment: 'staging', dependsOn: ['dev'] },
    { environment: 'production', dependsOn: ['qa', 'staging'], hooks: { onStart: 'change-request' } },
  ],
};

describe('building a flow', () => {
  test('adding after the last node keeps the sequential form without dependsOn', () => {
    let spec: FlowSpec = { triggerEnvironment: 'dev', steps: [] };
    spec = addStep(spec, 'dev', 'qa');
    spec = addStep(spec, 'qa', 'production');
    expect(spec).toEqual(sequential);
  });

  test('a second child of one node is a parallel branch with its dependsOn written', () => {
    const spec = addStep(sequential, 'qa', 'production-eu');
    expect(spec.steps).toEqual([{ environment: 'qa' }, { environment: 'production' }, { environment: 'production-eu', dependsOn: ['qa'] }]);
  });

  test('an environment already in the flow is not added twice', () => {
    expect(addStep(sequential, 'qa', 'dev')).toBe(sequential);
    expect(addStep(sequential, 'dev', 'production')).toBe(sequential);
  });

  test('setting dependsOn makes a fan-in; the other steps keep their form', () => {
    const spec = setDependsOn(addStep(sequential, 'dev', 'staging'), 'production', ['qa', 'staging', 'qa']);
    expect(spec.steps).toEqual([
      { environment: 'qa' },
      { environment: 'production', dependsOn: ['qa', 'staging'] },
      { environment: 'staging', dependsOn: ['dev'] },
    ]);
  });

  test('changing the trigger environment moves the steps that waited for it', () => {
    expect(setTriggerEnvironment(fanIn, 'staging')).toBe(fanIn);
    const spec = setTriggerEnvironment(fanIn, 'build');
    expect(spec.triggerEnvironment).toBe('build');
    expect(spec.steps.map((s) => s.dependsOn)).toEqual([['build'], ['build'], ['qa', 'staging']]);
    expect(setTriggerEnvironment(sequential, 'build')).toEqual({ ...sequential, triggerEnvironment: 'build' });
  });
});

describe('removing a node', () => {
  test('dependants and downstream steps', () => {
    expect(dependantsOf(fanIn, 'dev')).toEqual(['qa', 'staging']);
    expect(dependantsOf(fanIn, 'production')).toEqual([]);
    expect(downstreamOf(fanIn, 'qa')).toEqual(['production']);
  });

  test('reconnect: the dependants wait for the removed step\'s parents instead', () => {
    expect(removeStep(fanIn, 'qa', 'reconnect').steps).toEqual([
      { environment: 'staging', dependsOn: ['dev'] },
      { environment: 'production', dependsOn: ['dev', 'staging'], hooks: { onStart: 'change-request' } },
    ]);
  });

  test('reconnect in a sequential flow keeps it sequential, without dependsOn', () => {
    expect(removeStep(sequential, 'qa', 'reconnect')).toEqual({ triggerEnvironment: 'dev', steps: [{ environment: 'production' }] });
  });

  test('a step that followed a removed one keeps waiting for what it waited for', () => {
    const spec: FlowSpec = { triggerEnvironment: 'dev', steps: [{ environment: 'qa' }, { environment: 'staging', dependsOn: ['dev'] }, { environment: 'production' }] };
    // production followed staging (the step above); without staging it must not start to follow qa.
    expect(removeStep(spec, 'staging', 'reconnect').steps).toEqual([{ environment: 'qa' }, { environment: 'production', dependsOn: ['dev'] }]);
  });

  test('downstream: every step after it goes too', () => {
    expect(removeStep(fanIn, 'staging', 'downstream').steps).toEqual([{ environment: 'qa', dependsOn: ['dev'] }]);
  });

  test('the trigger environment is not removed', () => {
    expect(removeStep(fanIn, 'dev', 'downstream')).toBe(fanIn);
  });
});

describe('slots', () => {
  test('policy slots are set and cleared; an empty policy disappears', () => {
    let spec = setStepPolicy(sequential, 'qa', 'action', 'pr');
    spec = setStepPolicy(spec, 'qa', 'preAction', 'smoke-tests');
    expect(spec.steps[0]).toEqual({ environment: 'qa', policy: { action: 'pr', preAction: 'smoke-tests' } });
    spec = setStepPolicy(setStepPolicy(spec, 'qa', 'action', undefined), 'qa', 'preAction', '');
    expect(spec.steps[0]).toEqual({ environment: 'qa' });
  });

  test('step hooks, flow hooks, trigger workflow and timeout', () => {
    let spec = setStepHook(fanIn, 'production', 'onStart', undefined);
    expect(spec.steps[2]).toEqual({ environment: 'production', dependsOn: ['qa', 'staging'] });
    spec = setFlowHook(spec, 'onFail', 'notify');
    expect(spec.hooks).toEqual({ onFail: 'notify' });
    spec = setFlowHook(spec, 'onFail', undefined);
    expect('hooks' in spec).toBe(false);
    spec = setSpecField(setSpecField(spec, 'timeout', '12h'), 'triggerWorkflow', 'build-checks');
    expect([spec.timeout, spec.triggerWorkflow]).toEqual(['12h', 'build-checks']);
    expect('timeout' in setSpecField(spec, 'timeout', '')).toBe(false);
  });

  test('annotations', () => {
    const flow: PromotionFlow = setAnnotation(emptyFlow(), 'description', 'to production');
    expect(flow.metadata.annotations).toEqual({ description: 'to production' });
    expect('annotations' in setAnnotation(flow, 'description', '').metadata).toBe(false);
  });
});

describe('layout', () => {
  test('left to right: each step right of what it waits for, parallel steps one above the other', () => {
    const { positions, edges } = layoutFlow(fanIn);
    const x = (env: string) => positions.get(env)!.x;
    expect(x('dev')).toBeLessThan(x('qa'));
    expect(x('qa')).toBe(x('staging'));
    expect(positions.get('qa')!.y).not.toBe(positions.get('staging')!.y);
    expect(x('staging')).toBeLessThan(x('production'));
    expect(edges).toEqual([
      { from: 'dev', to: 'qa' },
      { from: 'dev', to: 'staging' },
      { from: 'qa', to: 'production' },
      { from: 'staging', to: 'production' },
    ]);
  });

  test('a hundred environments in one chain and a fan-out are laid out', () => {
    const chain: FlowSpec = { triggerEnvironment: 'e0', steps: Array.from({ length: 99 }, (_, i) => ({ environment: `e${i + 1}` })) };
    expect(layoutFlow(chain).positions.size).toBe(100);
    const wide: FlowSpec = { triggerEnvironment: 'e0', steps: Array.from({ length: 99 }, (_, i) => ({ environment: `e${i + 1}`, dependsOn: ['e0'] })) };
    expect(layoutFlow(wide).edges).toHaveLength(99);
  });
});
