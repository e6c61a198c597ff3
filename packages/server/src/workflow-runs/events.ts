import type { EventBus, PublishEvent } from '../events/port.ts';
import { isTerminalPhase } from '../workflows/port.ts';
import type { WorkflowRunDetail } from './service.ts';

/**
 * The `workflow-node` events one stored change of a run makes: one for the run itself (no
 * `data.node`) when it is new, changed phase or began another attempt, and one per node that
 * appeared or changed phase, in the engine's order. A run's own event comes before its nodes'
 * while it goes and after them once it finished, so that a run's events open and close with it.
 * A change that touches no phase (outputs, times, a poll that read the same status) makes none.
 *
 * `data.run` is the run's id, `data.phase` the new phase and `data.previous` the one before (absent
 * for something new); the run's `product` and `release` labels scope the event, so the stream's
 * filters select a release's runs.
 */
export function workflowRunEvents(run: WorkflowRunDetail, previous: WorkflowRunDetail | undefined): PublishEvent[] {
  const scope = {
    ...(run.labels.product !== undefined ? { product: run.labels.product } : {}),
    ...(run.labels.release !== undefined ? { release: run.labels.release } : {}),
  };
  const common = { run: run.id, template: run.template, attempt: run.attempts };
  const nodes: PublishEvent[] = [];
  const before = new Map((previous?.nodes ?? []).map((n) => [n.id, n.phase]));
  for (const node of run.nodes) {
    const was = before.get(node.id);
    if (was === node.phase) continue;
    nodes.push({
      type: 'workflow-node',
      ...scope,
      data: {
        ...common,
        node: node.id,
        name: node.name,
        displayName: node.displayName,
        type: node.type,
        templateName: node.templateName,
        phase: node.phase,
        ...(was !== undefined ? { previous: was } : {}),
        ...(node.message !== undefined ? { message: node.message } : {}),
      },
    });
  }
  const runChanged = previous === undefined || previous.phase !== run.phase || previous.attempts !== run.attempts;
  if (!runChanged) return nodes;
  const own: PublishEvent = {
    type: 'workflow-node',
    ...scope,
    data: {
      ...common,
      engine: run.engine,
      phase: run.phase,
      ...(previous !== undefined ? { previous: previous.phase } : {}),
      ...(run.message !== undefined ? { message: run.message } : {}),
    },
  };
  return isTerminalPhase(run.phase) ? [...nodes, own] : [own, ...nodes];
}

/** Publishes a run's change (see `workflowRunEvents`), one event after the other. */
export async function publishWorkflowRunChange(events: EventBus, run: WorkflowRunDetail, previous: WorkflowRunDetail | undefined): Promise<void> {
  for (const event of workflowRunEvents(run, previous)) await events.publish(event);
}
