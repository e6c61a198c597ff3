import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunNode, RunStatus } from '../../../workflows/port.ts';
import { interruptedStatus } from './interrupted.ts';

const now = new Date('2025-03-01T10:00:00.000Z');

function node(id: string, fields: Partial<RunNode> = {}): RunNode {
  return { id, name: id, displayName: id, templateName: 't', type: 'Pod', phase: 'Running', startedAt: '2025-03-01T09:00:00.000Z', outputs: [], children: [], ...fields };
}

describe('interruptedStatus', () => {
  it('ends a running run and its unfinished nodes in Error, keeping finished nodes', () => {
    const previous: RunStatus = {
      phase: 'Running',
      startedAt: '2025-03-01T09:00:00.000Z',
      nodes: [
        node('run', { type: 'Steps', children: ['a', 'b', 'c'] }),
        node('a', { phase: 'Succeeded', finishedAt: '2025-03-01T09:01:00.000Z', outputs: [{ name: 'v', value: '1', globalName: 'v' }] }),
        node('b'),
        node('c', { phase: 'Pending', startedAt: undefined }),
      ],
      globalOutputs: { v: '1' },
    };
    const message = 'interrupted by a server restart';
    const at = '2025-03-01T10:00:00.000Z';
    assert.deepEqual(interruptedStatus(previous, now), {
      phase: 'Error',
      startedAt: '2025-03-01T09:00:00.000Z',
      finishedAt: at,
      message,
      nodes: [
        { ...previous.nodes[0]!, phase: 'Error', finishedAt: at, message },
        previous.nodes[1]!,
        { ...previous.nodes[2]!, phase: 'Error', finishedAt: at, message },
        { ...previous.nodes[3]!, phase: 'Error', finishedAt: at, message },
      ],
      globalOutputs: { v: '1' },
    });
  });

  it('leaves a finished run as it was', () => {
    for (const phase of ['Succeeded', 'Failed', 'Error', 'Terminated'] as const) {
      const finished: RunStatus = { phase, startedAt: 'x', finishedAt: 'y', nodes: [node('run', { phase })], globalOutputs: {} };
      assert.equal(interruptedStatus(finished, now), finished);
    }
  });
});
