import type { WorkflowRunNode, WorkflowTemplate } from '@stagecoach/core';
import { describe, expect, it } from 'vitest';
import { runListPath } from './api.ts';
import {
  allowedCommands,
  declaredParameters,
  defaultLogNode,
  initialParameterValues,
  isEventOfRun,
  layoutRun,
  missingParameters,
  nodeDurationMs,
  runEdges,
  templateDescription,
} from './model.ts';

function aTemplate(parameters: { name: string; value?: string }[]): WorkflowTemplate {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name: 'fail-on-purpose', annotations: { description: 'Exits 1 when asked' } },
    spec: { entrypoint: 'main', arguments: { parameters }, templates: [{ name: 'main' }] },
  };
}

function aNode(id: string, type: WorkflowRunNode['type'], children: string[] = [], phase: WorkflowRunNode['phase'] = 'Succeeded'): WorkflowRunNode {
  return { id, name: id, displayName: id, templateName: 'main', type, phase, outputs: [], children };
}

describe('template parameters', () => {
  const template = aTemplate([{ name: 'SHOULD_FAIL', value: 'true' }, { name: 'TARGET' }]);

  it('lists declared parameters with their defaults and the description', () => {
    expect(declaredParameters(template)).toEqual([{ name: 'SHOULD_FAIL', default: 'true' }, { name: 'TARGET' }]);
    expect(templateDescription(template)).toBe('Exits 1 when asked');
    expect(initialParameterValues(declaredParameters(template))).toEqual({ SHOULD_FAIL: 'true', TARGET: '' });
  });

  it('names the parameters without a default left empty', () => {
    const declared = declaredParameters(template);
    expect(missingParameters(declared, { SHOULD_FAIL: '', TARGET: '' })).toEqual(['TARGET']);
    expect(missingParameters(declared, { SHOULD_FAIL: 'false', TARGET: 'x' })).toEqual([]);
  });
});

describe('runs', () => {
  it('builds the list path from the filters that are set', () => {
    expect(runListPath({})).toBe('/api/v1/workflow-runs');
    expect(runListPath({ template: 'smoke', phase: 'Failed', product: '', release: undefined, limit: 100 })).toBe('/api/v1/workflow-runs?template=smoke&phase=Failed&limit=100');
  });

  it('tells the live events of a run (the run or one of its nodes) from those of other runs and other kinds', () => {
    expect(isEventOfRun({ type: 'workflow-node', data: { run: 'run-1', phase: 'Running' } }, 'run-1')).toBe(true);
    expect(isEventOfRun({ type: 'workflow-node', data: { run: 'run-1', node: 'pod-1', phase: 'Failed' } }, 'run-1')).toBe(true);
    expect(isEventOfRun({ type: 'workflow-node', data: { run: 'run-10', phase: 'Running' } }, 'run-1')).toBe(false);
    expect(isEventOfRun({ type: 'task', data: { run: 'run-1', status: 'Running' } }, 'run-1')).toBe(false);
    expect(isEventOfRun({ type: 'workflow-node', data: {} }, 'run-1')).toBe(false);
  });

  it('offers the commands the phase allows', () => {
    expect(allowedCommands('Running')).toEqual(['terminate']);
    expect(allowedCommands('Pending')).toEqual(['terminate']);
    expect(allowedCommands('Failed')).toEqual(['retry', 'resubmit']);
    expect(allowedCommands('Error')).toEqual(['retry', 'resubmit']);
    expect(allowedCommands('Succeeded')).toEqual(['resubmit']);
  });

  it('measures a node to its end, or to now while it runs', () => {
    expect(nodeDurationMs({ startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:02.500Z' }, '2026-01-01T01:00:00Z')).toBe(2500);
    expect(nodeDurationMs({ startedAt: '2026-01-01T00:00:00Z' }, '2026-01-01T00:00:04Z')).toBe(4000);
    expect(nodeDurationMs({}, '2026-01-01T00:00:04Z')).toBeUndefined();
  });
});

describe('run graph', () => {
  const nodes = [aNode('run', 'Steps', ['g0']), aNode('g0', 'StepGroup', ['a', 'b', 'gone']), aNode('a', 'Pod', [], 'Succeeded'), aNode('b', 'Pod', [], 'Failed')];

  it('draws an edge to each listed child that exists', () => {
    expect(runEdges(nodes)).toEqual([
      { id: 'run->g0', source: 'run', target: 'g0' },
      { id: 'g0->a', source: 'g0', target: 'a' },
      { id: 'g0->b', source: 'g0', target: 'b' },
    ]);
  });

  it('places children below their parent and siblings side by side', () => {
    const layout = layoutRun(nodes);
    expect(layout.get('run')!.y).toBeLessThan(layout.get('g0')!.y);
    expect(layout.get('g0')!.y).toBeLessThan(layout.get('a')!.y);
    expect(layout.get('a')!.y).toBe(layout.get('b')!.y);
    expect(layout.get('a')!.x).not.toBe(layout.get('b')!.x);
  });

  it('shows the logs of the first failed pod first', () => {
    expect(defaultLogNode(nodes)).toBe('b');
    expect(defaultLogNode(nodes.slice(0, 3))).toBe('a');
    expect(defaultLogNode(nodes.slice(0, 2))).toBeUndefined();
  });
});
