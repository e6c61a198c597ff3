import type { PromotionFlow, WorkflowTemplate } from '@stagecoach/core';
import { apiGet, apiPost, apiRequest } from '../api.ts';
import type { ResourceList } from '../resources.ts';
import { cleanFlow } from './model.ts';

/** Query keys of the flow pages, so saving can refresh the list and the flow. */
export const flowKeys = {
  all: ['promotion-flows'] as const,
  one: (name: string) => ['promotion-flows', name] as const,
  workflowTemplates: ['workflow-templates'] as const,
};

export async function listFlows(signal?: AbortSignal): Promise<PromotionFlow[]> {
  return (await apiGet<ResourceList<PromotionFlow>>('/api/v1/promotion-flows', signal)).items;
}

export function getFlow(name: string, signal?: AbortSignal): Promise<PromotionFlow> {
  return apiGet<PromotionFlow>(`/api/v1/promotion-flows/${encodeURIComponent(name)}`, signal);
}

export async function listWorkflowTemplates(signal?: AbortSignal): Promise<WorkflowTemplate[]> {
  return (await apiGet<ResourceList<WorkflowTemplate>>('/api/v1/workflow-templates', signal)).items;
}

/** What the server answers to a write: one result per resource, with its new resourceVersion. */
export interface WriteReport {
  results: { kind: string; name: string; outcome: string; resourceVersion?: string }[];
}

/**
 * Saves a flow: POST for a new one, PUT otherwise. `resourceVersion` is the version the edit
 * started from; the server refuses (409) when someone saved the flow since.
 */
export function saveFlow(flow: PromotionFlow, existing: { resourceVersion: string | undefined } | undefined): Promise<WriteReport> {
  const body = cleanFlow(flow);
  if (existing === undefined) return apiPost<WriteReport>('/api/v1/promotion-flows', body);
  if (existing.resourceVersion !== undefined) body.metadata.resourceVersion = existing.resourceVersion;
  return apiRequest<WriteReport>(`/api/v1/promotion-flows/${encodeURIComponent(flow.metadata.name)}`, { method: 'PUT', body });
}

/** What the flow-trigger answer carries that the UI uses: the new release. */
export interface TriggeredRelease {
  id: string;
  [field: string]: unknown;
}

/** Starts a flow for a product; `application` picks the trigger-environment application when there are several. */
export function triggerFlow(flow: string, product: string, application?: string): Promise<TriggeredRelease> {
  return apiPost<TriggeredRelease>(`/api/v1/promotion-flows/${encodeURIComponent(flow)}/trigger`, {
    product,
    ...(application !== undefined ? { application } : {}),
  });
}
