import { Graph, layout } from '@dagrejs/dagre';
import { flowGraph } from '@stagecoach/core';
import type { FlowSpec } from './model.ts';

/** Size of one environment node on the chart, in pixels. */
export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 132;

/** Where each environment sits (top-left corner) and which arrows join them. */
export interface FlowLayout {
  positions: ReadonlyMap<string, { x: number; y: number }>;
  /** From an environment to a step that waits for it. */
  edges: readonly { from: string; to: string }[];
}

/**
 * Lays the flow out left to right with dagre: the trigger environment first, each step right of
 * what it waits for, parallel steps one above the other. Arrows to names outside the flow are left out.
 */
export function layoutFlow(spec: FlowSpec): FlowLayout {
  if (!spec.triggerEnvironment) return { positions: new Map(), edges: [] };
  const graph = flowGraph(spec);
  const nodes = [graph.trigger, ...graph.steps];
  const inFlow = new Set(nodes);
  const edges = graph.steps.flatMap((step) => graph.dependsOn.get(step)!.filter((d) => inFlow.has(d) && d !== step).map((from) => ({ from, to: step })));

  const g = new Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 90, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) g.setNode(node, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of edges) g.setEdge(edge.from, edge.to);
  layout(g);

  const positions = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const placed = g.node(node);
    positions.set(node, { x: placed.x - NODE_WIDTH / 2, y: placed.y - NODE_HEIGHT / 2 });
  }
  return { positions, edges };
}
