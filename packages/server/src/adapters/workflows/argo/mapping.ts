import { assertNever } from '@stagecoach/core';
import type { NodePhase, OutputParameter, RunNode, RunStatus } from '../../../workflows/port.ts';
import type { ArgoNode, ArgoWorkflow } from './client.ts';

/**
 * Pure translations between Argo's Workflow object and the port's RunStatus, and the names Argo
 * derives (node ids, pod names), following `workflow_types.go` and `workflow/util/pod_name.go`.
 */

/**
 * The message Argo's controller gives a workflow (and the nodes it fails) after
 * `PUT …/terminate` or `…/stop`: "Stopped with strategy 'Terminate'" (`operator.go`).
 */
export const STOPPED_MESSAGE = /^Stopped with strategy '(Terminate|Stop)'/;

/** The workflow annotation that says how pod names are made (`v1`: the node id; `v2`, the default: name + template + hash). */
export const POD_NAME_FORMAT_ANNOTATION = 'workflows.argoproj.io/pod-name-format';

/** 32-bit FNV-1a of the UTF-8 bytes, as Go's `hash/fnv.New32a`. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** A node's id from its name (`Workflow.NodeID`): the workflow name for the root, else `<workflow>-<fnv32a(name)>`. */
export function argoNodeId(workflowName: string, nodeName: string): string {
  return nodeName === workflowName ? workflowName : `${workflowName}-${fnv32a(nodeName)}`;
}

// Kubernetes name limit (253) minus the hash (10) minus the dash.
const MAX_POD_PREFIX = 253 - 10 - 1;

/** The pod that ran a node (`GeneratePodName`), by the workflow's pod name format. */
export function argoPodName(workflow: Pick<ArgoWorkflow, 'metadata'>, node: Pick<ArgoNode, 'id' | 'name' | 'templateName' | 'templateRef'>): string {
  const workflowName = workflow.metadata.name;
  if (workflow.metadata.annotations?.[POD_NAME_FORMAT_ANNOTATION] === 'v1') return node.id;
  if (node.name === workflowName) return workflowName;
  const template = node.templateRef?.template || node.templateName || '';
  const prefix = (template === '' ? workflowName : `${workflowName}-${template}`).slice(0, MAX_POD_PREFIX);
  return `${prefix}-${fnv32a(node.name)}`;
}

/** Argo node types that run a pod (or, for HTTP and Plugin, an agent task) of their own. */
const POD_TYPES = new Set(['Pod', 'Container', 'HTTP', 'Plugin']);

/** Whether the node has a log of its own (Retry nodes have their attempts' logs). */
export function runsPod(node: Pick<ArgoNode, 'type'>): boolean {
  return POD_TYPES.has(node.type);
}

/** Whether the workflow ended because someone asked it to stop (terminate or stop). */
export function wasStopped(workflow: ArgoWorkflow): boolean {
  const status = workflow.status;
  if (status?.phase !== 'Failed' && status?.phase !== 'Error') return false;
  const shutdown = workflow.spec?.shutdown;
  return STOPPED_MESSAGE.test(status.message ?? '') || shutdown === 'Terminate' || shutdown === 'Stop';
}

/**
 * Argo workflow phase → port phase: `""` (not yet seen by the controller) → Pending; Failed or
 * Error after a terminate or stop → Terminated; others keep their name.
 */
export function workflowPhase(workflow: ArgoWorkflow): NodePhase {
  if (wasStopped(workflow)) return 'Terminated';
  const phase = workflow.status?.phase;
  return phase === undefined || phase === null || phase === '' ? 'Pending' : phase;
}

/**
 * Argo node phase → port phase: Skipped and Omitted → Skipped; a Failed or Error node with the
 * stop message → Terminated; in a stopped workflow a node still Pending or Running → Terminated;
 * no phase yet → Pending.
 */
