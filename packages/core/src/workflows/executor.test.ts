import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyOutcome,
  nextActions,
  nextWakeAt,
  retryRun,
  runStatus,
  startRun,
  terminate,
  tick,
  type LeafAction,
  type NodeOutcome,
  type WorkflowRunState,
} from './executor.ts';

const T0 = '2025-01-01T00:00:00.000Z';
/** `T0` plus `s` seconds. */
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
const doc = (spec: Record<string, unknown>) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'wf' }, spec });
const sh = (name: string, source = 'true', extra: Record<string, unknown> = {}) => ({ name, script: { image: 'alpine', command: ['sh'], source }, ...extra });
const start = (spec: Record<string, unknown>, parameters: Record<string, string> = {}) => startRun({ template: doc(spec), parameters, runName: 'run', now: T0 });

/** Reports each outcome in turn. */
function report(state: WorkflowRunState, ...outcomes: NodeOutcome[]): WorkflowRunState {
  return outcomes.reduce(applyOutcome, state);
}
/** Starts and ends the node `nodeId` at second `s`. */
const ran = (nodeId: string, s: number, phase: 'Succeeded' | 'Failed' | 'Error' = 'Succeeded', extra: Partial<NodeOutcome> = {}): NodeOutcome[] => [
  { nodeId, phase: 'Running', now: at(s) },
  { nodeId, phase, now: at(s + 1), ...extra },
];
/** Name → phase of every node, in creation order. */
const phases = (state: WorkflowRunState) => Object.fromEntries(runStatus(state).nodes.map((n) => [n.name, n.phase]));
const idOf = (state: WorkflowRunState, name: string) => {
  const node = state.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node ${name}`);
  return node.id;
};
const runActions = (state: WorkflowRunState) => nextActions(state).map((a) => (a.kind === 'run' ? `${a.nodeId}: ${[...a.command, ...a.args, a.script?.source ?? ''].join(' ').trim()}` : `${a.nodeId}: suspend`));

describe('a steps template with a parallel group and outputs passed between steps', () => {
  const spec = {
    entrypoint: 'main',
    arguments: { parameters: [{ name: 'APP_NAME' }, { name: 'ENV', value: 'qa' }] },
    templates: [
      {
        name: 'main',
        steps: [
          [{ name: 'build', template: 'build' }],
          [
            { name: 'test-a', template: 'test', arguments: { parameters: [{ name: 'tag', value: '{{steps.build.outputs.parameters.tag}}' }, { name: 'suite', value: 'a' }] } },
            { name: 'test-b', template: 'test', arguments: { parameters: [{ name: 'tag', value: '{{steps.build.outputs.parameters.tag}}' }, { name: 'suite', value: 'b' }] } },
          ],
        ],
      },
      {
        name: 'build',
        container: { image: 'golang:{{workflow.parameters.ENV}}', command: ['make', 'build'], args: ['{{workflow.parameters.APP_NAME}}'], env: [{ name: 'RUN', value: '{{workflow.name}}' }], workingDir: '/src' },
        activeDeadlineSeconds: 30,
        outputs: { parameters: [{ name: 'tag', valueFrom: { path: '/tmp/tag' }, globalName: 'IMAGE_TAG' }] },
      },
      { name: 'test', inputs: { parameters: [{ name: 'tag' }, { name: 'suite' }] }, script: { image: 'alpine', command: ['bash'], source: 'test {{inputs.parameters.suite}} {{inputs.parameters.tag}}' } },
    ],
  };

  it('runs the groups in order, the steps of a group together, and rolls up', () => {
    let s = start(spec, { APP_NAME: 'cf-101-qa' });
    assert.deepEqual(nextActions(s), [
      {
        kind: 'run',
        nodeId: 'run-2',
        attempt: 1,
        templateName: 'build',
        image: 'golang:qa',
        command: ['make', 'build'],
        args: ['cf-101-qa'],
        env: { RUN: 'run' },
        outputs: [{ name: 'tag', path: '/tmp/tag' }],
        workingDir: '/src',
        deadlineSeconds: 30,
      },
    ] satisfies LeafAction[]);
    s = report(s, ...ran('run-2', 1, 'Succeeded', { outputs: { tag: 'v7' } }));
    assert.deepEqual(nextActions(s), [
      { kind: 'run', nodeId: 'run-4', attempt: 1, templateName: 'test', image: 'alpine', command: ['bash'], args: [], env: {}, outputs: [], script: { source: 'test a v7', command: ['bash'] } },
      { kind: 'run', nodeId: 'run-5', attempt: 1, templateName: 'test', image: 'alpine', command: ['bash'], args: [], env: {}, outputs: [], script: { source: 'test b v7', command: ['bash'] } },
    ] satisfies LeafAction[]);
    s = report(s, { nodeId: 'run-4', phase: 'Running', now: at(3) }, { nodeId: 'run-5', phase: 'Running', now: at(3) });
    assert.deepEqual(nextActions(s), []);
    s = report(s, { nodeId: 'run-5', phase: 'Succeeded', now: at(5) }, { nodeId: 'run-4', phase: 'Succeeded', now: at(6) });
    assert.deepEqual(runStatus(s), {
      phase: 'Succeeded',
      startedAt: T0,
      finishedAt: at(6),
      nodes: [
        { id: 'run', name: 'run', displayName: 'run', templateName: 'main', type: 'Steps', phase: 'Succeeded', startedAt: T0, finishedAt: at(6), outputs: [], children: ['run-1', 'run-3'] },
        { id: 'run-1', name: 'run[0]', displayName: '[0]', templateName: 'main', type: 'StepGroup', phase: 'Succeeded', startedAt: T0, finishedAt: at(2), outputs: [], children: ['run-2'] },
        { id: 'run-2', name: 'run[0].build', displayName: 'build', templateName: 'build', type: 'Pod', phase: 'Succeeded', startedAt: at(1), finishedAt: at(2), outputs: [{ name: 'tag', value: 'v7', globalName: 'IMAGE_TAG' }], children: [], attempts: 1 },
        { id: 'run-3', name: 'run[1]', displayName: '[1]', templateName: 'main', type: 'StepGroup', phase: 'Succeeded', startedAt: at(2), finishedAt: at(6), outputs: [], children: ['run-4', 'run-5'] },
        { id: 'run-4', name: 'run[1].test-a', displayName: 'test-a', templateName: 'test', type: 'Pod', phase: 'Succeeded', startedAt: at(3), finishedAt: at(6), outputs: [], children: [], attempts: 1 },
        { id: 'run-5', name: 'run[1].test-b', displayName: 'test-b', templateName: 'test', type: 'Pod', phase: 'Succeeded', startedAt: at(3), finishedAt: at(5), outputs: [], children: [], attempts: 1 },
      ],
      globalOutputs: { IMAGE_TAG: 'v7' },
    });
  });

  it('stops at a failed group and fails the run with the step named', () => {
    let s = start(spec, { APP_NAME: 'x' });
    s = report(s, ...ran('run-2', 1, 'Succeeded', { outputs: { tag: 'v7' } }), ...ran('run-4', 2, 'Failed', { message: 'exit code 1' }));
    assert.equal(s.phase, 'Running', 'test-b still runs');
    s = report(s, ...ran('run-5', 2));
    assert.deepEqual(
      { phase: runStatus(s).phase, message: runStatus(s).message, nodes: phases(s) },
      {
        phase: 'Failed',
        message: 'step "test-a" failed: exit code 1',
        nodes: { run: 'Failed', 'run[0]': 'Succeeded', 'run[0].build': 'Succeeded', 'run[1]': 'Failed', 'run[1].test-a': 'Failed', 'run[1].test-b': 'Succeeded' },
      },
    );
  });

  it('fails a step whose declared output was not reported', () => {
    const s = report(start(spec, { APP_NAME: 'x' }), ...ran('run-2', 1));
    assert.deepEqual([s.phase, s.nodes[2]!.message], ['Failed', 'output parameter "tag" was not reported (from /tmp/tag)']);
  });

  it('fails the run when a declared workflow parameter has no value', () => {
    assert.deepEqual(runStatus(start(spec)), {
      phase: 'Failed',
      startedAt: T0,
      finishedAt: T0,
      message: 'missing parameter "APP_NAME": spec.arguments declares it without a value and the run was not given one',
      nodes: [],
      globalOutputs: {},
    });
  });
});

describe('a DAG with fan-out and fan-in', () => {
  const spec = {
    entrypoint: 'main',
    templates: [
      {
        name: 'main',
        dag: {
          tasks: [
            { name: 'd', template: 'echo', depends: 'b && c', arguments: { parameters: [{ name: 'msg', value: '{{tasks.b.outputs.parameters.out}}+{{tasks.c.outputs.parameters.out}}' }] } },
            { name: 'a', template: 'echo', arguments: { parameters: [{ name: 'msg', value: 'a' }] } },
            { name: 'b', template: 'echo', dependencies: ['a'], arguments: { parameters: [{ name: 'msg', value: 'b' }] } },
            { name: 'c', template: 'echo', dependencies: ['a'], arguments: { parameters: [{ name: 'msg', value: 'c' }] } },
          ],
        },
      },
      { name: 'echo', inputs: { parameters: [{ name: 'msg' }] }, container: { image: 'alpine', command: ['echo', '{{inputs.parameters.msg}}'] }, outputs: { parameters: [{ name: 'out', value: '<{{inputs.parameters.msg}}>' }] } },
    ],
  };

  it('starts a task once its dependencies succeeded, and the fan-in task after all of them', () => {
    let s = start(spec);
    assert.deepEqual(runActions(s), ['run-1: echo a']);
    s = report(s, ...ran('run-1', 1));
    assert.deepEqual(runActions(s), ['run-2: echo b', 'run-3: echo c']);
    s = report(s, ...ran('run-3', 2));
    assert.deepEqual(runActions(s), ['run-2: echo b'], 'd waits for b');
    s = report(s, ...ran('run-2', 3));
    assert.deepEqual(runActions(s), ['run-4: echo <b>+<c>']);
    s = report(s, ...ran('run-4', 5));
    assert.deepEqual(
      runStatus(s).nodes.map((n) => [n.name, n.phase, n.children, n.outputs.map((o) => o.value)]),
      [
        ['run', 'Succeeded', ['run-1', 'run-2', 'run-3', 'run-4'], []],
        ['run.a', 'Succeeded', [], ['<a>']],
        ['run.b', 'Succeeded', [], ['<b>']],
        ['run.c', 'Succeeded', [], ['<c>']],
        ['run.d', 'Succeeded', [], ['<<b>+<c>>']],
      ],
    );
    assert.equal(s.phase, 'Succeeded');
  });

  it('omits the tasks after a failure and fails the DAG', () => {
    let s = start(spec);
    s = report(s, ...ran('run-1', 1), ...ran('run-2', 2, 'Failed', { message: 'boom' }), ...ran('run-3', 2));
    assert.deepEqual(phases(s), { run: 'Failed', 'run.a': 'Succeeded', 'run.b': 'Failed', 'run.c': 'Succeeded', 'run.d': 'Skipped' });
    assert.deepEqual([s.nodes[4]!.message, s.message], ['omitted: depends "b && c" is false', 'task "b" failed: boom']);
  });

  it('runs a task that handles a failure with depends, and the DAG succeeds', () => {
    const handled = {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks: [{ name: 'deploy', template: 'leaf' }, { name: 'rollback', template: 'leaf', depends: 'deploy.Failed' }, { name: 'verify', template: 'leaf', depends: 'deploy' }] } },
        sh('leaf'),
      ],
    };
    let s = startRun({ template: doc(handled), parameters: {}, runName: 'run', now: T0 });
    s = report(s, ...ran('run-1', 1, 'Failed', { message: 'exit 3' }));
    assert.deepEqual(runActions(s), ['run-2: sh true']);
    s = report(s, ...ran('run-2', 3));
    assert.deepEqual(phases(s), { run: 'Succeeded', 'run.deploy': 'Failed', 'run.rollback': 'Succeeded', 'run.verify': 'Skipped' });
    assert.equal(runStatus(s).phase, 'Succeeded');
  });
});

describe('when', () => {
  it('skips the steps whose condition is false and runs the others', () => {
    const spec = {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'ACTION', value: 'commit' }] },
      templates: [
        {
          name: 'main',
          steps: [
            [
              { name: 'on-commit', template: 'leaf', when: '{{workflow.parameters.ACTION}} == commit' },
              { name: 'on-pr', template: 'leaf', when: "'{{workflow.parameters.ACTION}}' == 'pr'" },
              { name: 'broken', template: 'leaf', when: '{{workflow.parameters.ACTION}} <' },
            ],
          ],
        },
        sh('leaf'),
      ],
    };
    let s = start(spec);
    assert.deepEqual(runActions(s), ['run-2: sh true']);
    s = report(s, ...ran('run-2', 1));
    assert.deepEqual(
      runStatus(s).nodes.slice(3).map((n) => [n.displayName, n.type, n.phase, n.message]),
      [
        ['on-pr', 'Skipped', 'Skipped', 'when "\'commit\' == \'pr\'" evaluated false'],
        ['broken', 'Pod', 'Failed', 'when: cannot evaluate "commit <": expected a value at the end'],
      ],
    );
    assert.equal(s.phase, 'Failed');
  });
});

describe('retries', () => {
  const spec = (retryStrategy: Record<string, unknown>) => ({ entrypoint: 'flaky', templates: [sh('flaky', 'curl svc', { retryStrategy })] });

  it('puts a failed attempt back to Pending with the backoff, and counts attempts', () => {
    let s = start(spec({ limit: 2, backoff: { duration: '10s', factor: 2 } }));
    s = report(s, ...ran('run', 0, 'Failed', { message: 'exit 7' }));
    assert.deepEqual(nextActions(s).map((a) => a.kind === 'run' && [a.attempt, a.notBefore]), [[2, at(11)]]);
    assert.equal(nextWakeAt(s), at(11));
    assert.deepEqual([s.phase, s.nodes[0]!.phase, s.nodes[0]!.message], ['Running', 'Pending', 'attempt 1 failed: exit 7']);
    s = report(s, ...ran('run', 11, 'Failed', { message: 'exit 7' }));
    assert.deepEqual(nextActions(s).map((a) => a.kind === 'run' && [a.attempt, a.notBefore]), [[3, at(32)]]);
    s = report(s, ...ran('run', 32));
    assert.deepEqual(runStatus(s).nodes, [
      { id: 'run', name: 'run', displayName: 'run', templateName: 'flaky', type: 'Pod', phase: 'Succeeded', startedAt: at(0), finishedAt: at(33), outputs: [], children: [], attempts: 3 },
    ]);
    assert.equal(s.phase, 'Succeeded');
  });

  it('fails the node when the retries are used up', () => {
    let s = start(spec({ limit: 1 }));
    s = report(s, ...ran('run', 0, 'Failed', { message: 'exit 7' }));
    assert.deepEqual(nextActions(s).map((a) => a.kind === 'run' && [a.attempt, a.notBefore]), [[2, undefined]]);
    s = report(s, ...ran('run', 2, 'Failed', { message: 'exit 7' }));
    assert.deepEqual([s.phase, s.message, s.nodes[0]!.attempts], ['Failed', 'exit 7 (after 2 attempts)', 2]);
  });

  it('does not retry past maxDuration, nor an Error', () => {
    let s = start(spec({ limit: 5, backoff: { duration: '30s', maxDuration: '1m' } }));
    s = report(s, ...ran('run', 0, 'Failed', { message: 'x' }), ...ran('run', 30, 'Failed', { message: 'x' }));
    assert.deepEqual([s.phase, s.message], ['Failed', "x (after 2 attempts; the next retry would start past the backoff's maxDuration)"]);
    s = report(start(spec({ limit: 5 })), ...ran('run', 0, 'Error', { message: 'image not found' }));
    assert.deepEqual([s.phase, s.message], ['Error', 'image not found']);
  });
});

describe('missing parameters at run time', () => {
  it('fails the node, naming the parameter', () => {
    const spec = {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'greet', template: 'greet', arguments: { parameters: [{ name: 'who' }] } }]] },
        { name: 'greet', inputs: { parameters: [{ name: 'who' }] }, script: { image: 'alpine', command: ['sh'], source: 'echo {{inputs.parameters.who}}' } },
      ],
    };
    const s = start(spec);
    assert.deepEqual(nextActions(s), []);
    assert.deepEqual(runStatus(s).nodes[2], {
      id: 'run-2',
      name: 'run[0].greet',
      displayName: 'greet',
      templateName: 'greet',
      type: 'Pod',
      phase: 'Failed',
      startedAt: T0,
      finishedAt: T0,
      message: 'missing parameter "who": template "greet" needs it and it was not passed',
      outputs: [],
      children: [],
    });
    assert.deepEqual([s.phase, s.message], ['Failed', 'step "greet" failed: missing parameter "who": template "greet" needs it and it was not passed']);
  });

  it('fills the entrypoint inputs from the workflow parameters, defaults included', () => {
    const spec = {
      entrypoint: 'greet',
      arguments: { parameters: [{ name: 'who', value: 'world' }] },
      templates: [{ name: 'greet', inputs: { parameters: [{ name: 'who' }, { name: 'greeting', default: 'hi {{workflow.parameters.who}}' }] }, script: { image: 'alpine', command: ['sh'], source: '{{inputs.parameters.greeting}}, {{inputs.parameters.who}}' } }],
    };
    assert.deepEqual(runActions(start(spec)), ['run: sh hi world, world']);
  });
});

describe('templates the local engine cannot run', () => {
  it('give a run in phase Error, with the problems', () => {
    const s = start({ entrypoint: 'deploy', templates: [{ name: 'deploy', resource: { action: 'apply', manifest: '{}' } }] });
    assert.deepEqual(
      [s.phase, s.message, s.problems.map((p) => p.rule), nextActions(s)],
      ['Error', 'the local engine cannot run this template: spec.templates[0].resource: template "deploy": kind "resource" is not supported by the local engine; use the argo engine (unsupported-feature)', ['unsupported-feature'], []],
    );
    assert.deepEqual(start({ entrypoint: 'nope', templates: [sh('a')] }).message, 'the local engine cannot run this template: spec.entrypoint: entrypoint names unknown template "nope" (unknown-reference)');
  });
});

describe('terminate', () => {
  it('terminates every unfinished node and ignores later reports', () => {
    const spec = { entrypoint: 'main', onExit: 'bye', templates: [{ name: 'main', steps: [[{ name: 'a', template: 'leaf' }, { name: 'b', template: 'leaf' }], [{ name: 'c', template: 'leaf' }]] }, sh('leaf'), sh('bye')] };
    let s = start(spec);
    s = report(s, ...ran('run-2', 1), { nodeId: 'run-3', phase: 'Running', now: at(1) });
    s = terminate(s, at(5));
    assert.deepEqual(
      { phase: s.phase, message: s.message, finishedAt: s.finishedAt, nodes: phases(s), actions: nextActions(s) },
      { phase: 'Terminated', message: 'terminated', finishedAt: at(5), nodes: { run: 'Terminated', 'run[0]': 'Terminated', 'run[0].a': 'Succeeded', 'run[0].b': 'Terminated' }, actions: [] },
    );
    assert.equal(applyOutcome(s, { nodeId: 'run-3', phase: 'Failed', message: 'killed', now: at(6) }), s);
    assert.equal(terminate(s, at(7)), s);
  });
  it('throws on a report for a node that does not exist', () => {
    assert.throws(() => applyOutcome(start({ entrypoint: 'a', templates: [sh('a')] }), { nodeId: 'ghost', phase: 'Running', now: T0 }), /run "run" has no node "ghost"/);
  });
});

describe('activeDeadlineSeconds', () => {
  const spec = {
    entrypoint: 'main',
    activeDeadlineSeconds: 60,
    onExit: 'report',
    templates: [
      { name: 'main', steps: [[{ name: 'wait', template: 'wait' }, { name: 'work', template: 'leaf' }]] },
      { name: 'wait', suspend: { duration: '2m' } },
      sh('leaf'),
      sh('report', 'echo {{workflow.status}}'),
    ],
  };

  it('fails the unfinished main flow at the deadline, then runs onExit', () => {
    let s = start(spec);
    assert.deepEqual(nextActions(s), [
      { kind: 'suspend', nodeId: 'run-2', until: at(120) },
      { kind: 'run', nodeId: 'run-3', attempt: 1, templateName: 'leaf', image: 'alpine', command: ['sh'], args: [], env: {}, outputs: [], script: { source: 'true', command: ['sh'] } },
    ]);
    assert.equal(nextWakeAt(s), at(60));
    assert.equal(tick(s, at(59)), s, 'nothing to do before the deadline');
    s = report(s, { nodeId: 'run-3', phase: 'Running', now: at(1) });
    s = tick(s, at(60));
    const deadline = 'the workflow exceeded its activeDeadlineSeconds of 60s';
    assert.deepEqual(
      runStatus(s).nodes.map((n) => [n.name, n.phase, n.message]),
      [
        ['run', 'Failed', deadline],
        ['run[0]', 'Failed', deadline],
        ['run[0].wait', 'Failed', deadline],
        ['run[0].work', 'Failed', deadline],
        ['run.onExit', 'Pending', undefined],
      ],
    );
    assert.deepEqual(runActions(s), ['run-4: sh echo Failed']);
    s = report(s, ...ran('run-4', 61));
    assert.deepEqual([s.phase, s.message, s.finishedAt], ['Failed', deadline, at(62)]);
  });

  it('resumes a suspend node when its duration has passed', () => {
    const s = tick(start({ entrypoint: 'wait', templates: [{ name: 'wait', suspend: { duration: 30 } }] }), at(30));
    assert.deepEqual(runStatus(s).nodes.map((n) => [n.type, n.phase]), [['Suspend', 'Succeeded']]);
    assert.equal(s.phase, 'Succeeded');
  });

  it('resumes a suspend node without duration when the shell says so', () => {
    let s = start({ entrypoint: 'wait', templates: [{ name: 'wait', suspend: {} }] });
    assert.deepEqual(nextActions(s), [{ kind: 'suspend', nodeId: 'run' }]);
    s = applyOutcome(s, { nodeId: 'run', phase: 'Succeeded', now: at(9) });
    assert.equal(s.phase, 'Succeeded');
  });
});

describe('onExit', () => {
  const spec = (exitSource: string) => ({
    entrypoint: 'main',
    onExit: 'bye',
    templates: [sh('main', 'true', { outputs: { parameters: [{ name: 'ctx', valueFrom: { path: '/tmp/ctx' }, globalName: 'PROMOTION_CONTEXT' }] } }), sh('bye', exitSource)],
  });

  it('runs after the main flow with its status; a successful exit keeps the phase', () => {
    let s = report(start(spec('notify {{workflow.status}}')), ...ran('run', 0, 'Succeeded', { outputs: { ctx: '{"A":"1"}' } }));
    assert.deepEqual([s.phase, runActions(s)], ['Running', ['run-1: sh notify Succeeded']]);
    s = report(s, ...ran('run-1', 2));
    assert.deepEqual(runStatus(s).globalOutputs, { PROMOTION_CONTEXT: '{"A":"1"}' });
    assert.deepEqual([s.phase, s.message], ['Succeeded', undefined]);
  });

  it('turns a succeeded run into Failed when the exit template fails', () => {
    const s = report(start(spec('x')), ...ran('run', 0, 'Succeeded', { outputs: { ctx: '{}' } }), ...ran('run-1', 2, 'Failed', { message: 'slack down' }));
    assert.deepEqual([s.phase, s.message], ['Failed', 'onExit template "bye" failed: slack down']);
  });

  it('keeps a failed run Failed with its own message whatever the exit does', () => {
    const s = report(start(spec('x')), ...ran('run', 0, 'Failed', { message: 'exit 1' }), ...ran('run-1', 2, 'Error', { message: 'x' }));
    assert.deepEqual([s.phase, s.message], ['Failed', 'exit 1']);
  });
});

describe('state', () => {
  it('is never changed in place', () => {
    const s = start({ entrypoint: 'a', templates: [sh('a')] });
    const before = JSON.stringify(s);
    applyOutcome(s, { nodeId: 'run', phase: 'Running', now: at(1) });
    terminate(s, at(1));
    tick(s, at(1));
    assert.equal(JSON.stringify(s), before);
  });
});

describe('retryRun', () => {
  const retried = (state: WorkflowRunState, now: string): WorkflowRunState => {
    const r = retryRun(state, now);
    if (!r.ok) throw new Error(r.message);
    return r.state;
  };

  it('runs again only the failed step and the ones after it, with the outputs of those that succeeded', () => {
    const spec = {
      entrypoint: 'main',
      activeDeadlineSeconds: 60,
      onExit: 'bye',
      templates: [
        {
          name: 'main',
          steps: [
            [{ name: 'one', template: 'one' }],
            [{ name: 'two', template: 'use', arguments: { parameters: [{ name: 'v', value: '{{steps.one.outputs.parameters.v}}' }] } }],
            [{ name: 'three', template: 'use', arguments: { parameters: [{ name: 'v', value: '{{steps.one.outputs.parameters.v}}' }] } }],
          ],
        },
        { name: 'one', script: { image: 'alpine', command: ['sh'], source: 'echo' }, outputs: { parameters: [{ name: 'v', valueFrom: { path: '/tmp/v' } }] } },
        { name: 'use', inputs: { parameters: [{ name: 'v' }] }, retryStrategy: { limit: 1 }, container: { image: 'alpine', command: ['use', '{{inputs.parameters.v}}'] } },
        sh('bye'),
      ],
    };
    let s = start(spec);
    s = report(s, ...ran('run-2', 1, 'Succeeded', { outputs: { v: 'x1' } }));
    const two = idOf(s, 'run[1].two');
    s = report(s, ...ran(two, 2, 'Failed', { message: 'exit 1' }), ...ran(two, 4, 'Failed', { message: 'exit 1' }));
    s = report(s, ...ran(idOf(s, 'run.onExit'), 6));
    assert.equal(s.phase, 'Failed');

    s = retried(s, at(100));
    assert.deepEqual(
      { phase: s.phase, message: s.message, finishedAt: s.finishedAt, deadlineAt: s.deadlineAt, nodes: phases(s), actions: runActions(s) },
      {
        phase: 'Running',
        message: undefined,
        finishedAt: undefined,
        deadlineAt: at(160),
        nodes: { run: 'Running', 'run[0]': 'Succeeded', 'run[0].one': 'Succeeded', 'run[1]': 'Running', 'run[1].two': 'Pending' },
        actions: [`${two}: use x1`],
      },
    );
    assert.deepEqual(nextActions(s).map((a) => a.kind === 'run' && a.attempt), [1], 'the attempt counter starts over');
    assert.deepEqual(runStatus(s).nodes.find((n) => n.name === 'run[0].one')!.outputs, [{ name: 'v', value: 'x1' }]);
    s = report(s, ...ran(two, 101));
    const three = idOf(s, 'run[2].three');
    assert.deepEqual(runActions(s), [`${three}: use x1`]);
    s = report(s, ...ran(three, 102));
    assert.deepEqual(runActions(s), [`${idOf(s, 'run.onExit')}: sh true`], 'onExit runs again');
    s = report(s, ...ran(idOf(s, 'run.onExit'), 104));
    assert.deepEqual([s.phase, s.finishedAt], ['Succeeded', at(105)]);
  });

  it('runs again the failed branch of a DAG and the fan-in task it omitted, not the branch that succeeded', () => {
    const spec = {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              { name: 'a', template: 'echo', arguments: { parameters: [{ name: 'msg', value: 'a' }] } },
              { name: 'b', template: 'echo', arguments: { parameters: [{ name: 'msg', value: 'b' }] } },
              { name: 'c', template: 'echo', dependencies: ['a', 'b'], arguments: { parameters: [{ name: 'msg', value: '{{tasks.a.outputs.parameters.out}}+{{tasks.b.outputs.parameters.out}}' }] } },
            ],
          },
        },
        { name: 'echo', inputs: { parameters: [{ name: 'msg' }] }, container: { image: 'alpine', command: ['echo', '{{inputs.parameters.msg}}'] }, outputs: { parameters: [{ name: 'out', value: '<{{inputs.parameters.msg}}>' }] } },
      ],
    };
    let s = start(spec);
    s = report(s, ...ran('run-1', 1), ...ran('run-2', 1, 'Failed', { message: 'boom' }));
    assert.deepEqual(phases(s), { run: 'Failed', 'run.a': 'Succeeded', 'run.b': 'Failed', 'run.c': 'Skipped' });
    s = retried(s, at(10));
    assert.deepEqual([s.phase, phases(s), runActions(s)], ['Running', { run: 'Running', 'run.a': 'Succeeded', 'run.b': 'Pending' }, ['run-2: echo b']]);
    s = report(s, ...ran('run-2', 11));
    assert.deepEqual(runActions(s), ['run-4: echo <a>+<b>']);
    s = report(s, ...ran('run-4', 12));
    assert.deepEqual([s.phase, phases(s)], ['Succeeded', { run: 'Succeeded', 'run.a': 'Succeeded', 'run.b': 'Succeeded', 'run.c': 'Succeeded' }]);
  });

  it('runs again the nodes a terminate stopped, and creates again a step that failed before it ran', () => {
    const spec = {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'a', template: 'leaf' }, { name: 'b', template: 'leaf' }, { name: 'c', template: 'wait' }], [{ name: 'd', template: 'leaf' }]] },
        sh('leaf'),
        { name: 'wait', suspend: { duration: '10' } },
      ],
    };
    let s = start(spec);
    s = report(s, ...ran('run-2', 1), { nodeId: 'run-3', phase: 'Running', now: at(1) });
    s = terminate(s, at(5));
    assert.deepEqual(phases(s), { run: 'Terminated', 'run[0]': 'Terminated', 'run[0].a': 'Succeeded', 'run[0].b': 'Terminated', 'run[0].c': 'Terminated' });
    s = retried(s, at(20));
    assert.deepEqual([s.phase, phases(s), nextActions(s)], [
      'Running',
      { run: 'Running', 'run[0]': 'Running', 'run[0].a': 'Succeeded', 'run[0].b': 'Pending', 'run[0].c': 'Running' },
      [{ kind: 'run', nodeId: 'run-3', templateName: 'leaf', attempt: 1, image: 'alpine', command: ['sh'], args: [], env: {}, script: { source: 'true', command: ['sh'] }, outputs: [] }, { kind: 'suspend', nodeId: 'run-4', until: at(30) }],
    ]);
    s = report(s, ...ran('run-3', 21));
    s = tick(s, at(30));
    assert.deepEqual(runActions(s), [`${idOf(s, 'run[1].d')}: sh true`]);
    s = report(s, ...ran(idOf(s, 'run[1].d'), 31));
    assert.equal(s.phase, 'Succeeded');

    const broken = {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'a', template: 'leaf' }, { name: 'x', template: 'greet', arguments: { parameters: [{ name: 'who' }] } }]] },
        sh('leaf'),
        { name: 'greet', inputs: { parameters: [{ name: 'who' }] }, script: { image: 'alpine', command: ['sh'], source: 'echo {{inputs.parameters.who}}' } },
      ],
    };
    let b = start(broken);
    b = report(b, ...ran('run-2', 1));
    assert.equal(b.phase, 'Failed');
    b = retried(b, at(10));
    assert.deepEqual(
      [b.phase, b.message, phases(b), b.nodes.map((n) => n.id)],
      ['Failed', 'step "x" failed: missing parameter "who": template "greet" needs it and it was not passed', { run: 'Failed', 'run[0]': 'Failed', 'run[0].a': 'Succeeded', 'run[0].x': 'Failed' }, ['run', 'run-1', 'run-2', 'run-4']],
      'creates x again (it fails again the same way) without running a again',
    );
  });

  it('refuses a run that is not finished, that succeeded or that never started', () => {
    const running = start({ entrypoint: 'a', templates: [sh('a')] });
    const succeeded = report(running, ...ran('run', 1));
    const missing = start({ entrypoint: 'a', arguments: { parameters: [{ name: 'P' }] }, templates: [sh('a')] });
    assert.deepEqual(
      [retryRun(running, at(5)), retryRun(succeeded, at(5)), retryRun(missing, at(5))],
      [
        { ok: false, message: 'run "run" is Running; only a Failed, Error or Terminated run can be retried' },
        { ok: false, message: 'run "run" is Succeeded; there is nothing to retry' },
        { ok: false, message: 'run "run" never started (missing parameter "P": spec.arguments declares it without a value and the run was not given one); submit it again instead' },
      ],
    );
  });
});
