import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ArgoNode, ArgoWorkflow } from './client.ts';
import { ArgoWorkflow as ArgoWorkflowSchema } from './client.ts';
import { argoNodeId, argoPodName, nodePhase, nodeType, toRunStatus, workflowPhase } from './mapping.ts';

const WF = 'deploy-smoke-x7k2p';

function node(name: string, extra: Partial<ArgoNode> = {}): ArgoNode {
  return { id: argoNodeId(WF, name), name, type: 'Pod', ...extra };
}

function workflow(status: NonNullable<ArgoWorkflow['status']>, extra: Partial<ArgoWorkflow> = {}): ArgoWorkflow {
  return { metadata: { name: WF }, ...extra, status };
}

describe('Argo names', () => {
  // Fixtures from argo-workflows' own tests (operator_concurrency_test.go, get_test.go).
  test('node ids are the workflow name and the FNV-1a hash of the node name', () => {
    assert.equal(argoNodeId('steps-jklcl', 'steps-jklcl[0].hello1'), 'steps-jklcl-969694128');
    assert.equal(argoNodeId('many-items-z26lj', 'many-items-z26lj[0].sleep(9:nine)'), 'many-items-z26lj-2619926859');
    assert.equal(argoNodeId('many-items-z26lj', 'many-items-z26lj'), 'many-items-z26lj');
  });

  test('pod names: v2 by default, the node id for v1, the workflow name for the root', () => {
    const n = { id: 'many-items-z26lj-2619926859', name: 'many-items-z26lj[0].sleep(9:nine)', templateName: 'sleep' };
    assert.equal(argoPodName({ metadata: { name: 'many-items-z26lj' } }, n), 'many-items-z26lj-sleep-2619926859');
    assert.equal(argoPodName({ metadata: { name: 'many-items-z26lj', annotations: { 'workflows.argoproj.io/pod-name-format': 'v1' } } }, n), n.id);
    assert.equal(argoPodName({ metadata: { name: 'wf' } }, { id: 'wf', name: 'wf', templateName: 'main' }), 'wf');
    assert.equal(argoPodName({ metadata: { name: 'wf' } }, { id: 'x', name: 'wf.a', templateName: 'local', templateRef: { template: 'shared' } }), `wf-shared-${argoNodeId('', 'wf.a').slice(1)}`);
  });
});

describe('phase mapping', () => {
  const nodeTable: [ArgoNode['phase'], string | undefined, boolean, string][] = [
    [undefined, undefined, false, 'Pending'],
    ['', undefined, false, 'Pending'],
    ['Pending', undefined, false, 'Pending'],
    ['Running', undefined, false, 'Running'],
    ['Succeeded', undefined, false, 'Succeeded'],
    ['Skipped', undefined, false, 'Skipped'],
    ['Omitted', undefined, false, 'Skipped'],
    ['Failed', 'exit code 1', false, 'Failed'],
    ['Error', 'pod deleted', false, 'Error'],
    ['Failed', "Stopped with strategy 'Terminate'", false, 'Terminated'],
    ['Error', "Stopped with strategy 'Stop'", false, 'Terminated'],
    ['Running', undefined, true, 'Terminated'],
    ['Pending', undefined, true, 'Terminated'],
    ['Succeeded', undefined, true, 'Succeeded'],
    ['Failed', 'exit code 1', true, 'Failed'],
  ];
  for (const [phase, message, stopped, expected] of nodeTable) {
    test(`node ${String(phase)}${message ? ` "${message}"` : ''}${stopped ? ' in a stopped workflow' : ''} → ${expected}`, () => {
      assert.equal(nodePhase({ phase, message }, stopped), expected);
    });
  }

  const workflowTable: [NonNullable<ArgoWorkflow['status']>, ArgoWorkflow['spec'], string][] = [
    [{}, undefined, 'Pending'],
    [{ phase: '' }, undefined, 'Pending'],
    [{ phase: 'Pending' }, undefined, 'Pending'],
    [{ phase: 'Running' }, undefined, 'Running'],
    [{ phase: 'Running' }, { shutdown: 'Terminate' }, 'Running'],
    [{ phase: 'Succeeded' }, undefined, 'Succeeded'],
    [{ phase: 'Failed', message: 'child failed' }, undefined, 'Failed'],
    [{ phase: 'Error', message: 'invalid spec' }, undefined, 'Error'],
    [{ phase: 'Failed', message: "Stopped with strategy 'Terminate'" }, undefined, 'Terminated'],
    [{ phase: 'Failed', message: 'child failed' }, { shutdown: 'Terminate' }, 'Terminated'],
    [{ phase: 'Error' }, { shutdown: 'Stop' }, 'Terminated'],
    [{ phase: 'Succeeded' }, { shutdown: 'Stop' }, 'Succeeded'],
  ];
  for (const [status, spec, expected] of workflowTable) {
    test(`workflow ${JSON.stringify(status)}${spec ? ` shutdown ${spec.shutdown}` : ''} → ${expected}`, () => {
      assert.equal(workflowPhase(workflow(status, spec ? { spec } : {})), expected);
    });
  }
});

