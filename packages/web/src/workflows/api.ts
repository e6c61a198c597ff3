import type { WorkflowNodePhase, WorkflowRunNode, WorkflowTemplate } from '@stagecoach/core';
import { apiGet, apiPost, apiRequest } from '../api.ts';
import type { ResourceList } from '../resources.ts';

/** The labels a run carries: what it ran for. Every one is optional. */
export interface WorkflowRunLabels {
  product?: string;
  environment?: string;
  application?: string;
  release?: string;
}

/** One item of `GET /api/v1/workflow-runs`: a run without its nodes. */
export interface WorkflowRunSummary {
  id: string;
  template: string;
  engine: 'local' | 'argo';
  phase: WorkflowNodePhase;
  message?: string;
  parameters: Record<string, string>;
  labels: WorkflowRunLabels;
  /** The run this one was resubmitted from. */
  retryOf?: string;
  /** 1, one more per retry. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** `GET /api/v1/workflow-runs/{id}`: the run with its nodes and global outputs. */
export interface WorkflowRunDetail extends WorkflowRunSummary {
  externalId?: string;
  nodes: WorkflowRunNode[];
  /** Outputs exported with `globalName`, by that name. */
  outputs: Record<string, string>;
}

/** Filters of the run list; each absent one does not filter. `phase` is the run's status. */
export interface WorkflowRunFilter {
  template?: string | undefined;
  phase?: string | undefined;
  product?: string | undefined;
  environment?: string | undefined;
  release?: string | undefined;
  limit?: number | undefined;
}

/** What a write of a resource answers: one result per resource, with its new version. */
export interface WriteReport {
  results: { kind: string; name: string; outcome: string; resourceVersion?: string }[];
}

/** TanStack Query keys of the workflow pages; invalidating `runs` reloads every list and run. */
export const workflowKeys = {
  templates: ['workflow-templates'] as const,
  template: (name: string) => ['workflow-templates', name] as const,
  runs: ['workflow-runs'] as const,
  runList: (filter: WorkflowRunFilter) => ['workflow-runs', 'list', filter] as const,
  run: (id: string) => ['workflow-runs', 'detail', id] as const,
  /** Every log of one run (every node and the whole run). */
  runLogs: (id: string) => ['workflow-runs', 'logs', id] as const,
  logs: (id: string, node: string | undefined) => ['workflow-runs', 'logs', id, node ?? ''] as const,
};

/** The list path of a filter, without empty fields. */
export function runListPath(filter: WorkflowRunFilter): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) {
    if (value !== undefined && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  return text === '' ? '/api/v1/workflow-runs' : `/api/v1/workflow-runs?${text}`;
}

export async function listWorkflowTemplates(signal?: AbortSignal): Promise<WorkflowTemplate[]> {
  return (await apiGet<ResourceList<WorkflowTemplate>>('/api/v1/workflow-templates', signal)).items;
}

export function getWorkflowTemplate(name: string, signal?: AbortSignal): Promise<WorkflowTemplate> {
  return apiGet<WorkflowTemplate>(`/api/v1/workflow-templates/${encodeURIComponent(name)}`, signal);
}

/**
 * Saves a template: POST when it is new, PUT otherwise. The server checks it like an apply and
 * answers 422 with every problem (and 409 when `metadata.resourceVersion` is stale).
 */
export function saveWorkflowTemplate(template: WorkflowTemplate, isNew: boolean): Promise<WriteReport> {
  if (isNew) return apiPost<WriteReport>('/api/v1/workflow-templates', template);
  return apiRequest<WriteReport>(`/api/v1/workflow-templates/${encodeURIComponent(template.metadata.name)}`, { method: 'PUT', body: template });
}

export async function listWorkflowRuns(filter: WorkflowRunFilter, signal?: AbortSignal): Promise<WorkflowRunSummary[]> {
  return (await apiGet<{ items: WorkflowRunSummary[] }>(runListPath(filter), signal)).items;
}

export function getWorkflowRun(id: string, signal?: AbortSignal): Promise<WorkflowRunDetail> {
  return apiGet<WorkflowRunDetail>(`/api/v1/workflow-runs/${encodeURIComponent(id)}`, signal);
}

/** The log text of one node (by id or name), or of every node when `node` is absent. */
export function getWorkflowRunLogs(id: string, node: string | undefined, signal?: AbortSignal): Promise<string> {
  const query = node === undefined ? '' : `?node=${encodeURIComponent(node)}`;
  return apiRequest<string>(`/api/v1/workflow-runs/${encodeURIComponent(id)}/logs${query}`, { expect: 'text', signal });
}

/** Starts a run of `template`; parameters it does not declare are dropped by the server. */
export function startWorkflowRun(template: string, parameters: Record<string, string>): Promise<WorkflowRunDetail> {
  return apiPost<WorkflowRunDetail>('/api/v1/workflow-runs', { template, parameters });
}

/** Terminate (stop a running run), retry (run a failed one again, same id) or resubmit (a new run). */
export type RunCommand = 'terminate' | 'retry' | 'resubmit';

export function commandWorkflowRun(id: string, command: RunCommand): Promise<WorkflowRunDetail> {
  return apiPost<WorkflowRunDetail>(`/api/v1/workflow-runs/${encodeURIComponent(id)}/${command}`);
}
