/**
 * The workflow engine port: runs an Argo-Workflows-shaped WorkflowTemplate with parameters and
 * reports every node. The local engine runs steps as host processes; the Argo engine submits to
 * an Argo Workflows server.
 */

/** Statuses of a run and of its nodes. Terminal: Succeeded, Failed, Error, Terminated. */
export const NODE_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error', 'Terminated', 'Skipped'] as const;
export type NodePhase = (typeof NODE_PHASES)[number];

export function isTerminalPhase(phase: NodePhase): boolean {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error' || phase === 'Terminated' || phase === 'Skipped';
}

export interface OutputParameter {
  name: string;
  value: string;
  /** Set when the template exports the output under a workflow-wide name. */
  globalName?: string;
}

/** One node of a run: a step or task, a group, or the whole workflow. */
export interface RunNode {
  id: string;
  /** Path-like name, e.g. `smoke.check[0].curl`. */
  name: string;
  displayName: string;
  templateName: string;
  type: 'Workflow' | 'Steps' | 'StepGroup' | 'DAG' | 'Task' | 'Pod' | 'Suspend' | 'Skipped';
  phase: NodePhase;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  outputs: OutputParameter[];
  children: string[];
  /** How many times the node was tried (retryStrategy). */
  attempts?: number;
}

export interface RunStatus {
  phase: NodePhase;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  nodes: RunNode[];
  /** Outputs exported with `globalName`, by that name. */
  globalOutputs: Record<string, string>;
}

export interface SubmitRun {
  /** Stagecoach's id of the run; engines use it to name what they create. */
  runId: string;
  /** The WorkflowTemplate document (Argo's shape). */
  template: Record<string, unknown> & { metadata: { name: string }; spec: Record<string, unknown> };
  /** Only parameters the template declares. */
  parameters: Record<string, string>;
}

export interface WorkflowEngine {
  readonly kind: 'local' | 'argo';
  /** Starts a run; returns the engine's id for it (a workflow name for Argo). */
  submit(run: SubmitRun): Promise<{ externalId: string }>;
  status(externalId: string): Promise<RunStatus>;
  /** Asks the run to stop; running nodes become Terminated. */
  terminate(externalId: string): Promise<void>;
  /** A node's log text (capped by the engine). */
  logs(externalId: string, nodeId: string): Promise<string>;
  /**
   * Resumes the same run (same `externalId`) from what did not succeed: its failed, errored and
   * stopped nodes run again, its succeeded ones keep their phase and outputs. Only for a Failed,
   * Error or Terminated run. Throws `RunNotResumableError` when the engine no longer has the run
   * (the caller may submit it again instead). Absent when the engine cannot resume runs.
   */
  retry?(externalId: string): Promise<void>;
}

/** `WorkflowEngine.retry`'s "this run cannot be resumed here": the engine does not have it (any more). */
export class RunNotResumableError extends Error {
  override readonly name = 'RunNotResumableError';
}
