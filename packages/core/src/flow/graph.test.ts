import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { descendants, findCycle, flowGraph, runnableSteps, stepDependsOn, topologicalLayers, type FlowGraphInput } from './graph.ts';

type Step = FlowGraphInput['steps'][number];
const step = (environment: string, dependsOn?: string[]): Step => (dependsOn ? { environment, dependsOn } : { environment });
const spec = (triggerEnvironment: string, ...steps: Step[]): FlowGraphInput => ({ triggerEnvironment, steps });

/** dev → qa, dev → staging, (qa, staging) → production: the design's three-env flow. */
const diamond = spec('dev', step('qa', ['dev']), step('staging', ['dev']), step('production', ['qa', 'staging']));
/** dev → qa → staging → production by the default rule. */
const chain = spec('dev', step('qa'), step('staging'), step('production'));

describe('stepDependsOn', () => {
  it('defaults the first step to the trigger and every other step to the one above', () => {
    assert.deepEqual([0, 1, 2].map((i) => stepDependsOn(chain, i)), [['dev'], ['qa'], ['staging']]);
  });
  it('keeps dependsOn as written, an empty list included', () => {
    const f = spec('dev', step('qa', ['dev']), step('staging', []), step('production', ['staging', 'qa']));
    assert.deepEqual([0, 1, 2].map((i) => stepDependsOn(f, i)), [['dev'], [], ['staging', 'qa']]);
  });
  it('is empty for an index past the steps', () => {
    assert.deepEqual(stepDependsOn(chain, 3), []);
  });
});

describe('flowGraph', () => {
  it('builds the fan-out / fan-in diamond', () => {
    assert.deepEqual(flowGraph(diamond), {
      trigger: 'dev',
      steps: ['qa', 'staging', 'production'],
      dependsOn: new Map([
        ['qa', ['dev']],
        ['staging', ['dev']],
        ['production', ['qa', 'staging']],
      ]),
      dependents: new Map([
        ['dev', ['qa', 'staging']],
        ['qa', ['production']],
        ['staging', ['production']],
        ['production', []],
      ]),
    });
  });

  it('chains steps without dependsOn to the step above', () => {
    assert.deepEqual(flowGraph(chain), {
      trigger: 'dev',
      steps: ['qa', 'staging', 'production'],
      dependsOn: new Map([
        ['qa', ['dev']],
        ['staging', ['qa']],
        ['production', ['staging']],
      ]),
      dependents: new Map([
        ['dev', ['qa']],
        ['qa', ['staging']],
        ['staging', ['production']],
        ['production', []],
      ]),
    });
  });

  it('leaves out a step naming the trigger and a repeated step, and keeps unknown names and repeats out of the edges', () => {
    const f = spec('dev', step('qa'), step('dev', ['qa']), step('qa', ['dev']), step('production', ['qa', 'qa', 'perf']));
    assert.deepEqual(flowGraph(f), {
      trigger: 'dev',
      steps: ['qa', 'production'],
      dependsOn: new Map([
        ['qa', ['dev']],
        ['production', ['qa', 'perf']],
      ]),
      dependents: new Map([
        ['dev', ['qa']],
        ['qa', ['production']],
        ['production', []],
      ]),
    });
  });

  it('a step after a step naming the trigger follows the trigger environment', () => {
    const f = spec('dev', step('dev'), step('qa'));
    assert.deepEqual(flowGraph(f).dependsOn, new Map([['qa', ['dev']]]));
  });
});

describe('topologicalLayers', () => {
  const cases: [string, FlowGraphInput, string[][]][] = [
    ['chain', chain, [['dev'], ['qa'], ['staging'], ['production']]],
    ['diamond', diamond, [['dev'], ['qa', 'staging'], ['production']]],
    [
      'a step goes one layer after its furthest dependency',
      spec('dev', step('qa'), step('staging'), step('production', ['dev', 'staging'])),
      [['dev'], ['qa'], ['staging'], ['production']],
    ],
    [
      'within a layer, steps keep the flow order, not the order they were reached',
      spec('dev', step('prod-eu', ['qa']), step('qa', ['dev']), step('prod-asia', ['qa']), step('perf', ['dev'])),
      [['dev'], ['qa', 'perf'], ['prod-eu', 'prod-asia']],
    ],
    [
      'steps that never start are left out',
      spec('dev', step('qa'), step('a', ['b']), step('b', ['a']), step('c', []), step('d', ['c']), step('e', ['nowhere'])),
      [['dev'], ['qa']],
    ],
    ['a flow with no steps has only the trigger', spec('dev'), [['dev']]],
  ];
  for (const [title, f, expected] of cases) {
    it(title, () => assert.deepEqual(topologicalLayers(flowGraph(f)), expected));
  }
});