describe('node type mapping', () => {
  const nodes: Record<string, ArgoNode> = {};
  const add = (n: ArgoNode) => (nodes[n.id] = n);
  add(node(WF, { type: 'Steps' }));
  const attemptPod = add(node(`${WF}[0].check(0)`, { type: 'Pod' }));
  const attemptSteps = add(node(`${WF}[0].group(0)`, { type: 'Steps' }));
  const table: [ArgoNode, string][] = [
    [node(WF, { type: 'DAG' }), 'Workflow'],
    [node(`${WF}.a`, { type: 'Pod' }), 'Pod'],
    [node(`${WF}.a`, { type: 'Container' }), 'Pod'],
    [node(`${WF}.a`, { type: 'HTTP' }), 'Pod'],
    [node(`${WF}.a`, { type: 'Plugin' }), 'Pod'],
    [node(`${WF}.a`, { type: 'SomethingNew' }), 'Pod'],
    [node(`${WF}.a`, { type: 'Steps' }), 'Steps'],
    [node(`${WF}[0]`, { type: 'StepGroup' }), 'StepGroup'],
    [node(`${WF}.a`, { type: 'TaskGroup' }), 'StepGroup'],
    [node(`${WF}.a`, { type: 'DAG' }), 'DAG'],
    [node(`${WF}.a`, { type: 'Suspend' }), 'Suspend'],
    [node(`${WF}.a`, { type: 'Skipped' }), 'Skipped'],
    [node(`${WF}[0].check`, { type: 'Retry', children: [attemptPod.id] }), 'Pod'],
    [node(`${WF}[0].group`, { type: 'Retry', children: [attemptSteps.id] }), 'Steps'],
    [node(`${WF}[0].new`, { type: 'Retry' }), 'Pod'],
  ];
  for (const [n, expected] of table) {
    test(`${n.type}${n.name === WF ? ' (root)' : ''}${n.children ? ` of ${n.children.length}` : ''} → ${expected}`, () => {
      assert.equal(nodeType(n, WF, nodes), expected);
    });
  }
});