export function nodePhase(node: Pick<ArgoNode, 'phase' | 'message'>, workflowStopped: boolean): NodePhase {
  const phase = node.phase ?? '';
  switch (phase) {
    case '':
    case 'Pending':
    case 'Running':
      return workflowStopped ? 'Terminated' : phase === '' ? 'Pending' : phase;
    case 'Succeeded':
      return 'Succeeded';
    case 'Skipped':
    case 'Omitted':
      return 'Skipped';
    case 'Failed':
    case 'Error':
      return STOPPED_MESSAGE.test(node.message ?? '') ? 'Terminated' : phase;
    default:
      return assertNever(phase, 'Argo node phase');
  }
}

/**
 * Argo node type → port type. The root node (named as the workflow) → Workflow; Pod, Container,
 * HTTP, Plugin → Pod; Steps; StepGroup and TaskGroup (the fan-out of a DAG task) → StepGroup;
 * DAG; Suspend; Skipped; Retry → the type of its latest attempt (Pod when it has none yet); an
 * unknown type → Pod.
 */
export function nodeType(node: ArgoNode, workflowName: string, nodes: Record<string, ArgoNode>): RunNode['type'] {
  if (node.name === workflowName) return 'Workflow';
  switch (node.type) {
    case 'Steps':
      return 'Steps';
    case 'StepGroup':
    case 'TaskGroup':
      return 'StepGroup';
    case 'DAG':
      return 'DAG';
    case 'Suspend':
      return 'Suspend';
    case 'Skipped':
      return 'Skipped';
    case 'Retry': {
      const last = latestAttempt(node, nodes);
      return last ? nodeType(last, workflowName, nodes) : 'Pod';
    }
    default:
      return 'Pod';
  }
}

/** A Retry node's latest attempt: its last child present in the map. */
export function latestAttempt(node: ArgoNode, nodes: Record<string, ArgoNode>): ArgoNode | undefined {
  const children = node.children ?? [];
  for (let i = children.length - 1; i >= 0; i -= 1) {
    const child = nodes[children[i]!];
    if (child) return child;
  }
  return undefined;
}

function outputsOf(node: ArgoNode): OutputParameter[] {
  return (node.outputs?.parameters ?? []).map((p) => ({ name: p.name, value: p.value ?? '', ...(p.globalName ? { globalName: p.globalName } : {}) }));
}

/**
 * The whole RunStatus of an Argo workflow. Nodes are ordered by start time (not started last),
 * then name, since Argo's node map has no order. `globalOutputs` are the node outputs exported
 * with `globalName`, overridden by `status.outputs.parameters`, where the controller copies them.
 */
export function toRunStatus(workflow: ArgoWorkflow): RunStatus {
  const status = workflow.status ?? {};
  const nodes = status.nodes ?? {};
  const stopped = wasStopped(workflow);
  const workflowName = workflow.metadata.name;
  const globalOutputs: Record<string, string> = {};
  const runNodes: RunNode[] = Object.values(nodes).map((node) => {
    const outputs = outputsOf(node);
    for (const p of outputs) if (p.globalName) globalOutputs[p.globalName] = p.value;
    return {
      id: node.id,
      name: node.name,
      displayName: node.displayName || node.name,
      templateName: node.templateRef?.template || node.templateName || '',
      type: nodeType(node, workflowName, nodes),
      phase: nodePhase(node, stopped),
      ...(node.startedAt ? { startedAt: node.startedAt } : {}),
      ...(node.finishedAt ? { finishedAt: node.finishedAt } : {}),
      ...(node.message ? { message: node.message } : {}),
      outputs,
      children: node.children ?? [],
      ...(node.type === 'Retry' ? { attempts: (node.children ?? []).length } : {}),
    };
  });
  runNodes.sort((a, b) => compareStart(a.startedAt, b.startedAt) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const p of status.outputs?.parameters ?? []) globalOutputs[p.name] = p.value ?? '';
  return {
    phase: workflowPhase(workflow),
    ...(status.startedAt ? { startedAt: status.startedAt } : {}),
    ...(status.finishedAt ? { finishedAt: status.finishedAt } : {}),
    ...(status.message ? { message: status.message } : {}),
    nodes: runNodes,
    globalOutputs,
  };
}

function compareStart(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}
