import { isTerminalPhase } from '../../../workflows/port.ts';
import type { RunStatus } from '../../../workflows/port.ts';

/** The message put on a run, and on each of its unfinished nodes, that a restart cut short. */
export const INTERRUPTED_MESSAGE = 'interrupted by a server restart';

/**
 * The status of a local run that was not finished when the server stopped: the local engine keeps
 * runs in memory only, so such a run can never finish. The run and every node that was Pending
 * or Running become Error with {@link INTERRUPTED_MESSAGE} and `finishedAt` = `now`; finished
 * nodes are kept as they were. A status that is already terminal is returned unchanged.
 */
export function interruptedStatus(previous: RunStatus, now: Date): RunStatus {
  if (isTerminalPhase(previous.phase)) return previous;
  const at = now.toISOString();
  return {
    ...previous,
    phase: 'Error',
    finishedAt: at,
    message: INTERRUPTED_MESSAGE,
    nodes: previous.nodes.map((node) => (isTerminalPhase(node.phase) ? node : { ...node, phase: 'Error', finishedAt: at, message: INTERRUPTED_MESSAGE })),
  };
}