describe('toRunStatus', () => {
  test('a whole status: nodes ordered by start, outputs, globalOutputs, attempts', () => {
    const raw = {
      metadata: { name: WF, namespace: 'argo', uid: 'u', labels: { a: 'b' } },
      spec: { entrypoint: 'main', templates: [] },
      status: {
        phase: 'Succeeded',
        startedAt: '2026-01-01T10:00:00Z',
        finishedAt: '2026-01-01T10:01:00Z',
        progress: '2/2',
        nodes: {
          [argoNodeId(WF, `${WF}[0].probe`)]: {
            id: argoNodeId(WF, `${WF}[0].probe`),
            name: `${WF}[0].probe`,
            displayName: 'probe',
            type: 'Retry',
            templateName: 'http-probe',
            phase: 'Succeeded',
            startedAt: '2026-01-01T10:00:02Z',
            children: [argoNodeId(WF, `${WF}[0].probe(0)`), argoNodeId(WF, `${WF}[0].probe(1)`)],
            outputs: { parameters: [{ name: 'code', value: '200', globalName: 'probe-code' }] },
          },
          [argoNodeId(WF, `${WF}[0].probe(1)`)]: {
            id: argoNodeId(WF, `${WF}[0].probe(1)`),
            name: `${WF}[0].probe(1)`,
            displayName: 'probe(1)',
            type: 'Pod',
            templateName: 'http-probe',
            phase: 'Succeeded',
            startedAt: '2026-01-01T10:00:30Z',
            finishedAt: '2026-01-01T10:00:40Z',
            outputs: { parameters: [{ name: 'code', value: '200', globalName: 'probe-code' }], exitCode: '0' },
            hostNodeName: 'kind-worker',
          },
          [WF]: { id: WF, name: WF, displayName: WF, type: 'Steps', templateName: 'main', phase: 'Succeeded', startedAt: '2026-01-01T10:00:00Z', children: [argoNodeId(WF, `${WF}[0]`)] },
          [argoNodeId(WF, `${WF}[0].probe(0)`)]: {
            id: argoNodeId(WF, `${WF}[0].probe(0)`),
            name: `${WF}[0].probe(0)`,
            displayName: 'probe(0)',
            type: 'Pod',
            templateName: 'http-probe',
            phase: 'Failed',
            message: 'Error (exit code 1)',
            startedAt: '2026-01-01T10:00:02Z',
            finishedAt: '2026-01-01T10:00:20Z',
          },
          [argoNodeId(WF, `${WF}[0]`)]: { id: argoNodeId(WF, `${WF}[0]`), name: `${WF}[0]`, displayName: '[0]', type: 'StepGroup', phase: 'Succeeded', startedAt: '2026-01-01T10:00:01Z', children: [argoNodeId(WF, `${WF}[0].probe`)] },
        },
        outputs: { parameters: [{ name: 'probe-code', value: '200' }, { name: 'set-by-controller', value: 'x' }] },
      },
    };
    const status = toRunStatus(ArgoWorkflowSchema.parse(raw));
    assert.deepEqual(status, {
      phase: 'Succeeded',
      startedAt: '2026-01-01T10:00:00Z',
      finishedAt: '2026-01-01T10:01:00Z',
      globalOutputs: { 'probe-code': '200', 'set-by-controller': 'x' },
      nodes: [
        { id: WF, name: WF, displayName: WF, templateName: 'main', type: 'Workflow', phase: 'Succeeded', startedAt: '2026-01-01T10:00:00Z', outputs: [], children: [argoNodeId(WF, `${WF}[0]`)] },
        { id: argoNodeId(WF, `${WF}[0]`), name: `${WF}[0]`, displayName: '[0]', templateName: '', type: 'StepGroup', phase: 'Succeeded', startedAt: '2026-01-01T10:00:01Z', outputs: [], children: [argoNodeId(WF, `${WF}[0].probe`)] },
        {
          id: argoNodeId(WF, `${WF}[0].probe`),
          name: `${WF}[0].probe`,
          displayName: 'probe',
          templateName: 'http-probe',
          type: 'Pod',
          phase: 'Succeeded',
          startedAt: '2026-01-01T10:00:02Z',
          outputs: [{ name: 'code', value: '200', globalName: 'probe-code' }],
          children: [argoNodeId(WF, `${WF}[0].probe(0)`), argoNodeId(WF, `${WF}[0].probe(1)`)],
          attempts: 2,
        },
        {
          id: argoNodeId(WF, `${WF}[0].probe(0)`),
          name: `${WF}[0].probe(0)`,
          displayName: 'probe(0)',
          templateName: 'http-probe',
          type: 'Pod',
          phase: 'Failed',
          startedAt: '2026-01-01T10:00:02Z',
          finishedAt: '2026-01-01T10:00:20Z',
          message: 'Error (exit code 1)',
          outputs: [],
          children: [],
        },
        {
          id: argoNodeId(WF, `${WF}[0].probe(1)`),
          name: `${WF}[0].probe(1)`,
          displayName: 'probe(1)',
          templateName: 'http-probe',
          type: 'Pod',
          phase: 'Succeeded',
          startedAt: '2026-01-01T10:00:30Z',
          finishedAt: '2026-01-01T10:00:40Z',
          outputs: [{ name: 'code', value: '200', globalName: 'probe-code' }],
          children: [],
        },
      ],
    });
  });

  test('a workflow the controller has not seen yet: Pending, no nodes', () => {
    assert.deepEqual(toRunStatus(ArgoWorkflowSchema.parse({ metadata: { name: WF }, spec: {}, status: {} })), { phase: 'Pending', nodes: [], globalOutputs: {} });
    assert.deepEqual(toRunStatus(ArgoWorkflowSchema.parse({ metadata: { name: WF }, spec: {} })), { phase: 'Pending', nodes: [], globalOutputs: {} });
  });

  test('null times (Kubernetes zero time) are left out; a value-less output is ""', () => {
    const status = toRunStatus(
      ArgoWorkflowSchema.parse({
        metadata: { name: WF },
        status: { phase: 'Running', startedAt: '2026-01-01T10:00:00Z', finishedAt: null, nodes: { [WF]: { id: WF, name: WF, type: 'Pod', phase: 'Running', finishedAt: null, outputs: { parameters: [{ name: 'x' }] } } } },
      }),
    );
    assert.deepEqual(status.nodes[0]!.outputs, [{ name: 'x', value: '' }]);
    assert.equal('finishedAt' in status, false);
    assert.equal('finishedAt' in status.nodes[0]!, false);
  });
});
