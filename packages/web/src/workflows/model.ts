import dagre from '@dagrejs/dagre';
import type { WorkflowNodePhase, WorkflowRunNode, WorkflowTemplate } from '@stagecoach/core';
import { durationBetween, statusLook, type StatusLook } from '../releases/status.ts';
import type { StagecoachEvent } from '../live/events.ts';
import type { RunCommand } from './api.ts';

/** The annotation holding a template's one-line description. */
export const DESCRIPTION_ANNOTATION = 'description';

/** A parameter a template declares: its default, when it has one. Without a default it must be given. */
export interface DeclaredParameter {
  name: string;
  default?: string;
}

/** The parameters `spec.arguments.parameters` declares, in order. */
export function declaredParameters(template: WorkflowTemplate): DeclaredParameter[] {
  return (template.spec.arguments?.parameters ?? []).map((parameter) =>
    parameter.value === undefined ? { name: parameter.name } : { name: parameter.name, default: parameter.value },
  );
}

/** The template's description annotation, or `''`. */
export function templateDescription(template: WorkflowTemplate): string {
  return template.metadata.annotations?.[DESCRIPTION_ANNOTATION] ?? '';
}

/** The run form's first values: each declared parameter's default, `''` when it has none. */
export function initialParameterValues(parameters: readonly DeclaredParameter[]): Record<string, string> {
  return Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.default ?? '']));
}

/** The names of declared parameters without a default that are still empty. */
export function missingParameters(parameters: readonly DeclaredParameter[], values: Readonly<Record<string, string>>): string[] {
  return parameters.filter((parameter) => parameter.default === undefined && (values[parameter.name] ?? '') === '').map((parameter) => parameter.name);
}

/** Every phase a run or node can be in, for the status filter. */
export const RUN_PHASES: readonly WorkflowNodePhase[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error', 'Terminated', 'Skipped'];

/** Whether a live event tells of a change of run `id`: of the run itself or of one of its nodes. */
export function isEventOfRun(event: Pick<StagecoachEvent, 'type' | 'data'>, id: string): boolean {
  return event.type === 'workflow-node' && event.data.run === id;
}

/** A run that is still going: Pending or Running. Every other phase is final until a retry. */
export function isRunActive(phase: WorkflowNodePhase): boolean {
  return phase === 'Pending' || phase === 'Running';
}

/**
 * The commands that make sense in a phase: terminate while the run goes; retry after it failed,
 * errored or was terminated; resubmit once it finished, whatever the outcome.
 */
export function allowedCommands(phase: WorkflowNodePhase): RunCommand[] {
  if (isRunActive(phase)) return ['terminate'];
  if (phase === 'Failed' || phase === 'Error' || phase === 'Terminated') return ['retry', 'resubmit'];
  return ['resubmit'];
}

/** How a run or node phase looks; Error is red like Failed. */
export function phaseLook(phase: string): StatusLook {
  return phase === 'Error' ? { color: 'red', icon: '!' } : statusLook(phase);
}

/** A node's duration in milliseconds: to its end, or to `now` (ISO 8601) while it runs. */
export function nodeDurationMs(node: Pick<WorkflowRunNode, 'startedAt' | 'finishedAt'>, now: string): number | undefined {
  if (node.startedAt === undefined) return undefined;
  return durationBetween(node.startedAt, node.finishedAt ?? now);
}

/** Node size in the run graph, in pixels. */
export const RUN_NODE_WIDTH = 220;
export const RUN_NODE_HEIGHT = 64;

/** One parent → child edge of the run graph. */
export interface RunEdge {
  id: string;
  source: string;
  target: string;
}

/** An edge from each node to each of its children that the run lists. */
export function runEdges(nodes: readonly WorkflowRunNode[]): RunEdge[] {
  const present = new Set(nodes.map((node) => node.id));
  return nodes.flatMap((node) =>
    node.children.filter((child) => present.has(child)).map((child) => ({ id: `${node.id}->${child}`, source: node.id, target: child })),
  );
}

/** What the layout depends on: the node ids and the edges. Equal keys, equal layouts. */
export function runLayoutKey(nodes: readonly WorkflowRunNode[]): string {
  return nodes.map((node) => `${node.id}>${node.children.join(',')}`).join('|');
}

/** The top-left corner of each node, by id, laid out top to bottom with dagre from the children lists. */
export function layoutRun(nodes: readonly WorkflowRunNode[]): Map<string, { x: number; y: number }> {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 48, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: RUN_NODE_WIDTH, height: RUN_NODE_HEIGHT });
  for (const edge of runEdges(nodes)) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);
  const layout = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const placed = graph.node(node.id) as { x: number; y: number };
    layout.set(node.id, { x: placed.x - RUN_NODE_WIDTH / 2, y: placed.y - RUN_NODE_HEIGHT / 2 });
  }
  return layout;
}

/** The node whose logs are shown first: the first Pod that failed, else the first Pod, else none. */
export function defaultLogNode(nodes: readonly WorkflowRunNode[]): string | undefined {
  const pods = nodes.filter((node) => node.type === 'Pod');
  return (pods.find((node) => node.phase === 'Failed' || node.phase === 'Error') ?? pods[0])?.id;
}

/** A new template's starting text, in the shape the editor saves. */
export function templateSkeleton(): WorkflowTemplate {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name: 'my-workflow', annotations: { [DESCRIPTION_ANNOTATION]: 'What this workflow does' } },
    spec: {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'MESSAGE', value: 'hello' }] },
      templates: [{ name: 'main', script: { image: 'alpine', command: ['sh'], source: 'echo "{{workflow.parameters.MESSAGE}}"\n' } }],
    },
  };
}
