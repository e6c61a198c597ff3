import type { Release, ReleaseStatus, ReleaseTrigger, StepStatus } from '@stagecoach/core';
import { apiGet, apiPost, apiRequest } from '../api.ts';

/** Steps per status group, as the API counts them. */
export interface ReleaseCounters {
  succeeded: number;
  running: number;
  failed: number;
  pending: number;
}

/** `GET /api/v1/releases/{id}`: the release with its people-facing title and counters. */
export interface ReleaseView extends Release {
  /** `cf-101 #4`. */
  title: string;
  counters: ReleaseCounters;
}

/** One item of `GET /api/v1/releases`. */
export interface ReleaseSummary {
  id: string;
  number: number;
  title: string;
  product: string;
  /** The flow's name, or `manual`. */
  flow: string;
  flowVersion?: string;
  /** The product's version in the trigger environment at creation. */
  version: string;
  trigger: ReleaseTrigger;
  initiator: string;
  status: ReleaseStatus;
  message?: string;
  commit: { sha: string; message: string; author: string };
  steps: { environment: string; status: StepStatus; message?: string }[];
  counters: ReleaseCounters;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  updatedAt: string;
}

/** Filters of the release list; each absent one does not filter. */
export interface ReleaseFilter {
  product?: string | undefined;
  flow?: string | undefined;
  /** One status or a comma list. */
  status?: string | undefined;
  /** ISO 8601 bounds on the creation time. */
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
}

/** TanStack Query keys of releases: invalidating `all` reloads every list and release. */
export const releaseQueryKeys = {
  all: ['releases'] as const,
  lists: ['releases', 'list'] as const,
  list: (filter: ReleaseFilter) => ['releases', 'list', filter] as const,
  detail: (id: string) => ['releases', 'detail', id] as const,
};

/** The query string of a filter, without empty fields. */
export function releaseListPath(filter: ReleaseFilter): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) {
    if (value !== undefined && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  return text === '' ? '/api/v1/releases' : `/api/v1/releases?${text}`;
}

export async function listReleases(filter: ReleaseFilter, signal?: AbortSignal): Promise<ReleaseSummary[]> {
  return (await apiGet<{ items: ReleaseSummary[] }>(releaseListPath(filter), signal)).items;
}

export function getRelease(id: string, signal?: AbortSignal): Promise<ReleaseView> {
  return apiGet<ReleaseView>(`/api/v1/releases/${encodeURIComponent(id)}`, signal);
}

export function retryRelease(id: string): Promise<ReleaseView> {
  return apiPost<ReleaseView>(`/api/v1/releases/${encodeURIComponent(id)}/retry`);
}

export function terminateRelease(id: string): Promise<ReleaseView> {
  return apiPost<ReleaseView>(`/api/v1/releases/${encodeURIComponent(id)}/terminate`);
}

/** The log text of every node of a workflow run. */
export function getWorkflowRunLogs(run: string, signal?: AbortSignal): Promise<string> {
  return apiRequest<string>(`/api/v1/workflow-runs/${encodeURIComponent(run)}/logs`, { expect: 'text', signal });
}