describe('runnableSteps', () => {
  const graph = flowGraph(diamond);
  const cases: [string, { succeeded: string[]; started: string[] }, string[]][] = [
    ['nothing before the trigger succeeded', { succeeded: [], started: [] }, []],
    ['after the trigger: both branches, in flow order', { succeeded: ['dev'], started: [] }, ['qa', 'staging']],
    ['a started step is not runnable again', { succeeded: ['dev'], started: ['qa'] }, ['staging']],
    ['fan-in waits for every dependency', { succeeded: ['dev', 'qa'], started: ['qa', 'staging'] }, []],
    ['fan-in runs when all succeeded', { succeeded: ['dev', 'qa', 'staging'], started: ['qa', 'staging'] }, ['production']],
    ['a succeeded step counts as started', { succeeded: ['dev', 'qa', 'staging', 'production'], started: [] }, []],
  ];
  for (const [title, progress, expected] of cases) {
    it(title, () => assert.deepEqual(runnableSteps(graph, progress), expected));
  }

  it('never runs a step that waits for nothing, nor steps waiting for names outside the flow', () => {
    const f = flowGraph(spec('dev', step('qa', []), step('staging', ['perf'])));
    assert.deepEqual(runnableSteps(f, { succeeded: ['dev', 'perf'], started: [] }), ['staging']);
    assert.deepEqual(runnableSteps(f, { succeeded: ['dev'], started: [] }), []);
  });

  it('takes any iterable', () => {
    assert.deepEqual(runnableSteps(graph, { succeeded: new Set(['dev']), started: new Set(['staging']) }), ['qa']);
  });
});

describe('descendants', () => {
  const f = flowGraph(spec('dev', step('qa'), step('perf', ['dev']), step('staging', ['qa']), step('production', ['staging', 'perf']), step('dr', ['production'])));
  const cases: [string, string[]][] = [
    ['dev', ['qa', 'perf', 'staging', 'production', 'dr']],
    ['qa', ['staging', 'production', 'dr']],
    ['perf', ['production', 'dr']],
    ['dr', []],
    ['unknown', []],
  ];
  for (const [env, expected] of cases) {
    it(`of ${env}`, () => assert.deepEqual(descendants(f, env), expected));
  }
  it('does not include the environment itself when a cycle leads back to it', () => {
    const cyclic = flowGraph(spec('dev', step('qa', ['dev', 'staging']), step('staging', ['qa'])));
    assert.deepEqual(descendants(cyclic, 'qa'), ['staging']);
  });
});

describe('findCycle', () => {
  const cases: [string, FlowGraphInput, string[] | undefined][] = [
    ['none in a chain', chain, undefined],
    ['none in a diamond', diamond, undefined],
    [
      'a three-step cycle, in promotion order, starting at the step listed first',
      spec('dev', step('qa', ['production']), step('staging', ['qa']), step('production', ['staging'])),
      ['qa', 'staging', 'production', 'qa'],
    ],
    [
      'rotated to the first listed step even when found from elsewhere',
      spec('dev', step('x'), step('production', ['staging']), step('qa', ['dev', 'production']), step('staging', ['qa'])),
      ['production', 'qa', 'staging', 'production'],
    ],
    [
      'a cycle closed by the default rule',
      spec('dev', step('qa', ['staging']), step('staging')),
      ['qa', 'staging', 'qa'],
    ],
    ['a step waiting for itself', spec('dev', step('qa', ['qa'])), ['qa', 'qa']],
    [
      'a cycle not reachable from the trigger is found too',
      spec('dev', step('qa'), step('a', ['b']), step('b', ['a'])),
      ['a', 'b', 'a'],
    ],
  ];
  for (const [title, f, expected] of cases) {
    it(title, () => assert.deepEqual(findCycle(flowGraph(f)), expected));
  }
});
