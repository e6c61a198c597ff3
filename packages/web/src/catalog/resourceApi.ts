import { apiGet, apiPost, apiRequest, ApiError, type ApiErrorDetail } from '../api.ts';
import type { ResourceList } from '../resources.ts';

/** The path segment of each kind these pages write. */
export type ResourcePlural = 'environments' | 'applications' | 'promotion-policies' | 'products' | 'workflow-templates';

/** The query key of a kind's list, shared with every page that shows that kind. */
export function resourceKey(plural: ResourcePlural) {
  return [plural] as const;
}

/** What a create or replace answers: one result per resource written, with its new version. */
export interface WriteReport {
  results: { kind: string; name: string; outcome: string; resourceVersion?: string }[];
  warnings: ApiErrorDetail[];
}

/** A stored resource as these pages handle it: named, versioned. */
interface Named {
  metadata: { name: string; resourceVersion?: string | undefined };
}

/** Every stored resource of a kind, ordered by name. */
export async function listResources<T>(plural: ResourcePlural, signal?: AbortSignal): Promise<T[]> {
  return (await apiGet<ResourceList<T>>(`/api/v1/${plural}`, signal)).items;
}

/**
 * Creates `resource` (POST), or replaces the stored one (PUT) when `previous` is the resource
 * the edit started from: its `resourceVersion` goes along, so the server refuses (409
 * `stale-resource-version`) a write over someone else's change made in between.
 */
export function saveResource<T extends Named>(plural: ResourcePlural, resource: T, previous?: Named): Promise<WriteReport> {
  if (previous === undefined) return apiPost<WriteReport>(`/api/v1/${plural}`, withoutServerFields(resource));
  const body = withoutServerFields(resource);
  const version = previous.metadata.resourceVersion;
  const sent = version === undefined ? body : { ...body, metadata: { ...body.metadata, resourceVersion: version } };
  return apiRequest<WriteReport>(`/api/v1/${plural}/${encodeURIComponent(previous.metadata.name)}`, { method: 'PUT', body: sent });
}

/** Deletes one resource, only while it still has the version the user saw. */
export function deleteResource(plural: ResourcePlural, resource: Named): Promise<unknown> {
  const version = resource.metadata.resourceVersion;
  const query = version === undefined ? '' : `?resourceVersion=${encodeURIComponent(version)}`;
  return apiRequest(`/api/v1/${plural}/${encodeURIComponent(resource.metadata.name)}${query}`, { method: 'DELETE' });
}

/** `resource` without the metadata the server keeps (version, timestamps). */
export function withoutServerFields<T extends Named>(resource: T): T {
  const { resourceVersion: _version, creationTimestamp: _created, updateTimestamp: _updated, ...metadata } = resource.metadata as Named['metadata'] & {
    creationTimestamp?: string;
    updateTimestamp?: string;
  };
  return { ...resource, metadata };
}

/**
 * An error's problems sorted under the form fields they concern. `fields` maps each field to the
 * resource path it edits (`metadata.name`, `spec.order`); a problem goes to the field whose path
 * is the longest prefix of its own, and to `other` when none is. Errors that are not API errors,
 * or carry no details, give their message in `other`.
 */
export function problemsByField<F extends string>(error: unknown, fields: Record<F, string>): { byField: Partial<Record<F, string[]>>; other: string[] } {
  const byField: Partial<Record<F, string[]>> = {};
  const other: string[] = [];
  const details = error instanceof ApiError ? error.details : [];
  if (details.length === 0) {
    if (error !== undefined && error !== null) other.push(error instanceof Error ? error.message : String(error));
    return { byField, other };
  }
  for (const detail of details) {
    const field = fieldOf(detail.path, fields);
    if (field === undefined) other.push(detail.path === '' ? detail.message : `${detail.path}: ${detail.message}`);
    else (byField[field] ??= []).push(detail.message);
  }
  return { byField, other };
}

function fieldOf<F extends string>(path: string, fields: Record<F, string>): F | undefined {
  let best: F | undefined;
  let bestLength = -1;
  for (const [field, prefix] of Object.entries(fields) as [F, string][]) {
    const covers = path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
    if (covers && prefix.length > bestLength) {
      best = field;
      bestLength = prefix.length;
    }
  }
  return best;
}

/** The resources a refused delete (`409 in_use`) named as still referring, e.g. `Application "cf-101-qa"`. */
export function referrers(error: unknown): string[] {
  if (!(error instanceof ApiError) || error.code !== 'in_use') return [];
  const names = error.details.map((d) => (typeof d.kind === 'string' && typeof d.name === 'string' ? `${d.kind} "${d.name}"` : d.message));
  return [...new Set(names)];
}
